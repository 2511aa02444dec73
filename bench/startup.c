/*
 * startup.c - how long a short command takes, how much memory it holds
 * and which shared objects it loads (issue 9's targets for ecpr-table)
 *
 * usage: startup [-n RUNS] [-w LIBS] -- COMMAND [ARG...]
 *
 * Runs COMMAND RUNS times (default 200; output to /dev/null), then prints
 * one line: the median and mean wall time per run in milliseconds, the
 * largest peak RSS of a run (wait4's ru_maxrss) in MiB, and how many
 * shared objects the last extra run loaded (LD_DEBUG=files: every object
 * the dynamic linker initialised, dlopen()ed ones included).  With
 * -w LIBS (a comma-separated list of names such as libpq,libcairo) it
 * prints the loaded objects whose names start with one of them and exits
 * 1 when there is any.  Exit 2 when a run fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { DEFAULT_RUNS = 200, MAX_OBJECTS = 256, LINE_MAX_LEN = 4096 };

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Run argv once; stdout to /dev/null, stderr to errfd (-1: /dev/null). */
static int
run(char **argv, int errfd, long *maxrss_kib)
{
	struct rusage ru;
	pid_t pid;
	int status;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0)
			_exit(127);
		dup2(null, 0);
		dup2(null, 1);
		dup2(errfd >= 0 ? errfd : null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	if (ru.ru_maxrss > *maxrss_kib)
		*maxrss_kib = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The base name of an object in an LD_DEBUG "calling init: PATH" line. */
static const char *
init_object(const char *line)
{
	const char *p = strstr(line, "calling init: ");
	const char *slash;

	if (p == NULL)
		return NULL;
	p += strlen("calling init: ");
	slash = strrchr(p, '/');
	return slash != NULL ? slash + 1 : p;
}

static int
watched(const char *obj, const char *watch)
{
	const char *w = watch;

	while (w != NULL && *w != '\0') {
		const char *comma = strchr(w, ',');
		size_t len = comma != NULL ? (size_t)(comma - w) : strlen(w);

		if (len > 0 && strncmp(obj, w, len) == 0)
			return 1;
		w = comma != NULL ? comma + 1 : NULL;
	}
	return 0;
}

/* One more run with LD_DEBUG=files: count (and check) what it loads. */
static int
loaded_objects(char **argv, const char *watch, int *count, char *bad,
    size_t badlen)
{
	char path[] = "/tmp/startup-ld-XXXXXX";
	char line[LINE_MAX_LEN];
	long rss = 0;
	FILE *fp;
	int fd = mkstemp(path);

	*count = 0;
	bad[0] = '\0';
	if (fd < 0)
		return -1;
	unlink(path);
	setenv("LD_DEBUG", "files", 1);
	if (run(argv, fd, &rss) != 0) {
		unsetenv("LD_DEBUG");
		close(fd);
		return -1;
	}
	unsetenv("LD_DEBUG");
	lseek(fd, 0, SEEK_SET);
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *obj = init_object(line);

		if (obj == NULL)
			continue;
		(*count)++;
		if (watched(obj, watch)) {
			size_t used = strlen(bad);

			snprintf(bad + used, badlen - used, "%s%.*s",
			    used > 0 ? ", " : "; loads ",
			    (int)strcspn(obj, "\n"), obj);
		}
	}
	fclose(fp);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *watch = NULL;
	double *ms, sum = 0;
	long rss = 0;
	char bad[LINE_MAX_LEN];
	int runs = DEFAULT_RUNS, i, c, count;

	while ((c = getopt(argc, argv, "n:w:")) != -1) {
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			watch = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc || runs < 1) {
		fprintf(stderr, "usage: startup [-n RUNS] [-w LIBS] -- COMMAND "
		    "[ARG...]\n");
		return 2;
	}
	argv += optind;
	ms = calloc((size_t)runs, sizeof(*ms));
	if (ms == NULL)
		return 2;
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		if (run(argv, -1, &rss) != 0) {
			fprintf(stderr, "startup: %s failed\n", argv[0]);
			free(ms);
			return 2;
		}
		ms[i] = now_ms() - t0;
		sum += ms[i];
	}
	qsort(ms, (size_t)runs, sizeof(*ms), cmp_double);
	if (loaded_objects(argv, watch, &count, bad, sizeof(bad)) != 0) {
		fprintf(stderr, "startup: %s failed under LD_DEBUG\n", argv[0]);
		free(ms);
		return 2;
	}
	printf("median %.2f ms  mean %.2f ms  peak RSS %.1f MiB  %d shared "
	    "objects%s\n", ms[runs / 2], sum / runs, (double)rss / 1024.0,
	    count, bad);
	free(ms);
	return bad[0] != '\0' ? 1 : 0;
}
