#!/usr/bin/env bash
# arm64-check.sh DEB: the arm64 package installed with apt into a Debian trixie arm64 root and run under qemu-user.
#
# The root is a minimal trixie (mmdebstrap minbase) plus what apt resolves from the package's Depends field and
# nothing else (no Recommends): a native library the package needs but does not declare fails one of the runs below.
# It is built once (5.5-11 min here, mostly dpkg under emulation) and cached in VIGIL_CI_CACHE (/var/cache/vigil-ci),
# named by a hash of the part of this script that builds it, the suite and that Depends field, so a changed
# dependency builds a fresh one. Each run mounts a throwaway overlay on it, installs the .deb with apt (it fails on a
# dependency the root lacks), then checks:
#   version   `vigil --version`: this version, Java 25, aarch64
#   classify  MobileNet v2 on 3 test images: the same classes as on this x86_64 machine, scores within VIGIL_CHECK_TOL
#   detect    SSD MobileNet v1 on 4 test images: the same detections (score >= 0.5) per label, scores within the same
#   run       `vigil run --once` over a clip made here with Debian's ffmpeg (an FFmpeg file source: FFmpeg's natives
#             load), exit 0, frames captured, person and dog events recorded
# Each figure is printed (`arm64-check: figure: ...`), each check says PASS or FAIL; exit 1 if any failed.
# Needs root, mmdebstrap, qemu-user-static (binfmt_misc is registered here when it is not), ffmpeg, jq, the x86_64
# launcher of the clone (VIGIL_CHECK_HOST_VIGIL, default ./vigil) for the reference, the models and test images
# (VIGIL_MIRROR, default ../shared) and Debian's package mirrors (VIGIL_CHECK_DEBIAN_MIRROR overrides mmdebstrap's).
# VIGIL_CHECK_ONLY=run skips version, classify and detect (e.g. with VIGIL_CHECK_WITHOUT, below).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
deb="$(readlink -f "${1:?usage: arm64-check.sh vigil_VERSION_arm64.deb}")"
suite=trixie # the first Debian release with openjdk-25-jre-headless; glibc 2.41 (the natives need 2.35)
cache="${VIGIL_CI_CACHE:-/var/cache/vigil-ci}"
mirror="$(cd "${VIGIL_MIRROR:-$repo/../shared}" && pwd)"
host_vigil="${VIGIL_CHECK_HOST_VIGIL:-$repo/vigil}"
tol="${VIGIL_CHECK_TOL:-0.02}"
t0=$SECONDS

say() { echo "arm64-check: $*"; }
figure() { say "figure: $*"; }
failed=0
check() { # NAME OK? DETAIL
  if [ "$2" -eq 0 ]; then say "PASS $1${3:+: $3}"; else say "FAIL $1${3:+: $3}"; failed=1; fi
}
[ "$(id -u)" -eq 0 ] || { say "run it as root (mmdebstrap, chroot and mounts need it)" >&2; exit 2; }
for c in mmdebstrap qemu-aarch64-static ffmpeg jq dpkg-deb; do
  command -v "$c" >/dev/null || { say "$c is missing: apt-get install mmdebstrap qemu-user-static ffmpeg jq" >&2; exit 2; }
done
[ "$(dpkg-deb --field "$deb" Architecture)" = arm64 ] || { say "$deb is not an arm64 package" >&2; exit 2; }
version="$(dpkg-deb --field "$deb" Version)"
depends="$(dpkg-deb --field "$deb" Depends)"

# ---- qemu-user through binfmt_misc: flag F opens the interpreter now, so it also runs inside the chroot ----
work="$(mktemp -d /var/tmp/vigil-arm64-check.XXXXXX)"
root="$work/root" mounted_binfmt=0 registered=0
cleanup() {
  if mountpoint -q "$root"; then umount -R "$root" || umount -lR "$root" || true; fi
  rm -rf "$work"
  if [ "$registered" -eq 1 ]; then echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64 || true; fi
  if [ "$mounted_binfmt" -eq 1 ]; then umount /proc/sys/fs/binfmt_misc || true; fi
}
trap cleanup EXIT
if ! mountpoint -q /proc/sys/fs/binfmt_misc; then mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; mounted_binfmt=1; fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  cat /usr/lib/binfmt.d/qemu-aarch64.conf > /proc/sys/fs/binfmt_misc/register; registered=1
fi

# ---- the cached root: minbase + the package's Depends, as apt resolves them ----
# Named by what makes it: this section of the script, the suite and the Depends field.
key="$( { sed -n '/^# ---- the cached root/,/^# ---- a throwaway overlay/p' "$0"; echo "$suite"; echo "$depends"; } \
  | sha256sum | cut -c1-16)"
base="$cache/arm64-root-$key"
if [ -d "$base" ]; then
  say "cached root $base"
else
  say "building the $suite arm64 root (once per Depends field and version of this script) into $base"
  mkdir -p "$cache"
  rm -rf --one-file-system "$cache"/arm64-root-* # roots of other keys: stale
  t=$SECONDS
  # The hook resolves the Depends field (alternatives included) with the root's own apt; no Recommends, so the root
  # holds only what the package declares.
  VIGIL_DEPENDS="$depends" mmdebstrap --variant=minbase --architectures=arm64 --skip=check/qemu \
    --customize-hook='chroot "$1" apt-get satisfy -y --no-install-recommends "$VIGIL_DEPENDS"' \
    --customize-hook='chroot "$1" apt-get clean' \
    "$suite" "$base.tmp" ${VIGIL_CHECK_DEBIAN_MIRROR:+"$VIGIL_CHECK_DEBIAN_MIRROR"}
  mv "$base.tmp" "$base"
  figure "root built in $((SECONDS - t)) s ($(du -sm "$base" | cut -f1) MB)"
fi

# ---- a throwaway overlay on it, the package installed with apt ----
mkdir -p "$root" "$work/upper" "$work/ovl"
mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/ovl" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys" # XNNPACK's cpuinfo reads /sys/devices/system/cpu
# /dev with a pty instance of its own (apt wants one); private, so nothing mounted in the root reaches the host's /dev.
mount --bind /dev "$root/dev"
mount --make-private "$root/dev"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
for d in models test-images; do
  mkdir -p "$root/mnt/shared/$d"
  mount --bind "$mirror/$d" "$root/mnt/shared/$d"
  mount -o remount,bind,ro "$root/mnt/shared/$d"
done
mkdir -p "$root/tmp/check"
cp "$deb" "$root/tmp/check/vigil.deb"
t=$SECONDS
set +e
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  /tmp/check/vigil.deb > "$work/install.log" 2>&1
rc=$?
set -e
check install "$rc" "apt-get install of $(basename "$deb") into the root, exit $rc in $((SECONDS - t)) s"
if [ "$rc" -ne 0 ]; then cat "$work/install.log"; exit 1; fi
# VIGIL_CHECK_WITHOUT="pkg ...": take these out again (only from this run's overlay) to see which check fails without
# them, e.g. libva-drm2 or libpulse0: FFmpeg's natives then fail to load and `run` fails.
for p in ${VIGIL_CHECK_WITHOUT:-}; do
  chroot "$root" dpkg --remove --force-depends "$p" > /dev/null 2>&1 && say "removed $p (VIGIL_CHECK_WITHOUT)"
done

# In the root: as root, no start-up cache training in the background (it would compete with the checks under emulation);
# a hung command is stopped after VIGIL_CHECK_TIMEOUT_S (each takes 10-90 s here).
V() { timeout -k 30 "${VIGIL_CHECK_TIMEOUT_S:-600}" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root VIGIL_AOT=off VIGIL_MIRROR=/mnt/shared /usr/bin/vigil "$@"; }
timed() { # NAME CMD...: runs CMD, prints its time as a figure
  local s=$SECONDS rc=0
  "${@:2}" || rc=$?
  figure "$1 took $((SECONDS - s)) s under emulation" >&2
  return "$rc"
}

M=models I=test-images
cls_model=$M/mobilenet_v2_1.0_224_quant.tflite
det_model=$M/ssd_mobilenet_v1_coco_quant_postprocess.tflite
cls_images=($I/grace_hopper.bmp $I/cat.bmp $I/hot_dog.jpg)
det_images=($I/dog_bicycle_car.jpg $I/person_dog_horse.jpg $I/kite_and_cold.jpg $I/grace_hopper.bmp)
if [ "${VIGIL_CHECK_ONLY:-}" != run ]; then # (not indented: the three checks below)
# ---- version ----
out="$(timed version V --version 2>&1)" || true
echo "$out"
grep -q "^vigil ${version//\~/-}$" <<< "$out" && grep -q '^java 25' <<< "$out" && grep -q 'aarch64' <<< "$out"
check version $? "$(head -n1 <<< "$out"), $(grep '^java' <<< "$out" || echo 'no java line')"

# ---- classify and detect: the same as this x86_64 machine gives ----
host() { (cd "$mirror" && VIGIL_MIRROR="$mirror" "$host_vigil" "$@"); }
host classify --json --top 5 -m "$cls_model" "${cls_images[@]}" > "$work/classify.x86_64.json"
(timed classify V classify --json --top 5 -m "/mnt/shared/$cls_model" \
  "${cls_images[@]/#//mnt/shared/}") > "$work/classify.arm64.json" || true
host detect --json --min-score 0.3 -m "$det_model" "${det_images[@]}" > "$work/detect.x86_64.json"
(timed detect V detect --json --min-score 0.3 -m "/mnt/shared/$det_model" \
  "${det_images[@]/#//mnt/shared/}") > "$work/detect.arm64.json" || true

# Pairs (image, label, x86_64 score, arm64 score). Classify: every label either side scores >= 0.1 (plus the top one);
# detect: per label, the scores of both sides in descending order, as many as either side has >= 0.5. A missing
# score is null (a class one side has and the other not).
pairs_jq='
  def base: .image | split("/") | last;
  def by_image(f): map(select(f != null)) | map({key: base, value: f}) | from_entries;
  ($x | by_image(.top)) as $X | ($a | by_image(.top)) as $A |
  ($x | by_image(.detections)) as $XD | ($a | by_image(.detections)) as $AD |
  if $kind == "classify" then
    [ $X | keys[] as $img | $X[$img] as $xt | ($A[$img] // []) as $at |
      ([$xt[0].label] + ([$xt[], $at[]] | map(select(.score >= 0.1)) | map(.label)) | unique[]) as $l |
      {image: $img, label: $l, x: ([$xt[] | select(.label == $l) | .score] | first),
       a: ([$at[] | select(.label == $l) | .score] | first), top: ($xt[0].label == ($at[0].label // null))} ]
  else
    [ $XD | keys[] as $img | $XD[$img] as $xd | ($AD[$img] // []) as $ad |
      ([$xd[], $ad[]] | map(select(.score >= 0.5)) | map(.label) | unique[]) as $l |
      ([$xd[] | select(.label == $l) | .score] | sort | reverse) as $xs |
      ([$ad[] | select(.label == $l) | .score] | sort | reverse) as $ys |
      ([($xs, $ys) | map(select(. >= 0.5)) | length] | max) as $n |
      range(0; $n) as $i | {image: $img, label: $l, x: $xs[$i], a: $ys[$i], top: true} ]
  end
  | .[] | . + {ok: (.x != null and .a != null and .top and ((.x - .a) | fabs) <= ($tol | tonumber))}'
compare() { # KIND: prints the pairs, checks them, prints the largest difference
  local kind="$1" pairs n bad maxd
  pairs="$(jq -c -n --arg kind "$kind" --arg tol "$tol" --slurpfile x "$work/$kind.x86_64.json" \
    --slurpfile a "$work/$kind.arm64.json" "$pairs_jq" 2>&1)" || { check "$kind" 1 "jq: $pairs"; return; }
  jq -r '"  \(.image) \(.label): x86_64 \(.x) arm64 \(.a)\(if .ok then "" else "  <- differs" end)"' <<< "$pairs"
  n="$(grep -c . <<< "$pairs" || true)"
  bad="$(jq -s 'map(select(.ok | not)) | length' <<< "$pairs")"
  maxd="$(jq -s 'map(select(.x != null and .a != null) | ((.x - .a) | fabs)) | max // 0 | . * 1000 | round / 1000' <<< "$pairs")"
  figure "$kind: $n classes compared, largest score difference arm64 vs x86_64 $maxd"
  [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
  check "$kind" $? "$n classes, $bad differ (tolerance $tol)"
}
compare classify
compare detect

fi

# ---- run --once over a clip: an FFmpeg file source ----
clip="$root/tmp/check/clip"
mkdir -p "$clip"
ffmpeg -v error -y -loop 1 -framerate 2 -t 1 -i "$mirror/$I/person_dog_horse.jpg" \
  -loop 1 -framerate 2 -t 1 -i "$mirror/$I/dog_bicycle_car.jpg" -loop 1 -framerate 2 -t 1 -i "$mirror/$I/kite_and_cold.jpg" \
  -filter_complex '[0]scale=640:480,setsar=1[a];[1]scale=640:480,setsar=1[b];[2]scale=640:480,setsar=1[c];[a][b][c]concat=n=3,format=yuv420p' \
  -c:v mpeg4 -q:v 3 "$clip/clip.mp4"
cat > "$clip/clip.yaml" <<EOF
model: /mnt/shared/$det_model
threads: 2
http: { listen: "127.0.0.1:0" }
events: { dir: ./events }
cameras:
  clip:
    source: { file: ./clip.mp4 }
    groups:
      person: { labels: [person], min_score: 0.5 }
      animal: { labels: [dog, horse], min_score: 0.5 }
    confirm: { frames: 1, of: 1 }
    cooldown_s: 0
    tracking: false
gpio: { mock: true }
EOF
set +e
timed run V run --once --config /tmp/check/clip/clip.yaml > "$work/run.log" 2>&1
rc=$?
set -e
tail -n 15 "$work/run.log"
# run --once's summary line: "clip: ended; 6 frames read, 6 analysed, ..."
captured="$(sed -n 's/^clip: .* \([0-9][0-9]*\) frames read,.*/\1/p' "$work/run.log" | tail -n1)"
events="$clip/events/events.jsonl"
persons="$(grep -c '"group":"person"' "$events" 2>/dev/null || true)"
animals="$(grep -c '"group":"animal"' "$events" 2>/dev/null || true)"
figure "run --once: ${captured:-?} frames captured of 6, ${persons:-0} person and ${animals:-0} animal events"
[ "$rc" -eq 0 ] && [ "${captured:-0}" -eq 6 ] && [ "${persons:-0}" -gt 0 ] && [ "${animals:-0}" -gt 0 ] \
  && ! grep -q 'UnsatisfiedLinkError' "$work/run.log"
check run $? "exit $rc; see the log above"

figure "arm64 check took $((SECONDS - t0)) s in all"
exit "$failed"
