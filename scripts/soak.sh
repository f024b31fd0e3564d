#!/usr/bin/env bash
# Soak test of the relay (issue 3): load generator (fake Binance, unique increasing update ids at a fixed rate) ->
# the real sender jar -> a fault proxy -> the benchmark receiver (receiver library), for a long time, with faults
# injected periodically (cycling: 8 s stall of the sender->receiver path, reset of its connections, abrupt drop of
# the Binance WebSocket, 10 s throttle to 50 KB/s). Samples RSS, heap, threads and fds of sender and receiver every
# 10 s; at the end checks delivered + gaps == taken, duplicates == 0, threads and fds start == end.
# See docs/SOAK.md.
#
# Usage: scripts/soak.sh [options]
#   --minutes N               run length (default 30)
#   --rate N                  updates per second (default 5000)
#   --fault-every-seconds N   seconds between faults (default 180)
#   --first-fault-seconds N   time of the first fault (default: --fault-every-seconds)
#   --sample-seconds N        sampling period (default 10)
#   --default-flags           sender and receiver with the JVM's defaults instead of the images' flags
#   --out-dir DIR             results (default run/soak-<UTC time>/: soak.json, timeseries.csv, process logs)
#   --recording FILE          recording whose price path the generator replays (default as scripts/bench.sh)
#   --no-build                use the jars already built
# Examples:
#   scripts/soak.sh                                            # THE soak: 30 min, 5,000/s, a fault every 3 min
#   scripts/soak.sh --minutes 2 --fault-every-seconds 30 --first-fault-seconds 20   # trial, all four faults
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# the images' JVM flags: the single definition lives in scripts/bench.sh
IMAGE_JVM_FLAGS="$(sed -n 's/^IMAGE_JVM_FLAGS="\(.*\)"$/\1/p; s/^IMAGE_JVM_FLAGS+="\(.*\)"$/\1/p' "$here/bench.sh" | tr '\n' ' ')"
[ -n "$IMAGE_JVM_FLAGS" ] || { echo "cannot read IMAGE_JVM_FLAGS from scripts/bench.sh" >&2; exit 2; }
GENERATOR_JVM_FLAGS="-Xmx1g"

recording_name=spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz
recording=""
for dir in "${RELAY_DATA_DIR:-}" "$root/../shared/data" "$root/../../shared/data" "$root/../../../shared/data"; do
  if [ -n "$dir" ] && [ -f "$dir/binance/$recording_name" ]; then recording="$dir/binance/$recording_name"; break; fi
done

build=1
flags="$IMAGE_JVM_FLAGS"
label="image-flags"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --default-flags) flags=""; label="default-flags" ;;
    --recording) recording="$2"; shift ;;
    --minutes|--rate|--fault-every-seconds|--first-fault-seconds|--sample-seconds|--out-dir) args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done

[ -n "$recording" ] && [ -f "$recording" ] || {
  echo "recording not found: set RELAY_DATA_DIR (holding binance/$recording_name) or pass --recording FILE" >&2
  exit 2
}

if [ "$build" -eq 1 ]; then
  echo "Building (mvn -DskipTests package; mvn -Pbench -DskipTests -pl benchmarks -am package) ..."
  mvn -q -DskipTests package
  mvn -q -Pbench -DskipTests -pl benchmarks -am package
fi
bench_jar="$root/benchmarks/target/relay-benchmarks.jar"
sender_jar="$root/sender/target/relay-sender.jar"

certs="$root/run/bench-certs"
if [ ! -f "$certs/receiver.crt" ]; then
  "$here/generate-certs.sh" -f -o "$certs" 127.0.0.1 localhost >/dev/null
fi

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(java -version 2>&1 | head -1)"
echo "Daemon JVM flags ($label): ${flags:-<JVM defaults>}"
exec java -cp "$bench_jar" eu.bborelay.bench.Soak \
  --sender-jar "$sender_jar" --certs "$certs" --recording "$recording" \
  --daemon-jvm-flags "$flags" --generator-jvm-flags "$GENERATOR_JVM_FLAGS" --label "$label" \
  ${args[@]+"${args[@]}"}
