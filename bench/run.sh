#!/usr/bin/env bash
# Runs one benchmark end to end and prints its table: bench/run.sh rls [users-sampled] [--keep]
# Needs a Postgres server (DATABASE_URL, default the local one); builds offline when it can.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name="${1:-}"; shift || true
case "$name" in
  rls) main=io.streamgate.bench.rls.RlsBench ;;
  *) echo "usage: bench/run.sh rls [users-sampled] [--keep]" >&2; exit 64 ;;
esac
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$cp_file" \
  || mvn -q -B -pl bench -am compile dependency:build-classpath -Dmdep.outputFile="$cp_file"
java -Xmx1g -cp "bench/target/classes:$(cat "$cp_file")" "$main" "$@"
