// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_wire.c - libFuzzer target for the VMC wire codec: decode arbitrary
 * 16-byte entries and re-encode them; the result must equal the input
 * except for reserved bytes, which the encoder zeroes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/byteorder.h"
#include "vmc/vmc_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[16] = { 0 }, out[16];
	struct vmc_msg m, again;
	uint64_t hi, lo;

	memcpy(in, data, size < 16 ? size : 16);
	if (!vmc_msg_from_bytes(&m, in)) {
		if (in[0] == CRQ_HDR_CMD)
			abort();
		return 0;
	}
	vmc_msg_to_bytes(&m, out);
	for (int i = 0; i < 16; i++) {
		bool reserved = vmc_msg_is_admin(m.type) ? (i == 3 || i == 4) : (i >= 8 && i <= 11);

		if (out[i] != (reserved ? 0 : in[i]))
			abort();
	}
	/* The register-word form agrees with the byte form. */
	vmc_msg_encode(&m, &hi, &lo);
	if (hi != load_be64(out) || lo != load_be64(out + 8))
		abort();
	if (!vmc_msg_decode(&again, hi, lo) || again.type != m.type || again.var3 != m.var3 ||
	    again.max_mtu != m.max_mtu || again.buffer_id != m.buffer_id)
		abort();
	(void)vmc_msg_type_name(m.type);
	(void)vmc_status_name(m.type, m.status);
	{
		char line[96];

		vmc_msg_format(&m, line, sizeof(line));
	}
	return 0;
}
