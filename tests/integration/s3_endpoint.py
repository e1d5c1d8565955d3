"""A tiny S3-compatible HTTPS endpoint for the recording upload test: it VERIFIES each request's
AWS Signature Version 4 as S3 does (written here from AWS's documentation: canonical request,
string to sign, HMAC-SHA256 key derivation), independently of the server's libcurl. Usage:

    s3_endpoint.py WORK CERT KEY ACCESS_KEY_ID SECRET_ACCESS_KEY REGION

A PUT whose signature is valid is stored under WORK/objects/<path> and answered 200; any other
request is answered 403 (SignatureDoesNotMatch, InvalidAccessKeyId, ...). Every request is
appended to WORK/requests.jsonl (method, path, verdict, body size). The port is written to
WORK/endpoint.port once the server listens.
"""
import hashlib, hmac, http.server, json, os, ssl, sys, threading
from urllib.parse import parse_qsl, quote

work, cert, key, access_key, secret_key, region = sys.argv[1:7]
lock = threading.Lock()


def hmac256(key, text):
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def canonical_query(query):
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~"))
                   for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v}" for k, v in pairs)


def verify(method, raw_path, headers, body):
    """Returns None when the request is signed correctly, else the S3 error code."""
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "MissingAuthorization"
    fields = {}
    for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        name, _, value = part.strip().partition("=")
        fields[name] = value
    try:
        key_id, date, scope_region, service, terminator = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError):
        return "AuthorizationHeaderMalformed"
    if key_id != access_key:
        return "InvalidAccessKeyId"
    amz_date = headers.get("x-amz-date", "")
    if scope_region != region or service != "s3" or terminator != "aws4_request" \
            or not amz_date.startswith(date):
        return "AuthorizationHeaderMalformed"
    # S3 wants the payload hash in a signed header, and checks it against the body.
    content_hash = headers.get("x-amz-content-sha256")
    if "host" not in signed or "x-amz-date" not in signed or "x-amz-content-sha256" not in signed:
        return "AccessDenied"
    if content_hash != hashlib.sha256(body).hexdigest():
        return "XAmzContentSHA256Mismatch"
    path, _, query = raw_path.partition("?")
    canonical_headers = "".join(f"{h}:{' '.join(headers.get(h, '').split())}\n" for h in signed)
    canonical_request = "\n".join([method, path, canonical_query(query), canonical_headers,
                                   ";".join(signed), content_hash])
    scope = f"{date}/{region}/s3/aws4_request"
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical_request.encode()).hexdigest()])
    signing_key = hmac256(hmac256(hmac256(hmac256(("AWS4" + secret_key).encode(), date),
                                          region), "s3"), "aws4_request")
    expected = hmac.new(signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "SignatureDoesNotMatch"
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _handle(self):
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        error = verify(self.command, self.path, headers, body)
        if error is None and self.command != "PUT":
            error = "MethodNotAllowed"
        with lock, open(os.path.join(work, "requests.jsonl"), "a") as log:
            log.write(json.dumps({"method": self.command, "path": self.path,
                                  "verdict": error or "ok", "bytes": len(body),
                                  "content_type": headers.get("content-type", "")}) + "\n")
        if error is None:
            target = os.path.join(work, "objects", self.path.lstrip("/").replace("/", "_"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(body)
            status, answer = 200, b""
        else:
            status = 403
            answer = f"<Error><Code>{error}</Code></Error>".encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = _handle

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(os.path.join(work, "endpoint.port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(work, "endpoint.port.tmp"), os.path.join(work, "endpoint.port"))
server.serve_forever()
