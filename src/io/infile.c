/*
 * infile: regular files only, checked on the descriptor that is read
 * (see infile.h).  Checking the path first and opening afterwards would
 * leave a window in which the name could be swapped for a FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infile.h"

const char *infile_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return NULL;
	case S_IFDIR: return "a folder";
	case S_IFIFO: return "a FIFO (named pipe)";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	default: return "not a regular file";
	}
}

int infile_open(const char *path, char *why, size_t n)
{
	/* O_NONBLOCK: opening a FIFO with no writer would otherwise wait. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		struct stat st;
		/* A socket cannot be opened at all (ENXIO): say what it is. */
		const char *kind = stat(path, &st) == 0 ? infile_kind(st.st_mode) : NULL;
		if (kind)
			snprintf(why, n, "it is %s, not a file", kind);
		else
			snprintf(why, n, "%s", strerror(e));
		errno = e;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		snprintf(why, n, "%s", strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	const char *kind = infile_kind(st.st_mode);
	if (kind) {
		snprintf(why, n, "it is %s, not a file", kind);
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		int e = errno;
		snprintf(why, n, "%s", strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
