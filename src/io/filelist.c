/*
 * filelist: reading and ordering a folder for the sample browser
 * (see filelist.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "filelist.h"

static const char *const audio_ext[] = { ".wav", ".flac", ".ogg", ".aiff", ".aif" };

bool filelist_is_audio(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof audio_ext / sizeof audio_ext[0]; i++) {
		size_t k = strlen(audio_ext[i]);
		if (n > k && !strcasecmp(name + n - k, audio_ext[i]))
			return true;
	}
	return false;
}

static int entry_cmp(const void *a, const void *b)
{
	const filelist_entry_t *x = a, *y = b;
	bool xp = !strcmp(x->name, ".."), yp = !strcmp(y->name, "..");
	if (xp != yp)
		return xp ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir ? -1 : 1;
	int c = strcasecmp(x->name, y->name);
	return c ? c : strcmp(x->name, y->name);
}

void filelist_sort(filelist_entry_t *e, int n)
{
	if (n > 1)
		qsort(e, (size_t)n, sizeof(*e), entry_cmp);
}

void filelist_free(filelist_t *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->e[i].name);
	free(l->e);
	l->e = NULL;
	l->n = 0;
}

/* Makes p absolute and tidy ("a/./b/../c" -> "/cwd/a/c") without
 * needing it to exist. */
static int absolute(const char *p, char *out, size_t n)
{
	char tmp[PATH_MAX * 2];
	if (p[0] == '/') {
		snprintf(tmp, sizeof tmp, "%s", p);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof cwd))
			return -1;
		snprintf(tmp, sizeof tmp, "%s/%s", cwd, p[0] ? p : ".");
	}
	/* Walk the components, keeping a stack in out. */
	size_t len = 0;
	char *save = NULL;
	for (char *c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		size_t k = strlen(c);
		if (len + 1 + k + 1 > n)
			return -1;
		out[len++] = '/';
		memcpy(out + len, c, k);
		len += k;
	}
	if (len == 0) {
		if (n < 2)
			return -1;
		out[len++] = '/';
	}
	out[len] = 0;
	return 0;
}

int filelist_read(filelist_t *l, const char *folder)
{
	char abs[sizeof l->path];
	if (absolute(folder, abs, sizeof abs) != 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	DIR *d = opendir(abs);
	if (!d)
		return -1;
	filelist_entry_t *e = NULL;
	int n = 0, cap = 0;
	bool root = !strcmp(abs, "/");
	if (!root) {
		cap = 64;
		e = malloc((size_t)cap * sizeof(*e));
		if (!e || !(e[0].name = strdup(".."))) {
			free(e);
			closedir(d);
			errno = ENOMEM;
			return -1;
		}
		e[0].dir = true;
		n = 1;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char full[sizeof abs + 256 + 2];
		snprintf(full, sizeof full, "%s/%s", root ? "" : abs, de->d_name);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;   /* a dangling link: nothing to open */
		bool dir = S_ISDIR(st.st_mode);
		if (!dir && !(S_ISREG(st.st_mode) && filelist_is_audio(de->d_name)))
			continue;
		if (n == cap) {
			int nc = cap ? cap * 2 : 64;
			filelist_entry_t *ne = realloc(e, (size_t)nc * sizeof(*ne));
			if (!ne)
				goto nomem;
			e = ne;
			cap = nc;
		}
		if (!(e[n].name = strdup(de->d_name)))
			goto nomem;
		e[n++].dir = dir;
	}
	closedir(d);
	filelist_sort(e, n);
	filelist_free(l);
	snprintf(l->path, sizeof l->path, "%s", abs);
	l->e = e;
	l->n = n;
	return 0;
nomem:
	closedir(d);
	for (int i = 0; i < n; i++)
		free(e[i].name);
	free(e);
	errno = ENOMEM;
	return -1;
}

void filelist_path(const filelist_t *l, int i, char *buf, size_t n)
{
	if (i < 0 || i >= l->n) {
		snprintf(buf, n, "%s", l->path);
		return;
	}
	if (!strcmp(l->e[i].name, "..")) {
		char tmp[sizeof l->path + 4];
		snprintf(tmp, sizeof tmp, "%s/..", l->path);
		if (absolute(tmp, buf, n) != 0)
			snprintf(buf, n, "%s", l->path);
		return;
	}
	snprintf(buf, n, "%s/%s", strcmp(l->path, "/") ? l->path : "", l->e[i].name);
}

int filelist_relative(const char *dir, const char *path, char *out, size_t n)
{
	char a[PATH_MAX], b[PATH_MAX];
	if (absolute(dir, a, sizeof a) != 0 || absolute(path, b, sizeof b) != 0)
		return -1;
	/* The longest common prefix that ends at a component boundary. */
	size_t common = 0;
	for (size_t i = 0;; i++) {
		bool ea = a[i] == 0 || a[i] == '/', eb = b[i] == 0 || b[i] == '/';
		if (ea && eb)
			common = i;
		if (a[i] != b[i] || !a[i] || !b[i])
			break;
	}
	if (common == 0 && strcmp(a, "/")) {
		/* Only the root in common: an absolute path says it better. */
		if ((size_t)snprintf(out, n, "%s", b) >= n)
			return -1;
		return 0;
	}
	size_t len = 0;
	out[0] = 0;
	/* One ".." per component of dir after the common part. */
	for (const char *c = a + common; *c; c++) {
		if (*c == '/' && c[1]) {
			if (len + 3 >= n)
				return -1;
			memcpy(out + len, "../", 3);
			len += 3;
		}
	}
	const char *rest = b + common;
	if (*rest == '/')
		rest++;
	if (len + strlen(rest) + 1 > n)
		return -1;
	strcpy(out + len, rest);
	return 0;
}

int filelist_beside(const char *song_path, const char *name, char *out, size_t n)
{
	char tmp[PATH_MAX * 2];
	const char *slash = song_path ? strrchr(song_path, '/') : NULL;
	if (name[0] == '/' || !slash)
		snprintf(tmp, sizeof tmp, "%s", name);
	else if ((size_t)snprintf(tmp, sizeof tmp, "%.*s/%s", (int)(slash - song_path),
	                          song_path, name) >= sizeof tmp)
		return -1;
	return absolute(tmp, out, n);
}

static bool holds_nocase(const char *s, const char *sub)
{
	size_t n = strlen(sub);
	for (; *s; s++)
		if (!strncasecmp(s, sub, n))
			return true;
	return !n;
}

int filelist_filter(const filelist_t *l, const char *filter, int *idx)
{
	int k = 0;
	for (int i = 0; i < l->n; i++) {
		const char *name = l->e[i].name;
		if (filter[0] && (!strcmp(name, "..") || !holds_nocase(name, filter)))
			continue;
		idx[k++] = i;
	}
	return k;
}

void filelist_expand_home(const char *path, char *out, size_t n)
{
	const char *home = getenv("HOME");
	if (home && home[0] && path[0] == '~' && (path[1] == '/' || !path[1]))
		snprintf(out, n, "%s%s", strcmp(home, "/") ? home : "", path[1] ? path + 1 : "/");
	else
		snprintf(out, n, "%s", path);
}

int filelist_complete(const char *typed, char *out, size_t n)
{
	char path[PATH_MAX];
	filelist_expand_home(typed, path, sizeof path);
	snprintf(out, n, "%s", path);
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	const char *stem;
	if (!slash) {
		snprintf(dir, sizeof dir, ".");
		stem = path;
	} else {
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
		stem = slash + 1;
	}
	size_t sl = strlen(stem);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char best[256] = "";
	bool best_dir = false;
	int matches = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (strncmp(de->d_name, stem, sl) || (de->d_name[0] == '.' && stem[0] != '.'))
			continue;
		char full[PATH_MAX + 256 + 2];
		snprintf(full, sizeof full, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		bool isdir = S_ISDIR(st.st_mode);
		if (!isdir && !(S_ISREG(st.st_mode) && filelist_is_audio(de->d_name)))
			continue;
		if (!matches++) {
			snprintf(best, sizeof best, "%s", de->d_name);
			best_dir = isdir;
		} else {
			size_t k = 0;
			while (best[k] && best[k] == de->d_name[k])
				k++;
			best[k] = 0;
			best_dir = false;
		}
	}
	closedir(d);
	if (!matches)
		return 0;
	size_t head = (size_t)(stem - path);
	snprintf(out, n, "%.*s%s%s", (int)head, path, best, matches == 1 && best_dir ? "/" : "");
	return matches;
}

int filelist_bookmarks(const char *list, char (*marks)[1024], int max)
{
	int k = 0;
	const char *s = list;
	while (*s && k < max) {
		size_t len = strcspn(s, ":");
		char one[1024], full[1024];
		snprintf(one, sizeof one, "%.*s", (int)len, s);
		s += len + (s[len] == ':');
		/* trailing spaces and a trailing "/" say nothing */
		size_t ol = strlen(one);
		while (ol > 1 && (one[ol - 1] == ' ' || one[ol - 1] == '/'))
			one[--ol] = 0;
		const char *t = one;
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		filelist_expand_home(t, full, sizeof full);
		struct stat st;
		if (stat(full, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		bool dup = false;
		for (int i = 0; i < k; i++)
			dup |= !strcmp(marks[i], full);
		if (!dup)
			snprintf(marks[k++], sizeof marks[0], "%s", full);
	}
	return k;
}
