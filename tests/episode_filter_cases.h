/*
 * episode_filter_cases.h - one table of filters over
 * tests/data/episodes/cases.csv and the episodes each lets through, run
 * on the files (test_episodes.c) and on the registry holding the same
 * episodes (test_db.c): both streams must give the same.
 *
 * The file: A/s1/1 arrest 2023-01-10T14:00Z (admitted 13:30Z, before
 * it), A/s1/2 arrest 2023-06-01T08:00Z, A/s2/1 no arrest time, first
 * event cpr_start 2022-12-31T23:59Z, B/s1/1 arrest 2023-01-10T13:00Z,
 * B/s3/1 no event at all.
 */
#ifndef ECPR_EPISODE_FILTER_CASES_H
#define ECPR_EPISODE_FILTER_CASES_H

#include <stdio.h>
#include <stdlib.h>

#include "ecpr.h"

struct filter_case {
	const char *site, *subject; /* NULL: any */
	const char *since, *until;  /* ecpr_time_parse values, NULL: none */
	const char *tz;             /* for local since/until, NULL: none */
	const char *want;           /* "site/subject/episode ...", in order */
};

static const struct filter_case filter_cases[] = {
	{ NULL, NULL, NULL, NULL, NULL,
	    "A/s1/1 A/s1/2 A/s2/1 B/s1/1 B/s3/1" },
	{ "A", NULL, NULL, NULL, NULL, "A/s1/1 A/s1/2 A/s2/1" },
	{ NULL, "s1", NULL, NULL, NULL, "A/s1/1 A/s1/2 B/s1/1" },
	{ "B", "s1", NULL, NULL, NULL, "B/s1/1" },
	{ "C", NULL, NULL, NULL, NULL, "" },
	{ "A", "s3", NULL, NULL, NULL, "" },
	/* the arrest, not the earlier admission, starts A/s1/1 */
	{ NULL, NULL, "2023-01-10T13:45Z", NULL, NULL, "A/s1/1 A/s1/2" },
	{ NULL, NULL, "2023-01-10T14:01Z", NULL, NULL, "A/s1/2" },
	/* until is the end of its value: 2023 is before 2024 */
	{ NULL, NULL, NULL, "2023", NULL, "A/s1/1 A/s1/2 A/s2/1 B/s1/1" },
	{ NULL, NULL, NULL, "2023-01-10T14:00Z", NULL,
	    "A/s1/1 A/s2/1 B/s1/1" },
	{ NULL, NULL, NULL, "2023-01-10T13:59Z", NULL, "A/s2/1 B/s1/1" },
	{ NULL, NULL, "2023", "2023-01", NULL, "A/s1/1 B/s1/1" },
	{ "A", NULL, "2022-12-31", "2022-12-31", NULL, "A/s2/1" },
	/* local times in the zone given */
	{ NULL, NULL, NULL, "2023-01-10T14:00", "Europe/Berlin",
	    "A/s2/1 B/s1/1" },
	/* since is in: A/s2/1 starts 2022-12-31T23:59Z */
	{ NULL, NULL, "2023-01-01T00:59", NULL, "Europe/Berlin",
	    "A/s1/1 A/s1/2 A/s2/1 B/s1/1" },
	{ NULL, NULL, "2023-01-01T01:00", NULL, "Europe/Berlin",
	    "A/s1/1 A/s1/2 B/s1/1" },
	{ NULL, NULL, "2030", NULL, NULL, "" },
	{ NULL, NULL, "2023-06-02", "2023-06-01", NULL, "" },
};

/*
 * The filter of a case (since/until parsed in its zone), or -1 when a
 * value is refused.
 */
static int
case_filter(const struct filter_case *c, ecpr_episode_filter *f)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tz *tz = NULL;
	int rc = 0;

	*f = (ecpr_episode_filter)ECPR_EPISODE_FILTER_INIT;
	f->site = c->site;
	f->subject = c->subject;
	if (c->tz != NULL && ecpr_tz_load(&tz, c->tz, &err) != ECPR_OK)
		return -1;
	if ((c->since != NULL &&
	    ecpr_episode_filter_since(f, c->since, tz, &err) != ECPR_OK) ||
	    (c->until != NULL &&
	    ecpr_episode_filter_until(f, c->until, tz, &err) != ECPR_OK))
		rc = -1;
	ecpr_tz_free(tz);
	return rc;
}

/* "site/subject/episode ..." of what the stream gives; NULL on error. */
static char *
drain(ecpr_episodes *es)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep;
	char *s = calloc(1, 4096);
	size_t n = 0;

	if (s == NULL)
		return NULL;
	for (;;) {
		if (ecpr_episodes_next(es, &ep, &err) != ECPR_OK) {
			fprintf(stderr, "\nnext: %s\n", err.message);
			free(s);
			return NULL;
		}
		if (ep == NULL)
			return s;
		n += (size_t)snprintf(s + n, 4096 - n, "%s%s/%s/%ld",
		    n > 0 ? " " : "", ecpr_episode_site(ep),
		    ecpr_episode_subject(ep), ecpr_episode_number(ep));
		ecpr_episode_free(ep);
	}
}

#endif
