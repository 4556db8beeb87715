#!/usr/bin/env bash
# The main example in one command: builds the RFC 867 daytime server and client, starts the server on a free
# loopback port, asks it the time over TCP and over UDP with the client, and stops the server (SIGTERM).
#
#   bash Examples/daytime-demo.sh
#
# By hand, in two terminals:  swift run daytime-server   and   swift run daytime-client 127.0.0.1:1313
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --product daytime-server >/dev/null
swift build --product daytime-client >/dev/null
bin=$(swift build --show-bin-path)

log=$(mktemp)
"$bin/daytime-server" --addr 127.0.0.1:0 2>"$log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT

# The server prints "daytime-server: listening on tcp 127.0.0.1:PORT, udp 127.0.0.1:PORT".
addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n 's/.*listening on tcp \([0-9.]*:[0-9]*\).*/\1/p' "$log")
  [ -n "$addr" ] && break
  sleep 0.05
done
[ -n "$addr" ] || { echo "daytime-demo: the server did not start" >&2; cat "$log" >&2; exit 1; }

echo "daytime-server is listening on $addr (TCP and UDP)"
printf 'TCP: '; timeout 10 "$bin/daytime-client" "$addr"
printf 'UDP: '; timeout 10 "$bin/daytime-client" --udp "$addr"
