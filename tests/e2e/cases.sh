#!/bin/sh
# cases.sh - runs every importer case of tests/cases/ through the real binary.
#
# Layout: tests/cases/_base/ is a small valid company. A case tests/cases/NAME/
# holds only what differs from _base; its work folder is a copy of _base with
# the case's files copied over it. Besides input files a case may hold:
#   expect       (required) line 1: the exit status. Then, one per line:
#                  TEXT    some line of stderr starts with TEXT
#                  !TEXT   no line of stderr contains TEXT
#                  =base   (exit 0 only) the imported snapshot is row for row
#                          the one _base imports to (the inputs' digest aside)
#   delete       base files to remove, one name a line
#   mapping.json passed as --mapping
#   mapping      instead of mapping.json: the path, from the repository root,
#                of a shipped mapping to pass (data/mappings/workday.json)
#   input        the input to give instead of the work folder, relative to it
#                (a JSON document, or a path that does not exist)
#   generate     big inputs built here rather than committed, one a line:
#                  FILE|PREFIX|UNIT|COUNT|SUFFIX
#                appends PREFIX, UNIT repeated COUNT times, SUFFIX and LF to FILE
# KNOWN_FAILURES lists cases (NAME reason...) that show a bug not fixed yet:
# they are run and reported, but do not fail the run.
#
# For every case: `validate` gives the expected status and lines; stdout and
# stderr never hold a name or email of _base (logs name people by id); a case
# that succeeds prints no error line. Then `import --db` into a store that
# holds the imported _base gives the same status, and leaves the store exactly
# as it was when the case fails, or holds the case's snapshot when it succeeds.
#
# Environment: MM_BIN (default bin/mentormatch), TMPDIR. Exits non-zero on any
# failure not listed in KNOWN_FAILURES.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cases=$root/tests/cases
base=$cases/_base
bin=${MM_BIN:-bin/mentormatch}
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
    echo "cases.sh: no binary at $bin (build it with make)"
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mm-cases.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' 0
trap 'exit 130' INT TERM

# ---- helpers ----------------------------------------------------------------

# dump DB: every table of the store, tables by name, rows sorted (the sqlite3
# shell, else python3's sqlite3 module).
# nometa DUMP: the dump without the meta table (where the inputs' digest is).
if command -v sqlite3 >/dev/null 2>&1; then
    dump() {
        sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name" |
            while IFS= read -r t; do
                echo "SELECT 'table $t';"
                echo "SELECT '$t', * FROM \"$t\";"
            done | sqlite3 -separator '|' -nullvalue '<NULL>' "$1" | LC_ALL=C sort
    }
else
    py=
    for p in /usr/bin/python3 python3; do
        if "$p" -c 'import sqlite3' 2>/dev/null; then
            py=$p
            break
        fi
    done
    if [ -z "$py" ]; then
        echo "cases.sh: neither the sqlite3 shell nor python3 with sqlite3: cannot read the store"
        exit 1
    fi
    dump() {
        "$py" - "$1" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
names = [r[0] for r in db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
for t in names:
    rows = sorted(repr(r) for r in db.execute('SELECT * FROM "%s"' % t))
    print("table " + t)
    for r in rows:
        print(t + "|" + r)
EOF
    }
fi
nometa() {
    grep -v -e '^meta|' -e '^table meta$' "$1"
}

# has_prefix FILE TEXT: some line of FILE starts with TEXT.
has_prefix() {
    P=$2 awk 'BEGIN { p = ENVIRON["P"] } index($0, p) == 1 { f = 1 } END { exit !f }' "$1"
}

# has_text FILE TEXT: some line of FILE contains TEXT.
has_text() {
    P=$2 awk 'BEGIN { p = ENVIRON["P"] } index($0, p) > 0 { f = 1 } END { exit !f }' "$1"
}

# error_lines FILE: the lines of FILE that are neither warnings nor counts of them.
error_lines() {
    grep -v -e '^mentormatch: .*warning: ' -e 'more warnings not shown' "$1"
}

# The people of _base, by name and email: never in any output.
people=$tmp/people
awk -F, 'NR > 1 { print $2; if ($7 != "") print $7 }' "$base/employees.csv" >"$people"
if ! grep -q 'Canary Zebrafish' "$people" || ! grep -q 'canary@example.invalid' "$people"; then
    echo "cases.sh: _base/employees.csv lost its canary (Canary Zebrafish, canary@example.invalid)"
    exit 1
fi

known=$cases/KNOWN_FAILURES
is_known() {
    [ -f "$known" ] && grep -v '^#' "$known" | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }'
}

# prepare NAME DIR: DIR/in is _base with the case on top; sets input and map.
prepare() {
    src=$cases/$1
    mkdir -p "$2/in" || return 1
    cp -R "$base/." "$2/in/" || return 1
    for f in "$src"/* "$src"/.[!.]*; do
        [ -e "$f" ] || continue
        n=$(basename "$f")
        case $n in
        expect | delete | input | generate | mapping | mapping.json) ;;
        *) cp -R "$f" "$2/in/" || return 1 ;;
        esac
    done
    if [ -f "$src/delete" ]; then
        while IFS= read -r n || [ -n "$n" ]; do
            [ -n "$n" ] && rm -rf "$2/in/$n"
        done <"$src/delete"
    fi
    if [ -f "$src/generate" ]; then
        awk -F'|' -v dir="$2/in" '
            NF >= 5 {
                s = ""; u = $3; n = $4 + 0
                while (n > 0) { if (n % 2) s = s u; u = u u; n = int(n / 2) }
                printf "%s%s%s\n", $2, s, $5 >> (dir "/" $1)
            }' "$src/generate" || return 1
    fi
    input=in
    if [ -f "$src/input" ]; then
        input=in/$(head -n 1 "$src/input")
    fi
    map=
    if [ -f "$src/mapping.json" ]; then
        cp "$src/mapping.json" "$2/mapping.json" || return 1
        map=mapping.json
    elif [ -f "$src/mapping" ]; then
        cp "$root/$(head -n 1 "$src/mapping")" "$2/mapping.json" || return 1
        map=mapping.json
    fi
}

# run_mm DIR OUT ERR ARGS...: runs the binary in DIR; prints its status.
run_mm() {
    d=$1 o=$2 e=$3
    shift 3
    if [ -n "$map" ]; then
        (cd "$d" && "$bin" "$@" --mapping "$map" >"$o" 2>"$e")
    else
        (cd "$d" && "$bin" "$@" >"$o" 2>"$e")
    fi
    echo $?
}

# ---- the base store ---------------------------------------------------------

mkdir -p "$tmp/_base"
map=
cp -R "$base" "$tmp/_base/in"
st=$(run_mm "$tmp/_base" "$tmp/_base/out" "$tmp/_base/err" validate in)
leak=$(cat "$tmp/_base/out" "$tmp/_base/err" | grep -a -F -o -f "$people" | head -n 1)
if [ "$st" != 0 ] || [ -s "$tmp/_base/err" ] || [ -n "$leak" ]; then
    echo "FAIL _base: validate exits $st; it must pass with nothing on stderr and name nobody"
    cat "$tmp/_base/err"
    exit 1
fi
st=$(run_mm "$tmp/_base" "$tmp/_base/out" "$tmp/_base/err" import in --db "$tmp/base.db")
if [ "$st" != 0 ]; then
    echo "FAIL _base: import exits $st"
    cat "$tmp/_base/err"
    exit 1
fi
dump "$tmp/base.db" >"$tmp/base.dump"
nometa "$tmp/base.dump" >"$tmp/base.nometa"
if ! grep -q '^employees|' "$tmp/base.dump"; then
    echo "FAIL _base: the store holds no employees after import"
    exit 1
fi

# ---- the cases --------------------------------------------------------------

pass=0 failed=0 xfail=0 xpass=0
failures=
for c in "$cases"/*/; do
    name=$(basename "$c")
    [ "$name" = _base ] && continue
    w=$tmp/$name
    why=
    if [ ! -f "$c/expect" ]; then
        why="no expect file"
    elif ! prepare "$name" "$w"; then
        why="cannot prepare the work folder"
    fi
    if [ -z "$why" ]; then
        want=$(head -n 1 "$c/expect")
        # validate
        got=$(run_mm "$w" "$w/out" "$w/err" validate "$input")
        [ "$got" = "$want" ] || why="$why; validate exits $got, expected $want"
        tail -n +2 "$c/expect" >"$w/lines"
        while IFS= read -r l || [ -n "$l" ]; do
            case $l in
            '') ;;
            =base) ;;
            !*)
                if has_text "$w/err" "${l#!}"; then
                    why="$why; stderr holds \"${l#!}\""
                fi
                ;;
            *)
                if ! has_prefix "$w/err" "$l"; then
                    why="$why; no stderr line starts with \"$l\""
                fi
                ;;
            esac
        done <"$w/lines"
        if [ "$want" = 0 ] && [ -n "$(error_lines "$w/err")" ]; then
            why="$why; error lines in stderr"
        fi
        leak=$(cat "$w/out" "$w/err" | grep -a -F -o -f "$people" | head -n 1)
        if [ -n "$leak" ]; then
            why="$why; the output names a person (\"$leak\")"
        fi
        # import into a store holding _base
        cp "$tmp/base.db" "$w/store.db"
        got=$(run_mm "$w" "$w/iout" "$w/ierr" import "$input" --db "$w/store.db")
        [ "$got" = "$want" ] || why="$why; import exits $got, expected $want"
        if ! cmp -s "$w/err" "$w/ierr"; then
            why="$why; import and validate report differently"
        fi
        dump "$w/store.db" >"$w/store.dump"
        if [ "$got" != 0 ]; then
            if ! cmp -s "$tmp/base.dump" "$w/store.dump"; then
                why="$why; a failed import changed the store"
            fi
        else
            nometa "$w/store.dump" >"$w/store.nometa"
            sha_base=$(grep "^meta|.*inputs_sha256" "$tmp/base.dump")
            sha_case=$(grep "^meta|.*inputs_sha256" "$w/store.dump")
            if [ -z "$sha_case" ] || [ "$sha_case" = "$sha_base" ]; then
                why="$why; the import did not replace the snapshot's digest"
            fi
            if ! grep -q '^employees|' "$w/store.dump"; then
                why="$why; the store holds no employees after the import"
            fi
            if grep -qx '=base' "$w/lines" && ! cmp -s "$tmp/base.nometa" "$w/store.nometa"; then
                why="$why; the snapshot differs from _base's:"
                why="$why $(diff "$tmp/base.nometa" "$w/store.nometa" | head -n 6 | tr '\n' ' ')"
            fi
        fi
    fi
    why=${why#; }
    if [ -z "$why" ]; then
        if is_known "$name"; then
            echo "XPASS $name (listed in KNOWN_FAILURES but passes: remove it from the list)"
            xpass=$((xpass + 1))
        else
            echo "ok    $name"
        fi
        pass=$((pass + 1))
    elif is_known "$name"; then
        echo "KNOWN $name: $why"
        xfail=$((xfail + 1))
    else
        echo "FAIL  $name: $why"
        echo "      stderr of validate:"
        cat -v "$w/err" 2>/dev/null | head -n 20 | sed 's/^/        /'
        failed=$((failed + 1))
        failures="$failures $name"
    fi
    [ -n "$why" ] || rm -rf "$w"
done

if [ -f "$known" ]; then
    for n in $(grep -v '^#' "$known" | awk 'NF && $1 !~ /^unit:/ { print $1 }'); do
        [ -d "$cases/$n" ] || echo "note: KNOWN_FAILURES lists $n, which is no case"
    done
fi
echo "cases: $pass passed, $failed failed, $xfail known failures, $xpass unexpectedly passing"
[ $failed -eq 0 ] || echo "failed:$failures"
[ $failed -eq 0 ]
