// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * of.c - walk the device tree through the Open Firmware client interface
 * while firmware is alive, keep what the image needs in `dt`, instantiate
 * RTAS into memory claimed from firmware. Works with SLOF, VOF and (by the
 * same IEEE 1275 interface) PowerVM's partition firmware.
 *
 * Every cell OF sees is 32-bit big-endian and every pointer is below 4 GiB
 * (the image lives in the RMA).
 *
 * The tree comes from firmware we do not control, so every walk is bounded:
 * a budget of client-interface calls for the whole walk, a cap on the
 * children of one node with loop detection (a peer list that comes back to
 * a node already seen), fixed buffers for properties (longer values are cut
 * and counted) and names (longer ones are logged). The walks themselves are
 * at most one level below a node found by path, so depth is bounded by
 * construction. A broken list ends the walk with OF_ERR_TREE, which boot
 * turns into its fatal path with the reason, instead of hanging.
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
static bool of_quiesced;
static unsigned int of_call_limit;	/* calls allowed so far (see of_walk) */
static bool of_budget_spent;
unsigned int of_calls;

/* First structural error of the walk (cycle, too many nodes, call budget). */
static char of_tree_error[128];

/* The chosen boot thread, resolved after the /cpus walk. */
struct of_cpu {
	uint32_t ph;			/* 0: none */
	char name[DT_NAME_LEN];
	uint32_t reg;
	bool has_reg;
	uint32_t servers[OF_MAX_THREADS];
	int n_servers;			/* -1: no ibm,ppc-interrupt-server#s */
};
static uint32_t chosen_cpu_ph;		/* /chosen/cpu as a package, 0 if none */
static bool chosen_cpu_present;		/* /chosen has a cpu property at all */
static struct of_cpu first_cpu;

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
	case OF_ERR_TREE: return of_tree_error[0] ? of_tree_error : "malformed device tree";
	}
	return "?";
}

/*
 * Pointers OF sees are 32-bit: the image runs below 4 GiB. Host tests, whose
 * static data is not, define OF_PTR to hand their fake firmware a token.
 */
#ifndef OF_PTR
#define OF_PTR(p) ((uint32_t)(uintptr_t)(p))
#endif
#define PTR(p) OF_PTR(p)

static void tree_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void tree_error(const char *fmt, ...)
{
	char msg[sizeof(of_tree_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dt.errors++;
	pr_err("of", "%s", msg);
	if (!of_tree_error[0])
		snprintf(of_tree_error, sizeof(of_tree_error), "%s", msg);
}

/*
 * The budget check both call forms share. Return: true when one more call
 * may be made.
 */
static bool of_call_allowed(const char *service)
{
	if (of_calls < of_call_limit)
		return true;
	/* Said once: every later call fails fast, so each walk ends. */
	if (!of_budget_spent) {
		of_budget_spent = true;
		tree_error("more than %u Open Firmware calls: walk abandoned at '%s'",
			   OF_MAX_CALLS, service);
	}
	return false;
}

/* Make the call whose argument cells are already in of_block. */
static int32_t of_call_block(const char *service, int nargs, int nret, uint32_t *rets)
{
	of_block.service = be32_swap(PTR(service));
	of_block.nargs = be32_swap(nargs);
	of_block.nret = be32_swap(nret);
	for (int i = 0; i < nret; i++)
		of_block.cells[nargs + i] = be32_swap(0xFFFFFFFFu);
	of_calls++;
	if (firmware_call(&of_block, of_entry, 0, 0) != 0)
		return -1;
	if (nret == 0)
		return 0;
	for (int i = 1; i < nret && rets; i++)
		rets[i - 1] = be32_swap(of_block.cells[nargs + i]);
	return (int32_t)be32_swap(of_block.cells[nargs]);
}

int32_t of_call(const char *service, int nargs, int nret, uint32_t *rets, ...)
{
	va_list ap;

	if (nargs < 0 || nret < 0 || nargs + nret > OF_MAX_CELLS || !of_entry)
		return -1;
	if (!of_call_allowed(service))
		return -1;
	va_start(ap, rets);
	for (int i = 0; i < nargs; i++)
		of_block.cells[i] = be32_swap(va_arg(ap, uint32_t));
	va_end(ap);
	return of_call_block(service, nargs, nret, rets);
}

int32_t of_call_cells(const char *service, int nargs, int nret, const uint32_t *args,
		      uint32_t *rets)
{
	if (!of_entry || nargs < 0 || nret < 1 || nargs + nret > OF_MAX_CELLS)
		return -1;
	if (!of_call_allowed(service))
		return -1;
	for (int i = 0; i < nargs; i++)
		of_block.cells[i] = be32_swap(args[i]);
	return of_call_block(service, nargs, nret, rets);
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


uint32_t of_finddevice(const char *path)
{
	return (uint32_t)of_call("finddevice", 1, 1, NULL, PTR(path));
}

bool of_node_ok(uint32_t ph)
{
	return ph != 0 && ph != 0xFFFFFFFFu;
}

int of_getprop(uint32_t ph, const char *name, void *buf, uint32_t len)
{
	static char scratch[OF_MAX_PROP] __attribute__((aligned(8)));
	int32_t n;

	/* OF writes at most @len bytes; the scratch keeps the buffer below 4 GiB. */
	if (len > sizeof(scratch))
		len = sizeof(scratch);
	n = of_call("getprop", 4, 1, NULL, ph, PTR(name), PTR(scratch), len);
	if (n > 0)
		memcpy(buf, scratch, (uint32_t)n < len ? (uint32_t)n : len);
	return n < 0 ? -1 : n;
}

bool of_getprop_str(uint32_t ph, const char *name, char *out, size_t outlen)
{
	char buf[OF_MAX_PROP];
	int n = of_getprop(ph, name, buf, sizeof(buf) - 1);
	size_t len;

	out[0] = '\0';
	if (n <= 0)
		return false;
	buf[n < (int)sizeof(buf) - 1 ? n : (int)sizeof(buf) - 1] = '\0';
	len = strlen(buf);
	if (len >= outlen) {
		/* Kept cut rather than dropped, but a cut name can no longer match. */
		dt.errors++;
		pr_warn("of", "node 0x%x: property %s is %zu+ bytes, longer than %zu: cut",
			ph, name, len, outlen - 1);
	}
	snprintf(out, outlen, "%s", buf);
	return true;
}

int of_getprop_cells(uint32_t ph, const char *name, uint32_t *cells, unsigned int max)
{
	int n;

	if (max > OF_MAX_PROP / 4)	/* never report cells the scratch could not hold */
		max = OF_MAX_PROP / 4;
	n = of_getprop(ph, name, cells, max * 4);
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

bool of_getprop_u32(uint32_t ph, const char *name, uint32_t *v)
{
	uint32_t c[3];
	int n = of_getprop_cells(ph, name, c, 3);

	if (n == 1) {
		*v = c[0];
		return true;
	}
	if (n == 2 && c[0] == 0) {	/* some trees give 64-bit values (timebase-frequency) */
		*v = c[1];
		return true;
	}
	return false;	/* absent, or a list: never read a list as one number */
}

static uint32_t child_check(struct of_children *it, uint32_t ph)
{
	if (!of_node_ok(ph))
		return 0;
	for (unsigned int i = 0; i <= it->n; i++) {
		if (it->seen[i] == ph) {
			tree_error("%s: child list loops back to node 0x%x after %u node(s)",
				   it->what, ph, it->n);
			return 0;
		}
	}
	if (it->n >= OF_MAX_CHILDREN) {
		tree_error("%s: more than %u children", it->what, OF_MAX_CHILDREN);
		return 0;
	}
	it->seen[++it->n] = ph;
	return ph;
}

uint32_t of_child_first(struct of_children *it, uint32_t parent, const char *what)
{
	it->what = what;
	it->n = 0;
	it->seen[0] = parent;	/* a child list that returns to its parent is a loop too */
	return child_check(it, (uint32_t)of_call("child", 1, 1, NULL, parent));
}

uint32_t of_child_next(struct of_children *it, uint32_t node)
{
	return child_check(it, (uint32_t)of_call("peer", 1, 1, NULL, node));
}

static void walk_chosen(void)
{
	uint32_t ph = of_finddevice("/chosen"), ih;
	int n;

	if (!of_node_ok(ph))
		return;
	n = of_getprop(ph, "bootargs", dt.bootargs, sizeof(dt.bootargs) - 1);
	if (n > 0) {
		if ((size_t)n > sizeof(dt.bootargs) - 1) {
			dt.bootargs_truncated = true;
			n = sizeof(dt.bootargs) - 1;
		}
		dt.bootargs[n] = '\0';
	}
	/* /chosen/cpu is an ihandle (an opened cpu node), not a package. */
	if (of_getprop_u32(ph, "cpu", &ih)) {
		uint32_t pkg = (uint32_t)of_call("instance-to-package", 1, 1, NULL, ih);

		chosen_cpu_present = true;
		if (of_node_ok(pkg))
			chosen_cpu_ph = pkg;
		else
			pr_warn("of", "/chosen/cpu: ihandle 0x%x has no package", ih);
	}
}

static void read_cpu(struct of_cpu *cpu, uint32_t ph)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->ph = ph;
	of_getprop_str(ph, "name", cpu->name, sizeof(cpu->name));
	cpu->has_reg = of_getprop_u32(ph, "reg", &cpu->reg);
	cpu->n_servers = of_getprop_cells(ph, "ibm,ppc-interrupt-server#s", cpu->servers,
					  OF_MAX_THREADS);
}

/*
 * The interrupt server of the thread running us. A cpu node is a core; its
 * ibm,ppc-interrupt-server#s lists one server per thread and its reg is the
 * thread firmware opened as /chosen/cpu (the one that entered the image).
 */
static bool cpu_server(const struct of_cpu *cpu, uint32_t *server)
{
	if (cpu->n_servers > 0) {
		for (int i = 0; cpu->has_reg && i < cpu->n_servers; i++) {
			if (cpu->servers[i] == cpu->reg) {
				*server = cpu->reg;
				return true;
			}
		}
		if (cpu->has_reg)
			pr_warn("of", "cpu %s: reg 0x%x is not in its ibm,ppc-interrupt-server#s; "
				"taking its first thread", cpu->name, cpu->reg);
		*server = cpu->servers[0];
		return true;
	}
	if (cpu->has_reg) {	/* no thread list: reg is the server (one thread per node) */
		*server = cpu->reg;
		return true;
	}
	return false;
}

static void resolve_boot_server(void)
{
	struct of_cpu chosen;
	const struct of_cpu *cpu = NULL;
	const char *from = "/chosen/cpu";
	char type[DT_NAME_LEN];
	uint32_t server = 0;

	if (chosen_cpu_ph) {
		read_cpu(&chosen, chosen_cpu_ph);
		if (!of_getprop_str(chosen_cpu_ph, "device_type", type, sizeof(type)) ||
		    strcmp(type, "cpu"))
			pr_warn("of", "/chosen/cpu is not a cpu node (device_type '%s')", type);
		else if (cpu_server(&chosen, &server))
			cpu = &chosen;
		else
			pr_warn("of", "/chosen/cpu %s has neither reg nor "
				"ibm,ppc-interrupt-server#s", chosen.name);
	} else if (!chosen_cpu_present) {
		pr_info("of", "no /chosen/cpu: the boot thread is taken to be the first thread "
			"of the first cpu node");
	}
	if (!cpu) {
		from = "first cpu node";
		if (first_cpu.ph && cpu_server(&first_cpu, &server))
			cpu = &first_cpu;
	}
	if (!cpu) {
		dt.boot_server = 0;
		pr_warn("of", "no cpu node gives an interrupt server; using server 0");
		return;
	}
	dt.boot_server = server;
	pr_info("of", "boot thread: interrupt server %u from %s (%s@%x, %d thread(s) listed)",
		server, from, cpu->name, cpu->has_reg ? cpu->reg : server,
		cpu->n_servers > 0 ? cpu->n_servers : 1);
}

static void walk_cpus(void)
{
	static struct of_children it;
	uint32_t cpus = of_finddevice("/cpus");
	char type[32];

	if (!of_node_ok(cpus))
		return;
	for (uint32_t c = of_child_first(&it, cpus, "/cpus"); c; c = of_child_next(&it, c)) {
		if (!of_getprop_str(c, "device_type", type, sizeof(type)) || strcmp(type, "cpu"))
			continue;
		if (dt.cpu_count++ == 0) {
			uint32_t v;

			if (!fault("no-timebase") && of_getprop_u32(c, "timebase-frequency", &v))
				dt.tb_freq = v;
			read_cpu(&first_cpu, c);
		}
	}
}

static void walk_memory(void)
{
	uint32_t root = of_finddevice("/"), ph = of_finddevice("/memory@0");
	uint32_t ac = 2, sc = 1, reg[8];
	int n;

	if (!of_node_ok(ph))
		ph = of_finddevice("/memory");
	if (!of_node_ok(ph))
		return;
	of_getprop_u32(root, "#address-cells", &ac);
	of_getprop_u32(root, "#size-cells", &sc);
	n = of_getprop_cells(ph, "reg", reg, 8);
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
	of_getprop_str(ph, "name", v->name, sizeof(v->name));
	of_getprop_str(ph, "device_type", v->device_type, sizeof(v->device_type));
	of_getprop_str(ph, "compatible", v->compatible, sizeof(v->compatible));
	n = of_getprop_cells(ph, "reg", cells, 2);
	if (n == 1) {
		v->reg = cells[0];
		v->has_reg = true;
	} else if (n >= 0) {
		dt.errors++;
		pr_err("of", "/vdevice/%s: reg has %d cells, expected 1", v->name, n);
	}
	n = of_getprop_cells(ph, "interrupts", cells, 4);
	if (n >= 1) {
		v->irq = cells[0];
		v->has_irq = true;
	}
	if (of_getprop_u32(ph, "ibm,#dma-address-cells", &val))
		v->dma_addr_cells = val;
	if (of_getprop_u32(ph, "ibm,#dma-size-cells", &val))
		v->dma_size_cells = val;
	n = of_getprop_cells(ph, "ibm,my-dma-window", cells, 16);
	if (n > 0 && dt_parse_dma_window(v, cells, (unsigned int)n) < 0) {
		dt.errors++;
		pr_err("of", "/vdevice/%s: malformed ibm,my-dma-window (%d cells)", v->name, n);
	}
	if (of_getprop_u32(ph, "ibm,my-drc-index", &val)) {
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
	static struct of_children it;
	uint32_t vd = of_finddevice("/vdevice");

	if (!of_node_ok(vd))
		return;
	for (uint32_t c = of_child_first(&it, vd, "/vdevice"); c; c = of_child_next(&it, c))
		walk_vdev(c);
}

static bool instantiate_rtas(void)
{
	static uint32_t rtas_cell, rtas_cell2;
	uint32_t ph = of_finddevice("/rtas"), size = 0, rets[2] = { 0 };
	int32_t base, ih;

	if (!of_node_ok(ph) || fault("no-rtas"))
		return false;
	for (size_t i = 0; i < sizeof(rtas_services) / sizeof(rtas_services[0]) &&
	     dt.n_rtas_tokens < DT_MAX_RTAS_TOKENS; i++) {
		uint32_t tok;
		struct dt_rtas_token *t = &dt.rtas_tokens[dt.n_rtas_tokens++];

		t->name = rtas_services[i];
		t->token = of_getprop_u32(ph, rtas_services[i], &tok) ? (int32_t)tok : -1;
	}
	if (!of_getprop_u32(ph, "rtas-size", &size) || size == 0)
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
	uint32_t ph = of_finddevice("/openprom");
	char model[64] = "";

	if (of_node_ok(ph))
		of_getprop_str(ph, "model", model, sizeof(model));
	if (!strncmp(model, "SLOF", 4))
		snprintf(dt.firmware, sizeof(dt.firmware), "SLOF");
	else if (of_entry < 0x10000)
		snprintf(dt.firmware, sizeof(dt.firmware), "VOF");	/* VOF's CI sits in low memory */
	else
		snprintf(dt.firmware, sizeof(dt.firmware), "OF");
	ph = of_finddevice("/");
	of_getprop_str(ph, "model", dt.model, sizeof(dt.model));
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

/*
 * Firmware stops its own use of devices (DMA, timers, its console input)
 * before we take them over; the image does not need OF after this. SLOF
 * and QEMU's VOF both implement it; an OF that refuses it is only logged.
 */
static void quiesce(void)
{
	int32_t rc = of_call("quiesce", 0, 0, NULL);

	of_quiesced = rc == 0;
	if (rc == 0)
		pr_info("of", "quiesce: done after %u calls; Open Firmware is not called again",
			of_calls);
	else
		pr_warn("of", "quiesce: refused by Open Firmware (%d)", rc);
}

enum of_result of_walk(uint64_t entry)
{
	const struct dt_vdev *vty;
	bool rtas_ok;

	if (!entry || entry >= 0x100000000ULL)
		return OF_ERR_NO_ENTRY;
	of_entry = entry;
	of_calls = 0;
	of_call_limit = OF_MAX_CALLS;
	of_budget_spent = false;
	of_faults = NULL;
	of_quiesced = false;
	of_tree_error[0] = '\0';
	chosen_cpu_ph = 0;
	chosen_cpu_present = false;
	memset(&first_cpu, 0, sizeof(first_cpu));

	identify_firmware();
	walk_chosen();
	read_fault_arg();
	cas_negotiate();	/* may rebuild the tree: walk it afterwards */
	walk_cpus();
	resolve_boot_server();
	walk_memory();
	walk_vdevice();
	/*
	 * RTAS and quiesce get calls of their own even when the walks spent the
	 * budget: the fatal path needs RTAS to end the partition.
	 */
	of_call_limit = of_calls + OF_FINAL_CALLS;
	rtas_ok = instantiate_rtas();
	quiesce();
	dt.valid = true;
	of_entry = 0;	/* never again */

	if (of_tree_error[0])
		return OF_ERR_TREE;
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

bool of_was_quiesced(void)
{
	return of_quiesced;
}
