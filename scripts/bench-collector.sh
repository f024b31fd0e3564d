#!/usr/bin/env bash
# What recording costs: the collector against the plain receiver daemon at the same load, 1,000 msg/s of bookTicker
# updates and trades over 10 symbols (the spot capture's prices and trades, renamed round-robin to 10 symbols, about
# 79 % bbo and 21 % trades), with the images' JVM flags. Per run and daemon: fresh processes (binance-replay at the
# recorded pace -> the real sender with INCLUDE_TRADES=true -> the receiver daemon or the collector, which writes to
# a local s3proxy); after a warm-up, the daemon's CPU (utime + stime from /proc, % of one core) over the measured
# window, its peak RSS (VmHWM) and RSS at the end, and what it received (quotes, rows, gaps from /metrics).
# See docs/BENCHMARKS.md, "Recording and the collector".
#
# Usage: scripts/bench-collector.sh [--repeat N] [--warmup-seconds S] [--measure-seconds S] [--no-build]
#   --repeat N            runs of each daemon, alternating receiver / collector (default 3); medians at the end
#   --warmup-seconds S    load before the measured window (default 15)
#   --measure-seconds S   measured window (default 45)
#   --no-build            use the jars already built (mvn -q -DskipTests package -pl collector -am)
# The results go to run/bench-collector-<UTC time>.txt (one line per run, then the medians).
set -euo pipefail

# The images' JAVA_OPTS (receiver/Dockerfile, collector/Dockerfile): keep equal to them.
RECEIVER_JVM_FLAGS="-XX:+UseSerialGC -XX:ActiveProcessorCount=1 -Xms32m -Xmx96m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:+ExitOnOutOfMemoryError"
COLLECTOR_JVM_FLAGS="-XX:+UseSerialGC -XX:ActiveProcessorCount=1 -Xms48m -Xmx144m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m -XX:+ExitOnOutOfMemoryError"
SENDER_JVM_FLAGS="$RECEIVER_JVM_FLAGS"
SYMBOLS=btcusdt,ethusdt,bnbusdt,solusdt,xrpusdt,adausdt,dogeusdt,ltcusdt,linkusdt,dotusdt
RATE=1000

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "bench-collector: $*" >&2; exit 2; }
repeat=3 warmup=15 measure=45 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--repeat takes a count >= 1"; repeat="$2"; shift 2 ;;
    --warmup-seconds) [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--warmup-seconds takes whole seconds"; warmup="$2"; shift 2 ;;
    --measure-seconds) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || die "--measure-seconds takes whole seconds >= 1"; measure="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done
data=""
for dir in "${RELAY_DATA_DIR:-}" "$root/../shared/data" "$root/../../shared/data"; do
  if [ -n "$dir" ] && [ -d "$dir/binance" ]; then data="$dir/binance"; break; fi
done
[ -n "$data" ] || die "no recordings: set RELAY_DATA_DIR to the folder holding binance/*.ndjson.gz"
sources=("$data/spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz"
  "$data/spot_btcusdt_bookTicker-trade-depth100ms_20240809T0000Z.ndjson.gz")
for f in "${sources[@]}"; do [ -r "$f" ] || die "recording not found: $f"; done

if [ "$build" -eq 1 ]; then
  echo "== building (mvn -q -DskipTests package -pl collector -am)"
  (cd "$root" && mvn -q -DskipTests package -pl collector -am)
fi
collector_jar="$root/collector/target/relay-collector.jar"
receiver_jar="$root/receiver/target/relay-receiver-daemon.jar"
sender_jar="$root/sender/target/relay-sender.jar"
replay_jar="$root/binance-replay/target/binance-replay.jar"
for j in "$collector_jar" "$receiver_jar" "$sender_jar" "$replay_jar" "$root/collector/target/test-classpath.txt"; do
  [ -e "$j" ] || die "missing $j: run without --no-build"
done
test_cp="$root/collector/target/test-classes:$root/collector/target/classes:$(cat "$root/collector/target/test-classpath.txt")"

mkdir -p "$root/run"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d "$root/run/bench-collector-$stamp-XXXXXX")"
out="$root/run/bench-collector-$stamp.txt"
pids=()
cleanup() {
  local code=$? p
  trap - EXIT INT TERM
  for p in ${pids[@]+"${pids[@]}"}; do kill -TERM "$p" 2>/dev/null || true; done
  for p in ${pids[@]+"${pids[@]}"}; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the load: the capture's bookTicker updates and trades, 1 ms apart, round-robin over 10 symbols ---------------
seconds=$(( warmup + measure + 20 ))
echo "== load: $((seconds * RATE)) messages at $RATE msg/s over $SYMBOLS ($work/load.ndjson.gz)"
set +o pipefail # awk stops reading once it has enough: gzip then ends with SIGPIPE
for f in "${sources[@]}"; do gzip -cd "$f"; done | awk -v n="$((seconds * RATE))" -v syms="$SYMBOLS" \
  -v step="$((1000000000 / RATE))" '
  BEGIN { k = split(syms, s, ","); t0 = 1700000000000000000 }
  /@bookTicker"/ || /@trade"/ {
    sym = s[i % k + 1]; up = toupper(sym); ts = t0 + i * step
    if ($0 ~ /@bookTicker"/) {
      match($0, /"b":"[^"]*","B":"[^"]*","a":"[^"]*","A":"[^"]*"/)
      printf "%.0f {\"stream\":\"%s@bookTicker\",\"data\":{\"u\":%d,\"s\":\"%s\",%s}}\n", ts, sym, 1000000 + i, up, substr($0, RSTART, RLENGTH)
    } else {
      match($0, /"p":"[^"]*","q":"[^"]*"/); pq = substr($0, RSTART, RLENGTH)
      m = ($0 ~ /"m":true/) ? "true" : "false"; ms = (t0 / 1000000) + i * step / 1000000
      printf "%.0f {\"stream\":\"%s@trade\",\"data\":{\"e\":\"trade\",\"E\":%.0f,\"s\":\"%s\",\"t\":%d,%s,\"T\":%.0f,\"m\":%s,\"M\":true}}\n", ts, sym, ms, up, 1000000 + i, pq, ms, m
    }
    if (++i >= n) exit
  }' | gzip -1 >"$work/load.ndjson.gz"
set -o pipefail
[ "$(gzip -cd "$work/load.ndjson.gz" | wc -l)" -eq "$((seconds * RATE))" ] || die "could not build the load file"
"$root/scripts/generate-certs.sh" -o "$work/certs" 127.0.0.1 localhost >/dev/null
ticks="$(getconf CLK_TCK)"

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free TCP port"
}
wait_line() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  tail -n 20 "$1" >&2; die "timed out waiting for '$2' in $1"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
metric() { awk -v m="$1" '$1 == m { printf "%d\n", $2; f = 1 } END { if (!f) print 0 }' <<<"$2"; }
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

one_run() { # daemon run
  local daemon="$1" run="$2" dir="$work/$1-$2" http s3_pid="" daemon_pid replay_pid sender_pid port
  mkdir -p "$dir"
  http="$(free_port)"
  local common=(PORT=0 BIND_HOST=127.0.0.1 CERT="$work/certs/receiver.crt" KEY="$work/certs/receiver.key"
    CA_CERT="$work/certs/ca.crt" HTTP_PORT="$http" STATS_INTERVAL_SECONDS=10)
  if [ "$daemon" = collector ]; then
    java -Xmx256m -cp "$test_cp" eu.bborelay.collector.demo.DemoS3Proxy "$dir/s3" bench k s >"$dir/s3.log" 2>&1 &
    s3_pid=$!; pids+=("$s3_pid")
    wait_line "$dir/s3.log" S3PROXY_LISTENING 60
    env "${common[@]}" DATA_DIR="$dir/data" S3_BUCKET=bench S3_REGION=us-east-1 \
      S3_ENDPOINT="$(grep -o 'S3PROXY_LISTENING [^ ]*' "$dir/s3.log" | cut -d' ' -f2)" AWS_ACCESS_KEY_ID=k \
      AWS_SECRET_ACCESS_KEY=s java $COLLECTOR_JVM_FLAGS -jar "$collector_jar" >"$dir/daemon.log" 2>&1 &
  else
    env "${common[@]}" java $RECEIVER_JVM_FLAGS -jar "$receiver_jar" >"$dir/daemon.log" 2>&1 &
  fi
  daemon_pid=$!; pids+=("$daemon_pid")
  wait_line "$dir/daemon.log" "Listening on" 60
  port="$(sed -n 's/.*Listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/daemon.log" | head -1)"
  java -Xmx512m -jar "$replay_jar" --port 0 --speed 1 --shift-times --recording "$work/load.ndjson.gz" \
    >"$dir/replay.log" 2>&1 &
  replay_pid=$!; pids+=("$replay_pid")
  wait_line "$dir/replay.log" REPLAY_LISTENING 60
  BINANCE_WS_URL="$(grep -o 'REPLAY_LISTENING [^ ]*' "$dir/replay.log" | cut -d' ' -f2)" SYMBOLS="$SYMBOLS" \
    AMS_HOST=127.0.0.1 AMS_PORT="$port" INCLUDE_TRADES=true CA_CERT="$work/certs/ca.crt" \
    CERT="$work/certs/sender.crt" KEY="$work/certs/sender.key" HTTP_PORT=0 STATS_INTERVAL_SECONDS=10 \
    java $SENDER_JVM_FLAGS -jar "$sender_jar" >"$dir/sender.log" 2>&1 &
  sender_pid=$!; pids+=("$sender_pid")
  # the warm-up starts when updates reach the daemon (a JVM starts slowly on a loaded machine)
  local m0 m1 c0 c1 t0 t1
  for _ in $(seq 1 600); do
    m0="$(curl -sf --max-time 5 "http://127.0.0.1:$http/metrics" || true)"
    [ "$(metric bbo_relay_receiver_quotes_total "$m0")" -eq 0 ] || break
    sleep 0.1
  done
  sleep "$warmup"
  for _ in $(seq 1 20); do
    m0="$(curl -sf --max-time 5 "http://127.0.0.1:$http/metrics" || true)"; [ -z "$m0" ] || break
  done
  c0="$(cpu_ticks "$daemon_pid")"; t0="$(date +%s.%N)"
  sleep "$measure"
  c1="$(cpu_ticks "$daemon_pid")"; t1="$(date +%s.%N)"
  m1="$(curl -sf --max-time 5 "http://127.0.0.1:$http/metrics" || true)"
  local hwm rss load received gaps rows
  hwm="$(status_kib "$daemon_pid" VmHWM)"; rss="$(status_kib "$daemon_pid" VmRSS)"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  received=$(( $(metric bbo_relay_receiver_quotes_total "$m1") - $(metric bbo_relay_receiver_quotes_total "$m0")
    + $(metric 'bbo_relay_receiver_trades_total{type="trade"}' "$m1")
    - $(metric 'bbo_relay_receiver_trades_total{type="trade"}' "$m0") ))
  gaps="$(metric bbo_relay_receiver_gaps_total "$m1")"
  rows=$(( $(metric 'bbo_relay_collector_rows_written_total{table="binance/bbo"}' "$m1")
    + $(metric 'bbo_relay_collector_rows_written_total{table="binance/trades"}' "$m1")
    - $(metric 'bbo_relay_collector_rows_written_total{table="binance/bbo"}' "$m0")
    - $(metric 'bbo_relay_collector_rows_written_total{table="binance/trades"}' "$m0") ))
  stop_pid "$sender_pid"; stop_pid "$daemon_pid"; stop_pid "$replay_pid"
  [ -z "$s3_pid" ] || stop_pid "$s3_pid"
  awk -v d="$daemon" -v r="$run" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v tk="$ticks" -v hwm="$hwm" \
    -v rss="$rss" -v q="$received" -v rows="$rows" -v g="$gaps" -v la="$load" -v d2="$daemon" 'BEGIN {
      w = t1 - t0; printf "%-9s run %d  cpu %5.2f %% of one core  peak_rss %6.1f MiB  rss %6.1f MiB  updates %d (%.0f/s)  rows %d  gaps %d  window %.1f s  load %s\n",
      d, r, 100 * (c1 - c0) / tk / w, hwm / 1024, rss / 1024, q, q / w, rows, g, w, la }' | tee -a "$out"
}

{
  echo "bench-collector $stamp: $RATE msg/s over 10 symbols (bbo + trades), warm-up ${warmup} s, measured ${measure} s"
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "receiver flags: $RECEIVER_JVM_FLAGS"
  echo "collector flags: $COLLECTOR_JVM_FLAGS"
} | tee "$out"
for r in $(seq 1 "$repeat"); do
  one_run receiver "$r"
  one_run collector "$r"
done
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for d in receiver collector; do
  cpu="$(awk -v d="$d" '$1 == d && $2 == "run" { print $5 }' "$out" | median)"
  hwm="$(awk -v d="$d" '$1 == d && $2 == "run" { print $11 }' "$out" | median)"
  echo "median $d: cpu $cpu % of one core, peak_rss $hwm MiB ($repeat runs)" | tee -a "$out"
done
echo "== results in $out"
