#!/usr/bin/env bash
# Generates the relay's private PKI in PEM: a CA, a receiver (server) certificate whose subjectAltName lists the
# IPs and DNS names given as arguments, and a sender (client) certificate. Private keys are EC P-256, PKCS#8,
# mode 0600. Both daemons load these files directly.
#
# Usage: scripts/generate-certs.sh [-o DIR] [-d DAYS] [-f] [NAME_OR_IP ...]
#   -o DIR   output directory (default: certs/ at the repository root)
#   -d DAYS  validity in days (default 825)
#   -f       overwrite existing files (default: refuse, so a deployed CA is never replaced by accident)
#   NAME_OR_IP  how the sender dials the receiver: IPv4/IPv6 addresses and DNS names (default: 127.0.0.1 localhost)
#
# Files: ca.crt (both hosts), ca.key (keep offline, only to issue certificates), receiver.crt + receiver.key
# (Amsterdam), sender.crt + sender.key (Frankfurt).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../certs"
days=825
force=0
while getopts "o:d:fh" opt; do
  case "$opt" in
    o) out="$OPTARG" ;;
    d) days="$OPTARG" ;;
    f) force=1 ;;
    h) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [-o DIR] [-d DAYS] [-f] [NAME_OR_IP ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- 127.0.0.1 localhost
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
[[ "$days" =~ ^[0-9]+$ ]] || { echo "-d takes a number of days, got '$days'" >&2; exit 2; }

mkdir -p "$out"
if [ "$force" -eq 0 ] && [ -e "$out/ca.key" ]; then
  echo "$out/ca.key exists; refusing to overwrite a CA (use -f to replace every file)" >&2
  exit 1
fi

san=""
for name in "$@"; do
  if [[ "$name" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || [[ "$name" == *:* ]]; then
    san="${san:+$san,}IP:$name"
  elif [[ "$name" =~ ^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
    san="${san:+$san,}DNS:$name"
  else
    echo "not an IP address or DNS name: '$name'" >&2; exit 2
  fi
done

umask 077
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 16)"; }

newkey "$tmp/ca.key"
openssl req -x509 -new -key "$tmp/ca.key" -sha256 -days "$days" -subj "/CN=bbo-relay CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -set_serial "$(serial)" -out "$tmp/ca.crt"

issue() { # name cn ext
  newkey "$tmp/$1.key"
  openssl req -new -key "$tmp/$1.key" -subj "/CN=$2" -out "$tmp/$1.csr"
  printf '%s\n' "$3" > "$tmp/$1.ext"
  openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" -sha256 -days "$days" \
    -set_serial "$(serial)" -extfile "$tmp/$1.ext" -out "$tmp/$1.crt" 2>/dev/null
}
issue receiver "bbo-relay receiver" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san"
issue sender "bbo-relay sender" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"

for f in ca receiver sender; do
  install -m 0644 "$tmp/$f.crt" "$out/$f.crt"
  install -m 0600 "$tmp/$f.key" "$out/$f.key"
done

cat <<MSG
Certificates written to $out
  ca.crt                       CA certificate: copy to both hosts
  ca.key                       CA private key: keep offline, needed only to issue new certificates
  receiver.crt, receiver.key   receiver (Amsterdam), subjectAltName $san
  sender.crt, sender.key       sender (Frankfurt), client certificate
MSG
