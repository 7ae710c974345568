# mentormatch - build, run, test.
#   make          bin/mentormatch (engine/ and io/ as build/libmentormatch.a) and bin/mm-gen
#   make run      installs what is missing, builds, runs the quarter of data/samples/acme
#   make test     installs what is missing, builds, runs every test
#   make check    the same tests on an ASan + UBSan build
#   make deps     finds (and as root installs) the libraries
#   make clean

CC      ?= cc
CSTD    := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT     ?= -O2 -g
PKGS    := sqlite3 libcjson libical nettle libzstd
CFLAGS  += $(CSTD) $(WARN) $(OPT) -fopenmp -Iinclude -Iengine -Iio \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lglpk -lcsv -lm
LDFLAGS += -fopenmp

BUILD   ?= build
BIN     ?= bin
SAMPLE  := data/samples/acme

LIB_SRC := $(sort $(wildcard engine/*.c) $(filter-out io/cli.c,$(wildcard io/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test check deps clean bench
.SECONDARY:
all: $(BIN)/mentormatch $(BIN)/mm-gen

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libmentormatch.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/mentormatch: $(BUILD)/io/cli.o $(BUILD)/libmentormatch.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/mm-gen: $(BUILD)/bench/gen.o
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ -lm

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libmentormatch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

deps:
	@sh build-aux/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@rm -rf out/acme
	$(BIN)/mentormatch run $(SAMPLE) --config $(SAMPLE)/config.json --out out/acme

test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(TEST_EXTRA)
	@sh tests/run.sh $(BUILD) $(BIN)

check: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin \
	    OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fopenmp -fsanitize=address,undefined" test

clean:
	rm -rf build build-asan bin out

# Further targets (bench, fuzz, coverage, reliability tests), one file each;
# a file may add binaries that `make test` builds to TEST_EXTRA.
include $(sort $(wildcard mk/*.mk))

-include $(LIB_OBJ:.o=.d) $(BUILD)/io/cli.d $(BUILD)/bench/gen.d $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
