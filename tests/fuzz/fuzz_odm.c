/*
 * fuzz_odm.c - libFuzzer target: the ODM reader and checker
 * (lib/odm_xml.c, lib/odm_read.c, lib/odm_check.c, libxml2's reader)
 *
 * The input is one XML file, given to ecpr_odm_read (every string of
 * every row is read), to ecpr_odm_check (every problem through the
 * callback) and to the import (every episode built, observations and
 * complications with it).  Invariants: the row and problem counts equal
 * the callback counts; every problem names the file; an error has a
 * message; a refused episode says why with its file.
 */
#include "config.h"

#include <string.h>

#include "ecpr.h"
#include "ecpr_odm.h"
#include "fuzz.h"

struct run {
	const uint8_t *data;
	size_t size;
	size_t n;
	size_t len; /* every string is read: ASan sees a bad one */
};

static int
on_row(const ecpr_odm_row *row, void *ctx)
{
	struct run *r = ctx;
	const char *s[] = { row->study_oid, row->subject, row->event,
		row->event_repeat, row->form, row->form_repeat,
		row->item_group, row->group_repeat, row->item, row->value,
		row->event_oid, row->form_oid, row->item_group_oid,
		row->item_oid, row->transaction, row->decode, row->unit };
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		if (s[i] == NULL)
			fuzz_fail("a row with a NULL string", r->data,
			    r->size);
		r->len += strlen(s[i]);
	}
	r->n++;
	return 0;
}

static void
on_problem(const ecpr_error *e, void *ctx)
{
	struct run *r = ctx;

	if (e->message[0] == '\0' || e->file[0] == '\0')
		fuzz_fail("a problem without a message or file", r->data,
		    r->size);
	r->n++;
}

/* An imported episode: built (entries too); a refusal names its file. */
static int
on_episode(const ecpr_odm_episode *e, void *ctx)
{
	struct run *r = ctx;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	size_t i;
	int rc, type, by;

	for (i = 0; i < e->nentries; i++)
		if (ecpr_odm_entry_codes(e, &e->entries[i], &type, &by,
		    &err) != ECPR_OK && err.file[0] == '\0')
			fuzz_fail("an entry refused without its file", r->data,
			    r->size);
	ecpr_error_clear(&err);
	rc = ecpr_odm_episode_build(&ep, e, NULL, &err);
	if (rc != ECPR_OK && err.message[0] == '\0')
		fuzz_fail("an episode refused without a message", r->data,
		    r->size);
	ecpr_episode_free(ep);
	return rc == ECPR_ENOMEM ? rc : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ecpr_odm_import_opts io = ECPR_ODM_IMPORT_OPTS_INIT;
	ecpr_odm_import *im = NULL;
	ecpr_odm_check_opts opts = ECPR_ODM_CHECK_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	struct run r;
	const char *path;
	size_t nrows = 0, nproblems = 0;
	int rc;

	if ((path = fuzz_file(data, size)) == NULL)
		return 0;
	r.data = data;
	r.size = size;
	r.n = 0;
	r.len = 0;
	rc = ecpr_odm_read(path, on_row, &r, &nrows, &err);
	if (rc != ECPR_OK && err.message[0] == '\0')
		fuzz_fail("a read error without a message", data, size);
	if (nrows != r.n)
		fuzz_fail("the row count is not the number of rows", data,
		    size);
	r.n = 0;
	opts.on_error = on_problem;
	opts.ctx = &r;
	ecpr_error_clear(&err);
	rc = ecpr_odm_check(path, &opts, &nproblems, &err);
	if (rc != ECPR_OK && err.message[0] == '\0')
		fuzz_fail("a check error without a message", data, size);
	if (nproblems != r.n)
		fuzz_fail("the problem count is not the number of problems",
		    data, size);
	if (rc == ECPR_ERULE && nproblems == 0)
		fuzz_fail("ECPR_ERULE without a problem", data, size);
	io.on_episode = on_episode;
	io.on_error = on_problem;
	io.ctx = &r;
	if (ecpr_odm_import_new(&im, &io, &err) == ECPR_OK) {
		ecpr_error_clear(&err);
		rc = ecpr_odm_import_file(im, path, &err);
		if (rc != ECPR_OK && rc != ECPR_ENOMEM &&
		    err.message[0] == '\0')
			fuzz_fail("an import error without a message", data,
			    size);
	}
	ecpr_odm_import_free(im);
	return 0;
}
