// SPDX-License-Identifier: GPL-2.0-or-later
/* smoke.c - run self-checks and print TAP. */
#include <string.h>

#include "console/console.h"
#include "console/smoke.h"

void smoke_run(const struct smoke_check *checks, unsigned int n, const char *forced_fail)
{
	unsigned int failed = 0, skipped = 0;

	con_printf("1..%u\n", n);
	for (unsigned int i = 0; i < n; i++) {
		char why[160] = "";
		enum smoke_verdict v = checks[i].run(why, sizeof(why));

		if (forced_fail && !strcmp(forced_fail, checks[i].name)) {
			v = SMOKE_FAIL;
			strcpy(why, "forced to fail by fail-check=");
		}
		switch (v) {
		case SMOKE_PASS:
			con_printf("ok %u - %s%s%s\n", i + 1, checks[i].name, why[0] ? ": " : "", why);
			break;
		case SMOKE_SKIP:
			skipped++;
			con_printf("ok %u - %s # SKIP %s\n", i + 1, checks[i].name, why);
			break;
		case SMOKE_FAIL:
			failed++;
			con_printf("not ok %u - %s: %s\n", i + 1, checks[i].name, why);
			break;
		}
	}
	con_printf("# smoke: %u passed, %u failed, %u skipped\n", n - failed - skipped, failed,
		   skipped);
	partition_exit(failed ? 1 : 0);
}
