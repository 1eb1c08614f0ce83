#!/usr/bin/env bash
# BENCHMARKS.md "Third pass": /tmp/fb/up-base built from 5c1873e (ops.go Allow as in f1dff49),
# /tmp/fb/up-new from c732f48, /tmp/fb/loadtest from tools/loadtest; writes /tmp/fb/run.
# A/B flood runs, alternating base and new; ceiling before each pair.
set -u
R=/tmp/fb/run
LT=/tmp/fb/loadtest
printf 'password: {insecure_fast_hashing: true}\nlog: {level: warn}\n' > $R/cfg.yaml
run() { # variant sources round
  local v=$1 s=$2 n=$3 port=19431
  local d=$R/data-$v
  /tmp/fb/up-$v serve --listen 127.0.0.1:$port --data $d --config $R/cfg.yaml >>$R/server-$v.log 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.1; done
  timeout 60 $LT flood --endpoint http://127.0.0.1:$port --credentials $d/credentials --clients 100 --sources $s \
    --duration 5s --legit-interval 100ms --server-pid $pid --json $R/flood-$v-$s-$n.json > $R/flood-$v-$s-$n.txt 2>&1
  kill $pid; wait $pid 2>/dev/null
  echo "== $v sources=$s round=$n"; cat $R/flood-$v-$s-$n.txt
}
for n in 1 2 3; do
  timeout 30 $LT run --target ceiling --duration 3s --warmup 1s --concurrency 32 --ops AdminGetUser --json $R/ceiling-$n.json > $R/ceiling-$n.txt 2>&1
  echo "== ceiling round $n"; tail -5 $R/ceiling-$n.txt
  for s in 100 1; do
    if [ $((n % 2)) = 1 ]; then run base $s $n; run new $s $n; else run new $s $n; run base $s $n; fi
  done
done
