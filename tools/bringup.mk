# SPDX-License-Identifier: GPL-2.0-or-later
# Bring-up tooling (issue 7): PReP disk image, SLOF netboot, gdb session.
# Included by the top Makefile; uses its O, IMAGE, ENDIAN, PYTHON, Q, quiet.

DISK := $(O)/vmcfw-disk.img
NETBOOT_DIR := $(O)/netboot
BUS ?= virtio
GDB_PORT ?= 1234
KERNEL_ADDR ?= 0x400000
INTERACTIVE ?= 1
BRINGUP_RUN = $(if $(filter 1,$(INTERACTIVE)),--interactive,)

.PHONY: disk disk-boot netboot netboot-dir debug debug-qemu debug-gdb help-bringup

# make disk: raw disk image, MBR partition 1 = PReP (0x41, active) holding the ELF.
disk: $(DISK)
$(DISK): $(IMAGE) tools/mkprepdisk.py tools/elfnotes.py
	$(quiet) DISK $@
	$(Q)$(PYTHON) tools/mkprepdisk.py $(IMAGE) $@ >/dev/null

# make disk-boot [BUS=virtio|vscsi] [APPEND=...] [INTERACTIVE=0]: SLOF boots the disk.
disk-boot: $(DISK)
	$(Q)$(PYTHON) tools/bringup.py disk --disk $(DISK) --bus $(BUS) --append "$(APPEND)" $(BRINGUP_RUN)

# make netboot [APPEND=...] [INTERACTIVE=0]: SLOF boots over spapr-vlan, ELF served by TFTP.
netboot-dir: $(NETBOOT_DIR)/vmcfw.elf
$(NETBOOT_DIR)/vmcfw.elf: $(IMAGE) tools/elfnotes.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/elfnotes.py early $(IMAGE) $@
netboot: $(NETBOOT_DIR)/vmcfw.elf
	$(Q)$(PYTHON) tools/bringup.py net --tftp $(NETBOOT_DIR) --append "$(APPEND)" $(BRINGUP_RUN)

# make debug: QEMU halted with its gdb stub (console in $(O)/debug-console.log)
# and gdb-multiarch with the symbols at the address the image runs at.
# Two terminals instead: make debug-qemu (console there), then make debug-gdb.
debug: $(IMAGE)
	$(Q)$(PYTHON) tools/bringup.py debug --image $(IMAGE) --fw $(FW) --port $(GDB_PORT) \
		--kernel-addr $(KERNEL_ADDR) --console $(O)/debug-console.log --append "$(APPEND)"
debug-qemu: $(IMAGE)
	$(Q)$(PYTHON) tools/bringup.py debug --qemu-only --image $(IMAGE) --fw $(FW) --port $(GDB_PORT) \
		--kernel-addr $(KERNEL_ADDR) --append "$(APPEND)"
debug-gdb: $(IMAGE)
	$(Q)$(PYTHON) tools/bringup.py debug --gdb-only --image $(IMAGE) --port $(GDB_PORT) \
		--kernel-addr $(KERNEL_ADDR)

help-bringup:
	@echo 'Bring-up (tools/bringup.mk, docs/bring-up.md):'
	@echo '  make disk             build/vmcfw-disk.img: MBR, PReP partition (0x41, active) holding the ELF'
	@echo '  make disk-boot [BUS=virtio|vscsi]   SLOF boots that disk (boot args: APPEND=)'
	@echo '  make netboot          SLOF network boot over spapr-vlan, ELF served by QEMU TFTP'
	@echo '                        (INTERACTIVE=0 for disk-boot/netboot: console to stdout, exit status = verdict)'
	@echo '  make debug            QEMU halted with gdb stub + gdb-multiarch, symbols at the run address'
	@echo '  make debug-qemu / debug-gdb   the same in two terminals [GDB_PORT=1234 KERNEL_ADDR=0x400000]'
