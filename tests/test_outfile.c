/*
 * test_outfile: the RF64 choice at the WAV size limit (no 4 GB written),
 * symlink chains followed to their target, a guard that knows a file by
 * any of its names, and a write through a link that keeps the link.
 *
 * Every writer of files that replace others (a render's, a song save, a
 * sample write) goes through outfile: fsync is wrapped at link time
 * (-Wl,--wrap=fsync), so each writer is seen syncing its temporary file
 * beside the target and then the target's folder, and a failing sync
 * (a full disk on file systems that allocate late) is injected; a file
 * size limit makes real writes fail part-way.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outfile.h"
#include "sample.h"
#include "songfile.h"
#include "testutil.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/beatty-outfile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void in_dir(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* 24-bit stereo at 48 kHz is 288000 bytes a second: a WAV holds
 * 2^32 / 288000 = 14913 s, about 4.14 hours. */
static void rf64_beyond_four_gib(void **state)
{
	(void)state;
	const int64_t rate = 48000;
	assert_false(outfile_needs_rf64(rate * 3600, 0, 2, 3));          /* 1 h */
	assert_false(outfile_needs_rf64(rate * 14900, 0, 2, 3));         /* 4.14 h */
	assert_true(outfile_needs_rf64(rate * 15120, 0, 2, 3));          /* 4.2 h */
	/* the tail counts: a song just under the limit with a long tail */
	assert_true(outfile_needs_rf64(rate * 14900, rate * 60, 2, 3));
	/* 16 bit is 4 bytes a frame: 4.2 h is 2.9 GB, a plain WAV */
	assert_false(outfile_needs_rf64(rate * 15120, 0, 2, 2));
	assert_true(outfile_needs_rf64(rate * 15120, 0, 2, 4));          /* float */
	/* the exact edge: the last frame that fits, and one more */
	uint64_t limit = 0xFFFFFFFFull - (1ull << 20);
	int64_t fit = (int64_t)(limit / 6);
	assert_false(outfile_needs_rf64(fit, 0, 2, 3));
	assert_true(outfile_needs_rf64(fit + 1, 0, 2, 3));
}

static void links_are_followed(void **state)
{
	(void)state;
	char sub[128], a[128], b[128], c[128], got[OUTFILE_PATH_MAX];
	in_dir(sub, sizeof(sub), "sub");
	assert_int_equal(mkdir(sub, 0777), 0);
	in_dir(a, sizeof(a), "a");
	in_dir(b, sizeof(b), "sub/b");
	in_dir(c, sizeof(c), "sub/c.wav");
	/* a -> sub/b -> c.wav (relative to sub, where b lives) */
	assert_int_equal(symlink("sub/b", a), 0);
	assert_int_equal(symlink("c.wav", b), 0);
	assert_int_equal(outfile_target(a, got, sizeof(got)), 0);
	assert_string_equal(got, c);   /* dangling: the file it will create */
	/* a plain file is its own target */
	write_text(c, "x");
	assert_int_equal(outfile_target(c, got, sizeof(got)), 0);
	assert_string_equal(got, c);
	/* a loop is an error, not a hang */
	char l1[128], l2[128];
	in_dir(l1, sizeof(l1), "l1");
	in_dir(l2, sizeof(l2), "l2");
	assert_int_equal(symlink("l2", l1), 0);
	assert_int_equal(symlink("l1", l2), 0);
	assert_int_equal(outfile_target(l1, got, sizeof(got)), -1);
	assert_int_equal(errno, ELOOP);
}

static void guard_knows_every_name(void **state)
{
	(void)state;
	char song[128], hard[128], soft[128], other[128], err[600];
	in_dir(song, sizeof(song), "song.bty");
	in_dir(hard, sizeof(hard), "hard.bty");
	in_dir(soft, sizeof(soft), "soft.bty");
	in_dir(other, sizeof(other), "other.wav");
	write_text(song, "[song]\n");
	assert_int_equal(link(song, hard), 0);
	assert_int_equal(symlink("song.bty", soft), 0);
	outfile_guard_t g;
	outfile_guard_init(&g);
	assert_int_equal(outfile_guard_add(&g, song), 0);
	assert_int_equal(outfile_guard_add(&g, other), 0);   /* missing: nothing to guard */
	assert_int_equal(g.n, 1);
	assert_int_equal(outfile_check(&g, song, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the song itself"));
	assert_int_equal(outfile_check(&g, hard, err, sizeof(err)), -1);
	assert_int_equal(outfile_check(&g, soft, err, sizeof(err)), -1);
	assert_int_equal(outfile_check(&g, other, err, sizeof(err)), 0);
	assert_int_equal(outfile_check(NULL, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a folder"));
	assert_int_equal(outfile_check(NULL, "/dev/null", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "device"));
	outfile_guard_deinit(&g);
}

static void write_through_a_link(void **state)
{
	(void)state;
	char real[128], link_[128], err[600];
	in_dir(real, sizeof(real), "real.txt");
	in_dir(link_, sizeof(link_), "link.txt");
	write_text(real, "old\n");
	assert_int_equal(chmod(real, 0640), 0);
	assert_int_equal(symlink("real.txt", link_), 0);
	outfile_t f;
	assert_int_equal(outfile_open(&f, link_, 0666, err, sizeof(err)), 0);
	assert_int_equal(write(f.fd, "new\n", 4), 4);
	assert_int_equal(outfile_commit(&f, err, sizeof(err)), 0);
	struct stat st;
	assert_int_equal(lstat(link_, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(real, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(st.st_mode & 0777, 0640);   /* the file's mode is kept */
	/* cancelled: the temporary file is gone, the target untouched */
	assert_int_equal(outfile_open(&f, link_, 0666, err, sizeof(err)), 0);
	char tmp[sizeof(f.tmp)];
	snprintf(tmp, sizeof(tmp), "%s", f.tmp);
	assert_int_equal(access(tmp, F_OK), 0);
	outfile_cancel(&f);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(stat(real, &st), 0);
	assert_int_equal(st.st_size, 4);
}

/* ---- every writer, seen from fsync ----------------------------------- */

static struct {
	int files, folders;
	char file[OUTFILE_PATH_MAX];     /* the regular file last synced */
	struct stat folder;              /* the folder last synced */
	int fail;                        /* errno for syncs of regular files */
} seen;

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		seen.folders++;
		seen.folder = st;
	} else {
		seen.files++;
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(proc, seen.file, sizeof(seen.file) - 1);
		seen.file[n > 0 ? n : 0] = 0;
		if (seen.fail) {
			errno = seen.fail;
			return -1;
		}
	}
	return __real_fsync(fd);
}

static const char song_text[] =
	"[song]\nformat = 1\ntitle = atomic\nbpm = 120\nchannels = 1\n"
	"[pattern 00]\nrows = 4\n00 = C-4 .. .. ...\n[order]\n00 = 00\n";

/* A writer puts version v of its kind of file at path: 0, or -1 with a
 * message that must name path. */
typedef int (*writer_fn)(const char *path, int v, char *err, size_t n);

static int write_raw(const char *path, int v, char *err, size_t n)
{
	outfile_t f;
	if (outfile_open(&f, path, 0666, err, n) != 0)
		return -1;
	char text[64];
	int len = snprintf(text, sizeof(text), "version %d\n", v);
	for (int i = 0; i < v * 100; i++) {
		if (write(f.fd, text, (size_t)len) != len) {
			snprintf(err, n, "%s: %s", path, strerror(errno));
			outfile_cancel(&f);
			return -1;
		}
	}
	return outfile_commit(&f, err, n);
}

static int write_song(const char *path, int v, char *err, size_t n)
{
	song_t s;
	tu_song_parse(&s, song_text);
	s.bpm = 100 + v;
	songfile_error_t e;
	int r = songfile_save(&s, path, &e);
	int saved = errno;
	song_deinit(&s);
	if (r != 0) {
		songfile_error_format(&e, err, n);
		errno = saved;
	}
	return r;
}

static int write_sample(const char *path, int v, char *err, size_t n)
{
	float data[2000];
	for (int i = 0; i < 2000; i++)
		data[i] = (float)((i * v) % 100) / 200.0f;
	return sample_write_wav(path, data, 1, 2000, 44100, 16, err, n);
}

static const struct writer { const char *name, *file; writer_fn fn; } writers[] = {
	{ "render", "out.wav", write_raw },
	{ "song", "song.bty", write_song },
	{ "sample", "kick.wav", write_sample },
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static int entries(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	FILE *p = popen(cmd, "r");
	int n = -1;
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

static void every_writer_syncs_file_then_folder(void **state)
{
	(void)state;
	struct stat d;
	assert_int_equal(stat(dir, &d), 0);
	for (size_t w = 0; w < sizeof(writers) / sizeof(writers[0]); w++) {
		const struct writer *wr = &writers[w];
		char real[128], link_[128], err[600], real_name[64];
		snprintf(real_name, sizeof(real_name), "real-%s", wr->file);
		in_dir(real, sizeof(real), real_name);
		in_dir(link_, sizeof(link_), wr->file);
		/* a new file's mode is the umask's */
		mode_t um = umask(027);
		int r = wr->fn(real, 1, err, sizeof(err));
		umask(um);
		if (r != 0)
			fail_msg("%s: %s", wr->name, err);
		struct stat st;
		assert_int_equal(stat(real, &st), 0);
		if ((st.st_mode & 07777) != 0640)
			fail_msg("%s: a new file is %o under umask 027", wr->name, st.st_mode & 07777);
		assert_int_equal(chmod(real, 0604), 0);
		assert_int_equal(symlink(real_name, link_), 0);
		int before = entries();
		memset(&seen, 0, sizeof(seen));
		if (wr->fn(link_, 2, err, sizeof(err)) != 0)
			fail_msg("%s: %s", wr->name, err);
		/* one temporary file beside the file the link names, synced... */
		if (seen.files != 1 || strncmp(seen.file, real, strlen(real)) || !strcmp(seen.file, real))
			fail_msg("%s: synced %d files, the last %s", wr->name, seen.files, seen.file);
		/* ...then its folder, so the rename lasts */
		if (seen.folders < 1 || seen.folder.st_ino != d.st_ino || seen.folder.st_dev != d.st_dev)
			fail_msg("%s: the folder was not synced", wr->name);
		assert_int_equal(entries(), before);   /* the temporary file is gone */
		assert_int_equal(lstat(link_, &st), 0);
		if (!S_ISLNK(st.st_mode))
			fail_msg("%s: the link became a file", wr->name);
		assert_int_equal(stat(real, &st), 0);
		if ((st.st_mode & 07777) != 0604)
			fail_msg("%s: mode %o, not the file's 0604", wr->name, st.st_mode & 07777);
	}
}

/* The file a failed write must leave as it is. */
static void write_old(const struct writer *wr)
{
	char path[128], err[600];
	in_dir(path, sizeof(path), wr->file);
	if (wr->fn(path, 1, err, sizeof(err)) != 0)
		fail_msg("%s: %s", wr->name, err);
}

/* What a failed write must leave: the old file as it was, no temporary
 * file, a message naming the file. */
static void fails_cleanly(const struct writer *wr, const char *reason, int code)
{
	char path[128], err[600];
	in_dir(path, sizeof(path), wr->file);
	size_t n0, n1;
	char *old = slurp(path, &n0);
	int before = entries();
	errno = 0;
	if (wr->fn(path, 3, err, sizeof(err)) != -1)
		fail_msg("%s: a failed write reported success", wr->name);
	if (wr->fn == write_song && errno != code)
		fail_msg("song: errno %d, not %d", errno, code);
	if (!strstr(err, path) || !strstr(err, reason))
		fail_msg("%s: message '%s' should name %s and say '%s'", wr->name, err, path, reason);
	char *now = slurp(path, &n1);
	if (n0 != n1 || memcmp(old, now, n0))
		fail_msg("%s: the old file changed", wr->name);
	free(old);
	free(now);
	assert_int_equal(entries(), before);
}

static void a_failed_sync_keeps_the_old_file(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof(writers) / sizeof(writers[0]); w++) {
		write_old(&writers[w]);
		seen.fail = ENOSPC;
		fails_cleanly(&writers[w], strerror(ENOSPC), ENOSPC);
		seen.fail = 0;
	}
}

static void a_failed_write_keeps_the_old_file(void **state)
{
	(void)state;
	for (size_t w = 0; w < sizeof(writers) / sizeof(writers[0]); w++) {
		write_old(&writers[w]);
		/* Past the limit write() fails with EFBIG, as it would with
		 * ENOSPC on a full disk, partway through the file. */
		struct rlimit old, lim;
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
		lim = old;
		lim.rlim_cur = 100;
		void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		fails_cleanly(&writers[w], "", EFBIG);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
		signal(SIGXFSZ, prev);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rf64_beyond_four_gib),
		cmocka_unit_test_setup_teardown(links_are_followed, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(guard_knows_every_name, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(write_through_a_link, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(every_writer_syncs_file_then_folder, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_failed_sync_keeps_the_old_file, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(a_failed_write_keeps_the_old_file, make_dir, remove_dir),
	};
	return TU_RUN(tests);
}
