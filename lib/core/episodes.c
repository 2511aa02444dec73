/*
 * episodes.c - a stream of episodes from case-record files or a backend
 * (the registry), with the site/subject/since/until filter every tool
 * offers.  libc only: the registry's backend lives in db.c.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ecpr_episodes {
	const ecpr_episodes_ops *ops; /* NULL: the files below */
	void *ctx;
	ecpr_source *src;        /* the files (ops NULL) */
	int started;             /* ecpr_episodes_next was called */
	ecpr_episode_filter filter; /* site and subject point into keys */
	char *keys;              /* the copied site and subject */
};

/*
 * Set since (the start of text's value) or, until != 0, until (its end).
 * The error is ecpr_time_parse()'s; f is unchanged then.
 */
static int
filter_bound(ecpr_episode_filter *f, int until, const char *text,
    const ecpr_tz *tz, ecpr_error *err)
{
	ecpr_time tm;
	int rc;

	if (f == NULL || text == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    f == NULL ? "no filter" : "no time value");
	if ((rc = ecpr_time_parse(&tm, text, tz, err)) != ECPR_OK)
		return rc;
	if (until) {
		f->has_until = 1;
		f->until = tm.end;
	} else {
		f->has_since = 1;
		f->since = tm.t;
	}
	return ECPR_OK;
}

int
ecpr_episode_filter_since(ecpr_episode_filter *f, const char *text,
    const ecpr_tz *tz, ecpr_error *err)
{
	return filter_bound(f, 0, text, tz, err);
}

int
ecpr_episode_filter_until(ecpr_episode_filter *f, const char *text,
    const ecpr_tz *tz, ecpr_error *err)
{
	return filter_bound(f, 1, text, tz, err);
}

/*
 * Where the episode starts: its earliest ca_onset, else its earliest
 * event (as the registry's read query takes it).  0 when it has none.
 */
static int
episode_start(const ecpr_episode *ep, int64_t *start)
{
	const ecpr_event *ev;
	size_t i, n = ecpr_episode_event_count(ep);
	int found = 0, onset = 0;

	for (i = 0; i < n; i++) {
		ev = ecpr_episode_event(ep, i);
		if (onset && ev->type != ECPR_EV_CA_ONSET)
			continue;
		if (!onset && ev->type == ECPR_EV_CA_ONSET) {
			onset = 1;
			found = 0;
		}
		if (!found || ev->time.t < *start)
			*start = ev->time.t;
		found = 1;
	}
	return found;
}

int
ecpr_episode_filter_match(const ecpr_episode_filter *f,
    const ecpr_episode *ep)
{
	int64_t start = 0;

	if (f == NULL)
		return 1;
	if (f->site != NULL && strcmp(f->site, ecpr_episode_site(ep)) != 0)
		return 0;
	if (f->subject != NULL &&
	    strcmp(f->subject, ecpr_episode_subject(ep)) != 0)
		return 0;
	if (!f->has_since && !f->has_until)
		return 1;
	if (!episode_start(ep, &start))
		return 0;
	return (!f->has_since || start >= f->since) &&
	    (!f->has_until || start < f->until);
}

/* Keep a copy of filter (its strings in one block). */
static int
filter_copy(ecpr_episodes *es, const ecpr_episode_filter *f,
    ecpr_error *err)
{
	size_t ls, lu;

	if (f == NULL)
		return ECPR_OK;
	es->filter = *f;
	ls = f->site != NULL ? strlen(f->site) + 1 : 0;
	lu = f->subject != NULL ? strlen(f->subject) + 1 : 0;
	if (ls + lu == 0)
		return ECPR_OK;
	if ((es->keys = malloc(ls + lu)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (ls > 0) {
		memcpy(es->keys, f->site, ls);
		es->filter.site = es->keys;
	}
	if (lu > 0) {
		memcpy(es->keys + ls, f->subject, lu);
		es->filter.subject = es->keys + ls;
	}
	return ECPR_OK;
}

int
ecpr_episodes_new(ecpr_episodes **out, const ecpr_episodes_ops *ops,
    void *ctx, ecpr_error *err)
{
	ecpr_episodes *es;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the stream");
	*out = NULL;
	if (ops == NULL || ops->next == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "an episode stream needs a next function");
	if ((es = calloc(1, sizeof(*es))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	es->ops = ops;
	es->ctx = ctx;
	*out = es;
	return ECPR_OK;
}

int
ecpr_episodes_open_files(ecpr_episodes **out, const ecpr_read_opts *opts,
    const ecpr_episode_filter *filter, ecpr_error *err)
{
	ecpr_episodes *es;
	int rc;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the stream");
	*out = NULL;
	if ((es = calloc(1, sizeof(*es))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if ((rc = filter_copy(es, filter, err)) != ECPR_OK ||
	    (rc = ecpr_source_new(&es->src, opts, err)) != ECPR_OK) {
		ecpr_episodes_free(es);
		return rc;
	}
	*out = es;
	return ECPR_OK;
}

int
ecpr_episodes_add_file(ecpr_episodes *es, const char *path,
    ecpr_error *err)
{
	if (es == NULL || es->src == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "not a stream of files");
	if (es->started)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "files are added before reading begins");
	return ecpr_source_add_file(es->src, path, err);
}

int
ecpr_episodes_next(ecpr_episodes *es, ecpr_episode **out, ecpr_error *err)
{
	ecpr_episode *ep;
	int rc;

	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no place for the episode");
	*out = NULL;
	if (es == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no episode stream");
	es->started = 1;
	if (es->ops != NULL)
		return es->ops->next(es->ctx, out, err);
	for (;;) {
		ep = NULL;
		rc = ecpr_source_next(es->src, &ep, err);
		if (rc != ECPR_OK || ep == NULL ||
		    ecpr_episode_filter_match(&es->filter, ep)) {
			*out = ep;
			return rc;
		}
		ecpr_episode_free(ep);
	}
}

size_t
ecpr_episodes_error_count(const ecpr_episodes *es)
{
	if (es == NULL)
		return 0;
	if (es->ops == NULL)
		return ecpr_source_error_count(es->src);
	return es->ops->error_count != NULL ? es->ops->error_count(es->ctx) :
	    0;
}

void
ecpr_episodes_free(ecpr_episodes *es)
{
	if (es == NULL)
		return;
	if (es->ops != NULL && es->ops->free != NULL)
		es->ops->free(es->ctx);
	ecpr_source_free(es->src);
	free(es->keys);
	free(es);
}
