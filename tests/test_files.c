/*
 * test_files: where files go and come from.
 *
 * - A render's relative name is resolved from the song's folder, made
 *   absolute and tidy; an absolute name stays; a new song (no path)
 *   uses the current folder.
 * - The browser: the filter keeps names holding it in any case (and
 *   drops ".."), Tab completes as far as the names agree, bookmarks
 *   keep only folders that exist, "~" is HOME.
 * - Sample headers: rate, channels, bits and length without reading
 *   the data; a FIFO is refused at once, never waited on; the probe
 *   answers from its thread.
 * - Collecting: a file goes into samples/ under its name, a name taken
 *   by other bytes gets a suffix and is never replaced, the same bytes
 *   are reused.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sndfile.h>
#include <sys/stat.h>
#include "collect.h"
#include "filelist.h"
#include "sampleinfo.h"
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

static char dir[] = "/tmp/beatty-files.XXXXXX";

static void touch(const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static void write_wav(const char *name, int rate, int ch, int fmt, int frames)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	SF_INFO info = { .samplerate = rate, .channels = ch, .format = SF_FORMAT_WAV | fmt };
	SNDFILE *sf = sf_open(p, SFM_WRITE, &info);
	assert_non_null(sf);
	float *x = calloc((size_t)frames * (size_t)ch, sizeof(float));
	sf_writef_float(sf, x, frames);
	free(x);
	sf_close(sf);
}

static void browser_filter_complete_marks(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	char p[PATH_MAX], out[PATH_MAX];
	snprintf(p, sizeof p, "%s/Kits", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/Kits/Rock", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	touch("Snare.wav");
	touch("kick.WAV");
	touch("snap.flac");
	filelist_t l = { 0 };
	assert_int_equal(filelist_read(&l, dir), 0);
	int idx[16];
	assert_int_equal(filelist_filter(&l, "", idx), l.n);
	int k = filelist_filter(&l, "SN", idx);
	assert_int_equal(k, 2);
	assert_string_equal(l.e[idx[0]].name, "snap.flac");
	assert_string_equal(l.e[idx[1]].name, "Snare.wav");
	assert_int_equal(filelist_filter(&l, ".", idx), 3);   /* ".." itself is not a match */
	filelist_free(&l);

	snprintf(p, sizeof p, "%s/Ki", dir);
	assert_int_equal(filelist_complete(p, out, sizeof out), 1);
	snprintf(p, sizeof p, "%s/Kits/", dir);
	assert_string_equal(out, p);
	snprintf(p, sizeof p, "%s/sna", dir);
	assert_int_equal(filelist_complete(p, out, sizeof out), 1);   /* not Snare: case matters */
	snprintf(p, sizeof p, "%s/snap.flac", dir);
	assert_string_equal(out, p);
	touch("snack.wav");
	snprintf(p, sizeof p, "%s/s", dir);
	assert_int_equal(filelist_complete(p, out, sizeof out), 2);
	snprintf(p, sizeof p, "%s/sna", dir);   /* as far as snack and snap agree */
	assert_string_equal(out, p);
	snprintf(p, sizeof p, "%s/zz", dir);
	assert_int_equal(filelist_complete(p, out, sizeof out), 0);

	setenv("HOME", dir, 1);
	assert_int_equal(filelist_complete("~/Kits/R", out, sizeof out), 1);
	snprintf(p, sizeof p, "%s/Kits/Rock/", dir);
	assert_string_equal(out, p);
	char marks[4][1024];
	assert_int_equal(filelist_bookmarks("~/nothere: ~/Kits/ :~/Snare.wav:~/Kits", marks, 4), 1);
	snprintf(p, sizeof p, "%s/Kits", dir);
	assert_string_equal(marks[0], p);
}

static void sample_headers(void **state)
{
	(void)state;
	write_wav("m24.wav", 48000, 1, SF_FORMAT_PCM_24, 24000);
	write_wav("s16.wav", 44100, 2, SF_FORMAT_PCM_16, 4410);
	write_wav("f32.wav", 96000, 2, SF_FORMAT_FLOAT, 96);
	char p[PATH_MAX], buf[200];
	sampleinfo_t si;
	snprintf(p, sizeof p, "%s/m24.wav", dir);
	assert_int_equal(sampleinfo_read(p, &si), 0);
	assert_int_equal(si.rate, 48000);
	assert_int_equal(si.channels, 1);
	assert_int_equal(si.bits, 24);
	assert_int_equal(si.frames, 24000);
	sampleinfo_format(&si, buf, sizeof buf);
	assert_string_equal(buf, "   0.50 s   48000 Hz  mono    24-bit");
	snprintf(p, sizeof p, "%s/f32.wav", dir);
	assert_int_equal(sampleinfo_read(p, &si), 0);
	assert_true(si.fp);
	sampleinfo_format(&si, buf, sizeof buf);
	assert_non_null(strstr(buf, "stereo  32-bit float"));
	snprintf(p, sizeof p, "%s/Snare.wav", dir);   /* empty: not a sound */
	assert_int_equal(sampleinfo_read(p, &si), -1);
	assert_false(si.ok);
	snprintf(p, sizeof p, "%s/pipe.wav", dir);
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(sampleinfo_read(p, &si), -1);   /* at once: nobody writes to it */
	assert_non_null(strstr(si.why, "FIFO"));

	sampleinfo_probe_t *pr = sampleinfo_probe_create();
	assert_non_null(pr);
	snprintf(p, sizeof p, "%s/s16.wav", dir);
	int tries = 0;
	while (!sampleinfo_probe_get(pr, p, &si) && tries++ < 500)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	assert_true(si.ok);
	assert_int_equal(si.rate, 44100);
	assert_int_equal(si.bits, 16);
	sampleinfo_probe_clear(pr);
	sampleinfo_probe_destroy(pr);

	/* collecting into dir/song/samples */
	char song[PATH_MAX], src[PATH_MAX], rel[256], err[300], taken[PATH_MAX + 16];
	int reused;
	snprintf(song, sizeof song, "%s/song", dir);
	assert_int_equal(mkdir(song, 0755), 0);
	snprintf(src, sizeof src, "%s/s16.wav", dir);
	assert_int_equal(collect_file(song, src, rel, sizeof rel, &reused, err, sizeof err), 0);
	assert_string_equal(rel, "samples/s16.wav");
	assert_int_equal(reused, 0);
	assert_int_equal(collect_file(song, src, rel, sizeof rel, &reused, err, sizeof err), 0);
	assert_string_equal(rel, "samples/s16.wav");
	assert_int_equal(reused, 1);
	/* other bytes under the same name */
	snprintf(taken, sizeof taken, "%s/samples/m24.wav", song);
	FILE *f = fopen(taken, "w");
	assert_non_null(f);
	fputs("mine", f);
	fclose(f);
	snprintf(src, sizeof src, "%s/m24.wav", dir);
	assert_int_equal(collect_file(song, src, rel, sizeof rel, &reused, err, sizeof err), 0);
	assert_string_equal(rel, "samples/m24-2.wav");
	f = fopen(taken, "r");
	char got[8] = "";
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, "mine");
	snprintf(src, sizeof src, "%s/pipe.wav", dir);
	assert_int_equal(collect_file(song, src, rel, sizeof rel, &reused, err, sizeof err), -1);
	assert_non_null(strstr(err, "FIFO"));
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(beside_the_song),
		cmocka_unit_test(browser_filter_complete_marks),
		cmocka_unit_test(sample_headers),
	};
	return TU_RUN(tests);
}
