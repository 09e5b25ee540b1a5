// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cas.c - ibm,client-architecture-support with only what vmcfw needs:
 *
 *  - a PVR list (POWER8/9/10 and the logical 2.07/3.00/3.1 levels), so
 *    the platform may run us raw or in a compatibility mode;
 *  - option vector 1: the ISA levels the image runs on;
 *  - option vector 2: the real-mode area the image needs;
 *  - option vector 5, byte 23: the interrupt controller, chosen from what
 *    /chosen ibm,arch-vec-5-platform-support offers. Asking for a mode the
 *    platform lacks is not an error PAPR lets a guest recover from (QEMU
 *    ends the machine), so the offer is read first; byte 24 (MMU) is left
 *    0, hash, which is what real mode needs nothing of.
 *
 * CAS is not free: QEMU rebuilds its device tree and, under SLOF, the
 * firmware parses it again (about 5 ms on VOF and 80 ms on SLOF under
 * TCG). With `cas=auto`, the default, the call is skipped where the
 * platform's reset state is known to be what the image would ask for:
 * QEMU's pseries resets to XICS (in its dual mode too), a hash MMU and
 * the CPU mode of max-cpu-compat, so an image that asks for XICS and fits
 * in the reset RMA gains nothing from it. Any other platform (PowerVM)
 * is always asked. `cas=on` negotiates anyway, `cas=off` (or `nocas`)
 * never does.
 *
 * The vectors and the PVR list are laid out as LoPAR describes them; the
 * PVR list ends with an entry whose value has bits outside its mask.
 */
#include <stdio.h>
#include <string.h>

#include "boot/cas.h"
#include "boot/of.h"
#include "drivers/timebase.h"
#include "drivers/xics.h"
#include "drivers/xive.h"
#include "lib/byteorder.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

#define PTR(p) ((uint32_t)(uintptr_t)(p))
#define OV5_INTC_BYTE	23

extern char _image_end[];

struct cas_state cas;

static uint8_t vec[256] __attribute__((aligned(8)));
static uint8_t prop[256] __attribute__((aligned(8)));

static uint32_t finddevice(const char *path)
{
	uint32_t a[1] = { PTR(path) };

	return (uint32_t)of_call_cells("finddevice", 1, 1, a, NULL);
}

static bool node_ok(uint32_t ph)
{
	return ph != 0 && ph != 0xFFFFFFFFu;
}

/* getprop into the static buffer `prop`; returns the length or -1. */
static int getprop(uint32_t ph, const char *name)
{
	uint32_t a[4] = { ph, PTR(name), PTR(prop), sizeof(prop) };

	return of_call_cells("getprop", 4, 1, a, NULL);
}

static uint32_t prop_cell(int i)
{
	uint32_t v;

	memcpy(&v, prop + 4 * i, 4);
	return be32_swap(v);
}

/* Whole-word boot argument present in /chosen/bootargs (read before us). */
static bool bootarg(const char *word)
{
	size_t n = strlen(word);

	for (const char *p = dt.bootargs; (p = strstr(p, word)); p += n)
		if ((p == dt.bootargs || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static const char *intc_mode_name(uint8_t v)
{
	switch (v) {
	case OV5_INTC_LEGACY: return "XICS";
	case OV5_INTC_EXPLOIT: return "XIVE exploitation";
	case OV5_INTC_EITHER: return "XICS or XIVE exploitation";
	}
	return "unknown";
}

static void put8(size_t *n, uint8_t v)
{
	if (*n < sizeof(vec))
		vec[(*n)++] = v;
}

static void put32(size_t *n, uint32_t v)
{
	for (int s = 24; s >= 0; s -= 8)
		put8(n, (uint8_t)(v >> s));
}

static size_t build_vector(uint8_t intc)
{
	static const uint32_t pvrs[][2] = {
		{ 0xffff0000, 0x004b0000 },	/* POWER8E */
		{ 0xffff0000, 0x004c0000 },	/* POWER8NVL */
		{ 0xffff0000, 0x004d0000 },	/* POWER8 */
		{ 0xffff0000, 0x004e0000 },	/* POWER9 */
		{ 0xffff0000, 0x00800000 },	/* POWER10 */
		{ 0xffffffff, 0x0f000004 },	/* ISA 2.07 compatible */
		{ 0xffffffff, 0x0f000005 },	/* ISA 3.00 compatible */
		{ 0xffffffff, 0x0f000006 },	/* ISA 3.1 compatible */
		{ 0xfffffffe, 0x0f000001 },	/* terminator: value outside the mask */
	};
	size_t n = 0;

	memset(vec, 0, sizeof(vec));
	for (size_t i = 0; i < sizeof(pvrs) / sizeof(pvrs[0]); i++) {
		put32(&n, pvrs[i][0]);
		put32(&n, pvrs[i][1]);
	}
	put8(&n, 5 - 1);		/* five option vectors */
	/* OV1: ISA 2.00..2.07, 3.00 and 3.1 (the image is built for POWER8). */
	put8(&n, 3 - 1);
	put8(&n, 0x00);
	put8(&n, 0xFF);
	put8(&n, 0xC0);
	/* OV2: memory; all "no preference" except the real-mode area. */
	put8(&n, 32 - 1);
	put8(&n, 0x00);			/* flags */
	put8(&n, 0x00);			/* reserved */
	for (int i = 0; i < 5; i++)	/* real base/size, virt base/size, load base */
		put32(&n, 0xFFFFFFFF);
	put32(&n, cas.min_rma_mib);	/* minimum RMA, MiB */
	put32(&n, 0xFFFFFFFF);		/* minimum load */
	put8(&n, 0);			/* minimum RMA percent */
	put8(&n, 40);			/* max log2 page-table size (as the ELF note) */
	/* OV3 (FP/VMX: none used) and OV4 (no entitlement minimum). */
	put8(&n, 2 - 1);
	put8(&n, 0);
	put8(&n, 0);
	put8(&n, 2 - 1);
	put8(&n, 0);
	put8(&n, 0);
	/* OV5: 24 bytes; byte 23 the interrupt controller, byte 24 hash MMU. */
	put8(&n, 24 - 1);
	for (int i = 1; i <= 24; i++)
		put8(&n, i == OV5_INTC_BYTE ? intc : 0);
	return n;
}

static void read_offer(void)
{
	uint32_t ph = finddevice("/chosen");
	int n = node_ok(ph) ? getprop(ph, "ibm,arch-vec-5-platform-support") : -1;

	for (int i = 0; i + 1 < n && i + 1 < (int)sizeof(prop); i += 2)
		if (prop[i] == OV5_INTC_BYTE) {
			cas.offer_known = true;
			cas.offer = prop[i + 1];
		}
}

/* After CAS: what /chosen ibm,architecture-vec-5 says was negotiated. */
static bool read_granted(bool asked_xive)
{
	uint32_t ph = finddevice("/chosen");
	int n = node_ok(ph) ? getprop(ph, "ibm,architecture-vec-5") : -1;

	/* prop[0] is the vector length - 1, prop[i] byte i. */
	if (n > OV5_INTC_BYTE)
		return (prop[OV5_INTC_BYTE] & OV5_INTC_EXPLOIT) != 0;
	if (n < 0)	/* not reported: take the platform's word that it accepted */
		return asked_xive;
	return false;	/* reported, but shorter than byte 23: nothing set there */
}

static void read_dec_bits(void)
{
	uint32_t cpus = finddevice("/cpus"), a[1];

	if (!node_ok(cpus))
		return;
	a[0] = cpus;
	for (uint32_t c = (uint32_t)of_call_cells("child", 1, 1, a, NULL); node_ok(c);
	     a[0] = c, c = (uint32_t)of_call_cells("peer", 1, 1, a, NULL)) {
		int n = getprop(c, "device_type");

		if (n <= 0 || strncmp((char *)prop, "cpu", 4))
			continue;
		if (getprop(c, "ibm,dec-bits") == 4)
			cas.dec_bits = prop_cell(0);
		return;
	}
}

/* XIVE needs the OS page of the TIMA: the second reg entry of the node. */
static bool read_tima(void)
{
	uint32_t ph = finddevice("/interrupt-controller");
	int n;

	if (!node_ok(ph))
		return false;
	n = getprop(ph, "compatible");
	if (n <= 0 || n > (int)sizeof(prop))
		return false;
	for (int i = 0; i < n; i += (int)strnlen((char *)prop + i, (size_t)(n - i)) + 1)
		if (!strncmp((char *)prop + i, "ibm,power-ivpe", (size_t)(n - i)))
			goto found;
	return false;
found:
	n = getprop(ph, "reg");
	if (n != 32)		/* two (address, size) pairs of two cells each */
		return false;
	xive_set_tima((uint64_t)prop_cell(4) << 32 | prop_cell(5));
	return true;
}

/* The RMA as firmware first reports it, before anything else is claimed. */
static void read_rma(void)
{
	uint32_t root = finddevice("/"), ph = finddevice("/memory@0"), ac = 2, sc = 2;

	if (node_ok(root) && getprop(root, "#address-cells") == 4)
		ac = prop_cell(0);
	if (node_ok(root) && getprop(root, "#size-cells") == 4)
		sc = prop_cell(0);
	if (!node_ok(ph) || ac < 1 || ac > 2 || sc < 1 || sc > 2 ||
	    getprop(ph, "reg") < (int)(4 * (ac + sc)))
		return;
	if (ac == 2 ? (prop_cell(0) | prop_cell(1)) : prop_cell(0))
		return;		/* not based at 0: check_rma() reports it */
	cas.rma_size = sc == 2 ? (uint64_t)prop_cell(ac) << 32 | prop_cell(ac + 1) : prop_cell(ac);
	if ((uintptr_t)_image_end > cas.rma_size)
		pr_err("cas", "the image ends at 0x%llx, beyond the real-mode area (0x%llx)",
		       (unsigned long long)(uintptr_t)_image_end, (unsigned long long)cas.rma_size);
}

/* cas= (or nocas) from the boot arguments. */
static enum cas_mode read_mode(void)
{
	if (bootarg("nocas") || bootarg("cas=off"))
		return CAS_OFF;
	if (bootarg("cas=on"))
		return CAS_ON;
	return CAS_AUTO;
}

/*
 * Under cas=auto: why the call is needed, or NULL when the platform's
 * reset state already is what it would negotiate (see the top of the file).
 */
static const char *auto_reason(void)
{
	if (!strstr(dt.model, "emulated by qemu"))
		return "the platform is not QEMU: its reset state is not known";
	if (cas.asked != OV5_INTC_LEGACY)
		return "XIVE exploitation needs it";
	if (!cas.rma_size)
		return "the real-mode area is not known";
	if ((uint64_t)cas.min_rma_mib << 20 > cas.rma_size)
		return "the image needs a larger real-mode area";
	return NULL;
}

void cas_negotiate(void)
{
	static char why[128];
	uint32_t a[3], rets[1] = { 0 };
	uint64_t t0;
	bool want_xive = bootarg("intc=xive"), want_xics = bootarg("intc=xics");
	int32_t ih;

	__asm__ volatile("mfpvr %0" : "=r"(cas.pvr));
	cas.min_rma_mib = (uint32_t)(((uintptr_t)_image_end + (1u << 20) - 1) >> 20);
	read_rma();
	read_dec_bits();
	dec_set_bits(cas.dec_bits);
	read_offer();

	/* A platform that says nothing offers XICS only (POWER8, older PowerVM). */
	if (!cas.offer_known || cas.offer == OV5_INTC_LEGACY)
		cas.asked = OV5_INTC_LEGACY;
	else if (cas.offer == OV5_INTC_EXPLOIT)
		cas.asked = OV5_INTC_EXPLOIT;
	else	/* both: XICS unless told otherwise, the mode most platforms share */
		cas.asked = want_xive ? OV5_INTC_EXPLOIT : OV5_INTC_LEGACY;
	if ((want_xive && cas.asked != OV5_INTC_EXPLOIT) || (want_xics && cas.asked != OV5_INTC_LEGACY))
		pr_warn("cas", "intc=%s requested, but the platform offers only %s",
			want_xive ? "xive" : "xics", intc_mode_name(cas.offer));
	pr_info("cas", "platform offers %s (byte 23 %s0x%02x); cpu PVR 0x%08x, dec-bits %u",
		cas.offer_known ? intc_mode_name(cas.offer) : "XICS", cas.offer_known ? "" : "absent, ",
		cas.offer, cas.pvr, cas.dec_bits);

	cas.mode = read_mode();
	if (cas.mode == CAS_OFF) {
		snprintf(why, sizeof(why), "CAS not called (boot argument %s)",
			 bootarg("nocas") ? "nocas" : "cas=off");
		goto no_cas;
	}
	if (cas.mode == CAS_AUTO) {
		const char *need = auto_reason();

		if (!need) {
			intc_select(INTC_XICS, "XICS, QEMU's reset mode (CAS not needed)");
			pr_info("cas", "not called: QEMU's reset state is what the image would ask for "
				"(XICS, real-mode area %llu MiB holds the image's %u MiB); cas=on negotiates",
				(unsigned long long)(cas.rma_size >> 20), cas.min_rma_mib);
			pr_info("cas", "interrupt controller %s: %s", intc_name(), intc_why());
			return;
		}
		pr_info("cas", "calling ibm,client-architecture-support: %s", need);
	}
	ih = of_call_cells("open", 1, 1, (uint32_t[]){ PTR("/") }, NULL);
	if (ih == 0 || ih == -1) {
		snprintf(why, sizeof(why), "cannot open / to call CAS");
		goto no_cas;
	}
	build_vector(cas.asked);
	a[0] = PTR("ibm,client-architecture-support");
	a[1] = (uint32_t)ih;
	a[2] = PTR(vec);
	t0 = tb_now();
	cas.called = true;
	cas.status = of_call_cells("call-method", 3, 2, a, rets);
	if (cas.status == 0)
		cas.status = (int32_t)rets[0];
	cas.us = tb_to_us(tb_now() - t0);
	if (cas.status != 0) {
		snprintf(why, sizeof(why), "CAS failed (status %d)", (int)cas.status);
		goto no_cas;
	}
	cas.granted_xive = read_granted(cas.asked == OV5_INTC_EXPLOIT);
	pr_info("cas", "negotiated in %llu us: asked %s, min RMA %u MiB; granted %s",
		(unsigned long long)cas.us, intc_mode_name(cas.asked), cas.min_rma_mib,
		cas.granted_xive ? "XIVE exploitation" : "XICS");
	if (!cas.granted_xive) {
		intc_select(INTC_XICS, "XICS negotiated by CAS");
	} else if (!read_tima()) {
		intc_select(INTC_NONE, "XIVE negotiated, but the device tree has no ibm,power-ivpe "
			    "node with a TIMA");
	} else {
		intc_select(INTC_XIVE, "XIVE exploitation negotiated by CAS");
	}
	pr_info("cas", "interrupt controller %s: %s", intc_name(), intc_why());
	return;

no_cas:
	/* Without CAS the platform keeps its reset mode: XICS where it has
	 * one; XIVE exploitation is never in force without negotiation. */
	if (cas.offer_known && cas.offer == OV5_INTC_EXPLOIT) {
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 "; the platform offers only XIVE exploitation, which needs CAS");
		intc_select(INTC_NONE, why);
	} else {
		intc_select(INTC_XICS, why);
	}
	pr_warn("cas", "%s; interrupt controller %s", why, intc_name());
}
