/*
 * merge-segments.c - time ecpr_episode_finish on one episode with many
 * segments (issue 8, item 11)
 *
 * merge-segments N...
 *
 * For each N: one episode with N mcc_start/mcc_stop segments, every event
 * given twice (as a wide and a long file both give it), so that finishing
 * merges N * 2 duplicate events and pairs N segments.  Prints the wall
 * time of ecpr_episode_finish (best of 3) and checks the result (2 * N
 * events, N closed segments).  Exits 1 when a check fails.  Only the
 * benchmark builds it; it is not installed.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ecpr.h"

/* "2021-07-27T00:00:00Z" + seconds, written as ISO 8601 in UTC */
static void
iso(char *buf, size_t len, int64_t sec)
{
	time_t t = (time_t)(INT64_C(1627344000) + sec);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One run: build, finish (timed), check.  -1 on a failed check. */
static double
run(long n)
{
	ecpr_episode *ep = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	char v[64];
	double t0, t1;
	long i, copy;

	if (ecpr_episode_new(&ep, "H1", "P1", 1, &err) != ECPR_OK)
		goto fail;
	for (copy = 0; copy < 2; copy++) {
		for (i = 0; i < n; i++) {
			iso(v, sizeof(v), (int64_t)i * 120);
			if (ecpr_episode_add_event(ep, ECPR_EV_MCC_START, v,
			    NULL, NULL, "bench.csv", (unsigned long)(i + 2),
			    &err) != ECPR_OK)
				goto fail;
			iso(v, sizeof(v), (int64_t)i * 120 + 60);
			if (ecpr_episode_add_event(ep, ECPR_EV_MCC_STOP, v,
			    NULL, NULL, "bench.csv", (unsigned long)(i + 2),
			    &err) != ECPR_OK)
				goto fail;
		}
	}
	t0 = now();
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != ECPR_OK)
		goto fail;
	t1 = now();
	if (ecpr_episode_event_count(ep) != (size_t)(2 * n) ||
	    ecpr_episode_segment_count(ep, ECPR_SEG_MCC) != (size_t)n) {
		fprintf(stderr, "merge-segments: %ld segments: %zu events, "
		    "%zu segments after finishing\n", n,
		    ecpr_episode_event_count(ep),
		    ecpr_episode_segment_count(ep, ECPR_SEG_MCC));
		ecpr_episode_free(ep);
		return -1;
	}
	ecpr_episode_free(ep);
	return t1 - t0;
fail:
	fprintf(stderr, "merge-segments: %s\n", err.message);
	ecpr_episode_free(ep);
	return -1;
}

int
main(int argc, char **argv)
{
	int a, k;

	if (argc < 2) {
		fprintf(stderr, "usage: merge-segments N...\n");
		return 64;
	}
	for (a = 1; a < argc; a++) {
		long n = strtol(argv[a], NULL, 10);
		double best = -1;

		if (n < 1) {
			fprintf(stderr, "merge-segments: bad N \"%s\"\n",
			    argv[a]);
			return 64;
		}
		for (k = 0; k < 3; k++) {
			double t = run(n);

			if (t < 0)
				return 1;
			if (best < 0 || t < best)
				best = t;
		}
		printf("%ld segments in one episode (%ld events, each given "
		    "twice): finish %.3f s\n", n, 2 * n, best);
	}
	return 0;
}
