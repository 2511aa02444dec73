/*
 * tz.h - time-zone internals shared by tz.c and time.c (never installed)
 */
#ifndef ECPR_TZ_H
#define ECPR_TZ_H

#include "internal.h"

/*
 * Resolve the local wall-clock time local (seconds since 1970 as if the
 * local clock were UTC) in tz, as ecpr_tz_local_to_utc does.  text is the
 * value as the user wrote it, quoted in messages; NULL prints local.
 */
int ecpr__tz_local_to_utc(const ecpr_tz *tz, int64_t local, const char *text,
    int64_t *utc, int32_t *offset, ecpr_error *err);

/*
 * The first UTC instant whose local time in tz is local or later: the
 * start of a local span.  When local falls in a gap this is the end of
 * the gap; when it occurs twice, the earlier instant.  Sets *offset to
 * the offset in force at *utc.
 */
void ecpr__tz_local_first(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset);

#endif /* ECPR_TZ_H */
