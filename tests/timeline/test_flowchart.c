/*
 * test_flowchart.c - the flowchart model and its geometry, computed
 * without cairo.
 *
 * The measurer gives every byte 4 pt whatever the size.  The page is a
 * double column, 175 mm = 496.0630 pt wide; the default style has
 * margins of 12, fonts of 7 pt (a line pitch of 8.75) and captions of
 * 6.5 pt (a pitch of 8.45).  Expected numbers are derived in the
 * comments from the layout rules (flowchart.c).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "ecpr_timeline.h"
#include "tl_internal.h"

#define EPS 1e-3
#define W (175 / 25.4 * 72)     /* 496.0630 */
#define CW (W - 24)             /* inside the margins: 472.0630 */
#define MW (CW * 0.46)          /* the main column: 217.1490 */
#define MX (12 + MW / 2)        /* its centre: 120.5745 */
#define SX (12 + MW + CW * 0.08) /* the exclusions: 266.9140 */
#define PITCH 8.75

static double
m4(const char *text, double size, void *ctx)
{
	(void)size;
	(void)ctx;
	return 4.0 * (double)strlen(text);
}

/*
 * 100 episodes: age <= 75 excludes 12 (3 survived, 2 CPC 1-2) and can't
 * judge 8; the pupils exclude 20 and judge all; 40 eligible.
 */
static ecpr_fc *
cohort(void)
{
	ecpr_fc *fc = NULL;
	ecpr_fc_step a = { 100, 80, 12, 8, 3, 2 }, b = { 80, 40, 40, 0, 5, 4 };
	ecpr_fc_outcome o = { 40, 20, 18, 2, 15, 21, 4 };

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new(&fc, "T", 100, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_add_step(fc, "Age <= 75", &a, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_add_step(fc, "Pupils react", &b, NULL),
	    ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_set_outcome(fc, &o, NULL), ECPR_OK);
	return fc;
}

static ecpr_fc_layout *
lay_out(const ecpr_fc *fc, ecpr_fc_kind kind)
{
	ecpr_fc_opts o = ECPR_FC_OPTS_INIT;
	ecpr_fc_layout *lay = NULL;

	o.kind = kind;
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_layout_new(&lay, fc, &o, m4, NULL,
	    NULL), ECPR_OK);
	return lay;
}

/* The index of the text s, or -1. */
static long
text_at(const ecpr_fc_layout *lay, const char *s)
{
	size_t i;

	for (i = 0; i < lay->ntexts; i++)
		if (strcmp(lay->texts[i].s, s) == 0)
			return (long)i;
	return -1;
}

static size_t
texts_with(const ecpr_fc_layout *lay, const char *part)
{
	size_t i, n = 0;

	for (i = 0; i < lay->ntexts; i++)
		if (strstr(lay->texts[i].s, part) != NULL)
			n++;
	return n;
}

static size_t
boxes_of(const ecpr_fc_layout *lay, ecpr_fc_box_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < lay->nboxes; i++)
		n += lay->boxes[i].kind == kind;
	return n;
}

static void
test_kind_lookup(void)
{
	CU_ASSERT_EQUAL(ecpr_fc_kind_lookup("consort"), ECPR_FC_CONSORT);
	CU_ASSERT_EQUAL(ecpr_fc_kind_lookup("protocol"), ECPR_FC_PROTOCOL);
	CU_ASSERT_EQUAL(ecpr_fc_kind_lookup("tree"), -1);
	CU_ASSERT_EQUAL(ecpr_fc_kind_lookup(NULL), -1);
	ecpr_fc_free(NULL);
	ecpr_fc_layout_free(NULL);
}

/* Numbers that do not add up are refused, naming them; nothing added. */
static void
test_counts_checked(void)
{
	ecpr_fc *fc = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_fc_step s = { 10, 5, 3, 1, 0, 0 };
	ecpr_fc_outcome o = { 6, 3, 2, 1, 2, 2, 1 };

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new(&fc, NULL, 10, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "A", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step \"A\": in 10 is not passed "
	    "5 + failed 3 + unknown 1");
	s.in = 9;
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "A", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step \"A\": in 9 is not the 10 "
	    "episodes assessed");
	s.in = 10;
	s.passed = 6;
	s.failed_survived = 4;
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "A", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step \"A\": more outcomes of the "
	    "failed (survived 4, favourable 0) than failed 3");
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step 1: no label");
	CU_ASSERT_EQUAL(ecpr_fc_step_count(fc), 0);
	s.failed_survived = 3;
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "A", &s, &err), ECPR_OK);
	s.in = 5;
	s.passed = 1;
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "B", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step \"B\": in 5 is not the 6 "
	    "that passed the step before");
	/* outcomes: of those that passed the last step, adding up */
	o.n = 5;
	CU_ASSERT_EQUAL(ecpr_fc_set_outcome(fc, &o, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "outcomes do not add up to the 5 "
	    "eligible (survived 3, died 2, unknown 1; CPC 1-2 2, 3-5 2, "
	    "unknown 1)");
	o.n = 6;
	o.cpc_unknown = 2;
	CU_ASSERT_EQUAL(ecpr_fc_set_outcome(fc, &o, &err), ECPR_OK);
	o.n = 7;
	o.died = 3;
	o.unfavourable = 3;
	CU_ASSERT_EQUAL(ecpr_fc_set_outcome(fc, &o, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "outcomes of 7 eligible, but 6 "
	    "passed every step");
	/* no step after the outcomes */
	s.in = 6;
	s.passed = 6;
	s.failed = 0;
	s.unknown = 0;
	s.failed_survived = 0;
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "C", &s, &err), ECPR_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "step \"C\": added after the "
	    "outcomes");
	CU_ASSERT_EQUAL(ecpr_fc_step_count(fc), 1);
	ecpr_fc_free(fc);
}

/*
 * CONSORT: the boxes of those going on in the left column, the excluded
 * and the unknown right of it, every number where it belongs.
 */
static void
test_consort_geometry(void)
{
	ecpr_fc *fc = cohort();
	ecpr_fc_layout *lay = lay_out(fc, ECPR_FC_CONSORT);
	const ecpr_fc_box_geom *b = lay->boxes;
	long t;

	CU_ASSERT_DOUBLE_EQUAL(ecpr_fc_layout_width(lay), W, EPS);
	/* start, excluded, unknown, met, excluded (none unknown), eligible */
	CU_ASSERT_EQUAL_FATAL(lay->nboxes, 6);
	CU_ASSERT_EQUAL(b[0].kind, ECPR_FC_BOX_START);
	CU_ASSERT_EQUAL(b[1].kind, ECPR_FC_BOX_FAILED);
	CU_ASSERT_EQUAL(b[1].step, 0);
	CU_ASSERT_EQUAL(b[2].kind, ECPR_FC_BOX_UNKNOWN);
	CU_ASSERT_EQUAL(b[3].kind, ECPR_FC_BOX_PASSED);
	CU_ASSERT_EQUAL(b[4].kind, ECPR_FC_BOX_FAILED);
	CU_ASSERT_EQUAL(b[4].step, 1);
	CU_ASSERT_EQUAL(b[5].kind, ECPR_FC_BOX_ELIGIBLE);
	/* the title: 12 + 8.75 + a gap of 8 */
	t = text_at(lay, "T");
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].y, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].x, W / 2, EPS);
	CU_ASSERT_EQUAL(lay->texts[t].bold, 1);
	/* the start: two lines, 2 * 4 + 2 * 8.75 = 25.5 high */
	CU_ASSERT_DOUBLE_EQUAL(b[0].x, 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[0].y, 28.75, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[0].w, MW, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[0].h, 25.5, EPS);
	t = text_at(lay, "Episodes assessed");
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].x, MX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].y, 32.75, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t + 1].y, 32.75 + PITCH, EPS);
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 1].s, "n = 100");
	/* excluded: 8 under the start (54.25), three lines: 34.25 high */
	CU_ASSERT_DOUBLE_EQUAL(b[1].x, SX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[1].y, 62.25, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[1].w, 12 + CW - SX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[1].h, 34.25, EPS);
	t = text_at(lay, "Excluded: n = 12");
	CU_ASSERT_FATAL(t >= 0);
	CU_ASSERT_EQUAL(lay->texts[t].align, 0);
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].x, SX + 5, EPS);
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 1].s, "Not met: Age <= 75");
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 2].s,
	    "Survived to discharge 3, CPC 1–2 2");
	/* unknown: 6 under it, two lines */
	CU_ASSERT_DOUBLE_EQUAL(b[2].y, 62.25 + 34.25 + 6, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[2].h, 25.5, EPS);
	CU_ASSERT(text_at(lay, "Unknown: n = 8") >= 0);
	CU_ASSERT(text_at(lay, "Not known: Age <= 75") >= 0);
	/* those going on: 12 under the unknown (128) */
	CU_ASSERT_DOUBLE_EQUAL(b[3].y, 140, EPS);
	t = text_at(lay, "Met: Age <= 75");
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 1].s, "n = 80");
	/* arrows: down from the start to the met box, right at the middle
	 * of each side box, from the column's line */
	CU_ASSERT_EQUAL_FATAL(lay->narrows, 5);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[0].x0, MX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[0].y0, 62.25 + 17.125, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[0].x1, SX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[0].y1, 62.25 + 17.125, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[1].y1, 102.5 + 12.75, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[2].x0, MX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[2].y0, 54.25, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[2].x1, MX, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[2].y1, 140, EPS);
	/* step 2: excluded at 165.5 + 8; the eligible 12 under it */
	CU_ASSERT_DOUBLE_EQUAL(b[4].y, 173.5, EPS);
	CU_ASSERT(text_at(lay, "Excluded: n = 40") >= 0);
	CU_ASSERT(text_at(lay, "Survived to discharge 5, CPC 1–2 4") >= 0);
	CU_ASSERT_DOUBLE_EQUAL(b[5].y, 173.5 + 34.25 + 12, EPS);
	CU_ASSERT_DOUBLE_EQUAL(b[5].h, 8 + 6 * PITCH, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[4].y0, 165.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(lay->arrows[4].y1, b[5].y, EPS);
	t = text_at(lay, "Eligible: every criterion met");
	CU_ASSERT_FATAL(t >= 0);
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 1].s, "n = 40");
	/* 20 of the 38 known survived, 15 of 36 known CPC 1-2, with their
	 * Wilson intervals (z = 1.959964; computed apart, in Python) */
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 2].s,
	    "Survived to discharge: 20/38 (52.6 %, 95 % CI");
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 3].s, "37.3–67.5), unknown 2");
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 4].s,
	    "CPC 1–2 at discharge: 15/36 (41.7 %, 95 % CI");
	CU_ASSERT_STRING_EQUAL(lay->texts[t + 5].s, "27.1–57.8), unknown 4");
	/* no "Yes" or "No" */
	CU_ASSERT_EQUAL(text_at(lay, "Yes"), -1);
	CU_ASSERT_EQUAL(text_at(lay, "No"), -1);
	ecpr_fc_layout_free(lay);
	ecpr_fc_free(fc);
}

/*
 * Counts from 10,000 up are grouped as in the tables; an outcome none
 * of whose values is known says so; a chart without steps is the start
 * and the eligible; a long label wraps inside its box.
 */
static void
test_consort_text(void)
{
	ecpr_fc *fc = NULL;
	ecpr_fc_layout *lay;
	ecpr_fc_step s = { 123456, 100000, 23455, 1, 0, 0 };
	ecpr_fc_outcome o = { 100000, 0, 0, 100000, 7, 3, 99990 };
	const char *lab = "Time from cardiac arrest to ECMO flow known to be "
	    "sixty minutes or less";
	size_t i;

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new(&fc, NULL, 123456, NULL), ECPR_OK);
	lay = lay_out(fc, ECPR_FC_CONSORT);
	CU_ASSERT_EQUAL(lay->nboxes, 2);
	CU_ASSERT_EQUAL(lay->boxes[1].kind, ECPR_FC_BOX_ELIGIBLE);
	CU_ASSERT(text_at(lay, "n = 123,456") >= 0);
	CU_ASSERT_EQUAL(lay->narrows, 1);
	/* no title: the start at the margin */
	CU_ASSERT_DOUBLE_EQUAL(lay->boxes[0].y, 12, EPS);
	ecpr_fc_layout_free(lay);
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, lab, &s, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_set_outcome(fc, &o, NULL), ECPR_OK);
	lay = lay_out(fc, ECPR_FC_CONSORT);
	CU_ASSERT(text_at(lay, "Excluded: n = 23,455") >= 0);
	CU_ASSERT(text_at(lay, "Unknown: n = 1") >= 0);
	CU_ASSERT(text_at(lay, "n = 100,000") >= 0);
	CU_ASSERT(text_at(lay, "Survived to discharge: not known") >= 0);
	/* 51 bytes a line in the main column */
	CU_ASSERT(text_at(lay, "CPC 1–2 at discharge: 7/10 (70.0 %, 95 % CI")
	    >= 0);
	CU_ASSERT(text_at(lay, "39.7–89.2), unknown 99,990") >= 0);
	/* "Not met: " + 73 bytes at 4 pt do not fit in 207.149: wrapped,
	 * every line inside its box */
	CU_ASSERT_EQUAL(texts_with(lay, "Not met: Time"), 1);
	CU_ASSERT_EQUAL(text_at(lay, "Not met: Time from cardiac arrest to "
	    "ECMO flow known"), -1);
	for (i = 0; i < lay->ntexts; i++) {
		const ecpr_fc_text_geom *t = &lay->texts[i];
		double w = m4(t->s, 7, NULL), x0 = t->align == 1 ? t->x - w /
		    2 : t->x;

		if (t->size != 7)
			continue;
		CU_ASSERT(x0 >= 12 - EPS);
		CU_ASSERT(x0 + w <= W - 12 + EPS);
	}
	CU_ASSERT(text_at(lay, "Not met: Time from cardiac arrest to ECMO "
	    "flow") >= 0);
	CU_ASSERT(text_at(lay, "known to be sixty minutes or less") >= 0);
	ecpr_fc_layout_free(lay);
	ecpr_fc_free(fc);
}

/* The source and the note on unknowns under the chart; none when the
 * style hides captions. */
static void
test_caption(void)
{
	ecpr_fc *fc = cohort();
	ecpr_fc_layout *lay;
	ecpr_fc_opts o = ECPR_FC_OPTS_INIT;
	ecpr_tl_style *st = NULL;
	double h;
	long t;

	CU_ASSERT_EQUAL(ecpr_fc_set_source(fc, "Li et al. 2023", NULL),
	    ECPR_OK);
	lay = lay_out(fc, ECPR_FC_CONSORT);
	CU_ASSERT(texts_with(lay, "Criteria: Li et al. 2023.  Unknown:") ==
	    1);
	t = (long)lay->ntexts - 1;
	CU_ASSERT_DOUBLE_EQUAL(lay->texts[t].size, 6.5, EPS);
	/* the last caption line, then the margin */
	CU_ASSERT_DOUBLE_EQUAL(ecpr_fc_layout_height(lay),
	    lay->texts[t].y + 6.5 * 1.3 + 12, EPS);
	h = ecpr_fc_layout_height(lay);
	ecpr_fc_layout_free(lay);
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_style_new(&st, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_tl_style_set(st, "show_caption", "no", NULL),
	    ECPR_OK);
	o.style = st;
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_layout_new(&lay, fc, &o, m4, NULL,
	    NULL), ECPR_OK);
	CU_ASSERT_EQUAL(texts_with(lay, "Criteria:"), 0);
	/* the eligible box's bottom, then the margin */
	CU_ASSERT_DOUBLE_EQUAL(ecpr_fc_layout_height(lay),
	    lay->boxes[5].y + lay->boxes[5].h + 12, EPS);
	CU_ASSERT(ecpr_fc_layout_height(lay) < h);
	ecpr_fc_layout_free(lay);
	ecpr_tl_style_free(st);
	ecpr_fc_free(fc);
}

/*
 * Protocol: a question in a diamond per criterion, "Yes" down, "No"
 * right to an exit; no counts.  Each line of a question lies inside its
 * diamond.
 */
static void
test_protocol(void)
{
	ecpr_fc *fc = NULL;
	ecpr_fc_layout *lay;
	size_t i, k;

	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new(&fc, "Fig. 2", 0, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "Mechanical chest compression",
	    NULL, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "Pupillary light reflex present",
	    NULL, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_add_step(fc, "No cerebral haemorrhage", NULL,
	    NULL), ECPR_OK);
	lay = lay_out(fc, ECPR_FC_PROTOCOL);
	CU_ASSERT_EQUAL(boxes_of(lay, ECPR_FC_BOX_DECISION), 3);
	CU_ASSERT_EQUAL(boxes_of(lay, ECPR_FC_BOX_EXIT), 3);
	CU_ASSERT_EQUAL(lay->nboxes, 8);
	CU_ASSERT_EQUAL(texts_with(lay, "n = "), 0);
	CU_ASSERT(text_at(lay, "Refractory cardiac arrest") >= 0);
	CU_ASSERT(text_at(lay, "ECPR") >= 0);
	CU_ASSERT_EQUAL(texts_with(lay, "No ECPR"), 3);
	CU_ASSERT_EQUAL(texts_with(lay, "Yes"), 3);
	CU_ASSERT_EQUAL(text_at(lay, "Yes") >= 0, 1);
	/* "No" thrice, beside "No ECPR" and "No cerebral" */
	for (i = 0, k = 0; i < lay->ntexts; i++)
		k += strcmp(lay->texts[i].s, "No") == 0;
	CU_ASSERT_EQUAL(k, 3);
	/* 28.5 % of 472.063 = 80.25 pt for text: 20 bytes a line */
	CU_ASSERT(text_at(lay, "Pupillary light") >= 0);
	CU_ASSERT(text_at(lay, "reflex present?") >= 0);
	CU_ASSERT_EQUAL(lay->narrows, 7);
	for (i = 0; i < lay->nboxes; i++) {
		const ecpr_fc_box_geom *b = &lay->boxes[i];
		double cx = b->x + b->w / 2, cy = b->y + b->h / 2;

		if (b->kind == ECPR_FC_BOX_EXIT) {
			const ecpr_fc_box_geom *d = &lay->boxes[i - 1];

			/* right of its diamond, centred on its middle */
			CU_ASSERT_EQUAL(d->kind, ECPR_FC_BOX_DECISION);
			CU_ASSERT(b->x > d->x + d->w);
			CU_ASSERT_DOUBLE_EQUAL(cy, d->y + d->h / 2, EPS);
			CU_ASSERT(b->x + b->w <= W - 12 + EPS);
		}
		if (b->kind != ECPR_FC_BOX_DECISION)
			continue;
		CU_ASSERT_DOUBLE_EQUAL(cx, 12 + CW * 0.32, EPS);
		CU_ASSERT(b->x >= 12 - EPS);
		/* every corner of every line inside: |dx|/(w/2) + |dy|/(h/2)
		 * <= 1 */
		for (k = 0; k < lay->ntexts; k++) {
			const ecpr_fc_text_geom *t = &lay->texts[k];
			double hw = m4(t->s, 7, NULL) / 2;

			if (t->y < b->y || t->y > b->y + b->h ||
			    fabs(t->x - cx) > b->w / 2 || t->align != 1)
				continue;
			CU_ASSERT(hw / (b->w / 2) + fabs(t->y - cy) / (b->h /
			    2) <= 1 + EPS);
			CU_ASSERT(hw / (b->w / 2) + fabs(t->y + PITCH - cy) /
			    (b->h / 2) <= 1 + EPS);
		}
	}
	ecpr_fc_layout_free(lay);
	/* the ends and the exits as set */
	CU_ASSERT_EQUAL(ecpr_fc_set_ends(fc, "Cardiac arrest", NULL,
	    "Conventional care", NULL), ECPR_OK);
	lay = lay_out(fc, ECPR_FC_PROTOCOL);
	CU_ASSERT(text_at(lay, "Cardiac arrest") >= 0);
	CU_ASSERT_EQUAL(text_at(lay, "Refractory cardiac arrest"), -1);
	CU_ASSERT(text_at(lay, "ECPR") >= 0);
	CU_ASSERT_EQUAL(texts_with(lay, "Conventional care"), 3);
	ecpr_fc_layout_free(lay);
	ecpr_fc_free(fc);
}

/*
 * From a criteria file and the episodes counted through it: five
 * episodes, age excludes b (survived, CPC 2) and cannot judge c, rhythm
 * excludes d (died); a and e eligible, both survived, one CPC 1-2.
 */
static void
test_from_flow(void)
{
	static const char crit[] =
	    "title = Two criteria\nsource = Hand-made\n\n"
	    "criterion = age\nlabel = Age 75 years or less\n"
	    "expr = age_years <= 75\n\n"
	    "criterion = rhythm\nlabel = Shockable rhythm\n"
	    "expr = initial_rhythm in (vf, pvt)\n";
	static const char csv[] =
	    "site,subject,episode,age_years,initial_rhythm,cpc_discharge,"
	    "ca_onset,ecmo_flow_start,hospital_admit,hospital_discharge,death\n"
	    "S,a,1,50,vf,1,2021-07-27T08:00Z,2021-07-27T08:45Z,"
	    "2021-07-27T09:00Z,2021-08-27T09:00Z,\n"
	    "S,b,1,80,vf,2,2021-07-27T08:00Z,2021-07-27T08:45Z,"
	    "2021-07-27T09:00Z,2021-08-27T09:00Z,\n"
	    "S,c,1,,vf,,2021-07-27T08:00Z,2021-07-27T08:45Z,,,\n"
	    "S,d,1,60,pea,5,2021-07-27T08:00Z,2021-07-27T08:45Z,,,"
	    "2021-07-28T08:00Z\n"
	    "S,e,1,70,pvt,3,2021-07-27T08:00Z,2021-07-27T08:45Z,"
	    "2021-07-27T09:00Z,2021-08-27T09:00Z,\n";
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	char *dir = cu_tmpdir(), *cpath = cu_write_file(dir, "two.crit", crit),
	    *epath = cu_write_file(dir, "cohort.csv", csv);
	ecpr_criteria *c = NULL;
	ecpr_source *src = NULL;
	ecpr_episode *ep = NULL;
	ecpr_flow *f = NULL;
	ecpr_fc *fc = NULL;
	ecpr_fc_layout *lay;
	const struct ecpr__fc_step *st;

	CU_ASSERT_EQUAL_FATAL(ecpr_criteria_load(&c, cpath, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_flow_new(&f, c, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &ro, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_add_file(src, epath, NULL), ECPR_OK);
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, NULL),
		    ECPR_OK);
		if (ep == NULL)
			break;
		CU_ASSERT_EQUAL(ecpr_flow_add(f, ep, NULL), ECPR_OK);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new_flow(&fc, c, f, NULL), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(fc->title, "Two criteria");
	CU_ASSERT_STRING_EQUAL(fc->source, "Hand-made");
	CU_ASSERT_EQUAL(fc->total, 5);
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_step_count(fc), 2);
	st = &fc->steps[0];
	CU_ASSERT_STRING_EQUAL(st->label, "Age 75 years or less");
	CU_ASSERT(st->n.in == 5 && st->n.passed == 3 && st->n.failed == 1 &&
	    st->n.unknown == 1);
	CU_ASSERT(st->n.failed_survived == 1 && st->n.failed_favourable == 1);
	st = &fc->steps[1];
	CU_ASSERT_STRING_EQUAL(st->label, "Shockable rhythm");
	CU_ASSERT(st->n.in == 3 && st->n.passed == 2 && st->n.failed == 1 &&
	    st->n.unknown == 0);
	CU_ASSERT(st->n.failed_survived == 0 && st->n.failed_favourable == 0);
	CU_ASSERT_EQUAL(fc->has_outcome, 1);
	CU_ASSERT(fc->outcome.n == 2 && fc->outcome.survived == 2 &&
	    fc->outcome.died == 0 && fc->outcome.survival_unknown == 0);
	CU_ASSERT(fc->outcome.favourable == 1 &&
	    fc->outcome.unfavourable == 1 && fc->outcome.cpc_unknown == 0);
	lay = lay_out(fc, ECPR_FC_CONSORT);
	CU_ASSERT(text_at(lay, "Survived to discharge: 2/2 (100.0 %, 95 % CI")
	    >= 0);
	CU_ASSERT(text_at(lay, "34.2–100.0)") >= 0);
	CU_ASSERT(text_at(lay, "CPC 1–2 at discharge: 1/2 (50.0 %, 95 % CI")
	    >= 0);
	CU_ASSERT(text_at(lay, "9.5–90.5)") >= 0);
	CU_ASSERT(text_at(lay, "Unknown: n = 1") >= 0);
	ecpr_fc_layout_free(lay);
	ecpr_fc_free(fc);
	/* without a flow: the steps alone, for a protocol */
	CU_ASSERT_EQUAL_FATAL(ecpr_fc_new_flow(&fc, c, NULL, NULL), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_fc_step_count(fc), 2);
	CU_ASSERT_EQUAL(fc->has_outcome, 0);
	lay = lay_out(fc, ECPR_FC_PROTOCOL);
	CU_ASSERT(texts_with(lay, "Shockable rhythm?") == 1);
	ecpr_fc_layout_free(lay);
	ecpr_fc_free(fc);
	ecpr_source_free(src);
	ecpr_flow_free(f);
	ecpr_criteria_free(c);
	free(cpath);
	free(epath);
	cu_rmtree(dir);
	free(dir);
}

static CU_TestInfo fc_tests[] = {
	{ "kind names; free accepts NULL", test_kind_lookup },
	{ "numbers that do not add up are refused", test_counts_checked },
	{ "CONSORT geometry", test_consort_geometry },
	{ "CONSORT text: grouping, unknown outcomes, wrapping",
	  test_consort_text },
	{ "the caption", test_caption },
	{ "protocol: decisions, exits, no counts", test_protocol },
	{ "from a criteria file and a flow", test_from_flow },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "flowchart", NULL, NULL, NULL, NULL, fc_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
