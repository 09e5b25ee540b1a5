// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vmctest: /init of the Linux guest that checks spapr-vmc against Linux's own,
 * unmodified ibmvmc driver (drivers/misc/ibmvmc.c), through the driver's
 * user-space interface only (/dev/ibmvmc, its three ioctls, read, write).
 *
 * It runs as PID 1 from an initramfs, prints one "vmctest: " line per step on
 * the console, ends with "vmctest: PASS" or "vmctest: FAIL <why>" and powers
 * the partition off. Every wait has a deadline. The plan comes from the
 * kernel command line, token vmctest=PLAN:
 *
 *   echo   REQUESTVMC; session 1: messages of every size class, echoed by the
 *          HMC peer; one message the peer sends first; close; session 2 on
 *          the re-seeded index; close.                     (default)
 *   reset  session 1 echoes, then waits for the peer's partner reset: the
 *          driver must report the dead session (EBADFD), return to READY,
 *          and a new session must echo again.
 *   two    ibmvmc.max_hmcs=2: two fds hold two sessions at once (index 0
 *          and 1) and each echoes on its own.
 *   buffers  after the first echoes, prints "ready for buffer commands" and
 *          waits for the HMC's "hmc-done": meanwhile the peer adds a buffer
 *          and takes buffers back (ADD_BUF / REM_BUF answered by the driver);
 *          the echoes must still work afterwards.
 *   serve  the driver as the echo side (make bench): REQUESTVMC, one
 *          session; every message the HMC sends is written back unchanged
 *          until it sends "vmctest-serve-done" (then close, PASS). A gap of
 *          more than SERVE_IDLE_MS without a message fails.
 *
 * The ioctl numbers and the query layout are those of drivers/misc/ibmvmc.h,
 * which has no uapi header (see docs/vmc-protocol.md §11).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VMC_BASE 0xCC
#define VMC_IOCTL_SETHMCID _IOW(VMC_BASE, 0x00, unsigned char *)
#define VMC_IOCTL_QUERY _IOR(VMC_BASE, 0x01, struct vmc_query)
#define VMC_IOCTL_REQUESTVMC _IOR(VMC_BASE, 0x02, uint32_t)

struct vmc_query {
	int have_vmc;
	int state;
	int vmc_drc_index;
};

/* The values Linux's driver matches on powerpc64 (size field = sizeof(ptr)). */
_Static_assert(VMC_IOCTL_SETHMCID == 0x8008CC00, "SETHMCID number");
_Static_assert(VMC_IOCTL_QUERY == 0x400CCC01, "QUERY number");
_Static_assert(VMC_IOCTL_REQUESTVMC == 0x4004CC02, "REQUESTVMC number");

enum { DRIVER_READY = 3 };
#define HMC_ID_LEN 32
#define MAX_MTU 4096
#define STEP_TIMEOUT_MS 20000
#define SERVE_IDLE_MS 60000
#define SERVE_DONE "vmctest-serve-done"

static int mtu = MAX_MTU;
static const char *plan = "echo";

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmctest: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The end: print the verdict, flush, power off (PID 1 must not exit). */
static void finish(int ok, const char *why)
{
	if (ok)
		out("PASS");
	else
		out("FAIL %s", why);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void fail(const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	finish(0, why);
}

/* The plan and the MTU from /proc/cmdline (vmctest=PLAN vmctest.mtu=N). */
static void read_cmdline(void)
{
	static char line[4096];
	char *tok, *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		fail("cannot read /proc/cmdline: %s", strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "vmctest=", 8))
			plan = tok + 8;
		else if (!strncmp(tok, "vmctest.mtu=", 12))
			mtu = atoi(tok + 12);
	}
	if (mtu < 1 || mtu > MAX_MTU)
		fail("vmctest.mtu=%d out of 1..%d", mtu, MAX_MTU);
}

static void setup_fs(void)
{
	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		fail("mount devtmpfs: %s", strerror(errno));
	if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
		fail("mount proc: %s", strerror(errno));
}

static int open_vmc(void)
{
	int fd = open("/dev/ibmvmc", O_RDWR);

	if (fd < 0)
		fail("open /dev/ibmvmc: %s", strerror(errno));
	return fd;
}

/* Poll QUERY until the driver is READY; report every state it passes. */
static void wait_ready(int fd, const char *why)
{
	long long end = now_ms() + STEP_TIMEOUT_MS;
	struct vmc_query q;
	int last = -100;

	for (;;) {
		memset(&q, 0, sizeof(q));
		if (ioctl(fd, VMC_IOCTL_QUERY, &q))
			fail("QUERY: %s", strerror(errno));
		if (q.state != last)
			out("query have_vmc=%d state=%d drc=0x%x (%s)", q.have_vmc, q.state,
			    (unsigned int)q.vmc_drc_index, why);
		last = q.state;
		if (q.state == DRIVER_READY)
			return;
		if (now_ms() > end)
			fail("driver not READY after %d ms (state %d)", STEP_TIMEOUT_MS, q.state);
		sleep_ms(20);
	}
}

static void request_vmc(int fd)
{
	uint32_t drc = 0;
	struct vmc_query q;
	int rc = ioctl(fd, VMC_IOCTL_REQUESTVMC, &drc);

	if (rc)
		fail("REQUESTVMC: rc %d %s", rc, strerror(errno));
	if (ioctl(fd, VMC_IOCTL_QUERY, &q))
		fail("QUERY: %s", strerror(errno));
	out("requestvmc drc=0x%08x query.drc=0x%08x", drc, (unsigned int)q.vmc_drc_index);
	if (drc == 0 || (uint32_t)q.vmc_drc_index != drc)
		fail("REQUESTVMC returned drc 0x%x, QUERY says 0x%x", drc, q.vmc_drc_index);
}

/* SETHMCID, retried while the driver is not ready (EAGAIN), the index has no
 * seed buffer yet (ENOBUFS) or the slot still waits for a CLOSE_RESP (EBUSY). */
static void open_session(int fd, const char *hmc_id)
{
	unsigned char id[HMC_ID_LEN];
	long long end = now_ms() + STEP_TIMEOUT_MS;

	memset(id, 0, sizeof(id));
	memcpy(id, hmc_id, strnlen(hmc_id, sizeof(id)));
	while (ioctl(fd, VMC_IOCTL_SETHMCID, id)) {
		if ((errno != EAGAIN && errno != ENOBUFS && errno != EBUSY) || now_ms() > end)
			fail("SETHMCID %s: %s", hmc_id, strerror(errno));
		sleep_ms(20);
	}
	out("sethmcid %s ok", hmc_id);
}

/* One message; EBUSY means "session still OPENING" or "no send buffer yet". */
static void send_msg(int fd, const unsigned char *buf, int len)
{
	long long end = now_ms() + STEP_TIMEOUT_MS;
	ssize_t n;

	while ((n = write(fd, buf, len)) < 0) {
		if (errno != EBUSY || now_ms() > end)
			fail("write %d bytes: %s", len, strerror(errno));
		sleep_ms(5);
	}
	if (n != len)
		fail("write %d bytes returned %zd", len, n);
}

/* One whole message, or -errno (EBADFD after a reset), or fail on timeout. */
static int recv_msg(int fd, unsigned char *buf, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int rc = poll(&p, 1, timeout_ms);

	if (rc < 0)
		fail("poll: %s", strerror(errno));
	if (rc == 0)
		return -ETIMEDOUT;
	n = read(fd, buf, mtu);
	if (n < 0)
		return -errno;
	return (int)n;
}

static void fill(unsigned char *buf, int len, unsigned int seed)
{
	for (int i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

/* Send LEN pattern bytes and expect exactly them back from the echo peer. */
static void echo_once(int fd, int len, unsigned int seed)
{
	static unsigned char tx[MAX_MTU], rx[MAX_MTU];
	int n;

	fill(tx, len, seed);
	send_msg(fd, tx, len);
	n = recv_msg(fd, rx, STEP_TIMEOUT_MS);
	if (n < 0)
		fail("echo of %d bytes: %s", len, strerror(-n));
	if (n != len || memcmp(tx, rx, len))
		fail("echo of %d bytes came back as %d different bytes", len, n);
}

/* Sizes that cross every boundary the device cares about, up to the MTU. */
static int echo_sizes(int fd, unsigned int seed)
{
	static const int sizes[] = { 1, 2, 15, 16, 17, 63, 64, 255, 256, 1000, 2048, 4095, 4096 };
	int count = 0;
	long bytes = 0;
	long long start = now_ms();

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int len = sizes[i] > mtu ? mtu : sizes[i];

		echo_once(fd, len, seed + (unsigned int)i);
		count++;
		bytes += len;
	}
	for (int i = 0; i < 50; i++, count++, bytes += 64)
		echo_once(fd, 64, seed + 100 + (unsigned int)i);
	out("echoed %d messages, %ld bytes in %lld ms", count, bytes, now_ms() - start);
	return count;
}

/* The peer sends "hmc-hello <index>" after it sees a session open. */
static void expect_hello(int fd, int index)
{
	unsigned char rx[MAX_MTU];
	char want[32];
	int n = recv_msg(fd, rx, STEP_TIMEOUT_MS);

	snprintf(want, sizeof(want), "hmc-hello %d", index);
	if (n < 0)
		fail("no hello from the HMC: %s", strerror(-n));
	if (n != (int)strlen(want) || memcmp(rx, want, n))
		fail("first HMC message was %d bytes, not \"%s\"", n, want);
	out("received \"%s\" from the HMC", want);
}

static void close_session(int fd, const char *what)
{
	if (close(fd))
		fail("close %s: %s", what, strerror(errno));
	out("closed %s", what);
}

static void plan_echo(void)
{
	int fd = open_vmc();

	wait_ready(fd, "probe");
	request_vmc(fd);
	open_session(fd, "vmctest-hmc-A");
	expect_hello(fd, 0);
	echo_sizes(fd, 1);
	close_session(fd, "session 1");

	/* The driver frees every buffer of the index on CLOSE_RESP: the second
	 * open only works if the device re-seeded the index afterwards. */
	fd = open_vmc();
	open_session(fd, "vmctest-hmc-B");
	expect_hello(fd, 0);
	echo_sizes(fd, 1000);
	close_session(fd, "session 2");
}

/*
 * Wait until the driver has ended this fd's session because of a transport
 * event. The driver's poll() never reports that (no POLLHUP/POLLERR), only
 * read() does, with EBADFD once the FIFO is empty: so read without blocking
 * until it says so.
 */
static void wait_session_reset(int fd, int timeout_ms)
{
	unsigned char rx[MAX_MTU];
	long long end = now_ms() + timeout_ms;
	ssize_t n;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		fail("fcntl O_NONBLOCK: %s", strerror(errno));
	for (;;) {
		n = read(fd, rx, mtu);
		if (n < 0 && errno == EBADFD)
			return;
		if (n >= 0)
			fail("a %zd-byte message arrived while waiting for the reset", n);
		if (errno != EAGAIN)
			fail("read while waiting for the reset: %s", strerror(errno));
		if (now_ms() > end)
			fail("session not ended %d ms after the request for a reset", timeout_ms);
		sleep_ms(20);
	}
}

static void plan_reset(void)
{
	int fd = open_vmc();

	wait_ready(fd, "probe");
	open_session(fd, "vmctest-hmc-R1");
	expect_hello(fd, 0);
	echo_sizes(fd, 1);
	out("waiting for a partner reset");
	wait_session_reset(fd, 60000);
	out("session 1 ended by the reset (EBADFD)");
	close(fd);
	fd = open_vmc();
	wait_ready(fd, "after reset");
	open_session(fd, "vmctest-hmc-R2");
	expect_hello(fd, 0);
	echo_sizes(fd, 2000);
	close_session(fd, "session 2");
}

static void plan_buffers(void)
{
	unsigned char rx[MAX_MTU];
	int fd = open_vmc(), n;

	wait_ready(fd, "probe");
	open_session(fd, "vmctest-hmc-buf");
	expect_hello(fd, 0);
	echo_sizes(fd, 1);
	out("ready for buffer commands");
	n = recv_msg(fd, rx, STEP_TIMEOUT_MS);
	if (n != 8 || memcmp(rx, "hmc-done", 8))
		fail("expected \"hmc-done\" from the HMC, got %d (%s)", n,
		     n < 0 ? strerror(-n) : "other data");
	out("received \"hmc-done\" from the HMC");
	echo_sizes(fd, 500);
	close_session(fd, "session");
}

static void plan_two(void)
{
	int a = open_vmc(), b;

	wait_ready(a, "probe");
	b = open_vmc();
	open_session(a, "vmctest-hmc-0");
	expect_hello(a, 0);
	open_session(b, "vmctest-hmc-1");
	expect_hello(b, 1);
	for (int i = 0; i < 20; i++) {
		echo_once(a, 100 + i, 3000 + (unsigned int)i);
		echo_once(b, 200 + i, 4000 + (unsigned int)i);
	}
	out("echoed 20 messages on each of two sessions");
	close_session(a, "session on index 0");
	close_session(b, "session on index 1");
}

/* The echo side: the same direction as the image's echo mode, so that one
 * peer measures both (tools/bench.py). */
static void plan_serve(void)
{
	static unsigned char rx[MAX_MTU];
	int fd = open_vmc();
	long count = 0;
	int n;

	wait_ready(fd, "probe");
	request_vmc(fd);
	open_session(fd, "vmctest-serve");
	out("serving echoes");
	for (;;) {
		n = recv_msg(fd, rx, SERVE_IDLE_MS);
		if (n < 0)
			fail("serve: after %ld echoes: %s", count, strerror(-n));
		if (n == (int)strlen(SERVE_DONE) && !memcmp(rx, SERVE_DONE, n))
			break;
		send_msg(fd, rx, n);
		count++;
	}
	out("served %ld echoes", count);
	close_session(fd, "serve session");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_fs();
	read_cmdline();
	out("start plan=%s mtu=%d", plan, mtu);
	if (!strcmp(plan, "echo"))
		plan_echo();
	else if (!strcmp(plan, "reset"))
		plan_reset();
	else if (!strcmp(plan, "two"))
		plan_two();
	else if (!strcmp(plan, "buffers"))
		plan_buffers();
	else if (!strcmp(plan, "serve"))
		plan_serve();
	else
		fail("unknown plan \"%s\"", plan);
	finish(1, NULL);
	return 0;
}
