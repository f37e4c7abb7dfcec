#!/bin/bash
# Powers the box off, waits for its init to go, removes the child cgroups boot.sh made. Exits 1 when a cgroup or
# a mount of the box is left on the host.
S=${SD:?set SD to a work folder (the same for boot, ctl and halt)}; OUT=$S/out
N=${SDNAME:?set SDNAME to the name the box was booted with}
pid=$(cat "$OUT/pid" 2>/dev/null); upid=$(cat "$OUT/unshare.pid" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
  kill -s SIGRTMIN+4 "$pid"          # systemd: poweroff
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then echo "halt: init $pid still there after 30 s: SIGKILL"; kill -KILL "$pid"; sleep 1; fi
fi
if [ -n "$upid" ] && kill -0 "$upid" 2>/dev/null; then sleep 1; kill -0 "$upid" 2>/dev/null && kill -TERM "$upid"; fi
sleep 0.5
left=0
[ -f "$OUT/cgroups" ] && while read -r d; do
  [ -d "$d" ] || continue
  find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  if [ -d "$d" ]; then echo "halt: cgroup $d still there: $(tr '\n' ' ' < "$d/cgroup.procs" 2>/dev/null)"; left=1; fi
done < "$OUT/cgroups"
if grep -q "^$N-" /proc/mounts; then echo "halt: host mounts left:"; grep "^$N-" /proc/mounts; left=1; fi
exit "$left"
