/*
 * ecpr_timeline.h - Fig. 1 style timelines of ECPR episodes
 *
 * A timeline holds lanes (one per episode), each with bars (phases and
 * support segments) and point markers.  ecpr_tl_layout_new() turns it
 * into plain geometry (points, 1/72 in) without drawing anything, so the
 * geometry can be tested.  Drawing a layout to PDF, SVG or PNG with cairo
 * and pango is the renderer's (ecpr_render.h, libecpr-render): this header
 * and libecpr-timeline need neither.
 */
#ifndef ECPR_TIMELINE_H
#define ECPR_TIMELINE_H

#include <stddef.h>

#include "ecpr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where lanes are aligned: time zero of each lane. */
typedef enum ecpr_tl_align {
	ECPR_TL_ALIGN_CA_ONSET = 0, /* each lane at its ca_onset (default) */
	ECPR_TL_ALIGN_ECMO_FLOW,    /* each lane at its ecmo_flow_start */
	ECPR_TL_ALIGN_CALENDAR      /* absolute time, one clock for all */
} ecpr_tl_align;

typedef enum ecpr_tl_axis {
	ECPR_TL_AXIS_SEGMENTED = 0, /* minutes | hours | days, with breaks */
	ECPR_TL_AXIS_LINEAR,
	ECPR_TL_AXIS_LOG
} ecpr_tl_axis;

/* Tracks of a lane, top to bottom. */
typedef enum ecpr_tl_track {
	ECPR_TL_TRACK_RESUS = 0, /* no-flow, CPR, MCC, ECMO flow */
	ECPR_TL_TRACK_SUPPORT,   /* IABP, CRRT, MV */
	ECPR_TL_TRACK_STAY,      /* ICU, hospital */
	ECPR_TL_TRACK_COUNT
} ecpr_tl_track;

/* Bar kinds in legend order.  Each belongs to one track. */
typedef enum ecpr_tl_bar {
	ECPR_TL_BAR_NO_FLOW = 0,
	ECPR_TL_BAR_CPR,     /* conventional CPR (manual + mechanical) */
	ECPR_TL_BAR_MCC,     /* mechanical CC, drawn over the CPR bar */
	ECPR_TL_BAR_ECMO,    /* ECMO flow */
	ECPR_TL_BAR_IABP,
	ECPR_TL_BAR_CRRT,
	ECPR_TL_BAR_MV,
	ECPR_TL_BAR_ICU,
	ECPR_TL_BAR_HOSPITAL,
	ECPR_TL_BAR_COUNT
} ecpr_tl_bar;

/* Point markers in legend order; each has its own shape. */
typedef enum ecpr_tl_marker {
	ECPR_TL_MK_CA = 0,         /* cardiac arrest: filled down-triangle */
	ECPR_TL_MK_ROSC_TRANSIENT, /* transient ROSC: open circle */
	ECPR_TL_MK_REARREST,       /* re-arrest: open down-triangle */
	ECPR_TL_MK_ROSC,           /* sustained ROSC: filled circle */
	ECPR_TL_MK_PCI,            /* PCI: open diamond */
	ECPR_TL_MK_ECMO_WEAN,      /* ECMO weaning: filled diamond */
	ECPR_TL_MK_ICU_DISCHARGE,  /* ICU discharge: open square */
	ECPR_TL_MK_HOSP_DISCHARGE, /* hospital discharge: filled up-triangle */
	ECPR_TL_MK_DEATH,          /* death: cross */
	ECPR_TL_MK_COUNT
} ecpr_tl_marker;

/** Track of a bar kind. */
ecpr_tl_track ecpr_tl_bar_track(ecpr_tl_bar kind);
/** Legend text of a bar kind ("Conventional CPR") or NULL. */
const char *ecpr_tl_bar_label(ecpr_tl_bar kind);
/** Legend text of a marker kind ("Sustained ROSC") or NULL. */
const char *ecpr_tl_marker_label(ecpr_tl_marker kind);
/** Style-file name of a bar ("no_flow") / marker ("rosc") or NULL. */
const char *ecpr_tl_bar_name(ecpr_tl_bar kind);
const char *ecpr_tl_marker_name(ecpr_tl_marker kind);

/* Page size presets. */
typedef enum ecpr_tl_size {
	ECPR_TL_SIZE_SINGLE = 0, /* one journal column, 85 mm wide */
	ECPR_TL_SIZE_DOUBLE,     /* two columns, 175 mm wide */
	ECPR_TL_SIZE_A4,
	ECPR_TL_SIZE_LETTER
} ecpr_tl_size;

/** Parse "single", "double", "a4", "letter"; -1 when unknown. */
int ecpr_tl_size_lookup(const char *name);
/** Parse "ca_onset", "ecmo_flow_start", "calendar"; -1 when unknown. */
int ecpr_tl_align_lookup(const char *name);
/** Parse "segmented", "linear", "log"; -1 when unknown. */
int ecpr_tl_axis_lookup(const char *name);

/*
 * The look of a chart, an opaque handle (its contents grow with the
 * vocabulary of bars and markers).  ecpr_tl_style_new() gives the
 * defaults (Okabe-Ito colours with patterns, DejaVu Sans / Noto Sans
 * CJK); ecpr_tl_style_load() and ecpr_tl_style_set() change them with
 * the keys of ecpr-timeline-style(5).  The caller frees it with
 * ecpr_tl_style_free() (NULL is a no-op).
 */
typedef struct ecpr_tl_style ecpr_tl_style;

int ecpr_tl_style_new(ecpr_tl_style **out, ecpr_error *err);
void ecpr_tl_style_free(ecpr_tl_style *style);

/**
 * Read a style file over style: "key = value" lines, '#' comments.
 * ECPR_EIO when it cannot be read; ECPR_EPARSE with file and line for an
 * unknown key or a bad value (the message names both).  On failure the
 * style is unchanged.
 */
int ecpr_tl_style_load(ecpr_tl_style *style, const char *path,
    ecpr_error *err);

/**
 * Set one key of ecpr-timeline-style(5) ("ecmo_color", "#0072b2").
 * ECPR_EINVAL for an unknown key or a bad value (the message names
 * both); the style is then unchanged.
 */
int ecpr_tl_style_set(ecpr_tl_style *style, const char *key,
    const char *value, ecpr_error *err);

/* Options of a chart. */
typedef struct ecpr_tl_opts {
	ecpr_tl_align align;
	ecpr_tl_axis axis;
	ecpr_tl_size size;
	int paged; /* 1: break lanes into pages (PDF); 0: one page of any height */
	const ecpr_tl_style *style; /* borrowed for the call; NULL: defaults */
} ecpr_tl_opts;

#define ECPR_TL_OPTS_INIT \
	{ ECPR_TL_ALIGN_CA_ONSET, ECPR_TL_AXIS_SEGMENTED, ECPR_TL_SIZE_DOUBLE, \
	  1, NULL }

typedef struct ecpr_tl ecpr_tl;

int ecpr_tl_new(ecpr_tl **out, ecpr_error *err);
void ecpr_tl_free(ecpr_tl *tl);

/**
 * Add an empty lane; its label is one or more lines separated by '\n'
 * (any UTF-8).  *lane receives its index.
 */
int ecpr_tl_add_lane(ecpr_tl *tl, const char *label,
    size_t *lane, ecpr_error *err);
/**
 * Add a bar to a lane.  stop == NULL: still running when the record
 * ends (drawn open to the lane's last time).  A value coarser than a
 * minute is drawn with an uncertainty whisker over [t, end).
 * ECPR_EINVAL for a bad lane or kind, ECPR_ERULE when stop < start.
 */
int ecpr_tl_add_bar(ecpr_tl *tl, size_t lane, ecpr_tl_bar kind,
    const ecpr_time *start, const ecpr_time *stop, ecpr_error *err);
int ecpr_tl_add_marker(ecpr_tl *tl, size_t lane,
    ecpr_tl_marker kind, const ecpr_time *at, ecpr_error *err);

/**
 * Add a complication (a code of ecpr_complication_name(), attributed to
 * by) to a lane.  at NULL or of precision ECPR_PREC_NONE: the time is
 * unknown; it is then not drawn on the lane but listed in the caption.
 * Code "none" is kept and never drawn.  ECPR_EINVAL for a bad lane,
 * code, attribution or time.
 */
int ecpr_tl_add_complication(ecpr_tl *tl, size_t lane, int code,
    ecpr_attribution by, const ecpr_time *at, ecpr_error *err);

/**
 * Choose the observation drawn as a strip under every lane (type an
 * ecpr_obs_type, -1: none, the default), with the reference ranges of rs
 * (borrowed until the last ecpr_tl_add_episode(); NULL: the library's).
 * Call it before adding episodes.  ECPR_EINVAL for an unknown type.
 */
int ecpr_tl_set_observation(ecpr_tl *tl, int type, const ecpr_ranges *rs,
    ecpr_error *err);
/** The strip's observation, -1 when none. */
int ecpr_tl_observation(const ecpr_tl *tl);
/**
 * Add a value of the strip's observation, in its unit (ecpr_obs_unit()),
 * to a lane; a censored value stays censored in the chart.  ECPR_EINVAL
 * without an observation, for a bad lane, time or value.
 */
int ecpr_tl_add_value(ecpr_tl *tl, size_t lane, const ecpr_time *at,
    const ecpr_value *v, ecpr_error *err);
/** The reference range shaded on a lane's strip (NULL: none). */
int ecpr_tl_set_range(ecpr_tl *tl, size_t lane, const ecpr_range *rg,
    ecpr_error *err);

/**
 * Add one lane for a finished episode: label "subject\nage y, sex,
 * primary disease", the phases (no-flow ca_onset..cpr_start, CPR
 * cpr_start..ecmo_flow_start or rosc, MCC/IABP/CRRT/MV segments, ECMO
 * ecmo_flow_start..ecmo_stop or death, ICU and hospital stays to the
 * discharge or death), the markers and the complications; with an
 * observation (ecpr_tl_set_observation()) its values converted to the
 * observation's unit and the reference range of the episode's
 * population (ecpr_episode_population()).  On failure nothing is added.
 */
int ecpr_tl_add_episode(ecpr_tl *tl, const ecpr_episode *ep,
    ecpr_error *err);

size_t ecpr_tl_lane_count(const ecpr_tl *tl);

/* ---------------------------------------------------------------- */
/* Layout: plain geometry, in points, origin top-left of each page.  */
/* ---------------------------------------------------------------- */

/*
 * Width of text in points at a font size; the renderer measures with
 * pango, tests with anything predictable.
 */
typedef double (*ecpr_tl_measure_fn)(const char *text, double size,
    void *ctx);

/*
 * A laid-out chart, an opaque handle.  It keeps copies of everything it
 * needs (lane labels, the style, the options): the timeline and the
 * style it was made from may be freed before it is rendered.  The caller
 * frees it with ecpr_tl_layout_free() (NULL is a no-op).
 */
typedef struct ecpr_tl_layout ecpr_tl_layout;

/**
 * Compute the geometry.  measure == NULL uses a fixed-width estimate
 * (0.5 em per byte).  ECPR_EINVAL without lanes or when no lane has the
 * alignment anchor.
 */
int ecpr_tl_layout_new(ecpr_tl_layout **out, const ecpr_tl *tl,
    const ecpr_tl_opts *opts, ecpr_tl_measure_fn measure, void *ctx,
    ecpr_error *err);
void ecpr_tl_layout_free(ecpr_tl_layout *lay);

/** Page size in points. */
double ecpr_tl_layout_width(const ecpr_tl_layout *lay);
double ecpr_tl_layout_height(const ecpr_tl_layout *lay);
/** Number of pages (1 unless opts.paged) and of lanes. */
size_t ecpr_tl_layout_page_count(const ecpr_tl_layout *lay);
size_t ecpr_tl_layout_lane_count(const ecpr_tl_layout *lay);
/** x on the page of a time (seconds from time zero). */
double ecpr_tl_layout_x(const ecpr_tl_layout *lay, double t);

/* ---------------------------------------------------------------- */
/* Flowcharts: eligibility criteria step by step                      */
/* ---------------------------------------------------------------- */

/*
 * A flowchart of criteria applied in order (ecpr-flowchart(1)): the
 * episodes assessed, then at each step those that fail the criterion
 * (excluded, with their outcomes), those it cannot judge (set aside as
 * unknown) and those that go on; the ones that pass every step are
 * eligible, shown with their outcomes.  Like a timeline it is a model
 * laid out into plain geometry (ecpr_fc_layout_new()) and drawn by the
 * renderer (ecpr_fc_render()).
 */
typedef enum ecpr_fc_kind {
	ECPR_FC_CONSORT = 0, /* boxes with counts, CONSORT style (default) */
	ECPR_FC_PROTOCOL     /* a decision chart: yes/no, without counts */
} ecpr_fc_kind;

/** Parse "consort", "protocol"; -1 when unknown. */
int ecpr_fc_kind_lookup(const char *name);

/* The numbers of a step (in = passed + failed + unknown). */
typedef struct ecpr_fc_step {
	uint64_t in, passed, failed, unknown;
	/* of the failed: survived to discharge, CPC 1-2 at discharge */
	uint64_t failed_survived, failed_favourable;
} ecpr_fc_step;

/* The outcomes of the eligible (ecpr_episode_survived(),
 * ecpr_episode_favourable()). */
typedef struct ecpr_fc_outcome {
	uint64_t n, survived, died, survival_unknown;
	uint64_t favourable, unfavourable, cpc_unknown;
} ecpr_fc_outcome;

typedef struct ecpr_fc ecpr_fc;

/**
 * A flowchart of total episodes titled title (any UTF-8, NULL: none);
 * the caller frees it with ecpr_fc_free() (NULL is a no-op).
 */
int ecpr_fc_new(ecpr_fc **out, const char *title, uint64_t total,
    ecpr_error *err);
void ecpr_fc_free(ecpr_fc *fc);
/** The source of the criteria (a citation), printed under the chart. */
int ecpr_fc_set_source(ecpr_fc *fc, const char *source, ecpr_error *err);
/**
 * The text of the first box, of the last (the eligible, or the
 * protocol's treatment) and of the protocol's exits; NULL keeps the
 * default: "Episodes assessed" / "Eligible: every criterion met" for a
 * CONSORT chart, "Refractory cardiac arrest" / "ECPR" / "No ECPR" for a
 * protocol.
 */
int ecpr_fc_set_ends(ecpr_fc *fc, const char *start, const char *end,
    const char *exit_label, ecpr_error *err);
/**
 * Add a step: the criterion's label ("Pupillary light reflex present")
 * and its numbers (NULL: all 0, for a protocol).  ECPR_EINVAL when the
 * numbers do not add up (in != passed + failed + unknown, the outcomes
 * of the failed more than the failed) or in is not what the step before
 * passed (the total for the first step); nothing is added then.
 */
int ecpr_fc_add_step(ecpr_fc *fc, const char *label,
    const ecpr_fc_step *counts, ecpr_error *err);
/** The outcomes of the eligible; ECPR_EINVAL when they do not add up
 * to n or n is not what the last step passed. */
int ecpr_fc_set_outcome(ecpr_fc *fc, const ecpr_fc_outcome *o,
    ecpr_error *err);
size_t ecpr_fc_step_count(const ecpr_fc *fc);
/**
 * A flowchart of a criteria set (ecpr_criteria_load()): its title and
 * source, a step per criterion with its label (its name when it has
 * none), and with f (an ecpr_flow over c) the numbers of every step and
 * the outcomes of the eligible; f NULL: no numbers, for a protocol.
 */
int ecpr_fc_new_flow(ecpr_fc **out, const ecpr_criteria *c,
    const ecpr_flow *f, ecpr_error *err);

/* Options of a flowchart's layout. */
typedef struct ecpr_fc_opts {
	ecpr_fc_kind kind;
	ecpr_tl_size size;          /* the page's width; its height grows */
	const ecpr_tl_style *style; /* borrowed for the call; NULL: defaults */
} ecpr_fc_opts;

#define ECPR_FC_OPTS_INIT { ECPR_FC_CONSORT, ECPR_TL_SIZE_DOUBLE, NULL }

/*
 * A laid-out flowchart (one page), an opaque handle that keeps copies of
 * all it needs; the caller frees it with ecpr_fc_layout_free() (NULL is
 * a no-op).
 */
typedef struct ecpr_fc_layout ecpr_fc_layout;

/**
 * Compute the geometry; measure == NULL uses a fixed-width estimate
 * (0.5 em per byte).  A chart may have no steps.
 */
int ecpr_fc_layout_new(ecpr_fc_layout **out, const ecpr_fc *fc,
    const ecpr_fc_opts *opts, ecpr_tl_measure_fn measure, void *ctx,
    ecpr_error *err);
void ecpr_fc_layout_free(ecpr_fc_layout *lay);
/** Page size in points. */
double ecpr_fc_layout_width(const ecpr_fc_layout *lay);
double ecpr_fc_layout_height(const ecpr_fc_layout *lay);

/* ---------------------------------------------------------------- */
/* Outcome charts: outcomes by an interval in bins                    */
/* ---------------------------------------------------------------- */

/* Options of an outcome chart's layout. */
typedef struct ecpr_oc_opts {
	ecpr_tl_size size;          /* the page's width; its height follows */
	const ecpr_tl_style *style; /* borrowed for the call; NULL: defaults */
} ecpr_oc_opts;

#define ECPR_OC_OPTS_INIT { ECPR_TL_SIZE_DOUBLE, NULL }

/*
 * A laid-out outcome chart (ecpr-outcome(1)), one page, an opaque handle
 * that keeps copies of all it needs: the bins of an ecpr_outcome on x,
 * the share of survival to discharge and of CPC 1-2 among the episodes
 * whose outcome is known on y (0-100 %), as points with their 95 %
 * Wilson interval, "k/n" of each and the episodes under each bin, a
 * legend, a title and a caption naming the interval's definition and
 * ECPR_DEFS_VERSION.  The caller frees it with ecpr_oc_layout_free()
 * (NULL is a no-op); ecpr_oc_render() draws it.
 */
typedef struct ecpr_oc_layout ecpr_oc_layout;

/**
 * Compute the geometry; measure == NULL uses a fixed-width estimate
 * (0.5 em per byte).  oc is borrowed for the call.  ECPR_EINVAL when oc
 * is NULL or the labels of its bins do not fit the page's width.
 */
int ecpr_oc_layout_new(ecpr_oc_layout **out, const ecpr_outcome *oc,
    const ecpr_oc_opts *opts, ecpr_tl_measure_fn measure, void *ctx,
    ecpr_error *err);
void ecpr_oc_layout_free(ecpr_oc_layout *lay);
/** Page size in points. */
double ecpr_oc_layout_width(const ecpr_oc_layout *lay);
double ecpr_oc_layout_height(const ecpr_oc_layout *lay);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_TIMELINE_H */
