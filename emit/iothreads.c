/* -object iothread for each of <iothreadids> (and the count's others),
 * -object main-loop for <defaultiothread>, as libvirt writes them. */
#include <stdio.h>

#include "emit/build.h"

static void optional(struct keyval *kv, const char *key, int64_t v)
{
	if (v >= 0)
		kv_u64(kv, key, (uint64_t)v);
}

void build_iothreads(struct build *b)
{
	const struct iothreads *io = &b->dom->iothreads;
	for (size_t i = 0; i < io->n; i++) {
		const struct iothread *t = &io->ids[i];
		char id[24];
		snprintf(id, sizeof(id), "iothread%u", t->id);
		struct keyval kv;
		kv_begin(&kv, "iothread");
		kv_str(&kv, "id", id);
		optional(&kv, "thread-pool-min", t->pool_min);
		optional(&kv, "thread-pool-max", t->pool_max);
		optional(&kv, "poll-max-ns", t->poll_max);
		optional(&kv, "poll-grow", t->poll_grow);
		optional(&kv, "poll-shrink", t->poll_shrink);
		build_push(b, &kv, "-object");
	}
	if (!io->default_line)
		return;
	struct keyval kv;
	kv_begin(&kv, "main-loop");
	kv_str(&kv, "id", "main-loop");
	optional(&kv, "thread-pool-min", io->default_min);
	optional(&kv, "thread-pool-max", io->default_max);
	build_push(b, &kv, "-object");
}
