#!/bin/sh
# Installs the Debian packages named as arguments that are not installed
# yet.  Only as root and only with apt-get (a fresh Debian 12 machine);
# elsewhere it says what is missing and leaves the machine alone.
missing=
for pkg in "$@"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing Debian packages:$missing (install them as root)" >&2
	exit 1
fi
echo "deps: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "deps: apt-get install failed" >&2; exit 1; }
echo "deps: installed:$missing"
