/*
 * tl_internal.h - the timeline model shared by timeline.c, tl_episode.c,
 * layout.c, style.c and render.c, and the bodies of the opaque style and
 * layout handles (never installed; tests reach them).
 */
#ifndef ECPR_TL_INTERNAL_H
#define ECPR_TL_INTERNAL_H

#include "ecpr_timeline.h"
#include "internal.h"

/* ---- style (style.c) ---- */

/* An RGB colour, components 0..1. */
typedef struct ecpr_tl_rgb {
	double r, g, b;
} ecpr_tl_rgb;

/* Fill patterns that keep bars apart in grayscale. */
typedef enum ecpr_tl_pattern {
	ECPR_TL_PAT_SOLID = 0,
	ECPR_TL_PAT_HATCH,  /* diagonal lines */
	ECPR_TL_PAT_CROSS,  /* cross-hatch */
	ECPR_TL_PAT_DOTS,
	ECPR_TL_PAT_VLINES  /* vertical lines */
} ecpr_tl_pattern;

#define ECPR_TL_FONT_MAX 128
/* The default font family list (pango). */
#define ECPR_TL_DEFAULT_FONT "DejaVu Sans, Noto Sans CJK SC"

/*
 * The look of a chart (opaque in ecpr_timeline.h).  ecpr__tl_style_init()
 * fills the defaults (Okabe-Ito colours with patterns, DejaVu Sans / Noto
 * Sans CJK); ecpr_tl_style_load() and ecpr_tl_style_set() override them
 * (ecpr-timeline-style(5)).  Sizes are in points.
 */
struct ecpr_tl_style {
	char font[ECPR_TL_FONT_MAX];  /* pango family list */
	double font_size;             /* tick labels, legend */
	double label_size;            /* lane labels */
	double caption_size;
	double margin;                /* page margin */
	double bar_height;            /* resuscitation track */
	double sub_height;            /* each support / stay row */
	double row_gap;               /* between rows of a lane */
	double lane_gap;              /* between lanes */
	double marker_size;
	double line_width;
	int show_track[ECPR_TL_TRACK_COUNT];
	int show_caption;
	int show_legend;
	ecpr_tl_rgb bar_color[ECPR_TL_BAR_COUNT];
	ecpr_tl_pattern bar_pattern[ECPR_TL_BAR_COUNT];
	ecpr_tl_rgb marker_color[ECPR_TL_MK_COUNT];
	ecpr_tl_rgb text_color;
	ecpr_tl_rgb axis_color;
	int show_complications;       /* complication markers */
	ecpr_tl_rgb comp_color[ECPR_BY_COUNT]; /* per attribution */
	double strip_height;          /* the observation strip */
	ecpr_tl_rgb strip_color;      /* its line and points */
	ecpr_tl_rgb range_color;      /* its reference range band */
	ecpr_tl_rgb survival_color;   /* outcome charts: survival */
	ecpr_tl_rgb favourable_color; /* ... and CPC 1-2 */
};

/* Fill the defaults. */
void ecpr__tl_style_init(ecpr_tl_style *style);

/* ---- layout geometry (layout.c), drawn by render.c ---- */

/* Width of a legend item's swatch (bar sample, marker, whisker). */
#define LEGEND_SWATCH 12.0
/* The middle of a line of text below its top, in font sizes (a legend
 * swatch, a complication marker beside its label). */
#define TEXT_MID_EM 0.62
/* The strip's min/max labels end this far left of the plot. */
#define STRIP_LABEL_GAP 3.0

/*
 * A bar with wx1 == wx0 (no length on the axis, e.g. no-flow of 0 min)
 * draws nothing and is not a reason for a legend entry.
 */
typedef struct ecpr_tl_bar_geom {
	ecpr_tl_bar kind;
	double x0, x1;   /* the certain part */
	double wx0, wx1; /* whisker extent (== x0, x1 when exact) */
	double y, h;     /* top and height */
	int open;        /* 1: no stop known, fades out at x1 */
	int clipped;     /* 1: began before the axis starts, fades in */
} ecpr_tl_bar_geom;

/*
 * Markers of a lane at the same instant on the same row are set side by
 * side, marker_size + 1 apart, centred on the instant (x moves, the
 * whisker extent does not).
 */
typedef struct ecpr_tl_marker_geom {
	ecpr_tl_marker kind;
	double x, y;     /* centre */
	double wx0, wx1; /* whisker extent (== x when exact) */
} ecpr_tl_marker_geom;

/*
 * A complication with a time: a marker of its attribution's shape on the
 * lane's complication row, its label to the right.  Labels that would
 * overlap one before them in the lane go down a level (the row has as
 * many levels as the most crowded lane needs).
 */
typedef struct ecpr_tl_comp_geom {
	int code;
	ecpr_attribution by;
	int level;
	double x, y;         /* centre of the marker */
	double wx0, wx1;     /* whisker extent (== x when exact) */
	double text_x, text_y; /* top-left of the label */
	const char *label;   /* ecpr_complication_label(): static */
} ecpr_tl_comp_geom;

/*
 * A value on the observation strip.  cmp ECPR_CMP_EQ: exact, a filled
 * point; else censored: an open point at the bound with an arrow up
 * (GT, GE) or down (LT, LE), never joined by the line.
 */
typedef struct ecpr_tl_strip_point {
	double x, y;
	ecpr_cmp cmp;
} ecpr_tl_strip_point;

typedef struct ecpr_tl_lane_geom {
	size_t index;    /* lane in the timeline (input order) */
	size_t page;
	double y, h;     /* top and height of the lane */
	double row_y[ECPR_TL_BAR_COUNT]; /* top of each bar row, -1 hidden */
	double label_x, label_y; /* top-left of the first label line */
	char *label;     /* a copy owned by the layout */
	ecpr_tl_bar_geom *bars;
	size_t nbars;
	ecpr_tl_marker_geom *markers;
	size_t nmarkers;
	ecpr_tl_comp_geom *comps;     /* complications with a time */
	size_t ncomps;
	/* the observation strip (lay->obs >= 0): strip_h 0 when none */
	double strip_y, strip_h;
	ecpr_tl_strip_point *points;  /* in time order */
	size_t npoints;
	int band;                     /* 1: reference range shaded */
	double band_y0, band_y1;      /* its top and bottom, in the strip */
	char strip_hi[64], strip_lo[64]; /* the highest and lowest value
	                                    ("15.0 mmol/L"); "" when none */
	double hi_y, lo_y;            /* where their labels are centred */
} ecpr_tl_lane_geom;

typedef struct ecpr_tl_tick {
	double x;
	char label[32];
	double label_x0, label_x1; /* extent of the centred label */
} ecpr_tl_tick;

typedef struct ecpr_tl_axis_seg {
	double x0, x1;   /* on the page */
	double t0, t1;   /* seconds from time zero */
	char unit[16];   /* "min", "h", "days", "" */
	ecpr_tl_tick *ticks;
	size_t nticks;
} ecpr_tl_axis_seg;

/* Legend item kinds (ecpr_tl_legend_item.is_marker). */
enum {
	ECPR_TL_LEG_BAR = 0,  /* kind: ecpr_tl_bar */
	ECPR_TL_LEG_MARKER,   /* kind: ecpr_tl_marker */
	ECPR_TL_LEG_WHISKER,
	ECPR_TL_LEG_COMP,     /* kind: ecpr_attribution */
	ECPR_TL_LEG_STRIP,    /* the observation's line */
	ECPR_TL_LEG_RANGE,    /* the reference range band */
	ECPR_TL_LEG_CENSORED  /* a censored value */
};

typedef struct ecpr_tl_legend_item {
	int is_marker;   /* ECPR_TL_LEG_* */
	int kind;
	double x, y;     /* top-left of the swatch */
	double text_x;
	const char *text;
} ecpr_tl_legend_item;

struct ecpr_tl_layout {
	double width, height;   /* page size */
	size_t npages;
	double plot_x0, plot_x1;
	double axis_y;          /* axis line, on every page */
	double tick_len;
	double label_y;         /* top of tick labels */
	double unit_y;          /* top of the segment unit names */
	double title_y;         /* top of the axis title */
	double label_w;         /* width of the lane label column */
	char axis_title[64];
	ecpr_tl_axis_seg *segs;
	size_t nsegs;
	ecpr_tl_lane_geom *lanes;
	size_t nlanes;
	ecpr_tl_legend_item *legend;
	size_t nlegend;
	double legend_y;
	char **caption;         /* wrapped caption lines */
	size_t ncaption;
	double caption_y;
	double caption_line_h;
	int bar_used[ECPR_TL_BAR_COUNT];
	int marker_used[ECPR_TL_MK_COUNT];
	int whiskers;           /* 1: some value is imprecise */
	int comp_used[ECPR_BY_COUNT];
	int obs;                /* ecpr_obs_type of the strip, -1: none */
	char strip_title[96];   /* its legend text ("Lac (mmol/L)") */
	int range_used, censored_used;
	ecpr_tl_style style;
	ecpr_tl_opts opts;
};

/* The measure of a layout without one: 0.5 em per byte. */
double ecpr__tl_fixed_measure(const char *text, double size, void *ctx);

/* Page width and height of a size preset (a column's depth for the
 * journal sizes). */
void ecpr__tl_page_size(ecpr_tl_size size, double *w, double *h);

/*
 * Word-wrap text at its spaces into lines no wider than width (a word
 * wider than that has a line of its own), appended to (*lines)[*n] as
 * copies.  A line's width is the sum of its words and spaces, each
 * measured once.  -1 when out of memory.
 */
int ecpr__tl_wrap(char ***lines, size_t *n, const char *text, double size,
    double width, ecpr_tl_measure_fn mfn, void *ctx);

/* ---- the timeline model (timeline.c, tl_episode.c) ---- */

struct ecpr__tl_bar {
	ecpr_tl_bar kind;
	ecpr_time start;
	ecpr_time stop;
	int open;
};

struct ecpr__tl_mark {
	ecpr_tl_marker kind;
	ecpr_time at;
};

/* A complication; at.prec ECPR_PREC_NONE: time unknown. */
struct ecpr__tl_comp {
	int code;
	ecpr_attribution by;
	ecpr_time at;
};

/* A value of the strip's observation, in its unit (ecpr_obs_unit()). */
struct ecpr__tl_value {
	ecpr_time at;
	ecpr_value v;
};

struct ecpr__tl_lane {
	char *label;
	struct ecpr__tl_bar *bars;
	size_t nbars, cbars;
	struct ecpr__tl_mark *marks;
	size_t nmarks, cmarks;
	struct ecpr__tl_comp *comps;
	size_t ncomps, ccomps;
	struct ecpr__tl_value *values;
	size_t nvalues, cvalues;
	int has_range;
	ecpr_range range;
};

struct ecpr_tl {
	struct ecpr__tl_lane *lanes;
	size_t nlanes, clanes;
	int obs;                    /* the strip's ecpr_obs_type, -1: none */
	const ecpr_ranges *ranges;  /* borrowed, or own_ranges */
	ecpr_ranges *own_ranges;
};

/* Remove the last lane and everything in it (undo a partial add). */
void ecpr__tl_drop_last_lane(ecpr_tl *tl);

/* 1 when a value is coarser than a minute (drawn with a whisker). */
int ecpr__tl_imprecise(const ecpr_time *tm);

/* ---- flowcharts (flowchart.c), drawn by fc_render.c ---- */

struct ecpr__fc_step {
	char *label;
	ecpr_fc_step n;
};

struct ecpr_fc {
	char *title, *source;  /* NULL: none */
	char *start, *end, *exit_label; /* NULL: the kind's default */
	uint64_t total;
	struct ecpr__fc_step *steps;
	size_t nsteps, csteps;
	int has_outcome;
	ecpr_fc_outcome outcome;
};

/* What a box is. */
typedef enum ecpr_fc_box_kind {
	ECPR_FC_BOX_START = 0, /* the episodes assessed; the protocol's start */
	ECPR_FC_BOX_PASSED,    /* those going on after a step */
	ECPR_FC_BOX_FAILED,    /* excluded at a step */
	ECPR_FC_BOX_UNKNOWN,   /* set aside at a step */
	ECPR_FC_BOX_ELIGIBLE,  /* passed every step; the protocol's end */
	ECPR_FC_BOX_DECISION,  /* a protocol's criterion: a diamond */
	ECPR_FC_BOX_EXIT       /* a protocol's "no" */
} ecpr_fc_box_kind;

/* A box: a rectangle (rounded for a protocol's start and end) or, for
 * a decision, the diamond inside x, y, w, h. */
typedef struct ecpr_fc_box_geom {
	ecpr_fc_box_kind kind;
	size_t step;        /* its criterion; (size_t)-1: none */
	double x, y, w, h;  /* top-left and size */
} ecpr_fc_box_geom;

/* A straight arrow from (x0, y0) to its head at (x1, y1). */
typedef struct ecpr_fc_arrow_geom {
	double x0, y0, x1, y1;
} ecpr_fc_arrow_geom;

/* A line of text: its top at y; x its left (align 0), centre (1) or
 * right (2). */
typedef struct ecpr_fc_text_geom {
	char *s;
	double x, y, size;
	int align, bold;
} ecpr_fc_text_geom;

struct ecpr_fc_layout {
	double width, height;
	ecpr_fc_kind kind;
	ecpr_fc_box_geom *boxes;
	size_t nboxes;
	ecpr_fc_arrow_geom *arrows;
	size_t narrows;
	ecpr_fc_text_geom *texts;  /* title, boxes, "Yes"/"No", caption */
	size_t ntexts;
	ecpr_tl_style style;
};

/* ---- outcome charts (oc_layout.c), drawn by oc_render.c ---- */

/* The series: survival to discharge, CPC 1-2 at discharge. */
#define ECPR_OC_SERIES 2

/* A share with its Wilson interval; shown 0: no outcome known. */
typedef struct ecpr_oc_point {
	int shown;
	uint64_t k, n;       /* with the outcome, of those known */
	double p, lo, hi;    /* the share and its interval, 0-1 */
	double x, y;         /* the point */
	double y_lo, y_hi;   /* the whisker's ends (y_hi above) */
} ecpr_oc_point;

typedef struct ecpr_oc_bin_geom {
	double x;            /* the bin's centre */
	char label[32];      /* "0–29", "90+" */
	ecpr_oc_point pt[ECPR_OC_SERIES];
	/* under the bin: "k/n" of each series, then the episodes */
	char count[ECPR_OC_SERIES + 1][48];
} ecpr_oc_bin_geom;

typedef struct ecpr_oc_tick {
	double y;
	char label[8];
} ecpr_oc_tick;

/* A legend item: kind 0 survival, 1 CPC 1-2 (their markers), 2 the
 * whisker. */
typedef struct ecpr_oc_legend_item {
	int kind;
	double x, y;         /* top-left of the swatch's line */
	double text_x;
	const char *text;    /* static */
} ecpr_oc_legend_item;

struct ecpr_oc_layout {
	double width, height;
	double plot_x0, plot_x1; /* the plot's left and right */
	double plot_y0, plot_y1; /* its top (100 %) and bottom (0 %) */
	char title[160];
	double title_y;      /* top of the title, at the left margin */
	char y_title[32];
	double y_title_y;    /* top of the y axis' title, at the margin */
	ecpr_oc_tick yticks[6]; /* 0, 20, ..., 100 % */
	double ytick_x;      /* right end of their labels */
	ecpr_oc_bin_geom *bins;
	size_t nbins;
	double bin_label_y;  /* top of the bins' labels */
	char x_title[96];
	double x_title_y;
	/* the rows of counts under the plot: labels at count_label_x */
	double count_y[ECPR_OC_SERIES + 1];
	const char *count_label[ECPR_OC_SERIES + 1];
	double count_label_x;
	ecpr_oc_legend_item legend[ECPR_OC_SERIES + 1];
	size_t nlegend;      /* 0: no legend */
	char **caption;      /* wrapped lines */
	size_t ncaption;
	double caption_y, caption_line_h;
	ecpr_tl_style style;
};

#endif
