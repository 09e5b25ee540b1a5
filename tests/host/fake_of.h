/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fake_of.h - a fake Open Firmware client interface for host tests of the
 * real boot/of.c: a table of nodes (path, handle, child and peer handles,
 * properties) answering finddevice, getprop, child, peer,
 * instance-to-package, claim, open, call-method and quiesce, cell by cell
 * through the same struct firmware_block the image passes.
 *
 * Include it after defining OF_PTR(p) as fake_of_ptr(p) and including
 * boot/of.c: the host's static data lies above 4 GiB, so the fake hands
 * out 32-bit tokens for the pointers of.c passes and maps them back. A
 * pointer OF was not given, a call after quiesce or a walk that does not
 * end aborts the test. Header-only because each host test links only its
 * own source (tests/host/host.mk).
 */
#ifndef VMCFW_TESTS_FAKE_OF_H
#define VMCFW_TESTS_FAKE_OF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcall/firmware.h"
#include "lib/byteorder.h"

#define FAKE_UNUSED		__attribute__((unused))
#define FAKE_MAX_NODES		64
#define FAKE_MAX_PROPS		16
#define FAKE_PROP_MAX		320	/* more than of.c reads, to test the cut */
#define FAKE_MAX_INST		8
#define FAKE_PTR_SLOTS		16
#define FAKE_PTR_BASE		0x7000u
#define FAKE_CALL_LIMIT		200000	/* far above OF_MAX_CALLS: a walk past it never ends */
#define FAKE_ERR		0xFFFFFFFFu

struct fake_prop {
	char name[40];
	uint8_t val[FAKE_PROP_MAX];
	uint32_t stored;	/* bytes a getprop copies at most */
	int32_t reported;	/* the length getprop answers (may lie) */
};

struct fake_node {
	char path[48];		/* "" when reachable only by handle */
	uint32_t ph;
	uint32_t child, peer;	/* what child/peer answer for this node */
	unsigned int n_props;
	struct fake_prop props[FAKE_MAX_PROPS];
};

struct fake_of {
	struct fake_node nodes[FAKE_MAX_NODES];
	unsigned int n_nodes;
	struct { uint32_t ih, ph; } inst[FAKE_MAX_INST];
	unsigned int n_inst;
	/* Handles no node owns: peer answers ph + 1 below synth_end (long lists). */
	uint32_t synth_start, synth_end;
	uint32_t claim_ret, open_ret, method_status, rtas_entry;
	bool quiesce_unknown;	/* answer quiesce like an OF without it */
	bool quiesced;
	unsigned int calls, quiesce_calls, calls_at_quiesce, unknown_calls;
	unsigned int setprop_calls;
	unsigned int cas_calls, calls_at_cas;	/* the cas_negotiate() stub below */
	uint64_t rtas_base_seen, rtas_entry_seen;
};

static struct fake_of fake;
static const void *fake_ptrs[FAKE_PTR_SLOTS];
static unsigned int fake_next_ptr;

/* Token for a pointer of.c passes to OF; valid for the next few calls. */
static uint32_t fake_of_ptr(const void *p)
{
	unsigned int slot = fake_next_ptr++ % FAKE_PTR_SLOTS;

	fake_ptrs[slot] = p;
	return FAKE_PTR_BASE + 16 * slot;
}

static void *fake_ptr(uint32_t token)
{
	uint32_t off = token - FAKE_PTR_BASE;

	if (token < FAKE_PTR_BASE || off % 16 || off / 16 >= FAKE_PTR_SLOTS ||
	    !fake_ptrs[off / 16]) {
		fprintf(stderr, "fake OF: 0x%x is not a pointer the image passed\n", token);
		abort();
	}
	return (void *)fake_ptrs[off / 16];
}

static FAKE_UNUSED void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(fake_ptrs, 0, sizeof(fake_ptrs));
	fake_next_ptr = 0;
	fake.claim_ret = 0x1000000;
	fake.open_ret = 0x5000;
	fake.rtas_entry = 0x1000100;
	memset(&dt, 0, sizeof(dt));
	of_calls = 0;
}

static struct fake_node *fake_find(uint32_t ph)
{
	for (unsigned int i = 0; i < fake.n_nodes; i++)
		if (fake.nodes[i].ph == ph)
			return &fake.nodes[i];
	return NULL;
}

static FAKE_UNUSED struct fake_node *fake_node(const char *path, uint32_t ph)
{
	struct fake_node *n;

	if (fake.n_nodes >= FAKE_MAX_NODES)
		abort();
	n = &fake.nodes[fake.n_nodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->path, sizeof(n->path), "%s", path ? path : "");
	n->ph = ph;
	return n;
}

static FAKE_UNUSED struct fake_prop *fake_prop(struct fake_node *n, const char *name,
					       const void *val, uint32_t len)
{
	struct fake_prop *p;

	if (n->n_props >= FAKE_MAX_PROPS || len > FAKE_PROP_MAX)
		abort();
	p = &n->props[n->n_props++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	memcpy(p->val, val, len);
	p->stored = len;
	p->reported = (int32_t)len;
	return p;
}

static FAKE_UNUSED struct fake_prop *fake_prop_str(struct fake_node *n, const char *name,
						   const char *s)
{
	return fake_prop(n, name, s, (uint32_t)strlen(s) + 1);
}

/* Cells in OF's order (big-endian), from host-order values. */
static FAKE_UNUSED struct fake_prop *fake_prop_cells(struct fake_node *n, const char *name,
						     const uint32_t *cells, unsigned int count)
{
	uint32_t be[FAKE_PROP_MAX / 4];

	if (count > FAKE_PROP_MAX / 4)
		abort();
	for (unsigned int i = 0; i < count; i++)
		be[i] = be32_swap(cells[i]);
	return fake_prop(n, name, be, count * 4);
}

static FAKE_UNUSED struct fake_prop *fake_prop_u32(struct fake_node *n, const char *name,
						   uint32_t v)
{
	return fake_prop_cells(n, name, &v, 1);
}

/* Make @kids (count @n) the child list of @parent, in order. */
static FAKE_UNUSED void fake_children(struct fake_node *parent, struct fake_node **kids,
				      unsigned int n)
{
	parent->child = n ? kids[0]->ph : 0;
	for (unsigned int i = 0; i < n; i++)
		kids[i]->peer = i + 1 < n ? kids[i + 1]->ph : 0;
}

static FAKE_UNUSED void fake_instance(uint32_t ih, uint32_t ph)
{
	if (fake.n_inst >= FAKE_MAX_INST)
		abort();
	fake.inst[fake.n_inst].ih = ih;
	fake.inst[fake.n_inst++].ph = ph;
}

static struct fake_node *fake_by_path(const char *path)
{
	for (unsigned int i = 0; i < fake.n_nodes; i++)
		if (fake.nodes[i].path[0] && !strcmp(fake.nodes[i].path, path))
			return &fake.nodes[i];
	return NULL;
}

static uint32_t fake_getprop(uint32_t ph, const char *name, uint8_t *buf, uint32_t len)
{
	struct fake_node *n = fake_find(ph);

	if (!n)
		return FAKE_ERR;
	for (unsigned int i = 0; i < n->n_props; i++) {
		struct fake_prop *p = &n->props[i];

		if (strcmp(p->name, name))
			continue;
		/*
		 * IEEE 1275: copy at most buflen bytes, answer the real length.
		 * A reported length beyond what is stored reads as zero bytes,
		 * so every value the walk keeps came from this table.
		 */
		uint32_t want = p->reported > 0 && (uint32_t)p->reported < len ?
				(uint32_t)p->reported : len;

		memcpy(buf, p->val, p->stored < want ? p->stored : want);
		if (want > p->stored)
			memset(buf + p->stored, 0, want - p->stored);
		return (uint32_t)p->reported;
	}
	return FAKE_ERR;
}

static uint32_t fake_relation(uint32_t ph, bool child)
{
	struct fake_node *n = fake_find(ph);

	if (n)
		return child ? n->child : n->peer;
	if (!child && ph >= fake.synth_start && ph < fake.synth_end)
		return ph + 1 < fake.synth_end ? ph + 1 : 0;
	return 0;
}

/* One client-interface call; returns what firmware's r3 would be. */
long firmware_call(void *args, uint64_t entry, uint64_t base, uint64_t msr)
{
	struct firmware_block *b = args;
	const char *svc = fake_ptr(be32_swap(b->service));
	uint32_t nargs = be32_swap(b->nargs), nret = be32_swap(b->nret);
	uint32_t a[FIRMWARE_MAX_CELLS] = { 0 }, r[FIRMWARE_MAX_CELLS] = { 0 };
	long rc = 0;

	if (!entry || entry >= 0x100000000ULL || msr != 0 || nargs + nret > FIRMWARE_MAX_CELLS)
		abort();
	if (fake.quiesced) {
		fprintf(stderr, "fake OF: '%s' called after quiesce\n", svc);
		abort();
	}
	if (++fake.calls > FAKE_CALL_LIMIT) {
		fprintf(stderr, "fake OF: more than %u calls: the walk does not end\n",
			FAKE_CALL_LIMIT);
		abort();
	}
	for (uint32_t i = 0; i < nargs; i++)
		a[i] = be32_swap(b->cells[i]);
	if (!strcmp(svc, "finddevice") && nargs == 1 && nret == 1) {
		struct fake_node *n = fake_by_path(fake_ptr(a[0]));

		r[0] = n ? n->ph : FAKE_ERR;
	} else if (!strcmp(svc, "getprop") && nargs == 4 && nret == 1) {
		r[0] = fake_getprop(a[0], fake_ptr(a[1]), fake_ptr(a[2]), a[3]);
	} else if (!strcmp(svc, "child") && nargs == 1 && nret == 1) {
		r[0] = fake_relation(a[0], true);
	} else if (!strcmp(svc, "peer") && nargs == 1 && nret == 1) {
		r[0] = fake_relation(a[0], false);
	} else if (!strcmp(svc, "instance-to-package") && nargs == 1 && nret == 1) {
		r[0] = FAKE_ERR;
		for (unsigned int i = 0; i < fake.n_inst; i++)
			if (fake.inst[i].ih == a[0])
				r[0] = fake.inst[i].ph;
	} else if (!strcmp(svc, "claim") && nargs == 3 && nret == 1) {
		r[0] = fake.claim_ret;
	} else if (!strcmp(svc, "open") && nargs == 1 && nret == 1) {
		(void)fake_ptr(a[0]);
		r[0] = fake.open_ret;
	} else if (!strcmp(svc, "call-method") && nargs == 3 && nret == 2) {
		(void)fake_ptr(a[0]);
		r[0] = fake.method_status;
		r[1] = fake.rtas_entry;
	} else if (!strcmp(svc, "setprop") && nargs == 4 && nret == 1) {
		(void)fake_ptr(a[1]);
		(void)fake_ptr(a[2]);
		fake.setprop_calls++;
		r[0] = a[3];	/* the length stored */
	} else if (!strcmp(svc, "quiesce") && nargs == 0 && nret == 0 && !fake.quiesce_unknown) {
		fake.quiesced = true;
		fake.quiesce_calls++;
		fake.calls_at_quiesce = fake.calls;
	} else {
		fake.unknown_calls++;
		rc = -1;	/* like SLOF for a service it lacks */
	}
	for (uint32_t i = 0; i < nret; i++)
		b->cells[nargs + i] = be32_swap(r[i]);
	return rc;
}

/*
 * boot/cas.c is not built for the host (it reads the PVR and the linker's
 * _image_end); of_walk's call to it is recorded, so a test can check that
 * CAS runs once, before the walks that read the tree it may rebuild.
 */
void cas_negotiate(void)
{
	fake.cas_calls++;
	fake.calls_at_cas = fake.calls;
}

void rtas_set_entry(uint64_t base, uint64_t entry)
{
	fake.rtas_base_seen = base;
	fake.rtas_entry_seen = entry;
}

#endif /* VMCFW_TESTS_FAKE_OF_H */
