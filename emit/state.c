/* What the builders put in the state dir and among the files to write. */
#include <stdlib.h>
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

struct plan_helper *plan_add_helper(struct plan *plan, const char *name,
				    const struct helper_place *at)
{
	XGROW(plan->helpers, plan->nhelpers, plan->helpers_alloc);
	struct plan_helper *h = &plan->helpers[plan->nhelpers++];
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->package = at->package;
	h->element = at->element;
	h->line = at->line;
	h->socket = at->socket;
	h->pid_file = xasprintf("%s/%s.pid", at->dir, at->stem);
	h->log = xasprintf("%s/%s.log", at->dir, at->stem);
	h->argv = (struct argv)ARGV_INIT;
	h->setup = (struct argv)ARGV_INIT;
	h->reconfigure = (struct argv)ARGV_INIT;
	return h;
}

/* sun_path of struct sockaddr_un: 108 bytes with the terminating NUL. */
#define SUN_PATH_BYTES 108

char *state_dir_socket_path(struct build *b, const char *dir, const char *name,
			    unsigned line, const char *element)
{
	char *path = xasprintf("%s/%s", dir, name);
	size_t len = strlen(path);
	if (len < SUN_PATH_BYTES)
		return path;
	diag_error(b->d, EXIT_CANTCREAT, line, element,
		   "its socket %s would be %zu bytes, too long for a unix socket (at most %d) because the state dir is long; pass a shorter --state-dir",
		   path, len, SUN_PATH_BYTES - 1);
	free(path);
	return NULL;
}
