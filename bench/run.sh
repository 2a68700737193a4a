#!/usr/bin/env bash
# Runs one benchmark end to end and prints its table: bench/run.sh <name|fully.qualified.Class> [args...]
#   bench/run.sh rls [users-sampled] [--keep]            RLS indexes before/after (needs Postgres: DATABASE_URL, default local)
#   bench/run.sh edge [connections] [seconds] [rounds]   the platform edge vs a bare Javalin route; runs with the production
#                                                        logging configuration, its log lines go to bench/results/edge.log
#   bench/run.sh webhooks [connections] [seconds] [e2e-events]  signed-webhook ingest vs bare Javalin, and webhook -> Postgres latency (logs in bench/results/webhooks.log)
#   bench/run.sh auth                                    /auth/refresh through Kafka vs a Postgres UPDATE (-Dusers, -Dseconds, -Dguarantees in BENCH_JAVA_OPTS)
#   bench/run.sh abuse                                   floods (readiness, login from 64 addresses, SSE connects, coach creates), each beside
#                                                        a quiet phase; -Dphases, -Dseconds, -Dquiet... in BENCH_JAVA_OPTS (see AbuseBench);
#                                                        a JSON line per flood appended to bench/results/abuse.jsonl, logs in bench/results/abuse.log
#   bench/run.sh startup [rounds]                        ./streamgate dev to ready: fresh data dir and restart (bench/startup.sh)
# The JVM gets a common ForkJoinPool of 2: with the default (cores - 1 = 1 on a 2-core box)
# CompletableFuture falls back to a new thread per async task, and the JDK HttpClient the load
# drivers use completes every response through one, which would bill thousands of thread starts
# per second to whatever is being measured.
# Builds the bench module and its classpath, offline when it can.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:-}"; shift || true
log=
case "$name" in
  rls)  main=io.streamgate.bench.rls.RlsBench ;;
  edge) main=io.streamgate.bench.edge.EdgeBench; log=bench/results/edge.log ;;
  webhooks) main=io.streamgate.bench.webhooks.WebhookBench; log=bench/results/webhooks.log ;;
  auth) main=io.streamgate.bench.auth.RefreshBench; log=bench/results/auth.log ;;
  abuse) main=io.streamgate.bench.abuse.AbuseBench; log=bench/results/abuse.log ;;
  startup) exec bench/startup.sh "$@" ;;
  *.*)  main="$name" ;;
  *) echo "usage: bench/run.sh <rls|edge|webhooks|auth|abuse|startup|fully.qualified.Class> [args...]" >&2; exit 64 ;;
esac
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$cp_file" \
  || mvn -q -B -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$cp_file"
cp="bench/target/classes:$(cat "$cp_file")"
opts="-Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 ${BENCH_JAVA_OPTS:-}"
if [ -n "$log" ]; then
  mkdir -p bench/results
  echo "bench: $main $* (logs in $log)" >&2
  java $opts -Dlogback.configurationFile=platform/src/main/resources/logback.xml -cp "$cp" "$main" "$@" 2>"$log"
else
  java $opts -cp "$cp" "$main" "$@"
fi
