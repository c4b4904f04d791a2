/*
 * The details of a <video> card: 3D acceleration, blob resources, the
 * initial resolution, and the vhost-user GPU libvirt would start.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
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
	if (xml_attr(k, "accel2d"))
		diag_note(p->d, xml_line(k), XML_TAG(k),
			  "accel2d= ignored: no QEMU GPU has such a setting");
	/* Kept until the checks: <driver name='vhostuser'> may come later,
	 * and only its backend takes a render node. */
	const char *node = xml_attr(k, "rendernode");
	if (node && node[0] != '/') {
		diag_error(p->d, EXIT_DATAERR, xml_line(k), XML_TAG(k),
			   "rendernode='%s' is not absolute; expected a DRM render node, e.g. '/dev/dri/renderD128'",
			   node);
		return;
	}
	if (node) {
		free(v->rendernode);
		v->rendernode = xstrdup(node);
	}
}

/* <driver name='qemu'|'vhostuser'> (with iommu= and the virtio options);
 * vhostuser: the GPU in a vhost-user-gpu process.  True: handled here. */
bool video_driver_name(struct parser *p, const xmlNode *c, struct video *v)
{
	const char *name = xml_attr(c, "name");
	if (!name)
		return false;
	bool vhostuser = strcmp(name, "vhostuser") == 0;
	if (!vhostuser && strcmp(name, "qemu") != 0) {
		diag_error(p->d, EXIT_DATAERR, xml_line(c), XML_TAG(c),
			   "name='%s' is not valid; expected 'qemu' or 'vhostuser'", name);
		return true;
	}
	static const char *const known[] = {
		"name", "iommu", "ats", "packed", "page_per_vq", NULL
	};
	if (v->virtio.line)
		duplicate(p, c);
	else if (known_attrs(p, c, known))
		parse_virtio_driver(p, c, VD_COMMON, &v->virtio);
	v->vhostuser = vhostuser;
	return true;
}

/* Whether the domain has a display that gives QEMU an OpenGL context. */
static bool gl_display(const struct domain *dom)
{
	const struct desktop *dt = &dom->desktop;
	return (dt->spice.line && dt->spice.gl) || (dt->display.line && dt->display.gl);
}

/*
 * What a vhost-user-gpu card needs.  The backend (QEMU's contrib
 * vhost-user-gpu, on libvhost-user) reads the virtqueues and the guest's
 * framebuffers through the guest RAM QEMU hands it as file descriptors,
 * and it offers no VIRTIO_F_ACCESS_PLATFORM.  False after an error.
 */
static bool vhostuser_checks(struct parser *p, const struct domain *dom,
			     const struct video *v)
{
	const char *why = NULL;
	/* SEV encrypts guest RAM: the backend would read ciphertext, and the
	 * guest's bounce buffers need ACCESS_PLATFORM, which QEMU then asks
	 * of the backend and refuses the device without (as for virtiofsd). */
	if (dom->launch.type != LAUNCH_NONE)
		why = "name='vhostuser' on an encrypted guest: vhost-user-gpu reads the guest's virtqueues and framebuffers in its RAM, which the guest encrypts, and it has no VIRTIO_F_ACCESS_PLATFORM (iommu_platform=on), so QEMU refuses the device; expected the GPU in QEMU (no name=, or name='qemu')";
	/* Private RAM has no fd to pass: QEMU starts, the backend maps nothing
	 * and the guest's driver finds a dead GPU.  libvirt does not check. */
	else if (!vhostuser_memory_shared(dom))
		why = "name='vhostuser' needs guest memory shared with its backend, which reads the virtqueues and framebuffers there; expected <memoryBacking><access mode='shared'/> (or memAccess='shared' on every NUMA cell)";
	else if (v->virtio.iommu == TRI_ON)
		why = "iommu='on' with name='vhostuser': vhost-user-gpu has no VIRTIO_F_ACCESS_PLATFORM, so QEMU 7.2 refuses the device; expected no iommu= (or iommu='off')";
	else if (v->blob != TRI_DEFAULT)
		why = "blob= with name='vhostuser': QEMU 7.2's vhost-user-gpu-pci and vhost-user-vga have no blob property; expected no blob=";
	if (why) {
		diag_error(p->d, EXIT_UNAVAILABLE, v->line, "<video>", "%s", why);
		return false;
	}
	if (v->accel3d && !gl_display(dom))
		diag_warn(p->d, v->line, "<video>",
			  "accel3d='yes' with no display with OpenGL: vhost-user-gpu renders with virgl, but nothing shows its 3D scanouts");
	return true;
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
		if (v->vhostuser && !vhostuser_checks(p, dom, v))
			return;
		if (v->rendernode && !v->vhostuser)
			diag_note(p->d, v->line, "<video>",
				  "rendernode= ignored: QEMU's own GPU has no such setting (its render node is the display's <gl rendernode>)");
		/* QEMU's vhost-user GPU asks for no GL context: the backend
		 * renders, and its scanouts go to whatever display there is. */
		if (v->accel3d && !v->vhostuser && !gl_display(dom)) {
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
