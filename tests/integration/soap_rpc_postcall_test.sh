#!/usr/bin/env bash
# SOAP rpc/encoded and the post-call web service's SOAP form with a WSDL URL, over real SIP
# calls against a local HTTPS service (python3 ssl, a CA made by this test, a free port).
# The service's WSDL describes rpc/encoded operations (Axis 1 style). App "charge" runs a soap
# module on operation Charge, whose envelope must carry soap:encodingStyle and an xsi:type per
# part, and its post_call names the same WSDL URL (the worker's cache serves it: one fetch for
# two calls). App "ended" has only a post_call, on a second WSDL URL that no module used: the
# worker fetches it when the call ends. Every post-call request must arrive, as the WSDL
# describes it, with the call's id as its Idempotency-Key. A third app's post_call names a WSDL
# URL that answers 404: its call's request is not sent, and the server log says so.
source "$(dirname "$0")/lib.sh" "$1" "$2"

make_test_pki "Keyline rpc test CA"

# --- the service: GET /legacy.wsdl and /ended.wsdl (the same document), POST /axis --------
cat >"$WORK/legacy.py" <<'PY'
import http.server, os, ssl, sys
import xml.etree.ElementTree as ET
work = sys.argv[1]
WSDL = """<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:legacy"
    targetNamespace="urn:legacy">
  <wsdl:message name="ChargeIn"><wsdl:part name="account" type="xsd:string"/>
    <wsdl:part name="cents" type="xsd:int"/></wsdl:message>
  <wsdl:message name="EndedIn"><wsdl:part name="callId" type="xsd:string"/>
    <wsdl:part name="reason" type="xsd:string"/><wsdl:part name="result" type="xsd:string"/></wsdl:message>
  <wsdl:portType name="Legacy">
    <wsdl:operation name="Charge"><wsdl:input message="tns:ChargeIn"/></wsdl:operation>
    <wsdl:operation name="CallEnded"><wsdl:input message="tns:EndedIn"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="B" type="tns:Legacy"><soap:binding style="rpc" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="Charge"><soap:operation soapAction="urn:legacy#Charge"/>
      <wsdl:input><soap:body use="encoded" namespace="urn:legacy:ops"
        encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input></wsdl:operation>
    <wsdl:operation name="CallEnded"><soap:operation soapAction="urn:legacy#CallEnded"/>
      <wsdl:input><soap:body use="encoded" namespace="urn:legacy:ops"
        encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input></wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="P" binding="tns:B">
    <soap:address location="https://127.0.0.1:PORT/axis"/></wsdl:port></wsdl:service>
</wsdl:definitions>"""
ANSWER = """<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>
<ns1:%sResponse xmlns:ns1="urn:legacy:ops" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
<status xsi:type="xsd:string">approved</status></ns1:%sResponse></soapenv:Body></soapenv:Envelope>"""
ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}type"
def log(line):
    with open(work + "/legacy.log", "a") as f:
        f.write(line + "\n")
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path in ("/legacy.wsdl", "/ended.wsdl"):
            log("GET " + self.path)
            self.reply(200, "text/xml", WSDL.replace("PORT", str(self.server.server_address[1])))
        elif self.path.startswith("/report"):
            log("GET " + self.path)
            self.reply(200, "application/json", "{}")
        else:
            log("GET " + self.path)
            self.reply(404, "text/plain", "no")
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        name = "?"
        try:
            # Read as a SOAP toolkit would: the operation element's namespace and name, its
            # encodingStyle, and each part's name, xsi:type (resolved) and text.
            prefixes = {}
            for event, item in ET.iterparse(__import__("io").BytesIO(body), events=("start-ns",)):
                prefixes.setdefault(item[0], item[1])
            root = ET.fromstring(body)
            op = list(root.find(ENV + "Body"))[0]
            name = op.tag.split("}")[1]
            parts = []
            for p in op:
                t = p.get(XSI, "")
                prefix, _, local = t.partition(":")
                parts.append(f"{p.tag}:{{{prefixes.get(prefix, '?')}}}{local}={p.text}")
            parsed = (f"{op.tag} style={op.get(ENV + 'encodingStyle')} " + " ".join(parts))
        except Exception as e:  # noqa: BLE001 - any shape problem is reported in the log
            parsed = f"unparsed ({type(e).__name__}) {body[:300]!r}"
        log(f"POST {self.path} action={self.headers.get('SOAPAction')} "
            f"key={self.headers.get('Idempotency-Key')} {parsed}")
        self.reply(200, "text/xml; charset=utf-8", ANSWER % (name, name))
    def reply(self, status, ctype, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(work + "/pki/server.pem", work + "/pki/server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(work + "/legacy.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/legacy.port.tmp", work + "/legacy.port")
server.serve_forever()
PY
python3 "$WORK/legacy.py" "$WORK" >"$WORK/legacy.out" 2>&1 &
SVC_PID=$!
trap 'kill $SVC_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/legacy.port" ] && break; sleep 0.1; done
[ -f "$WORK/legacy.port" ] || { cat "$WORK/legacy.out"; fail "the web service did not start"; }
PORT="$(cat "$WORK/legacy.port")"
BASE="https://127.0.0.1:$PORT"

# --- the apps and the server -----------------------------------------------------------------
SRV="$WORK/srv"
mkdir -p "$SRV/apps"
post_call() {  # post_call WSDL_PATH
  cat <<JSON
{"post_call": {"type": "soap", "wsdl": "$BASE/$1", "operation": "CallEnded", "timeout_ms": 20000,
  "parameters": {"reason": "{{session.exit_reason}}", "callId": "{{session.id}}",
                 "result": "{{result}}"}}}
JSON
}
cat >"$SRV/apps/charge.json" <<JSON
{"name": "charge", "settings": $(post_call legacy.wsdl),
 "variables": {"account": "AC-9 & <co>", "result": "none"},
 "pages": [{"name": "main", "modules": [
  {"type": "soap", "name": "pay", "wsdl": "$BASE/legacy.wsdl", "operation": "Charge",
   "timeout_ms": 20000, "parameters": {"cents": "1250", "account": "{{account}}"},
   "exits": {"error": "failed"}},
  {"type": "set_variable", "name": "keep", "rows": [
    {"name": "result", "expression": "pay.data.ChargeResponse.status"}]},
  {"type": "rest", "name": "report", "method": "GET", "url": "$BASE/report?status={{pay.data.ChargeResponse.status}}"},
  {"type": "exit", "name": "done"},
  {"type": "call_log", "name": "failed", "text": "the charge failed"},
  {"type": "exit", "name": "bye"}]}]}
JSON
cat >"$SRV/apps/missing.json" <<JSON
{"name": "missing", "settings": $(post_call missing.wsdl),
 "pages": [{"name": "main", "modules": [{"type": "exit", "name": "bye"}]}]}
JSON
cat >"$SRV/apps/ended.json" <<JSON
{"name": "ended", "settings": $(post_call ended.wsdl), "variables": {"result": "quiet"},
 "pages": [{"name": "main", "modules": [{"type": "exit", "name": "bye"}]}]}
JSON
"$KEYLINE" validate "$SRV/apps/charge.json" >"$WORK/validate.txt" 2>&1 ||
  { cat "$WORK/validate.txt"; fail "the charge app does not validate"; }
SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
cat >"$SRV/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
  workers: 1  # the WSDL fetch counts below are one worker's cache (each keeps its own)
media:
  rtp_port_min: $rtp_min
  rtp_port_max: $((rtp_min + 98))
apps_dir: $SRV/apps
data_dir: $SRV/data
log_level: info
api:
  port: 0
http:
  egress:
    allow: ["127.0.0.1"]
  ca_file: $PKI/ca.pem
deployments:
  - name: charge
    numbers: ["100"]
    app: charge
  - name: ended
    numbers: ["200"]
    app: ended
  - name: missing
    numbers: ["300"]
    app: missing
YAML
SERVER_DIR="$SRV" start_server

call() {  # call NUMBER TAG
  "$KEYLINE" call "sip:$1@127.0.0.1:$SIP_PORT" --timeout 120 >"$WORK/$2-phone.txt" 2>&1 ||
    { cat "$WORK/$2-phone.txt"; tail -n 80 "$SRV/server.log"; fail "$2: phone exited non-zero"; }
  grep -q "BYE received" "$WORK/$2-phone.txt" || { cat "$WORK/$2-phone.txt"; fail "$2: server did not hang up"; }
}
call 100 first
call 100 second
call 200 ended
call 300 missing
for _ in $(seq 1 600); do
  [ "$(grep -c 'CallEnded' "$WORK/legacy.log" 2>/dev/null || true)" -ge 3 ] && break
  sleep 0.1
done
"$KEYLINE" logs --data-dir "$SRV/data" >"$WORK/logs.txt" 2>&1 || true
cat "$WORK/logs.txt"
cat "$WORK/legacy.log"

ENC="style=http://schemas.xmlsoap.org/soap/encoding/"
XSD="{http://www.w3.org/2001/XMLSchema}"
[ "$(grep -c "^POST /axis action=\"urn:legacy#Charge\" key=None {urn:legacy:ops}Charge $ENC account:${XSD}string=AC-9 & <co> cents:${XSD}int=1250$" "$WORK/legacy.log")" = 2 ] ||
  fail "the rpc/encoded Charge request is not the one the WSDL describes"
[ "$(grep -c '^GET /report?status=approved$' "$WORK/legacy.log")" = 2 ] ||
  fail "the rpc/encoded answer did not reach the variables"
[ "$(grep -c '^GET /legacy.wsdl$' "$WORK/legacy.log")" = 1 ] ||
  fail "the module and the post-call request did not share the worker's cached WSDL"
[ "$(grep -c '^GET /ended.wsdl$' "$WORK/legacy.log")" = 1 ] ||
  fail "the post-call request did not fetch its own WSDL when the call ended"
# Each call's id, from the call log, is its post-call request's key and its callId part.
ids="$(awk '/^call /{print $2}' "$WORK/logs.txt" | sort -u)"
[ "$(echo "$ids" | grep -c .)" = 4 ] || fail "expected 4 calls in the call log, got: $ids"
missing_id="$(grep -B1 "app missing" "$WORK/logs.txt" | awk '/^call /{print $2}')"
[ -n "$missing_id" ] || fail "no call log entry for the missing-WSDL call"
for _ in $(seq 1 300); do
  grep -q "call $missing_id: post-call request not sent: the WSDL could not be fetched: HTTP status 404" \
    "$SRV/server.log" && break
  sleep 0.1
done
grep -q "call $missing_id: post-call request not sent: the WSDL could not be fetched: HTTP status 404" \
  "$SRV/server.log" || fail "a WSDL that cannot be fetched is not an error naming the call"
grep -q '^GET /missing.wsdl$' "$WORK/legacy.log" || fail "the missing WSDL was not asked for"
for id in $(echo "$ids" | grep -v "^$missing_id$"); do
  grep -q "^POST /axis action=\"urn:legacy#CallEnded\" key=$id {urn:legacy:ops}CallEnded $ENC callId:${XSD}string=$id reason:${XSD}string=[a-z_]\+ result:${XSD}string=\(approved\|quiet\)$" "$WORK/legacy.log" ||
    fail "call $id: no post-call CallEnded request as the WSDL describes it"
done
[ "$(grep -c 'CallEnded' "$WORK/legacy.log")" = 3 ] || fail "not exactly one post-call request per call"
stop_server
echo PASS
