/* SPDX-License-Identifier: GPL-2.0-or-later */
/* of.h - the Open Firmware client interface, used only during boot. */
#ifndef VMCFW_OF_H
#define VMCFW_OF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds of the walk: a firmware tree beyond them is reported, not followed. */
#ifndef OF_MAX_CALLS		/* host tests lower it to reach it */
#define OF_MAX_CALLS	16384	/* client-interface calls in one walk */
#endif
#define OF_FINAL_CALLS	32	/* kept for RTAS and quiesce after the walks */
#define OF_MAX_CHILDREN	1024	/* children of one node */
#define OF_MAX_PROP	256	/* bytes of one property that are read */
#define OF_MAX_THREADS	(OF_MAX_PROP / 4)	/* ibm,ppc-interrupt-server#s cells */

/* Why the walk could not produce a usable snapshot. */
enum of_result {
	OF_OK = 0,
	OF_ERR_NO_ENTRY,	/* no client-interface entry point */
	OF_ERR_NO_VTY,		/* no /vdevice vty node */
	OF_ERR_BAD_VTY,		/* vty node without a sane reg */
	OF_ERR_NO_TIMEBASE,	/* no cpu timebase-frequency */
	OF_ERR_NO_MEMORY,	/* no /memory reg */
	OF_ERR_NO_RTAS,		/* /rtas missing or not instantiable */
	OF_ERR_TREE,		/* a cyclic or oversized tree: walk cut short */
};

/**
 * of_result_name - what went wrong, for the fatal message.
 * @r: the walk's result
 * Return: a static string; for OF_ERR_TREE the first structural error seen
 * (which list looped or overflowed).
 */
const char *of_result_name(enum of_result r);

/**
 * of_walk - snapshot the device tree into `dt`, instantiate RTAS, then
 * quiesce Open Firmware.
 * @entry: client-interface entry (r5 at image entry)
 * The boot argument dt-fault=NAME[,NAME] simulates a broken tree (no-vty,
 * vty-reg, no-timebase, no-rtas) so the error paths can be tested.
 * After this returns, Open Firmware is never called again.
 * Return: OF_OK, or the first reason the snapshot is unusable.
 */
enum of_result of_walk(uint64_t entry);

/*
 * Helpers for code that must talk to OF during the walk (of_walk's own
 * steps). Valid only while of_walk runs; afterwards every call fails.
 */

/**
 * of_call - one client-interface call, counted against OF_MAX_CALLS.
 * @service: service name; @nargs, @nret: cells in and out (nret counts the
 * first return cell); @rets: receives return cells 2..nret (may be NULL);
 * then @nargs uint32_t arguments.
 * Return: the first return cell, 0 when @nret is 0, -1 when the call could
 * not be made (no OF, budget spent, firmware error).
 */
int32_t of_call(const char *service, int nargs, int nret, uint32_t *rets, ...);

/** of_finddevice - Return: the package at @path, or 0/-1 (test with of_node_ok). */
uint32_t of_finddevice(const char *path);

/** of_node_ok - Return: true when @ph is a real package handle. */
bool of_node_ok(uint32_t ph);

/**
 * of_getprop - read at most min(@len, OF_MAX_PROP) bytes of property @name.
 * Return: the property's full length as firmware reports it (may exceed what
 * was copied), or -1 when absent.
 */
int of_getprop(uint32_t ph, const char *name, void *buf, uint32_t len);

/**
 * of_getprop_str - first string of property @name into @out (NUL-ended).
 * A string longer than @outlen - 1 is cut, logged and counted in dt.errors.
 * Return: true when the property exists.
 */
bool of_getprop_str(uint32_t ph, const char *name, char *out, size_t outlen);

/**
 * of_getprop_cells - property @name as host-order 32-bit cells.
 * @max: capacity of @cells (at most OF_MAX_PROP / 4 are used)
 * Return: number of cells stored (a longer property is cut to @max), or -1
 * when absent or not a whole number of cells.
 */
int of_getprop_cells(uint32_t ph, const char *name, uint32_t *cells, unsigned int max);

/**
 * of_getprop_u32 - a one-cell property (or a two-cell one whose high cell is
 * 0). A longer list is refused rather than misread.
 * Return: true when @v was set.
 */
bool of_getprop_u32(uint32_t ph, const char *name, uint32_t *v);

/* Iterator over the children of one node, bounded and loop-checked. */
struct of_children {
	const char *what;			/* the parent's path, for messages */
	unsigned int n;				/* children returned so far */
	uint32_t seen[OF_MAX_CHILDREN + 1];	/* [0] is the parent */
};

/**
 * of_child_first - start walking the children of @parent.
 * @what: the parent's path for error messages (a static string)
 * Return: the first child, or 0 when there is none or the list is broken
 * (a loop or more than OF_MAX_CHILDREN children: logged, and of_walk then
 * returns OF_ERR_TREE).
 */
uint32_t of_child_first(struct of_children *it, uint32_t parent, const char *what);

/** of_child_next - Return: the peer after @node, or 0 at the end (see of_child_first). */
uint32_t of_child_next(struct of_children *it, uint32_t node);

/** of_was_quiesced - Return: true when Open Firmware accepted quiesce. */
bool of_was_quiesced(void);

/**
 * of_call_cells - one client-interface call for code outside of.c that
 * must run while Open Firmware is alive (CAS, from of_walk()), with
 * the arguments in an array; counted against OF_MAX_CALLS like of_call().
 * @args: @nargs host-order cells; @rets: receives the nret-1 cells after
 * the first (may be NULL).
 * Return: the first result cell, or -1 when OF is gone or the call failed.
 */
int32_t of_call_cells(const char *service, int nargs, int nret, const uint32_t *args,
		      uint32_t *rets);

extern unsigned int of_calls;

#endif
