#!/usr/bin/env bash
# JMH benchmarks of the control plane and the per-connection decision on 10 000 generated routes:
#   CompileBenchmark   parse the manifests, MeshCompiler.compile, forProxy (gateway and sidecar)
#   DecisionBenchmark  ProxyTable.decide: gateway rule list (first/middle/last/miss), sidecar lookup
#
#   load-tests/jmh.sh [--quick] [--routes N] [JMH ARGS...]
#
# --quick: 1 warm-up and 2 measured iterations of 1 s (about a minute in all); default: as annotated
# (about 3 minutes). Prints JMH's table and writes load-tests/target/jmh/results.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
java=$("$root/shared-verticles/bin/vxmesh-java" --java)
jar="$here/target/vxmesh-load.jar"
args=()
routes=10000
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) args+=(-wi 1 -i 2 -w 1s -r 1s); shift ;;
    --routes) routes=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ! -f "$jar" ]; then
  (cd "$root" && JAVA_HOME=$(dirname "$(dirname "$java")") ./mvnw -B -q -pl load-tests -am package -DskipTests)
fi
mkdir -p "$here/target/jmh"
exec "$java" -cp "$jar" org.openjdk.jmh.Main 'io\.vxmesh\.load\.jmh\..*Benchmark' -p routes="$routes" \
  -rf json -rff "$here/target/jmh/results.json" "${args[@]}"
