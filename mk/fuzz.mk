# fuzz.mk - libFuzzer targets for the parsers (tests/fuzz/).
#   make fuzz            builds them with clang into build-fuzz/ and runs each for
#                        FUZZ_SECONDS (default 60) over its seed corpus and dictionary;
#                        new corpus entries go to FUZZ_SCRATCH, never into the repository.
#                        A crash, leak or timeout leaves its reproducer in
#                        tests/fuzz/crashes/TARGET/ (a regression case once the bug
#                        is fixed) and fails.
#   make test            replays every corpus and crash file through each target, built
#                        with $(CC) and tests/fuzz/replay.c (no clang needed).

FUZZ_TARGETS := csv json mapping settings
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SCRATCH ?= $(FUZZ_BUILD)/corpus
FUZZ_FLAGS   ?= -timeout=10 -rss_limit_mb=2048
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

FUZZ_COMMON := $(BUILD)/tests/fuzz/fuzz_base.o $(BUILD)/libmentormatch.a

TEST_EXTRA += $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

.PHONY: fuzz fuzz-build

# replay_TARGET: the target's LLVMFuzzerTestOneInput under replay.c's main.
$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(FUZZ_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# fuzz_TARGET: the same under libFuzzer's main (LDFLAGS must carry -fsanitize=fuzzer).
$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build:
	@mkdir -p $(FUZZ_BUILD) && echo '*' >$(FUZZ_BUILD)/.gitignore
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) BIN=$(FUZZ_BUILD)/bin CC=$(FUZZ_CC) \
	    OPT="-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    LDFLAGS="-fopenmp $(FUZZ_SAN) -fsanitize=fuzzer" \
	    $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz_%)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_SCRATCH)/$$t tests/fuzz/crashes/$$t || exit 1; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        -dict=tests/fuzz/$$t.dict -artifact_prefix=tests/fuzz/crashes/$$t/ $(FUZZ_FLAGS) \
	        $(FUZZ_SCRATCH)/$$t tests/fuzz/corpus/$$t || { \
	        echo "fuzz: $$t failed; its reproducer is in tests/fuzz/crashes/$$t/:" \
	             "fix the bug and commit the file as a regression case"; exit 1; }; \
	done

-include $(wildcard $(BUILD)/tests/fuzz/*.d)
