/*
 * gen-cases.c - deterministic synthetic multicenter ECPR case records
 *
 * gen-cases -n EPISODES -s SITES --form wide|long|obs|complications|attrs
 *     [--seed N] [-o FILE]
 *
 * Writes case-record CSV (DOMAIN.md section 5) for the benchmark of
 * ecpr-table: realistic intervals, repeated segments, transient ROSC,
 * deaths, repeated episodes of a subject, explicit UTC offsets of the
 * sites' zones (with their daylight-saving rules), a few seconds-precision
 * episodes, day-precision dates and relative values.  The same seed gives
 * the same episodes in every form, so a wide and a long file merge, and
 * the observation and complication forms (ecpr-case-record(5)) belong to
 * those episodes: they come from a PRNG stream of their own, so adding
 * them changes nothing in the other forms.
 * Only the benchmark builds it; it is not installed.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progutil.h"
#include "sort.h"

#define USAGE "gen-cases -n EPISODES -s SITES " \
	"--form wide|long|obs|complications|attrs [--seed N] [-o FILE]"

#define MIN 60
#define HOUR 3600
#define DAY 86400

/* ---- the PRNG: splitmix64 (one 64-bit word of state) ---------------- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t
rng_next(rng *r)
{
	uint64_t z;

	z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi] (hi >= lo). */
static int64_t
rng_range(rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct/1000. */
static int
rng_permille(rng *r, int pm)
{
	return (int)(rng_next(r) % 1000) < pm;
}

/* ---- civil dates and the sites' zones ------------------------------- */

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Day number of the last Sunday of month m in year y. */
static int64_t
last_sunday(int y, int m)
{
	int64_t d;

	d = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	/* 1970-01-01 was a Thursday: weekday 0 = Sunday is (d + 4) % 7. */
	return d - ((d + 4) % 7 + 7) % 7;
}

/* Day number of the n-th Sunday of month m in year y. */
static int64_t
nth_sunday(int y, int m, int n)
{
	int64_t d = days_from_civil(y, m, 1);
	int wd = (int)(((d + 4) % 7 + 7) % 7);

	return d + (7 - wd) % 7 + 7 * (n - 1);
}

enum zone_rule { Z_EU, Z_UK, Z_US, Z_FIXED };

typedef struct zone {
	const char *site;   /* base name of the sites in this zone */
	enum zone_rule rule;
	int32_t std;        /* standard offset, seconds east */
} zone;

static const zone zones[] = {
	{ "Berlin-Charite", Z_EU, 1 * HOUR },
	{ "NewYork-Presbyterian", Z_US, -5 * HOUR },
	{ "Shanghai-Renji", Z_FIXED, 8 * HOUR },
	{ "London-Barts", Z_UK, 0 },
	{ "Mumbai-KEM", Z_FIXED, 5 * HOUR + 30 * MIN },
	{ "Tokyo-Kyorin", Z_FIXED, 9 * HOUR },
	{ "BuenosAires-Italiano", Z_FIXED, -3 * HOUR },
	{ "Wien \"AKH\", ICU 13i2", Z_EU, 1 * HOUR },
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

/* UTC offset in force at utc in zone z (EU, UK and US rules since 2007). */
static int32_t
zone_offset(const zone *z, int64_t utc)
{
	int y, m, d;
	int64_t a, b;

	civil_from_days(floor_div(utc, DAY), &y, &m, &d);
	switch (z->rule) {
	case Z_EU:
	case Z_UK:
		/* last Sunday of March 01:00Z to last Sunday of October 01:00Z */
		a = last_sunday(y, 3) * DAY + HOUR;
		b = last_sunday(y, 10) * DAY + HOUR;
		return z->std + (utc >= a && utc < b ? HOUR : 0);
	case Z_US:
		/* second Sunday of March 02:00 EST to first Sunday of Nov 02:00 EDT */
		a = nth_sunday(y, 3, 2) * DAY + 2 * HOUR - z->std;
		b = nth_sunday(y, 11, 1) * DAY + 2 * HOUR - z->std - HOUR;
		return z->std + (utc >= a && utc < b ? HOUR : 0);
	case Z_FIXED:
		break;
	}
	return z->std;
}

/* ---- episodes -------------------------------------------------------- */

enum ev {
	CA_ONSET, CPR_START, MCC_START, MCC_STOP, ROSC_TRANSIENT, REARREST,
	CANNULATION_START, ECMO_FLOW_START, ROSC, ECMO_STOP, IABP_START,
	IABP_STOP, CRRT_START, CRRT_STOP, MV_START, MV_STOP, PCI, ICU_ADMIT,
	ICU_DISCHARGE, HOSPITAL_ADMIT, HOSPITAL_DISCHARGE, DEATH, EV_COUNT
};

static const char *const ev_names[EV_COUNT] = {
	"ca_onset", "cpr_start", "mcc_start", "mcc_stop", "rosc_transient",
	"rearrest", "cannulation_start", "ecmo_flow_start", "rosc",
	"ecmo_stop", "iabp_start", "iabp_stop", "crrt_start", "crrt_stop",
	"mv_start", "mv_stop", "pci", "icu_admit", "icu_discharge",
	"hospital_admit", "hospital_discharge", "death"
};

enum at {
	AGE_YEARS, SEX, BMI, PRIMARY_DISEASE, CA_LOCATION, FIRST_CPR_PROVIDER,
	INITIAL_RHYTHM, APACHE2, CANNULATION_METHOD, MCC_DEVICE, ECMO_DEVICE,
	CPC_DISCHARGE, AT_COUNT
};

static const char *const at_names[AT_COUNT] = {
	"age_years", "sex", "bmi", "primary_disease", "ca_location",
	"first_cpr_provider", "initial_rhythm", "apache2",
	"cannulation_method", "mcc_device", "ecmo_device", "cpc_discharge"
};

/* How a time value is written. */
enum wform { W_MINUTE, W_SECOND, W_DAY, W_RELATIVE };

typedef struct event {
	enum ev type;
	int64_t t;          /* UTC seconds */
	enum wform form;
	enum ev anchor;     /* W_RELATIVE: the anchor type */
	const char *note;   /* NULL or a note for the long form */
} event;

#define MAX_EVENTS 64
#define ATTR_MAX 48

typedef struct episode {
	const zone *zone;
	char site[64];
	char subject[16];
	long number;
	char attr[AT_COUNT][ATTR_MAX];
	event ev[MAX_EVENTS];
	size_t nev;
	int scrambled;      /* long form: rows in generation order */
} episode;

static event *
add(episode *ep, enum ev type, int64_t t, enum wform form)
{
	event *e = &ep->ev[ep->nev++];

	e->type = type;
	e->t = t;
	e->form = form;
	e->anchor = CA_ONSET;
	e->note = NULL;
	return e;
}

static event *
find(episode *ep, enum ev type)
{
	size_t i;

	for (i = 0; i < ep->nev; i++)
		if (ep->ev[i].type == type)
			return &ep->ev[i];
	return NULL;
}

static const char *
pick(rng *r, const char *const *list, const int *weights, size_t n)
{
	int total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += weights[i];
	x = (int)rng_range(r, 0, total - 1);
	for (i = 0; i < n; i++) {
		if (x < weights[i])
			return list[i];
		x -= weights[i];
	}
	return list[n - 1];
}

#define PICK(r, l, w) pick((r), (l), (w), sizeof(l) / sizeof((l)[0]))

static const char *const diseases[] = { "acute myocardial infarction",
	"fulminant myocarditis", "pulmonary embolism",
	"dilated cardiomyopathy", "accidental hypothermia",
	"drug intoxication", "hypertrophic cardiomyopathy" };
static const int disease_w[] = { 55, 12, 10, 8, 5, 5, 5 };
static const char *const locations[] = { "home", "street", "public", "ems",
	"ed", "icu", "ward", "cath_lab", "other" };
static const int location_w[] = { 18, 8, 12, 10, 14, 8, 12, 16, 2 };
static const char *const out_providers[] = { "bystander", "first_aider",
	"ems", "other" };
static const int out_provider_w[] = { 45, 15, 38, 2 };
static const char *const in_providers[] = { "physician", "nurse",
	"intensivist", "other" };
static const int in_provider_w[] = { 40, 35, 23, 2 };
static const char *const rhythms[] = { "vf", "pvt", "pea", "asystole",
	"unknown" };
static const int rhythm_w[] = { 45, 5, 25, 20, 5 };
static const char *const methods[] = { "percutaneous", "surgical",
	"hybrid" };
static const int method_w[] = { 75, 15, 10 };
static const char *const mcc_devices[] = { "LUCAS 3", "LUCAS 2",
	"AutoPulse" };
static const int mcc_device_w[] = { 50, 25, 25 };
static const char *const ecmo_devices[] = { "ROTAFLOW", "Cardiohelp",
	"CentriMag" };
static const int ecmo_device_w[] = { 50, 35, 15 };
static const char *const cpcs[] = { "1", "2", "3", "4" };
static const int cpc_w[] = { 55, 25, 12, 8 };

static const char *const notes[] = { "device battery changed",
	"pause for transport, \"pulse check\"", "transfer from ED",
	"per EMS protocol", "time from monitor log" };

/*
 * Split [from, to) into k MCC segments separated by pauses; a transient
 * ROSC may open a pause and a re-arrest close it.
 */
static void
add_mcc(rng *r, episode *ep, int64_t from, int64_t to, int k, enum wform f,
    int64_t unit)
{
	int64_t len, a, b;
	int i;

	while (k > 1 && (to - from) / k < 6 * MIN)
		k--;
	len = (to - from) / k;
	for (i = 0; i < k; i++) {
		a = from + i * len;
		b = (i == k - 1) ? to : a + len - rng_range(r, 2, 4) * MIN;
		add(ep, MCC_START, a, f);
		add(ep, MCC_STOP, b, f);
		if (i < k - 1 && rng_permille(r, 300)) {
			add(ep, ROSC_TRANSIENT, b, f);
			add(ep, REARREST, from + (i + 1) * len - unit, f);
		}
	}
}

/* Drop what follows a death and stop running segments at the death. */
static void
cut_at_death(episode *ep, int64_t death)
{
	size_t i, j;
	int open[EV_COUNT] = { 0 };

	for (i = 0, j = 0; i < ep->nev; i++) {
		event *e = &ep->ev[i];

		if (e->t > death) {
			/* a stop of a segment started before death: at death */
			if ((e->type == MCC_STOP || e->type == IABP_STOP ||
			    e->type == CRRT_STOP || e->type == MV_STOP) &&
			    open[e->type - 1]) {
				e->t = death;
				e->form = W_MINUTE;
			} else {
				continue;
			}
		}
		if (e->type == MCC_START || e->type == IABP_START ||
		    e->type == CRRT_START || e->type == MV_START)
			open[e->type] = 1;
		else if (e->type == MCC_STOP || e->type == IABP_STOP ||
		    e->type == CRRT_STOP || e->type == MV_STOP)
			open[e->type - 1] = 0;
		ep->ev[j++] = *e;
	}
	ep->nev = j;
}

/* An arrest out of hospital: at home, in the street, in a public place
 * or in the presence of EMS (the criteria templates read it so too). */
static int
is_ohca(const char *loc)
{
	return strcmp(loc, "home") == 0 || strcmp(loc, "street") == 0 ||
	    strcmp(loc, "public") == 0 || strcmp(loc, "ems") == 0;
}

static void
gen_episode(rng *r, episode *ep, int64_t after)
{
	int64_t ca, cpr, flow = 0, cann, rosc = 0, ecmo_stop = 0, icu_in,
	    icu_out, hosp_in, hosp_out, death = 0, unit, t, mcc_to;
	int ecmo, sec, died, ohca, k;
	enum wform f;
	const char *loc;
	event *e;

	ep->nev = 0;
	ep->scrambled = rng_permille(r, 200);
	/* 2015-01-01 .. 2024-12-31, at a whole minute */
	if (after != 0)	/* a later arrest of the same subject */
		ca = after - after % MIN + rng_range(r, 30 * 1440,
		    700 * 1440) * MIN;
	else
		ca = (days_from_civil(2015, 1, 1) * DAY) +
		    rng_range(r, 0, 10 * 365 * 1440) * MIN;
	sec = rng_permille(r, 80);
	f = sec ? W_SECOND : W_MINUTE;
	unit = sec ? 1 : MIN;
	if (sec)
		ca += rng_range(r, 0, 59);

	/* attributes */
	snprintf(ep->attr[AGE_YEARS], ATTR_MAX, "%d", (int)rng_range(r, 18, 80));
	snprintf(ep->attr[SEX], ATTR_MAX, "%s",
	    rng_permille(r, 10) ? "U" : rng_permille(r, 700) ? "M" : "F");
	if (rng_permille(r, 950))
		snprintf(ep->attr[BMI], ATTR_MAX, "%d.%d",
		    (int)rng_range(r, 17, 39), (int)rng_range(r, 0, 9));
	else
		ep->attr[BMI][0] = '\0';
	snprintf(ep->attr[PRIMARY_DISEASE], ATTR_MAX, "%s",
	    PICK(r, diseases, disease_w));
	loc = PICK(r, locations, location_w);
	snprintf(ep->attr[CA_LOCATION], ATTR_MAX, "%s", loc);
	ohca = is_ohca(loc);
	snprintf(ep->attr[FIRST_CPR_PROVIDER], ATTR_MAX, "%s", ohca ?
	    PICK(r, out_providers, out_provider_w) :
	    PICK(r, in_providers, in_provider_w));
	snprintf(ep->attr[INITIAL_RHYTHM], ATTR_MAX, "%s",
	    PICK(r, rhythms, rhythm_w));
	snprintf(ep->attr[APACHE2], ATTR_MAX, "%d", (int)rng_range(r, 8, 45));
	snprintf(ep->attr[CANNULATION_METHOD], ATTR_MAX, "%s",
	    PICK(r, methods, method_w));
	snprintf(ep->attr[MCC_DEVICE], ATTR_MAX, "%s",
	    PICK(r, mcc_devices, mcc_device_w));
	snprintf(ep->attr[ECMO_DEVICE], ATTR_MAX, "%s",
	    PICK(r, ecmo_devices, ecmo_device_w));

	/* the arrest */
	add(ep, CA_ONSET, ca, f);
	cpr = ca + rng_range(r, 0, 15 * MIN / unit) * unit;
	e = add(ep, CPR_START, cpr, f);
	if (rng_permille(r, 20)) {
		e->form = W_RELATIVE;
		e->anchor = CA_ONSET;
	}
	t = cpr + rng_range(r, 20 * MIN / unit, 150 * MIN / unit) * unit;
	ecmo = rng_permille(r, 930);
	if (ecmo) {
		flow = t;
		cann = flow - rng_range(r, 15 * MIN / unit,
		    (flow - cpr - 5 * MIN) / unit) * unit;
		if (flow - cann > 45 * MIN)
			cann = flow - rng_range(r, 15, 45) * MIN;
		add(ep, CANNULATION_START, cann, f);
		e = add(ep, ECMO_FLOW_START, flow, f);
		if (rng_permille(r, 30)) {
			e->form = W_RELATIVE;
			e->anchor = CANNULATION_START;
		}
		if (rng_permille(r, 920))
			rosc = flow + rng_range(r, 5 * MIN / unit,
			    600 * MIN / unit) * unit;
		ecmo_stop = flow + rng_range(r, 2 * 1440, 14 * 1440) * MIN;
		ecmo_stop -= ecmo_stop % MIN;
		mcc_to = flow + rng_range(r, 0, 5) * MIN;
	} else {
		rosc = t;
		if (rng_permille(r, 500))
			add(ep, CANNULATION_START, rosc - rng_range(r, 3, 15) *
			    MIN, f);
		mcc_to = rosc;
	}
	if (rosc != 0)
		add(ep, ROSC, rosc, f);
	if (ecmo)
		add(ep, ECMO_STOP, ecmo_stop, W_MINUTE);

	/* mechanical chest compression: 1-3 segments, none in 10% */
	if (rng_permille(r, 900)) {
		k = (int)rng_range(r, 1, 3);
		add_mcc(r, ep, cpr + rng_range(r, 2 * MIN / unit,
		    (mcc_to - cpr) / 4 / unit) * unit, mcc_to, k, f, unit);
		if (rng_permille(r, 10))
			ep->nev--;	/* the last mcc_stop is not known */
	} else {
		ep->attr[MCC_DEVICE][0] = '\0';
	}
	if (!ecmo) {
		ep->attr[ECMO_DEVICE][0] = '\0';
		ep->attr[CANNULATION_METHOD][0] = '\0';
	}

	/* the stay (minute precision from here on) */
	t = (ecmo ? flow : rosc);
	t -= t % MIN;
	icu_in = t + rng_range(r, 30, 240) * MIN;
	add(ep, ICU_ADMIT, icu_in, W_MINUTE);
	icu_out = icu_in + rng_range(r, 5 * 1440, 60 * 1440) * MIN;
	if (ecmo && icu_out < ecmo_stop + DAY)
		icu_out = ecmo_stop + rng_range(r, 1440, 5 * 1440) * MIN;
	hosp_out = icu_out + rng_range(r, 2 * 1440, 30 * 1440) * MIN;
	if (ohca)
		hosp_in = ca - ca % MIN + rng_range(r, 20, 60) * MIN;
	else
		hosp_in = ca - ca % MIN - rng_range(r, 720, 10 * 1440) * MIN;
	if (hosp_in > icu_in)
		hosp_in = icu_in;
	add(ep, HOSPITAL_ADMIT, hosp_in,
	    !ohca && rng_permille(r, 30) ? W_DAY : W_MINUTE);

	/* MV from intubation during CPR; IABP, CRRT, PCI after flow */
	t = cpr - cpr % MIN + rng_range(r, 2, 20) * MIN;
	if (rng_permille(r, 950)) {
		int64_t stop = (ecmo ? ecmo_stop : icu_in) +
		    rng_range(r, 1440, 7 * 1440) * MIN;

		add(ep, MV_START, t, W_MINUTE);
		add(ep, MV_STOP, stop, W_MINUTE);
		if (rng_permille(r, 100)) {
			t = stop + rng_range(r, 1440, 3 * 1440) * MIN;
			add(ep, MV_START, t, W_MINUTE);
			add(ep, MV_STOP, t + rng_range(r, 1440, 4 * 1440) * MIN,
			    W_MINUTE);
		}
	}
	t = (ecmo ? flow : rosc);
	t -= t % MIN;
	if (rng_permille(r, 300)) {
		int64_t a = t + rng_range(r, 10, 240) * MIN;

		add(ep, IABP_START, a, W_MINUTE);
		add(ep, IABP_STOP, a + rng_range(r, 1440, 7 * 1440) * MIN,
		    W_MINUTE);
	}
	if (rng_permille(r, 350)) {
		int64_t a = t + rng_range(r, 720, 3 * 1440) * MIN;
		int64_t b = a + rng_range(r, 2 * 1440, 10 * 1440) * MIN;

		add(ep, CRRT_START, a, W_MINUTE);
		add(ep, CRRT_STOP, b, W_MINUTE);
		if (rng_permille(r, 150)) {
			a = b + rng_range(r, 1440, 4 * 1440) * MIN;
			add(ep, CRRT_START, a, W_MINUTE);
			add(ep, CRRT_STOP, a + rng_range(r, 1440, 5 * 1440) *
			    MIN, W_MINUTE);
		}
	}
	if (rng_permille(r, 400)) {
		add(ep, PCI, t + rng_range(r, 30, 300) * MIN, W_MINUTE);
		if (rng_permille(r, 50))
			add(ep, PCI, t + rng_range(r, 3 * 1440, 10 * 1440) *
			    MIN, W_MINUTE);
	}

	/* outcome: about 25% die (on ECMO, later in the ICU, on the ward) */
	died = rng_permille(r, ecmo && rosc == 0 ? 1000 : 200);
	if (died) {
		int where = (int)rng_range(r, 0, 9);

		if (ecmo && (rosc == 0 || where < 4)) {
			death = flow - flow % MIN + rng_range(r, 360,
			    (ecmo_stop - flow) / MIN) * MIN;
			if ((e = find(ep, ECMO_STOP)) != NULL)
				e->t = death;
		} else if (where < 8) {
			t = (ecmo ? ecmo_stop : icu_in) + HOUR;
			death = t + rng_range(r, 0, (icu_out - t) / MIN - 1) *
			    MIN;
		} else {
			t = icu_out + DAY;
			death = t + rng_range(r, 0, (hosp_out - t) / MIN - 1) *
			    MIN;
		}
		cut_at_death(ep, death);
		add(ep, DEATH, death, W_MINUTE);
		if (death > icu_out)
			add(ep, ICU_DISCHARGE, icu_out, W_MINUTE);
		if (rng_permille(r, 200))
			add(ep, HOSPITAL_DISCHARGE, death, W_MINUTE);
		snprintf(ep->attr[CPC_DISCHARGE], ATTR_MAX, "5");
	} else {
		add(ep, ICU_DISCHARGE, icu_out,
		    rng_permille(r, 20) ? W_DAY : W_MINUTE);
		add(ep, HOSPITAL_DISCHARGE, hosp_out,
		    rng_permille(r, 50) ? W_DAY : W_MINUTE);
		snprintf(ep->attr[CPC_DISCHARGE], ATTR_MAX, "%s",
		    PICK(r, cpcs, cpc_w));
	}
	if (rng_permille(r, 30))
		ep->attr[CPC_DISCHARGE][0] = '\0';

	/* a few notes */
	for (k = 0; k < (int)ep->nev; k++)
		if (rng_permille(r, 40))
			ep->ev[k].note = notes[rng_range(r, 0, 4)];
}

/* ---- writing ----------------------------------------------------------- */

static void
put_field(FILE *fp, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
put_offset(FILE *fp, int32_t off)
{
	if (off == 0) {
		fputc('Z', fp);
		return;
	}
	fprintf(fp, "%c%02d:%02d", off < 0 ? '-' : '+',
	    (int)(off < 0 ? -off : off) / HOUR,
	    (int)((off < 0 ? -off : off) % HOUR) / MIN);
}

static void
put_time(FILE *fp, const episode *ep, const event *e)
{
	int32_t off = zone_offset(ep->zone, e->t);
	int64_t local = e->t + off, secs;
	int y, m, d;

	if (e->form == W_RELATIVE) {
		const event *a = NULL;
		int64_t dt;
		size_t i;

		/* the anchor is the first occurrence in time of its type */
		for (i = 0; i < ep->nev; i++)
			if (ep->ev[i].type == e->anchor &&
			    (a == NULL || ep->ev[i].t < a->t))
				a = &ep->ev[i];
		dt = a != NULL ? e->t - a->t : 0;
		fprintf(fp, "%s%cPT", ev_names[e->anchor], dt < 0 ? '-' : '+');
		if (dt < 0)
			dt = -dt;
		if (dt == 0 || dt / MIN != 0)
			fprintf(fp, "%" PRId64 "M", dt / MIN);
		if (dt % MIN != 0)
			fprintf(fp, "%" PRId64 "S", dt % MIN);
		return;
	}
	civil_from_days(floor_div(local, DAY), &y, &m, &d);
	fprintf(fp, "%04d-%02d-%02d", y, m, d);
	if (e->form == W_DAY)
		return;
	secs = local - floor_div(local, DAY) * DAY;
	fprintf(fp, "T%02d:%02d", (int)(secs / HOUR), (int)(secs % HOUR / MIN));
	if (e->form == W_SECOND)
		fprintf(fp, ":%02d", (int)(secs % MIN));
	put_offset(fp, off);
}

static int
cmp_event(const void *a, const void *b)
{
	const event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (int)x->type - (int)y->type;
}

static void
write_long(FILE *fp, episode *ep)
{
	size_t i;

	if (!ep->scrambled)
		ecpr__sort(ep->ev, ep->nev, sizeof(ep->ev[0]), cmp_event);
	for (i = 0; i < ep->nev; i++) {
		put_field(fp, ep->site);
		fprintf(fp, ",%s,%ld,%s,", ep->subject, ep->number,
		    ev_names[ep->ev[i].type]);
		put_time(fp, ep, &ep->ev[i]);
		fputc(',', fp);
		if (ep->ev[i].note != NULL)
			put_field(fp, ep->ev[i].note);
		fputc('\n', fp);
	}
}

static void
write_wide(FILE *fp, episode *ep)
{
	const event *first[EV_COUNT] = { NULL };
	size_t i;
	int k;

	for (i = 0; i < ep->nev; i++) {
		const event *e = &ep->ev[i];

		if (first[e->type] == NULL || e->t < first[e->type]->t)
			first[e->type] = e;
	}
	put_field(fp, ep->site);
	fprintf(fp, ",%s,%ld", ep->subject, ep->number);
	for (k = 0; k < AT_COUNT; k++) {
		fputc(',', fp);
		put_field(fp, ep->attr[k]);
	}
	for (k = 0; k < EV_COUNT; k++) {
		fputc(',', fp);
		if (first[k] != NULL)
			put_time(fp, ep, first[k]);
	}
	fputc('\n', fp);
}

/* ---- observations and complications --------------------------------- */

/*
 * How the values of one observation are written: a unit spelling, the
 * range of the number (as an integer of `scale` decimals) and how often.
 * The ranges stay inside the possible limits of lib/core/defs.c once
 * converted to the observation's unit.
 */
typedef struct obs_unit {
	const char *unit;
	int64_t lo, hi;
	int scale;
	int weight;
} obs_unit;

typedef struct obs_kind {
	const char *name;
	int weight;           /* share of an episode's values, per cent */
	int on_ecmo;          /* only measured while on ECMO (ecmo_flow) */
	const char *censored; /* a censored value labs report, or NULL */
	int censored_pm;      /* how often, per mille */
	obs_unit units[3];
} obs_kind;

static const obs_kind obs_kinds[] = {
	{ "lactate", 20, 0, ">15.0", 40, { { "mmol/L", 8, 180, 1, 85 },
	    { "mg/dL", 7, 162, 0, 15 } } },
	{ "map", 14, 0, NULL, 0, { { "mm[Hg]", 35, 115, 0, 50 },
	    { "mmHg", 35, 115, 0, 50 } } },
	{ "ecmo_flow", 14, 1, NULL, 0, { { "L/min", 150, 580, 2, 60 },
	    { "L/min", 15, 58, 1, 40 } } },
	{ "platelets", 10, 0, NULL, 0, { { "10*9/L", 8, 380, 0, 60 },
	    { "10^9/L", 8, 380, 0, 15 }, { "/uL", 8000, 380000, 0, 25 } } },
	{ "creatinine", 10, 0, NULL, 0, { { "umol/L", 40, 650, 0, 55 },
	    { "\xc2\xb5mol/L", 40, 650, 0, 10 },
	    { "mg/dL", 45, 735, 2, 35 } } },
	{ "urine_output", 8, 0, NULL, 0, { { "mL/h", 0, 350, 0, 80 },
	    { "mL/h", 0, 400, 1, 20 } } },
	{ "bilirubin", 6, 0, NULL, 0, { { "umol/L", 40, 3500, 1, 80 },
	    { "mg/dL", 2, 205, 1, 20 } } },
	{ "alt", 5, 0, NULL, 0, { { "U/L", 8, 4000, 0, 100 } } },
	{ "pct", 5, 0, "<0.5", 80, { { "ng/mL", 5, 6000, 2, 100 } } },
	{ "troponin_i", 5, 0, NULL, 0, { { "ng/mL", 10, 80000, 3, 70 },
	    { "ng/L", 10, 80000, 0, 30 } } },
	{ "nt_probnp", 3, 0, ">35000", 120,
	    { { "pg/mL", 50, 34000, 0, 100 } } },
};
#define NKINDS (sizeof(obs_kinds) / sizeof(obs_kinds[0]))
#define KIND_MAP 1    /* what is measured instead of ECMO flow without ECMO */

#define MAX_OBS 32

typedef struct obs_row {
	int kind;
	int unit;     /* index into units[], -1: the censored value */
	int space;    /* censored written with a space ("> 15.0") */
	int64_t t;    /* UTC seconds */
	int64_t rel;  /* > 0: written as anchor + rel seconds */
	int64_t mant; /* the number, scaled by the unit's decimals */
} obs_row;

/* The window the observations and complications fall in. */
typedef struct course {
	enum ev anchor; /* ecmo_flow_start, or rosc without ECMO */
	int64_t from;   /* the anchor */
	int64_t to;     /* ecmo_stop (3 days after ROSC without ECMO) */
	int64_t death;  /* 0: alive at discharge */
	int ecmo;
} course;

static void
get_course(const episode *ep, course *c)
{
	const event *flow = NULL, *stop = NULL, *rosc = NULL, *death = NULL;
	size_t i;

	for (i = 0; i < ep->nev; i++) {
		const event *e = &ep->ev[i];

		if (e->type == ECMO_FLOW_START)
			flow = e;
		else if (e->type == ECMO_STOP)
			stop = e;
		else if (e->type == ROSC)
			rosc = e;
		else if (e->type == DEATH)
			death = e;
	}
	c->ecmo = 0;
	if (flow != NULL && stop != NULL) {
		c->ecmo = 1;
		c->anchor = ECMO_FLOW_START;
		c->from = flow->t;
		c->to = stop->t;
	} else {	/* without ECMO there is a ROSC (gen_episode) */
		c->anchor = rosc != NULL ? ROSC : CA_ONSET;
		c->from = rosc != NULL ? rosc->t : ep->ev[0].t;
		c->to = c->from + 3 * DAY;
	}
	c->death = death != NULL ? death->t : 0;
	if (c->death != 0 && c->to > c->death)
		c->to = c->death;
}

/* "ecmo_flow_start+P1DT6H": dt whole hours, dt > 0 */
static void
put_relative(FILE *fp, enum ev anchor, int64_t dt)
{
	fprintf(fp, "%s+P", ev_names[anchor]);
	if (dt / DAY != 0)
		fprintf(fp, "%" PRId64 "D", dt / DAY);
	if (dt % DAY != 0)
		fprintf(fp, "T%" PRId64 "H", dt % DAY / HOUR);
}

/* An absolute time of ep at minute precision, in the site's offset. */
static void
put_minute(FILE *fp, const episode *ep, int64_t t)
{
	event e = { CA_ONSET, 0, W_MINUTE, CA_ONSET, NULL };

	e.t = floor_div(t, MIN) * MIN;
	put_time(fp, ep, &e);
}

static void
put_number(FILE *fp, int64_t mant, int scale)
{
	int64_t p = 1;
	int i;

	for (i = 0; i < scale; i++)
		p *= 10;
	if (scale == 0)
		fprintf(fp, "%" PRId64, mant);
	else
		fprintf(fp, "%" PRId64 ".%0*" PRId64, mant / p, scale, mant % p);
}

/* A minute in [a, b] (a <= b), whole minutes. */
static int64_t
rng_minute(rng *r, int64_t a, int64_t b)
{
	a = floor_div(a + MIN - 1, MIN);
	b = floor_div(b, MIN);
	return (b > a ? rng_range(r, a, b) : a) * MIN;
}

static int
cmp_obs_row(const void *a, const void *b)
{
	const obs_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->kind - y->kind;
}

/*
 * About 20 values (16-24) across the vocabulary: most during the ECMO
 * course, a few before the flow and after decannulation, some exactly at
 * the minute of the window's ends, a tenth written relative to the
 * course's start; sites' other units and censored values.  Never two
 * values of one observation at the same time.
 */
static void
write_obs(FILE *fp, rng *r, episode *ep)
{
	obs_row row[MAX_OBS];
	course c;
	size_t n = 0, i, j;
	int want, k;

	get_course(ep, &c);
	want = (int)rng_range(r, 16, 24);
	for (k = 0; k < want; k++) {
		obs_row *o = &row[n];
		int x = (int)rng_range(r, 0, 99), place, total = 0;
		int64_t after;

		for (i = 0; i < NKINDS && x >= obs_kinds[i].weight; i++)
			x -= obs_kinds[i].weight;
		o->kind = (int)(i < NKINDS ? i : 0);
		if (obs_kinds[o->kind].on_ecmo && !c.ecmo)
			o->kind = KIND_MAP;
		o->rel = 0;
		place = (int)rng_range(r, 0, 999);
		after = c.to + rng_range(r, 60, 3 * 1440) * MIN;
		if (obs_kinds[o->kind].on_ecmo)
			place = 999;
		if (place < 50) {		/* before: on arrival, during CPR */
			o->t = rng_minute(r, c.from - 15 * MIN, c.from - MIN);
		} else if (place < 110 && c.ecmo && c.death == 0) {
			o->t = after - after % MIN;	/* after decannulation */
		} else if (place < 125) {	/* the minute the course starts */
			o->t = floor_div(c.from, MIN) * MIN;
		} else if (place < 140 && c.ecmo) {	/* ... and ends */
			o->t = floor_div(c.to, MIN) * MIN;
		} else if (place < 240 && (c.to - c.from) / HOUR >= 2) {
			o->rel = rng_range(r, 1, (c.to - c.from) / HOUR - 1) *
			    HOUR;
			o->t = c.from + o->rel;
		} else {
			o->t = rng_minute(r, c.from + MIN, c.to - MIN);
		}
		for (j = 0; j < n; j++)
			if (row[j].kind == o->kind && row[j].t == o->t)
				break;
		if (j < n)
			continue;	/* measured once at a time */
		if (obs_kinds[o->kind].censored != NULL &&
		    rng_permille(r, obs_kinds[o->kind].censored_pm)) {
			o->unit = -1;
			o->space = rng_permille(r, 250);
		} else {
			const obs_unit *u = obs_kinds[o->kind].units;

			for (i = 0; i < 3 && u[i].unit != NULL; i++)
				total += u[i].weight;
			x = (int)rng_range(r, 0, total - 1);
			for (i = 0; x >= u[i].weight; i++)
				x -= u[i].weight;
			o->unit = (int)i;
			o->mant = rng_range(r, u[i].lo, u[i].hi);
		}
		n++;
	}
	if (!ep->scrambled)
		ecpr__sort(row, n, sizeof(row[0]), cmp_obs_row);
	for (i = 0; i < n; i++) {
		const obs_row *o = &row[i];
		const obs_kind *kd = &obs_kinds[o->kind];

		put_field(fp, ep->site);
		fprintf(fp, ",%s,%ld,%s,", ep->subject, ep->number, kd->name);
		if (o->rel > 0)
			put_relative(fp, c.anchor, o->rel);
		else
			put_minute(fp, ep, o->t);
		fputc(',', fp);
		if (o->unit < 0) {
			fprintf(fp, "%.1s%s%s,%s\n", kd->censored,
			    o->space ? " " : "", kd->censored + 1,
			    kd->units[0].unit);
			continue;
		}
		put_number(fp, o->mant, kd->units[o->unit].scale);
		fprintf(fp, ",%s\n", kd->units[o->unit].unit);
	}
}

enum by { BY_MCC, BY_ECPR, BY_OTHER };

static const char *const by_names[] = { "mcc", "ecpr", "other" };
static const char *const mcc_codes[] = { "pulmonary_contusion",
	"rib_fracture", "sternal_fracture", "abdominal_organ_injury",
	"pneumothorax" };
static const char *const ecpr_codes[] = { "bleeding_cannulation_site",
	"limb_ischaemia", "haemolysis", "circuit_thrombosis", "stroke",
	"intracranial_haemorrhage", "pulmonary_infection", "pulmonary_oedema",
	"mods", "renal_failure", "sepsis", "dic", "compartment_syndrome" };
static const char *const other_codes[] = { "arrhythmia", "seizure",
	"bleeding_gi", "infection" };
static const char *const compl_notes[] = { "left leg, fasciotomy",
	"CT \"day 2\"", "per ELSO definition" };

#define NCODES(a) (sizeof(a) / sizeof((a)[0]))

/*
 * 0-3 complications (mechanical CC ones only after MCC, ECPR ones only
 * with ECMO), at a time in the course, relative to its start or unknown;
 * "none" for an attribution assessed without complications.
 */
static void
write_complications(FILE *fp, rng *r, episode *ep)
{
	const char *code[6];
	int by[6], has[3] = { 0, 0, 0 }, mcc = ep->attr[MCC_DEVICE][0] != '\0';
	course c;
	int n = 0, k, want, i;

	get_course(ep, &c);
	want = (int)rng_range(r, 0, 9);
	want = want < 4 ? 0 : want < 7 ? 1 : want < 9 ? 2 : 3;
	for (k = 0; k < want; k++) {
		int x = (int)rng_range(r, 0, 99);
		const char *s;

		if (mcc && x < 30) {
			by[n] = BY_MCC;
			s = mcc_codes[rng_range(r, 0, NCODES(mcc_codes) - 1)];
		} else if (c.ecmo && x < 85) {
			by[n] = BY_ECPR;
			s = ecpr_codes[rng_range(r, 0, NCODES(ecpr_codes) - 1)];
		} else {
			by[n] = BY_OTHER;
			s = other_codes[rng_range(r, 0,
			    NCODES(other_codes) - 1)];
		}
		for (i = 0; i < n; i++)
			if (by[i] == by[n] && strcmp(code[i], s) == 0)
				break;
		if (i < n)
			continue;
		code[n] = s;
		has[by[n++]] = 1;
	}
	if (mcc && !has[BY_MCC] && rng_permille(r, 500)) {
		code[n] = "none";
		by[n++] = BY_MCC;
	}
	if (c.ecmo && !has[BY_ECPR] && rng_permille(r, 400)) {
		code[n] = "none";
		by[n++] = BY_ECPR;
	}
	for (i = 0; i < n; i++) {
		int x = strcmp(code[i], "none") == 0 ? 0 :
		    (int)rng_range(r, 0, 99);

		put_field(fp, ep->site);
		fprintf(fp, ",%s,%ld,%s,", ep->subject, ep->number, code[i]);
		if (x >= 35 && x < 50 && (c.to - c.from) / HOUR >= 2)
			put_relative(fp, c.anchor, rng_range(r, 1,
			    (c.to - c.from) / HOUR - 1) * HOUR);
		else if (x >= 35)
			put_minute(fp, ep, rng_minute(r, c.from, c.to));
		fprintf(fp, ",%s,", by_names[by[i]]);
		if (rng_permille(r, 50))
			put_field(fp, compl_notes[rng_range(r, 0,
			    NCODES(compl_notes) - 1)]);
		fputc('\n', fp);
	}
}

/*
 * The latest event of an episode (a later episode starts after it), or -1
 * when the subject died.
 */
static int64_t
last_time(const episode *ep)
{
	int64_t t = 0;
	size_t i;

	for (i = 0; i < ep->nev; i++)
		if (ep->ev[i].type == DEATH)
			return -1;
		else if (ep->ev[i].t > t)
			t = ep->ev[i].t + (ep->ev[i].form == W_DAY ? DAY : 0);
	return t;
}

/* A bijection of 48-bit counters, so that pseudonyms look random. */
static uint64_t
mix48(uint64_t x)
{
	const uint64_t mask = (UINT64_C(1) << 48) - 1;

	x = (x * UINT64_C(0x9e3779b97f4b)) & mask;
	x ^= x >> 23;
	x = (x * UINT64_C(0x5851f42d4c95)) & mask;
	x ^= x >> 29;
	return x;
}

typedef struct site_state {
	unsigned char *eps;	/* episodes so far per subject */
	int64_t *last;		/* time of the subject's last discharge */
	size_t n, cap;
} site_state;

/* ---- the attributes eligibility criteria test ----------------------- */

/*
 * witnessed, bystander_cpr, pupillary_light_reflex and
 * cerebral_haemorrhage (ecpr(7)) as a wide file of their own, merged
 * with the wide or long file of the same seed: a bystander starts CPR
 * only out of hospital (in hospital the attribute stays empty), arrests
 * in hospital are nearly always witnessed, and some values are the code
 * unknown or missing.
 */
static const char *const yes_no[] = { "yes", "no", "unknown", "" };
static const int witnessed_ohca_w[] = { 68, 26, 3, 3 };
static const int witnessed_ihca_w[] = { 92, 5, 1, 2 };
static const int plr_w[] = { 55, 35, 3, 7 };
static const int ich_w[] = { 4, 88, 2, 6 };

static void
write_attrs(FILE *fp, rng *r, const episode *ep)
{
	const char *loc = ep->attr[CA_LOCATION];
	const char *by;
	int ohca;

	ohca = is_ohca(loc);
	put_field(fp, ep->site);
	fprintf(fp, ",%s,%ld,%s,", ep->subject, ep->number, ohca ?
	    PICK(r, yes_no, witnessed_ohca_w) :
	    PICK(r, yes_no, witnessed_ihca_w));
	by = "";
	if (ohca && strcmp(loc, "ems") != 0)
		by = strcmp(ep->attr[FIRST_CPR_PROVIDER], "bystander") == 0 ||
		    strcmp(ep->attr[FIRST_CPR_PROVIDER], "first_aider") == 0 ?
		    "yes" : rng_permille(r, 950) ? "no" : "unknown";
	fprintf(fp, "%s,%s,%s\n", by, PICK(r, yes_no, plr_w),
	    PICK(r, yes_no, ich_w));
}

enum form { F_WIDE, F_LONG, F_OBS, F_COMPLICATIONS, F_ATTRS };

static int
generate(FILE *fp, long n, long sites, enum form form, uint64_t seed)
{
	rng r = { seed };
	/* the observations' and complications' own stream: r stays as is */
	rng rx = { seed ^ UINT64_C(0x6f62732d636f6d70) };
	/* and the criteria attributes' */
	rng ra = { seed ^ UINT64_C(0x61747472732d3131) };
	site_state *st;
	episode *ep;
	long i, s;
	int k, ok = 0;

	st = calloc((size_t)sites, sizeof(*st));
	ep = malloc(sizeof(*ep));
	if (st == NULL || ep == NULL)
		goto out;
	switch (form) {
	case F_WIDE:
		fputs("site,subject,episode", fp);
		for (k = 0; k < AT_COUNT; k++)
			fprintf(fp, ",%s", at_names[k]);
		for (k = 0; k < EV_COUNT; k++)
			fprintf(fp, ",%s", ev_names[k]);
		fputc('\n', fp);
		break;
	case F_LONG:
		fputs("site,subject,episode,event,time,note\n", fp);
		break;
	case F_OBS:
		fputs("site,subject,episode,observation,time,value,unit\n", fp);
		break;
	case F_COMPLICATIONS:
		fputs("site,subject,episode,complication,time,attribution,"
		    "note\n", fp);
		break;
	case F_ATTRS:
		fputs("site,subject,episode,witnessed,bystander_cpr,"
		    "pupillary_light_reflex,cerebral_haemorrhage\n", fp);
		break;
	}
	for (i = 0; i < n; i++) {
		site_state *ss;
		size_t subj;

		s = (long)rng_range(&r, 0, sites - 1);
		ss = &st[s];
		ep->zone = &zones[(size_t)s % NZONES];
		if ((size_t)s < NZONES)
			snprintf(ep->site, sizeof(ep->site), "%s",
			    ep->zone->site);
		else
			snprintf(ep->site, sizeof(ep->site), "%s-%ld",
			    ep->zone->site, s / (long)NZONES + 1);
		subj = SIZE_MAX;
		if (ss->n > 0 && rng_permille(&r, 70))
			subj = (size_t)rng_range(&r, 0, (int64_t)ss->n - 1);
		if (subj != SIZE_MAX && ss->last[subj] > 0 &&
		    ss->eps[subj] < 9) {
			/* another arrest of a subject seen before, alive */
			ss->eps[subj]++;
		} else {
			if (ss->n == ss->cap) {
				size_t cap = ss->cap ? ss->cap * 2 : 256;
				unsigned char *p = realloc(ss->eps, cap);
				int64_t *q;

				if (p == NULL)
					goto out;
				ss->eps = p;
				q = realloc(ss->last, cap * sizeof(*q));
				if (q == NULL)
					goto out;
				ss->last = q;
				ss->cap = cap;
			}
			subj = ss->n++;
			ss->eps[subj] = 1;
			ss->last[subj] = 0;
		}
		snprintf(ep->subject, sizeof(ep->subject), "p%012" PRIx64,
		    mix48(((uint64_t)s << 32 | subj) + 12345));
		ep->number = ss->eps[subj];
		gen_episode(&r, ep, ss->last[subj]);
		ss->last[subj] = last_time(ep);
		switch (form) {
		case F_WIDE:
			write_wide(fp, ep);
			break;
		case F_LONG:
			write_long(fp, ep);
			break;
		case F_OBS:
			write_obs(fp, &rx, ep);
			break;
		case F_COMPLICATIONS:
			write_complications(fp, &rx, ep);
			break;
		case F_ATTRS:
			write_attrs(fp, &ra, ep);
			break;
		}
	}
	ok = 1;
out:
	if (!ok)
		prog_error("out of memory");
	if (st != NULL)
		for (s = 0; s < sites; s++) {
			free(st[s].eps);
			free(st[s].last);
		}
	free(st);
	free(ep);
	return ok;
}

static void
usage(void)
{
	printf("usage: %s\n\n"
	    "Write N synthetic ECPR case records across M sites as case-record\n"
	    "CSV (wide or long form, or the same episodes' observations,\n"
	    "complications or criteria attributes) for the benchmarks.\n\n"
	    "  -n, --episodes N   number of episodes (required)\n"
	    "  -s, --sites M      number of sites (required, 1-1000)\n"
	    "  -f, --form FORM    wide, long, obs, complications or attrs\n"
	    "                     (required)\n"
	    "      --seed N       PRNG seed (default 1); same seed, same cases\n"
	    "  -o, --output FILE  write to FILE instead of standard output\n"
	    "  -h, --help         show this help\n"
	    "  -V, --version      show the version\n", USAGE);
}

static long
parse_long(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		prog_usage_error(USAGE, "%s: \"%s\" is not a number in %ld-%ld",
		    opt, s, lo, hi);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "episodes", required_argument, NULL, 'n' },
		{ "sites", required_argument, NULL, 's' },
		{ "form", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	long n = -1, sites = -1;
	int form = -1, c, ok;
	uint64_t seed = 1;
	const char *output = "-";
	prog_outfile of;

	prog_init(argv[0]);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n:s:f:o:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'n':
			n = parse_long("--episodes", optarg, 0, 100000000L);
			break;
		case 's':
			sites = parse_long("--sites", optarg, 1, 1000);
			break;
		case 'f':
			if (strcmp(optarg, "wide") == 0)
				form = F_WIDE;
			else if (strcmp(optarg, "long") == 0)
				form = F_LONG;
			else if (strcmp(optarg, "obs") == 0)
				form = F_OBS;
			else if (strcmp(optarg, "complications") == 0)
				form = F_COMPLICATIONS;
			else if (strcmp(optarg, "attrs") == 0)
				form = F_ATTRS;
			else
				prog_usage_error(USAGE, "--form: \"%s\" is not "
				    "wide, long, obs, complications or attrs",
				    optarg);
			break;
		case 'S':
			seed = (uint64_t)parse_long("--seed", optarg, 0,
			    2147483647L);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			usage();
			return prog_finish(0);
		case 'V':
			prog_version();
			return prog_finish(0);
		case ':':
			prog_usage_error(USAGE, "option \"%s\" needs a value",
			    argv[optind - 1]);
		default:
			prog_usage_error(USAGE, "bad option \"%s\"",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		prog_usage_error(USAGE, "unexpected argument \"%s\"",
		    argv[optind]);
	if (n < 0 || sites < 0 || form < 0)
		prog_usage_error(USAGE, "-n, -s and --form are required");

	if ((c = prog_outfile_open(&of, output)) != 0)
		return c;
	ok = generate(of.fp, n, sites, (enum form)form, seed);
	c = prog_outfile_close(&of, ok);
	return ok ? c : EX_SOFTWARE;
}
