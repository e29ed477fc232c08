/*
 * collect: a song's samples into its folder (see collect.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "collect.h"
#include "filelist.h"
#include "infile.h"
#include "outfile.h"
#include "songfile.h"

/* Whether the files at a and b hold the same bytes. */
static bool same_bytes(const char *a, const char *b)
{
	char why[128];
	int fa = infile_open(a, why, sizeof why);
	if (fa < 0)
		return false;
	int fb = infile_open(b, why, sizeof why);
	if (fb < 0) {
		close(fa);
		return false;
	}
	struct stat sa, sb;
	bool same = fstat(fa, &sa) == 0 && fstat(fb, &sb) == 0 && sa.st_size == sb.st_size;
	char ba[16384], bb[16384];
	while (same) {
		ssize_t na = read(fa, ba, sizeof ba);
		if (na <= 0) {
			same = na == 0;
			break;
		}
		ssize_t got = 0;
		while (got < na) {
			ssize_t k = read(fb, bb + got, (size_t)(na - got));
			if (k <= 0)
				break;
			got += k;
		}
		same = got == na && !memcmp(ba, bb, (size_t)na);
	}
	close(fa);
	close(fb);
	return same;
}

static int copy_atomic(const char *src, const char *dst, char *err, size_t errlen)
{
	char why[128];
	int in = infile_open(src, why, sizeof why);
	if (in < 0) {
		snprintf(err, errlen, "%s: %s", src, why);
		return -1;
	}
	outfile_t f;
	if (outfile_open(&f, dst, 0644, err, errlen) != 0) {
		close(in);
		return -1;
	}
	char buf[16384];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(f.fd, buf + off, (size_t)(n - off));
			if (w < 0) {
				snprintf(err, errlen, "%s: %s", dst, strerror(errno));
				close(in);
				outfile_cancel(&f);
				return -1;
			}
			off += w;
		}
	}
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		close(in);
		outfile_cancel(&f);
		return -1;
	}
	close(in);
	return outfile_commit(&f, err, errlen);
}

int collect_file(const char *song_dir, const char *src, char *rel, size_t n, int *reused,
                 char *err, size_t errlen)
{
	*reused = 0;
	char dir[PATH_MAX];
	if ((size_t)snprintf(dir, sizeof dir, "%s/samples", song_dir) >= sizeof dir) {
		snprintf(err, errlen, "%s: the path is too long", song_dir);
		return -1;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	const char *base = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
	const char *dot = strrchr(base, '.');
	int stem = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
	const char *ext = base + stem;
	for (int k = 1; k < 1000; k++) {
		char name[512], dst[PATH_MAX + 512];
		if (k == 1)
			snprintf(name, sizeof name, "%s", base);
		else
			snprintf(name, sizeof name, "%.*s-%d%s", stem, base, k, ext);
		snprintf(dst, sizeof dst, "%s/%s", dir, name);
		struct stat st;
		if (lstat(dst, &st) == 0) {
			if (!same_bytes(src, dst))
				continue;   /* another file of that name: never replaced */
			*reused = 1;
		} else if (errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", dst, strerror(errno));
			return -1;
		} else if (copy_atomic(src, dst, err, errlen) != 0) {
			return -1;
		}
		if ((size_t)snprintf(rel, n, "samples/%s", name) >= n) {
			snprintf(err, errlen, "%s: the name is too long for a song file", name);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "%s: no free name in %s", base, dir);
	return -1;
}

int collect_song(song_t *s, const char *song_path, int *copied, char *err, size_t errlen)
{
	*copied = 0;
	char dir[PATH_MAX], probe[PATH_MAX];
	if (filelist_beside(song_path, "x", probe, sizeof probe) != 0) {
		snprintf(err, errlen, "%s: the path is too long", song_path);
		return -1;
	}
	snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(probe, '/') - probe), probe);
	if (!dir[0])
		snprintf(dir, sizeof dir, "/");
	int changed = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		char real[PATH_MAX], rel[SONG_PATH_MAX];
		if (!songfile_sample_outside(s, i, real, sizeof real))
			continue;
		int reused;
		if (collect_file(dir, real, rel, sizeof rel, &reused, err, errlen) != 0)
			return -1;
		*copied += !reused;
		snprintf(s->inst[i]->sampler.path, sizeof s->inst[i]->sampler.path, "%s", rel);
		changed++;
	}
	return changed;
}
