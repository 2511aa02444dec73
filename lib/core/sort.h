/*
 * sort.h - qsort for arrays that may be empty (private, not installed)
 *
 * qsort(NULL, 0, ...) is undefined behaviour (glibc declares base
 * nonnull; UBSan aborts), and an empty array is often NULL.  Every sort
 * in lib/, common/ and tools/ goes through ecpr__sort, which sorts only
 * when there are two elements or more.
 *
 * Small arrays (the events of one episode, say) are sorted in place by
 * insertion: no allocation, a single pass when they are in order already,
 * and the comparison inlined where the compiler sees it.  Insertion is
 * stable, as glibc's qsort (a merge sort) is, so both give the same order
 * even for elements that compare equal.
 */
#ifndef ECPR_SORT_H
#define ECPR_SORT_H

#include <stdlib.h>
#include <string.h>

#define ECPR__ISORT_MAX 32    /* elements sorted by insertion, at most */
#define ECPR__ISORT_SIZE 256  /* bytes of such an element, at most */

static inline void
ecpr__sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	unsigned char tmp[ECPR__ISORT_SIZE], *a = base;
	size_t i, j;

	if (n < 2)
		return;
	if (n > ECPR__ISORT_MAX || size > ECPR__ISORT_SIZE) {
		qsort(base, n, size, cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		if (cmp(a + (i - 1) * size, a + i * size) <= 0)
			continue;
		memcpy(tmp, a + i * size, size);
		for (j = i; j > 0 && cmp(a + (j - 1) * size, tmp) > 0; j--)
			;
		memmove(a + (j + 1) * size, a + j * size, (i - j) * size);
		memcpy(a + j * size, tmp, size);
	}
}

#endif /* ECPR_SORT_H */
