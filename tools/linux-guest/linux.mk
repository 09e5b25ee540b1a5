# SPDX-License-Identifier: GPL-2.0-or-later
# The Linux guest (issue 5's fidelity proof): Debian's unmodified ibmvmc driver
# talks to spapr-vmc. Included by the top Makefile; uses its CACHE, PYTHON, Q.
#
#   make linux        build (cached) the kernel and the initramfs; prints both paths
#   make linux-run    boot them in the patched QEMU with a greet-echo HMC peer
#                     [LINUX_PLAN=echo|two] (reset, buffers and serve need the test suite's or make bench's peer)

LINUX_CACHE ?= $(CACHE)/linux
LG_OUT := build/linux-guest
LG_CC := powerpc64le-linux-gnu-gcc
LINUX_PLAN ?= echo
LINUX_VMLINUX = $(shell sh scripts/build-linux.sh $(LINUX_CACHE) --print-path)

.PHONY: linux linux-kernel linux-run
$(LG_OUT)/vmctest: tools/linux-guest/vmctest.c
	@mkdir -p $(dir $@)
	$(quiet) CC-LINUX $@
	$(Q)$(LG_CC) -static -O2 -Wall -Wextra -Werror -o $@ $<

$(LG_OUT)/initramfs.cpio: $(LG_OUT)/vmctest tools/linux-guest/mkinitramfs.py
	$(quiet) CPIO $@
	$(Q)$(PYTHON) tools/linux-guest/mkinitramfs.py $< $@

linux-kernel: packages
	$(Q)sh scripts/build-linux.sh $(LINUX_CACHE) >/dev/null

linux: linux-kernel $(LG_OUT)/initramfs.cpio
	@echo "$(abspath $(LG_OUT)/initramfs.cpio)"
	@sh scripts/build-linux.sh $(LINUX_CACHE) --print-path

linux-run: linux qemu-setup
	$(Q)$(PYTHON) tools/vmcrun.py linux --image $(LINUX_VMLINUX) --initrd $(LG_OUT)/initramfs.cpio \
		--fw $(FW) --append "console=hvc0 vmctest=$(LINUX_PLAN)$(if $(filter two,$(LINUX_PLAN)), ibmvmc.max_hmcs=2)" \
		$(if $(filter two,$(LINUX_PLAN)),--device-opts max-hmcs=2)
