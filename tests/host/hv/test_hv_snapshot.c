// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hv_snapshot.c - the engine's save/restore (hv/hv_snapshot.c).
 *
 * The main check runs the same inputs on the original engine and on one
 * restored from its snapshot, and compares everything they do: the entries
 * they put into the MP's CRQ, the events, the statistics and a second
 * snapshot. Bad streams must be refused with a reason and change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/hv/fake_env.h"

#define LOCAL	FAKE_LOCAL_LIOBN
#define REMOTE	FAKE_REMOTE_LIOBN

/* Offsets in format 2 (hv/hv_snapshot.c): header, configuration, transport. */
#define OFF_VERSION	8
#define OFF_CONFIG	16
#define CONFIG_BYTES	59
#define OFF_PHASE	(OFF_CONFIG + CONFIG_BYTES)
#define OFF_HMC0_STATE	(OFF_PHASE + 37)
#define OFF_HMC0_SESSION (OFF_HMC0_STATE + 1)

static uint8_t *save(struct fake_env *f, size_t *len)
{
	size_t n = vmc_hv_snapshot_size(&f->hv), written = 0;
	uint8_t *buf = malloc(n);

	assert_non_null(buf);
	assert_int_equal(vmc_hv_snapshot_save(&f->hv, buf, n, &written), VMC_HV_OK);
	assert_int_equal(written, n);
	*len = n;
	return buf;
}

/* What the guest owns travels with guest memory: its ring and pane 0. */
static void copy_guest_side(struct fake_env *dst, const struct fake_env *src)
{
	memcpy(dst->ring_hi, src->ring_hi, sizeof(dst->ring_hi));
	memcpy(dst->ring_lo, src->ring_lo, sizeof(dst->ring_lo));
	dst->ring_head = src->ring_head;
	dst->ring_count = src->ring_count;
	dst->ring_capacity = src->ring_capacity;
	memcpy(dst->local, src->local, FAKE_LOCAL_SIZE);
	dst->now = src->now;
}

/* A channel with two sessions, traffic in both directions, a staged host
 * message and entries held in the outbound queue by a full MP ring. */
static struct fake_env *busy_engine(void)
{
	struct fake_env *f = fake_new(NULL);
	struct vmc_hv_config cfg;

	assert_non_null(f);
	fake_config_default(&cfg);
	cfg.max_hmcs = 2;
	assert_int_equal(fake_reinit(f, &cfg), 0);
	f->quiet = true;
	assert_int_equal(fake_bring_up(f, 2, 8, 4096), 0);
	assert_true(fake_open(f, 0, 5, "hmc-zero") >= 0);
	assert_true(fake_open(f, 1, 9, "hmc-one") >= 0);
	/* the MP signals a message on index 0 */
	memcpy(f->local + 0x10000, "from the partition", 18);
	assert_int_equal(vmc_hv_copy_rdma(&f->hv, 18, LOCAL, 0x10000, REMOTE,
					  vmc_hv_lioba(&f->hv, 0, 1)), HV_H_SUCCESS);
	assert_int_equal(vmc_hv_receive(&f->hv, 0x8006000501000001ULL, 0x12ULL), HV_H_SUCCESS);
	/* the MP's ring fills: later SIGNALs wait in the engine's queue */
	f->ring_capacity = f->ring_count + 1;
	for (int i = 0; i < 3; i++) {
		char text[32];

		snprintf(text, sizeof(text), "host message %d", i);
		assert_int_equal(vmc_hv_hmc_send(&f->hv, (unsigned int)i % 2, text, strlen(text)),
				 VMC_HV_OK);
	}
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	return f;
}

/* Feed both engines the same inputs; everything they do must be equal. */
static unsigned int same_behaviour(struct fake_env *a, struct fake_env *b)
{
	unsigned int compared = 0;
	struct fake_env *e[2] = { a, b };
	uint64_t hi[2], lo[2];
	bool got[2];

	for (int round = 0; round < 40; round++) {
		for (int k = 0; k < 2; k++) {
			struct fake_env *f = e[k];

			switch (round % 5) {
			case 0:	/* the MP consumes one entry */
				got[k] = fake_pop(f, &hi[k], &lo[k]);
				break;
			case 1:
				f->ring_capacity = 256;
				fake_answer_adds(f);
				vmc_hv_kick(&f->hv);
				got[k] = false;
				break;
			case 2:
				vmc_hv_hmc_send(&f->hv, 1, "after the restore", 17);
				got[k] = false;
				break;
			case 3:
				f->now += 1000;
				vmc_hv_kick(&f->hv);
				got[k] = false;
				break;
			default:	/* a SIGNAL to the MP needs no reply */
				got[k] = fake_pop(f, &hi[k], &lo[k]);
				break;
			}
		}
		assert_int_equal(got[0], got[1]);
		if (got[0]) {
			compared++;
			assert_int_equal(hi[0], hi[1]);
			assert_int_equal(lo[0], lo[1]);
		}
		assert_int_equal(vmc_hv_check_invariants(&b->hv), 0);
	}
	/* a session closes on both */
	for (int k = 0; k < 2; k++) {
		struct vmc_msg m = vmc_msg_hmc(VMC_MSG_CLOSE, 9, 1, 0);

		assert_int_equal(fake_send(e[k], &m), HV_H_SUCCESS);
	}
	assert_int_equal(a->ring_count, b->ring_count);
	for (unsigned int i = 0; i < a->ring_count; i++) {
		assert_int_equal(a->ring_hi[(a->ring_head + i) % FAKE_RING_MAX],
				 b->ring_hi[(b->ring_head + i) % FAKE_RING_MAX]);
		assert_int_equal(a->ring_lo[(a->ring_head + i) % FAKE_RING_MAX],
				 b->ring_lo[(b->ring_head + i) % FAKE_RING_MAX]);
	}
	assert_memory_equal(vmc_hv_get_stats(&a->hv), vmc_hv_get_stats(&b->hv),
			    sizeof(struct vmc_hv_stats));
	assert_int_equal(vmc_hv_session(&b->hv, 0), 5);
	assert_int_equal(vmc_hv_session(&b->hv, 1), 0);
	return compared;
}

static void test_restored_engine_behaves_the_same(void **state)
{
	struct fake_env *a = busy_engine(), *b = fake_new(&a->cfg);
	size_t len, len2;
	uint8_t *snap, *again;
	char why[160];
	unsigned int compared;

	assert_non_null(b);
	b->quiet = true;
	snap = save(a, &len);
	copy_guest_side(b, a);
	if (vmc_hv_snapshot_restore(&b->hv, snap, len, why, sizeof(why)) != VMC_HV_OK)
		fail_msg("restore refused: %s", why);
	assert_string_equal(why, "");
	/* the restored engine saves the same bytes */
	again = save(b, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(snap, again, len);
	assert_int_equal(vmc_hv_phase(&b->hv), VMC_HV_PHASE_READY);
	assert_int_equal(vmc_hv_outq_len(&b->hv), vmc_hv_outq_len(&a->hv));
	assert_true(vmc_hv_outq_len(&b->hv) > 0);
	assert_memory_equal(vmc_hv_session_hmc_id(&b->hv, 1), "hmc-one", 8);
	b->nev = 0;
	a->nev = 0;
	compared = same_behaviour(a, b);
	print_message("%u CRQ entries compared\n", compared);
	assert_true(compared >= 4);
	assert_true(a->nev > 0);
	assert_int_equal(a->nev, b->nev);
	for (unsigned int i = 0; i < a->nev; i++) {
		assert_int_equal(a->ev[i].kind, b->ev[i].kind);
		assert_int_equal(a->ev[i].index, b->ev[i].index);
		assert_int_equal(a->ev[i].session, b->ev[i].session);
		assert_int_equal(a->ev[i].len, b->ev[i].len);
	}
	free(snap);
	free(again);
	fake_free(a);
	fake_free(b);
}

/* Restore @bytes into a fresh engine; it must be refused and change nothing. */
static void expect_refused(const struct vmc_hv_config *cfg, const uint8_t *bytes, size_t len,
			   const char *reason)
{
	struct fake_env *t = fake_new(cfg);
	size_t before_len, after_len;
	uint8_t *before, *after;
	char why[160];

	assert_non_null(t);
	t->quiet = true;
	assert_int_equal(fake_bring_up(t, 1, 4, 4096), 0);
	before = save(t, &before_len);
	assert_int_equal(vmc_hv_snapshot_restore(&t->hv, bytes, len, why, sizeof(why)),
			 VMC_HV_ERR_PARAM);
	if (!strstr(why, reason))
		fail_msg("refusal says '%s', expected '%s'", why, reason);
	after = save(t, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(before);
	free(after);
	fake_free(t);
}

static void test_bad_streams_are_refused_untouched(void **state)
{
	struct fake_env *a = busy_engine();
	struct vmc_hv_config other;
	size_t len;
	uint8_t *snap = save(a, &len), *bad = malloc(len + 1);

	assert_non_null(bad);
	memcpy(bad, snap, len);
	bad[0] = 'X';
	expect_refused(&a->cfg, bad, len, "bad magic");
	memcpy(bad, snap, len);
	bad[OFF_VERSION + 3] = 3;
	expect_refused(&a->cfg, bad, len, "format 3");
	bad[OFF_VERSION + 3] = 1;	/* the format before the suspension flag */
	expect_refused(&a->cfg, bad, len, "format 1");
	expect_refused(&a->cfg, snap, 0, "stream ends inside the header");
	expect_refused(&a->cfg, snap, len - 1, "payload length");
	memcpy(bad, snap, len);
	bad[len] = 0;
	expect_refused(&a->cfg, bad, len + 1, "payload length");
	memcpy(bad, snap, len);
	bad[OFF_PHASE] = 7;
	expect_refused(&a->cfg, bad, len, "phase is 7");
	/* the same stream into an engine configured otherwise */
	other = a->cfg;
	other.pool_size = a->cfg.pool_size + 1;
	expect_refused(&other, snap, len, "configuration differs: pool_size");
	free(bad);
	free(snap);
	fake_free(a);
}

static void test_state_breaking_a_rule_resets_the_engine(void **state)
{
	struct fake_env *f = fake_new(NULL);
	size_t len;
	uint8_t *snap;
	char why[160];

	assert_non_null(f);
	f->quiet = true;
	snap = save(f, &len);		/* phase DOWN */
	snap[OFF_HMC0_STATE] = VMC_HV_HMC_OPEN;	/* a session on a channel that is down */
	snap[OFF_HMC0_SESSION] = 3;
	assert_int_equal(fake_bring_up(f, 1, 4, 4096), 0);
	assert_int_equal(vmc_hv_snapshot_restore(&f->hv, snap, len, why, sizeof(why)),
			 VMC_HV_ERR_PARAM);
	assert_non_null(strstr(why, "engine reset"));
	assert_int_equal(vmc_hv_phase(&f->hv), VMC_HV_PHASE_DOWN);
	assert_int_equal(vmc_hv_session(&f->hv, 0), 0);
	assert_int_equal(vmc_hv_check_invariants(&f->hv), 0);
	free(snap);
	fake_free(f);
}

/* Every single-byte change of the state part is refused or loads a state
 * that keeps the engine's rules; never a crash (ASan, UBSan). */
static void test_every_byte_flip_is_handled(void **state)
{
	struct fake_env *a = busy_engine(), *t = fake_new(&a->cfg);
	size_t len, end;
	uint8_t *snap = save(a, &len), *bad = malloc(len);
	char why[160];
	unsigned int refused = 0, loaded = 0;

	assert_non_null(t);
	assert_non_null(bad);
	t->quiet = true;
	end = len - t->hv.mem_len;	/* the backing store is opaque bytes */
	for (size_t i = 0; i < end; i++) {
		memcpy(bad, snap, len);
		bad[i] ^= 0xA5;
		if (vmc_hv_snapshot_restore(&t->hv, bad, len, why, sizeof(why)) == VMC_HV_OK) {
			loaded++;
		} else {
			assert_true(why[0] != '\0');
			refused++;
		}
		assert_int_equal(vmc_hv_check_invariants(&t->hv), 0);
	}
	print_message("%zu flips: %u refused, %u loaded\n", end, refused, loaded);
	assert_true(refused > 0 && loaded > 0);
	free(bad);
	free(snap);
	fake_free(a);
	fake_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restored_engine_behaves_the_same),
		cmocka_unit_test(test_bad_streams_are_refused_untouched),
		cmocka_unit_test(test_state_breaking_a_rule_resets_the_engine),
		cmocka_unit_test(test_every_byte_flip_is_handled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
