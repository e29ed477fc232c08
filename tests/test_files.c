/*
 * test_files: where files go and come from.
 *
 * - A render's relative name is resolved from the song's folder, made
 *   absolute and tidy; an absolute name stays; a new song (no path)
 *   uses the current folder.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "filelist.h"
#include "testutil.h"

static void beside_the_song(void **state)
{
	(void)state;
	char out[PATH_MAX], cwd[PATH_MAX], want[PATH_MAX + 32];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(filelist_beside("/music/a/song.bty", "song.wav", out, sizeof out), 0);
	assert_string_equal(out, "/music/a/song.wav");
	assert_int_equal(filelist_beside("/music/a/song.bty", "../mix/./x.wav", out, sizeof out), 0);
	assert_string_equal(out, "/music/mix/x.wav");
	assert_int_equal(filelist_beside("/music/a/song.bty", "/tmp/y.wav", out, sizeof out), 0);
	assert_string_equal(out, "/tmp/y.wav");
	assert_int_equal(filelist_beside("/s.bty", "s.wav", out, sizeof out), 0);
	assert_string_equal(out, "/s.wav");
	assert_int_equal(filelist_beside("sub/s.bty", "s.wav", out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/sub/s.wav", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(out, want);
	assert_int_equal(filelist_beside("s.bty", "s.wav", out, sizeof out), 0);
	snprintf(want, sizeof want, "%s/s.wav", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(out, want);
	assert_int_equal(filelist_beside("", "s.wav", out, sizeof out), 0);
	assert_string_equal(out, want);
	assert_int_equal(filelist_beside("/a/b.bty", "s.wav", out, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(beside_the_song),
	};
	return TU_RUN(tests);
}
