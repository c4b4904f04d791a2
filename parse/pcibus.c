/*
 * The PCI buses a pc machine's XML adds beside pci.0, read as libvirt
 * reads them: pci-bridges and pci-expander-buses (pxb, with their bus
 * number and NUMA node).  sevqemu fills them once pci.0's slots are taken
 * (device <address>es are ignored); on q35 its root ports hold every
 * device, and these are left out with a note.
 */
#include "parse/parser.h"

/* <target chassisNr='N'/> of a pci-bridge, <target busNr='N'><node>M
 * </node></target> of a pci-expander-bus. */
void parse_pci_target(struct parser *p, const xmlNode *n, struct controller *c)
{
	static const char *const bridge[] = { "chassisNr", NULL };
	static const char *const pxb[] = { "busNr", NULL };
	uint64_t v;
	if (!known_attrs(p, n, c->model == CTRL_PCI_PXB ? pxb : bridge))
		return;
	if (xml_attr(n, "chassisNr") && attr_decimal(p, n, "chassisNr", 1, 255, &v))
		c->chassis_nr = (unsigned)v;
	if (xml_attr(n, "busNr") && attr_decimal(p, n, "busNr", 1, 254, &v))
		c->bus_nr = (unsigned)v;
	for (xmlNode *k = xml_first_element(n); k && !diag_failed(p->d);
	     k = xml_next_element(k)) {
		if (!xml_is(k, "node") || c->model != CTRL_PCI_PXB)
			unexpected(p, k, n, "nothing");
		else if (text_decimal(p, k, 0, 255, &v, "a guest NUMA cell id"))
			c->numa_node = (int)v;
	}
}

void check_pci_bus(struct parser *p, const struct controller *c, bool q35)
{
	const char *model = c->model == CTRL_PCI_PXB ? "pci-expander-bus" : "pci-bridge";
	if (c->index == 0 || c->index > 31)
		diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
			   "a %s with index='%u'; expected 1 to 31 (0 is the root bus)",
			   model, c->index);
	else if (q35)
		diag_note(p->d, c->line, "<controller>",
			  "ignored: sevqemu generates its own PCIe root ports (q35) and places every device itself");
	else if (c->numa_node >= 0 && (unsigned)c->numa_node >= p->dom->numa.ncells)
		diag_error(p->d, EXIT_DATAERR, c->line, "<controller>",
			   "<node>%d</node> is not a guest NUMA cell; expected a cell id of <cpu><numa>",
			   c->numa_node);
	else
		diag_note(p->d, c->line, "<controller>",
			  "%s pci.%u, filled once pci.0's slots are taken (device <address>es are ignored)",
			  model, c->index);
}
