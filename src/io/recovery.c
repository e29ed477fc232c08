/*
 * recovery: recovery copy names and the move aside (see recovery.h).
 * The move is link() then unlink(): unlike rename(), link() fails when
 * the new name exists, so a copy kept aside never replaces another.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "recovery.h"

#define SUFFIX ".autosave"

void recovery_path(const char *song_path, char *buf, size_t n)
{
	snprintf(buf, n, "%s" SUFFIX, song_path && song_path[0] ? song_path : "untitled.bty");
}

int recovery_song_of(const char *path, char *song, size_t n)
{
	size_t len = strlen(path), sl = strlen(SUFFIX);
	if (len <= sl || strcmp(path + len - sl, SUFFIX))
		return 0;
	if (song)
		snprintf(song, n, "%.*s", (int)(len - sl), path);
	return 1;
}

int recovery_keep_aside(const char *rp, char *out, size_t n)
{
	struct stat st;
	if (stat(rp, &st) != 0)
		return -1;
	char base[4096];
	if (!recovery_song_of(rp, base, sizeof(base)))
		snprintf(base, sizeof(base), "%s", rp);
	size_t bl = strlen(base);
	if (bl > 4 && !strcmp(base + bl - 4, ".bty"))
		base[bl - 4] = 0;
	char when[32];
	struct tm tm;
	time_t t = st.st_mtime;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
	for (int k = 1; k < 1000; k++) {
		char tail[16] = "";
		if (k > 1)
			snprintf(tail, sizeof(tail), "-%d", k);
		if ((size_t)snprintf(out, n, "%s.recovered-%s%s.bty", base, when, tail) >= n) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (link(rp, out) == 0)
			return unlink(rp) == 0 || errno == ENOENT ? 0 : -1;
		if (errno == EPERM || errno == ENOTSUP) {
			/* no hard links here (FAT): check, then rename */
			if (access(out, F_OK) == 0)
				continue;
			return rename(rp, out);
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}
