/* tl_testutil.c - building timelines by hand in the timeline tests */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
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

ecpr_outcome *
seed_outcome(const char *bins)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_source *src = NULL;
	ecpr_outcome *oc = NULL;
	ecpr_episode *ep = NULL;
	const char *dir = getenv("ECPR_SRCDIR");
	char path[4096];

	snprintf(path, sizeof(path), "%s/templates/case-record.csv",
	    dir != NULL ? dir : ".");
	CU_ASSERT_EQUAL_FATAL(ecpr_outcome_new(&oc, ECPR_IV_CA_TO_FLOW_MIN,
	    bins, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_new(&src, &ro, NULL), ECPR_OK);
	CU_ASSERT_EQUAL_FATAL(ecpr_source_add_file(src, path, NULL), ECPR_OK);
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(ecpr_source_next(src, &ep, NULL),
		    ECPR_OK);
		if (ep == NULL)
			break;
		CU_ASSERT_EQUAL(ecpr_outcome_add_episode(oc, ep, NULL),
		    ECPR_OK);
		ecpr_episode_free(ep);
	}
	ecpr_source_free(src);
	return oc;
}
