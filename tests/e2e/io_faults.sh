#!/bin/sh
# I/O faults, as root too (chmod does not stop root): an output folder that
# cannot be created (a path through a regular file) exits 73, a file size
# limit reached midway (ulimit -f) exits 74, an unreadable input (a symlink
# loop, a folder where a file should be) exits 66; each with a message, and
# the store and the outputs already there are as they were.
set -eu
bin=${MM_BIN:-bin/mentormatch}
gen=${MM_GEN:-bin/mm-gen}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$gen" --employees 60 --seed 4 --start 2027-03-01 --out "$tmp/co" >/dev/null
cfg="$tmp/co/config.json"
db="$tmp/q.db"
"$bin" run "$tmp/co" --config "$cfg" --db "$db" --out "$tmp/out" --quiet 2>/dev/null

# the state that must survive: the store's content and the outputs' bytes
state() {
    python3 - "$db" "$tmp/out" <<'PY'
import hashlib, os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
for line in c.iterdump():
    print(line)
for f in sorted(os.listdir(sys.argv[2])):
    print(f, hashlib.sha256(open(os.path.join(sys.argv[2], f), "rb").read()).hexdigest())
PY
}
state >"$tmp/before"

# expect CODE TEXT CMD...: CMD exits CODE with TEXT on stderr, nothing lost
expect() {
    code=$1 text=$2
    shift 2
    set +e
    "$@" >/dev/null 2>"$tmp/err"
    got=$?
    set -e
    if [ "$got" -ne "$code" ] || ! grep -q "$text" "$tmp/err"; then
        echo "FAIL: $*: exit $got (expected $code), stderr:"
        cat "$tmp/err"
        exit 1
    fi
    state >"$tmp/after"
    if ! cmp -s "$tmp/before" "$tmp/after"; then
        echo "FAIL: $*: the store or the outputs changed"
        diff "$tmp/before" "$tmp/after" | head -n 10
        exit 1
    fi
    ls "$tmp/out" | grep -q '\.tmp\.' && { echo "FAIL: $*: a temporary file is left"; exit 1; }
    echo "ok: exit $got: $(head -n 1 "$tmp/err")"
}

# an output folder that cannot be created: a path through a regular file
: >"$tmp/plain"
expect 73 "cannot create the output folder" "$bin" match --db "$db" --config "$cfg" --out "$tmp/plain/out"
expect 73 "cannot create the output folder" "$bin" run "$tmp/co" --config "$cfg" --db "$db" --out "$tmp/plain/out"
expect 73 "cannot create the output folder" "$bin" report --db "$db" --run 1 --out "$tmp/plain/out"
expect 73 "cannot create the output folder" "$bin" diff --db "$db" --run 1 --run 1 --out "$tmp/plain/out"

# a file size limit reached midway: the files are written in full before any
# replaces its old version, so the old outputs stay (SIGXFSZ is ignored)
size=$(wc -c <"$tmp/out/report.json")
blocks=$((size / 512 - 4))
expect 74 "File too large" sh -c "ulimit -f $blocks; exec \"\$0\" report --db \"\$1\" --run 1 --out \"\$2\"" "$bin" "$db" "$tmp/out"
# the store written under the limit: the transaction rolls back
expect 74 "" sh -c "ulimit -f 8; exec \"\$0\" run \"\$1\" --config \"\$2\" --db \"\$3\" --out \"\$4\"" "$bin" "$tmp/co" "$cfg" "$db" "$tmp/out"

# unreadable inputs: a symlink loop, a folder in place of a file
cp -r "$tmp/co" "$tmp/loop"
rm "$tmp/loop/skills.csv"
ln -s skills.csv "$tmp/loop/skills.csv"
expect 66 "skills.csv" "$bin" run "$tmp/loop" --config "$cfg" --db "$db" --out "$tmp/out"
cp -r "$tmp/co" "$tmp/dir"
rm "$tmp/dir/goals.csv"
mkdir "$tmp/dir/goals.csv"
expect 66 "goals.csv" "$bin" import "$tmp/dir" --db "$db"
expect 66 "config" "$bin" match --db "$db" --config "$tmp/dir" --out "$tmp/out"
ln -s loop.json "$tmp/loop.json"
expect 66 "loop.json" "$bin" match --db "$db" --config "$tmp/loop.json" --out "$tmp/out"
echo "io_faults: ok"
