/*
 * table.c - the table writers shared by the report (Table 2) and the
 * cohort summary, libc only: a growing output buffer, a grid of cells
 * (a header row, body rows, footnotes, abbreviations) and the grid
 * written as csv, text, Markdown, LaTeX (booktabs) or HTML.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "table.h"

/* ------------------------------------------------------------------ */
/* Output buffer                                                        */
/* ------------------------------------------------------------------ */

void
ecpr__sb_addn(struct ecpr__sbuf *sb, const char *s, size_t len)
{
	char *p;
	size_t cap;

	if (sb->failed)
		return;
	if (sb->n + len + 1 > sb->cap) {
		cap = sb->cap ? sb->cap : 4096;
		while (sb->n + len + 1 > cap)
			cap *= 2;
		p = realloc(sb->s, cap);
		if (p == NULL) {
			sb->failed = 1;
			return;
		}
		sb->s = p;
		sb->cap = cap;
	}
	memcpy(sb->s + sb->n, s, len);
	sb->n += len;
	sb->s[sb->n] = '\0';
}

void
ecpr__sb_add(struct ecpr__sbuf *sb, const char *s)
{
	ecpr__sb_addn(sb, s, strlen(s));
}

void
ecpr__sb_addc(struct ecpr__sbuf *sb, char c)
{
	if (!sb->failed && sb->n + 2 <= sb->cap) { /* room: no call */
		sb->s[sb->n++] = c;
		sb->s[sb->n] = '\0';
		return;
	}
	ecpr__sb_addn(sb, &c, 1);
}

/* n blanks, a piece at a time (not a call per blank). */
void
ecpr__sb_pad(struct ecpr__sbuf *sb, size_t n)
{
	static const char blanks[] = "                                ";
	size_t k;

	for (; n > 0; n -= k) {
		k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;
		ecpr__sb_addn(sb, blanks, k);
	}
}

/* ------------------------------------------------------------------ */
/* The table model: a header row, body rows, footnotes                  */
/* ------------------------------------------------------------------ */

struct ecpr__cell *
ecpr__grid_cell(const struct ecpr__grid *g, size_t row, size_t col)
{
	return &g->cells[row * g->ncol + col];
}

void
ecpr__grid_free(struct ecpr__grid *g)
{
	free(g->cells);
	free(g->heap);
	free(g->own_abbrev);
	memset(g, 0, sizeof(*g));
}

int
ecpr__grid_alloc(struct ecpr__grid *g, size_t ncol, size_t nrow)
{
	memset(g, 0, sizeof(*g));
	g->ncol = ncol;
	g->nrow = nrow;
	g->cells = calloc((nrow + 1) * ncol, sizeof(*g->cells));
	return g->cells != NULL ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Renderers                                                            */
/* ------------------------------------------------------------------ */

/* Columns a UTF-8 string takes on a terminal (wide East Asian = 2). */
size_t
ecpr__display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;
	uint32_t c;
	int n;

	while (*p != '\0') {
		if (*p < 0x80) {
			c = *p;
			n = 0;
		} else if ((*p & 0xe0) == 0xc0) {
			c = *p & 0x1f;
			n = 1;
		} else if ((*p & 0xf0) == 0xe0) {
			c = *p & 0x0f;
			n = 2;
		} else if ((*p & 0xf8) == 0xf0) {
			c = *p & 0x07;
			n = 3;
		} else {
			c = 0xfffd;
			n = 0;
		}
		p++;
		while (n > 0 && (*p & 0xc0) == 0x80) {
			c = (c << 6) | (*p & 0x3f);
			p++;
			n--;
		}
		if ((c >= 0x0300 && c <= 0x036f) || c == 0x200b ||
		    (c >= 0xfe00 && c <= 0xfe0f))
			continue; /* combining marks, zero width */
		if ((c >= 0x1100 && c <= 0x115f) ||
		    (c >= 0x2e80 && c <= 0xa4cf) ||
		    (c >= 0xac00 && c <= 0xd7a3) ||
		    (c >= 0xf900 && c <= 0xfaff) ||
		    (c >= 0xfe30 && c <= 0xfe4f) ||
		    (c >= 0xff00 && c <= 0xff60) ||
		    (c >= 0xffe0 && c <= 0xffe6) ||
		    (c >= 0x1f300 && c <= 0x1faff) ||
		    (c >= 0x20000 && c <= 0x3fffd))
			w += 2;
		else
			w += 1;
	}
	return w;
}

/* A cell as plain text: "Conventional CPR duration (a), min". */
void
ecpr__plain_cell(struct ecpr__sbuf *sb, const struct ecpr__cell *c)
{
	ecpr__sb_add(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		ecpr__sb_add(sb, " (");
		ecpr__sb_add(sb, c->mark);
		ecpr__sb_addc(sb, ')');
	}
	if (c->after != NULL)
		ecpr__sb_add(sb, c->after);
}

void
ecpr__csv_field(struct ecpr__sbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		ecpr__sb_add(sb, s);
		return;
	}
	ecpr__sb_addc(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			ecpr__sb_addc(sb, '"');
		ecpr__sb_addc(sb, *s);
	}
	ecpr__sb_addc(sb, '"');
}

/* Make room for len more bytes at once (no doubling beyond need). */
void
ecpr__sb_reserve(struct ecpr__sbuf *sb, size_t len)
{
	char *p;

	if (sb->failed || sb->n + len + 1 <= sb->cap)
		return;
	p = realloc(sb->s, sb->n + len + 1);
	if (p == NULL) {
		sb->failed = 1;
		return;
	}
	sb->s = p;
	sb->cap = sb->n + len + 1;
}

/* Write out what sb holds and empty it; -1 on a write error. */
int
ecpr__sb_flush(struct ecpr__sbuf *sb, FILE *fp)
{
	if (sb->n > 0 && fwrite(sb->s, 1, sb->n, fp) != sb->n)
		return -1;
	sb->n = 0;
	return 0;
}

/* Rows [from, to) of a grid as csv (the cells only). */
static void
csv_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g, size_t from,
    size_t to)
{
	struct ecpr__sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j;

	for (i = from; i < to; i++) {
		for (j = 0; j < g->ncol; j++) {
			if (j > 0)
				ecpr__sb_addc(sb, ',');
			tmp.n = 0;
			ecpr__plain_cell(&tmp, ecpr__grid_cell(g, i, j));
			if (tmp.failed) {
				sb->failed = 1;
				break;
			}
			ecpr__csv_field(sb, tmp.s != NULL ? tmp.s : "");
		}
		ecpr__sb_addc(sb, '\n');
	}
	free(tmp.s);
}

static void
note_plain(struct ecpr__sbuf *sb, const struct ecpr__note *nt)
{
	if (nt->mark != NULL) {
		ecpr__sb_addc(sb, '(');
		ecpr__sb_add(sb, nt->mark);
		ecpr__sb_add(sb, ") ");
	}
	ecpr__sb_add(sb, nt->term);
	ecpr__sb_add(sb, ": ");
	ecpr__sb_add(sb, nt->text != NULL ? nt->text : "");
}

int
ecpr__grid_widths(const struct ecpr__grid *g, size_t *width, int body)
{
	struct ecpr__sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j, w;

	for (i = body ? 1 : 0; i <= g->nrow; i++) {
		for (j = 0; j < g->ncol; j++) {
			tmp.n = 0;
			ecpr__plain_cell(&tmp, ecpr__grid_cell(g, i, j));
			if (tmp.failed)
				break;
			w = tmp.s != NULL ? ecpr__display_width(tmp.s) : 0;
			if (w > width[j])
				width[j] = w;
		}
	}
	free(tmp.s);
	return tmp.failed ? -1 : 0;
}

/* Rows [from, to) of a text table, padded to width. */
static void
text_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    const size_t *width, size_t from, size_t to)
{
	struct ecpr__sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j, w;

	for (i = from; i < to; i++) {
		for (j = 0; j < g->ncol; j++) {
			const struct ecpr__cell *c = ecpr__grid_cell(g, i, j);
			const char *s;

			if (c->mark == NULL && c->after == NULL) {
				/* the text alone: no copy first */
				s = c->text != NULL ? c->text : "";
			} else {
				tmp.n = 0;
				ecpr__plain_cell(&tmp, c);
				s = tmp.s != NULL ? tmp.s : "";
			}
			if (j > 0)
				ecpr__sb_add(sb, "  ");
			ecpr__sb_add(sb, s);
			if (j + 1 < g->ncol)
				ecpr__sb_pad(sb, width[j] -
				    ecpr__display_width(s));
		}
		/* No trailing blanks (empty cells at the end of a line). */
		while (sb->n > 0 && sb->s[sb->n - 1] == ' ')
			sb->s[--sb->n] = '\0';
		ecpr__sb_addc(sb, '\n');
		if (i == 0) {
			for (j = 0; j < g->ncol; j++) {
				if (j > 0)
					ecpr__sb_add(sb, "  ");
				for (w = 0; w < width[j]; w++)
					ecpr__sb_addc(sb, '-');
			}
			ecpr__sb_addc(sb, '\n');
		}
	}
	if (tmp.failed)
		sb->failed = 1;
	free(tmp.s);
}

static void
text_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g)
{
	size_t i;

	ecpr__sb_addc(sb, '\n');
	for (i = 0; i < g->nnotes; i++) {
		note_plain(sb, &g->notes[i]);
		ecpr__sb_addc(sb, '\n');
	}
	ecpr__sb_add(sb, "Abbreviations: ");
	ecpr__sb_add(sb, g->abbrev);
	ecpr__sb_add(sb, ".\n");
	ecpr__sb_add(sb, "Definitions: ");
	ecpr__sb_add(sb, ecpr_defs_version());
	ecpr__sb_add(sb, ".\n");
}

static void
md_escape(struct ecpr__sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>|", *s) != NULL)
			ecpr__sb_addc(sb, '\\');
		ecpr__sb_addc(sb, *s);
	}
}

static void
md_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g, size_t from,
    size_t to)
{
	struct ecpr__sbuf tmp = { NULL, 0, 0, 0 };
	size_t i, j;

	for (i = from; i < to; i++) {
		ecpr__sb_addc(sb, '|');
		for (j = 0; j < g->ncol; j++) {
			tmp.n = 0;
			ecpr__plain_cell(&tmp, ecpr__grid_cell(g, i, j));
			ecpr__sb_addc(sb, ' ');
			md_escape(sb, tmp.s != NULL ? tmp.s : "");
			ecpr__sb_add(sb, " |");
		}
		ecpr__sb_addc(sb, '\n');
		if (i == 0) {
			ecpr__sb_addc(sb, '|');
			for (j = 0; j < g->ncol; j++)
				ecpr__sb_add(sb, " --- |");
			ecpr__sb_addc(sb, '\n');
		}
	}
	if (tmp.failed)
		sb->failed = 1;
	free(tmp.s);
}

static void
md_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g)
{
	size_t i;

	for (i = 0; i < g->nnotes; i++) {
		const struct ecpr__note *nt = &g->notes[i];

		ecpr__sb_addc(sb, '\n');
		if (nt->mark != NULL) {
			ecpr__sb_add(sb, "<sup>");
			ecpr__sb_add(sb, nt->mark);
			ecpr__sb_add(sb, "</sup> ");
		}
		md_escape(sb, nt->term);
		ecpr__sb_add(sb, ": ");
		md_escape(sb, nt->text != NULL ? nt->text : "");
		ecpr__sb_addc(sb, '\n');
	}
	ecpr__sb_add(sb, "\nAbbreviations: ");
	md_escape(sb, g->abbrev);
	ecpr__sb_add(sb, ".\n\nDefinitions: ");
	md_escape(sb, ecpr_defs_version());
	ecpr__sb_add(sb, ".\n");
}

/* The characters of the tables that pdfLaTeX cannot take as UTF-8. */
static const struct {
	const char *utf8, *tex;
} tex_symbols[] = {
	{ "μ", "\\textmu{}" }, { "µ", "\\textmu{}" },
	{ "≤", "$\\leq$" }, { "≥", "$\\geq$" }, { "–", "--" },
	{ "⁹", "\\textsuperscript{9}" }, { "³", "\\textsuperscript{3}" },
};

/* Index of the symbol s starts with, or -1. */
static int
tex_unicode(const char *s)
{
	size_t k;

	if ((unsigned char)*s < 0x80)
		return -1;
	for (k = 0; k < sizeof(tex_symbols) / sizeof(tex_symbols[0]); k++)
		if (strncmp(s, tex_symbols[k].utf8,
		    strlen(tex_symbols[k].utf8)) == 0)
			return (int)k;
	return -1;
}

static void
tex_escape(struct ecpr__sbuf *sb, const char *s)
{
	int k;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
		case '%':
		case '$':
		case '#':
		case '_':
		case '{':
		case '}':
			ecpr__sb_addc(sb, '\\');
			ecpr__sb_addc(sb, *s);
			break;
		case '~':
			ecpr__sb_add(sb, "\\textasciitilde{}");
			break;
		case '<':
			ecpr__sb_add(sb, "\\textless{}");
			break;
		case '>':
			ecpr__sb_add(sb, "\\textgreater{}");
			break;
		case '^':
			ecpr__sb_add(sb, "\\textasciicircum{}");
			break;
		case '\\':
			ecpr__sb_add(sb, "\\textbackslash{}");
			break;
		default:
			if ((k = tex_unicode(s)) >= 0) {
				ecpr__sb_add(sb, tex_symbols[k].tex);
				s += strlen(tex_symbols[k].utf8) - 1;
				break;
			}
			ecpr__sb_addc(sb, *s);
			break;
		}
	}
}

static void
tex_cell(struct ecpr__sbuf *sb, const struct ecpr__cell *c)
{
	tex_escape(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		ecpr__sb_add(sb, "\\textsuperscript{");
		tex_escape(sb, c->mark);
		ecpr__sb_addc(sb, '}');
	}
	if (c->after != NULL)
		tex_escape(sb, c->after);
}

static void
tex_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g, size_t from,
    size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		if (i == 0) {
			ecpr__sb_add(sb, "\\begin{tabular}{");
			for (j = 0; j < g->ncol; j++)
				ecpr__sb_addc(sb, 'l');
			ecpr__sb_add(sb, "}\n\\toprule\n");
		}
		for (j = 0; j < g->ncol; j++) {
			if (j > 0)
				ecpr__sb_add(sb, " & ");
			tex_cell(sb, ecpr__grid_cell(g, i, j));
		}
		ecpr__sb_add(sb, " \\\\\n");
		if (i == 0)
			ecpr__sb_add(sb, "\\midrule\n");
	}
}

static void
tex_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g)
{
	size_t i;

	ecpr__sb_add(sb, "\\bottomrule\n\\end{tabular}\n\n");
	for (i = 0; i < g->nnotes; i++) {
		const struct ecpr__note *nt = &g->notes[i];

		if (nt->mark != NULL) {
			ecpr__sb_add(sb, "\\textsuperscript{");
			tex_escape(sb, nt->mark);
			ecpr__sb_add(sb, "}~");
		}
		tex_escape(sb, nt->term);
		ecpr__sb_add(sb, ": ");
		tex_escape(sb, nt->text != NULL ? nt->text : "");
		ecpr__sb_add(sb, "\\par\n");
	}
	ecpr__sb_add(sb, "Abbreviations: ");
	tex_escape(sb, g->abbrev);
	ecpr__sb_add(sb, ".\\par\nDefinitions: ");
	tex_escape(sb, ecpr_defs_version());
	ecpr__sb_add(sb, ".\\par\n");
}

static void
html_escape(struct ecpr__sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			ecpr__sb_add(sb, "&amp;");
			break;
		case '<':
			ecpr__sb_add(sb, "&lt;");
			break;
		case '>':
			ecpr__sb_add(sb, "&gt;");
			break;
		case '"':
			ecpr__sb_add(sb, "&quot;");
			break;
		case '\'':
			ecpr__sb_add(sb, "&#39;");
			break;
		default:
			ecpr__sb_addc(sb, *s);
			break;
		}
	}
}

static void
html_cell(struct ecpr__sbuf *sb, const struct ecpr__cell *c)
{
	html_escape(sb, c->text != NULL ? c->text : "");
	if (c->mark != NULL) {
		ecpr__sb_add(sb, "<sup>");
		html_escape(sb, c->mark);
		ecpr__sb_add(sb, "</sup>");
	}
	if (c->after != NULL)
		html_escape(sb, c->after);
}

static void
html_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g, size_t from,
    size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		if (i == 0) {
			ecpr__sb_add(sb, "<table class=\"ecpr-table\">\n"
			    "<thead>\n<tr>");
			for (j = 0; j < g->ncol; j++) {
				ecpr__sb_add(sb, "<th scope=\"col\">");
				html_cell(sb, ecpr__grid_cell(g, 0, j));
				ecpr__sb_add(sb, "</th>");
			}
			ecpr__sb_add(sb, "</tr>\n</thead>\n<tbody>\n");
			continue;
		}
		ecpr__sb_add(sb, "<tr>");
		for (j = 0; j < g->ncol; j++) {
			ecpr__sb_add(sb, j == 0 ? "<th scope=\"row\">" : "<td>");
			html_cell(sb, ecpr__grid_cell(g, i, j));
			ecpr__sb_add(sb, j == 0 ? "</th>" : "</td>");
		}
		ecpr__sb_add(sb, "</tr>\n");
	}
}

static void
html_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g)
{
	char colspan[32];
	size_t i;

	snprintf(colspan, sizeof(colspan), "<tr><td colspan=\"%zu\">",
	    g->ncol);
	ecpr__sb_add(sb, "</tbody>\n<tfoot>\n");
	for (i = 0; i < g->nnotes; i++) {
		const struct ecpr__note *nt = &g->notes[i];

		ecpr__sb_add(sb, colspan);
		if (nt->mark != NULL) {
			ecpr__sb_add(sb, "<sup>");
			html_escape(sb, nt->mark);
			ecpr__sb_add(sb, "</sup> ");
		}
		html_escape(sb, nt->term);
		ecpr__sb_add(sb, ": ");
		html_escape(sb, nt->text != NULL ? nt->text : "");
		ecpr__sb_add(sb, "</td></tr>\n");
	}
	ecpr__sb_add(sb, colspan);
	ecpr__sb_add(sb, "Abbreviations: ");
	html_escape(sb, g->abbrev);
	ecpr__sb_add(sb, ".</td></tr>\n");
	ecpr__sb_add(sb, colspan);
	ecpr__sb_add(sb, "Definitions: ");
	html_escape(sb, ecpr_defs_version());
	ecpr__sb_add(sb, ".</td></tr>\n</tfoot>\n</table>\n");
}

void
ecpr__grid_render_rows(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format, const size_t *width, size_t from, size_t to)
{
	switch (format) {
	case ECPR_REPORT_CSV:
		csv_rows(sb, g, from, to);
		break;
	case ECPR_REPORT_TEXT:
		text_rows(sb, g, width, from, to);
		break;
	case ECPR_REPORT_MARKDOWN:
		md_rows(sb, g, from, to);
		break;
	case ECPR_REPORT_LATEX:
		tex_rows(sb, g, from, to);
		break;
	case ECPR_REPORT_HTML:
		html_rows(sb, g, from, to);
		break;
	}
}

void
ecpr__grid_render_foot(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format)
{
	switch (format) {
	case ECPR_REPORT_CSV:
		break;
	case ECPR_REPORT_TEXT:
		text_foot(sb, g);
		break;
	case ECPR_REPORT_MARKDOWN:
		md_foot(sb, g);
		break;
	case ECPR_REPORT_LATEX:
		tex_foot(sb, g);
		break;
	case ECPR_REPORT_HTML:
		html_foot(sb, g);
		break;
	}
}

void
ecpr__grid_render(struct ecpr__sbuf *sb, const struct ecpr__grid *g,
    ecpr_report_format format)
{
	size_t *width = NULL;

	if (format == ECPR_REPORT_TEXT) {
		width = calloc(g->ncol + 1, sizeof(*width));
		if (width == NULL || ecpr__grid_widths(g, width, 0) != 0) {
			sb->failed = 1;
			free(width);
			return;
		}
	}
	ecpr__grid_render_rows(sb, g, format, width, 0, g->nrow + 1);
	ecpr__grid_render_foot(sb, g, format);
	free(width);
}
