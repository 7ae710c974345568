# mk/score-bench.mk - the scoring phase alone (bench/score_bench.c):
#   make bin/mm-score-bench, then bin/mm-score-bench DB CONFIG THREADS [REPEATS [PRICED]]
# times the reference week and score_track_kept of each track on a stored
# company and prints a digest of the output, which must not depend on THREADS.
# `make test` builds it so that it keeps up with engine/score.h.

$(BIN)/mm-score-bench: $(BUILD)/bench/score_bench.o $(BUILD)/libmentormatch.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

TEST_EXTRA += $(BIN)/mm-score-bench

-include $(BUILD)/bench/score_bench.d
