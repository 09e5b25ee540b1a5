/* SPDX-License-Identifier: GPL-2.0-or-later */
/* monitor.h - the interactive monitor on the vty. */
#ifndef VMCFW_MONITOR_H
#define VMCFW_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#define MONITOR_LINE_MAX 128

/* Line editor state: printable bytes accumulate, backspace erases. */
struct line_editor {
	char buf[MONITOR_LINE_MAX];
	size_t len;
	bool overflow;		/* input longer than the buffer: line rejected */
};

enum line_status { LINE_PENDING, LINE_READY, LINE_TOO_LONG };

/**
 * line_feed - give the editor one input byte; echoes through the console.
 * Returns LINE_READY when Enter completes a line (in ed->buf, NUL-ended).
 */
enum line_status line_feed(struct line_editor *ed, char c);

/** monitor_execute - run one command line. */
void monitor_execute(char *line);

/** monitor_run - the main loop of monitor mode; does not return. */
void monitor_run(void) __attribute__((noreturn));

#endif
