/*
 * ecpr_timeline.h - Fig. 1 style timelines of ECPR episodes
 *
 * A timeline holds lanes (one per episode), each with bars (phases and
 * support segments) and point markers.  ecpr_timeline_layout() turns it
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

/*
 * The look of a chart.  ecpr_tl_style_init() fills the defaults
 * (Okabe-Ito colours with patterns, DejaVu Sans / Noto Sans CJK);
 * ecpr_tl_style_load() overrides them from a key=value file
 * (ecpr-timeline-style(5)).  Sizes are in points.
 */
typedef struct ecpr_tl_style {
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
} ecpr_tl_style;

void ecpr_tl_style_init(ecpr_tl_style *style);

/**
 * Read a style file over style: "key = value" lines, '#' comments.
 * ECPR_EIO when it cannot be read; ECPR_EPARSE with file and line for an
 * unknown key or a bad value (the message names both).
 */
int ecpr_tl_style_load(ecpr_tl_style *style, const char *path,
    ecpr_error *err);

/* Options of a chart. */
typedef struct ecpr_tl_opts {
	ecpr_tl_align align;
	ecpr_tl_axis axis;
	ecpr_tl_size size;
	int paged; /* 1: break lanes into pages (PDF); 0: one page of any height */
	const ecpr_tl_style *style; /* NULL: the defaults */
} ecpr_tl_opts;

#define ECPR_TL_OPTS_INIT \
	{ ECPR_TL_ALIGN_CA_ONSET, ECPR_TL_AXIS_SEGMENTED, ECPR_TL_SIZE_DOUBLE, \
	  1, NULL }

typedef struct ecpr_timeline ecpr_timeline;

int ecpr_timeline_new(ecpr_timeline **out, ecpr_error *err);
void ecpr_timeline_free(ecpr_timeline *tl);

/**
 * Add an empty lane; its label is one or more lines separated by '\n'
 * (any UTF-8).  *lane receives its index.
 */
int ecpr_timeline_add_lane(ecpr_timeline *tl, const char *label,
    size_t *lane, ecpr_error *err);
/**
 * Add a bar to a lane.  stop == NULL: still running when the record
 * ends (drawn open to the lane's last time).  A value coarser than a
 * minute is drawn with an uncertainty whisker over [t, end).
 * ECPR_EINVAL for a bad lane or kind, ECPR_ERULE when stop < start.
 */
int ecpr_timeline_add_bar(ecpr_timeline *tl, size_t lane, ecpr_tl_bar kind,
    const ecpr_time *start, const ecpr_time *stop, ecpr_error *err);
int ecpr_timeline_add_marker(ecpr_timeline *tl, size_t lane,
    ecpr_tl_marker kind, const ecpr_time *at, ecpr_error *err);

/**
 * Add one lane for a finished episode: label "subject\nage y, sex,
 * primary disease", the phases (no-flow ca_onset..cpr_start, CPR
 * cpr_start..ecmo_flow_start or rosc, MCC/IABP/CRRT/MV segments, ECMO
 * ecmo_flow_start..ecmo_stop or death, ICU and hospital stays to the
 * discharge or death) and the markers.  On failure nothing is added.
 */
int ecpr_timeline_add_episode(ecpr_timeline *tl, const ecpr_episode *ep,
    ecpr_error *err);

size_t ecpr_timeline_lane_count(const ecpr_timeline *tl);

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

typedef struct ecpr_tl_legend_item {
	int is_marker;   /* 0: bar kind, 1: marker kind */
	int kind;
	double x, y;     /* top-left of the swatch */
	double text_x;
	const char *text;
} ecpr_tl_legend_item;

typedef struct ecpr_tl_layout {
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
	ecpr_tl_style style;
	ecpr_tl_opts opts;
} ecpr_tl_layout;

/** x on the page of a time (seconds from time zero). */
double ecpr_tl_layout_x(const ecpr_tl_layout *lay, double t);

/**
 * Compute the geometry.  measure == NULL uses a fixed-width estimate
 * (0.5 em per byte).  ECPR_EINVAL without lanes or when no lane has the
 * alignment anchor.
 */
int ecpr_timeline_layout(ecpr_tl_layout **out, const ecpr_timeline *tl,
    const ecpr_tl_opts *opts, ecpr_tl_measure_fn measure, void *ctx,
    ecpr_error *err);
void ecpr_tl_layout_free(ecpr_tl_layout *lay);

#ifdef __cplusplus
}
#endif

#endif /* ECPR_TIMELINE_H */
