/*
 * <smartcard>: -device usb-ccid (ccid0) on the USB bus and the card on its
 * ccid bus: ccid-card-emulated (backend nss-emulated, or certificates with
 * cert1-3 and db) or a -chardev (charsmartcard0) with ccid-card-passthru.
 * Ids and option names as libvirt writes them.
 */
#include "emit/build.h"

void build_smartcard(struct build *b)
{
	const struct smartcard *sc = &b->dom->smartcard;
	if (!sc->line)
		return;
	char bus[24];
	struct keyval kv;
	kv_begin(&kv, "usb-ccid");
	kv_str(&kv, "id", "ccid0");
	kv_str(&kv, "bus", controller_bus(CTRL_USB, 0, bus, sizeof(bus)));
	build_push(b, &kv, "-device");
	if (sc->mode == SC_PASSTHROUGH) {
		if (!build_chardev_backend(b, &sc->chr, "charsmartcard0", "smartcard0"))
			return;
		kv_begin(&kv, "ccid-card-passthru");
		kv_str(&kv, "chardev", "charsmartcard0");
	} else {
		kv_begin(&kv, "ccid-card-emulated");
		bool certs = sc->mode == SC_HOST_CERTIFICATES;
		kv_str(&kv, "backend", certs ? "certificates" : "nss-emulated");
		if (certs) {
			kv_str(&kv, "cert1", sc->certs[0]);
			kv_str(&kv, "cert2", sc->certs[1]);
			kv_str(&kv, "cert3", sc->certs[2]);
			kv_str(&kv, "db", sc->database);
		}
	}
	kv_str(&kv, "id", "smartcard0");
	kv_str(&kv, "bus", "ccid0.0");
	build_push(b, &kv, "-device");
}
