# SPDX-License-Identifier: GPL-2.0-or-later
# tests/host/glue: the QEMU glue hv/qemu/spapr_vmc.c itself, compiled against a
# thin QEMU 7.2 shim (shim/qemu_shim.h and the header names the glue includes)
# with the real engine, driven by a libFuzzer target as a hostile guest and a
# hostile peer at once, with work budgets. The list of this folder; the rules
# are in tests/host/host.mk.
suite          := glue
suite_dir      := tests/host/glue
suite_tests    := $(sort $(wildcard tests/host/glue/test_*.c))
suite_fuzzers  := $(sort $(wildcard tests/host/glue/fuzz_*.c))
suite_fixtures :=
suite_code     := $(HOST_HV_CODE)
FUZZ_ARGS_fuzz_spapr_vmc := -max_len=4096
$(eval $(call host_suite))
# The glue is #included by the target; the shim's folder comes after -I. so
# only the QEMU header names the repository does not have resolve there.
$(HOST_OUT)/glue/fuzz_spapr_vmc: HOST_CFLAGS += -Itests/host/glue/shim
$(HOST_OUT)/glue/fuzz_spapr_vmc: hv/qemu/spapr_vmc.c $(shell find tests/host/glue/shim -name '*.h')
