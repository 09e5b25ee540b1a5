# SPDX-License-Identifier: GPL-2.0-or-later
# tests/host: the MP side (lib/, hcall/hcall_common.c, drivers/crq.c, vmc/)
# against the host simulator hv/sim/ (the HV engine answers, virtual time).
# The list of this folder; the rules are in tests/host/host.mk.
suite          := host
suite_dir      := tests/host
suite_tests    := $(sort $(wildcard tests/host/test_*.c))
suite_fuzzers  := $(sort $(wildcard tests/host/fuzz_*.c))
suite_fixtures := tests/host/harness.c
suite_code     := $(HOST_MP_CODE)
$(eval $(call host_suite))
