# SPDX-License-Identifier: GPL-2.0-or-later
# hv/qemu: the patched qemu-system-ppc64 with the spapr-vmc device.
#   make qemu               build (or refresh) it; prints the binary's path last
#   make qemu SANITIZE=1    the same in a separate ASan/UBSan build folder
#   make qemu-path          print the path of the built binary (empty if none)
# VMC_QEMU holds that path for other rules (empty until built).

QEMU_BUILD_SH := hv/qemu/build-qemu.sh
VMC_QEMU = $(shell CACHE=$(CACHE) sh hv/qemu/qemu-path.sh)
VMC_QEMU_ASAN = $(shell CACHE=$(CACHE) sh hv/qemu/qemu-path.sh --sanitize)
export VMC_QEMU_CACHE := $(CACHE)

.PHONY: qemu qemu-path
qemu:
	$(Q)CACHE=$(CACHE) sh $(QEMU_BUILD_SH) $(if $(filter 1,$(SANITIZE)),--sanitize)

qemu-path:
	@CACHE=$(CACHE) sh hv/qemu/qemu-path.sh $(if $(filter 1,$(SANITIZE)),--sanitize)

qemu-setup:: packages
	$(Q)CACHE=$(CACHE) sh $(QEMU_BUILD_SH)

# The sanitizer build (ASan + UBSan; cached like the plain one). make test and
# make hvfuzz build it and run the hostile-guest suite on it; under make test
# (VMC_REQUIRE_SANITIZER=1) that suite fails, never skips or falls back, when
# the binary is missing.
.PHONY: qemu-sanitize-setup
qemu-sanitize-setup:: packages
	$(Q)CACHE=$(CACHE) sh $(QEMU_BUILD_SH) --sanitize
test-setup: qemu-sanitize-setup
test: export VMC_REQUIRE_SANITIZER := 1
hvfuzz: qemu-sanitize-setup

# libFuzzer target for the HMC frame parser (hv/hmc_frame.c); part of `make fuzz`.
HMC_FUZZ_OUT := build/host/hmc_frame
HMC_FUZZ_CC ?= clang
HMC_FUZZ_SECONDS ?= $(or $(FUZZ_SECONDS),60)
.PHONY: fuzz-hmc-frame
$(HMC_FUZZ_OUT)/fuzz_hmc_frame: hv/qemu/fuzz_hmc_frame.c hv/hmc_frame.c hv/hmc_frame.h
	@mkdir -p $(@D)
	$(Q)$(HMC_FUZZ_CC) -std=gnu11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ hv/qemu/fuzz_hmc_frame.c hv/hmc_frame.c
fuzz-hmc-frame: $(HMC_FUZZ_OUT)/fuzz_hmc_frame
	@mkdir -p $(HMC_FUZZ_OUT)/corpus
	$(Q)$< -max_total_time=$(HMC_FUZZ_SECONDS) -print_final_stats=1 $(HMC_FUZZ_OUT)/corpus \
		hv/qemu/corpus $(wildcard tests/host/hv/corpus-e2e/fuzz_hmc_frame) \
		>$(HMC_FUZZ_OUT)/fuzz.log 2>&1 || { tail -n 40 $(HMC_FUZZ_OUT)/fuzz.log; exit 1; }
	@grep -E '^stat::number_of_executed_units|DONE' $(HMC_FUZZ_OUT)/fuzz.log | tail -n 2
fuzz: fuzz-hmc-frame

# The QEMU patch series (hv/qemu/patches/, docs/qemu-device.md §1.1) and QEMU
# coding style for the project files QEMU compiles (§1.2).
#   make qemu-patches        regenerate the generated patches and `series`
#   make check-qemu-patches  fail when the checked-in series is out of date
#   make checkpatch          QEMU's scripts/checkpatch.pl over every patch; 0 errors
#   make format              clang-format-15 (hv/qemu/qemu.clang-format) on those files
#   make check-format        fail when one of them drifts from that style
QEMU_PRISTINE = $(shell CACHE=$(CACHE) sh $(QEMU_BUILD_SH) --pristine-path)
QEMU_STYLE_FILES := $(sort $(wildcard hv/*.c hv/*.h)) hv/qemu/spapr_vmc.c \
	vmc/vmc_wire.c vmc/vmc_wire.h lib/byteorder.h lib/crq_format.h

.PHONY: qemu-patches check-qemu-patches checkpatch format check-format
qemu-patches:
	$(Q)p="$(QEMU_PRISTINE)" && test -n "$$p" && sh hv/qemu/gen-patches.sh "$$p" hv/qemu/patches
	@echo "qemu-patches: hv/qemu/patches/ regenerated (commit it with the sources)"

check-qemu-patches:
	$(Q)CACHE=$(CACHE) sh $(QEMU_BUILD_SH) --check-series
	@echo "check-qemu-patches: hv/qemu/patches/ is up to date with the sources"

checkpatch:
	$(Q)p="$(QEMU_PRISTINE)" && test -n "$$p" && sh hv/qemu/checkpatch.sh "$$p"

format:
	$(Q)$(PYTHON) hv/qemu/qemu-format.py $(QEMU_STYLE_FILES)

check-format:
	$(Q)$(PYTHON) hv/qemu/qemu-format.py --check $(QEMU_STYLE_FILES)
	@echo "check-format: $(words $(QEMU_STYLE_FILES)) files in QEMU style"

# make qemu rebuilds from what the sources say now: it regenerates the series
# first. qemu-setup (make setup / test / run) does not, so a stale checked-in
# series stops those with "run make qemu-patches".
qemu: qemu-patches
