/* tl_testutil.h - building timelines by hand in the timeline tests */
#ifndef ECPR_TL_TESTUTIL_H
#define ECPR_TL_TESTUTIL_H

#include "ecpr_timeline.h"

#define T0 1627346400LL /* 2021-07-27T00:40Z */
#define MIN 60LL
#define HOUR 3600LL
#define DAY 86400LL

/* A value rel seconds after T0 at minute or day precision. */
ecpr_time tmin(long long rel);
ecpr_time tday(long long rel);

/* Add a bar or a marker to a lane; a failure fails the test at once. */
void bar(ecpr_tl *tl, size_t lane, ecpr_tl_bar kind, ecpr_time a,
    ecpr_time b);
void mark(ecpr_tl *tl, size_t lane, ecpr_tl_marker kind, ecpr_time a);

/* How often needle occurs in hay (not overlapping). */
int count_str(const char *hay, const char *needle);

/*
 * The seed paper's four cases (templates/case-record.csv under
 * $ECPR_SRCDIR) by ca_to_flow_min in bins: 70, 77 and 80 min (CPC 1, 1,
 * 5) and 120 min (CPC 1).
 */
ecpr_outcome *seed_outcome(const char *bins);

#endif
