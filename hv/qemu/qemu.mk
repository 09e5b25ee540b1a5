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
