/*
 * fuzz_csv.c - libFuzzer target: case-record CSV through ecpr_source
 * (lib/csv.c, lib/source.c, lib/episode.c, lib/interval.c)
 *
 * The input is one file, read three ways: stop at the first error; keep
 * going (every error through the callback) in Europe/Berlin; and the file
 * given twice, so that the same episodes merge across files.  Each
 * episode's events, intervals, observations (and their worst values)
 * and complications are formatted.  Invariants: a data
 * error names its file and line; an error has a message.  The file is
 * also read record by record by the CSV reader with its vector paths and
 * byte by byte: the records, lines, fields and errors must be the same.
 */
#include "config.h"

#include <string.h>

#include <stdio.h>
#include <stdlib.h>

#include "ecpr.h"
#include "fuzz.h"
#include "internal.h"

struct run {
	const uint8_t *data;
	size_t size;
};

static void
check_error(const struct run *r, const ecpr_error *e)
{
	if (e->message[0] == '\0')
		fuzz_fail("an error without a message", r->data, r->size);
	if ((e->code == ECPR_EPARSE || e->code == ECPR_ERULE) &&
	    (e->file[0] == '\0' || e->line == 0))
		fuzz_fail("a data error without FILE:LINE", r->data, r->size);
}

static void
on_error(const ecpr_error *e, void *ctx)
{
	check_error(ctx, e);
}

static void
use_episode(const ecpr_episode *ep)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[128];
	size_t i, k;

	for (i = 0; i < ecpr_episode_event_count(ep); i++)
		ecpr_time_format(&ecpr_episode_event(ep, i)->time, buf,
		    sizeof(buf));
	for (k = 0; k < ECPR_SEG_COUNT; k++)
		for (i = 0; i < ecpr_episode_segment_count(ep,
		    (ecpr_segment_kind)k); i++)
			(void)ecpr_episode_segment(ep, (ecpr_segment_kind)k,
			    i);
	for (i = 0; i < ecpr_episode_observation_count(ep); i++)
		ecpr_value_format(&ecpr_episode_observation(ep, i)->value,
		    ECPR_VALUE_PAPER, buf, sizeof(buf));
	for (i = 0; i < ecpr_episode_complication_count(ep); i++)
		ecpr_time_format(&ecpr_episode_complication(ep, i)->time, buf,
		    sizeof(buf));
	for (k = 0; k < ECPR_OBS_COUNT; k++) {
		ecpr_value v;

		if (ecpr_episode_worst(ep, (ecpr_obs_type)k,
		    ECPR_EV_ECMO_FLOW_START, ECPR_EV_ECMO_STOP, &v, &err) == 1)
			ecpr_value_format(&v, 0, buf, sizeof(buf));
	}
	if (ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT, &err) != ECPR_OK)
		return;
	for (i = 0; i < ECPR_IV_COUNT; i++)
		ecpr_interval_format(&iv[i], (ecpr_interval_id)i, buf,
		    sizeof(buf));
}

static void
read_all(struct run *r, const char *path, int times, const ecpr_tz *tz,
    int keep_going)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	ecpr_episode *ep;
	int i, rc = ECPR_OK;

	opts.tz = tz;
	if (keep_going) {
		opts.on_error = on_error;
		opts.ctx = r;
	}
	if (ecpr_source_new(&src, &opts, &err) != ECPR_OK)
		return;
	for (i = 0; i < times && rc == ECPR_OK; i++)
		rc = ecpr_source_add_file(src, path, &err);
	while (rc == ECPR_OK) {
		rc = ecpr_source_next(src, &ep, &err);
		if (rc != ECPR_OK || ep == NULL)
			break;
		use_episode(ep);
		ecpr_episode_free(ep);
	}
	if (rc != ECPR_OK)
		check_error(r, &err);
	ecpr_source_free(src);
}

/* Every record of the file as text (line, fields with their lengths),
 * then the end or the error; malloc'd. */
static char *
csv_dump(const struct run *r, const char *path, int bytewise)
{
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	const size_t *fl;
	ecpr__csv *csv = NULL;
	FILE *fp = fopen(path, "rb"), *out;
	char *text = NULL;
	size_t nf, i, tlen = 0;
	int rc = 0;

	if (fp == NULL || (out = open_memstream(&text, &tlen)) == NULL)
		fuzz_fail("cannot open the input", r->data, r->size);
	if (ecpr__csv_new(&csv, fp, "f.csv", &err) != ECPR_OK)
		fuzz_fail(err.message, r->data, r->size);
	ecpr__csv_bytewise(csv, bytewise);
	while ((rc = ecpr__csv_next(csv, &f, &nf, &err)) == 1) {
		fl = ecpr__csv_lengths(csv);
		fprintf(out, "%lu:%zu:", ecpr__csv_line(csv), nf);
		for (i = 0; i < nf; i++) {
			fprintf(out, "%zu:", fl[i]);
			fwrite(f[i], 1, fl[i], out);
			if (!ecpr__csv_blanks(csv) && fl[i] > 0 &&
			    (strchr(" \t", f[i][0]) != NULL ||
			    strchr(" \t", f[i][fl[i] - 1]) != NULL))
				fuzz_fail("a blank at a field's end not seen",
				    r->data, r->size);
		}
		fputc('\n', out);
	}
	fprintf(out, "end %d %lu %s\n", rc, err.line, err.message);
	fclose(out);
	ecpr__csv_free(csv);
	fclose(fp);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ecpr_tz *berlin;
	struct run r;
	const char *path;

	if (berlin == NULL) {
		ecpr_error err = ECPR_ERROR_INIT;

		if (ecpr_tz_load(&berlin, "Europe/Berlin", &err) != ECPR_OK)
			fuzz_fail(err.message, data, 0);
	}
	if ((path = fuzz_file(data, size)) == NULL)
		return 0;
	r.data = data;
	r.size = size;
	{
		char *a = csv_dump(&r, path, 0), *b = csv_dump(&r, path, 1);

		if (strcmp(a, b) != 0)
			fuzz_fail("the vector paths read otherwise than byte "
			    "by byte", data, size);
		free(a);
		free(b);
	}
	read_all(&r, path, 1, NULL, 0);
	read_all(&r, path, 1, berlin, 1);
	read_all(&r, path, 2, NULL, 1);
	return 0;
}
