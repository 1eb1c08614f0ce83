#!/usr/bin/env bash
# Re-runs operations against a pool that run-all.sh already populated, after
# waiting for a quiet machine (the machine is shared; see BENCHMARKS.md):
#
#   tools/loadtest/rerun.sh WORK USERS OPS OUT.json
#
# WORK is run-all.sh's work directory (it keeps the userpool binary, configs
# and data directories), USERS the pool size, OPS a comma-separated list.
set -euo pipefail
W=$1 N=$2 OPS=$3 OUTF=$4
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
# shellcheck source=/dev/null
source <(sed -n '/^busy_cores()/,/^}/p; /^wait_quiet()/,/^}/p; /^wait_port()/,/^}/p; /^stop()/,/^}/p' tools/loadtest/run-all.sh)
LT=${LT:-$W/loadtest}
VERSION=$(cat "$W/userpool.version" 2>/dev/null || echo unknown)
"$W/userpool" serve --listen 127.0.0.1:19229 --data "$W/userpool-$N" --config "$W/userpool-$N.yaml" >>"$W/userpool-$N.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
wait_port 19229 $PID
wait_quiet
"$LT" run --target userpool --target-version "$VERSION" --endpoint http://127.0.0.1:19229 \
	--credentials "$W/userpool-$N/credentials" --users "$N" --pool-name "loadtest-$N" --skip-populate \
	--duration "${DUR:-10s}" --concurrency "${CONC:-32}" --server-pid $PID --data-dir "$W/userpool-$N" \
	--compare tools/loadtest/results/ceiling.json --ops "$OPS" \
	--note "re-run on a quiet machine of the operations named (no populate)" --json "tools/loadtest/results/$OUTF"
stop $PID
