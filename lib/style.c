/*
 * style.c - the look of a timeline: defaults and the key=value style file
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tl_internal.h"

/* Okabe-Ito: safe for the common colour-vision deficiencies. */
static const ecpr_tl_rgb okabe[] = {
	{ 0.000, 0.000, 0.000 }, /* 0 black */
	{ 0.902, 0.624, 0.000 }, /* 1 orange */
	{ 0.337, 0.706, 0.914 }, /* 2 sky blue */
	{ 0.000, 0.620, 0.451 }, /* 3 bluish green */
	{ 0.941, 0.894, 0.259 }, /* 4 yellow */
	{ 0.000, 0.447, 0.698 }, /* 5 blue */
	{ 0.835, 0.369, 0.000 }, /* 6 vermillion */
	{ 0.800, 0.475, 0.655 }, /* 7 reddish purple */
	{ 0.600, 0.600, 0.600 }, /* 8 grey */
};

void
ecpr_tl_style_init(ecpr_tl_style *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->font, sizeof(s->font), "%s",
	    "DejaVu Sans, Noto Sans CJK SC");
	s->font_size = 7;
	s->label_size = 7;
	s->caption_size = 6.5;
	s->margin = 12;
	s->bar_height = 7;
	s->sub_height = 3.5;
	s->row_gap = 1.5;
	s->lane_gap = 7;
	s->marker_size = 6;
	s->line_width = 0.6;
	for (i = 0; i < ECPR_TL_TRACK_COUNT; i++)
		s->show_track[i] = 1;
	s->show_caption = 1;
	s->show_legend = 1;
	/* bars: hue and a pattern or shade so grayscale keeps them apart */
	s->bar_color[ECPR_TL_BAR_NO_FLOW] = okabe[0];
	s->bar_pattern[ECPR_TL_BAR_NO_FLOW] = ECPR_TL_PAT_SOLID;
	s->bar_color[ECPR_TL_BAR_CPR] = okabe[6];
	s->bar_pattern[ECPR_TL_BAR_CPR] = ECPR_TL_PAT_SOLID;
	s->bar_color[ECPR_TL_BAR_MCC] = okabe[1];
	s->bar_pattern[ECPR_TL_BAR_MCC] = ECPR_TL_PAT_HATCH;
	s->bar_color[ECPR_TL_BAR_ECMO] = okabe[5];
	s->bar_pattern[ECPR_TL_BAR_ECMO] = ECPR_TL_PAT_SOLID;
	s->bar_color[ECPR_TL_BAR_IABP] = okabe[7];
	s->bar_pattern[ECPR_TL_BAR_IABP] = ECPR_TL_PAT_SOLID;
	s->bar_color[ECPR_TL_BAR_CRRT] = okabe[3];
	s->bar_pattern[ECPR_TL_BAR_CRRT] = ECPR_TL_PAT_VLINES;
	s->bar_color[ECPR_TL_BAR_MV] = okabe[2];
	s->bar_pattern[ECPR_TL_BAR_MV] = ECPR_TL_PAT_DOTS;
	s->bar_color[ECPR_TL_BAR_ICU] = okabe[4];
	s->bar_pattern[ECPR_TL_BAR_ICU] = ECPR_TL_PAT_CROSS;
	s->bar_color[ECPR_TL_BAR_HOSPITAL] = okabe[8];
	s->bar_pattern[ECPR_TL_BAR_HOSPITAL] = ECPR_TL_PAT_SOLID;
	for (i = 0; i < ECPR_TL_MK_COUNT; i++)
		s->marker_color[i] = okabe[0];
	s->text_color = okabe[0];
	s->axis_color = okabe[0];
}
