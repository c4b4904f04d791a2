/*
 * The details of a <video> card: 3D acceleration, blob resources, the
 * initial resolution, and the vhost-user GPU libvirt would start.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parser.h"

/* <acceleration accel3d accel2d rendernode>, <resolution x y>. */
void video_model_child(struct parser *p, const xmlNode *k, struct video *v)
{
	if (xml_is(k, "resolution")) {
		static const char *const known[] = { "x", "y", NULL };
		uint64_t x, y;
		if (known_attrs(p, k, known) && attr_required(p, k, "x") &&
		    attr_required(p, k, "y") && attr_decimal(p, k, "x", 1, 16384, &x) &&
		    attr_decimal(p, k, "y", 1, 16384, &y)) {
			v->xres = (unsigned)x;
			v->yres = (unsigned)y;
		}
		return;
	}
	if (!xml_is(k, "acceleration")) {
		unsupported(p, k, NULL);
		return;
	}
	static const char *const known[] = { "accel3d", "accel2d", "rendernode", NULL };
	if (!known_attrs(p, k, known))
		return;
	v->accel3d = attr_yesno(p, k, "accel3d") == TRI_ON;
	if (xml_attr(k, "accel2d") || xml_attr(k, "rendernode"))
		diag_note(p->d, xml_line(k), XML_TAG(k),
			  "accel2d= and rendernode= ignored: QEMU's own GPU has no such setting (the render node is the display's <gl rendernode>)");
}

/* <driver name='vhostuser'> (with iommu= and the virtio options): the GPU
 * in a vhost-user-gpu process.  True: handled here. */
bool video_driver_name(struct parser *p, const xmlNode *c, struct video *v)
{
	const char *name = xml_attr(c, "name");
	if (!name)
		return false;
	if (strcmp(name, "qemu") == 0) {
		static const char *const known[] = {
			"name", "iommu", "ats", "packed", "page_per_vq", NULL
		};
		if (v->virtio.line)
			duplicate(p, c);
		else if (known_attrs(p, c, known))
			parse_virtio_driver(p, c, VD_COMMON, &v->virtio);
		return true;
	}
	if (strcmp(name, "vhostuser") == 0)
		unsupported(p, c, "name='vhostuser' needs the vhost-user-gpu process libvirt starts and hands QEMU a socket of; sevqemu does not start one: expected the GPU in QEMU (no name=)");
	else
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "name='%s' is not valid; expected 'qemu' or 'vhostuser'", name);
	return true;
}

/* Whether the domain has a display that gives QEMU an OpenGL context. */
static bool gl_display(const struct domain *dom)
{
	const struct desktop *dt = &dom->desktop;
	return (dt->spice.line && dt->spice.gl) || (dt->display.line && dt->display.gl);
}

/* What a card's details need: 3D and blob on virtio only, 3D a GL
 * display, a resolution a card that takes one. */
void check_video_details(struct parser *p, const struct domain *dom)
{
	const struct devices_misc *m = &dom->misc;
	for (size_t i = 0; i < m->nvideos; i++) {
		const struct video *v = &m->videos[i];
		const char *bad = NULL;
		if ((v->accel3d || v->blob != TRI_DEFAULT) && v->model != VIDEO_VIRTIO)
			bad = v->accel3d ? "accel3d='yes'" : "blob=";
		if (bad) {
			diag_error(p->d, EXIT_DATAERR, v->line, "<video>",
				   "%s on a %s card; expected it only with type='virtio'", bad, v->model_name);
			return;
		}
		if (v->accel3d && !gl_display(dom)) {
			diag_error(p->d, EXIT_UNAVAILABLE, v->line, "<video>",
				   "accel3d='yes' needs a display with OpenGL, and the domain has none (QEMU 7.2's virtio-gpu-gl refuses to start without one); expected <graphics type='spice'> or 'sdl' or 'dbus' with <gl enable='yes'/>, or type='egl-headless'");
			return;
		}
		if (v->accel3d && v->blob == TRI_ON) {
			diag_error(p->d, EXIT_UNAVAILABLE, v->line, "<video>",
				   "blob='on' with accel3d='yes': QEMU 7.2's virtio-gpu-gl has no blob resources; expected one of them");
			return;
		}
		if (v->xres && v->model != VIDEO_VIRTIO && v->model != VIDEO_QXL &&
		    v->model != VIDEO_VGA && v->model != VIDEO_BOCHS) {
			diag_error(p->d, EXIT_UNAVAILABLE, v->line, "<video>",
				   "<resolution> on a %s card, which has no such setting; expected type='virtio', 'qxl', 'vga' or 'bochs'",
				   v->model_name);
			return;
		}
	}
}
