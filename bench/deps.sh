#!/bin/sh
# deps.sh - what `make bench` needs beyond `make deps`: LEMON's headers
# (Debian's liblemon-dev) for mm-lemon-solve, g++, and GNU time for the
# peak memory of each process. Installs them with
# apt-get when root; otherwise prints the command to run. Never called by
# `make deps` or `make test`: the engine does not use LEMON.
set -u
missing=""
[ -e /usr/include/lemon/network_simplex.h ] || missing="$missing liblemon-dev"
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
[ -x /usr/bin/time ] || missing="$missing time"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || { echo "bench: apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2 ||
        { echo "bench: apt-get install failed" >&2; exit 1; }
    exit 0
fi
echo "bench: missing:$missing" >&2
echo "bench: install them with: sudo apt-get install$missing" >&2
exit 1
