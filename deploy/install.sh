#!/usr/bin/env bash
# Installs vigil as a service on the releases below (64-bit only), and refuses any other in one line saying why:
#   release                                   Java 25 from
#   Debian 13 trixie, Raspberry Pi OS (trixie)  openjdk-25-jre-headless, the distribution's own package
#   Debian 12 bookworm, Raspberry Pi OS (bookworm),
#   Ubuntu 22.04 and 24.04, JetPack 6 (22.04)  temurin-25-jre from the Adoptium (Eclipse Temurin) apt repository
#                                             (openjdk-25-jre-headless instead where the release's archive has it)
# vigil's natives (FFmpeg, OpenCV, TensorFlow Lite) need glibc 2.35: JetPack 5 (Ubuntu 20.04, glibc 2.31), Ubuntu
# 20.04 and Debian 11 cannot load them. Steps:
#   1. checks the OS release, the architecture (arm64 or amd64) and the C library,
#   2. installs a Java 25 runtime when there is none (the package of the table above),
#   3. installs the vigil .deb of this architecture with apt (its native libraries come as its dependencies),
#   4. enables and starts the service, and prints `vigil doctor` as the service user sees the machine.
#
#   sudo deploy/install.sh [--deb FILE] [--no-start] [--dry-run] [--check]
#
# The .deb is FILE, or vigil_*_<arch>.deb beside this script, in the current folder or in deploy/target
# (`mvn -P deb package` writes it there). --dry-run prints what would be done and changes nothing. --check only
# makes step 1 and says where Java 25 would come from (exit 0 when this machine can run vigil, 1 when not).
# A release not in the table is refused unless VIGIL_ALLOW_UNTESTED=1 (then it needs glibc 2.35 all the same).
# Tests and unusual machines may point the checks elsewhere: VIGIL_OS_RELEASE (default /etc/os-release),
# VIGIL_ARCH (default: dpkg's architecture), VIGIL_GLIBC_VERSION (default: getconf GNU_LIBC_VERSION, else ldd),
# VIGIL_DEVICE_MODEL (default /proc/device-tree/model), VIGIL_TEGRA_RELEASE (default /etc/nv_tegra_release),
# VIGIL_JVM_DIR (default /usr/lib/jvm).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deb="" dry=0 start=1 check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --deb) deb="${2:?--deb needs a file}"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    --no-start) start=0; shift ;;
    --check) check_only=1; shift ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "vigil install: $*"; }
die() { echo "vigil install: $*" >&2; exit 1; }
run() {
  if [ "$dry" -eq 1 ]; then echo "+ $*"; else "$@"; fi
}

# ---- 1. the OS release, the architecture and the C library ----
os_release="${VIGIL_OS_RELEASE:-/etc/os-release}"
[ -r "$os_release" ] || die "cannot read $os_release: not a Debian-family Linux?"
# shellcheck disable=SC1090 # os-release is shell assignments by definition
. "$os_release"
model_file="${VIGIL_DEVICE_MODEL:-/proc/device-tree/model}"
tegra_file="${VIGIL_TEGRA_RELEASE:-/etc/nv_tegra_release}"
model=""; [ -r "$model_file" ] && model="$(tr -d '\0' < "$model_file")"
arch="${VIGIL_ARCH:-$(dpkg --print-architecture 2>/dev/null || uname -m)}"
supported="Debian 12 or 13, Raspberry Pi OS bookworm or trixie (64-bit), Ubuntu 22.04 or 24.04, or JetPack 6"

# platform: the release for messages; java_from: where its Java 25 comes from (empty: a release vigil is not tested on);
# upgrade: what to install instead.
platform="" java_from="" upgrade="$supported"
case "${ID:-}:${ID_LIKE:-}" in
  raspbian:*|debian:*)
    if [[ "$model" == Raspberry\ Pi* ]]; then
      platform="Raspberry Pi OS ${VERSION_ID:-?} (${VERSION_CODENAME:-?}) on a $model"
      upgrade="the 64-bit Raspberry Pi OS (trixie or bookworm)"
    else
      platform="Debian ${VERSION_ID:-?} (${VERSION_CODENAME:-?})"
      upgrade="Debian 13 (trixie) or 12 (bookworm)"
    fi
    case "${VERSION_CODENAME:-}" in
      trixie) java_from=distribution ;;
      bookworm) java_from=adoptium ;;
    esac ;;
  ubuntu:*|*:*ubuntu*)
    if [ -r "$tegra_file" ]; then
      l4t="$(sed -n 's/^# R\([0-9]*\) (release), REVISION: \([0-9.]*\).*/R\1.\2/p' "$tegra_file" | head -n1)"
      platform="JetPack (L4T ${l4t:-?}) on Ubuntu ${VERSION_ID:-?}${model:+ on a $model}"
      upgrade="JetPack 6 (L4T R36, Ubuntu 22.04)"
      [ "${VERSION_ID:-}" = 22.04 ] && java_from=adoptium
    else
      platform="Ubuntu ${VERSION_ID:-?} (${VERSION_CODENAME:-?})"
      upgrade="Ubuntu 24.04 or 22.04"
      case "${VERSION_ID:-}" in 22.04|24.04) java_from=adoptium ;; esac
    fi ;;
  *) die "${PRETTY_NAME:-this OS} is not supported: vigil installs on $supported" ;;
esac
case "$arch" in
  arm64|aarch64) arch=arm64 ;;
  amd64|x86_64) arch=amd64 ;;
  armhf|armel|armv7l|armv6l)
    die "$platform is a 32-bit system ($arch); vigil's TensorFlow Lite and OpenCV natives are arm64 or amd64: install the 64-bit Raspberry Pi OS" ;;
  *) die "architecture $arch is not supported (arm64 or amd64)" ;;
esac
glibc_version() {
  local v
  v="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
  [ -n "$v" ] || v="$(ldd --version 2>/dev/null | awk 'NR == 1 {print $NF}')"
  echo "${v:-0}"
}
glibc="${VIGIL_GLIBC_VERSION:-$(glibc_version)}"
# The newest symbol version the bundled natives ask for (objdump -T on every .so of the jars, both architectures).
glibc_min=2.35
if [ "$(printf '%s\n' "$glibc_min" "$glibc" | sort -V | head -n1)" != "$glibc_min" ]; then
  die "$platform has glibc $glibc; vigil's natives (FFmpeg, OpenCV, TensorFlow Lite) need glibc $glibc_min or newer: install $upgrade"
fi
if [ -z "$java_from" ]; then
  [ "${VIGIL_ALLOW_UNTESTED:-0}" = 1 ] || die "$platform is not a release vigil supports: install $supported (or rerun with VIGIL_ALLOW_UNTESTED=1 to try it anyway)"
  java_from=any
fi
say "$platform, $arch, glibc $glibc"
case "$java_from" in
  distribution) say "Java 25: openjdk-25-jre-headless from the distribution" ;;
  adoptium) say "Java 25: temurin-25-jre from the Adoptium (Eclipse Temurin) apt repository, or openjdk-25-jre-headless where this release's archive has it" ;;
  any) say "Java 25: openjdk-25-jre-headless where the archive has it, else temurin-25-jre from the Adoptium (Eclipse Temurin) apt repository (an untested release)" ;;
esac
[ "$check_only" -eq 0 ] || exit 0
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
# Where Java 25 comes from is decided in step 1 (java_from). Adoptium's repository is added only when
# VIGIL_TEMURIN_APT gives its URL (Adoptium's Linux installation page names it), as a source signed by its key only.
install_java() {
  if [ "$java_from" = distribution ]; then
    apt_has openjdk-25-jre-headless || die "openjdk-25-jre-headless is not in the apt sources of $platform: check them (apt-get update) and rerun"
    say "installing openjdk-25-jre-headless from the distribution"
    run apt-get install -y --no-install-recommends openjdk-25-jre-headless
  elif apt_has openjdk-25-jre-headless; then
    say "installing openjdk-25-jre-headless from this release's archive"
    run apt-get install -y --no-install-recommends openjdk-25-jre-headless
  elif apt_has temurin-25-jre; then
    say "installing temurin-25-jre from the Adoptium (Eclipse Temurin) apt repository"
    run apt-get install -y --no-install-recommends temurin-25-jre
  elif [ -n "${VIGIL_TEMURIN_APT:-}" ]; then
    say "adding the Adoptium (Eclipse Temurin) apt repository $VIGIL_TEMURIN_APT for temurin-25-jre"
    run install -d -m 0755 /etc/apt/keyrings
    if [ "$dry" -eq 1 ]; then echo "+ curl -fsSL $VIGIL_TEMURIN_APT/api/gpg/key/public | gpg --dearmor -o /etc/apt/keyrings/adoptium.gpg"
    else curl -fsSL "$VIGIL_TEMURIN_APT/api/gpg/key/public" | gpg --dearmor --yes -o /etc/apt/keyrings/adoptium.gpg; fi
    if [ "$dry" -eq 1 ]; then echo "+ write /etc/apt/sources.list.d/adoptium.list"
    else echo "deb [signed-by=/etc/apt/keyrings/adoptium.gpg] $VIGIL_TEMURIN_APT/deb ${VERSION_CODENAME:?} main" > /etc/apt/sources.list.d/adoptium.list; fi
    run apt-get update
    run apt-get install -y --no-install-recommends temurin-25-jre
  else
    die "$platform has no Java 25 package: add the Adoptium (Eclipse Temurin) apt repository (its Linux installation instructions give the source line and key) and rerun, or rerun with VIGIL_TEMURIN_APT=<that repository's URL>"
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
  # The package's other dependencies (the libraries its natives link against) come from apt all the same.
  say "Java 25 at $(find_java || echo '?') is not a package; installing without the Java dependency"
  others="$(dpkg-deb --field "$deb" Depends | tr ',' '\n' | grep -v 'jre' | paste -sd, -)"
  run apt-get satisfy -y --no-install-recommends "$others"
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
