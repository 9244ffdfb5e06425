#!/bin/sh
# Install the Debian packages listed in scripts/system-packages.txt that are missing.
# As root: apt-get update + install. Otherwise: print the exact apt-get line and fail,
# so `npm install` stops with an instruction instead of a cryptic build error later.
# Set ARGUS_SKIP_SYSTEM_SETUP=1 to skip (e.g. on a machine provisioned another way).
set -eu
[ "${ARGUS_SKIP_SYSTEM_SETUP:-0}" = "1" ] && exit 0
HERE=$(cd "$(dirname "$0")" && pwd)
PKGS=$(grep -v '^\s*#' "$HERE/system-packages.txt" | grep -v '^\s*$' | tr '\n' ' ')
command -v dpkg-query >/dev/null 2>&1 || { echo "setup-system: not a Debian system; install the equivalents of: $PKGS" >&2; exit 0; }
MISSING=""
for p in $PKGS; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in *"install ok installed"*) ;; *) MISSING="$MISSING $p" ;; esac
done
[ -z "$MISSING" ] && { echo "setup-system: all Debian packages present"; exit 0; }
LINE="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$MISSING"
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: missing Debian packages. Run as root:" >&2
  echo "  sudo sh -c '$LINE'" >&2
  exit 1
fi
echo "setup-system: installing$MISSING"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $MISSING
