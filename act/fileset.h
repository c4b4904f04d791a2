/*
 * fileset: what files.c (the install) and filecheck.c (the check and the
 * cleaning) share.  Internal to act/.
 */
#ifndef SEVQEMU_FILESET_H
#define SEVQEMU_FILESET_H

#include "act/files.h"

/* Where a plan file goes. */
enum where {
	W_SET,        /* the state dir, replacing the previous one (a blob) */
	W_STATE_NEW,  /* the state dir, created only (an nvram) */
	W_OUTSIDE,    /* elsewhere, created only (an nvram) */
};

enum where where_of(const struct plan *plan, const struct plan_file *f);

/* The prefix of the new set's directory beside the state dir BASE:
 * ".BASE.sevqemu-", then 12 hex digits. */
#define SNAPSHOT_TAG ".sevqemu-"

#endif
