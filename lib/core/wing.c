/*
 * wing.c - load another wing of libecpr when a program first needs it
 *
 * The core links nothing but libc, so a tool built on it (ecpr-table
 * reading files) loads no libpq.  When such a tool is asked for the
 * registry, ecpr__wing_symbol() loads libecpr-WING.so.MAJOR with dlopen()
 * and looks up one of its functions.  It looks, in this order:
 *
 *   1. beside the core itself (the directory libecpr.so was loaded from:
 *      an installed tree keeps every wing in one libdir);
 *   2. in libtool's build tree, when the core was loaded from
 *      lib/core/.libs: lib/WING/.libs (uninstalled tools and tests);
 *   3. by soname, as the dynamic linker finds it (LD_LIBRARY_PATH,
 *      ld.so.cache).
 *
 * A loaded wing stays loaded (the handle is not closed: what it returned
 * may still be in use); loading it again only takes another reference.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

enum { WING_PATH_MAX = 4096 };

/* The directory the core was loaded from, in dir; 0 if unknown. */
static int
core_dir(char *dir, size_t len)
{
	Dl_info info;
	const char *slash;
	size_t n;

	if (dladdr((void *)ecpr__wing_symbol, &info) == 0 ||
	    info.dli_fname == NULL)
		return 0;
	slash = strrchr(info.dli_fname, '/');
	if (slash == NULL)
		return 0;
	n = (size_t)(slash - info.dli_fname);
	if (n + 1 > len)
		return 0;
	memcpy(dir, info.dli_fname, n);
	dir[n] = '\0';
	return 1;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static void *
try_open(const char *path)
{
	if (strchr(path, '/') != NULL && access(path, R_OK) != 0)
		return NULL;
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

void *
ecpr__wing_symbol(const char *wing, const char *symbol, ecpr_error *err)
{
	char soname[128], dir[WING_PATH_MAX], path[WING_PATH_MAX];
	const char *why;
	void *h = NULL, *fn;
	int n;

	n = snprintf(soname, sizeof(soname), "libecpr-%s.so.%s", wing,
	    ECPR_SO_MAJOR);
	if (n < 0 || (size_t)n >= sizeof(soname))
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no such wing of libecpr: \"%s\"", wing), NULL;
	if (core_dir(dir, sizeof(dir))) {
		n = snprintf(path, sizeof(path), "%s/%s", dir, soname);
		if (n > 0 && (size_t)n < sizeof(path))
			h = try_open(path);
		if (h == NULL && ends_with(dir, "/core/.libs")) {
			n = snprintf(path, sizeof(path), "%.*s/%s/.libs/%s",
			    (int)(strlen(dir) - strlen("/core/.libs")), dir,
			    wing, soname);
			if (n > 0 && (size_t)n < sizeof(path))
				h = try_open(path);
		}
	}
	if (h == NULL)
		h = try_open(soname);
	if (h == NULL) {
		why = dlerror();
		ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
		    "%s cannot be loaded: %s",
		    soname, why != NULL ? why : "not found");
		return NULL;
	}
	fn = dlsym(h, symbol);
	if (fn == NULL) {
		why = dlerror();
		ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
		    "%s has no %s: %s",
		    soname, symbol, why != NULL ? why : "not found");
		return NULL;
	}
	return fn;
}

typedef int (*episodes_open_fn)(ecpr_episodes **, const char *,
    const ecpr_episode_filter *, ecpr_error *);

int
ecpr_episodes_open_registry(ecpr_episodes **out, const char *conninfo,
    const ecpr_episode_filter *filter, ecpr_error *err)
{
	ecpr_error why = ECPR_ERROR_INIT;
	episodes_open_fn open_fn;
	void *sym;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the stream");
	*out = NULL;
	sym = ecpr__wing_symbol("registry", "ecpr_db_episodes_open", &why);
	if (sym == NULL)
		return ecpr__error_set(err, ECPR_EDB, NULL, 0,
		    "the registry is not available: %s", why.message);
	/* POSIX: a function pointer survives the round trip through void *. */
	memcpy(&open_fn, &sym, sizeof(open_fn));
	return open_fn(out, conninfo, filter, err);
}
