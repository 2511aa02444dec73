/*
 * sort.h - qsort for arrays that may be empty (private, not installed)
 *
 * qsort(NULL, 0, ...) is undefined behaviour (glibc declares base
 * nonnull; UBSan aborts), and an empty array is often NULL.  Every sort
 * in lib/, common/ and tools/ goes through ecpr__sort, which sorts only
 * when there are two elements or more.
 */
#ifndef ECPR_SORT_H
#define ECPR_SORT_H

#include <stdlib.h>

static inline void
ecpr__sort(void *base, size_t n, size_t size,
    int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif /* ECPR_SORT_H */
