/*
 * test_defs_sql.c - the SQL of the registry (the migrations sql/NNN_x.sql,
 * compiled into the registry library) against the one table of each
 * definition (lib/core/defs.c): the CHECK lists of events, codes,
 * observations, complication codes and attributions, and the
 * episode_intervals view's
 * start, stop and fallback events and units.  A change to one side
 * without the other fails here; the tests below show that it can fail.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

#define MSG_MAX 4096

/* Mismatches found, one per line. */
struct report {
	char text[MSG_MAX];
	size_t n;
	int count;
};

static void report(struct report *r, const char *fmt, ...)
    ECPR__PRINTF(2, 3);

static void
report(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(r->text + r->n, sizeof(r->text) - r->n, fmt, ap);
	va_end(ap);
	if (w > 0 && (size_t)w < sizeof(r->text) - r->n)
		r->n += (size_t)w;
	r->count++;
}

/* SQL with comments dropped and white space collapsed to one blank, none
 * after "(" or before ")"; the caller frees it. */
static char *
normalize(const char *sql)
{
	char *out = malloc(strlen(sql) + 1), *o = out;
	const char *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (p = sql; *p != '\0'; p++) {
		if (p[0] == '-' && p[1] == '-') {
			while (p[1] != '\0' && p[1] != '\n')
				p++;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (o > out && o[-1] != ' ' && o[-1] != '(')
				*o++ = ' ';
			continue;
		}
		if (*p == ')' && o > out && o[-1] == ' ')
			o--;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The last occurrence of needle in hay, or NULL. */
static const char *
last_of(const char *hay, const char *needle)
{
	const char *p, *last = NULL;

	for (p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		last = p;
	return last;
}

/*
 * The quoted list after "<column> IN (" in the latest CHECK of the
 * column, as "'a', 'b'" (into buf); 0 when there is none.
 */
static int
check_list(const char *sql, const char *column, char *buf, size_t len)
{
	char needle[128];
	const char *p, *e;

	snprintf(needle, sizeof(needle), "CHECK (%s IN (", column);
	if ((p = last_of(sql, needle)) == NULL)
		return 0;
	p += strlen(needle);
	if ((e = strchr(p, ')')) == NULL || (size_t)(e - p) >= len)
		return 0;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return 1;
}

/* "'a', 'b'" from a NULL-terminated list. */
static void
quoted(const char *const *v, size_t n, char *buf, size_t len)
{
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < n && k < len; i++)
		k += (size_t)snprintf(buf + k, len - k, "%s'%s'", i ? ", " : "",
		    v[i]);
}

static void
check_events(const char *sql, struct report *r)
{
	const char *names[ECPR_EV_COUNT];
	char want[1024], got[1024];
	size_t i;

	for (i = 0; i < ECPR_EV_COUNT; i++)
		names[i] = ecpr__events[i].name;
	quoted(names, ECPR_EV_COUNT, want, sizeof(want));
	if (!check_list(sql, "type", got, sizeof(got)))
		report(r, "event.type: no CHECK (type IN (...))\n");
	else if (strcmp(got, want) != 0)
		report(r, "event.type: CHECK lists %s, the events are %s\n",
		    got, want);
}

/* One column's CHECK list against names(0..n-1) of the core. */
static void
check_names(const char *sql, const char *column, const char *what,
    const char *(*name)(int), size_t n, struct report *r)
{
	const char *names[64];
	char want[2048], got[2048];
	size_t i;

	for (i = 0; i < n && i < sizeof(names) / sizeof(names[0]); i++)
		names[i] = name((int)i);
	quoted(names, i, want, sizeof(want));
	if (!check_list(sql, column, got, sizeof(got)))
		report(r, "%s: no CHECK (%s IN (...))\n", column, column);
	else if (strcmp(got, want) != 0)
		report(r, "%s: CHECK lists %s, the %s are %s\n", column, got,
		    what, want);
}

static const char *
obs_name(int i)
{
	return ecpr_obs_name((ecpr_obs_type)i);
}

static const char *
by_name(int i)
{
	return ecpr_attribution_name((ecpr_attribution)i);
}

/* Observations, complication codes and attributions (issue 10). */
static void
check_items(const char *sql, struct report *r)
{
	check_names(sql, "observation", "observations", obs_name,
	    ecpr_obs_count(), r);
	check_names(sql, "complication", "complication codes",
	    ecpr_complication_name, ecpr_complication_count(), r);
	check_names(sql, "attribution", "attributions", by_name,
	    ECPR_BY_COUNT, r);
}

static void
check_codes(const char *sql, struct report *r)
{
	char want[1024], got[1024], between[128];
	size_t i, n;

	for (i = 0; i < ECPR__NCODELISTS; i++) {
		const char *name = ecpr_attr_name(ecpr__codelists[i].attr);
		const char *const *c = ecpr__codelists[i].codes;

		for (n = 0; c[n] != NULL; n++)
			;
		quoted(c, n, want, sizeof(want));
		if (check_list(sql, name, got, sizeof(got))) {
			if (strcmp(got, want) != 0)
				report(r, "%s: CHECK lists %s, the code list "
				    "is %s\n", name, got, want);
			continue;
		}
		/* an integer list 1..5 is a BETWEEN */
		snprintf(between, sizeof(between), "CHECK (%s BETWEEN %s AND ",
		    name, c[0]);
		snprintf(got, sizeof(got), "%s%s)", between, c[n - 1]);
		if (last_of(sql, got) == NULL)
			report(r, "%s: no CHECK of the code list %s\n", name,
			    want);
	}
}

/* The view's alias of the first occurrence of an event, into buf. */
static int
alias_of(const char *view, const char *event, char *buf, size_t len)
{
	char needle[128];
	const char *p, *a;

	snprintf(needle, sizeof(needle), ".type = '%s' AND ", event);
	for (p = strstr(view, needle); p != NULL;
	     p = strstr(p + 1, needle)) {
		/* "LEFT JOIN event_bounds A ON A.episode_id = e.episode_id
		 *  AND A.type = 'x' AND A.occurrence = 1" */
		for (a = p; a > view && a[-1] != ' '; a--)
			;
		if ((size_t)(p - a) >= len)
			continue;
		memcpy(buf, a, (size_t)(p - a));
		buf[p - a] = '\0';
		{
			char occ[160], join[160];

			snprintf(occ, sizeof(occ), "%s.type = '%s' AND "
			    "%s.occurrence = 1", buf, event, buf);
			snprintf(join, sizeof(join), "LEFT JOIN event_bounds "
			    "%s ON ", buf);
			if (strncmp(a, occ, strlen(occ)) == 0 &&
			    strstr(view, join) != NULL)
				return 1;
		}
	}
	return 0;
}

static const char *
event_of(int type)
{
	return ecpr_event_name((ecpr_event_type)type);
}

/* The expression the view must give interval i (into buf). */
static int
expected(const char *view, int i, char *buf, size_t len)
{
	const struct ecpr__interval_def *d = &ecpr__intervals[i];
	int den = d->unit == ECPR_UNIT_MINUTE ? 60 : 8640;
	char s[32], p[32], f[32];

	switch (d->kind) {
	case ECPR__IV_ATTRIBUTE:
		snprintf(buf, len, "e.%s::text AS %s",
		    ecpr_attr_name((ecpr_attr_id)d->start), d->name);
		return 1;
	case ECPR__IV_SEGMENTS:
		snprintf(buf, len, "(%s.lo_s, %s.hi_s, %d) AS %s",
		    ecpr__segments[d->start].name,
		    ecpr__segments[d->start].name, den, d->name);
		return 1;
	case ECPR__IV_SPAN:
		break;
	}
	if (!alias_of(view, event_of(d->start), s, sizeof(s)) ||
	    !alias_of(view, event_of(d->stop), p, sizeof(p)))
		return 0;
	if (d->stop_else == ECPR__NO_EVENT)
		snprintf(buf, len, "ecpr_interval_text(%s.lo - %s.hi, "
		    "%s.hi - %s.lo, %d) AS %s", p, s, p, s, den, d->name);
	else if (!alias_of(view, event_of(d->stop_else), f, sizeof(f)))
		return 0;
	else
		snprintf(buf, len, "ecpr_interval_text(coalesce(%s.lo, %s.lo) "
		    "- %s.hi, coalesce(%s.hi, %s.hi) - %s.lo, %d) AS %s", p, f,
		    s, p, f, s, den, d->name);
	return 1;
}

/* The segment sums: the lateral join pairs start and stop events. */
static void
check_segments(const char *view, struct report *r)
{
	char want[256];
	int i;

	for (i = 0; i < ECPR_IV_COUNT; i++) {
		const struct ecpr__interval_def *d = &ecpr__intervals[i];
		const struct ecpr__segment_def *sg;

		if (d->kind != ECPR__IV_SEGMENTS)
			continue;
		sg = &ecpr__segments[d->start];
		/* pairs within one site's episode (006) */
		snprintf(want, sizeof(want), "sp.type = '%s' AND sp.occurrence "
		    "= st.occurrence WHERE st.site = e.site AND st.episode_id "
		    "= e.episode_id AND st.type = '%s') %s ON true",
		    event_of((int)sg->stop),
		    event_of((int)sg->start), sg->name);
		if (strstr(view, want) == NULL)
			report(r, "episode_intervals: %s does not sum %s\n",
			    d->name, want);
	}
}

static void
check_view(const char *sql, struct report *r)
{
	const char *view, *at, *prev = NULL;
	char want[512];
	int i;

	view = last_of(sql, "VIEW episode_intervals AS");
	if (view == NULL) {
		report(r, "no view episode_intervals\n");
		return;
	}
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		if (!expected(view, i, want, sizeof(want))) {
			report(r, "episode_intervals: %s: an event of its "
			    "definition has no first-occurrence join\n",
			    ecpr__intervals[i].name);
			continue;
		}
		at = strstr(view, want);
		if (at == NULL)
			report(r, "episode_intervals: no column \"%s\" "
			    "(want \"%s\")\n", ecpr__intervals[i].name, want);
		else if (prev != NULL && at < prev)
			report(r, "episode_intervals: column %s out of "
			    "order\n", ecpr__intervals[i].name);
		else
			prev = at;
	}
	check_segments(view, r);
}

/* Check SQL text; returns the number of mismatches. */
static int
check_sql(const char *text, struct report *r)
{
	char *sql = normalize(text);

	memset(r, 0, sizeof(*r));
	check_events(sql, r);
	check_codes(sql, r);
	check_items(sql, r);
	check_view(sql, r);
	free(sql);
	return r->count;
}

/* All compiled-in migrations in order, as one text. */
static char *
all_migrations(void)
{
	size_t i, n = 1;
	char *s;

	for (i = 0; ecpr__migrations[i].name != NULL; i++)
		n += strlen(ecpr__migrations[i].sql) + 1;
	s = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s[0] = '\0';
	for (i = 0; ecpr__migrations[i].name != NULL; i++) {
		strcat(s, ecpr__migrations[i].sql);
		strcat(s, "\n");
	}
	return s;
}

static void
test_sql_matches_defs(void)
{
	struct report r;
	char *sql = all_migrations();

	CU_ASSERT_EQUAL(check_sql(sql, &r), 0);
	if (r.count != 0)
		fprintf(stderr, "\n%s", r.text);
	free(sql);
}

/* Replace the last `from` in a copy of the migrations by `to` (the last
 * definition is the one that counts: 006 redefines the view). */
static char *
mutate(const char *from, const char *to)
{
	char *sql = all_migrations(), *out, *p, *q;

	p = strstr(sql, from);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while ((q = strstr(p + 1, from)) != NULL)
		p = q;
	out = malloc(strlen(sql) + strlen(to) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	memcpy(out, sql, (size_t)(p - sql));
	strcpy(out + (p - sql), to);
	strcat(out, p + strlen(from));
	free(sql);
	return out;
}

/* A change to the SQL alone is found, naming what differs. */
static void
test_sql_change_fails(void)
{
	static const struct {
		const char *from, *to, *msg;
	} cases[] = {
		/* an event dropped from the CHECK */
		{ "'crrt_stop', 'mv_start', 'mv_stop', 'pci',",
		    "'crrt_stop', 'mv_start', 'mv_stop',",
		    "event.type: CHECK lists" },
		/* a code added to a list */
		{ "'asystole', 'unknown'", "'asystole', 'unknown', 'other'",
		    "initial_rhythm: CHECK lists" },
		{ "cpc_discharge BETWEEN 1 AND 5", "cpc_discharge BETWEEN 1 "
		    "AND 6", "cpc_discharge: no CHECK of the code list" },
		/* conventional CPR without its fallback to rosc */
		{ "coalesce(flow.lo, rosc.lo) - cpr.hi,\n\tcoalesce(flow.hi, "
		    "rosc.hi) - cpr.lo", "flow.lo - cpr.hi, flow.hi - cpr.lo",
		    "no column \"conventional_cpr_min\"" },
		/* ICU days falling back to hospital discharge */
		{ "coalesce(icud.lo, death.lo)", "coalesce(icud.lo, hd.lo)",
		    "no column \"icu_days\"" },
		/* a unit changed */
		{ "estop.hi - flow.lo, 8640)", "estop.hi - flow.lo, 60)",
		    "no column \"ecpr_days\"" },
		/* a join to another occurrence */
		{ "rosc.type = 'rosc' AND rosc.occurrence = 1",
		    "rosc.type = 'rosc' AND rosc.occurrence = 2",
		    "conventional_cpr_min: an event of its definition" },
		/* segments paired from other events */
		{ "sp.type = 'mcc_stop'", "sp.type = 'mv_stop'",
		    "mechanical_cc_min does not sum" },
		/* an observation dropped, codes reordered, one added */
		{ "'ecmo_flow', 'map'", "'ecmo_flow'",
		    "observation: CHECK lists" },
		{ "'stroke', 'seizure'", "'seizure', 'stroke'",
		    "complication: CHECK lists" },
		{ "'ecpr',\n\t\t\t    'other'", "'ecpr', 'other', 'surgeon'",
		    "attribution: CHECK lists" },
	};
	struct report r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *sql = mutate(cases[i].from, cases[i].to);

		CU_ASSERT_TRUE(check_sql(sql, &r) > 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.text, cases[i].msg));
		if (strstr(r.text, cases[i].msg) == NULL)
			fprintf(stderr, "\ncase %zu: %s", i, r.text);
		free(sql);
	}
}

static CU_TestInfo defs_sql_tests[] = {
	{ "sql matches the definitions", test_sql_matches_defs },
	{ "a change to one side fails", test_sql_change_fails },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "defs_sql", NULL, NULL, NULL, NULL, defs_sql_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
