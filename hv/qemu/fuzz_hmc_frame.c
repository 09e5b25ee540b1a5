// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for hv/hmc_frame.c, the parser of the bytes a (possibly
 * hostile) HMC peer sends to the spapr-vmc device.
 *
 * Input: byte 0 picks a chunking seed; the rest is the stream. The stream is
 * fed in pseudo-random chunks. Checked: parser bounds after every chunk,
 * every delivered frame passes hmc_frame_check_cmd, error codes are known,
 * and every delivered frame survives an encode -> parse round trip intact.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hmc_frame.h"

static struct hmc_frame_parser parser, reparser;
static uint8_t enc[HMC_FRAME_MAX_LEN];
static struct hmc_frame last;
static uint8_t last_payload[HMC_FRAME_MAX_PAYLOAD];
static int got_again;

static void again_frame(void *opaque, const struct hmc_frame *f)
{
	(void)opaque;
	assert(f->type == last.type && f->hmc_index == last.hmc_index &&
	       f->session == last.session && f->len == last.len);
	assert(!f->len || !memcmp(f->payload, last_payload, f->len));
	got_again++;
}

static void again_error(void *opaque, const struct hmc_frame *f, uint8_t code, uint32_t detail,
			const char *reason)
{
	(void)opaque; (void)f; (void)code; (void)detail; (void)reason;
	abort(); /* a frame the parser accepted must re-parse cleanly */
}

static const struct hmc_frame_ops again_ops = { again_frame, again_error };

static void on_frame(void *opaque, const struct hmc_frame *f)
{
	size_t n;

	(void)opaque;
	assert(f->len <= HMC_FRAME_MAX_PAYLOAD);
	assert(hmc_frame_check_cmd(f, NULL) == 0);
	assert(f->type >= 0x80);
	last = *f;
	memcpy(last_payload, f->payload, f->len);
	n = hmc_frame_encode(enc, sizeof(enc), f->type, f->hmc_index, f->session, f->payload, f->len);
	assert(n == HMC_FRAME_HDR_LEN + f->len);
	hmc_frame_parser_init(&reparser);
	got_again = 0;
	hmc_frame_feed(&reparser, enc, n, &again_ops, NULL);
	assert(got_again == 1);
}

static void on_error(void *opaque, const struct hmc_frame *f, uint8_t code, uint32_t detail,
		     const char *reason)
{
	uint8_t p[8 + HMC_FRAME_MAX_TEXT];
	size_t n;

	(void)opaque; (void)detail;
	assert(code >= HMC_ERR_BAD_MAGIC && code <= HMC_ERR_INTERNAL);
	assert(reason);
	if (f)
		assert(f->len <= HMC_FRAME_MAX_PAYLOAD);
	else
		assert(code == HMC_ERR_BAD_MAGIC || code == HMC_ERR_BAD_LENGTH);
	n = hmc_frame_error_payload(p, f ? f->type : 0, code, detail, reason);
	assert(n >= 8 && n <= sizeof(p));
}

static const struct hmc_frame_ops ops = { on_frame, on_error };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed;
	size_t pos = 1;

	if (size < 1)
		return 0;
	seed = data[0] * 2654435761u + 1;
	hmc_frame_parser_init(&parser);
	while (pos < size) {
		size_t n;

		seed = seed * 1103515245u + 12345u;
		n = 1 + (seed >> 16) % 300;
		if (n > size - pos)
			n = size - pos;
		hmc_frame_feed(&parser, data + pos, n, &ops, NULL);
		assert(parser.hdr_got <= HMC_FRAME_HDR_LEN);
		assert(parser.want <= HMC_FRAME_MAX_PAYLOAD && parser.got <= parser.want);
		pos += n;
	}
	return 0;
}
