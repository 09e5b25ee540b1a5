/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * time.h - timebase and deadlines: the one way anything in vmcfw waits.
 *
 * Ground floor: no hypervisor needed. tb_now() is a platform hook: the
 * image reads the timebase register (drivers/timebase.c); the host
 * simulator supplies virtual time (hv/sim/). Everything else is portable.
 */
#ifndef VMCFW_TIME_H
#define VMCFW_TIME_H

#include <stdbool.h>
#include <stdint.h>

/* Timebase frequency in Hz; set at boot from the device tree (or by the sim). */
extern uint64_t tb_freq;

/** tb_now - current timebase value (platform hook). */
uint64_t tb_now(void);

/** tb_relax - called inside busy-wait loops (platform hook; may idle). */
void tb_relax(void);

static inline uint64_t tb_to_us(uint64_t ticks)
{
	return tb_freq ? ticks / (tb_freq / 1000000) : 0;
}

static inline uint64_t us_to_tb(uint64_t us)
{
	return us * (tb_freq / 1000000);
}

/* Microseconds since the image was entered (or the sim started). */
extern uint64_t tb_boot;
static inline uint64_t time_since_boot_us(void)
{
	return tb_to_us(tb_now() - tb_boot);
}

struct deadline {
	uint64_t end;	/* timebase value; 0 = never set */
};

/** deadline_in_us - a deadline @us microseconds from now. */
static inline struct deadline deadline_in_us(uint64_t us)
{
	struct deadline d = { tb_now() + us_to_tb(us) };
	return d;
}

/** deadline_passed - true once the deadline has been reached. */
static inline bool deadline_passed(struct deadline d)
{
	return (int64_t)(tb_now() - d.end) >= 0;
}

/** deadline_left_us - microseconds left, 0 when passed. */
static inline uint64_t deadline_left_us(struct deadline d)
{
	uint64_t now = tb_now();
	return (int64_t)(d.end - now) > 0 ? tb_to_us(d.end - now) : 0;
}

/** udelay - busy-wait @us microseconds on the timebase. */
void udelay(uint64_t us);

#endif /* VMCFW_TIME_H */
