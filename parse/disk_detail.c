/* What a <disk> tells the guest about itself: <wwn>, <vendor>, <product>,
 * <geometry>, <blockio>. */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parse/parser.h"

static bool hex_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEF", *s))
			return false;
	return true;
}

/* <vendor> up to 8 and <product> up to 16 printable characters, as SCSI
 * INQUIRY holds them; <wwn> 16 hex digits. */
static void disk_text(struct parser *p, const xmlNode *c, struct disk *disk)
{
	bool wwn = xml_is(c, "wwn"), vendor = xml_is(c, "vendor");
	char **slot = wwn ? &disk->wwn : vendor ? &disk->vendor : &disk->product;
	if (!text_once(p, c, slot))
		return;
	char *s = *slot;
	/* libvirt takes a WWN with or without 0x; the digits are what count. */
	if (wwn && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		memmove(s, s + 2, strlen(s + 2) + 1);
	size_t max = vendor ? 8 : 16;
	bool printable = *s != '\0';
	for (const char *q = s; *q; q++)
		if (*q < 0x20 || *q > 0x7e)
			printable = false;
	if (wwn && !hex_digits(s, 16))
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "'%s' is not a WWN; expected 16 hex digits, with or without 0x", s);
	else if (!wwn && (!printable || strlen(s) > max))
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "'%s' is not valid; expected 1 to %zu printable ASCII characters",
			   s, max);
}

static void parse_geometry(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = { "cyls", "heads", "secs", "trans", NULL };
	static const char *const trans[] = { "auto", "none", "lba", NULL };
	if (disk->cyls) {
		duplicate(p, n);
		return;
	}
	if (!known_attrs(p, n, known))
		return;
	uint64_t c, h, s;
	if (!attr_required(p, n, "cyls") || !attr_required(p, n, "heads") ||
	    !attr_required(p, n, "secs") ||
	    !attr_decimal(p, n, "cyls", 1, 65535, &c) ||
	    !attr_decimal(p, n, "heads", 1, 16, &h) ||
	    !attr_decimal(p, n, "secs", 1, 255, &s))
		return;
	int t = attr_choice(p, n, "trans", trans);
	if (t == -2)
		return;
	disk->cyls = (unsigned)c;
	disk->heads = (unsigned)h;
	disk->secs = (unsigned)s;
	disk->trans = t >= 0 ? xstrdup(trans[t]) : NULL;
}

static bool block_size(struct parser *p, const xmlNode *n, const char *name,
		       unsigned *out)
{
	uint64_t v;
	if (!xml_attr(n, name))
		return true;
	if (!attr_decimal(p, n, name, 512, 2097152, &v))
		return false;
	if (v & (v - 1)) {
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "%s='%llu' is not a power of two; expected 512, 4096, ...",
			   name, (unsigned long long)v);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

static void parse_blockio(struct parser *p, const xmlNode *n, struct disk *disk)
{
	static const char *const known[] = {
		"logical_block_size", "physical_block_size", NULL,
	};
	if (!known_attrs(p, n, known) ||
	    !block_size(p, n, "logical_block_size", &disk->logical_block) ||
	    !block_size(p, n, "physical_block_size", &disk->physical_block))
		return;
	if (disk->logical_block && disk->physical_block &&
	    disk->physical_block < disk->logical_block)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "physical_block_size is smaller than logical_block_size; expected it at least as large");
}

/* The order of struct disk_iotune's limits. */
static const char *const iotune_names[IOTUNE_LIMITS + 1] = {
	"total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
	"total_iops_sec", "read_iops_sec", "write_iops_sec",
	"total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max",
	"total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max",
	"total_bytes_sec_max_length", "read_bytes_sec_max_length",
	"write_bytes_sec_max_length", "total_iops_sec_max_length",
	"read_iops_sec_max_length", "write_iops_sec_max_length",
	"size_iops_sec", NULL,
};

/* As QEMU's throttle_is_valid(): total excludes read/write, a burst
 * (_max) needs its rate, a burst length its burst. */
static const char *iotune_problem(const struct disk_iotune *t)
{
	const uint64_t *l = t->limit;
	for (int g = 0; g < 12; g += 3)
		if (l[g] && (l[g + 1] || l[g + 2]))
			return "a total limit and a read or write limit of the same kind; expected one or the other";
	for (int i = 0; i < 6; i++) {
		if (l[6 + i] && l[i] == 0)
			return "a _max burst without its rate; expected the rate it bursts above";
		if (l[6 + i] && l[6 + i] < l[i])
			return "a _max burst below its rate; expected it at least as large";
		if (l[12 + i] && l[6 + i] == 0)
			return "a _max_length without its _max burst; expected both";
	}
	return NULL;
}

static void parse_iotune(struct parser *p, const xmlNode *n, struct disk *disk)
{
	struct disk_iotune *t = &disk->iotune;
	if (t->line) {
		duplicate(p, n);
		return;
	}
	t->line = xml_line(n);
	for (xmlNode *c = xml_first_element(n); c && !diag_failed(p->d);
	     c = xml_next_element(c)) {
		int i = 0;
		while (iotune_names[i] && !xml_is(c, iotune_names[i]))
			i++;
		uint64_t v;
		if (xml_is(c, "group_name"))
			text_once(p, c, &t->group);
		else if (!iotune_names[i])
			unsupported(p, c, NULL);
		else if (t->limit[i])
			duplicate(p, c);
		else if (text_decimal(p, c, 0, 1000000000000000ull, &v,
				      "a decimal number up to 10^15"))
			t->limit[i] = v;
	}
	const char *problem = diag_failed(p->d) ? NULL : iotune_problem(t);
	if (problem)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n), "%s", problem);
	else if (t->group && !*t->group)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "<group_name> is empty; expected the group's name");
}

bool parse_disk_detail(struct parser *p, const xmlNode *c, struct disk *disk)
{
	if (xml_is(c, "wwn") || xml_is(c, "vendor") || xml_is(c, "product"))
		disk_text(p, c, disk);
	else if (xml_is(c, "geometry"))
		parse_geometry(p, c, disk);
	else if (xml_is(c, "blockio"))
		parse_blockio(p, c, disk);
	else if (xml_is(c, "iotune"))
		parse_iotune(p, c, disk);
	else
		return false;
	return true;
}

void free_disk_detail(struct disk *disk)
{
	free(disk->wwn);
	free(disk->vendor);
	free(disk->product);
	free(disk->trans);
	free(disk->error_policy);
	free(disk->rerror_policy);
	free(disk->detect_zeroes);
	free(disk->iotune.group);
}

/* What the disk's bus can tell the guest: a WWN on ide and scsi, vendor
 * and product on scsi only (libvirt refuses them elsewhere too). */
void check_disk_detail(struct parser *p, const xmlNode *n, const struct disk *disk)
{
	if (disk->wwn && disk->bus != BUS_IDE && disk->bus != BUS_SCSI &&
	    disk->bus != BUS_SATA)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "<wwn> on a %s disk; expected it on an ide, sata or scsi disk",
			   disk->bus == BUS_VIRTIO ? "virtio" : "non-scsi");
	else if ((disk->vendor || disk->product) && disk->bus != BUS_SCSI)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "<vendor> and <product> are SCSI inquiry data; expected them on a scsi disk");
	else if (disk->trans && disk->bus != BUS_IDE && disk->bus != BUS_SATA)
		diag_error(p->d, EXIT_DATAERR, xml_line(n), XML_TAG(n),
			   "<geometry trans> is an IDE BIOS translation; expected it on an ide or sata disk");
	else if (disk->nbacking && disk->format < FORMAT_BACKING)
		diag_error(p->d, EXIT_DATAERR, disk->backing[0].line, "<backingStore>",
			   "the disk's image format has no backing image; expected <driver type='qcow2'> (or qcow, qed, vmdk) on the disk");
	else if (disk->luks.line && disk->format != FORMAT_RAW &&
		 disk->format != FORMAT_QCOW2)
		diag_error(p->d, EXIT_DATAERR, disk->luks.line, "<encryption>",
			   "LUKS encryption is QEMU's on raw and qcow2 images; expected <driver type='raw'> or 'qcow2'");
	for (size_t i = 0; i + 1 < disk->nbacking && !diag_failed(p->d); i++)
		if (disk->backing[i].format < FORMAT_BACKING)
			diag_error(p->d, EXIT_DATAERR, disk->backing[i + 1].line,
				   "<backingStore>",
				   "the layer above has an image format without backing images; expected <format type='qcow2'> (or qcow, qed, vmdk) on it");
}
