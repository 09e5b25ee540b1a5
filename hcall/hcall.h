/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hcall.h - THE hypervisor seam.
 *
 * Everything above this header talks to the hypervisor only through the
 * h_*() functions declared here. The image links hcall/ (which executes
 * `sc 1`); host tests link hv/sim/ (a simulated hypervisor). Protocol code
 * (vmc/, the CRQ ring) therefore compiles unchanged into both.
 *
 * All arguments and results are register values: no byte swapping here.
 *
 * This layer's result vocabulary is PAPR's: every h_*() returns the
 * hypervisor's return code (H_SUCCESS, H_BUSY, H_PARAMETER, ... below) as a
 * long, unchanged. Layers above convert it into their own vocabulary at
 * the call (docs/architecture.md, "Error vocabularies").
 */
#ifndef VMCFW_HCALL_H
#define VMCFW_HCALL_H

#include <stdbool.h>
#include <stdint.h>

/* Opcodes (PAPR / LoPAR). */
#define H_GET_TCE		0x1C
#define H_PUT_TCE		0x20
#define H_GET_TERM_CHAR		0x54
#define H_PUT_TERM_CHAR		0x58
#define H_EOI			0x64
#define H_CPPR			0x68
#define H_IPI			0x6C
#define H_IPOLL			0x70
#define H_XIRR			0x74
#define H_CEDE			0xE0
#define H_REG_CRQ		0xFC
#define H_FREE_CRQ		0x100
#define H_VIO_SIGNAL		0x104
#define H_SEND_CRQ		0x108
#define H_COPY_RDMA		0x110
#define H_ENABLE_CRQ		0x2B0
#define H_SET_MODE		0x31C
#define H_REQUEST_VMC		0x360
#define H_INT_GET_SOURCE_INFO	0x3A8
#define H_INT_SET_SOURCE_CONFIG	0x3AC
#define H_INT_SET_QUEUE_CONFIG	0x3B8
#define H_INT_ESB		0x3C8
#define H_INT_RESET		0x3D0
#define H_WATCHDOG		0x45C
#define KVMPPC_H_RTAS		0xF000
#define HCALL_MAX_OPCODE	0x460	/* bound for the per-opcode counters */

/* Return codes. */
#define H_SUCCESS		0
#define H_BUSY			1
#define H_CLOSED		2
#define H_NOT_AVAILABLE		3
#define H_CONSTRAINED		4
#define H_PARTIAL		5
#define H_IN_PROGRESS		14
#define H_CONTINUE		18
#define H_LONG_BUSY_ORDER_1MSEC		9900
#define H_LONG_BUSY_ORDER_10MSEC	9901
#define H_LONG_BUSY_ORDER_100MSEC	9902
#define H_LONG_BUSY_ORDER_1SEC		9903
#define H_LONG_BUSY_ORDER_10SEC		9904
#define H_LONG_BUSY_ORDER_100SEC	9905
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PRIVILEGE		(-3)
#define H_PARAMETER		(-4)
#define H_BAD_MODE		(-5)
#define H_PTEG_FULL		(-6)
#define H_NOT_FOUND		(-7)
#define H_NO_MEM		(-9)
#define H_AUTHORITY		(-10)
#define H_PERMISSION		(-11)
#define H_DROPPED		(-12)
#define H_SOURCE_PARM		(-13)
#define H_DEST_PARM		(-14)
#define H_REMOTE_PARM		(-15)
#define H_RESOURCE		(-16)
#define H_P1			(-54)	/* parameter 1 (2, 3, 4) is bad */
#define H_P2			(-55)
#define H_P3			(-56)
#define H_P4			(-57)
#define H_NOOP			(-63)	/* nothing to do (H_WATCHDOG stop: it was not running) */

/*
 * H_WATCHDOG flags (PAPR's partition watchdog, as QEMU 7.2 implements it):
 * the operation in bits 8..15 of the flags word, the action on expiry in
 * bits 0..7, "leave the other watchdogs running on expiry" in bit 16; the
 * other bits are reserved and must be 0.
 */
#define H_WDT_OP_START		(0x1ULL << 8)
#define H_WDT_OP_STOP		(0x2ULL << 8)
#define H_WDT_OP_QUERY		(0x3ULL << 8)
#define H_WDT_ACTION_POWER_OFF	0x1ULL	/* QEMU 7.2: pauses the VM, the process stays */
#define H_WDT_ACTION_RESTART	0x2ULL	/* system reset request: QEMU exits with -no-reboot */
#define H_WDT_ACTION_DUMP	0x3ULL	/* system-reset interrupt to every CPU */

/* TCE permission bits (low bits of the TCE value given to H_PUT_TCE). */
#define TCE_READ		0x1ULL	/* device may read the page */
#define TCE_WRITE		0x2ULL	/* device may write the page */
#define TCE_PAGE_SIZE		4096ULL

/* H_SET_MODE resources. */
#define H_SET_MODE_RESOURCE_LE	4

/**
 * hcall_is_long_busy - whether @rc asks the caller to wait and call again.
 * @rc: an hcall return code
 *
 * Return: true for H_LONG_BUSY_ORDER_1MSEC .. H_LONG_BUSY_ORDER_100SEC.
 */
static inline bool hcall_is_long_busy(long rc)
{
	return rc >= H_LONG_BUSY_ORDER_1MSEC && rc <= H_LONG_BUSY_ORDER_100SEC;
}

/**
 * hcall_is_busy - whether @rc is a busy answer of either kind.
 * @rc: an hcall return code
 *
 * Return: true for H_BUSY and the long-busy codes.
 */
static inline bool hcall_is_busy(long rc)
{
	return rc == H_BUSY || hcall_is_long_busy(rc);
}

/**
 * hcall_rc_name - symbolic name of an hcall return code.
 * @rc: the return code
 *
 * Return: "H_PARAMETER", ...; "H_UNKNOWN" for a code not defined above
 * (callers that must show the exact answer print the number too).
 */
const char *hcall_rc_name(long rc);

/**
 * hcall_op_name - symbolic name of an hcall opcode.
 * @opcode: the opcode
 *
 * Return: "H_SEND_CRQ", ...; a placeholder for an opcode the project does
 * not make (never NULL).
 */
const char *hcall_op_name(unsigned long opcode);

/**
 * hcall_op_from_name - the opcode of an hcall name hcall_op_name() gives.
 * @name: "H_GET_TCE", ... (exact case)
 * @opcode: receives the opcode
 *
 * Return: true when the name is known.
 */
bool hcall_op_from_name(const char *name, unsigned long *opcode);

/**
 * hcall_long_busy_us - the wait a long-busy code asks for.
 * @rc: an H_LONG_BUSY_ORDER_* value
 *
 * Return: the wait in microseconds; 0 for any other code.
 */
uint64_t hcall_long_busy_us(long rc);

/*
 * Per-opcode statistics, kept by whichever implementation of the seam is
 * linked (image or simulator), so `stats` and the benchmarks can count
 * hcalls per message.
 */
struct hcall_stats {
	uint64_t calls[HCALL_MAX_OPCODE / 4];
	uint64_t errors[HCALL_MAX_OPCODE / 4];	/* rc < 0 */
	uint64_t busy[HCALL_MAX_OPCODE / 4];	/* rc busy / long busy */
};
extern struct hcall_stats hcall_stats;

/** hcall_stats_reset - zero every per-opcode counter. */
void hcall_stats_reset(void);

/**
 * hcall_stats_total - hcalls made since the last reset.
 *
 * Return: the sum of the per-opcode call counters.
 */
uint64_t hcall_stats_total(void);

/**
 * hcall_stats_account - count one hcall (called by the seam's implementation).
 * @opcode: the opcode (ignored beyond HCALL_MAX_OPCODE)
 * @rc: its return code (counted as error when negative, busy when busy)
 */
void hcall_stats_account(unsigned long opcode, long rc);

/*
 * --- The seam proper: one function per hcall the project makes. ---
 * Every one returns the hypervisor's rc unchanged; output arguments are
 * meaningful only when that rc is H_SUCCESS.
 */

/**
 * h_put_tce - H_PUT_TCE: map one 4 KiB page into a DMA window.
 * @liobn: the window's LIOBN
 * @ioba: I/O address of the page in the window (page aligned)
 * @tce: real address of the page | TCE_READ / TCE_WRITE (0 unmaps)
 *
 * Return: the hypervisor's rc (H_SUCCESS, H_PARAMETER, ...).
 */
long h_put_tce(uint64_t liobn, uint64_t ioba, uint64_t tce);

/**
 * h_put_term_char - H_PUT_TERM_CHAR: write up to 16 bytes to a vty.
 * @termno: the vty's unit address
 * @len: bytes to write (0..16)
 * @hi: bytes 0-7, first byte most significant
 * @lo: bytes 8-15
 *
 * Return: the hypervisor's rc (H_BUSY: nothing written, try again).
 */
long h_put_term_char(uint64_t termno, uint64_t len, uint64_t hi, uint64_t lo);

/**
 * h_get_term_char - H_GET_TERM_CHAR: read up to 16 bytes from a vty.
 * @termno: the vty's unit address
 * @len: receives the number of bytes read (0..16)
 * @hi: receives bytes 0-7, first byte most significant
 * @lo: receives bytes 8-15
 *
 * Return: the hypervisor's rc.
 */
long h_get_term_char(uint64_t termno, uint64_t *len, uint64_t *hi, uint64_t *lo);

/**
 * h_reg_crq - H_REG_CRQ: register a CRQ for a VIO unit.
 * @unit: the unit address
 * @ioba: I/O address of the queue in the unit's first DMA window
 * @len: queue length in bytes (multiple of 4096)
 *
 * Return: the hypervisor's rc; H_CLOSED means registered, partner absent;
 * H_RESOURCE means a registration exists already.
 */
long h_reg_crq(uint64_t unit, uint64_t ioba, uint64_t len);

/**
 * h_free_crq - H_FREE_CRQ: deregister the unit's CRQ.
 * @unit: the unit address
 *
 * Return: the hypervisor's rc (busy answers possible).
 */
long h_free_crq(uint64_t unit);

/**
 * h_send_crq - H_SEND_CRQ: put one 16-byte entry on the partner's queue.
 * @unit: the unit address
 * @hi: bytes 0-7 of the entry (header byte most significant)
 * @lo: bytes 8-15
 *
 * Return: the hypervisor's rc; H_CLOSED: no partner, H_DROPPED: its queue
 * is full, H_PARAMETER: bad header.
 */
long h_send_crq(uint64_t unit, uint64_t hi, uint64_t lo);

/**
 * h_watchdog - H_WATCHDOG: start, stop or query a partition watchdog.
 * @flags: H_WDT_OP_* | H_WDT_ACTION_* (the action only for a start)
 * @number: the watchdog, from 1
 * @timeout_ms: for a start: expiry after this many milliseconds
 * @out: receives R4 (a query's answer: minimum timeout and count)
 *
 * Return: the hypervisor's rc (H_FUNCTION: no watchdog here; H_NOOP from a
 * stop: it was not running; H_P2 / H_P3: bad number / timeout).
 */
long h_watchdog(uint64_t flags, uint64_t number, uint64_t timeout_ms, uint64_t *out);

/**
 * h_raw - any hcall, for the validation console: @opcode with six
 * arguments in r4..r9, the first four result registers back.
 * @opcode: the hcall number
 * @args: r4..r9
 * @ret: receives r4..r7 as the hypervisor left them
 *
 * Return: the hypervisor's rc.
 */
long h_raw(unsigned long opcode, const uint64_t args[6], uint64_t ret[4]);

/**
 * h_enable_crq - H_ENABLE_CRQ: re-enable the CRQ after a partner suspend.
 * @unit: the unit address
 *
 * Return: the hypervisor's rc (H_IN_PROGRESS and busy answers possible).
 */
long h_enable_crq(uint64_t unit);

/**
 * h_vio_signal - H_VIO_SIGNAL: enable or disable a unit's interrupt.
 * @unit: the unit address
 * @mode: 1 to enable, 0 to disable
 *
 * Return: the hypervisor's rc.
 */
long h_vio_signal(uint64_t unit, uint64_t mode);

/**
 * h_copy_rdma - H_COPY_RDMA: copy bytes between two DMA windows.
 * @len: bytes to copy
 * @src_liobn: source window
 * @src_ioba: source I/O address
 * @dst_liobn: destination window
 * @dst_ioba: destination I/O address
 *
 * Return: the hypervisor's rc (H_SOURCE_PARM / H_DEST_PARM name the bad side).
 */
long h_copy_rdma(uint64_t len, uint64_t src_liobn, uint64_t src_ioba,
		 uint64_t dst_liobn, uint64_t dst_ioba);

/**
 * h_request_vmc - H_REQUEST_VMC: ask for the VMC adapter of this partition.
 * @drc_index: receives the adapter's DRC index on H_SUCCESS
 *
 * Return: the hypervisor's rc (H_AUTHORITY, H_NOT_AVAILABLE, H_FUNCTION,
 * busy answers are the documented failures).
 */
long h_request_vmc(uint64_t *drc_index);

/**
 * h_cppr - H_CPPR: set this cpu's current processor priority (XICS).
 * @cppr: the priority; 0xFF accepts every interrupt
 *
 * Return: the hypervisor's rc (fails when the controller is in XIVE mode).
 */
long h_cppr(uint64_t cppr);

/**
 * h_xirr - H_XIRR: accept the highest-priority pending interrupt (XICS).
 * @cppr: processor priority passed along with the call (0xFF here)
 * @xirr: receives the XIRR (source number in the low 24 bits, 0 = none)
 *
 * Return: the hypervisor's rc.
 */
long h_xirr(uint64_t cppr, uint64_t *xirr);

/**
 * h_eoi - H_EOI: signal end of interrupt (XICS).
 * @xirr: the value h_xirr() returned
 *
 * Return: the hypervisor's rc.
 */
long h_eoi(uint64_t xirr);

/**
 * h_ipi - H_IPI: set a server's MFRR (raise or clear an IPI).
 * @server: the interrupt server
 * @mfrr: the priority; 0xFF clears
 *
 * Return: the hypervisor's rc.
 */
long h_ipi(uint64_t server, uint64_t mfrr);

/**
 * h_cede - H_CEDE: give the cpu up until an interrupt (or decrementer).
 *
 * Return: the hypervisor's rc; returns with MSR[EE] set.
 */
long h_cede(void);

/**
 * h_set_mode - H_SET_MODE: set a partition-wide mode resource.
 * @mflags: mode flags (for H_SET_MODE_RESOURCE_LE: 1 = little-endian)
 * @resource: the resource (H_SET_MODE_RESOURCE_*)
 * @v1: first value (0 when unused)
 * @v2: second value (0 when unused)
 *
 * Return: the hypervisor's rc.
 */
long h_set_mode(uint64_t mflags, uint64_t resource, uint64_t v1, uint64_t v2);
/* QEMU/KVM's RTAS transport (what their RTAS blob executes); H_FUNCTION elsewhere. */
long h_rtas(uint64_t block);
/* XIVE exploitation mode (answer H_FUNCTION unless CAS negotiated it). */
long h_int_reset(uint64_t flags);
long h_int_get_source_info(uint64_t flags, uint64_t lisn, uint64_t out[4]);
long h_int_set_source_config(uint64_t flags, uint64_t lisn, uint64_t target, uint64_t prio,
			     uint64_t eisn);
long h_int_set_queue_config(uint64_t flags, uint64_t target, uint64_t prio, uint64_t qpage,
			    uint64_t qshift);
long h_int_esb(uint64_t flags, uint64_t lisn, uint64_t offset, uint64_t data, uint64_t *out);

/**
 * hcall_retry - run an hcall again while it answers busy, within a budget.
 * @call: closure that issues the hcall once and returns its rc
 * @arg: passed to @call
 * @budget_us: total wait allowed (long-busy hints are honoured)
 *
 * Waiting uses the deadline API (lib/time.h), so under the host simulator
 * it runs on virtual time.
 *
 * Return: the first non-busy rc, or the last busy rc when the budget is
 * spent.
 */
long hcall_retry(long (*call)(void *arg), void *arg, uint64_t budget_us);

#endif /* VMCFW_HCALL_H */
