#!/usr/bin/env bash
# Builds the ORIGINAL sbk_extract from its source in the original tools'
# directory into OUT_DIR (under the build tree; nothing of the originals
# is ever copied into the project). The source ships for autoconf
# (config.h.in; "./configure && make"): config.h is written here with what
# configure defines on Linux, then the one file is compiled against libpcap.
#   build_sbk_extract.sh DEFAULT_TOOLS_DIR OUT_DIR C_COMPILER
set -euo pipefail
default_dir=$1 out=$2 cc=$3
# shellcheck source=originals.sh
source "$(dirname "$0")/originals.sh"
resolve_originals "$default_dir"
for f in sbk_extract.c sbk_extract.h; do
  [[ -f "$SEBEK_TOOLS_DIR/$f" ]] || { echo "FAIL: $SEBEK_TOOLS_DIR/$f is missing"; exit 1; }
done
pcap_libs=$(pkg-config --libs libpcap 2>/dev/null) \
  || { echo "FAIL: libpcap's development files are missing (libpcap-dev, scripts/install-deps)"; exit 1; }

mkdir -p "$out"
cat >"$out/config.h" <<'H'
/* What the original's ./configure defines on Linux with libpcap. */
#define PACKAGE "sebekd"
#define VERSION "original"
#define LINUX 1
#define HAVE_LIBPCAP 1
H
# The original as its authors built it: plain -O2, none of the project's
# warnings or sanitizers (it is the reference, not code under test; -w
# because its 2006 C does not pass today's warnings).
"$cc" -O2 -w -DHAVE_CONFIG_H -I"$out" -o "$out/sbk_extract.new" "$SEBEK_TOOLS_DIR/sbk_extract.c" $pcap_libs
mv "$out/sbk_extract.new" "$out/sbk_extract"
echo "built the original sbk_extract from $SEBEK_TOOLS_DIR/sbk_extract.c into $out/sbk_extract"
