/*
 * test_outfile: the RF64 choice at the WAV size limit (no 4 GB written),
 * symlink chains followed to their target, a guard that knows a file by
 * any of its names, and a write through a link that keeps the link.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "outfile.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rf64_beyond_four_gib),
		cmocka_unit_test_setup_teardown(links_are_followed, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(guard_knows_every_name, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(write_through_a_link, make_dir, remove_dir),
	};
	return TU_RUN(tests);
}
