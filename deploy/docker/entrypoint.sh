#!/usr/bin/env bash
# The images' entry point: runs one main class of the application jar under the image's JVM flags.
#   (no arguments)            java $JAVA_OPTS -cp $APP_JAR $MAIN_CLASS
#   --flag ...                the same main class with these flags (e.g. --help)
#   some.Main [--flag ...]    another main class of the jar (e.g. a collection-pair variant)
# exec: java replaces this shell, so `docker stop` (SIGTERM) reaches the JVM, which closes its connections, logs
# the final stats and exits with the daemon's code.
set -euo pipefail
main="${MAIN_CLASS:?MAIN_CLASS is not set}"
if [[ $# -gt 0 && $1 != -* ]]; then
  main="$1"
  shift
fi
# JAVA_OPTS is a list of flags: split on spaces on purpose.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "${APP_JAR:-/app/app.jar}" "$main" "$@"
