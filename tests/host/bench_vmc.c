// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_vmc.c - printed, never asserted: messages per second through the
 * MP engine and the HV engine in the simulator, and hcalls per message.
 * Usage: bench_vmc [messages]   (run under callgrind for instructions/message)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hcall/hcall.h"
#include "tests/host/harness.h"

static struct harness H;

static bool ready(struct harness *h)
{
	return h->v.state == VMC_STATE_READY;
}

static bool opened(struct harness *h)
{
	return vmc_hmc_get_state(&h->v, 0) == VMC_HMC_OPEN;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	uint8_t msg[256], id[32] = "bench";
	uint64_t calls0, copies0, sends0;
	double t0, t1;

	memset(msg, 0x5A, sizeof(msg));
	harness_setup(&H, NULL, NULL);
	vmc_start(&H.v);
	if (!harness_until(&H, ready, 1000000) || vmc_open(&H.v, 0, id, NULL) != VMC_OK ||
	    !harness_until(&H, opened, 1000000)) {
		fprintf(stderr, "bench: channel did not come up\n");
		return 1;
	}
	H.echo = true;	/* every HMC message comes back as an MP send */
	calls0 = hcall_stats_total();
	copies0 = hcall_stats.calls[H_COPY_RDMA / 4];
	sends0 = hcall_stats.calls[H_SEND_CRQ / 4];
	t0 = now_s();
	for (unsigned long i = 0; i < n; i++) {
		vmc_hv_hmc_send(sim_hv(), 0, msg, sizeof(msg));
		vmc_poll(&H.v);
		H.n_rx = 0;
	}
	t1 = now_s();
	printf("bench_vmc: %lu round trips (HV->MP SIGNAL + MP echo), 256 B, %.0f round trips/s\n",
	       n, (double)n / (t1 - t0));
	printf("bench_vmc: per round trip: %.2f hcalls (%.2f H_COPY_RDMA, %.2f H_SEND_CRQ); floor 3 (2 + 1)\n",
	       (double)(hcall_stats_total() - calls0) / (double)n,
	       (double)(hcall_stats.calls[H_COPY_RDMA / 4] - copies0) / (double)n,
	       (double)(hcall_stats.calls[H_SEND_CRQ / 4] - sends0) / (double)n);
	harness_teardown(&H);
	return 0;
}
