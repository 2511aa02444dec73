/*
 * pgcluster.c - a private PostgreSQL cluster on a Unix socket
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pgcluster.h"

/* Longest socket directory: sun_path is 108 bytes with "/.s.PGSQL.5432". */
#define PGC_SOCKDIR_MAX 90

static void
setmsg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
}

static int
is_exec(const char *dir, const char *prog)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/%s", dir, prog);
	return access(path, X_OK) == 0;
}

static int
bindir_from(const char *pgconfig, char *buf, size_t len)
{
	char cmd[1200];
	FILE *fp;
	size_t n;

	if (strchr(pgconfig, '\'') != NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' --bindir 2>/dev/null", pgconfig);
	fp = popen(cmd, "r");
	if (fp == NULL)
		return -1;
	if (fgets(buf, (int)len, fp) == NULL) {
		pclose(fp);
		return -1;
	}
	if (pclose(fp) != 0)
		return -1;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return is_exec(buf, "initdb") && is_exec(buf, "pg_ctl") ? 0 : -1;
}

int
pgc_bindir(char *buf, size_t len, char *msg, size_t msglen)
{
	const char *env = getenv("PG_CONFIG");
	DIR *d;
	struct dirent *de;
	long best = -1;

	if (env != NULL && *env != '\0' && bindir_from(env, buf, len) == 0)
		return 0;
	if (bindir_from("pg_config", buf, len) == 0)
		return 0;
	d = opendir("/usr/lib/postgresql");
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			char dir[512];
			char *end;
			long v = strtol(de->d_name, &end, 10);

			if (end == de->d_name || *end != '\0' || v <= best)
				continue;
			snprintf(dir, sizeof(dir), "/usr/lib/postgresql/%s/bin",
			    de->d_name);
			if (is_exec(dir, "initdb") && is_exec(dir, "pg_ctl")) {
				best = v;
				snprintf(buf, len, "%s", dir);
			}
		}
		closedir(d);
	}
	if (best >= 0)
		return 0;
	setmsg(msg, msglen, "the PostgreSQL server programs (initdb, pg_ctl) "
	    "were not found: install them with 'apt-get install postgresql'");
	return -1;
}

int
pgc_setup(pgc *c, const char *dir, char *msg, size_t msglen)
{
	memset(c, 0, sizeof(*c));
	if (strlen(dir) + 4 > PGC_SOCKDIR_MAX) {
		setmsg(msg, msglen, "directory name too long for a Unix "
		    "socket (at most %d bytes): %s", PGC_SOCKDIR_MAX - 4, dir);
		return -1;
	}
	if (pgc_bindir(c->bindir, sizeof(c->bindir), msg, msglen) != 0)
		return -1;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->data, sizeof(c->data), "%s/data", dir);
	snprintf(c->run, sizeof(c->run), "%s/run", dir);
	snprintf(c->log, sizeof(c->log), "%s/server.log", dir);
	return 0;
}

int
pgc_exists(const pgc *c)
{
	char path[1200];

	snprintf(path, sizeof(path), "%s/PG_VERSION", c->data);
	return access(path, F_OK) == 0;
}

/*
 * Run bindir/prog with args (argv[0] is filled in), as postgres when
 * as_pg is set and we are root.  Its output (the last bytes) goes into
 * out.  Returns the exit status, or -1.
 */
static int
run(const pgc *c, const char *prog, const char *const *args, int as_pg,
    char *out, size_t outlen)
{
	char path[1200];
	char *argv[32];
	int fds[2];
	size_t n = 0, i;
	pid_t pid;
	int status;
	struct passwd *pw = NULL;
	char buf[4096];
	size_t have = 0;

	snprintf(path, sizeof(path), "%s/%s", c->bindir, prog);
	argv[n++] = path;
	for (i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = (char *)(uintptr_t)args[i];
	argv[n] = NULL;
	if (as_pg && geteuid() == 0) {
		pw = getpwnam(PGC_USER);
		if (pw == NULL) {
			setmsg(out, outlen, "running as root, but there is no "
			    "\"postgres\" account to run the server as: "
			    "apt-get install postgresql");
			return -1;
		}
	}
	if (pipe(fds) != 0) {
		setmsg(out, outlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		setmsg(out, outlen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0) {
			dup2(nul, 0);
			close(nul);
		}
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (pw != NULL) {
			if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
			    setgid(pw->pw_gid) != 0 ||
			    setuid(pw->pw_uid) != 0) {
				fprintf(stderr, "cannot become %s: %s\n",
				    PGC_USER, strerror(errno));
				_exit(127);
			}
			if (chdir("/") != 0)
				_exit(127);
		}
		execv(path, argv);
		fprintf(stderr, "cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t r = read(fds[0], buf + have, sizeof(buf) - 1 - have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		if (have >= sizeof(buf) - 1) {
			/* keep the last half: errors come at the end */
			memmove(buf, buf + sizeof(buf) / 2,
			    have - sizeof(buf) / 2);
			have -= sizeof(buf) / 2;
		}
	}
	close(fds[0]);
	buf[have] = '\0';
	while (have > 0 && (buf[have - 1] == '\n' || buf[have - 1] == ' '))
		buf[--have] = '\0';
	if (out != NULL && outlen > 0) {
		size_t k = have < outlen - 1 ? have : outlen - 1;

		/* the tail holds the reason */
		memcpy(out, buf + have - k, k);
		out[k] = '\0';
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/* mkdir (if missing) with mode; as root, give it to postgres. */
static int
own_dir(const char *dir, mode_t mode, char *msg, size_t msglen)
{
	struct passwd *pw;

	if (mkdir(dir, mode) != 0 && errno != EEXIST) {
		setmsg(msg, msglen, "cannot create %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (geteuid() == 0) {
		pw = getpwnam(PGC_USER);
		if (pw == NULL) {
			setmsg(msg, msglen, "running as root, but there is no "
			    "\"postgres\" account to run the server as: "
			    "apt-get install postgresql");
			return -1;
		}
		if (chown(dir, pw->pw_uid, pw->pw_gid) != 0) {
			setmsg(msg, msglen, "cannot give %s to postgres: %s",
			    dir, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The first line of the files ecprkit writes into a cluster. */
#define PGC_MARK "# ecprkit:"

/*
 * Replace DATA/name with text: written to a temporary file owned like the
 * data directory (postgres when we are root), mode 0600, then renamed,
 * so the server never reads half a file.
 */
static int
put_conf(const pgc *c, const char *name, const char *text, char *msg,
    size_t msglen)
{
	char path[1200], tmp[1300];
	struct stat st;
	size_t n = strlen(text);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->data, name);
	snprintf(tmp, sizeof(tmp), "%s.ecprkit-tmp", path);
	if (stat(c->data, &st) != 0) {
		setmsg(msg, msglen, "cannot read %s: %s", c->data,
		    strerror(errno));
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		setmsg(msg, msglen, "cannot write %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	if (write(fd, text, n) != (ssize_t)n ||
	    (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) != 0) ||
	    fsync(fd) != 0) {
		setmsg(msg, msglen, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		setmsg(msg, msglen, "cannot write %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* DATA/name as a malloc'd string, or NULL. */
static char *
get_conf(const pgc *c, const char *name)
{
	char path[1200];
	FILE *fp;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", c->data, name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) ==
	    NULL) {
		fclose(fp);
		return NULL;
	}
	n = (long)fread(buf, 1, (size_t)n, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* 1 when text has an active (not commented) line with the word trust. */
static int
has_trust(const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *t = p;

		while (t < p + len && (*t == ' ' || *t == '\t'))
			t++;
		if (t < p + len && *t != '#') {
			const char *w;

			for (w = t; w + 5 <= p + len; w++)
				if (strncmp(w, "trust", 5) == 0 &&
				    (w == t || w[-1] == ' ' || w[-1] == '\t') &&
				    (w + 5 == p + len || w[5] == ' ' ||
				    w[5] == '\t' || w[5] == '\r'))
					return 1;
		}
		p += len + (end != NULL);
	}
	return 0;
}

/*
 * Client authentication of a registry: the Unix socket only (no host
 * lines: no TCP, no replication), the superuser postgres by peer for the
 * accounts that run the registry (postgres, root and the account that
 * created it), every other role (site and coordinator roles) by
 * scram-sha-256 password.
 */
/* The first line of the published block of postgresql.conf. */
#define PGC_PUB_MARK PGC_MARK " published (ecpr-db publish): TCP for"

/*
 * pg_hba.conf: the Unix socket (peer for the superuser, scram-sha-256 for
 * the others); when l is given, TCP for l->role from l->allow by
 * scram-sha-256 (logical replication connects to the database "ecpr").
 */
static int
write_hba(const pgc *c, const pgc_listen *l, char *msg, size_t msglen)
{
	char text[1024], tcp[512] = "";

	if (l != NULL)
		snprintf(tcp, sizeof(tcp), PGC_MARK " a hub reaches the "
		    "registry over TCP as %s only (ecpr-db publish)\n"
		    "host\t" PGC_DBNAME "\t\t%s\t%s\tscram-sha-256\n",
		    l->role, l->role, l->allow);
	snprintf(text, sizeof(text), PGC_MARK " the registry is reached on "
	    "its Unix socket only: no TCP, no replication, no trust\n"
	    "# TYPE\tDATABASE\tUSER\t\tMETHOD\n"
	    "local\tall\t\t" PGC_USER "\tpeer map=ecpr\n"
	    "local\tall\t\tall\t\tscram-sha-256\n%s", tcp);
	return put_conf(c, "pg_hba.conf", text, msg, msglen);
}

static int
write_auth(const pgc *c, const pgc_listen *l, char *msg, size_t msglen)
{
	char ident[1024];
	struct passwd *pw = getpwuid(geteuid());
	const char *me = pw != NULL ? pw->pw_name : "root";
	int n;

	n = snprintf(ident, sizeof(ident), PGC_MARK " the accounts that may "
	    "connect as the superuser " PGC_USER " (peer)\n"
	    "# MAPNAME\tSYSTEM-USERNAME\tPG-USERNAME\n"
	    "ecpr\t\t" PGC_USER "\t" PGC_USER "\n"
	    "ecpr\t\troot\t\t" PGC_USER "\n");
	if (strcmp(me, PGC_USER) != 0 && strcmp(me, "root") != 0 && n > 0 &&
	    (size_t)n < sizeof(ident))
		snprintf(ident + n, sizeof(ident) - (size_t)n, "ecpr\t\t%s\t"
		    PGC_USER "\n", me);
	if (put_conf(c, "pg_ident.conf", ident, msg, msglen) != 0)
		return -1;
	return write_hba(c, l, msg, msglen);
}

/*
 * The settings that keep the server off TCP, in postgresql.conf itself
 * (appended once), so a server started without ecpr-db's options is safe
 * too.
 */
static int
write_settings(const pgc *c, char *msg, size_t msglen)
{
	char *old = get_conf(c, "postgresql.conf");
	char *text, run[2300];
	const char *p;
	size_t n = 0;
	int rc;

	if (old == NULL) {
		setmsg(msg, msglen, "cannot read %s/postgresql.conf: %s",
		    c->data, strerror(errno));
		return -1;
	}
	if (strstr(old, PGC_MARK) != NULL) {
		free(old);
		return 0;
	}
	/* a quote in the path is written twice */
	for (p = c->run; *p != '\0' && n + 2 < sizeof(run); p++) {
		if (*p == '\'')
			run[n++] = '\'';
		run[n++] = *p;
	}
	run[n] = '\0';
	n = strlen(old) + strlen(run) + 512;
	if ((text = malloc(n)) == NULL) {
		free(old);
		setmsg(msg, msglen, "out of memory");
		return -1;
	}
	snprintf(text, n, "%s%s\n" PGC_MARK " the registry is reached on its "
	    "Unix socket only\n"
	    "listen_addresses = ''\n"
	    "unix_socket_directories = '%s'\n"
	    "unix_socket_permissions = 0700\n"
	    "password_encryption = 'scram-sha-256'\n",
	    old, *old != '\0' && old[strlen(old) - 1] != '\n' ? "\n" : "",
	    run);
	rc = put_conf(c, "postgresql.conf", text, msg, msglen);
	free(text);
	free(old);
	return rc;
}

int
pgc_secure(const pgc *c, char *msg, size_t msglen)
{
	char *hba = get_conf(c, "pg_hba.conf");
	int rewrite = hba == NULL || (strstr(hba, PGC_MARK) == NULL &&
	    has_trust(hba));

	pgc_listen l;
	int pub = pgc_listen_get(c, &l) == 1;

	free(hba);
	if (rewrite && write_auth(c, pub ? &l : NULL, msg, msglen) != 0)
		return -1;
	return write_settings(c, msg, msglen);
}

int
pgc_initdb(const pgc *c, char *msg, size_t msglen)
{
	const char *args[] = { "-D", c->data, "--auth-local=peer",
		"--auth-host=reject", "-E", "UTF8", "--no-locale", "-U",
		PGC_USER, "--no-sync", NULL };
	char out[2048];
	int rc;

	if (own_dir(c->dir, 0700, msg, msglen) != 0 ||
	    own_dir(c->run, 0700, msg, msglen) != 0)
		return -1;
	rc = run(c, "initdb", args, 1, out, sizeof(out));
	if (rc != 0) {
		setmsg(msg, msglen, "initdb failed in %s: %s", c->data, out);
		return -1;
	}
	if (write_auth(c, NULL, msg, msglen) != 0)
		return -1;
	return write_settings(c, msg, msglen);
}

int
pgc_run(const pgc *c, const char *prog, const char *const *args, char *out,
    size_t outlen)
{
	return run(c, prog, args, 1, out, outlen);
}

int
pgc_start(const pgc *c, int fast, char *msg, size_t msglen)
{
	char opts[1400];
	char out[2048];
	const char *args[] = { "start", "-w", "-t", "60", "-D", c->data,
		"-l", c->log, "-o", opts, NULL };
	pgc_listen l;
	int rc;

	if (own_dir(c->run, 0700, msg, msglen) != 0 ||
	    pgc_secure(c, msg, msglen) != 0)
		return -1;
	/* a publishing registry listens where its postgresql.conf says */
	snprintf(opts, sizeof(opts), "%s"
	    "-c unix_socket_directories='%s' -c unix_socket_permissions=0700"
	    "%s", pgc_listen_get(c, &l) == 1 ? "" : "-c listen_addresses='' ",
	    c->run, fast ? " -c fsync=off -c full_page_writes=off "
	    "-c synchronous_commit=off" : "");
	rc = run(c, "pg_ctl", args, 1, out, sizeof(out));
	if (rc != 0) {
		char *logtext = NULL;
		FILE *fp = fopen(c->log, "r");
		char tail[1024] = "";

		if (fp != NULL) {
			size_t got;

			if (fseek(fp, -(long)(sizeof(tail) - 1), SEEK_END) != 0)
				rewind(fp);
			got = fread(tail, 1, sizeof(tail) - 1, fp);
			tail[got] = '\0';
			fclose(fp);
			logtext = tail;
		}
		setmsg(msg, msglen, "the server did not start: %s%s%s", out,
		    logtext ? "; log: " : "", logtext ? logtext : "");
		return -1;
	}
	return 0;
}

int
pgc_stop(const pgc *c, const char *mode, char *msg, size_t msglen)
{
	const char *args[] = { "stop", "-w", "-t", "60", "-D", c->data, "-m",
		mode, NULL };
	char out[1024];

	if (run(c, "pg_ctl", args, 1, out, sizeof(out)) != 0) {
		setmsg(msg, msglen, "the server did not stop: %s", out);
		return -1;
	}
	return 0;
}

int
pgc_running(const pgc *c)
{
	const char *args[] = { "status", "-D", c->data, NULL };

	if (!pgc_exists(c))
		return 0;
	return run(c, "pg_ctl", args, 1, NULL, 0) == 0;
}

void
pgc_conninfo(const pgc *c, const char *dbname, char *buf, size_t len)
{
	pgc_listen l;
	char port[32] = "";

	if (pgc_listen_get(c, &l) == 1 && l.port != 5432)
		snprintf(port, sizeof(port), " port=%d", l.port);
	snprintf(buf, len, "host=%s%s dbname=%s user=%s", c->run, port,
	    dbname, PGC_USER);
}

int
pgc_listen_get(const pgc *c, pgc_listen *l)
{
	char *text = get_conf(c, "postgresql.conf");
	const char *b, *p;
	int ok;

	memset(l, 0, sizeof(*l));
	if (text == NULL)
		return 0;
	b = strstr(text, "\n" PGC_PUB_MARK);
	ok = b != NULL && sscanf(b + strlen("\n" PGC_PUB_MARK),
	    " role %63s from %127s only", l->role, l->allow) == 2;
	if (ok && (p = strstr(b, "\nlisten_addresses = '")) != NULL)
		ok = sscanf(p, "\nlisten_addresses = '%255[^']'", l->addr) ==
		    1;
	if (ok && (p = strstr(b, "\nport = ")) != NULL)
		ok = sscanf(p, "\nport = %d", &l->port) == 1;
	free(text);
	if (!ok || l->addr[0] == '\0' || l->port <= 0) {
		memset(l, 0, sizeof(*l));
		return 0;
	}
	return 1;
}

int
pgc_listen_set(const pgc *c, const pgc_listen *l, char *msg, size_t msglen)
{
	char *old, *text, *cut;
	pgc_listen was;
	int had = pgc_listen_get(c, &was) == 1, rc;
	size_t n;

	if (l != NULL && (l->addr[0] == '\0' || strpbrk(l->addr,
	    "'\\\n") != NULL || l->port <= 0 || l->port > 65535 ||
	    strpbrk(l->allow, " \t\n'") != NULL || l->allow[0] == '\0' ||
	    strpbrk(l->role, " \t\n'\"") != NULL || l->role[0] == '\0')) {
		setmsg(msg, msglen, "invalid address, port, role or address "
		    "range to publish on");
		return -1;
	}
	if ((old = get_conf(c, "postgresql.conf")) == NULL) {
		setmsg(msg, msglen, "cannot read %s/postgresql.conf: %s",
		    c->data, strerror(errno));
		return -1;
	}
	if ((cut = strstr(old, "\n" PGC_PUB_MARK)) != NULL)
		cut[1] = '\0';
	n = strlen(old) + 1024;
	if ((text = malloc(n)) == NULL) {
		free(old);
		setmsg(msg, msglen, "out of memory");
		return -1;
	}
	if (l != NULL)
		snprintf(text, n, "%s" PGC_PUB_MARK " role %s from %s only\n"
		    "listen_addresses = '%s'\n"
		    "port = %d\n"
		    "wal_level = logical\n", old, l->role, l->allow, l->addr,
		    l->port);
	else
		snprintf(text, n, "%s", old);
	free(old);
	rc = write_hba(c, l, msg, msglen);
	if (rc == 0)
		rc = put_conf(c, "postgresql.conf", text, msg, msglen);
	free(text);
	if (rc != 0)
		return -1;
	if (l == NULL)
		return had;
	return !had || strcmp(was.addr, l->addr) != 0 || was.port != l->port;
}

int
pgc_reload(const pgc *c, char *msg, size_t msglen)
{
	const char *args[] = { "reload", "-D", c->data, NULL };
	char out[1024];

	if (run(c, "pg_ctl", args, 1, out, sizeof(out)) != 0) {
		setmsg(msg, msglen, "the server did not reload: %s", out);
		return -1;
	}
	return 0;
}

int
pgc_createdb(const pgc *c, const char *dbname, char *msg, size_t msglen)
{
	const char *args[] = { "-h", c->run, "-U", PGC_USER, dbname, NULL };
	char out[1024];

	if (run(c, "createdb", args, 0, out, sizeof(out)) != 0 &&
	    strstr(out, "already exists") == NULL) {
		setmsg(msg, msglen, "createdb %s failed: %s", dbname, out);
		return -1;
	}
	return 0;
}
