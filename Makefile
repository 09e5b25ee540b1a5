# SPDX-License-Identifier: GPL-2.0-or-later
# vmcfw - one Makefile for the image, the host tests and the tooling.
# `make help` lists the targets. V=1 shows full commands.

ENDIAN ?= big
ifeq ($(ENDIAN),little)
CROSS_COMPILE ?= powerpc64le-linux-gnu-
O ?= build/le
ABI_FLAGS := -mlittle-endian -mabi=elfv2
else ifeq ($(ENDIAN),big)
CROSS_COMPILE ?= powerpc64-linux-gnu-
O ?= build
ABI_FLAGS := -mbig-endian -mabi=elfv1
else
$(error ENDIAN must be big or little)
endif

CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
READELF := $(CROSS_COMPILE)readelf
SIZE := $(CROSS_COMPILE)size
NM := $(CROSS_COMPILE)nm
HOSTCC ?= cc
PYTHON ?= /usr/bin/python3
CACHE ?= /var/cache/vmcfw

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-8s %s\n'
endif

# Link address: 64 MiB, clear of SLOF's load-base and of OF at 12/32 MiB
# (see docs/platform.md §2.1); the image relocates itself wherever it is loaded.
LINK_BASE ?= 0x4000000

# newlib's folder for this endianness: asked of the cache script on first
# use and then kept, so once per make run, and never for targets that build
# no image (help, host-test, ...).
NEWLIB_DIR = $(eval NEWLIB_DIR := $$(shell sh scripts/build-newlib.sh $$(CROSS_COMPILE) $$(CACHE)/newlib))$(NEWLIB_DIR)

TARGET_CFLAGS := -std=gnu11 -g -Wall -Wextra -Wno-unused-parameter -Werror=implicit-function-declaration \
	-ffreestanding -fno-builtin-printf -fno-stack-protector -fPIE -mcmodel=medium \
	-msoft-float -mno-altivec -mno-vsx -mlong-double-64 -mcpu=power8 $(ABI_FLAGS) \
	-ffunction-sections -fdata-sections -fno-common -I. -DVMCFW_IMAGE
TARGET_ASFLAGS := $(ABI_FLAGS) -I. -D__ASSEMBLY__
TARGET_LDFLAGS := -pie --no-dynamic-linker -z notext -z norelro -z noexecstack --no-warn-rwx-segments -nostdlib \
	-z pack-relative-relocs \
	--gc-sections --defsym=LINK_BASE=$(LINK_BASE) -T linker.ld

# Image sources: every C and assembly file of the image's folders.
IMAGE_DIRS := boot hcall drivers vmc console lib
IMAGE_C := $(sort $(wildcard $(addsuffix /*.c,$(IMAGE_DIRS))))
IMAGE_S := $(sort $(wildcard $(addsuffix /*.S,$(IMAGE_DIRS))))
# Two images from the same objects (docs/architecture.md "Image size"): the
# default image, and the lab image that adds the tools only a validation lab
# boots (hvfuzz=, bench-crq=); the default image has boot/lab_absent.c in
# their place, which names the lab image when asked for them.
LAB_C := boot/hvfuzz.c boot/bench.c
LAB_ABSENT_C := boot/lab_absent.c
COMMON_OBJS := $(patsubst %.S,$(O)/%.o,$(IMAGE_S)) \
	$(patsubst %.c,$(O)/%.o,$(filter-out $(LAB_C) $(LAB_ABSENT_C),$(IMAGE_C)))
IMAGE_OBJS := $(COMMON_OBJS) $(patsubst %.c,$(O)/%.o,$(LAB_ABSENT_C))
LAB_OBJS := $(COMMON_OBJS) $(patsubst %.c,$(O)/%.o,$(LAB_C))
IMAGE := $(O)/vmcfw.elf
LAB_IMAGE := $(O)/vmcfw-lab.elf
# PT_LOAD budgets in bytes (make check-image); the figures and the floor are
# in docs/architecture.md "Image size".
IMAGE_BUDGET_big := 135168
IMAGE_BUDGET_little := 131072
LAB_BUDGET_big := 139264
LAB_BUDGET_little := 133120

# Speed where the echo round trip runs, size everywhere else: the CRQ and VMC
# hot path (hcalls, the CRQ ring and its service loop, the idle and interrupt
# path, the VMC engine's message path, the console's relay of messages, the
# clock) is built -O2, the rest (boot, the monitor, self-tests, dumps, RTAS,
# the device-tree walk, logging, hcall names and statistics, H_REQUEST_VMC)
# -Os. docs/architecture.md "Image size".
HOT_C := hcall/hcall.c drivers/crq.c drivers/crq_service.c drivers/idle.c drivers/irq_handlers.c \
	drivers/timebase.c drivers/xics.c drivers/xive.c drivers/hvterm.c \
	vmc/vmc_core.c vmc/vmc_session.c vmc/vmc_buf.c vmc/vmc_wire.c \
	console/vmc_app.c console/relay.c lib/time.c
opt_for = $(if $(filter $(1),$(HOT_C)),-O2,-Os)

.PHONY: all image help
all: image
image: $(IMAGE) $(LAB_IMAGE)

help:
	@echo 'vmcfw targets:'
	@echo '  make [ENDIAN=little]  build build/vmcfw.elf (BE, ELFv1) or build/le/vmcfw.elf (LE, ELFv2),'
	@echo '                        and the lab image vmcfw-lab.elf beside it (adds hvfuzz=, bench-crq=)'
	@echo '  make setup            install Debian packages, build newlib (BE+LE) and the patched QEMU'
	@echo '  make run              boot in the patched QEMU (SLOF) with spapr-vmc and the HMC peer; console here'
	@echo '  make smoke            full VMC smoke (device + echoing peer); exit status is the image verdict'
	@echo '  make run-stock / smoke-stock   the same in Debian QEMU, without a VMC device'
	@echo '  make check            the inner loop: citation, layer and format checks, host tests, both images, check-image for both (needs packages + newlib only)'
	@echo '  make test             make check first, then the patched and sanitizer QEMUs, the Linux guest and every QEMU suite (pytest)'
	@echo '  make host-test        host tests only: cmocka unit tests, fuzz seed replay, short fuzz runs (ASan+UBSan)'
	@echo '  make host-unit        the cmocka programs only; host-unit-<suite> for one folder (host, hv); see tests/README.md'
	@echo '  make check-image      verify relocations, entry and segments of both images, and their size budgets'
	@echo '  make size             loaded bytes per folder, newlib member and symbol table, both images'
	@echo '  make platform-matrix  boot on every CPU / decrementer / ic-mode / firmware / endian QEMU offers'
	@echo '  make bench            print size (per folder, newlib, symbol table; both images), hcalls per echo and speed figures (never asserted)'
	@echo '  make bench-echo       only the like-for-like echo table of make bench (image poll/irq, Linux, floors)'
	@echo '  make bench-migration  only the migration downtime figures of make bench (peer gap, QEMU downtime)'
	@echo '  make bench-startup    only the start-up figures of make bench (guest start to OPEN against a power-off image)'
	@echo '  make fuzz [FUZZ_SECONDS=N]  run the libFuzzer targets, then make hvfuzz'
	@echo '  make hvfuzz [HVFUZZ_OPS=N HVFUZZ_SEED=S]  the image throws N hostile hcalls at spapr-vmc (BE and LE, ASan+UBSan QEMU)'
	@echo '  make fuzz-corpus-e2e  re-record the fuzz seeds of tests/host/hv/corpus-e2e from end-to-end runs'
	@echo '  make qemu [SANITIZE=1]  build the patched qemu-system-ppc64 (ASan+UBSan build with SANITIZE=1; path printed last)'
	@echo '  make qemu-patches     regenerate the QEMU patch series hv/qemu/patches/ from the sources (make qemu does it first)'
	@echo '  make check-qemu-patches  fail when the checked-in series is out of date (make test runs it)'
	@echo '  make checkpatch       QEMU'"'"'s scripts/checkpatch.pl over every patch of the series; fails on errors (make test runs it)'
	@echo '  make format           QEMU coding style (clang-format-15) for the files QEMU compiles; check-format fails on drift (make check)'
	@echo '  make host-bench       the VMC engine in the host simulator: round trips/s, hcalls per round trip'
	@echo '  make linux            build (cached) the Linux guest: Debian linux-source-6.1 with its own ibmvmc driver'
	@echo '  make linux-run [LINUX_PLAN=echo|two]  boot it against spapr-vmc with a greet-echo HMC peer; exit status = its verdict'
	@echo '  make lava             the smoke matrix (BE/LE x SLOF/VOF x poll/irq) as LAVA jobs with lava-run (docs/lab.md)'
	@echo '  make lava-farm        a LAVA server, PostgreSQL and two workers on this machine run the matrix and bad jobs'
	@echo '  make junit LOG=F [JUNIT=out.xml]  a smoke console log as JUnit XML (tools/tap2junit.py)'
	@echo '  make clean'
	@echo 'Variables: ENDIAN=big|little  CROSS_COMPILE=  V=1  APPEND="boot args"  FW=slof|vof  PEER="tools.hmc action"  JUNIT=report.xml (make test, pytest)'
	@$(MAKE) --no-print-directory help-bringup 2>/dev/null || true

# The compile flags, the hot list and newlib's folder, in a stamp rewritten
# only when they change: objects and links made with other ones are redone
# (a build tree from before the -Os split, or an older newlib, would
# otherwise keep its objects and miss the size budget).
BUILD_STAMP = $(O)/.build-flags
.PHONY: build-stamp-force
$(BUILD_STAMP): build-stamp-force | newlib-check
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(TARGET_CFLAGS)' '$(HOT_C)' '$(NEWLIB_DIR)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(O)/%.o: %.c $(BUILD_STAMP) | newlib-check
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(call opt_for,$<) $(TARGET_CFLAGS) -isystem $(NEWLIB_DIR)/include -MMD -MP -c $< -o $@

$(O)/%.o: %.S $(BUILD_STAMP)
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(TARGET_CFLAGS) $(TARGET_ASFLAGS) -MMD -MP -c $< -o $@

.PHONY: newlib-check
newlib-check:
	@test -n "$(NEWLIB_DIR)" -a -f "$(NEWLIB_DIR)/lib/libc.a" || { echo "newlib missing: run make setup" >&2; exit 1; }

LIBGCC = $(shell $(CC) $(ABI_FLAGS) -msoft-float -print-libgcc-file-name)

ifeq ($(ENDIAN),little)
ENTRY_SYM := _start
else
ENTRY_SYM := _start_opd
endif
LINK = $(LD) $(TARGET_LDFLAGS) -e $(ENTRY_SYM) -Map $(basename $@).map -o $@ $(1) \
	--start-group $(NEWLIB_DIR)/lib/libc.a $(LIBGCC) --end-group

# Two links per image: the first gives the addresses for the symbol table
# that the second carries (after all code, so no function moves; checked).
# $(1): the image's name, $(2): its objects, $(3): its symbol table's stem.
define image_rules
$(O)/$(3)0.S: scripts/gen-symtab.py
	@mkdir -p $$(dir $$@)
	$(Q)$(PYTHON) scripts/gen-symtab.py "" "" $$@

$(O)/$(1)0.elf: $(2) $(O)/$(3)0.o linker.ld $(BUILD_STAMP)
	$(quiet) LD $$@
	$(Q)$$(call LINK,$(2) $(O)/$(3)0.o)

$(O)/$(3).S: $(O)/$(1)0.elf scripts/gen-symtab.py
	$(Q)$(PYTHON) scripts/gen-symtab.py $(NM) $$< $$@

$(O)/$(1).elf: $(O)/$(1)0.elf $(O)/$(3).o scripts/check-relocs.sh
	$(quiet) LD $$@
	$(Q)$$(call LINK,$(2) $(O)/$(3).o)
	$(Q)$(NM) -n --synthetic $(O)/$(1)0.elf | grep ' [tT] ' > $(O)/$(3)0.txt
	$(Q)$(NM) -n --synthetic $$@ | grep ' [tT] ' > $(O)/$(3)1.txt
	$(Q)cmp -s $(O)/$(3)0.txt $(O)/$(3)1.txt || { echo "symbol table moved code" >&2; rm -f $$@; exit 1; }
	$(Q)sh scripts/check-relocs.sh $(READELF) $$@ || { rm -f $$@; exit 1; }
	$(Q)$(SIZE) $$@ | tail -n1 | awk '{printf "  SIZE     %s: text=%s data=%s bss=%s\n","$$@",$$$$1,$$$$2,$$$$3}'
endef
$(eval $(call image_rules,vmcfw,$(IMAGE_OBJS),syms))
$(eval $(call image_rules,vmcfw-lab,$(LAB_OBJS),syms-lab))

$(O)/%.o: $(O)/%.S
	$(quiet) AS $@
	$(Q)$(CC) $(TARGET_CFLAGS) $(TARGET_ASFLAGS) -c $< -o $@

-include $(IMAGE_OBJS:.o=.d) $(LAB_OBJS:.o=.d)

.PHONY: check-image size
check-image: $(IMAGE) $(LAB_IMAGE)
	$(Q)sh scripts/check-image.sh $(READELF) $(IMAGE) $(ENDIAN)
	$(Q)$(PYTHON) tools/image_size.py --budget $(IMAGE_BUDGET_$(ENDIAN)) $(IMAGE) $(O)/vmcfw.map
	$(Q)sh scripts/check-image.sh $(READELF) $(LAB_IMAGE) $(ENDIAN)
	$(Q)$(PYTHON) tools/image_size.py --budget $(LAB_BUDGET_$(ENDIAN)) $(LAB_IMAGE) $(O)/vmcfw-lab.map

# Where the loaded bytes go, per folder, newlib member and symbol table.
size: $(IMAGE) $(LAB_IMAGE)
	$(Q)for i in $(IMAGE) $(LAB_IMAGE); do echo "$$i:"; $(PYTHON) tools/image_size.py --members $${i%.elf}.map; done

# Every document and section cited in code and docs exists; the checker's
# self-test runs first, so a checker that cannot fail is caught.
.PHONY: check-docs check-layers
check-docs:
	$(Q)$(PYTHON) scripts/check-citations.py --self-test
	$(Q)$(PYTHON) scripts/check-citations.py

# Includes only point down the floors of docs/architecture.md.
check-layers:
	$(Q)$(PYTHON) scripts/check-layers.py --self-test
	$(Q)$(PYTHON) scripts/check-layers.py

# --- set-up -------------------------------------------------------------
.PHONY: setup packages newlib
packages:
	$(Q)sh scripts/setup-packages.sh
newlib: packages
	$(Q)sh scripts/build-newlib.sh powerpc64-linux-gnu- $(CACHE)/newlib >/dev/null
	$(Q)sh scripts/build-newlib.sh powerpc64le-linux-gnu- $(CACHE)/newlib >/dev/null
	@echo "setup: newlib ready (BE and LE)"
setup: packages newlib qemu-setup

# --- running ------------------------------------------------------------
FW ?= slof
APPEND ?=
.PHONY: run smoke run-stock smoke-stock
# run / smoke: the patched QEMU with spapr-vmc and the HMC peer (tools/vmcrun.py).
run: setup
	$(Q)$(MAKE) --no-print-directory image
	$(Q)$(PYTHON) tools/vmcrun.py run --image $(IMAGE) --fw $(FW) --append "$(APPEND)" $(if $(PEER),--peer "$(PEER)")

smoke: setup
	$(Q)$(MAKE) --no-print-directory image
	$(Q)$(PYTHON) tools/vmcrun.py smoke --image $(IMAGE) --fw $(FW) --append "$(APPEND)"

# The same in Debian's stock QEMU: no VMC device (its checks are TAP skips).
run-stock: packages
	$(Q)$(MAKE) --no-print-directory image
	$(Q)$(PYTHON) tools/boot.py --image $(IMAGE) --fw $(FW) --append "$(APPEND)" --interactive

smoke-stock: packages
	$(Q)$(MAKE) --no-print-directory image
	$(Q)$(PYTHON) tools/boot.py --image $(IMAGE) --fw $(FW) --append "smoke $(APPEND)"

# --- tests --------------------------------------------------------------
# check: what needs no QEMU and no Linux guest (tests/README.md). The host
# tests run before newlib is asked for, so on a fresh machine their verdict
# comes first. test: check, then the heavy set-up (test-setup: the patched
# QEMU, its sanitizer build, the Linux guest), then the QEMU suites; pytest's
# summary line is the last thing it prints.
.PHONY: check test test-setup images pytest
images:
	$(Q)$(MAKE) --no-print-directory ENDIAN=big image
	$(Q)$(MAKE) --no-print-directory ENDIAN=little image

check: packages
	$(Q)$(MAKE) --no-print-directory check-docs
	$(Q)$(MAKE) --no-print-directory check-layers
	$(Q)$(MAKE) --no-print-directory check-format
	$(Q)$(MAKE) --no-print-directory host-test
	$(Q)$(MAKE) --no-print-directory newlib
	$(Q)$(MAKE) --no-print-directory images
	$(Q)$(MAKE) --no-print-directory ENDIAN=big check-image
	$(Q)$(MAKE) --no-print-directory ENDIAN=little check-image

test-setup: setup linux

test:
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory test-setup
	$(Q)$(MAKE) --no-print-directory check-qemu-patches
	$(Q)$(MAKE) --no-print-directory checkpatch
	$(Q)$(MAKE) --no-print-directory pytest

# JUNIT=path: pytest also writes a JUnit XML report there (docs/lab.md §5).
pytest:
	$(Q)VMC_NO_SKIPS=1 $(PYTHON) -m pytest -q -p no:cacheprovider tests/tools tests/lava \
		--ignore=tests/lava/farm tests/qemu $(if $(JUNIT),--junitxml=$(abspath $(JUNIT))) $(PYTEST_ARGS)

# The full platform matrix (CPU x large decrementer x ic-mode x SLOF/VOF x
# BE/LE, and the VMC smoke on every ic-mode); `make test` runs a subset.
.PHONY: platform-matrix
platform-matrix: images
	$(Q)VMC_PLATFORM_MATRIX=1 $(PYTHON) -m pytest -q -p no:cacheprovider tests/qemu/test_platform.py $(PYTEST_ARGS)

.PHONY: bench
bench: images qemu-setup linux
	$(Q)$(PYTHON) tools/bench.py

.PHONY: bench-echo
bench-echo: images qemu-setup linux
	$(Q)$(PYTHON) tools/bench.py l4l

.PHONY: bench-migration
bench-migration: images qemu-setup
	$(Q)$(PYTHON) tools/bench.py migration

.PHONY: bench-startup
bench-startup: images qemu-setup
	$(Q)$(PYTHON) tools/bench.py startup

.PHONY: clean
clean:
	rm -rf build

# The image as attacker: seeded hostile hcalls at spapr-vmc (the sanitizer
# QEMU, built by hv/qemu/qemu.mk), then a clean handshake; part of `make fuzz`.
HVFUZZ_OPS ?= 1000000
HVFUZZ_SEED ?= 1
.PHONY: hvfuzz
hvfuzz: images
	$(Q)$(PYTHON) tools/hvfuzz.py --ops $(HVFUZZ_OPS) --seed $(HVFUZZ_SEED)

# LAVA (docs/lab.md): the smoke matrix with lava-run, and a whole farm.
.PHONY: lava lava-farm junit
lava: images qemu-setup
	$(Q)sh lava/install.sh
	$(Q)$(PYTHON) lava/lavajobs.py matrix $(if $(APPEND),--append "$(APPEND)")

lava-farm: images qemu-setup
	$(Q)sh lava/install.sh
	$(Q)$(PYTHON) -m pytest -q -s -p no:cacheprovider tests/lava/farm $(if $(JUNIT),--junitxml=$(abspath $(JUNIT))) $(PYTEST_ARGS)

junit:
	$(Q)test -n "$(LOG)" || { echo "make junit: give LOG=console.log" >&2; exit 2; }
	$(Q)$(PYTHON) tools/tap2junit.py $(if $(JUNIT),-o $(JUNIT)) $(LOG)

# Fragments kept in their folders.
-include tests/host/host.mk
-include hv/qemu/qemu.mk
-include tools/bringup.mk
-include tools/linux-guest/linux.mk

# make fuzz: the libFuzzer targets (the fragments above add them), then this.
fuzz: hvfuzz

# Fallbacks while a fragment is absent.
qemu-setup::
	@true
