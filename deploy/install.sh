#!/usr/bin/env bash
# Installs vigil as a service on Raspberry Pi OS (64-bit) or NVIDIA JetPack, and on 64-bit Debian/Ubuntu machines:
#   1. checks the OS and the architecture (arm64 or amd64; a 32-bit Raspberry Pi OS cannot run vigil's natives),
#   2. installs a Java 25 runtime when there is none (see install_java below for which package comes from where),
#   3. installs the vigil .deb of this architecture (user vigil, /etc/vigil/vigil.yaml, the systemd unit, udev rules),
#   4. enables and starts the service, and prints `vigil doctor` as the service user sees the machine.
#
#   sudo deploy/install.sh [--deb FILE] [--no-start] [--dry-run]
#
# The .deb is FILE, or vigil_*_<arch>.deb beside this script, in the current folder or in deploy/target
# (`mvn -P deb package` writes it there). --dry-run prints what would be done and changes nothing.
# Tests and unusual machines may point the checks elsewhere: VIGIL_OS_RELEASE (default /etc/os-release),
# VIGIL_ARCH (default: dpkg's architecture), VIGIL_DEVICE_MODEL (default /proc/device-tree/model),
# VIGIL_TEGRA_RELEASE (default /etc/nv_tegra_release), VIGIL_JVM_DIR (default /usr/lib/jvm).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deb="" dry=0 start=1
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="${2:?--deb needs a file}"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "vigil install: $*"; }
die() { echo "vigil install: $*" >&2; exit 1; }
run() {
  if [ "$dry" -eq 1 ]; then echo "+ $*"; else "$@"; fi
}

# ---- 1. the OS and the architecture ----
os_release="${VIGIL_OS_RELEASE:-/etc/os-release}"
[ -r "$os_release" ] || die "cannot read $os_release: not a Debian-family Linux?"
# shellcheck disable=SC1090 # os-release is shell assignments by definition
. "$os_release"
model_file="${VIGIL_DEVICE_MODEL:-/proc/device-tree/model}"
tegra_file="${VIGIL_TEGRA_RELEASE:-/etc/nv_tegra_release}"
model=""; [ -r "$model_file" ] && model="$(tr -d '\0' < "$model_file")"
arch="${VIGIL_ARCH:-$(dpkg --print-architecture 2>/dev/null || uname -m)}"

platform=""
case "${ID:-}:${ID_LIKE:-}" in
  raspbian:*|debian:*)
    if [[ "$model" == Raspberry\ Pi* ]]; then platform="Raspberry Pi OS ${VERSION_ID:-?} (${VERSION_CODENAME:-?}) on a $model"
    else platform="Debian ${VERSION_ID:-?} (${VERSION_CODENAME:-?})"; fi ;;
  ubuntu:*|*:*ubuntu*)
    if [ -r "$tegra_file" ]; then
      l4t="$(sed -n 's/^# R\([0-9]*\) (release), REVISION: \([0-9.]*\).*/R\1.\2/p' "$tegra_file" | head -n1)"
      platform="JetPack (L4T ${l4t:-?}) on Ubuntu ${VERSION_ID:-?}${model:+ on a $model}"
    else
      platform="Ubuntu ${VERSION_ID:-?} (${VERSION_CODENAME:-?})"
    fi ;;
  *) die "${PRETTY_NAME:-this OS} is not supported: vigil installs on Raspberry Pi OS, JetPack (Ubuntu) or Debian/Ubuntu" ;;
esac
case "$arch" in
  arm64|aarch64) arch=arm64 ;;
  amd64|x86_64) arch=amd64 ;;
  armhf|armel|armv7l|armv6l)
    die "$platform is a 32-bit system ($arch); vigil's TensorFlow Lite and OpenCV natives are arm64 or amd64: install the 64-bit Raspberry Pi OS" ;;
  *) die "architecture $arch is not supported (arm64 or amd64)" ;;
esac
say "$platform, $arch"
[ "$dry" -eq 1 ] || [ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0)"

# ---- 2. a Java 25 runtime ----
java_feature() { # the feature version of a java binary, from its runtime's release file, else from -version
  local home v
  home="$(dirname "$(dirname "$(readlink -f "$1")")")"
  if [ -f "$home/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
    if [ -n "$v" ]; then echo "$v"; return 0; fi
  fi
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}'
}
find_java() {
  local c f
  for c in "${VIGIL_JAVA:-}" "${VIGIL_JVM_DIR:-/usr/lib/jvm}"/*/bin/java "$(command -v java 2>/dev/null || true)"; do
    if [ -z "$c" ] || [ ! -x "$c" ]; then continue; fi
    f="$(java_feature "$c" || true)"
    if [ -n "$f" ] && [ "$f" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
apt_has() { # whether apt can install a package (it has a candidate version)
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -qv '(none)'
}
# Which package brings Java 25, by OS:
#   - Ubuntu (JetPack 6 is 22.04, JetPack 5 is 20.04) and Debian 13 / Raspberry Pi OS trixie: openjdk-25-jre-headless
#     from the distribution's own archive, where the release carries it (Ubuntu ships new OpenJDK LTS releases to
#     its supported LTS releases through -updates).
#   - Debian 12 / Raspberry Pi OS bookworm has no OpenJDK 25: Eclipse Temurin's temurin-25-jre, from Adoptium's apt
#     repository (arm64 and amd64). This script adds that repository only when VIGIL_TEMURIN_APT gives its URL
#     (Adoptium's Linux installation page names it), as a signed source limited to that key.
install_java() {
  if apt_has openjdk-25-jre-headless; then
    say "installing openjdk-25-jre-headless from the distribution"
    run apt-get install -y --no-install-recommends openjdk-25-jre-headless
  elif apt_has temurin-25-jre; then
    say "installing temurin-25-jre (Adoptium) from the configured apt sources"
    run apt-get install -y --no-install-recommends temurin-25-jre
  elif [ -n "${VIGIL_TEMURIN_APT:-}" ]; then
    say "adding Adoptium's apt repository $VIGIL_TEMURIN_APT for temurin-25-jre"
    run install -d -m 0755 /etc/apt/keyrings
    if [ "$dry" -eq 1 ]; then echo "+ curl -fsSL $VIGIL_TEMURIN_APT/api/gpg/key/public | gpg --dearmor -o /etc/apt/keyrings/adoptium.gpg"
    else curl -fsSL "$VIGIL_TEMURIN_APT/api/gpg/key/public" | gpg --dearmor --yes -o /etc/apt/keyrings/adoptium.gpg; fi
    if [ "$dry" -eq 1 ]; then echo "+ write /etc/apt/sources.list.d/adoptium.list"
    else echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] $VIGIL_TEMURIN_APT/deb ${VERSION_CODENAME:?} main" > /etc/apt/sources.list.d/adoptium.list; fi
    run apt-get update
    run apt-get install -y --no-install-recommends temurin-25-jre
  else
    die "no Java 25 runtime, and none in the apt sources of ${PRETTY_NAME:-this OS}: add Adoptium's apt repository (Temurin; see Adoptium's Linux installation instructions) and rerun, or rerun with VIGIL_TEMURIN_APT=<that repository's URL>"
  fi
}
if java="$(find_java)"; then
  say "Java $(java_feature "$java") found: $java"
else
  [ "$dry" -eq 1 ] || apt-get update
  install_java
fi

# ---- 3. the package ----
if [ -z "$deb" ]; then
  for d in "$here" "$(pwd)" "$here/target"; do
    for f in "$d"/vigil_*_"$arch".deb; do [ -f "$f" ] && deb="$f"; done
    [ -n "$deb" ] && break
  done
fi
if [ -z "$deb" ] || [ ! -f "$deb" ]; then die "no vigil_*_$arch.deb found; give --deb FILE (built with \`mvn -P deb package\` in deploy/target)"; fi
deb_arch="$(dpkg-deb --field "$deb" Architecture 2>/dev/null || echo '?')"
[ "$deb_arch" = "$arch" ] || die "$deb is for $deb_arch, this machine is $arch"
say "installing $deb"
# A Java from the distribution or Adoptium satisfies the package's dependency; one unpacked by hand (a JDK in
# /usr/lib/jvm that dpkg does not know) does not, and then only that dependency is waived.
if dpkg-query -W -f='${Status}\n' openjdk-25-jre-headless temurin-25-jre 2>/dev/null | grep -q '^install ok installed'; then
  run apt-get install -y "$(readlink -f "$deb")"
else
  say "Java 25 at $(find_java || echo '?') is not a package; installing without the Java dependency"
  run dpkg -i --ignore-depends=openjdk-25-jre-headless,temurin-25-jre "$deb"
fi

# ---- 4. the service ----
if [ "$start" -eq 1 ]; then
  run systemctl enable --now vigil.service
else
  run systemctl enable vigil.service
fi
say "config /etc/vigil/vigil.yaml (then: sudo systemctl restart vigil), logs: journalctl -u vigil -f"
say "vigil doctor, as the service user sees the machine:"
if [ "$dry" -eq 1 ]; then
  echo "+ runuser -u vigil -- /usr/bin/vigil doctor"
else
  (cd / && runuser -u vigil -- /usr/bin/vigil doctor) || say "doctor found problems above; fix them, then: sudo systemctl restart vigil"
fi
