/*
 * replay.c - a main for a fuzz target without libFuzzer: runs every file
 * of the target's corpus once (make check), or the files and directories
 * given as arguments.  FUZZ_NAME is the target's name ("csv").
 * Exit 0, or 99 when the corpus cannot be read.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

/* Run path, or each regular file in it (sorted: the same order each time). */
static int
run_path(const char *path, size_t *count)
{
	struct dirent **ents;
	struct stat st;
	int i, n, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	if ((n = scandir(path, &ents, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", path, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && stat(p, &st) == 0 &&
		    S_ISREG(st.st_mode) && rc == 0) {
			(*count)++;
			rc = run_file(p);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
main(int argc, char **argv)
{
	char dir[4096];
	const char *src = getenv("ECPR_SRCDIR");
	size_t count = 0;
	int i;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (run_path(argv[i], &count) != 0)
				return 99;
	} else {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s",
		    src != NULL ? src : ".", FUZZ_NAME);
		if (run_path(dir, &count) != 0)
			return 99;
	}
	if (count == 0) {
		fprintf(stderr, "fuzz-%s: no inputs\n", FUZZ_NAME);
		return 99;
	}
	printf("fuzz-%s: %zu inputs replayed\n", FUZZ_NAME, count);
	return 0;
}
