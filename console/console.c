// SPDX-License-Identifier: GPL-2.0-or-later
/* console.c - console output over the hvterm driver; fatal and exit paths. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "console/console.h"
#include "drivers/hvterm.h"
#include "hcall/rtas.h"
#include "lib/log.h"

void con_write(const char *s, size_t n)
{
	char buf[128];
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf[k++] = '\r';
		buf[k++] = s[i];
		if (k >= sizeof(buf) - 2) {
			hvterm_write(buf, k);
			k = 0;
		}
	}
	if (k)
		hvterm_write(buf, k);
}

void con_puts(const char *s)
{
	con_write(s, strlen(s));
}

int con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	con_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

void console_init(void)
{
	log_set_sink(con_write);
}

void partition_exit(int status)
{
	con_printf("EXIT: STATUS=%d\n", status);
	if (status == 0)
		rtas_power_off();
	rtas_os_term(status == 0 ? "vmcfw: success" : "vmcfw: failure status");
}

void fatal(const char *fmt, ...)
{
	static char msg[160];
	static int nested;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (nested++ == 0) {
		con_printf("\nFATAL: %s\n--- log ring (oldest first) ---\n", msg);
		log_ring_dump(con_write);
		con_puts("--- end of log ring ---\n");
	}
	con_puts("EXIT: STATUS=1\n");
	rtas_os_term(msg);
}
