// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * syscalls.c - the system shims newlib needs, and nothing more: stdout and
 * stderr go to the console, sbrk hands out a bounded heap, everything else
 * fails with ENOSYS (or EBADF).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "console/console.h"

#undef errno
extern int errno;

#define HEAP_SIZE (256 * 1024)

static char heap[HEAP_SIZE] __attribute__((aligned(16)));
static size_t heap_used;

void *sbrk(ptrdiff_t incr)
{
	size_t old = heap_used;

	if (incr < 0 ? (size_t)-incr > heap_used : (size_t)incr > HEAP_SIZE - heap_used) {
		errno = ENOMEM;
		return (void *)-1;
	}
	heap_used += incr;
	return heap + old;
}

int write(int fd, const void *buf, size_t len)
{
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	con_write(buf, len);
	return (int)len;
}

int read(int fd, void *buf, size_t len)
{
	errno = ENOSYS;
	return -1;
}

int close(int fd)
{
	errno = EBADF;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	if (fd >= 0 && fd <= 2) {
		st->st_mode = S_IFCHR;
		return 0;
	}
	errno = EBADF;
	return -1;
}

int isatty(int fd)
{
	return fd >= 0 && fd <= 2;
}

off_t lseek(int fd, off_t off, int whence)
{
	errno = ESPIPE;
	return -1;
}

int open(const char *path, int flags, ...)
{
	errno = ENOSYS;
	return -1;
}

int getpid(void)
{
	return 1;
}

int kill(int pid, int sig)
{
	errno = ENOSYS;
	return -1;
}

void _exit(int status)
{
	partition_exit(status);
}
