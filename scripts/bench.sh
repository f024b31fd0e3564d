#!/usr/bin/env bash
# End-to-end benchmark of the relay (load generator -> sender -> receiver, three processes on loopback TLS) and the
# JMH micro-benchmarks. See docs/BENCHMARKS.md for what is measured and how to read the JSON.
#
# Usage: scripts/bench.sh [options]
#   --scenario NAME     all (default: rate-100, rate-1000, rate-10000, max) | rate-100 | rate-1000 | rate-10000 |
#                       max | smoke (2 s at 1,000 msg/s) | custom (with --rate N --messages N; rate 0 = max) |
#                       cold (cold-100, cold-1000: 20 s; cold-5000, cold-10000: 10 s; no warm-up excluded) |
#                       cold-100 | cold-1000 | cold-5000 | cold-10000 | long-100 (100 msg/s for 10 min, cold)
#   --repeat N          N runs of each scenario; the JSON holds every run and the medians (default 1)
#   --default-flags     run sender and receiver with the JVM's default flags instead of $IMAGE_JVM_FLAGS
#   --recording FILE    recording whose bookTicker price path the generator replays (default below)
#   --out FILE          JSON result (default run/bench-<UTC time>.json; logs in run/bench-<UTC time>/)
#   --stop-receiver-ms N  SIGSTOP the receiver for N ms mid-run (dry run proving that losses are counted)
#   --jfr               also record JFR (settings=profile) of sender and receiver, next to the logs
#   --warmup-messages N override the warm-up size (default 50,000 at 25,000 msg/s; smoke 2,000)
#   --no-build          use the jars already built
#   --jmh [JMH ARGS]    run the JMH benchmarks instead (default args: -prof gc -f 1 -rf json -rff run/jmh-<time>.json)
# Examples:
#   scripts/bench.sh                                # all scenarios once, image flags (~1.5 min)
#   scripts/bench.sh --repeat 5                     # the quiet-machine run: medians of 5
#   scripts/bench.sh --repeat 5 --default-flags     # the same with the JVM's default flags
#   scripts/bench.sh --scenario smoke               # 2 s at 1,000 msg/s: checks the harness
#   scripts/bench.sh --scenario cold --repeat 3     # what a restarted daemon gives (~4 min)
#   scripts/bench.sh --jmh
#   DIRECT_WRITES=true scripts/bench.sh --repeat 3  # the sender with DIRECT_WRITES=true (default false)
#   BENCH_EXTRA_DAEMON_FLAGS=-Dbborelay.warmup=false scripts/bench.sh --scenario cold   # appended to both daemons' flags
#   BENCH_DAEMON_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java scripts/bench.sh --scenario cold   # daemons on JDK 25
#   BENCH_SENDER_FLAGS=... BENCH_RECEIVER_FLAGS=...  # appended to one daemon's flags (an AOT cache is per program)
set -euo pipefail

# JVM flags of the deployment images: MUST equal JAVA_OPTS in sender/Dockerfile and receiver/Dockerfile; change
# both together. (Copied from the deploy branch's Dockerfiles on 2026-11-21; the images also run under a 0.5 CPU
# quota and a 256M memory limit, which this script does not impose.)
IMAGE_JVM_FLAGS="-XX:+UseSerialGC -XX:ActiveProcessorCount=1 -Xms32m -Xmx96m -XX:MaxMetaspaceSize=64m"
IMAGE_JVM_FLAGS+=" -XX:ReservedCodeCacheSize=32m -XX:+ExitOnOutOfMemoryError"
IMAGE_JVM_FLAGS+=" -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=10"
# The load generator is not under test: heap for frames queued at a fixed rate the relay cannot take.
GENERATOR_JVM_FLAGS="-Xmx1g"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
recording_name=spot_btcusdt_bookTicker-trade-depth100ms-snapshot_20240808T2354Z.ndjson.gz
recording=""
for dir in "${RELAY_DATA_DIR:-}" "$root/../shared/data" "$root/../../shared/data"; do
  if [ -n "$dir" ] && [ -f "$dir/binance/$recording_name" ]; then recording="$dir/binance/$recording_name"; break; fi
done

build=1
jmh=0
flags="$IMAGE_JVM_FLAGS"
label="image-flags"
runner_args=()
jmh_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --jfr) runner_args+=(--jfr) ;;
    --default-flags) flags=""; label="default-flags" ;;
    --recording) recording="$2"; shift ;;
    --scenario|--repeat|--out|--stop-receiver-ms|--rate|--messages|--warmup-messages) runner_args+=("$1" "$2"); shift ;;
    --jmh) jmh=1; shift; jmh_args=("$@"); break ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (--help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -n "${BENCH_EXTRA_DAEMON_FLAGS:-}" ]; then
  flags="$flags $BENCH_EXTRA_DAEMON_FLAGS"; label="$label+$BENCH_EXTRA_DAEMON_FLAGS"
fi

[ -n "$recording" ] && [ -f "$recording" ] || {
  echo "recording not found: set RELAY_DATA_DIR (holding binance/$recording_name) or pass --recording FILE" >&2
  exit 2
}

if [ "$build" -eq 1 ]; then
  echo "Building (mvn -Pbench -DskipTests -pl benchmarks -am package) ..."
  mvn -q -Pbench -DskipTests -pl benchmarks -am package
fi
bench_jar="$root/benchmarks/target/relay-benchmarks.jar"
sender_jar="$root/sender/target/relay-sender.jar"

if [ "$jmh" -eq 1 ]; then
  mkdir -p "$root/run"
  [ ${#jmh_args[@]} -gt 0 ] || jmh_args=(-prof gc -f 1 -rf json -rff "$root/run/jmh-$(date -u +%Y%m%dT%H%M%SZ).json")
  exec java -jar "$bench_jar" "${jmh_args[@]}"
fi

certs="$root/run/bench-certs"
if [ ! -f "$certs/receiver.crt" ]; then
  "$here/generate-certs.sh" -f -o "$certs" 127.0.0.1 localhost >/dev/null
fi

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(java -version 2>&1 | head -1)"
echo "Daemon JVM flags ($label): ${flags:-<JVM defaults>}"
[ -z "${BENCH_DAEMON_JAVA:-}" ] || echo "Daemon JVM: $("$BENCH_DAEMON_JAVA" -version 2>&1 | head -1) ($BENCH_DAEMON_JAVA)"
[ -z "${BENCH_SENDER_FLAGS:-}${BENCH_RECEIVER_FLAGS:-}" ] \
  || echo "Sender only: ${BENCH_SENDER_FLAGS:-}; receiver only: ${BENCH_RECEIVER_FLAGS:-}"
exec java -cp "$bench_jar" eu.bborelay.bench.BenchRunner \
  --sender-jar "$sender_jar" --certs "$certs" --recording "$recording" \
  --daemon-jvm-flags "$flags" --daemon-java "${BENCH_DAEMON_JAVA:-}" \
  --sender-jvm-flags "${BENCH_SENDER_FLAGS:-}" --receiver-jvm-flags "${BENCH_RECEIVER_FLAGS:-}" \
  --generator-jvm-flags "$GENERATOR_JVM_FLAGS" --label "$label" \
  ${runner_args[@]+"${runner_args[@]}"}
