#!/bin/sh
# Build mediasoup's C++ worker against Debian's libraries, offline.
#
# mediasoup's own install script downloads a prebuilt worker from GitHub and, failing
# that, builds with meson subprojects fetched from GitHub and wrapdb: neither is reachable
# on our machines. package.json blocks that script ("allowScripts") and runs this one
# from postinstall instead. The shims in scripts/mediasoup-shims/<minor>/ replace each
# download-only subproject with Debian's library (see the shims' comments).
#
# Patches in scripts/mediasoup-patches/<minor>/ fix worker bugs that only show with
# Debian's libraries (see each patch's comment).
#
# Cache: the binary is kept in $ARGUS_CACHE_DIR (default ~/.cache/argus) keyed by
# mediasoup version + OS + architecture + a digest of the shims and patches, so a second install, or CI in a fresh clone on
# the same machine, copies it in ~1 s instead of compiling for ~7 min on 2 cores.
# Result: node_modules/mediasoup/worker/out/Release/mediasoup-worker (mediasoup's default lookup).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MS_DIR=$(node -p "require('path').resolve(require.resolve('mediasoup'), '../../..')")
MS_VER=$(node -p "require(process.argv[1]).version" "$MS_DIR/package.json")
MINOR=$(echo "$MS_VER" | cut -d. -f1,2)
SHIMS="$HERE/mediasoup-shims/$MINOR"
PATCHES="$HERE/mediasoup-patches/$MINOR"
[ -d "$SHIMS" ] || { echo "build-mediasoup-worker: no Debian shims for mediasoup $MS_VER (scripts/mediasoup-shims/$MINOR)" >&2; exit 1; }
OS_ID=$( (. /etc/os-release && echo "${ID}${VERSION_ID:-}") 2>/dev/null || uname -s)
RECIPE=$(find "$SHIMS" "$PATCHES" -type f 2>/dev/null | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
KEY="mediasoup-worker-$MS_VER-$OS_ID-$(uname -m)-$RECIPE"
CACHE_DIR="${ARGUS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/argus}"
CACHED="$CACHE_DIR/$KEY"
OUT_BIN="$MS_DIR/worker/out/Release/mediasoup-worker"

if [ -x "$CACHED" ]; then
  mkdir -p "$(dirname "$OUT_BIN")"
  # Copy then rename: a worker may be running the old binary ("text file busy").
  cp "$CACHED" "$OUT_BIN.tmp" && mv -f "$OUT_BIN.tmp" "$OUT_BIN"
  echo "mediasoup-worker $MS_VER: from cache $CACHED"
  exit 0
fi

echo "mediasoup-worker $MS_VER: building against Debian libraries (several minutes on 2 cores)"
# meson >= 1.1 is required; Debian bookworm has 1.0.1, so take it from pip into a private dir.
TOOLS="$CACHE_DIR/meson-pip"
[ -x "$TOOLS/bin/meson" ] || python3 -m pip install -q --no-user --target "$TOOLS" 'meson>=1.1'
export PYTHONPATH="$TOOLS${PYTHONPATH:+:$PYTHONPATH}"

rm -f "$MS_DIR"/worker/subprojects/*.wrap
cp -r "$SHIMS"/. "$MS_DIR/worker/subprojects/"
for patch_file in "$PATCHES"/*.patch; do
  [ -f "$patch_file" ] || continue
  if patch -p1 -R --dry-run -s -d "$MS_DIR" < "$patch_file" >/dev/null 2>&1; then
    echo "  $(basename "$patch_file"): already applied"
  else
    patch -p1 --forward -s -d "$MS_DIR" < "$patch_file"
    echo "  $(basename "$patch_file"): applied"
  fi
done
BUILD=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
"$TOOLS/bin/meson" setup --buildtype release -Db_ndebug=true ${MESON_ARGS:-} "$BUILD" "$MS_DIR/worker"
# The FlatBuffers headers must exist before any C++ compiles.
"$TOOLS/bin/meson" compile -C "$BUILD" flatbuffers-generator
"$TOOLS/bin/meson" compile -C "$BUILD" mediasoup-worker
mkdir -p "$(dirname "$OUT_BIN")" "$CACHE_DIR"
install -m 755 "$BUILD/mediasoup-worker" "$OUT_BIN.tmp" && mv -f "$OUT_BIN.tmp" "$OUT_BIN"
install -m 755 "$BUILD/mediasoup-worker" "$CACHED.tmp" && mv "$CACHED.tmp" "$CACHED"
echo "mediasoup-worker $MS_VER: built, cached at $CACHED"
