/*
 * bigbuf.c - buffers that grow to megabytes (xsort.c, source.c's infos)
 *
 * A buffer grown by doubling with realloc is given its memory 4 KiB page
 * at a time, each page on its first write: the 8 MiB of a sort buffer
 * are 2,048 page faults, and in a virtual machine a fault costs
 * microseconds.  Below BIG_MIN a buffer is malloc'd as usual; from it
 * on, it is an anonymous mapping of whole BIG_UNIT units, advised as
 * transparent huge pages (MADV_HUGEPAGE: Debian's kernels give them on
 * request, "madvise" mode), so that 8 MiB are 4 faults where the
 * kernel has huge pages free, and 2,048 as before where it has not.  A
 * mapping grows in place or moves without a copy (mremap, on Linux);
 * elsewhere, a new mapping and a copy.  ecpr-table on 100,000 episodes:
 * 5,740 page faults -> 291, CPU 0.38-0.40 s -> 0.33-0.35 s, peak RSS
 * 14.6 -> 20.5 MiB (whole huge pages; 15.3 -> 17.0 MiB at 1,000,000).
 */
#define _GNU_SOURCE 1 /* mremap, MREMAP_MAYMOVE */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define BIG_UNIT ((size_t)2 << 20) /* a huge page of x86-64 and arm64 */
#define BIG_MIN ((size_t)512 << 10) /* 128 pages of 4 KiB */

#if defined(MAP_ANONYMOUS) || defined(MAP_ANON)
#ifndef MAP_ANONYMOUS
#define MAP_ANONYMOUS MAP_ANON
#endif
#define HAVE_BIG_MAP 1
#endif

#ifdef HAVE_BIG_MAP
static void *
big_map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE); /* advice: no huge pages is fine */
#endif
	return p;
}
#endif

int
ecpr__bigbuf_resize(struct ecpr__bigbuf *b, size_t keep, size_t cap)
{
	void *q;

	if (cap <= b->cap)
		return 0;
#ifdef HAVE_BIG_MAP
	if (cap >= BIG_MIN) {
		size_t len;

		if (cap > SIZE_MAX - BIG_UNIT)
			return -1;
		len = (cap + BIG_UNIT - 1) / BIG_UNIT * BIG_UNIT;
#ifdef MREMAP_MAYMOVE
		if (b->mapped) {
			q = mremap(b->p, b->cap, len, MREMAP_MAYMOVE);
			if (q == MAP_FAILED)
				return -1;
			b->p = q;
			b->cap = len;
			return 0;
		}
#endif
		if ((q = big_map(len)) == NULL)
			return -1;
		if (keep > 0)
			memcpy(q, b->p, keep);
		ecpr__bigbuf_free(b);
		b->p = q;
		b->cap = len;
		b->mapped = 1;
		return 0;
	}
#endif
	(void)keep;
	if ((q = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = q;
	b->cap = cap;
	return 0;
}

int
ecpr__bigbuf_grow(struct ecpr__bigbuf *b, size_t n, size_t size)
{
	if ((n + 1) * size <= b->cap)
		return 0;
	return ecpr__bigbuf_resize(b, n * size, (n ? 2 * n : 16) * size);
}

void
ecpr__bigbuf_free(struct ecpr__bigbuf *b)
{
#ifdef HAVE_BIG_MAP
	if (b->mapped)
		(void)munmap(b->p, b->cap);
	else
#endif
		free(b->p);
	b->p = NULL;
	b->cap = 0;
	b->mapped = 0;
}
