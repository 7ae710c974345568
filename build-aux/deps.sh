#!/bin/sh
# deps.sh - finds the libraries mentormatch builds on; when one is missing
# and we are root, installs the Debian packages (after apt-get update);
# otherwise prints the one command to run. Called by `make deps`.
set -u

# header or file to look for, and the Debian package that provides it
checks="
/usr/include/glpk.h libglpk-dev
/usr/include/sqlite3.h libsqlite3-dev
/usr/include/cjson/cJSON.h libcjson-dev
/usr/include/libical/ical.h libical-dev
/usr/include/csv.h libcsv-dev
/usr/include/cmocka.h libcmocka-dev
/usr/include/nettle/sha2.h nettle-dev
/usr/include/zstd.h libzstd-dev
/usr/share/zoneinfo/Europe/Berlin tzdata
/usr/bin/pkg-config pkg-config
/usr/bin/python3 python3
/usr/lib/python3/dist-packages/jsonschema/__init__.py python3-jsonschema
"

missing=""
set -- $checks
while [ $# -ge 2 ]; do
    [ -e "$1" ] || missing="$missing $2"
    shift 2
done
# the C compiler itself
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mentormatch: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { echo "mentormatch: apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2 ||
        { echo "mentormatch: apt-get install failed" >&2; exit 1; }
    exit 0
fi
echo "mentormatch: missing:$missing" >&2
echo "mentormatch: install them with: sudo apt-get install$missing" >&2
exit 1
