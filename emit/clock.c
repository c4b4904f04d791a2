/* -rtc with the rtc timer's track and tick policy, the PIT's lost-tick
 * policy, and <pm>'s sleep states, as libvirt writes them. */
#include <stdlib.h>
#include <time.h>

#include "emit/build.h"

/* offset='absolute': the date and time of START as -rtc base= takes it,
 * in UTC (libvirt's gmtime_r and format). */
static const char *absolute_base(uint64_t start, char date[static 32])
{
	time_t t = (time_t)start;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return "utc"; /* unreachable: parse/ bounds START to year 9999 */
	if (!strftime(date, 32, "%Y-%m-%dT%H:%M:%S", &tm))
		return "utc";
	return date;
}

void build_clock(struct build *b)
{
	char date[32];
	const struct clock *clock = &b->dom->clock;
	static const char *const bases[] = {
		[CLOCK_UTC] = "utc",
		[CLOCK_LOCALTIME] = "localtime",
	};
	static const char *const tracks[] = {
		[TRACK_GUEST] = "vm",
		[TRACK_WALL] = "host",
		[TRACK_REALTIME] = "rt",
	};
	if (clock->offset != CLOCK_DEFAULT || clock->rtc_track != TRACK_DEFAULT ||
	    clock->rtc_catchup) {
		struct keyval kv;
		kv_begin(&kv, NULL);
		if (clock->offset == CLOCK_ABSOLUTE)
			kv_str(&kv, "base", absolute_base(clock->start, date));
		else if (clock->offset != CLOCK_DEFAULT)
			kv_str(&kv, "base", bases[clock->offset]);
		if (clock->rtc_track != TRACK_DEFAULT)
			kv_str(&kv, "clock", tracks[clock->rtc_track]);
		if (clock->rtc_catchup)
			kv_str(&kv, "driftfix", "slew");
		kv_push(&kv, b->argv, "-rtc");
	}
	if (clock->pit != PIT_DEFAULT)
		argv_pair(b->argv, "-global", clock->pit == PIT_DELAY
			  ? "kvm-pit.lost_tick_policy=delay"
			  : "kvm-pit.lost_tick_policy=discard");
}

/* disable_s3/disable_s4 of the machine's power-management device: ICH9's
 * LPC bridge on q35, PIIX4's on pc (QEMU's default machine). */
void build_power(struct build *b)
{
	const struct pm *pm = &b->dom->pm;
	const char *dev = b->dom->os.family == MACHINE_Q35 ? "ICH9-LPC" : "PIIX4_PM";
	const enum tristate states[] = { pm->suspend_to_mem, pm->suspend_to_disk };
	for (int s = 0; s < 2; s++) {
		if (states[s] == TRI_DEFAULT)
			continue;
		char *g = xasprintf("%s.disable_s%d=%d", dev, s + 3,
				    states[s] == TRI_OFF ? 1 : 0);
		argv_pair(b->argv, "-global", g);
		free(g);
	}
}
