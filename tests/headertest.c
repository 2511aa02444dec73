/*
 * headertest.c - the public headers of every wing compile with -std=c99
 * -pedantic, each first in the list it could be included from (a wing
 * header brings in what it builds on), and link with the core alone.
 */
#include <ecpr_render.h>
#include <ecpr_db.h>
#include <ecpr_odm.h>
#include <ecpr_timeline.h>
#include <ecpr.h>
#include <stdio.h>
#include <string.h>

int
main(void)
{
	ecpr_error err = ECPR_ERROR_INIT;

	ecpr_error_clear(&err);
	if (strcmp(ecpr_version(), ECPR_VERSION_STRING) != 0) {
		fprintf(stderr, "header %s, library %s\n", ECPR_VERSION_STRING,
		    ecpr_version());
		return 1;
	}
	printf("1 passed, 0 failed\n");
	return 0;
}
