# Sourced by dom0-init: how the lab drives this project's Dom0 daemon.
# Functions:
#   daemon_start LOGDIR     start xebekd in the background
#   daemon_pid              its pid (empty if not running)
#   daemon_stop             SIGTERM, wait for it to exit
#   ctl_mode DOMID MODES    set the capture mode (comma-separated names)
#   ctl_enable DOMID / ctl_disable DOMID
#   ctl_status              status of every domain, for the results
XEBEKD=/usr/sbin/xebekd
XEBEKCTL=/usr/sbin/xebekctl

LOGDIR=/var/log/xebek
daemon_start() {
  LOGDIR=$1
  # From the package (XEBEKD_CAPS set by xen-lab): its configuration file,
  # and the sandbox of xebekd.service: no new privileges, only the
  # capabilities it leaves, its system call filter and no sockets.
  set --
  if [ -n "$XEBEKD_CAPS" ]; then
    bnd=$(echo "$XEBEKD_CAPS" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
    set -- /usr/bin/setpriv --no-new-privs --bounding-set=-all,$bnd --inh-caps=-all -- \
      /usr/bin/syscall-filter --no-sockets /etc/lab/xebekd-syscalls -- \
      "$XEBEKD" --config /etc/xebek/xebekd.conf
  else
    set -- "$XEBEKD"
  fi
  # The lab DomU has no network; give its records a Sebek source address.
  # Dom0's logs live in its RAM-backed root (a few hundred MB): a smaller
  # free-space floor than the default suits it.
  # A scenario's capture mode (DAEMON_MODE, from lab.conf) from the start.
  # Each start appends to the one output file the lab brings back.
  [ -n "$DAEMON_MODE" ] && set -- "$@" --mode "$DAEMON_MODE"
  # Options of the lab's own (DAEMON_OPTIONS: the benchmark's disk budget).
  # shellcheck disable=SC2086
  set -- "$@" $DAEMON_OPTIONS
  "$@" --transport xen --logdir "$LOGDIR" --pcap \
    --domain-ip honeypot=10.0.0.13 --min-free 16M >> /var/log/xebekd.out 2>&1 &
  echo $! > /run/xebekd.lab.pid
}
daemon_pid() {
  p=$(cat /run/xebekd.lab.pid 2>/dev/null)
  [ -n "$p" ] && [ -d "/proc/$p" ] && echo "$p"
}
daemon_stop() {
  p=$(daemon_pid)
  [ -n "$p" ] || return 0
  kill -TERM "$p"
  i=0; while [ -d "/proc/$p" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i+1)); done
}
# xebekctl waits (up to 5 s) until the guest acknowledged the change
ctl_mode()    { "$XEBEKCTL" --transport xen --logdir "$LOGDIR" mode "$1" "$2"; }
ctl_enable()  { "$XEBEKCTL" --transport xen --logdir "$LOGDIR" enable "$1"; }
ctl_disable() { "$XEBEKCTL" --transport xen --logdir "$LOGDIR" disable "$1"; }
ctl_status()  { "$XEBEKCTL" --transport xen --logdir "$LOGDIR" status --json; }
