/* <pstore backend='acpi-erst'>: a shared file backend on its path and the
 * acpi-erst PCI device, as libvirt writes them. */
#include "emit/build.h"

void build_pstore(struct build *b)
{
	const struct pstore *ps = &b->dom->misc.pstore;
	if (!ps->line)
		return;
	struct keyval kv;
	kv_begin(&kv, "memory-backend-file");
	kv_str(&kv, "id", "mempstore0");
	kv_str(&kv, "mem-path", ps->path);
	kv_u64(&kv, "size", ps->size_bytes);
	kv_bool(&kv, "share", true);
	build_push(b, &kv, "-object");
	kv_begin(&kv, "acpi-erst");
	kv_str(&kv, "id", "pstore0");
	kv_str(&kv, "memdev", "mempstore0");
	if (!pci_place(b, &kv, ps->line, "<pstore>")) {
		kv_discard(&kv);
		return;
	}
	build_push(b, &kv, "-device");
}
