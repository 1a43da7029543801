#!/usr/bin/env bash
# The vxmesh gateway hop side by side with HAProxy and nginx stream, on loopback.
#
#   load-tests/bench.sh [--duration 5s] [--warmup 1s] [--prewarm 15s] [--out FILE]
#                       [--only direct,haproxy,nginx,vxmesh] [--rr-connections 16] [--workers 32]
#                       [--streams 1] [--idle-connections 1000] [--starts 3] [--nice N]
#                       [--bulk-rounds 3] [--no-install] [--no-build]
#
# Installs HAProxy, nginx with the stream module and iperf3 from Debian when missing (needs root),
# builds the jars when missing, starts a loopback echo/source/sink backend and an iperf3 server,
# then runs the same load against: direct (no proxy), HAProxy (nbthread 1), nginx stream
# (worker_processes 1) and the vxmesh gateway (--event-loops 1). Every proxy is pinned to CPU 0,
# the driver, the backend and iperf3 to CPU 1 (taskset). Access logs stay on in all three proxies
# (vxmesh's metrics too); HAProxy and nginx get 256 KiB buffers (tune.bufsize, proxy_buffer_size),
# the most vxmesh reads at once, so that bulk figures compare relays, not buffer defaults. Each
# proxy's CPU time in every measured window is read from /proc: a proxy near 100 % busy is the
# bottleneck of that figure, not the driver. On a machine shared with other work, --nice -5 runs
# every proxy, the driver and the backends at a higher priority than that work (the same for all
# targets): a proxy that sleeps between events otherwise waits for a busy neighbour's time slice
# on every wake-up, which shows as latency that is not the proxy's. Before its figures, every proxy
# gets the same --prewarm of discarded traffic (connections, round trips, bulk; direct a third of
# it, for the Java backend and driver): it changes nothing for HAProxy and nginx, and lets the JVM
# compile the hot paths. Bulk through the proxies is measured interleaved: the proxies stay up
# (idle) after their own figures, and --bulk-rounds rounds of iperf3, 3 s each, go through each
# proxy in turn, each round starting with the next proxy; the table gives the median round (on a
# shared machine a proxy measured alone in its minute of the run was seen at half its speed of the
# next minute; --bulk-rounds 0 measures each alone in its own slot, for --duration). The driver's
# own bulk download then runs 3 s. Prints one table with the vxmesh/HAProxy ratio of each figure
# and writes it as JSON (default load-tests/target/bench/bench.json). Every process it starts is killed by
# PID on exit. 4.5-5 minutes with the defaults (plus the packages' installation the first time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

duration=5s
warmup=1s
prewarm=15s
out="$here/target/bench/bench.json"
only="direct,haproxy,nginx,vxmesh"
rr_connections=16
workers=32
streams=1
idle_connections=1000
starts=3
bulk_rounds=3
nice_level=0
install=1
build=1
command_line="load-tests/bench.sh $*"

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --prewarm) prewarm=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --rr-connections) rr_connections=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --idle-connections) idle_connections=$2; shift 2 ;;
    --starts) starts=$2; shift 2 ;;
    --bulk-rounds) bulk_rounds=$2; shift 2 ;;
    --nice) nice_level=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

secs() { # 5s, 500ms, 2m -> whole seconds, at least 1
  local v=$1
  case "$v" in
    *ms) echo $(( (${v%ms} + 999) / 1000 )) ;;
    *s) echo "${v%s}" ;;
    *m) echo $(( ${v%m} * 60 )) ;;
    *) echo "$v" ;;
  esac
}
dur_s=$(secs "$duration")
# With interleaved bulk rounds, iperf3 gives the bulk figure: the driver's own download (a
# cross-check, and the CPU per GiB of a Java client) runs 3 s at most.
tp_duration=$duration
if [ "$bulk_rounds" != 0 ] && [ "$dur_s" -gt 3 ]; then tp_duration=3s; fi
[ "$dur_s" -ge 1 ] && [ "$dur_s" -le 120 ] || { echo "bench.sh: --duration must be 1s-120s" >&2; exit 2; }
case "$bulk_rounds" in [0-9]|1[0-9]|20) ;; *) echo "bench.sh: --bulk-rounds must be 0-20" >&2; exit 2 ;; esac
prewarm_s=$(secs "$prewarm")
[ "$prewarm_s" -ge 0 ] && [ "$prewarm_s" -le 120 ] || { echo "bench.sh: --prewarm must be 0s-120s" >&2; exit 2; }

[ "$(nproc)" -ge 2 ] || { echo "bench.sh: needs 2 CPUs (proxy on CPU 0, driver and backend on CPU 1)" >&2; exit 2; }

# ------------------------------------------------------------------ tools

need_pkgs=()
command -v haproxy >/dev/null 2>&1 || need_pkgs+=(haproxy)
command -v nginx >/dev/null 2>&1 || need_pkgs+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || need_pkgs+=(libnginx-mod-stream)
command -v iperf3 >/dev/null 2>&1 || need_pkgs+=(iperf3)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v ss >/dev/null 2>&1 || need_pkgs+=(iproute2)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench.sh: installing ${need_pkgs[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "bench.sh: missing ${need_pkgs[*]} (run as root to install them, or install them yourself)" >&2
    exit 2
  fi
fi

java=$("$root/shared-verticles/bin/vxmesh-java" --java)
gateway_jar="$root/gateway/target/vxmesh-gateway.jar"
load_jar="$here/target/vxmesh-load.jar"
if [ "$build" = 1 ] && { [ ! -f "$gateway_jar" ] || [ ! -f "$load_jar" ]; }; then
  echo "bench.sh: building the jars" >&2
  (cd "$root" && JAVA_HOME=$(dirname "$(dirname "$java")") ./mvnw -B -q -pl gateway,load-tests -am package -DskipTests)
fi
[ -f "$gateway_jar" ] && [ -f "$load_jar" ] || { echo "bench.sh: jars missing; build with ./mvnw -B package -DskipTests" >&2; exit 2; }

# ------------------------------------------------------------------ processes and clean-up

work=$(mktemp -d /tmp/vxmesh-bench.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "${keep_work:-}" ]; then echo "bench.sh: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() { # stop_pid PID [SECONDS]: stop one process we started (TERM, then KILL), and forget it
  local p=$1 limit=${2:-5} q kept=()
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq $(( limit * 20 ))); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  for q in "${pids[@]}"; do [ "$q" = "$p" ] || kept+=("$q"); done
  pids=("${kept[@]}")
}

# Command prefixes: on that CPU, at the chosen priority (the same for every target); they exec, so
# $! is the PID of the program itself.
pin0=(nice -n "$nice_level" taskset -c 0)
pin1=(nice -n "$nice_level" taskset -c 1)

taken=" "
free_port() { # a port nobody listens on, outside the ephemeral range
  local p
  while :; do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$taken" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then taken="$taken$p "; echo "$p"; return; fi
  done
}

await() { # await DESCRIPTION SECONDS COMMAND...: poll every 20 ms
  local what=$1 limit=$2; shift 2
  local end=$(( $(date +%s%N) + limit * 1000000000 ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$end" ] || { echo "bench.sh: timed out waiting for $what" >&2; return 1; }
    sleep 0.02
  done
}
listening() { [ -n "$(ss -Htln "sport = :$1")" ]; }
cpu_ticks() { # summed utime+stime (clock ticks) of the given PIDs
  local p sum=0 f
  for p in "$@"; do
    f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    set -- $f
    sum=$(( sum + ${12} + ${13} ))
  done
  echo "$sum"
}

java_opts=(-XX:+UseSerialGC -Xms64m -Xmx512m -XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED)
driver() { # driver MODE LABEL ARGS...: one driver run on CPU 1, its JSON line appended to results.jsonl
  local mode=$1 label=$2; shift 2
  local line
  line=$(timeout 150 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" "$mode" --label "$label" "$@" 2>>"$work/driver.err") \
    || { echo "bench.sh: $mode against $label failed: $(tail -n 3 "$work/driver.err")" >&2; return 0; }
  echo "$line" >> "$work/results.jsonl"
  echo "  $label $mode: $(echo "$line" | cut -c1-200)" >&2
}

# ------------------------------------------------------------------ backend

be_echo=$(free_port); be_source=$(free_port); be_sink=$(free_port); be_iperf=$(free_port)
# One echo port per proxy: the connect-rate runs leave tens of thousands of TIME_WAIT sockets
# towards the port they used, and a later proxy connecting to the same port would pay for the
# kernel's search for a free source port (in its own CPU time) where an earlier one did not.
be_echo_hp=$(free_port); be_echo_ng=$(free_port); be_echo_vx=$(free_port)
"${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" backend --address 127.0.0.1 \
  --echo "$be_echo" --more-echo "$be_echo_hp,$be_echo_ng,$be_echo_vx" --source "$be_source" --sink "$be_sink" \
  --max-time 10m >"$work/backend.out" 2>"$work/backend.err" &
pids+=($!)
"${pin1[@]}" iperf3 -s -B 127.0.0.1 -p "$be_iperf" >"$work/iperf-server.log" 2>&1 &
pids+=($!)
await "the backend" 30 listening "$be_echo"
await "the backend" 10 listening "$be_echo_vx"
await "the backend" 10 listening "$be_sink"
await "iperf3 -s" 10 listening "$be_iperf"

# ------------------------------------------------------------------ one target

measure() { # measure LABEL ECHO SOURCE SINK IPERF [PID...]
  local label=$1 echo=$2 source=$3 sink=$4 iperf=$5; shift 5
  local rss_pids=() p
  for p in "$@"; do rss_pids+=(--pid "$p"); done
  echo "== $label" >&2
  # The same warm-up for every proxy (it matters to a JIT, not to C), discarded: half of it new
  # connections, a quarter round trips, a quarter bulk. Direct has no proxy to warm: a third of
  # the pre-warm is enough for the Java backend and driver.
  local warm_s=$prewarm_s
  [ "$label" = direct ] && warm_s=$(( (prewarm_s + 2) / 3 ))
  if [ "$warm_s" -gt 0 ]; then
    local half=$(( (warm_s + 1) / 2 )) quarter=$(( (warm_s + 3) / 4 ))
    timeout 150 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" connrate --target "127.0.0.1:$echo" \
      --warmup 0s --duration "${half}s" --workers "$workers" >/dev/null 2>>"$work/driver.err" || true
    timeout 150 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" rr --target "127.0.0.1:$echo" \
      --warmup 0s --duration "${quarter}s" --connections "$rr_connections" >/dev/null 2>>"$work/driver.err" || true
    timeout 150 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" throughput --target "127.0.0.1:$source" \
      --warmup 0s --duration "${quarter}s" >/dev/null 2>>"$work/driver.err" || true
  fi
  if [ "$bulk_rounds" = 0 ]; then
    iperf_once "$label" "$iperf" "$dur_s" 1 "$label" "$@"
  elif [ "$label" = direct ]; then
    iperf_once "$label" "$iperf" 3 0 "$label" "$@" # as long as one round: it shows the headroom
  else
    bulk_targets+=("$label $iperf $*") # measured later, interleaved with the other proxies
  fi
  driver throughput "$label" --target "127.0.0.1:$source" --streams "$streams" --warmup "$warmup" --duration "$tp_duration" "${rss_pids[@]}"
  driver rr "$label" --target "127.0.0.1:$echo" --connections "$rr_connections" --warmup "$warmup" --duration "$duration" "${rss_pids[@]}"
  driver connrate "$label" --target "127.0.0.1:$echo" --workers "$workers" --warmup "$warmup" --duration "$duration" "${rss_pids[@]}"
  if [ "${skip_idle:-0}" = 0 ]; then
    # Read 1 s after the connects: the C proxies' RSS does not move after that (vxmesh's is read
    # 5 s after, below, when its JIT is done with the paths the connects took).
    driver idle "$label" --target "127.0.0.1:$echo" --connections "$idle_connections" --settle 1s "${rss_pids[@]}"
  fi
}

iperf_once() { # iperf_once LABEL PORT SECONDS OMIT FILE-STEM [PID...]: iperf3 through one target, its CPU read
  local label=$1 iperf=$2 secs=$3 omit=$4 stem=$5; shift 5
  local c0 t0
  c0=$(cpu_ticks "$@"); t0=$(date +%s%N)
  if timeout $(( secs + 30 )) "${pin1[@]}" iperf3 -c 127.0.0.1 -p "$iperf" -t "$secs" -O "$omit" -P "$streams" -J \
      >"$work/iperf-$stem.json" 2>>"$work/iperf-client.err"; then
    [ $# -gt 0 ] && echo "{\"proxy_cpu_ticks\": $(( $(cpu_ticks "$@") - c0 )), \"wall_ms\": $(( ($(date +%s%N) - t0) / 1000000 ))}" \
      >"$work/iperf-$stem.cpu.json"
    echo "  $label iperf3: $(grep -o '"bits_per_second":[^,]*' "$work/iperf-$stem.json" | tail -n 1)" >&2
  else
    echo "bench.sh: iperf3 through $label failed" >&2
  fi
}

bulk_targets=() # "LABEL PORT PID..." of the proxies whose bulk is measured interleaved
interleaved_bulk() { # --bulk-rounds rounds of iperf3 through every proxy in bulk_targets, in turn
  local n=${#bulk_targets[@]} r k
  [ "$n" -gt 0 ] || return 0
  echo "== bulk, interleaved: $bulk_rounds rounds of 3 s through each proxy in turn" >&2
  for r in $(seq 1 "$bulk_rounds"); do
    for k in $(seq 0 $(( n - 1 ))); do
      set -- ${bulk_targets[$(( (r - 1 + k) % n ))]}
      local label=$1 iperf=$2; shift 2
      iperf_once "$label" "$iperf" 3 0 "$label-r$r" "$@"
    done
  done
  bulk_targets=()
}

wanted() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

if wanted direct; then
  # No idle connections: with no proxy there is no process whose RSS they would show.
  skip_idle=1 measure direct "$be_echo" "$be_source" "$be_sink" "$be_iperf"
fi

if wanted haproxy; then
  hp_echo=$(free_port); hp_source=$(free_port); hp_sink=$(free_port); hp_iperf=$(free_port)
  cat >"$work/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 9000
  tune.bufsize 262144
  log stdout format raw local0
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 5s
  timeout client 1h
  timeout server 1h
  maxconn 9000
listen echo
  bind 127.0.0.1:$hp_echo
  server be 127.0.0.1:$be_echo_hp
listen source
  bind 127.0.0.1:$hp_source
  server be 127.0.0.1:$be_source
listen sink
  bind 127.0.0.1:$hp_sink
  server be 127.0.0.1:$be_sink
listen iperf
  bind 127.0.0.1:$hp_iperf
  server be 127.0.0.1:$be_iperf
EOF
  "${pin0[@]}" haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy-access.log" 2>"$work/haproxy.err" &
  hp_pid=$!
  pids+=("$hp_pid")
  await "haproxy" 10 listening "$hp_iperf"
  measure haproxy "$hp_echo" "$hp_source" "$hp_sink" "$hp_iperf" "$hp_pid"
  if [ "$bulk_rounds" = 0 ]; then stop_pid "$hp_pid"; fi # else it stays up, idle, for the interleaved bulk
fi

if wanted nginx; then
  ng_echo=$(free_port); ng_source=$(free_port); ng_sink=$(free_port); ng_iperf=$(free_port)
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes 1;
worker_rlimit_nofile 19000;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 9000; }
stream {
  log_format basic '\$remote_addr [\$time_local] \$status \$bytes_sent \$bytes_received \$session_time \$upstream_addr';
  access_log $work/nginx/logs/access.log basic buffer=64k flush=1s;
  proxy_connect_timeout 5s;
  proxy_timeout 1h;
  proxy_buffer_size 256k;
  server { listen 127.0.0.1:$ng_echo; proxy_pass 127.0.0.1:$be_echo_ng; }
  server { listen 127.0.0.1:$ng_source; proxy_pass 127.0.0.1:$be_source; }
  server { listen 127.0.0.1:$ng_sink; proxy_pass 127.0.0.1:$be_sink; }
  server { listen 127.0.0.1:$ng_iperf; proxy_pass 127.0.0.1:$be_iperf; }
}
EOF
  "${pin0[@]}" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx/stdout.log" 2>&1 &
  ng_pid=$!
  pids+=("$ng_pid")
  await "nginx" 10 listening "$ng_iperf"
  ng_worker=$(pgrep -P "$ng_pid" | head -n 1)
  measure nginx "$ng_echo" "$ng_source" "$ng_sink" "$ng_iperf" "$ng_pid" $ng_worker
  if [ "$bulk_rounds" = 0 ]; then stop_pid "$ng_pid"; fi
fi

if wanted vxmesh; then
  vx_echo=$(free_port); vx_source=$(free_port); vx_sink=$(free_port); vx_iperf=$(free_port); vx_admin=$(free_port)
  mkdir -p "$work/resources"
  {
    cat <<EOF
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: bench, namespace: istio-system}
spec:
  selector: {istio: bench}
  servers:
EOF
    for n in echo source sink iperf; do
      v=vx_$n
      echo "    - {hosts: ['*'], port: {name: tcp-$n, number: ${!v}, protocol: TCP}}"
    done
    cat <<EOF
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: bench, namespace: istio-system}
spec:
  gateways: [bench]
  hosts: ['*']
  tcp:
EOF
    for n in echo source sink iperf; do
      v=vx_$n
      echo "    - match: [{port: ${!v}}]"
      echo "      route: [{destination: {host: bench-$n.default.svc.cluster.local}}]"
    done
    for n in echo source sink iperf; do
      b=be_$n
      [ "$n" = echo ] && b=be_echo_vx
      cat <<EOF
---
apiVersion: v1
kind: Service
metadata: {name: bench-$n, namespace: default}
spec:
  selector: {app: bench-backend}
  ports: [{name: tcp, port: ${!b}, targetPort: ${!b}}]
EOF
    done
    cat <<EOF
---
apiVersion: v1
kind: Pod
metadata: {name: bench-backend-0, namespace: default, labels: {app: bench-backend}}
spec: {serviceAccountName: bench-backend}
status: {phase: Running, podIP: 127.0.0.1}
EOF
  } >"$work/resources/bench.yaml"
  gw_args=(--resources "$work/resources" --namespace istio-system --labels istio=bench --address 127.0.0.1
           --admin "127.0.0.1:$vx_admin" --event-loops 1 --access-log "$work/vxmesh-access.log" --log-level warn)
  ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$vx_admin/ready")" = 200 ]; }
  export VXMESH_CDS_DIR="$work/cds"

  # Start-up: one start that trains the AOT cache (written when it stops; it carries 4 s of the
  # benchmark's traffic first), then timed starts to /ready: pinned to CPU 0 as in the benchmark,
  # and with both CPUs (JIT threads run beside main).
  echo "== vxmesh start-up" >&2
  for i in $(seq 0 $(( 2 * starts ))); do
    if [ "$i" -gt 0 ] && [ "$i" -gt "$starts" ]; then cpus=0,1; else cpus=0; fi
    t0=$(date +%s%N)
    nice -n "$nice_level" taskset -c "$cpus" "$root/gateway/bin/vxmesh-gateway" "${gw_args[@]}" >"$work/vxmesh-start-$i.log" 2>&1 &
    gw_pid=$!
    pids+=("$gw_pid")
    await "vxmesh /ready" 30 ready
    t1=$(date +%s%N)
    sleep 1
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$gw_pid/status")
    if [ "$i" -eq 0 ]; then
      # The training start carries traffic before it stops, as a first production run does: the
      # AOT cache records the method profiles of its whole run, and later starts compile the
      # relay's path from them (see shared-verticles/bin/vxmesh-java).
      timeout 60 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" connrate --target "127.0.0.1:$vx_echo" \
        --warmup 0s --duration 2s --workers "$workers" >/dev/null 2>>"$work/driver.err" || true
      timeout 60 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" rr --target "127.0.0.1:$vx_echo" \
        --warmup 0s --duration 1s --connections "$rr_connections" >/dev/null 2>>"$work/driver.err" || true
      timeout 60 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" throughput --target "127.0.0.1:$vx_source" \
        --warmup 0s --duration 1s >/dev/null 2>>"$work/driver.err" || true
    fi
    if [ "$i" -gt 0 ]; then
      echo "{\"ready_ms\": $(( (t1 - t0) / 1000000 )), \"rss_kib\": $rss, \"cpus\": \"$cpus\"}" >> "$work/startup.jsonl"
      echo "  start $i (CPUs $cpus): ready in $(( (t1 - t0) / 1000000 )) ms, idle RSS $(( rss / 1024 )) MiB" >&2
    else
      echo "  first start (it trains the AOT cache, with 4 s of traffic; written when it stops): ready in $(( (t1 - t0) / 1000000 )) ms" >&2
    fi
    stop_pid "$gw_pid" 60
  done

  "${pin0[@]}" "$root/gateway/bin/vxmesh-gateway" "${gw_args[@]}" >"$work/vxmesh.log" 2>&1 &
  gw_pid=$!
  pids+=("$gw_pid")
  await "vxmesh /ready" 30 ready
  skip_idle=1 measure vxmesh "$vx_echo" "$vx_source" "$vx_sink" "$vx_iperf" "$gw_pid"
  interleaved_bulk
  curl -s "http://127.0.0.1:$vx_admin/stats/prometheus" > "$work/vxmesh-metrics.txt" || true
  stop_pid "$gw_pid"
  if [ "$bulk_rounds" != 0 ]; then
    for p in ${hp_pid:-} ${ng_pid:-}; do stop_pid "$p"; done
  fi

  # Idle connections on a fresh gateway: after a long run the JVM heap has room it already
  # touched, so 1000 more connections would seem to cost nothing. Fresh, their objects are more
  # likely to make the heap grow, which is what a gateway that gains idle connections pays (3.3 KB
  # of heap each; a fresh heap may still have room for them). A short burst of
  # connections first, so the connection path is loaded and compiled before the baseline.
  "${pin0[@]}" "$root/gateway/bin/vxmesh-gateway" "${gw_args[@]}" >"$work/vxmesh-idle.log" 2>&1 &
  gw_pid=$!
  pids+=("$gw_pid")
  await "vxmesh /ready" 30 ready
  timeout 60 "${pin1[@]}" "$java" "${java_opts[@]}" -jar "$load_jar" connrate --target "127.0.0.1:$vx_echo" \
    --warmup 0s --duration 2s --workers "$workers" >/dev/null 2>>"$work/driver.err" || true
  # The JIT compiles for a while after that burst, and again for 1-2 s after the 1000 connects (the
  # paths they take), and frees its scratch memory to malloc, not to the kernel: both readings are
  # taken after the JVM returns what it freed (--jvm-trim; the launcher's -XX:TrimNativeHeapInterval
  # does the same every 30 s), and the second 5 s after the last connect (--settle), when the JIT is
  # done: read after 1 s, 12-17 MiB of compiler scratch memory still in use counted as 12-17 KiB
  # per connection. The heap the connections make grow is counted. The baseline waits as long.
  sleep 5
  driver idle vxmesh --target "127.0.0.1:$vx_echo" --connections "$idle_connections" --pid "$gw_pid" --jvm-trim \
    --settle 5s
  stop_pid "$gw_pid"
  access_lines=$(wc -l < "$work/vxmesh-access.log")
  echo "  vxmesh access log: $access_lines lines" >&2
fi

interleaved_bulk # when vxmesh was not among the targets
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
"$java" -jar "$load_jar" report --dir "$work" --out "$out" \
  --meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --meta "command=$command_line" \
  --meta "machine=$(nproc) CPUs ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)" \
  --meta "versions=$("$java" -version 2>&1 | head -n 1); $(haproxy -v | head -n 1 | cut -d' ' -f1-3); $(nginx -v 2>&1); $(iperf3 --version | head -n 1 | cut -d' ' -f1-2)" \
  --meta "pinning=proxies on CPU 0; driver, backend and iperf3 on CPU 1; nice $nice_level" \
  --meta "settings=prewarm $prewarm per proxy (a third for direct), duration $duration, bulk (iperf3) $bulk_rounds interleaved rounds of 3 s per proxy (0: $duration each, alone), warmup $warmup, rr $rr_connections connections, connrate $workers workers, $streams stream(s), idle $idle_connections connections (RSS read 5 s after the connects for vxmesh, 1 s for the others)" \
  --meta "vxmesh_transport=${VXMESH_TRANSPORT:-auto} (kernel.io_uring_disabled=$(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo n/a))" \
  --meta "loadavg_before=$load_before" \
  --meta "loadavg_after=$load_after"
echo "bench.sh: JSON written to $out" >&2
