/* SPDX-License-Identifier: GPL-2.0-or-later */
/* monitor.h - the interactive monitor on the vty. */
#ifndef VMCFW_MONITOR_H
#define VMCFW_MONITOR_H

#include "console/monitor_parse.h"

/**
 * line_feed - give the editor one input byte (line_edit); echoes through the
 * console.
 * Return: LINE_READY when Enter completes a line (in ed->buf, NUL-ended).
 */
enum line_status line_feed(struct line_editor *ed, char c);

/** monitor_execute - run one command line. */
void monitor_execute(char *line);

/* A quiet console is read at most this often (an hcall each time, so less
 * often than the CRQ ring); input keeps it read at once. */
#define MONITOR_CONSOLE_POLL_US 10000

/**
 * monitor_run_script - run the commands of @script (cut at ';', in place),
 * each echoed as `script> <command>`, then `script: N command(s) run`.
 * @comma_is_space: a boot-argument script writes its spaces as commas
 */
void monitor_run_script(char *script, bool comma_is_space);

/**
 * monitor_run - the main loop of monitor mode; does not return.
 * @script: the boot argument script= (commas for spaces), run once before
 * the first prompt; NULL or "" for none
 * @console_poll_us: the longest gap between two reads of a quiet console
 */
void monitor_run(char *script, unsigned int console_poll_us) __attribute__((noreturn));

#endif
