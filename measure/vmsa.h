/*
 * vmsa: the initial VM save area of an SEV-ES or SEV-SNP vCPU, the 4 KiB
 * page the firmware measures for each vCPU present at boot (AMD APM vol. 2
 * table B-4, Linux's struct sev_es_save_area).
 *
 * QEMU resets every vCPU to real mode with CS selector 0xf000; the boot
 * processor starts at the reset vector 0xfffffff0, the others at OVMF's
 * SEV-ES reset block address (CS base its upper 16 bits, RIP its lower).
 * RDX holds the CPUID signature (family, model, stepping) of the vCPU
 * model, as after a hardware reset.  KVM sets EFER.SVME, CR4.MCE, the PAT,
 * XCR0 = 1 and the SEV features; with KVM_SEV_INIT2 (QEMU 9.1 and Linux
 * 6.10 on) it also copies the reset FPU state: MXCSR 0x1f80, FCW 0x37f.
 */
#ifndef SEVQEMU_MEASURE_VMSA_H
#define SEVQEMU_MEASURE_VMSA_H

#include <stdbool.h>
#include <stdint.h>

#define VMSA_BYTES 4096
#define VMSA_BSP_EIP 0xfffffff0u

/* The CPUID leaf 1 EAX signature (AMD CPUID specification, 25481). */
uint32_t cpu_signature(unsigned family, unsigned model, unsigned stepping);

/* Family, model and stepping of QEMU's CPU model NAME ("EPYC-Milan",
 * "EPYC-Rome-v4", ...: the versions keep their base's); false when
 * sevqemu does not know it. */
bool cpu_model_fms(const char *name, unsigned *family, unsigned *model,
		   unsigned *stepping);

/* The names cpu_model_fms() knows, for messages: "EPYC, EPYC-Rome, ...". */
const char *cpu_model_names(void);

/* Fills PAGE with the save area of a vCPU starting at EIP. */
void vmsa_build(uint8_t page[VMSA_BYTES], uint32_t eip, uint32_t signature,
		uint64_t sev_features, bool init2);

#endif
