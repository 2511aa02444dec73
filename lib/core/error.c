/*
 * error.c - status codes and the ecpr_error type
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *
ecpr_version(void)
{
	return PACKAGE_VERSION;
}

const char *
ecpr_strerror(int code)
{
	switch (code) {
	case ECPR_OK:
		return "success";
	case ECPR_ENOMEM:
		return "out of memory";
	case ECPR_EINVAL:
		return "invalid argument";
	case ECPR_EIO:
		return "input/output error";
	case ECPR_EPARSE:
		return "malformed input";
	case ECPR_ERULE:
		return "inconsistent data";
	case ECPR_EDB:
		return "database error";
	case ECPR_ERENDER:
		return "rendering error";
	case ECPR_ENOTFOUND:
		return "not found";
	default:
		return "unknown error";
	}
}

void
ecpr_error_clear(ecpr_error *err)
{
	if (err == NULL)
		return;
	/*
	 * Field by field: the same error as ECPR_ERROR_INIT to every reader,
	 * without writing its 1 KiB of buffers (this runs for every row).
	 */
	err->code = ECPR_OK;
	err->file[0] = '\0';
	err->line = 0;
	err->message[0] = '\0';
	err->sqlstate[0] = '\0';
}

size_t
ecpr_error_format(const ecpr_error *err, char *buf, size_t len)
{
	const char *msg;
	int n;

	if (err == NULL)
		return 0;
	msg = err->message[0] ? err->message : ecpr_strerror(err->code);
	if (err->file[0] && err->line > 0)
		n = snprintf(buf, len, "%s:%lu: %s", err->file, err->line, msg);
	else if (err->file[0])
		n = snprintf(buf, len, "%s: %s", err->file, msg);
	else
		n = snprintf(buf, len, "%s", msg);
	return n < 0 ? 0 : (size_t)n;
}

static void
copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
ecpr__error_set(ecpr_error *err, ecpr_status code, const char *file,
    unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	memset(err, 0, sizeof(*err));
	err->code = code;
	if (file != NULL)
		copy_str(err->file, sizeof(err->file), file);
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void
ecpr__error_locate(ecpr_error *err, const char *file, unsigned long line)
{
	if (err == NULL)
		return;
	if (err->file[0] == '\0' && file != NULL)
		copy_str(err->file, sizeof(err->file), file);
	if (err->line == 0)
		err->line = line;
}

void
ecpr__error_prefix(ecpr_error *err, const char *fmt, ...)
{
	char old[ECPR_ERROR_MSG_MAX];
	size_t n;
	va_list ap;

	if (err == NULL)
		return;
	memcpy(old, err->message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	n = strlen(err->message);
	if (n < sizeof(err->message) - 1)
		copy_str(err->message + n, sizeof(err->message) - n, old);
}

int64_t
ecpr__div_round(int64_t num, int64_t den)
{
	if (num >= 0)
		return (num + den / 2) / den;
	return -((-num + den / 2) / den);
}

int
ecpr__name_lookup(const char *name, const char *const names[], size_t n)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -1;
}

/* Howard Hinnant's civil-date algorithms: internal.h has the first. */
int64_t
ecpr__days_from_civil(int64_t y, int m, int d)
{
	return ecpr__days_from_civil_inline(y, m, d);
}

void
ecpr__civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
ecpr__days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30,
		31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12)
		return 0;
	return dim[m - 1] + (m == 2 && leap);
}

int
ecpr__grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *q;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 16;
	if ((q = realloc(*p, c * size)) == NULL)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

char *
ecpr__arena_alloc(struct ecpr__arena_chunk **head, size_t n, size_t min,
    size_t max)
{
	struct ecpr__arena_chunk *c = *head;
	char *p;

	if (c == NULL || c->cap - c->used < n) {
		size_t cap = c == NULL ? min : c->cap * 2;

		if (cap > max)
			cap = max;
		if (cap < n)
			cap = n;
		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->next = *head;
		c->used = 0;
		c->cap = cap;
		*head = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

void
ecpr__arena_free(struct ecpr__arena_chunk *head)
{
	ecpr__arena_free_to(head, NULL);
}

void
ecpr__arena_free_to(struct ecpr__arena_chunk *head,
    struct ecpr__arena_chunk *stop)
{
	struct ecpr__arena_chunk *next;

	for (; head != stop; head = next) {
		next = head->next;
		free(head);
	}
}
