/*
 * <clock> (offset and timers) and <pm>: guest-visible time sources and
 * sleep states, read as libvirt reads them for QEMU.  Timers QEMU 7.2
 * cannot give as asked (a tick policy it lacks, the platform timer) are
 * refused; every <timer> is translated or refused, none dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"

static const char *const timer_names[] = {
	"platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock",
	"armvtimer", NULL,
};
enum { T_PLATFORM, T_PIT, T_RTC, T_HPET, T_TSC, T_KVMCLOCK, T_HYPERVCLOCK, T_ARMVTIMER };

static const char *const tickpolicies[] = { "delay", "catchup", "merge", "discard", NULL };
enum { TICK_DELAY, TICK_CATCHUP, TICK_MERGE, TICK_DISCARD };

/* rtc: track= and tickpolicy= go on -rtc. */
static void rtc_timer(struct parser *p, const xmlNode *n, int tick)
{
	struct clock *clock = &p->dom->clock;
	static const char *const tracks[] = { "boot", "guest", "wall", "realtime", NULL };
	int track = attr_choice(p, n, "track", tracks);
	if (track == 0)
		refuse(p, n, "track='boot' is not supported by QEMU's RTC; expected 'guest', 'wall' or 'realtime'");
	else if (track > 0)
		clock->rtc_track = (enum rtc_track)track;
	if (tick == TICK_CATCHUP)
		clock->rtc_catchup = true;
	else if (tick == TICK_MERGE || tick == TICK_DISCARD)
		refuse(p, n, "tickpolicy='%s' is not supported by QEMU's RTC; expected 'delay' or 'catchup'",
		       tickpolicies[tick]);
}

/* pit: tickpolicy= is kvm-pit's lost_tick_policy (catchup: its default). */
static void pit_timer(struct parser *p, const xmlNode *n, int tick)
{
	struct clock *clock = &p->dom->clock;
	if (tick == TICK_DELAY)
		clock->pit = PIT_DELAY;
	else if (tick == TICK_DISCARD)
		clock->pit = PIT_DISCARD;
	else if (tick == TICK_MERGE)
		refuse(p, n, "tickpolicy='merge' is not supported by QEMU's PIT; expected 'delay', 'catchup' or 'discard'");
}

/* present= of a timer QEMU can switch: hpet (machine), kvmclock and
 * hypervclock (CPU flags); rtc and pit are always there. */
static void timer_present(struct parser *p, const xmlNode *n, int name,
			  enum tristate present)
{
	struct clock *clock = &p->dom->clock;
	if (name == T_HPET)
		clock->hpet = present;
	else if (name == T_KVMCLOCK)
		clock->kvmclock = present;
	else if (name == T_HYPERVCLOCK)
		clock->hypervclock = present == TRI_ON;
	else if (present == TRI_OFF && (name == T_RTC || name == T_PIT))
		refuse(p, n, "present='no': QEMU's PC machines always have the %s; expected present='yes'",
		       timer_names[name]);
}

static void parse_timer(struct parser *p, const xmlNode *n)
{
	static const char *const known[] = {
		"name", "present", "tickpolicy", "track", "frequency", "mode", NULL,
	};
	if (!known_attrs(p, n, known) || !attr_required(p, n, "name"))
		return;
	int name = attr_choice(p, n, "name", timer_names);
	int tick = attr_choice(p, n, "tickpolicy", tickpolicies);
	enum tristate present = attr_yesno(p, n, "present");
	if (diag_failed(p->d) || name < 0)
		return;
	if (name == T_PLATFORM || name == T_ARMVTIMER) {
		refuse(p, n, "the %s timer is not one QEMU's x86 machines have", timer_names[name]);
		return;
	}
	if (tick >= 0 && name != T_RTC && name != T_PIT)
		refuse(p, n, "tickpolicy= on the %s timer: QEMU sets a tick policy only for the rtc and the pit",
		       timer_names[name]);
	if (xml_attr(n, "track") && name != T_RTC)
		refuse(p, n, "track= on the %s timer: only the rtc's can be set", timer_names[name]);
	const char *mode = xml_attr(n, "mode");
	if (mode && strcmp(mode, "auto") != 0)
		refuse(p, n, "mode='%s': QEMU has no TSC mode setting; expected mode='auto' or none", mode);
	if (name == T_TSC && xml_attr(n, "frequency"))
		attr_decimal(p, n, "frequency", 1, UINT64_MAX, &p->dom->clock.tsc_frequency);
	else if (xml_attr(n, "frequency"))
		refuse(p, n, "frequency= on the %s timer: only the tsc's can be set", timer_names[name]);
	if (name == T_RTC)
		rtc_timer(p, n, tick);
	else if (name == T_PIT)
		pit_timer(p, n, tick);
	if (present != TRI_DEFAULT)
		timer_present(p, n, name, present);
	if (xml_first_element(n))
		refuse(p, n, "<catchup> thresholds are not supported by QEMU");
}

void parse_clock(struct parser *p, const xmlNode *n)
{
	struct clock *clock = &p->dom->clock;
	if (clock->line) {
		duplicate(p, n);
		return;
	}
	clock->line = xml_line(n);
	static const char *const known[] = {
		"offset", "adjustment", "timezone", "basis", "start", NULL,
	};
	if (!known_attrs(p, n, known))
		return;
	const char *offset = xml_attr(n, "offset");
	if (!offset || strcmp(offset, "utc") == 0) {
		clock->offset = CLOCK_UTC;
	} else if (strcmp(offset, "localtime") == 0) {
		clock->offset = CLOCK_LOCALTIME;
	} else if (strcmp(offset, "absolute") == 0) {
		/* -rtc base= takes years up to 9999 (9999-12-31T23:59:59). */
		if (!attr_required(p, n, "start") ||
		    !attr_decimal(p, n, "start", 0, 253402300799ULL, &clock->start))
			return;
		clock->offset = CLOCK_ABSOLUTE;
	} else if (strcmp(offset, "variable") == 0 ||
		   strcmp(offset, "timezone") == 0) {
		unsupported(p, n, "offset='variable' and 'timezone' are not translated by sevqemu (an RTC base computed from the time of launch, a TZ for QEMU); expected 'utc', 'localtime' or 'absolute'");
	} else {
		diag_error(p->d, EXIT_DATAERR, clock->line, XML_TAG(n),
			   "offset='%s' is not valid; expected 'utc', 'localtime', 'variable', 'timezone' or 'absolute'",
			   offset);
		return;
	}
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		if (xml_is(c, "timer"))
			parse_timer(p, c);
		else
			unexpected(p, c, n, "<timer>");
	}
}

/* <pm><suspend-to-mem enabled=…/><suspend-to-disk enabled=…/></pm> */
void parse_pm(struct parser *p, const xmlNode *n)
{
	struct pm *pm = &p->dom->pm;
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		bool mem = xml_is(c, "suspend-to-mem");
		if (!mem && !xml_is(c, "suspend-to-disk")) {
			unexpected(p, c, n, "<suspend-to-mem> or <suspend-to-disk>");
			return;
		}
		static const char *const known[] = { "enabled", NULL };
		enum tristate *slot = mem ? &pm->suspend_to_mem : &pm->suspend_to_disk;
		if (*slot != TRI_DEFAULT) {
			duplicate(p, c);
			return;
		}
		if (known_attrs(p, c, known))
			*slot = attr_yesno(p, c, "enabled");
	}
}
