#!/usr/bin/env bash
# install-check.sh: install.sh's decision (which release runs vigil, where its Java 25 comes from, which is refused
# and why) on fake machines: an os-release file, an architecture, a glibc version, a device model and a Jetson's
# nv_tegra_release, through install.sh --check (nothing is installed; no root needed). Prints PASS/FAIL per case;
# exit 1 if any failed. Run by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
install="$here/../install.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0

# release ID VERSION_ID CODENAME [ID_LIKE]: an os-release file, its path on stdout
release() {
  local f="$tmp/os-release-$1-$2"
  printf 'PRETTY_NAME="%s %s"\nID=%s\nVERSION_ID="%s"\nVERSION_CODENAME=%s\n%s' "$1" "$2" "$1" "$2" "$3" \
    "${4:+ID_LIKE=$4
}" > "$f"
  echo "$f"
}
printf 'Raspberry Pi 5 Model B Rev 1.0\0' > "$tmp/model-pi5"
printf 'NVIDIA Jetson Orin Nano Developer Kit\0' > "$tmp/model-orin"
echo '# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic, EABI: aarch64, DATE: Wed Jan  8 01:49:37 UTC 2025' > "$tmp/tegra-r36"
echo '# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023' > "$tmp/tegra-r35"

# case NAME EXPECTED_EXIT EXPECTED_TEXT OS_RELEASE ARCH GLIBC [MODEL [TEGRA]]: a refusal must be one line on stderr
case_() {
  local name="$1" want="$2" text="$3" rc=0 out err
  out="$tmp/out" err="$tmp/err"
  VIGIL_OS_RELEASE="$4" VIGIL_ARCH="$5" VIGIL_GLIBC_VERSION="$6" VIGIL_DEVICE_MODEL="${7:-$tmp/none}" \
    VIGIL_TEGRA_RELEASE="${8:-$tmp/none}" "$install" --check > "$out" 2> "$err" || rc=$?
  local all; all="$(cat "$out" "$err")"
  if [ "$rc" -eq "$want" ] && grep -qF -- "$text" <<< "$all" && { [ "$want" -eq 0 ] || [ "$(wc -l < "$err")" -eq 1 ]; }; then
    echo "install-check: PASS $name: $(tail -n1 "$err" 2>/dev/null | grep . || tail -n1 "$out")"
  else
    echo "install-check: FAIL $name: exit $rc (want $want), expected \"$text\" in:"; sed 's/^/  /' "$out" "$err"; failed=1
  fi
}
distro="Java 25: openjdk-25-jre-headless from the distribution"
adoptium="Java 25: temurin-25-jre from the Adoptium (Eclipse Temurin) apt repository"
case_ "Debian 13 arm64" 0 "$distro" "$(release debian 13 trixie)" arm64 2.41
case_ "Debian 13 amd64" 0 "Debian 13 (trixie), amd64, glibc 2.41" "$(release debian 13 trixie)" amd64 2.41
case_ "Raspberry Pi OS trixie" 0 "$distro" "$(release debian 13 trixie)" arm64 2.41 "$tmp/model-pi5"
case_ "Raspberry Pi OS bookworm" 0 "$adoptium" "$(release debian 12 bookworm)" arm64 2.36 "$tmp/model-pi5"
case_ "Debian 12 amd64" 0 "$adoptium" "$(release debian 12 bookworm)" amd64 2.36
case_ "Ubuntu 22.04" 0 "$adoptium" "$(release ubuntu 22.04 jammy debian)" amd64 2.35
case_ "Ubuntu 24.04" 0 "$adoptium" "$(release ubuntu 24.04 noble debian)" arm64 2.39
case_ "JetPack 6" 0 "JetPack (L4T R36.4.3) on Ubuntu 22.04" "$(release ubuntu 22.04 jammy debian)" arm64 2.35 "$tmp/model-orin" "$tmp/tegra-r36"
case_ "JetPack 5 refused" 1 "JetPack (L4T R35.4.1) on Ubuntu 20.04 on a NVIDIA Jetson Orin Nano Developer Kit has glibc 2.31; vigil's natives (FFmpeg, OpenCV, TensorFlow Lite) need glibc 2.35 or newer: install JetPack 6" \
  "$(release ubuntu 20.04 focal debian)" arm64 2.31 "$tmp/model-orin" "$tmp/tegra-r35"
case_ "Ubuntu 20.04 refused" 1 "Ubuntu 20.04 (focal) has glibc 2.31" "$(release ubuntu 20.04 focal debian)" amd64 2.31
case_ "Debian 11 refused" 1 "Debian 11 (bullseye) has glibc 2.31" "$(release debian 11 bullseye)" arm64 2.31
case_ "32-bit Raspberry Pi OS refused" 1 "is a 32-bit system (armhf)" "$(release raspbian 12 bookworm debian)" armhf 2.36 "$tmp/model-pi5"
case_ "untested release refused" 1 "Ubuntu 26.04 (resolute) is not a release vigil supports" "$(release ubuntu 26.04 resolute debian)" amd64 2.42
VIGIL_ALLOW_UNTESTED=1 case_ "untested release allowed" 0 "(an untested release)" "$(release ubuntu 26.04 resolute debian)" amd64 2.42
case_ "other OS refused" 1 "fedora 41 is not supported" "$(release fedora 41 '')" amd64 2.40
# This machine's own C library, read by install.sh (getconf or ldd): a version, not the fallback 0.
rc=0; VIGIL_OS_RELEASE="$(release debian 13 trixie)" VIGIL_ARCH=amd64 "$install" --check > "$tmp/out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] && grep -qE 'glibc 2\.[0-9]+$' "$tmp/out"; then echo "install-check: PASS this machine's glibc: $(head -n1 "$tmp/out")"
else echo "install-check: FAIL this machine's glibc: exit $rc"; cat "$tmp/out"; failed=1; fi
exit "$failed"
