/* cu_main.h - the shared CUnit runner and test helpers */
#ifndef ECPR_CU_MAIN_H
#define ECPR_CU_MAIN_H

#include <CUnit/CUnit.h>

/*
 * Run the suites with CUnit's basic interface and return an Automake test
 * status: 0 all passed, 1 a failure, 99 a hard error (including no test
 * run at all).
 */
int cu_run(CU_SuiteInfo *suites);

/* Path of a file in tests/data ($ECPR_TEST_DATA), in a static buffer. */
const char *cu_data(const char *name);

/* Path of a file in templates/ ($ECPR_SRCDIR), in a static buffer. */
const char *cu_template(const char *name);

/* A new temporary directory (removed by cu_rmtree); aborts on failure. */
char *cu_tmpdir(void);
void cu_rmtree(const char *dir);

/* Write text to dir/name and return the path (malloc'd). */
char *cu_write_file(const char *dir, const char *name, const char *text);

/* Read a whole file (malloc'd, NUL-terminated) or NULL. */
char *cu_read_file(const char *path, size_t *len);

#endif

/*
 * Run a program (argv[0] is looked up in $ECPR_BIN when it has no '/',
 * so "ecpr-table" runs the freshly built tool) with standard input from
 * stdin_path (NULL: /dev/null).  Captures standard output and standard
 * error into *out and *err (malloc'd, NUL-terminated; either may be NULL
 * to discard).  Returns the exit status, or 128+signal, or -1 if it
 * could not run.
 */
int cu_run_tool(char *const argv[], const char *stdin_path, char **out,
    char **err);

/* cu_run_tool of prog and the arguments that follow, up to NULL (at most
 * 30). */
int cu_tool(char **out, char **err, const char *prog, ...);
