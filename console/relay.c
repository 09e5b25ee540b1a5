// SPDX-License-Identifier: GPL-2.0-or-later
/* relay.c - format VMC events as console lines. */
#include <stdio.h>
#include <string.h>

#include "console/console.h"
#include "console/relay.h"
#include "lib/log.h"
#include "lib/time.h"

static int event_prefix(char *buf, size_t len, const char *name, int index, int session)
{
	int n = snprintf(buf, len, "VMC t=%llu ev=", (unsigned long long)time_since_boot_us());

	for (const char *p = name; *p && n < (int)len - 1; p++)	/* one style: lower case */
		buf[n++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
	buf[n] = '\0';

	if (index >= 0)
		n += snprintf(buf + n, len - n, " idx=%d", index);
	if (session >= 0)
		n += snprintf(buf + n, len - n, " sess=%d", session);
	return n;
}

void relay_event(const char *name, int index, int session, const char *extra)
{
	char line[256];
	int n = event_prefix(line, sizeof(line), name, index, session);

	if (extra && *extra)
		snprintf(line + n, sizeof(line) - n, " %s", extra);
	con_printf("%s\n", line);
}

static int printable(const uint8_t *d, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (d[i] < 0x20 || d[i] > 0x7E || d[i] == '"' || d[i] == '\\')
			return 0;
	return 1;
}

void relay_message(const char *name, int index, int session, const uint8_t *data, uint32_t len)
{
	char line[160];
	uint32_t show = len, chunk;
	int n = event_prefix(line, sizeof(line), name, index, session);

	if (log_level < LOG_DEBUG && show > RELAY_PREVIEW_BYTES)
		show = RELAY_PREVIEW_BYTES;
	snprintf(line + n, sizeof(line) - n, " len=%u", len);
	con_puts(line);
	if (show < len)
		con_printf(" trunc=%u", len - show);
	if (printable(data, show)) {
		con_puts(" text=\"");
		con_write((const char *)data, show);
		con_puts("\"\n");
		return;
	}
	con_puts(" hex=");
	for (uint32_t off = 0; off < show; off += chunk) {
		char hex[129];

		chunk = show - off > 64 ? 64 : show - off;
		for (uint32_t i = 0; i < chunk; i++)
			snprintf(hex + 2 * i, 3, "%02x", data[off + i]);
		con_write(hex, 2 * chunk);
	}
	con_puts("\n");
}
