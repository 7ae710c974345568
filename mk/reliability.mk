# Reliability tests (tests/alloc/, tests/e2e/alloc.sh, kill.sh, io_faults.sh):
# mm-faults runs the command line in-process (io/cli.c with main renamed)
# under injected allocation failures and SIGKILL. The link wraps the
# allocation functions for every object, libmentormatch.a's included, and
# the clock, so that the outputs of a run are the same bytes every time.

FAULTS_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
               -Wl,--wrap=time,--wrap=clock_gettime

$(BUILD)/tests/alloc/cli_main.o: io/cli.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Dmain=mm_cli_main -Wno-missing-prototypes -MMD -MP -c -o $@ $<

$(BUILD)/tests/mm-faults: $(BUILD)/tests/alloc/faults.o $(BUILD)/tests/alloc/cli_main.o \
                          $(BUILD)/libmentormatch.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(FAULTS_WRAP) -o $@ $^ $(LDLIBS)

TEST_EXTRA += $(BUILD)/tests/mm-faults

-include $(BUILD)/tests/alloc/faults.d $(BUILD)/tests/alloc/cli_main.d
