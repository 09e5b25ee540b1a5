// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_wire.c - the VMC wire codec against vmc-protocol.md Appendix B,
 * byte by byte, for every message type and status code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/byteorder.h"
#include "vmc/vmc_wire.h"

struct vector {
	const char *name;
	struct vmc_msg m;
	uint64_t hi, lo;
};

static struct vmc_msg hmc(uint8_t type, uint8_t st, uint8_t owner, uint8_t s, uint8_t i,
			  uint16_t id, uint32_t var3)
{
	struct vmc_msg m = vmc_msg_hmc(type, s, i, id);

	m.status = st;
	m.owner = owner;
	m.var3 = var3;
	return m;
}

static void check_vector(const struct vector *v)
{
	uint64_t hi, lo;
	uint8_t b[16];
	struct vmc_msg d;

	vmc_msg_encode(&v->m, &hi, &lo);
	if (hi != v->hi || lo != v->lo)
		print_error("%s: got %016llx %016llx\n", v->name, (unsigned long long)hi,
			    (unsigned long long)lo);
	assert_true(hi == v->hi);
	assert_true(lo == v->lo);
	/* Bytes: byte 0 is the most significant byte of hi, whatever the host. */
	vmc_msg_to_bytes(&v->m, b);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(b[i], (uint8_t)(v->hi >> (56 - 8 * i)));
		assert_int_equal(b[8 + i], (uint8_t)(v->lo >> (56 - 8 * i)));
	}
	/* And back. */
	assert_true(vmc_msg_decode(&d, v->hi, v->lo));
	assert_int_equal(d.type, v->m.type);
	assert_int_equal(d.status, v->m.status);
	if (vmc_msg_is_admin(d.type)) {
		assert_int_equal(d.max_hmc, v->m.max_hmc);
		assert_int_equal(d.pool_size, v->m.pool_size);
		assert_int_equal(d.max_mtu, v->m.max_mtu);
		assert_int_equal(d.crq_size, v->m.crq_size);
		assert_int_equal(d.version, v->m.version);
	} else {
		assert_int_equal(d.owner, v->m.owner);
		assert_int_equal(d.session, v->m.session);
		assert_int_equal(d.index, v->m.index);
		assert_int_equal(d.buffer_id, v->m.buffer_id);
		assert_int_equal(d.var3, v->m.var3);
	}
}

static void test_appendix_b(void **state)
{
	const struct vector v[] = {
		{ "CAP linux defaults", vmc_msg_cap(VMC_MSG_CAP, 1, 32, 4096, 256, 0x0101),
		  0x8001000000010020ULL, 0x0000100001000101ULL },
		{ "CAP 64K pages", vmc_msg_cap(VMC_MSG_CAP, 1, 32, 4096, 4096, 0x0101),
		  0x8001000000010020ULL, 0x0000100010000101ULL },
		{ "CAP_RESP", vmc_msg_cap(VMC_MSG_CAP_RESP, 2, 32, 16384, 256, 0x0101),
		  0x8081000000020020ULL, 0x0000400001000101ULL },
		{ "ADD_BUF", hmc(VMC_MSG_ADD_BUF, 0, 0, 0, 0, 0, 0x10000),
		  0x8004000000000000ULL, 0x0000000000010000ULL },
		{ "ADD_BUF hv-owned", hmc(VMC_MSG_ADD_BUF, 0, 1, 3, 1, 0x1234, 0xdeadb000),
		  0x8004000103011234ULL, 0x00000000deadb000ULL },
		{ "ADD_BUF_RESP", hmc(VMC_MSG_ADD_BUF_RESP, 0, 0, 0, 0, 0, 0),
		  0x8084000000000000ULL, 0 },
		{ "OPEN", hmc(VMC_MSG_OPEN, 0, 0, 1, 0, 0, 0), 0x8002000001000000ULL, 0 },
		{ "OPEN_RESP", hmc(VMC_MSG_OPEN_RESP, 0, 0, 1, 0, 0, 0), 0x8082000001000000ULL, 0 },
		{ "SIGNAL", hmc(VMC_MSG_SIGNAL, 0, 0, 1, 0, 3, 256), 0x8006000001000003ULL, 0x100 },
		{ "REM_BUF", hmc(VMC_MSG_REM_BUF, 0, 0, 1, 0, 0, 0), 0x8005000001000000ULL, 0 },
		{ "REM_BUF_RESP no buffer", hmc(VMC_MSG_REM_BUF_RESP, 5, 0, 1, 0, 0xFFFF, 0),
		  0x808505000100FFFFULL, 0 },
		{ "CLOSE", hmc(VMC_MSG_CLOSE, 0, 0, 1, 0, 0, 0), 0x8003000001000000ULL, 0 },
		{ "CLOSE_RESP", hmc(VMC_MSG_CLOSE_RESP, 0, 0, 1, 0, 0, 0), 0x8083000001000000ULL, 0 },
		{ "OPEN_RESP fail S254 I1", hmc(VMC_MSG_OPEN_RESP, 1, 0, 254, 1, 63, 0),
		  0x80820100FE01003FULL, 0 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_vector(&v[i]);
}

static void test_every_type_roundtrips(void **state)
{
	static const uint8_t types[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
					 0x81, 0x82, 0x83, 0x84, 0x85 };

	for (size_t t = 0; t < sizeof(types); t++) {
		for (uint8_t st = 0; st <= 5; st++) {
			struct vmc_msg m, d;
			uint8_t b[16];

			if (vmc_msg_is_admin(types[t]))
				m = vmc_msg_cap(types[t], 0xA5, 0xBEEF, 0x12345678, 0x9ABC, 0xDEF0);
			else
				m = hmc(types[t], 0, 1, 0xFE, 0x7F, 0xC0DE, 0xFEDCBA98);
			m.status = st;
			vmc_msg_to_bytes(&m, b);
			assert_int_equal(b[0], 0x80);
			assert_int_equal(b[1], types[t]);
			assert_int_equal(b[2], st);
			if (vmc_msg_is_admin(types[t])) {
				assert_int_equal(b[3], 0);	/* reserved stays zero */
				assert_int_equal(b[4], 0);
				assert_int_equal(b[5], 0xA5);
				assert_int_equal(b[6], 0xBE);
				assert_int_equal(b[11], 0x78);
				assert_int_equal(b[15], 0xF0);
			} else {
				for (int i = 8; i < 12; i++)
					assert_int_equal(b[i], 0);	/* Linux leaks stack here */
				assert_int_equal(b[6], 0xC0);
				assert_int_equal(b[7], 0xDE);
				assert_int_equal(b[12], 0xFE);
				assert_int_equal(b[15], 0x98);
			}
			assert_true(vmc_msg_from_bytes(&d, b));
			assert_int_equal(d.type, m.type);
			assert_int_equal(d.status, st);
			assert_true(vmc_msg_type_known(types[t]));
			assert_string_not_equal(vmc_msg_type_name(types[t]), "UNKNOWN");
		}
	}
}

static void test_decode_rejects_non_vmc(void **state)
{
	struct vmc_msg m;

	assert_false(vmc_msg_decode(&m, 0xC001000000000000ULL, 0));
	assert_false(vmc_msg_decode(&m, 0xFF02000000000000ULL, 0));
	assert_false(vmc_msg_decode(&m, 0x0006000001000003ULL, 0x100));
	assert_int_equal(m.type, 0);	/* zeroed on refusal */
	/* An unknown type still decodes (HMC layout); the dispatcher decides. */
	assert_true(vmc_msg_decode(&m, 0x8077000001020003ULL, 0x1122334455667788ULL));
	assert_false(vmc_msg_type_known(m.type));
	assert_string_equal(vmc_msg_type_name(m.type), "UNKNOWN");
	assert_int_equal(m.rsvd, 0x11223344);
	assert_int_equal(m.var3, 0x55667788);
	assert_int_equal(m.index, 2);
}

static void test_status_names(void **state)
{
	assert_string_equal(vmc_status_name(VMC_MSG_ADD_BUF_RESP, 0), "SUCCESS");
	assert_string_equal(vmc_status_name(VMC_MSG_ADD_BUF_RESP, 1), "INVALID_HMC_INDEX");
	assert_string_equal(vmc_status_name(VMC_MSG_ADD_BUF_RESP, 2), "INVALID_BUFFER_ID");
	assert_string_equal(vmc_status_name(VMC_MSG_ADD_BUF_RESP, 3), "CLOSED_HMC");
	assert_string_equal(vmc_status_name(VMC_MSG_ADD_BUF_RESP, 4), "INTERFACE_FAILURE");
	assert_string_equal(vmc_status_name(VMC_MSG_REM_BUF_RESP, 5), "NO_BUFFER");
	assert_string_equal(vmc_status_name(VMC_MSG_CAP_RESP, 1), "GENERAL_FAILURE");
	assert_string_equal(vmc_status_name(VMC_MSG_CAP_RESP, 2), "INVALID_VERSION");
	assert_string_equal(vmc_status_name(VMC_MSG_OPEN_RESP, 1), "GENERAL_FAILURE");
	assert_string_equal(vmc_status_name(VMC_MSG_CLOSE_RESP, 9), "UNKNOWN_STATUS");
}

static void test_format(void **state)
{
	char buf[128];
	struct vmc_msg m = hmc(VMC_MSG_SIGNAL, 0, 0, 1, 0, 3, 256);

	vmc_msg_format(&m, buf, sizeof(buf));
	assert_non_null(strstr(buf, "SIGNAL"));
	assert_non_null(strstr(buf, "S1"));
	m = vmc_msg_cap(VMC_MSG_CAP_RESP, 2, 32, 16384, 256, 0x0101);
	vmc_msg_format(&m, buf, 8);	/* truncation is safe */
	assert_int_equal(strlen(buf), 7);
}

static void test_be64_helpers(void **state)
{
	uint8_t b[8];

	store_be64(b, 0x0102030405060708ULL);
	for (int i = 0; i < 8; i++)
		assert_int_equal(b[i], i + 1);
	assert_true(load_be64(b) == 0x0102030405060708ULL);
}

/* 16- and 32-bit fields at odd offsets, as in CRQ entries and HMC frames. */
static void test_be_helpers_unaligned(void **state)
{
	uint8_t b[11] = { 0 };

	store_be32(b + 1, 0xA1B2C3D4u);
	store_be16(b + 7, 0xE5F6u);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 0xA1);
	assert_int_equal(b[4], 0xD4);
	assert_int_equal(b[5], 0);
	assert_int_equal(b[7], 0xE5);
	assert_int_equal(b[8], 0xF6);
	assert_int_equal(load_be32(b + 1), 0xA1B2C3D4u);
	assert_int_equal(load_be16(b + 7), 0xE5F6u);
	assert_int_equal(load_be16(b + 2), 0xB2C3u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_b),
		cmocka_unit_test(test_every_type_roundtrips),
		cmocka_unit_test(test_decode_rejects_non_vmc),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_be64_helpers),
		cmocka_unit_test(test_be_helpers_unaligned),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
