/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * relay.h - VMC events on the console, one line each, for people and for
 * scripts: a stable prefix "VMC " then key=value fields (docs/console.md).
 */
#ifndef VMCFW_RELAY_H
#define VMCFW_RELAY_H

#include <stdint.h>

#define RELAY_PREVIEW_BYTES 64	/* payload shown at loglevel < 3 */

/**
 * relay_event - print "VMC t=<us> ev=<name> idx=<i> sess=<s> <extra>".
 * @index, @session: -1 to leave the field out
 * @extra: further key=value fields, already formatted (may be NULL)
 */
void relay_event(const char *name, int index, int session, const char *extra);

/**
 * relay_message - print a message line with its payload: text="..." when
 * every byte is printable, else hex=...; truncated to RELAY_PREVIEW_BYTES
 * (with trunc=<bytes left out>) below loglevel 3.
 */
void relay_message(const char *name, int index, int session, const uint8_t *data, uint32_t len);

#endif
