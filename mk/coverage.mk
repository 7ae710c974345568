# coverage.mk - `make coverage`: the whole test suite on a gcov build, and
# its line and branch coverage as measured by gcovr.
#
#   make coverage   builds everything with --coverage into build-cov/ (counters
#                   updated atomically: the OpenMP scoring loop would race them
#                   into negative counts that gcovr refuses), runs
#                   what `make test` runs (tests/run.sh), writes the reports
#                   to build-cov/coverage/ and prints the summaries; fails
#                   when a branch threshold below is not met.
#
# Two scopes are measured:
#   the project       engine/ and io/ (not tests/, not bench/): COV_MIN_ALL
#   parsers+exporters COV_IO_FILES, the io/ files that turn bytes from
#                     outside into checked data (CSV, JSON documents, the
#                     configuration and mapping, feedback.csv) or data into
#                     files for others (report.json and its renderings, the
#                     diff, recognition.md, the crash-safe file writes, and
#                     the writers report.json and schedule.ics are streamed
#                     through: jsonw.c, ics.c) and the store that holds
#                     both: COV_MIN_IO
# io/cli.c and io/commands.c (argument handling and the sequencing of the
# subcommands) count in the project figure only.
#
# Branches the compiler makes that no source line owns are left out
# (--exclude-unreachable-branches, --exclude-throw-branches). By hand, only
# the test of fstat's size for < 0 (io/csv.c, io/fileio.c) is excluded, with
# a GCOVR_EXCL_BR_LINE marker on that test's own line.
#
# Reports: build-cov/coverage/index.html (every file, annotated source),
# build-cov/coverage/coverage.json (the raw data), and a text table per scope
# (all.txt, io.txt).

COV_BUILD    := build-cov
COV_DIR      := $(COV_BUILD)/coverage
COV_MIN_ALL  := 80
COV_MIN_IO   := 90
COV_IO_FILES := io/csv.c io/import.c io/settings.c io/feedback.c io/report.c \
                io/diff.c io/recognition.c io/fileio.c io/store.c io/jsonw.c io/ics.c
# e2e/kill SIGKILLs processes, one of which may die while writing its .gcda:
# gcov then reads a count it cannot parse (seen: "branch 6 taken -586"), and
# gcovr skips that one line (and says so) instead of failing the report
COV_GCOVR    := gcovr -r . --exclude-unreachable-branches --exclude-throw-branches \
                --gcov-ignore-parse-errors

.PHONY: coverage coverage-deps
coverage: coverage-deps
	@find $(COV_BUILD) -name '*.gcda' -delete 2>/dev/null; \
	rm -rf $(COV_DIR); \
	tests=0; \
	CC="$(CC) --coverage -fprofile-update=atomic" $(MAKE) --no-print-directory \
	    BUILD=$(COV_BUILD) BIN=$(COV_BUILD)/bin \
	    OPT="-O0 -g --coverage -fprofile-update=atomic" LDFLAGS="-fopenmp --coverage" test || tests=1; \
	mkdir -p $(COV_DIR) && \
	$(COV_GCOVR) -f engine/ -f io/ --json $(COV_DIR)/coverage.json \
	    $(COV_BUILD) || exit 1; \
	st=0; \
	echo "coverage: the project (engine/, io/):"; \
	$(COV_GCOVR) -a $(COV_DIR)/coverage.json -b --txt $(COV_DIR)/all.txt \
	    --html-details $(COV_DIR)/index.html --print-summary \
	    --fail-under-branch $(COV_MIN_ALL) || st=1; \
	echo "coverage: io parsers and exporters:"; \
	$(COV_GCOVR) -a $(COV_DIR)/coverage.json $(COV_IO_FILES:%=-f %) -b \
	    --txt $(COV_DIR)/io.txt --print-summary \
	    --fail-under-branch $(COV_MIN_IO) || st=1; \
	sed -n '/^File/,$$p' $(COV_DIR)/io.txt; \
	echo "coverage: reports in $(COV_DIR)/ (index.html, all.txt, io.txt)"; \
	if [ $$tests -ne 0 ]; then \
	    echo "coverage: the test suite failed, the figures are not the suite's" >&2; \
	    exit 1; \
	fi; \
	if [ $$st -ne 0 ]; then \
	    echo "coverage: below the thresholds (branches: project $(COV_MIN_ALL)%," \
	        "io parsers and exporters $(COV_MIN_IO)%)" >&2; \
	    exit 1; \
	fi

# gcovr is needed by this target only, so `make deps` does not ask for it.
coverage-deps: deps
	@command -v gcovr >/dev/null 2>&1 && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "mentormatch: installing: gcovr" >&2; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq >&2 && \
	    apt-get install -y -qq --no-install-recommends gcovr >&2 || \
	        { echo "mentormatch: apt-get install gcovr failed" >&2; exit 1; }; \
	else \
	    echo "mentormatch: missing: gcovr" >&2; \
	    echo "mentormatch: install it with: sudo apt-get install gcovr" >&2; \
	    exit 1; \
	fi
