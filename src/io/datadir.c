/*
 * datadir: shipped data folders, found from the install prefix or from
 * the executable's own place (see datadir.h).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "datadir.h"

static void append(char *buf, size_t n, const char *dir, const char *sub)
{
	size_t m = strlen(buf);
	if (m + 1 >= n)
		return;
	snprintf(buf + m, n - m, "%s%s/%s", m ? ":" : "", dir, sub);
}

/* A build folder holds config.status and a Makefile whose "srcdir ="
 * line names the source tree relative to it. */
static int build_srcdir(const char *bindir, char *out, size_t n)
{
	char path[PATH_MAX];
	int k = snprintf(path, sizeof(path), "%s/config.status", bindir);
	if (k < 0 || (size_t)k >= sizeof(path) || access(path, F_OK) != 0)
		return -1;
	k = snprintf(path, sizeof(path), "%s/Makefile", bindir);
	if (k < 0 || (size_t)k >= sizeof(path))
		return -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[PATH_MAX + 16];
	int found = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "srcdir = ", 9) != 0)
			continue;
		char *v = line + 9;
		v[strcspn(v, "\r\n")] = 0;
		k = v[0] == '/' ? snprintf(out, n, "%s", v) : snprintf(out, n, "%s/%s", bindir, v);
		found = k >= 0 && (size_t)k < n ? 0 : -1;
		break;
	}
	fclose(f);
	return found;
}

void datadir_dirs_for(const char *pkgdatadir, const char *exe, const char *sub,
                      char *buf, size_t n)
{
	if (n == 0)
		return;
	buf[0] = 0;
	if (pkgdatadir && pkgdatadir[0])
		append(buf, n, pkgdatadir, sub);
	if (!exe || !exe[0])
		return;
	char bindir[PATH_MAX];
	snprintf(bindir, sizeof(bindir), "%s", exe);
	char *slash = strrchr(bindir, '/');
	if (!slash)
		return;
	*slash = 0;
	char dir[PATH_MAX + 32];
	int k = snprintf(dir, sizeof(dir), "%s/../share/beatty", bindir);
	if (k > 0 && (size_t)k < sizeof(dir))
		append(buf, n, dir, sub);
	if (build_srcdir(bindir, dir, sizeof(dir)) == 0)
		append(buf, n, dir, sub);
}

void datadir_dirs(const char *pkgdatadir, const char *sub, char *buf, size_t n)
{
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[k > 0 ? k : 0] = 0;
	datadir_dirs_for(pkgdatadir, exe, sub, buf, n);
}
