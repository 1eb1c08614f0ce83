#!/usr/bin/env bash
# Measures AdminCreateUser (chosen, generated+suppressed, generated+delivered) at the default
# argon2id cost against one userpool binary, with the ceiling in the same run (BENCHMARKS.md).
#   tools/loadtest/createuser-bench.sh BIN LABEL PORT   (EXTRA_YAML="limits: {enabled: false}" for builds with limits)
# MOTO_SERVER=/path/to/moto_server also measures moto on PORT+1 in the same run, right after
# userpool, with the same operations, clients and duration (moto does not check signatures).
# Needs /tmp/loadtest (cd tools/loadtest && go build -o /tmp/loadtest .); writes /tmp/bench/LABEL.
# run.sh BIN LABEL PORT: AdminCreateUser variants at the default argon2id cost, ceiling in the same run.
set -euo pipefail
BIN=$1 LABEL=$2 PORT=$3
W=/tmp/bench/$LABEL
rm -rf "$W"; mkdir -p "$W/data"
cat >"$W/cfg.yaml" <<YAML
log:
  level: warn
${EXTRA_YAML:-}
pools:
  - name: bench
    clients:
      - name: loadtest
        explicit_auth_flows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
YAML
/tmp/loadtest run --target ceiling --duration 4s --warmup 1s --concurrency 8 --ops AdminCreateUser --json "$W/ceiling.json" > "$W/ceiling.txt"
"$BIN" serve --listen 127.0.0.1:$PORT --data "$W/data" --config "$W/cfg.yaml" >"$W/server.log" 2>&1 &
PID=$!
echo $PID > "$W/pid"
for _ in $(seq 1 100); do [ -s "$W/data/credentials" ] && (echo >/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
/tmp/loadtest run --target "userpool-$LABEL" --endpoint http://127.0.0.1:$PORT --credentials "$W/data/credentials" \
  --users 50 --auth-users 2 --pool-name bench --duration 4s --warmup 1s --concurrency 8 \
  --ops AdminCreateUser,AdminCreateUser-generated,AdminCreateUser-generated-delivered \
  --server-pid $PID --data-dir "$W/data" --compare "$W/ceiling.json" --json "$W/result.json" > "$W/result.txt" 2>"$W/lt.err" || true
kill $PID; wait $PID 2>/dev/null || true
cat "$W/result.txt"
if [ -n "${MOTO_SERVER:-}" ]; then
  MPORT=$((PORT + 1))
  "$MOTO_SERVER" -H 127.0.0.1 -p $MPORT >"$W/moto.log" 2>&1 &
  MPID=$!
  for _ in $(seq 1 100); do (echo >/dev/tcp/127.0.0.1/$MPORT) 2>/dev/null && break; sleep 0.2; done
  /tmp/loadtest run --target moto --endpoint http://127.0.0.1:$MPORT \
    --users 50 --auth-users 2 --duration 4s --warmup 1s --concurrency 8 \
    --ops AdminCreateUser,AdminCreateUser-generated,AdminCreateUser-generated-delivered \
    --server-pid $MPID --compare "$W/ceiling.json" --json "$W/moto.json" > "$W/moto.txt" 2>"$W/moto.err" || true
  kill $MPID; wait $MPID 2>/dev/null || true
  cat "$W/moto.txt"
fi
