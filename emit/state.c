/* What the builders put in the state dir and among the files to write. */
#include <string.h>

#include "emit/build.h"

const char *plan_state_dir(struct build *b)
{
	const struct state_dir_choice *c = &b->host->state_dir;
	if (b->plan->state_dir)
		return b->plan->state_dir;
	if (diag_failed(b->d))
		return NULL;
	if (!c->path) {
		if (c->element)
			diag_error(b->d, c->status, c->line, c->element, "%s",
				   c->problem);
		else
			diag_path_error(b->d, c->status, NULL, "%s", c->problem);
		return NULL;
	}
	if (c->defaulted)
		diag_note(b->d, 0, NULL, "state dir: %s", c->path);
	b->plan->state_dir = xstrdup(c->path);
	b->plan->state_dir_used = true;
	return b->plan->state_dir;
}

struct plan_file *plan_add_file(struct plan *plan)
{
	XGROW(plan->files, plan->nfiles, plan->files_alloc);
	struct plan_file *f = &plan->files[plan->nfiles++];
	memset(f, 0, sizeof(*f));
	return f;
}
