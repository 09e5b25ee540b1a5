// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_of.c - libFuzzer target for the real boot/of.c: the input is a
 * device tree for the fake Open Firmware of tests/host/fake_of.h, with
 * arbitrary child/peer handles (loops, dangling handles, lists longer than
 * the walk accepts), properties of any length that may lie about it, and
 * arbitrary answers from instance-to-package, claim, open, call-method and
 * quiesce.
 *
 * After each walk: it ended (the fake aborts past its own call limit), it
 * stayed within OF_MAX_CALLS + OF_FINAL_CALLS, nothing called OF after quiesce, every
 * snapshot string is NUL-ended within its array, the counts are within
 * their arrays, and the boot server is 0 or a cell that some property of
 * the tree holds (the walk never invents one).
 *
 * Input layout (bytes; missing bytes read as 0):
 *   flags (bit0 VOF-like entry, bit1 OF without quiesce), node count,
 *   long synthetic list length (2 bytes), claim, open, call-method choices,
 *   instance count then per instance (ihandle low byte, handle choice),
 *   then per node: path index, handle low byte, child choice, peer choice,
 *   property count, and per property: name index, mode, length, bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dt.h"
#include "lib/log.h"

/* Low enough that a long list of the input can spend it (boot/of.h allows this). */
#define OF_MAX_CALLS 1500
static uint32_t fake_of_ptr(const void *p);
#define OF_PTR(p) fake_of_ptr(p)
#include "boot/of.c"
#include "tests/host/fake_of.h"

static const char *const paths[] = {
	"/", "/openprom", "/chosen", "/cpus", "/memory@0", "/memory", "/vdevice", "/rtas",
};
#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

static const char *const prop_names[] = {
	"name", "device_type", "compatible", "reg", "interrupts", "ibm,#dma-address-cells",
	"ibm,#dma-size-cells", "ibm,my-dma-window", "ibm,my-drc-index", "timebase-frequency",
	"ibm,ppc-interrupt-server#s", "bootargs", "cpu", "model", "#address-cells",
	"#size-cells", "rtas-size", "ibm,set-xive", "power-off", "ibm,os-term",
};
#define N_NAMES (sizeof(prop_names) / sizeof(prop_names[0]))

#define SYNTH_START	0x10000u
#define IH_BASE		0x9000u
#define MAX_NODES	32
static enum of_result of_walk_last;

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* A handle as the tree gives it: a node's, none, an error, or a dangling one. */
static uint32_t handle(uint8_t choice, unsigned int n_nodes)
{
	unsigned int k = choice % (n_nodes + 4);

	if (k < n_nodes)
		return fake.nodes[k].ph;
	switch (k - n_nodes) {
	case 0: return 0;
	case 1: return FAKE_ERR;
	case 2: return SYNTH_START;
	default: return 0xdead;
	}
}

static void read_prop(struct reader *r, struct fake_node *n)
{
	uint8_t name = rd8(r), mode = rd8(r), val[FAKE_PROP_MAX];
	uint32_t len = rd8(r);
	struct fake_prop *p;

	if (mode & 0x40)
		len += 64;	/* past of.c's 256-byte scratch */
	for (uint32_t i = 0; i < len; i++)
		val[i] = rd8(r);
	if (n->n_props >= FAKE_MAX_PROPS)
		return;
	p = fake_prop(n, prop_names[name % N_NAMES], val, len);
	switch (mode & 3) {
	case 1: p->reported = 0x7fffffff; break;		/* absurdly long */
	case 2: p->reported = (int32_t)len + 1 + (mode >> 2 & 3); break;	/* longer, ragged */
	case 3: p->reported = (int32_t)len / 2; break;		/* shorter than stored */
	default: break;
	}
	if (mode & 0x80)
		p->reported = -(int32_t)(mode & 0x0f) - 2;		/* negative, not -1 */
}

/* True when @v is a big-endian cell some property of the tree holds. */
static bool cell_in_tree(uint32_t v)
{
	uint32_t be = be32_swap(v);

	for (unsigned int i = 0; i < fake.n_nodes; i++)
		for (unsigned int j = 0; j < fake.nodes[i].n_props; j++) {
			const struct fake_prop *p = &fake.nodes[i].props[j];

			/* A reported length past the stored bytes reads as zeros
			 * (fake_getprop), so a cell may end in the padding. */
			for (uint32_t o = 0; o < p->stored && o + 4 <= sizeof(p->val); o += 4)
				if (!memcmp(p->val + o, &be, 4))
					return true;
		}
	return false;
}

static void check_str(const char *s, size_t size)
{
	if (strnlen(s, size) >= size)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	uint8_t flags, n_nodes, n_inst;
	uint8_t links[MAX_NODES][2];
	uint32_t synth;
	enum of_result res;

	fake_reset();
	log_ring_reset();
	flags = rd8(&r);
	n_nodes = rd8(&r) % (MAX_NODES + 1);
	synth = (uint32_t)rd8(&r) << 8;
	synth = (synth | rd8(&r)) % (OF_MAX_CHILDREN + 80);
	fake.synth_start = SYNTH_START;
	fake.synth_end = SYNTH_START + synth;
	fake.claim_ret = (uint32_t[]){ 0x1000000, 0, FAKE_ERR, 0x2000 }[rd8(&r) & 3];
	fake.open_ret = (uint32_t[]){ 0x5000, 0, FAKE_ERR, 0x5001 }[rd8(&r) & 3];
	fake.method_status = rd8(&r) & 1 ? FAKE_ERR : 0;
	fake.rtas_entry = fake.method_status ? 0 : 0x1000100;
	fake.quiesce_unknown = flags & 2;
	n_inst = rd8(&r) % (FAKE_MAX_INST + 1);
	uint8_t inst[FAKE_MAX_INST][2];

	for (unsigned int i = 0; i < n_inst; i++) {
		inst[i][0] = rd8(&r);
		inst[i][1] = rd8(&r);
	}
	for (unsigned int i = 0; i < n_nodes; i++) {
		uint8_t path = rd8(&r), ph = rd8(&r), n_props;
		struct fake_node *n;

		n = fake_node(path % (N_PATHS + 1) < N_PATHS ? paths[path % (N_PATHS + 1)] : NULL,
			      0x100u + (ph & 0x3f));
		links[i][0] = rd8(&r);
		links[i][1] = rd8(&r);
		n_props = rd8(&r) % (FAKE_MAX_PROPS + 1);
		for (unsigned int j = 0; j < n_props; j++)
			read_prop(&r, n);
	}
	/* Links and instances name nodes by index: resolve once all exist. */
	for (unsigned int i = 0; i < n_nodes; i++) {
		fake.nodes[i].child = handle(links[i][0], n_nodes);
		fake.nodes[i].peer = handle(links[i][1], n_nodes);
	}
	for (unsigned int i = 0; i < n_inst; i++)
		fake_instance(IH_BASE + inst[i][0] % 4, handle(inst[i][1], n_nodes));

	res = of_walk_last = of_walk(flags & 1 ? 0x10cu : 0x1daf04c4u);

	if ((unsigned int)res > OF_ERR_TREE)
		abort();
	if (strlen(of_result_name(res)) >= sizeof(of_tree_error))
		abort();
	if (fake.calls > OF_MAX_CALLS + OF_FINAL_CALLS || fake.quiesce_calls > 1)
		abort();
	if (fake.quiesce_calls && fake.calls_at_quiesce != fake.calls)
		abort();
	if (dt.n_vdevs > DT_MAX_VDEVS || dt.n_rtas_tokens > DT_MAX_RTAS_TOKENS)
		abort();
	for (unsigned int i = 0; i < dt.n_vdevs; i++) {
		check_str(dt.vdev[i].name, sizeof(dt.vdev[i].name));
		check_str(dt.vdev[i].device_type, sizeof(dt.vdev[i].device_type));
		check_str(dt.vdev[i].compatible, sizeof(dt.vdev[i].compatible));
		if (dt.vdev[i].n_windows > DT_MAX_DMA_WINDOWS)
			abort();
	}
	check_str(dt.bootargs, sizeof(dt.bootargs));
	check_str(dt.model, sizeof(dt.model));
	check_str(dt.firmware, sizeof(dt.firmware));
	if (dt.boot_server != 0 && !cell_in_tree(dt.boot_server))
		abort();
	if (!dt.valid || of_entry != 0)
		abort();
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_sink(NULL);	/* the ring only: the fuzzer's output stays readable */
	return 0;
}
