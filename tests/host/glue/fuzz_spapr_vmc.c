// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_spapr_vmc.c - libFuzzer target: the real QEMU glue hv/qemu/spapr_vmc.c
 * with the real engine (every hv/ C file), compiled against a thin QEMU shim
 * (tests/host/glue/shim/), driven as a hostile guest and a hostile peer at
 * once: hcalls of any shape (H_REG_CRQ, H_FREE_CRQ, H_SEND_CRQ,
 * H_REQUEST_VMC, H_COPY_RDMA, H_ENABLE_CRQ), TCE entries and bypass, guest
 * memory scribbles, machine reset, stop/continue (the run-state handler, so
 * suspend-on-resume), bottom halves and timers fired by the fuzzer, chardev
 * writes that take all, take part, say EAGAIN or fail (EPIPE), peer
 * connects, disconnects, half-closes and bytes, a migration round trip
 * (suspend-event on or off, the stream damaged or not), the device tree
 * node.
 *
 * Input: two configuration bytes (the properties), then operations, one
 * byte each plus their arguments; missing bytes read as 0.
 *
 * Besides ASan/UBSan it checks work budgets (abort on excess):
 *  - guest-memory reads per operation: at most 2 per CRQ entry sent (or
 *    dropped on a busy slot under crq-full-drop) plus a constant, and two
 *    per engine run a host frame started (the documented cost:
 *    docs/qemu-device.md §2.4);
 *  - timer callbacks per virtual millisecond (the retry backoff starts at
 *    1 ms) and bottom halves that keep rescheduling themselves;
 *  - watch wake-ups that make no progress (the socket was writable and the
 *    backlog did not shrink, or a watch re-armed with nothing to write).
 *
 * The shim follows QEMU 7.2 where the glue depends on it: spapr_vio_send_crq()
 * (hw/ppc/spapr_vio.c: header byte non-zero = busy, payload then header),
 * H_REG_CRQ's checks, the sPAPR TCE IOMMU (permission bits per page, bypass
 * maps RAM 1:1), machine reset (TCE table cleared, CRQ freed, then the
 * device's reset), H_ENABLE_CRQ (any existing unit, then the project's hook),
 * stop and continue (run state set, then the handlers told).
 */
#include "qemu_shim.h"

#include <sanitizer/asan_interface.h>
#include <stdarg.h>

#include "lib/byteorder.h"

#define RAM_SIZE	(64u * 1024u)
#define TCE_PAGES	64u
#define UNIT		0x71000010u

/* The glue itself: its statics (the singleton) are reset per input. */
#include "hv/qemu/spapr_vmc.c"

/* ------------------------------------------------------------------ */
/* The world                                                          */
/* ------------------------------------------------------------------ */

enum chr_mode { CHR_ALL, CHR_SHORT, CHR_EAGAIN, CHR_EPIPE, CHR_MODES };

struct QEMUBH {
	QEMUBHFunc *cb;
	void *opaque;
	bool scheduled;
};

struct QEMUTimer {
	QEMUTimerCB *cb;
	void *opaque;
	int64_t expire;		/* -1: not armed */
};

static struct {
	uint8_t ram[RAM_SIZE];
	uint64_t tce[TCE_PAGES];
	SpaprTceTable tcet;
	QEMUBH bhs[4];
	unsigned int nbh;
	QEMUTimer timers[2];
	unsigned int ntimer;
	int64_t now_us;
	bool running;
	/* chardev */
	bool connected;
	enum chr_mode chr;
	IOCanReadHandler *can_read;
	IOReadHandler *read;
	IOEventHandler *event;
	void *chr_opaque;
	FEWatchFunc *watch_fn;
	void *watch_opaque;
	guint watch_id;
	/* device */
	spapr_hcall_fn h_request_vmc, h_copy_rdma;
	const TypeInfo *type;
	SpaprVioDeviceClass klass;
	/* the run-state handler (suspend-on-resume) */
	VMChangeStateHandler *vm_change;
	void *vm_change_opaque;
	/* budgets */
	uint64_t dma_reads;
	uint64_t crq_sent;
	SpaprVmcState *dev;
} W;

/* The project's hooks in QEMU's spapr_vio.c (hv/qemu/build-qemu.sh). */
void (*spapr_vio_crq_notify)(SpaprVioDevice *dev, bool registered);
void (*spapr_vio_crq_enable_notify)(SpaprVioDevice *dev);

/*
 * CRQ entries out of the engine: written into the guest's CRQ, or dropped on
 * a busy slot under crq-full-drop (the engine sees those as sent and goes on
 * to the next; each cost its two reads too). A migration may restore the
 * drop counter to any value: its operation reads no guest memory.
 */
static uint64_t entries_out(void)
{
	return W.crq_sent + (W.dev ? W.dev->dev.crq_full_dropped : 0);
}

static void budget_fail(const char *what)
{
	fprintf(stderr, "fuzz_spapr_vmc: work budget exceeded: %s\n", what);
	abort();
}

/*
 * The glue's large buffers (backing store, 1 MiB backlog, snapshot streams)
 * come back every input: a freed one is kept, poisoned for ASan (a use
 * after free still trips), and handed out again for the same size, which
 * saves the page faults of a fresh mapping per input.
 */
#define BIG_ALLOC	(64u * 1024u)
static struct {
	void *p;
	size_t n;
	bool used;
} big[8];

static void *big_get(size_t n)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		if (big[i].p && !big[i].used && big[i].n == n) {
			big[i].used = true;
			ASAN_UNPOISON_MEMORY_REGION(big[i].p, n);
			return big[i].p;
		}
	}
	for (i = 0; i < 8; i++) {
		if (!big[i].p) {
			big[i] = (typeof(big[i])){ malloc(n), n, true };
			return big[i].p;
		}
	}
	return malloc(n);
}

void *g_malloc(size_t n)
{
	void *p = n >= BIG_ALLOC ? big_get(n) : malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *g_malloc0(size_t n)
{
	return memset(g_malloc(n), 0, n ? n : 1);
}

void g_free(void *p)
{
	unsigned int i;

	for (i = 0; p && i < 8; i++) {
		if (big[i].p == p) {
			if (!big[i].used)
				abort();	/* double free */
			big[i].used = false;
			ASAN_POISON_MEMORY_REGION(p, big[i].n);
			return;
		}
	}
	free(p);
}

bool g_source_remove(guint id)
{
	if (id && id == W.watch_id)
		W.watch_id = 0;
	return true;
}

static void vlog(const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);	/* formats must hold: UBSan/ASan check */
}

void error_setg(Error **errp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	if (errp)
		*errp = (Error *)1;
}

void error_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void warn_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void qemu_log_mask(int mask, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
	if (W.nbh >= 4)
		abort();
	W.bhs[W.nbh] = (QEMUBH){ cb, opaque, false };
	return &W.bhs[W.nbh++];
}

void qemu_bh_schedule(QEMUBH *bh)
{
	bh->scheduled = true;
}

void qemu_bh_delete(QEMUBH *bh)
{
	bh->scheduled = false;
	bh->cb = NULL;
}

QEMUTimer *timer_new_us(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
	if (W.ntimer >= 2)
		abort();
	W.timers[W.ntimer] = (QEMUTimer){ cb, opaque, -1 };
	return &W.timers[W.ntimer++];
}

void timer_mod(QEMUTimer *t, int64_t expire_us)
{
	t->expire = expire_us;
}

void timer_del(QEMUTimer *t)
{
	t->expire = -1;
}

void timer_free(QEMUTimer *t)
{
	t->cb = NULL;
	t->expire = -1;
}

int64_t qemu_clock_get_us(QEMUClockType type)
{
	return W.now_us;
}

bool runstate_is_running(void)
{
	return W.running;
}

/* One handler is all the glue registers (suspend-on-resume). */
VMChangeStateEntry *qemu_add_vm_change_state_handler(VMChangeStateHandler *cb, void *opaque)
{
	if (W.vm_change)
		abort();
	W.vm_change = cb;
	W.vm_change_opaque = opaque;
	return (VMChangeStateEntry *)&W.vm_change;
}

/* A socket chardev: EAGAIN when full, any other error as EINVAL (QEMU's tcp chardev). */
int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
	if (!W.connected)
		return len;	/* QEMU drops writes with no peer and reports them taken */
	switch (W.chr) {
	case CHR_ALL:
		return len;
	case CHR_SHORT:
		return len > 1 ? len / 2 : len;
	case CHR_EAGAIN:
		errno = EAGAIN;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}

guint qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond, FEWatchFunc func, void *opaque)
{
	if (W.watch_id)
		budget_fail("a second watch armed while one is pending");
	W.watch_fn = func;
	W.watch_opaque = opaque;
	W.watch_id = 7;
	return W.watch_id;
}

void qemu_chr_fe_disconnect(CharBackend *be)
{
	if (W.connected) {
		W.connected = false;
		if (W.event)
			W.event(W.chr_opaque, CHR_EVENT_CLOSED);
	}
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
	return true;
}

void qemu_chr_fe_set_handlers(CharBackend *b, IOCanReadHandler *fd_can_read,
			      IOReadHandler *fd_read, IOEventHandler *fd_event, void *be_change,
			      void *opaque, void *context, bool set_open)
{
	W.can_read = fd_can_read;
	W.read = fd_read;
	W.event = fd_event;
	W.chr_opaque = opaque;
}

/* The sPAPR TCE IOMMU (QEMU 7.2): each page needs its permission bit; bypass maps RAM 1:1. */
static bool translate(uint64_t addr, bool write, uint64_t *ram)
{
	uint64_t off, tce;

	if (W.tcet.bypass) {
		*ram = addr;
		return addr < RAM_SIZE;
	}
	if (addr < W.tcet.bus_offset)
		return false;
	off = addr - W.tcet.bus_offset;
	if ((off >> 12) >= TCE_PAGES)
		return false;
	tce = W.tce[off >> 12];
	if (!(tce & (write ? 2 : 1)))
		return false;
	*ram = (tce & ~0xfffull) | (off & 0xfff);
	return *ram < RAM_SIZE;
}

bool dma_memory_valid(AddressSpace *as, uint64_t addr, uint64_t len, DMADirection dir,
		      MemTxAttrs attrs)
{
	uint64_t ram, done;

	for (done = 0; done < len; done += 4096 - ((addr + done) & 0xfff))
		if (!translate(addr + done, dir == DMA_DIRECTION_FROM_DEVICE, &ram))
			return false;
	return true;
}

MemTxResult dma_memory_rw(AddressSpace *as, uint64_t addr, void *buf, uint64_t len,
			  DMADirection dir, MemTxAttrs attrs)
{
	bool write = dir == DMA_DIRECTION_FROM_DEVICE;
	uint64_t ram, done, n;
	uint8_t *p = buf;

	if (!write)
		W.dma_reads++;
	for (done = 0; done < len; done += n) {
		n = MIN(len - done, 4096 - ((addr + done) & 0xfff));
		if (!translate(addr + done, write, &ram) || n > RAM_SIZE - ram)
			return 1;
		if (write)
			memcpy(W.ram + ram, p + done, n);
		else
			memcpy(p + done, W.ram + ram, n);
	}
	return MEMTX_OK;
}

/* hw/ppc/spapr_vio.c, QEMU 7.2 */
int spapr_vio_send_crq(SpaprVioDevice *dev, uint8_t *crq)
{
	uint8_t byte;

	if (!dev->crq.qsize)
		return -1;
	if (dma_memory_rw(&dev->as, dev->crq.qladdr + dev->crq.qnext, &byte, 1,
			  DMA_DIRECTION_TO_DEVICE, MEMTXATTRS_UNSPECIFIED))
		return -14;
	if (byte != 0)
		return 1;
	if (dma_memory_rw(&dev->as, dev->crq.qladdr + dev->crq.qnext + 8, &crq[8], 8,
			  DMA_DIRECTION_FROM_DEVICE, MEMTXATTRS_UNSPECIFIED) ||
	    dma_memory_rw(&dev->as, dev->crq.qladdr + dev->crq.qnext, crq, 8,
			  DMA_DIRECTION_FROM_DEVICE, MEMTXATTRS_UNSPECIFIED))
		return -14;
	dev->crq.qnext = (dev->crq.qnext + 16) % dev->crq.qsize;
	W.crq_sent++;
	return 0;
}

SpaprTceTable *spapr_tce_find_by_liobn(target_ulong liobn)
{
	return liobn == W.tcet.liobn ? &W.tcet : NULL;
}

void spapr_register_hypercall(target_ulong opcode, spapr_hcall_fn fn)
{
	if (opcode == H_REQUEST_VMC)
		W.h_request_vmc = fn;
	else if (opcode == H_COPY_RDMA)
		W.h_copy_rdma = fn;
}

void type_register_static(const TypeInfo *info)
{
	W.type = info;
}

/* The value is copied whole, as libfdt does (ASan checks the read); a long one does not fit. */
int fdt_setprop(void *fdt, int node, const char *name, const void *val, int len)
{
	static uint8_t copy[4096];

	if (!name || !*name || len < 0 || (len && !val))
		abort();
	if ((size_t)len > sizeof(copy))
		return -1;
	memcpy(copy, val, (size_t)len);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Input                                                              */
/* ------------------------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--) {
		v = (v << 8) | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* ------------------------------------------------------------------ */
/* Driving it                                                         */
/* ------------------------------------------------------------------ */

static void run_bhs(void)
{
	unsigned int rounds, i;
	bool any = true;

	for (rounds = 0; any; rounds++) {
		if (rounds > 64)
			budget_fail("bottom halves keep rescheduling themselves");
		any = false;
		for (i = 0; i < W.nbh; i++) {
			if (W.bhs[i].scheduled && W.bhs[i].cb) {
				W.bhs[i].scheduled = false;
				any = true;
				W.bhs[i].cb(W.bhs[i].opaque);
			}
		}
	}
}

/* Virtual time moves by @us; due timers fire in order, each at most once per expiry. */
static void advance(uint64_t us)
{
	int64_t end = W.now_us + (int64_t)us;
	uint64_t fired = 0, budget = us / 1000 * 2 + 4, reads0, sent0;
	QEMUTimer *t = &W.timers[0];

	if (!W.running)
		return;		/* the virtual clock stops with the machine */

	while (W.ntimer && t->cb && t->expire >= 0 && t->expire <= end) {
		if (t->expire > W.now_us)
			W.now_us = t->expire;
		t->expire = -1;
		if (++fired > budget)
			budget_fail("timer callbacks per virtual millisecond");
		reads0 = W.dma_reads;
		sent0 = entries_out();
		t->cb(t->opaque);
		run_bhs();
		if (W.dma_reads - reads0 > 2 * (entries_out() - sent0) + 4)
			budget_fail("guest-memory reads per timer callback");
	}
	W.now_us = end;
}

static void fire_watch(SpaprVmcState *s)
{
	FEWatchFunc *fn = W.watch_fn;
	size_t before = s->dev.outq.len;
	bool writable = W.chr == CHR_ALL || W.chr == CHR_SHORT;

	if (!W.watch_id)
		return;
	if (W.chr == CHR_EAGAIN)
		return;		/* QEMU fires the watch only when writable or hung up */
	W.watch_id = 0;
	fn(NULL, G_IO_OUT, W.watch_opaque);
	if (writable && W.connected && before && s->dev.outq.len >= before && !s->dev.outq.dead)
		budget_fail("a writable wake-up wrote nothing");
	if (writable && !s->dev.outq.len && W.watch_id)
		budget_fail("a watch re-armed with nothing to write");
	run_bhs();
}

static void peer_open(void)
{
	if (!W.connected) {
		W.connected = true;
		W.chr = CHR_ALL;
		if (W.event)
			W.event(W.chr_opaque, CHR_EVENT_OPENED);
	}
}

/* vm_stop() / vm_start(): the run state changes, then the handlers hear of it. */
static void machine_run(bool running)
{
	if (W.running == running)
		return;
	W.running = running;
	if (W.vm_change)
		W.vm_change(W.vm_change_opaque, running,
			    running ? RUN_STATE_RUNNING : RUN_STATE_PAUSED);
}

static void machine_reset(SpaprVmcState *s)
{
	SpaprVioDevice *d = &s->sdev;

	memset(W.tce, 0, sizeof(W.tce));	/* spapr_tce_reset() */
	W.tcet.bypass = false;
	d->crq.qladdr = 0;			/* free_crq() with the hook */
	d->crq.qsize = 0;
	d->crq.qnext = 0;
	if (spapr_vio_crq_notify)
		spapr_vio_crq_notify(d, false);
	d->signal_state = 0;
	W.klass.reset(d);
}

static target_ulong h_reg_crq(SpaprVmcState *s, uint64_t addr, uint64_t len)
{
	SpaprVioDevice *d = &s->sdev;

	if (len < 0x1000 || len > 0x10000000 || (addr & 0xfff))
		return -4;
	if (d->crq.qsize)
		return -16;
	d->crq.qladdr = addr;
	d->crq.qsize = (uint32_t)len;
	d->crq.qnext = 0;
	if (spapr_vio_crq_notify)
		spapr_vio_crq_notify(d, true);
	return 0;
}

/* The guest consumes @n entries from the oldest unconsumed slot on. */
static void guest_consume(SpaprVmcState *s, unsigned int n)
{
	SpaprVioDevice *d = &s->sdev;
	uint64_t ram;
	uint32_t slot;

	if (!d->crq.qsize)
		return;
	slot = d->crq.qnext;
	while (n--) {
		slot = (slot + d->crq.qsize - 16) % d->crq.qsize;
		if (translate(d->crq.qladdr + slot, true, &ram))
			W.ram[ram] = 0;
	}
}

/*
 * savevm then loadvm into the same device (the stream through the VMState
 * hooks); the destination was started with suspend-event on or off.
 */
static void migrate(SpaprVmcState *s, struct input *in)
{
	const VMStateDescription *vmsd = W.klass.parent.vmsd;
	const VMStateField *f = vmsd->fields;
	uint8_t *stream;
	uint32_t len;

	if (vmsd->pre_save(s))
		return;
	len = s->dev.snap_len;
	stream = g_malloc(len);
	memcpy(stream, s->dev.snap, len);
	vmsd->post_save(s);
	if (s->dev.snap)
		abort();		/* no stream kept after the save */
	if (len && (take(in, 1) & 7) == 0)
		stream[take(in, 4) % len] ^= (uint8_t)take(in, 1);	/* a damaged stream */
	s->props.suspend_event = take(in, 1) & 1;
	vmsd->pre_load(s);
	s->dev.snap_len = len;
	while (f->name && !f->field_exists)
		f++;
	if (!f->name)
		abort();		/* the length check must exist */
	if (f->field_exists(s, vmsd->version_id)) {
		s->dev.snap = stream;	/* QEMU allocated it with g_malloc */
		stream = NULL;
	}
	vmsd->post_load(s, vmsd->version_id);
	if (s->dev.snap)
		abort();		/* the stream is dropped after the load */
	g_free(stream);
}

static SpaprVmcState *device_new(struct input *in)
{
	SpaprVmcState *s;
	const Property *p;
	Error *err = NULL;
	uint8_t cfg = (uint8_t)take(in, 1), cfg2 = (uint8_t)take(in, 1);

	memset(&W, 0, sizeof(W));
	spapr_vio_crq_notify = NULL;
	spapr_vio_crq_enable_notify = NULL;
	spapr_vmc_singleton = NULL;
	shim_type_init();
	W.type->class_init((ObjectClass *)&W.klass, NULL);
	s = g_malloc0(W.type->instance_size);
	for (p = W.klass.parent.props; p->kind != SHIM_PROP_END; p++) {
		if (p->kind == SHIM_PROP_U32)
			*(uint32_t *)((char *)s + p->offset) = (uint32_t)p->def;
		else if (p->kind == SHIM_PROP_BOOL)
			*(bool *)((char *)s + p->offset) = p->def;
	}
	s->sdev.reg = UNIT;
	s->props.pool_size = 8 + (cfg & 7);	/* session-mp-bufs + session-hv-bufs are 4 + 4 */
	s->props.max_hmcs = 1 + ((cfg >> 3) & 1);
	s->props.init_on_register = cfg & 0x10;
	s->props.crq_full_drop = cfg & 0x20;
	s->props.strict = cfg & 0x40;
	s->props.crq_entries = cfg & 0x80 ? 16 : 0;
	s->props.suspend_event = cfg2 & 1;
	s->props.suspend_on_resume = cfg2 & 2;
	W.tcet = (SpaprTceTable){ .liobn = UNIT, .nb_table = TCE_PAGES, .page_shift = 12,
				  .table = W.tce };
	s->sdev.tcet = &W.tcet;
	W.running = true;
	W.klass.realize(&s->sdev, &err);
	if (err) {
		g_free(s);
		return NULL;
	}
	W.dev = s;
	return s;
}

static void device_free(SpaprVmcState *s)
{
	hv_device_fini(&s->dev);
	g_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	SpaprVmcState *s = device_new(&in);
	target_ulong args[8];
	uint8_t buf[512], entry[16];
	uint64_t reads0, sent0, kicks0, n, fed;
	unsigned int i, op, migrations = 0;
	SpaprVioDevice other = { .reg = UNIT + 1 };	/* another VIO unit (a vty) */

	if (!s)
		return 0;
	for (i = 0; i < TCE_PAGES; i++)		/* a sane start the input may change */
		W.tce[i] = ((uint64_t)i << 12) | 3;
	peer_open();
	while (in.n) {
		op = (unsigned int)take(&in, 1) % 26;
		reads0 = W.dma_reads;
		sent0 = entries_out();
		kicks0 = s->dev.retry.kicks;
		fed = 0;
		switch (op) {
		case 0:
			h_reg_crq(s, (take(&in, 1) & 0x3f) << 12, 0x1000 * (1 + (take(&in, 1) & 1)));
			break;
		case 1:
			h_reg_crq(s, take(&in, 4), take(&in, 4));	/* any shape */
			break;
		case 2:
			s->sdev.crq.qladdr = s->sdev.crq.qsize = s->sdev.crq.qnext = 0;
			if (spapr_vio_crq_notify)
				spapr_vio_crq_notify(&s->sdev, false);
			break;
		case 3:		/* H_SEND_CRQ, shaped like VMC traffic */
			memset(entry, 0, sizeof(entry));
			entry[0] = take(&in, 1) & 1 ? 0xC0 : 0x80;
			entry[1] = (uint8_t)take(&in, 1) % 12;
			for (i = 2; i < 16; i++)
				entry[i] = (uint8_t)take(&in, 1);
			if (s->sdev.crq.SendFunc)
				s->sdev.crq.SendFunc(&s->sdev, entry);
			break;
		case 4:		/* H_SEND_CRQ, any bytes */
			store_be64(entry, take(&in, 8));
			store_be64(entry + 8, take(&in, 8));
			s->sdev.crq.SendFunc(&s->sdev, entry);
			break;
		case 5:
			W.h_request_vmc(NULL, NULL, H_REQUEST_VMC, args);
			break;
		case 6:		/* H_COPY_RDMA: len, sliobn, sioba, dliobn, dioba */
			args[0] = take(&in, 2);
			args[1] = take(&in, 1) & 1 ? UNIT : s->props.remote_liobn;
			args[2] = take(&in, 3);
			args[3] = take(&in, 1) & 1 ? UNIT : s->props.remote_liobn;
			args[4] = take(&in, 3);
			if (take(&in, 1) == 0xff)
				args[0] = take(&in, 8);
			W.h_copy_rdma(NULL, NULL, H_COPY_RDMA, args);
			break;
		case 7:
			i = (unsigned int)take(&in, 1) % TCE_PAGES;
			W.tce[i] = (take(&in, 1) % (RAM_SIZE / 4096 + 2)) << 12 | (take(&in, 1) & 3);
			break;
		case 8:
			W.tcet.bypass = !W.tcet.bypass;
			break;
		case 9:
			machine_reset(s);
			break;
		case 10:
			run_bhs();
			break;
		case 11:
			advance(take(&in, 2) * 16);
			break;
		case 12:
			fire_watch(s);
			break;
		case 13:
			W.chr = (enum chr_mode)(take(&in, 1) % CHR_MODES);
			break;
		case 14:
			peer_open();
			break;
		case 15:
			qemu_chr_fe_disconnect(&s->chr);
			break;
		case 16:	/* half-close: the socket stays but refuses writes */
			W.chr = CHR_EPIPE;
			break;
		case 17:	/* peer bytes */
			n = take(&in, 2) % sizeof(buf);
			for (i = 0; i < n; i++)
				buf[i] = (uint8_t)take(&in, 1);
			if (W.connected && W.can_read(W.chr_opaque) > 0) {
				fed = MIN(n, (uint64_t)W.can_read(W.chr_opaque));
				W.read(W.chr_opaque, buf, (int)fed);
			}
			break;
		case 18:
			guest_consume(s, 1 + take(&in, 1) % 8);
			break;
		case 19:	/* the guest scribbles over its memory */
			n = take(&in, 3) % RAM_SIZE;
			W.ram[n] = (uint8_t)take(&in, 1);
			break;
		case 20:	/* a stream costs the whole backing store: once per input is enough */
			if (migrations++ < 1)
				migrate(s, &in);
			break;
		case 21:	/* stop / cont */
			machine_run(!W.running);
			break;
		case 22:
			s->sdev.signal_state = take(&in, 1) & 1;
			break;
		case 23:
			W.klass.devnode(&s->sdev, NULL, 0);
			break;
		case 24:	/* H_ENABLE_CRQ on our unit, or on another existing one */
			if (spapr_vio_crq_enable_notify)
				spapr_vio_crq_enable_notify(take(&in, 1) & 1 ? &other : &s->sdev);
			break;
		default:	/* a stop and cont in one */
			machine_run(false);
			machine_run(true);
			break;
		}
		if (getenv("FUZZ_GLUE_TRACE"))	/* reading a finding: one line per operation */
			fprintf(stderr, "op %2u: reads %llu sent %llu crq %u/%u\n", op,
				(unsigned long long)(W.dma_reads - reads0),
				(unsigned long long)(entries_out() - sent0), s->sdev.crq.qnext,
				s->sdev.crq.qsize);
		/*
		 * H_COPY_RDMA local to local goes through a one-page bounce
		 * buffer; every peer command may run the engine once (one
		 * fruitless send: two reads).
		 */
		n = op == 6 ? MIN(args[0], (uint64_t)s->props.max_copy) / 4096 + 1 : 0;
		/*
		 * Every host frame that leaves the engine with work runs it at once,
		 * and a run that delivers nothing reads at most two headers: the
		 * oldest pending one and the busy slot at the enqueue point (the
		 * guest wrote into a free slot) (docs/qemu-device.md §2.4). At most
		 * one run per frame ended here.
		 */
		if (op == 17) {
			n = s->dev.retry.kicks - kicks0;
			if (n > fed / HMC_FRAME_HDR_LEN + 1)
				budget_fail("engine runs per host frame");
			n *= 2;
		}
		if (op != 11 && W.dma_reads - reads0 > 2 * (entries_out() - sent0) + 8 + n)
			budget_fail("guest-memory reads per operation");	/* 11: per callback */
		reads0 = W.dma_reads;
		sent0 = entries_out();
		run_bhs();
		if (W.dma_reads - reads0 > 2 * (entries_out() - sent0) + 8)
			budget_fail("guest-memory reads per bottom-half round");
	}
	device_free(s);
	return 0;
}
