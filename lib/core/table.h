/*
 * table.h - the table writers shared by report.c and summary.c (never
 * installed): an output buffer and a grid of cells written in each
 * ecpr_report_format.
 */
#ifndef ECPR_TABLE_H
#define ECPR_TABLE_H

#include <stdio.h>
#include "ecpr.h"

/* A growing output buffer; failed is set when memory ran out (every
 * later addition is then ignored). */
struct ecpr__sbuf {
	char *s;
	size_t n;
	size_t cap;
	int failed;
};

void ecpr__sb_addn(struct ecpr__sbuf *sb, const char *s, size_t len);
void ecpr__sb_add(struct ecpr__sbuf *sb, const char *s);
void ecpr__sb_addc(struct ecpr__sbuf *sb, char c);
void ecpr__sb_pad(struct ecpr__sbuf *sb, size_t n);
/* Make room for len more bytes at once (no doubling beyond need). */
void ecpr__sb_reserve(struct ecpr__sbuf *sb, size_t len);
/* Write out what sb holds and empty it; -1 on a write error. */
int ecpr__sb_flush(struct ecpr__sbuf *sb, FILE *fp);
/* s as one RFC 4180 field (quoted when it has a comma, quote or line
 * end). */
void ecpr__csv_field(struct ecpr__sbuf *sb, const char *s);
/* Columns a UTF-8 string takes on a terminal (wide East Asian = 2). */
size_t ecpr__display_width(const char *s);

/* A cell: text, an optional footnote mark and a text after the mark. */
struct ecpr__cell {
	const char *text;
	const char *mark;
	const char *after;
};

struct ecpr__note {
	const char *mark; /* NULL: "term: text" */
	const char *term;
	const char *text;
};

#define ECPR__GRID_NOTES_MAX (ECPR_IV_COUNT + ECPR_OBS_COUNT + 4)

/* A table: a header row, body rows, footnotes and the abbreviations
 * (written after the notes, then the definitions version). */
struct ecpr__grid {
	size_t ncol;
	size_t nrow; /* body rows */
	struct ecpr__cell *cells; /* (nrow + 1) * ncol, row 0 is the header */
	struct ecpr__note notes[ECPR__GRID_NOTES_MAX];
	size_t nnotes;
	const char *abbrev;
	char *own_abbrev; /* abbrev when made for this grid */
	char *heap; /* strings made for this grid (headings) */
};

/* Zero g and give it (nrow + 1) * ncol empty cells; -1 out of memory. */
int ecpr__grid_alloc(struct ecpr__grid *g, size_t ncol, size_t nrow);
/* Free the cells, heap and own_abbrev and zero g. */
void ecpr__grid_free(struct ecpr__grid *g);
/* The cell at row (0: the header) and col. */
struct ecpr__cell *ecpr__grid_cell(const struct ecpr__grid *g, size_t row,
    size_t col);
/* A cell as plain text: "Conventional CPR duration (a), min". */
void ecpr__plain_cell(struct ecpr__sbuf *sb, const struct ecpr__cell *c);
/*
 * The pieces of a grid written in format, for tables whose body comes in
 * parts (the rows of one part in g each time, the heading in row 0):
 * rows [from, to) (row 0 is the heading, and what comes before it), then
 * the end (notes, abbreviations).  Text pads each column to width[j]
 * (display columns), which ecpr__grid_widths widens to the widest cell
 * of g (body: from row 1).
 */
int ecpr__grid_widths(const struct ecpr__grid *g, size_t *width, int body);
void ecpr__grid_render_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format, const size_t *width, size_t from, size_t to);
void ecpr__grid_render_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format);
/* The whole grid in format (csv: the cells only). */
void ecpr__grid_render(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format);

#endif
