"""A small HTTPS web service for the integration tests (post-call, OAuth2 token endpoint,
sub-flow documents). Every request is appended to <work>/requests.jsonl as one JSON object:
method, path, headers and body. Usage:

    https_endpoint.py WORK CERT KEY [PORT]

PORT 0 (the default) binds a free port; the port is written to WORK/endpoint.port once the
server listens. Routes:
  POST /token        OAuth2 client credentials: answers an access token for client "kl" with
                     secret read from WORK/client_secret; counts tokens in WORK/tokens
  GET|POST /doc/NAME answers the file WORK/docs/NAME (a sub-flow document), 404 if absent
  anything else      200 {"ok": true}; 401 when WORK/require_token exists and the request's
                     bearer token is not one it issued (WORK/revoke: revoke every token issued
                     so far, once)
"""
import http.server, json, os, ssl, sys, threading

work, cert, key = sys.argv[1:4]
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
lock = threading.Lock()
state = {"tokens": 0, "valid": set()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _body(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(length).decode("utf-8", "replace") if length else ""

    def _answer(self, status, body, content_type="application/json"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body):
        entry = {"method": self.command, "path": self.path,
                 "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with lock, open(os.path.join(work, "requests.jsonl"), "a") as log:
            log.write(json.dumps(entry) + "\n")

    def _handle(self):
        body = self._body()
        self._record(body)
        if self.path == "/token" and self.command == "POST":
            from urllib.parse import parse_qs
            import base64
            form = {k: v[0] for k, v in parse_qs(body).items()}
            client, secret = form.get("client_id"), form.get("client_secret")
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                client, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            expected = open(os.path.join(work, "client_secret")).read().strip()
            if form.get("grant_type") != "client_credentials" or client != "kl" or secret != expected:
                return self._answer(401, json.dumps({"error": "invalid_client"}))
            with lock:
                state["tokens"] += 1
                token = "tok-%d" % state["tokens"]
                state["valid"].add(token)
                with open(os.path.join(work, "tokens"), "w") as f:
                    f.write(str(state["tokens"]))
            return self._answer(200, json.dumps({"access_token": token, "token_type": "Bearer",
                                                 "expires_in": 3600}))
        if self.path.startswith("/doc/"):
            name = os.path.basename(self.path[5:].split("?")[0])
            path = os.path.join(work, "docs", name)
            if not os.path.isfile(path):
                return self._answer(404, json.dumps({"error": "no such document"}))
            return self._answer(200, open(path).read())
        if os.path.exists(os.path.join(work, "require_token")):
            revoke = os.path.join(work, "revoke")
            with lock:
                if os.path.exists(revoke):  # every token issued so far stops working
                    os.remove(revoke)
                    state["valid"].clear()
                auth = self.headers.get("Authorization", "")
                ok = auth.startswith("Bearer ") and auth[7:] in state["valid"]
            if not ok:
                return self._answer(401, json.dumps({"error": "invalid_token"}))
        return self._answer(200, json.dumps({"ok": True}))

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # The default listen backlog (5) drops the SYNs of a burst of parallel clients, whose
    # connects then wait out TCP's retransmission backoff (1, 3, 7, 15 s ...).
    request_queue_size = 128


server = Server(("127.0.0.1", port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(os.path.join(work, "endpoint.port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(work, "endpoint.port.tmp"), os.path.join(work, "endpoint.port"))
server.serve_forever()
