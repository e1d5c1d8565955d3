#!/usr/bin/env bash
# The SOAP module from a WSDL URL over a real SIP call: a local HTTPS server (python3 ssl, a
# certificate from a CA made by this test, on a free port) serves a WSDL 1.1 document (SOAP 1.1
# and 1.2 bindings) and the service itself. Two calls run an app whose soap module names the
# WSDL, the operation GetBalance, version 1.2 and one parameter: the server must POST the SOAP
# 1.2 envelope the WSDL describes (namespace, action, element), read the answer into variables,
# and fetch the WSDL once for both calls (the worker's cache). Then a broken WSDL takes the
# module's error exit without any SOAP request.
source "$(dirname "$0")/lib.sh" "$1" "$2"

# --- a test CA and a certificate for 127.0.0.1 ---------------------------------------------
make_test_pki "Keyline WSDL test CA"

# --- the web service: GET /bank.wsdl, GET /broken.wsdl, POST /soap11, POST /soap12 ----------
cat >"$WORK/bank.py" <<'PY'
import http.server, os, ssl, sys
import xml.etree.ElementTree as ET
work = sys.argv[1]
WSDL = """<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:bank:v1"
    xmlns:b="urn:bank:types" targetNamespace="urn:bank:v1">
  <types><xs:schema targetNamespace="urn:bank:types" elementFormDefault="qualified">
    <xs:element name="GetBalance"><xs:complexType><xs:sequence>
      <xs:element name="Account" type="xs:string"/><xs:element name="Currency" type="xs:string"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:schema></types>
  <message name="In"><part name="p" element="b:GetBalance"/></message>
  <portType name="Bank"><operation name="GetBalance"><input message="tns:In"/></operation></portType>
  <binding name="B11" type="tns:Bank"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetBalance"><soap:operation soapAction="urn:bank:GetBalance11"/>
      <input><soap:body use="literal"/></input></operation></binding>
  <binding name="B12" type="tns:Bank"><soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="GetBalance"><soap12:operation soapAction="urn:bank:GetBalance12"/>
      <input><soap12:body use="literal"/></input></operation></binding>
  <service name="BankService">
    <port name="P11" binding="tns:B11"><soap:address location="https://127.0.0.1:PORT/soap11"/></port>
    <port name="P12" binding="tns:B12"><soap12:address location="https://127.0.0.1:PORT/soap12"/></port>
  </service>
</definitions>"""
ANSWER = """<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>
<r:GetBalanceResponse xmlns:r="urn:bank:types"><r:Balance>1250.75</r:Balance></r:GetBalanceResponse>
</env:Body></env:Envelope>"""
def log(line):
    with open(work + "/bank.log", "a") as f:
        f.write(line + "\n")
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/bank.wsdl":
            log("GET wsdl")
            self.reply(200, "text/xml", WSDL.replace("PORT", str(self.server.server_address[1])))
        elif self.path.startswith("/report"):
            log("GET " + self.path)
            self.reply(200, "application/json", "{}")
        elif self.path == "/broken.wsdl":
            log("GET broken")
            self.reply(200, "text/xml", "<definitions><unclosed>")
        else:
            self.reply(404, "text/plain", "no")
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        env = "{http://www.w3.org/2003/05/soap-envelope}"
        try:
            root = ET.fromstring(body)
            op = root.find(env + "Body/{urn:bank:types}GetBalance")
            account = op.find("{urn:bank:types}Account").text
            currency = op.find("{urn:bank:types}Currency").text
            parsed = f"account={account} currency={currency}"
        except Exception as e:  # noqa: BLE001 - any shape problem is reported in the log
            parsed = f"unparsed ({type(e).__name__})"
        log(f"POST {self.path} type={self.headers.get('Content-Type')} {parsed}")
        self.reply(200, "application/soap+xml", ANSWER)
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
with open(work + "/bank.port.tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(work + "/bank.port.tmp", work + "/bank.port")
server.serve_forever()
PY
python3 "$WORK/bank.py" "$WORK" >"$WORK/bank.out" 2>&1 &
BANK_PID=$!
trap 'kill $BANK_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do [ -f "$WORK/bank.port" ] && break; sleep 0.1; done
[ -f "$WORK/bank.port" ] || { cat "$WORK/bank.out"; fail "the web service did not start"; }
BANK_PORT="$(cat "$WORK/bank.port")"

# --- the apps and the server -----------------------------------------------------------------
SRV="$WORK/srv"
mkdir -p "$SRV/apps"
app() {  # app NAME WSDL_PATH
  cat >"$SRV/apps/$1.json" <<JSON
{"name": "$1", "variables": {"account": "AC-77"}, "pages": [{"name": "main", "modules": [
  {"type": "soap", "name": "bal", "wsdl": "https://127.0.0.1:$BANK_PORT/$2",
   "operation": "GetBalance", "version": "1.2", "timeout_ms": 20000,
   "parameters": {"Currency": "EUR", "Account": "{{account}}"},
   "exits": {"error": "failed"}},
  {"type": "rest", "name": "report", "method": "GET",
   "url": "https://127.0.0.1:$BANK_PORT/report?balance={{bal.data.GetBalanceResponse.Balance}}"},
  {"type": "exit", "name": "done"},
  {"type": "call_log", "name": "failed", "text": "the WSDL failed"},
  {"type": "exit", "name": "bye"}]}]}
JSON
}
app wsdl_bank bank.wsdl
app wsdl_broken broken.wsdl
SIP_PORT="$(free_port)"
rtp_min=$(( (RANDOM % 200) * 100 + 20000 ))
# One worker: the fetch counts below are one worker's WSDL cache (each worker keeps its own).
cat >"$SRV/keyline.yaml" <<YAML
sip:
  listen: 127.0.0.1
  port: $SIP_PORT
  workers: 1
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
  - name: bank
    numbers: ["100"]
    app: wsdl_bank
  - name: broken
    numbers: ["200"]
    app: wsdl_broken
YAML
SERVER_DIR="$SRV" start_server

call() {  # call NUMBER TAG
  "$KEYLINE" call "sip:$1@127.0.0.1:$SIP_PORT" --timeout 120 >"$WORK/$2-phone.txt" 2>&1 ||
    { cat "$WORK/$2-phone.txt"; tail -n 80 "$SRV/server.log"; fail "$2: phone exited non-zero"; }
  grep -q "BYE received" "$WORK/$2-phone.txt" || { cat "$WORK/$2-phone.txt"; fail "$2: server did not hang up"; }
}
call 100 first
call 100 second
call 200 broken
for _ in $(seq 1 300); do
  "$KEYLINE" logs --data-dir "$SRV/data" >"$WORK/logs.txt" 2>&1 &&
    [ "$(grep -c 'exit exit_module' "$WORK/logs.txt")" -ge 3 ] && break
  sleep 0.1
done
cat "$WORK/logs.txt"
cat "$WORK/bank.log"

[ "$(grep -c '^GET wsdl$' "$WORK/bank.log")" = 1 ] ||
  fail "the WSDL was not fetched exactly once for two calls (the worker's cache)"
[ "$(grep -c '^POST /soap12 type=application/soap+xml; charset=utf-8; action="urn:bank:GetBalance12" account=AC-77 currency=EUR$' "$WORK/bank.log")" = 2 ] ||
  fail "the SOAP 1.2 request is not the one the WSDL describes"
[ "$(grep -c '^GET /report?balance=1250.75$' "$WORK/bank.log")" = 2 ] ||
  fail "the answer did not reach the variables"
grep -q '^GET broken$' "$WORK/bank.log" || fail "the broken WSDL was not fetched"
grep -q "main/bal (soap): error" "$WORK/logs.txt" && grep -q "main/failed (call_log)" "$WORK/logs.txt" ||
  fail "the broken WSDL did not take the error exit"
grep -q "app wsdl_broken  exit exit_module" "$WORK/logs.txt" || fail "the broken call did not end by its Exit"
[ "$(grep -c '^POST' "$WORK/bank.log")" = 2 ] || fail "a SOAP request went out with a broken WSDL"
stop_server
echo PASS
