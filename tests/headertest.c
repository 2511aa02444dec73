/* headertest.c - the public header compiles alone with -std=c99 -pedantic */
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
