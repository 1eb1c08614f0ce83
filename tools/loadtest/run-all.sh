#!/usr/bin/env bash
# Runs the whole benchmark: the ceiling, userpool (SQLite, SigV4-signed) at
# several pool sizes, cognito-local 5.3.0 and moto_server 5.2.1, then writes
# JSON reports, a Markdown summary and a PNG plot under tools/loadtest/results/.
#
#   tools/loadtest/run-all.sh                  # everything (about an hour, 1M included)
#   SIZES="10000" SCALE_1M=0 PEERS=0 DUR=3s tools/loadtest/run-all.sh   # quick look
#
# Environment:
#   DUR=10s          measured time per operation     CONC=32   concurrent clients
#   SIZES="10000 100000"   userpool pool sizes populated through the API
#   SCALE_1M=1       also BIG=1000000 users (10k through the API, the rest with tools/populate)
#   PEERS=1          run cognito-local and moto (or PEERS=moto / PEERS=cognito-local: one)   PEER_USERS=10000
#   POP_TIMEOUT=15m  give up populating a peer after this long (then measure what is there)
#   OUT=tools/loadtest/results
# Every server is started on 127.0.0.1 by this script and stopped by its pid.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DUR=${DUR:-10s}
CONC=${CONC:-32}
SIZES=${SIZES-"10000 100000"}
SCALE_1M=${SCALE_1M:-1}
BIG=${BIG:-1000000}
PEERS=${PEERS:-1}
PEER_USERS=${PEER_USERS:-10000}
POP_TIMEOUT=${POP_TIMEOUT:-15m}
OUT=${OUT:-$ROOT/tools/loadtest/results}
WORK=$(mktemp -d /tmp/userpool-loadtest.XXXXXX)
UP_PORT=19229 CL_PORT=19230 MOTO_PORT=19231
mkdir -p "$OUT"
PIDS=()

log() { printf '\n=== %s\n' "$*" >&2; }
cleanup() {
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT

wait_port() { # wait_port PORT PID
	for _ in $(seq 1 200); do
		if ! kill -0 "$2" 2>/dev/null; then echo "server $2 exited" >&2; return 1; fi
		if (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "port $1 did not open" >&2
	return 1
}
busy_cores() { # CPU used by all processes over 3 s, in hundredths of a core
	local a b
	a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
	sleep 3
	b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat)
	echo $(((b - a) / 3))
}
wait_quiet() { # the machine is shared: wait (up to 20 min) until others use < 0.3 cores
	local i busy
	for i in $(seq 1 400); do
		busy=$(busy_cores)
		[ "$busy" -lt 30 ] && return 0
		[ $((i % 20)) = 1 ] && echo "waiting for a quiet machine (other processes use $busy% of a core)" >&2
	done
	echo "machine still busy ($busy% of a core); measuring anyway — see other_cpu_cores in the reports" >&2
}
stop() { # stop PID
	kill "$1" 2>/dev/null || true
	for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$1" 2>/dev/null || true
}

{
	echo "date: $(date -u +%FT%TZ)"
	echo "commit: $(git rev-parse --short HEAD)"
	echo "nproc: $(nproc)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "memory: $(grep MemTotal /proc/meminfo | awk '{print $2" kB"}')"
	echo "kernel: $(uname -r)"
	echo "go: $(go version | awk '{print $3}')"
	echo "node: $(node --version 2>/dev/null || echo none)"
	echo "moto: $(python3 -c 'import moto; print(moto.__version__)' 2>/dev/null || echo none)"
	echo "settings: DUR=$DUR CONC=$CONC SIZES='$SIZES' SCALE_1M=$SCALE_1M PEERS=$PEERS PEER_USERS=$PEER_USERS"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

log "build"
# The label of every userpool report: the commit the binary was built from
# (plus "+dirty" when the shared working tree had uncommitted changes).
UP_VERSION=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- cmd internal go.mod 2>/dev/null || echo +dirty)
echo "$UP_VERSION" >"$WORK/userpool.version"
go build -o "$WORK/userpool" ./cmd/userpool
(cd tools/loadtest && go build -o "$WORK/loadtest" .)
go build -o "$WORK/populate" ./tools/populate
LT="$WORK/loadtest"

log "ceiling"
wait_quiet
"$LT" run --target ceiling --duration "$DUR" --concurrency "$CONC" --json "$OUT/ceiling.json" | tee "$OUT/ceiling.txt"

# userpool_config NAME: a config with fast hashing and a declared pool NAME
# with the loadtest client and Admin Queries for the Admins group.
userpool_config() {
	cat <<EOF
log:
  level: warn
password:
  insecure_fast_hashing: true
# Throughput runs measure the server, not its rate limits (Cognito's
# category quotas x 10 would cap AdminGetUser at 1,200/s).
limits:
  enabled: false
pools:
  - name: $1
    groups:
      - name: Admins
    clients:
      - name: loadtest
        explicit_auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
    admin_queries:
      enabled: true
      groups: [Admins]
EOF
}

start_userpool() { # start_userpool DATA CONFIG → sets UP_PID
	"$WORK/userpool" serve --listen 127.0.0.1:$UP_PORT --data "$1" --config "$2" >>"$1.log" 2>&1 &
	UP_PID=$!
	PIDS+=("$UP_PID")
	wait_port $UP_PORT "$UP_PID"
	for _ in $(seq 1 50); do [ -s "$1/credentials" ] && break; sleep 0.1; done
}

run_userpool() { # run_userpool USERS [extra loadtest flags]
	local n=$1
	shift
	wait_quiet
	"$LT" run --target userpool --target-version "$UP_VERSION" \
		--endpoint http://127.0.0.1:$UP_PORT --credentials "$DATA/credentials" \
		--users "$n" --pool-name "loadtest-$n" --duration "$DUR" --concurrency "$CONC" \
		--server-pid "$UP_PID" --data-dir "$DATA" --compare "$OUT/ceiling.json" "$@"
}

for n in $SIZES; do
	log "userpool $n users"
	DATA="$WORK/userpool-$n"
	mkdir -p "$DATA"
	userpool_config "loadtest-$n" >"$WORK/userpool-$n.yaml"
	start_userpool "$DATA" "$WORK/userpool-$n.yaml"
	run_userpool "$n" --json "$OUT/userpool-$n.json" | tee "$OUT/userpool-$n.txt"
	stop "$UP_PID"
done

if [ -d "$WORK/userpool-10000" ]; then
	# Sign-in at the production hash cost (argon2id 19 MiB, t=2): the
	# populated users' fast hashes are upgraded on their first sign-in
	# during the long warm-up, then every sign-in verifies at full cost.
	log "userpool USER_PASSWORD_AUTH at the default argon2id cost"
	DATA="$WORK/userpool-10000"
	userpool_config "loadtest-10000" | sed '/^password:$/d; /insecure_fast_hashing/d' >"$WORK/userpool-default-hash.yaml"
	start_userpool "$DATA" "$WORK/userpool-default-hash.yaml"
	run_userpool 10000 --skip-populate --target userpool-default-hash --ops InitiateAuth-USER_PASSWORD_AUTH \
		--auth-users 32 --warmup 8s --json "$OUT/userpool-default-hash.json" | tee "$OUT/userpool-default-hash.txt"
	stop "$UP_PID"
fi

if [ "$SCALE_1M" = 1 ]; then
	n=$BIG
	log "userpool $n users (10,000 through the API, the rest with tools/populate)"
	DATA="$WORK/userpool-$n"
	mkdir -p "$DATA"
	userpool_config "loadtest-$n" >"$WORK/userpool-$n.yaml"
	start_userpool "$DATA" "$WORK/userpool-$n.yaml"
	run_userpool 10000 --pool-name "loadtest-$n" --ops none --json "$OUT/userpool-$n-api-part.json" >/dev/null
	stop "$UP_PID"
	/usr/bin/time -v "$WORK/populate" --data "$DATA" --pool-name "loadtest-$n" --from 10000 --to $n 2>&1 | tee "$OUT/populate-1m.txt" | grep -E "populate:|Maximum resident|Elapsed" >&2
	start_userpool "$DATA" "$WORK/userpool-$n.yaml"
	run_userpool $n --skip-populate --json "$OUT/userpool-$n.json" \
		--note "populated: 10,000 users through the API, the rest with tools/populate (see populate-1m.txt)" | tee "$OUT/userpool-$n.txt"
	stop "$UP_PID"
fi

peer() { [ "$PEERS" = 1 ] || [ "$PEERS" = "$1" ]; }

if peer cognito-local; then
	log "cognito-local 5.3.0 ($PEER_USERS users)"
	CL="$WORK/cognito-local"
	mkdir -p "$CL/run"
	(cd "$CL" && npm install --no-audit --no-fund --silent cognito-local@5.3.0 >/dev/null)
	CL_VERSION=$(node -p "require('$CL/node_modules/cognito-local/package.json').version")
	(cd "$CL/run" && PORT=$CL_PORT HOST=127.0.0.1 exec node "$CL/node_modules/cognito-local/lib/bin/start.js" >"$CL/log" 2>&1) &
	CL_PID=$!
	PIDS+=("$CL_PID")
	wait_port $CL_PORT "$CL_PID"
	wait_quiet
	# node is exec'd by the subshell: $CL_PID is node itself.
	"$LT" run --target cognito-local --target-version "$CL_VERSION" --endpoint http://127.0.0.1:$CL_PORT \
		--users "$PEER_USERS" --duration "$DUR" --concurrency "$CONC" --populate-concurrency 16 \
		--populate-timeout "$POP_TIMEOUT" --server-pid "$CL_PID" --data-dir "$CL/run/.cognito" \
		--compare "$OUT/ceiling.json" --json "$OUT/cognito-local-$PEER_USERS.json" | tee "$OUT/cognito-local-$PEER_USERS.txt" || true
	stop "$CL_PID"
fi

if peer moto; then
	log "moto_server ($PEER_USERS users)"
	MOTO_BIN=$(pyenv which moto_server 2>/dev/null || command -v moto_server)
	MOTO_VERSION=$(python3 -c 'import moto; print(moto.__version__)')
	"$MOTO_BIN" -H 127.0.0.1 -p $MOTO_PORT >"$WORK/moto.log" 2>&1 &
	MOTO_PID=$!
	PIDS+=("$MOTO_PID")
	wait_port $MOTO_PORT "$MOTO_PID"
	wait_quiet
	"$LT" run --target moto --target-version "$MOTO_VERSION" --endpoint http://127.0.0.1:$MOTO_PORT \
		--users "$PEER_USERS" --duration "$DUR" --concurrency "$CONC" --populate-concurrency 16 \
		--populate-timeout "$POP_TIMEOUT" --server-pid "$MOTO_PID" \
		--compare "$OUT/ceiling.json" --json "$OUT/moto-$PEER_USERS.json" | tee "$OUT/moto-$PEER_USERS.txt" || true
	stop "$MOTO_PID"
fi

log "plot and summary"
shopt -s nullglob
REPORTS=()
for f in "$OUT"/ceiling.json "$OUT"/userpool-*.json "$OUT"/cognito-local-*.json "$OUT"/moto-*.json; do
	case "$f" in *-api-part.json) continue ;; esac
	REPORTS+=("$f")
done
"$LT" plot -o "$OUT/throughput.png" "${REPORTS[@]}"
"$LT" markdown "${REPORTS[@]}" >"$OUT/summary.md"
cat "$OUT/summary.md"
echo "results in $OUT (work dir $WORK)" >&2
