// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor.c - the interactive monitor: a prompt on the vty, line editing
 * with backspace, one-line errors with the usage for bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/monitor.h"
#include "drivers/hvterm.h"
#include "drivers/idle.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "lib/dt.h"
#include "lib/log.h"

#define PROMPT "vmcfw> "

struct command {
	const char *name;
	const char *usage;
	void (*run)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);

static void cmd_dt(int argc, char **argv)
{
	con_printf("firmware %s, model '%s'\n", dt.firmware, dt.model);
	con_printf("memory 0x%llx+0x%llx, %u cpu(s), timebase %llu Hz, boot server %u\n",
		   (unsigned long long)dt.mem_base, (unsigned long long)dt.mem_size, dt.cpu_count,
		   (unsigned long long)dt.tb_freq, dt.boot_server);
	con_printf("bootargs '%s'\n", dt.bootargs);
	con_printf("rtas size 0x%x base 0x%llx entry 0x%llx\n", dt.rtas_size,
		   (unsigned long long)dt.rtas_base, (unsigned long long)dt.rtas_entry);
	for (unsigned int i = 0; i < dt.n_rtas_tokens; i++)
		con_printf("  rtas %-18s %d\n", dt.rtas_tokens[i].name, dt.rtas_tokens[i].token);
	for (unsigned int i = 0; i < dt.n_vdevs; i++) {
		const struct dt_vdev *v = &dt.vdev[i];

		con_printf("/vdevice/%s@%x type=%s compatible=%s irq=0x%x", v->name, v->reg,
			   v->device_type, v->compatible, v->irq);
		if (v->has_drc_index)
			con_printf(" drc=0x%x", v->drc_index);
		con_printf("\n");
		for (unsigned int w = 0; w < v->n_windows; w++)
			con_printf("  dma-window %u: liobn 0x%x base 0x%llx size 0x%llx\n", w,
				   v->window[w].liobn, (unsigned long long)v->window[w].base,
				   (unsigned long long)v->window[w].size);
	}
	if (dt.vdevs_dropped || dt.errors)
		con_printf("%u vdevices not kept, %u malformed properties\n", dt.vdevs_dropped,
			   dt.errors);
}

static void cmd_stats(int argc, char **argv)
{
	con_printf("hcalls: %llu total\n", (unsigned long long)hcall_stats_total());
	for (unsigned int i = 0; i < HCALL_MAX_OPCODE / 4; i++)
		if (hcall_stats.calls[i])
			con_printf("  %-16s calls %llu errors %llu busy %llu\n", hcall_op_name(i * 4),
				   (unsigned long long)hcall_stats.calls[i],
				   (unsigned long long)hcall_stats.errors[i],
				   (unsigned long long)hcall_stats.busy[i]);
	con_printf("rtas: %llu calls, %llu errors\n", (unsigned long long)rtas_calls,
		   (unsigned long long)rtas_errors);
	con_printf("console: %llu bytes out, %llu in, %llu busy retries, %llu errors\n",
		   (unsigned long long)hvterm_stats.bytes_out,
		   (unsigned long long)hvterm_stats.bytes_in,
		   (unsigned long long)hvterm_stats.busy_retries,
		   (unsigned long long)hvterm_stats.errors);
}

static void cmd_loglevel(int argc, char **argv)
{
	char *end;
	long v;

	if (argc == 1) {
		con_printf("loglevel %d\n", log_level);
		return;
	}
	v = strtol(argv[1], &end, 10);
	if (*end || v < LOG_ERR || v > LOG_TRACE) {
		con_printf("error: loglevel must be 0..4\nusage: loglevel [0-4]\n");
		return;
	}
	log_level = (int)v;
	con_printf("loglevel %d\n", log_level);
}

static void cmd_poweroff(int argc, char **argv)
{
	con_printf("powering off\n");
	partition_exit(0);
}

static const struct command commands[] = {
	{ "help", "help", cmd_help },
	{ "dt", "dt", cmd_dt },
	{ "stats", "stats", cmd_stats },
	{ "loglevel", "loglevel [0-4]", cmd_loglevel },
	{ "poweroff", "poweroff", cmd_poweroff },
};

static void cmd_help(int argc, char **argv)
{
	con_printf("commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		con_printf("  %s\n", commands[i].usage);
}

void monitor_execute(char *line)
{
	char *argv[8];
	int argc = 0;

	for (char *p = strtok(line, " \t"); p && argc < 8; p = strtok(NULL, " \t"))
		argv[argc++] = p;
	if (argc == 0)
		return;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name)) {
			commands[i].run(argc, argv);
			return;
		}
	con_printf("error: unknown command '%.32s'; type 'help'\n", argv[0]);
}

enum line_status line_feed(struct line_editor *ed, char c)
{
	if (c == '\r' || c == '\n') {
		bool over = ed->overflow;

		con_puts("\n");
		ed->buf[ed->len] = '\0';
		ed->len = 0;
		ed->overflow = false;
		return over ? LINE_TOO_LONG : LINE_READY;
	}
	if (c == 0x7F || c == 0x08) {
		if (ed->len > 0) {
			ed->len--;
			con_puts("\b \b");
		}
		return LINE_PENDING;
	}
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E)
		return LINE_PENDING;	/* ignore other control bytes */
	if (ed->len >= sizeof(ed->buf) - 1) {
		ed->overflow = true;
		return LINE_PENDING;
	}
	ed->buf[ed->len++] = c;
	con_write(&c, 1);
	return LINE_PENDING;
}

void monitor_run(void)
{
	static struct line_editor ed;
	char in[16];

	if (!dt_find_compatible("IBM,vmc"))
		con_puts("no VMC device found (no /vdevice node compatible with IBM,vmc)\n");
	con_puts("type 'help' for commands\n" PROMPT);
	for (;;) {
		size_t n = hvterm_read(in, sizeof(in));

		if (n == 0) {
			idle_wait_us(10000);
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			enum line_status st = line_feed(&ed, in[i]);

			if (st == LINE_TOO_LONG)
				con_printf("error: line longer than %d characters rejected\n",
					   MONITOR_LINE_MAX - 1);
			else if (st == LINE_READY)
				monitor_execute(ed.buf);
			if (st != LINE_PENDING)
				con_puts(PROMPT);
		}
	}
}
