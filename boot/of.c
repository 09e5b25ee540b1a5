// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * of.c - walk the device tree through the Open Firmware client interface
 * while firmware is alive, keep what the image needs in `dt`, instantiate
 * RTAS into memory claimed from firmware. Works with SLOF, VOF and (by the
 * same IEEE 1275 interface) PowerVM's partition firmware.
 *
 * Every cell OF sees is 32-bit big-endian and every pointer is below 4 GiB
 * (the image lives in the RMA).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot/cas.h"
#include "boot/of.h"
#include "hcall/firmware.h"
#include "hcall/rtas.h"
#include "lib/byteorder.h"
#include "lib/dt.h"
#include "lib/log.h"

#define OF_MAX_CELLS FIRMWARE_MAX_CELLS

static struct firmware_block of_block;

static uint64_t of_entry;
static const char *of_faults;
unsigned int of_calls;

static const char *const rtas_services[] = {
	"power-off", "system-reboot", "ibm,os-term", "ibm,set-xive", "ibm,get-xive",
	"ibm,int-on", "ibm,int-off", "get-time-of-day", "display-character",
	"ibm,nmi-register", "quiesce",
};

const char *of_result_name(enum of_result r)
{
	switch (r) {
	case OF_OK: return "ok";
	case OF_ERR_NO_ENTRY: return "no Open Firmware client interface";
	case OF_ERR_NO_VTY: return "no vty (hvterm) node under /vdevice";
	case OF_ERR_BAD_VTY: return "vty node has no valid reg property";
	case OF_ERR_NO_TIMEBASE: return "no cpu timebase-frequency";
	case OF_ERR_NO_MEMORY: return "no /memory reg";
	case OF_ERR_NO_RTAS: return "RTAS missing or not instantiable";
	}
	return "?";
}

#define PTR(p) ((uint32_t)(uintptr_t)(p))

/* One client-interface call; returns rets[0] (host order), rets[1..] in @rets. */
static int32_t of_call(const char *service, int nargs, int nret, uint32_t *rets, ...)
{
	va_list ap;

	if (nargs + nret > OF_MAX_CELLS)
		return -1;
	of_block.service = be32_swap(PTR(service));
	of_block.nargs = be32_swap(nargs);
	of_block.nret = be32_swap(nret);
	va_start(ap, rets);
	for (int i = 0; i < nargs; i++)
		of_block.cells[i] = be32_swap(va_arg(ap, uint32_t));
	va_end(ap);
	for (int i = 0; i < nret; i++)
		of_block.cells[nargs + i] = be32_swap(0xFFFFFFFFu);
	of_calls++;
	if (firmware_call(&of_block, of_entry, 0, 0) != 0)
		return -1;
	for (int i = 1; i < nret && rets; i++)
		rets[i - 1] = be32_swap(of_block.cells[nargs + i]);
	return (int32_t)be32_swap(of_block.cells[nargs]);
}

int32_t of_call_cells(const char *service, int nargs, int nret, const uint32_t *args,
		      uint32_t *rets)
{
	if (!of_entry || nargs < 0 || nret < 1 || nargs + nret > OF_MAX_CELLS)
		return -1;
	of_block.service = be32_swap(PTR(service));
	of_block.nargs = be32_swap(nargs);
	of_block.nret = be32_swap(nret);
	for (int i = 0; i < nargs; i++)
		of_block.cells[i] = be32_swap(args[i]);
	for (int i = 0; i < nret; i++)
		of_block.cells[nargs + i] = be32_swap(0xFFFFFFFFu);
	of_calls++;
	if (firmware_call(&of_block, of_entry, 0, 0) != 0)
		return -1;
	for (int i = 1; i < nret && rets; i++)
		rets[i - 1] = be32_swap(of_block.cells[nargs + i]);
	return (int32_t)be32_swap(of_block.cells[nargs]);
}

static bool fault(const char *name)
{
	const char *p = of_faults;
	size_t n = strlen(name);

	while (p && (p = strstr(p, name))) {
		if ((p == of_faults || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

static uint32_t finddevice(const char *path)
{
	return (uint32_t)of_call("finddevice", 1, 1, NULL, PTR(path));
}

static bool node_ok(uint32_t ph)
{
	return ph != 0 && ph != 0xFFFFFFFFu;
}

/* getprop into @buf; returns the property's real length or -1. */
static int getprop(uint32_t ph, const char *name, void *buf, uint32_t len)
{
	static char scratch[256] __attribute__((aligned(8)));
	int32_t n;

	if (len > sizeof(scratch))
		len = sizeof(scratch);
	n = of_call("getprop", 4, 1, NULL, ph, PTR(name), PTR(scratch), len);
	if (n > 0)
		memcpy(buf, scratch, (uint32_t)n < len ? (uint32_t)n : len);
	return n;
}

/* A NUL-terminated string property (first string of a list). */
static bool getprop_str(uint32_t ph, const char *name, char *out, size_t outlen)
{
	char buf[256];
	int n = getprop(ph, name, buf, sizeof(buf) - 1);

	out[0] = '\0';
	if (n <= 0)
		return false;
	buf[n < (int)sizeof(buf) - 1 ? n : (int)sizeof(buf) - 1] = '\0';
	snprintf(out, outlen, "%s", buf);
	return true;
}

/* Property as host-order cells; returns the number of cells or -1. */
static int getprop_cells(uint32_t ph, const char *name, uint32_t *cells, unsigned int max)
{
	int n = getprop(ph, name, cells, max * 4);

	if (n < 0)
		return -1;
	if (n % 4) {
		dt.errors++;
		pr_err("of", "property %s has length %d, not a multiple of 4", name, n);
		return -1;
	}
	n /= 4;
	if ((unsigned int)n > max)
		n = (int)max;
	for (int i = 0; i < n; i++)
		cells[i] = be32_swap(cells[i]);
	return n;
}

static bool getprop_u32(uint32_t ph, const char *name, uint32_t *v)
{
	uint32_t c[2];
	int n = getprop_cells(ph, name, c, 2);

	if (n == 1) {
		*v = c[0];
		return true;
	}
	if (n == 2) {	/* some trees give 64-bit values (timebase-frequency) */
		*v = c[1];
		return c[0] == 0;
	}
	return false;
}

static void walk_chosen(void)
{
	uint32_t ph = finddevice("/chosen");
	int n;

	if (!node_ok(ph))
		return;
	n = getprop(ph, "bootargs", dt.bootargs, sizeof(dt.bootargs) - 1);
	if (n > 0) {
		if ((size_t)n > sizeof(dt.bootargs) - 1) {
			dt.bootargs_truncated = true;
			n = sizeof(dt.bootargs) - 1;
		}
		dt.bootargs[n] = '\0';
	}
}

static void walk_cpus(void)
{
	uint32_t cpus = finddevice("/cpus");
	char type[32];

	if (!node_ok(cpus))
		return;
	for (uint32_t c = (uint32_t)of_call("child", 1, 1, NULL, cpus); node_ok(c);
	     c = (uint32_t)of_call("peer", 1, 1, NULL, c)) {
		if (!getprop_str(c, "device_type", type, sizeof(type)) || strcmp(type, "cpu"))
			continue;
		if (dt.cpu_count++ == 0) {
			uint32_t v;

			if (!fault("no-timebase") && getprop_u32(c, "timebase-frequency", &v))
				dt.tb_freq = v;
			if (getprop_u32(c, "ibm,ppc-interrupt-server#s", &v) ||
			    getprop_u32(c, "reg", &v))
				dt.boot_server = v;
		}
	}
}

static void walk_memory(void)
{
	uint32_t root = finddevice("/"), ph = finddevice("/memory@0");
	uint32_t ac = 2, sc = 1, reg[8];
	int n;

	if (!node_ok(ph))
		ph = finddevice("/memory");
	if (!node_ok(ph))
		return;
	getprop_u32(root, "#address-cells", &ac);
	getprop_u32(root, "#size-cells", &sc);
	n = getprop_cells(ph, "reg", reg, 8);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || n < (int)(ac + sc)) {
		dt.errors++;
		return;
	}
	dt.mem_base = ac == 2 ? ((uint64_t)reg[0] << 32 | reg[1]) : reg[0];
	dt.mem_size = sc == 2 ? ((uint64_t)reg[ac] << 32 | reg[ac + 1]) : reg[ac];
}

static void walk_vdev(uint32_t ph)
{
	struct dt_vdev *v;
	uint32_t cells[16], val;
	int n;

	if (dt.n_vdevs >= DT_MAX_VDEVS) {
		dt.vdevs_dropped++;
		return;
	}
	v = &dt.vdev[dt.n_vdevs++];
	memset(v, 0, sizeof(*v));
	getprop_str(ph, "name", v->name, sizeof(v->name));
	getprop_str(ph, "device_type", v->device_type, sizeof(v->device_type));
	getprop_str(ph, "compatible", v->compatible, sizeof(v->compatible));
	n = getprop_cells(ph, "reg", cells, 2);
	if (n == 1) {
		v->reg = cells[0];
		v->has_reg = true;
	} else if (n >= 0) {
		dt.errors++;
		pr_err("of", "/vdevice/%s: reg has %d cells, expected 1", v->name, n);
	}
	n = getprop_cells(ph, "interrupts", cells, 4);
	if (n >= 1) {
		v->irq = cells[0];
		v->has_irq = true;
	}
	if (getprop_u32(ph, "ibm,#dma-address-cells", &val))
		v->dma_addr_cells = val;
	if (getprop_u32(ph, "ibm,#dma-size-cells", &val))
		v->dma_size_cells = val;
	n = getprop_cells(ph, "ibm,my-dma-window", cells, 16);
	if (n > 0 && dt_parse_dma_window(v, cells, (unsigned int)n) < 0) {
		dt.errors++;
		pr_err("of", "/vdevice/%s: malformed ibm,my-dma-window (%d cells)", v->name, n);
	}
	if (getprop_u32(ph, "ibm,my-drc-index", &val)) {
		v->drc_index = val;
		v->has_drc_index = true;
	}
	if (!strcmp(v->name, "vty") && fault("vty-reg"))
		v->has_reg = false;	/* simulated: a vty whose reg is unreadable */
	if (!strcmp(v->name, "vty") && fault("no-vty"))
		dt.n_vdevs--;		/* simulated: no vty node at all */
}

static void walk_vdevice(void)
{
	uint32_t vd = finddevice("/vdevice");

	if (!node_ok(vd))
		return;
	for (uint32_t c = (uint32_t)of_call("child", 1, 1, NULL, vd); node_ok(c);
	     c = (uint32_t)of_call("peer", 1, 1, NULL, c))
		walk_vdev(c);
}

static bool instantiate_rtas(void)
{
	static uint32_t rtas_cell, rtas_cell2;
	uint32_t ph = finddevice("/rtas"), size = 0, rets[2] = { 0 };
	int32_t base, ih;

	if (!node_ok(ph) || fault("no-rtas"))
		return false;
	for (size_t i = 0; i < sizeof(rtas_services) / sizeof(rtas_services[0]); i++) {
		uint32_t tok;
		struct dt_rtas_token *t = &dt.rtas_tokens[dt.n_rtas_tokens++];

		t->name = rtas_services[i];
		t->token = getprop_u32(ph, rtas_services[i], &tok) ? (int32_t)tok : -1;
	}
	if (!getprop_u32(ph, "rtas-size", &size) || size == 0)
		return false;
	dt.rtas_size = size;
	base = of_call("claim", 3, 1, NULL, 0, size, 0x1000);
	if (base == -1 || base == 0)
		return false;
	ih = of_call("open", 1, 1, NULL, PTR("/rtas"));
	if (ih == 0 || ih == -1)
		return false;
	if (of_call("call-method", 3, 2, rets, PTR("instantiate-rtas"), (uint32_t)ih,
		    (uint32_t)base) != 0 || rets[0] == 0)
		return false;
	dt.rtas_base = (uint32_t)base;
	dt.rtas_entry = rets[0];
	/* Record where RTAS lives, as Linux does: QEMU's FWNMI delivery
	 * finds its save area by this property (a failure only loses FWNMI). */
	rtas_cell = be32_swap((uint32_t)base);
	of_call("setprop", 4, 1, NULL, ph, PTR("linux,rtas-base"), PTR(&rtas_cell), 4);
	rtas_cell2 = be32_swap(rets[0]);
	of_call("setprop", 4, 1, NULL, ph, PTR("linux,rtas-entry"), PTR(&rtas_cell2), 4);
	rtas_set_entry(dt.rtas_base, dt.rtas_entry);
	return true;
}

static void identify_firmware(void)
{
	uint32_t ph = finddevice("/openprom");
	char model[64] = "";

	if (node_ok(ph))
		getprop_str(ph, "model", model, sizeof(model));
	if (!strncmp(model, "SLOF", 4))
		snprintf(dt.firmware, sizeof(dt.firmware), "SLOF");
	else if (of_entry < 0x10000)
		snprintf(dt.firmware, sizeof(dt.firmware), "VOF");	/* VOF's CI sits in low memory */
	else
		snprintf(dt.firmware, sizeof(dt.firmware), "OF");
	ph = finddevice("/");
	getprop_str(ph, "model", dt.model, sizeof(dt.model));
}

/* dt-fault=a,b from the boot arguments: simulated faults for error-path tests. */
static void read_fault_arg(void)
{
	static char buf[64];
	const char *p = strstr(dt.bootargs, "dt-fault=");
	size_t n = 0;

	if (!p || (p != dt.bootargs && p[-1] != ' '))
		return;
	p += strlen("dt-fault=");
	while (p[n] && p[n] != ' ' && n < sizeof(buf) - 1) {
		buf[n] = p[n];
		n++;
	}
	buf[n] = '\0';
	of_faults = buf;
}

enum of_result of_walk(uint64_t entry)
{
	const struct dt_vdev *vty;
	bool rtas_ok;

	if (!entry || entry >= 0x100000000ULL)
		return OF_ERR_NO_ENTRY;
	of_entry = entry;
	identify_firmware();
	walk_chosen();
	read_fault_arg();
	cas_negotiate();	/* may rebuild the tree: walk it afterwards */
	walk_cpus();
	walk_memory();
	walk_vdevice();
	rtas_ok = instantiate_rtas();
	dt.valid = true;
	of_entry = 0;	/* never again */

	if (!rtas_ok)
		return OF_ERR_NO_RTAS;
	vty = dt_find_vdev("vty");
	if (!vty)
		return OF_ERR_NO_VTY;
	if (!vty->has_reg)
		return OF_ERR_BAD_VTY;
	if (!dt.tb_freq)
		return OF_ERR_NO_TIMEBASE;
	if (!dt.mem_size)
		return OF_ERR_NO_MEMORY;
	return OF_OK;
}
