/* The state dir's name: --state-dir, else a per-guest directory under
 * $XDG_RUNTIME_DIR or $HOME (DESIGN §4).  Naming only; files.c makes it. */
#include <stdlib.h>
#include <string.h>

#include "act/statedir.h"
#include "lib/diag.h"
#include "lib/xalloc.h"

static void unusable(struct state_dir_choice *c, unsigned line,
		     const char *element, const char *problem)
{
	c->status = EXIT_CANTCREAT;
	c->line = line;
	c->element = element;
	c->problem = xstrdup(problem);
}

void state_dir_choose(const struct domain *dom, const char *given,
		      struct state_dir_choice *c)
{
	memset(c, 0, sizeof(*c));
	if (given) {
		if (*given)
			c->path = xstrdup(given);
		else
			unusable(c, 0, NULL, "--state-dir is empty; expected a directory");
		return;
	}
	const char *key = dom->uuid ? dom->uuid : dom->name;
	if (!dom->uuid && (strchr(key, '/') || strstr(key, "..") ||
			   key[0] == '.')) {
		char *why = xasprintf("'%s' cannot name the state dir, and the guest has no <uuid>; pass --state-dir DIR",
				      key);
		unusable(c, dom->name_line, "<name>", why);
		free(why);
		return;
	}
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *home = getenv("HOME");
	c->defaulted = true;
	if (runtime && runtime[0] == '/')
		c->path = xasprintf("%s/sevqemu/%s", runtime, key);
	else if (home && home[0] == '/')
		c->path = xasprintf("%s/.cache/sevqemu/%s", home, key);
	else
		unusable(c, 0, NULL, "neither XDG_RUNTIME_DIR nor HOME is set; pass --state-dir DIR");
}
