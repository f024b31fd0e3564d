#!/usr/bin/env bash
# Runs the relay locally: builds, makes throwaway certificates, starts the receiver and the sender on loopback
# (mutual TLS) and shows the receiver's stats lines.
#
#   scripts/demo.sh                         relay live Binance (needs internet access to Binance)
#   scripts/demo.sh --replay FILE [--replay FILE2] [--speed X]
#                                           replay a recording (../shared/data/binance/*.ndjson.gz) through a local
#                                           Binance replay server instead; stops when the replay ends
# Options:
#   --symbols a,b       symbols to relay (default: btcusdt live; every bookTicker symbol of the recording on replay)
#   --speed X           replay pace: 1 = recorded pace (default), 10 = ten times faster, 0 = as fast as possible
#   --duration SECONDS  stop after this long (default: until Ctrl-C, or the end of the replay)
#   --port N            receiver port on 127.0.0.1 (default 9001)
#   --no-build          use the jars already built
# Logs and certificates go to run/demo-<time>/ (git-ignored). Ctrl-C stops everything cleanly; the receiver
# prints a final stats line as it stops.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
replays=()
symbols=""
speed=1
duration=0
port=9001
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --replay) replays+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    --symbols) symbols="$2"; shift 2 ;;
    --speed) speed="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for f in "${replays[@]}"; do [ -r "$f" ] || { echo "recording not found: $f" >&2; exit 2; }; done
[[ "$duration" =~ ^[0-9]+$ ]] || { echo "--duration takes whole seconds, got '$duration'" >&2; exit 2; }
command -v java >/dev/null || { echo "java (JDK 17+) is required" >&2; exit 1; }

receiver_jar="$root/receiver/target/relay-receiver-daemon.jar"
sender_jar="$root/sender/target/relay-sender.jar"
replay_jar="$root/binance-replay/target/binance-replay.jar"
if [ "$build" -eq 1 ]; then
  echo "== building (mvn -q -DskipTests package)"
  (cd "$root" && mvn -q -DskipTests package)
fi
for j in "$receiver_jar" "$sender_jar" "$replay_jar"; do
  [ -f "$j" ] || { echo "missing $j: run without --no-build" >&2; exit 1; }
done

run="$root/run/demo-$(date +%Y%m%dT%H%M%S)"
mkdir -p "$run"
echo "== certificates for 127.0.0.1 in $run/certs"
"$root/scripts/generate-certs.sh" -o "$run/certs" 127.0.0.1 localhost >/dev/null

pids=()
stop_all() {
  trap - INT TERM
  echo "== stopping"
  # sender first so everything it took is flushed, then the receiver prints its final stats
  for name in sender receiver replay; do
    pid_var="${name}_pid"; pid="${!pid_var:-}"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 130' INT TERM

wait_for_line() { # file pattern seconds pid
  for _ in $(seq 1 $(( $3 * 10 ))); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || { echo "process exited early, see $1:" >&2; tail -20 "$1" >&2; return 1; }
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1" >&2; return 1
}

binance_url="wss://stream.binance.com:9443"
if [ ${#replays[@]} -gt 0 ]; then
  if [ -z "$symbols" ]; then
    symbols="$(for f in "${replays[@]}"; do gzip -cdf "$f"; done | grep -o '"stream":"[a-z0-9]*@bookTicker"' \
      | sed 's/"stream":"\(.*\)@bookTicker"/\1/' | sort -u | paste -sd, -)"
  fi
  expected="$(for f in "${replays[@]}"; do gzip -cdf "$f"; done | grep -c '@bookTicker"' || true)"
  echo "== replay server: ${#replays[@]} recording(s), $expected bookTicker updates, speed $speed"
  args=(); for f in "${replays[@]}"; do args+=(--recording "$f"); done
  java -jar "$replay_jar" "${args[@]}" --port 0 --speed "$speed" --exit-when-done >"$run/replay.log" 2>&1 &
  replay_pid=$!
  wait_for_line "$run/replay.log" REPLAY_LISTENING 30 "$replay_pid"
  binance_url="$(grep -o 'REPLAY_LISTENING [^ ]*' "$run/replay.log" | head -1 | cut -d' ' -f2)"
fi
symbols="${symbols:-btcusdt}"

echo "== receiver on 127.0.0.1:$port (log: $run/receiver.log)"
PORT="$port" BIND_HOST=127.0.0.1 CERT="$run/certs/receiver.crt" KEY="$run/certs/receiver.key" \
  CA_CERT="$run/certs/ca.crt" STATS_INTERVAL_SECONDS=10 HTTP_PORT=0 \
  java -Xmx128m -jar "$receiver_jar" >"$run/receiver.log" 2>&1 &
receiver_pid=$!
wait_for_line "$run/receiver.log" "Listening on" 30 "$receiver_pid"
tail -n +1 -f "$run/receiver.log" --pid "$receiver_pid" &
tail_pid=$!

echo "== sender: $symbols from $binance_url (log: $run/sender.log)"
BINANCE_WS_URL="$binance_url" SYMBOLS="$symbols" AMS_HOST=127.0.0.1 AMS_PORT="$port" \
  CA_CERT="$run/certs/ca.crt" CERT="$run/certs/sender.crt" KEY="$run/certs/sender.key" STATS_INTERVAL_SECONDS=10 \
  HTTP_PORT=0 java -Xmx128m -jar "$sender_jar" >"$run/sender.log" 2>&1 &
sender_pid=$!

start=$(date +%s)
while true; do
  sleep 1
  kill -0 "$receiver_pid" 2>/dev/null || { echo "receiver exited, see $run/receiver.log" >&2; break; }
  kill -0 "$sender_pid" 2>/dev/null || { echo "sender exited, see $run/sender.log" >&2; break; }
  if [ -n "${replay_pid:-}" ] && ! kill -0 "$replay_pid" 2>/dev/null; then
    echo "== replay finished: $(grep -o 'REPLAY_DONE.*' "$run/replay.log" || echo 'replay server exited')"
    sleep 2   # let the last frames reach the receiver
    break
  fi
  if [ "$duration" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$duration" ]; then break; fi
done
stop_all
kill "$tail_pid" 2>/dev/null || true
echo "== sender's last stats line:"
grep 'Stats:' "$run/sender.log" | tail -1 || true
if [ -n "${expected:-}" ]; then
  echo "== the recording holds $expected bookTicker updates; the receiver's final lines are above"
fi
