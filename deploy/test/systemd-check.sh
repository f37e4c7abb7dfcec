#!/bin/bash
# The installed package under a real systemd (PID 1 in a systemd-box): usage  deploy/test/systemd-check.sh DEB
#   1. camera up, the package's unit as shipped: starts and becomes active (running); a SIGSTOPped daemon is killed by
#      the watchdog (WatchdogSec=30) and restarted, the GPIO reset running after that kill; `systemctl stop` is clean
#      and starts no second JVM (no reset after a clean stop).
#      The HTTP token: postinst writes /etc/vigil/http-token (640 root:vigil), a reinstall keeps it, `vigil token`
#      prints it; /healthz answers 200 without it, /metrics 401 without it and 200 with it.
#   2. its only camera down (an RTSP stream to a closed port), WatchdogSec=6 by a drop-in to keep it short: READY
#      comes anyway; the watchdog stays fed through 3 x WatchdogSec while the camera reconnects; /readyz says 503;
#      a SIGSTOP is still caught; `systemctl stop` is clean.
# Prints every figure measured ("figure: ...") and one PASS or FAIL line per check; exits 1 if any check failed.
# Needs root and the cgroup v1 hybrid layout (see systemd-box/boot.sh), a JDK 25 at $VIGIL_CHECK_JDK
# (default /usr/lib/jvm/temurin-25-jdk-amd64) and the models mirror at $VIGIL_MIRROR (default ../shared).
# Bounds (seconds): VIGIL_CHECK_START_S (60) from `systemctl start` to active, VIGIL_CHECK_STOP_S (10) for a stop.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
deb=$(readlink -f "${1:?usage: $0 path/to/vigil_VERSION_amd64.deb}")
[ -f "$deb" ] || { echo "systemd-check: $deb is not a file; build it with mvn -B -q -P deb -DskipTests package" >&2; exit 2; }
mirror=${VIGIL_MIRROR:-$repo/../shared}
[ -d "$mirror/models" ] && [ -d "$mirror/test-images" ] \
  || { echo "systemd-check: mirror $mirror has no models/ and test-images/; set VIGIL_MIRROR" >&2; exit 2; }
mirror=$(cd "$mirror" && pwd)
jdk=${VIGIL_CHECK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$jdk/bin/java" ] || { echo "systemd-check: no JDK at $jdk; set VIGIL_CHECK_JDK" >&2; exit 2; }
start_bound=${VIGIL_CHECK_START_S:-60}
stop_bound=${VIGIL_CHECK_STOP_S:-10}

# The box: the mirror at a path the unit's ProtectHome= cannot hide, the JDK where /usr/bin/vigil looks.
SD=$(mktemp -d); SDNAME=vigil-check-$$; SDBIND="$mirror:/srv/vigil-mirror $jdk:$jdk"
export SD SDNAME SDBIND
box() { "$here/systemd-box/ctl.sh" "$@"; }
began=$(date +%s.%N)
failed=0
finish() {
  local rc=$? halted=0
  trap - EXIT INT TERM
  "$here/systemd-box/halt.sh" || halted=1
  rm -rf "$SD"
  if [ "$halted" -ne 0 ]; then echo "systemd-check: FAIL the box left cgroups or mounts behind"; rc=1; fi
  echo "systemd-check: figure: whole check $(since "$began") s"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
pass() { echo "systemd-check: PASS $*"; }
fail() { echo "systemd-check: FAIL $*"; failed=$((failed + 1)); box journalctl -u vigil -n 30 --no-pager -o short-monotonic || true; }
figure() { echo "systemd-check: figure: $*"; }

# The unit's state in globals: active, sub, main (MainPID), restarts, result, code/status (of the main process).
state() {
  local k v
  while IFS='=' read -r k v; do
    case "$k" in
      ActiveState) active=$v ;; SubState) sub=$v ;; MainPID) main=$v ;; NRestarts) restarts=$v ;;
      Result) result=$v ;; ExecMainCode) code=$v ;; ExecMainStatus) status=$v ;;
    esac
  done < <(box systemctl show vigil -p ActiveState -p SubState -p MainPID -p NRestarts -p Result -p ExecMainCode \
             -p ExecMainStatus 2>/dev/null || true)
}
# Polls until "$@" succeeds (after state) or $1 seconds pass.
until_state() {
  local bound=$1 t0; shift; t0=$(date +%s.%N)
  while :; do
    state
    if "$@"; then return 0; fi
    if awk -v a="$t0" -v b="$(date +%s.%N)" -v m="$bound" 'BEGIN { exit !(b - a > m) }'; then return 1; fi
    sleep 0.2
  done
}
running() { [ "$active" = active ] && [ "$sub" = running ]; }
running_other_than() { running && [ "$main" != "$1" ] && [ "$main" != 0 ]; }
not_active() { [ "$active" != active ]; }
# Output of `vigil gpio reset` in the journal (the packaged config has no outputs: it says so and exits).
resets() { box journalctl -u vigil -o cat --no-pager | grep -cE 'no gpio outputs; nothing to reset|^gpio: ' || true; }

watchdogs() { box journalctl -u vigil -o cat --no-pager | grep -c 'Watchdog timeout' || true; }

# When systemd last logged a line matching $1 for vigil (unix seconds): its own record, free of this script's polling.
at() { box journalctl -u vigil -o short-unix --no-pager | awk -v p="$1" '$0 ~ p { t = $1 } END { print t }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

# The status code of GET $1 on the daemon's port, with the bearer token $2 when given (HTTP/1.0: the server closes).
http_code() {
  box bash -c 'exec 3<>/dev/tcp/127.0.0.1/8089 || exit 1
    { printf "GET %s HTTP/1.0\r\n" "$1"; [ -z "$2" ] || printf "Authorization: Bearer %s\r\n" "$2"; printf "\r\n"; } >&3
    head -1 <&3' _ "$@" | awk '{ print $2 }' || true
}

# Writes the installed config with its cameras: section replaced by the YAML on stdin.
cameras() {
  box awk '/^cameras:/ { exit } { print }' /etc/vigil/vigil.yaml > "$SD/out/vigil.yaml"
  cat >> "$SD/out/vigil.yaml"
  box cp "$SD/out/vigil.yaml" /etc/vigil/vigil.yaml
}

start_within() { # label
  local t0; t0=$(date +%s.%N)
  box systemctl start --no-block vigil
  if until_state "$start_bound" running; then
    figure "$1: systemctl start to active (running) $(minus "$(at 'Started vigil.service')" "$t0") s"
    pass "$1: active (running)"
  else
    fail "$1: not active (running) within $start_bound s (state $active/$sub, result $result)"; return 1
  fi
}

sigstop() { # label watchdog-seconds
  local pid=$main n=$restarts before t0 k dogs; before=$(resets); dogs=$(watchdogs)
  box kill -STOP "$pid"; t0=$(date +%s.%N)
  if ! until_state $(($2 + 5)) not_active; then fail "$1: SIGSTOPped pid $pid not killed within $2 + 5 s"; return 1; fi
  if [ "$(watchdogs)" -le "$dogs" ]; then fail "$1: pid $pid ended after $(since "$t0") s, not by the watchdog"; return 1; fi
  k=$(minus "$(at 'Watchdog timeout')" "$t0")
  figure "$1: SIGSTOP to watchdog kill $k s (WatchdogSec $2, pings every $(($2 / 3)) s)"
  # A ping comes every WatchdogSec/3: the last one before the SIGSTOP was at most that long ago.
  if awk -v k="$k" -v w="$2" 'BEGIN { exit !(k >= w * 2 / 3 - 1 && k <= w + 2) }'; then
    pass "$1: the watchdog killed the stopped daemon"
  else
    fail "$1: the watchdog fired $k s after the SIGSTOP, not within WatchdogSec $2 s after the last ping"; return 1
  fi
  if until_state $((5 + start_bound)) running_other_than "$pid" && [ "$restarts" -gt "$n" ]; then
    figure "$1: ExecStopPost after the kill $(minus "$(at 'Failed with result')" "$(at 'Main process exited')") s"
    figure "$1: SIGSTOP to active (running) again $(minus "$(at 'Started vigil.service')" "$t0") s (RestartSec 5)"
    pass "$1: restarted by systemd (NRestarts $restarts)"
  else
    fail "$1: not restarted by systemd within RestartSec + $start_bound s (pid $main, NRestarts $restarts)"; return 1
  fi
  if [ "$(resets)" -gt "$before" ]; then pass "$1: vigil gpio reset ran after the kill"; else fail "$1: no gpio reset after the kill"; fi
}

stop_clean() { # label
  local before t0 rc=0 s; before=$(resets); t0=$(date +%s.%N)
  box systemctl stop vigil || rc=$?
  s=$(since "$t0"); state
  figure "$1: systemctl stop $s s (exit $rc)"
  if [ "$rc" -eq 0 ] && [ "$active" = inactive ] && [ "$result" = success ] && [ "$code" = 1 ] && [ "$status" = 0 ] \
     && awk -v s="$s" -v m="$stop_bound" 'BEGIN { exit !(s <= m) }'; then
    pass "$1: clean stop (exit 0, result success, within $stop_bound s)"
  else
    fail "$1: stop: rc $rc, $active, result $result, main code $code status $status, $s s (bound $stop_bound s)"
  fi
  if [ "$(resets)" -eq "$before" ]; then pass "$1: no gpio reset JVM after a clean stop"; else fail "$1: gpio reset ran after a clean stop"; fi
}

# ---- boot, install ----
t=$(date +%s.%N)
"$here/systemd-box/boot.sh" > /dev/null
figure "boot $(since "$t") s"
t=$(date +%s.%N)
cp "$deb" "$SD/out/vigil.deb"
# Debian 12 has no openjdk-25: a stand-in package declares the JDK bound in above as temurin-25-jre (as .ci/run does).
if ! box dpkg-query -W -f='${Status}\n' openjdk-25-jre-headless temurin-25-jre 2>/dev/null | grep -q 'install ok installed'; then
  mkdir -p "$SD/standin/DEBIAN"
  printf '%s\n' 'Package: vigil-ci-java25' 'Version: 25' 'Architecture: all' 'Provides: temurin-25-jre' \
    'Maintainer: vigil CI <ci@vigil.invalid>' "Description: stand-in: the JDK 25 unpacked in $jdk" > "$SD/standin/DEBIAN/control"
  dpkg-deb --root-owner-group --build "$SD/standin" "$SD/out/standin.deb" > /dev/null
  box dpkg -i "$SD/out/standin.deb" > /dev/null
fi
box dpkg -i "$SD/out/vigil.deb" > /dev/null
printf 'VIGIL_MIRROR=/srv/vigil-mirror\n' > "$SD/out/default"
box install -m 0600 "$SD/out/default" /etc/default/vigil
# Enabled as deploy/install.sh does: that also keeps the unit loaded, so its last result and exit status can be read
# after a stop (an unreferenced inactive unit is unloaded, and `systemctl show` then answers defaults).
box systemctl enable vigil 2>/dev/null
figure "install $(since "$t") s"

# ---- the HTTP token: made by postinst, root:vigil 0640, kept by a reinstall ----
tok=$(box stat -c '%a %U:%G' /etc/vigil/http-token 2>/dev/null || true)
[ "$tok" = "640 root:vigil" ] && pass "postinst wrote /etc/vigil/http-token, mode 640 root:vigil" \
  || fail "/etc/vigil/http-token: '$tok', expected '640 root:vigil'"
token=$(box cat /etc/vigil/http-token 2>/dev/null | tr -d '\n' || true)
[[ "$token" =~ ^[A-Za-z0-9_-]{43}$ ]] && pass "the token is 43 URL-safe base64 characters" || fail "the token is '${#token} characters'"
box dpkg -i "$SD/out/vigil.deb" > /dev/null
[ "$(box cat /etc/vigil/http-token | tr -d '\n')" = "$token" ] && pass "a reinstall keeps the token" || fail "a reinstall changed the token"
[ "$(box vigil token)" = "$token" ] && pass "vigil token prints it" || fail "vigil token printed something else"

# ---- 1. camera up, the unit as shipped ----
cameras <<'EOF'
cameras:
  images:
    source: { folder: /srv/vigil-mirror/test-images, fps: 2, loop: true }
    groups:
      person: { labels: [person], min_score: 0.6 }
EOF
if start_within "camera up (first start: pulls the model, unpacks natives)"; then
  wd=$(box systemctl show vigil -p WatchdogUSec --value)
  [ "$wd" = 30s ] && pass "the package's unit has WatchdogSec=30" || fail "WatchdogUSec is $wd, expected 30s"
  # The packaged config listens on 0.0.0.0 with auth: token.
  c=$(http_code /healthz); [ "$c" = 200 ] && pass "/healthz without a token: 200" || fail "/healthz without a token: $c"
  c=$(http_code /metrics); [ "$c" = 401 ] && pass "/metrics without a token: 401" || fail "/metrics without a token: $c, expected 401"
  c=$(http_code /metrics "$token"); [ "$c" = 200 ] && pass "/metrics with the token: 200" || fail "/metrics with the token: $c"
  c=$(http_code /api/status "wrong-token-wrong-token"); [ "$c" = 401 ] && pass "/api/status with a wrong token: 401" \
    || fail "/api/status with a wrong token: $c, expected 401"
  sigstop "camera up" 30 && stop_clean "camera up"
fi

# ---- 2. the camera down, WatchdogSec=6 ----
box mkdir -p /etc/systemd/system/vigil.service.d
printf '[Service]\nWatchdogSec=6\n' > "$SD/out/watchdog.conf"
box cp "$SD/out/watchdog.conf" /etc/systemd/system/vigil.service.d/watchdog.conf
box systemctl daemon-reload
box systemctl reset-failed vigil 2>/dev/null || true
cameras <<'EOF'
cameras:
  door:
    source: { stream: "rtsp://127.0.0.1:9/stream1", connect_timeout_s: 2, read_timeout_s: 2 }
    groups:
      person: { labels: [person], min_score: 0.6 }
EOF
if start_within "camera down"; then
  pid=$main
  if until_state 18 eval '! running || [ "$main" != "$pid" ]'; then
    fail "camera down: the service left active (running) within 3 x WatchdogSec 6 s (now $active/$sub, result $result)"
  else
    pass "camera down: still active (running), same pid, through 3 x WatchdogSec (18 s)"
    ready=$(box bash -c 'exec 3<>/dev/tcp/127.0.0.1/8089 && printf "GET /readyz HTTP/1.0\r\n\r\n" >&3 && head -1 <&3' \
              | awk '{ print $2 }' || true)
    [ "$ready" = 503 ] && pass "camera down: /readyz 503" || fail "camera down: /readyz answered $ready, expected 503"
    sigstop "camera down" 6 && stop_clean "camera down"
  fi
else
  box systemctl stop vigil || true
fi

echo "systemd-check: $failed check(s) failed"
[ "$failed" -eq 0 ]
