/* test_odm.c - ODM validation, hostile XML, streaming dump, SHA-256/HMAC,
 * observations and complications */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "cu_main.h"
#include "ecpr_odm.h"
#include "internal.h"
#include "odm_internal.h"

static int run(char **out, char **err, const char *a1, ...);

static char path[4096];

static const char *
schema_dir(void)
{
	const char *d = getenv("ECPR_ODM_SCHEMA_DIR");

	return d != NULL && *d != '\0' ? d : "../shared/odm";
}

static const char *
sample(const char *name)
{
	snprintf(path, sizeof(path), "%s/samples/%s", schema_dir(), name);
	return path;
}

static const char *
odmdata(const char *name)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "odm/%s", name);
	return cu_data(rel);
}

static void
hex(char *out, const unsigned char *d)
{
	int i;

	for (i = 0; i < ECPR_SHA256_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* ------------------------------------------------------------------ */
/* SHA-256 and HMAC: FIPS 180-4 examples and RFC 4231 test cases        */
/* ------------------------------------------------------------------ */

static void
test_sha256_vectors(void)
{
	unsigned char d[ECPR_SHA256_LEN];
	char h[65];
	const char *abc56 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ecpr_sha256 s;
	char *mil;
	int i;

	ecpr_sha256_digest(d, "abc", 3);
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	ecpr_sha256_digest(d, "", 0);
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	ecpr_sha256_digest(d, abc56, strlen(abc56));
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	/* one million 'a', fed in uneven pieces */
	mil = malloc(1000000);
	CU_ASSERT_FATAL(mil != NULL);
	memset(mil, 'a', 1000000);
	ecpr_sha256_init(&s);
	for (i = 0; i < 1000000; i += 997)
		ecpr_sha256_update(&s, mil + i,
		    1000000 - i < 997 ? (size_t)(1000000 - i) : 997);
	ecpr_sha256_final(&s, d);
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	free(mil);
}

static void
test_hmac_rfc4231(void)
{
	unsigned char key[131], d[ECPR_SHA256_LEN];
	const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
	const char *m2 = "what do ya want for nothing?";
	char h[65];

	memset(key, 0x0b, 20);
	ecpr_hmac_sha256(d, key, 20, "Hi There", 8);
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	ecpr_hmac_sha256(d, "Jefe", 4, m2, strlen(m2));
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	memset(key, 0xaa, sizeof(key));
	ecpr_hmac_sha256(d, key, sizeof(key), m6, strlen(m6));
	hex(h, d);
	CU_ASSERT_STRING_EQUAL(h, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
}

/* ------------------------------------------------------------------ */
/* Validation                                                           */
/* ------------------------------------------------------------------ */

static ecpr_odm_schema *schema;

static int
setup_schema(void)
{
	ecpr_error err = ECPR_ERROR_INIT;

	if (ecpr_odm_schema_load(&schema, schema_dir(), &err) != ECPR_OK) {
		fprintf(stderr, "%s:%lu: %s\n", err.file, err.line,
		    err.message);
		return 1;
	}
	return 0;
}

static int
teardown_schema(void)
{
	ecpr_odm_schema_free(schema);
	schema = NULL;
	return 0;
}

static void
test_schema_missing_dir(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_schema *s = (ecpr_odm_schema *)1;

	CU_ASSERT_EQUAL(ecpr_odm_schema_load(&s, "/nonexistent/odm", &err),
	    ECPR_EIO);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent/odm/ODM1-3-2.xsd");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot read the ODM schema: No such file or directory");
	ecpr_odm_schema_free(NULL);
}

static void
test_validate_valid_samples(void)
{
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_odm_validate(schema,
	    sample("odmlib_odm_data_snapshot.xml"), NULL, &res, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(res.errors, 0);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema,
	    sample("openedc_example_metadata.xml"), NULL, &res, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(res.errors, 0);
}

static size_t ncalls;

static void
count_cb(const ecpr_error *e, void *ctx)
{
	(void)e;
	(void)ctx;
	ncalls++;
}

static void
test_validate_invalid_sample(void)
{
	ecpr_odm_validate_opts opts = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *f = sample("edge_odmlib_cdash_odm_test_invalid.xml");

	opts.on_error = count_cb;
	ncalls = 0;
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, &opts, &res, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL(res.errors, 1);
	CU_ASSERT_EQUAL(ncalls, 1);
	CU_ASSERT_STRING_EQUAL(err.file, f);
	CU_ASSERT_EQUAL(err.line, 14);
	CU_ASSERT_STRING_EQUAL(err.message, "element studyName: this element "
	    "is not expected; expected is ( StudyName )");
}

static void
test_validate_lax_openclinica(void)
{
	ecpr_odm_validate_opts opts = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *f = sample("openclinica_juno_demo_full_extract_LARGE.xml");

	/* strict: the first vendor element is refused */
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, NULL, &res, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL(err.line, 125);
	CU_ASSERT_STRING_EQUAL(err.message, "element OpenClinica:FormDetails: "
	    "this element is not expected; expected is one of "
	    "( ItemGroupRef, ArchiveLayout, Alias )");
	/* lax: valid once 4857 elements and 2227 attributes are set aside
	 * (counted independently with Python's ElementTree) */
	opts.lax = 1;
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, &opts, &res, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(res.errors, 0);
	CU_ASSERT_EQUAL(res.aside_elements, 4857);
	CU_ASSERT_EQUAL(res.aside_attributes, 2227);
}

static void
test_validate_lax_redcap_still_invalid(void)
{
	ecpr_odm_validate_opts opts = ECPR_ODM_VALIDATE_OPTS_INIT;
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;

	opts.lax = 1;
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema,
	    sample("redcapr_simple_project.xml"), &opts, &res, &err),
	    ECPR_ERULE);
	CU_ASSERT_EQUAL(res.aside_elements, 27);
	CU_ASSERT_EQUAL(res.aside_attributes, 132);
	CU_ASSERT_EQUAL(err.line, 94);
	CU_ASSERT_STRING_EQUAL(err.message, "element ItemGroupDef: attribute "
	    "'Name': [facet 'minLength'] The value '' has a length of '0'; "
	    "this underruns the allowed minimum length of '1'");
}

static void
test_validate_not_wellformed(void)
{
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir();
	char *f = cu_write_file(dir, "bad.xml", "<ODM xmlns=\""
	    ECPR_ODM_NS "\">\n<Study OID=\"S\">\n</ODM>\n");

	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, NULL, &res, &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_STRING_EQUAL(err.message, "opening and ending tag mismatch: "
	    "Study line 2 and ODM");
	free(f);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Hostile XML                                                          */
/* ------------------------------------------------------------------ */

static const char refused[] = "document type declaration \"<!DOCTYPE ODM\" "
    "refused: DTDs and entities are not allowed in ODM files";

/* Every reader refuses f at line with message. */
static void
all_refuse(const char *f, unsigned long line, const char *message)
{
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n = 99;

	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, NULL, &res, &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_STRING_EQUAL(err.message, message);
	CU_ASSERT_EQUAL(res.errors, 0);
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_read(f, NULL, NULL, &n, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(err.file, f);
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_STRING_EQUAL(err.message, message);
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_check(f, NULL, NULL, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_STRING_EQUAL(err.message, message);
}

static void
check_refused(const char *f)
{
	all_refuse(f, 2, refused);
}

static void
test_hostile_xxe(void)
{
	check_refused(odmdata("xxe.xml"));
}

static void
test_hostile_billion_laughs(void)
{
	check_refused(odmdata("billion_laughs.xml"));
}

static void
test_hostile_external_dtd(void)
{
	check_refused(odmdata("external_dtd.xml"));
	check_refused(odmdata("external_pe.xml"));
}

static void
test_hostile_quadratic(void)
{
	/* one 20,000-byte entity referenced 20,000 times: 400 MB */
	size_t len = 200000 + 20000 * 6;
	char *text = malloc(len), *p, *dir, *f;
	int i;

	CU_ASSERT_FATAL(text != NULL);
	p = text;
	p += sprintf(p, "<?xml version=\"1.0\"?>\n<!DOCTYPE ODM [<!ENTITY a \"");
	memset(p, 'x', 20000);
	p += 20000;
	p += sprintf(p, "\">]>\n<ODM xmlns=\"%s\">", ECPR_ODM_NS);
	for (i = 0; i < 20000; i++)
		p += sprintf(p, "&a;");
	sprintf(p, "</ODM>\n");
	dir = cu_tmpdir();
	f = cu_write_file(dir, "quadratic.xml", text);
	check_refused(f);
	free(f);
	free(text);
	cu_rmtree(dir);
	free(dir);
}

static char *
nested(int depth)
{
	char *text = malloc((size_t)depth * 8 + 128), *p;
	int i;

	p = text;
	p += sprintf(p, "<ODM xmlns=\"%s\">\n", ECPR_ODM_NS);
	for (i = 1; i < depth; i++)
		p += sprintf(p, "<a>");
	for (i = 1; i < depth; i++)
		p += sprintf(p, "</a>");
	sprintf(p, "</ODM>\n");
	return text;
}

static void
test_hostile_deep_nesting(void)
{
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *t65 = nested(65), *t64 = nested(64);
	char *tdeep = nested(100000);
	char *f65 = cu_write_file(dir, "d65.xml", t65);
	char *f64 = cu_write_file(dir, "d64.xml", t64);
	char *fdeep = cu_write_file(dir, "deep.xml", tdeep);

	/* 64 levels are read, 65 are refused by both readers */
	CU_ASSERT_EQUAL(ecpr_odm_read(f64, NULL, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_read(f65, NULL, NULL, NULL, &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "element a: nested deeper than 64 elements");
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f65, NULL, &res, &err),
	    ECPR_EPARSE);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "element a: nested deeper than 64 elements");
	/* 100,000 levels: the documented 64-level refusal from every reader
	 * (before: libxml2's "excessive depth" at 256 from validate) */
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, fdeep, NULL, &res, &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "element a: nested deeper than 64 elements");
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_read(fdeep, NULL, NULL, NULL, &err),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "element a: nested deeper than 64 elements");
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr_odm_check(fdeep, NULL, NULL, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "element a: nested deeper than 64 elements");
	free(f64);
	free(f65);
	free(fdeep);
	free(t64);
	free(t65);
	free(tdeep);
	cu_rmtree(dir);
	free(dir);
}

/* A file whose SubjectData (line 3) or root (line 1) has n attributes. */
static char *
many_attributes(const char *dir, const char *name, int n, int on_root)
{
	size_t len = (size_t)n * 16 + 512;
	char *text = malloc(len), *p = text, *f;
	int i;

	CU_ASSERT_FATAL(text != NULL);
	p += sprintf(p, "<ODM xmlns=\"%s\"", ECPR_ODM_NS);
	if (on_root)
		for (i = 1; i < n; i++)
			p += sprintf(p, " a%d=\"x\"", i);
	p += sprintf(p, ">\n<ClinicalData StudyOID=\"ECPR\" "
	    "MetaDataVersionOID=\"MDV.ECPR.1\">\n<SubjectData "
	    "SubjectKey=\"1\"");
	if (!on_root)
		for (i = 1; i < n; i++)
			p += sprintf(p, " a%d=\"x\"", i);
	sprintf(p, "/>\n</ClinicalData>\n</ODM>\n");
	f = cu_write_file(dir, name, text);
	free(text);
	return f;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * More than 256 attributes on one element are refused with FILE:LINE
 * before libxml2 parses the start tag (200,000 took minutes in its
 * duplicate check); 256 are read.
 */
static void
test_hostile_many_attributes(void)
{
	ecpr_odm_validate_result res;
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir();
	char *f256 = many_attributes(dir, "a256.xml", 256, 0);
	char *f257 = many_attributes(dir, "a257.xml", 257, 0);
	char *r257 = many_attributes(dir, "r257.xml", 257, 1);
	char *big = many_attributes(dir, "big.xml", 200000, 0);
	char *rbig = many_attributes(dir, "rbig.xml", 200000, 1);
	size_t n = 0;
	double t;

	CU_ASSERT_EQUAL(ecpr_odm_read(f256, NULL, NULL, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f256, NULL, &res, &err),
	    ECPR_ERULE); /* the a1... attributes are not ODM's */
	all_refuse(f257, 3, "element SubjectData: more than 256 attributes");
	all_refuse(r257, 1, "element ODM: more than 256 attributes");
	t = now_s();
	all_refuse(big, 3, "element SubjectData: more than 256 attributes");
	all_refuse(rbig, 1, "element ODM: more than 256 attributes");
	CU_ASSERT(now_s() - t < 20.0);
	free(f256);
	free(f257);
	free(r257);
	free(big);
	free(rbig);
	cu_rmtree(dir);
	free(dir);
}

/* What the scanner knows after reading f step bytes at a time. */
struct scan_end {
	int rc, failed, truncated, depth, roots, state, mismatch;
	unsigned long line, last_line, err_line, open_line[ECPR_ODM_MAX_DEPTH];
	char message[ECPR_ERROR_MSG_MAX], open[ECPR_ODM_MAX_DEPTH][64];
};

static void
scan_with(const char *f, size_t step, struct scan_end *e)
{
	static struct ecpr__odm_scan sc; /* 4 KiB of names: not on the stack */
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[65536];
	int n, i;

	memset(e, 0, sizeof(*e));
	CU_ASSERT_EQUAL_FATAL(ecpr__odm_scan_open(&sc, f, &err), ECPR_OK);
	while ((n = ecpr__odm_scan_read(&sc, buf, (int)step)) > 0)
		;
	e->rc = n;
	if (n == 0)
		e->truncated = ecpr__odm_scan_truncated(&sc, 0);
	e->failed = sc.failed;
	e->depth = sc.depth;
	e->roots = sc.roots;
	e->state = sc.state;
	e->mismatch = sc.mismatch;
	e->line = sc.line;
	e->last_line = sc.last_line;
	e->err_line = err.line;
	snprintf(e->message, sizeof(e->message), "%s", err.message);
	for (i = 0; i < sc.depth; i++) {
		e->open_line[i] = sc.open_line[i];
		memcpy(e->open[i], sc.open[i], sizeof(e->open[i]));
	}
	ecpr__odm_scan_close(&sc);
}

/*
 * The scanner takes text and plain tags a run or a tag at a time and
 * counts their lines only where they are needed: it ends as it does
 * byte by byte (a byte a read, so no tag is whole in a buffer) for tags
 * over several lines, values with newlines, CR LF, comments, CDATA,
 * truncations, a mismatch, too deep, too many attributes.
 */
static void
test_scan_runs_as_bytes(void)
{
	static const char *const docs[] = {
		"<?xml version=\"1.0\"?>\n<ODM xmlns=\"u\"\n   FileOID=\"F\"\n>\n"
		"<A x=\"1\n2\"\n y='3'>\n text \n<B/>\n<C\n/>\n<D z=\"v\">\n"
		"<!-- c\n -->\n<![CDATA[ x\n ]]>\n<?pi x?>\n</D>\n   \n\n",
		"<ODM>\r\n <A\r\n b=\"1\">\r\n </A>\r\n</ODM>\r\n \r\n",
		"<ODM>\n<E a=\"1\"\n  b=\"2",
		"<ODM>\n<A>\n</B>\n</ODM>\n",
		"<ODM>\n<A\n>\n<B>\n</B\n>\n</A>\n</ODM>\n\n",
		"<ODM>\n<!-- never closed\n\n",
		"  \n<ODM a=\"&amp;\"\n>x</ODM>",
		"<ODM>\n<AB>\n</A>\n</ODM>\n",
		"<ODM>\n<A>\n</AB>\n</ODM>\n",
		"<ODM>\n<A / >\n<B x='a>b' / y=\"2\"/>\n<C\"x\">\n<D//>\n"
		"<E x=1 = y>\n<F/ >\n<G \x01=\"/>\" \xc3\xa9=''/>\n<H\n/\n>\n"
		"<I a=\"1\"b='2'>\n<J =\"\"/><K a=\"\n\n\">\n</ODM>\n",
		/* names of 16 bytes and more, ended by each byte that ends
		 * one (sixteen at a time in the fast path) */
		"<ODM>\n<MeasurementUnitRefLonger\tx=\"1\"/>\n"
		"<ItemGroupDataWithALongName\ny='2'>\n"
		"<AbcdefghijklmnopQ\x01rs/>\n<Abcdefghijklmnop\xc3\xa9qrstu=\"3\"/>\n"
		"<Abcdefghijklmnopqr\r\n/><Abcdefghijklmnopqrs'x'/>"
		"<Abcdefghijklmnopqrst\"y\"/><Abcdefghijklmnopqrstu>"
		"</Abcdefghijklmnopqrstu >\n<Abcdefghijklmnopqrstuv x=\"\"/>\n"
		"</ItemGroupDataWithALongName\r\n>\n</ODM>\n",
		/* start tags of more than 64 bytes after their name (taken
		 * 64 bytes at a time): '>', '=' and '/' inside values and
		 * across the 64-byte steps, a value over two steps, a single
		 * quote after the tag's end, an empty element and not */
		"<ODM>\n<ItemData ItemOID=\"I.X\" Value=\"a>b=c/d>e=f/g>h=i"
		"/j>k=l/m>n=o/p>q=r/s>t=u/v>w=x/y>z=A/B>C=D/E>F=G/H>I\" "
		"TransactionType=\"Insert\"/>\n<ItemData ItemOID=\"I.Y\" "
		"Value=\"==================================================="
		"===============>\"\n IsNull=\"No\">\n</ItemData>\n"
		"<ItemGroupData ItemGroupOID=\"IG.ABCDEFGHIJKLMNOPQRSTUVWXYZ\""
		" ItemGroupRepeatKey=\"12345678901234567890\"><X a='>'/>\n"
		"</ItemGroupData>\n<A b=\"0123456789012345678901234567890123"
		"4567890123456789012345678901234567890123456789\"/>\n"
		"<A b=\"0123456789012345678901234567890123456789012345678901"
		"2345678901234567890123456789012345678901\n",
	};
	char *dir = cu_tmpdir(), *f, name[32], *deep, *wide, *line, *p;
	struct scan_end a, b, c;
	size_t i, k;

	/* 65 elements, each start tag over two lines */
	deep = malloc(65 * 16 + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
	for (p = deep, k = 0; k < 65; k++)
		p += sprintf(p, "<E%zu\n x=\"1\">\n", k);
	/* 257 attributes, one a line */
	wide = malloc(257 * 16 + 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(wide);
	p = wide + sprintf(wide, "<ODM>\n<A");
	for (k = 0; k < 257; k++)
		p += sprintf(p, "\n a%zu=\"v\"", k);
	strcpy(p, ">\n</A>\n</ODM>\n");
	/* 256 attributes on one line, with a '=' in each value, then 257 */
	line = malloc(2 * 257 * 16 + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	p = line + sprintf(line, "<ODM>\n<A");
	for (k = 0; k < 256; k++)
		p += sprintf(p, " a%zu=\"=\"", k);
	p += sprintf(p, ">\n</A>\n<A");
	for (k = 0; k < 257; k++)
		p += sprintf(p, " a%zu=\"v\"", k);
	strcpy(p, "/>\n</ODM>\n");
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]) + 3; i++) {
		snprintf(name, sizeof(name), "scan%zu.xml", i);
		f = cu_write_file(dir, name, i < sizeof(docs) / sizeof(docs[0]) ?
		    docs[i] : i == sizeof(docs) / sizeof(docs[0]) ? deep :
		    i == sizeof(docs) / sizeof(docs[0]) + 1 ? wide : line);
		scan_with(f, 1, &a);
		scan_with(f, 5, &b);
		scan_with(f, 65536, &c);
		CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
		CU_ASSERT_EQUAL(memcmp(&a, &c, sizeof(a)), 0);
		if (i == 0) {
			CU_ASSERT_EQUAL(c.truncated, 1);
			CU_ASSERT_EQUAL(c.err_line, 18);
			CU_ASSERT_STRING_EQUAL(c.message, "truncated: the file "
			    "ends inside element A (opened on line 5)");
			CU_ASSERT_EQUAL(c.line, 21);
		} else if (i == 2) {
			CU_ASSERT_STRING_EQUAL(c.message, "truncated: the file "
			    "ends inside element ODM (opened on line 1)");
			CU_ASSERT_EQUAL(c.err_line, 3);
		} else if (i == 3) {
			CU_ASSERT_EQUAL(c.mismatch, 1);
		} else if (i == 10) {
			CU_ASSERT_EQUAL(c.mismatch, 0);
			CU_ASSERT_EQUAL(c.depth, 0);
			CU_ASSERT_EQUAL(c.roots, 1);
			CU_ASSERT_EQUAL(c.line, 13);
			CU_ASSERT_EQUAL(c.last_line, 12);
		} else if (i == sizeof(docs) / sizeof(docs[0])) {
			CU_ASSERT_EQUAL(c.rc, -1);
			CU_ASSERT_EQUAL(c.err_line, 129);
			CU_ASSERT_STRING_EQUAL(c.message, "element E64: nested "
			    "deeper than 64 elements");
		} else if (i == sizeof(docs) / sizeof(docs[0]) + 1) {
			CU_ASSERT_EQUAL(c.rc, -1);
			CU_ASSERT_EQUAL(c.err_line, 2);
			CU_ASSERT_STRING_EQUAL(c.message, "element A: more than "
			    "256 attributes");
		} else if (i == sizeof(docs) / sizeof(docs[0]) + 2) {
			CU_ASSERT_EQUAL(c.rc, -1);
			CU_ASSERT_EQUAL(c.err_line, 4);
			CU_ASSERT_STRING_EQUAL(c.message, "element A: more than "
			    "256 attributes");
		} else if (i == 11) {
			CU_ASSERT_EQUAL(c.truncated, 1);
			CU_ASSERT_EQUAL(c.depth, 1);
			CU_ASSERT_EQUAL(c.line, 10);
			CU_ASSERT_EQUAL(c.err_line, 9);
			CU_ASSERT_STRING_EQUAL(c.message, "truncated: the file "
			    "ends inside element ODM (opened on line 1)");
		}
		free(f);
	}
	free(deep);
	free(wide);
	free(line);
	cu_rmtree(dir);
	free(dir);
}

/*
 * Elements opened by the scanner's fast path keep the line they open on
 * across buffers (their lines are counted when a buffer ends, or before
 * a byte taken one at a time): a file of 3,001 groups, over two 64 KiB
 * reads, cut inside its last item ends as it does read a byte at a time.
 */
static void
test_scan_lines_across_buffers(void)
{
	char *dir = cu_tmpdir(), *f, *doc, *p;
	struct scan_end a, c;
	size_t k;

	doc = malloc(3001 * 40 + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	p = doc + sprintf(doc, "<ODM>\n<S k=\"1\">\n");
	for (k = 0; k < 3000; k++)
		p += sprintf(p, "<G a=\"%zu\">\n <I v=\"x\"/>\n</G>\n", k);
	strcpy(p, "<G\n a=\"z\">\n  <Item\n v=\"y");
	f = cu_write_file(dir, "lines.xml", doc);
	CU_ASSERT_FATAL(strlen(doc) > 65536);
	scan_with(f, 1, &a);
	scan_with(f, 65536, &c);
	CU_ASSERT_EQUAL(memcmp(&a, &c, sizeof(a)), 0);
	CU_ASSERT_EQUAL(c.truncated, 1);
	CU_ASSERT_EQUAL(c.depth, 3);
	CU_ASSERT_EQUAL(c.open_line[0], 1);
	CU_ASSERT_EQUAL(c.open_line[1], 2);
	CU_ASSERT_EQUAL(c.open_line[2], 9003);
	CU_ASSERT_EQUAL(c.line, 9006);
	CU_ASSERT_EQUAL(c.err_line, 9006);
	CU_ASSERT_STRING_EQUAL(c.message, "truncated: the file ends inside "
	    "element G (opened on line 9003)");
	free(f);
	free(doc);
	cu_rmtree(dir);
	free(dir);
}

/* An empty file, a truncated one and a CSV file say so. */
static void
test_empty_truncated_not_xml(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL;
	char *empty = cu_write_file(dir, "empty.xml", "");
	char *blank = cu_write_file(dir, "blank.xml", " \n\n");
	char *csv = cu_write_file(dir, "cases.csv", "site,subject,episode,"
	    "event,time\nZJ,1,1,ca_onset,2021\n");
	char *decl = cu_write_file(dir, "decl.xml",
	    "<?xml version=\"1.0\"?>\n");
	char *cut = cu_write_file(dir, "cut.xml", "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"" ECPR_ODM_NS "\">\n"
	    "<ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n"
	    "<SubjectData SubjectKey=\"1\">\n"
	    "<StudyEventData StudyEventOID=\"SE.EPISODE\" "
	    "StudyEventRepeatKey=\"1\">\n"
	    "<FormData FormOID=\"F.ATTRIBUTES\">\n"
	    "<ItemGroupData ItemGroupOID=\"IG.ATTRIBUTES\">\n"
	    "<ItemData ItemOID=\"I.SITE\" Val");
	char *bom = cu_write_file(dir, "bom.xml", "\xef\xbb\xbf");
	char expect[4400];

	all_refuse(empty, 0, "empty file: there is no XML in it");
	all_refuse(blank, 0, "empty file: there is no XML in it");
	all_refuse(bom, 0, "empty file: there is no XML in it");
	all_refuse(csv, 1, "not an XML file: it starts with "
	    "\"site,subject,episode\"");
	all_refuse(decl, 1, "truncated: the file ends before its root "
	    "element");
	all_refuse(cut, 8, "truncated: the file ends inside element "
	    "ItemGroupData (opened on line 7)");
	/* the tool: a CSV given to import */
	CU_ASSERT_EQUAL(run(&out, &err, "import", csv, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:1: not an XML file: it "
	    "starts with \"site,subject,episode\"\n", csv);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "validate", cut, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:8: truncated: the file "
	    "ends inside element ItemGroupData (opened on line 7)\n", cut);
	CU_ASSERT_STRING_EQUAL(err, expect);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	free(err);
	free(empty);
	free(blank);
	free(csv);
	free(decl);
	free(cut);
	free(bom);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Reading ClinicalData                                                 */
/* ------------------------------------------------------------------ */

struct rows {
	char buf[4096];
	size_t len;
	size_t max; /* rows to keep in buf */
	size_t n;
};

static int
collect(const ecpr_odm_row *r, void *ctx)
{
	struct rows *c = ctx;

	if (c->n++ < c->max)
		c->len += (size_t)snprintf(c->buf + c->len,
		    sizeof(c->buf) - c->len, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%lu\n",
		    r->subject, r->event, r->event_repeat, r->form,
		    r->form_repeat, r->item_group, r->group_repeat, r->item,
		    r->value, r->transaction, r->line);
	return 0;
}

static void
test_read_multi(void)
{
	struct rows c;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n;

	memset(&c, 0, sizeof(c));
	c.max = 10;
	CU_ASSERT_EQUAL(ecpr_odm_read(odmdata("multi.xml"), collect, &c, &n,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_STRING_EQUAL(c.buf,
	    "P-1|Baseline|2|Demography||Demo group|3|age_years|61|Insert|25\n"
	    "P-1|Baseline|2|Demography||Demo group|3|note|a, \"b\"|Insert|26\n"
	    "P-2|||Demography|1|IG.X||age_s2|70|Update|37\n"
	    "P-2|||Demography|1|IG.X||I.UNDEF|caf\xc3\xa9|Update|38\n"
	    "P-2|||Demography|1|IG.X||age_s2||Update|39\n");
}

/* Each row's item name and decode, checked against what the file
 * defines (test_read_caches). */
struct named {
	int bad;
	size_t n;
	char decodes[256];
};

static int
check_named(const ecpr_odm_row *r, void *ctx)
{
	struct named *c = ctx;
	char want[32];

	c->n++;
	if (strcmp(r->item_oid, "I.C") == 0) {
		snprintf(c->decodes + strlen(c->decodes), sizeof(c->decodes) -
		    strlen(c->decodes), "%s=%s(%s);", r->value, r->decode,
		    r->item);
		return 0;
	}
	snprintf(want, sizeof(want), "n%s", r->item_oid + 2);
	if (strcmp(r->item, want) != 0 || *r->decode != '\0')
		c->bad++;
	return 0;
}

/*
 * The reader looks up an OID's name and a coded value's decode once and
 * keeps them: 300 items (more than it keeps at once), read twice, each
 * get their own name; a code list decodes a code by the definitions of
 * the data's MetaDataVersion, also after another version's data, and a
 * code defined after data that used its code list.
 */
static void
test_read_caches(void)
{
	char *dir = cu_tmpdir(), *f, *doc, *p;
	ecpr_error err = ECPR_ERROR_INIT;
	struct named c;
	size_t n;
	int k, v, pass;

	doc = malloc(200000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	p = doc + sprintf(doc, "<ODM xmlns=\"%s\">\n<Study OID=\"S\">\n",
	    ECPR_ODM_NS);
	for (v = 1; v <= 2; v++) {
		p += sprintf(p, "<MetaDataVersion OID=\"V%d\">\n", v);
		for (k = 0; k < 300; k++)
			p += sprintf(p, "<ItemDef OID=\"I.%d\" Name=\"n%d\"/>\n",
			    k, k);
		p += sprintf(p, "<ItemDef OID=\"I.C\" Name=\"code%d\">"
		    "<CodeListRef CodeListOID=\"CL\"/></ItemDef>\n"
		    "<CodeList OID=\"CL\">\n"
		    "<CodeListItem CodedValue=\"1\"><Decode><TranslatedText>"
		    "%s</TranslatedText></Decode></CodeListItem>\n"
		    "<CodeListItem CodedValue=\"2\"><Decode><TranslatedText>"
		    "two%d</TranslatedText></Decode></CodeListItem>\n"
		    "</CodeList>\n</MetaDataVersion>\n", v, v == 1 ? "one" :
		    "uno", v);
	}
	p += sprintf(p, "</Study>\n");
	for (v = 1; v <= 2; v++) {
		p += sprintf(p, "<ClinicalData StudyOID=\"S\" "
		    "MetaDataVersionOID=\"V%d\">\n<SubjectData SubjectKey=\"s\">"
		    "\n<ItemGroupData ItemGroupOID=\"G\">\n", v);
		for (pass = 0; pass < 2; pass++)
			for (k = 0; k < 300; k++)
				p += sprintf(p, "<ItemData ItemOID=\"I.%d\" "
				    "Value=\"%d\"/>\n", (k * 7 + pass) % 300, k);
		p += sprintf(p, "<ItemData ItemOID=\"I.C\" Value=\"1\"/>\n"
		    "<ItemData ItemOID=\"I.C\" Value=\"2\"/>\n"
		    "<ItemData ItemOID=\"I.C\" Value=\"3\"/>\n"
		    "<ItemData ItemOID=\"I.C\" Value=\"1\"/>\n"
		    "</ItemGroupData>\n</SubjectData>\n</ClinicalData>\n");
	}
	/* a code defined after data that used the code list */
	strcpy(p, "<Study OID=\"S\"><MetaDataVersion OID=\"V1\">"
	    "<CodeList OID=\"CL\"><CodeListItem CodedValue=\"3\"><Decode>"
	    "<TranslatedText>three</TranslatedText></Decode></CodeListItem>"
	    "</CodeList></MetaDataVersion></Study>\n"
	    "<ClinicalData StudyOID=\"S\" MetaDataVersionOID=\"V1\">"
	    "<SubjectData SubjectKey=\"s\"><ItemGroupData ItemGroupOID=\"G\">"
	    "<ItemData ItemOID=\"I.C\" Value=\"3\"/></ItemGroupData>"
	    "</SubjectData></ClinicalData>\n</ODM>\n");
	f = cu_write_file(dir, "caches.xml", doc);
	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(ecpr_odm_read(f, check_named, &c, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 2 * 604 + 1);
	CU_ASSERT_EQUAL(c.n, 2 * 604 + 1);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_STRING_EQUAL(c.decodes, "1=one(code1);2=two1(code1);3=(code1);"
	    "1=one(code1);1=uno(code2);2=two2(code2);3=(code2);1=uno(code2);"
	    "3=three(code1);");
	free(f);
	free(doc);
	cu_rmtree(dir);
	free(dir);
}

static void
test_read_latin1(void)
{
	struct rows c;
	ecpr_error err = ECPR_ERROR_INIT;

	memset(&c, 0, sizeof(c));
	c.max = 10;
	CU_ASSERT_EQUAL(ecpr_odm_read(odmdata("latin1.xml"), collect, &c, NULL,
	    &err), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(c.buf,
	    "J\xc3\xbcrgen|||F||G||I|Stra\xc3\x9f" "e||2\n");
}

static void
test_read_samples(void)
{
	struct rows c;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n;

	/* row counts = grep -c '<ItemData' of each file */
	memset(&c, 0, sizeof(c));
	c.max = 1;
	CU_ASSERT_EQUAL(ecpr_odm_read(sample("odmlib_odm_data_snapshot.xml"),
	    collect, &c, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 165);
	CU_ASSERT_STRING_EQUAL(c.buf, "SS_0001|Screening|1|Informed Consent "
	    "and Demographics||Informed Consent and Demographics|1|Age|56||851\n");
	memset(&c, 0, sizeof(c));
	c.max = 3;
	CU_ASSERT_EQUAL(ecpr_odm_read(sample("redcapr_simple_project.xml"),
	    collect, &c, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 128);
	CU_ASSERT_STRING_EQUAL(c.buf,
	    "1|||demographics|1|demographics|1|record_id|1||271\n"
	    "1|||demographics|1|demographics|1|redcap_data_access_group|dag_1||272\n"
	    "1|||demographics|1|Contact Information|1|name_first|Nutmeg||275\n");
	memset(&c, 0, sizeof(c));
	c.max = 1;
	CU_ASSERT_EQUAL(ecpr_odm_read(
	    sample("openclinica_juno_demo_full_extract_LARGE.xml"), collect,
	    &c, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 3908);
	CU_ASSERT_STRING_EQUAL(c.buf, "SS_101001|Initial Visit||Demographics "
	    "- V2.0||Demo|1|DEM_AGE|35 Years |Insert|9738\n");
	CU_ASSERT_EQUAL(ecpr_odm_read(sample("openedc_example_metadata.xml"),
	    collect, &c, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_read_missing_file(void)
{
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(ecpr_odm_read("/nonexistent.xml", NULL, NULL, NULL,
	    &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, "/nonexistent.xml");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "cannot open: No such file or directory");
}

/*
 * A run of text of more than 10,000,000 bytes is refused, as libxml2's
 * tree builder refuses it, wherever it is (memory stays bounded); 10 MB
 * in a typed ItemData are read.
 */
static void
test_read_huge_text(void)
{
	static const char head[] = "<?xml version=\"1.0\"?>\n<ODM xmlns=\""
	    ECPR_ODM_NS "\"><ClinicalData StudyOID=\"S\"><SubjectData "
	    "SubjectKey=\"s\"><StudyEventData StudyEventOID=\"E\"><FormData "
	    "FormOID=\"F\"><ItemGroupData ItemGroupOID=\"G\">\n";
	static const char tail[] = "</ItemGroupData></FormData>"
	    "</StudyEventData></SubjectData></ClinicalData></ODM>\n";
	static const char *const el[2] = { "ItemDataString ItemOID=\"I.A\"",
		"Note" };
	static const char *const end[2] = { "ItemDataString", "Note" };
	static const size_t len[2] = { 10000000, 10000001 };
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *f, *text;
	size_t n, i;
	int k, j;

	for (k = 0; k < 2; k++)
		for (j = 0; j < 2; j++) {
			n = sizeof(head) + len[j] + 64 + sizeof(tail);
			CU_ASSERT_FATAL((text = malloc(n)) != NULL);
			i = (size_t)snprintf(text, n, "%s<%s>", head, el[k]);
			memset(text + i, 'x', len[j]);
			snprintf(text + i + len[j], n - i - len[j], "</%s>\n%s",
			    end[k], tail);
			f = cu_write_file(dir, "huge.xml", text);
			free(text);
			ecpr_error_clear(&err);
			n = 0;
			if (j == 0) {
				CU_ASSERT_EQUAL(ecpr_odm_read(f, NULL, NULL, &n,
				    &err), ECPR_OK);
				CU_ASSERT_EQUAL(n, k == 0 ? 1 : 0);
			} else {
				CU_ASSERT_EQUAL(ecpr_odm_read(f, NULL, NULL, &n,
				    &err), ECPR_EPARSE);
				CU_ASSERT_EQUAL(err.line, 3);
				CU_ASSERT_STRING_EQUAL(err.message,
				    "xmlSAX2Characters: huge text node");
			}
			free(f);
		}
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* The tool                                                             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* De-identification (values checked with Python's hmac module)         */
/* ------------------------------------------------------------------ */

static void
test_deid_pseudonym_and_shift(void)
{
	const unsigned char *k = (const unsigned char *)
	    "0123456789abcdef-site-key";
	char p[ECPR_ODM_PSEUDONYM_LEN], q[ECPR_ODM_PSEUDONYM_LEN];

	ecpr_odm_pseudonym(p, k, 25, "ZJ", "case-07");
	CU_ASSERT_STRING_EQUAL(p, "Pf765f449c9db51d50ddacd91");
	ecpr_odm_pseudonym(q, k, 25, "ZJ", "case-08");
	CU_ASSERT_STRING_NOT_EQUAL(p, q);
	/* the same subject at another site is another person */
	ecpr_odm_pseudonym(q, k, 25, "ZJX", "case-07");
	CU_ASSERT_STRING_NOT_EQUAL(p, q);
	CU_ASSERT_EQUAL(ecpr_odm_date_shift(k, 25, "ZJ", "case-07"),
	    -354 * 86400LL);
	CU_ASSERT_EQUAL(ecpr_odm_date_shift(k, 25, "ZJ", "case-08"),
	    -35 * 86400LL);
}

static void
test_deid_age(void)
{
	char b[8];

	CU_ASSERT_EQUAL(ecpr_odm_age_text(b, sizeof(b), "89"), 2);
	CU_ASSERT_STRING_EQUAL(b, "89");
	ecpr_odm_age_text(b, sizeof(b), "90");
	CU_ASSERT_STRING_EQUAL(b, "90+");
	ecpr_odm_age_text(b, sizeof(b), "104");
	CU_ASSERT_STRING_EQUAL(b, "90+");
	ecpr_odm_age_text(b, sizeof(b), "");
	CU_ASSERT_STRING_EQUAL(b, "");
}

static void
test_deid_key_file(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir();
	char *shortk = cu_write_file(dir, "short", "secret\n");
	char *good = cu_write_file(dir, "good", "0123456789abcdef-site-key\n");
	unsigned char *key = NULL;
	size_t len = 0;

	CU_ASSERT_EQUAL(ecpr_odm_key_load(&key, &len, shortk, &err),
	    ECPR_ERULE);
	CU_ASSERT_PTR_NULL(key);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "site key too short: 6 bytes, at least 16 needed");
	CU_ASSERT_EQUAL(ecpr_odm_key_load(&key, &len, good, &err), ECPR_OK);
	CU_ASSERT_EQUAL(len, 25);
	CU_ASSERT_EQUAL(memcmp(key, "0123456789abcdef-site-key", 25), 0);
	ecpr_odm_key_free(key, len);
	ecpr_odm_key_free(NULL, 0);
	CU_ASSERT_EQUAL(ecpr_odm_key_load(&key, &len, "/nonexistent/k", &err),
	    ECPR_EIO);
	free(shortk);
	free(good);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Export                                                               */
/* ------------------------------------------------------------------ */

static const unsigned char site_key[] = "0123456789abcdef-site-key";

static const char *const ep_times[][2] = {
	{ "ca_onset", "2021-07-27T08:30+08:00" },
	{ "cpr_start", "2021-07-27T08:35+08:00" },
	{ "mcc_start", "2021-07-27T08:50+08:00" },
	{ "mcc_stop", "2021-07-27T09:40+08:00" },
	{ "cannulation_start", "2021-07-27T09:20+08:00" },
	{ "ecmo_flow_start", "2021-07-27T09:45+08:00" },
	{ "pci", "2021-07-27T11:00+08:00" },
	{ "pci", "2021-07-29T14:00+08:00" },
	{ "icu_admit", "2021-07-27T12:10+08:00" },
	{ "ecmo_stop", "2021-08-02T10:00+08:00" },
	{ "icu_discharge", "2021-08-10" },
	{ "hospital_admit", "2021-07-27" },
	{ "hospital_discharge", "2021-08-20" },
};
#define NTIMES (sizeof(ep_times) / sizeof(ep_times[0]))

static ecpr_episode *
make_episode(const char *subject, long number)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	size_t i;

	CU_ASSERT_FATAL(ecpr_episode_new(&ep, "ZJ", subject, number, &err) ==
	    ECPR_OK);
	for (i = 0; i < NTIMES; i++)
		CU_ASSERT(ecpr_episode_add_event(ep,
		    (ecpr_event_type)ecpr_event_lookup(ep_times[i][0]),
		    ep_times[i][1], NULL, NULL, NULL, 0, &err) == ECPR_OK);
	ecpr_episode_set_attr(ep, ECPR_AT_AGE_YEARS, "91", NULL, 0, &err);
	ecpr_episode_set_attr(ep, ECPR_AT_SEX, "M", NULL, 0, &err);
	ecpr_episode_set_attr(ep, ECPR_AT_PRIMARY_DISEASE,
	    "acute MI, Mr Zhang", NULL, 0, &err);
	ecpr_episode_set_attr(ep, ECPR_AT_CPC_DISCHARGE, "2", NULL, 0, &err);
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != ECPR_OK)
		fprintf(stderr, "finish: %s\n", err.message);
	CU_ASSERT_EQUAL(err.code, ECPR_OK);
	return ep;
}

/* Export the n episodes (freed) to dir/name; the file's path. */
static char *
export_episodes(const char *dir, const char *name, int identified,
    ecpr_episode **eps, size_t n)
{
	ecpr_odm_export_opts opts = ECPR_ODM_EXPORT_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_writer *w = NULL;
	char *file = malloc(strlen(dir) + strlen(name) + 2);
	FILE *fp;
	size_t i;

	sprintf(file, "%s/%s", dir, name);
	fp = fopen(file, "w");
	CU_ASSERT_FATAL(fp != NULL);
	opts.identified = identified;
	opts.key = site_key;
	opts.keylen = sizeof(site_key) - 1;
	opts.creation_time = "2024-01-01T00:00:00+00:00";
	CU_ASSERT_FATAL(ecpr_odm_writer_new(&w, fp, &opts, &err) == ECPR_OK);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(ecpr_odm_writer_add(w, eps[i], &err), ECPR_OK);
		ecpr_episode_free(eps[i]);
	}
	CU_ASSERT_EQUAL(ecpr_odm_writer_finish(w, &err), ECPR_OK);
	ecpr_odm_writer_free(w);
	fclose(fp);
	return file;
}

static char *
export_file(const char *dir, int identified)
{
	ecpr_episode *eps[3];

	eps[0] = make_episode("case-07", 1);
	eps[1] = make_episode("case-07", 2);
	eps[2] = make_episode("case-08", 1);
	return export_episodes(dir, identified ? "id.xml" : "deid.xml",
	    identified, eps, 3);
}

/* Rebuild episodes from an exported file's rows. */
struct rebuild {
	ecpr_episode *ep[3];
	int n;
	char subject[64];
	char repeat[16];
};

static int
rebuild_row(const ecpr_odm_row *r, void *ctx)
{
	struct rebuild *b = ctx;
	ecpr_error err = ECPR_ERROR_INIT;
	int t, a;

	if (strcmp(b->subject, r->subject) != 0 ||
	    strcmp(b->repeat, r->event_repeat) != 0) {
		CU_ASSERT_FATAL(b->n < 3);
		snprintf(b->subject, sizeof(b->subject), "%s", r->subject);
		snprintf(b->repeat, sizeof(b->repeat), "%s", r->event_repeat);
		CU_ASSERT_FATAL(ecpr_episode_new(&b->ep[b->n++], "ZJ",
		    r->subject, atol(r->event_repeat), &err) == ECPR_OK);
	}
	if ((t = ecpr_event_lookup(r->item)) >= 0) {
		CU_ASSERT(ecpr_episode_add_event(b->ep[b->n - 1],
		    (ecpr_event_type)t, r->value, NULL, NULL, NULL, 0, &err) ==
		    ECPR_OK);
	} else if ((a = ecpr_attr_lookup(r->item)) >= 0 &&
	    a != ECPR_AT_AGE_YEARS) {
		CU_ASSERT(ecpr_episode_set_attr(b->ep[b->n - 1],
		    (ecpr_attr_id)a, r->value, NULL, 0, &err) == ECPR_OK);
	}
	return 0;
}

static void
test_export_validates_and_deidentifies(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_odm_validate_result res;
	ecpr_interval before[ECPR_IV_COUNT], after[ECPR_IV_COUNT];
	struct rebuild b;
	char *dir = cu_tmpdir(), *id, *deid, *text, *t2;
	char pseudo[ECPR_ODM_PSEUDONYM_LEN], needle[128];
	ecpr_episode *orig;
	size_t i, n;
	int k;

	id = export_file(dir, 1);
	deid = export_file(dir, 0);
	/* both validate against the official schema */
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, id, NULL, &res, &err),
	    ECPR_OK);
	if (err.code != ECPR_OK)
		fprintf(stderr, "%s:%lu: %s\n", err.file, err.line,
		    err.message);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, deid, NULL, &res, &err),
	    ECPR_OK);
	/* identified: the originals are there */
	t2 = cu_read_file(id, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(t2, "SubjectKey=\"case-07\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(t2,
	    "Value=\"2021-07-27T08:30+08:00\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(t2, "Mr Zhang"));
	free(t2);
	/* de-identified: no key, no date, no free text, no age over 89 */
	text = cu_read_file(deid, NULL);
	CU_ASSERT_PTR_NULL(strstr(text, "case-07"));
	CU_ASSERT_PTR_NULL(strstr(text, "case-08"));
	CU_ASSERT_PTR_NULL(strstr(text, "Zhang"));
	CU_ASSERT_PTR_NULL(strstr(text, "PRIMARY_DISEASE"));
	CU_ASSERT_PTR_NULL(strstr(text, "Value=\"91\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Value=\"90+\""));
	for (i = 0; i < NTIMES; i++) {
		snprintf(needle, sizeof(needle), "\"%s", ep_times[i][1]);
		CU_ASSERT_PTR_NULL(strstr(text, needle));
	}
	ecpr_odm_pseudonym(pseudo, site_key, sizeof(site_key) - 1, "ZJ",
	    "case-07");
	snprintf(needle, sizeof(needle), "SubjectKey=\"%s\"", pseudo);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, needle));
	/* case-07 moves back 354 days: 2021-07-27T08:30 -> 2020-08-07 */
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
	    "Value=\"2020-08-07T08:30+08:00\""));
	free(text);
	/* every derived interval is identical before and after */
	memset(&b, 0, sizeof(b));
	CU_ASSERT_EQUAL(ecpr_odm_read(deid, rebuild_row, &b, &n, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(b.n, 3);
	orig = make_episode("case-07", 1);
	CU_ASSERT_EQUAL(ecpr_episode_intervals(orig, before, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	for (k = 0; k < b.n; k++) {
		CU_ASSERT_EQUAL(ecpr_episode_finish(b.ep[k], NULL, NULL, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_episode_intervals(b.ep[k], after,
		    ECPR_IV_COUNT, &err), ECPR_OK);
		for (i = 0; i < ECPR_IV_COUNT; i++) {
			CU_ASSERT_EQUAL(after[i].known, before[i].known);
			CU_ASSERT_EQUAL(after[i].lo, before[i].lo);
			CU_ASSERT_EQUAL(after[i].hi, before[i].hi);
		}
		CU_ASSERT_EQUAL(ecpr_episode_segment_count(b.ep[k],
		    ECPR_SEG_MCC), 1);
		ecpr_episode_free(b.ep[k]);
	}
	CU_ASSERT_EQUAL(before[ECPR_IV_NO_FLOW_MIN].lo, 5);
	CU_ASSERT_EQUAL(before[ECPR_IV_MECHANICAL_CC_MIN].lo, 50);
	CU_ASSERT_EQUAL(before[ECPR_IV_CA_TO_FLOW_MIN].lo, 75);
	ecpr_episode_free(orig);
	free(id);
	free(deid);
	cu_rmtree(dir);
	free(dir);
}

/* Run ecpr-odm with the arguments (NULL-terminated). */
static int
run(char **out, char **err, const char *a1, ...)
{
	char *argv[16];
	va_list ap;
	const char *a;
	int n = 0, st, i;

	argv[n++] = strdup("ecpr-odm");
	va_start(ap, a1);
	for (a = a1; a != NULL && n < 15; a = va_arg(ap, const char *))
		argv[n++] = strdup(a);
	va_end(ap);
	argv[n] = NULL;
	st = cu_run_tool(argv, NULL, out, err);
	for (i = 0; i < n; i++)
		free(argv[i]);
	return st;
}

static void
test_tool_options(void)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(run(&out, &err, "--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: ecpr-odm"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "--version", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "ecpr-odm (ecprkit) " ECPR_VERSION_STRING
	    "\n");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "--bogus", NULL), 64);
	CU_ASSERT_STRING_EQUAL(out, "");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, NULL), 64);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "frobnicate", NULL), 64);
	free(out);
	free(err);
}

static void
test_tool_validate(void)
{
	char f[4096], expect[8400];
	char *out = NULL, *err = NULL;

	snprintf(f, sizeof(f), "%s",
	    sample("edge_odmlib_cdash_odm_test_invalid.xml"));
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--schema-only", f, NULL),
	    65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:14: element studyName: "
	    "this element is not expected; expected is ( StudyName )\n", f);
	CU_ASSERT_STRING_EQUAL(err, expect);
	snprintf(expect, sizeof(expect), "%s: invalid (1 schema error)\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	/* by default also against our metadata: this one has no data */
	CU_ASSERT_EQUAL(run(&out, &err, "validate", f, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:14: element studyName: "
	    "this element is not expected; expected is ( StudyName )\n"
	    "ecpr-odm: %s: no ClinicalData: nothing to check against study "
	    "\"ECPR\"\n", f, f);
	CU_ASSERT_STRING_EQUAL(err, expect);
	snprintf(expect, sizeof(expect), "%s: invalid (1 schema error, 1 "
	    "metadata error)\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	snprintf(f, sizeof(f), "%s",
	    sample("openclinica_juno_demo_full_extract_LARGE.xml"));
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--lax", "--schema-only",
	    f, NULL), 0);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s: set aside 4857 "
	    "foreign-namespace elements and 2227 attributes\n", f);
	CU_ASSERT_STRING_EQUAL(err, expect);
	snprintf(expect, sizeof(expect), "%s: valid\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	/* schema-valid with --lax, but another study's data */
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--lax", f, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s: set aside 4857 "
	    "foreign-namespace elements and 2227 attributes\n"
	    "ecpr-odm: %s:9733: ClinicalData: StudyOID \"S_101\" is not our "
	    "study \"ECPR\"; its data are not checked\n", f, f);
	CU_ASSERT_NSTRING_EQUAL(err, expect, strlen(expect));
	snprintf(expect, sizeof(expect), "%s: invalid (0 schema errors, 5 "
	    "metadata errors)\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	snprintf(f, sizeof(f), "%s", odmdata("xxe.xml"));
	CU_ASSERT_EQUAL(run(&out, &err, "validate", f, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:2: %s\n", f, refused);
	CU_ASSERT_STRING_EQUAL(err, expect);
	CU_ASSERT_PTR_NULL(strstr(out, "root:"));
	free(out);
	free(err);
}

static void
test_tool_dump(void)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(run(&out, &err, "dump", odmdata("multi.xml"), NULL), 0);
	CU_ASSERT_STRING_EQUAL(out,
	    "subject,event,repeat,form,item_group,repeat,item,value,"
	    "transaction,unit\n"
	    "P-1,Baseline,2,Demography,Demo group,3,age_years,61,Insert,\n"
	    "P-1,Baseline,2,Demography,Demo group,3,note,\"a, \"\"b\"\"\","
	    "Insert,\n"
	    "P-2,,,Demography,IG.X,,age_s2,70,Update,\n"
	    "P-2,,,Demography,IG.X,,I.UNDEF,caf\xc3\xa9,Update,\n"
	    "P-2,,,Demography,IG.X,,age_s2,,Update,\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
}

#define DUMP_HEAD "<ODM xmlns=\"" ECPR_ODM_NS "\">\n" \
	"<Study OID=\"S\"><MetaDataVersion OID=\"M\" Name=\"m\">\n" \
	"<ItemDef OID=\"I.AGE\" Name=\"\" DataType=\"integer\"/>\n" \
	"<ItemDef OID=\"I.SEX\" Name=\"sex\" DataType=\"text\"/>\n" \
	"</MetaDataVersion></Study>\n" \
	"<ClinicalData StudyOID=\"S\" MetaDataVersionOID=\"M\">\n" \
	"<SubjectData SubjectKey=\"1\" TransactionType=\"Update\">\n" \
	"<FormData FormOID=\"F\"><ItemGroupData ItemGroupOID=\"G\">\n"
#define DUMP_TAIL "</ItemGroupData></FormData></SubjectData>" \
	"</ClinicalData></ODM>\n"

/*
 * dump: a transaction column; Name="" falls back to the OID; a value in
 * a child <Value> is read, several or text inside are refused (never an
 * empty value); a file that cannot be read prints nothing at all.
 */
static void
test_tool_dump_more(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, expect[9000];
	char *good = cu_write_file(dir, "good.xml", DUMP_HEAD
	    "<ItemData ItemOID=\"I.AGE\" Value=\"61\"/>\n"
	    "<ItemData ItemOID=\"I.SEX\" TransactionType=\"Remove\"/>\n"
	    "<ItemData ItemOID=\"I.AGE\">\n <Value>62</Value>\n</ItemData>\n"
	    DUMP_TAIL);
	char *two = cu_write_file(dir, "two.xml", DUMP_HEAD
	    "<ItemData ItemOID=\"I.AGE\" Value=\"61\"/>\n"
	    "<ItemData ItemOID=\"I.SEX\"><Value>F</Value><Value>M</Value>"
	    "</ItemData>\n" DUMP_TAIL);
	char *inner = cu_write_file(dir, "inner.xml", DUMP_HEAD
	    "<ItemData ItemOID=\"I.SEX\">F</ItemData>\n" DUMP_TAIL);
	char *v2 = cu_write_file(dir, "v2.xml", "<ODM xmlns=\"http://www.cdisc"
	    ".org/ns/odm/v2.0\">\n<ClinicalData StudyOID=\"S\" "
	    "MetaDataVersionOID=\"M\"/>\n</ODM>\n");
	char *cut = cu_write_file(dir, "cut.xml", DUMP_HEAD
	    "<ItemData ItemOID=\"I.AGE\" Value=\"61\"/>\n");

	CU_ASSERT_EQUAL(run(&out, &err, "dump", good, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out,
	    "subject,event,repeat,form,item_group,repeat,item,value,"
	    "transaction,unit\n"
	    "1,,,F,G,,I.AGE,61,Update,\n"
	    "1,,,F,G,,sex,,Remove,\n"
	    "1,,,F,G,,I.AGE,62,Update,\n");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	/* refused: nothing printed, not even the rows of a good file */
	CU_ASSERT_EQUAL(run(&out, &err, "dump", good, two, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:10: ItemData "
	    "\"I.SEX\": 2 Value elements: only one value per ItemData is "
	    "read\n", two);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "dump", inner, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:9: ItemData "
	    "\"I.SEX\": a value given as text inside the element is not read "
	    "(give it as the attribute Value)\n", inner);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "dump", v2, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:1: element ODM: "
	    "namespace \"http://www.cdisc.org/ns/odm/v2.0\" is not ODM 1.3's "
	    "(" ECPR_ODM_NS "); such files are not read\n", v2);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	/* a truncated file after a good one: no partial output */
	CU_ASSERT_EQUAL(run(&out, &err, "dump", good, cut, NULL), 65);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "truncated"));
	free(out);
	free(err);
	/* a file that cannot be opened: 66, nothing printed */
	CU_ASSERT_EQUAL(run(&out, &err, "dump", good, "/nonexistent.xml",
	    NULL), 66);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, "ecpr-odm: /nonexistent.xml: cannot open: "
	    "No such file or directory\n");
	free(out);
	free(err);
	free(good);
	free(two);
	free(inner);
	free(v2);
	free(cut);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* ecpr-odm export                                                      */
/* ------------------------------------------------------------------ */

/* A growing string. */
struct sb {
	char *s;
	size_t n;
};

static void
sb_add(struct sb *b, const char *text)
{
	size_t m = strlen(text);

	b->s = realloc(b->s, b->n + m + 1);
	CU_ASSERT_FATAL(b->s != NULL);
	memcpy(b->s + b->n, text, m + 1);
	b->n += m;
}

/* "site,episode,<every interval>\n" of a finished episode. */
static void
sb_intervals(struct sb *b, ecpr_episode *ep)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_interval iv[ECPR_IV_COUNT];
	char buf[64];
	int i;

	CU_ASSERT_EQUAL(ecpr_episode_intervals(ep, iv, ECPR_IV_COUNT,
	    &err), ECPR_OK);
	snprintf(buf, sizeof(buf), "%s,%ld", ecpr_episode_site(ep),
	    ecpr_episode_number(ep));
	sb_add(b, buf);
	for (i = 0; i < ECPR_IV_COUNT; i++) {
		ecpr_interval_format(&iv[i], (ecpr_interval_id)i, buf,
		    sizeof(buf));
		sb_add(b, ",");
		sb_add(b, buf);
	}
	sb_add(b, "\n");
}

/* Interval lines of every episode of case-record files, in order. */
static char *
source_intervals(const char *const *files)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	ecpr_episode *ep;
	struct sb b = { NULL, 0 };

	sb_add(&b, "");
	CU_ASSERT_FATAL(ecpr_source_new(&src, &ro, &err) == ECPR_OK);
	for (; *files != NULL; files++)
		CU_ASSERT(ecpr_source_add_file(src, *files, &err) == ECPR_OK);
	while (ecpr_source_next(src, &ep, &err) == ECPR_OK && ep != NULL) {
		sb_intervals(&b, ep);
		ecpr_episode_free(ep);
	}
	CU_ASSERT_EQUAL(err.code, ECPR_OK);
	ecpr_source_free(src);
	return b.s;
}

/* Episodes rebuilt from an exported file, one at a time. */
struct odm_eps {
	struct sb b;
	ecpr_episode *ep;
	char key[128];
};

static void
odm_eps_flush(struct odm_eps *o)
{
	ecpr_error err = ECPR_ERROR_INIT;

	if (o->ep == NULL)
		return;
	CU_ASSERT_EQUAL(ecpr_episode_finish(o->ep, NULL, NULL, &err), ECPR_OK);
	if (err.code != ECPR_OK)
		fprintf(stderr, "finish: %s\n", err.message);
	sb_intervals(&o->b, o->ep);
	ecpr_episode_free(o->ep);
	o->ep = NULL;
}

static int
odm_eps_row(const ecpr_odm_row *r, void *ctx)
{
	struct odm_eps *o = ctx;
	ecpr_error err = ECPR_ERROR_INIT;
	char key[128];
	int t, a;

	snprintf(key, sizeof(key), "%s/%s", r->subject, r->event_repeat);
	if (o->ep == NULL || strcmp(key, o->key) != 0) {
		odm_eps_flush(o);
		snprintf(o->key, sizeof(o->key), "%s", key);
		/* the site is the first item of every episode */
		CU_ASSERT_STRING_EQUAL(r->item, "site");
		CU_ASSERT_FATAL(ecpr_episode_new(&o->ep, r->value, r->subject,
		    atol(r->event_repeat), &err) == ECPR_OK);
		return 0;
	}
	if ((t = ecpr_event_lookup(r->item)) >= 0) {
		CU_ASSERT(ecpr_episode_add_event(o->ep, (ecpr_event_type)t,
		    r->value, NULL, NULL, NULL, 0, &err) == ECPR_OK);
	} else if ((a = ecpr_attr_lookup(r->item)) >= 0 &&
	    strcmp(r->value, "90+") != 0) {
		CU_ASSERT(ecpr_episode_set_attr(o->ep, (ecpr_attr_id)a,
		    r->value, NULL, 0, &err) == ECPR_OK);
	}
	return 0;
}

static char *
odm_intervals(const char *file)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct odm_eps o;

	memset(&o, 0, sizeof(o));
	sb_add(&o.b, "");
	CU_ASSERT_EQUAL(ecpr_odm_read(file, odm_eps_row, &o, NULL, &err),
	    ECPR_OK);
	odm_eps_flush(&o);
	return o.b.s;
}

/* Every absolute time and free text of cases-*.csv, none in a
 * de-identified export. */
static const char *const case_secrets[] = {
	"li-0042", "bx-17", "Li Wei", "Wang", "embolism", "reintubated",
	"\"93\"", "\"94\"",
	"2022-03-14", "2022-03-18", "2022-03-20", "2022-03-22", "2022-03-24",
	"2022-03-27", "2022-04-09", "2023-01-02", "2023-01-04", "2021-10-31",
	"2021-11-01", "2021-11-05", "2021-11-06", "2021-12-01",
	NULL
};

static const char cases_intervals[] =
    /* site,episode,no_flow,conv_cpr,mcc,ca,setup,ca_to_flow,ecpr,icu,
     * hospital,cpc: checked by hand from cases-long.csv */
    "ZJ,1,3,52,43,,19,55,4.3,13.0..14.0,25.0..27.0,2\n"
    "ZJ,2,1,69,,,,70,,,,\n"
    "BE,1,2,108,,,,110,6.4,,30.0..32.0,1\n";

/*
 * The text of a de-identified export: it validates against the schema and
 * holds none of the secrets (NULL-terminated).
 */
static char *
deid_text(const char *file, const char *const *secrets)
{
	ecpr_error e = ECPR_ERROR_INIT;
	ecpr_odm_validate_result res;
	char *text;
	size_t i;

	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, file, NULL, &res, &e),
	    ECPR_OK);
	text = cu_read_file(file, NULL);
	CU_ASSERT_FATAL(text != NULL);
	for (i = 0; secrets[i] != NULL; i++) {
		CU_ASSERT_PTR_NULL(strstr(text, secrets[i]));
		if (strstr(text, secrets[i]) != NULL)
			fprintf(stderr, "leak: %s\n", secrets[i]);
	}
	return text;
}

static void
test_tool_export(void)
{
	ecpr_error e = ECPR_ERROR_INIT;
	ecpr_odm_validate_result res;
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *text, *a, *b;
	char *keyf = cu_write_file(dir, "site.key",
	    "0123456789abcdef-site-key\n");
	char *shortk = cu_write_file(dir, "short.key", "secret\n");
	char deid[4096], id[4096], bad[4096], lng[4096], wide[4096];
	CU_ASSERT_EQUAL(chmod(keyf, 0600), 0);
	char pseudo[ECPR_ODM_PSEUDONYM_LEN], needle[64];
	const char *files[3];

	snprintf(lng, sizeof(lng), "%s", odmdata("cases-long.csv"));
	snprintf(wide, sizeof(wide), "%s", odmdata("cases-wide.csv"));
	snprintf(deid, sizeof(deid), "%s/deid.xml", dir);
	snprintf(id, sizeof(id), "%s/id.xml", dir);
	snprintf(bad, sizeof(bad), "%s/bad.xml", dir);
	files[0] = lng;
	files[1] = wide;
	files[2] = NULL;
	/* no key: a usage error, nothing written */
	unsetenv("ECPR_ODM_KEY");
	CU_ASSERT_EQUAL(run(&out, &err, "export", "-o", bad, lng, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-odm: export: a de-identified "
	    "export needs a site key: give --key-file FILE or set "
	    "ECPR_ODM_KEY (or --identified to export real data)\n"));
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_PTR_NULL(cu_read_file(bad, NULL));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", shortk, lng,
	    NULL), 64);
	snprintf(needle, sizeof(needle), "short.key: site key too short");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	free(out);
	free(err);
	setenv("ECPR_ODM_KEY", "too-short", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", lng, NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-odm: export: ECPR_ODM_KEY: "
	    "site key too short: 9 bytes, at least 16 needed\n"));
	free(out);
	free(err);
	unsetenv("ECPR_ODM_KEY");
	/* bad input: exit 65, the output file is not left behind */
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", bad,
	    cu_data("source/bad-long.csv"), NULL), 65);
	CU_ASSERT_PTR_NULL(cu_read_file(bad, NULL));
	free(out);
	free(err);
	/* de-identified */
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, wide, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	text = deid_text(deid, case_secrets);
	ecpr_odm_pseudonym(pseudo, site_key, sizeof(site_key) - 1, "ZJ",
	    "li-0042");
	CU_ASSERT_PTR_NOT_NULL(strstr(text, pseudo));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Value=\"90+\""));
	free(text);
	/* intervals: by hand, from the files, after de-identification */
	a = source_intervals(files);
	CU_ASSERT_STRING_EQUAL(a, cases_intervals);
	b = odm_intervals(deid);
	CU_ASSERT_STRING_EQUAL(b, cases_intervals);
	free(b);
	/* the same key from the environment gives the same file */
	setenv("ECPR_ODM_KEY", "0123456789abcdef-site-key", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", lng, wide, NULL), 0);
	unsetenv("ECPR_ODM_KEY");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, pseudo));
	free(out);
	free(err);
	/* identified: says so loudly, keeps the originals */
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", id,
	    lng, wide, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "ecpr-odm: NOTICE: --identified: this "
	    "export holds real subject keys, dates, ages and free text; it is "
	    "NOT de-identified\n");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, id, NULL, &res, &e),
	    ECPR_OK);
	text = cu_read_file(id, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "SubjectKey=\"li-0042\""));
	/* the metadata names the definitions (schema-valid, above) */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "<MetaDataVersion OID=\""
	    ECPR_ODM_MDV_OID "\" Name=\"ECPR registry metadata 1\" "
	    "Description=\"ECPR definitions " ECPR_DEFS_VERSION "\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Mrs Wang"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text,
	    "Value=\"2021-10-31T02:40+01:00\""));
	free(text);
	b = odm_intervals(id);
	CU_ASSERT_STRING_EQUAL(b, a);
	free(a);
	free(b);
	free(keyf);
	free(shortk);
	cu_rmtree(dir);
	free(dir);
}

/* Values known only to the month or year move exactly (issue: a month
 * moved by N days is no longer a month). */
static const char partial_intervals[] =
    /* checked by hand: m1 admits in 2022 (year) and leaves in May 2022
     * (month): 0..151 days; m2 from 2020-01-30 to February 2020: 1..31 */
    "ZJ,1,4,52,,,,56,5.0,17.0..48.0,0.0..151.0,\n"
    "ZJ,1,2,48,,,,50,,,1.0..31.0,\n"
    "ZJ,1,1,59,,,,60,,,0.0..29.0,\n"
    "ZJ,2,5,,,,,,,,0.0..30.0,\n";

static void
test_partial_shift(void)
{
	ecpr_read_opts ro = ECPR_READ_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_source *src = NULL;
	ecpr_episode *ep[5];
	const ecpr_event *ev;
	int64_t shift, base;
	char buf[32];
	ecpr_time t;
	size_t n = 0;

	CU_ASSERT_FATAL(ecpr_source_new(&src, &ro, &err) == ECPR_OK);
	CU_ASSERT_FATAL(ecpr_source_add_file(src,
	    odmdata("cases-partial.csv"), &err) == ECPR_OK);
	while (n < 5 && ecpr_source_next(src, &ep[n], &err) == ECPR_OK &&
	    ep[n] != NULL)
		n++;
	ecpr_source_free(src);
	CU_ASSERT_FATAL(n == 4);
	/* m2 leaves in February 2020 (29 days): only February 2016 fits */
	CU_ASSERT_EQUAL(ecpr_odm_subject_shift(&shift, site_key,
	    sizeof(site_key) - 1, (const ecpr_episode *const *)&ep[1], 1,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(shift, -1461 * 86400LL);
	/* m3: a plain day shift would break April 2021 ... */
	base = ecpr_odm_date_shift(site_key, sizeof(site_key) - 1, "ZJ",
	    "m3");
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep[2], base), 0);
	/* ... the subject shift keeps both episodes' months months */
	CU_ASSERT_EQUAL(ecpr_odm_subject_shift(&shift, site_key,
	    sizeof(site_key) - 1, (const ecpr_episode *const *)&ep[2], 2,
	    &err), ECPR_OK);
	CU_ASSERT_EQUAL(shift % 86400, 0);
	CU_ASSERT(shift < 0);
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep[2], shift), 1);
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep[3], shift), 1);
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep[3], shift - 86400), 0);
	ev = ecpr_episode_first(ep[2], ECPR_EV_HOSPITAL_DISCHARGE);
	t = ecpr_time_shift(&ev->time, shift);
	ecpr_time_format(&t, buf, sizeof(buf));
	/* April 2021 went to an earlier month of 30 days, still a month */
	CU_ASSERT_EQUAL(strlen(buf), 7);
	CU_ASSERT(strcmp(buf, "2021-04") < 0);
	CU_ASSERT_EQUAL(t.end - t.t, 30 * 86400LL);
	CU_ASSERT_EQUAL(ecpr_time_parse(&t, buf, NULL, &err), ECPR_OK);
	CU_ASSERT_EQUAL(t.t, ev->time.t + shift);
	CU_ASSERT_EQUAL(t.end, ev->time.end + shift);
	/* one episode alone fits a shift, the next of the subject not */
	{
		ecpr_odm_export_opts opts = ECPR_ODM_EXPORT_OPTS_INIT;
		ecpr_odm_writer *w = NULL;
		FILE *fp = tmpfile();

		CU_ASSERT_FATAL(fp != NULL);
		opts.key = site_key;
		opts.keylen = sizeof(site_key) - 1;
		CU_ASSERT_EQUAL(ecpr_odm_writer_new(&w, fp, &opts, &err),
		    ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_odm_writer_add(w, ep[0], &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_odm_writer_add_subject(w,
		    (const ecpr_episode *const *)&ep[2], 2, &err), ECPR_OK);
		CU_ASSERT_EQUAL(ecpr_odm_writer_add_subject(w,
		    (const ecpr_episode *const *)&ep[1], 2, &err),
		    ECPR_EINVAL);
		CU_ASSERT_EQUAL(ecpr_odm_writer_finish(w, &err), ECPR_OK);
		ecpr_odm_writer_free(w);
		fclose(fp);
	}
	for (; n > 0; n--)
		ecpr_episode_free(ep[n - 1]);
}

static void
test_tool_export_partial(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *text, *a, *b;
	char f[4096], deid[4096];
	const char *files[2];
	static const char *const orig[] = { "\"2022", "\"2020-01", "\"2020-02",
		"\"2021-04", "\"2021-09", "\"m1\"", "\"m2\"", "\"m3\"", NULL };

	snprintf(f, sizeof(f), "%s", odmdata("cases-partial.csv"));
	snprintf(deid, sizeof(deid), "%s/deid.xml", dir);
	files[0] = f;
	files[1] = NULL;
	setenv("ECPR_ODM_KEY", "0123456789abcdef-site-key", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "-o", deid, f, NULL), 0);
	unsetenv("ECPR_ODM_KEY");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	text = deid_text(deid, orig);
	/* m2's February 2020 can only become February 2016 */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "Value=\"2016-02\""));
	free(text);
	a = source_intervals(files);
	CU_ASSERT_STRING_EQUAL(a, partial_intervals);
	b = odm_intervals(deid);
	CU_ASSERT_STRING_EQUAL(b, partial_intervals);
	free(a);
	free(b);
	cu_rmtree(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* ecpr-odm import                                                      */
/* ------------------------------------------------------------------ */

/* ecpr-table --format csv [--tz Z] of two files, via the built tool. */
static char *
table_csv(const char *tz, const char *f1, const char *f2)
{
	char prog[] = "ecpr-table", fmt[] = "--format", csv[] = "csv";
	char tzo[] = "--tz", tzv[64], a1[4096], a2[4096];
	char *argv[8], *out = NULL, *err = NULL;
	int n = 0;

	snprintf(tzv, sizeof(tzv), "%s", tz != NULL ? tz : "");
	snprintf(a1, sizeof(a1), "%s", f1);
	snprintf(a2, sizeof(a2), "%s", f2);
	argv[n++] = prog;
	argv[n++] = fmt;
	argv[n++] = csv;
	if (tz != NULL) {
		argv[n++] = tzo;
		argv[n++] = tzv;
	}
	argv[n++] = a1;
	argv[n++] = a2;
	argv[n] = NULL;
	CU_ASSERT_EQUAL(cu_run_tool(argv, NULL, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(err);
	return out;
}

static void
roundtrip(const char *dir, const char *f1, const char *f2)
{
	char x[4096], l[4096], a[4096];
	char *out = NULL, *err = NULL, *t1, *t2;

	snprintf(x, sizeof(x), "%s/rt.xml", dir);
	snprintf(l, sizeof(l), "%s/rt-long.csv", dir);
	snprintf(a, sizeof(a), "%s/rt-attr.csv", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", x,
	    f1, f2, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", l, "-a", a, x, NULL),
	    0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	t1 = table_csv(NULL, f1, f2);
	t2 = table_csv(NULL, l, a);
	CU_ASSERT_PTR_NOT_NULL(t1);
	CU_ASSERT_STRING_EQUAL(t1, t2);
	free(t1);
	free(t2);
}

static void
test_tool_import_roundtrip(void)
{
	char *dir = cu_tmpdir();
	char f1[4096], f2[4096], f3[4096];

	snprintf(f1, sizeof(f1), "%s", odmdata("cases-long.csv"));
	snprintf(f2, sizeof(f2), "%s", odmdata("cases-wide.csv"));
	snprintf(f3, sizeof(f3), "%s", odmdata("cases-partial.csv"));
	roundtrip(dir, f1, f2);
	roundtrip(dir, f3, f2);
	cu_rmtree(dir);
	free(dir);
}

static void
test_tool_import_redcap_map(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *t;
	char x[2048], m[2048], l[2048], a[2048], expect[8192];

	snprintf(x, sizeof(x), "%s", odmdata("redcap-ecpr.xml"));
	snprintf(m, sizeof(m), "%s", odmdata("redcap-ecpr.map"));
	snprintf(l, sizeof(l), "%s/l.csv", dir);
	snprintf(a, sizeof(a), "%s/a.csv", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", m, "-a", a, x,
	    NULL), 0);
	CU_ASSERT_STRING_EQUAL(out,
	    "site,subject,episode,event,time,note\n"
	    "hz_east,101,1,ca_onset,2023-06-01T09:12,\n"
	    "hz_east,101,1,cpr_start,2023-06-01T09:15,\n"
	    "hz_east,101,1,ecmo_flow_start,2023-06-01T10:20,\n"
	    "hz_east,101,1,hospital_admit,2023-06-01,\n"
	    "hz_east,101,1,hospital_discharge,2023-06-21,\n"
	    "hz_main,102,1,ca_onset,2023-07-15T22:40,\n"
	    "hz_main,102,1,cpr_start,2023-07-15T22:41,\n"
	    "hz_main,102,1,ecmo_flow_start,2023-07-15T23:48,\n");
	/* record_id twice, comments, ecpr_complete twice */
	CU_ASSERT_STRING_EQUAL(err, "ecpr-odm: set aside 5 item values that "
	    "map to no case-record field\n");
	FILE *fp = fopen(l, "w");
	CU_ASSERT_FATAL(fp != NULL);
	fputs(out, fp);
	fclose(fp);
	free(out);
	free(err);
	t = cu_read_file(a, NULL);
	CU_ASSERT_STRING_EQUAL(t, "site,subject,episode,age_years,sex,bmi,"
	    "primary_disease,ca_location,first_cpr_provider,initial_rhythm,"
	    "apache2,cannulation_method,mcc_device,ecmo_device,cpc_discharge,"
	    "pupillary_light_reflex,cerebral_haemorrhage,witnessed,"
	    "bystander_cpr\n"
	    "hz_east,101,1,48,M,,,,,,,,,,1,,,,\n"
	    "hz_main,102,1,,F,,,,,,,,,,,,,,\n");
	free(t);
	/* by hand: 09:12 -> 09:15 -> flow 10:20; 06-01 .. 06-21 */
	t = table_csv("Asia/Shanghai", l, a);
	CU_ASSERT_STRING_EQUAL(t, "site,subject,episode,no_flow_min,"
	    "conventional_cpr_min,mechanical_cc_min,cardiac_arrest_min,"
	    "ecmo_setup_min,ca_to_flow_min,ecpr_days,icu_days,hospital_days,"
	    "cpc_discharge\n"
	    "hz_east,101,1,3,65,,,,68,,,19.0..21.0,1\n"
	    "hz_main,102,1,1,67,,,,68,,,,\n");
	free(t);
	/* without the map only "sex" is a field, and no item gives a site */
	unlink(l);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", l, x, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:30: subject \"101\": "
	    "no site (map an item to \"site\" or give \"site = NAME\" with "
	    "--map)\n"
	    "ecpr-odm: %s:48: subject \"102\": no site (map an item to "
	    "\"site\" or give \"site = NAME\" with --map)\n"
	    "ecpr-odm: set aside 17 item values that map to no case-record "
	    "field\n", x, x);
	CU_ASSERT_STRING_EQUAL(err, expect);
	CU_ASSERT_PTR_NULL(cu_read_file(l, NULL));
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
}

/* One SubjectData of our study (metadata not in the file) with site ZJ,
 * ca_onset and cpr_start, appended to buf. */
static void
own_subject(char *buf, size_t len, const char *key, int repeat)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "  <SubjectData SubjectKey=\"%s\">\n"
	    "   <StudyEventData StudyEventOID=\"SE.EPISODE\" "
	    "StudyEventRepeatKey=\"%d\">\n"
	    "    <FormData FormOID=\"F.ATTRIBUTES\"><ItemGroupData "
	    "ItemGroupOID=\"IG.ATTRIBUTES\"><ItemData ItemOID=\"I.SITE\" "
	    "Value=\"ZJ\"/></ItemGroupData></FormData>\n"
	    "    <FormData FormOID=\"F.EVENTS\"><ItemGroupData "
	    "ItemGroupOID=\"IG.EVENTS\">\n"
	    "     <ItemData ItemOID=\"I.CA_ONSET\" "
	    "Value=\"2022-03-14T08:00+08:00\"/>\n"
	    "     <ItemData ItemOID=\"I.CPR_START\" "
	    "Value=\"2022-03-14T08:05+08:00\"/>\n"
	    "    </ItemGroupData></FormData>\n"
	    "   </StudyEventData>\n"
	    "  </SubjectData>\n", key, repeat);
}

/*
 * The event rows of import -o are written a row at a time when no field
 * needs quotes and the row is short, else a field at a time: the same
 * bytes either way (a subject with a quote and a comma, one whose row is
 * longer than the row buffer, one whose first fields are, a long one with
 * a quote and a comma).
 */
static void
test_tool_import_rows_quoted(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *x, *t;
	char a490[491], b600[601], o[4096], doc[16384], expect[8192];
	char q[512], qx[512], p5[700];
	const char *ev[2] = { "ca_onset,2022-03-14T08:00+08:00,\n",
		"cpr_start,2022-03-14T08:05+08:00,\n" };
	const char *pre[5];
	char p1[700], p2[700];
	int i, k;

	memset(a490, 'a', 490);
	a490[490] = '\0';
	memset(b600, 'b', 600);
	b600[600] = '\0';
	snprintf(doc, sizeof(doc), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<ODM xmlns=\"" ECPR_ODM_NS "\" FileOID=\"F.T\" "
	    "FileType=\"Snapshot\" ODMVersion=\"1.3.2\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\">\n"
	    " <ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n");
	own_subject(doc, sizeof(doc), "li &quot;q&quot;, 7", 1);
	own_subject(doc, sizeof(doc), a490, 2);
	own_subject(doc, sizeof(doc), b600, 1);
	own_subject(doc, sizeof(doc), "li-2", 3);
	/* a long subject with a quote and a comma: quoted a piece at a time */
	memset(q, 'x', 150);
	strcpy(q + 150, "&quot;");
	memset(q + 156, 'y', 150);
	strcpy(q + 306, ",z");
	own_subject(doc, sizeof(doc), q, 4);
	snprintf(doc + strlen(doc), sizeof(doc) - strlen(doc),
	    " </ClinicalData>\n</ODM>\n");
	x = cu_write_file(dir, "quoted.xml", doc);
	snprintf(o, sizeof(o), "%s/quoted.csv", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", o, x, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	snprintf(p1, sizeof(p1), "ZJ,%s,2,", a490);
	snprintf(p2, sizeof(p2), "ZJ,%s,1,", b600);
	pre[0] = "ZJ,\"li \"\"q\"\", 7\",1,";
	pre[1] = p1;
	pre[2] = p2;
	pre[3] = "ZJ,li-2,3,";
	memset(qx, 'x', 150);
	strcpy(qx + 150, "\"\"");
	memset(qx + 152, 'y', 150);
	strcpy(qx + 302, ",z");
	snprintf(p5, sizeof(p5), "ZJ,\"%s\",4,", qx);
	pre[4] = p5;
	snprintf(expect, sizeof(expect), "site,subject,episode,event,time,"
	    "note\n");
	for (i = 0; i < 5; i++)
		for (k = 0; k < 2; k++)
			snprintf(expect + strlen(expect), sizeof(expect) -
			    strlen(expect), "%s%s", pre[i], ev[k]);
	t = cu_read_file(o, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, expect);
	free(t);
	free(x);
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
}

static void
map_fails(const char *dir, const char *text, const char *msg)
{
	char *m = cu_write_file(dir, "bad.map", text), *out = NULL,
	    *err = NULL, expect[8192], o[4096];

	snprintf(o, sizeof(o), "%s/never.csv", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", m, "-o", o,
	    odmdata("redcap-ecpr.xml"), NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:%s\n", m, msg);
	CU_ASSERT_STRING_EQUAL(err, expect);
	CU_ASSERT_PTR_NULL(cu_read_file(o, NULL));
	free(out);
	free(err);
	free(m);
}

static void
test_tool_import_errors(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, o[4096];
	char expect[8192], x[4096];

	map_fails(dir, "# c\nitem arrest_dt = ca_onst\n", "2: key \"item "
	    "arrest_dt\": unknown field \"ca_onst\" (site, ignore, an event, "
	    "an attribute or an item of an observation or a complication)");
	map_fails(dir, "item a = ca_onset\n\nitem a = cpr_start\n", "3: key "
	    "\"item a\": given twice (also line 1)");
	map_fails(dir, "site hz\n", "1: \"site hz\": no \"=\" (KEY = VALUE)");
	map_fails(dir, "colour sex = M\n", "1: unknown key \"colour sex\" "
	    "(site, item OID, code FIELD CODE)");
	map_fails(dir, "code ca_onset 1 = M\n", "1: key \"code ca_onset 1\": "
	    "\"ca_onset\" is not an attribute");
	map_fails(dir, "site = a,b\n", "1: key \"site\": bad site \"a,b\"");
	/* hostile XML: refused, nothing written */
	snprintf(o, sizeof(o), "%s/never.csv", dir);
	snprintf(x, sizeof(x), "%s", odmdata("xxe.xml"));
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", o, x, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:2: ", x);
	CU_ASSERT_EQUAL(strncmp(err, expect, strlen(expect)), 0);
	CU_ASSERT_PTR_NULL(cu_read_file(o, NULL));
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
}

/* import --map M [ARGS] of redcap-long.xml to files: code, stderr. */
static void
long_import(const char *dir, const char *map, const char *extra1,
    const char *extra2, int code, const char *want_err)
{
	char x[4096], l[4096], a[4096], *out = NULL, *err = NULL;
	char want[8192];

	snprintf(x, sizeof(x), "%s", odmdata("redcap-long.xml"));
	snprintf(l, sizeof(l), "%s/long.csv", dir);
	snprintf(a, sizeof(a), "%s/attrs.csv", dir);
	unlink(l);
	unlink(a);
	if (extra1 != NULL && extra2 != NULL)
		CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", map, extra1,
		    extra2, "-o", l, "-a", a, x, NULL), code)
	else if (extra1 != NULL)
		CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", map, extra1,
		    "-o", l, "-a", a, x, NULL), code)
	else
		CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", map, "-o", l,
		    "-a", a, x, NULL), code);
	/* "%X" in want_err: the ODM file, "%M": the map */
	snprintf(want, sizeof(want), "%s", want_err);
	for (char *p; (p = strstr(want, "%X")) != NULL ||
	    (p = strstr(want, "%M")) != NULL;) {
		char rest[8192];

		snprintf(rest, sizeof(rest), "%s", p + 2);
		snprintf(p, sizeof(want) - (size_t)(p - want), "%s%s",
		    p[1] == 'X' ? x : map, rest);
	}
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, want);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", err, want);
	if (code != 0) {
		CU_ASSERT_PTR_NULL(cu_read_file(l, NULL));
		CU_ASSERT_PTR_NULL(cu_read_file(a, NULL));
	}
	free(out);
	free(err);
}

/* The map with lines LN and LN2 replaced by text, text2 (NULL: dropped). */
static char *
long_map2(const char *dir, int ln, const char *text, int ln2,
    const char *text2)
{
	char *src = cu_read_file(odmdata("redcap-long.map"), NULL), *p, *q;
	char buf[8192];
	size_t n = 0;
	int k = 1;

	CU_ASSERT_FATAL(src != NULL);
	for (p = src; *p != '\0'; p = q, k++) {
		q = strchr(p, '\n');
		q = q != NULL ? q + 1 : p + strlen(p);
		if (k == ln2 && text2 != NULL)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n",
			    text2);
		else if (k == ln2)
			continue;
		else if (k != ln)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%.*s",
			    (int)(q - p), p);
		else if (text != NULL)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n",
			    text);
	}
	free(src);
	return cu_write_file(dir, "long.map", buf);
}

static char *
long_map(const char *dir, int ln, const char *text)
{
	return long_map2(dir, ln, text, 0, NULL);
}

#define LONG_FMT1 "--date-format=%d %b %Y %H:%M"
#define LONG_FMT2 "--date-format=%d %b %Y"
#define LONG_NOTES "ecpr-odm: %M:14: warning: item \"apache\" is in no " \
	"file\necpr-odm: set aside 4 item values that map to no case-record " \
	"field\n"

/*
 * A REDCap longitudinal file: event-named rules keep one field of two
 * visits apart, a date and a time item make one event, "01 JUN 2023" is
 * read with --date-format, CodeList decodes stand for codes, a rule for
 * an item in no file is a warning; conflicting values are errors naming
 * both ODM lines.
 */
static void
test_tool_import_map_longitudinal(void)
{
	char *dir = cu_tmpdir(), m[4096], *t, *mp, l[4096], a[4096];

	snprintf(m, sizeof(m), "%s", odmdata("redcap-long.map"));
	snprintf(l, sizeof(l), "%s/long.csv", dir);
	snprintf(a, sizeof(a), "%s/attrs.csv", dir);
	long_import(dir, m, LONG_FMT1, LONG_FMT2, 0, LONG_NOTES);
	t = cu_read_file(l, NULL);
	CU_ASSERT_STRING_EQUAL(t, "site,subject,episode,event,time,note\n"
	    "hz_main,201,1,ca_onset,2023-06-01T09:12,\n"
	    "hz_main,201,1,cpr_start,2023-06-01T09:15,\n"
	    "hz_main,201,1,icu_admit,2023-06-01T11:00,\n"
	    "hz_main,201,1,icu_discharge,2023-06-09T10:00,\n");
	free(t);
	/* rhythm 3 is "Asystole", gender 2 "Female" (code sex Female = F) */
	t = cu_read_file(a, NULL);
	CU_ASSERT_STRING_EQUAL(t, "site,subject,episode,age_years,sex,bmi,"
	    "primary_disease,ca_location,first_cpr_provider,initial_rhythm,"
	    "apache2,cannulation_method,mcc_device,ecmo_device,cpc_discharge,"
	    "pupillary_light_reflex,cerebral_haemorrhage,witnessed,"
	    "bystander_cpr\n"
	    "hz_main,201,1,,F,26,,,,asystole,,,,,,,,,\n");
	free(t);
	/* an event-named rule leaves the other visit's icu_dt alone */
	mp = long_map(dir, 7, NULL);
	long_import(dir, mp, LONG_FMT1, LONG_FMT2, 0,
	    "ecpr-odm: %M:13: warning: item \"apache\" is in no file\n"
	    "ecpr-odm: set aside 5 item values that map to no case-record "
	    "field\n");
	free(mp);
	/* one rule for icu_dt of both visits: two values, an error */
	mp = long_map2(dir, 6, "item icu_dt = icu_admit", 7, "# none");
	long_import(dir, mp, LONG_FMT1, LONG_FMT2, 65,
	    "ecpr-odm: %X:62: episode hz_main/201/1: field \"icu_admit\": "
	    "given twice with different values: 2023-06-01T11:00Z (line 49) "
	    "and 2023-06-09T10:00Z\n" LONG_NOTES);
	free(mp);
	/* a mapped item and the file's own "bmi" */
	mp = long_map(dir, 12, "item bmi_a = bmi");
	long_import(dir, mp, LONG_FMT1, LONG_FMT2, 65,
	    "ecpr-odm: %X:54: attribute \"bmi\": given twice: \"24\" "
	    "(line 52) and \"26\"\n" "ecpr-odm: %M:14: warning: item "
	    "\"apache\" is in no file\necpr-odm: set aside 3 item values "
	    "that map to no case-record field\n");
	free(mp);
	/* two items mapped to bmi */
	mp = long_map2(dir, 12, "item bmi_a = bmi", 13, "item bmi_b = bmi");
	long_import(dir, mp, LONG_FMT1, LONG_FMT2, 65,
	    "ecpr-odm: %X:53: attribute \"bmi\": given twice: \"24\" "
	    "(line 52) and \"25\"\n" "ecpr-odm: %M:14: warning: item "
	    "\"apache\" is in no file\necpr-odm: set aside 2 item values "
	    "that map to no case-record field\n");
	free(mp);
	/* without --date-format "01 JUN 2023" is no date */
	long_import(dir, m, NULL, NULL, 65, "ecpr-odm: %X:46: field "
	    "\"ca_onset\": \"01 JUN 2023T09:12\" is not an ISO 8601 date or "
	    "time (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])\n" LONG_NOTES);
	/* a time of day without its date item */
	mp = long_map(dir, 4, "item arrest_day + arrest_time = ca_onset");
	long_import(dir, mp, LONG_FMT1, LONG_FMT2, 65, "ecpr-odm: %X:47: "
	    "item \"arrest_time\": a time of day without its date (item "
	    "\"arrest_day\")\n"
	    "ecpr-odm: %M:4: warning: item \"arrest_day\" is in no file\n"
	    "ecpr-odm: %M:14: warning: item \"apache\" is in no file\n"
	    "ecpr-odm: set aside 5 item values that map to no case-record "
	    "field\n");
	free(mp);
	cu_rmtree(dir);
	free(dir);
}

/* Map and --date-format mistakes: usage (64) or map errors (65). */
static void
test_tool_import_map_rules_refused(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL;

	map_fails(dir, "item a + b = sex\n", "1: key \"item a + b\": a date "
	    "and a time make an event, not \"sex\"");
	map_fails(dir, "item /a = sex\n", "1: key \"item /a\": \"/a\" is not "
	    "ITEM or EVENT/ITEM");
	map_fails(dir, "item E/a = sex\nitem E/a = bmi\n", "2: key "
	    "\"item E/a\": given twice (also line 1)");
	CU_ASSERT_EQUAL(run(&out, &err, "import", "--date-format", "%d %b",
	    odmdata("redcap-long.xml"), NULL), 64);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ecpr-odm: --date-format: "
	    "\"%d %b\" reads no year (%Y)\n"));
	free(out);
	free(err);
	cu_rmtree(dir);
	free(dir);
}

/* Case-record CSV is checked as the registry import checks episodes. */
static void
test_tool_import_csv_checked(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *x, o[4096];
	char want[8192];

	x = cu_write_file(dir, "order.xml", "<?xml version=\"1.0\"?>\n"
	    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileOID=\"o\" "
	    "CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
	    "<ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n"
	    "<SubjectData SubjectKey=\"S1\"><StudyEventData "
	    "StudyEventOID=\"SE.EPISODE\" StudyEventRepeatKey=\"1\">"
	    "<FormData FormOID=\"F.EVENTS\"><ItemGroupData "
	    "ItemGroupOID=\"IG.EVENTS\">\n"
	    "<ItemData ItemOID=\"I.SITE\" Value=\"hz\"/>\n"
	    "<ItemData ItemOID=\"I.CA_ONSET\" Value=\"2023-06-01T10:00Z\"/>\n"
	    "<ItemData ItemOID=\"I.ROSC\" Value=\"2023-06-01T09:00Z\"/>\n"
	    "</ItemGroupData></FormData></StudyEventData></SubjectData>\n"
	    "</ClinicalData></ODM>\n");
	snprintf(o, sizeof(o), "%s/never.csv", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", o, x, NULL), 65);
	snprintf(want, sizeof(want), "ecpr-odm: %s:7: episode hz/S1/1: "
	    "field \"rosc\": 2023-06-01T09:00Z is before ca_onset "
	    "2023-06-01T10:00Z (line 6)\n", x);
	CU_ASSERT_STRING_EQUAL(err, want);
	CU_ASSERT_PTR_NULL(cu_read_file(o, NULL));
	free(out);
	free(err);
	free(x);
	cu_rmtree(dir);
	free(dir);
}

/* The writer's own time formatter gives ecpr_time_format's text. */
static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* <e a="s">s</e> as libxml2's xmlTextWriter writes it (the oracle). */
static char *
libxml2_escaped(const char *v)
{
	xmlBufferPtr b = xmlBufferCreate();
	xmlTextWriterPtr tw = xmlNewTextWriterMemory(b, 0);
	char *r;

	xmlTextWriterStartElement(tw, (const xmlChar *)"e");
	xmlTextWriterWriteAttribute(tw, (const xmlChar *)"a",
	    (const xmlChar *)v);
	xmlTextWriterWriteString(tw, (const xmlChar *)v);
	xmlTextWriterEndElement(tw);
	xmlFreeTextWriter(tw); /* flushes into b */
	r = strdup((const char *)xmlBufferContent(b));
	xmlBufferFree(b);
	return r;
}

/* The same through the export's own escaping. */
static char *
own_escaped(const char *v)
{
	struct ecpr__odm_out *o = calloc(1, sizeof(*o));
	char *r = NULL;
	size_t n = 0;

	o->fp = open_memstream(&r, &n);
	fputs("<e a=\"", o->fp);
	ecpr__odm_out_escaped(o, v, 1);
	ecpr__odm_out_flush(o);
	fputs("\">", o->fp);
	ecpr__odm_out_escaped(o, v, 0);
	ecpr__odm_out_flush(o);
	fputs("</e>", o->fp);
	CU_ASSERT_EQUAL(o->failed, 0);
	fclose(o->fp);
	free(o);
	return r;
}

static void
test_writer_escapes_as_libxml2(void)
{
	static const char *const fixed[] = { "", "plain 2022-03-04T10:20",
		"<&>\"'", "a\tb\nc\rd", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f"
		"\x98\x80", "\x80 lone continuation", "\xc3", "end \xc3",
		"\xef\xbf\xbe not a character", "\xed\xa0\x80 surrogate",
		"\xf8\x88\x80\x80\x80 five", "\xe2\x82", "\xf0\x9f\x98",
		"\x01\x1f\x7f controls", "&amp; already", ">35000" };
	static const char alphabet[] = "a<&>\"'\t\n\r \x01\x7f\x80\xbf"
	    "\xc3\xa9\xe2\x82\xac\xef\xbf\xbe\xf0\x9f\x98\x80\xf8\xed";
	uint64_t x = 88172645463325252ULL;
	char v[40], *a, *b;
	size_t i, j, bad = 0;

	xmlSetGenericErrorFunc(NULL, quiet); /* libxml2 warns on bad UTF-8 */
	for (i = 0; i < 20000; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0]))
			snprintf(v, sizeof(v), "%s", fixed[i]);
		else {
			for (j = 0; j < sizeof(v) - 1; j++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				v[j] = alphabet[x % (sizeof(alphabet) - 1)];
			}
			v[(x >> 20) % sizeof(v)] = '\0';
		}
		a = libxml2_escaped(v);
		b = own_escaped(v);
		if (strcmp(a, b) != 0 && bad++ < 5)
			fprintf(stderr, "libxml2 %s\nown     %s\n", a, b);
		free(a);
		free(b);
	}
	xmlSetGenericErrorFunc(NULL, NULL);
	CU_ASSERT_EQUAL(bad, 0);
	/* a few by hand */
	b = own_escaped("<\xc3\xa9\t\"\x80");
	CU_ASSERT_STRING_EQUAL(b, "<e a=\"&lt;&#xE9;&#9;&quot;\x80\">&lt;"
	    "\xc3\xa9\t&quot;\x80</e>");
	free(b);
}

static void
test_time_format_same(void)
{
	static const int32_t offsets[] = { 0, 3600, -3600, 19800, -34200,
		20700, 3601, -5 * 3600 - 59, 14 * 3600, -12 * 3600,
		99 * 3600 + 59 * 60 + 59, 100 * 3600 };
	static const int64_t fixed[] = { 0, -1, 86399, 86400, -86400,
		-62167219200LL, -62167219201LL, 253402300799LL,
		253402300800LL, 951782400LL, 4107542399LL, INT64_MAX / 2 - 1,
		-(INT64_MAX / 2) + 1, INT64_MAX - 200000, INT64_MIN + 200000 };
	char a[64], b[64];
	uint64_t x = 88172645463325252ULL;
	size_t i, j, bad = 0, n = 0;
	ecpr_time t;
	int p;

	for (i = 0; i < 20000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0]))
			t.t = fixed[i];
		else {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* -2^37 .. 2^37 s: years about -2400 to 6300 */
			t.t = (int64_t)(x % (1ULL << 38)) - (1LL << 37);
		}
		for (j = 0; j < sizeof(offsets) / sizeof(offsets[0]); j++)
			for (p = ECPR_PREC_NONE; p <= ECPR_PREC_SECOND; p++) {
				t.offset = offsets[j];
				t.prec = (ecpr_precision)p;
				t.end = t.t;
				ecpr_time_format(&t, a, sizeof(a));
				ecpr__odm_time_format(&t, b);
				n++;
				if (strcmp(a, b) != 0 && bad++ < 5)
					fprintf(stderr, "%lld %d %d: \"%s\" vs "
					    "\"%s\"\n", (long long)t.t,
					    (int)t.offset, p, a, b);
			}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > 1000000);
	/* two by hand */
	t.t = 1647212700; /* 2022-03-13T23:05Z */
	t.offset = 8 * 3600;
	t.prec = ECPR_PREC_MINUTE;
	ecpr__odm_time_format(&t, b);
	CU_ASSERT_STRING_EQUAL(b, "2022-03-14T07:05+08:00");
	t.offset = -(3 * 3600 + 30 * 60);
	t.prec = ECPR_PREC_SECOND;
	ecpr__odm_time_format(&t, b);
	CU_ASSERT_STRING_EQUAL(b, "2022-03-13T19:35:00-03:30");
}

/* ------------------------------------------------------------------ */
/* Checking ClinicalData against our study metadata                     */
/* ------------------------------------------------------------------ */

/* A small file that follows our metadata; the line numbers matter. */
static const char check_base[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                   /* 1 */
    "<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\" FileType=\"Snapshot\""
    " FileOID=\"t\" CreationDateTime=\"2024-01-01T00:00:00\""
    " ODMVersion=\"1.3.2\">\n"                                          /* 2 */
    " <ClinicalData StudyOID=\"ECPR\" MetaDataVersionOID=\"MDV.ECPR.1\">\n"
    "  <SubjectData SubjectKey=\"S1\">\n"                               /* 4 */
    "   <StudyEventData StudyEventOID=\"SE.EPISODE\""
    " StudyEventRepeatKey=\"1\">\n"                                     /* 5 */
    "    <FormData FormOID=\"F.ATTRIBUTES\">\n"                         /* 6 */
    "     <ItemGroupData ItemGroupOID=\"IG.ATTRIBUTES\">\n"             /* 7 */
    "      <ItemData ItemOID=\"I.SITE\" Value=\"ZJ\"/>\n"               /* 8 */
    "      <ItemData ItemOID=\"I.SEX\" Value=\"M\"/>\n"                 /* 9 */
    "      <ItemData ItemOID=\"I.AGE_YEARS\" Value=\"61\"/>\n"          /* 10 */
    "      <ItemData ItemOID=\"I.BMI\" Value=\"24.5\"/>\n"              /* 11 */
    "     </ItemGroupData>\n"                                           /* 12 */
    "    </FormData>\n"                                                 /* 13 */
    "    <FormData FormOID=\"F.EVENTS\">\n"                             /* 14 */
    "     <ItemGroupData ItemGroupOID=\"IG.EVENTS\">\n"                 /* 15 */
    "      <ItemData ItemOID=\"I.CA_ONSET\" Value=\"2023-03-04T10:00+08:00\"/>\n"
    "      <ItemData ItemOID=\"I.CPR_START\" Value=\"2023-03-04\"/>\n"  /* 17 */
    "     </ItemGroupData>\n"                                           /* 18 */
    "     <ItemGroupData ItemGroupOID=\"IG.SEG.MCC\""
    " ItemGroupRepeatKey=\"1\">\n"                                      /* 19 */
    "      <ItemData ItemOID=\"I.MCC_START\" Value=\"2023-03\"/>\n"     /* 20 */
    "     </ItemGroupData>\n"                                           /* 21 */
    "    </FormData>\n"                                                 /* 22 */
    "   </StudyEventData>\n"                                            /* 23 */
    "  </SubjectData>\n"                                                /* 24 */
    " </ClinicalData>\n"                                                /* 25 */
    "</ODM>\n";

/* check_base with the first occurrence of from replaced by to, in dir. */
static char *
check_variant(const char *dir, const char *name, const char *from,
    const char *to)
{
	char text[8192];
	const char *p = strstr(check_base, from);
	char *f;

	CU_ASSERT_FATAL(p != NULL);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(p - check_base),
	    check_base, to, p + strlen(from));
	f = cu_write_file(dir, name, text);
	CU_ASSERT_FATAL(f != NULL);
	return f;
}

/* Every problem of a check as "LINE: message\n". */
struct problems {
	char text[8192];
	size_t n;
};

static void
collect_problem(const ecpr_error *e, void *ctx)
{
	struct problems *p = ctx;
	size_t len = strlen(p->text);

	snprintf(p->text + len, sizeof(p->text) - len, "%lu: %s\n", e->line,
	    e->message);
	p->n++;
}

/* Check file; the problems as "LINE: message\n" lines. */
static int
check(const char *file, const ecpr_tz *tz, struct problems *p)
{
	ecpr_odm_check_opts opts = ECPR_ODM_CHECK_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	size_t n = 99;
	int rc;

	memset(p, 0, sizeof(*p));
	opts.tz = tz;
	opts.on_error = collect_problem;
	opts.ctx = p;
	rc = ecpr_odm_check(file, &opts, &n, &err);
	CU_ASSERT_EQUAL(n, p->n);
	if (rc == ECPR_ERULE) {
		/* err holds the first problem */
		CU_ASSERT_STRING_EQUAL(err.file, file);
		CU_ASSERT_PTR_NOT_NULL(strstr(p->text, err.message));
	}
	return rc;
}

static void
test_check_base_and_exports(void)
{
	struct problems p;
	char *dir = cu_tmpdir(), *f, *id, *deid;

	f = cu_write_file(dir, "base.xml", check_base);
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	/* the official schema accepts it too */
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, NULL, NULL, NULL),
	    ECPR_OK);
	free(f);
	/* our own exports, identified and de-identified ("90+") */
	id = export_file(dir, 1);
	deid = export_file(dir, 0);
	CU_ASSERT_EQUAL(check(id, NULL, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	CU_ASSERT_EQUAL(check(deid, NULL, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	f = cu_read_file(deid, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(f, "Value=\"90+\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(f, "ItemGroupRepeatKey=\"1\""));
	free(f);
	free(id);
	free(deid);
	cu_rmtree(dir);
	free(dir);
}

/* One variant of check_base: exactly the problem expected. */
static void
one_variant(const char *dir, const char *from, const char *to,
    const char *expect)
{
	struct problems p;
	char *f = check_variant(dir, "v.xml", from, to);

	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, expect);
	if (strcmp(p.text, expect) != 0)
		fprintf(stderr, "\ngot:    %sexpect: %s", p.text, expect);
	free(f);
}

static void
test_check_variants(void)
{
	char *dir = cu_tmpdir();

	one_variant(dir, "I.SEX\"", "I.GENDER\"",
	    "9: ItemData \"I.GENDER\": ItemOID not defined in MetaDataVersion "
	    "MDV.ECPR.1\n");
	one_variant(dir, "StudyOID=\"ECPR\"", "StudyOID=\"OTHER\"",
	    "3: ClinicalData: StudyOID \"OTHER\" is not our study \"ECPR\"; "
	    "its data are not checked\n");
	one_variant(dir, "MetaDataVersionOID=\"MDV.ECPR.1\"",
	    "MetaDataVersionOID=\"MDV.2\"",
	    "3: ClinicalData: MetaDataVersionOID \"MDV.2\" is not ours "
	    "(\"MDV.ECPR.1\"); its data are not checked\n");
	one_variant(dir, "Value=\"M\"", "Value=\"X\"",
	    "9: ItemData \"I.SEX\": value \"X\" is not in code list CL.SEX\n");
	/* codes are exact: "m" is not "M" */
	one_variant(dir, "Value=\"M\"", "Value=\"m\"",
	    "9: ItemData \"I.SEX\": value \"m\" is not in code list CL.SEX\n");
	one_variant(dir, "Value=\"2023-03-04\"", "Value=\"04/03/2023\"",
	    "17: ItemData \"I.CPR_START\": value \"04/03/2023\" is not an ISO "
	    "8601 date or time (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])\n");
	one_variant(dir, "Value=\"2023-03-04\"", "Value=\"2023-02-30\"",
	    "17: ItemData \"I.CPR_START\": value \"2023-02-30\" is not a valid "
	    "date (2023-02 has 28 days)\n");
	one_variant(dir, "Value=\"61\"", "Value=\"abc\"",
	    "10: ItemData \"I.AGE_YEARS\": value \"abc\" is not an integer\n");
	one_variant(dir, "Value=\"61\"", "Value=\"200\"",
	    "10: ItemData \"I.AGE_YEARS\": value \"200\" is out of range "
	    "(0-150)\n");
	one_variant(dir, "Value=\"24.5\"", "Value=\"24,5\"",
	    "11: ItemData \"I.BMI\": value \"24,5\" is not a float\n");
	one_variant(dir, "\"IG.ATTRIBUTES\">", "\"IG.ATTRIBUTES\" "
	    "ItemGroupRepeatKey=\"1\">",
	    "7: ItemGroupData \"IG.ATTRIBUTES\" repeat \"1\": ItemGroupRepeatKey "
	    "\"1\" given, but ItemGroupDef IG.ATTRIBUTES does not repeat\n");
	one_variant(dir, " ItemGroupRepeatKey=\"1\"", "",
	    "19: ItemGroupData \"IG.SEG.MCC\": no ItemGroupRepeatKey, but "
	    "ItemGroupDef IG.SEG.MCC repeats\n");
	one_variant(dir, " StudyEventRepeatKey=\"1\"", "",
	    "5: StudyEventData \"SE.EPISODE\": no StudyEventRepeatKey, but "
	    "StudyEventDef SE.EPISODE repeats\n");
	one_variant(dir, "\"F.EVENTS\">", "\"F.EVENTS\" FormRepeatKey=\"2\">",
	    "14: FormData \"F.EVENTS\" repeat \"2\": FormRepeatKey \"2\" given, "
	    "but FormDef F.EVENTS does not repeat\n");
	/* mandatory I.SITE left out (a comment keeps the lines) */
	one_variant(dir, "<ItemData ItemOID=\"I.SITE\" Value=\"ZJ\"/>",
	    "<!-- no site -->",
	    "7: ItemGroupData \"IG.ATTRIBUTES\": mandatory ItemData \"I.SITE\" "
	    "missing\n");
	/* an event without its mandatory attributes form */
	one_variant(dir, "F.ATTRIBUTES\">", "F.EVENTS\">",
	    "7: ItemGroupData \"IG.ATTRIBUTES\": not part of FormDef "
	    "F.EVENTS\n"
	    "14: FormData \"F.EVENTS\": given twice in this StudyEventData "
	    "(first at line 6)\n"
	    "5: StudyEventData \"SE.EPISODE\" repeat \"1\": mandatory FormData "
	    "\"F.ATTRIBUTES\" missing\n");
	one_variant(dir, "I.AGE_YEARS\" Value=\"61\"", "I.SEX\" Value=\"F\"",
	    "10: ItemData \"I.SEX\": given twice in this ItemGroupData (first "
	    "at line 9)\n");
	one_variant(dir, "I.CPR_START\"", "I.SEX\"",
	    "17: ItemData \"I.SEX\": not part of ItemGroupDef IG.EVENTS\n");
	one_variant(dir, "I.MCC_START\"", "I.PCI\"",
	    "20: ItemData \"I.PCI\": not part of ItemGroupDef IG.SEG.MCC\n");
	one_variant(dir, "IG.SEG.MCC", "IG.SEG.ECMO",
	    "19: ItemGroupData \"IG.SEG.ECMO\": ItemGroupOID not defined in "
	    "MetaDataVersion MDV.ECPR.1\n");
	one_variant(dir, "<ItemData ItemOID=\"I.SITE\" Value=\"ZJ\"/>",
	    "<ItemData ItemOID=\"I.SITE\"/>",
	    "8: ItemData \"I.SITE\": no Value\n");
	cu_rmtree(dir);
	free(dir);
}

/* Replace the first from in text (size bytes) with to. */
static void
replace_in(char *text, size_t size, const char *from, const char *to)
{
	char *p = strstr(text, from), *rest;

	CU_ASSERT_FATAL(p != NULL);
	rest = strdup(p + strlen(from));
	CU_ASSERT_FATAL(rest != NULL);
	snprintf(p, size - (size_t)(p - text), "%s%s", to, rest);
	free(rest);
}

static void
test_check_more(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	struct problems p;
	char *dir = cu_tmpdir(), *f, text[8192];
	ecpr_tz *tz = NULL;

	/* every problem is reported, in document order; err: the first */
	snprintf(text, sizeof(text), "%s", check_base);
	replace_in(text, sizeof(text), "Value=\"M\"", "Value=\"X\"");
	replace_in(text, sizeof(text), "Value=\"61\"", "Value=\"abc\"");
	replace_in(text, sizeof(text), "Value=\"2023-03-04\"",
	    "Value=\"2023-02-30\"");
	replace_in(text, sizeof(text), "I.MCC_START", "I.NOPE");
	f = cu_write_file(dir, "many.xml", text);
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text,
	    "9: ItemData \"I.SEX\": value \"X\" is not in code list CL.SEX\n"
	    "10: ItemData \"I.AGE_YEARS\": value \"abc\" is not an integer\n"
	    "17: ItemData \"I.CPR_START\": value \"2023-02-30\" is not a valid "
	    "date (2023-02 has 28 days)\n"
	    "20: ItemData \"I.NOPE\": ItemOID not defined in MetaDataVersion "
	    "MDV.ECPR.1\n");
	CU_ASSERT_EQUAL(p.n, 4);
	CU_ASSERT_EQUAL(ecpr_odm_check(f, NULL, NULL, &err), ECPR_ERULE);
	CU_ASSERT_EQUAL(err.line, 9);
	CU_ASSERT_STRING_EQUAL(err.message, "ItemData \"I.SEX\": value \"X\" "
	    "is not in code list CL.SEX");
	free(f);

	/* a time of day without an offset: local time in opts->tz only */
	f = check_variant(dir, "local.xml", "2023-03-04T10:00+08:00",
	    "2023-03-04T10:00");
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, "16: ItemData \"I.CA_ONSET\": value "
	    "\"2023-03-04T10:00\" has no UTC offset and no time zone is known "
	    "(give a time zone or write the offset)\n");
	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, "Asia/Shanghai", &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(check(f, tz, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	free(f);
	/* ... and one that does not exist there (Berlin, spring forward) */
	ecpr_tz_free(tz);
	CU_ASSERT_EQUAL_FATAL(ecpr_tz_load(&tz, "Europe/Berlin", &err),
	    ECPR_OK);
	f = check_variant(dir, "gap.xml", "2023-03-04T10:00+08:00",
	    "2023-03-26T02:30");
	CU_ASSERT_EQUAL(check(f, tz, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, "16: ItemData \"I.CA_ONSET\": value "
	    "\"2023-03-26T02:30\" does not exist in Europe/Berlin (the clocks "
	    "jump from 02:00 to 03:00 on 2023-03-26)\n");
	CU_ASSERT_EQUAL(p.n, 1);
	free(f);
	ecpr_tz_free(tz);

	/* "90+" is the de-identified age; typed ItemData; IsNull */
	snprintf(text, sizeof(text), "%s", check_base);
	replace_in(text, sizeof(text), "Value=\"61\"", "Value=\"90+\"");
	replace_in(text, sizeof(text),
	    "<ItemData ItemOID=\"I.BMI\" Value=\"24.5\"/>",
	    "<ItemDataFloat ItemOID=\"I.BMI\">24.5</ItemDataFloat>");
	replace_in(text, sizeof(text), "I.SEX\" Value=\"M\"",
	    "I.SEX\" IsNull=\"Yes\"");
	f = cu_write_file(dir, "typed.xml", text);
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	free(f);
	f = check_variant(dir, "typed2.xml",
	    "<ItemData ItemOID=\"I.BMI\" Value=\"24.5\"/>",
	    "<ItemDataFloat ItemOID=\"I.BMI\">tall</ItemDataFloat>");
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text,
	    "11: ItemData \"I.BMI\": value \"tall\" is not a float\n");
	free(f);

	/* a change (TransactionType Update) need not repeat what is there */
	f = check_variant(dir, "update.xml",
	    "<SubjectData SubjectKey=\"S1\">",
	    "<SubjectData SubjectKey=\"S1\" TransactionType=\"Update\">"
	    "<!-- --></SubjectData><SubjectData SubjectKey=\"S2\" "
	    "TransactionType=\"Update\">");
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_OK);
	CU_ASSERT_STRING_EQUAL(p.text, "");
	free(f);
	/* ... but a snapshot subject needs its episode */
	f = check_variant(dir, "nosubj.xml",
	    "<SubjectData SubjectKey=\"S1\">",
	    "<SubjectData SubjectKey=\"S0\"/><SubjectData SubjectKey=\"S1\">");
	CU_ASSERT_EQUAL(check(f, NULL, &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, "4: SubjectData \"S0\": mandatory "
	    "StudyEventData \"SE.EPISODE\" missing\n");
	free(f);

	/* nothing for our study at all */
	CU_ASSERT_EQUAL(check(sample("openedc_example_metadata.xml"), NULL,
	    &p), ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, "0: no ClinicalData: nothing to check "
	    "against study \"ECPR\"\n");
	/* REDCap's export: another study, reported once, not a crash */
	CU_ASSERT_EQUAL(check(sample("redcapr_simple_project.xml"), NULL, &p),
	    ECPR_ERULE);
	CU_ASSERT_STRING_EQUAL(p.text, "267: ClinicalData: StudyOID "
	    "\"Project.REDCapRSimple\" is not our study \"ECPR\"; its data are "
	    "not checked\n");
	/* hostile and missing files: the reader's errors */
	CU_ASSERT_EQUAL(check(odmdata("xxe.xml"), NULL, &p), ECPR_EPARSE);
	CU_ASSERT_EQUAL(p.n, 0);
	CU_ASSERT_EQUAL(check(odmdata("billion_laughs.xml"), NULL, &p),
	    ECPR_EPARSE);
	CU_ASSERT_EQUAL(ecpr_odm_check("/nonexistent/x.xml", NULL, NULL, &err),
	    ECPR_EIO);
	cu_rmtree(dir);
	free(dir);
}

/* ecpr-odm validate: both checks on the tool's own exports and variants. */
static void
test_tool_validate_metadata(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *f;
	char *keyf = cu_write_file(dir, "site.key",
	    "0123456789abcdef-site-key\n");
	char id[2048], deid[2048], lng[4096], wide[4096], expect[8448];

	snprintf(lng, sizeof(lng), "%s", odmdata("cases-long.csv"));
	snprintf(wide, sizeof(wide), "%s", odmdata("cases-wide.csv"));
	snprintf(deid, sizeof(deid), "%s/deid.xml", dir);
	snprintf(id, sizeof(id), "%s/id.xml", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, wide, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", id,
	    lng, wide, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "validate", id, deid, NULL), 0);
	snprintf(expect, sizeof(expect), "%s: valid\n%s: valid\n", id, deid);
	CU_ASSERT_STRING_EQUAL(out, expect);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	/* a bad code: exit 65, FILE:LINE: message; --schema-only passes */
	f = check_variant(dir, "bad.xml", "Value=\"M\"", "Value=\"X\"");
	CU_ASSERT_EQUAL(run(&out, &err, "validate", f, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:9: ItemData \"I.SEX\": "
	    "value \"X\" is not in code list CL.SEX\n", f);
	CU_ASSERT_STRING_EQUAL(err, expect);
	snprintf(expect, sizeof(expect), "%s: invalid (0 schema errors, 1 "
	    "metadata error)\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--schema-only", f, NULL),
	    0);
	snprintf(expect, sizeof(expect), "%s: valid\n", f);
	CU_ASSERT_STRING_EQUAL(out, expect);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	free(f);
	/* local times: --tz (or $ECPR_TZ) gives their zone */
	f = check_variant(dir, "local.xml", "2023-03-04T10:00+08:00",
	    "2023-03-04T10:00");
	unsetenv("ECPR_TZ");
	CU_ASSERT_EQUAL(run(&out, &err, "validate", f, NULL), 65);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--tz", "Asia/Shanghai",
	    f, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	free(f);
	/* REDCap: schema errors even with --lax, and not our study */
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--lax",
	    sample("redcapr_simple_project.xml"), NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:267: ClinicalData: "
	    "StudyOID \"Project.REDCapRSimple\" is not our study \"ECPR\"; its "
	    "data are not checked\n", sample("redcapr_simple_project.xml"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, expect));
	snprintf(expect, sizeof(expect), "%s: invalid (13 schema errors, 1 "
	    "metadata error)\n", sample("redcapr_simple_project.xml"));
	CU_ASSERT_STRING_EQUAL(out, expect);
	free(out);
	free(err);
	free(keyf);
	cu_rmtree(dir);
	free(dir);
}

/*
 * export -o: a new identified export is 0600, a new de-identified one
 * 0666 less the umask; a file replaced keeps its mode (before: 0644
 * whatever it was); a site key readable by others draws a warning.
 */
static void
test_tool_export_modes(void)
{
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL;
	char *keyf = cu_write_file(dir, "site.key",
	    "0123456789abcdef-site-key\n");
	char id[4096], deid[4096], lng[4096], expect[4400];
	struct stat st;
	mode_t um = umask(022);

	snprintf(lng, sizeof(lng), "%s", odmdata("cases-long.csv"));
	snprintf(id, sizeof(id), "%s/id.xml", dir);
	snprintf(deid, sizeof(deid), "%s/deid.xml", dir);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", id,
	    lng, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(stat(id, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	/* replaced: the mode it has is kept, also a wider one */
	CU_ASSERT_EQUAL(chmod(id, 0640), 0);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", id,
	    lng, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(stat(id, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0640);
	/* de-identified: a new file as the umask says; a 0600 file stays */
	CU_ASSERT_EQUAL(chmod(keyf, 0600), 0);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	CU_ASSERT_EQUAL(stat(deid, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(chmod(deid, 0600), 0);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(stat(deid, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	/* a key others can read: a warning, the export still made */
	CU_ASSERT_EQUAL(chmod(keyf, 0644), 0);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, NULL), 0);
	snprintf(expect, sizeof(expect), "ecpr-odm: warning: --key-file %s: "
	    "the site key is readable by others (mode 0644): chmod 600 it\n",
	    keyf);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(chmod(keyf, 0640), 0);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", keyf, "-o",
	    deid, lng, NULL), 0);
	snprintf(expect, sizeof(expect), "ecpr-odm: warning: --key-file %s: "
	    "the site key is readable by its group (mode 0640): chmod 600 "
	    "it\n", keyf);
	CU_ASSERT_STRING_EQUAL(err, expect);
	free(out);
	free(err);
	/* nothing else is left in the directory (no temporary file) */
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--key-file", "/nonexistent",
	    "-o", deid, lng, NULL), 66);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(stat(deid, &st), 0);
	umask(um);
	free(keyf);
	cu_rmtree(dir);
	free(dir);
}

/*
 * De-identification is an allow-list: a sentinel in every text column of
 * the contract (each attribute that takes free text, the subject and the
 * note) never leaves a de-identified export; coded and numeric values do.
 * Before: mcc_device and ecmo_device went out as typed.
 */
static size_t count_in(const char *text, const char *from,
    const char *until, const char *needle);

static void
test_tool_export_deid_allowlist(void)
{
	static const char *const fill[] = { "age_years", "61", "sex", "F",
		"bmi", "22.5", "ca_location", "street", "first_cpr_provider",
		"ems", "initial_rhythm", "vf", "apache2", "17",
		"cannulation_method", "hybrid", "cpc_discharge", "3",
		"pupillary_light_reflex", "yes", "cerebral_haemorrhage",
		"unknown", "witnessed", "no", "bystander_cpr", "yes", NULL };
	ecpr_error e = ECPR_ERROR_INIT;
	char *dir = cu_tmpdir(), *out = NULL, *err = NULL, *wide, *lng;
	char hdr[1024] = "site,subject,episode", row[2048] =
	    "ZJ,SENTINEL-subject,1", buf[256], cell[128];
	size_t i, k, ntext = 0;

	for (i = 0; i < ECPR_AT_COUNT; i++) {
		const char *name = ecpr_attr_name((ecpr_attr_id)i);

		snprintf(cell, sizeof(cell), "SENTINEL-%s", name);
		if (ecpr_attr_normalize((ecpr_attr_id)i, cell, buf,
		    sizeof(buf), &e) == ECPR_OK) {
			ntext++; /* free text: the sentinel */
		} else {
			for (k = 0; fill[k] != NULL; k += 2)
				if (strcmp(fill[k], name) == 0)
					snprintf(cell, sizeof(cell), "%s",
					    fill[k + 1]);
			/* every other attribute has a valid value */
			CU_ASSERT_PTR_NULL(strstr(cell, "SENTINEL"));
		}
		strcat(hdr, ",");
		strcat(hdr, name);
		strcat(row, ",");
		strcat(row, cell);
	}
	/* primary_disease, mcc_device, ecmo_device */
	CU_ASSERT_EQUAL(ntext, 3);
	strcat(hdr, "\n");
	strcat(row, "\n");
	strcat(hdr, row);
	wide = cu_write_file(dir, "wide.csv", hdr);
	lng = cu_write_file(dir, "long.csv", "site,subject,episode,event,time,"
	    "note\nZJ,SENTINEL-subject,1,ca_onset,2022-03-14T07:05+08:00,"
	    "SENTINEL-note\n");
	setenv("ECPR_ODM_KEY", "0123456789abcdef-site-key", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", wide, lng, NULL), 0);
	unsetenv("ECPR_ODM_KEY");
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_PTR_NULL(strstr(out, "SENTINEL"));
	/* no ItemDef of a dropped item either */
	CU_ASSERT_PTR_NULL(strstr(out, "mcc_device"));
	CU_ASSERT_PTR_NULL(strstr(out, "ecmo_device"));
	CU_ASSERT_PTR_NULL(strstr(out, "primary_disease"));
	/* coded, numeric and date items leave */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ItemData ItemOID=\"I.SITE\" "
	    "Value=\"ZJ\"/>"));
	for (k = 0; fill[k] != NULL; k += 2) {
		snprintf(buf, sizeof(buf), "Value=\"%s\"", fill[k + 1]);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, buf));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ItemOID=\"I.CA_ONSET\""));
	/* the findings (issue 11): coded, so they leave as written, with
	 * an ItemDef and a CodeList of yes, no, unknown each */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ItemData ItemOID=\"I.WITNESSED\" "
	    "Value=\"no\"/>\n      <ItemData ItemOID=\"I.BYSTANDER_CPR\" "
	    "Value=\"yes\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ItemData "
	    "ItemOID=\"I.CEREBRAL_HAEMORRHAGE\" Value=\"unknown\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ItemDef "
	    "OID=\"I.PUPILLARY_LIGHT_REFLEX\" Name=\"pupillary_light_reflex\" "
	    "DataType=\"text\">\n    <CodeListRef "
	    "CodeListOID=\"CL.PUPILLARY_LIGHT_REFLEX\"/>"));
	for (k = 0; k < 4; k++) {
		static const char *const cl[] = { "PUPILLARY_LIGHT_REFLEX",
			"CEREBRAL_HAEMORRHAGE", "WITNESSED", "BYSTANDER_CPR" };

		snprintf(buf, sizeof(buf), "<CodeList OID=\"CL.%s\"", cl[k]);
		CU_ASSERT_EQUAL(count_in(out, buf, "</CodeList>",
		    "<CodeListItem "), 3);
		CU_ASSERT_EQUAL(count_in(out, buf, "</CodeList>",
		    "<CodeListItem CodedValue=\"unknown\">"), 1);
	}
	free(out);
	free(err);
	/* identified, the same values do leave: the test can see them */
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", wide, lng,
	    NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Value=\"SENTINEL-mcc_device\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Value=\"SENTINEL-ecmo_device\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
	    "Value=\"SENTINEL-primary_disease\""));
	free(out);
	free(err);
	free(wide);
	free(lng);
	cu_rmtree(dir);
	free(dir);
}

/* An option given to a command it does not belong to: 64, nothing run. */
static void
test_tool_options_per_command(void)
{
	static const struct {
		const char *args[4];
		const char *msg;
	} cases[] = {
		{ { "dump", "-o", "x.csv", NULL }, "ecpr-odm: dump: option -o "
		    "(--output) does not apply (it is an option of export, "
		    "import)\n" },
		{ { "dump", "--map", "m.map", NULL }, "ecpr-odm: dump: option "
		    "--map does not apply (it is an option of import)\n" },
		{ { "validate", "--identified", NULL, NULL }, "ecpr-odm: "
		    "validate: option --identified does not apply (it is an "
		    "option of export)\n" },
		{ { "--lax", "export", NULL, NULL }, "ecpr-odm: export: option "
		    "--lax does not apply (it is an option of validate)\n" },
		{ { "import", "--site", "ZJ", NULL }, "ecpr-odm: import: option "
		    "--site does not apply (it is an option of export)\n" },
		{ { "validate", "-a", "a.csv", NULL }, "ecpr-odm: validate: "
		    "option -a (--attributes) does not apply (it is an option "
		    "of import)\n" },
		{ { "export", "-n", NULL, NULL }, "ecpr-odm: export: option -n "
		    "(--dry-run) does not apply (it is an option of import)\n" },
	};
	char f[4096], *out = NULL, *err = NULL;
	size_t i;

	snprintf(f, sizeof(f), "%s", odmdata("multi.xml"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;

		CU_ASSERT_EQUAL(run(&out, &err, a[0], a[1] != NULL ? a[1] : f,
		    a[1] != NULL ? (a[2] != NULL ? a[2] : f) : NULL,
		    a[1] != NULL && a[2] != NULL ? f : NULL, NULL), 64);
		CU_ASSERT_STRING_EQUAL(out, "");
		CU_ASSERT_NSTRING_EQUAL(err, cases[i].msg,
		    strlen(cases[i].msg));
		free(out);
		free(err);
	}
	/* the options of the command still go */
	CU_ASSERT_EQUAL(run(&out, &err, "validate", "--schema-only", "--lax",
	    f, NULL), 65);
	CU_ASSERT_PTR_NULL(strstr(err, "does not apply"));
	free(out);
	free(err);
}

/* ------------------------------------------------------------------ */
/* Observations and complications (issue 10): the study metadata      */
/* (units, repeating groups, code lists), the export, the reader, the   */
/* check and ecpr-odm import (long case-record forms, errors)           */
/* ------------------------------------------------------------------ */

static char *obs_dir;

static int
obs_init(void)
{
	obs_dir = cu_tmpdir();
	return setup_schema();
}

static int
obs_clean(void)
{
	cu_rmtree(obs_dir);
	free(obs_dir);
	return teardown_schema();
}

/* Append to the text in buf (cap bytes). */
static void ECPR__PRINTF(3, 4)
buf_add(char *buf, size_t cap, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, cap - n, fmt, ap);
	va_end(ap);
}

/* Assert a == b, showing a when not. */
#define EXPECT_STR(a, b) do { \
	if ((a) == NULL || strcmp((a), (b)) != 0) \
		fprintf(stderr, "%s:%d: got [%s]\n", __FILE__, __LINE__, \
		    (a) != NULL ? (a) : "(null)"); \
	CU_ASSERT_STRING_EQUAL((a) != NULL ? (a) : "", (b)); \
} while (0)

/* How often needle occurs in text. */
static size_t
count(const char *text, const char *needle)
{
	size_t n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text += strlen(needle);
	}
	return n;
}

/* How often needle occurs between from and the next until. */
static size_t
count_in(const char *text, const char *from, const char *until,
    const char *needle)
{
	const char *a = strstr(text, from), *b;
	size_t n = 0;

	if (a == NULL || (b = strstr(a, until)) == NULL)
		return (size_t)-1;
	while ((a = strstr(a, needle)) != NULL && a < b) {
		n++;
		a += strlen(needle);
	}
	return n;
}

/* The distinct UCUM codes of the vocabulary's units, counted. */
static size_t
distinct_units(void)
{
	const char *seen[64];
	size_t t, j, k, n = 0;

	for (t = 0; t < ECPR_OBS_COUNT; t++)
		for (j = 0; j < ECPR__OBS_UNITS_MAX &&
		    ecpr__obs[t].units[j].ucum != NULL; j++) {
			for (k = 0; k < n; k++)
				if (strcmp(seen[k], ecpr__obs[t].units[j].ucum) ==
				    0)
					break;
			if (k == n && n < 64)
				seen[n++] = ecpr__obs[t].units[j].ucum;
		}
	return n;
}

/* An episode with observations (censored ones too) and complications. */
static ecpr_episode *
obs_episode(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;

	CU_ASSERT_FATAL(ecpr_episode_new(&ep, "ZJ", "case-07", 1, &err) ==
	    ECPR_OK);
	CU_ASSERT(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2021-07-27T08:30+08:00", NULL, NULL, NULL, 0, &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_event(ep, ECPR_EV_ECMO_FLOW_START,
	    "2021-07-27T09:45+08:00", NULL, NULL, NULL, 0, &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_LACTATE,
	    "ecmo_flow_start+PT1H", "15.0", "mmol/L", NULL, NULL, 0, &err) ==
	    ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_LACTATE,
	    "2021-07-28T06:00+08:00", "> 15.0", "mmol/L", NULL, NULL, 0,
	    &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_NT_PROBNP,
	    "2021-07-28T06:00+08:00", ">35000", "pg/mL", NULL, NULL, 0,
	    &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_PLATELETS,
	    "2021-07-29T06:00+08:00", "48", "10^9/L", NULL, NULL, 0, &err) ==
	    ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_CREATININE,
	    "2021-07-29T06:00+08:00", "1.52", "mg/dL", NULL, NULL, 0, &err) ==
	    ECPR_OK);
	CU_ASSERT(ecpr_episode_add_complication(ep,
	    ecpr_complication_lookup("pulmonary_contusion"), ECPR_BY_MCC,
	    "2021-07-27T10:00+08:00", "rib fractures, seen by Dr Chen", NULL,
	    NULL, 0, &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_complication(ep,
	    ecpr_complication_lookup("pulmonary_infection"), ECPR_BY_ECPR,
	    NULL, NULL, NULL, NULL, 0, &err) == ECPR_OK);
	if (ecpr_episode_finish(ep, NULL, NULL, &err) != ECPR_OK)
		fprintf(stderr, "finish: %s\n", err.message);
	CU_ASSERT_EQUAL(err.code, ECPR_OK);
	return ep;
}

static char *
obs_export(int identified)
{
	ecpr_episode *ep = obs_episode();

	return export_episodes(obs_dir, identified ? "obs-id.xml" :
	    "obs-deid.xml", identified, &ep, 1);
}

/*
 * The metadata: one MeasurementUnit per UCUM code the vocabulary accepts
 * (named by the code), all of them referenced by the value's ItemDef,
 * repeating groups for observations and complications, code lists from
 * the core's tables; the file is valid against ODM 1.3.2 and our check.
 */
static void
test_obs_export_metadata(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *f = obs_export(1), *t = cu_read_file(f, NULL);
	size_t nu = distinct_units(), i, n;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, f, NULL, NULL, &err),
	    ECPR_OK);
	if (err.code != ECPR_OK)
		fprintf(stderr, "%s:%lu: %s\n", err.file, err.line,
		    err.message);
	CU_ASSERT_EQUAL(ecpr_odm_check(f, NULL, &n, &err), ECPR_OK);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT(nu >= 12);
	/* each unit once, named by its UCUM code, besides years and kg/m2 */
	CU_ASSERT_EQUAL(count(t, "<MeasurementUnit OID=\"MU."), nu + 2);
	CU_ASSERT_EQUAL(count(t, "<MeasurementUnit OID=\"MU.umol/L\" "
	    "Name=\"umol/L\">\n    <Symbol>\n     <TranslatedText "
	    "xml:lang=\"en\">umol/L</TranslatedText>"), 1);
	CU_ASSERT_EQUAL(count(t, "<MeasurementUnit OID=\"MU.10*9/L\" "
	    "Name=\"10*9/L\">"), 1);
	CU_ASSERT_EQUAL(count(t, "<MeasurementUnit OID=\"MU.mm[Hg]\" "
	    "Name=\"mm[Hg]\">"), 1);
	CU_ASSERT_EQUAL(count(t, "<MeasurementUnit OID=\"MU.mmol/L\""), 1);
	CU_ASSERT_EQUAL(count_in(t, "<ItemDef OID=\"I.OBSERVATION_VALUE\" "
	    "Name=\"observation_value\" DataType=\"text\">", "</ItemDef>",
	    "<MeasurementUnitRef MeasurementUnitOID=\"MU."), nu);
	/* repeating groups, Mandatory as the contract says */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<FormRef FormOID=\"F.OBSERVATIONS\" "
	    "Mandatory=\"No\"/>\n    <FormRef FormOID=\"F.COMPLICATIONS\" "
	    "Mandatory=\"No\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<ItemGroupDef OID=\"IG.OBSERVATION\" "
	    "Name=\"observation\" Repeating=\"Yes\">\n"
	    "    <ItemRef ItemOID=\"I.OBSERVATION\" Mandatory=\"Yes\"/>\n"
	    "    <ItemRef ItemOID=\"I.OBSERVATION_TIME\" Mandatory=\"Yes\"/>\n"
	    "    <ItemRef ItemOID=\"I.OBSERVATION_VALUE\" Mandatory=\"Yes\"/>\n"
	    "   </ItemGroupDef>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<ItemGroupDef "
	    "OID=\"IG.COMPLICATION\" Name=\"complication\" Repeating=\"Yes\">\n"
	    "    <ItemRef ItemOID=\"I.COMPLICATION\" Mandatory=\"Yes\"/>\n"
	    "    <ItemRef ItemOID=\"I.COMPLICATION_TIME\" Mandatory=\"No\"/>\n"
	    "    <ItemRef ItemOID=\"I.ATTRIBUTION\" Mandatory=\"Yes\"/>\n"
	    "    <ItemRef ItemOID=\"I.COMPLICATION_NOTE\" Mandatory=\"No\"/>\n"
	    "   </ItemGroupDef>"));
	/* code lists: the core's tables, every entry once */
	CU_ASSERT_EQUAL(count_in(t, "<CodeList OID=\"CL.OBSERVATION\"",
	    "</CodeList>", "<CodeListItem "), ecpr_obs_count());
	CU_ASSERT_EQUAL(count_in(t, "<CodeList OID=\"CL.COMPLICATION\"",
	    "</CodeList>", "<CodeListItem "), ecpr_complication_count());
	CU_ASSERT_EQUAL(count_in(t, "<CodeList OID=\"CL.ATTRIBUTION\"",
	    "</CodeList>", "<CodeListItem "), 3);
	for (i = 0; i < ecpr_obs_count(); i++) {
		char needle[96];

		snprintf(needle, sizeof(needle), "<CodeListItem "
		    "CodedValue=\"%s\">", ecpr_obs_name((ecpr_obs_type)i));
		CU_ASSERT_EQUAL(count_in(t, "<CodeList OID=\"CL.OBSERVATION\"",
		    "</CodeList>", needle), 1);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<CodeListItem "
	    "CodedValue=\"pulmonary_contusion\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "<CodeListItem CodedValue=\"mcc\">"));
	/* the definitions' name stays */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Description=\"ECPR definitions "
	    ECPR_DEFS_VERSION "\""));
	free(t);
	free(f);
}

/*
 * The data: one repeat per observation and complication, values as their
 * contract text (censored ones kept, "15.0" not "15"), units as written
 * (UCUM code); de-identified: values, units, codes and shifted times
 * leave, the note never does.
 */
static void
test_obs_export_data(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char *id = obs_export(1), *deid = obs_export(0);
	char *t = cu_read_file(id, NULL), *d = cu_read_file(deid, NULL);

	CU_ASSERT_FATAL(t != NULL && d != NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(t,
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"1\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION\" Value=\"lactate\"/>\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_TIME\" "
	    "Value=\"2021-07-27T10:45+08:00\"/>\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"15.0\">\n"
	    "       <MeasurementUnitRef MeasurementUnitOID=\"MU.mmol/L\"/>\n"
	    "      </ItemData>\n"
	    "     </ItemGroupData>\n"));
	CU_ASSERT_EQUAL(count(t, "<ItemGroupData ItemGroupOID="
	    "\"IG.OBSERVATION\""), 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Value=\"&gt;15.0\">\n"
	    "       <MeasurementUnitRef MeasurementUnitOID=\"MU.mmol/L\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Value=\"&gt;35000\">\n"
	    "       <MeasurementUnitRef MeasurementUnitOID=\"MU.pg/mL\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Value=\"48\">\n"
	    "       <MeasurementUnitRef MeasurementUnitOID=\"MU.10*9/L\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "Value=\"1.52\">\n"
	    "       <MeasurementUnitRef MeasurementUnitOID=\"MU.mg/dL\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t,
	    "    <FormData FormOID=\"F.COMPLICATIONS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.COMPLICATION\" "
	    "ItemGroupRepeatKey=\"1\">\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION\" "
	    "Value=\"pulmonary_contusion\"/>\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION_TIME\" "
	    "Value=\"2021-07-27T10:00+08:00\"/>\n"
	    "      <ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"mcc\"/>\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION_NOTE\" "
	    "Value=\"rib fractures, seen by Dr Chen\"/>\n"
	    "     </ItemGroupData>\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.COMPLICATION\" "
	    "ItemGroupRepeatKey=\"2\">\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION\" "
	    "Value=\"pulmonary_infection\"/>\n"
	    "      <ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"ecpr\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n"
	    "   </StudyEventData>"));
	/* de-identified: valid, the note and its ItemDef gone */
	CU_ASSERT_EQUAL(ecpr_odm_validate(schema, deid, NULL, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_check(deid, NULL, NULL, &err), ECPR_OK);
	CU_ASSERT_PTR_NULL(strstr(d, "Chen"));
	CU_ASSERT_PTR_NULL(strstr(d, "COMPLICATION_NOTE"));
	CU_ASSERT_PTR_NULL(strstr(d, "2021-07-2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "Value=\"&gt;35000\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "Value=\"15.0\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d,
	    "<ItemData ItemOID=\"I.COMPLICATION\" "
	    "Value=\"pulmonary_contusion\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d,
	    "<ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"mcc\"/>"));
	/* case-07 moves back 354 days: 2021-07-27T10:45 -> 2020-08-07 */
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "<ItemData "
	    "ItemOID=\"I.OBSERVATION_TIME\" Value=\"2020-08-07T10:45+08:00\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "<ItemData "
	    "ItemOID=\"I.COMPLICATION_TIME\" "
	    "Value=\"2020-08-07T10:00+08:00\"/>"));
	free(t);
	free(d);
	free(id);
	free(deid);
}

/* Rows of a file: "item=value[unit]" joined by ";". */
static int
row_text(const ecpr_odm_row *r, void *ctx)
{
	if (strncmp(r->item_group_oid, "IG.OBSERVATION", 14) == 0 ||
	    *r->unit != '\0')
		buf_add(ctx, 4096, "%s=%s[%s];", r->item, r->value, r->unit);
	return 0;
}

#define OBS_HEAD "<?xml version=\"1.0\"?>\n<ODM xmlns=\"" ECPR_ODM_NS "\" " \
	"FileType=\"Snapshot\" FileOID=\"t\" " \
	"CreationDateTime=\"2024-01-01T00:00:00\" ODMVersion=\"1.3.2\">\n"
#define OBS_SUBJECT(study) \
	" <ClinicalData StudyOID=\"" study "\" " \
	"MetaDataVersionOID=\"MDV.ECPR.1\">\n" \
	"  <SubjectData SubjectKey=\"s1\">\n" \
	"   <StudyEventData StudyEventOID=\"SE.EPISODE\" " \
	"StudyEventRepeatKey=\"1\">\n" \
	"    <FormData FormOID=\"F.ATTRIBUTES\">\n" \
	"     <ItemGroupData ItemGroupOID=\"IG.ATTRIBUTES\">\n" \
	"      <ItemData ItemOID=\"I.SITE\" Value=\"ZJ\"/>\n" \
	"     </ItemGroupData>\n" \
	"    </FormData>\n"
#define OBS_TAIL "   </StudyEventData>\n  </SubjectData>\n" \
	" </ClinicalData>\n</ODM>\n"
#define COMP_GROUP(k, code, by) \
	"     <ItemGroupData ItemGroupOID=\"IG.COMPLICATION\" " \
	"ItemGroupRepeatKey=\"" k "\">\n" \
	"      <ItemData ItemOID=\"I.COMPLICATION\" Value=\"" code "\"/>\n" \
	"      <ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"" by "\"/>\n" \
	"     </ItemGroupData>\n"
#define OBS_GROUP(k, name, time, value, unit) \
	"     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" " \
	"ItemGroupRepeatKey=\"" k "\">\n" \
	"      <ItemData ItemOID=\"I.OBSERVATION\" Value=\"" name "\"/>\n" \
	"      <ItemData ItemOID=\"I.OBSERVATION_TIME\" Value=\"" time "\"/>\n" \
	"      <ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"" value "\">" \
	"<MeasurementUnitRef MeasurementUnitOID=\"" unit "\"/></ItemData>\n" \
	"     </ItemGroupData>\n"

/*
 * The reader gives each ItemData's unit: the Name of its
 * MeasurementUnitRef's unit (the file's metadata, else ours), or the
 * attribute of a typed ItemDataString; "" when none.
 */
static void
test_obs_read_units(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[4096] = "", *id = obs_export(1);
	char *own = cu_write_file(obs_dir, "own.xml", OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OBS_GROUP("1", "lactate", "2022-03-14", "&gt;15.0", "MU.mmol/L")
	    "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"2\">\n"
	    "      <ItemDataString ItemOID=\"I.OBSERVATION_VALUE\" "
	    "MeasurementUnitOID=\"MU.10*9/L\">48</ItemDataString>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL);
	char *foreign = cu_write_file(obs_dir, "foreign.xml", OBS_HEAD
	    "<Study OID=\"X\"><GlobalVariables><StudyName>x</StudyName>"
	    "<StudyDescription>x</StudyDescription><ProtocolName>x"
	    "</ProtocolName></GlobalVariables><BasicDefinitions>"
	    "<MeasurementUnit OID=\"MU.1\" Name=\"mmol/L\"><Symbol>"
	    "<TranslatedText>mmol/l</TranslatedText></Symbol>"
	    "</MeasurementUnit></BasicDefinitions></Study>\n"
	    OBS_SUBJECT("X")
	    "    <FormData FormOID=\"F\">\n"
	    "     <ItemGroupData ItemGroupOID=\"G\">\n"
	    "      <ItemData ItemOID=\"I.LAC\" Value=\"2.1\">"
	    "<MeasurementUnitRef MeasurementUnitOID=\"MU.1\"/></ItemData>\n"
	    "      <ItemData ItemOID=\"I.OTHER\" Value=\"7\">"
	    "<MeasurementUnitRef MeasurementUnitOID=\"MU.2\"/></ItemData>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL);

	CU_ASSERT_EQUAL(ecpr_odm_read(own, row_text, buf, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, "observation=lactate[];"
	    "observation_time=2022-03-14[];observation_value=>15.0[mmol/L];"
	    "observation_value=48[10*9/L];");
	buf[0] = '\0';
	CU_ASSERT_EQUAL(ecpr_odm_read(foreign, row_text, buf, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_STRING_EQUAL(buf, "I.LAC=2.1[mmol/L];I.OTHER=7[MU.2];");
	buf[0] = '\0';
	CU_ASSERT_EQUAL(ecpr_odm_read(id, row_text, buf, NULL, &err),
	    ECPR_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "observation_value=>35000[pg/mL];"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "observation_value=15.0[mmol/L];"));
	free(own);
	free(foreign);
	free(id);
}

/* The problems of one file, joined ("LINE: message\n" each). */
static void
problem_text(const ecpr_error *e, void *ctx)
{
	buf_add(ctx, 8192, "%lu: %s\n", e->line, e->message);
}

/*
 * The check: codes from the code lists, a value as ecpr_value_parse reads
 * it, a unit of ours that the group's observation accepts, a unit on
 * every value, mandatory items.
 */
static void
test_obs_check(void)
{
	ecpr_odm_check_opts o = ECPR_ODM_CHECK_OPTS_INIT;
	ecpr_error err = ECPR_ERROR_INIT;
	char buf[8192] = "";
	size_t n;
	char *f = cu_write_file(obs_dir, "bad.xml", OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OBS_GROUP("1", "lactat", "2022-03-14", "13.1", "MU.mmol/L")
	    OBS_GROUP("2", "platelets", "2022-03-14", "35,000", "MU.mg/dL")
	    OBS_GROUP("3", "lactate", "2022-03-14", "2.1", "MU.mg")
	    "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"4\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION\" Value=\"lactate\"/>\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"2.1\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n"
	    "    <FormData FormOID=\"F.COMPLICATIONS\">\n"
	    COMP_GROUP("1", "stroke", "god")
	    "     <ItemGroupData ItemGroupOID=\"IG.COMPLICATION\">\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION\" Value=\"x\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL);

	o.on_error = problem_text;
	o.ctx = buf;
	CU_ASSERT_EQUAL(ecpr_odm_check(f, &o, &n, &err), ECPR_ERULE);
	EXPECT_STR(buf,
	    "13: ItemData \"I.OBSERVATION\": value \"lactat\" is not in code "
	    "list CL.OBSERVATION\n"
	    "20: ItemData \"I.OBSERVATION_VALUE\": value \"35,000\" has a "
	    "comma: write the decimal mark as a point and no thousands "
	    "separator (35000, 15.0)\n"
	    "20: ItemData \"I.OBSERVATION_VALUE\": unit \"mg/dL\" is not a "
	    "unit of platelets (10*9/L, 10*3/uL, /uL)\n"
	    "25: ItemData \"I.OBSERVATION_VALUE\": MeasurementUnitOID "
	    "\"MU.mg\" is not a MeasurementUnit of ItemDef "
	    "I.OBSERVATION_VALUE\n"
	    "29: ItemData \"I.OBSERVATION_VALUE\": no MeasurementUnitRef\n"
	    "27: ItemGroupData \"IG.OBSERVATION\" repeat \"4\": mandatory "
	    "ItemData \"I.OBSERVATION_TIME\" missing\n"
	    "35: ItemData \"I.ATTRIBUTION\": value \"god\" is not in code "
	    "list CL.ATTRIBUTION\n"
	    "37: ItemGroupData \"IG.COMPLICATION\": no ItemGroupRepeatKey, "
	    "but ItemGroupDef IG.COMPLICATION repeats\n"
	    "38: ItemData \"I.COMPLICATION\": value \"x\" is not in code list "
	    "CL.COMPLICATION\n"
	    "37: ItemGroupData \"IG.COMPLICATION\": mandatory ItemData "
	    "\"I.ATTRIBUTION\" missing\n");
	CU_ASSERT_EQUAL(n, 10);
	free(f);
}

/* Write file obs_dir/name from the test data, or a path in *out. */
static void
path_in(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", obs_dir, name);
}

/*
 * ecpr-odm import writes the observation and complication long forms
 * (--observations, --complications) beside the events; censored values
 * and units stay the text they were: export, import, export again gives
 * the same bytes.
 */
static void
test_obs_import_roundtrip(void)
{
	char x1[4096], x2[4096], ev[4096], at[4096], ob[4096], co[4096];
	char in[4][4096];
	char *out = NULL, *err = NULL, *t1, *t2;
	int i;
	static const char *const inputs[4] = { "cases-long.csv",
		"cases-wide.csv", "obs-observations.csv",
		"obs-complications.csv" };

	for (i = 0; i < 4; i++) /* odmdata() gives a static buffer */
		snprintf(in[i], sizeof(in[i]), "%s", odmdata(inputs[i]));
	path_in(x1, sizeof(x1), "rt1.xml");
	path_in(x2, sizeof(x2), "rt2.xml");
	path_in(ev, sizeof(ev), "rt-ev.csv");
	path_in(at, sizeof(at), "rt-at.csv");
	path_in(ob, sizeof(ob), "rt-obs.csv");
	path_in(co, sizeof(co), "rt-comp.csv");
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", x1,
	    in[0], in[1], in[2], in[3], NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, "-a", at,
	    "--observations", ob, "--complications", co, x1, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	t1 = cu_read_file(ob, NULL);
	CU_ASSERT_STRING_EQUAL(t1,
	    "site,subject,episode,observation,time,value,unit\n"
	    "ZJ,li-0042,1,lactate,2022-03-14T08:30+08:00,13.1,mmol/L\n"
	    "ZJ,li-0042,1,ecmo_flow,2022-03-14T09:00+08:00,3.50,L/min\n"
	    "ZJ,li-0042,1,nt_probnp,2022-03-15T06:00+08:00,>35000,pg/mL\n"
	    "ZJ,li-0042,1,creatinine,2022-03-15T06:00+08:00,1.52,mg/dL\n"
	    "ZJ,li-0042,1,lactate,2022-03-15T07:59:30+08:00,>15.0,mmol/L\n"
	    "ZJ,li-0042,1,pct,2022-03-16T06:00+08:00,<0.5,ng/mL\n"
	    "ZJ,li-0042,1,platelets,2022-03-16T06:00+08:00,48,10*9/L\n");
	free(t1);
	t1 = cu_read_file(co, NULL);
	CU_ASSERT_STRING_EQUAL(t1,
	    "site,subject,episode,complication,time,attribution,note\n"
	    "ZJ,li-0042,1,pulmonary_contusion,2022-03-14T09:00+08:00,mcc,"
	    "\"rib fractures, seen by Dr Chen\"\n"
	    "ZJ,li-0042,1,pulmonary_infection,,ecpr,\n"
	    "ZJ,li-0042,1,mods,2022-03-17,ecpr,\n");
	free(t1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", x2,
	    ev, at, ob, co, NULL), 0);
	free(out);
	free(err);
	t1 = cu_read_file(x1, NULL);
	t2 = cu_read_file(x2, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
	CU_ASSERT_PTR_NOT_NULL(strstr(t1, "Value=\"&gt;35000\""));
	CU_ASSERT_STRING_EQUAL(t1, t2);
	free(t1);
	free(t2);
	/* without the files: the events as before, a warning, exit 0 */
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, x1, NULL), 0);
	EXPECT_STR(err, "ecpr-odm: warning: attributes of 3 "
	    "episodes not written: give --attributes FILE\n"
	    "ecpr-odm: warning: observations of 1 episode not written: give "
	    "--observations FILE\n"
	    "ecpr-odm: warning: complications of 1 episode not written: give "
	    "--complications FILE\n");
	free(out);
	free(err);
	unsetenv("SOURCE_DATE_EPOCH");
}

/*
 * An episode with 300 observations: the import keeps their texts one
 * after the other in a buffer that grows as it reads them (from 4 KiB to
 * 32 KiB); each row is written as read.
 */
static void
test_obs_import_many(void)
{
	char x1[4096], ev[4096], ob[4096], co[4096], long_csv[4096];
	char wide_csv[4096], *obs, *p, *out = NULL, *err = NULL, *t;
	char *in;
	int i;

	snprintf(long_csv, sizeof(long_csv), "%s", odmdata("cases-long.csv"));
	snprintf(wide_csv, sizeof(wide_csv), "%s", odmdata("cases-wide.csv"));
	path_in(x1, sizeof(x1), "many.xml");
	path_in(ev, sizeof(ev), "many-ev.csv");
	path_in(ob, sizeof(ob), "many-obs.csv");
	path_in(co, sizeof(co), "many-comp.csv");
	obs = malloc(300 * 80 + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(obs);
	p = obs + sprintf(obs, "site,subject,episode,observation,time,value,"
	    "unit\n");
	for (i = 0; i < 300; i++)
		p += sprintf(p, "ZJ,li-0042,1,%s,2022-03-%02dT%02d:%02d+08:00,"
		    "%d.%d,%s\n", i % 2 ? "lactate" : "ecmo_flow", 14 + i / 60,
		    (i / 6) % 10 + 8, i % 60, i % 9 + 1, i % 10, i % 2 ?
		    "mmol/L" : "L/min");
	in = cu_write_file(obs_dir, "many-in.csv", obs);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", x1,
	    long_csv, wide_csv, in, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, "--observations",
	    ob, "--complications", co, x1, NULL), 0);
	EXPECT_STR(err, "ecpr-odm: warning: attributes of 3 episodes not "
	    "written: give --attributes FILE\n");
	free(out);
	free(err);
	t = cu_read_file(ob, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, obs);
	free(t);
	unsetenv("SOURCE_DATE_EPOCH");
	free(in);
	free(obs);
}

/*
 * The rows of an episode are put together and written at once; a row
 * longer than that buffer (8 KiB) goes out a field at a time, in its
 * place: complications with notes of 20, 600 and 9,000 bytes (quotes
 * and commas in them) come back as they were written.
 */
static void
test_obs_import_long_rows(void)
{
	char x1[4096], ev[4096], ob[4096], co[4096], long_csv[4096];
	char *cx, *p, *out = NULL, *err = NULL, *t, *in;
	static const size_t len[5] = { 20, 600, 9000, 0, 7000 };
	size_t i, k;

	snprintf(long_csv, sizeof(long_csv), "%s", odmdata("cases-long.csv"));
	path_in(x1, sizeof(x1), "longrows.xml");
	path_in(ev, sizeof(ev), "longrows-ev.csv");
	path_in(ob, sizeof(ob), "longrows-obs.csv");
	path_in(co, sizeof(co), "longrows-comp.csv");
	cx = malloc(2 * 20000 + 64 * 5 + 128);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cx);
	p = cx + sprintf(cx, "site,subject,episode,complication,time,"
	    "attribution,note\n");
	for (i = 0; i < 5; i++) {
		p += sprintf(p, "ZJ,li-0042,1,pulmonary_contusion,"
		    "2022-03-%02zuT09:00+08:00,mcc,", 14 + i);
		if (len[i] > 0)
			*p++ = '"';
		for (k = 0; k < len[i]; k++)
			p += sprintf(p, "%s", k % 50 == 7 ? "\"\"" :
			    k % 50 == 30 ? "," : "n");
		if (len[i] > 0)
			*p++ = '"';
		*p++ = '\n';
	}
	*p = '\0';
	in = cu_write_file(obs_dir, "longrows-in.csv", cx);
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	CU_ASSERT_EQUAL(run(&out, &err, "export", "--identified", "-o", x1,
	    long_csv, in, NULL), 0);
	free(out);
	free(err);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, "--observations",
	    ob, "--complications", co, x1, NULL), 0);
	free(out);
	free(err);
	t = cu_read_file(co, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, cx);
	free(t);
	unsetenv("SOURCE_DATE_EPOCH");
	free(in);
	free(cx);
}

/* One import that fails: exit 65, the message, no output file. */
static void
import_fails(const char *xml, const char *message)
{
	char ev[4096], ob[4096], co[4096], expect[8192];
	char *out = NULL, *err = NULL;
	char *f = cu_write_file(obs_dir, "in.xml", xml);
	struct stat st;

	path_in(ev, sizeof(ev), "fail-ev.csv");
	path_in(ob, sizeof(ob), "fail-obs.csv");
	path_in(co, sizeof(co), "fail-comp.csv");
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, "--observations",
	    ob, "--complications", co, f, NULL), 65);
	snprintf(expect, sizeof(expect), "ecpr-odm: %s:%s\n", f, message);
	EXPECT_STR(err, expect);
	CU_ASSERT_NOT_EQUAL(stat(ev, &st), 0);
	CU_ASSERT_NOT_EQUAL(stat(ob, &st), 0);
	CU_ASSERT_NOT_EQUAL(stat(co, &st), 0);
	free(out);
	free(err);
	free(f);
}

/*
 * An unknown observation, unit, complication or attribution, a value
 * without a unit, a group without its observation: FILE:LINE naming the
 * item and the value, exit 65, nothing written.
 */
static void
test_obs_import_errors(void)
{
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OBS_GROUP("1", "lactat", "2022-03-14", "13.1", "MU.mmol/L")
	    "    </FormData>\n" OBS_TAIL,
	    "13: item \"observation\": unknown observation \"lactat\" (ecpr(7) "
	    "lists the vocabulary)");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    OBS_GROUP("1", "platelets", "2022-03-14", "48", "MU.mg/dL")
	    "    </FormData>\n" OBS_TAIL,
	    "15: item \"observation_value\": unit \"mg/dL\" is not a unit of "
	    "platelets (10*9/L, 10*3/uL, /uL)");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"1\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION\" Value=\"lactate\"/>\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_TIME\" "
	    "Value=\"2022-03-14\"/>\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"2.1\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL,
	    "15: item \"observation_value\": value \"2.1\" has no unit "
	    "(MeasurementUnitRef)");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"7\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_TIME\" "
	    "Value=\"2022-03-14\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL,
	    "13: ItemGroupData \"IG.OBSERVATION\" repeat \"7\": no item "
	    "\"observation\"");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.COMPLICATIONS\">\n"
	    COMP_GROUP("1", "broken", "mcc")
	    "    </FormData>\n" OBS_TAIL,
	    "13: item \"complication\": unknown complication \"broken\" "
	    "(ecpr(7) lists the code list)");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.COMPLICATIONS\">\n"
	    COMP_GROUP("1", "stroke", "god")
	    "    </FormData>\n" OBS_TAIL,
	    "14: item \"attribution\": unknown attribution \"god\" (mcc, ecpr "
	    "or other)");
	import_fails(OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.COMPLICATIONS\">\n"
	    "     <ItemGroupData ItemGroupOID=\"IG.COMPLICATION\" "
	    "ItemGroupRepeatKey=\"1\">\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION\" Value=\"stroke\"/>\n"
	    "      <ItemData ItemOID=\"I.COMPLICATION\" Value=\"mods\"/>\n"
	    "      <ItemData ItemOID=\"I.ATTRIBUTION\" Value=\"ecpr\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL,
	    "14: item \"complication\": given twice in ItemGroupData "
	    "\"IG.COMPLICATION\" repeat \"1\" (first at line 13)");
}

/*
 * The items of one observation may come in two ItemGroupData elements of
 * the same OID and repeat key, apart: the entries of an episode are found
 * by their OID and repeat key (a table that grows from 16 slots to 64 as
 * 20 of them come), not only as the entry of the item before.  Repeat 3
 * gives its value after repeat 20; given again, its name is refused with
 * the line of the first.
 */
static void
test_obs_import_split_group(void)
{
	char ev[4096], ob[4096], co[4096], xml[8192], expect[4096];
	char *out = NULL, *err = NULL, *f, *t, *p = xml, *e = expect;
	int k;

	path_in(ev, sizeof(ev), "split-ev.csv");
	path_in(ob, sizeof(ob), "split-obs.csv");
	path_in(co, sizeof(co), "split-comp.csv");
	p += sprintf(p, "%s", OBS_HEAD OBS_SUBJECT("ECPR")
	    "    <FormData FormOID=\"F.OBSERVATIONS\">\n");
	e += sprintf(e, "site,subject,episode,observation,time,value,unit\n");
	for (k = 1; k <= 20; k++) {
		p += sprintf(p, "     <ItemGroupData ItemGroupOID="
		    "\"IG.OBSERVATION\" ItemGroupRepeatKey=\"%d\">\n"
		    "      <ItemData ItemOID=\"I.OBSERVATION\" Value="
		    "\"lactate\"/>\n"
		    "      <ItemData ItemOID=\"I.OBSERVATION_TIME\" Value="
		    "\"2022-03-%02d\"/>\n", k, k);
		if (k != 3)
			p += sprintf(p, "      <ItemData ItemOID="
			    "\"I.OBSERVATION_VALUE\" Value=\"%d.5\">"
			    "<MeasurementUnitRef MeasurementUnitOID="
			    "\"MU.mmol/L\"/></ItemData>\n", k);
		p += sprintf(p, "     </ItemGroupData>\n");
		e += sprintf(e, "ZJ,s1,1,lactate,2022-03-%02d,%d.5,mmol/L\n",
		    k, k);
	}
	/* line 111: the rest of repeat 3 */
	p += sprintf(p, "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"3\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION_VALUE\" Value=\"3.5\">"
	    "<MeasurementUnitRef MeasurementUnitOID=\"MU.mmol/L\"/>"
	    "</ItemData>\n"
	    "     </ItemGroupData>\n");
	sprintf(p, "    </FormData>\n" OBS_TAIL);
	f = cu_write_file(obs_dir, "split.xml", xml);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "-o", ev, "--observations",
	    ob, "--complications", co, f, NULL), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	free(out);
	free(err);
	t = cu_read_file(ob, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(t, expect);
	free(t);
	free(f);
	/* then its name again, on line 115 (first on line 23) */
	sprintf(p, "     <ItemGroupData ItemGroupOID=\"IG.OBSERVATION\" "
	    "ItemGroupRepeatKey=\"3\">\n"
	    "      <ItemData ItemOID=\"I.OBSERVATION\" Value=\"pct\"/>\n"
	    "     </ItemGroupData>\n"
	    "    </FormData>\n" OBS_TAIL);
	import_fails(xml, "115: item \"observation\": given twice in "
	    "ItemGroupData \"IG.OBSERVATION\" repeat \"3\" (first at line "
	    "23)");
}

/*
 * A map makes another study's items an observation: one per repeat of
 * their item group, the time through --date-format, the unit the Name of
 * its MeasurementUnit (written as the file has it).
 */
static void
test_obs_import_map(void)
{
	char ob[4096], ev[4096], *out = NULL, *err = NULL, *t;
	char *map = cu_write_file(obs_dir, "labs.map", "site = RC\n"
	    "item lab_name = observation\nitem lab_dt = observation_time\n"
	    "item lab_val = observation_value\n");
	char *f = cu_write_file(obs_dir, "labs.xml", OBS_HEAD
	    "<Study OID=\"R\"><GlobalVariables><StudyName>r</StudyName>"
	    "<StudyDescription>r</StudyDescription><ProtocolName>r"
	    "</ProtocolName></GlobalVariables><BasicDefinitions>"
	    "<MeasurementUnit OID=\"U1\" Name=\"\xc2\xb5mol/L\"><Symbol>"
	    "<TranslatedText>\xc2\xb5mol/L</TranslatedText></Symbol>"
	    "</MeasurementUnit><MeasurementUnit OID=\"U2\" Name=\"mmol/L\">"
	    "<Symbol><TranslatedText>mmol/L</TranslatedText></Symbol>"
	    "</MeasurementUnit></BasicDefinitions></Study>\n"
	    "<ClinicalData StudyOID=\"R\" MetaDataVersionOID=\"v1\">\n"
	    "<SubjectData SubjectKey=\"7\"><FormData FormOID=\"labs\">\n"
	    "<ItemGroupData ItemGroupOID=\"labs\" ItemGroupRepeatKey=\"1\">\n"
	    "<ItemData ItemOID=\"lab_name\" Value=\"creatinine\"/>\n"
	    "<ItemData ItemOID=\"lab_dt\" Value=\"01 JUN 2023\"/>\n"
	    "<ItemData ItemOID=\"lab_val\" Value=\"&gt;800\">"
	    "<MeasurementUnitRef MeasurementUnitOID=\"U1\"/></ItemData>\n"
	    "</ItemGroupData>\n"
	    "<ItemGroupData ItemGroupOID=\"labs\" ItemGroupRepeatKey=\"2\">\n"
	    "<ItemData ItemOID=\"lab_name\" Value=\"lactate\"/>\n"
	    "<ItemData ItemOID=\"lab_dt\" Value=\"02 JUN 2023\"/>\n"
	    "<ItemData ItemOID=\"lab_val\" Value=\"4.2\">"
	    "<MeasurementUnitRef MeasurementUnitOID=\"U2\"/></ItemData>\n"
	    "</ItemGroupData>\n"
	    "</FormData></SubjectData></ClinicalData></ODM>\n");

	snprintf(ob, sizeof(ob), "%s/labs-obs.csv", obs_dir);
	snprintf(ev, sizeof(ev), "%s/labs-ev.csv", obs_dir);
	CU_ASSERT_EQUAL(run(&out, &err, "import", "--map", map, "--date-format",
	    "%d %b %Y", "-o", ev, "--observations", ob, f, NULL), 0);
	EXPECT_STR(err, "");
	t = cu_read_file(ob, NULL);
	EXPECT_STR(t, "site,subject,episode,observation,time,value,unit\n"
	    "RC,7,1,creatinine,2023-06-01,>800,\xc2\xb5mol/L\n"
	    "RC,7,1,lactate,2023-06-02,4.2,mmol/L\n");
	free(t);
	free(out);
	free(err);
	free(map);
	free(f);
}

/*
 * An observation known only to the month takes part in the subject's
 * date shift like an event: the shift is a whole number of months that
 * keeps it a month of the same length (so every interval stays exact).
 */
static void
test_obs_partial_shift(void)
{
	ecpr_error err = ECPR_ERROR_INIT;
	ecpr_episode *ep = NULL;
	const ecpr_episode *eps[1];
	ecpr_time t;
	int64_t shift = 0;
	char buf[64];

	CU_ASSERT_FATAL(ecpr_episode_new(&ep, "ZJ", "case-07", 1, &err) ==
	    ECPR_OK);
	CU_ASSERT(ecpr_episode_add_event(ep, ECPR_EV_CA_ONSET,
	    "2021-07-27T08:30+08:00", NULL, NULL, NULL, 0, &err) == ECPR_OK);
	CU_ASSERT(ecpr_episode_add_observation(ep, ECPR_OBS_LACTATE,
	    "2021-07", "2.0", "mmol/L", NULL, NULL, 0, &err) == ECPR_OK);
	CU_ASSERT_FATAL(ecpr_episode_finish(ep, NULL, NULL, &err) == ECPR_OK);
	/* the subject's plain shift, 354 days, would not keep the month */
	CU_ASSERT_EQUAL(ecpr_odm_date_shift(site_key, sizeof(site_key) - 1,
	    "ZJ", "case-07"), -354 * INT64_C(86400));
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep, -354 * INT64_C(86400)), 0);
	eps[0] = ep;
	CU_ASSERT_EQUAL(ecpr_odm_subject_shift(&shift, site_key,
	    sizeof(site_key) - 1, eps, 1, &err), ECPR_OK);
	CU_ASSERT_EQUAL(ecpr_odm_shift_fits(ep, shift), 1);
	t = ecpr_time_shift(&ecpr_episode_observation(ep, 0)->time, shift);
	ecpr__odm_time_format(&t, buf);
	/* 33 months back: 2021-07 -> 2018-10, 1004 days */
	CU_ASSERT_EQUAL(shift, -1004 * INT64_C(86400));
	CU_ASSERT_STRING_EQUAL(buf, "2018-10");
	ecpr_episode_free(ep);
}

static CU_TestInfo obs_tests[] = {
	{ "export metadata: units, repeating groups, code lists",
	    test_obs_export_metadata },
	{ "export data: censored values, units, de-identified",
	    test_obs_export_data },
	{ "read: units of ItemData", test_obs_read_units },
	{ "check: observations and complications", test_obs_check },
	{ "tool import: long forms, byte-identical round trip",
	    test_obs_import_roundtrip },
	{ "import: 300 observations of an episode", test_obs_import_many },
	{ "import: rows longer than their buffer", test_obs_import_long_rows },
	{ "tool import: unknown codes and units refused",
	    test_obs_import_errors },
	{ "import: an observation in two ItemGroupData apart",
	    test_obs_import_split_group },
	{ "tool import --map: another study's labs", test_obs_import_map },
	{ "date shift keeps an observation's month", test_obs_partial_shift },
	CU_TEST_INFO_NULL
};

static CU_TestInfo crypto_tests[] = {
	{ "sha256 FIPS 180-4 vectors", test_sha256_vectors },
	{ "hmac-sha256 RFC 4231", test_hmac_rfc4231 },
	{ "pseudonym and date shift", test_deid_pseudonym_and_shift },
	{ "writer time format", test_time_format_same },
	{ "writer escapes as libxml2's xmlTextWriter",
	    test_writer_escapes_as_libxml2 },
	{ "age 90+", test_deid_age },
	{ "site key file", test_deid_key_file },
	CU_TEST_INFO_NULL
};

static CU_TestInfo validate_tests[] = {
	{ "missing schema dir", test_schema_missing_dir },
	{ "valid samples", test_validate_valid_samples },
	{ "invalid sample", test_validate_invalid_sample },
	{ "lax openclinica", test_validate_lax_openclinica },
	{ "lax redcap still invalid", test_validate_lax_redcap_still_invalid },
	{ "not well-formed", test_validate_not_wellformed },
	{ "hostile xxe", test_hostile_xxe },
	{ "hostile billion laughs", test_hostile_billion_laughs },
	{ "hostile external dtd", test_hostile_external_dtd },
	{ "hostile quadratic blowup", test_hostile_quadratic },
	{ "hostile deep nesting", test_hostile_deep_nesting },
	{ "hostile: 200,000 attributes", test_hostile_many_attributes },
	{ "empty, truncated, not XML", test_empty_truncated_not_xml },
	{ "export validates, de-identifies", test_export_validates_and_deidentifies },
	{ "tool export", test_tool_export },
	{ "tool export: file modes", test_tool_export_modes },
	{ "tool export: de-identification allow-list",
	    test_tool_export_deid_allowlist },
	{ "partial dates shift exactly", test_partial_shift },
	{ "tool export, partial dates", test_tool_export_partial },
	{ "metadata: base file and exports", test_check_base_and_exports },
	{ "metadata: one problem each", test_check_variants },
	{ "metadata: all problems, zones, samples", test_check_more },
	CU_TEST_INFO_NULL
};

static CU_TestInfo read_tests[] = {
	{ "scanner: runs and tags as bytes", test_scan_runs_as_bytes },
	{ "scanner lines across buffers", test_scan_lines_across_buffers },
	{ "multi", test_read_multi },
	{ "latin1", test_read_latin1 },
	{ "names and decodes looked up once", test_read_caches },
	{ "samples", test_read_samples },
	{ "missing file", test_read_missing_file },
	{ "text of more than 10 MB refused", test_read_huge_text },
	CU_TEST_INFO_NULL
};

static CU_TestInfo tool_tests[] = {
	{ "options", test_tool_options },
	{ "options of another command: 64", test_tool_options_per_command },
	{ "validate", test_tool_validate },
	{ "validate against our metadata", test_tool_validate_metadata },
	{ "dump", test_tool_dump },
	{ "dump: transaction, names, Value, no partial output",
	    test_tool_dump_more },
	{ "import round trip", test_tool_import_roundtrip },
	{ "import redcap --map", test_tool_import_redcap_map },
	{ "import: rows with quoted and long fields",
	    test_tool_import_rows_quoted },
	{ "import errors", test_tool_import_errors },
	{ "import --map longitudinal, date + time, decodes",
	    test_tool_import_map_longitudinal },
	{ "import --map rules refused", test_tool_import_map_rules_refused },
	{ "import -o checks episodes", test_tool_import_csv_checked },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{ "crypto", NULL, NULL, NULL, NULL, crypto_tests },
		{ "validate", setup_schema, teardown_schema, NULL, NULL,
		    validate_tests },
		{ "read", NULL, NULL, NULL, NULL, read_tests },
		{ "tool", NULL, NULL, NULL, NULL, tool_tests },
		{ "observations", obs_init, obs_clean, NULL, NULL, obs_tests },
		CU_SUITE_INFO_NULL
	};

	return cu_run(suites);
}
