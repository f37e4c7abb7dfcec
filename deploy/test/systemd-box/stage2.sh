#!/bin/bash
# PID 1 of the new namespaces (see boot.sh): builds the box's root, pivots into it, execs systemd.
set -euo pipefail
S=${SD:?set SD to a work folder (the same for boot, ctl and halt)}
N=${SDNAME:?boot.sh sets SDNAME}
OUT=$S/out
R=$S/ovl/merged
exec > "$OUT/stage2.log" 2>&1
set -x

# Root: overlay of the host's / (its root file system only, no submounts), upper layer on a tmpfs (thrown away).
mount -t tmpfs -o mode=755 "$N-upper" "$S/ovl"
mkdir -p "$S/ovl/upper" "$S/ovl/work" "$R"
mount -t overlay "$N-root" -o "lowerdir=/,upperdir=$S/ovl/upper,workdir=$S/ovl/work" "$R"

# API file systems, as systemd-nspawn lays them out for a privileged container.
mount -t proc proc "$R/proc"
# The kernel's sysctls and sysrq are global: read-only (so systemd-sysctl and binfmt skip), except the netns's own.
mount --bind "$R/proc/sys" "$R/proc/sys"
mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
mount -o remount,bind,ro "$R/proc/sys"
if [ -e "$R/proc/sysrq-trigger" ]; then
  mount --bind "$R/proc/sysrq-trigger" "$R/proc/sysrq-trigger"; mount -o remount,bind,ro "$R/proc/sysrq-trigger"
fi
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o mode=755,nosuid,nodev,noexec "$N-cgroup" "$R/sys/fs/cgroup"
# cgroup v1 hybrid, as on the host: each hierarchy rooted at our cgroup namespace.
for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
  mkdir "$R/sys/fs/cgroup/$c"; mount -t cgroup -o "nosuid,nodev,noexec,$c" cgroup "$R/sys/fs/cgroup/$c"
done
mkdir "$R/sys/fs/cgroup/unified" "$R/sys/fs/cgroup/systemd"
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup/unified"
mount -t cgroup -o nosuid,nodev,noexec,none,name=systemd cgroup "$R/sys/fs/cgroup/systemd"
mount -o remount,ro "$R/sys/fs/cgroup"

# A private /dev with the usual nodes (no host disks, no kmsg, no rtc, no GPIO); /dev/console is a log file.
mount -t tmpfs -o mode=755,nosuid,size=64m "$N-dev" "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3; mknod -m 666 "$R/dev/zero" c 1 5; mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8; mknod -m 666 "$R/dev/urandom" c 1 9; mknod -m 666 "$R/dev/tty" c 5 0
mkdir "$R/dev/pts" "$R/dev/shm" "$R/dev/mqueue"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev "$N-shm" "$R/dev/shm"
mount -t mqueue mqueue "$R/dev/mqueue"
ln -s /proc/self/fd "$R/dev/fd"; ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"; ln -s /proc/self/fd/2 "$R/dev/stderr"
touch "$R/dev/console"; mount --bind "$OUT/console.log" "$R/dev/console"

mount -t tmpfs -o mode=755,nosuid,nodev "$N-run" "$R/run"
mkdir -p "$R$OUT"; mount --bind "$OUT" "$R$OUT"     # the one way out
for b in ${SDBIND:-}; do                             # read-only ways in
  src=${b%%:*}; dst=${b#*:}
  mkdir -p "$R$dst"; mount --bind "$src" "$R$dst"; mount -o remount,bind,ro "$R$dst"
done
echo vigil-box > "$R/etc/hostname"

# Keep the host's own services from starting in here: mask whatever the host image enabled in /etc (its *.wants/
# links; systemd's own units are enabled under /lib), plus two that fail in a container (console is a file; LSB ipmi).
for l in "$R"/etc/systemd/system/*.wants/*; do
  [ -e "$l" ] || [ -L "$l" ] || continue
  u=${l##*/}
  case "$u" in *.target) continue ;; esac
  ln -sfn /dev/null "$R/etc/systemd/system/$u"
done
for u in console-getty.service openipmi.service; do ln -sfn /dev/null "$R/etc/systemd/system/$u"; done

cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
set +x
exec < /dev/console > /dev/console 2>&1
# Global kernel state stays the host's: no module loading, no clock setting.
exec setpriv --bounding-set -sys_module,-sys_time --inh-caps=-all \
  env -i container=docker TERM=dumb PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  /lib/systemd/systemd --system --unit=multi-user.target --show-status=no
