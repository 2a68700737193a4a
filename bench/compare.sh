#!/usr/bin/env bash
# Runs one benchmark on an earlier revision and on the working tree, alternating, in one run on
# one machine: bench/compare.sh <revision> <name> [args...]   (BENCH_JAVA_OPTS applies to both)
#   e.g. BENCH_JAVA_OPTS="-Dphases=e2e" bench/compare.sh eeb6494 webhooks 64 15 100
# The revision is checked out into a scratch worktree, where its own bench/run.sh builds and runs
# it from that tree's modules; each run prints its own same-run baseline, so compare the ratios,
# not the absolute figures.
# Output: bench/results/compare-<name>-<revision>.txt (both runs' tables, "before" first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rev="${1:?usage: bench/compare.sh <revision> <name> [args...]}"; shift
name="${1:?usage: bench/compare.sh <revision> <name> [args...]}"
short="$(git rev-parse --short "$rev")"
tree="$(mktemp -d)/before-$short"
git worktree add --detach "$tree" "$rev" >/dev/null
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true' EXIT
mkdir -p bench/results
out="bench/results/compare-$name-$short.txt"
{
  echo "# bench/compare.sh $rev $* ($(date -u +%FT%TZ), BENCH_JAVA_OPTS='${BENCH_JAVA_OPTS:-}')"
  echo "## before: $short"
  (cd "$tree" && bench/run.sh "$@")
  echo "## after: working tree at $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
  bench/run.sh "$@"
} | tee "$out"
