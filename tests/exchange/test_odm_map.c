/*
 * test_odm_map.c - the ODM import map (ecpr_odm_map_load) and the import
 * of ODM ClinicalData into episodes (ecpr_odm_import_*) on hand-written
 * files: exact episodes, values, lines and messages.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "ecpr_odm.h"
#include "odm_internal.h"

static char *dir;

static int
suite_init(void)
{
	dir = cu_tmpdir();
	return 0;
}

static int
suite_clean(void)
{
	cu_rmtree(dir);
	free(dir);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The map file                                                         */
/* ------------------------------------------------------------------ */

static void
test_map_load_reads_every_rule(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_map *m = NULL;
	char *p = cu_write_file(dir, "good.map",
	    "# a comment\n"
	    "  site =  hz_main  \n"
	    "\n"
	    "item record_id = ignore\n"
	    "item arrest_date + E1/arrest_time = ca_onset\n"
	    "item E2/icu_dt = icu_discharge\n"
	    "item gender = sex\n"
	    "code sex Female = F\n"
	    "item where = site\n");

	CU_ASSERT_EQUAL_FATAL(ecpr_odm_map_load(&m, p, &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(ecpr_odm_map_site(m), "hz_main");
	CU_ASSERT_STRING_EQUAL(m->file, p);
	CU_ASSERT_EQUAL_FATAL(m->nitems, 5);
	CU_ASSERT_EQUAL(m->items[0].f.kind, ECPR__F_IGNORE);
	CU_ASSERT_EQUAL(m->items[0].line, 4);
	CU_ASSERT_PTR_NULL(m->items[1].event);
	CU_ASSERT_STRING_EQUAL(m->items[1].item, "arrest_date");
	CU_ASSERT_STRING_EQUAL(m->items[1].tevent, "E1");
	CU_ASSERT_STRING_EQUAL(m->items[1].titem, "arrest_time");
	CU_ASSERT_EQUAL(m->items[1].f.kind, ECPR__F_EVENT);
	CU_ASSERT_EQUAL(m->items[1].f.id, ECPR_EV_CA_ONSET);
	CU_ASSERT_STRING_EQUAL(m->items[2].event, "E2");
	CU_ASSERT_STRING_EQUAL(m->items[2].item, "icu_dt");
	CU_ASSERT_EQUAL(m->items[2].f.id, ECPR_EV_ICU_DISCHARGE);
	CU_ASSERT_EQUAL(m->items[3].f.kind, ECPR__F_ATTR);
	CU_ASSERT_EQUAL(m->items[3].f.id, ECPR_AT_SEX);
	CU_ASSERT_EQUAL(m->items[4].f.kind, ECPR__F_SITE);
	CU_ASSERT_EQUAL_FATAL(m->ncodes, 1);
	CU_ASSERT_EQUAL(m->codes[0].f.id, ECPR_AT_SEX);
	CU_ASSERT_STRING_EQUAL(m->codes[0].code, "Female");
	CU_ASSERT_STRING_EQUAL(m->codes[0].value, "F");
	ecpr_odm_map_free(m);
	free(p);
}

static void
test_map_without_site_and_null(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_map *m = NULL;
	char *p = cu_write_file(dir, "nosite.map", "item a = bmi\n");

	CU_ASSERT_EQUAL_FATAL(ecpr_odm_map_load(&m, p, &err), ECPR_OK);
	CU_ASSERT_PTR_NULL(ecpr_odm_map_site(m));
	CU_ASSERT_PTR_NULL(ecpr_odm_map_site(NULL));
	ecpr_odm_map_free(m);
	ecpr_odm_map_free(NULL);
	free(p);
}

/* A map that is refused: its status, line and message. */
static const struct map_case {
	const char *text;
	unsigned long line;
	const char *msg;
} map_cases[] = {
	{ "# c\nitem arrest_dt = ca_onst\n", 2, "key \"item arrest_dt\": "
	    "unknown field \"ca_onst\" (site, ignore, an event, an "
	    "attribute or an item of an observation or a complication)" },
	{ "item a = ca_onset\n\nitem a = cpr_start\n", 3, "key \"item a\": "
	    "given twice (also line 1)" },
	{ "site hz\n", 1, "\"site hz\": no \"=\" (KEY = VALUE)" },
	{ "colour sex = M\n", 1, "unknown key \"colour sex\" (site, item "
	    "OID, code FIELD CODE)" },
	{ "code ca_onset 1 = M\n", 1, "key \"code ca_onset 1\": \"ca_onset\" "
	    "is not an attribute" },
	{ "site = a,b\n", 1, "key \"site\": bad site \"a,b\"" },
	{ "site = a\nsite = b\n", 2, "key \"site\" given twice" },
	{ "site = \"a\"\n", 1, "key \"site\": bad site \"\"a\"\"" },
	{ "= x\n", 1, "no key before \"= x\"" },
	{ "item a + b = sex\n", 1, "key \"item a + b\": a date and a time "
	    "make an event, not \"sex\"" },
	{ "item /a = sex\n", 1, "key \"item /a\": \"/a\" is not ITEM or "
	    "EVENT/ITEM" },
	{ "item a + E/ = ca_onset\n", 1, "key \"item a + E/\": \"E/\" is "
	    "not ITEM or EVENT/ITEM" },
	{ "item E/a = sex\nitem E/a = bmi\n", 2, "key \"item E/a\": given "
	    "twice (also line 1)" },
	{ "item a + b c = ca_onset\n", 1, "unknown key \"item a + b c\" "
	    "(site, item OID, code FIELD CODE)" },
	{ "code sex = F\n", 1, "unknown key \"code sex\" (site, item OID, "
	    "code FIELD CODE)" },
};

static void
test_map_mistakes_name_file_and_line(void)
{
	ecpr_error err;
	ecpr_odm_map *m;
	size_t i;
	char *p;

	for (i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		p = cu_write_file(dir, "bad.map", map_cases[i].text);
		ecpr_error_clear(&err);
		m = (ecpr_odm_map *)1;
		CU_ASSERT_EQUAL(ecpr_odm_map_load(&m, p, &err), ECPR_EPARSE);
		CU_ASSERT_PTR_NULL(m);
		CU_ASSERT_EQUAL(err.code, ECPR_EPARSE);
		CU_ASSERT_STRING_EQUAL(err.file, p);
		CU_ASSERT_EQUAL(err.line, map_cases[i].line);
		CU_ASSERT_STRING_EQUAL(err.message, map_cases[i].msg);
		if (strcmp(err.message, map_cases[i].msg) != 0)
			fprintf(stderr, "case %zu: %s\n", i, err.message);
		free(p);
	}
}

static void
test_map_long_line_and_unreadable(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_map *m = NULL;
	char *text = malloc(5000), *p, missing[4200];

	memset(text, 'x', 4999);
	text[4999] = '\0';
	p = cu_write_file(dir, "long.map", text);
	CU_ASSERT_EQUAL(ecpr_odm_map_load(&m, p, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_STRING_EQUAL(err.message, "line longer than 4094 bytes");
	free(p);
	free(text);

	snprintf(missing, sizeof(missing), "%s/none.map", dir);
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_map_load(&m, missing, &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, missing);
	CU_ASSERT_EQUAL(err.line, 0);
	CU_ASSERT_STRING_EQUAL(err.message, "cannot open: No such file or "
	    "directory");
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_map_load(&m, dir, &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, dir);
	CU_ASSERT_STRING_EQUAL(err.message, "cannot read: Is a directory");
	CU_ASSERT_PTR_NULL(m);
}

/* ------------------------------------------------------------------ */
/* The import                                                           */
/* ------------------------------------------------------------------ */

/* What an import gave: episodes and problems, as text. */
struct seen {
	char ep[4096];
	char errs[4096];
	int refuse;  /* status on_episode returns */
	int built;   /* on_episode built each episode */
	ecpr_tz *tz;
	char notes[1024]; /* the map rules in no file */
	ecpr_odm_import_stats st;
};

static void
cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

static const char *const tx_names[] = { "", " Insert", " Update",
	" Upsert", " Remove" };

/* "site/subject/number@line: field=value@line[ tx][#occ]; ..." */
static int
seen_episode(const ecpr_odm_episode *e, void *ctx)
{
	struct seen *s = ctx;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	size_t i;

	cat(s->ep, sizeof(s->ep), "%s/%s/%ld@%lu%s:", e->site, e->subject,
	    e->number, e->line, ecpr_odm_episode_is_change(e) ? " change" :
	    "");
	for (i = 0; i < e->nvalues; i++) {
		const ecpr_odm_value *v = &e->values[i];

		cat(s->ep, sizeof(s->ep), " %s=%s@%lu%s",
		    v->attr >= 0 ? ecpr_attr_name((ecpr_attr_id)v->attr) :
		    ecpr_event_name(v->type), v->value, v->line,
		    tx_names[v->tx]);
		if (v->attr < 0)
			cat(s->ep, sizeof(s->ep), "#%u", v->occurrence);
	}
	cat(s->ep, sizeof(s->ep), "\n");
	if (s->built) {
		if (ecpr_odm_episode_build(&ep, e, s->tz, &err) == ECPR_OK)
			cat(s->ep, sizeof(s->ep), "built %s/%s/%ld, %zu "
			    "events\n", ecpr_episode_site(ep),
			    ecpr_episode_subject(ep), ecpr_episode_number(ep),
			    ecpr_episode_event_count(ep));
		else
			cat(s->ep, sizeof(s->ep), "refused %s:%lu: %s\n",
			    err.file[0] != '\0' ? "F" : "", err.line,
			    err.message);
		ecpr_episode_free(ep);
	}
	return s->refuse;
}

static void
seen_error(const ecpr_error *err, void *ctx)
{
	struct seen *s = ctx;

	cat(s->errs, sizeof(s->errs), "%lu: %s\n", err->line, err->message);
}

static void
seen_note(const ecpr_error *err, void *ctx)
{
	struct seen *s = ctx;

	cat(s->notes, sizeof(s->notes), "%lu: %s\n", err->line,
	    err->message);
}

#define ODM_HEAD \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" /* 1 */ \
	"<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"t\" " \
	"FileType=\"Snapshot\" CreationDateTime=\"2024-01-01T00:00:00\" " \
	"ODMVersion=\"1.3.2\">\n" /* 2 */ \
	"<Study OID=\"S\"><MetaDataVersion OID=\"M\" Name=\"m\">\n" /* 3 */ \
	"<StudyEventDef OID=\"E1\" Name=\"Baseline\" Repeating=\"Yes\" " \
	"Type=\"Common\"/>\n" /* 4 */ \
	"<ItemDef OID=\"gender\" Name=\"gender\" DataType=\"text\">" \
	"<CodeListRef CodeListOID=\"g\"/></ItemDef>\n" /* 5 */ \
	"<CodeList OID=\"g\" Name=\"g\" DataType=\"text\">" \
	"<CodeListItem CodedValue=\"1\"><Decode><TranslatedText>Male" \
	"</TranslatedText></Decode></CodeListItem>" \
	"<CodeListItem CodedValue=\"2\"><Decode><TranslatedText>F" \
	"</TranslatedText></Decode></CodeListItem></CodeList>\n" /* 6 */ \
	"</MetaDataVersion></Study>\n" /* 7 */ \
	"<ClinicalData StudyOID=\"S\" MetaDataVersionOID=\"M\">\n" /* 8 */

#define ODM_TAIL "</ClinicalData></ODM>\n"

/* Import file text with map text (NULL: none) and date formats. */
static int
import_text(struct seen *s, const char *maptext, const char *odm,
    const char *const *fmts, size_t nfmts)
{
	ecpr_odm_import_opts o = ECPR_ODM_IMPORT_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_import *im = NULL;
	ecpr_odm_map *m = NULL;
	char *mp = NULL, *xp = cu_write_file(dir, "in.xml", odm);
	const char *q;
	size_t n;
	int rc;

	if (maptext != NULL) {
		mp = cu_write_file(dir, "in.map", maptext);
		CU_ASSERT_EQUAL_FATAL(ecpr_odm_map_load(&m, mp, &err),
		    ECPR_OK);
	}
	o.map = m;
	o.date_formats = fmts;
	o.ndate_formats = nfmts;
	o.on_episode = seen_episode;
	o.on_error = seen_error;
	o.ctx = s;
	CU_ASSERT_EQUAL_FATAL(ecpr_odm_import_new(&im, &o, &err), ECPR_OK);
	rc = ecpr_odm_import_file(im, xp, &err);
	n = ecpr_odm_import_unused(im, seen_note, s);
	for (q = s->notes; (q = strchr(q, '\n')) != NULL; q++)
		n--;
	CU_ASSERT_EQUAL(n, 0);
	ecpr_odm_import_get_stats(im, &s->st);
	ecpr_odm_import_free(im);
	ecpr_odm_map_free(m);
	free(mp);
	free(xp);
	return rc;
}

static void
test_import_snapshot_through_a_map(void)
{
	static const char *const fmts[] = { "%d %b %Y %H:%M", "%d %b %Y" };
	struct seen s;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(import_text(&s,
	    "site = hz\n"
	    "item arrest_day + arrest_time = ca_onset\n"
	    "item Baseline/cpr = cpr_start\n"
	    "item gender = sex\n"
	    "item rhythm = initial_rhythm\n"
	    "code initial_rhythm 1 = vf\n"
	    "item old = age_years\n"
	    "item unused = bmi\n",
	    ODM_HEAD
	    "<SubjectData SubjectKey=\"101\">\n" /* 9 */
	    "<StudyEventData StudyEventOID=\"E1\" StudyEventRepeatKey=\"2\">"
	    "<FormData FormOID=\"F\"><ItemGroupData ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"arrest_time\" Value=\"10:05\"/>\n" /* 11 */
	    "<ItemData ItemOID=\"arrest_day\" Value=\"01 JUN 2023\"/>\n"
	    "<ItemData ItemOID=\"cpr\" Value=\"01 Jun 2023 10:07\"/>\n"
	    "<ItemData ItemOID=\"gender\" Value=\"2\"/>\n" /* 14 */
	    "<ItemData ItemOID=\"rhythm\" Value=\"1\"/>\n"
	    "<ItemData ItemOID=\"old\" Value=\"90+\"/>\n"
	    "<ItemData ItemOID=\"junk\" Value=\"x\"/>\n" /* 17 */
	    "<ItemData ItemOID=\"bmi\" Value=\"\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData>\n"
	    "</SubjectData>\n" ODM_TAIL, fmts, 2), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(s.ep, "hz/101/2@11: "
	    "ca_onset=2023-06-01T10:05@12#1 "
	    "cpr_start=2023-06-01T10:07@13#1 sex=F@14 "
	    "initial_rhythm=vf@15\n");
	CU_ASSERT_STRING_EQUAL(s.errs, "");
	CU_ASSERT_STRING_EQUAL(s.notes, "8: warning: item \"unused\" is in no "
	    "file\n");
	CU_ASSERT_EQUAL(s.st.ignored, 1);
	CU_ASSERT_EQUAL(s.st.ages, 1);
	CU_ASSERT_EQUAL(s.st.context, 0);
}

static void
test_import_without_map_names_fields(void)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.built = 1;
	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&s.tz, "UTC", NULL), ECPR_OK);
	CU_ASSERT_EQUAL(import_text(&s, NULL, ODM_HEAD
	    "<SubjectData SubjectKey=\"7\">\n" /* 9 */
	    "<StudyEventData StudyEventOID=\"E1\"><FormData FormOID=\"F\">"
	    "<ItemGroupData ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"site\" Value=\"s1\"/>\n" /* 11 */
	    "<ItemData ItemOID=\"ca_onset\" Value=\"2023-06-01T10:00Z\"/>\n"
	    "<ItemData ItemOID=\"cpr_start\" Value=\"2023-06-01T10:04Z\"/>\n"
	    "<ItemData ItemOID=\"sex\" Value=\"m\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData>\n"
	    "<StudyEventData StudyEventOID=\"E1\" StudyEventRepeatKey=\"3\">"
	    "<FormData FormOID=\"F\"><ItemGroupData ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"site\" Value=\"s1\"/>\n" /* 17 */
	    "<ItemData ItemOID=\"cpr_start\" Value=\"2023-06-01T10:04Z\"/>\n"
	    "<ItemData ItemOID=\"ca_onset\" Value=\"2023-06-01T10:09Z\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData>\n"
	    "</SubjectData>\n" ODM_TAIL, NULL, 0), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(s.ep,
	    "s1/7/1@11: ca_onset=2023-06-01T10:00Z@12#1 "
	    "cpr_start=2023-06-01T10:04Z@13#1 sex=m@14\n"
	    "built s1/7/1, 2 events\n"
	    "s1/7/3@17: cpr_start=2023-06-01T10:04Z@18#1 "
	    "ca_onset=2023-06-01T10:09Z@19#1\n"
	    "refused F:18: episode s1/7/3: field \"cpr_start\": "
	    "2023-06-01T10:04Z is before ca_onset 2023-06-01T10:09Z "
	    "(line 19)\n");
	CU_ASSERT_STRING_EQUAL(s.errs, "");
	CU_ASSERT_EQUAL(s.st.ignored, 0);
	ecpr_tz_free(s.tz);
}

static void
test_import_keeps_transactions(void)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(import_text(&s, "site = a\n", ODM_HEAD
	    "<SubjectData SubjectKey=\"9\" TransactionType=\"Update\">\n"
	    "<StudyEventData StudyEventOID=\"E1\"><FormData FormOID=\"F\">"
	    "<ItemGroupData ItemGroupOID=\"G\" ItemGroupRepeatKey=\"2\">\n"
	    "<ItemData ItemOID=\"mcc_start\" Value=\"2023-01-01T10:00\" "
	    "TransactionType=\"Insert\"/>\n" /* 11 */
	    "<ItemData ItemOID=\"bmi\" TransactionType=\"Remove\"/>\n"
	    "<ItemData ItemOID=\"sex\" Value=\"F\" "
	    "TransactionType=\"Context\"/>\n"
	    "<ItemData ItemOID=\"age_years\" Value=\"50\" "
	    "TransactionType=\"Upsert\"/>\n" /* 14 */
	    "<ItemData ItemOID=\"apache2\" Value=\"5\" "
	    "TransactionType=\"Bogus\"/>\n"
	    "</ItemGroupData>"
	    "<ItemGroupData ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"pci\" Value=\"2023-01-01T12:00\"/>\n" /* 17 */
	    "<ItemData ItemOID=\"pci\" Value=\"2023-01-01T13:00\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData>\n"
	    "</SubjectData>\n" ODM_TAIL, NULL, 0), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(s.ep, "a/9/1@11 change: "
	    "mcc_start=2023-01-01T10:00@11 Insert#2 bmi=@12 Remove "
	    "age_years=50@14 Upsert pci=2023-01-01T12:00@17 Update#1 "
	    "pci=2023-01-01T13:00@18 Update#2\n");
	CU_ASSERT_STRING_EQUAL(s.errs, "15: ItemData \"apache2\": unknown "
	    "TransactionType \"Bogus\" (Insert, Update, Remove, Upsert or "
	    "Context)\n");
	CU_ASSERT_EQUAL(s.st.context, 1);
}

/* One subject's episode in the ODM file, the items given. */
#define ONE_EPISODE(items) ODM_HEAD \
	"<SubjectData SubjectKey=\"5\">\n" /* 9 */ \
	"<StudyEventData StudyEventOID=\"E1\"><FormData FormOID=\"F\">" \
	"<ItemGroupData ItemGroupOID=\"G\">\n" items /* from 11 */ \
	"</ItemGroupData></FormData></StudyEventData></SubjectData>\n" \
	ODM_TAIL

/* A file the import reports problems of: map, items, problems. */
static const struct problem_case {
	const char *map;
	const char *items;
	const char *errs;
	const char *eps;
} problem_cases[] = {
	{ "site = a\nitem d + t = ca_onset\n",
	    "<ItemData ItemOID=\"t\" Value=\"10:00\"/>\n"
	    "<ItemData ItemOID=\"sex\" Value=\"M\"/>\n",
	    "11: item \"t\": a time of day without its date (item \"d\")\n",
	    "" },
	{ "site = a\nitem d + t = ca_onset\n",
	    "<ItemData ItemOID=\"d\" Value=\"2023-01-01T09:00\"/>\n"
	    "<ItemData ItemOID=\"t\" Value=\"10:00\"/>\n",
	    "11: item \"d\": \"2023-01-01T09:00\" has a time of day already "
	    "(time item \"t\" on line 12)\n", "" },
	{ "item d + t = ca_onset\n",
	    "<ItemData ItemOID=\"d\" Value=\"2023-01-01\"/>\n",
	    "11: subject \"5\": no site (map an item to \"site\" or give "
	    "\"site = NAME\" with --map)\n", "" },
	{ "site = a\n",
	    "<ItemData ItemOID=\"x1\" Value=\"1\"/>\n"
	    "<ItemData ItemOID=\"x2\" Value=\"2\"/>\n",
	    "0: nothing to import: none of its 2 item values maps to a "
	    "case-record field (line 11: ItemOID \"x1\"; give --map MAPFILE, "
	    "see ecpr-odm-map(5))\n", "" },
	{ "site = a\n",
	    "<ItemData ItemOID=\"bmi\" Value=\"\"/>\n",
	    "0: nothing to import: none of its 1 item value has a value\n",
	    "" },
	{ "site = a\n", "",
	    "0: nothing to import: no ItemData in its ClinicalData\n", "" },
	{ "site = a\nitem d + t = ca_onset\n",
	    "<ItemData ItemOID=\"d\" Value=\"2023-01-01\"/>\n"
	    "<ItemData ItemOID=\"t\" TransactionType=\"Remove\"/>\n",
	    "", "a/5/1@11: ca_onset=2023-01-01@11#1\n" },
};

static void
test_import_reports_problems_with_lines(void)
{
	struct seen s;
	char *odm;
	size_t i;

	for (i = 0; i < sizeof(problem_cases) / sizeof(problem_cases[0]);
	    i++) {
		const struct problem_case *c = &problem_cases[i];

		memset(&s, 0, sizeof(s));
		odm = malloc(strlen(ONE_EPISODE("")) + strlen(c->items) + 1);
		sprintf(odm, "%s%s%s", ODM_HEAD "<SubjectData SubjectKey=\"5\">\n"
		    "<StudyEventData StudyEventOID=\"E1\"><FormData "
		    "FormOID=\"F\"><ItemGroupData ItemGroupOID=\"G\">\n",
		    c->items, "</ItemGroupData></FormData></StudyEventData>"
		    "</SubjectData>\n" ODM_TAIL);
		CU_ASSERT_EQUAL(import_text(&s, c->map, odm, NULL, 0),
		    ECPR_OK);
		CU_ASSERT_STRING_EQUAL(s.errs, c->errs);
		CU_ASSERT_STRING_EQUAL(s.ep, c->eps);
		if (strcmp(s.errs, c->errs) != 0 || strcmp(s.ep, c->eps) != 0)
			fprintf(stderr, "case %zu: %s%s", i, s.errs, s.ep);
		free(odm);
	}
}

static void
test_import_remove_of_a_whole_subject_is_refused(void)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(import_text(&s, "site = a\n", ODM_HEAD
	    "<SubjectData SubjectKey=\"5\" TransactionType=\"Remove\"/>\n"
	    ODM_TAIL, NULL, 0), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(s.errs, "9: SubjectData \"5\": a Remove of a "
	    "whole SubjectData is not read (mark each ItemData Remove)\n");
	CU_ASSERT_STRING_EQUAL(s.ep, "");
}

/* on_episode: refused goes on, another status stops and is returned. */
static void
test_import_callback_refuses_or_stops(void)
{
	static const char two[] = ODM_HEAD
	    "<SubjectData SubjectKey=\"1\"><StudyEventData "
	    "StudyEventOID=\"E1\"><FormData FormOID=\"F\"><ItemGroupData "
	    "ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"sex\" Value=\"M\"/>\n" /* 10 */
	    "</ItemGroupData></FormData></StudyEventData></SubjectData>\n"
	    "<SubjectData SubjectKey=\"2\"><StudyEventData "
	    "StudyEventOID=\"E1\"><FormData FormOID=\"F\"><ItemGroupData "
	    "ItemGroupOID=\"G\">\n"
	    "<ItemData ItemOID=\"sex\" Value=\"F\"/>\n" /* 13 */
	    "</ItemGroupData></FormData></StudyEventData></SubjectData>\n"
	    ODM_TAIL;
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.refuse = ECPR_ERULE;
	CU_ASSERT_EQUAL(import_text(&s, "site = a\n", two, NULL, 0), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(s.ep, "a/1/1@10: sex=M@10\na/2/1@13: "
	    "sex=F@13\n");
	CU_ASSERT_STRING_EQUAL(s.errs, ""); /* refused: not "nothing" */
	memset(&s, 0, sizeof(s));
	s.refuse = ECPR_EDB;
	CU_ASSERT_EQUAL(import_text(&s, "site = a\n", two, NULL, 0), ECPR_EDB);
	CU_ASSERT_STRING_EQUAL(s.ep, "a/1/1@10: sex=M@10\n");
	memset(&s, 0, sizeof(s));
	s.refuse = ECPR_EIO;
	CU_ASSERT_EQUAL(import_text(&s, "site = a\n", ODM_HEAD
	    "<SubjectData SubjectKey=\"1\"/>\n" ODM_TAIL "<bad", NULL, 0),
	    ECPR_EPARSE);
}

static void
test_import_new_needs_a_callback(void)
{
	ecpr_odm_import_opts o = ECPR_ODM_IMPORT_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_import *im = (ecpr_odm_import *)1;

	CU_ASSERT_EQUAL(ecpr_odm_import_new(&im, &o, &err), ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(im);
	CU_ASSERT_EQUAL(ecpr_odm_import_new(&im, NULL, &err), ECPR_EINVAL);
	ecpr_odm_import_free(NULL);
}

static CU_TestInfo map_tests[] = {
	{ "load reads every rule", test_map_load_reads_every_rule },
	{ "a map without site; NULL", test_map_without_site_and_null },
	{ "mistakes name file and line",
	    test_map_mistakes_name_file_and_line },
	{ "a long line, a missing file, a directory",
	    test_map_long_line_and_unreadable },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo import_tests[] = {
	{ "a snapshot through a map", test_import_snapshot_through_a_map },
	{ "without a map items name fields",
	    test_import_without_map_names_fields },
	{ "TransactionTypes are kept as changes",
	    test_import_keeps_transactions },
	{ "problems are reported with lines",
	    test_import_reports_problems_with_lines },
	{ "a Remove of a whole subject is refused",
	    test_import_remove_of_a_whole_subject_is_refused },
	{ "the callback refuses or stops",
	    test_import_callback_refuses_or_stops },
	{ "new needs a callback", test_import_new_needs_a_callback },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "odm map", suite_init, suite_clean, NULL, NULL, map_tests },
	{ "odm import", suite_init, suite_clean, NULL, NULL, import_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
