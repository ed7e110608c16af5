#!/usr/bin/env bash
# Installs xebek and xebek-tools into a scratch root with dpkg --root and
# checks what an operator would get there:
#   check_installed.sh PACKAGE_DIR REPLAY_TEST VECTORS
# - the packages' dependencies resolve on this Debian (apt-get -s);
# - dpkg installs them and runs their maintainer scripts (chrootless, with
#   DPKG_ROOT set, as debhelper's scripts expect);
# - the files, the conffiles and the log directory (0750 root:adm);
# - every installed program answers --help and --version, every installed
#   man page renders without warnings;
# - systemd-analyze verifies both units and scores xebekd.service;
# - the installed xebekd and xebek-simdomu pass the replay conformance test
#   (the golden Sebek captures through the ring, against sbk_extract's output).
set -euo pipefail
pkgdir=$(realpath "$1") replay_test=$2 vectors=$3
fail() { echo "package check: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

debs=("$pkgdir"/xebek_*.deb "$pkgdir"/xebek-tools_*.deb)
for d in "${debs[@]}"; do [[ -s $d ]] || fail "$d missing (run scripts/package)"; done

step "dependencies resolve (apt-get -s install)"
apt-get -s -qq install "${debs[@]}" > /dev/null || fail "apt-get cannot satisfy the packages' dependencies"

root=$(mktemp -d /tmp/xebek-pkgroot-XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
step "dpkg --root $root -i ${debs[*]##*/}"
# --force-depends: the scratch root has no libraries; the programs run
# against this machine's, which apt-get -s above showed to satisfy them.
dpkg --root="$root" --force-script-chrootless --force-depends --log="$root/dpkg.log" \
  -i "${debs[@]}" > "$root/dpkg.out" 2>&1 || { cat "$root/dpkg.out"; fail "dpkg -i failed"; }
for p in xebek xebek-tools; do
  st=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Status}' "$p")
  [[ $st == installed ]] || fail "$p is '$st' after dpkg -i, not installed"
done

step "files, conffiles and the log directory"
sbin=(xebekd xebekctl)
bin=(xebek-simdomu xebek-extract xebek-viewer xebek-upload xebek-diag xebek-ks-log
     xebek-tree xebek-report xebek-export xebek-sessions xebek-native-dump)
for p in "${sbin[@]}"; do [[ -x $root/usr/sbin/$p ]] || fail "/usr/sbin/$p not installed"; done
for p in "${bin[@]}"; do [[ -x $root/usr/bin/$p ]] || fail "/usr/bin/$p not installed"; done
for u in xebekd.service xebek-upload@.service; do
  [[ -f $root/lib/systemd/system/$u ]] || fail "unit $u not installed"
done
conffiles=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Conffiles}' xebek)
for c in /etc/xebek/xebekd.conf /etc/xebek/upload.conf; do
  grep -q " $c " <<< "$conffiles " || fail "$c is not a conffile of xebek"
done
perm=$(stat -c '%a %U:%G' "$root/var/log/xebek")
[[ $perm == "750 root:adm" ]] || fail "/var/log/xebek is $perm, not 750 root:adm"

step "--help, --version and the man pages"
version=$(dpkg-deb -f "$pkgdir"/xebek_*.deb Version)
for p in "${sbin[@]/#//usr/sbin/}" "${bin[@]/#//usr/bin/}"; do
  "$root$p" --help > /dev/null 2>&1 || fail "$p --help exits non-zero"
  v=$("$root$p" --version 2>&1) || fail "$p --version exits non-zero"
  [[ $v == *"$version"* ]] || fail "$p --version says '$v', not $version"
  name=${p##*/}
  page=$(ls "$root"/usr/share/man/man[18]/"$name".[18].gz 2>/dev/null | head -1)
  [[ -n $page ]] || fail "no man page for $name"
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 > /dev/null) || fail "man -l $page failed"
  [[ -z $warnings ]] || fail "man page of $name warns: $warnings"
done

step "systemd units"
# verify resolves ExecStart= and the units' dependencies inside --root:
# the scratch root gets this machine's own units (targets, slices) beside
# the package's. The man pages that Documentation= names were checked
# above (--man=no: man(1) would look on this machine, not in the root).
mkdir -p "$root/usr/lib/systemd"
rsync -a --exclude "xebek*" /usr/lib/systemd/system "$root/usr/lib/systemd/"
for u in xebekd.service xebek-upload@example.service; do
  systemd-analyze verify --man=no --root="$root" "$u" || fail "systemd-analyze verify $u"
done
systemd-analyze security --offline=yes --root="$root" xebekd.service | tail -1
systemd-analyze security --offline=yes --root="$root" xebek-upload@example.service | tail -1

step "the test harness runs the programs the environment names"
# Else the replay below could pass on the build's programs.
if XEBEK_XEBEKD=/nonexistent/xebekd XEBEK_VECTORS=$vectors "$replay_test" \
     --gtest_filter='*XPcapStreamIsByteIdentical*' > "$root/negative.out" 2>&1; then
  fail "the replay test passed with XEBEK_XEBEKD=/nonexistent/xebekd: it ignores the installed programs"
fi
step "replay conformance with the installed xebekd and xebek-simdomu"
XEBEK_XEBEKD=$root/usr/sbin/xebekd XEBEK_SIMDOMU=$root/usr/bin/xebek-simdomu \
  XEBEK_XEBEKCTL=$root/usr/sbin/xebekctl XEBEK_VECTORS=$vectors \
  "$replay_test" --gtest_brief=1 || fail "replay conformance with the installed programs"
echo "package check: OK (${debs[*]##*/})"
