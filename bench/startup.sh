#!/usr/bin/env bash
# Start-up time of ./streamgate dev, from the process start to the first 200 on /health/ready:
# a fresh data dir, then restarts on the same data dir (stopped with SIGTERM each time, as an
# orchestrator or Ctrl-C does). Prints each start and, per kind, the median with min and max.
# Starts the script itself, with the Java options it gives dev; the first dev start after a
# build writes the class archive the later ones use, so when there is none yet one start is
# made first and printed apart.
#   bench/startup.sh [rounds]      (default 5: a fresh start and a restart per round)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds="${1:-5}"
./streamgate --help > /dev/null            # builds the launcher jar when it is stale
jar=launcher/target/streamgate.jar
port=$((20000 + RANDOM % 20000))
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
declare -a fresh restart

start_once() {
  local t0 t1 pid
  t0=$(date +%s%N)
  ./streamgate dev --data-dir "$dir/data" --port "$port" --kafka-port 0 > "$dir/log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "startup: the server exited; its log:" >&2; cat "$dir/log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  kill -TERM "$pid"; wait "$pid" || true
  echo "scale=2; ($t1 - $t0) / 1000000000" | bc
}

summary() {
  local name=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v name="$name" '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "| %s | %d | %.2f s | %.2f s | %.2f s |\n", name, NR, m, v[1], v[NR] }'
}

if [ ! launcher/target/streamgate-dev.jsa -nt "$jar" ]; then
  echo "first start after the build (fresh data dir, writes the class archive): $(start_once) s"
  rm -rf "$dir/data"
  echo
fi
echo "| round | fresh data dir | restart |"
echo "|---|---|---|"
for r in $(seq 1 "$rounds"); do
  rm -rf "$dir/data"
  f=$(start_once); s=$(start_once)
  fresh+=("$f"); restart+=("$s")
  echo "| $r | $f s | $s s |"
done
echo
echo "| start | starts | median | min | max |"
echo "|---|---|---|---|---|"
summary "fresh data dir" "${fresh[@]}"
summary "restart" "${restart[@]}"
