# SPDX-License-Identifier: GPL-2.0-or-later
#
# host.mk - host unit tests (cmocka, ASan + UBSan) and libFuzzer targets.
# Included by the top Makefile. Everything builds into build/host/.
#
#   make host-test                 cmocka suites, the HV engine suites, then
#                                  a short fuzz run (HOST_FUZZ_SECONDS each)
#   make fuzz [FUZZ_SECONDS=N]     every fuzz target for N seconds (default 60)
#
# The code under test links as on the image except for the hcall seam and
# the time hooks, which come from hv/sim/ (virtual time, simulated HV).

HOST_OUT := build/host
HOST_CC ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
HOST_FUZZ_SECONDS ?= 10

HOST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -I. -D_DEFAULT_SOURCE
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# The code under test: ground floor, hcall common part, CRQ, MP engine, HV
# engine and the simulator (which supplies h_*(), tb_now() and tb_relax()).
HOST_LIB_SRCS := $(sort $(wildcard lib/*.c)) hcall/hcall_common.c drivers/crq.c \
	$(sort $(wildcard vmc/*.c)) $(sort $(wildcard hv/*.c)) $(sort $(wildcard hv/sim/*.c))
HOST_HDRS := $(wildcard lib/*.h hcall/*.h drivers/*.h vmc/*.h hv/*.h hv/sim/*.h tests/host/*.h)
HOST_SUPPORT := tests/host/harness.c
HOST_TESTS := $(sort $(wildcard tests/host/test_*.c))
HOST_FUZZERS := $(sort $(wildcard tests/host/fuzz_*.c))

HOST_TEST_BINS := $(patsubst tests/host/%.c,$(HOST_OUT)/%,$(HOST_TESTS))
HOST_FUZZ_BINS := $(patsubst tests/host/%.c,$(HOST_OUT)/%,$(HOST_FUZZERS))

# The HV engine's own suites (owned by its author).
-include tests/host/hv/hv.mk
HV_OUT := $(HOST_OUT)/hv

.PHONY: host-test host-unit fuzz fuzz-build host-fuzz-smoke host-bench

# Printed figures (never asserted), optimised and without sanitizers.
$(HOST_OUT)/bench_vmc: tests/host/bench_vmc.c $(HOST_SUPPORT) $(HOST_LIB_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(quiet) HOSTCC $@
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -O2 -DFUZZING -o $@ $< $(HOST_SUPPORT) $(HOST_LIB_SRCS)

host-bench: $(HOST_OUT)/bench_vmc
	$(Q)$(HOST_OUT)/bench_vmc $(BENCH_MESSAGES)

$(HOST_OUT)/test_%: tests/host/test_%.c $(HOST_SUPPORT) $(HOST_LIB_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(quiet) HOSTCC $@
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SAN) -o $@ $< $(HOST_SUPPORT) $(HOST_LIB_SRCS) -lcmocka

$(HOST_OUT)/fuzz_%: tests/host/fuzz_%.c $(HOST_SUPPORT) $(HOST_LIB_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(quiet) FUZZCC $@
	$(Q)$(FUZZ_CC) $(HOST_CFLAGS) -DFUZZING $(FUZZ_SAN) -o $@ $< $(HOST_SUPPORT) $(HOST_LIB_SRCS)

host-unit: $(HOST_TEST_BINS)
	@fail=0; for t in $(HOST_TEST_BINS); do echo "  RUN      $$t"; \
		ASAN_OPTIONS=detect_leaks=1 $$t || fail=1; done; test $$fail = 0

fuzz-build: $(HOST_FUZZ_BINS)

# Run every fuzz target for $(1) seconds, each with its corpus folder.
define run_fuzzers
	@for f in $(HOST_FUZZ_BINS); do n=$$(basename $$f); \
		mkdir -p $(HOST_OUT)/corpus/$$n; \
		seeds=; test -d tests/host/corpus/$$n && seeds=tests/host/corpus/$$n; \
		test -d $(HV_E2E_CORPUS)/$$n && seeds="$$seeds $(HV_E2E_CORPUS)/$$n"; \
		echo "  FUZZ     $$n ($(1) s)"; \
		$$f -max_total_time=$(1) -print_final_stats=0 $(HOST_OUT)/corpus/$$n $$seeds \
			>$(HOST_OUT)/$$n.log 2>&1 || { tail -n 40 $(HOST_OUT)/$$n.log; exit 1; }; \
		grep -E '^#[0-9]+.*DONE' $(HOST_OUT)/$$n.log | tail -n1; \
	done
endef

host-fuzz-smoke: fuzz-build
	$(call run_fuzzers,$(HOST_FUZZ_SECONDS))

fuzz: fuzz-build
	$(call run_fuzzers,$(FUZZ_SECONDS))
	@if [ -n "$(HV_FUZZ)" ]; then $(MAKE) --no-print-directory hv-fuzz HV_FUZZ_TIME=$(FUZZ_SECONDS) HV_OUT=$(HV_OUT); fi

host-test: host-unit
	@if [ -n "$(HV_TESTS)" ]; then $(MAKE) --no-print-directory hv-test HV_OUT=$(HV_OUT); fi
	$(Q)$(MAKE) --no-print-directory host-fuzz-smoke
	@if [ -n "$(HV_FUZZ)" ]; then $(MAKE) --no-print-directory hv-fuzz HV_FUZZ_TIME=$(HOST_FUZZ_SECONDS) HV_OUT=$(HV_OUT); fi
	$(Q)$(MAKE) --no-print-directory fuzz-hmc-frame HMC_FUZZ_SECONDS=$(HOST_FUZZ_SECONDS)

# Fuzz seeds from recorded end-to-end runs: the real image in the patched QEMU
# (spapr-vmc trace-crq=on) with the real HMC peer, scenario by scenario
# (tools/trace2corpus.py list), converted into $(HV_E2E_CORPUS)/<target>/.
.PHONY: fuzz-corpus-e2e
fuzz-corpus-e2e: images qemu-setup linux
	$(Q)rm -rf build/traces
	$(Q)$(PYTHON) tools/trace2corpus.py record --out build/traces
	$(Q)rm -f $(HV_E2E_CORPUS)/fuzz_*/e2e-*
	$(Q)$(PYTHON) tools/trace2corpus.py convert --out $(HV_E2E_CORPUS) build/traces/*.trace
