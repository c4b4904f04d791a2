/*
 * PCI placement.  On q35 every device gets a pcie-root-port of its own,
 * generated here (eight functions to a slot, multifunction), so that the
 * guest sees PCIe devices as libvirt would give them; on pc (i440fx) each
 * device takes a slot on pci.0.  PCI <address> elements are ignored.
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
		snprintf(bus, size, "pci.0");
		*slot = PC_FIRST_SLOT + b->pci.next - 1;
	}
	return true;
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
	unsigned slot = PC_FIRST_SLOT + pci->next;
	if (slot > PC_LAST_SLOT) {
		diag_error(b->d, EXIT_UNAVAILABLE, line, element,
			   "one PCI device too many: an i440fx (pc) machine has %u free slots; use a q35 machine or a virtio-scsi controller",
			   PC_LAST_SLOT - PC_FIRST_SLOT + 1);
		return false;
	}
	pci->next++;
	char addr[8];
	snprintf(addr, sizeof(addr), "0x%x", slot);
	kv_str(device, "bus", "pci.0");
	kv_str(device, "addr", addr);
	return true;
}
