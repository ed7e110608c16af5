#!/usr/bin/env bash
# xebek-extract against the ORIGINAL sbk_extract (built from its source by
# build_sbk_extract.sh) on the same inputs: stdout must be the same bytes
# and the exit status the same. Inputs: both golden captures (also on the
# other ports they hold), a large synthetic capture (many honeypots, split
# payloads, frames the original rejects), and a live capture on lo with
# both tools listening at once while Sebek UDP packets are sent.
# stderr is not compared: the original's loss reports carry the wall clock.
#   extract_conformance.sh NAME=VALUE...   (see CMakeLists.txt)
set -uo pipefail
for kv in "$@"; do declare "${kv%%=*}=${kv#*=}"; done
: "${ORIGINAL:?}" "${EXTRACT:?}" "${PCAP_SYNTH:?}" "${SEND:?}" "${VECTORS:?}" "${WORK:?}" "${DEFAULT_TOOLS_DIR:=}"
# shellcheck source=originals.sh
source "$(dirname "$0")/originals.sh"
resolve_originals "$DEFAULT_TOOLS_DIR"
[[ -x "$ORIGINAL" ]] || { echo "FAIL: the original sbk_extract was not built ($ORIGINAL)"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
failures=0
rows=()

# records STREAM: how many sbk_extract records the stream holds.
records() {
  python3 - "$1" <<'PY'
import struct, sys
b, off, n = open(sys.argv[1], 'rb').read(), 0, 0
while off + 68 <= len(b):
    off += 68 + struct.unpack('>I', b[off+64:off+68])[0]; n += 1
print(n if off == len(b) else f"{n}+partial")
PY
}

# out LABEL: the file name stem of LABEL's outputs ($stem.orig, $stem.xebek).
out() { echo "$WORK/${1//[^A-Za-z0-9.-]/_}"; }

# verdict LABEL ORIG_STATUS XEBEK_STATUS: compares the two outputs of LABEL.
verdict() {
  local label=$1 so=$2 sx=$3 o x same=yes
  o="$(out "$1").orig" x="$(out "$1").xebek"
  if ! cmp -s "$o" "$x"; then same="NO (first difference: $(cmp "$o" "$x" 2>&1 | head -1))"; fi
  [[ "$so" == "$sx" ]] || same="NO (exit status differs)"
  [[ "$same" == yes ]] || failures=$((failures + 1))
  rows+=("$(printf '%-22s | %4s %8s %10s | %4s %8s %10s | %s' "$label" \
    "$so" "$(records "$o")" "$(stat -c %s "$o")" "$sx" "$(records "$x")" "$(stat -c %s "$x")" "$same")")
}

# offline LABEL PCAP [-p PORT]: both tools on one file.
offline() {
  local label=$1 pcap=$2; shift 2
  local o
  o=$(out "$label")
  "$ORIGINAL" -f "$pcap" "$@" >"$o.orig" 2>"$o.orig.err"; local so=$?
  "$EXTRACT" -f "$pcap" "$@" >"$o.xebek" 2>"$o.xebek.err"; local sx=$?
  verdict "$label" "$so" "$sx"
}

offline x.pcap "$VECTORS/x.pcap"
offline edge.pcap "$VECTORS/edge.pcap"
offline "edge.pcap -p 1102" "$VECTORS/edge.pcap" -p 1102

# Deterministic, so a difference can be reproduced from the seed.
"$PCAP_SYNTH" "$WORK/synth.pcap" 300 40000 20261202 || { echo "FAIL: sebek-pcap-synth"; exit 1; }
synth_mb=$(( $(stat -c %s "$WORK/synth.pcap") / 1000000 ))
offline "synth.pcap (${synth_mb} MB)" "$WORK/synth.pcap"
# Port 1100: only the frames whose port was spoiled.
offline "synth.pcap -p 1100" "$WORK/synth.pcap" -p 1100

# Live: both on lo at once. Each capture socket reads the clock itself
# unless the packet already carries a receive time, which the kernel stamps
# once a socket anywhere asks for receive times (SO_TIMESTAMPNS); so a
# receiver that asks for them listens on the port (it also spares the
# sender ICMP "port unreachable"), and then even the 8-byte pcap times of
# the two captures must agree.
live() {
  local label="live lo ($1 packets)" count=$1 port=$(( 20000 + RANDOM % 20000 )) o
  o=$(out "$label")
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 35, 1)  # SO_TIMESTAMPNS
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
s.settimeout(60)
try:
    while True: s.recv(65536)
except socket.timeout: pass
' "$port" >"$WORK/live.receiver" & local pr=$!
  for _ in $(seq 100); do grep -q ready "$WORK/live.receiver" && break; sleep 0.1; done
  sleep 1  # the kernel turns receive stamping on asynchronously
  "$ORIGINAL" -i lo -p "$port" >"$o.orig" 2>"$WORK/live.orig.err" & local po=$!
  "$EXTRACT" -i lo -p "$port" >"$o.xebek" 2>"$WORK/live.xebek.err" & local px=$!
  for _ in $(seq 100); do
    grep -q monitoring "$WORK/live.orig.err" && grep -q monitoring "$WORK/live.xebek.err" && break
    sleep 0.1
  done
  if ! grep -q monitoring "$WORK/live.orig.err" || ! grep -q monitoring "$WORK/live.xebek.err"; then
    echo "FAIL: a live capture did not start (needs root or CAP_NET_RAW):"
    cat "$WORK/live.orig.err" "$WORK/live.xebek.err"
    kill "$po" "$px" 2>/dev/null
    failures=$((failures + 1))
    return
  fi
  "$SEND" "$port" "$count" "$WORK/live.expected"
  local want
  want=$(stat -c %s "$WORK/live.expected")
  for _ in $(seq 100); do
    (( $(stat -c %s "$o.orig") >= want && $(stat -c %s "$o.xebek") >= want )) && break
    sleep 0.1
  done
  # Neither ends by itself on an interface: the same signal ends both.
  kill -TERM "$po" "$px"
  wait "$po"; local so=$?
  wait "$px"; local sx=$?
  kill "$pr"; wait "$pr" 2>/dev/null
  verdict "$label" "$so" "$sx"
  [[ $(stat -c %s "$o.orig") == "$want" ]] \
    || { echo "FAIL: the live capture holds $(stat -c %s "$o.orig") bytes, the sender sent $want"; failures=$((failures + 1)); }
}
live 200

printf '%-22s | %-25s | %-25s | %s\n' "" "sbk_extract (original)" "xebek-extract" ""
printf '%-22s | %4s %8s %10s | %4s %8s %10s | %s\n' input exit records bytes exit records bytes identical
for r in "${rows[@]}"; do echo "$r"; done
echo "${#rows[@]} inputs, $failures failures (outputs in $WORK)"
# The large capture and its streams are only worth keeping to look at a difference.
((failures == 0)) && rm -f "$WORK"/synth*
((failures == 0))
