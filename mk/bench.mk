# mk/bench.mk - the benchmark of issue 5 (bench/README.md).
#   make bench    builds bin/mentormatch, bin/mm-gen and the two solver
#                 harnesses, then runs bench/run.sh: the quarterly job per
#                 company size, our solve against LEMON, GLPK and greedy on
#                 the dumped graphs; writes bench/results/ and bench/REPORT.md.
# LEMON (liblemon-dev) is for the benchmark only: bench/deps.sh installs it
# here, never `make deps`; `make test` builds mm-graph-solve (C, no LEMON) so
# that it keeps up with engine/solve.h, and nothing that needs LEMON.

# LEMON's SmartDigraph trips GCC 12's maybe-uninitialized inside std::vector
# (a false positive in its headers, not in ours).
BENCH_CXXFLAGS := -std=c++14 -Wall -Wextra -Werror -Wshadow -Wno-maybe-uninitialized \
                  $(OPT) -Ibench

$(BIN)/mm-graph-solve: $(BUILD)/bench/graph_solve.o $(BUILD)/bench/graph.o $(BUILD)/libmentormatch.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bench/lemon_solve.o: bench/lemon_solve.cc
	@mkdir -p $(dir $@)
	$(CXX) $(BENCH_CXXFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/mm-lemon-solve: $(BUILD)/bench/lemon_solve.o $(BUILD)/bench/graph.o
	@mkdir -p $(BIN)
	$(CXX) -o $@ $^

TEST_EXTRA += $(BIN)/mm-graph-solve

bench: deps
	@sh bench/deps.sh
	@$(MAKE) --no-print-directory $(BIN)/mentormatch $(BIN)/mm-gen \
	    $(BIN)/mm-graph-solve $(BIN)/mm-lemon-solve
	@sh bench/run.sh $(BIN)

-include $(BUILD)/bench/graph_solve.d $(BUILD)/bench/graph.d $(BUILD)/bench/lemon_solve.d
