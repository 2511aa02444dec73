/*
 * tl_internal.h - the timeline model shared by timeline.c, tl_episode.c,
 * layout.c and render.c (never installed).
 */
#ifndef ECPR_TL_INTERNAL_H
#define ECPR_TL_INTERNAL_H

#include "ecpr_timeline.h"
#include "internal.h"

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

struct ecpr__tl_lane {
	char *label;
	struct ecpr__tl_bar *bars;
	size_t nbars, cbars;
	struct ecpr__tl_mark *marks;
	size_t nmarks, cmarks;
};

struct ecpr_timeline {
	struct ecpr__tl_lane *lanes;
	size_t nlanes, clanes;
};

/* Remove the last lane and everything in it (undo a partial add). */
void ecpr__tl_drop_last_lane(ecpr_timeline *tl);

/* 1 when a value is coarser than a minute (drawn with a whisker). */
int ecpr__tl_imprecise(const ecpr_time *tm);

#endif
