/*
 * songfile_rebase: sample paths when a song moves to another folder.
 */
#define _XOPEN_SOURCE 700   /* realpath() */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "songfile.h"

/* ---- moving a song to another folder -------------------------------- */

/* The real path of the folder holding path ("." for a bare name). */
static bool folder_of(const char *path, char out[PATH_MAX])
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return realpath(dir, out) != NULL;
}

/* Appends a relative path to an absolute folder, resolving "." and ".."
 * by the letter (the file itself need not exist). */
static bool join_lexically(const char *dir, const char *rel, char *out, size_t n)
{
	char buf[PATH_MAX * 2];
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", dir, rel) >= sizeof(buf))
		return false;
	const char *part[PATH_MAX / 2];
	int np = 0;
	for (char *save = NULL, *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		if (!strcmp(t, "."))
			continue;
		if (!strcmp(t, "..")) {
			if (np)
				np--;
			continue;
		}
		if (np == PATH_MAX / 2)
			return false;
		part[np++] = t;
	}
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < np; i++) {
		int w = snprintf(out + len, n - len, "/%s", part[i]);
		if (w < 0 || (size_t)w >= n - len)
			return false;
		len += (size_t)w;
	}
	if (!np)
		snprintf(out, n, "/");
	return true;
}

/* The path of absolute file abs as seen from absolute folder dir. */
static bool relative_to(const char *abs, const char *dir, char *out, size_t n)
{
	size_t common = 0, i = 0;
	/* the longest common prefix ending at a component boundary */
	for (;; i++) {
		bool ea = abs[i] == '/' || abs[i] == 0, ed = dir[i] == '/' || dir[i] == 0;
		if (ea && ed)
			common = i;
		if (abs[i] != dir[i] || !abs[i] || !dir[i])
			break;
	}
	size_t len = 0;
	out[0] = 0;
	for (const char *d = dir + common; *d; d++)
		if (*d == '/' && d[1]) {
			if (len + 3 >= n)
				return false;
			memcpy(out + len, "../", 4);
			len += 3;
		}
	const char *rest = abs + common + (abs[common] == '/');
	return (size_t)snprintf(out + len, n - len, "%s", rest) < n - len;
}

/* One relative path (SONG_PATH_MAX) from folder from to folder to;
 * whether it changed. */
static bool rebase_path(char *path, const char *from, const char *to)
{
	if (!path[0] || path[0] == '/')
		return false;
	char abs[PATH_MAX], rel[SONG_PATH_MAX];
	if (!join_lexically(from, path, abs, sizeof(abs)) || !relative_to(abs, to, rel, sizeof(rel)) ||
	    !strcmp(rel, path))
		return false;
	snprintf(path, SONG_PATH_MAX, "%s", rel);
	return true;
}

int songfile_rebase(song_t *s, const char *from_path, const char *to_path)
{
	char from[PATH_MAX], to[PATH_MAX];
	if (!folder_of(from_path, from) || !folder_of(to_path, to) || !strcmp(from, to))
		return 0;
	int changed = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		instrument_t *in = s->inst[i];
		if (in && in->type == INST_SAMPLER)
			changed += rebase_path(in->sampler.path, from, to);
	}
	changed += rebase_path(s->reference, from, to);   /* the reference track too */
	return changed;
}

/* ---- where samples live ---------------------------------------------- */

bool songfile_sample_outside(const song_t *s, int i, char *real, size_t n)
{
	const instrument_t *in = i >= 1 && i <= SONG_MAX_INSTRUMENTS ? s->inst[i] : NULL;
	if (!in || in->type != INST_SAMPLER || !in->sampler.path[0])
		return false;
	const char *dir = s->dir[0] ? s->dir : ".";
	char full[2 * SONG_PATH_MAX + 2], rdir[PATH_MAX], rfile[PATH_MAX];
	if (in->sampler.path[0] == '/')
		snprintf(full, sizeof full, "%s", in->sampler.path);
	else
		snprintf(full, sizeof full, "%s/%s", dir, in->sampler.path);
	/* Real paths: "../", absolute paths and links out all count. */
	if (!realpath(dir, rdir))
		return false;
	if (!realpath(full, rfile))
		snprintf(rfile, sizeof rfile, "%s", full);   /* missing: judge the name */
	size_t dl = strlen(rdir);
	bool inside = !strcmp(rdir, "/") ||
	              (!strncmp(rfile, rdir, dl) && rfile[dl] == '/');
	if (!inside)
		snprintf(real, n, "%s", rfile);
	return !inside;
}
