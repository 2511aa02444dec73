/*
 * outfile.c - the one way output files are written: a temporary file
 * beside the target, renamed over it only when everything was written,
 * with the permissions of the file it replaces.  A symbolic link stays:
 * the file it names is replaced.  Devices, FIFOs and the paths of
 * /dev and /proc (/dev/stdout, /proc/self/fd/1) are written in place.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct ecpr_outfile {
	FILE *fp;
	char *path;   /* as given, for messages */
	char *target; /* what the temporary file is renamed to: path, or
	                 the file a symbolic link names */
	char *tmp;    /* NULL: written in place (a device or FIFO) */
};

/*
 * Create path's temporary file: with the mode (and, where allowed, the
 * owner and group) of the regular file it will replace; a new file gets
 * 0600 when private, else 0666 less the umask (applied by open(2), so
 * the process umask is never changed).  Returns the descriptor or -1.
 */
static int
create_tmp(char *tmp, const struct stat *old, int private)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = tmp + strlen(tmp) - 6;
	unsigned long long r;
	struct timespec ts;
	int fd, tries, i;

	if (old == NULL && !private) {
		/*
		 * A new file: created once with 0666 (less the umask) under
		 * a name of our own, not made by mkstemp (0600), unlinked
		 * and made again: a second inode and a deleted one for
		 * every file (ext4 then skips the recently deleted inodes
		 * on each later create, which made writing 1,000 charts a
		 * quarter of ecpr-timeline --each's time).  O_EXCL keeps
		 * an existing file safe; the name only has to be unlikely.
		 */
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (unsigned long long)ts.tv_nsec ^
		    ((unsigned long long)ts.tv_sec << 30) ^
		    ((unsigned long long)getpid() << 20) ^
		    (unsigned long long)(uintptr_t)tmp;
		for (tries = 0; tries < 100; tries++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			for (i = 0; i < 6; i++)
				x[i] = abc[(r >> (16 + 7 * i)) % (sizeof(abc) - 1)];
			fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0666);
			if (fd >= 0 || errno != EEXIST)
				return fd;
		}
		errno = EEXIST;
		return -1;
	}
	/* mkstemp picks a fresh name, 0600: kept for a private file */
	if ((fd = mkstemp(tmp)) < 0)
		return -1;
	if (old != NULL) {
		mode_t mode = old->st_mode & 07777;

		/* the group's bits are kept only with its group */
		if (fchown(fd, old->st_uid, old->st_gid) != 0) {
			struct stat st;

			if (fstat(fd, &st) != 0 || st.st_gid != old->st_gid)
				mode &= ~(mode_t)070;
			if (st.st_uid != old->st_uid)
				mode &= ~(mode_t)07000;
		}
		if (fchmod(fd, mode) != 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
	}
	return fd;
}

int
ecpr_outfile_open(ecpr_outfile **out, const char *path, int flags,
    ecpr_error *err)
{
	ecpr_outfile *of;
	struct stat st, lst;
	size_t n;
	int fd, e, have;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return ecpr__error_set(err, ECPR_EINVAL, NULL, 0,
		    "no output file");
	if ((of = calloc(1, sizeof(*of))) == NULL ||
	    (of->path = strdup(path)) == NULL) {
		free(of);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	have = stat(path, &st) == 0;
	/*
	 * A device or FIFO that exists is written in place, never renamed
	 * over, and so is anything under /dev or /proc: /dev/stdout names
	 * the process's standard output, even when that is a regular file,
	 * and renaming over it would replace the link in /dev.  A regular
	 * file (or a new one) is replaced atomically; through a symbolic
	 * link, the file it names (realpath), so the link stays.
	 */
	if ((have && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
	    strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0) {
		if ((of->fp = fopen(path, "wb")) == NULL) {
			e = errno;
			ecpr_outfile_close(of, 0, NULL);
			return ecpr__error_set(err, ECPR_EIO, path, 0,
			    "cannot open the output: %s", strerror(e));
		}
		*out = of;
		return ECPR_OK;
	}
	if (have && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		of->target = realpath(path, NULL);
	else
		of->target = strdup(path);
	if (of->target == NULL) {
		e = errno;
		ecpr_outfile_close(of, 0, NULL);
		return ecpr__error_set(err, e == ENOMEM ? ECPR_ENOMEM : ECPR_EIO,
		    path, 0, "cannot resolve the output: %s", strerror(e));
	}
	n = strlen(of->target) + 16;
	if ((of->tmp = malloc(n)) == NULL) {
		ecpr_outfile_close(of, 0, NULL);
		return ecpr__error_set(err, ECPR_ENOMEM, NULL, 0,
		    "out of memory");
	}
	snprintf(of->tmp, n, "%s.tmpXXXXXX", of->target);
	fd = create_tmp(of->tmp, have && S_ISREG(st.st_mode) ? &st : NULL,
	    (flags & ECPR_OUTFILE_PRIVATE) != 0);
	if (fd < 0 || (of->fp = fdopen(fd, "wb")) == NULL) {
		e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(of->tmp);
		}
		free(of->tmp);
		of->tmp = NULL;
		ecpr_outfile_close(of, 0, NULL);
		return ecpr__error_set(err, ECPR_EIO, path, 0,
		    "cannot create the output file: %s", strerror(e));
	}
	*out = of;
	return ECPR_OK;
}

FILE *
ecpr_outfile_fp(const ecpr_outfile *of)
{
	return of != NULL ? of->fp : NULL;
}

int
ecpr_outfile_close(ecpr_outfile *of, int commit, ecpr_error *err)
{
	int rc = ECPR_OK;

	if (of == NULL)
		return ECPR_OK;
	if (of->fp != NULL) {
		if (commit && (fflush(of->fp) != 0 || ferror(of->fp))) {
			rc = ecpr__error_set(err, ECPR_EIO, of->path, 0,
			    "cannot write: %s", strerror(errno));
			commit = 0;
		}
		if (fclose(of->fp) != 0 && commit) {
			rc = ecpr__error_set(err, ECPR_EIO, of->path, 0,
			    "cannot write: %s", strerror(errno));
			commit = 0;
		}
	}
	if (of->tmp != NULL && commit && rename(of->tmp, of->target) != 0) {
		rc = ecpr__error_set(err, ECPR_EIO, of->path, 0,
		    "cannot rename the output into place: %s",
		    strerror(errno));
		commit = 0;
	}
	if (of->tmp != NULL && !commit)
		unlink(of->tmp);
	free(of->tmp);
	free(of->target);
	free(of->path);
	free(of);
	return rc;
}
