#!/usr/bin/env bash
# Gatling: HTTP/1.1 through a vxmesh ingress gateway to a loopback HTTP backend, with Gatling's HTML
# report. Starts the backend and the gateway (access log on), runs the simulation
# io.vxmesh.load.gatling.GatewayHttpSimulation through gatling-maven-plugin (its own JVM), stops both.
#
#   load-tests/gatling.sh [--users 16] [--seconds 20]
#
# The report is written under load-tests/target/gatling/<simulation>-<time>/index.html; the script
# prints its path. Exit status: Gatling's (non-zero when a request failed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
users=16
seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gatling.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
java=$("$root/shared-verticles/bin/vxmesh-java" --java)
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$java")")}
(cd "$root" && ./mvnw -B -q -pl gateway,load-tests -am package -DskipTests)

work=$(mktemp -d /tmp/vxmesh-gatling.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return; }
  done
}
await() {
  local what=$1; shift
  for _ in $(seq 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "gatling.sh: timed out waiting for $what (logs in $work)" >&2
  return 1
}

"$java" -XX:+UseSerialGC -Xmx256m -jar "$here/target/vxmesh-load.jar" backend --address 127.0.0.1 --http 0 \
  --max-time 30m >"$work/backend.out" 2>"$work/backend.err" &
pids+=($!)
await "the HTTP backend" test -s "$work/backend.out"
backend_port=$(sed -n 's/.*"http":\([0-9]*\).*/\1/p' "$work/backend.out")
gw_port=$(free_port)
admin_port=$(free_port)
mkdir -p "$work/resources"
cat >"$work/resources/gatling.yaml" <<EOF
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: gatling, namespace: istio-system}
spec:
  selector: {istio: gatling}
  servers:
    - {hosts: ['*'], port: {name: tcp, number: $gw_port, protocol: TCP}}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: gatling, namespace: istio-system}
spec:
  gateways: [gatling]
  hosts: ['*']
  tcp:
    - route: [{destination: {host: http-backend.default.svc.cluster.local}}]
---
apiVersion: v1
kind: Service
metadata: {name: http-backend, namespace: default}
spec:
  selector: {app: http-backend}
  ports: [{name: tcp, port: $backend_port, targetPort: $backend_port}]
---
apiVersion: v1
kind: Pod
metadata: {name: http-backend-0, namespace: default, labels: {app: http-backend}}
spec: {serviceAccountName: http-backend}
status: {phase: Running, podIP: 127.0.0.1}
EOF
"$root/gateway/bin/vxmesh-gateway" --resources "$work/resources" --namespace istio-system --labels istio=gatling \
  --address 127.0.0.1 --admin "127.0.0.1:$admin_port" --access-log "$work/access.log" --log-level warn \
  >"$work/gateway.log" 2>&1 &
pids+=($!)
await "the gateway's /ready" curl -sf "http://127.0.0.1:$admin_port/ready"
echo "gatling.sh: backend 127.0.0.1:$backend_port, gateway 127.0.0.1:$gw_port; $users users for ${seconds}s" >&2

status=0
(cd "$root" && ./mvnw -B -pl load-tests -am -Pgatling integration-test -DskipTests \
  -Dvxmesh.gateway.url="http://127.0.0.1:$gw_port" -Dvxmesh.users="$users" -Dvxmesh.seconds="$seconds") \
  | grep -v '^\[INFO\] Download' || status=$?
report=$(ls -td "$here"/target/gatling/*/ 2>/dev/null | head -n 1)
echo "gatling.sh: gateway access log: $(wc -l < "$work/access.log") connections ($work/access.log)" >&2
[ -n "$report" ] && echo "gatling.sh: report: ${report}index.html" >&2
exit "$status"
