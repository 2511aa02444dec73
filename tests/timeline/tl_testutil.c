/* tl_testutil.c - building timelines by hand in the timeline tests */
#include "config.h"

#include <string.h>

#include <CUnit/CUnit.h>

#include "tl_testutil.h"

ecpr_time
tmin(long long rel)
{
	ecpr_time t = { T0 + rel, T0 + rel + 60, 0, ECPR_PREC_MINUTE };

	return t;
}

ecpr_time
tday(long long rel)
{
	ecpr_time t = { T0 + rel, T0 + rel + DAY, 0, ECPR_PREC_DAY };

	return t;
}

void
bar(ecpr_tl *tl, size_t lane, ecpr_tl_bar kind, ecpr_time a,
    ecpr_time b)
{
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_bar(tl, lane, kind, &a, &b,
	    NULL), ECPR_OK);
}

void
mark(ecpr_tl *tl, size_t lane, ecpr_tl_marker kind, ecpr_time a)
{
	CU_ASSERT_EQUAL_FATAL(ecpr_tl_add_marker(tl, lane, kind, &a,
	    NULL), ECPR_OK);
}

int
count_str(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}
