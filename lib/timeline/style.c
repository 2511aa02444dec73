/*
 * style.c - the look of a timeline: defaults and the key=value style file
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
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

/* The reference range band of the observation strip. */
static const ecpr_tl_rgb range_grey = { 0.851, 0.851, 0.851 }; /* #d9d9d9 */

void
ecpr__tl_style_init(ecpr_tl_style *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	snprintf(s->font, sizeof(s->font), "%s", ECPR_TL_DEFAULT_FONT);
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
	/* complications: the colour of the bar of what they are due to */
	s->show_complications = 1;
	s->comp_color[ECPR_BY_MCC] = okabe[1];
	s->comp_color[ECPR_BY_ECPR] = okabe[5];
	s->comp_color[ECPR_BY_OTHER] = okabe[0];
	s->strip_height = 18;
	s->strip_color = okabe[0];
	s->range_color = range_grey;
	s->survival_color = okabe[5];
	s->favourable_color = okabe[6];
}

int
ecpr_tl_style_new(ecpr_tl_style **out, ecpr_error *err)
{
	if (out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "style: no output pointer");
	*out = malloc(sizeof(**out));
	if (*out == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	ecpr__tl_style_init(*out);
	return ECPR_OK;
}

void
ecpr_tl_style_free(ecpr_tl_style *style)
{
	free(style);
}

/* ---------------------------------------------------------------- */
/* The style file: "key = value" lines                                */
/* ---------------------------------------------------------------- */

static const struct {
	const char *key;
	size_t off;
	double lo, hi;
} size_keys[] = {
	{ "font_size", offsetof(ecpr_tl_style, font_size), 3, 36 },
	{ "label_size", offsetof(ecpr_tl_style, label_size), 3, 36 },
	{ "caption_size", offsetof(ecpr_tl_style, caption_size), 3, 36 },
	{ "margin", offsetof(ecpr_tl_style, margin), 0, 144 },
	{ "bar_height", offsetof(ecpr_tl_style, bar_height), 1, 72 },
	{ "sub_height", offsetof(ecpr_tl_style, sub_height), 1, 72 },
	{ "row_gap", offsetof(ecpr_tl_style, row_gap), 0, 36 },
	{ "lane_gap", offsetof(ecpr_tl_style, lane_gap), 0, 72 },
	{ "marker_size", offsetof(ecpr_tl_style, marker_size), 1, 36 },
	{ "line_width", offsetof(ecpr_tl_style, line_width), 0.1, 10 },
	{ "strip_height", offsetof(ecpr_tl_style, strip_height), 6, 144 },
};

/* Colour keys other than the bars' and marker_color. */
static const struct {
	const char *key;
	size_t off;
} color_keys[] = {
	{ "text_color", offsetof(ecpr_tl_style, text_color) },
	{ "axis_color", offsetof(ecpr_tl_style, axis_color) },
	{ "complication_mcc_color",
	    offsetof(ecpr_tl_style, comp_color[ECPR_BY_MCC]) },
	{ "complication_ecpr_color",
	    offsetof(ecpr_tl_style, comp_color[ECPR_BY_ECPR]) },
	{ "complication_other_color",
	    offsetof(ecpr_tl_style, comp_color[ECPR_BY_OTHER]) },
	{ "strip_color", offsetof(ecpr_tl_style, strip_color) },
	{ "range_color", offsetof(ecpr_tl_style, range_color) },
	{ "survival_color", offsetof(ecpr_tl_style, survival_color) },
	{ "favourable_color", offsetof(ecpr_tl_style, favourable_color) },
};

static const char *const track_keys[ECPR_TL_TRACK_COUNT] = {
	"show_resuscitation", "show_support", "show_stay"
};

static const char *const pattern_names[] = { "solid", "hatch", "cross",
	"dots", "vlines" };

static int
parse_color(const char *v, ecpr_tl_rgb *c)
{
	unsigned int x;
	size_t i;

	if (v[0] != '#' || strlen(v) != 7)
		return -1;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)v[i]))
			return -1;
	x = (unsigned int)strtoul(v + 1, NULL, 16);
	c->r = (double)((x >> 16) & 0xff) / 255;
	c->g = (double)((x >> 8) & 0xff) / 255;
	c->b = (double)(x & 0xff) / 255;
	return 0;
}

static int
parse_bool(const char *v, int *b)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
	    strcmp(v, "true") == 0)
		*b = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "false") == 0)
		*b = 0;
	else
		return -1;
	return 0;
}

/* Apply one key; returns NULL or what the value should have been. */
static const char *
apply(ecpr_tl_style *s, const char *key, const char *v, int *unknown)
{
	size_t i;
	char *end;
	double d;

	*unknown = 0;
	for (i = 0; i < sizeof(size_keys) / sizeof(size_keys[0]); i++) {
		if (strcmp(key, size_keys[i].key) != 0)
			continue;
		errno = 0;
		d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || errno != 0 ||
		    !(d >= size_keys[i].lo && d <= size_keys[i].hi))
			return "a number of points in range";
		*(double *)(void *)((char *)s + size_keys[i].off) = d;
		return NULL;
	}
	for (i = 0; i < ECPR_TL_TRACK_COUNT; i++)
		if (strcmp(key, track_keys[i]) == 0)
			return parse_bool(v, &s->show_track[i]) ?
			    "yes or no" : NULL;
	if (strcmp(key, "show_caption") == 0)
		return parse_bool(v, &s->show_caption) ? "yes or no" : NULL;
	if (strcmp(key, "show_legend") == 0)
		return parse_bool(v, &s->show_legend) ? "yes or no" : NULL;
	if (strcmp(key, "show_complications") == 0)
		return parse_bool(v, &s->show_complications) ? "yes or no" :
		    NULL;
	if (strcmp(key, "font") == 0) {
		if (*v == '\0' || strlen(v) >= sizeof(s->font))
			return "a font family list of 1-127 bytes";
		snprintf(s->font, sizeof(s->font), "%s", v);
		return NULL;
	}
	for (i = 0; i < sizeof(color_keys) / sizeof(color_keys[0]); i++)
		if (strcmp(key, color_keys[i].key) == 0)
			return parse_color(v, (ecpr_tl_rgb *)(void *)((char *)s +
			    color_keys[i].off)) ? "a colour #rrggbb" : NULL;
	if (strcmp(key, "marker_color") == 0) {
		ecpr_tl_rgb c;

		if (parse_color(v, &c))
			return "a colour #rrggbb";
		for (i = 0; i < ECPR_TL_MK_COUNT; i++)
			s->marker_color[i] = c;
		return NULL;
	}
	for (i = 0; i < ECPR_TL_BAR_COUNT; i++) {
		const char *name = ecpr_tl_bar_name((ecpr_tl_bar)i);
		size_t n = strlen(name);
		size_t j;

		if (strncmp(key, name, n) != 0)
			continue;
		if (strcmp(key + n, "_color") == 0)
			return parse_color(v, &s->bar_color[i]) ?
			    "a colour #rrggbb" : NULL;
		if (strcmp(key + n, "_pattern") == 0) {
			for (j = 0; j < 5; j++)
				if (strcmp(v, pattern_names[j]) == 0) {
					s->bar_pattern[i] =
					    (ecpr_tl_pattern)j;
					return NULL;
				}
			return "solid, hatch, cross, dots or vlines";
		}
	}
	*unknown = 1;
	return NULL;
}

static char *
trim(char *p)
{
	char *e;

	while (*p == ' ' || *p == '\t')
		p++;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return p;
}

/* Apply one key, or fail with code naming the key and the value. */
static int
set_key(ecpr_tl_style *s, const char *key, const char *val,
    ecpr_status code, const char *path, unsigned long ln, ecpr_error *err)
{
	const char *want;
	int unknown;

	want = apply(s, key, val, &unknown);
	if (unknown)
		return ecpr__error_set(err, code, path, ln,
		    "unknown key \"%s\" (value \"%s\")", key, val);
	if (want != NULL)
		return ecpr__error_set(err, code, path, ln,
		    "key \"%s\": value \"%s\" is not %s", key, val, want);
	return ECPR_OK;
}

int
ecpr_tl_style_set(ecpr_tl_style *style, const char *key, const char *value,
    ecpr_error *err)
{
	ecpr_tl_style s;
	int r;

	if (style == NULL || key == NULL || value == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "style: no style, key or value");
	s = *style;
	r = set_key(&s, key, value, ECPR_EINVAL, NULL, 0, err);
	if (r == ECPR_OK) {
		*style = s;
		ecpr_error_clear(err);
	}
	return r;
}

int
ecpr_tl_style_load(ecpr_tl_style *style, const char *path, ecpr_error *err)
{
	ecpr_tl_style s;
	char line[1024], *key, *val, *eq;
	unsigned long ln = 0;
	int r = ECPR_OK;
	FILE *fp;

	if (style == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "style: no style or path");
	fp = fopen(path, "r");
	if (fp == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open: %s", strerror(errno));
	s = *style;
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			r = ecpr__error_set(err, ECPR_EPARSE, path, ln,
			    "line is longer than %zu bytes",
			    sizeof(line) - 2);
			break;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			r = ecpr__error_set(err, ECPR_EPARSE, path, ln,
			    "\"%s\" is not \"key = value\"", key);
			break;
		}
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		r = set_key(&s, key, val, ECPR_EPARSE, path, ln, err);
		if (r != ECPR_OK)
			break;
	}
	if (r == ECPR_OK && ferror(fp))
		r = ecpr__error_set(err, ECPR_EIO, path, 0, "cannot read: %s",
		    strerror(errno));
	fclose(fp);
	if (r == ECPR_OK)
		*style = s;
	return r;
}
