# SPDX-License-Identifier: GPL-2.0-or-later
# tests/host/hv: the HV engine (hv/*.c) and the HMC link layer, driven through its API by the
# fake_env fixture (the MP's queue as a test knob, pane 0 through the host
# environment model hv/sim/hvenv.c, virtual time, an event log).
# The list of this folder; the rules are in tests/host/host.mk.
suite          := hv
suite_dir      := tests/host/hv
suite_tests    := $(sort $(wildcard tests/host/hv/test_*.c))
suite_fuzzers  := $(sort $(wildcard tests/host/hv/fuzz_*.c))
suite_fixtures := tests/host/hv/fake_env.c
suite_code     := $(HOST_HV_CODE)
# Input sizes the fuzzers decode (tools/trace2corpus.py writes seeds to fit).
FUZZ_ARGS_fuzz_hv := -max_len=4096
FUZZ_ARGS_fuzz_hv_lifecycle := -max_len=2048
FUZZ_ARGS_fuzz_hmc_link := -max_len=2048
$(eval $(call host_suite))
