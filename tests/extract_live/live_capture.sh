#!/usr/bin/env bash
# Live capture: xebek-extract -i lo -p PORT must stream every Sebek record
# sent over loopback, byte for byte apart from the 8-byte pcap time, and
# announce itself the way sbk_extract does.
set -euo pipefail
extract=$1 send=$2
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
count=50

"$extract" -i lo -p "$port" > "$work/stream" 2> "$work/err" &
pid=$!
# Wait until the capture is open (it prints its banner after opening).
for _ in $(seq 100); do grep -q monitoring "$work/err" && break; sleep 0.1; done
grep -q "^ monitoring lo: looking for UDP dst port $port\$" "$work/err" || {
  echo "FAIL: no capture banner (live capture needs root or CAP_NET_RAW):"; cat "$work/err"; exit 1; }

"$send" "$port" "$count" "$work/expected"
want=$(stat -c %s "$work/expected")
for _ in $(seq 100); do [ "$(stat -c %s "$work/stream")" -ge "$want" ] && break; sleep 0.1; done
kill "$pid"; wait "$pid" 2>/dev/null || true

# Compare every record with the pcap time (first 8 bytes) masked.
python3 - "$work/stream" "$work/expected" "$count" <<'PY'
import struct, sys
got, want, count = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(), int(sys.argv[3])
def records(b):
    out, off = [], 0
    while off < len(b):
        n = struct.unpack('>I', b[off+64:off+68])[0]
        out.append((b[off:off+8], b[off+8:off+68+n])); off += 68 + n
    return out
g, w = records(got), records(want)
assert len(g) == count, f"captured {len(g)} records, expected {count}"
for i, ((gt, gb), (_, wb)) in enumerate(zip(g, w)):
    assert gb == wb, f"record {i} differs"
    assert struct.unpack('<I', gt[:4])[0] > 1600000000, f"record {i}: implausible pcap time"
print(f"ok: {count} records captured live")
PY
