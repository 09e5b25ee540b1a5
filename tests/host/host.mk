# SPDX-License-Identifier: GPL-2.0-or-later
#
# host.mk - every host test: cmocka unit tests and libFuzzer targets, one
# flag set, one list per folder. Included by the top Makefile; output in
# build/host/ (the tests/host/<dir>/ suites in build/host/<dir>/).
# How to add a test, a fuzzer or a seed: tests/README.md.
#
#   make host-test          unit tests, corpus replay, short fuzz runs
#   make host-unit          the cmocka programs only
#   make host-fuzz-replay   every fuzzer over its kept and end-to-end seeds, once
#   make fuzz [FUZZ_SECONDS=N]   every fuzzer N seconds (default 60)
#   make host-unit-<suite> / host-fuzz-replay-<suite> / fuzz-<suite>   one suite
#
# A folder's list is its suite.mk (tests/host/suite.mk, tests/host/*/suite.mk):
# it names the folder, its test and fuzz sources (globs), its fixtures and
# the code under test, then calls host_suite. Output folder, seeds folder
# and rules follow from that, the same for every folder.

HOST_OUT := build/host
HOST_CC ?= cc
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
HOST_FUZZ_SECONDS ?= 10
# Seeds converted from recorded end-to-end runs (tools/trace2corpus.py), one
# folder per fuzz target, shared by every suite; `make fuzz-corpus-e2e`.
HOST_E2E_CORPUS := tests/host/hv/corpus-e2e

# One flag set for every host program (tests, fuzzers, the bench).
HOST_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -I. -D_DEFAULT_SOURCE
HOST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# boot/of.c, boot/bootargs.c, console/monitor_parse.c and
# drivers/crq_service.c are #included by their tests and fuzzers (static
# functions under test, or stubs around them), so they count as headers here.
HOST_HDRS := $(wildcard lib/*.h hcall/*.h drivers/*.h vmc/*.h hv/*.h hv/sim/*.h \
	tests/host/*.h tests/host/*/*.h) boot/of.c boot/of.h boot/bootargs.c boot/bootargs.h \
	console/monitor_parse.c console/monitor_parse.h drivers/crq_service.c

# Code under test, by layer (suites pick what they link).
HOST_HV_CODE := $(sort $(wildcard hv/*.c)) vmc/vmc_wire.c hv/sim/hvenv.c
HOST_MP_CODE := $(sort $(wildcard lib/*.c)) hcall/hcall_common.c drivers/crq.c \
	$(sort $(wildcard vmc/*.c)) $(sort $(wildcard hv/*.c)) $(sort $(wildcard hv/sim/*.c))

HOST_SUITES :=
HOST_TEST_BINS :=
HOST_FUZZ_BINS :=

# $(call host_suite): turn the suite_* variables a suite.mk just set into
# <suite>_* variables and rules. Every rule is the same for every suite.
define host_suite
HOST_SUITES += $(suite)
$(suite)_DIR := $(suite_dir)
$(suite)_OUT := $(if $(filter tests/host,$(suite_dir)),$(HOST_OUT),$(HOST_OUT)/$(notdir $(suite_dir)))
$(suite)_TESTS := $(suite_tests)
$(suite)_FUZZERS := $(suite_fuzzers)
$(suite)_DEPS := $(suite_fixtures) $(suite_code)
$(suite)_TEST_BINS := $$(patsubst $(suite_dir)/%.c,$$($(suite)_OUT)/%,$(suite_tests))
$(suite)_FUZZ_BINS := $$(patsubst $(suite_dir)/%.c,$$($(suite)_OUT)/%,$(suite_fuzzers))
HOST_TEST_BINS += $$($(suite)_TEST_BINS)
HOST_FUZZ_BINS += $$($(suite)_FUZZ_BINS)

$$($(suite)_OUT)/test_%: $(suite_dir)/test_%.c $$($(suite)_DEPS) $$(HOST_HDRS)
	@mkdir -p $$(@D)
	$$(quiet) HOSTCC $$@
	$$(Q)$$(HOST_CC) $$(HOST_CFLAGS) $$(HOST_SAN) -o $$@ $$< $$($(suite)_DEPS) -lcmocka

$$($(suite)_OUT)/fuzz_%: $(suite_dir)/fuzz_%.c $$($(suite)_DEPS) $$(HOST_HDRS)
	@mkdir -p $$(@D)
	$$(quiet) FUZZCC $$@
	$$(Q)$$(FUZZ_CC) $$(HOST_CFLAGS) -DFUZZING $$(FUZZ_SAN) -o $$@ $$< $$($(suite)_DEPS)

.PHONY: host-unit-$(suite) host-fuzz-replay-$(suite) host-fuzz-smoke-$(suite) fuzz-$(suite)
host-unit-$(suite): $$($(suite)_TEST_BINS)
	$$(call host_run_tests,$$($(suite)_TEST_BINS))
host-fuzz-replay-$(suite): $$($(suite)_FUZZ_BINS)
	$$(call host_replay,$$($(suite)_FUZZ_BINS))
host-fuzz-smoke-$(suite): $$($(suite)_FUZZ_BINS)
	$$(call host_fuzz,$$($(suite)_FUZZ_BINS),$$(HOST_FUZZ_SECONDS))
fuzz-$(suite): $$($(suite)_FUZZ_BINS)
	$$(call host_fuzz,$$($(suite)_FUZZ_BINS),$$(FUZZ_SECONDS))
endef

# Seed folders of fuzz target $(1) (a binary path): the kept seeds next to
# its source, then the end-to-end ones; only those that exist.
host_seeds = $(wildcard $(patsubst $(HOST_OUT)%,tests/host%,$(dir $(1)))corpus/$(notdir $(1)) \
	$(HOST_E2E_CORPUS)/$(notdir $(1)))

# Run cmocka programs $(1), all of them even after a failure; print the total.
define host_run_tests
	@fail=0; for t in $(1); do echo "  RUN      $$t"; \
		ASAN_OPTIONS=detect_leaks=1 $$t >$$t.out 2>&1 || { fail=$$((fail + 1)); echo "  FAILED   $$t"; }; \
		cat $$t.out; done; \
	n=$$(for t in $(1); do sed -n 's/^\[==========\] \([0-9]*\) test(s) run\./\1/p' $$t.out; done | \
		awk '{s += $$1} END {print s + 0}'); \
	echo "  HOST     $$n cmocka tests in $(words $(1)) programs, $$fail program(s) failed"; \
	test $$fail = 0
endef

# Replay every seed of fuzzers $(1) once (regressions; seconds). Extra
# (FUZZ_ARGS_<target> is for fuzz runs only: a replay reads every seed whole.)
define host_replay
	@set -e; $(foreach f,$(1),\
		$(if $(call host_seeds,$(f)),\
		$(f) -runs=0 -artifact_prefix=$(dir $(f)) $(call host_seeds,$(f)) >$(f).replay.log 2>&1 || \
			{ tail -n 40 $(f).replay.log; echo "  REPLAY   $(f): FAILED"; exit 1; }; \
		echo "  REPLAY   $(f) ($(call host_seeds,$(f))):" \
			"$$(grep -E '^#[0-9]+.*(INITED|DONE)' $(f).replay.log | tail -n1)";,\
		echo "  REPLAY   $(f): no seed folder";))
endef

# Fuzz each of $(1) for $(2) seconds: the working corpus is in build/, the
# kept and end-to-end seeds are only read; crashes land next to the binary.
define host_fuzz
	@set -e; $(foreach f,$(1),\
		mkdir -p $(dir $(f))corpus/$(notdir $(f)); \
		$(f) -max_total_time=$(2) -print_final_stats=0 -artifact_prefix=$(dir $(f)) \
			$(FUZZ_ARGS_$(notdir $(f))) $(dir $(f))corpus/$(notdir $(f)) $(call host_seeds,$(f)) \
			>$(f).log 2>&1 || { tail -n 40 $(f).log; echo "  FUZZ     $(f): FAILED"; exit 1; }; \
		echo "  FUZZ     $(f) ($(2) s): $$(grep -E '^#[0-9]+.*DONE' $(f).log | tail -n1)";)
endef

include tests/host/suite.mk $(sort $(wildcard tests/host/*/suite.mk))

.PHONY: host-test host-unit host-fuzz-replay host-fuzz-smoke fuzz fuzz-build host-bench
host-unit: $(HOST_TEST_BINS)
	$(call host_run_tests,$(HOST_TEST_BINS))
fuzz-build: $(HOST_FUZZ_BINS)
host-fuzz-replay: $(addprefix host-fuzz-replay-,$(HOST_SUITES))
host-fuzz-smoke: $(addprefix host-fuzz-smoke-,$(HOST_SUITES))
fuzz: $(addprefix fuzz-,$(HOST_SUITES))

# The order matters for a reader: unit results first, fuzzing after.
host-test:
	$(Q)$(MAKE) --no-print-directory host-unit
	$(Q)$(MAKE) --no-print-directory host-fuzz-replay
	$(Q)$(MAKE) --no-print-directory host-fuzz-smoke
	$(Q)$(MAKE) --no-print-directory fuzz-hmc-frame HMC_FUZZ_SECONDS=$(HOST_FUZZ_SECONDS)

# Names the HV engine's suite had before it joined this file.
.PHONY: hv-test hv-fuzz-smoke hv-fuzz
hv-test: host-unit-hv
hv-fuzz-smoke: host-fuzz-replay-hv
hv-fuzz: fuzz-hv
hv-fuzz: FUZZ_SECONDS = $(or $(HV_FUZZ_TIME),60)

# Printed figures (never asserted), optimised and without sanitizers.
$(HOST_OUT)/bench_vmc: tests/host/bench_vmc.c $(host_DEPS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(quiet) HOSTCC $@
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -O2 -DFUZZING -o $@ $< $(host_DEPS)

host-bench: $(HOST_OUT)/bench_vmc
	$(Q)$(HOST_OUT)/bench_vmc $(BENCH_MESSAGES)

# Fuzz seeds from recorded end-to-end runs: the real image in the patched QEMU
# (spapr-vmc trace-crq=on) with the real HMC peer, scenario by scenario
# (tools/trace2corpus.py list), converted into $(HOST_E2E_CORPUS)/<target>/.
.PHONY: fuzz-corpus-e2e
fuzz-corpus-e2e: images qemu-setup linux
	$(Q)rm -rf build/traces
	$(Q)$(PYTHON) tools/trace2corpus.py record --out build/traces
	$(Q)rm -f $(HOST_E2E_CORPUS)/fuzz_*/e2e-*
	$(Q)$(PYTHON) tools/trace2corpus.py convert --out $(HOST_E2E_CORPUS) build/traces/*.trace
