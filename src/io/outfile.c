/*
 * outfile: outputs that replace files safely (see outfile.h).
 *
 * Why each step: the temporary file lives in the target's own folder
 * because rename() is atomic only within one file system; symlinks are
 * followed first because renaming over the link itself would turn it
 * into a regular file and leave the file it pointed to stale; the
 * folder is synced because a rename is durable only once its folder is.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "infile.h"
#include "outfile.h"

#define MAX_LINKS 40     /* as the kernel's own limit on a path's links */
#define SLOTS     256    /* temporary files open at once (a render and its stems) */

/* The signal handler's list: pointers into live outfile_t, set and
 * cleared whole so the handler reads either a name or NULL. */
static const char *volatile temp_slot[SLOTS];

/* ---- what may be replaced --------------------------------------------- */

void outfile_guard_init(outfile_guard_t *g)
{
	memset(g, 0, sizeof(*g));
}

void outfile_guard_deinit(outfile_guard_t *g)
{
	free(g->ids);
	memset(g, 0, sizeof(*g));
}

int outfile_guard_add(outfile_guard_t *g, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	for (int i = 0; i < g->n; i++)
		if (g->ids[i].dev == st.st_dev && g->ids[i].ino == st.st_ino)
			return 0;
	if (g->n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 16;
		struct outfile_id *ids = realloc(g->ids, (size_t)cap * sizeof(*ids));
		if (!ids)
			return -1;
		g->ids = ids;
		g->cap = cap;
	}
	struct outfile_id *id = &g->ids[g->n++];
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	snprintf(id->path, sizeof(id->path), "%s", path);
	return 0;
}

int outfile_guard_song(outfile_guard_t *g, const char *song_path, const song_t *s)
{
	if (song_path && outfile_guard_add(g, song_path) != 0)
		return -1;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const instrument_t *in = s->inst[i];
		if (!in || in->type != INST_SAMPLER || !in->sampler.path[0])
			continue;
		char full[2 * SONG_PATH_MAX + 2];
		if (in->sampler.path[0] == '/' || !s->dir[0])
			snprintf(full, sizeof(full), "%s", in->sampler.path);
		else
			snprintf(full, sizeof(full), "%s/%s", s->dir, in->sampler.path);
		if (outfile_guard_add(g, full) != 0)
			return -1;
	}
	return 0;
}

int outfile_check(const outfile_guard_t *g, const char *path, char *err, size_t n)
{
	if (!path[0]) {
		snprintf(err, n, "no output file name");
		return -1;
	}
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;   /* a new file; its folder is checked when it is made */
	const char *kind = infile_kind(st.st_mode);
	if (kind) {
		snprintf(err, n, "%s: it is %s, not a file to write over: refused", path, kind);
		return -1;
	}
	for (int i = 0; g && i < g->n; i++) {
		if (g->ids[i].dev == st.st_dev && g->ids[i].ino == st.st_ino) {
			if (i == 0)
				snprintf(err, n, "%s: that is the song itself: refused", path);
			else
				snprintf(err, n, "%s: the song uses it as a sample: refused", path);
			return -1;
		}
	}
	return 0;
}

/* ---- following links ----------------------------------------------- */

int outfile_target(const char *path, char *out, size_t n)
{
	char cur[OUTFILE_PATH_MAX], link[OUTFILE_PATH_MAX];
	if ((size_t)snprintf(cur, sizeof(cur), "%s", path) >= sizeof(cur)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (int hops = 0;; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			break;
		if (hops == MAX_LINKS) {
			errno = ELOOP;
			return -1;
		}
		ssize_t len = readlink(cur, link, sizeof(link) - 1);
		if (len < 0)
			return -1;
		link[len] = 0;
		if (link[0] == '/') {
			memcpy(cur, link, (size_t)len + 1);
		} else {
			/* relative to the folder that holds the link */
			char *slash = strrchr(cur, '/');
			size_t dl = slash ? (size_t)(slash - cur) + 1 : 0;
			if (dl + (size_t)len + 1 > sizeof(cur)) {
				errno = ENAMETOOLONG;
				return -1;
			}
			memcpy(cur + dl, link, (size_t)len + 1);
		}
	}
	if ((size_t)snprintf(out, n, "%s", cur) >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* ---- the temporary file ---------------------------------------------- */

static int slot_take(const char *tmp)
{
	for (int i = 0; i < SLOTS; i++) {
		if (!temp_slot[i]) {
			temp_slot[i] = tmp;
			return i;
		}
	}
	return -1;   /* not listed: a signal leaves it behind, nothing worse */
}

static void slot_drop(int slot)
{
	if (slot >= 0)
		temp_slot[slot] = NULL;
}

/* The next name to try: target, ".tmp" and six hex digits.  Only the
 * digits differ from one name to the next, so the signal handler, which
 * may read the name while it is rewritten, never sees another file's. */
static void next_name(outfile_t *f, unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	snprintf(f->tmp, sizeof(f->tmp), "%s.tmp%06lx", f->target, (*seed >> 20) & 0xffffff);
}

int outfile_open(outfile_t *f, const char *path, mode_t mode, char *err, size_t n)
{
	f->fd = -1;
	f->slot = -1;
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (outfile_target(path, f->target, sizeof(f->target)) != 0) {
		int e = errno;
		snprintf(err, n, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned long seed = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^
	                     (unsigned long)(uintptr_t)f;
	next_name(f, &seed);
	/* Listed before it exists, so no moment has a file the handler
	 * does not know; unlinking a name not yet made is harmless. */
	f->slot = slot_take(f->tmp);
	/* Not mkstemp: its file is 0600, and giving a new file its mode
	 * would then mean reading the umask, which only setting it does,
	 * racing any other thread that creates a file.  open() applies it. */
	for (int tries = 0; tries < 100; tries++) {
		f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
		if (f->fd >= 0 || errno != EEXIST)
			break;
		next_name(f, &seed);
	}
	if (f->fd < 0) {
		int e = errno;
		slot_drop(f->slot);
		f->slot = -1;
		snprintf(err, n, "%s: cannot create a file beside it: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	/* A file that is replaced keeps its mode. */
	struct stat st;
	if (stat(f->target, &st) == 0)
		(void)fchmod(f->fd, st.st_mode & 07777);
	return 0;
}

void outfile_cancel(outfile_t *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		unlink(f->tmp);
	}
	f->fd = -1;
	slot_drop(f->slot);
	f->slot = -1;
}

int outfile_commit(outfile_t *f, char *err, size_t n)
{
	const char *what = NULL;
	if (fsync(f->fd) != 0)
		what = "cannot sync";
	int e = errno;
	if (close(f->fd) != 0 && !what) {
		what = "cannot write";
		e = errno;
	}
	f->fd = -1;
	if (!what && rename(f->tmp, f->target) != 0) {
		what = "cannot replace the file";
		e = errno;
	}
	if (what) {
		unlink(f->tmp);
		slot_drop(f->slot);
		f->slot = -1;
		snprintf(err, n, "%s: %s: %s", f->path, what, strerror(e));
		errno = e;
		return -1;
	}
	slot_drop(f->slot);
	f->slot = -1;
	char dir[OUTFILE_PATH_MAX];
	const char *slash = strrchr(f->target, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == f->target)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - f->target), f->target);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		if (fsync(dfd) != 0 && errno != EINVAL && errno != EROFS) {
			e = errno;
			snprintf(err, n, "%s: written, but syncing its folder failed: %s", f->path,
			         strerror(e));
			close(dfd);
			errno = e;
			return -1;
		}
		close(dfd);
	}
	return 0;
}

/* ---- signals ---------------------------------------------------------- */

/* Async-signal-safe: unlink, signal, raise. */
static void on_signal(int sig)
{
	for (int i = 0; i < SLOTS; i++) {
		const char *t = temp_slot[i];
		if (t)
			unlink(t);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void outfile_cleanup_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);   /* one handler at a time over the list */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- RF64 ------------------------------------------------------------- */

bool outfile_needs_rf64(int64_t frames, int64_t tail_frames, int channels, int bytes)
{
	/* The RIFF size field counts everything after the first 8 bytes; a
	 * megabyte covers the header and any chunks libsndfile adds. */
	const uint64_t limit = 0xFFFFFFFFull - (1ull << 20);
	if (frames < 0 || tail_frames < 0 || channels < 1 || bytes < 1)
		return false;
	uint64_t data = ((uint64_t)frames + (uint64_t)tail_frames) * (uint64_t)channels *
	                (uint64_t)bytes;
	return data > limit;
}
