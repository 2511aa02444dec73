/*
 * xsort.c - external merge sort of byte records in bounded memory
 *
 * Records are kept in a buffer of at most a budget of bytes (the records,
 * their lengths and two offsets each); when the next record does not fit,
 * the buffer is sorted (stable: (key, offset) pairs by a radix sort of
 * the key the caller gives, records of equal keys by a merge sort with
 * cmp) and written out as a run to a temporary file, which is unlinked
 * as soon as it is created (nothing is left behind, even when the
 * process dies).  The sorted records are
 * then read back by merging the runs, at most XS_FANIN at a time (more
 * runs are first merged into longer ones, appended to the same file),
 * each through a small read buffer.  When everything fits, nothing is
 * written and the records come straight from the sorted buffer.
 *
 * Equal records come out in the order they were added.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define XS_FANIN 16          /* runs merged at once */
#define XS_READ 65536        /* read buffer of a run */
#define XS_WRITE 65536       /* write buffer */
#define XS_PER_RECORD (4 + 2 * sizeof(size_t)) /* length, two offsets */

struct xs_run {
	off_t off, end;
};

/* A run being read: its rest [pos, end) and a buffer of what was read. */
struct xs_cur {
	off_t pos, end;
	char *buf;
	size_t cap, len, at;
	const char *rec; /* its current record */
	size_t rlen;
	size_t run;      /* its index: ties go to the earlier run */
};

struct ecpr__xsort {
	ecpr__xsort_cmp cmp;
	ecpr__xsort_prefix prefix; /* or NULL */
	ecpr__xsort_key key;       /* or NULL */
	void *ctx;
	size_t budget;

	struct ecpr__bigbuf mem; /* buf, as allocated */
	char *buf;        /* records: a 4-byte length, the bytes */
	size_t n;
	struct ecpr__bigbuf offmem; /* offs, as allocated */
	size_t *offs;     /* offset of each record in buf */
	size_t nrec;
	struct ecpr__bigbuf kvmem; /* the pairs of buf_sort, kept for the next */
	uint64_t total;   /* records added */

	int fd;           /* the runs, or -1 */
	off_t fend;       /* end of what is written */
	struct xs_run *runs;
	size_t nruns, capruns;

	int sorted;       /* adding is over */
	size_t at;        /* in memory: the next record */
	struct xs_cur *cur; /* merging: the cursors, a heap of ncur */
	size_t ncur;
	char *wbuf;
	size_t wn;
};

/* ------------------------------------------------------------------ */
/* Temporary files                                                      */
/* ------------------------------------------------------------------ */

int
ecpr__tmp_fd(int *out, ecpr_error *err)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	size_t len;
	int fd;

	*out = -1;
	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	len = strlen(dir) + sizeof("/ecpr-XXXXXX");
	if ((path = malloc(len)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	snprintf(path, len, "%s/ecpr-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		ecpr__error_set(err, ECPR_EIO, dir, 0,
		    "cannot create a temporary file: %s", strerror(errno));
		free(path);
		return ECPR_EIO;
	}
	unlink(path);
	free(path);
	*out = fd;
	return ECPR_OK;
}

int
ecpr__tmp_file(FILE **out, ecpr_error *err)
{
	int fd, rc;

	*out = NULL;
	if ((rc = ecpr__tmp_fd(&fd, err)) != ECPR_OK)
		return rc;
	if ((*out = fdopen(fd, "w+b")) == NULL) {
		close(fd);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	return ECPR_OK;
}

size_t
ecpr__spill_budget(size_t dflt)
{
	const char *s = getenv("ECPR_SPILL_MEMORY");
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return dflt;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > SIZE_MAX)
		return dflt;
	return (size_t)v;
}

/* ------------------------------------------------------------------ */
/* Writing runs                                                         */
/* ------------------------------------------------------------------ */

static int
write_error(ecpr_error *err)
{
	const char *dir = getenv("TMPDIR");

	return ecpr__error_set(err, ECPR_EIO, dir != NULL && *dir ? dir :
	    "/tmp", 0, "cannot write a temporary file: %s",
	    errno != 0 ? strerror(errno) : "short write");
}

static int
wflush(ecpr__xsort *xs, ecpr_error *err)
{
	size_t done = 0;
	ssize_t w;

	while (done < xs->wn) {
		errno = 0;
		w = pwrite(xs->fd, xs->wbuf + done, xs->wn - done,
		    xs->fend + (off_t)done);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return write_error(err);
		}
		done += (size_t)w;
	}
	xs->fend += (off_t)done;
	xs->wn = 0;
	return ECPR_OK;
}

static int
wput(ecpr__xsort *xs, const void *p, size_t n, ecpr_error *err)
{
	const char *s = p;
	size_t k;
	int rc;

	while (n > 0) {
		if (xs->wn == XS_WRITE && (rc = wflush(xs, err)) != ECPR_OK)
			return rc;
		k = XS_WRITE - xs->wn;
		if (k > n)
			k = n;
		memcpy(xs->wbuf + xs->wn, s, k);
		xs->wn += k;
		s += k;
		n -= k;
	}
	return ECPR_OK;
}

static int
wrecord(ecpr__xsort *xs, const void *rec, size_t len, ecpr_error *err)
{
	uint32_t l = (uint32_t)len;
	int rc;

	if ((rc = wput(xs, &l, sizeof(l), err)) != ECPR_OK)
		return rc;
	return wput(xs, rec, len, err);
}

/* Start a run at the end of the file (the file made at the first). */
static int
run_begin(ecpr__xsort *xs, ecpr_error *err)
{
	int rc;

	if (xs->fd < 0 && (rc = ecpr__tmp_fd(&xs->fd, err)) != ECPR_OK)
		return rc;
	if (xs->wbuf == NULL && (xs->wbuf = malloc(XS_WRITE)) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	if (ecpr__grow((void **)&xs->runs, &xs->capruns, xs->nruns,
	    sizeof(*xs->runs)) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	xs->runs[xs->nruns].off = xs->fend;
	return ECPR_OK;
}

static int
run_end(ecpr__xsort *xs, ecpr_error *err)
{
	int rc;

	if ((rc = wflush(xs, err)) != ECPR_OK)
		return rc;
	xs->runs[xs->nruns++].end = xs->fend;
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* The buffer                                                           */
/* ------------------------------------------------------------------ */

static const char *
mem_rec(const ecpr__xsort *xs, size_t off, size_t *len)
{
	uint32_t l;

	memcpy(&l, xs->buf + off, sizeof(l));
	*len = l;
	return xs->buf + off + sizeof(l);
}

static int
mem_cmp(const ecpr__xsort *xs, size_t a, size_t b)
{
	size_t la, lb;
	const char *ra = mem_rec(xs, a, &la), *rb = mem_rec(xs, b, &lb);

	return xs->cmp(xs->ctx, ra, la, rb, lb);
}

/* A record's key and where it is, for a sort by key. */
struct kv {
	uint64_t k;
	size_t off;
};

#define KV_INSERTION 16 /* pairs sorted by insertion, at most */
#define KEY_LEVELS 8    /* chunks of a key told apart, then cmp */

/* Stable sort of the n pairs kv (tmp as large) by key, then by cmp when
 * bycmp (else equal keys stay as they are): by insertion when few, else
 * a merge sort (bottom up). */
static void
kv_msort(const ecpr__xsort *xs, struct kv *kv, struct kv *tmp, size_t n,
    int bycmp)
{
	size_t w, i, j;
	struct kv *a = kv, *b = tmp, *t, x;

#define KV_LESS(p, q) ((p)->k != (q)->k ? (p)->k < (q)->k : \
	bycmp && mem_cmp(xs, (p)->off, (q)->off) < 0)
	if (n <= KV_INSERTION) {
		for (i = 1; i < n; i++) {
			if (!KV_LESS(&kv[i], &kv[i - 1]))
				continue;
			x = kv[i];
			for (j = i; j > 0 && KV_LESS(&x, &kv[j - 1]); j--)
				kv[j] = kv[j - 1];
			kv[j] = x;
		}
		return;
	}
	for (w = 1; w < n; w *= 2) {
		for (i = 0; i < n; i += 2 * w) {
			size_t lo = i, mid = i + w < n ? i + w : n;
			size_t hi = i + 2 * w < n ? i + 2 * w : n;
			size_t p = lo, q = mid, k = lo;

			if (mid < hi && !KV_LESS(&a[mid], &a[mid - 1])) {
				/* in order already */
				memcpy(b + lo, a + lo, (hi - lo) * sizeof(*a));
				continue;
			}
			while (p < mid && q < hi)
				b[k++] = KV_LESS(&a[q], &a[p]) ? a[q++] : a[p++];
			while (p < mid)
				b[k++] = a[p++];
			while (q < hi)
				b[k++] = a[q++];
		}
		t = a;
		a = b;
		b = t;
	}
#undef KV_LESS
	if (a != kv)
		memcpy(kv, a, n * sizeof(*kv));
}

/* Stable sort of the n pairs kv (tmp as large) by key only: by
 * insertion when few, else an LSD radix sort a byte at a time, which
 * skips the bytes that are the same in every key. */
static void
kv_radix(struct kv *kv, struct kv *tmp, size_t n)
{
	size_t count[8][256], i, b, sum, c;
	struct kv *a = kv, *o = tmp, *t;

	if (n <= KV_INSERTION) {
		kv_msort(NULL, kv, tmp, n, 0);
		return;
	}
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++)
			count[b][(a[i].k >> (8 * b)) & 0xff]++;
	for (b = 0; b < 8; b++) {
		if (count[b][(a[0].k >> (8 * b)) & 0xff] == n)
			continue; /* one value: the order stays */
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[b][i];
			count[b][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			o[count[b][(a[i].k >> (8 * b)) & 0xff]++] = a[i];
		t = a;
		a = o;
		o = t;
	}
	if (a != kv)
		memcpy(kv, a, n * sizeof(*kv));
}

/*
 * Sort the n pairs kv by the records' keys from chunk level on: each
 * pair gets the chunk, the pairs are sorted by it, and each group of
 * equal chunks is sorted by the next (an MSD sort, 8 bytes a digit),
 * until the keys end; past KEY_LEVELS chunks, cmp decides (a bound on
 * the depth, whatever the length of keys).
 */
static void
kv_by_key(const ecpr__xsort *xs, struct kv *kv, struct kv *tmp, size_t n,
    size_t level)
{
	size_t i, j, len;
	const char *r;
	int more = 0;

	if (level == KEY_LEVELS) {
		kv_msort(xs, kv, tmp, n, 1);
		return;
	}
	for (i = 0; i < n; i++) {
		r = mem_rec(xs, kv[i].off, &len);
		more |= xs->key(r, len, level, &kv[i].k);
	}
	kv_radix(kv, tmp, n);
	if (!more) /* every key ended: equal chunks are equal records */
		return;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && kv[j].k == kv[i].k; j++)
			;
		if (j - i > 1)
			kv_by_key(xs, kv + i, tmp, j - i, level + 1);
	}
}

/* Stable sort of the records by (key, offset) pairs: by the key's
 * chunks when there is a key function, else by the prefix (0 when none)
 * and cmp. */
static void
kv_sort(ecpr__xsort *xs, struct kv *kv, struct kv *tmp)
{
	size_t n = xs->nrec, i, j, len;

	for (i = 0; i < n; i++) {
		kv[i].off = xs->offs[i];
		if (xs->key == NULL) {
			const char *r = mem_rec(xs, xs->offs[i], &len);

			kv[i].k = xs->prefix != NULL ? xs->prefix(r, len) : 0;
		}
	}
	if (xs->key != NULL) {
		kv_by_key(xs, kv, tmp, n, 0);
	} else {
		/* by prefix, then cmp among equal prefixes */
		kv_radix(kv, tmp, n);
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && kv[j].k == kv[i].k; j++)
				;
			if (j - i > 1)
				kv_msort(xs, kv + i, tmp, j - i, 1);
		}
	}
	for (i = 0; i < n; i++)
		xs->offs[i] = kv[i].off;
}

static int
buf_sort(ecpr__xsort *xs, ecpr_error *err)
{
	struct kv *kv;

	if (xs->nrec < 2)
		return ECPR_OK;
	if (ecpr__bigbuf_resize(&xs->kvmem, 0,
	    2 * xs->nrec * sizeof(*kv)) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	kv = xs->kvmem.p;
	kv_sort(xs, kv, kv + xs->nrec);
	return ECPR_OK;
}

void
ecpr__xsort_set_prefix(ecpr__xsort *xs, ecpr__xsort_prefix prefix)
{
	if (xs != NULL)
		xs->prefix = prefix;
}

void
ecpr__xsort_set_key(ecpr__xsort *xs, ecpr__xsort_key key)
{
	if (xs != NULL)
		xs->key = key;
}

/* The memory of the buffer given back (all is in runs, or over). */
static void
buf_free(ecpr__xsort *xs)
{
	ecpr__bigbuf_free(&xs->mem);
	ecpr__bigbuf_free(&xs->offmem);
	ecpr__bigbuf_free(&xs->kvmem);
	xs->buf = NULL;
	xs->offs = NULL;
}

/* Sort the buffer and write it out as a run; the buffer is emptied. */
static int
buf_spill(ecpr__xsort *xs, ecpr_error *err)
{
	size_t i, len;
	const char *r;
	int rc;

	if (xs->nrec == 0)
		return ECPR_OK;
	if ((rc = buf_sort(xs, err)) != ECPR_OK ||
	    (rc = run_begin(xs, err)) != ECPR_OK)
		return rc;
	for (i = 0; i < xs->nrec; i++) {
		r = mem_rec(xs, xs->offs[i], &len);
		if ((rc = wrecord(xs, r, len, err)) != ECPR_OK)
			return rc;
	}
	if ((rc = run_end(xs, err)) != ECPR_OK)
		return rc;
	xs->n = 0;
	xs->nrec = 0;
	return ECPR_OK;
}

/* ------------------------------------------------------------------ */
/* Reading runs                                                         */
/* ------------------------------------------------------------------ */

/* The next record of cursor c into c->rec: 1, 0 at its end, or < 0. */
static int
cur_next(struct xs_cur *c, int fd, ecpr_error *err)
{
	uint32_t l;
	size_t need;
	ssize_t r;

	for (;;) {
		if (c->len - c->at >= sizeof(l)) {
			memcpy(&l, c->buf + c->at, sizeof(l));
			need = sizeof(l) + l;
			if (c->len - c->at >= need) {
				c->rec = c->buf + c->at + sizeof(l);
				c->rlen = l;
				c->at += need;
				return 1;
			}
		} else {
			need = sizeof(l);
		}
		if (c->pos >= c->end) {
			if (c->len > c->at)
				return ecpr__error_set(err, ECPR_EIO, NULL, 0,
				    "a temporary file is cut short");
			return 0;
		}
		/* Keep the part read, make room for the whole record. */
		memmove(c->buf, c->buf + c->at, c->len - c->at);
		c->len -= c->at;
		c->at = 0;
		if (need > c->cap) {
			char *b = realloc(c->buf, need);

			if (b == NULL)
				return ecpr__error_set(err, ECPR_ENOMEM, NULL,
				    0, "out of memory");
			c->buf = b;
			c->cap = need;
		}
		need = c->cap - c->len;
		if ((off_t)need > c->end - c->pos)
			need = (size_t)(c->end - c->pos);
		r = pread(fd, c->buf + c->len, need, c->pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ecpr__error_set(err, ECPR_EIO, NULL, 0,
			    "cannot read a temporary file: %s",
			    r < 0 ? strerror(errno) : "end of file");
		c->len += (size_t)r;
		c->pos += r;
	}
}

static int
cur_less(const ecpr__xsort *xs, const struct xs_cur *a,
    const struct xs_cur *b)
{
	int c = xs->cmp(xs->ctx, a->rec, a->rlen, b->rec, b->rlen);

	return c < 0 || (c == 0 && a->run < b->run);
}

static void
heap_down(ecpr__xsort *xs, size_t i)
{
	struct xs_cur *h = xs->cur, t;

	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < xs->ncur && cur_less(xs, &h[l], &h[m]))
			m = l;
		if (l + 1 < xs->ncur && cur_less(xs, &h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
cursors_free(ecpr__xsort *xs)
{
	size_t i;

	for (i = 0; i < xs->ncur; i++)
		free(xs->cur[i].buf);
	free(xs->cur);
	xs->cur = NULL;
	xs->ncur = 0;
}

/* Open cursors on runs [first, first + n) as a heap. */
static int
cursors_open(ecpr__xsort *xs, size_t first, size_t n, ecpr_error *err)
{
	size_t i;
	int rc;

	cursors_free(xs);
	if ((xs->cur = calloc(n, sizeof(*xs->cur))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < n; i++) {
		struct xs_cur *c = &xs->cur[xs->ncur];

		c->pos = xs->runs[first + i].off;
		c->end = xs->runs[first + i].end;
		c->run = first + i;
		c->cap = XS_READ;
		if ((c->buf = malloc(c->cap)) == NULL)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		xs->ncur++;
		rc = cur_next(c, xs->fd, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			free(c->buf);
			xs->ncur--;
		}
	}
	for (i = xs->ncur; i-- > 0;)
		heap_down(xs, i);
	return ECPR_OK;
}

/* The smallest record of the cursors: 1, 0 when all are done, or < 0. */
static int
merge_next(ecpr__xsort *xs, const void **rec, size_t *len, ecpr_error *err)
{
	struct xs_cur *top;
	int rc;

	if (xs->ncur == 0)
		return 0;
	top = &xs->cur[0];
	if (top->rec == NULL) { /* taken: move on */
		rc = cur_next(top, xs->fd, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			free(top->buf);
			xs->cur[0] = xs->cur[--xs->ncur];
			if (xs->ncur == 0)
				return 0;
		}
		heap_down(xs, 0);
		top = &xs->cur[0];
	}
	/* rec stays valid until the cursor reads again (the next call) */
	*rec = top->rec;
	*len = top->rlen;
	top->rec = NULL;
	return 1;
}

/*
 * Merge runs XS_FANIN at a time, a generation at a time (so that the
 * runs stay in the order of their records: ties keep the order added),
 * until at most XS_FANIN are left; then open them for reading.
 */
static int
merge_passes(ecpr__xsort *xs, ecpr_error *err)
{
	const void *rec;
	size_t len, first, n, gen;
	int rc;

	while (xs->nruns > XS_FANIN) {
		gen = xs->nruns;
		for (first = 0; first < gen; first += n) {
			n = gen - first < XS_FANIN ? gen - first : XS_FANIN;
			if (n == 1) { /* alone: taken over as it is */
				if (ecpr__grow((void **)&xs->runs,
				    &xs->capruns, xs->nruns,
				    sizeof(*xs->runs)) != 0)
					return ecpr__error_set(err,
					    ECPR_ENOMEM, NULL, 0,
					    "out of memory");
				xs->runs[xs->nruns++] = xs->runs[first];
				continue;
			}
			if ((rc = cursors_open(xs, first, n, err)) !=
			    ECPR_OK || (rc = run_begin(xs, err)) != ECPR_OK)
				return rc;
			while ((rc = merge_next(xs, &rec, &len, err)) == 1)
				if ((rc = wrecord(xs, rec, len, err)) !=
				    ECPR_OK)
					return rc;
			if (rc < 0 || (rc = run_end(xs, err)) != ECPR_OK)
				return rc;
		}
		memmove(xs->runs, xs->runs + gen, (xs->nruns - gen) *
		    sizeof(*xs->runs));
		xs->nruns -= gen;
	}
	return cursors_open(xs, 0, xs->nruns, err);
}

/* ------------------------------------------------------------------ */
/* API                                                                  */
/* ------------------------------------------------------------------ */

int
ecpr__xsort_new(ecpr__xsort **out, ecpr__xsort_cmp cmp, void *ctx,
    size_t budget, ecpr_error *err)
{
	ecpr__xsort *xs;

	*out = NULL;
	if ((xs = calloc(1, sizeof(*xs))) == NULL)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	xs->cmp = cmp;
	xs->ctx = ctx;
	xs->budget = budget;
	xs->fd = -1;
	*out = xs;
	return ECPR_OK;
}

int
ecpr__xsort_add(ecpr__xsort *xs, const void *rec, size_t len,
    ecpr_error *err)
{
	size_t need = sizeof(uint32_t) + len, cap;
	int rc;

	if (len > UINT32_MAX)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "xsort: a record too long");
	if (xs->sorted) { /* more after reading: sorted again later */
		cursors_free(xs);
		xs->sorted = 0;
		xs->at = 0;
	}
	/* does not fit in the budget: out with what is there */
	if (xs->nrec > 0 && xs->n + need + (xs->nrec + 1) * XS_PER_RECORD >
	    xs->budget && (rc = buf_spill(xs, err)) != ECPR_OK)
		return rc;
	if (xs->n + need > xs->mem.cap) {
		for (cap = xs->mem.cap ? xs->mem.cap : 4096;
		    cap < xs->n + need;)
			cap *= 2;
		if (cap > xs->budget && xs->n + need <= xs->budget)
			cap = xs->budget;
		if (ecpr__bigbuf_resize(&xs->mem, xs->n, cap) != 0)
			return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
			    "out of memory");
		xs->buf = xs->mem.p;
	}
	if (ecpr__bigbuf_grow(&xs->offmem, xs->nrec, sizeof(*xs->offs)) != 0)
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	xs->offs = xs->offmem.p;
	{
		uint32_t l = (uint32_t)len;

		memcpy(xs->buf + xs->n, &l, sizeof(l));
	}
	if (len > 0)
		memcpy(xs->buf + xs->n + sizeof(uint32_t), rec, len);
	xs->offs[xs->nrec++] = xs->n;
	xs->n += need;
	xs->total++;
	return ECPR_OK;
}

int
ecpr__xsort_sort(ecpr__xsort *xs, ecpr_error *err)
{
	int rc;

	if (xs->sorted)
		return ecpr__xsort_rewind(xs, err);
	xs->sorted = 1;
	xs->at = 0;
	if (xs->nruns == 0) {
		rc = buf_sort(xs, err);
		ecpr__bigbuf_free(&xs->kvmem); /* read from here on */
		return rc;
	}
	/* the rest out too, and the buffer given back */
	if ((rc = buf_spill(xs, err)) != ECPR_OK)
		return rc;
	buf_free(xs);
	free(xs->wbuf);
	xs->wbuf = NULL;
	return merge_passes(xs, err);
}

int
ecpr__xsort_rewind(ecpr__xsort *xs, ecpr_error *err)
{
	if (!xs->sorted)
		return ecpr__xsort_sort(xs, err);
	xs->at = 0;
	return xs->nruns == 0 ? ECPR_OK : cursors_open(xs, 0, xs->nruns, err);
}

int
ecpr__xsort_next(ecpr__xsort *xs, const void **rec, size_t *len,
    ecpr_error *err)
{
	if (!xs->sorted)
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "xsort: reading before sorting");
	if (xs->nruns == 0) {
		if (xs->at == xs->nrec)
			return 0;
		*rec = mem_rec(xs, xs->offs[xs->at++], len);
		return 1;
	}
	return merge_next(xs, rec, len, err);
}

uint64_t
ecpr__xsort_count(const ecpr__xsort *xs)
{
	return xs != NULL ? xs->total : 0;
}

int
ecpr__xsort_spilled(const ecpr__xsort *xs)
{
	return xs != NULL && xs->fd >= 0;
}

void
ecpr__xsort_free(ecpr__xsort *xs)
{
	if (xs == NULL)
		return;
	cursors_free(xs);
	if (xs->fd >= 0)
		close(xs->fd);
	free(xs->runs);
	buf_free(xs);
	free(xs->wbuf);
	free(xs);
}
