/*
 * criteria.c - eligibility criteria as data (ecpr-criteria(5)): read a
 * criteria file, evaluate its criteria on an episode with three values
 * (pass, fail, unknown), and count a flowchart of episodes through them.
 *
 * An expression is parsed once into a small tree of nodes held in one
 * array (children by index); its literals are checked and normalised at
 * load time, so evaluation compares canonical values only.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Criteria files are small; a bigger file is a mistake. */
#define CRIT_FILE_MAX (1024 * 1024)
#define CRIT_NAME_MAX 64
#define CRIT_STR_CHUNK 4096

enum node_kind { N_OR, N_AND, N_NOT, N_HAS, N_CMP };
enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN };
/* What a comparison reads from the episode. */
enum operand { OPD_NUMBER, OPD_TEXT, OPD_INTERVAL };

static const char *const op_names[] = { "=", "!=", "<", "<=", ">", ">=",
	"in" };

struct node {
	unsigned char kind;    /* enum node_kind */
	unsigned char op;      /* enum cmp_op (N_CMP) */
	unsigned char operand; /* enum operand (N_CMP) */
	int id; /* attribute, interval (N_CMP) or event (N_HAS) */
	size_t a, b; /* N_OR, N_AND: children; N_NOT: child a; N_CMP: the
	                values [a, a + b) */
};

/* A literal: canonical text (codes, free text) or a number. */
struct lit {
	const char *text;
	ecpr_value num;
};

struct criterion {
	const char *name, *label, *expr;
	unsigned long line; /* of its "criterion" key */
	unsigned long expr_line;
	size_t root;
};

struct ecpr_criteria {
	struct ecpr__arena_chunk *strs;
	const char *title, *source;
	struct criterion *items;
	size_t n, cap;
	struct node *nodes;
	size_t nnodes, capnodes;
	struct lit *lits;
	size_t nlits, caplits;
	int intervals; /* an expression reads an interval */
};

/* ------------------------------------------------------------------ */
/* Storage                                                              */
/* ------------------------------------------------------------------ */

static const char *
crit_strdup(ecpr_criteria *c, const char *s, size_t n)
{
	char *p = ecpr__arena_alloc(&c->strs, n + 1, CRIT_STR_CHUNK,
	    SIZE_MAX);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
ecpr_criteria_free(ecpr_criteria *c)
{
	if (c == NULL)
		return;
	ecpr__arena_free(c->strs);
	free(c->items);
	free(c->nodes);
	free(c->lits);
	free(c);
}

/* ------------------------------------------------------------------ */
/* Expressions                                                          */
/* ------------------------------------------------------------------ */

enum tok { T_END, T_WORD, T_STRING, T_OP, T_LPAREN, T_RPAREN, T_COMMA };

struct parser {
	ecpr_criteria *c;
	const char *s;   /* the expression */
	size_t pos;      /* after the current token */
	enum tok tok;
	const char *t;   /* the current token (a string: inside the quotes) */
	size_t tn;
	int op;          /* T_OP: enum cmp_op */
	const char *path;
	unsigned long line;
	ecpr_error *err;
};

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* A byte that ends a word. */
static int
is_special(char ch)
{
	return is_space(ch) || ch == '\0' || ch == '=' || ch == '!' ||
	    ch == '<' || ch == '>' || ch == '(' || ch == ')' || ch == ',' ||
	    ch == '"';
}

static int perr(struct parser *p, const char *fmt, ...) ECPR__PRINTF(2, 3);

/* ECPR_EPARSE at the expression's line: "key "expr": MESSAGE in "EXPR"". */
static int
perr(struct parser *p, const char *fmt, ...)
{
	char msg[ECPR_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ecpr__error_set(p->err, ECPR_EPARSE, p->path, p->line,
	    "key \"expr\": %s in \"%s\"", msg, p->s);
}

/* The current token as a NUL-terminated string (for messages). */
static const char *
tok_text(const struct parser *p, char *buf, size_t len)
{
	if (p->tok == T_END)
		return "the end";
	snprintf(buf, len, "\"%.*s\"", (int)p->tn, p->t);
	return buf;
}

static int
next(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->pos;

	while (is_space(s[i]))
		i++;
	p->t = s + i;
	p->tn = 1;
	switch (s[i]) {
	case '\0':
		p->tok = T_END;
		p->tn = 0;
		break;
	case '(':
		p->tok = T_LPAREN;
		break;
	case ')':
		p->tok = T_RPAREN;
		break;
	case ',':
		p->tok = T_COMMA;
		break;
	case '"': {
		const char *q = strchr(s + i + 1, '"');

		if (q == NULL) {
			p->pos = i;
			return perr(p, "a quote that is not closed");
		}
		p->tok = T_STRING;
		p->t = s + i + 1;
		p->tn = (size_t)(q - (s + i + 1));
		p->pos = (size_t)(q - s) + 1;
		return ECPR_OK;
	}
	case '=':
		p->tok = T_OP;
		p->op = OP_EQ;
		break;
	case '!':
		if (s[i + 1] != '=') {
			p->tok = T_WORD;
			p->pos = i + 1;
			return perr(p, "\"!\" without \"=\"");
		}
		p->tok = T_OP;
		p->op = OP_NE;
		p->tn = 2;
		break;
	case '<':
	case '>':
		p->tok = T_OP;
		p->op = s[i] == '<' ? OP_LT : OP_GT;
		if (s[i + 1] == '=') {
			p->op++;
			p->tn = 2;
		}
		break;
	default:
		p->tok = T_WORD;
		p->tn = 0;
		while (!is_special(s[i + p->tn]))
			p->tn++;
		break;
	}
	p->pos = i + p->tn;
	return ECPR_OK;
}

static int
is_word(const struct parser *p, const char *w)
{
	return p->tok == T_WORD && p->tn == strlen(w) &&
	    memcmp(p->t, w, p->tn) == 0;
}

static int
add_node(struct parser *p, const struct node *nd, size_t *out)
{
	ecpr_criteria *c = p->c;

	if (ecpr__grow((void **)&c->nodes, &c->capnodes, c->nnodes,
	    sizeof(*c->nodes)) < 0)
		return ecpr__error_set(p->err, ECPR_ENOMEM, p->path, p->line,
		    "out of memory");
	c->nodes[c->nnodes] = *nd;
	*out = c->nnodes++;
	return ECPR_OK;
}

static int parse_or(struct parser *p, size_t *out);

/* One literal of a comparison on operand kind k of attribute or
 * interval id, at the current token. */
static int
parse_lit(struct parser *p, enum operand k, int id, struct lit *out)
{
	char word[256], canon[256], tb[300];
	ecpr_error e = ECPR_ERROR_INIT;
	const char *name = k == OPD_INTERVAL ?
	    ecpr_interval_name((ecpr_interval_id)id) :
	    ecpr_attr_name((ecpr_attr_id)id);

	if (p->tok != T_WORD && p->tok != T_STRING)
		return perr(p, "expected a value after \"%s\", got %s", name,
		    tok_text(p, tb, sizeof(tb)));
	if (p->tn >= sizeof(word))
		return perr(p, "value of \"%s\" too long: %s", name,
		    tok_text(p, tb, sizeof(tb)));
	memcpy(word, p->t, p->tn);
	word[p->tn] = '\0';
	memset(out, 0, sizeof(*out));
	if (k == OPD_INTERVAL) {
		if (ecpr_value_parse(&out->num, word, &e) != ECPR_OK ||
		    out->num.cmp != ECPR_CMP_EQ)
			return perr(p, "interval \"%s\": \"%s\" is not a "
			    "number", name, word);
		return next(p);
	}
	if (ecpr_attr_normalize((ecpr_attr_id)id, word, canon, sizeof(canon),
	    &e) != ECPR_OK)
		return perr(p, "%s", e.message);
	if (k == OPD_NUMBER) {
		if (ecpr_value_parse(&out->num, canon, &e) != ECPR_OK)
			return perr(p, "%s", e.message);
	} else {
		if (ecpr__attr_kind((ecpr_attr_id)id) == ECPR__ATTR_CODE &&
		    strcmp(canon, "unknown") == 0)
			return perr(p, "attribute \"%s\": \"unknown\" cannot "
			    "be tested (an unknown value is always unknown)",
			    name);
		if ((out->text = crit_strdup(p->c, canon, strlen(canon))) ==
		    NULL)
			return ecpr__error_set(p->err, ECPR_ENOMEM, p->path,
			    p->line, "out of memory");
	}
	return next(p);
}

static int
add_lit(struct parser *p, const struct lit *l)
{
	ecpr_criteria *c = p->c;

	if (ecpr__grow((void **)&c->lits, &c->caplits, c->nlits,
	    sizeof(*c->lits)) < 0)
		return ecpr__error_set(p->err, ECPR_ENOMEM, p->path, p->line,
		    "out of memory");
	c->lits[c->nlits++] = *l;
	return ECPR_OK;
}

/* NAME OP VALUE, NAME [not] in (VALUE, ...) */
static int
parse_cmp(struct parser *p, size_t *out)
{
	char name[CRIT_NAME_MAX], tb[300];
	struct node nd;
	struct lit l;
	int id, neg = 0, rc;

	memset(&nd, 0, sizeof(nd));
	nd.kind = N_CMP;
	if (p->tn >= sizeof(name))
		return perr(p, "unknown attribute or interval %s",
		    tok_text(p, tb, sizeof(tb)));
	memcpy(name, p->t, p->tn);
	name[p->tn] = '\0';
	if ((id = ecpr_attr_lookup(name)) >= 0) {
		nd.operand = ecpr__attr_kind((ecpr_attr_id)id) ==
		    ECPR__ATTR_NUMBER ? OPD_NUMBER : OPD_TEXT;
	} else if ((id = ecpr_interval_lookup(name)) >= 0) {
		nd.operand = OPD_INTERVAL;
		p->c->intervals = 1;
	} else {
		return perr(p, "unknown attribute or interval \"%s\"", name);
	}
	nd.id = id;
	if ((rc = next(p)) != ECPR_OK)
		return rc;
	if (is_word(p, "not")) {
		neg = 1;
		if ((rc = next(p)) != ECPR_OK)
			return rc;
		if (!is_word(p, "in"))
			return perr(p, "expected \"in\" after \"%s not\", got "
			    "%s", name, tok_text(p, tb, sizeof(tb)));
	}
	nd.a = p->c->nlits;
	if (is_word(p, "in")) {
		nd.op = OP_IN;
		if ((rc = next(p)) != ECPR_OK)
			return rc;
		if (p->tok != T_LPAREN)
			return perr(p, "expected \"(\" after \"%s in\", got %s",
			    name, tok_text(p, tb, sizeof(tb)));
		do {
			if ((rc = next(p)) != ECPR_OK ||
			    (rc = parse_lit(p, nd.operand, id, &l)) !=
			    ECPR_OK || (rc = add_lit(p, &l)) != ECPR_OK)
				return rc;
		} while (p->tok == T_COMMA);
		if (p->tok != T_RPAREN)
			return perr(p, "expected \",\" or \")\" in the list of "
			    "\"%s\", got %s", name,
			    tok_text(p, tb, sizeof(tb)));
		if ((rc = next(p)) != ECPR_OK)
			return rc;
	} else if (p->tok == T_OP) {
		nd.op = (unsigned char)p->op;
		if (nd.operand == OPD_TEXT && nd.op != OP_EQ &&
		    nd.op != OP_NE)
			return perr(p, "attribute \"%s\" is not a number: "
			    "compare it with =, != or in, not \"%s\"", name,
			    op_names[nd.op]);
		if ((rc = next(p)) != ECPR_OK ||
		    (rc = parse_lit(p, nd.operand, id, &l)) != ECPR_OK ||
		    (rc = add_lit(p, &l)) != ECPR_OK)
			return rc;
	} else {
		return perr(p, "expected an operator (=, !=, <, <=, >, >=, "
		    "in) after \"%s\", got %s", name,
		    tok_text(p, tb, sizeof(tb)));
	}
	nd.b = p->c->nlits - nd.a;
	if ((rc = add_node(p, &nd, out)) != ECPR_OK)
		return rc;
	if (neg) {
		memset(&nd, 0, sizeof(nd));
		nd.kind = N_NOT;
		nd.a = *out;
		return add_node(p, &nd, out);
	}
	return ECPR_OK;
}

/* not X, (X), has EVENT, a comparison */
static int
parse_unary(struct parser *p, size_t *out)
{
	char name[CRIT_NAME_MAX], tb[300];
	struct node nd;
	int rc, id;

	memset(&nd, 0, sizeof(nd));
	if (is_word(p, "not")) {
		if ((rc = next(p)) != ECPR_OK ||
		    (rc = parse_unary(p, &nd.a)) != ECPR_OK)
			return rc;
		nd.kind = N_NOT;
		return add_node(p, &nd, out);
	}
	if (p->tok == T_LPAREN) {
		if ((rc = next(p)) != ECPR_OK ||
		    (rc = parse_or(p, out)) != ECPR_OK)
			return rc;
		if (p->tok != T_RPAREN)
			return perr(p, "expected \")\", got %s",
			    tok_text(p, tb, sizeof(tb)));
		return next(p);
	}
	if (is_word(p, "has")) {
		if ((rc = next(p)) != ECPR_OK)
			return rc;
		if (p->tok != T_WORD || p->tn >= sizeof(name))
			return perr(p, "expected an event after \"has\", got "
			    "%s", tok_text(p, tb, sizeof(tb)));
		memcpy(name, p->t, p->tn);
		name[p->tn] = '\0';
		if ((id = ecpr_event_lookup(name)) < 0)
			return perr(p, "unknown event \"%s\"", name);
		nd.kind = N_HAS;
		nd.id = id;
		if ((rc = next(p)) != ECPR_OK)
			return rc;
		return add_node(p, &nd, out);
	}
	if (p->tok != T_WORD || is_word(p, "and") || is_word(p, "or") ||
	    is_word(p, "in"))
		return perr(p, "expected an attribute, an interval, \"has\", "
		    "\"not\" or \"(\", got %s", tok_text(p, tb, sizeof(tb)));
	return parse_cmp(p, out);
}

/* X and Y and ... (kind N_AND), or X or Y or ... (N_OR) */
static int
parse_chain(struct parser *p, size_t *out, int kind)
{
	struct node nd;
	int rc;

	rc = kind == N_AND ? parse_unary(p, out) : parse_chain(p, out, N_AND);
	if (rc != ECPR_OK)
		return rc;
	while (is_word(p, kind == N_AND ? "and" : "or")) {
		memset(&nd, 0, sizeof(nd));
		nd.kind = (unsigned char)kind;
		nd.a = *out;
		if ((rc = next(p)) != ECPR_OK)
			return rc;
		rc = kind == N_AND ? parse_unary(p, &nd.b) :
		    parse_chain(p, &nd.b, N_AND);
		if (rc != ECPR_OK || (rc = add_node(p, &nd, out)) != ECPR_OK)
			return rc;
	}
	return ECPR_OK;
}

static int
parse_or(struct parser *p, size_t *out)
{
	return parse_chain(p, out, N_OR);
}

static int
parse_expr(ecpr_criteria *c, const char *expr, const char *path,
    unsigned long line, size_t *root, ecpr_error *err)
{
	struct parser p;
	char tb[300];
	int rc;

	memset(&p, 0, sizeof(p));
	p.c = c;
	p.s = expr;
	p.path = path;
	p.line = line;
	p.err = err;
	if ((rc = next(&p)) != ECPR_OK || (rc = parse_or(&p, root)) !=
	    ECPR_OK)
		return rc;
	if (p.tok != T_END)
		return perr(&p, "unexpected %s after a complete "
		    "expression", tok_text(&p, tb, sizeof(tb)));
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* The file                                                             */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 prefix of s[0..n). */
static size_t
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k, len;
		unsigned long cp;

		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			len = 2;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			len = 3;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			len = 4;
			cp = b & 0x07;
		} else {
			return i;
		}
		if (n - i < len)
			return i;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return i;
		i += len;
	}
	return n;
}

static int
read_all(const char *path, char **out, size_t *len, ecpr_error *err)
{
	FILE *fp;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL)
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot open: %s", strerror(errno));
	for (;;) {
		if (cap - n < 4096) {
			char *q;

			if (cap >= CRIT_FILE_MAX) {
				free(buf);
				fclose(fp);
				return ecpr__error_set(err, ECPR_EPARSE, path,
				    0, "file too large (a criteria file has "
				    "at most %d bytes)", CRIT_FILE_MAX);
			}
			cap = cap ? cap * 2 : 8192;
			if ((q = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(fp);
				return ecpr__error_set(err, ECPR_ENOMEM, path,
				    0, "out of memory");
			}
			buf = q;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot read: %s", strerror(errno));
	}
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return ECPR_OK;
}

enum key { K_TITLE, K_SOURCE, K_CRITERION, K_LABEL, K_EXPR, K_COUNT };
static const char *const keys[K_COUNT] = { "title", "source", "criterion",
	"label", "expr" };

static int
valid_name(const char *s)
{
	size_t i;

	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i < CRIT_NAME_MAX;
}

/* The criterion that lacks a label or an expression, or NULL. */
static int
check_complete(const ecpr_criteria *c, const char *path, ecpr_error *err)
{
	const struct criterion *it;

	if (c->n == 0)
		return ECPR_OK;
	it = &c->items[c->n - 1];
	if (it->label == NULL || it->expr == NULL)
		return ecpr__error_set(err, ECPR_EPARSE, path, it->line,
		    "criterion \"%s\" has no %s", it->name,
		    it->label == NULL ? "label" : "expr");
	return ECPR_OK;
}

static int
load_line(ecpr_criteria *c, char *s, size_t n, const char *path,
    unsigned long line, ecpr_error *err)
{
	struct criterion *it = c->n ? &c->items[c->n - 1] : NULL;
	const char **slot;
	char *eq, *v;
	size_t kn, vn, i;
	int k, rc;

	while (n > 0 && is_space(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space(s[n - 1]))
		n--;
	s[n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "control character (0x%02x) at column %zu",
			    (unsigned char)s[i], i + 1);
	if ((i = utf8_valid((const unsigned char *)s, n)) != n)
		return ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "invalid UTF-8 at column %zu", i + 1);
	if (n == 0 || s[0] == '#')
		return ECPR_OK;
	eq = strchr(s, '=');
	kn = eq ? (size_t)(eq - s) : 0;
	while (kn > 0 && is_space(s[kn - 1]))
		kn--;
	for (i = 0; i < kn; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			break;
	if (eq == NULL || kn == 0 || i < kn)
		return ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "\"%s\" is not \"key = value\"", s);
	s[kn] = '\0';
	v = eq + 1;
	while (is_space(*v))
		v++;
	vn = strlen(v);
	if ((k = ecpr__name_lookup(s, keys, K_COUNT)) < 0)
		return ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "unknown key \"%s\" (a criteria file has title, source, "
		    "criterion, label, expr)", s);
	if (vn == 0)
		return ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "key \"%s\": empty value", s);
	switch (k) {
	case K_TITLE:
	case K_SOURCE:
		slot = k == K_TITLE ? &c->title : &c->source;
		break;
	case K_CRITERION:
		if ((rc = check_complete(c, path, err)) != ECPR_OK)
			return rc;
		if (!valid_name(v))
			return ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "key \"criterion\": \"%s\" is not a name (a "
			    "lower-case letter, then letters, digits and _, "
			    "at most %d)", v, CRIT_NAME_MAX - 1);
		for (i = 0; i < c->n; i++)
			if (strcmp(c->items[i].name, v) == 0)
				return ecpr__error_set(err, ECPR_EPARSE, path,
				    line, "key \"criterion\": \"%s\" given "
				    "twice (first on line %lu)", v,
				    c->items[i].line);
		if (ecpr__grow((void **)&c->items, &c->cap, c->n,
		    sizeof(*c->items)) < 0)
			return ecpr__error_set(err, ECPR_ENOMEM, path, line,
			    "out of memory");
		it = &c->items[c->n++];
		memset(it, 0, sizeof(*it));
		it->line = line;
		slot = &it->name;
		break;
	default:
		if (it == NULL)
			return ecpr__error_set(err, ECPR_EPARSE, path, line,
			    "key \"%s\" before the first criterion", s);
		slot = k == K_LABEL ? &it->label : &it->expr;
		break;
	}
	if (*slot != NULL)
		return ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "key \"%s\" given twice%s%s%s", s, k >= K_LABEL ?
		    " for criterion \"" : "", k >= K_LABEL ? it->name : "",
		    k >= K_LABEL ? "\"" : "");
	if ((*slot = crit_strdup(c, v, vn)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, path, line,
		    "out of memory");
	if (k == K_EXPR) {
		it->expr_line = line;
		return parse_expr(c, it->expr, path, line, &it->root, err);
	}
	return ECPR_OK;
}

int
ecpr_criteria_load(ecpr_criteria **out, const char *path, ecpr_error *err)
{
	ecpr_criteria *c = NULL;
	char *buf = NULL, *s, *end;
	size_t len = 0;
	unsigned long line = 0;
	int rc;

	if (out == NULL || path == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_criteria_load: invalid argument");
	*out = NULL;
	if ((rc = read_all(path, &buf, &len, err)) != ECPR_OK)
		return rc;
	if (buf == NULL) /* read_all gives a buffer on success */
		return ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		rc = ecpr__error_set(err, ECPR_ENOMEM, path, 0,
		    "out of memory");
		goto out;
	}
	if (memchr(buf, '\0', len) != NULL) {
		const char *z = memchr(buf, '\0', len);
		const char *q;

		line = 1;
		for (q = buf; q < z; q++)
			line += *q == '\n';
		rc = ecpr__error_set(err, ECPR_EPARSE, path, line,
		    "NUL byte");
		goto out;
	}
	s = buf;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (*s != '\0') {
		size_t n;

		line++;
		end = strchr(s, '\n');
		n = end ? (size_t)(end - s) : strlen(s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if ((rc = load_line(c, s, n, path, line, err)) != ECPR_OK)
			goto out;
		if (end == NULL)
			break;
		s = end + 1;
	}
	if ((rc = check_complete(c, path, err)) != ECPR_OK)
		goto out;
	if (c->title == NULL || c->source == NULL || c->n == 0) {
		rc = ecpr__error_set(err, ECPR_EPARSE, path, 0, "no %s",
		    c->title == NULL ? "title" : c->source == NULL ?
		    "source (the citation of the criteria)" : "criterion");
		goto out;
	}
	*out = c;
	c = NULL;
out:
	free(buf);
	ecpr_criteria_free(c);
	return rc;
}

const char *
ecpr_criteria_title(const ecpr_criteria *c)
{
	return c ? c->title : NULL;
}

const char *
ecpr_criteria_source(const ecpr_criteria *c)
{
	return c ? c->source : NULL;
}

size_t
ecpr_criteria_count(const ecpr_criteria *c)
{
	return c ? c->n : 0;
}

const char *
ecpr_criteria_name(const ecpr_criteria *c, size_t i)
{
	return c && i < c->n ? c->items[i].name : NULL;
}

const char *
ecpr_criteria_label(const ecpr_criteria *c, size_t i)
{
	return c && i < c->n ? c->items[i].label : NULL;
}

const char *
ecpr_criteria_expr(const ecpr_criteria *c, size_t i)
{
	return c && i < c->n ? c->items[i].expr : NULL;
}

/* ------------------------------------------------------------------ */
/* Evaluation: three values (Kleene's logic)                            */
/* ------------------------------------------------------------------ */

#define PASS ECPR_VERDICT_PASS
#define FAIL ECPR_VERDICT_FAIL
#define UNKNOWN ECPR_VERDICT_UNKNOWN

static ecpr_verdict
v_not(ecpr_verdict v)
{
	return v == UNKNOWN ? UNKNOWN : v == PASS ? FAIL : PASS;
}

/* A value somewhere in [lo, hi] against the literal x. */
static ecpr_verdict
cmp_range(int op, const ecpr_value *lo, const ecpr_value *hi,
    const ecpr_value *x)
{
	int l = ecpr_value_number_cmp(lo, x), h = ecpr_value_number_cmp(hi, x);

	switch (op) {
	case OP_LT:
		return h < 0 ? PASS : l >= 0 ? FAIL : UNKNOWN;
	case OP_LE:
		return h <= 0 ? PASS : l > 0 ? FAIL : UNKNOWN;
	case OP_GT:
		return l > 0 ? PASS : h <= 0 ? FAIL : UNKNOWN;
	case OP_GE:
		return l >= 0 ? PASS : h < 0 ? FAIL : UNKNOWN;
	case OP_NE:
		return v_not(cmp_range(OP_EQ, lo, hi, x));
	default: /* OP_EQ */
		return l == 0 && h == 0 ? PASS : l > 0 || h < 0 ? FAIL :
		    UNKNOWN;
	}
}

static ecpr_verdict
eval_cmp(const ecpr_criteria *c, const struct node *nd,
    const ecpr_episode *ep, const ecpr_interval *iv)
{
	const struct lit *l = &c->lits[nd->a];
	ecpr_value lo, hi;
	const char *text = NULL;
	ecpr_verdict v, any;
	size_t i;

	if (nd->operand == OPD_INTERVAL) {
		const ecpr_interval *x = &iv[nd->id];
		int scale = ecpr_interval_unit((ecpr_interval_id)nd->id) ==
		    ECPR_UNIT_DECIDAY;

		if (!x->known)
			return UNKNOWN;
		lo.cmp = hi.cmp = ECPR_CMP_EQ;
		lo.mant = x->lo;
		hi.mant = x->hi;
		lo.scale = hi.scale = scale;
	} else {
		text = ecpr_episode_attr(ep, (ecpr_attr_id)nd->id);
		if (text == NULL)
			return UNKNOWN;
		if (nd->operand == OPD_NUMBER) {
			if (ecpr_value_parse(&lo, text, NULL) != ECPR_OK)
				return UNKNOWN;
			hi = lo;
		} else if (ecpr__attr_kind((ecpr_attr_id)nd->id) ==
		    ECPR__ATTR_CODE && strcmp(text, "unknown") == 0) {
			return UNKNOWN;
		}
	}
	if (nd->op != OP_IN) {
		if (nd->operand == OPD_TEXT)
			v = (strcmp(text, l->text) == 0) == (nd->op == OP_EQ) ?
			    PASS : FAIL;
		else
			v = cmp_range(nd->op, &lo, &hi, &l->num);
		return v;
	}
	any = FAIL;
	for (i = 0; i < nd->b && any != PASS; i++) {
		if (nd->operand == OPD_TEXT)
			v = strcmp(text, l[i].text) == 0 ? PASS : FAIL;
		else
			v = cmp_range(OP_EQ, &lo, &hi, &l[i].num);
		if (v != FAIL)
			any = v;
	}
	return any;
}

static ecpr_verdict
eval_node(const ecpr_criteria *c, size_t i, const ecpr_episode *ep,
    const ecpr_interval *iv)
{
	const struct node *nd = &c->nodes[i];
	ecpr_verdict a, b;

	switch (nd->kind) {
	case N_NOT:
		return v_not(eval_node(c, nd->a, ep, iv));
	case N_AND:
		a = eval_node(c, nd->a, ep, iv);
		if (a == FAIL)
			return FAIL;
		b = eval_node(c, nd->b, ep, iv);
		return b == FAIL ? FAIL : a == UNKNOWN || b == UNKNOWN ?
		    UNKNOWN : PASS;
	case N_OR:
		a = eval_node(c, nd->a, ep, iv);
		if (a == PASS)
			return PASS;
		b = eval_node(c, nd->b, ep, iv);
		return b == PASS ? PASS : a == UNKNOWN || b == UNKNOWN ?
		    UNKNOWN : FAIL;
	case N_HAS:
		return ecpr_episode_first(ep, (ecpr_event_type)nd->id) ?
		    PASS : FAIL;
	default:
		return eval_cmp(c, nd, ep, iv);
	}
}

int
ecpr_criteria_eval(const ecpr_criteria *c, const ecpr_episode *ep,
    ecpr_verdict *out, ecpr_error *err)
{
	ecpr_interval iv[ECPR_IV_COUNT];
	size_t i;
	int rc;

	if (c == NULL || ep == NULL || out == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_criteria_eval: invalid argument");
	memset(iv, 0, sizeof(iv));
	if (c->intervals && (rc = ecpr_episode_intervals(ep, iv,
	    ECPR_IV_COUNT, err)) != ECPR_OK)
		return rc;
	for (i = 0; i < c->n; i++)
		out[i] = eval_node(c, c->items[i].root, ep, iv);
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* Flowcharts                                                           */
/* ------------------------------------------------------------------ */

struct ecpr_flow {
	const ecpr_criteria *c;
	ecpr_verdict *v;
	ecpr_flow_step *steps;
	uint64_t total;
	ecpr_flow_outcome eligible;
};

int
ecpr_flow_new(ecpr_flow **out, const ecpr_criteria *c, ecpr_error *err)
{
	ecpr_flow *f;

	if (out == NULL || c == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_flow_new: invalid argument");
	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->v = calloc(c->n + 1, sizeof(*f->v))) == NULL ||
	    (f->steps = calloc(c->n + 1, sizeof(*f->steps))) == NULL) {
		ecpr_flow_free(f);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	f->c = c;
	*out = f;
	return ECPR_OK;
}

void
ecpr_flow_free(ecpr_flow *f)
{
	if (f == NULL)
		return;
	free(f->v);
	free(f->steps);
	free(f);
}

int
ecpr_flow_add(ecpr_flow *f, const ecpr_episode *ep, ecpr_error *err)
{
	size_t i;
	int rc, survived, favourable;

	if (f == NULL || ep == NULL)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "ecpr_flow_add: invalid argument");
	if ((rc = ecpr_criteria_eval(f->c, ep, f->v, err)) != ECPR_OK)
		return rc;
	survived = ecpr_episode_survived(ep);
	favourable = ecpr_episode_favourable(ep);
	f->total++;
	for (i = 0; i < f->c->n; i++) {
		ecpr_flow_step *s = &f->steps[i];

		s->in++;
		if (f->v[i] == PASS) {
			s->passed++;
			continue;
		}
		if (f->v[i] == UNKNOWN) {
			s->unknown++;
			return ECPR_OK;
		}
		s->failed++;
		s->failed_survived += survived == 1;
		s->failed_favourable += favourable == 1;
		return ECPR_OK;
	}
	ecpr_flow_outcome_add(&f->eligible, ep);
	return ECPR_OK;
}

size_t
ecpr_flow_step_count(const ecpr_flow *f)
{
	return f ? f->c->n : 0;
}

int
ecpr_flow_step_get(const ecpr_flow *f, size_t i, ecpr_flow_step *out)
{
	if (f == NULL || out == NULL || i >= f->c->n)
		return ECPR_EINVAL;
	*out = f->steps[i];
	return ECPR_OK;
}

void
ecpr_flow_total(const ecpr_flow *f, uint64_t *n)
{
	if (n != NULL)
		*n = f ? f->total : 0;
}

void
ecpr_flow_eligible(const ecpr_flow *f, ecpr_flow_outcome *out)
{
	if (out == NULL)
		return;
	if (f == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = f->eligible;
}
