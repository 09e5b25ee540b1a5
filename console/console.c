// SPDX-License-Identifier: GPL-2.0-or-later
/* console.c - console output over the hvterm driver; fatal and exit paths. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "drivers/hvterm.h"
#include "drivers/watchdog.h"
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

/*
 * Most lines fit the small stack buffer; a longer one is formatted again into
 * a heap buffer of its exact size, so nothing is cut. Only when the heap is
 * exhausted is the line cut, and then the cut is said on the line itself.
 */
#define CON_LINE_STACK	256

int con_vprintf(const char *fmt, va_list ap)
{
	char buf[CON_LINE_STACK];
	va_list again;
	char *whole;
	int n;

	va_copy(again, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= 0 && (size_t)n < sizeof(buf)) {
		con_write(buf, (size_t)n);
	} else if (n >= 0 && (whole = malloc((size_t)n + 1)) != NULL) {
		vsnprintf(whole, (size_t)n + 1, fmt, again);
		con_write(whole, (size_t)n);
		free(whole);
	} else if (n >= 0) {
		char mark[48];
		int m = snprintf(mark, sizeof(mark), "[%u bytes cut: no memory]\n",
				 (unsigned int)((size_t)n - (sizeof(buf) - 1)));

		con_write(buf, sizeof(buf) - 1);
		con_write(mark, (size_t)m);
	}
	va_end(again);
	return n;
}

int con_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = con_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int con_pf(void *arg, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = con_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void console_init(void)
{
	log_set_sink(con_write);
}

void partition_exit(int status)
{
	watchdog_disarm();	/* an orderly end: the watchdog must not fire during it */
	con_printf("EXIT: STATUS=%d\n", status);
	if (status == 0)
		rtas_power_off();
	rtas_os_term(status == 0 ? "vmcfw: success" : "vmcfw: failure status");
}

void fatal(const char *fmt, ...)
{
	static char msg[256];	/* static: the fatal path may run on a damaged stack */
	static const char cut[] = " [cut]";
	static int nested;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))	/* the reason also goes to ibm,os-term: bounded, but marked */
		memcpy(msg + sizeof(msg) - sizeof(cut), cut, sizeof(cut));
	if (nested++ == 0) {
		con_printf("\nFATAL: %s\n--- log ring (oldest first) ---\n", msg);
		log_ring_dump(con_write);
		con_puts("--- end of log ring ---\n");
	}
	con_puts("EXIT: STATUS=1\n");
	rtas_os_term(msg);
}
