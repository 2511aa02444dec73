/* fuzz_util.c - the scratch file and the invariant check of the targets */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char scratch[4096];

static void
remove_scratch(void)
{
	if (scratch[0] != '\0')
		unlink(scratch);
}

const char *
fuzz_file(const uint8_t *data, size_t size)
{
	FILE *fp;

	if (scratch[0] == '\0') {
		const char *dir = getenv("TMPDIR");
		int fd;

		snprintf(scratch, sizeof(scratch), "%s/ecpr-fuzz-XXXXXX",
		    dir != NULL && dir[0] != '\0' ? dir : "/tmp");
		if ((fd = mkstemp(scratch)) < 0) {
			scratch[0] = '\0';
			return NULL;
		}
		close(fd);
		atexit(remove_scratch);
	}
	if ((fp = fopen(scratch, "wb")) == NULL)
		return NULL;
	if ((size > 0 && fwrite(data, 1, size, fp) != size) ||
	    fclose(fp) != 0)
		return NULL;
	return scratch;
}

void
fuzz_fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz: %s (input of %zu bytes: %.*s)\n", what, size,
	    (int)(size < 200 ? size : 200), (const char *)data);
	abort();
}
