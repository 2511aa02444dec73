/* test_source.c - case-record files read as one source (lib/source.c) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "cu_main.h"
#include "internal.h"

/* Errors collected through on_error. */
struct collect {
	char text[16384];
	size_t len;
	int n;
};

static void
collect_cb(const ecpr_error *err, void *ctx)
{
	struct collect *c = ctx;
	char line[1200];

	ecpr_error_format(err, line, sizeof(line));
	c->len += (size_t)snprintf(c->text + c->len, sizeof(c->text) - c->len,
	    "[%d] %s\n", err->code, line);
	c->n++;
}

/* Data file path, relative to tests/data/source (static buffer). */
static const char *
src_data(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/source/%s", getenv("ECPR_TEST_DATA"),
	    name);
	return path;
}

/* A new source on the named data files (NULL-terminated list). */
static ecpr_source *
open_source(const ecpr_read_opts *opts, const char *const *names)
{
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, opts, &err), 0);
	for (; *names != NULL; names++)
		CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data(*names),
				    &err),
		    0);
	return src;
}

/*
 * Read every episode and write "SITE/SUBJECT/N:EVENTS " for each into
 * buf.  Returns the final status.
 */
static int
read_all(ecpr_source *src, char *buf, size_t len, ecpr_error *err)
{
	ecpr_episode *ep;
	size_t o = 0;
	int rc;

	buf[0] = '\0';
	for (;;) {
		rc = ecpr_source_next(src, &ep, err);
		if (rc < 0 || ep == NULL)
			return rc;
		o += (size_t)snprintf(buf + o, len - o, "%s/%s/%ld:%zu ",
		    ecpr_episode_site(ep), ecpr_episode_subject(ep),
		    ecpr_episode_number(ep), ecpr_episode_event_count(ep));
		ecpr_episode_free(ep);
	}
}

/* "cpr_start 2021-07-27T08:05+08:00 @long.csv:3" for an event. */
static const char *
event_str(const ecpr_event *ev, char *buf, size_t len)
{
	char t[64];
	const char *f;

	if (ev == NULL)
		return "(none)";
	ecpr_time_format(&ev->time, t, sizeof(t));
	f = ev->file ? strrchr(ev->file, '/') : NULL;
	snprintf(buf, len, "%s %s @%s:%lu%s%s", ecpr_event_name(ev->type), t,
	    f ? f + 1 : "?", ev->line, ev->note ? " note=" : "",
	    ev->note ? ev->note : "");
	return buf;
}

/* ------------------------------------------------------------------ */

static void
test_wide_file(void)
{
	static const char *const names[] = { "wide.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char b[256];

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "H1");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P001");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 1);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS), "45");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_SEX), "M");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_CPC_DISCHARGE),
	    "1");
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_BMI));
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 0), b,
				   sizeof(b)),
	    "ca_onset 2021-07-27T08:00+08:00 @wide.csv:2");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 3), b,
				   sizeof(b)),
	    "rosc 2021-07-27T09:30+08:00 @wide.csv:2");
	ecpr_episode_free(ep);

	/* Episode defaults to 1; empty cells are unknown. */
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P002");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 1);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 2);
	CU_ASSERT_PTR_NULL(ecpr_episode_first(ep, ECPR_EV_ROSC));
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_CPC_DISCHARGE));
	ecpr_episode_free(ep);

	/* Cells are trimmed; codes normalised; the note is not an event. */
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "H2");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P001");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 2);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS), "30");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_SEX), "U");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_first(ep,
					     ECPR_EV_CPR_START),
				   b, sizeof(b)),
	    "cpr_start 2021-09-01T00:10Z @wide.csv:4");
	ecpr_episode_free(ep);

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	/* The end is sticky. */
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(ecpr_source_error_count(src), 0);
	ecpr_source_free(src);
}

static void
test_long_file_with_interleaved_rows(void)
{
	static const char *const names[] = { "long.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char b[256];

	uint64_t done = 99, total = 99;

	/* nothing read yet: no progress to tell */
	ecpr_source_progress(src, &done, &total);
	CU_ASSERT_EQUAL(done, 0);
	CU_ASSERT_EQUAL(total, 0);
	/* H1/P003 ends on line 5; H1/P001's last row is line 8. */
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P003");
	/* 6 data rows; P003 is complete after the 4th (line 5) */
	ecpr_source_progress(src, &done, &total);
	CU_ASSERT_EQUAL(done, 4);
	CU_ASSERT_EQUAL(total, 6);
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 2);
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 1), b,
				   sizeof(b)),
	    "cpr_start 2021-07-28T12:03+08:00 @long.csv:5 note=bystander,\n"
	    "then EMS");
	ecpr_episode_free(ep);

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P001");
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 2);
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_segment(ep, ECPR_SEG_MCC,
					     1).start,
				   b, sizeof(b)),
	    "mcc_start 2021-07-27T09:02+08:00 @long.csv:7");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 0), b,
				   sizeof(b)),
	    "mcc_start 2021-07-27T08:20+08:00 @long.csv:2 note=LUCAS");
	ecpr_episode_free(ep);

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_source_progress(src, &done, &total);
	CU_ASSERT_EQUAL(done, 6);
	CU_ASSERT_EQUAL(total, 6);
	ecpr_source_free(src);
}

static void
test_long_form_columns_in_any_order(void)
{
	static const char *const names[] = { "long-order.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[512];

	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "H3/P9/1:2 ");
	ecpr_source_free(src);
}

static void
test_wide_and_long_merge(void)
{
	static const char *const names[] = { "wide.csv", "long.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char buf[512];
	size_t i;
	static const char *const want[] = {
		"ca_onset 2021-07-27T08:00+08:00 @wide.csv:2",
		"cpr_start 2021-07-27T08:05+08:00 @wide.csv:2",
		"mcc_start 2021-07-27T08:20+08:00 @long.csv:2 note=LUCAS",
		"mcc_stop 2021-07-27T09:00+08:00 @long.csv:4",
		"mcc_start 2021-07-27T09:02+08:00 @long.csv:7",
		"mcc_stop 2021-07-27T09:10+08:00 @long.csv:8",
		"ecmo_flow_start 2021-07-27T09:10+08:00 @wide.csv:2",
		"rosc 2021-07-27T09:30+08:00 @wide.csv:2",
	};

	/*
	 * Episodes come out as they complete, the files read in lockstep:
	 * H1/P001 is the first row of wide.csv, so long.csv is read up to
	 * its last H1/P001 row (line 8); on the way, line 5 completes
	 * H1/P003, which comes out first.  Then H1/P001, and the rest of
	 * wide.csv: H1/P002 and H2/P001.
	 */
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P003");
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 2);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "H1");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P001");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_AGE_YEARS), "45");
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_event_count(ep), 8);
	for (i = 0; i < 8; i++)
		CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, i),
					   buf, sizeof(buf)),
		    want[i]);
	CU_ASSERT_EQUAL(ecpr_episode_segment_count(ep, ECPR_SEG_MCC), 2);
	ecpr_episode_free(ep);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
		snprintf(buf, sizeof(buf), "%s/%s/%ld", ecpr_episode_site(ep),
		    ecpr_episode_subject(ep), ecpr_episode_number(ep));
		CU_ASSERT_STRING_EQUAL(buf, i == 0 ? "H1/P002/1" :
		    "H2/P001/2");
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_source_free(src);
}

/*
 * Read wide file w and long file l (in that order on the command line, or
 * the other way round) and check the merged H1/P3/1 (ca_onset and age
 * from the wide file, the rest from the long file).
 */
static void
check_lockstep(const char *first, const char *second, const char *want,
    unsigned long p3_line)
{
	const char *const names[] = { first, second, NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char buf[512], b[256], w[256];
	size_t o = 0;

	buf[0] = '\0';
	while (ecpr_source_next(src, &ep, &err) == 0 && ep != NULL) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
		    "%s/%s/%ld:%zu ", ecpr_episode_site(ep),
		    ecpr_episode_subject(ep), ecpr_episode_number(ep),
		    ecpr_episode_event_count(ep));
		if (strcmp(ecpr_episode_subject(ep), "P3") == 0) {
			CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep,
						   ECPR_AT_AGE_YEARS),
			    "60");
			CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep,
							     0),
						   b, sizeof(b)),
			    "ca_onset 2021-07-27T10:00Z @lock-wide.csv:4");
			snprintf(w, sizeof(w), "cpr_start 2021-07-27T10:03Z "
			    "@%s:%lu", strcmp(first, "lock-wide.csv") == 0 ?
			    second : first, p3_line);
			CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep,
							     1),
						   b, sizeof(b)),
			    w);
		}
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(err.code, 0);
	CU_ASSERT_STRING_EQUAL(buf, want);
	ecpr_source_free(src);
}

static void
test_wide_and_long_in_lockstep(void)
{
	/* The same order: each episode completes at its long rows. */
	check_lockstep("lock-wide.csv", "lock-long.csv",
	    "H1/P1/1:3 H1/P2/1:2 H1/P3/1:4 ", 5);
	check_lockstep("lock-long.csv", "lock-wide.csv",
	    "H1/P1/1:3 H1/P2/1:2 H1/P3/1:4 ", 5);
	/*
	 * Reversed: H1/P1 (first in the first file) needs the end of the
	 * other file, which leaves H1/P3 and H1/P2 waiting; they complete
	 * as the first file reaches them.
	 */
	check_lockstep("lock-wide.csv", "lock-long-rev.csv",
	    "H1/P1/1:3 H1/P2/1:2 H1/P3/1:4 ", 2);
	check_lockstep("lock-long-rev.csv", "lock-wide.csv",
	    "H1/P3/1:4 H1/P2/1:2 H1/P1/1:3 ", 2);
}

static void
test_no_files_is_an_empty_source(void)
{
	ecpr_source *src = NULL;
	ecpr_episode *ep = (ecpr_episode *)&src;

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, NULL), 0);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, NULL), 0);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_source_free(src);
	ecpr_source_free(NULL);
}

static void
test_add_after_reading_is_refused(void)
{
	static const char *const names[] = { "long-order.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("long.csv"), &err),
	    ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "source: files must be added before reading");
	ecpr_source_free(src);
}

/* ------------------------------------------------------------------ */
/* Errors, stopping at the first                                        */
/* ------------------------------------------------------------------ */

/* Read name alone and expect the first error to be code at line: msg. */
static void
expect_first_error(const char *name, int code, unsigned long line,
    const char *msg, const char *episodes)
{
	const char *names[2] = { name, NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char buf[512];

	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), code);
	CU_ASSERT_STRING_EQUAL(buf, episodes);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_STRING_EQUAL(err.file, src_data(name));
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
	/* The failure is sticky. */
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), code);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(err.line, line);
	ecpr_source_free(src);
}

static void
test_same_episode_twice_in_a_wide_file(void)
{
	expect_first_error("dup.csv", ECPR_ERULE, 4,
	    "duplicate episode H1/P1/1: given twice in this file (first on "
	    "line 2)",
	    "");
}

/*
 * bom-inside.csv: rows of a second export pasted after the first, the
 * byte-order mark of the second before "H1" on line 3.  Kept, it made
 * site "\xEF\xBB\xBFH1": two episodes instead of one.  Refused, with
 * the line, before any episode is returned.
 */
static void
test_bom_inside_a_file(void)
{
	expect_first_error("bom-inside.csv", ECPR_EPARSE, 3,
	    "byte-order mark (U+FEFF) at column 1 (byte offset 70): allowed "
	    "only at the start of the file", "");
}

static void
test_unknown_column(void)
{
	expect_first_error("unknown-col.csv", ECPR_EPARSE, 1,
	    "column 7: unknown column \"rosc_time\"", "");
	expect_first_error("long-attr.csv", ECPR_EPARSE, 1,
	    "column 5: unknown column \"age_years\" (a long-form file has "
	    "site, subject, episode, event, time, note)", "");
}

/*
 * The findings of issue 11 in a wide file: columns in any order, codes
 * normalised, an empty cell unknown; a value not in the list is refused
 * with the file, line, attribute and value (the episode before it read).
 */
static void
test_findings_columns(void)
{
	static const char *const names[] = { "findings.csv", NULL };
	ecpr_source *src = open_source(NULL, names);
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;

	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_WITNESSED), "yes");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_BYSTANDER_CPR),
	    "no");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep,
	    ECPR_AT_PUPILLARY_LIGHT_REFLEX), "unknown");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep,
	    ECPR_AT_CEREBRAL_HAEMORRHAGE), "no");
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_attr(ep, ECPR_AT_WITNESSED), "yes");
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep, ECPR_AT_BYSTANDER_CPR));
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep,
	    ECPR_AT_PUPILLARY_LIGHT_REFLEX));
	CU_ASSERT_PTR_NULL(ecpr_episode_attr(ep,
	    ECPR_AT_CEREBRAL_HAEMORRHAGE));
	ecpr_episode_free(ep);
	ecpr_source_free(src);
	expect_first_error("findings-bad.csv", ECPR_EPARSE, 3,
	    "attribute \"bystander_cpr\": \"maybe\" is not one of yes, no, "
	    "unknown", "H1/F1/1:1 ");
}

static void
test_duplicate_column(void)
{
	expect_first_error("dup-col.csv", ECPR_EPARSE, 1,
	    "column 5: duplicate column \"cpr_start\" (also column 3)", "");
}

static void
test_missing_columns_and_empty_header(void)
{
	expect_first_error("no-site.csv", ECPR_EPARSE, 1,
	    "missing column \"site\"", "");
	expect_first_error("long-no-time.csv", ECPR_EPARSE, 1,
	    "missing column \"time\"", "");
	expect_first_error("empty.csv", ECPR_EPARSE, 1,
	    "no header row (empty file)", "");
	expect_first_error("empty-name.csv", ECPR_EPARSE, 1,
	    "column 2: empty column name", "");
}

static void
test_wrong_number_of_fields(void)
{
	expect_first_error("fields.csv", ECPR_EPARSE, 3,
	    "expected 12 fields, found 11", "");
}

static void
test_invalid_utf8(void)
{
	expect_first_error("utf8.csv", ECPR_EPARSE, 3,
	    "invalid UTF-8 at column 8 (byte offset 46): truncated sequence",
	    "");
}

static void
test_bad_episode_numbers_and_keys(void)
{
	expect_first_error("episode-num.csv", ECPR_EPARSE, 2,
	    "field \"episode\": \"0\" is not a positive integer", "");
}

static void
test_unterminated_quote(void)
{
	/* Found in pass 1: no episode comes out. */
	expect_first_error("quote.csv", ECPR_EPARSE, 3,
	    "unterminated quoted field starting on line 3", "");
}

static void
test_rule_error_from_finish(void)
{
	/* Found in pass 2, after the good episode before it. */
	expect_first_error("rule.csv", ECPR_ERULE, 3,
	    "episode H1/P2/1: field \"cpr_start\": relative value "
	    "\"rosc+PT2M\" refers to rosc, which has no value",
	    "H1/P1/1:2 ");
}

static void
test_missing_file(void)
{
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;

	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("nope.csv"), &err),
	    ECPR_EIO);
	CU_ASSERT_EQUAL(err.code, ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, src_data("nope.csv"));
	CU_ASSERT_EQUAL(err.line, 0);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot open: No such file or directory");
	/* The source is still usable without that file. */
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("long-order.csv"),
			    &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(ep);
	ecpr_episode_free(ep);
	ecpr_source_free(src);
}

/* ------------------------------------------------------------------ */
/* Errors, going on                                                     */
/* ------------------------------------------------------------------ */

/* Read the files with on_error set; returns the episodes read. */
static void
keep_going(const char *const *names, struct collect *c, char *buf,
    size_t len, size_t *count)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src;
	ecpr_error err = ECPR_ERROR_INIT;

	memset(c, 0, sizeof(*c));
	opts.on_error = collect_cb;
	opts.ctx = c;
	src = open_source(&opts, names);
	CU_ASSERT_EQUAL(read_all(src, buf, len, &err), 0);
	*count = ecpr_source_error_count(src);
	ecpr_source_free(src);
}

static void
test_keep_going_reports_all_errors_across_files(void)
{
	static const char *const names[] = { "bad-wide.csv", "bad-long.csv",
		NULL };
	struct collect c;
	char buf[512], want[12288];
	size_t n;
	char w[1024], l[1024];

	snprintf(w, sizeof(w), "%s", src_data("bad-wide.csv"));
	snprintf(l, sizeof(l), "%s", src_data("bad-long.csv"));
	keep_going(names, &c, buf, sizeof(buf), &n);
	CU_ASSERT_STRING_EQUAL(buf, "H1/P4/1:2 H2/P4/1:2 ");
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(c.n, 7);
	snprintf(want, sizeof(want),
	    /* pass 1: framing */
	    "[-4] %s:8: unexpected character 'x' after a closing quote at "
	    "column 44\n"
	    /* pass 2 */
	    "[-4] %s:2: attribute \"sex\": \"X\" is not one of M, F, U\n"
	    "[-4] %s:3: attribute \"cpc_discharge\": \"7\" is out of range "
	    "(1-5)\n"
	    "[-5] %s:4: episode H1/P3/1: field \"cpr_start\": "
	    "2021-07-27T07:55Z is before ca_onset 2021-07-27T08:00Z (line 4)\n"
	    "[-4] %s:2: field \"event\": unknown event \"rosc_time\"\n"
	    "[-4] %s:4: field \"time\": empty value for event \"cpr_start\"\n"
	    "[-4] %s:5: field \"ca_onset\": \"2021-02-30T08:00Z\" is not a "
	    "valid date (2021-02 has 28 days)\n",
	    l, w, w, w, l, l, l);
	CU_ASSERT_STRING_EQUAL(c.text, want);
}

static void
test_keep_going_reports_every_bad_cell_of_a_wide_row(void)
{
	static const char *const names[] = { "multi.csv", NULL };
	struct collect c;
	char buf[512], want[4096], p[1024];
	size_t n;

	snprintf(p, sizeof(p), "%s", src_data("multi.csv"));
	keep_going(names, &c, buf, sizeof(buf), &n);
	CU_ASSERT_STRING_EQUAL(buf, "H1/P2/1:0 ");
	CU_ASSERT_EQUAL(n, 3);
	snprintf(want, sizeof(want),
	    "[-4] %s:2: attribute \"sex\": \"X\" is not one of M, F, U\n"
	    "[-4] %s:2: attribute \"cpc_discharge\": \"7\" is out of range "
	    "(1-5)\n"
	    "[-4] %s:2: field \"ca_onset\": \"2021-13-01\" is not a valid "
	    "date (months run from 01 to 12)\n", p, p, p);
	CU_ASSERT_STRING_EQUAL(c.text, want);
}

static void
test_keep_going_missing_file_and_bad_headers(void)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	struct collect c;
	char buf[512], want[12288];
	const char *p;
	size_t o;

	memset(&c, 0, sizeof(c));
	opts.on_error = collect_cb;
	opts.ctx = &c;
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &opts, &err), 0);
	/* Reported through on_error, not returned. */
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("nope.csv"), &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("dup-col.csv"),
			    &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("dup.csv"), &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("fields.csv"),
			    &err),
	    0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, src_data("episode-num.csv"),
			    &err),
	    0);
	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), 0);
	/*
	 * Keys are global across files: the bad row of H1/P2/1 in
	 * fields.csv drops H1/P2/1 of dup.csv too, and the duplicate
	 * H1/P1/1 of dup.csv drops the H1/P1/1 rows of fields.csv.
	 */
	CU_ASSERT_STRING_EQUAL(buf, "H1/P3/1:0 H1/P3/7:0 ");
	CU_ASSERT_EQUAL(ecpr_source_error_count(src), 8);
	CU_ASSERT_EQUAL(c.n, 8);
	o = (size_t)snprintf(want, sizeof(want),
	    "[-3] %s: cannot open: No such file or directory\n",
	    src_data("nope.csv"));
	o += (size_t)snprintf(want + o, sizeof(want) - o,
	    "[-4] %s:1: column 5: duplicate column \"cpr_start\" (also "
	    "column 3)\n", src_data("dup-col.csv"));
	o += (size_t)snprintf(want + o, sizeof(want) - o,
	    "[-5] %s:4: duplicate episode H1/P1/1: given twice in this file "
	    "(first on line 2)\n", src_data("dup.csv"));
	o += (size_t)snprintf(want + o, sizeof(want) - o,
	    "[-4] %s:3: expected 12 fields, found 11\n",
	    src_data("fields.csv"));
	p = src_data("episode-num.csv");
	snprintf(want + o, sizeof(want) - o,
	    "[-4] %s:2: field \"episode\": \"0\" is not a positive integer\n"
	    "[-4] %s:3: field \"episode\": \"x1\" is not a positive "
	    "integer\n"
	    "[-4] %s:5: field \"site\": empty value\n"
	    "[-4] %s:6: field \"subject\": empty value\n",
	    p, p, p, p);
	CU_ASSERT_STRING_EQUAL(c.text, want);
	ecpr_source_free(src);
}

/* ------------------------------------------------------------------ */
/* Standard input                                                       */
/* ------------------------------------------------------------------ */

/*
 * In a child with standard input reopened on the data file, read "-"
 * (twice over: pass 1 and pass 2 need the spool) and write the episodes
 * and the first error to a pipe.
 */
static void
read_stdin(const char *name, char *out, size_t len)
{
	int fd[2], status = -1;
	pid_t pid;
	ssize_t n;
	size_t o = 0;

	CU_ASSERT_FATAL(pipe(fd) == 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		ecpr_source *src = NULL;
		ecpr_error err = ECPR_ERROR_INIT;
		char buf[1024], msg[1200];
		int rc;

		close(fd[0]);
		if (freopen(src_data(name), "r", stdin) == NULL)
			_exit(2);
		if (ecpr_source_new(&src, NULL, &err) < 0 ||
		    ecpr_source_add_file(src, "-", &err) < 0)
			_exit(3);
		rc = read_all(src, buf, sizeof(buf), &err);
		ecpr_error_format(&err, msg, sizeof(msg));
		dprintf(fd[1], "%d|%s|%s", rc, buf, rc ? msg : "");
		ecpr_source_free(src);
		close(fd[1]);
		_exit(0);
	}
	close(fd[1]);
	while (o + 1 < len && (n = read(fd[0], out + o, len - o - 1)) > 0)
		o += (size_t)n;
	out[o] = '\0';
	close(fd[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
test_stdin_is_spooled(void)
{
	char out[2048];

	read_stdin("long.csv", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "0|H1/P003/1:2 H1/P001/1:4 |");
	read_stdin("dup.csv", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "-5||<stdin>:4: duplicate episode H1/P1/1: "
				    "given twice in this file (first on line 2)");
}

/* ------------------------------------------------------------------ */
/* Open files                                                           */
/* ------------------------------------------------------------------ */

/* Open descriptors below 64. */
static int
count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 64; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return n;
}

/*
 * Twenty long files (f00.csv ... f19.csv) each give a pci event for
 * H1/P1, H1/P2 and H1/P3, in that order, so every episode needs every
 * file.  f05.csv has a note over two lines and a bad date for P3 on
 * line 5; f07.csv ends its lines with CRLF and has a bad date for P2 on
 * line 3; f08.csv ends its lines with a lone CR.
 */
static void
write_many(const char *dir)
{
	char name[32], text[1024], t[3][64];
	const char *nl;
	int i, j;

	for (i = 0; i < 20; i++) {
		nl = i == 7 ? "\r\n" : i == 8 ? "\r" : "\n";
		for (j = 0; j < 3; j++)
			snprintf(t[j], sizeof(t[j]), "2021-07-27T10:%02dZ", i);
		if (i == 5)
			snprintf(t[2], sizeof(t[2]), "2021-02-30T10:05Z");
		if (i == 7)
			snprintf(t[1], sizeof(t[1]), "2021-07-27T10:61Z");
		snprintf(text, sizeof(text), "site,subject,event,time,note%s"
		    "H1,P1,pci,%s,%s%sH1,P2,pci,%s,%sH1,P3,pci,%s,%s", nl,
		    t[0], i == 5 ? "\"two\nlines\"" : "", nl, t[1], nl, t[2],
		    nl);
		snprintf(name, sizeof(name), "f%02d.csv", i);
		free(cu_write_file(dir, name, text));
	}
}

static void
test_more_files_than_descriptors(void)
{
	char *dir = cu_tmpdir();
	char out[4096], want[4096];
	int fd[2], status = -1;
	pid_t pid;
	ssize_t n;
	size_t o = 0;

	write_many(dir);
	CU_ASSERT_FATAL(pipe(fd) == 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
		ecpr_source *src = NULL;
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_episode *ep;
		struct collect c;
		struct rlimit rl;
		char buf[1024], path[1024];
		int i, base, most = 0, rc;
		size_t len = 0;

		close(fd[0]);
		/* 12 descriptors: the source keeps at most 12 / 4 open. */
		rl.rlim_cur = 12;
		rl.rlim_max = 12;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			_exit(2);
		memset(&c, 0, sizeof(c));
		opts.on_error = collect_cb;
		opts.ctx = &c;
		base = count_fds();
		if (ecpr_source_new(&src, &opts, &err) < 0)
			_exit(3);
		for (i = 0; i < 20; i++) {
			snprintf(path, sizeof(path), "%s/f%02d.csv", dir, i);
			if (ecpr_source_add_file(src, path, &err) < 0)
				_exit(4);
		}
		buf[0] = '\0';
		while ((rc = ecpr_source_next(src, &ep, &err)) == 0 &&
		    ep != NULL) {
			if (count_fds() - base > most)
				most = count_fds() - base;
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s:%zu ", ecpr_episode_subject(ep),
			    ecpr_episode_event_count(ep));
			ecpr_episode_free(ep);
		}
		dprintf(fd[1], "%d|%s|%d|%zu|%s", rc, buf, most,
		    ecpr_source_error_count(src), c.text);
		ecpr_source_free(src);
		close(fd[1]);
		_exit(count_fds() == base - 1 ? 0 : 5);
	}
	close(fd[1]);
	while (o + 1 < sizeof(out) &&
	    (n = read(fd[0], out + o, sizeof(out) - o - 1)) > 0)
		o += (size_t)n;
	out[o] = '\0';
	close(fd[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/*
	 * P1 reads all twenty files, closing the least recently used to
	 * stay at 3 open, and reopens each one where it stopped for P2 and
	 * P3: the lines of the errors count the lines read before.  With
	 * a tiny spill budget the fragments' infos are read from one
	 * temporary file besides: 4.
	 */
	snprintf(want, sizeof(want), "0|P1:20 |%d|2|"
	    "[-4] %s/f07.csv:3: field \"pci\": \"2021-07-27T10:61Z\" is "
	    "not a valid time of day (minutes run from 00 to 59)\n"
	    "[-4] %s/f05.csv:5: field \"pci\": \"2021-02-30T10:05Z\" is "
	    "not a valid date (2021-02 has 28 days)\n",
	    getenv("ECPR_SPILL_MEMORY") != NULL ? 4 : 3, dir, dir);
	CU_ASSERT_STRING_EQUAL(out, want);
	cu_rmtree(dir);
	free(dir);
}

/* A file that changes between the passes is an error, not a crash. */
static void
test_file_changed_between_passes(void)
{
	static const char *const changed[] = {
		"site,subject,event,time\nH1,P9,rosc,2021-07-27T10:30Z\n",
		"site,subject,event,time\n",
	};
	char *dir = cu_tmpdir(), *w, *l;
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	int i;

	w = cu_write_file(dir, "w.csv", "site,subject,age_years\n"
	    "H1,P1,40\nH1,P2,50\nH1,P3,60\n");
	for (i = 0; i < 2; i++) {
		l = cu_write_file(dir, "l.csv", "site,subject,event,time\n"
		    "H1,P3,rosc,2021-07-27T10:30Z\n");
		CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
		CU_ASSERT_EQUAL(ecpr_source_add_file(src, w, &err), 0);
		CU_ASSERT_EQUAL(ecpr_source_add_file(src, l, &err), 0);
		/* P1 and P2 are complete before l.csv is opened again. */
		CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
		CU_ASSERT_PTR_NOT_NULL(ep);
		ecpr_episode_free(ep);
		CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
		CU_ASSERT_PTR_NOT_NULL(ep);
		ecpr_episode_free(ep);
		free(cu_write_file(dir, "l.csv", changed[i]));
		CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), ECPR_EIO);
		CU_ASSERT_PTR_NULL(ep);
		CU_ASSERT_STRING_EQUAL(err.file, l);
		CU_ASSERT_EQUAL(err.line, i == 0 ? 2 : 1);
		CU_ASSERT_STRING_EQUAL(err.message,
		    "the file changed while it was being read");
		ecpr_source_free(src);
		free(l);
	}
	free(w);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Pass 2 knows a fragment's rows by their key fields' bytes, compared at
 * once where the fields lie one after another: bytes that moved from
 * one key field to the next ("H1,P3" read again as "H1P,3", the same
 * length) are another key, and the file changed; key fields with blanks
 * at their ends are the same key once trimmed.
 */
static void
test_key_bytes_moved_between_fields(void)
{
	char *dir = cu_tmpdir(), *w, *l, buf[256];
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;

	w = cu_write_file(dir, "w.csv", "site,subject,age_years\n"
	    "H1,P1,40\nH1,P2,50\n");
	l = cu_write_file(dir, "l.csv", "site,subject,episode,event,time\n"
	    "H1,P3,1,ca_onset,2021-07-27T10:00Z\n"
	    "H1,P3,1,rosc,2021-07-27T10:30Z\n");
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, w, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, l, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	ecpr_episode_free(ep);
	free(cu_write_file(dir, "l.csv", "site,subject,episode,event,time\n"
	    "H1,P3,1,ca_onset,2021-07-27T10:00Z\n"
	    "H1P,3,1,rosc,2021-07-27T10:30Z\n"));
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), ECPR_EIO);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "the file changed while it was being read");
	ecpr_source_free(src);
	free(l);

	l = cu_write_file(dir, "l.csv", "site,subject,episode,event,time\n"
	    "H1,P3,1,ca_onset,2021-07-27T10:00Z\n"
	    " H1 ,P3,1,cpr_start,2021-07-27T10:05Z\n"
	    "H1,P3\t,1 ,rosc,2021-07-27T10:30Z\n"
	    "H1,P3,1,death,2021-07-27T11:30Z\n"
	    "H1,P31,,ca_onset,2021-07-27T10:00Z\n");
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, l, &err), 0);
	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "H1/P3/1:4 H1/P31/1:1 ");
	ecpr_source_free(src);
	free(l);
	free(w);
	cu_rmtree(dir);
	free(dir);
}

/* A path that is a pipe cannot be read twice: it is spooled too. */
static void
test_pipe_path_is_spooled(void)
{
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	char *text, buf[512], path[64];
	int fd[2];
	size_t len;

	text = cu_read_file(src_data("long.csv"), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_FATAL(pipe(fd) == 0);
	CU_ASSERT_FATAL(write(fd[1], text, len) == (ssize_t)len);
	close(fd[1]);
	free(text);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd[0]);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, path, &err), 0);
	close(fd[0]);
	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "H1/P003/1:2 H1/P001/1:4 ");
	ecpr_source_free(src);
}

/* The value of an environment variable, copied (NULL: not set). */
static char *
env_save(const char *name)
{
	const char *v = getenv(name);

	return v != NULL ? strdup(v) : NULL;
}

/* Set it back as env_save found it. */
static void
env_restore(const char *name, char *saved)
{
	if (saved != NULL)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

/*
 * Pass 1 sorts the fragments of the episodes through temporary files in
 * $TMPDIR when they do not fit in the budget: a TMPDIR that does not
 * exist is ECPR_EIO naming it (with --keep-going too: not a data error),
 * and nothing is read; a budget that holds them needs no file.
 */
static void
test_spill_tmpdir_missing(void)
{
	static const char *const names[] = { "wide.csv", "long.csv", NULL };
	char *saved_tmp = env_save("TMPDIR");
	char *saved_mem = env_save("ECPR_SPILL_MEMORY");
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	struct collect c;
	ecpr_source *src;
	char buf[512];
	int pass;

	setenv("TMPDIR", "/nonexistent/ecpr-tmp", 1);
	for (pass = 0; pass < 2; pass++) {
		memset(&c, 0, sizeof(c));
		opts.on_error = pass ? collect_cb : NULL;
		opts.ctx = &c;
		setenv("ECPR_SPILL_MEMORY", "64", 1);
		src = open_source(&opts, names);
		CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err),
		    ECPR_EIO);
		CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/ecpr-tmp");
		CU_ASSERT_STRING_EQUAL(err.message, "cannot create a temporary "
		    "file: No such file or directory");
		CU_ASSERT_STRING_EQUAL(buf, "");
		CU_ASSERT_EQUAL(c.n, 0);
		ecpr_source_free(src);
		ecpr_error_clear(&err);
	}
	unsetenv("ECPR_SPILL_MEMORY");
	src = open_source(NULL, names);
	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), ECPR_OK);
	ecpr_source_free(src);
	env_restore("TMPDIR", saved_tmp);
	env_restore("ECPR_SPILL_MEMORY", saved_mem);
}

/*
 * Pass 1 keeps a record of 24 bytes and the key per fragment (the lines
 * only for a wide file): 1,000 episodes of one row, keys of 9 bytes,
 * are sorted in a budget of 64,000 bytes (57 bytes each with the sort's
 * own, where the record of 48 bytes took 81), so no temporary file is
 * needed; a wide file's records (with the lines) do not fit.
 */
static void
test_fragment_records_are_small(void)
{
	char *saved_tmp = env_save("TMPDIR");
	char *saved_mem = env_save("ECPR_SPILL_MEMORY");
	char *dir = cu_tmpdir(), *l, *w, *text = malloc(64000), *wt;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	ecpr_episode *ep;
	size_t o, wo, n = 0;
	int i, rc;

	CU_ASSERT_FATAL(text != NULL);
	wt = text + 48000;
	o = (size_t)sprintf(text, "site,subject,episode,event,time\n");
	wo = (size_t)sprintf(wt, "site,subject,age_years\n");
	for (i = 1; i <= 1000; i++) {
		o += (size_t)sprintf(text + o, "H1,P%04d,1,ca_onset,"
		    "2021-07-27T08:00Z\n", i);
		wo += (size_t)sprintf(wt + wo, "H1,P%04d,40\n", i);
	}
	l = cu_write_file(dir, "l.csv", text);
	w = cu_write_file(dir, "w.csv", wt);
	setenv("TMPDIR", "/nonexistent/ecpr-tmp", 1);
	setenv("ECPR_SPILL_MEMORY", "64000", 1);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, l, &err), 0);
	while ((rc = ecpr_source_next(src, &ep, &err)) == 0 && ep != NULL) {
		n++;
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_EQUAL(n, 1000);
	ecpr_source_free(src);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, w, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.message, "cannot create a temporary "
	    "file: No such file or directory");
	ecpr_source_free(src);
	env_restore("TMPDIR", saved_tmp);
	env_restore("ECPR_SPILL_MEMORY", saved_mem);
	free(text);
	free(l);
	free(w);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Rows of one episode with and without blanks around their cells: the
 * same key however it is padded or written ("01"), the cells trimmed,
 * rows without blanks read in place.
 */
static void
test_long_rows_trimmed_or_not(void)
{
	char *dir = cu_tmpdir(), *path;
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	char b[256];

	path = cu_write_file(dir, "trim.csv",
	    "site,subject,episode,event,time,note\n"
	    " H1 ,P1,1, ca_onset ,2021-07-27T08:00Z ,\n"
	    "H1,P1,01,cpr_start,\t2021-07-27T08:05Z,\n"
	    "H1, P1 ,1,rosc,2021-07-27T09:00Z, a note \n"
	    "H1,P1,1,mcc_start,2021-07-27T08:10Z,\n"
	    "H1,P2,1,ca_onset,2021-07-27T08:00Z,\n");
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, NULL, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, path, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_site(ep), "H1");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P1");
	CU_ASSERT_EQUAL(ecpr_episode_number(ep), 1);
	CU_ASSERT_EQUAL_FATAL(ecpr_episode_event_count(ep), 4);
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 0), b,
				   sizeof(b)),
	    "ca_onset 2021-07-27T08:00Z @trim.csv:2");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 1), b,
				   sizeof(b)),
	    "cpr_start 2021-07-27T08:05Z @trim.csv:3");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 2), b,
				   sizeof(b)),
	    "mcc_start 2021-07-27T08:10Z @trim.csv:5");
	CU_ASSERT_STRING_EQUAL(event_str(ecpr_episode_event(ep, 3), b,
				   sizeof(b)),
	    "rosc 2021-07-27T09:00Z @trim.csv:4 note=a note");
	CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 0)->text,
	    "2021-07-27T08:00Z");
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
	CU_ASSERT_STRING_EQUAL(ecpr_episode_subject(ep), "P2");
	CU_ASSERT_EQUAL(ecpr_episode_event_count(ep), 1);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_source_next(src, &ep, &err), 0);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(ecpr_source_error_count(src), 0);
	ecpr_source_free(src);
	free(path);
	cu_rmtree(dir);
	free(dir);
}

/*
 * 3,000 episodes of four rows each (about 540 KiB: pass 1 passes over
 * runs of rows of one episode, across reads of the file): a row with a
 * field too many in the middle of a run is refused on its line and its
 * episode skipped; rows that end a run early (a quoted note, a CRLF, a
 * UTF-8 note, a blank at a field's end, a blank line) still count for
 * their episode, and pass 2 reads every value.
 */
static void
test_runs_of_rows_across_reads(void)
{
	static const char *const ev[] = { "ca_onset", "cpr_start",
		"mcc_start", "rosc" };
	char *dir = cu_tmpdir(), *path, *data, want[512];
	struct collect c;
	size_t o, n, i, j, events = 0;
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;

	data = malloc(800000);
	CU_ASSERT_FATAL(data != NULL);
	o = (size_t)sprintf(data, "site,subject,episode,event,time,note\n");
	for (i = 0; i < 3000; i++)
		for (j = 0; j < 4; j++)
			o += (size_t)sprintf(data + o,
			    "H1,P%zu,1,%s,2021-07-27T08:%02zu+02:00,%s%s",
			    i, ev[j], 10 * j + i % 10,
			    i == 1234 && j == 2 ? "x,y" :
			    i == 2000 && j == 1 ? "\"say \"\"hi\"\"\"" :
			    i == 2001 && j == 1 ? "M\xC3\xBCnchen" :
			    i == 2002 && j == 3 ? "tab\t" : "",
			    i == 2003 && j == 1 ? "\r\n" :
			    i == 2004 && j == 2 ? "\n\n" : "\n");
	path = cu_write_file(dir, "runs.csv", data);
	memset(&c, 0, sizeof(c));
	opts.on_error = collect_cb;
	opts.ctx = &c;
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &opts, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, path, &err), 0);
	for (n = 0; ecpr_source_next(src, &ep, &err) == 0 && ep != NULL;
	    n++) {
		events += ecpr_episode_event_count(ep);
		if (strcmp(ecpr_episode_subject(ep), "P2000") == 0)
			CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 1)->note,
			    "say \"hi\"");
		if (strcmp(ecpr_episode_subject(ep), "P2002") == 0)
			CU_ASSERT_STRING_EQUAL(ecpr_episode_event(ep, 3)->note,
			    "tab");
		if (strcmp(ecpr_episode_subject(ep), "P2999") == 0)
			CU_ASSERT_EQUAL(ecpr_episode_event(ep, 3)->line, 12002);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(n, 2999);
	CU_ASSERT_EQUAL(events, 2999 * 4);
	snprintf(want, sizeof(want), "[-4] %s:%d: expected 6 fields, found 7\n",
	    path, 2 + 1234 * 4 + 2);
	CU_ASSERT_STRING_EQUAL(c.text, want);
	ecpr_source_free(src);
	free(data);
	free(path);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Pass 1 takes a row whose key columns have the bytes of the row before
 * (and the right number of fields) as the same episode without reading
 * its key: rows whose bytes differ but whose key is the same (blanks,
 * "01", quotes) still join the episode; "H1,P1,12" is not "H1,P1,1"; a
 * row with the same key bytes but a field too many is refused (and its
 * episode skipped), and a row after it with its bytes is not taken for
 * the fragment under way; a rejected row in between does not end the
 * fragment; a quoted site with a comma; the same row twice in a wide
 * file is still given twice.
 */
static void
test_rows_of_one_key_by_their_bytes(void)
{
	char *dir = cu_tmpdir(), *l, *w, want[2048], buf[512];
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	struct collect c;

	l = cu_write_file(dir, "l.csv", "site,subject,episode,event,time\n"
	    "H1,P1,1,ca_onset,2021-07-27T08:00Z\n"
	    "H1,P1,1,cpr_start,2021-07-27T08:02Z\n"
	    " H1,P1,01,rosc,2021-07-27T08:30Z\n"
	    "H1,P1,12,ca_onset,2021-07-28T08:00Z\n"
	    "H1,P1,12,cpr_start,2021-07-28T08:03Z,x\n"
	    "\"H1\",P1,12,rosc,2021-07-28T08:40Z\n"
	    "H1,P1,1,rearrest,2021-07-27T08:40Z\n"
	    "H4,P4,1,ca_onset,2021-07-27T10:00Z,x\n"
	    "H4,P4,1,cpr_start,2021-07-27T10:02Z\n"
	    "\"H2,a\",P2,1,ca_onset,2021-07-27T09:00Z\n"
	    "H3,,1,ca_onset,2021-07-27T09:00Z\n"
	    "\"H2,a\",P2,1,cpr_start,2021-07-27T09:01Z\r\n"
	    "\"H2,a\",P2,1,rosc,2021-07-27T09:31Z\r\n");
	w = cu_write_file(dir, "w.csv", "site,subject,age_years\n"
	    "H9,P9,40\nH9,P9,40\n");
	memset(&c, 0, sizeof(c));
	opts.on_error = collect_cb;
	opts.ctx = &c;
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &opts, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, l, &err), 0);
	CU_ASSERT_EQUAL(ecpr_source_add_file(src, w, &err), 0);
	CU_ASSERT_EQUAL(read_all(src, buf, sizeof(buf), &err), 0);
	CU_ASSERT_STRING_EQUAL(buf, "H1/P1/1:4 H2,a/P2/1:3 ");
	snprintf(want, sizeof(want),
	    "[-4] %s:6: expected 5 fields, found 6\n"
	    "[-4] %s:9: expected 5 fields, found 6\n"
	    "[-4] %s:12: field \"subject\": empty value\n"
	    "[-5] %s:3: duplicate episode H9/P9/1: given twice in this "
	    "file (first on line 2)\n", l, l, l, w);
	CU_ASSERT_STRING_EQUAL(c.text, want);
	ecpr_source_free(src);
	free(l);
	free(w);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo read_tests[] = {
	{ "a wide file", test_wide_file },
	{ "a long file with interleaved rows",
	    test_long_file_with_interleaved_rows },
	{ "long-form columns in any order",
	    test_long_form_columns_in_any_order },
	{ "long-form rows trimmed or not", test_long_rows_trimmed_or_not },
	{ "wide and long files merge", test_wide_and_long_merge },
	{ "wide and long files in lockstep, same or reversed order",
	    test_wide_and_long_in_lockstep },
	{ "no files is an empty source", test_no_files_is_an_empty_source },
	{ "adding a file after reading is refused",
	    test_add_after_reading_is_refused },
	{ "standard input is spooled", test_stdin_is_spooled },
	{ "a pipe given by path is spooled", test_pipe_path_is_spooled },
	{ "more files than descriptors", test_more_files_than_descriptors },
	{ "runs of rows across reads", test_runs_of_rows_across_reads },
	{ "rows of one key by their bytes",
	    test_rows_of_one_key_by_their_bytes },
	{ "fragment records are small", test_fragment_records_are_small },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
	{ "key bytes moved between fields", test_key_bytes_moved_between_fields },
	{ "a byte-order mark inside a file", test_bom_inside_a_file },
	{ "the same episode twice in a wide file",
	    test_same_episode_twice_in_a_wide_file },
	{ "an unknown column", test_unknown_column },
	{ "findings columns (issue 11)", test_findings_columns },
	{ "a duplicate column", test_duplicate_column },
	{ "missing columns and an empty header",
	    test_missing_columns_and_empty_header },
	{ "a wrong number of fields", test_wrong_number_of_fields },
	{ "invalid UTF-8", test_invalid_utf8 },
	{ "bad episode numbers and keys", test_bad_episode_numbers_and_keys },
	{ "an unterminated quote", test_unterminated_quote },
	{ "a rule error from finish", test_rule_error_from_finish },
	{ "a missing file", test_missing_file },
	{ "a file changed between the passes",
	    test_file_changed_between_passes },
	{ "a missing TMPDIR when the fragments do not fit",
	    test_spill_tmpdir_missing },
	{ "keep-going reports all errors across files",
	    test_keep_going_reports_all_errors_across_files },
	{ "keep-going reports every bad cell of a wide row",
	    test_keep_going_reports_every_bad_cell_of_a_wide_row },
	{ "keep-going: a missing file and bad headers",
	    test_keep_going_missing_file_and_bad_headers },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "source reading", NULL, NULL, NULL, NULL, read_tests },
	{ "source errors", NULL, NULL, NULL, NULL, error_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	int rc;

	/* every test in memory, then again with a budget of 64 bytes:
	 * every sort of pass 1 through temporary files, the same results */
	unsetenv("ECPR_SPILL_MEMORY");
	if ((rc = cu_run(suites)) != 0)
		return rc;
	setenv("ECPR_SPILL_MEMORY", "64", 1);
	return cu_run(suites);
}
