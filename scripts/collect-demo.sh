#!/usr/bin/env bash
# Runs the collection pair locally on a recording: a Binance replay server, the sender with trades
# (INCLUDE_TRADES=true), the collector (receiver + Parquet + S3 upload) and a local S3 (s3proxy with its filesystem
# backend: every object is a plain file). When the replay ends it stops the sender, then the collector (which closes
# its Parquet files and uploads them), lists what landed in S3 per partition (files, rows, bytes, read with DuckDB)
# and checks it against the recording. The last line is "bucket folder: <path>", a folder any Parquet reader opens.
#
#   scripts/collect-demo.sh                 the spot BTCUSDT capture across UTC midnight (two files, 73,174
#                                           bookTicker updates and 19,904 trades) from ../shared/data/binance
#                                           (or $RELAY_DATA_DIR/binance), as fast as possible
#   scripts/collect-demo.sh --replay FILE [--replay FILE2]
#                                           other recordings (spot, USD-M or COIN-M); aggTrades are relayed
#                                           (INCLUDE_AGG_TRADES=true) when the recording holds them
# Options:
#   --speed X      replay pace: 0 = as fast as possible (default), 1 = recorded pace, 10 = ten times faster
#   --no-build     use the jars already built (mvn -q -DskipTests package -pl collector -am)
#   --keep         also keep the logs, certificates, the CA key and the collector's DATA_DIR next to the bucket
#   --dry-run      check the options and recordings, print what would be recorded, start nothing
# The bucket folder is kept (run/collect-demo-<time>-<id>/s3/demo-bucket); delete run/collect-demo-* when done.
# Exit codes: 0 every bookTicker update and trade of the recording in S3 exactly once, 0 gaps; 1 a shortfall, a
# duplicate, a gap, or a process that failed (its last log lines are shown); 2 a bad option or recording;
# 130 interrupted.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "collect-demo: $*" >&2; exit 2; }
fail() { echo "collect-demo: FAILED: $*" >&2; exit 1; }
absolute() {
  if realpath -m / >/dev/null 2>&1; then realpath -m -- "$1"
  else case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; fi
}
value() { [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || die "$1 needs a value (see --help)"; }

replays=()
speed=0
build=1
keep=0
dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --replay) value "$@"; replays+=("$2"); shift 2 ;;
    --speed) value "$@"; speed="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

# --- every check before anything starts ---------------------------------------------------------------------------
[[ "$speed" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--speed takes a number >= 0 (0 = as fast as possible), got '$speed'"
if [ ${#replays[@]} -eq 0 ]; then
  data=""
  for dir in "${RELAY_DATA_DIR:-}" "$root/../shared/data" "$root/../../shared/data"; do
    if [ -n "$dir" ] && [ -d "$dir/binance" ]; then data="$dir/binance"; break; fi
  done
  [ -n "$data" ] || die "no recordings: set RELAY_DATA_DIR to the folder holding binance/*.ndjson.gz, or pass --replay FILE"
  replays=("$data/spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz"
    "$data/spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz")
fi
files=()
for f in "${replays[@]}"; do
  abs="$(absolute "$f")"
  [ -e "$abs" ] || die "recording not found: $f$([ "$abs" = "$f" ] || echo " (that is $abs)")"
  [ -f "$abs" ] && [ -r "$abs" ] || die "recording is not a readable file: $abs"
  first="$( (gzip -cdf -- "$abs" 2>/dev/null || true) | head -c 4096 | head -n 1 | tr -d '\0' | cut -c1-80)"
  [[ "$first" =~ ^[0-9]+\ \{ ]] || die "not a Binance recording: $abs (expected lines '<receive time> <json>'," \
    "gzip or plain, as in ../shared/data/binance; it starts with: '${first:-<nothing readable>}')"
  files+=("$abs")
done

# what the recording holds, per stream kind: "count symbol@kind" lines
counts="$(for f in "${files[@]}"; do gzip -cdf -- "$f" 2>/dev/null || true; done \
  | grep -o '"stream":"[a-z0-9_]*@\(bookTicker\|trade\|aggTrade\)"' | sed 's/"stream":"\(.*\)"/\1/' | sort | uniq -c || true)"
symbols="$(awk '$2 ~ /@bookTicker$/ { sub(/@bookTicker$/, "", $2); print $2 }' <<<"$counts" | paste -sd, -)"
[ -n "$symbols" ] || die "the recording(s) hold no bookTicker stream: ${files[*]}"
total() { awk -v k="@$1" -v syms=",$symbols," '{ n = index($2, "@"); s = substr($2, 1, n - 1); t = substr($2, n) }
  t == k && index(syms, "," s ",") { sum += $1 } END { print sum + 0 }' <<<"$counts"; }
expected_bbo="$(total bookTicker)"
expected_trades="$(total trade)"
expected_agg="$(total aggTrade)"
agg_trades=false
[ "$expected_agg" -eq 0 ] || agg_trades=true
command -v java >/dev/null || fail "java (JDK 17+) is required"
command -v openssl >/dev/null || fail "openssl is required (apt-get install openssl)"

plan="$expected_bbo bookTicker updates, $expected_trades trades$([ "$agg_trades" = false ] || echo ", $expected_agg aggTrades") for $symbols"
if [ "$dry_run" -eq 1 ]; then
  echo "replay: ${#files[@]} recording(s), $plan, speed $speed"
  echo "sender: INCLUDE_TRADES=true INCLUDE_AGG_TRADES=$agg_trades -> collector -> s3proxy (filesystem backend)"
  exit 0
fi

collector_jar="$root/collector/target/relay-collector.jar"
sender_jar="$root/sender/target/relay-sender.jar"
replay_jar="$root/binance-replay/target/binance-replay.jar"
test_cp_file="$root/collector/target/test-classpath.txt"
if [ "$build" -eq 1 ]; then
  echo "== building (mvn -q -DskipTests package -pl collector -am)"
  (cd "$root" && mvn -q -DskipTests package -pl collector -am)
fi
for j in "$collector_jar" "$sender_jar" "$replay_jar" "$test_cp_file" "$root/collector/target/test-classes"; do
  [ -e "$j" ] || fail "missing $j: run without --no-build"
done
test_cp="$root/collector/target/test-classes:$root/collector/target/classes:$(cat "$test_cp_file")"

# --- from here on everything started is stopped, and run/ cleaned, on every exit ------------------------------------
mkdir -p "$root/run"
run="$(mktemp -d "$root/run/collect-demo-$(date +%Y%m%dT%H%M%S)-XXXXXX")"
bucket=demo-bucket
bucket_dir="$run/s3/$bucket"
access_key="demo-access-key"
secret_key="demo-secret-key-$RANDOM$RANDOM"
sender_pid="" collector_pid="" replay_pid="" s3_pid=""
succeeded=0
stop() { # name: TERM, wait up to 40 s (the collector uploads at its stop), then KILL
  local pid_var="${1}_pid" pid
  pid="${!pid_var}"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  printf -v "$pid_var" '%s' ""
}
stop_all() { stop sender; stop collector; stop replay; stop s3; }
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  stop_all
  if [ "$keep" -eq 1 ]; then
    [ "$succeeded" -eq 1 ] || echo "== kept $run (logs, certificates, the CA key, the collector's data folder)" >&2
  elif [ "$succeeded" -eq 1 ]; then
    rm -rf "$run/certs" "$run/data" "$run"/*.log
  else
    rm -rf "$run"
    [ "$code" -eq 0 ] || echo "== logs deleted with $run; run again with --keep to keep them" >&2
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'echo "== interrupted" >&2; exit 130' INT TERM

died() { # name log status
  echo "collect-demo: $1 exited (status $3); last lines of $2:" >&2
  tail -n 20 "$2" | sed 's/^/  | /' >&2
  fail "$1 did not run; see above"
}
wait_for_line() { # name file pattern seconds pid
  for _ in $(seq 1 $(( $4 * 10 ))); do
    grep -q -- "$3" "$2" 2>/dev/null && return 0
    if ! kill -0 "$5" 2>/dev/null; then
      local status=0; wait "$5" 2>/dev/null || status=$?
      died "$1" "$2" "$status"
    fi
    sleep 0.1
  done
  tail -n 20 "$2" | sed 's/^/  | /' >&2
  fail "timed out waiting for '$3' in $2"
}
check_alive() {
  local name pid_var pid status
  for name in s3 collector sender replay; do
    pid_var="${name}_pid"; pid="${!pid_var}"
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      status=0; wait "$pid" 2>/dev/null || status=$?
      printf -v "$pid_var" '%s' ""
      died "$name" "$run/$name.log" "$status"
    fi
  done
}
scrape() { # the collector's /metrics (bash's /dev/tcp: no curl needed), empty when it does not answer in 10 s
  timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 \
    && cat <&3' _ "$http_port" 2>/dev/null | tr -d '\r' || true
}
metric() { # name{labels} -> value (0 when absent)
  awk -v m="$1" '$1 == m { printf "%d\n", $2; found = 1 } END { if (!found) print 0 }' <<<"$metrics"
}

started=$(date +%s)
echo "== certificates for 127.0.0.1 in $run/certs"
"$root/scripts/generate-certs.sh" -o "$run/certs" 127.0.0.1 localhost >/dev/null

java -Xmx256m -cp "$test_cp" eu.bborelay.collector.demo.DemoS3Proxy "$run/s3" "$bucket" "$access_key" "$secret_key" \
  >"$run/s3.log" 2>&1 &
s3_pid=$!
args=(--port 0 --speed "$speed" --print-when-done --shift-times)
for f in "${files[@]}"; do args+=(--recording "$f"); done
java -jar "$replay_jar" "${args[@]}" >"$run/replay.log" 2>&1 &
replay_pid=$!
wait_for_line s3proxy "$run/s3.log" S3PROXY_LISTENING 60 "$s3_pid"
s3_url="$(grep -o 'S3PROXY_LISTENING [^ ]*' "$run/s3.log" | head -1 | cut -d' ' -f2)"
echo "== S3 (s3proxy, filesystem backend) on $s3_url, bucket $bucket in $bucket_dir"

# the collector's /metrics (it says when everything is recorded): a free port (HTTP_PORT=0 would mean no endpoint)
http_port=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 40000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then http_port=$p; break; fi
done
[ -n "$http_port" ] || fail "found no free TCP port for the collector's /metrics"
echo "== collector on 127.0.0.1:<any free port>, DATA_DIR $run/data (log: $run/collector.log)"
PORT=0 BIND_HOST=127.0.0.1 CERT="$run/certs/receiver.crt" KEY="$run/certs/receiver.key" CA_CERT="$run/certs/ca.crt" \
  HTTP_PORT="$http_port" STATS_INTERVAL_SECONDS=10 DATA_DIR="$run/data" S3_BUCKET="$bucket" \
  S3_REGION=us-east-1 S3_ENDPOINT="$s3_url" AWS_ACCESS_KEY_ID="$access_key" AWS_SECRET_ACCESS_KEY="$secret_key" \
  UPLOAD_DRAIN_SECONDS=30 \
  java -XX:+UseSerialGC -Xms48m -Xmx144m -jar "$collector_jar" >"$run/collector.log" 2>&1 &
collector_pid=$!
wait_for_line collector "$run/collector.log" "Listening on" 60 "$collector_pid"
wait_for_line collector "$run/collector.log" "Health and metrics on" 30 "$collector_pid"
port="$(sed -n 's/.*Listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$run/collector.log" | head -1)"
metrics_url="http://127.0.0.1:$http_port/metrics"

wait_for_line "replay server" "$run/replay.log" REPLAY_LISTENING 60 "$replay_pid"
binance_url="$(grep -o 'REPLAY_LISTENING [^ ]*' "$run/replay.log" | head -1 | cut -d' ' -f2)"
echo "== replay server on $binance_url: ${#files[@]} recording(s), $plan, speed $speed"
echo "== sender: INCLUDE_TRADES=true INCLUDE_AGG_TRADES=$agg_trades -> collector on 127.0.0.1:$port (log: $run/sender.log)"
BINANCE_WS_URL="$binance_url" SYMBOLS="$symbols" AMS_HOST=127.0.0.1 AMS_PORT="$port" INCLUDE_TRADES=true \
  INCLUDE_AGG_TRADES="$agg_trades" CA_CERT="$run/certs/ca.crt" CERT="$run/certs/sender.crt" \
  KEY="$run/certs/sender.key" STATS_INTERVAL_SECONDS=10 HTTP_PORT=0 \
  java -XX:+UseSerialGC -Xms32m -Xmx96m -jar "$sender_jar" >"$run/sender.log" 2>&1 &
sender_pid=$!

# --- until the replay has ended and the collector has recorded what it can (no progress for 5 s) --------------------
replay_done=""
last="" still=0 scraped=0 bbo=0 trades=0 agg=0 gaps=0
while :; do
  sleep 0.5
  check_alive
  if [ -z "$replay_done" ] && grep -q REPLAY_DONE "$run/replay.log"; then
    replay_done="$(grep -o 'REPLAY_DONE.*' "$run/replay.log" | head -1)"
    echo "== replay finished: ${replay_done#REPLAY_DONE }"
  fi
  metrics="$(scrape)"
  if grep -q '^bbo_relay_collector_gaps_total ' <<<"$metrics"; then # else keep the last values read
    scraped=1
    bbo="$(metric 'bbo_relay_collector_rows_written_total{table="binance/bbo"}')"
    trades="$(metric 'bbo_relay_collector_rows_written_total{table="binance/trades"}')"
    agg="$(metric 'bbo_relay_collector_rows_written_total{table="binance/agg_trades"}')"
    gaps="$(metric 'bbo_relay_collector_gaps_total')"
  fi
  [ -n "$replay_done" ] || continue
  if [ "$bbo" -ge "$expected_bbo" ] && [ "$trades" -ge "$expected_trades" ] && [ "$agg" -ge "$expected_agg" ]; then break; fi
  if [ "$bbo $trades $agg $gaps" = "$last" ]; then
    still=$((still + 1)); [ "$still" -lt 10 ] || break
  else
    last="$bbo $trades $agg $gaps"; still=0
  fi
done
[ "$scraped" -eq 1 ] || fail "could not read the collector's $metrics_url (its gaps are unknown); see $run/collector.log"
echo "== the collector recorded $bbo bbo rows, $trades trade rows$([ "$agg_trades" = false ] || echo ", $agg agg trade rows"), gaps $gaps"
echo "== stopping the sender, then the collector (it closes its Parquet files and uploads them)"
stop sender
stop collector
grep -q 'Stopped relay-collector' "$run/collector.log" \
  || { tail -n 20 "$run/collector.log" | sed 's/^/  | /' >&2; fail "the collector did not stop cleanly; see above"; }
stop replay
stop s3

# --- what landed in S3 ------------------------------------------------------------------------------------------------
echo "== what landed in S3 (bucket $bucket), read with DuckDB:"
summary="$(java -Xmx512m -cp "$test_cp" eu.bborelay.collector.demo.BucketSummary "$bucket_dir" 2>"$run/summary.log")" \
  || { cat "$run/summary.log" >&2; fail "could not read the bucket folder $bucket_dir"; }
grep -v '^BUCKET_TABLE ' <<<"$summary" | sed 's/^/  /'
in_s3() { # table field -> value (0 when the table is absent)
  awk -v t="$1" -v f="$2" '$1 == "BUCKET_TABLE" && $2 == t { for (i = 3; i <= NF; i++) { split($i, kv, "=");
    if (kv[1] == f) print kv[2] } found = 1 } END { if (!found) print 0 }' <<<"$summary"
}
s3_bbo="$(in_s3 bbo rows)"; s3_bbo_ids="$(in_s3 bbo distinct_ids)"
s3_trades="$(in_s3 trades rows)"; s3_trade_ids="$(in_s3 trades distinct_ids)"
s3_agg="$(in_s3 agg_trades rows)"; s3_agg_ids="$(in_s3 agg_trades distinct_ids)"
elapsed=$(( $(date +%s) - started ))

agg_text="$([ "$agg_trades" = false ] || echo " and $expected_agg agg trade rows")"
if [ "$s3_bbo" -eq "$expected_bbo" ] && [ "$s3_bbo_ids" -eq "$expected_bbo" ] \
  && [ "$s3_trades" -eq "$expected_trades" ] && [ "$s3_trade_ids" -eq "$expected_trades" ] \
  && [ "$s3_agg" -eq "$expected_agg" ] && [ "$s3_agg_ids" -eq "$expected_agg" ] && [ "$gaps" -eq 0 ]; then
  echo "== VERDICT: all $expected_bbo bbo rows and $expected_trades trade rows$agg_text in S3, each id once, 0 gaps" \
    "(${elapsed} s)"
else
  fail "VERDICT: in S3 $s3_bbo bbo rows ($s3_bbo_ids distinct update ids) of $expected_bbo, $s3_trades trade rows" \
    "($s3_trade_ids distinct trade ids) of $expected_trades$([ "$agg_trades" = false ] || echo ", $s3_agg agg trade rows ($s3_agg_ids distinct) of $expected_agg");" \
    "gaps $gaps"
fi
succeeded=1
[ "$keep" -eq 0 ] || echo "== kept $run (logs, certificates, the CA key, the collector's data folder, the bucket)"
echo "== query it: duckdb -c \"SELECT symbol, date, hour, count(*) FROM read_parquet('$bucket_dir/binance/bbo/**/*.parquet'," \
  "hive_partitioning = true) GROUP BY ALL ORDER BY ALL\""
echo "bucket folder: $bucket_dir"
