/*
 * test_odm_audit.c - the audit trail of an identified export
 * (ecpr_odm_audit_log_*) on hand-written audit rows: AdminData, the
 * AuditRecord of each value, the AuditRecords of the exported episodes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "ecpr_odm.h"

static ecpr_episode *
episode(const char *subject, const char *age)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;

	CU_ASSERT_EQUAL_FATAL(ecpr_episode_new(&ep, "BE", subject, 1, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_set_attr(ep, ECPR_AT_AGE_YEARS, age,
	    NULL, 0, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2021-01-01T09:50Z", NULL, NULL, NULL, 0, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_add_event(ep, ECPR_EV_CPR_START,
	    "2021-01-01T10:00Z", NULL, NULL, NULL, 0, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_episode_finish(ep, NULL, NULL, &err), ECPR_OK);
	return ep;
}

/* id, batch, key, column, old, new, user, location */
static const ecpr_odm_audit_row rows[] = {
	{ 1, 2, "BE/a/1", "age_years", "57", "58", "2024-01-02T00:00:00Z",
	    "u1", "BE" },
	{ 2, 1, "BE/a/1", "age_years", NULL, "57", "2024-01-01T00:00:00Z",
	    "u2", "BE" },
	{ 3, 1, "BE/a/1/cpr_start#1", "*", NULL, "2021-01-01T10:01Z",
	    "2024-01-01T00:00:00Z", "u2", "BE" },
	{ 5, 2, "BE/a/1/cpr_start#1", "time", "x", "y",
	    "2024-01-02T00:00:00Z", "u1", "BE" },
	{ 4, 2, "BE/a/1/cpr_start#1", "source", "2021-01-01T10:01Z",
	    "2021-01-01T10:00Z", "2024-01-02T00:00:00Z", "u1", "BE" },
	{ 6, 1, "BE/b/1", "age_years", NULL, "40", "2024-01-01T00:00:00Z",
	    "u3", "ZJ" },
	{ 7, 1, "BE/a/10", "*", NULL, "x", "2024-01-01T00:00:00Z", "u1",
	    "BE" },
};

/* AdminData: every user and location of the log, sorted */
static const char admin[] =
	    " <AdminData StudyOID=\"ECPR\">\n"
	    "  <User OID=\"USR.u1\">\n"
	    "   <LoginName>u1</LoginName>\n"
	    "  </User>\n"
	    "  <User OID=\"USR.u2\">\n"
	    "   <LoginName>u2</LoginName>\n"
	    "  </User>\n"
	    "  <User OID=\"USR.u3\">\n"
	    "   <LoginName>u3</LoginName>\n"
	    "  </User>\n"
	    "  <Location OID=\"LOC.BE\" Name=\"BE\""
	    " LocationType=\"Site\">\n"
	    "   <MetaDataVersionRef StudyOID=\"ECPR\""
	    " MetaDataVersionOID=\"MDV.ECPR.1\""
	    " EffectiveDate=\"2024-01-03\"/>\n"
	    "  </Location>\n"
	    "  <Location OID=\"LOC.ZJ\" Name=\"ZJ\""
	    " LocationType=\"Site\">\n"
	    "   <MetaDataVersionRef StudyOID=\"ECPR\""
	    " MetaDataVersionOID=\"MDV.ECPR.1\""
	    " EffectiveDate=\"2024-01-03\"/>\n"
	    "  </Location>\n"
	    " </AdminData>\n";

/*
 * The exported episode: each value with the AuditRecord of its latest
 * change (the event: the source change of that batch), then every row of
 * the episode (not BE/b/1, not BE/a/10) in id order.
 */
static const char clinical[] =
	    "  <SubjectData SubjectKey=\"a\">\n"
	    "   <StudyEventData StudyEventOID=\"SE.EPISODE\""
	    " StudyEventRepeatKey=\"1\">\n"
	    "    <FormData FormOID=\"F.ATTRIBUTES\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.ATTRIBUTES\">\n"
	    "      <ItemData ItemOID=\"I.SITE\" Value=\"BE\"/>\n"
	    "      <ItemData ItemOID=\"I.AGE_YEARS\" Value=\"58\">\n"
	    "       <AuditRecord>\n"
	    "        <UserRef UserOID=\"USR.u1\"/>\n"
	    "        <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "        <DateTimeStamp>2024-01-02T00:00:00Z</DateTimeStamp>"
	    "\n"
	    "        <ReasonForChange>import batch 2: age_years changed"
	    " from &quot;57&quot; to &quot;58&quot;</ReasonForChange>\n"
	    "        <SourceID>audit_log 1</SourceID>\n"
	    "       </AuditRecord>\n"
	    "      </ItemData>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n"
	    "    <FormData FormOID=\"F.EVENTS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.EVENTS\">\n"
	    "      <ItemData ItemOID=\"I.CA_ONSET\""
	    " Value=\"2021-01-01T09:50Z\"/>\n"
	    "      <ItemData ItemOID=\"I.CPR_START\""
	    " Value=\"2021-01-01T10:00Z\">\n"
	    "       <AuditRecord>\n"
	    "        <UserRef UserOID=\"USR.u1\"/>\n"
	    "        <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "        <DateTimeStamp>2024-01-02T00:00:00Z</DateTimeStamp>"
	    "\n"
	    "        <ReasonForChange>import batch 2: source changed"
	    " from &quot;2021-01-01T10:01Z&quot; to"
	    " &quot;2021-01-01T10:00Z&quot;</ReasonForChange>\n"
	    "        <SourceID>audit_log 4</SourceID>\n"
	    "       </AuditRecord>\n"
	    "      </ItemData>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n"
	    "   </StudyEventData>\n"
	    "  </SubjectData>\n"
	    "  <AuditRecords>\n"
	    "   <AuditRecord ID=\"AR.1\">\n"
	    "    <UserRef UserOID=\"USR.u1\"/>\n"
	    "    <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "    <DateTimeStamp>2024-01-02T00:00:00Z</DateTimeStamp>\n"
	    "    <ReasonForChange>import batch 2: age_years changed from"
	    " &quot;57&quot; to &quot;58&quot;"
	    " (BE/a/1)</ReasonForChange>\n"
	    "    <SourceID>audit_log 1</SourceID>\n"
	    "   </AuditRecord>\n"
	    "   <AuditRecord ID=\"AR.2\">\n"
	    "    <UserRef UserOID=\"USR.u2\"/>\n"
	    "    <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "    <DateTimeStamp>2024-01-01T00:00:00Z</DateTimeStamp>\n"
	    "    <ReasonForChange>import batch 1: age_years changed from"
	    " none to &quot;57&quot; (BE/a/1)</ReasonForChange>\n"
	    "    <SourceID>audit_log 2</SourceID>\n"
	    "   </AuditRecord>\n"
	    "   <AuditRecord ID=\"AR.3\">\n"
	    "    <UserRef UserOID=\"USR.u2\"/>\n"
	    "    <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "    <DateTimeStamp>2024-01-01T00:00:00Z</DateTimeStamp>\n"
	    "    <ReasonForChange>import batch 1: added"
	    " &quot;2021-01-01T10:01Z&quot;"
	    " (BE/a/1/cpr_start#1)</ReasonForChange>\n"
	    "    <SourceID>audit_log 3</SourceID>\n"
	    "   </AuditRecord>\n"
	    "   <AuditRecord ID=\"AR.4\">\n"
	    "    <UserRef UserOID=\"USR.u1\"/>\n"
	    "    <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "    <DateTimeStamp>2024-01-02T00:00:00Z</DateTimeStamp>\n"
	    "    <ReasonForChange>import batch 2: source changed from"
	    " &quot;2021-01-01T10:01Z&quot; to"
	    " &quot;2021-01-01T10:00Z&quot;"
	    " (BE/a/1/cpr_start#1)</ReasonForChange>\n"
	    "    <SourceID>audit_log 4</SourceID>\n"
	    "   </AuditRecord>\n"
	    "   <AuditRecord ID=\"AR.5\">\n"
	    "    <UserRef UserOID=\"USR.u1\"/>\n"
	    "    <LocationRef LocationOID=\"LOC.BE\"/>\n"
	    "    <DateTimeStamp>2024-01-02T00:00:00Z</DateTimeStamp>\n"
	    "    <ReasonForChange>import batch 2: time changed from"
	    " &quot;x&quot; to &quot;y&quot;"
	    " (BE/a/1/cpr_start#1)</ReasonForChange>\n"
	    "    <SourceID>audit_log 5</SourceID>\n"
	    "   </AuditRecord>\n"
	    "  </AuditRecords>\n"
	    " </ClinicalData>\n"
	    "</ODM>\n";

static void
test_audit_log_export(void)
{
	ecpr_odm_export_opts eo = ECPR_ODM_EXPORT_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_audit_log *log = NULL;
	ecpr_odm_writer *w = NULL;
	ecpr_episode *a = episode("a", "58"), *b = episode("b", "40");
	char *out = NULL;
	size_t i, len = 0;
	FILE *fp;

	CU_ASSERT_EQUAL_FATAL(ecpr_odm_audit_log_new(&log, &err), ECPR_OK);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CU_ASSERT_EQUAL(ecpr_odm_audit_log_add(log, &rows[i], &err),
		    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_audit_log_finish(log, &err), ECPR_OK);
	eo.identified = 1;
	eo.creation_time = "2024-01-03T00:00:00+00:00";
	ecpr_odm_audit_log_export_opts(log, &eo);
	CU_ASSERT_EQUAL(eo.nusers, 3);
	CU_ASSERT_STRING_EQUAL(eo.users[0], "u1");
	CU_ASSERT_STRING_EQUAL(eo.users[2], "u3");
	CU_ASSERT_EQUAL(eo.nlocations, 2);
	CU_ASSERT_STRING_EQUAL(eo.locations[0], "BE");
	CU_ASSERT_STRING_EQUAL(eo.locations[1], "ZJ");
	CU_ASSERT_PTR_EQUAL(eo.audit_ctx, log);
	fp = open_memstream(&out, &len);
	CU_ASSERT_EQUAL_FATAL(ecpr_odm_writer_new(&w, fp, &eo, &err), ECPR_OK);
	/* b is read but not exported: its rows stay out */
	ecpr_odm_audit_log_mark(log, a);
	CU_ASSERT_EQUAL(ecpr_odm_writer_add(w, a, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_audit_log_write(log, w, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_writer_finish(w, &err), ECPR_OK);
	ecpr_odm_writer_free(w);
	fclose(fp);
	CU_ASSERT_FATAL(out != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, admin));
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(out, "  <SubjectData"));
	CU_ASSERT_STRING_EQUAL(strstr(out, "  <SubjectData"), clinical);
	free(out);
	ecpr_odm_audit_log_free(log);
	ecpr_odm_audit_log_free(NULL);
	ecpr_episode_free(a);
	ecpr_episode_free(b);
}

static CU_TestInfo audit_tests[] = {
	{ "the log gives AdminData and AuditRecords", test_audit_log_export },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "odm audit", NULL, NULL, NULL, NULL, audit_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
