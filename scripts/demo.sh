#!/usr/bin/env bash
# Runs the relay locally: builds, makes throwaway certificates, starts the receiver and the sender on loopback
# (mutual TLS), shows the receiver's stats lines and ends with a verdict.
#
#   scripts/demo.sh                         relay live Binance (needs internet access to Binance)
#   scripts/demo.sh --replay FILE [--replay FILE2] [--speed X]
#                                           replay a recording (../shared/data/binance/*.ndjson.gz: spot, USD-M or
#                                           COIN-M) through a local Binance replay server instead; stops when the
#                                           replay ends and checks that every bookTicker update was relayed
# Options:
#   --symbols a,b       symbols to relay (default: btcusdt live; every bookTicker symbol of the recording on replay)
#   --speed X           replay pace: 1 = recorded pace (default), 10 = ten times faster, 0 = as fast as possible
#   --recorded-times    replay the recorded exchange timestamps (default: shifted so the first one is now)
#   --duration SECONDS  stop after this long (default: until Ctrl-C, or the end of the replay)
#   --port N            receiver port on 127.0.0.1 (default 9001; 0 = any free port)
#   --no-build          use the jars already built
#   --keep              keep run/demo-<time>-<id>/ (logs, certificates and the CA key); default: deleted at exit
#   --dry-run           check the options and recordings, print what would be relayed, start nothing
# Exit codes: 0 every update relayed without a gap (replay) / relayed with no gap (live); 1 a shortfall, a gap, or a
# daemon that failed (its last log lines are shown); 2 a bad option or recording; 130 interrupted.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "demo: $*" >&2; exit 2; }
fail() { echo "demo: FAILED: $*" >&2; exit 1; }
# absolute, normalized form of a path for messages and for the Java processes, whether or not it exists
absolute() {
  if realpath -m / >/dev/null 2>&1; then realpath -m -- "$1"
  else case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; fi
}
value() { # option value: the value, or a clear error when it is missing
  [ $# -ge 2 ] && [ -n "$2" ] && [[ "$2" != --* ]] || die "$1 needs a value (see --help)"
}

replays=()
symbols=""
speed=1
speed_given=0
duration=0
port=9001
build=1
keep=0
dry_run=0
shift_times=1
while [ $# -gt 0 ]; do
  case "$1" in
    --replay) value "$@"; replays+=("$2"); shift 2 ;;
    --symbols) value "$@"; symbols="$2"; shift 2 ;;
    --speed) value "$@"; speed="$2"; speed_given=1; shift 2 ;;
    --duration) value "$@"; duration="$2"; shift 2 ;;
    --port) value "$@"; port="$2"; shift 2 ;;
    --recorded-times) shift_times=0; shift ;;
    --no-build) build=0; shift ;;
    --keep) keep=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

# --- every check before anything starts ---------------------------------------------------------------------------
[[ "$speed" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--speed takes a number >= 0 (1 = recorded pace, 0 = as fast as possible), got '$speed'"
[[ "$duration" =~ ^[0-9]+$ ]] || die "--duration takes whole seconds, got '$duration'"
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -le 65535 ] \
  || die "--port takes a TCP port 1..65535 (0: any free port), got '$port'"
[ -z "$symbols" ] || [[ "$symbols" =~ ^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$ ]] \
  || die "--symbols takes comma-separated symbols such as btcusdt,ethusdt or btcusd_perp, got '$symbols'"
symbols="$(printf '%s' "$symbols" | tr 'A-Z' 'a-z')"
[ ${#replays[@]} -gt 0 ] || [ "$speed_given" -eq 0 ] || die "--speed applies to --replay only"

files=()
for f in "${replays[@]}"; do
  abs="$(absolute "$f")"
  if [ ! -e "$abs" ]; then
    [ "$abs" = "$f" ] && die "recording not found: $f"
    die "recording not found: $f (that is $abs)"
  fi
  [ -f "$abs" ] || die "recording is not a file: $abs"
  [ -r "$abs" ] || die "recording is not readable: $abs"
  # a recording is '<receive time> <json>' per line, gzip or plain (as ../shared/data/binance/*.ndjson.gz)
  first="$( (gzip -cdf -- "$abs" 2>/dev/null || true) | head -c 4096 | head -n 1 | tr -d '\0' | cut -c1-80)"
  [[ "$first" =~ ^[0-9]+\ \{ ]] || die "not a Binance recording: $abs (expected lines '<receive time> <json>'," \
    "gzip or plain, as in ../shared/data/binance; it starts with: '${first:-<nothing readable>}')"
  if [ "$(head -c 2 -- "$abs" | od -An -tx1 | tr -d ' \n')" = 1f8b ] && ! gzip -t -- "$abs" 2>/dev/null; then
    echo "demo: warning: $abs is a damaged gzip file (e.g. cut short): what can be read of it is replayed and" \
      "counted" >&2
  fi
  files+=("$abs")
done

expected=""
if [ ${#files[@]} -gt 0 ]; then
  # bookTicker updates per symbol in the recordings: "count symbol" lines
  counts="$(for f in "${files[@]}"; do gzip -cdf -- "$f" 2>/dev/null; done | grep -o '"stream":"[a-z0-9_]*@bookTicker"' \
    | sed 's/"stream":"\(.*\)@bookTicker"/\1/' | sort | uniq -c || true)"
  recorded="$(awk '{print $2}' <<<"$counts" | paste -sd, -)"
  [ -n "$recorded" ] || die "the recording(s) hold no bookTicker stream: ${files[*]}"
  symbols="${symbols:-$recorded}"
  expected=0
  for s in ${symbols//,/ }; do
    n="$(awk -v s="$s" '$2 == s {print $1}' <<<"$counts")"
    [ -n "$n" ] || die "no bookTicker updates for '$s' in the recording(s); they hold: $recorded"
    expected=$((expected + n))
  done
fi
symbols="${symbols:-btcusdt}"
command -v java >/dev/null || fail "java (JDK 17+) is required"
command -v openssl >/dev/null || fail "openssl is required (apt-get install openssl)"

if [ "$dry_run" -eq 1 ]; then
  if [ -n "$expected" ]; then
    echo "replay: ${#files[@]} recording(s), symbols $symbols, $expected bookTicker updates, speed $speed," \
      "$([ "$shift_times" -eq 1 ] && echo "exchange times shifted to now" || echo "recorded exchange times")"
  else
    echo "live: symbols $symbols from Binance"
  fi
  echo "receiver: 127.0.0.1:$port"
  exit 0
fi

receiver_jar="$root/receiver/target/relay-receiver-daemon.jar"
sender_jar="$root/sender/target/relay-sender.jar"
replay_jar="$root/binance-replay/target/binance-replay.jar"
if [ "$build" -eq 1 ]; then
  echo "== building (mvn -q -DskipTests package)"
  (cd "$root" && mvn -q -DskipTests package)
fi
for j in "$receiver_jar" "$sender_jar" "$replay_jar"; do
  [ -f "$j" ] || fail "missing $j: run without --no-build"
done

# --- from here on everything started is stopped, and run/ cleaned, on every exit ------------------------------------
mkdir -p "$root/run"
run="$(mktemp -d "$root/run/demo-$(date +%Y%m%dT%H%M%S)-XXXXXX")"
sender_pid="" receiver_pid="" replay_pid="" tail_pid=""
stop() { # name: TERM, wait up to 10 s, then KILL
  local pid_var="${1}_pid" pid
  pid="${!pid_var}"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  printf -v "$pid_var" '%s' ""
}
stop_all() {
  # sender first so everything it took is flushed, then the receiver prints its final stats
  stop sender; stop receiver; stop replay
  if [ -n "$tail_pid" ]; then sleep 0.2; kill "$tail_pid" 2>/dev/null || true; wait "$tail_pid" 2>/dev/null || true; tail_pid=""; fi
}
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  stop_all
  if [ "$keep" -eq 1 ]; then
    echo "== kept $run (logs, certificates and the CA key)"
  else
    rm -rf "$run"
    [ "$code" -eq 0 ] || echo "== logs deleted with $run; run again with --keep to keep them" >&2
  fi
  exit "$code"
}
trap cleanup EXIT
# Ctrl-C / SIGTERM: while the relay runs, stop it and give the verdict so far; before that, just clean up. (The Java
# processes, started in the background of a script, ignore the terminal's SIGINT: the script stops them in order.)
running=0
interrupted=0
trap 'interrupted=1; echo "== interrupted" >&2; [ "$running" -eq 1 ] || exit 130' INT TERM

died() { # name log: a daemon is gone; show why and fail
  echo "demo: $1 exited (status $2); last lines of $3:" >&2
  tail -n 20 "$3" | sed 's/^/  | /' >&2
  fail "$1 did not run; see above"
}
wait_for_line() { # name file pattern seconds pid
  for _ in $(seq 1 $(( $4 * 10 ))); do
    grep -q -- "$3" "$2" 2>/dev/null && return 0
    if ! kill -0 "$5" 2>/dev/null; then
      local status=0; wait "$5" 2>/dev/null || status=$?
      died "$1" "$status" "$2"
    fi
    sleep 0.1
  done
  tail -n 20 "$2" | sed 's/^/  | /' >&2
  fail "timed out waiting for '$3' in $2"
}

echo "== certificates for 127.0.0.1 in $run/certs"
"$root/scripts/generate-certs.sh" -o "$run/certs" 127.0.0.1 localhost >/dev/null

binance_url="wss://stream.binance.com:9443"
if [ ${#files[@]} -gt 0 ]; then
  args=(--port 0 --speed "$speed" --print-when-done)
  [ "$shift_times" -eq 1 ] && args+=(--shift-times)
  for f in "${files[@]}"; do args+=(--recording "$f"); done
  java -jar "$replay_jar" "${args[@]}" >"$run/replay.log" 2>&1 &
  replay_pid=$!
  wait_for_line "replay server" "$run/replay.log" REPLAY_LISTENING 30 "$replay_pid"
  binance_url="$(grep -o 'REPLAY_LISTENING [^ ]*' "$run/replay.log" | head -1 | cut -d' ' -f2)"
  echo "== replay server on $binance_url: ${#files[@]} recording(s), $expected bookTicker updates for $symbols," \
    "speed $speed, $([ "$shift_times" -eq 1 ] && echo "exchange times shifted to now" || echo "recorded exchange times")"
fi

echo "== receiver on 127.0.0.1:$([ "$port" -eq 0 ] && echo "<any free port>" || echo "$port") (log: $run/receiver.log)"
PORT="$port" BIND_HOST=127.0.0.1 CERT="$run/certs/receiver.crt" KEY="$run/certs/receiver.key" \
  CA_CERT="$run/certs/ca.crt" STATS_INTERVAL_SECONDS=10 HTTP_PORT=0 \
  java -Xmx128m -jar "$receiver_jar" >"$run/receiver.log" 2>&1 &
receiver_pid=$!
wait_for_line receiver "$run/receiver.log" "Listening on" 30 "$receiver_pid"
if [ "$port" -eq 0 ]; then
  port="$(sed -n 's/.*Listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$run/receiver.log" | head -1)"
  echo "== receiver listening on 127.0.0.1:$port"
fi
tail -n +1 -f "$run/receiver.log" --pid "$receiver_pid" &
tail_pid=$!

echo "== sender: $symbols from $binance_url (log: $run/sender.log)"
BINANCE_WS_URL="$binance_url" SYMBOLS="$symbols" AMS_HOST=127.0.0.1 AMS_PORT="$port" \
  CA_CERT="$run/certs/ca.crt" CERT="$run/certs/sender.crt" KEY="$run/certs/sender.key" STATS_INTERVAL_SECONDS=10 \
  HTTP_PORT=0 java -Xmx128m -jar "$sender_jar" >"$run/sender.log" 2>&1 &
sender_pid=$!

start=$(date +%s)
replay_done=""
running=1
while [ "$interrupted" -eq 0 ]; do
  sleep 0.5 || true
  for name in receiver sender replay; do
    pid_var="${name}_pid"; pid="${!pid_var}"
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      status=0; wait "$pid" 2>/dev/null || status=$?
      printf -v "$pid_var" '%s' ""
      [ "$name" = replay ] && name="replay server"
      died "$name" "$status" "$run/${name%% *}.log"
    fi
  done
  if [ -n "$replay_pid" ] && grep -q REPLAY_DONE "$run/replay.log"; then
    replay_done="$(grep -o 'REPLAY_DONE.*' "$run/replay.log" | head -1)"
    echo "== replay finished: ${replay_done#REPLAY_DONE }"
    sleep 2   # let the last updates reach the receiver before the sender stops
    break
  fi
  if [ "$duration" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$duration" ]; then break; fi
done
running=0
echo "== stopping"
stop_all
echo "== sender's last stats line:"
grep 'Stats:' "$run/sender.log" | tail -1 | sed 's/^/  /' || true

# --- verdict: the receiver's totals line ----------------------------------------------------------------------------
totals="$(grep -o 'relay: totals since start.*' "$run/receiver.log" | tail -1 || true)"
[ -n "$totals" ] || fail "the receiver printed no totals line; see the lines above"
relayed="$(sed -n 's/.* quotes=\([0-9]*\) .*/\1/p' <<<"$totals")"
gaps="$(sed -n 's/.* gaps=\([0-9]*\) .*/\1/p' <<<"$totals")"
if [ -n "$expected" ] && [ -n "$replay_done" ]; then
  if [ "$relayed" -eq "$expected" ] && [ "$gaps" -eq 0 ]; then
    echo "== VERDICT: all $expected bookTicker updates relayed, 0 gaps"
  else
    warnings="$(grep -hE '\[?(WARN|ERROR)' "$run/replay.log" "$run/sender.log" | head -n 10 | cut -c1-300 || true)"
    [ -z "$warnings" ] || { echo "demo: warnings and errors of the replay server and the sender:"; \
      sed 's/^/  | /' <<<"$warnings"; } >&2
    fail "VERDICT: relayed $relayed of the recording's $expected bookTicker updates for $symbols" \
      "(missing $((expected - relayed)), gaps $gaps; the replay server sent ${replay_done#REPLAY_DONE messages=})"
  fi
elif [ -n "$expected" ]; then
  # stopped by --duration or Ctrl-C before the end of the replay
  why="$([ "$interrupted" -eq 1 ] && echo "interrupted" || echo "stopped after ${duration}s")"
  if [ "$gaps" -eq 0 ] && [ "$relayed" -gt 0 ]; then
    echo "== VERDICT: $why before the end of the replay: relayed $relayed of $expected, 0 gaps"
    [ "$interrupted" -eq 0 ] || exit 130
  else
    fail "VERDICT: $why before the end of the replay: relayed $relayed of $expected, gaps $gaps"
  fi
else
  if [ "$gaps" -eq 0 ] && [ "$relayed" -gt 0 ]; then
    echo "== VERDICT: relayed $relayed live updates, 0 gaps"
  else
    fail "VERDICT: relayed $relayed live updates, gaps $gaps"
  fi
fi
