/*
 * test_xsort.c - the external merge sort (lib/core/xsort.c): records in
 * order, equal ones in the order added, through temporary files when the
 * budget is small, and errors when the temporary directory fails.
 */
#include "config.h"

#include <sys/resource.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"

/* The calls of key_cmp; whether sorted_text sorts by key_chunk, and
 * whether some keys are longer than the sort's chunks tell apart. */
static unsigned long ncmp;
static int by_key, by_prefix, long_keys;

/* Records "KEY:SEQ": ordered by KEY only (so SEQ shows stability). */
static int
key_cmp(void *ctx, const void *a, size_t alen, const void *b, size_t blen)
{
	size_t la = strcspn(a, ":"), lb = strcspn(b, ":");
	int c = memcmp(a, b, la < lb ? la : lb);

	(void)ctx;
	(void)alen;
	(void)blen;
	ncmp++;
	return c != 0 ? c : (la > lb) - (la < lb);
}

/* key_cmp's order as chunks: KEY's bytes (it holds no NUL, so zero
 * bytes after its end put a shorter key first, as key_cmp does). */
static int
key_chunk(const void *rec, size_t len, size_t i, uint64_t *chunk)
{
	const unsigned char *r = rec;
	size_t klen = strcspn(rec, ":"), k;
	uint64_t c = 0;

	(void)len;
	for (k = 8 * i; k < 8 * i + 8; k++)
		c = c << 8 | (k < klen ? r[k] : 0);
	*chunk = c;
	return 8 * i + 8 < klen;
}

/* key_cmp's first chunk as the prefix of the sort in memory. */
static uint64_t
key_prefix(const void *rec, size_t len)
{
	uint64_t c;

	key_chunk(rec, len, 0, &c);
	return c;
}

/* Record i of the fixed sequence (x its generator) into rec: 200
 * distinct keys of different lengths, many ties; with long_keys every
 * third key is 70 bytes longer (past 8 chunks: cmp decides). */
static size_t
make_rec(char *rec, size_t size, int i, uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return (size_t)snprintf(rec, size, "%sk%.*u:%d", long_keys && *x %
	    3 == 0 ? "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	    "kkkkkkkkkkkkk" : "", (int)(*x >> 16) % 4 + 1, (*x >> 8) % 200, i);
}

/* n records with keys from a fixed sequence, read back after sorting
 * with the given budget: the text of all, "KEY:SEQ\n" each. */
static char *
sorted_text(size_t budget, int n, ecpr_status *rc)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr__xsort *xs = NULL;
	char rec[128], *out = NULL;
	size_t olen = 0, len;
	const void *r;
	FILE *fp = open_memstream(&out, &olen);
	uint32_t x = 12345;
	int i, got;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL_FATAL(ecpr__xsort_new(&xs, key_cmp, NULL, budget,
	    &err), ECPR_OK);
	if (by_key)
		ecpr__xsort_set_key(xs, key_chunk);
	if (by_prefix)
		ecpr__xsort_set_prefix(xs, key_prefix);
	*rc = ECPR_OK;
	for (i = 0; i < n && *rc == ECPR_OK; i++) {
		len = make_rec(rec, sizeof(rec), i, &x);
		*rc = ecpr__xsort_add(xs, rec, len + 1, &err);
	}
	if (*rc == ECPR_OK)
		*rc = ecpr__xsort_sort(xs, &err);
	while (*rc == ECPR_OK && (got = ecpr__xsort_next(xs, &r, &len,
	    &err)) != 0) {
		if (got < 0) {
			*rc = got;
			break;
		}
		fprintf(fp, "%s\n", (const char *)r);
	}
	if (*rc != ECPR_OK)
		fprintf(fp, "error %d: %s: %s\n", *rc, err.file, err.message);
	if (*rc == ECPR_OK)
		CU_ASSERT_EQUAL(ecpr__xsort_count(xs), (uint64_t)n);
	ecpr__xsort_free(xs);
	fclose(fp);
	return out;
}

/* What qsort of the same records gives with SEQ as the last key. */
static int
full_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = key_cmp(NULL, x, 0, y, 0);

	return c != 0 ? c : atoi(strchr(x, ':') + 1) - atoi(strchr(y, ':') +
	    1);
}

static char *
expected_text(int n)
{
	char **v = calloc((size_t)n, sizeof(*v)), *out = NULL;
	size_t olen = 0;
	FILE *fp = open_memstream(&out, &olen);
	uint32_t x = 12345;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	for (i = 0; i < n; i++) {
		char rec[128];

		make_rec(rec, sizeof(rec), i, &x);
		v[i] = strdup(rec);
	}
	qsort(v, (size_t)n, sizeof(*v), full_cmp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	fclose(fp);
	return out;
}

/* n records sorted with each of nb budgets, as qsort orders them. */
static void
check_sorted(const size_t *budgets, size_t nb, int n)
{
	char *want = expected_text(n), *got;
	ecpr_status rc;
	size_t i;

	for (i = 0; i < nb; i++) {
		got = sorted_text(budgets[i], n, &rc);
		CU_ASSERT_EQUAL(rc, ECPR_OK);
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		CU_ASSERT_STRING_EQUAL(got, want);
		if (strcmp(got, want) != 0)
			fprintf(stderr, "\nbudget %zu: differs\n", budgets[i]);
		free(got);
	}
	free(want);
}

/* 5,000 records sorted in memory and through 1, a few and hundreds of
 * runs (several merge passes). */
static void
check_budgets(void)
{
	static const size_t budgets[] = { 1u << 24, 20000, 3000, 100, 1 };

	check_sorted(budgets, 5, 5000);
}

/* Megabytes of records (the buffers past 512 KiB are mappings, grown
 * by mremap, the pairs of the sort kept from one run to the next): in
 * memory and through runs, as qsort orders them. */
static void
test_sorted_large(void)
{
	static const size_t budgets[] = { 1u << 24, 3u << 20 };

	check_sorted(budgets, 2, 200000);
}

/* A big buffer keeps its bytes as it grows from malloc'd memory to a
 * mapping of whole 2 MiB units and on; small requests do not shrink it;
 * grown an element at a time, it doubles. */
static void
test_bigbuf(void)
{
	struct ecpr__bigbuf b = { NULL, 0, 0 };
	size_t i, k, n = 0, sizes[] = { 100, 4096, 300000, 600000, 5000000,
	    1u << 23 };
	unsigned char *p;
	int ok = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(ecpr__bigbuf_resize(&b, n, sizes[i]), 0);
		CU_ASSERT(b.cap >= sizes[i]);
		p = b.p;
		for (; n < sizes[i]; n++)
			p[n] = (unsigned char)(n * 7 + n / 251);
		for (k = 0; k < n; k++)
			ok &= p[k] == (unsigned char)(k * 7 + k / 251);
	}
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(b.mapped, 1);
	CU_ASSERT_EQUAL(b.cap, (size_t)8 << 20);
	CU_ASSERT_EQUAL(ecpr__bigbuf_resize(&b, n, 10), 0);
	CU_ASSERT_EQUAL(b.cap, (size_t)8 << 20);
	ecpr__bigbuf_free(&b);
	CU_ASSERT_PTR_NULL(b.p);
	CU_ASSERT_EQUAL(b.cap, 0);
	CU_ASSERT_EQUAL(b.mapped, 0);
	/* small: malloc'd, the size asked for */
	CU_ASSERT_EQUAL(ecpr__bigbuf_resize(&b, 0, 1000), 0);
	CU_ASSERT_EQUAL(b.cap, 1000);
	CU_ASSERT_EQUAL(b.mapped, 0);
	ecpr__bigbuf_free(&b);
	/* room for one more element: 16 first, then twice the count */
	CU_ASSERT_EQUAL(ecpr__bigbuf_grow(&b, 0, 8), 0);
	CU_ASSERT_EQUAL(b.cap, 128);
	CU_ASSERT_EQUAL(ecpr__bigbuf_grow(&b, 15, 8), 0);
	CU_ASSERT_EQUAL(b.cap, 128);
	((size_t *)b.p)[15] = 77;
	CU_ASSERT_EQUAL(ecpr__bigbuf_grow(&b, 16, 8), 0);
	CU_ASSERT_EQUAL(b.cap, 256);
	CU_ASSERT_EQUAL(((size_t *)b.p)[15], 77);
	ecpr__bigbuf_free(&b);
}

/* The same order in memory and through runs, ties in the order added. */
static void
test_sorted_and_stable(void)
{
	char *got;
	ecpr_status rc;

	check_budgets();
	/* nothing added: nothing read */
	got = sorted_text(100, 0, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	CU_ASSERT_STRING_EQUAL(got, "");
	free(got);
}

/* The calls of cmp sorting the 5,000 records in memory. */
static unsigned long
cmp_calls(void)
{
	ecpr_status rc;

	ncmp = 0;
	free(sorted_text(1u << 24, 5000, &rc));
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	return ncmp;
}

/*
 * Sorted by the key's chunks (an MSD sort): the same order and ties as
 * by cmp, in memory and through runs; in memory cmp is called only for
 * keys that the first 8 chunks (64 bytes) do not tell apart, and not at
 * all when there are none.
 */
static void
test_sorted_by_key(void)
{
	unsigned long n;

	by_key = long_keys = 1;
	check_budgets();
	/* the long keys are cmp's: a few compares among them only */
	n = cmp_calls();
	CU_ASSERT(n > 0 && n < 30000);
	long_keys = 0;
	check_budgets();
	CU_ASSERT_EQUAL(cmp_calls(), 0);
	by_key = 0;
}

/* Sorted by a prefix (radix), then each run of equal prefixes by cmp:
 * the same order and ties as by cmp alone, and cmp called only within
 * those runs. */
static void
test_sorted_by_prefix(void)
{
	unsigned long n;

	by_prefix = long_keys = 1;
	check_budgets();
	long_keys = 0;
	check_budgets();
	/* each run of one key sorted alone (4,492 compares), not in merges
	 * over all records where equal prefixes meet (11,275) */
	n = cmp_calls();
	CU_ASSERT(n > 0 && n < 6000);
	by_prefix = 0;
}

/* Read twice (rewind), add more after reading, read again. */
static void
test_rewind_and_add_more(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr__xsort *xs = NULL;
	const void *r;
	size_t len, budget;
	char s[256];
	int i, pass;

	for (budget = 1u << 20; budget > 0; budget = budget > 64 ? 64 : 0) {
		CU_ASSERT_EQUAL_FATAL(ecpr__xsort_new(&xs, key_cmp, NULL,
		    budget, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_add(xs, "b:0", 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_add(xs, "a:1", 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_add(xs, "c:2", 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_sort(xs, &err), ECPR_OK);
		for (pass = 0; pass < 2; pass++) {
			s[0] = '\0';
			while (ecpr__xsort_next(xs, &r, &len, &err) == 1)
				strcat(s, r);
			CU_ASSERT_STRING_EQUAL(s, "a:1b:0c:2");
			CU_ASSERT_EQUAL(ecpr__xsort_rewind(xs, &err), ECPR_OK);
		}
		CU_ASSERT_EQUAL(ecpr__xsort_spilled(xs), budget == 64);
		CU_ASSERT_EQUAL(ecpr__xsort_add(xs, "b:3", 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_add(xs, "a:4", 4, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr__xsort_sort(xs, &err), ECPR_OK);
		s[0] = '\0';
		for (i = 0; ecpr__xsort_next(xs, &r, &len, &err) == 1; i++)
			strcat(s, r);
		CU_ASSERT_STRING_EQUAL(s, "a:1a:4b:0b:3c:2");
		CU_ASSERT_EQUAL(ecpr__xsort_count(xs), 5);
		ecpr__xsort_free(xs);
	}
	ecpr__xsort_free(NULL);
}

/* $TMPDIR that does not exist: the first spill is ECPR_EIO naming it;
 * what fits in memory needs no temporary file. */
static void
test_tmpdir_missing(void)
{
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL, *got;
	ecpr_status rc;

	setenv("TMPDIR", "/nonexistent/ecpr-tmp", 1);
	got = sorted_text(100, 50, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(got, "error -3: /nonexistent/ecpr-tmp: cannot "
	    "create a temporary file: No such file or directory\n");
	free(got);
	got = sorted_text(1u << 20, 3, &rc);
	CU_ASSERT_EQUAL(rc, ECPR_OK);
	free(got);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* A temporary file that cannot grow (RLIMIT_FSIZE): ECPR_EIO "cannot
 * write a temporary file" with the reason. */
static void
test_write_error(void)
{
	struct rlimit old, lim;
	void (*prev)(int);
	char *got;
	ecpr_status rc;

	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
	prev = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1000;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
	unsetenv("TMPDIR");
	got = sorted_text(100, 5000, &rc);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, prev);
	CU_ASSERT_EQUAL(rc, ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(got, "error -3: /tmp: cannot write a temporary "
	    "file: File too large\n");
	free(got);
}

/* The budget knob: ECPR_SPILL_MEMORY, else the default. */
static void
test_spill_budget(void)
{
	CU_ASSERT_EQUAL(ecpr__spill_budget(77), 77);
	setenv("ECPR_SPILL_MEMORY", "4096", 1);
	CU_ASSERT_EQUAL(ecpr__spill_budget(77), 4096);
	setenv("ECPR_SPILL_MEMORY", "4k", 1);
	CU_ASSERT_EQUAL(ecpr__spill_budget(77), 77);
	setenv("ECPR_SPILL_MEMORY", "0", 1);
	CU_ASSERT_EQUAL(ecpr__spill_budget(77), 77);
	unsetenv("ECPR_SPILL_MEMORY");
}

static CU_TestInfo xsort_tests[] = {
	{ "sorted and stable in memory and through runs",
	    test_sorted_and_stable },
	{ "sorted by the chunks of a key", test_sorted_by_key },
	{ "megabytes sorted, in memory and through runs", test_sorted_large },
	{ "a big buffer keeps its bytes as it grows", test_bigbuf },
	{ "sorted by a prefix, then cmp", test_sorted_by_prefix },
	{ "read again, add more after reading", test_rewind_and_add_more },
	{ "a missing TMPDIR is ECPR_EIO naming it", test_tmpdir_missing },
	{ "a temporary file that cannot be written is ECPR_EIO",
	    test_write_error },
	{ "ECPR_SPILL_MEMORY sets the budget", test_spill_budget },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "xsort", NULL, NULL, NULL, NULL, xsort_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	unsetenv("ECPR_SPILL_MEMORY");
	return cu_run(suites);
}
