// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * strstr_small.c - the image's strstr(), in place of newlib's. newlib's is
 * the two-way algorithm: linear time, but 2.5 KiB of the image with the
 * strchr() it pulls in. The image searches only short texts (the boot
 * arguments, at most DT_BOOTARGS_LEN bytes, and the dt-fault= list
 * taken from them), where the plain quadratic scan costs nothing that matters
 * (docs/architecture.md "Image size"). Image only: host builds use their C
 * library's.
 */
#include <string.h>

/**
 * strstr - the first occurrence of @needle in @haystack.
 * Return: a pointer to it, @haystack if @needle is empty, NULL if none.
 */
char *strstr(const char *haystack, const char *needle)
{
	if (!*needle)
		return (char *)haystack;
	for (; *haystack; haystack++) {
		const char *h = haystack, *n = needle;

		while (*n && *h == *n) {
			h++;
			n++;
		}
		if (!*n)
			return (char *)haystack;
	}
	return NULL;
}
