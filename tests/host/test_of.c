// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_of.c - the real boot/of.c against a fake Open Firmware: the boot
 * thread's interrupt server on SMT trees (from /chosen/cpu, with the
 * fallbacks), the bounds of the walk (loops, long lists, call budget,
 * long names, lying property lengths) and quiesce as the last call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/dt.h"
#include "lib/log.h"

/* Low enough that a test tree can spend it (boot/of.h keeps it overridable). */
#define OF_MAX_CALLS 2000
static uint32_t fake_of_ptr(const void *p);
#define OF_PTR(p) fake_of_ptr(p)
#include "boot/of.c"
#include "tests/host/fake_of.h"

#define OF_ENTRY	0x1daf04c4ULL	/* a SLOF-like entry: any value below 4 GiB */
#define PH_ROOT		0x10
#define PH_OPENPROM	0x11
#define PH_CHOSEN	0x12
#define PH_CPUS		0x13
#define PH_MEMORY	0x14
#define PH_VDEVICE	0x15
#define PH_RTAS		0x16
#define PH_VTY		0x17
#define PH_CPU0		0x100	/* + core */
#define IH_CPU		0x9000	/* + core: the ihandle of an opened cpu node */

static struct fake_node *cpus_node, *vdevice_node, *chosen_node;
static struct fake_node *cores[16];

/*
 * A pseries-like tree: @ncores cpu nodes of @threads threads each (servers
 * numbered core * threads + thread, reg = the core's first thread, as QEMU
 * and PowerVM give), /chosen/cpu opening core @boot_core (none when < 0).
 */
static void build_tree(unsigned int ncores, unsigned int threads, int boot_core)
{
	struct fake_node *n, *kids[8];
	uint32_t srv[64], reg[3] = { 0, 0, 0x20000000 };

	fake_reset();
	log_ring_reset();
	n = fake_node("/", PH_ROOT);
	fake_prop_str(n, "model", "IBM pSeries (fake)");
	fake_prop_u32(n, "#address-cells", 2);
	fake_prop_u32(n, "#size-cells", 1);
	n = fake_node("/openprom", PH_OPENPROM);
	fake_prop_str(n, "model", "SLOF fake");
	chosen_node = fake_node("/chosen", PH_CHOSEN);
	fake_prop_str(chosen_node, "bootargs", "smoke irq");
	if (boot_core >= 0) {
		fake_prop_u32(chosen_node, "cpu", IH_CPU + (uint32_t)boot_core);
		fake_instance(IH_CPU + (uint32_t)boot_core, PH_CPU0 + (uint32_t)boot_core);
	}
	cpus_node = fake_node("/cpus", PH_CPUS);
	for (unsigned int c = 0; c < ncores; c++) {
		cores[c] = fake_node(NULL, PH_CPU0 + c);
		fake_prop_str(cores[c], "name", "PowerPC,POWER9");
		fake_prop_str(cores[c], "device_type", "cpu");
		fake_prop_u32(cores[c], "reg", c * threads);
		fake_prop_u32(cores[c], "timebase-frequency", 512000000);
		for (unsigned int t = 0; t < threads; t++)
			srv[t] = c * threads + t;
		fake_prop_cells(cores[c], "ibm,ppc-interrupt-server#s", srv, threads);
	}
	fake_children(cpus_node, cores, ncores);
	n = fake_node("/memory@0", PH_MEMORY);
	fake_prop_cells(n, "reg", reg, 3);
	vdevice_node = fake_node("/vdevice", PH_VDEVICE);
	kids[0] = fake_node(NULL, PH_VTY);
	fake_prop_str(kids[0], "name", "vty");
	fake_prop_str(kids[0], "device_type", "serial");
	fake_prop_str(kids[0], "compatible", "hvterm1");
	fake_prop_u32(kids[0], "reg", 0x71000000);
	fake_children(vdevice_node, kids, 1);
	n = fake_node("/rtas", PH_RTAS);
	fake_prop_u32(n, "rtas-size", 0x2000);
	fake_prop_u32(n, "ibm,set-xive", 0x2001);
	fake_prop_u32(n, "power-off", 0x2002);
}

/* The walk; checks what must hold for every tree: quiesce once and last. */
static enum of_result walk(void)
{
	enum of_result r = of_walk(OF_ENTRY);

	assert_int_equal(fake.quiesce_calls, 1);
	assert_int_equal(fake.calls_at_quiesce, fake.calls);
	assert_int_equal(fake.cas_calls, 1);
	assert_true(fake.calls_at_cas < fake.calls_at_quiesce);
	assert_true(of_was_quiesced());
	assert_true(dt.valid);
	assert_int_equal(of_call("finddevice", 1, 1, NULL, OF_PTR("/")), -1);	/* never again */
	return r;
}

static void test_smt4_boot_thread_is_chosen_reg(void **state)
{
	build_tree(2, 4, 0);
	assert_int_equal(walk(), OF_OK);
	/* <0 1 2 3>: one cell each, not the 64-bit value 0x0000000000000001. */
	assert_int_equal(dt.boot_server, 0);
	assert_int_equal(dt.cpu_count, 2);
	assert_int_equal(dt.tb_freq, 512000000);
	assert_true(log_ring_contains("boot thread: interrupt server 0 from /chosen/cpu "
				      "(PowerPC,POWER9@0, 4 thread(s) listed)"));
}

static void test_smt8_boot_cpu_not_first_core(void **state)
{
	build_tree(4, 8, 2);
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 16);
	assert_true(log_ring_contains("interrupt server 16 from /chosen/cpu (PowerPC,POWER9@10, 8 thread(s)"));
}

static void test_smt4_chosen_reg_is_a_later_thread(void **state)
{
	uint32_t six = be32_swap(6);

	build_tree(2, 4, 1);
	/* A firmware whose opened cpu instance names thread 2 of core 1. */
	memcpy(cores[1]->props[2].val, &six, 4);
	assert_string_equal(cores[1]->props[2].name, "reg");
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 6);
}

static void test_missing_chosen_cpu_takes_first_thread_of_first_core(void **state)
{
	build_tree(2, 4, -1);
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 0);
	assert_true(log_ring_contains("no /chosen/cpu"));
	assert_true(log_ring_contains("interrupt server 0 from first cpu node"));
}

static void test_missing_chosen_cpu_first_core_not_numbered_zero(void **state)
{
	uint32_t srv[4] = { 8, 9, 10, 11 }, reg = be32_swap(8);

	build_tree(1, 4, -1);
	memcpy(cores[0]->props[2].val, &reg, 4);
	cores[0]->n_props--;	/* drop the thread list, then give it again */
	fake_prop_cells(cores[0], "ibm,ppc-interrupt-server#s", srv, 4);
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 8);
}

static void test_chosen_cpu_without_package_falls_back(void **state)
{
	build_tree(2, 4, -1);
	fake_prop_u32(chosen_node, "cpu", 0xdead);	/* an ihandle OF does not know */
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 0);
	assert_true(log_ring_contains("/chosen/cpu: ihandle 0xdead has no package"));
}

static void test_chosen_reg_not_in_thread_list(void **state)
{
	uint32_t bad = be32_swap(42);

	build_tree(2, 4, 1);
	memcpy(cores[1]->props[2].val, &bad, 4);
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 4);
	assert_true(log_ring_contains("reg 0x2a is not in its ibm,ppc-interrupt-server#s"));
}

static void test_single_thread_cpu_without_thread_list(void **state)
{
	build_tree(2, 1, 1);
	cores[1]->n_props--;	/* no ibm,ppc-interrupt-server#s: reg is the server */
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(dt.boot_server, 1);
}

static void test_u32_refuses_a_list(void **state)
{
	uint32_t v = 77;

	build_tree(1, 4, 0);
	of_entry = OF_ENTRY;
	assert_false(of_getprop_u32(PH_CPU0, "ibm,ppc-interrupt-server#s", &v));
	assert_int_equal(v, 77);
	assert_true(of_getprop_u32(PH_CPU0, "reg", &v));
	assert_int_equal(v, 0);
	of_entry = 0;
}

static void test_cyclic_vdevice_list_ends_with_tree_error(void **state)
{
	struct fake_node *kids[3];

	build_tree(1, 1, 0);
	kids[0] = fake_find(PH_VTY);
	kids[1] = fake_node(NULL, 0x200);
	kids[2] = fake_node(NULL, 0x201);
	fake_prop_str(kids[1], "name", "v-scsi");
	fake_children(vdevice_node, kids, 3);
	kids[2]->peer = 0x200;	/* the third node's peer is the second again */
	assert_int_equal(walk(), OF_ERR_TREE);
	assert_string_equal(of_result_name(OF_ERR_TREE),
			    "/vdevice: child list loops back to node 0x200 after 3 node(s)");
	assert_int_equal(dt.n_vdevs, 3);
	assert_int_equal(fake.rtas_entry_seen, 0x1000100);	/* RTAS still there for the fatal path */
}

static void test_child_that_is_its_parent(void **state)
{
	build_tree(1, 1, 0);
	cpus_node->child = PH_CPUS;
	assert_int_equal(walk(), OF_ERR_TREE);
	assert_non_null(strstr(of_result_name(OF_ERR_TREE), "/cpus: child list loops back"));
}

static void test_self_peer(void **state)
{
	build_tree(1, 1, 0);
	cores[0]->peer = cores[0]->ph;
	assert_int_equal(walk(), OF_ERR_TREE);
	assert_int_equal(dt.cpu_count, 1);
}

static void test_too_many_children(void **state)
{
	build_tree(1, 1, 0);
	/* /vdevice: one child list of handles 0x10000.. without end in sight. */
	vdevice_node->child = 0x10000;
	fake.synth_start = 0x10000;
	fake.synth_end = 0x10000 + OF_MAX_CHILDREN + 5;
	assert_int_equal(walk(), OF_ERR_TREE);
	assert_non_null(strstr(of_result_name(OF_ERR_TREE), "/vdevice: more than 1024 children"));
	assert_int_equal(dt.n_vdevs, DT_MAX_VDEVS);
}

static void test_call_budget(void **state)
{
	build_tree(1, 1, 0);
	/* A long but legal /cpus list (two calls a node): the budget runs out. */
	cpus_node->child = 0x10000;
	fake.synth_start = 0x10000;
	fake.synth_end = 0x10000 + 1020;
	assert_int_equal(walk(), OF_ERR_TREE);
	assert_true(fake.calls <= OF_MAX_CALLS + OF_FINAL_CALLS);
	assert_non_null(strstr(of_result_name(OF_ERR_TREE), "more than 2000 Open Firmware calls"));
	/* The calls kept back still instantiate RTAS, for the fatal path. */
	assert_int_equal(fake.rtas_entry_seen, 0x1000100);
}

static void test_long_name_is_cut_and_counted(void **state)
{
	struct fake_node *v;

	build_tree(1, 1, 0);
	v = fake_find(PH_VTY);
	v->props[0].stored = 0;
	v->n_props = 0;
	fake_prop_str(v, "name", "vty-with-a-name-far-longer-than-thirty-one-bytes");
	fake_prop_u32(v, "reg", 0x71000000);
	assert_int_equal(walk(), OF_ERR_NO_VTY);	/* a cut name is not "vty" */
	assert_int_equal(strlen(dt.vdev[0].name), DT_NAME_LEN - 1);
	assert_true(dt.errors >= 1);
	assert_true(log_ring_contains("property name is 48+ bytes, longer than 31: cut"));
}

static void test_lying_lengths(void **state)
{
	struct fake_prop *p;

	build_tree(1, 4, 0);
	/* bootargs claims 1 MiB: cut to the buffer and flagged. */
	chosen_node->props[0].reported = 0x100000;
	/* The thread list claims far more cells than it has: first 64 are used. */
	p = &cores[0]->props[4];
	assert_string_equal(p->name, "ibm,ppc-interrupt-server#s");
	p->reported = 0x10000;
	/* vty reg with a length that is not whole cells: refused, counted. */
	fake_find(PH_VTY)->props[3].reported = 7;
	assert_int_equal(walk(), OF_ERR_BAD_VTY);
	assert_true(dt.bootargs_truncated);
	assert_string_equal(dt.bootargs, "smoke irq");	/* what OF wrote, NUL-ended */
	assert_int_equal(dt.boot_server, 0);
	assert_true(log_ring_contains("property reg has length 7, not a multiple of 4"));
}

static void test_quiesce_unknown_is_only_logged(void **state)
{
	build_tree(1, 1, 0);
	fake.quiesce_unknown = true;
	assert_int_equal(of_walk(OF_ENTRY), OF_OK);
	assert_false(of_was_quiesced());
	assert_int_equal(fake.unknown_calls, 1);
	assert_true(log_ring_contains("quiesce: refused by Open Firmware"));
}

static void test_quiesce_logged_after_rtas(void **state)
{
	build_tree(1, 1, 0);
	assert_int_equal(walk(), OF_OK);
	assert_int_equal(fake.rtas_base_seen, 0x1000000);
	assert_int_equal(fake.setprop_calls, 2);	/* linux,rtas-base and -entry, for FWNMI */
	assert_int_equal(dt_rtas_token("ibm,set-xive"), 0x2001);
	assert_true(log_ring_contains("quiesce: done after"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smt4_boot_thread_is_chosen_reg),
		cmocka_unit_test(test_smt8_boot_cpu_not_first_core),
		cmocka_unit_test(test_smt4_chosen_reg_is_a_later_thread),
		cmocka_unit_test(test_missing_chosen_cpu_takes_first_thread_of_first_core),
		cmocka_unit_test(test_missing_chosen_cpu_first_core_not_numbered_zero),
		cmocka_unit_test(test_chosen_cpu_without_package_falls_back),
		cmocka_unit_test(test_chosen_reg_not_in_thread_list),
		cmocka_unit_test(test_single_thread_cpu_without_thread_list),
		cmocka_unit_test(test_u32_refuses_a_list),
		cmocka_unit_test(test_cyclic_vdevice_list_ends_with_tree_error),
		cmocka_unit_test(test_child_that_is_its_parent),
		cmocka_unit_test(test_self_peer),
		cmocka_unit_test(test_too_many_children),
		cmocka_unit_test(test_call_budget),
		cmocka_unit_test(test_long_name_is_cut_and_counted),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_quiesce_unknown_is_only_logged),
		cmocka_unit_test(test_quiesce_logged_after_rtas),
	};

	log_set_sink(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
