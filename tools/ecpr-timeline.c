/*
 * ecpr-timeline - draw the Fig. 1 style timeline of ECPR episodes
 *
 * Reads case-record files or the registry as one ecpr_episodes stream
 * (one lane per episode, in the order read), lays the chart out
 * and draws it to PDF, SVG or PNG.
 */
#include "config.h"

#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecpr.h"
#include "ecpr_render.h"
#include "progutil.h"

#define USAGE "ecpr-timeline [-o FILE] [--format pdf|svg|png] " \
	"[--size single|double|a4|letter] [--dpi N] [--align A] [--axis A] " \
	"[--style FILE] [--tz ZONE] [--each] [--jobs N] " \
	"[--complications on|off] " \
	"[--observation NAME] [--ranges FILE] [--db CONNINFO] [--site S] " \
	"[--subject S] [--since T] [--until T] [FILE...]"

/* long options without a short form */
enum {
	OPT_COMPLICATIONS = 256,
	OPT_OBSERVATION,
	OPT_RANGES
};

/* What goes into a chart besides the episodes' phases and markers. */
struct chart_opts {
	int obs;                 /* the strip's observation, -1: none */
	const ecpr_ranges *rs;   /* its reference ranges */
};

/* A new timeline with the strip's observation chosen. */
static int
chart_new(ecpr_tl **tl, const struct chart_opts *co, ecpr_error *err)
{
	int rc = ecpr_tl_new(tl, err);

	if (rc == ECPR_OK && co->obs >= 0)
		rc = ecpr_tl_set_observation(*tl, co->obs, co->rs, err);
	return rc;
}

/* --observation NAME: its type, or a usage error listing the names. */
static int
observation_arg(const char *name)
{
	char list[1024];
	size_t i, n = 0;
	int t = ecpr_obs_lookup(name);

	if (t >= 0)
		return t;
	list[0] = '\0';
	for (i = 0; i < ecpr_obs_count() && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? ", " : "", ecpr_obs_name((ecpr_obs_type)i));
	prog_usage_error(USAGE, "unknown observation \"%s\" (one of: %s)",
	    name, list);
	return -1;
}

/*
 * The reader's report of a bad record or of a file it cannot open:
 * printed, and its exit code (65, 66 ...) kept in *(int *)ctx.
 */
static void
on_error(const ecpr_error *err, void *ctx)
{
	int *code = ctx;

	prog_report(err);
	*code = prog_worse(*code, prog_error_exit(err));
}

/*
 * Open the registry's episodes that match src's filter (its conninfo
 * NULL or "": the PG* environment, else the embedded registry), or the
 * files (bad records reported through cb and skipped).  Returns 0 or an exit code
 * (reported).
 */
static int
open_episodes(ecpr_episodes **es, const prog_source *src, char **files,
    int nfiles, const ecpr_tz *tz, ecpr_error_cb cb, void *ctx)
{
	ecpr_read_opts opts = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	int i, rc;

	opts.tz = tz;
	opts.on_error = cb;
	opts.ctx = ctx;
	if (src->use_db)
		rc = ecpr_episodes_open_registry(es, src->conninfo,
		    &src->filter, &err);
	else
		rc = ecpr_episodes_open_files(es, &opts, NULL, &err);
	for (i = 0; !src->use_db && rc == ECPR_OK && i < nfiles; i++)
		rc = ecpr_episodes_add_file(*es, files[i], &err);
	if (rc != ECPR_OK) {
		prog_report(&err);
		ecpr_episodes_free(*es);
		*es = NULL;
		return prog_exit_code(rc);
	}
	return 0;
}

/* the most threads --jobs starts */
#define JOBS_MAX 256

/* --jobs N: 0 to JOBS_MAX, or a usage error. */
static int
jobs_arg(const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || v > JOBS_MAX)
		prog_usage_error(USAGE, "--jobs \"%s\" is not a number from 0 "
		    "to %d", arg, JOBS_MAX);
	return (int)v;
}

/* 1 when s holds exactly one "%s" and no other '%'. */
static int
one_percent_s(const char *s)
{
	const char *p = strchr(s, '%');

	return p != NULL && p[1] == 's' && strchr(p + 2, '%') == NULL;
}

/*
 * --each: one chart per episode.  The main thread reads the episodes in
 * order, names each chart and turns the episode into a one-lane
 * timeline (a slot of a ring); the drawing (layout and render, the
 * time) is done by njobs worker threads, each with its own measurer
 * (pango font map, context and layouts), or with -j 1 by the main
 * thread itself.  The slots are reported and freed in input order, with
 * the reader's reports of the records before each episode, so the
 * messages, their order and the exit status are the serial run's; each
 * file is written through its own temporary file renamed into place.
 */
enum { SLOT_FREE, SLOT_QUEUED, SLOT_TAKEN, SLOT_DONE };

struct slot {
	int state;
	ecpr_tl *tl;            /* the chart to draw, NULL: nothing to draw */
	char path[4096];
	int rc;                 /* ECPR_OK, or err's status */
	ecpr_error err;
	ecpr_error *pre;        /* the reader's reports before this episode */
	size_t npre, apre;
};

struct each {
	pthread_mutex_t mu;
	pthread_cond_t work;    /* a slot queued, or closing */
	pthread_cond_t done;    /* a slot drawn */
	struct slot *ring;
	size_t nring;
	size_t head;            /* slots filled so far */
	size_t take;            /* slots taken by a worker so far */
	size_t tail;            /* slots reported so far */
	int closing;
	const ecpr_tl_opts *opts;
	ecpr_tl_format format;
	double dpi;
	int code;               /* the exit code so far */
	size_t nerr;            /* the reader's reports not yet in a slot */
	ecpr_error *pend;
	size_t npend, apend;
};

/* Draw one chart (a timeline of one lane) to path. */
static int
chart_draw(const ecpr_tl *tl, const char *path, const ecpr_tl_opts *opts,
    ecpr_tl_format format, double dpi, ecpr_tl_measurer *m, ecpr_error *err)
{
	ecpr_tl_layout *lay = NULL;
	int rc;

	rc = ecpr_tl_layout_new(&lay, tl, opts, ecpr_tl_pango_measure, m, err);
	if (rc == ECPR_OK)
		rc = ecpr_tl_render(lay, path, format, dpi, m, err);
	ecpr_tl_layout_free(lay);
	return rc;
}

/* A drawing thread of --each and its measurer. */
struct worker {
	struct each *e;
	ecpr_tl_measurer *m;
	pthread_t th;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct each *e = w->e;
	struct slot *s;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->take == e->head && !e->closing)
			pthread_cond_wait(&e->work, &e->mu);
		if (e->take == e->head)
			break;
		s = &e->ring[e->take++ % e->nring];
		s->state = SLOT_TAKEN;
		pthread_mutex_unlock(&e->mu);
		if (s->tl != NULL)
			s->rc = chart_draw(s->tl, s->path, e->opts, e->format,
			    e->dpi, w->m, &s->err);
		pthread_mutex_lock(&e->mu);
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&e->done);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* Print slot s's reports, count its status and free it (main thread). */
static void
slot_report(struct each *e, struct slot *s)
{
	size_t i;

	for (i = 0; i < s->npre; i++)
		prog_report(&s->pre[i]);
	s->npre = 0;
	if (s->rc != ECPR_OK) {
		prog_report(&s->err);
		e->code = prog_worse(e->code, prog_exit_code(s->rc));
	}
	ecpr_tl_free(s->tl);
	s->tl = NULL;
}

/* Report the slots before number upto, in order, waiting for each. */
static void
each_drain(struct each *e, size_t upto)
{
	struct slot *s;

	pthread_mutex_lock(&e->mu);
	while (e->tail < upto) {
		s = &e->ring[e->tail % e->nring];
		while (s->state != SLOT_DONE)
			pthread_cond_wait(&e->done, &e->mu);
		pthread_mutex_unlock(&e->mu);
		slot_report(e, s);
		pthread_mutex_lock(&e->mu);
		s->state = SLOT_FREE;
		e->tail++;
	}
	pthread_mutex_unlock(&e->mu);
}

/* Report every slot, then the reader's reports that followed them. */
static void
each_drain_all(struct each *e)
{
	size_t i;

	each_drain(e, e->head);
	for (i = 0; i < e->npend; i++)
		prog_report(&e->pend[i]);
	e->npend = 0;
}

/*
 * The reader's report of a bad record or of a file it cannot open: its
 * exit code kept as on_error() keeps it; printed after the charts before
 * it, so kept while any is being drawn (at most PEND_MAX, then those
 * charts are waited for).
 */
#define PEND_MAX 64

static void
each_on_error(const ecpr_error *err, void *ctx)
{
	struct each *e = ctx;
	ecpr_error *p;
	size_t n;

	e->code = prog_worse(e->code, prog_error_exit(err));
	if (e->npend == PEND_MAX)
		each_drain_all(e);
	if (e->tail == e->head) {
		prog_report(err);
		return;
	}
	if (e->npend == e->apend) {
		n = e->apend ? 2 * e->apend : 8;
		if ((p = realloc(e->pend, n * sizeof(*p))) == NULL) {
			each_drain_all(e);
			prog_report(err);
			return;
		}
		e->pend = p;
		e->apend = n;
	}
	e->pend[e->npend++] = *err;
}

/*
 * The next free slot, for a chart written to path: the slots are
 * reported in order until one is free, and until none still drawing
 * writes the same path (two episodes whose names differ only in
 * characters made '_': the later one's chart is the one left, as in a
 * serial run).
 */
static struct slot *
each_slot(struct each *e, const char *path)
{
	size_t i;

	if (e->head - e->tail == e->nring)
		each_drain(e, e->tail + 1);
	for (i = e->head; i-- > e->tail;)
		if (strcmp(e->ring[i % e->nring].path, path) == 0) {
			each_drain(e, i + 1);
			break;
		}
	return &e->ring[e->head % e->nring];
}

/* Queue slot s (filled) for the workers, or with none draw it here. */
static void
each_queue(struct each *e, struct slot *s, ecpr_tl_measurer *m,
    size_t nworkers)
{
	ecpr_error *t = s->pre;
	size_t ta = s->apre;

	/* the reader's reports so far go before this chart's */
	s->pre = e->pend;
	s->npre = e->npend;
	s->apre = e->apend;
	e->pend = t;
	e->npend = 0;
	e->apend = ta;
	if (nworkers == 0) {
		if (s->tl != NULL)
			s->rc = chart_draw(s->tl, s->path, e->opts, e->format,
			    e->dpi, m, &s->err);
		s->state = SLOT_DONE;
		e->head++;
		each_drain(e, e->head);
		return;
	}
	pthread_mutex_lock(&e->mu);
	s->state = SLOT_QUEUED;
	e->head++;
	pthread_cond_signal(&e->work);
	pthread_mutex_unlock(&e->mu);
}

/* SITE_SUBJECT_EPISODE in the pattern's "%s" (not [A-Za-z0-9.-]: '_'). */
static void
chart_path(char *path, size_t len, const char *pattern,
    const ecpr_episode *ep)
{
	const char *pct = strstr(pattern, "%s");
	char name[512];
	size_t i;

	snprintf(name, sizeof(name), "%s_%s_%ld", ecpr_episode_site(ep),
	    ecpr_episode_subject(ep), ecpr_episode_number(ep));
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '.'))
			name[i] = '_';
	snprintf(path, len, "%.*s%s%s", (int)(pct - pattern), pattern, name,
	    pct + 2);
}

/*
 * Start up to njobs - 1 more workers beside w[0] (whose measurer is the
 * caller's), each with a measurer of its own; returns how many run (0:
 * draw in the main thread).
 */
static size_t
each_start(struct each *e, struct worker *w, size_t njobs,
    const ecpr_tl_style *style, ecpr_tl_measurer *m)
{
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n;

	if (njobs < 2)
		return 0;
	for (n = 0; n < njobs; n++) {
		w[n].e = e;
		w[n].m = m;
		if (n > 0 && ecpr_tl_measurer_new(&w[n].m, style, &err) !=
		    ECPR_OK)
			break;
		if (pthread_create(&w[n].th, NULL, worker_main, &w[n]) != 0) {
			if (n > 0)
				ecpr_tl_measurer_free(w[n].m);
			break;
		}
	}
	return n;
}

/* Stop the workers: each ends when no slot is left. */
static void
each_stop(struct each *e, struct worker *w, size_t nworkers)
{
	size_t n;

	pthread_mutex_lock(&e->mu);
	e->closing = 1;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->mu);
	for (n = 0; n < nworkers; n++) {
		pthread_join(w[n].th, NULL);
		if (n > 0)
			ecpr_tl_measurer_free(w[n].m);
	}
}

/*
 * One chart per episode, named from the pattern, drawn by njobs
 * threads (1: in the main thread).
 */
static int
chart_each(ecpr_episodes *es, struct each *e, const char *pattern,
    const struct chart_opts *co, size_t njobs, const ecpr_tl_style *style,
    ecpr_tl_measurer *m)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	struct worker *w;
	struct slot *s;
	char path[sizeof(s->path)];
	size_t n = 0, nworkers, i;
	int rc;

	if ((w = calloc(njobs, sizeof(*w))) == NULL ||
	    (e->ring = calloc(njobs * 4, sizeof(*e->ring))) == NULL) {
		free(w);
		prog_error("out of memory");
		return EX_OSERR;
	}
	e->nring = njobs * 4;
	nworkers = each_start(e, w, njobs, style, m);
	for (;;) {
		rc = ecpr_episodes_next(es, &ep, &err);
		if (rc != ECPR_OK) {
			each_drain_all(e);
			prog_report(&err);
			e->code = prog_worse(e->code, prog_exit_code(rc));
			break;
		}
		if (ep == NULL)
			break;
		n++;
		chart_path(path, sizeof(path), pattern, ep);
		s = each_slot(e, path);
		memcpy(s->path, path, sizeof(path));
		s->rc = chart_new(&s->tl, co, &s->err);
		if (s->rc == ECPR_OK)
			s->rc = ecpr_tl_add_episode(s->tl, ep, &s->err);
		if (s->rc != ECPR_OK) {
			ecpr_tl_free(s->tl);
			s->tl = NULL;
		}
		ecpr_episode_free(ep);
		each_queue(e, s, m, nworkers);
	}
	each_drain_all(e);
	each_stop(e, w, nworkers);
	for (i = 0; i < e->nring; i++)
		free(e->ring[i].pre);
	free(e->ring);
	e->ring = NULL;
	free(w);
	if (e->code == 0 && ecpr_episodes_error_count(es) > 0)
		e->code = EX_DATAERR;
	if (e->code == 0 && n == 0) {
		prog_error("no episodes to draw");
		e->code = EX_DATAERR;
	}
	return e->code;
}

static void
help(void)
{
	printf("usage: %s\n\n"
	    "Draw one timeline chart (one lane per episode) from case-record "
	    "files\nor the registry.\n\n"
	    "  -o, --output FILE    write the chart here (default "
	    "timeline.pdf)\n"
	    "  -f, --format FMT     pdf, svg or png (default: from the file "
	    "name)\n"
	    "  -s, --size SIZE      single (85 mm), double (175 mm, default), "
	    "a4, letter\n"
	    "  -d, --dpi N          PNG resolution (default 300)\n"
	    "  -a, --align A        ca_onset (default), ecmo_flow_start, "
	    "calendar\n"
	    "  -x, --axis A         segmented (default), linear, log\n"
	    "  -S, --style FILE     style file (ecpr-timeline-style(5))\n"
	    "  -z, --tz ZONE        site time zone for local times "
	    "($ECPR_TZ)\n"
	    "  -e, --each           one chart per episode: %%s in -o is "
	    "SITE_SUBJECT_EPISODE\n"
	    "  -j, --jobs N         draw --each's charts with N threads "
	    "(default 0:\n"
	    "                       one per online CPU)\n"
	    "      --complications on|off\n"
	    "                       draw complications as markers "
	    "(default on)\n"
	    "      --observation NAME\n"
	    "                       a strip of this observation under each "
	    "lane\n"
	    "                       (lactate, map, ecmo_flow, ...: "
	    "ecpr(7))\n"
	    "      --ranges FILE    reference ranges of the strip "
	    "(ecpr-ranges(5))\n"
	    "      --db CONNINFO    read the registry instead of files (\"\": "
	    "the PG*\n"
	    "                       environment, else the embedded registry)\n"
	    "      --site S, --subject S, --since T, --until T\n"
	    "                       draw only these episodes of the registry\n"
	    "  -h, --help           show this help\n"
	    "  -V, --version        show the version\n\n"
	    "With no FILE, read the registry (as --db \"\"); FILE - is standard "
	    "input.\n"
	    "Exit status: 0 ok, 64 usage, 65 data error, 66 cannot open "
	    "input,\n69 registry unavailable, 73/74 cannot write output.\n",
	    USAGE);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "dpi", required_argument, NULL, 'd' },
		{ "align", required_argument, NULL, 'a' },
		{ "axis", required_argument, NULL, 'x' },
		{ "style", required_argument, NULL, 'S' },
		{ "tz", required_argument, NULL, 'z' },
		{ "each", no_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		PROG_SOURCE_LONGOPTS,
		{ "complications", required_argument, NULL,
		    OPT_COMPLICATIONS },
		{ "observation", required_argument, NULL, OPT_OBSERVATION },
		{ "ranges", required_argument, NULL, OPT_RANGES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	ecpr_tl_opts opts = ECPR_TL_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_tl_style *style = NULL;
	ecpr_episodes *es = NULL;
	prog_source src = PROG_SOURCE_INIT;
	const char *comps = NULL, *rangesfile = NULL;
	struct chart_opts co = { -1, NULL };
	ecpr_ranges *rs = NULL;
	ecpr_tl *tl = NULL;
	ecpr_tl_layout *lay = NULL;
	ecpr_tl_measurer *m = NULL;
	ecpr_episode *ep = NULL;
	ecpr_tz *tz = NULL;
	const char *out = "timeline.pdf", *tzname = NULL, *stylefile = NULL;
	int ch, v, format = -1, code = 0, rc, each = 0, jobs = 0, rcode = 0;
	long ncpu;
	struct each e;
	double dpi = 300;

	prog_init(argv[0]);
	while ((ch = getopt_long(argc, argv, ":o:f:s:d:a:x:S:z:ej:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((format = ecpr_tl_format_lookup(optarg)) < 0 ||
			    strchr(optarg, '.') != NULL)
				prog_usage_error(USAGE, "unknown format \"%s\"",
				    optarg);
			break;
		case 's':
			if ((v = ecpr_tl_size_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown size \"%s\"",
				    optarg);
			opts.size = (ecpr_tl_size)v;
			break;
		case 'd':
			dpi = prog_dpi_arg(USAGE, optarg);
			break;
		case 'a':
			if ((v = ecpr_tl_align_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown alignment "
				    "\"%s\"", optarg);
			opts.align = (ecpr_tl_align)v;
			break;
		case 'x':
			if ((v = ecpr_tl_axis_lookup(optarg)) < 0)
				prog_usage_error(USAGE, "unknown axis \"%s\"",
				    optarg);
			opts.axis = (ecpr_tl_axis)v;
			break;
		case 'S':
			stylefile = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'e':
			each = 1;
			break;
		case 'j':
			jobs = jobs_arg(optarg);
			break;
		case OPT_COMPLICATIONS:
			if (strcmp(optarg, "on") != 0 &&
			    strcmp(optarg, "off") != 0)
				prog_usage_error(USAGE, "--complications \"%s\" "
				    "is not on or off", optarg);
			comps = optarg;
			break;
		case OPT_OBSERVATION:
			co.obs = observation_arg(optarg);
			break;
		case OPT_RANGES:
			rangesfile = optarg;
			break;
		case 'h':
			help();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		default:
			if (!prog_source_option(&src, ch, optarg))
				prog_getopt_error(USAGE, argv, ch);
		}
	}
	prog_source_check(&src, USAGE, argc - optind);
	if (each && !one_percent_s(out))
		prog_usage_error(USAGE, "--each needs one \"%%s\" in the "
		    "output name, not \"%s\"", out);
	if (format < 0 && (format = ecpr_tl_format_lookup(out)) < 0)
		prog_usage_error(USAGE, "cannot tell the format of \"%s\": "
		    "use --format", out);
	if (rangesfile != NULL && co.obs < 0)
		prog_usage_error(USAGE, "--ranges needs --observation");
	/* --complications overrides the style file's show_complications */
	if ((rc = ecpr_tl_style_new(&style, &err)) != ECPR_OK ||
	    (stylefile != NULL &&
	    (rc = ecpr_tl_style_load(style, stylefile, &err)) != ECPR_OK) ||
	    (comps != NULL && (rc = ecpr_tl_style_set(style,
	    "show_complications", strcmp(comps, "on") == 0 ? "yes" : "no",
	    &err)) != ECPR_OK) ||
	    (rangesfile != NULL && ((rc = ecpr_ranges_new(&rs, &err)) !=
	    ECPR_OK || (rc = ecpr_ranges_load(rs, rangesfile, &err)) !=
	    ECPR_OK))) {
		prog_report(&err);
		ecpr_tl_style_free(style);
		ecpr_ranges_free(rs);
		return prog_exit_code(rc);
	}
	co.rs = rs;
	opts.style = style;
	opts.paged = format == ECPR_TL_PDF;
	code = prog_load_tz(tzname, &tz);
	if (code != 0) {
		ecpr_tl_style_free(style);
		ecpr_ranges_free(rs);
		return code;
	}
	prog_filter_times(USAGE, &src.filter, src.since, src.until, tz);
	memset(&e, 0, sizeof(e));
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.work, NULL);
	pthread_cond_init(&e.done, NULL);
	e.opts = &opts;
	e.format = (ecpr_tl_format)format;
	e.dpi = dpi;
	code = open_episodes(&es, &src, argv + optind, argc - optind, tz,
	    each ? each_on_error : on_error, each ? (void *)&e :
	    (void *)&rcode);
	if (code != 0)
		goto out;
	if ((rc = ecpr_tl_measurer_new(&m, style, &err)) != ECPR_OK)
		goto fail;
	if (each) {
#ifdef M_TRIM_THRESHOLD
		/*
		 * Chart after chart, cairo and zlib take and free a few
		 * hundred KiB for each PDF stream: keep that memory in the
		 * process rather than give the heap's top back to the kernel
		 * (brk) or map and unmap it, and fault it in zeroed, for
		 * every stream.
		 */
		mallopt(M_MMAP_THRESHOLD, 8 << 20);
		mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
		if (jobs == 0) {
			ncpu = sysconf(_SC_NPROCESSORS_ONLN);
			jobs = ncpu < 1 ? 1 : ncpu > JOBS_MAX ? JOBS_MAX :
			    (int)ncpu;
		}
		/*
		 * cairo names an SVG's groups by a counter of the process
		 * ("surface99"), which threads would advance in any order:
		 * SVG charts are drawn in order, by one thread
		 */
		if (format == ECPR_TL_SVG)
			jobs = 1;
		code = chart_each(es, &e, out, &co, (size_t)jobs, style, m);
		goto out;
	}
	if ((rc = chart_new(&tl, &co, &err)) != ECPR_OK)
		goto fail;
	for (;;) {
		rc = ecpr_episodes_next(es, &ep, &err);
		if (rc != ECPR_OK) {
			prog_report(&err);
			code = prog_worse(code, prog_exit_code(rc));
			break;
		}
		if (ep == NULL)
			break;
		rc = ecpr_tl_add_episode(tl, ep, &err);
		ecpr_episode_free(ep);
		if (rc != ECPR_OK)
			goto fail;
	}
	code = prog_worse(code, rcode);
	if (code == 0 && ecpr_episodes_error_count(es) > 0)
		code = EX_DATAERR;
	if (code == 0 && ecpr_tl_lane_count(tl) == 0) {
		prog_error("no episodes to draw");
		code = EX_DATAERR;
	}
	if (code != 0)
		goto out;
	if ((rc = ecpr_tl_layout_new(&lay, tl, &opts, ecpr_tl_pango_measure,
	    m, &err)) != ECPR_OK ||
	    (rc = ecpr_tl_render(lay, out, (ecpr_tl_format)format, dpi, m,
	    &err)) != ECPR_OK)
		goto fail;
	goto out;
fail:
	prog_report(&err);
	code = prog_worse(code, prog_exit_code(rc));
out:
	ecpr_tl_layout_free(lay);
	ecpr_tl_measurer_free(m);
	ecpr_tl_style_free(style);
	ecpr_tl_free(tl);
	ecpr_ranges_free(rs);
	ecpr_episodes_free(es);
	ecpr_tz_free(tz);
	free(e.pend);
	pthread_cond_destroy(&e.done);
	pthread_cond_destroy(&e.work);
	pthread_mutex_destroy(&e.mu);
	return prog_finish(code);
}
