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

/** monitor_run - the main loop of monitor mode; does not return. */
void monitor_run(void) __attribute__((noreturn));

#endif
