// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor.c - the interactive monitor: a prompt on the vty, line editing
 * with backspace, one-line errors with the usage for bad input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/monitor.h"
#include "console/monitor_parse.h"
#include "console/validate.h"
#include "console/vmc_app.h"
#include "drivers/hvterm.h"
#include "drivers/idle.h"
#include "drivers/watchdog.h"
#include "hcall/hcall.h"
#include "hcall/rtas.h"
#include "lib/dt.h"
#include "lib/log.h"
#include "lib/time.h"

#define PROMPT "vmcfw> "

struct command {
	const char *name;
	const char *usage;
	void (*run)(int argc, char **argv);
};

static void cmd_help(int argc, char **argv);
static const struct command *find_command(const char *name);

static void usage_error(const char *cmd, const char *what)
{
	const struct command *c = find_command(cmd);

	con_printf("error: %s\nusage: %s\n", what, c ? c->usage : cmd);
}

/* A VMC command needs the adapter; say so once, clearly, when it is absent. */
static struct vmc *need_vmc(void)
{
	if (!vmc_app_started()) {
		con_printf("error: no VMC adapter is running%s\n",
			   vmc_app_device() ? " (it failed to start: see the log)" :
			   " (no IBM,vmc node in the device tree)");
		return NULL;
	}
	return vmc_app_engine();
}

static bool parse_index(const char *cmd, const char *arg, unsigned int *out)
{
	if (!monitor_parse_index(arg, VMC_MAX_HMCS, out)) {
		usage_error(cmd, "bad HMC index");
		return false;
	}
	return true;
}

static void report(const char *what, enum vmc_result r)
{
	if (r == VMC_OK || r == VMC_QUEUED)
		con_printf("%s: %s\n", what, vmc_result_name(r));
	else if (vmc_result_is_hcall(r))	/* say what the hypervisor answered */
		con_printf("error: %s: %s (%s)\n", what, vmc_result_name(r),
			   hcall_rc_name(vmc_app_engine()->last_rc));
	else
		con_printf("error: %s: %s\n", what, vmc_result_name(r));
}

static unsigned int console_period_us;	/* monitor_run()'s, for `status` */

static void cmd_status(int argc, char **argv)
{
	struct vmc *v = need_vmc();
	const struct crq_service *svc;

	if (!v)
		return;
	vmc_dump(v, con_pf, NULL);
	con_printf("app: rx %llu (%llu bytes) tx %llu (%llu bytes) echoed %llu echo-failed %llu "
		   "echo %s, crq irqs %llu, sweeps %llu (found work %llu)\n",
		   (unsigned long long)vmc_app_stats.rx, (unsigned long long)vmc_app_stats.rx_bytes,
		   (unsigned long long)vmc_app_stats.tx, (unsigned long long)vmc_app_stats.tx_bytes,
		   (unsigned long long)vmc_app_stats.echoed,
		   (unsigned long long)vmc_app_stats.echo_failed, vmc_app_echo() ? "on" : "off",
		   (unsigned long long)vmc_app_irqs(), (unsigned long long)vmc_app_stats.sweeps,
		   (unsigned long long)vmc_app_stats.sweep_found);
	if (strcmp(vmc_app_service(), "irq") && strcmp(vmc_app_service(), "poll"))
		con_printf("app: service poll (irq mode unavailable: %s)\n", vmc_app_service());
	else
		con_printf("app: service %s\n", vmc_app_service());
	svc = vmc_app_service_state();
	con_printf("app: poll spin %u us, cede %u us for %u us after work then up to %u us, "
		   "console every %u us; spins %llu (found work %llu), cedes %llu\n",
		   svc->budget.spin_us, svc->budget.cede_us, svc->budget.busy_us, svc->budget.idle_us,
		   console_period_us,
		   (unsigned long long)svc->spins, (unsigned long long)svc->spin_hits,
		   (unsigned long long)svc->cedes);
}

static void cmd_open(int argc, char **argv)
{
	uint8_t id[VMC_HMC_ID_LEN] = { 0 };
	unsigned int index = 0;
	struct vmc *v;
	enum vmc_result r;

	if (argc != 2 || strlen(argv[1]) > VMC_HMC_ID_LEN) {
		usage_error(argv[0], "give one HMC ID of at most 32 characters");
		return;
	}
	if (!(v = need_vmc()))
		return;
	memcpy(id, argv[1], strlen(argv[1]));
	r = vmc_open(v, VMC_INDEX_ANY, id, &index);
	if (r == VMC_OK)
		con_printf("open: OPEN sent on index %u (session %u)\n", index,
			   vmc_hmc_session(v, index));
	else
		report("open", r);
}

static void cmd_close(int argc, char **argv)
{
	unsigned int index;
	struct vmc *v;

	if (argc != 2) {
		usage_error(argv[0], "give the HMC index");
		return;
	}
	if (!parse_index(argv[0], argv[1], &index) || !(v = need_vmc()))
		return;
	report("close", vmc_app_close(index));
}

static void cmd_send(int argc, char **argv)
{
	char text[MONITOR_LINE_MAX];
	size_t n;
	unsigned int index;
	struct vmc *v;

	if (argc < 3) {
		usage_error(argv[0], "give the HMC index and the text");
		return;
	}
	if (!parse_index(argv[0], argv[1], &index) || !(v = need_vmc()))
		return;
	n = monitor_join(text, sizeof(text), argc, argv, 2);
	report("send", vmc_app_send(index, text, (uint32_t)n));
}

static void cmd_sendhex(int argc, char **argv)
{
	uint8_t data[MONITOR_LINE_MAX / 2];
	int n = argc == 3 ? monitor_parse_hex(argv[2], data, sizeof(data)) : -1;
	unsigned int index;
	struct vmc *v;

	if (n == -1) {
		usage_error(argv[0], "give the HMC index and an even number of hex digits");
		return;
	}
	if (n < 0) {
		usage_error(argv[0], "not a hex digit");
		return;
	}
	if (!parse_index(argv[0], argv[1], &index) || !(v = need_vmc()))
		return;
	report("sendhex", vmc_app_send(index, data, (uint32_t)n));
}

static void cmd_echo(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
		usage_error(argv[0], "say on or off");
		return;
	}
	vmc_app_set_echo(!strcmp(argv[1], "on"));
	con_printf("echo %s\n", vmc_app_echo() ? "on" : "off");
}

static void cmd_reset(int argc, char **argv)
{
	struct vmc *v = need_vmc();

	if (v)
		report("reset", vmc_restart(v));
}

static void cmd_requestvmc(int argc, char **argv)
{
	uint32_t drc = 0;
	long rc = 0;
	enum vmc_result r = vmc_request_vmc(&drc, &rc);

	if (r == VMC_OK)
		con_printf("requestvmc: DRC index 0x%x\n", drc);
	else
		con_printf("error: requestvmc: %s (%s)\n", vmc_result_name(r), hcall_rc_name(rc));
}

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
	int v;

	if (argc == 1) {
		con_printf("loglevel %d\n", log_level);
		return;
	}
	if (!monitor_parse_loglevel(argv[1], &v)) {
		usage_error(argv[0], "loglevel must be 0..4");
		return;
	}
	log_level = v;
	con_printf("loglevel %d\n", log_level);
}

static void cmd_hcall(int argc, char **argv)
{
	validate_hcall(argc, argv, usage_error);
}

static void cmd_mem(int argc, char **argv)
{
	validate_mem(argc, argv, usage_error);
}

static void cmd_crq(int argc, char **argv)
{
	validate_crq(argc, argv, usage_error);
}

/* `run` is handled by monitor_execute() (it needs the raw line); listed for help. */
static void cmd_run(int argc, char **argv)
{
}

static void cmd_poweroff(int argc, char **argv)
{
	con_printf("powering off\n");
	partition_exit(0);
}

static const struct command commands[] = {
	{ "help", "help", cmd_help },
	{ "status", "status", cmd_status },
	{ "open", "open <hmc-id>", cmd_open },
	{ "close", "close <index>", cmd_close },
	{ "send", "send <index> <text>", cmd_send },
	{ "sendhex", "sendhex <index> <hex bytes>", cmd_sendhex },
	{ "echo", "echo on|off", cmd_echo },
	{ "reset", "reset", cmd_reset },
	{ "requestvmc", "requestvmc", cmd_requestvmc },
	{ "dt", "dt", cmd_dt },
	{ "stats", "stats", cmd_stats },
	{ "loglevel", "loglevel [0-4]", cmd_loglevel },
	{ "hcall", "hcall [-f] <name|number> [arg...]", cmd_hcall },
	{ "mem", "mem <address> [length]", cmd_mem },
	{ "crq", "crq [first count]", cmd_crq },
	{ "run", "run <command>[; <command>...]", cmd_run },
	{ "poweroff", "poweroff", cmd_poweroff },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void cmd_help(int argc, char **argv)
{
	con_printf("commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		con_printf("  %s\n", commands[i].usage);
}

static bool in_script;

void monitor_run_script(char *script, bool comma_is_space)
{
	char *cmds[MONITOR_SCRIPT_MAX];
	int n = monitor_split_script(script, comma_is_space, cmds);

	if (n < 0) {
		con_printf("error: script refused: more than %d commands or one longer than %d "
			   "characters\n", MONITOR_SCRIPT_MAX, MONITOR_LINE_MAX - 1);
		return;
	}
	in_script = true;
	for (int i = 0; i < n; i++) {
		con_printf("script> %s\n", cmds[i]);
		monitor_execute(cmds[i]);
	}
	in_script = false;
	con_printf("script: %d command(s) run\n", n);
}

void monitor_execute(char *line)
{
	char *argv[MONITOR_MAX_ARGS];
	char *p = line;
	int argc;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "run", 3) && (p[3] == '\0' || p[3] == ' ' || p[3] == '\t')) {
		if (in_script)
			con_printf("error: run: a script cannot run another script\n");
		else if (p[3] == '\0')
			usage_error("run", "give the commands, separated by ';'");
		else
			monitor_run_script(p + 4, false);
		return;
	}
	argc = monitor_split(line, argv, MONITOR_MAX_ARGS);
	if (argc == 0)
		return;
	if (find_command(argv[0]))
		find_command(argv[0])->run(argc, argv);
	else
		con_printf("error: unknown command '%.32s'; type 'help'\n", argv[0]);
}

enum line_status line_feed(struct line_editor *ed, char c)
{
	char echo[LINE_ECHO_MAX];
	size_t n;
	enum line_status st = line_edit(ed, c, echo, &n);

	if (n)
		con_write(echo, n);
	return st;
}

void monitor_run(char *script, unsigned int console_poll_us)
{
	static struct line_editor ed;
	char in[16];
	uint64_t next_read = 0;

	console_period_us = console_poll_us;

	if (!vmc_app_device())
		con_puts("no VMC device found (no /vdevice node compatible with IBM,vmc)\n");
	if (script && *script)
		monitor_run_script(script, true);
	con_puts("type 'help' for commands\n" PROMPT);
	for (;;) {
		uint64_t now = time_since_boot_us();
		size_t n = 0;

		watchdog_pet();
		if (now >= next_read) {
			n = hvterm_read(in, sizeof(in));
			next_read = n ? now : now + console_poll_us;
		}
		if (n == 0) {
			/* console-poll=0: read after every pass, as before budgets */
			uint64_t wait = next_read > now ? next_read - now : 10000;

			if (vmc_app_started())
				vmc_app_step(wait);
			else
				idle_wait_us(wait);
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
		vmc_app_step(0);
	}
}
