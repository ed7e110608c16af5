#!/usr/bin/env bash
# Checks the legacy harness itself without the original scripts: stand-ins
# named like them (small Perl scripts that run Xebek's tools) must pass, and
# a stand-in whose output differs by one line must make the harness fail
# and name the difference. Proves the harness can fail and is not a no-op.
#   harness_selftest.sh same|different NAME=PATH...  (as legacy_harness.sh)
set -uo pipefail
mode=$1
shift
for kv in "$@"; do declare "${kv%%=*}=${kv#*=}"; done
fake="$WORK.fake-tools"
rm -rf "$fake" && mkdir -p "$fake"

stand_in() {  # NAME BINARY [EXTRA PERL]
  printf '#!/usr/bin/perl\n# stand-in for %s in the harness self-test\n%s\nexec {"%s"} "%s", @ARGV, @extra or die "cannot run %s";\n' \
    "$1" "${3:-my @extra;}" "$2" "$2" "$2" >"$fake/$1"
}
stand_in sbk_ks_log.pl "$KS_LOG"
stand_in sbk_viewer.pl "$VIEWER"
stand_in sbk_upload.pl "$UPLOAD" 'my @extra = ("--socket", $ENV{MYSQL_UNIX_PORT});'
if [[ $mode == same ]]; then
  stand_in sbk_diag.pl "$DIAG"
else
  # Differs from xebek-diag by one extra line at the end.
  printf '#!/usr/bin/perl\nsystem("%s") == 0 or die; print "extra\\n";\n' "$DIAG" >"$fake/sbk_diag.pl"
fi

out=$(SEBEK_TOOLS_DIR="$fake" "$(dirname "$0")/legacy_harness.sh" "$@" 2>&1)
status=$?
echo "$out"
case $mode in
  same)
    [[ $status -eq 0 ]] || { echo "SELFTEST FAIL: identical stand-ins did not pass"; exit 1; }
    grep -q "upload table sys_read" <<<"$out" \
      || { echo "SELFTEST FAIL: the upload tables were not compared"; exit 1; } ;;
  different)
    [[ $status -eq 1 ]] || { echo "SELFTEST FAIL: a difference passed (status $status)"; exit 1; }
    grep -q "FAIL: x diag differs" <<<"$out" \
      || { echo "SELFTEST FAIL: the difference was not named"; exit 1; }
    grep -q "^ok   x ks_log" <<<"$out" \
      || { echo "SELFTEST FAIL: identical outputs were not accepted"; exit 1; } ;;
esac
echo "SELFTEST OK ($mode)"
