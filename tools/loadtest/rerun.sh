#!/usr/bin/env bash
# Re-runs operations against a pool that run-all.sh already populated, after
# waiting for a quiet machine (the machine is shared; see BENCHMARKS.md),
# with the ceiling measured in the same run for the same operations:
#
#   tools/loadtest/rerun.sh WORK USERS OPS OUTDIR
#   REBUILD=1 WARMUP=5s tools/loadtest/rerun.sh /tmp/userpool-loadtest.XXXX 100000 all tools/loadtest/results/final
#
# WORK is run-all.sh's work directory (it keeps the userpool binary, configs
# and data directories), USERS the pool size, OPS a comma-separated list or
# "all". REBUILD=1 first rebuilds WORK's userpool binary from this checkout.
# Writes OUTDIR/ceiling.{json,txt} and OUTDIR/userpool-USERS.{json,txt}.
set -euo pipefail
W=$1 N=$2 OPS=$3 OUTD=$4
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# shellcheck source=/dev/null
source <(sed -n '/^busy_cores()/,/^}/p; /^wait_quiet()/,/^}/p; /^wait_port()/,/^}/p; /^stop()/,/^}/p' tools/loadtest/run-all.sh)
LT=${LT:-$W/loadtest}
mkdir -p "$OUTD"
if [ "${REBUILD:-0}" = 1 ]; then
	go build -o "$W/userpool" ./cmd/userpool
	git rev-parse --short HEAD >"$W/userpool.version"
fi
VERSION=$(cat "$W/userpool.version" 2>/dev/null || echo unknown)
OPSARG=()
[ "$OPS" != all ] && OPSARG=(--ops "$OPS")
COMMON=(--duration "${DUR:-10s}" --warmup "${WARMUP:-1s}" --concurrency "${CONC:-32}" "${OPSARG[@]}")
wait_quiet
"$LT" run --target ceiling "${COMMON[@]}" --json "$OUTD/ceiling.json" | tee "$OUTD/ceiling.txt"
"$W/userpool" serve --listen 127.0.0.1:19229 --data "$W/userpool-$N" --config "$W/userpool-$N.yaml" >>"$W/userpool-$N.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
wait_port 19229 $PID
"$LT" run --target userpool --target-version "$VERSION" --endpoint http://127.0.0.1:19229 \
	--credentials "$W/userpool-$N/credentials" --users "$N" --pool-name "loadtest-$N" --skip-populate \
	"${COMMON[@]}" --server-pid $PID --data-dir "$W/userpool-$N" --compare "$OUTD/ceiling.json" \
	--note "re-run on a populated pool (no populate), ceiling in the same run" --json "$OUTD/userpool-$N.json" | tee "$OUTD/userpool-$N.txt"
stop $PID
