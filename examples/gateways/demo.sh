#!/usr/bin/env bash
# The seed's "gateways" demo on one machine: two named ingress gateways, ingressgateway-1 on
# 127.0.2.1:19000 and ingressgateway-2 on 127.0.2.2:19000, both reading examples/gateways/, and the
# two echo backends (echo-server answers "hello <line>", echo-server-2 "hello-2 <line>").
#
#   examples/gateways/demo.sh          start everything, print what to type, stop on Ctrl-C
#   examples/gateways/demo.sh --check  start, send "test" through each gateway, check, stop
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
check=false
[ "${1:-}" = "--check" ] && check=true

if [ ! -f gateway/target/vxmesh-gateway.jar ]; then
  echo "building vxmesh (first run only)..."
  ./mvnw -B -q package -DskipTests
fi
JAVA=$(shared-verticles/bin/vxmesh-java --java)
logs=$(mktemp -d /tmp/vxmesh-demo.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$JAVA" examples/tools/TcpEcho.java 127.0.1.1:9000 hello   >"$logs/echo-server.log" 2>&1 & pids+=($!)
"$JAVA" examples/tools/TcpEcho.java 127.0.1.2:9000 hello-2 >"$logs/echo-server-2.log" 2>&1 & pids+=($!)
for n in 1 2; do
  gateway/bin/vxmesh-gateway --resources examples/gateways --namespace istio-system \
    --labels istio=ingressgateway-$n --address 127.0.2.$n --admin 127.0.2.$n:15000 \
    >"$logs/ingressgateway-$n.log" 2>&1 & pids+=($!)
done

ready() { curl -sf "http://127.0.2.$1:15000/ready" >/dev/null 2>&1; }
# The echo servers are Java source files, compiled as they start: wait for them too, or the first
# connections through a gateway find nobody listening behind it.
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
all_up() { ready 1 && ready 2 && listening 127.0.1.1 9000 && listening 127.0.1.2 9000; }
for _ in $(seq 1 300); do
  if all_up; then break; fi
  sleep 0.1
done
if ! all_up; then
  echo "the gateways or the echo servers did not come up within 30 s; logs in $logs" >&2
  tail -n 20 "$logs"/*.log >&2
  exit 1
fi

say() { printf '%s\n' "$*"; }
ask() { # send "test" to address:port, print the answer
  exec 3<>"/dev/tcp/$1/$2"; printf 'test\n' >&3; local line; IFS= read -r -t 5 line <&3 || true; exec 3>&-; printf '%s' "$line"
}

if $check; then
  a1=$(ask 127.0.2.1 19000); a2=$(ask 127.0.2.2 19000)
  say "via ingressgateway-1: $a1"
  say "via ingressgateway-2: $a2"
  if [ "$a1" = "hello test" ] && [ "$a2" = "hello-2 test" ]; then say "demo check passed"; exit 0; fi
  say "demo check FAILED; logs in $logs" >&2
  exit 1
fi

cat <<TXT
vxmesh demo: two named ingress gateways routing by the seed's VirtualService (examples/gateways/).

  ingressgateway-1  127.0.2.1:19000   (admin http://127.0.2.1:15000/config_dump)
  ingressgateway-2  127.0.2.2:19000   (admin http://127.0.2.2:15000/config_dump)

In another terminal, type "test" after connecting:
  nc 127.0.2.1 19000      ->  hello test      (routed to echo-server)
  nc 127.0.2.2 19000      ->  hello-2 test    (routed to echo-server-2)

Why a connection went where it did:  curl '127.0.2.2:15000/explain?port=19000'
Edit examples/gateways/*.yaml while this runs: changes apply within a second.
Access logs (one JSON line per connection) and gateway logs: $logs
Ctrl-C stops everything.
TXT
wait
