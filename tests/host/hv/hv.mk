# SPDX-License-Identifier: GPL-2.0-or-later
#
# hv.mk - host tests of the HV-side VMC engine (hv/*.c).
#
# For tests/host/host.mk (helper A) to include:
#   HV_ENGINE_SRCS  the engine sources plus the shared wire codec it needs
#   HV_TESTS        cmocka test programs (one source each; link with
#                   $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS) -lcmocka)
#   HV_FUZZ         libFuzzer targets (clang -fsanitize=fuzzer,address,undefined;
#                   link with $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS))
#
# Standalone, from the repository root:
#   make -f tests/host/hv/hv.mk hv-test          # build + run the cmocka tests (ASan+UBSan)
#   make -f tests/host/hv/hv.mk hv-fuzz-smoke    # build the fuzzer, replay the kept corpus once
#   make -f tests/host/hv/hv.mk hv-fuzz          # build the fuzzer, run it HV_FUZZ_TIME s
#   make -f tests/host/hv/hv.mk hv-fuzz HV_FUZZ_TIME=600
#   make -f tests/host/hv/hv.mk hv-clean
# Output goes to $(HV_OUT) (default build/host/hv).

HV_ENGINE_SRCS := hv/vmc_hv.c hv/hv_transport.c hv/hv_sessions.c hv/hv_rdma.c vmc/vmc_wire.c
HV_TEST_SUPPORT := tests/host/hv/fake_env.c
HV_TESTS := tests/host/hv/test_hv_engine.c tests/host/hv/test_hv_boundaries.c
HV_FUZZ := tests/host/hv/fuzz_hv.c tests/host/hv/fuzz_hv_lifecycle.c
# Kept inputs: $(HV_FUZZ_CORPUS) for fuzz_hv, $(HV_FUZZ_CORPUS)-lifecycle for fuzz_hv_lifecycle.
HV_FUZZ_CORPUS := tests/host/hv/corpus
# Seeds converted from recorded end-to-end runs (tools/trace2corpus.py, one
# folder per fuzz target; `make fuzz-corpus-e2e` regenerates them).
HV_E2E_CORPUS := tests/host/hv/corpus-e2e

HV_OUT ?= build/host/hv
HV_CC ?= cc
HV_FUZZ_CC ?= clang
HV_CFLAGS ?= -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
HV_FUZZ_TIME ?= 60

HV_HDRS := hv/vmc_hv.h hv/hv_internal.h vmc/vmc_wire.h tests/host/hv/fake_env.h \
	tests/host/hv/fuzz_input.h
HV_TEST_BINS := $(patsubst tests/host/hv/%.c,$(HV_OUT)/%,$(HV_TESTS))
HV_FUZZ_BINS := $(patsubst tests/host/hv/%.c,$(HV_OUT)/%,$(HV_FUZZ))

.PHONY: hv-test hv-fuzz hv-fuzz-smoke hv-fuzz-build hv-clean

hv-test: $(HV_TEST_BINS)
	@for t in $(HV_TEST_BINS); do echo "  RUN     $$t"; $$t || exit 1; done

$(HV_OUT)/test_%: tests/host/hv/test_%.c $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS) $(HV_HDRS)
	@mkdir -p $(@D)
	$(HV_CC) $(HV_CFLAGS) -o $@ $< $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS) -lcmocka

hv-fuzz-build: $(HV_FUZZ_BINS)

$(HV_OUT)/fuzz_%: tests/host/hv/fuzz_%.c $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS) $(HV_HDRS)
	@mkdir -p $(@D)
	$(HV_FUZZ_CC) -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -I. \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(HV_TEST_SUPPORT) $(HV_ENGINE_SRCS)

# Replays the kept corpus (regressions included) once: quick enough for `make test`.
hv-fuzz-smoke: $(HV_FUZZ_BINS)
	$(HV_OUT)/fuzz_hv -runs=0 $(HV_FUZZ_CORPUS) $(HV_E2E_CORPUS)/fuzz_hv
	$(HV_OUT)/fuzz_hv_lifecycle -runs=0 $(HV_FUZZ_CORPUS)-lifecycle $(HV_E2E_CORPUS)/fuzz_hv_lifecycle

hv-fuzz: $(HV_FUZZ_BINS)
	@mkdir -p $(HV_OUT)/corpus $(HV_OUT)/corpus-lifecycle
	$(HV_OUT)/fuzz_hv $(HV_OUT)/corpus $(HV_FUZZ_CORPUS) $(HV_E2E_CORPUS)/fuzz_hv \
		-max_total_time=$(HV_FUZZ_TIME) -max_len=4096 -artifact_prefix=$(HV_OUT)/ \
		-print_final_stats=1
	$(HV_OUT)/fuzz_hv_lifecycle $(HV_OUT)/corpus-lifecycle $(HV_FUZZ_CORPUS)-lifecycle \
		$(HV_E2E_CORPUS)/fuzz_hv_lifecycle -max_total_time=$(HV_FUZZ_TIME) -max_len=2048 \
		-artifact_prefix=$(HV_OUT)/ -print_final_stats=1

hv-clean:
	rm -rf $(HV_OUT)
