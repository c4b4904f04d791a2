/*
 * PCI placement.  On q35 every device gets a pcie-root-port of its own,
 * generated here (eight functions to a slot, multifunction), so that the
 * guest sees PCIe devices as libvirt would give them; on pc (i440fx) each
 * device takes a slot on pci.0, then on the pci-bridges the XML declares
 * (slots 1-31 each, as libvirt leaves 0).  PCI <address> elements are
 * ignored.
 */
#include <stdio.h>

#include "emit/build.h"

/* q35: pcie.0 slot 0 is the host bridge, 1 is kept for video, 0x1f is the
 * ICH9 LPC/SATA/SMBus; root ports go in slots 2-0x1e. */
#define Q35_FIRST_SLOT 2
#define Q35_LAST_SLOT 0x1e
#define Q35_MAX_PORTS ((Q35_LAST_SLOT - Q35_FIRST_SLOT + 1) * 8)

/* pc: slot 0 host bridge, 1 PIIX3, 2 kept for video. */
#define PC_FIRST_SLOT 3
#define PC_LAST_SLOT 31
#define PC_SLOTS (PC_LAST_SLOT - PC_FIRST_SLOT + 1)
#define BRIDGE_SLOTS 31

/* pc: the bus and slot of the Nth device placed; false past the last. */
static bool pc_position(const struct pci *pci, unsigned n, char *bus,
			size_t size, unsigned *slot)
{
	if (n < PC_SLOTS) {
		snprintf(bus, size, "pci.0");
		*slot = PC_FIRST_SLOT + n;
		return true;
	}
	n -= PC_SLOTS;
	for (unsigned i = 0; i < pci->nbridges; i++) {
		unsigned slots = pci->pxb[i] ? BRIDGE_SLOTS + 1 : BRIDGE_SLOTS;
		if (n < slots) {
			snprintf(bus, size, "pci.%u", pci->bridge[i]);
			*slot = pci->pxb[i] ? n : n + 1;
			return true;
		}
		n -= slots;
	}
	return false;
}

bool pci_reserve_slot(struct build *b, char *bus, size_t size, unsigned *slot,
		      unsigned line, const char *element)
{
	struct keyval probe;
	kv_begin(&probe, "probe");
	bool ok = pci_place(b, &probe, line, element);
	kv_discard(&probe);
	if (!ok)
		return false;
	if (b->pci.family == MACHINE_Q35) {
		snprintf(bus, size, "rp%u", b->pci.next - 1);
		*slot = 0;
	} else {
		pc_position(&b->pci, b->pci.next - 1, bus, size, slot);
	}
	return true;
}

static bool push_bridge(struct build *b, unsigned index, unsigned chassis,
			unsigned line, const char *element);
static bool push_pxb(struct build *b, const struct controller *c);

/* pc: a pci-bridge of sevqemu's on the last free slot, numbered after
 * every bridge there is. */
static bool add_bridge(struct build *b, unsigned line, const char *element)
{
	unsigned index = 1;
	for (size_t i = 0; i < b->dom->ncontrollers; i++) {
		const struct controller *c = &b->dom->controllers[i];
		if (c->type == CTRL_PCI && c->index >= index)
			index = c->index + 1;
	}
	for (unsigned i = 0; i < b->pci.nbridges; i++)
		if (b->pci.bridge[i] >= index)
			index = b->pci.bridge[i] + 1;
	diag_note(b->d, line, element,
		  "pci.%u: a pci-bridge for the devices the other PCI buses cannot hold, as libvirt adds one",
		  index);
	b->pci.adding = true;
	bool ok = push_bridge(b, index, index, line, element);
	b->pci.adding = false;
	return ok;
}

bool pci_place(struct build *b, struct keyval *device, unsigned line,
	       const char *element)
{
	struct pci *pci = &b->pci;
	if (pci->family == MACHINE_Q35) {
		if (pci->next >= Q35_MAX_PORTS) {
			diag_error(b->d, EXIT_UNAVAILABLE, line, element,
				   "one PCIe device too many: a q35 machine holds %u on the root ports sevqemu generates; put disks on a virtio-scsi controller instead",
				   Q35_MAX_PORTS);
			return false;
		}
		unsigned port = pci->next++;
		unsigned slot = Q35_FIRST_SLOT + port / 8, function = port % 8;
		char id[16], addr[16];
		snprintf(id, sizeof(id), "rp%u", port);
		snprintf(addr, sizeof(addr), "0x%x.0x%x", slot, function);
		struct keyval rp;
		kv_begin(&rp, "pcie-root-port");
		kv_str(&rp, "id", id);
		kv_str(&rp, "bus", "pcie.0");
		kv_u64(&rp, "chassis", port + 1);
		kv_u64(&rp, "port", port);
		kv_str(&rp, "addr", addr);
		if (function == 0)
			kv_bool(&rp, "multifunction", true);
		build_push(b, &rp, "-device");
		kv_str(device, "bus", id);
		return true;
	}
	unsigned slot;
	char bus[16], addr[8];
	/* The last free slot: a new pci-bridge goes there, as libvirt adds
	 * one when the buses it has are full. */
	if (!pci->adding && !pc_position(pci, pci->next + 1, bus, sizeof(bus), &slot) &&
	    pc_position(pci, pci->next, bus, sizeof(bus), &slot) &&
	    pci->nbridges < sizeof(pci->bridge) / sizeof(*pci->bridge) &&
	    !add_bridge(b, line, element))
		return false;
	if (!pc_position(pci, pci->next, bus, sizeof(bus), &slot)) {
		diag_error(b->d, EXIT_UNAVAILABLE, line, element,
			   "one PCI device too many: an i440fx (pc) machine has %u free slots and %u on its %u pci-bridges; use a q35 machine, a virtio-scsi controller or <controller type='pci' model='pci-bridge'>",
			   PC_SLOTS, pci->nbridges * BRIDGE_SLOTS, pci->nbridges);
		return false;
	}
	pci->next++;
	snprintf(addr, sizeof(addr), "0x%x", slot);
	kv_str(device, "bus", bus);
	kv_str(device, "addr", addr);
	return true;
}

/* A pci-expander-bus: libvirt's bus number (the XML's, else 2 below the
 * lowest so far, from 256) and the guest NUMA node it belongs to. */
static bool push_pxb(struct build *b, const struct controller *c)
{
	struct pci *pci = &b->pci;
	unsigned low = pci->low_bus_nr ? pci->low_bus_nr : 256;
	unsigned nr = c->bus_nr ? c->bus_nr : low - 2;
	if (nr < low)
		pci->low_bus_nr = nr;
	struct keyval kv;
	kv_begin(&kv, "pxb");
	kv_u64(&kv, "bus_nr", nr);
	char id[16];
	snprintf(id, sizeof(id), "pci.%u", c->index);
	kv_str(&kv, "id", id);
	if (c->numa_node >= 0)
		kv_u64(&kv, "numa_node", (unsigned)c->numa_node);
	if (!pci_place(b, &kv, c->line, "<controller>")) {
		kv_discard(&kv);
		return false;
	}
	build_push(b, &kv, "-device");
	pci->pxb[pci->nbridges] = true;
	pci->bridge[pci->nbridges++] = c->index;
	return true;
}

void build_pci_bridges(struct build *b)
{
	const struct domain *dom = b->dom;
	if (b->pci.family == MACHINE_Q35)
		return;
	for (size_t i = 0; i < dom->ncontrollers && !diag_failed(b->d); i++) {
		const struct controller *c = &dom->controllers[i];
		if (c->type != CTRL_PCI ||
		    (c->model != CTRL_PCI_BRIDGE && c->model != CTRL_PCI_PXB))
			continue;
		/* on pci.0: the buses come before any device is placed */
		if (!(c->model == CTRL_PCI_PXB ? push_pxb(b, c)
		      : push_bridge(b, c->index, c->chassis_nr ? c->chassis_nr : c->index,
				    c->line, "<controller>")))
			return;
	}
}

static bool push_bridge(struct build *b, unsigned index, unsigned chassis,
			unsigned line, const char *element)
{
	struct keyval kv;
	kv_begin(&kv, "pci-bridge");
	kv_u64(&kv, "chassis_nr", chassis);
	char id[16];
	snprintf(id, sizeof(id), "pci.%u", index);
	kv_str(&kv, "id", id);
	if (!pci_place(b, &kv, line, element)) {
		kv_discard(&kv);
		return false;
	}
	build_push(b, &kv, "-device");
	b->pci.bridge[b->pci.nbridges++] = index;
	return true;
}
