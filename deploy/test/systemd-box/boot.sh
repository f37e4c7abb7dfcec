#!/bin/bash
# Boots Debian's systemd as PID 1 in new pid/mount/uts/ipc/net/cgroup namespaces, over a throwaway overlay of the
# host's / (upper layer on a tmpfs): nothing the booted system writes (dpkg, users, /etc, /var) reaches the host,
# except $SD/out, which is bind-mounted through. Needs root with CAP_SYS_ADMIN and the cgroup v1 hybrid layout.
#   SD=<work folder> [SDNAME=<unique name>] [SDBIND="SRC:DST ..."] boot.sh
#     -> boots; prints the host PID of the box's systemd (also in $SD/out/pid)
#   ctl.sh CMD...  -> runs CMD inside;  halt.sh -> powers it off and removes what boot.sh made
# SDBIND: host folders bound read-only into the box (the overlay holds the host's root file system only, so a
# folder on another mount, such as a CI checkout's ../shared, needs one).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
S=${SD:?set SD to a work folder (the same for boot, ctl and halt)}
export SDNAME=${SDNAME:-sdbox-$$}   # names the child cgroups and the box's mounts: unique per concurrent box
N=$SDNAME
OUT=$S/out
mkdir -p "$OUT" "$S/ovl"
: > "$OUT/console.log"; : > "$OUT/cgroups"; rm -f "$OUT/pid"

[ "$(id -u)" -eq 0 ] || { echo "systemd-box: needs root (CAP_SYS_ADMIN)" >&2; exit 1; }
# stage2 mounts the v1 hierarchies plus the unified one, as systemd 252 expects in hybrid mode.
if [ "$(stat -f -c %T /sys/fs/cgroup)" != tmpfs ] || [ ! -d /sys/fs/cgroup/unified ] || [ ! -d /sys/fs/cgroup/systemd ]; then
  echo "systemd-box: needs the cgroup v1 hybrid layout (/sys/fs/cgroup a tmpfs with systemd/ and unified/); this host has $(stat -f -c %T /sys/fs/cgroup)" >&2
  exit 1
fi
for b in ${SDBIND:-}; do
  [ -d "${b%%:*}" ] || { echo "systemd-box: SDBIND source ${b%%:*} is not a folder" >&2; exit 1; }
done

# 1. A child cgroup in every mounted hierarchy, below the one this shell is in (so the sandbox's own memory
#    cgroup keeps accounting for it); the cgroup namespace made below is rooted there.
while IFS=: read -r _ ctrl path; do
  case "$ctrl" in
    "") mnt=/sys/fs/cgroup/unified ;;
    name=systemd) mnt=/sys/fs/cgroup/systemd ;;
    *) mnt=/sys/fs/cgroup/$ctrl ;;
  esac
  [ -d "$mnt" ] || continue
  d="$mnt${path%/}/$N"
  mkdir -p "$d"
  echo "$d" >> "$OUT/cgroups"
  if [ "$ctrl" = cpuset ]; then
    cat "$(dirname "$d")/cpuset.cpus" > "$d/cpuset.cpus"; cat "$(dirname "$d")/cpuset.mems" > "$d/cpuset.mems"
  fi
done < /proc/self/cgroup

# 2. Move a detached launcher into them, then unshare; stage2.sh runs as PID 1 of the new pid namespace and execs
#    systemd. --kill-child: if unshare dies, the box's init is SIGKILLed.
setsid bash -c '
  while read -r d; do echo $$ > "$d/cgroup.procs"; done < "'"$OUT"'/cgroups"
  exec unshare --pid --fork --kill-child --mount --propagation private --uts --ipc --net --cgroup \
    "'"$HERE"'/stage2.sh"
' > "$OUT/unshare.log" 2>&1 < /dev/null &
launcher=$!
echo "$launcher" > "$OUT/unshare.pid"
child=""
for _ in $(seq 1 100); do
  child=$(cat /proc/"$launcher"/task/*/children 2>/dev/null | awk '{print $1}')
  [ -n "$child" ] && break
  sleep 0.1
done
[ -n "$child" ] || { echo "systemd-box: unshare did not start" >&2; cat "$OUT/unshare.log" >&2; exit 1; }
echo "$child" > "$OUT/pid"
# Wait until the manager has finished booting: running, or degraded (a unit failed; the caller decides).
state=""
for _ in $(seq 1 300); do
  state=$(nsenter -t "$child" -a systemctl is-system-running 2>/dev/null || true)
  case "$state" in running|degraded) break ;; esac
  kill -0 "$child" 2>/dev/null || { echo "systemd-box: init died" >&2; cat "$OUT/stage2.log" "$OUT/console.log" >&2; exit 1; }
  sleep 0.2
done
case "$state" in
  running|degraded) ;;
  *) echo "systemd-box: not booted after 60 s (state: ${state:-no answer}); see $OUT/console.log" >&2; exit 1 ;;
esac
echo "$child"
