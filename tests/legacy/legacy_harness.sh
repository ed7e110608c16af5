#!/usr/bin/env bash
# Runs the ORIGINAL Sebek server scripts (sbk_ks_log.pl, sbk_viewer.pl,
# sbk_diag.pl, sbk_upload.pl) on streams that Xebek produced, and diffs what
# they print or store against Xebek's own tools on the same streams. The
# only normalisation is the order inside the UID/COM lists of keystroke
# lines (hash order in Perl, sorted in Xebek).
#
# The originals are taken from $SEBEK_TOOLS_DIR, else DEFAULT_TOOLS_DIR
# (see originals.sh); neither present is a failure.
#
#   legacy_harness.sh NAME=PATH...   (bin dirs and helpers, see CMakeLists.txt)
set -uo pipefail

for kv in "$@"; do declare "${kv%%=*}=${kv#*=}"; done
: "${KS_LOG:?}" "${VIEWER:?}" "${DIAG:?}" "${EXTRACT:?}" "${SYNTH:?}" "${SORT_LISTS:?}"
: "${VECTORS:?}" "${WORK:?}" "${UPLOAD:=}" "${MARIADB_FIXTURE:=}" "${DEFAULT_TOOLS_DIR:=}"

# shellcheck source=originals.sh
source "$(dirname "$0")/originals.sh"
resolve_originals "$DEFAULT_TOOLS_DIR"
for s in sbk_ks_log.pl sbk_viewer.pl sbk_diag.pl; do
  [[ -f "$SEBEK_TOOLS_DIR/$s" ]] || { echo "FAIL: $SEBEK_TOOLS_DIR/$s is missing"; exit 1; }
done
command -v perl >/dev/null || { echo "FAIL: perl is not installed"; exit 1; }

# What the conformance vectors were made with; the hash seed only pins the
# order that the list normalisation removes anyway.
export PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 TZ=UTC LC_ALL=C
rm -rf "$WORK" && mkdir -p "$WORK"
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# compare LABEL ORIGINAL_OUTPUT XEBEK_OUTPUT
compare() {
  checks=$((checks + 1))
  if cmp -s <("$SORT_LISTS" <"$2") <("$SORT_LISTS" <"$3"); then
    echo "ok   $1 ($(wc -c <"$3") bytes)"
  else
    fail "$1 differs:"
    diff <("$SORT_LISTS" <"$2") <("$SORT_LISTS" <"$3") | head -20
  fi
}

# Xebek's output: the extractor's stream of each capture, and a long
# synthetic stream built from both (many lines with several UIDs/COMs).
"$EXTRACT" -f "$VECTORS/x.pcap" >"$WORK/x.sbk" 2>/dev/null || fail "xebek-extract x.pcap"
"$EXTRACT" -f "$VECTORS/edge.pcap" >"$WORK/edge.sbk" 2>/dev/null || fail "xebek-extract edge.pcap"
"$SYNTH" 20000 "$WORK/x.sbk" "$WORK/edge.sbk" >"$WORK/synth.sbk" || fail "synthetic stream"
streams=(x edge synth)

viewer_options=("" "-v" "-V" "-v -V" "-t 0" "-t 1" "-p 1234" "-p 500" "-c bash" "-c sh")
for s in "${streams[@]}"; do
  in="$WORK/$s.sbk"
  perl "$SEBEK_TOOLS_DIR/sbk_ks_log.pl" <"$in" >"$WORK/$s.ks.orig" 2>/dev/null
  "$KS_LOG" <"$in" >"$WORK/$s.ks.xebek" || fail "xebek-ks-log exit status on $s"
  compare "$s ks_log" "$WORK/$s.ks.orig" "$WORK/$s.ks.xebek"

  perl "$SEBEK_TOOLS_DIR/sbk_diag.pl" <"$in" >"$WORK/$s.diag.orig" 2>/dev/null
  "$DIAG" <"$in" >"$WORK/$s.diag.xebek" || fail "xebek-diag exit status on $s"
  compare "$s diag" "$WORK/$s.diag.orig" "$WORK/$s.diag.xebek"

  for o in "${viewer_options[@]}"; do
    tag=${o// /}
    # shellcheck disable=SC2086  # the options are meant to split
    perl "$SEBEK_TOOLS_DIR/sbk_viewer.pl" $o <"$in" >"$WORK/$s.viewer$tag.orig" 2>/dev/null
    # shellcheck disable=SC2086
    "$VIEWER" $o <"$in" >"$WORK/$s.viewer$tag.xebek" || fail "xebek-viewer $o exit status on $s"
    compare "$s viewer ${o:-(no option)}" "$WORK/$s.viewer$tag.orig" "$WORK/$s.viewer$tag.xebek"
  done
done

# sbk_upload.pl and xebek-upload into two databases of a private MariaDB.
if [[ ! -f "$SEBEK_TOOLS_DIR/sbk_upload.pl" ]]; then
  fail "$SEBEK_TOOLS_DIR/sbk_upload.pl is missing"
elif [[ -z "$UPLOAD" || ! -x "$UPLOAD" || -z "$MARIADB_FIXTURE" ]]; then
  fail "xebek-upload or the MariaDB fixture is not built"
elif ! perl -MDBD::mysql -e1 2>/dev/null; then
  fail "perl DBD::mysql is not installed (scripts/install-deps)"
else
  db="$WORK/mariadb"
  mkdir -p "$db"
  trap '"$MARIADB_FIXTURE" stop "$db"' EXIT
  if ! "$MARIADB_FIXTURE" start "$db"; then
    fail "private MariaDB did not start"
  else
    sock="$db/mysqld.sock"
    sql() { mariadb --no-defaults --socket="$sock" -uroot -N -B "$@"; }
    for s in x edge; do
      in="$WORK/$s.sbk"
      for side in orig xebek; do sql -e "CREATE DATABASE legacy_${s}_$side"; done
      # The original needs the tables to exist; xebek-upload creates them.
      "$UPLOAD" -s localhost --socket "$sock" -u root -d "legacy_${s}_orig" \
        -i 10.0.0.254 --create-schema </dev/null >/dev/null 2>&1 \
        || fail "xebek-upload --create-schema for the original's database"
      MYSQL_UNIX_PORT="$sock" perl "$SEBEK_TOOLS_DIR/sbk_upload.pl" -s localhost -u root \
        -d "legacy_${s}_orig" -i 10.0.0.254 -l "$WORK/$s.conlog.orig" <"$in" \
        >/dev/null 2>"$WORK/$s.upload.orig.err"
      "$UPLOAD" -s localhost --socket "$sock" -u root -d "legacy_${s}_xebek" -i 10.0.0.254 \
        -l "$WORK/$s.conlog.xebek" --create-schema <"$in" >/dev/null 2>"$WORK/$s.upload.xebek.err" \
        || fail "xebek-upload exit status on $s"
      touch "$WORK/$s.conlog.orig" "$WORK/$s.conlog.xebek"
      compare "$s upload conlog" "$WORK/$s.conlog.orig" "$WORK/$s.conlog.xebek"
      # The walleye_0_3 tables (not xebek-upload's own progress table).
      for t in process process_tree command process_to_com sys_open sys_read sys_write \
               sys_socket sbk_loss; do
        for side in orig xebek; do
          sql -e "SELECT * FROM \`$t\` ORDER BY 1,2,3" "legacy_${s}_$side" \
            >"$WORK/$s.db.$t.$side" 2>&1
        done
        compare "$s upload table $t" "$WORK/$s.db.$t.orig" "$WORK/$s.db.$t.xebek"
      done
    done
  fi
fi

echo "$checks comparisons, $failures failures (outputs in $WORK)"
((failures == 0))
