#!/usr/bin/env bash
# native-needs.sh DEB: what the natives in a vigil package need from the system. Prints, one a line and sorted, each
# shared library a bundled .so links against (readelf -d, NEEDED) that no jar of the package bundles, then
# `glibc X.Y`: the newest GLIBC_ symbol version they ask for (objdump -T). Left out: the C and C++ runtimes (every
# target has them), GTK's libraries that only libopencv_highgui needs (vigil never loads highgui) and
# libopenblas_nolapack.so.0 (JavaCPP falls back to the bundled libopenblas.so.0). .ci/run compares this with the
# package's Depends (deploy/deb/ARCH.properties), so a new native dependency cannot slip in undeclared.
set -euo pipefail
deb="$(readlink -f "${1:?usage: native-needs.sh DEB}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/pkg"
for j in "$tmp"/pkg/usr/lib/vigil/lib/*.jar; do
  mkdir -p "$tmp/so/$(basename "$j" .jar)"
  unzip -qq -o "$j" '*.so' '*.so.*' -d "$tmp/so/$(basename "$j" .jar)" 2>/dev/null || true # a jar without natives
done
# Only the ELF files of this package's machine and of Linux: JNA (engine djl) bundles every OS's and machine's.
case "$(dpkg-deb --field "$deb" Architecture)" in
  arm64) machine=AArch64 ;;
  amd64) machine="Advanced Micro Devices X86-64" ;;
esac
find "$tmp/so" -type f -name '*.so*' | grep -vE '/(openbsd|freebsd|dragonflybsd|netbsd|sunos)-' | sort | while read -r f; do
  [ "$(readelf -h "$f" 2>/dev/null | sed -n 's/^ *Machine: *//p')" = "$machine" ] && echo "$f"
done > "$tmp/mine" || true
xargs -r -n1 basename < "$tmp/mine" | sort -u > "$tmp/bundled"
grep -v '/libopencv_highgui\.so' "$tmp/mine" | xargs -r -n1 readelf -d 2>/dev/null \
  | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u > "$tmp/needed"
comm -23 "$tmp/needed" "$tmp/bundled" \
  | grep -vE '^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux(-x86-64|-aarch64))\.so' \
  | grep -vx 'libopenblas_nolapack.so.0' || true
xargs -r -n1 objdump -T < "$tmp/mine" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_/glibc /' | sort -uV | tail -n1
