#!/usr/bin/env bash
# Second A/B set: new = 972f597 (pressure flag), with default limits and with category_factor 2.
set -u
R=/tmp/fb/run2; mkdir -p $R
LT=/tmp/fb/loadtest
printf 'password: {insecure_fast_hashing: true}\nlog: {level: warn}\n' > $R/cfg.yaml
printf 'password: {insecure_fast_hashing: true}\nlog: {level: warn}\nlimits: {category_factor: 2}\n' > $R/cfg-f2.yaml
run() { # variant cfg sources round
  local v=$1 c=$2 s=$3 n=$4 port=19433
  local d=$R/data-$v-$c
  /tmp/fb/up-$v serve --listen 127.0.0.1:$port --data $d --config $R/$c.yaml >>$R/server-$v.log 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:$port/healthz && break; sleep 0.1; done
  timeout 60 $LT flood --endpoint http://127.0.0.1:$port --credentials $d/credentials --clients 100 --sources $s \
    --duration 5s --legit-interval 100ms --server-pid $pid --json $R/flood-$v-$c-$s-$n.json > $R/flood-$v-$c-$s-$n.txt 2>&1
  kill $pid; wait $pid 2>/dev/null
  echo "== $v $c sources=$s round=$n"; grep -v populate $R/flood-$v-$c-$s-$n.txt
}
for n in 1 2; do
  timeout 30 $LT run --target ceiling --duration 3s --warmup 1s --concurrency 32 --ops AdminGetUser --json $R/ceiling-$n.json > $R/ceiling-$n.txt 2>&1
  echo "== ceiling round $n"; grep AdminGetUser $R/ceiling-$n.txt
  run new cfg 100 $n; run base cfg 100 $n; run new cfg-f2 100 $n; run base cfg-f2 100 $n; run new cfg 1 $n
done
