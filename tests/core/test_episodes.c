/* test_episodes.c - the episode stream and its filter (lib/episodes.c) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"
#include "episode_filter_cases.h"

static ecpr_episodes *
open_cases(const ecpr_read_opts *opts, const ecpr_episode_filter *f)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;

	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, opts, f, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_add_file(es,
	    cu_data("episodes/cases.csv"), &err), ECPR_OK);
	return es;
}

static void
test_files_each_filter(void)
{
	size_t i;

	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		const struct filter_case *c = &filter_cases[i];
		ecpr_episode_filter f;
		ecpr_episodes *es;
		char *got;

		CU_ASSERT_EQUAL_FATAL(case_filter(c, &f), 0);
		es = open_cases(NULL, &f);
		got = drain(es);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, c->want);
		if (strcmp(got, c->want) != 0)
			fprintf(stderr, "\ncase %zu: got \"%s\", want \"%s\"\n",
			    i, got, c->want);
		free(got);
		ecpr_episodes_free(es);
	}
}

/* The same as a filter on each episode of an unfiltered stream. */
static void
test_match_agrees_with_stream(void)
{
	size_t i;

	for (i = 0; i < sizeof(filter_cases) / sizeof(filter_cases[0]); i++) {
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_episode_filter f;
		ecpr_episodes *es = open_cases(NULL, NULL);
		ecpr_episode *ep;
		char got[4096] = "";
		size_t n = 0;

		CU_ASSERT_EQUAL_FATAL(case_filter(&filter_cases[i], &f), 0);
		while (ecpr_episodes_next(es, &ep, &err) == ECPR_OK &&
		    ep != NULL) {
			if (ecpr_episode_filter_match(&f, ep))
				n += (size_t)snprintf(got + n, sizeof(got) - n,
				    "%s%s/%s/%ld", n > 0 ? " " : "",
				    ecpr_episode_site(ep),
				    ecpr_episode_subject(ep),
				    ecpr_episode_number(ep));
			CU_ASSERT_EQUAL(ecpr_episode_filter_match(NULL, ep), 1);
			ecpr_episode_free(ep);
		}
		CU_ASSERT_EQUAL(err.code, ECPR_OK);
		CU_ASSERT_STRING_EQUAL(got, filter_cases[i].want);
		ecpr_episodes_free(es);
	}
}

/* The filter's strings are copied: the caller's may change at once. */
static void
test_filter_strings_copied(void)
{
	ecpr_episode_filter f = ECPR_EPISODE_FILTER_INIT;
	char site[] = "B", subject[] = "s1";
	ecpr_episodes *es;
	char *got;

	f.site = site;
	f.subject = subject;
	es = open_cases(NULL, &f);
	site[0] = 'A';
	subject[1] = '2';
	got = drain(es);
	CU_ASSERT_STRING_EQUAL(got, "B/s1/1");
	free(got);
	ecpr_episodes_free(es);
}

/* Several files as one source; none at all gives nothing. */
static void
test_files_several_and_none(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode_filter f = ECPR_EPISODE_FILTER_INIT;
	ecpr_episodes *es = NULL;
	char *got;

	f.subject = "n1";
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, NULL, &f, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es,
	    cu_data("episodes/cases.csv"), &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es,
	    cu_data("table/noecmo.csv"), &err), ECPR_OK);
	got = drain(es);
	CU_ASSERT_STRING_EQUAL(got, "B/n1/1");
	free(got);
	ecpr_episodes_free(es);

	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, NULL, NULL, &err),
	    ECPR_OK);
	got = drain(es);
	CU_ASSERT_STRING_EQUAL(got, "");
	free(got);
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 0);
	ecpr_episodes_free(es);
}

/* A header-only file gives an empty stream, not an error. */
static void
test_files_empty(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	ecpr_episode *ep = (ecpr_episode *)&err;

	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es,
	    cu_data("table/header-only-wide.csv"), &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_OK);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_OK);
	CU_ASSERT_PTR_NULL(ep);
	ecpr_episodes_free(es);
}

static void
count_cb(const ecpr_error *err, void *ctx)
{
	(void)err;
	(*(int *)ctx)++;
}

/* Errors of the files: reported and counted, or returned, as the source. */
static void
test_files_errors(void)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	ecpr_episode *ep = NULL;
	char *got;
	int n = 0;

	/* a missing file */
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es, "/nonexistent/x.csv",
	    &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/x.csv");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot open: No such file or directory");
	ecpr_episodes_free(es);

	/* stop at the first bad record */
	es = NULL;
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es, cu_data("table/bad1.csv"),
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_EPARSE);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_EQUAL(err.line, 2);
	ecpr_episodes_free(es);

	/* go on after each, counting; the filter applies to the rest */
	opts.on_error = count_cb;
	opts.ctx = &n;
	es = NULL;
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_open_files(&es, &opts, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es, cu_data("table/bad1.csv"),
	    &err), ECPR_OK);
	got = drain(es);
	CU_ASSERT_STRING_EQUAL(got, "X/b2/1");
	free(got);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 2);
	ecpr_episodes_free(es);
}

/* A bad since or until: the message of ecpr_time_parse, f unchanged. */
static void
test_filter_times_refused(void)
{
	static const struct {
		int until;
		const char *text, *tz;
		int rc;
		const char *msg;
	} cases[] = {
		{ 0, "yesterday", NULL, ECPR_EPARSE,
		    "\"yesterday\" is not an ISO 8601 date or time "
		    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])" },
		{ 1, "", NULL, ECPR_EPARSE,
		    "\"\" is not an ISO 8601 date or time "
		    "(YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])" },
		{ 0, "2023-02-30", NULL, ECPR_EPARSE,
		    "\"2023-02-30\" is not a valid date (2023-02 has 28 days)" },
		{ 1, "2023-13", NULL, ECPR_EPARSE,
		    "\"2023-13\" is not a valid date (months run from 01 to "
		    "12)" },
		{ 1, "2023-03-26T02:30", "Europe/Berlin", ECPR_ERULE,
		    "local time \"2023-03-26T02:30\" does not exist in "
		    "Europe/Berlin (the clocks jump from 02:00 to 03:00 on "
		    "2023-03-26)" },
		{ 0, NULL, NULL, ECPR_EINVAL, "no time value" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ecpr_episode_filter f = ECPR_EPISODE_FILTER_INIT;
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_tz *tz = NULL;
		int rc;

		if (cases[i].tz != NULL)
			CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, cases[i].tz,
			    &err), ECPR_OK);
		f.since = f.until = 7;
		rc = cases[i].until ?
		    ecpr_episode_filter_until(&f, cases[i].text, tz, &err) :
		    ecpr_episode_filter_since(&f, cases[i].text, tz, &err);
		CU_ASSERT_EQUAL(rc, cases[i].rc);
		CU_ASSERT_EQUAL(err.code, cases[i].rc);
		CU_ASSERT_STRING_EQUAL(err.message, cases[i].msg);
		CU_ASSERT_STRING_EQUAL(err.file, "");
		CU_ASSERT_EQUAL(f.has_since, 0);
		CU_ASSERT_EQUAL(f.has_until, 0);
		CU_ASSERT_EQUAL(f.since, 7);
		CU_ASSERT_EQUAL(f.until, 7);
		ecpr_tz_free(tz);
	}
}

/* since is the start of a value, until its end (exclusive). */
static void
test_filter_times_span(void)
{
	static const struct {
		const char *text, *tz;
		int64_t since, until;
	} cases[] = {
		{ "2023", NULL, 1672531200, 1704067200 },
		{ "2023-01", NULL, 1672531200, 1675209600 },
		{ "2023-01-10", NULL, 1673308800, 1673395200 },
		{ "2021-07-28T23:30+08:00", NULL, 1627486200, 1627486260 },
		{ "2021-07-28T23:30:15Z", NULL, 1627515015, 1627515016 },
		{ "2023", "Europe/Berlin", 1672527600, 1704063600 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ecpr_episode_filter f = ECPR_EPISODE_FILTER_INIT;
		ecpr_error err = ECPR_ERROR_INIT;
		ecpr_tz *tz = NULL;

		if (cases[i].tz != NULL)
			CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, cases[i].tz,
			    &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_episode_filter_since(&f, cases[i].text,
		    tz, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_episode_filter_until(&f, cases[i].text,
		    tz, &err), ECPR_OK);
		CU_ASSERT_EQUAL(f.has_since, 1);
		CU_ASSERT_EQUAL(f.has_until, 1);
		CU_ASSERT_EQUAL(f.since, cases[i].since);
		CU_ASSERT_EQUAL(f.until, cases[i].until);
		CU_ASSERT_PTR_NULL(f.site);
		CU_ASSERT_PTR_NULL(f.subject);
		ecpr_tz_free(tz);
	}
}

/* A backend of its own: two episodes, one error counted, freed once. */
struct fake {
	int given;
	int freed;
};

static int
fake_next(void *ctx, ecpr_episode **out, ecpr_error *err)
{
	struct fake *fk = ctx;

	if (fk->given == 2)
		return ECPR_OK;
	if (fk->given == 1 && fk->freed == -1)
		return ecpr__error_set(err, ECPR_EDB, NULL, 0, "gone");
	fk->given++;
	return ecpr_episode_new(out, "F", fk->given == 1 ? "x" : "y", 1, err);
}

static size_t
fake_errors(void *ctx)
{
	return (size_t)((struct fake *)ctx)->given * 10;
}

static void
fake_free(void *ctx)
{
	((struct fake *)ctx)->freed++;
}

static void
test_backend(void)
{
	static const ecpr_episodes_ops ops = { fake_next, fake_errors,
		fake_free };
	static const ecpr_episodes_ops bare = { fake_next, NULL, NULL };
	static const ecpr_episodes_ops none = { NULL, NULL, NULL };
	ecpr_error err = ECPR_ERROR_INIT;
	struct fake fk = { 0, 0 };
	ecpr_episodes *es = NULL;
	ecpr_episode *ep;
	char *got;

	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_new(&es, &ops, &fk, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 0);
	got = drain(es);
	CU_ASSERT_STRING_EQUAL(got, "F/x/1 F/y/1");
	free(got);
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 20);
	/* not a stream of files */
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es, "x.csv", &err),
	    ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "not a stream of files");
	CU_ASSERT_EQUAL(fk.freed, 0);
	ecpr_episodes_free(es);
	CU_ASSERT_EQUAL(fk.freed, 1);

	/* errors pass through; no error_count and no free are fine */
	fk.given = 0;
	fk.freed = -1;
	CU_ASSERT_EQUAL_FATAL(ecpr_episodes_new(&es, &bare, &fk, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_EDB);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_STRING_EQUAL(err.message, "gone");
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(es), 0);
	ecpr_episodes_free(es);
	CU_ASSERT_EQUAL(fk.freed, -1);

	/* a backend needs next */
	es = (ecpr_episodes *)&fk;
	CU_ASSERT_EQUAL(ecpr_episodes_new(&es, &none, &fk, &err),
	    ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(es);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "an episode stream needs a next function");
	CU_ASSERT_EQUAL(ecpr_episodes_new(&es, NULL, &fk, &err), ECPR_EINVAL);
}

/* Misuse is ECPR_EINVAL; free and error_count take NULL. */
static void
test_misuse(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episodes *es = NULL;
	ecpr_episode *ep = (ecpr_episode *)&err;

	CU_ASSERT_EQUAL(ecpr_episodes_next(NULL, &ep, &err), ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(ep);
	CU_ASSERT_STRING_EQUAL(err.message, "no episode stream");
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(NULL, "x", &err), ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episodes_open_files(NULL, NULL, NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episode_filter_since(NULL, "2023", NULL, &err),
	    ECPR_EINVAL);
	CU_ASSERT_EQUAL(ecpr_episodes_error_count(NULL), 0);
	ecpr_episodes_free(NULL);

	/* files are added before reading */
	es = open_cases(NULL, NULL);
	CU_ASSERT_EQUAL(ecpr_episodes_next(es, &ep, &err), ECPR_OK);
	ecpr_episode_free(ep);
	CU_ASSERT_EQUAL(ecpr_episodes_add_file(es,
	    cu_data("episodes/cases.csv"), &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "files are added before reading begins");
	ecpr_episodes_free(es);
}

static CU_TestInfo episodes_tests[] = {
	{ "files: each filter", test_files_each_filter },
	{ "filter_match agrees with the stream",
	    test_match_agrees_with_stream },
	{ "filter strings are copied", test_filter_strings_copied },
	{ "files: several as one, none at all", test_files_several_and_none },
	{ "files: a header-only file is empty", test_files_empty },
	{ "files: errors stop or are counted", test_files_errors },
	{ "bad since/until refused with the parser's message",
	    test_filter_times_refused },
	{ "since is a value's start, until its end", test_filter_times_span },
	{ "a backend of its own", test_backend },
	{ "misuse is EINVAL, NULL is fine", test_misuse },
	CU_TEST_INFO_NULL
};

static CU_SuiteInfo suites[] = {
	{ "episodes", NULL, NULL, NULL, NULL, episodes_tests },
	CU_SUITE_INFO_NULL
};

int
main(void)
{
	return cu_run(suites);
}
