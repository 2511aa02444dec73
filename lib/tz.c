/*
 * tz.c - IANA time zones read from TZif files (being written: UTC only)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tz.h"

struct ecpr_tz {
	char *name;
};

int
ecpr_tz_load(ecpr_tz **out, const char *name, ecpr_error *err)
{
	ecpr_tz *tz;

	*out = NULL;
	if (strcmp(name, "UTC") != 0)
		return ecpr__error_set(err, ECPR_ENOTFOUND, NULL, 0,
		    "unknown time zone \"%s\"", name);
	if ((tz = calloc(1, sizeof(*tz))) == NULL ||
	    (tz->name = strdup(name)) == NULL) {
		free(tz);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	*out = tz;
	return ECPR_OK;
}

void
ecpr_tz_free(ecpr_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->name);
	free(tz);
}

const char *
ecpr_tz_name(const ecpr_tz *tz)
{
	return tz->name;
}

int32_t
ecpr_tz_offset_at(const ecpr_tz *tz, int64_t utc)
{
	(void)tz;
	(void)utc;
	return 0;
}

int
ecpr__tz_local_to_utc(const ecpr_tz *tz, int64_t local, const char *text,
    int64_t *utc, int32_t *offset, ecpr_error *err)
{
	(void)tz;
	(void)text;
	(void)err;
	*utc = local;
	*offset = 0;
	return ECPR_OK;
}

int
ecpr_tz_local_to_utc(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset, ecpr_error *err)
{
	return ecpr__tz_local_to_utc(tz, local, NULL, utc, offset, err);
}

void
ecpr__tz_local_first(const ecpr_tz *tz, int64_t local, int64_t *utc,
    int32_t *offset)
{
	(void)tz;
	*utc = local;
	*offset = 0;
}
