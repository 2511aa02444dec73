/*
 * cu_main.c - the shared CUnit runner
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cu_main.h"

int
cu_run(CU_SuiteInfo *suites)
{
	unsigned int failed, ran;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "cannot register suites: %s\n",
		    CU_get_error_msg());
		CU_cleanup_registry();
		return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	/* CU_basic_run_tests returns success even when assertions fail. */
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed()
	    + CU_get_number_of_tests_failed();
	ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (ran == 0) {
		fprintf(stderr, "no test was run\n");
		return 99;
	}
	return failed ? 1 : 0;
}

const char *
cu_data(const char *name)
{
	static char path[4096];
	const char *dir = getenv("ECPR_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data", name);
	return path;
}

const char *
cu_template(const char *name)
{
	static char path[4096];
	const char *dir = getenv("ECPR_SRCDIR");

	snprintf(path, sizeof(path), "%s/templates/%s", dir ? dir : ".",
	    name);
	return path;
}

char *
cu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = malloc(4096);

	if (dir == NULL)
		abort();
	snprintf(dir, 4096, "%s/ecprtest.XXXXXX", base ? base : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return dir;
}

void
cu_rmtree(const char *dir)
{
	char cmd[4200];

	if (dir == NULL || strstr(dir, "ecprtest.") == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

char *
cu_write_file(const char *dir, const char *name, const char *text)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = malloc(n);
	FILE *fp;

	if (path == NULL)
		abort();
	snprintf(path, n, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(text, 1, strlen(text), fp) != strlen(text)
	    || fclose(fp) != 0) {
		perror(path);
		abort();
	}
	return path;
}

char *
cu_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);
			if (nb == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		r = fread(buf + n, 1, cap - n - 1, fp);
		n += r;
		if (r == 0)
			break;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int
cu_tool(char **out, char **err, const char *prog, ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int n = 0, rc;

	argv[n++] = strdup(prog);
	va_start(ap, prog);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = strdup(a);
	va_end(ap);
	argv[n] = NULL;
	rc = cu_run_tool(argv, NULL, out, err);
	while (n-- > 0)
		free(argv[n]);
	return rc;
}

int
cu_run_tool(char *const argv[], const char *stdin_path, char **out,
    char **err)
{
	char *dir = cu_tmpdir();
	char opath[4200], epath[4200], prog[4200];
	const char *bin = getenv("ECPR_BIN");
	int status = -1;
	pid_t pid;

	snprintf(opath, sizeof(opath), "%s/stdout", dir);
	snprintf(epath, sizeof(epath), "%s/stderr", dir);
	/* Our tools from the build tree; any other name from $PATH. */
	if (strchr(argv[0], '/') == NULL && bin != NULL &&
	    strncmp(argv[0], "ecpr-", 5) == 0)
		snprintf(prog, sizeof(prog), "%s/%s", bin, argv[0]);
	else
		snprintf(prog, sizeof(prog), "%s", argv[0]);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
		int o = open(opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (in < 0 || o < 0 || e < 0)
			_exit(126);
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execvp(prog, argv);
		_exit(127);
	}
	if (pid > 0) {
		int st;

		if (waitpid(pid, &st, 0) == pid)
			status = WIFEXITED(st) ? WEXITSTATUS(st)
					       : 128 + WTERMSIG(st);
	}
	if (out)
		*out = cu_read_file(opath, NULL);
	if (err)
		*err = cu_read_file(epath, NULL);
	cu_rmtree(dir);
	free(dir);
	return status;
}
