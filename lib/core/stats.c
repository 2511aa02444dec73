/*
 * stats.c - the statistics of cohort tables and outcome figures:
 * quantiles (R's type 7), Wilson score intervals, and the two outcomes
 * of an episode (survival to hospital discharge, CPC 1-2 at discharge)
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "internal.h"

double
ecpr_stats_quantile(const double *sorted, size_t n, double p)
{
	double h, fh;
	size_t j;

	if (n == 0 || sorted == NULL || !(p >= 0.0 && p <= 1.0))
		return NAN;
	h = (double)(n - 1) * p;
	fh = floor(h);
	j = (size_t)fh;
	if (j + 1 >= n || h == fh)
		return sorted[j];
	return sorted[j] + (h - fh) * (sorted[j + 1] - sorted[j]);
}

int
ecpr_stats_wilson(uint64_t k, uint64_t n, double z, double *lo, double *hi)
{
	double nn, p, z2, den, centre, half;

	if (n == 0 || k > n || lo == NULL || hi == NULL || !(z >= 0.0))
		return ECPR_EINVAL;
	nn = (double)n;
	p = (double)k / nn;
	z2 = z * z;
	den = 1.0 + z2 / nn;
	centre = (p + z2 / (2.0 * nn)) / den;
	half = z / den * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
	/* k = 0 and k = n meet the bound exactly (centre = half there) */
	*lo = k == 0 ? 0.0 : centre - half;
	*hi = k == n ? 1.0 : centre + half;
	if (*lo < 0.0)
		*lo = 0.0;
	if (*hi > 1.0)
		*hi = 1.0;
	return ECPR_OK;
}

int
ecpr__episode_died_in_hospital(const ecpr_episode *ep)
{
	const ecpr_event *death, *dis;

	death = ecpr_episode_first(ep, ECPR_EV_DEATH);
	if (death == NULL)
		return 0;
	dis = ecpr_episode_first(ep, ECPR_EV_HOSPITAL_DISCHARGE);
	return dis == NULL || death->time.t <= dis->time.t;
}

int
ecpr_episode_survived(const ecpr_episode *ep)
{
	const char *cpc;

	if (ep == NULL)
		return -1;
	if (ecpr__episode_died_in_hospital(ep))
		return 0;
	cpc = ecpr_episode_attr(ep, ECPR_AT_CPC_DISCHARGE);
	if (cpc != NULL)
		return strcmp(cpc, "5") != 0;
	return ecpr_episode_first(ep, ECPR_EV_HOSPITAL_DISCHARGE) != NULL ?
	    1 : -1;
}

int
ecpr_episode_favourable(const ecpr_episode *ep)
{
	const char *cpc;

	if (ep == NULL)
		return -1;
	cpc = ecpr_episode_attr(ep, ECPR_AT_CPC_DISCHARGE);
	if (cpc != NULL)
		return strcmp(cpc, "1") == 0 || strcmp(cpc, "2") == 0;
	return ecpr__episode_died_in_hospital(ep) ? 0 : -1;
}
