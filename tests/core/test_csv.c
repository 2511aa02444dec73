/* test_csv.c - the streaming RFC 4180 reader (lib/csv.c) */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "internal.h"
#include "progutil.h"

/* A real FILE* holding len bytes of data. */
static FILE *
mem_file(const char *data, size_t len)
{
	FILE *fp = tmpfile();

	if (fp == NULL)
		abort();
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		abort();
	rewind(fp);
	return fp;
}

static void
dump_field(char **o, char *end, const char *s)
{
	for (; *s && *o < end - 3; s++) {
		if (*s == '\n') {
			*(*o)++ = '\\';
			*(*o)++ = 'n';
		} else if (*s == '\r') {
			*(*o)++ = '\\';
			*(*o)++ = 'r';
		} else {
			*(*o)++ = *s;
		}
	}
}

/*
 * Read all records of data into out as "LINE:[f1|f2]\n" lines.  Returns
 * the last status of ecpr__csv_next (0 at a clean end).
 */
static int
parse(const char *data, size_t len, char *out, size_t cap, ecpr_error *err)
{
	FILE *fp = mem_file(data, len);
	ecpr__csv *csv = NULL;
	const char *const *f;
	size_t nf, i;
	char *o = out, *end = out + cap;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "t.csv", err), 0);
	while ((rc = ecpr__csv_next(csv, &f, &nf, err)) == 1) {
		o += snprintf(o, (size_t)(end - o), "%lu:[",
		    ecpr__csv_line(csv));
		for (i = 0; i < nf; i++) {
			if (i > 0 && o < end - 1)
				*o++ = '|';
			dump_field(&o, end, f[i]);
		}
		o += snprintf(o, (size_t)(end - o), "]\n");
	}
	*o = '\0';
	ecpr__csv_free(csv);
	fclose(fp);
	return rc;
}

#define PARSE_OK(data, want)                                              \
	do {                                                              \
		char out_[4096];                                          \
		ecpr_error e_ = ECPR_ERROR_INIT;                          \
		CU_ASSERT_EQUAL(parse((data), sizeof(data) - 1, out_,     \
				    sizeof(out_), &e_),                   \
		    0);                                                   \
		CU_ASSERT_STRING_EQUAL(out_, (want));                     \
	} while (0)

static void
test_simple_records_with_final_newline(void)
{
	PARSE_OK("a,b,c\n1,2,3\n", "1:[a|b|c]\n2:[1|2|3]\n");
}

static void
test_final_line_end_is_optional(void)
{
	PARSE_OK("a,b\n1,2", "1:[a|b]\n2:[1|2]\n");
	PARSE_OK("a,b\r\n1,2", "1:[a|b]\n2:[1|2]\n");
	PARSE_OK("x", "1:[x]\n");
}

static void
test_empty_input_has_no_records(void)
{
	PARSE_OK("", "");
	PARSE_OK("\xEF\xBB\xBF", "");
	PARSE_OK("\n\r\n", "");
}

static void
test_bom_is_skipped_and_crlf_accepted(void)
{
	PARSE_OK("\xEF\xBB\xBFsite,subject\r\nH1,P1\r\n",
	    "1:[site|subject]\n2:[H1|P1]\n");
}

static void
test_lf_crlf_and_lone_cr_end_records(void)
{
	PARSE_OK("a\rb\r\nc\nd", "1:[a]\n2:[b]\n3:[c]\n4:[d]\n");
	PARSE_OK("a\r\r\nb\n", "1:[a]\n3:[b]\n");
}

static void
test_blank_lines_are_not_records(void)
{
	PARSE_OK("a\n\n\nb\n\n", "1:[a]\n4:[b]\n");
	PARSE_OK("\r\n\r\na,b\r\n", "3:[a|b]\n");
}

static void
test_quoted_fields_with_commas_and_quotes(void)
{
	PARSE_OK("\"a,b\",\"say \"\"hi\"\"\",c\n\"\"\"\",\"\"\n",
	    "1:[a,b|say \"hi\"|c]\n2:[\"|]\n");
}

static void
test_quoted_fields_with_line_breaks(void)
{
	PARSE_OK("x,\"l1\nl2\r\nl3\rl4\",y\nnext\n",
	    "1:[x|l1\\nl2\\r\\nl3\\rl4|y]\n5:[next]\n");
}

static void
test_empty_fields(void)
{
	PARSE_OK(",,\n\"\",a,\n,\n", "1:[||]\n2:[|a|]\n3:[|]\n");
}

static void
test_spaces_are_kept(void)
{
	/* Trimming is the caller's business. */
	PARSE_OK(" a , b\t\n", "1:[ a | b\t]\n");
}

static void
test_valid_utf8_passes(void)
{
	PARSE_OK("M\xC3\xBCnchen,\xE2\x82\xAC,\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF\n",
	    "1:[M\xC3\xBCnchen|\xE2\x82\xAC|\xF0\x9F\x98\x80|\xF4\x8F\xBF\xBF]\n");
}

static void
test_very_long_field_spans_blocks(void)
{
	size_t big = 300000, i, len;
	char *data = malloc(2 * big + 100);
	FILE *fp;
	ecpr__csv *csv = NULL;
	const char *const *f;
	size_t nf;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_FATAL(data != NULL);
	/* An unquoted field of 300000 'x', then a quoted one with commas. */
	memcpy(data, "h,", 2);
	len = 2;
	for (i = 0; i < big; i++)
		data[len++] = 'x';
	memcpy(data + len, "\n1,\"", 4);
	len += 4;
	for (i = 0; i < big; i++)
		data[len++] = i % 1000 == 999 ? ',' : 'y';
	data[len++] = '"';
	data[len++] = '\n';
	fp = mem_file(data, len);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "big.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 2);
	CU_ASSERT_STRING_EQUAL(f[0], "h");
	CU_ASSERT_EQUAL(strlen(f[1]), big);
	CU_ASSERT_EQUAL(strspn(f[1], "x"), big);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(ecpr__csv_line(csv), 2);
	CU_ASSERT_EQUAL(nf, 2);
	CU_ASSERT_EQUAL(strlen(f[1]), big);
	CU_ASSERT_EQUAL(f[1][999], ',');
	CU_ASSERT_EQUAL(f[1][1000], 'y');
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 0);
	ecpr__csv_free(csv);
	fclose(fp);
	free(data);
}

static void
test_utf8_sequence_across_block_boundary(void)
{
	size_t n = 65536 + 10, i;
	char *data = malloc(n);
	FILE *fp;
	ecpr__csv *csv = NULL;
	const char *const *f;
	size_t nf;
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_FATAL(data != NULL);
	for (i = 0; i < n; i++)
		data[i] = 'a';
	/* Bytes 65535 and 65536: the first block ends inside U+00E9. */
	data[65535] = '\xC3';
	data[65536] = '\xA9';
	data[n - 1] = '\n';
	fp = mem_file(data, n);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "u.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 1);
	CU_ASSERT_EQUAL(strlen(f[0]), n - 1);
	CU_ASSERT_EQUAL(memcmp(f[0] + 65534, "a\xC3\xA9" "a", 4), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 0);
	ecpr__csv_free(csv);
	fclose(fp);
	free(data);
}

static void
test_many_fields(void)
{
	char data[4000];
	size_t len = 0, i, nf;
	FILE *fp;
	ecpr__csv *csv = NULL;
	const char *const *f;
	ecpr_error err = ECPR_ERROR_INIT;

	for (i = 0; i < 1000; i++)
		len += (size_t)snprintf(data + len, sizeof(data) - len, "%s%zu",
		    i ? "," : "", i % 10);
	fp = mem_file(data, len);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "w.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 1000);
	CU_ASSERT_STRING_EQUAL(f[0], "0");
	CU_ASSERT_STRING_EQUAL(f[999], "9");
	CU_ASSERT_STRING_EQUAL(f[123], "3");
	ecpr__csv_free(csv);
	fclose(fp);
}

static void
test_offset_of_next_record(void)
{
	const char data[] = "ab,c\r\nd\n\"e\"";
	FILE *fp = mem_file(data, sizeof(data) - 1);
	ecpr__csv *csv = NULL;
	const char *const *f;
	size_t nf;

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "o.csv", NULL), 0);
	CU_ASSERT_EQUAL(ecpr__csv_offset(csv), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, NULL), 1);
	CU_ASSERT_EQUAL(ecpr__csv_offset(csv), 6);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, NULL), 1);
	CU_ASSERT_EQUAL(ecpr__csv_offset(csv), 8);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, NULL), 1);
	CU_ASSERT_EQUAL(ecpr__csv_offset(csv), 11);
	CU_ASSERT_STRING_EQUAL(f[0], "e");
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, NULL), 0);
	ecpr__csv_free(csv);
	fclose(fp);
}

/* Parse data and expect an error: its status, line and message. */
static void
expect_error(const char *data, size_t len, int code, unsigned long line,
    const char *msg, const char *records)
{
	char out[4096];
	ecpr_error err = ECPR_ERROR_INIT;

	CU_ASSERT_EQUAL(parse(data, len, out, sizeof(out), &err), code);
	CU_ASSERT_EQUAL(err.code, code);
	CU_ASSERT_STRING_EQUAL(err.file, "t.csv");
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
	CU_ASSERT_STRING_EQUAL(out, records);
}

#define EXPECT_ERROR(data, line, msg, records)                            \
	expect_error((data), sizeof(data) - 1, ECPR_EPARSE, (line), (msg), \
	    (records))

static void
test_bom_only_at_the_start(void)
{
	/*
	 * A BOM later on (a second file joined with cat) is refused with
	 * its line: kept, it would make "\xEF\xBB\xBFH1" a site other
	 * than H1.  Also inside a field, a quoted field and after a BOM at
	 * the start; the other characters of that block are still fine.
	 */
	EXPECT_ERROR("a\n\xEF\xBB\xBF" "b\n", 2,
	    "byte-order mark (U+FEFF) at column 1 (byte offset 2): allowed "
	    "only at the start of the file", "1:[a]\n");
	EXPECT_ERROR("\xEF\xBB\xBF" "site\r\n\xEF\xBB\xBF" "site\r\n", 2,
	    "byte-order mark (U+FEFF) at column 1 (byte offset 9): allowed "
	    "only at the start of the file", "1:[site]\n");
	EXPECT_ERROR("a,b\nx,y\xEF\xBB\xBF\n", 2,
	    "byte-order mark (U+FEFF) at column 4 (byte offset 7): allowed "
	    "only at the start of the file", "1:[a|b]\n");
	EXPECT_ERROR("a\n\"q\nr\xEF\xBB\xBF\"\n", 3,
	    "byte-order mark (U+FEFF) at column 2 (byte offset 6): allowed "
	    "only at the start of the file", "1:[a]\n");
	/* U+FEFE, U+FFEF and the 4-byte U+1FEFF are ordinary characters */
	PARSE_OK("\xEF\xBB\xBE,\xEF\xBF\xAF,\xF0\x9F\xBB\xBF\n",
	    "1:[\xEF\xBB\xBE|\xEF\xBF\xAF|\xF0\x9F\xBB\xBF]\n");
}

static void
test_unterminated_quote(void)
{
	EXPECT_ERROR("a,b\n1,\"open\nmore\n", 2,
	    "unterminated quoted field starting on line 2", "1:[a|b]\n");
	EXPECT_ERROR("\"", 1,
	    "unterminated quoted field starting on line 1", "");
}

static void
test_character_after_closing_quote(void)
{
	EXPECT_ERROR("a,b\n\"x\"y,2\n", 2,
	    "unexpected character 'y' after a closing quote at column 4",
	    "1:[a|b]\n");
	EXPECT_ERROR("\"a\nb\" ,c\n", 2,
	    "unexpected byte 0x20 after a closing quote at column 3", "");
	/* the closing quote the last byte of sixteen, what follows it the
	 * first of the next */
	EXPECT_ERROR("\"aaaaaaaaaaaaaa\"x,b\n", 1,
	    "unexpected character 'x' after a closing quote at column 17", "");
	EXPECT_ERROR("\"aaaaaaaaaaaaaa\"\"b\",c\na,\"bbbbbbbbbbbb\"x\n", 2,
	    "unexpected character 'x' after a closing quote at column 17",
	    "1:[aaaaaaaaaaaaaa\"b|c]\n");
}

static void
test_quote_inside_unquoted_field(void)
{
	EXPECT_ERROR("a,b\nx\"y,2\n", 2,
	    "quote character in an unquoted field at column 2", "1:[a|b]\n");
}

static void
test_nul_byte(void)
{
	EXPECT_ERROR("a,b\nx\0y,2\n", 2, "NUL byte at column 2 (byte offset 5)",
	    "1:[a|b]\n");
	EXPECT_ERROR("\"a\0\"\n", 1, "NUL byte at column 3 (byte offset 2)",
	    "");
}

static void
test_invalid_utf8(void)
{
	EXPECT_ERROR("a\n\xC0\xAF\n", 2,
	    "invalid UTF-8 at column 1 (byte offset 2): overlong encoding",
	    "1:[a]\n");
	EXPECT_ERROR("a\nb,\xE0\x80\xAF\n", 2,
	    "invalid UTF-8 at column 3 (byte offset 4): overlong encoding",
	    "1:[a]\n");
	EXPECT_ERROR("\xF0\x8F\xBF\xBF\n", 1,
	    "invalid UTF-8 at column 1 (byte offset 0): overlong encoding",
	    "");
	EXPECT_ERROR("x,\"\xED\xA0\x80\"\n", 1,
	    "invalid UTF-8 at column 4 (byte offset 3): UTF-16 surrogate", "");
	EXPECT_ERROR("\xF4\x90\x80\x80\n", 1,
	    "invalid UTF-8 at column 1 (byte offset 0): "
	    "code point above U+10FFFF", "");
	EXPECT_ERROR("ab\xF5\x80\x80\x80\n", 1,
	    "invalid UTF-8 at column 3 (byte offset 2): "
	    "code point above U+10FFFF", "");
	EXPECT_ERROR("a,b\nab\xC3,x\n", 2,
	    "invalid UTF-8 at column 3 (byte offset 6): truncated sequence",
	    "1:[a|b]\n");
	EXPECT_ERROR("ab\xE2\x82", 1,
	    "invalid UTF-8 at column 3 (byte offset 2): truncated sequence",
	    "");
	EXPECT_ERROR("\x80", 1,
	    "invalid UTF-8 at column 1 (byte offset 0): "
	    "unexpected continuation byte 0x80", "");
	EXPECT_ERROR("a\xFF", 1,
	    "invalid UTF-8 at column 2 (byte offset 1): invalid byte 0xFF",
	    "");
}

static void
test_columns_count_after_bom_and_multiline_fields(void)
{
	/* The BOM is bytes 0-2: "a" is column 1 at offset 3. */
	EXPECT_ERROR("\xEF\xBB\xBF" "a\"b\n", 1,
	    "quote character in an unquoted field at column 2", "");
	/* Line 3 starts after the CRLF inside the quoted field. */
	EXPECT_ERROR("h\n\"x\r\ny\",\xC3\x28\n", 3,
	    "invalid UTF-8 at column 4 (byte offset 9): truncated sequence",
	    "1:[h]\n");
}

static void
test_error_is_sticky(void)
{
	const char data[] = "a\n\"b\"c\nd\n";
	FILE *fp = mem_file(data, sizeof(data) - 1);
	ecpr__csv *csv = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	size_t nf;

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "s.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), ECPR_EPARSE);
	ecpr_error_clear(&err);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_STRING_EQUAL(err.file, "s.csv");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "unexpected character 'c' after a closing quote at column 4");
	ecpr__csv_free(csv);
	fclose(fp);
}

static void
test_read_error_is_eio(void)
{
	FILE *fp = fopen("/dev/null", "w");
	ecpr__csv *csv = NULL;
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	size_t nf;

	CU_ASSERT_FATAL(fp != NULL);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "w.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), ECPR_EIO);
	CU_ASSERT_STRING_EQUAL(err.file, "w.csv");
	CU_ASSERT_STRING_EQUAL(err.message,
	    "read error: Bad file descriptor");
	ecpr__csv_free(csv);
	fclose(fp);
}

static void
test_free_accepts_null_and_new_rejects_null(void)
{
	ecpr__csv *csv = NULL;
	ecpr_error err = ECPR_ERROR_INIT;

	ecpr__csv_free(NULL);
	CU_ASSERT_EQUAL(ecpr__csv_new(&csv, NULL, "x", &err), ECPR_EINVAL);
	CU_ASSERT_PTR_NULL(csv);
}

/*
 * Only the kept fields are copied out, but every field is still read,
 * counted and checked: a syntax error in a field that is not kept is
 * reported with its line.
 */
static void
test_keep_copies_only_kept_fields(void)
{
	static const char data[] = "a,\"b,1\",c,d\nx,\"multi\nline\",z,w\n";
	static const char bad[] = "k1,v\nk2,ab\"c\n";
	static const unsigned char keep[] = { 1, 0, 1 };
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf;
	FILE *fp = mem_file(data, sizeof(data) - 1);

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "t.csv", &err), 0);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 4);
	CU_ASSERT_STRING_EQUAL(f[0], "a");
	CU_ASSERT_STRING_EQUAL(f[2], "c");
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 4);
	CU_ASSERT_EQUAL(ecpr__csv_line(csv), 2);
	CU_ASSERT_STRING_EQUAL(f[0], "x");
	CU_ASSERT_STRING_EQUAL(f[2], "z");
	/* keep NULL: every field again */
	ecpr__csv_keep(csv, NULL, 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 0);
	ecpr__csv_free(csv);
	fclose(fp);

	fp = mem_file(bad, sizeof(bad) - 1);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "t.csv", &err), 0);
	ecpr__csv_keep(csv, keep, 1);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 2);
	ecpr__csv_free(csv);
	fclose(fp);
}

/*
 * Fields are found in place: a record that runs past the end of what was
 * read (64 KiB) is read again whole after more.  The same record after
 * filler lines of every length from 65,480 to 65,535 bytes, so the end of
 * the first read falls in each of its parts: a quoted field with "" and
 * a line break, a two-byte and a three-byte UTF-8 character, CRLF.
 * Every field and its length come out the same, on the right line.
 */
static void
test_records_across_reads(void)
{
	static const char rec[] = "\"a\"\"b\",c\xC3\xA9,\"m\r\nl\",\xE2\x82\xAC\r\n"
	    "z,,\"\",q\n";
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	const size_t *len;
	ecpr__csv *csv = NULL;
	size_t fill, nf, i;
	char *data = malloc(65536 + sizeof(rec));

	CU_ASSERT_FATAL(data != NULL);
	for (fill = 65480; fill < 65536; fill++) {
		FILE *fp;

		memset(data, 'x', fill - 1);
		data[fill - 1] = '\n';
		memcpy(data + fill, rec, sizeof(rec) - 1);
		fp = mem_file(data, fill + sizeof(rec) - 1);
		CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "r.csv", &err), 0);
		CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL(nf, 1);
		CU_ASSERT_EQUAL(ecpr__csv_lengths(csv)[0], fill - 1);
		CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
		len = ecpr__csv_lengths(csv);
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), 2);
		CU_ASSERT_EQUAL_FATAL(nf, 4);
		CU_ASSERT_STRING_EQUAL(f[0], "a\"b");
		CU_ASSERT_STRING_EQUAL(f[1], "c\xC3\xA9");
		CU_ASSERT_STRING_EQUAL(f[2], "m\r\nl");
		CU_ASSERT_STRING_EQUAL(f[3], "\xE2\x82\xAC");
		for (i = 0; i < nf; i++)
			CU_ASSERT_EQUAL(len[i], strlen(f[i]));
		CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), 4);
		CU_ASSERT_EQUAL_FATAL(nf, 4);
		CU_ASSERT_STRING_EQUAL(f[0], "z");
		CU_ASSERT_STRING_EQUAL(f[1], "");
		CU_ASSERT_STRING_EQUAL(f[2], "");
		CU_ASSERT_STRING_EQUAL(f[3], "q");
		CU_ASSERT_EQUAL(ecpr__csv_offset(csv),
		    (long long)(fill + sizeof(rec) - 1));
		CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 0);
		ecpr__csv_free(csv);
		fclose(fp);
	}
	free(data);
}

/*
 * Fields after the last one kept are only counted (eight bytes at a
 * time), but a quoted field among them is still read through, and a
 * bad byte in them is still found at its column.
 */
static void
test_fields_after_the_kept_ones(void)
{
	static const char data[] = "k,a,b,c,d,e,f,g,h,i,j\n"
	    "k2,\"x,\"\"y\nv\",z,w,last\n"
	    "k3,aaaaaaaaaaaaaaaaaaaaaa,bb\xC3,c\n";
	static const unsigned char keep[] = { 1 };
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf;
	FILE *fp = mem_file(data, sizeof(data) - 1);

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "k.csv", &err), 0);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 11);
	CU_ASSERT_STRING_EQUAL(f[0], "k");
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	CU_ASSERT_EQUAL(nf, 5);
	CU_ASSERT_STRING_EQUAL(f[0], "k2");
	CU_ASSERT_EQUAL(ecpr__csv_line(csv), 2);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 4);
	CU_ASSERT_STRING_EQUAL(err.message, "invalid UTF-8 at column 29 (byte "
	    "offset 72): truncated sequence");
	ecpr__csv_free(csv);
	fclose(fp);
}

/* ecpr__csv_skim: 1 and whether the record starts as the one before. */
static int
skim(ecpr__csv *csv, size_t *nf, int *same)
{
	ecpr_error err = ECPR_ERROR_INIT;

	*nf = 0;
	*same = -1;
	return ecpr__csv_skim(csv, nf, same, &err);
}

/*
 * Pass 1's look at a record (ecpr__csv_skim): the number of fields, and
 * whether its bytes up to the end of the last field kept are those of
 * the record before ("a,b" then "a,b,x": yes; "a,bb": no; a record with
 * fewer fields than kept never is, nor the one after it); quoted fields
 * compared as they are written, to their closing quote ("r" then "r""":
 * no); the fields on demand (ecpr__csv_fields),
 * the same however often asked for; fields counted past sixteen bytes;
 * blank lines, CRLF, a BOM and a line break inside quotes as
 * ecpr__csv_next has them; an error after the bytes of the record before
 * at its line and column.
 */
static void
test_skim_compares_the_kept_fields(void)
{
	static const char data[] = "\xEF\xBB\xBF" "a,b,c,d\n"
	    "a,b,x\n"
	    "a,bb,x\n"
	    "a,bb\n"
	    "\"x,y\",\"q\"\"r\",z,\"w\nv\"\r\n"
	    "\"x,y\",\"q\"\"r\",1\n"
	    "\r\n\r\nk,l\r\n"
	    "k\n"
	    "k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,1,2,3,4\n"
	    "k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,1,2,3,4,5,6\n"
	    "q,\"r\",1\n"
	    "q,\"r\",2,3\n"
	    "q,\"r\"\"\",2\n"
	    "q,\"r\"\"\",\n"
	    "k,l,c\"d\n";
	static const struct {
		int same;
		size_t nf;
		unsigned long line;
	} want[] = {
		{ 0, 4, 1 }, { 1, 3, 2 }, { 0, 3, 3 }, { 1, 2, 4 }, { 0, 4, 5 },
		{ 1, 3, 7 }, { 0, 2, 10 }, { 0, 1, 11 }, { 0, 20, 12 },
		{ 1, 22, 13 }, { 0, 3, 14 }, { 1, 4, 15 }, { 0, 3, 16 },
		{ 1, 3, 17 },
	};
	static const unsigned char keep[] = { 1, 1 };
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf = 0, i;
	int same;
	FILE *fp = mem_file(data, sizeof(data) - 1);

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "s.csv", &err), 0);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(skim(csv, &nf, &same), 1);
		CU_ASSERT_EQUAL(same, want[i].same);
		CU_ASSERT_EQUAL(nf, want[i].nf);
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), want[i].line);
		if (i != 1 && i != 5 && i != 9 && i != 13)
			continue;
		/* unescaped once, whatever the number of calls */
		CU_ASSERT_EQUAL(ecpr__csv_fields(csv, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL(ecpr__csv_fields(csv, &f, &nf, &err), 1);
		CU_ASSERT_EQUAL_FATAL(nf, want[i].nf);
		CU_ASSERT_STRING_EQUAL(f[0], i == 5 ? "x,y" : i == 9 ? "k" :
		    i == 13 ? "q" : "a");
		CU_ASSERT_STRING_EQUAL(f[1], i == 5 ? "q\"r" : i == 9 ? "l" :
		    i == 13 ? "r\"" : "b");
		CU_ASSERT_EQUAL(ecpr__csv_lengths(csv)[1], i == 5 ? 3 :
		    i == 13 ? 2 : 1);
		CU_ASSERT_STRING_EQUAL(f[nf - 1], "");
	}
	CU_ASSERT_EQUAL(ecpr__csv_skim(csv, &nf, &same, &err), ECPR_EPARSE);
	CU_ASSERT_EQUAL(err.line, 18);
	CU_ASSERT_STRING_EQUAL(err.message,
	    "quote character in an unquoted field at column 6");
	ecpr__csv_free(csv);
	fclose(fp);
}

/*
 * 10,000 records starting with the same key across several reads of
 * 64 KiB, ending at every offset of a read: each is the same as the one
 * before, on its line, with its number of fields and its key field.
 */
static void
test_skim_across_reads(void)
{
	static const unsigned char keep[] = { 1 };
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf, o = 0, i;
	int same;
	char *data = malloc(200000);
	FILE *fp;

	CU_ASSERT_FATAL(data != NULL);
	for (i = 0; i < 10000; i++)
		o += (size_t)sprintf(data + o, "k1,v,%zu%s\n", i,
		    i % 3 ? "" : ",w");
	fp = mem_file(data, o);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "r.csv", &err), 0);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	for (i = 0; i < 10000; i++) {
		CU_ASSERT_EQUAL_FATAL(skim(csv, &nf, &same), 1);
		CU_ASSERT_EQUAL(same, i > 0);
		CU_ASSERT_EQUAL(nf, i % 3 ? 3 : 4);
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), i + 1);
		if (i % 997 == 0) {
			CU_ASSERT_EQUAL(ecpr__csv_fields(csv, &f, &nf, &err),
			    1);
			CU_ASSERT_STRING_EQUAL(f[0], "k1");
			CU_ASSERT_STRING_EQUAL(f[1], "");
		}
	}
	CU_ASSERT_EQUAL(skim(csv, &nf, &same), 0);
	ecpr__csv_free(csv);
	fclose(fp);
	free(data);
}

/*
 * Records that turn out not to be plain after some of their fields (a
 * quote, a CR, a byte above 0x7f late in the line, after more than
 * sixteen fields, on both sides of a sixteen-byte boundary): read as
 * they were written, the fields cut at their commas put back.
 */
static void
test_plain_then_not(void)
{
	PARSE_OK("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,\"s,t\"\n1,2\n",
	    "1:[a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q|r|s,t]\n2:[1|2]\n");
	PARSE_OK("aaaaaaaaaaaaaa,b\r\nc,d\n", "1:[aaaaaaaaaaaaaa|b]\n2:[c|d]\n");
	PARSE_OK("aaaaaaaaaaaaaaa,\"b\"\nc\n", "1:[aaaaaaaaaaaaaaa|b]\n2:[c]\n");
	PARSE_OK("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,"
	    "23,24,25,26,27,28,29,30,31,32,33,34,M\xC3\xBCnchen\n,x\n",
	    "1:[1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|"
	    "23|24|25|26|27|28|29|30|31|32|33|34|M\xC3\xBCnchen]\n2:[|x]\n");
}

/* Whether the record returned last of data has a field with a blank at
 * an end, as ecpr__csv_blanks tells (0: surely not). */
static int
blanks_of(const char *data)
{
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf;
	int rc;
	FILE *fp = mem_file(data, strlen(data));

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "b.csv", &err), 0);
	CU_ASSERT_EQUAL(ecpr__csv_next(csv, &f, &nf, &err), 1);
	rc = ecpr__csv_blanks(csv);
	ecpr__csv_free(csv);
	fclose(fp);
	return rc;
}

/*
 * A blank (space or tab) at either end of any value is seen, on both
 * sides of a sixteen-byte boundary, inside quotes too; blanks inside
 * values are not ends; a record read byte by byte (a CR inside quotes)
 * is never said to have none.
 */
static void
test_blanks_at_field_ends(void)
{
	static const struct {
		const char *rec;
		int blanks;
	} c[] = {
		{ "a,b,c\n", 0 }, { "a b,c d e,f\tg\n", 0 },
		{ " a,b\n", 1 }, { "a ,b\n", 1 }, { "a,\tb\n", 1 },
		{ "a,b\t\n", 1 }, { "aaaaaaaaaaaaaaa ,b\n", 1 },
		{ "aaaaaaaaaaaaaa, b\n", 1 }, { "aaaaaaaaaaaaaaa, b\n", 1 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \n", 1 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n b\n", 0 },
		{ "\"a\",b\n", 0 }, { "\" a\",b\n", 1 }, { "\"a \",b\n", 1 },
		{ "x,\"a\"\n", 0 }, { "x,\"a\t\"\n", 1 },
		{ "x,\"a\"\"\t\"\n", 1 }, { "x,\"a b\",\"\"\n", 0 },
		{ "aaaaaaaaaaaaaa,\" b\"\n", 1 },
		{ "aaaaaaaaaaaaa,\"b \"\n", 1 },
		{ "\"a\rb\",c\n", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CU_ASSERT_EQUAL(blanks_of(c[i].rec), c[i].blanks);
}

/*
 * Pass 1's runs (ecpr__csv_skim_same): after a record skimmed, the plain
 * records with its bytes up to its last field kept, a comma and as many
 * fields are passed over at once, across reads of 64 KiB, quoted fields
 * UTF-8 and CRLF line ends too; the run stops before a record with
 * another number of fields, a line break inside quotes, a lone CR, a
 * blank line, a longer key or no LF, which ecpr__csv_skim reads as
 * usual; lines and
 * the fields of the last one passed over are as if each had been
 * skimmed.
 */
static void
test_skim_runs(void)
{
	static const unsigned char keep[] = { 1, 1 };
	/* after the 6,000: a record that stops a run, or records a run
	 * passes over, and the line of the last */
	static const struct {
		const char *rec;
		size_t nf;          /* 0: records a run passes over */
		size_t run;         /* how many */
		unsigned long adv;  /* lines on to ecpr__csv_line */
	} tail[] = {
		{ "a,b,1,2,3\n", 5, 0, 1 },
		{ "a,b,x,y\na,b,\"1,5\",\"\"\"q\"\"\"\n", 0, 2, 2 },
		{ "a,b,\"1\n2\",2\n", 4, 0, 1 }, { "a,b,x,y\n", 0, 1, 2 },
		{ "a,b,1,2\r", 4, 0, 1 },
		{ "a,b,x,y\r\na,b,\"z\",w\r\n", 0, 2, 2 },
		{ "a,b,1,2,3\n", 5, 0, 1 },
		{ "a,b,x,y\na,b,M\xC3\xBCnchen,\"\xE2\x82\xAC\"\n", 0, 2, 2 },
		{ "a,b,\"1\r2\",2\n", 4, 0, 1 }, { "a,b,x,y\n", 0, 1, 2 },
		{ "a,b,1,2,3\n", 5, 0, 1 },
		/* CR the last byte of the sixteen after the key's comma */
		{ "a,b,x,yyyyyyyyyyyyy\r\na,b,x,yyyyyyyyyyyyy\r\n", 0, 2, 2 },
		{ "a,b,x,yyyyyyyyyyyyy\r", 4, 0, 1 }, { "a,b,x,y\n", 0, 1, 1 },
		{ "\na,b,x,y\n", 4, 0, 2 },
		{ "a,bc,1,2\n", 4, 0, 1 }, { "a,bc,x,y\n", 0, 1, 1 },
		{ "a,bc,1,2", 4, 0, 1 },
	};
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf, o = 0, i, run, got = 0, n = 6000, runs = 0;
	unsigned long line = 1;
	int same;
	char *data = malloc(400000);
	FILE *fp;

	CU_ASSERT_FATAL(data != NULL);
	o += (size_t)sprintf(data, "a,b,first,0\n");
	for (i = 0; i < n; i++)
		o += (size_t)sprintf(data + o, "a,b,%zu,value %zu\n",
		    i * 7919, i);
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		o += (size_t)sprintf(data + o, "%s", tail[i].rec);
	fp = mem_file(data, o);
	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "r.csv", &err), 0);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	CU_ASSERT_EQUAL(ecpr__csv_skim_same(csv, 4), 0); /* none yet */
	CU_ASSERT_EQUAL_FATAL(skim(csv, &nf, &same), 1);
	CU_ASSERT_EQUAL(ecpr__csv_line(csv), 1);
	/* the 6,000: runs to the end of each read, then one skimmed */
	while (got < n) {
		run = ecpr__csv_skim_same(csv, 4);
		got += run;
		line += run;
		CU_ASSERT_EQUAL_FATAL(ecpr__csv_line(csv), line);
		if (run > 0) {
			runs++;
			CU_ASSERT_EQUAL(ecpr__csv_fields(csv, &f, &nf, &err),
			    1);
			CU_ASSERT_EQUAL(nf, 4);
			CU_ASSERT_STRING_EQUAL(f[0], "a");
			CU_ASSERT_STRING_EQUAL(f[1], "b");
		}
		if (got == n)
			break;
		CU_ASSERT_EQUAL_FATAL(skim(csv, &nf, &same), 1);
		CU_ASSERT_EQUAL(same, 1);
		CU_ASSERT_EQUAL(nf, 4);
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), ++line);
		got++;
	}
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT(runs >= 2 && runs < 20);
	for (i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
		line += tail[i].adv;
		if (tail[i].nf == 0) {
			CU_ASSERT_EQUAL(ecpr__csv_skim_same(csv, 4),
			    tail[i].run);
		} else {
			CU_ASSERT_EQUAL(ecpr__csv_skim_same(csv, 4), 0);
			CU_ASSERT_EQUAL_FATAL(skim(csv, &nf, &same), 1);
			CU_ASSERT_EQUAL(nf, tail[i].nf);
			CU_ASSERT_EQUAL(same, i != 15);
		}
		CU_ASSERT_EQUAL(ecpr__csv_line(csv), line);
	}
	CU_ASSERT_EQUAL(ecpr__csv_skim_same(csv, 4), 0);
	CU_ASSERT_EQUAL(skim(csv, &nf, &same), 0);
	ecpr__csv_free(csv);
	fclose(fp);
	free(data);
}

/* ------------------------------------------------------------------ */
/* The vector paths against csv_scan (byte by byte), on random input   */
/* ------------------------------------------------------------------ */

static unsigned
rnd(unsigned *seed, unsigned n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % n;
}

/* Append a random field: unquoted or quoted, with the pieces the vector
 * paths read (blanks, "", commas and line breaks inside quotes, UTF-8,
 * runs across sixteen bytes, UTF-8 of two to four bytes) and, with bad,
 * some they leave to csv_scan (a quote inside an unquoted field, a
 * character after a closing quote, a NUL, UTF-8 that is not: a lone
 * lead byte, U+FEFF, a surrogate, an overlong form, above U+10FFFF, a
 * lone continuation byte, a byte never in UTF-8). */
static size_t
rnd_field(unsigned *seed, char *o, int bad)
{
	static const char *const plain[] = { "a", "bc", "xyz", " ", "\t",
		"M\xC3\xBC", "0123456789abcdef", "k", "\xE2\x82\xAC",
		"\xF0\x9F\x98\x80", "abcdefghijklmn\xC3\xA9" };
	static const char *const inq[] = { "a", ", ", "\"\"", " ", "\t",
		"\n", "\r\n", "0123456789abcdef", "b,c", "\xC3\xA9\"\"" };
	size_t n = 0, k = rnd(seed, 6), i;
	int quoted = rnd(seed, 3) == 0;

	if (quoted)
		o[n++] = '"';
	for (i = 0; i < k; i++) {
		const char *p = quoted ? inq[rnd(seed, 10)] :
		    plain[rnd(seed, 11)];

		n += (size_t)sprintf(o + n, "%s", p);
	}
	if (bad && rnd(seed, 30) == 0) {
		/* inside the field, or after its closing quote */
		static const char *const odd[] = { "\"", "x", "\xC3",
			"\xEF\xBB\xBF", "\xED\xA0\x80", "\xC0\xAF",
			"\xF4\x90\x80\x80", "\xBF", "\xF8" };

		if (quoted && rnd(seed, 2))
			o[n++] = '"';
		n += (size_t)sprintf(o + n, "%s", odd[rnd(seed, 9)]);
	}
	if (quoted && o[n - 1] != '"')
		o[n++] = '"';
	else if (quoted && n == 1)
		o[n++] = '"';
	if (bad && rnd(seed, 200) == 0)
		o[n++] = '\0';
	return n;
}

/* A random document of n records: keys from a few (so that runs of one
 * key come), 1 to 8 fields, LF, CRLF or a lone CR, some blank lines,
 * the last line end left out at times. */
static size_t
rnd_doc(unsigned *seed, char *o, size_t n, int bad)
{
	static const char *const keys[] = { "k1,v", "\"k,2\",v", "k1,w",
		"\"k\"\"3\",\"v\"" };
	size_t len = 0, i, j, nf;

	for (i = 0; i < n; i++) {
		if (rnd(seed, 3) != 0) {
			len += (size_t)sprintf(o + len, "%s", keys[rnd(seed, 4)]);
			nf = rnd(seed, 7);
			for (j = 0; j < nf; j++) {
				o[len++] = ',';
				len += rnd_field(seed, o + len, bad);
			}
		} else {
			nf = 1 + rnd(seed, 8);
			for (j = 0; j < nf; j++) {
				if (j > 0)
					o[len++] = ',';
				len += rnd_field(seed, o + len, bad);
			}
		}
		if (i + 1 < n || rnd(seed, 2)) {
			static const char *const ends[] = { "\n", "\n", "\n",
				"\n", "\r\n", "\r\n", "\r" };

			len += (size_t)sprintf(o + len, "%s", ends[rnd(seed, 7)]);
			if (rnd(seed, 30) == 0)
				o[len++] = '\n';
		}
	}
	return len;
}

/* Every record of data as "LINE:NF:[len:bytes|...]", then the end or
 * the error; with vector paths, a record said to have no blank at the
 * end of a field must have none. */
static void
dump_all(const char *data, size_t len, int bytewise, char *out,
    size_t cap)
{
	FILE *fp = mem_file(data, len);
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	const size_t *fl;
	ecpr__csv *csv = NULL;
	size_t nf, i, o = 0;
	int rc;

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "d.csv", &err), 0);
	ecpr__csv_bytewise(csv, bytewise);
	while ((rc = ecpr__csv_next(csv, &f, &nf, &err)) == 1 &&
	    o < cap - 4096) {
		fl = ecpr__csv_lengths(csv);
		o += (size_t)snprintf(out + o, cap - o, "%lu:%zu:[",
		    ecpr__csv_line(csv), nf);
		for (i = 0; i < nf; i++) {
			o += (size_t)snprintf(out + o, cap - o, "%zu:", fl[i]);
			memcpy(out + o, f[i], fl[i]);
			o += fl[i];
			out[o++] = '|';
			CU_ASSERT_EQUAL(strlen(f[i]), fl[i]);
			if (!ecpr__csv_blanks(csv) && fl[i] > 0)
				CU_ASSERT(f[i][0] != ' ' && f[i][0] != '\t' &&
				    f[i][fl[i] - 1] != ' ' &&
				    f[i][fl[i] - 1] != '\t');
		}
		o += (size_t)snprintf(out + o, cap - o, "]\n");
	}
	snprintf(out + o, cap - o, "end %d %lu %s\n", rc, err.line,
	    err.message);
	ecpr__csv_free(csv);
	fclose(fp);
}

/*
 * 600 random documents of 40 records, half with some input the vector
 * paths leave to csv_scan, read by all with the vector paths and byte by
 * byte: the same text.
 */
static void
check_as_bytewise(void (*all)(const char *, size_t, int, char *, size_t),
    unsigned seed)
{
	char *doc = malloc(65536), *a = malloc(1 << 20), *b = malloc(1 << 20);
	size_t d, len, same = 0;

	CU_ASSERT_FATAL(doc != NULL && a != NULL && b != NULL);
	for (d = 0; d < 600; d++) {
		len = rnd_doc(&seed, doc, 40, (int)(d & 1));
		all(doc, len, 0, a, 1 << 20);
		all(doc, len, 1, b, 1 << 20);
		CU_ASSERT_STRING_EQUAL(a, b);
		same += strcmp(a, b) == 0;
	}
	CU_ASSERT_EQUAL(same, 600);
	free(doc);
	free(a);
	free(b);
}

/* Every record, line, field, error and its line the same. */
static void
test_vector_paths_read_as_bytewise(void)
{
	check_as_bytewise(dump_all, 2026);
}

/* Pass 1's look at every record of data (keep: the first two fields):
 * "LINE:NF:SAME:KEY" per record, runs of ecpr__csv_skim_same given
 * record by record; then the end or the error. */
static void
skim_all(const char *data, size_t len, int bytewise, char *out,
    size_t cap)
{
	static const unsigned char keep[] = { 1, 1 };
	FILE *fp = mem_file(data, len);
	ecpr_error err = ECPR_ERROR_INIT;
	const char *const *f;
	ecpr__csv *csv = NULL;
	size_t nf = 0, o = 0, run, i;
	unsigned long line;
	int rc, same;
	char key[256] = "";

	CU_ASSERT_EQUAL_FATAL(ecpr__csv_new(&csv, fp, "d.csv", &err), 0);
	ecpr__csv_bytewise(csv, bytewise);
	ecpr__csv_keep(csv, keep, sizeof(keep));
	for (;;) {
		run = nf > 2 ? ecpr__csv_skim_same(csv, nf) : 0;
		line = ecpr__csv_line(csv);
		for (i = 0; i < run; i++)
			o += (size_t)snprintf(out + o, cap - o, "%lu:%zu:1:%s\n",
			    line - run + 1 + i, nf, key);
		if ((rc = ecpr__csv_skim(csv, &nf, &same, &err)) != 1 ||
		    o > cap - 4096)
			break;
		if (!same) {
			CU_ASSERT_EQUAL(ecpr__csv_fields(csv, &f, &nf, &err), 1);
			snprintf(key, sizeof(key), "%s/%s", f[0],
			    nf > 1 ? f[1] : "-");
		}
		o += (size_t)snprintf(out + o, cap - o, "%lu:%zu:%d:%s\n",
		    ecpr__csv_line(csv), nf, same, key);
	}
	snprintf(out + o, cap - o, "end %d %lu %s\n", rc, err.line,
	    err.message);
	ecpr__csv_free(csv);
	fclose(fp);
}

/* Through pass 1's skim and runs: the same records, lines, numbers of
 * fields, keys and errors. */
static void
test_vector_skim_as_bytewise(void)
{
	/* bad UTF-8 in a record a run would pass over: inside quotes, in
	 * a plain field, across sixteen bytes */
	static const char *const docs[] = {
		"k1,v,x,y\nk1,v,\"\xC3\",y\n",
		"k1,v,x,y\nk1,v,\"\xEF\xBB\xBF\",y\n",
		"k1,v,x,y\nk1,v,x\xED\xA0\x80,y\n",
		"k1,v,x,y\nk1,v,aaaaaaaaaaaaa\xE2\x82,y\n",
		"k1,v,x,y\nk1,v,aaaaaaaaaaaaa\xE2\x82\xAC,y\n",
	};
	char a[8192], b[8192];
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		skim_all(docs[i], strlen(docs[i]), 0, a, sizeof(a));
		skim_all(docs[i], strlen(docs[i]), 1, b, sizeof(b));
		CU_ASSERT_STRING_EQUAL(a, b);
	}
	check_as_bytewise(skim_all, 1203);
}

static CU_TestInfo framing_tests[] = {
	{ "simple records with a final newline",
	    test_simple_records_with_final_newline },
	{ "the final line end is optional", test_final_line_end_is_optional },
	{ "empty input has no records", test_empty_input_has_no_records },
	{ "a BOM is skipped and CRLF accepted",
	    test_bom_is_skipped_and_crlf_accepted },
	{ "a BOM is only special at the start", test_bom_only_at_the_start },
	{ "LF, CRLF and a lone CR end records",
	    test_lf_crlf_and_lone_cr_end_records },
	{ "blank lines are not records", test_blank_lines_are_not_records },
	{ "quoted fields hold commas and quotes",
	    test_quoted_fields_with_commas_and_quotes },
	{ "quoted fields hold line breaks",
	    test_quoted_fields_with_line_breaks },
	{ "empty fields", test_empty_fields },
	{ "spaces are kept", test_spaces_are_kept },
	{ "valid UTF-8 passes", test_valid_utf8_passes },
	{ "a very long field spans blocks",
	    test_very_long_field_spans_blocks },
	{ "a UTF-8 sequence across a block boundary",
	    test_utf8_sequence_across_block_boundary },
	{ "a record with 1000 fields", test_many_fields },
	{ "offset of the next record", test_offset_of_next_record },
	{ "free accepts NULL, new rejects a NULL stream",
	    test_free_accepts_null_and_new_rejects_null },
	{ "keep copies only kept fields", test_keep_copies_only_kept_fields },
	{ "records across reads", test_records_across_reads },
	{ "fields after the kept ones", test_fields_after_the_kept_ones },
	{ "skim compares the kept fields",
	    test_skim_compares_the_kept_fields },
	{ "skim across reads", test_skim_across_reads },
	{ "skim runs of records", test_skim_runs },
	{ "plain up to a point, then not", test_plain_then_not },
	{ "blanks at the ends of fields", test_blanks_at_field_ends },
	{ "vector paths read as byte by byte",
	    test_vector_paths_read_as_bytewise },
	{ "pass 1 with vectors as byte by byte",
	    test_vector_skim_as_bytewise },
	CU_TEST_INFO_NULL,
};

static CU_TestInfo error_tests[] = {
	{ "an unterminated quote", test_unterminated_quote },
	{ "a character after a closing quote",
	    test_character_after_closing_quote },
	{ "a quote inside an unquoted field",
	    test_quote_inside_unquoted_field },
	{ "a NUL byte", test_nul_byte },
	{ "invalid UTF-8", test_invalid_utf8 },
	{ "columns count after a BOM and multi-line fields",
	    test_columns_count_after_bom_and_multiline_fields },
	{ "an error is sticky", test_error_is_sticky },
	{ "a read error is ECPR_EIO", test_read_error_is_eio },
	CU_TEST_INFO_NULL,
};

/* Fields written for one fwrite: as they are, or quoted (a quote
 * doubled) when they hold , " CR or LF; 0 when buf is too small, at the
 * byte (a plain field needs its length + 1, a quoted one 2n + 3). */
static void
test_write_fields(void)
{
	const char *plain[] = { "a", "bc", "" };
	const char *quoted[] = { "x,y", "say \"hi\"", "l1\nl2", "cr\r", "z" };
	const char *one[] = { "abcd" }, *comma[] = { "a,b" };
	char buf[128];
	size_t n;

	n = prog_csv_fields(buf, sizeof(buf), plain, 3, 1);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_NSTRING_EQUAL(buf, "a,bc,\n", 6);
	n = prog_csv_fields(buf, sizeof(buf), plain, 3, 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_NSTRING_EQUAL(buf, "a,bc,,", 6);
	n = prog_csv_fields(buf, sizeof(buf), quoted, 5, 1);
	CU_ASSERT_EQUAL(n, 35);
	CU_ASSERT_NSTRING_EQUAL(buf, "\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\","
	    "\"cr\r\",z\n", 35);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 0, one, 1, 1), 0);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 4, one, 1, 1), 0);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 5, one, 1, 1), 5);
	CU_ASSERT_NSTRING_EQUAL(buf, "abcd\n", 5);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 8, comma, 1, 0), 0);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 9, comma, 1, 0), 6);
	CU_ASSERT_NSTRING_EQUAL(buf, "\"a,b\",", 6);
	/* the second field does not fit: 0 for them all */
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 7, plain + 1, 2, 1), 4);
	CU_ASSERT_EQUAL(prog_csv_fields(buf, 3, plain + 1, 2, 1), 0);
}

/* prog_csv_put: fields longer than its buffer (256 bytes), plain and
 * quoted, written whole. */
static void
test_write_long_fields(void)
{
	char plain[301], quoted[301], expect[1024], *got, *p;
	FILE *fp = tmpfile();
	size_t i, len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	for (i = 0; i < 300; i++) {
		plain[i] = (char)('a' + i % 26);
		quoted[i] = i % 7 == 3 ? '"' : i % 11 == 5 ? ',' : 'q';
	}
	plain[300] = quoted[300] = '\0';
	prog_csv_put(fp, "short", 0);
	prog_csv_put(fp, plain, 0);
	prog_csv_put(fp, quoted, 1);
	p = expect + sprintf(expect, "short,%s,\"", plain);
	for (i = 0; i < 300; i++) {
		if (quoted[i] == '"')
			*p++ = '"';
		*p++ = quoted[i];
	}
	strcpy(p, "\"\n");
	len = (size_t)ftell(fp);
	CU_ASSERT_EQUAL(len, strlen(expect));
	got = calloc(1, len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	rewind(fp);
	CU_ASSERT_EQUAL(fread(got, 1, len, fp), len);
	CU_ASSERT_STRING_EQUAL(got, expect);
	free(got);
	fclose(fp);
}

static CU_TestInfo write_tests[] = {
	{ "fields for one write", test_write_fields },
	{ "fields longer than the buffer", test_write_long_fields },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "csv framing", NULL, NULL, NULL, NULL, framing_tests },
	{ "csv errors", NULL, NULL, NULL, NULL, error_tests },
	{ "csv writing (progutil)", NULL, NULL, NULL, NULL, write_tests },
	CU_SUITE_INFO_NULL,
};

int
main(void)
{
	return cu_run(suites);
}
