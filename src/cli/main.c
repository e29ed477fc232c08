/*
 * main: the beatty command line.  Each subcommand is a small function
 * over the library; exit codes are 0 ok, 1 bad input, 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "delivery.h"
#include "dsp.h"
#include "engine.h"
#include "outfile.h"
#include "import.h"
#include "play.h"
#include "render.h"
#include "collect.h"
#include "songfile.h"
#include "ui.h"
#include "ui_prefs.h"

#define EXIT_BAD_INPUT 1
#define EXIT_USAGE     2

static const char usage_text[] =
	"usage: beatty [SONG] [--device D] [--period N] [--periods N] [--rate HZ] [--no-audio]\n"
	"              [--theme NAME|FILE] [--keys NAME|FILE] [--midi DEVICE|FIFO]\n"
	"       beatty COMMAND [OPTIONS] SONG\n"
	"\n"
	"  beatty SONG     open the song in the tracker screen (a new song if it does not\n"
	"                  exist; plain 'beatty' starts an untitled one); F1 there lists the\n"
	"                  keys; sound as in 'play', and without a device it edits silently;\n"
	"                  on SIGTERM/SIGHUP and every minute unsaved work goes to SONG.autosave\n"
	"                  (autosave = SECONDS in config.ini; 0 never)\n"
	"                  --midi reads a MIDI keyboard or pads from a raw device or FIFO\n"
	"                  (beside the ALSA sequencer port 'beatty', where there is one)\n"
	"                  --keys: another tracker's habits, schism or milky (default: beatty's\n"
	"                  own; keys = NAME in config.ini), or a keymap file\n"
	"\n"
	"commands:\n"
	"  render SONG [-o OUT.wav] [--rate HZ] [--bits 16|24|32f] [--lufs TARGET]\n"
	"              [--lufs-max-gain DB] [--stems DIR] [--no-master] [--threads N]\n"
	"              [--progress|--no-progress]\n"
	"                  render the song to a WAV file (default: SONG's name in this folder);\n"
	"                  OUT.flac, .ogg, .opus or .mp3 picks that format instead (--bits\n"
	"                  applies to WAV and FLAC; the lossy ones encode the float mix);\n"
	"                  --lufs sets the integrated loudness (-14 streaming, -9 club), adding\n"
	"                  at most --lufs-max-gain dB (default 30), and says if it fell short,\n"
	"                  --stems writes one WAV per channel, bus return and the master into DIR,\n"
	"                  --threads: worker threads (default: one per core; same bytes for any)\n"
	"  import MODULE [-o SONG.bty]\n"
	"                  turn a MOD, XM, S3M or IT module into a song (default: the\n"
	"                  module's name in this folder) and its samples into WAV files in\n"
	"                  SONG-samples/ beside it; lists what could not be translated.\n"
	"                  render, info, check and the tracker screen also take modules\n"
	"  check SONG      validate the song and its samples\n"
	"  collect SONG    copy every sample from outside the song's folder into its samples/\n"
	"                  (a taken name gets a suffix, the same file is reused) and make\n"
	"                  the instruments' paths relative to the song; rewrites SONG\n"
	"  info SONG [--rate HZ] [--loudness]\n"
	"                  print title, tempo, length, channels, patterns and instruments;\n"
	"                  --loudness renders it and adds LUFS, LRA, true peak, correlation\n"
	"  fmt SONG [-w]   print the song in canonical form (-w: rewrite the file in place)\n"
	"  play SONG [--device D] [--period N] [--periods N] [--from ORDER] [--rate HZ]\n"
	"            [--threads N] [--interp sinc|cubic|none]\n"
	"                  play the song live through ALSA (default: device 'default', 48000 Hz,\n"
	"                  3 periods of 256 frames; --from: hex order position; --threads:\n"
	"                  workers, one per core by default); stops at the end, on 'q' or Ctrl-C;\n"
	"                  --interp: the samplers' interpolation (default sinc, as in render;\n"
	"                  cubic costs less on a slow machine)\n"
	"  devices         list the ALSA playback devices\n"
	"  keys [--keys NAME|FILE]\n"
	"                  list the tracker screen's key bindings (context, key, command, help)\n"
	"\n"
	"  --dump-config   print the default settings as a starting config.ini\n"
	"  --dump-keys     print the default key bindings as a starting keys.ini\n"
	"                  (both in ~/.config/beatty, or $XDG_CONFIG_HOME/beatty; problems in\n"
	"                  your own files go to stderr); --theme: default, light,\n"
	"                  high-contrast, mono or a theme file\n"
	"\n"
	"  -h, --help      this help\n"
	"  -V, --version   the version\n"
	"\n"
	"exit status: 0 ok, 1 bad input (the message names file and line), 2 usage\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "beatty: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'beatty --help')\n");
	return EXIT_USAGE;
}

static void warn_cb(void *user, const char *file, int line, const char *msg)
{
	(void)user;
	if (line > 0)
		fprintf(stderr, "%s:%d: warning: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: warning: %s\n", file, msg);
}

/* One line a kind of thing the import could not translate. */
static void print_report(const char *path, const import_report_t *rep)
{
	for (int i = 0; i < rep->nkinds; i++)
		fprintf(stderr, "%s: warning: not translated: %s (%d)\n", path, rep->kind[i].what,
		        rep->kind[i].count);
	if (rep->dropped)
		fprintf(stderr, "%s: warning: not translated: %d more of other kinds\n", path,
		        rep->dropped);
}

/* A song, or a module imported in memory (its samples with it). */
static int load(song_t *s, const char *path, int flags)
{
	if (import_is_module(path)) {
		import_report_t rep;
		char song_path[1024], err[600];
		import_song_path(path, song_path, sizeof(song_path));
		if (import_module(s, path, song_path, &rep, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		print_report(path, &rep);
		return 0;
	}
	songfile_error_t err;
	if (songfile_load(s, path, flags, &err, warn_cb, NULL) != 0) {
		char buf[600];
		songfile_error_format(&err, buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
		return -1;
	}
	return 0;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void format_time(int64_t frames, int rate, char *buf, size_t n)
{
	int64_t ms = (frames * 1000 + rate / 2) / rate;
	snprintf(buf, n, "%d:%02d.%03d", (int)(ms / 60000), (int)(ms / 1000 % 60), (int)(ms % 1000));
}

/* One subcommand's options: the song path plus named values. */
typedef struct cli_args {
	const char *song;
	const char *out;
	long rate;
	int bits;
	int progress;        /* -1 auto (a terminal), 0 off, 1 on */
	bool write;
	double lufs;         /* NAN: none */
	double lufs_max_gain; /* NAN: the default */
	const char *stems;
	bool no_master;
	bool loudness;
	long threads;        /* 0: one per core */
} cli_args_t;

static int parse_args(int argc, char **argv, cli_args_t *a, const char *allowed)
{
	*a = (cli_args_t){ .rate = 48000, .bits = 24, .progress = -1, .lufs = NAN,
	                   .lufs_max_gain = NAN };
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
#define TAKES(name) (!strcmp(o, name) && strstr(allowed, name))
		if (TAKES("--lufs") || TAKES("--stems")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			if (!strcmp(o, "--stems")) {
				a->stems = v;
			} else {
				char *end;
				a->lufs = strtod(v, &end);
				if (end == v || *end || !(a->lufs >= -70 && a->lufs <= 0))
					return usage_error("bad --lufs '%s' (-70..0, e.g. -14)", v);
			}
		} else if (TAKES("--lufs-max-gain")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			char *end;
			a->lufs_max_gain = strtod(v, &end);
			if (end == v || *end || !(a->lufs_max_gain >= 0 && a->lufs_max_gain <= 60))
				return usage_error("bad --lufs-max-gain '%s' (0..60 dB)", v);
		} else if (TAKES("--no-master")) {
			a->no_master = true;
		} else if (TAKES("--loudness")) {
			a->loudness = true;
		} else if (TAKES("--threads")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			if (!parse_int(v, 1, WORKPOOL_MAX_THREADS, &a->threads))
				return usage_error("bad --threads '%s' (1..64)", v);
		} else if (TAKES("-o") || TAKES("--rate") || TAKES("--bits")) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value", o);
			const char *v = argv[++i];
			if (!strcmp(o, "-o")) {
				a->out = v;
			} else if (!strcmp(o, "--rate")) {
				if (!parse_int(v, 8000, 384000, &a->rate))
					return usage_error("bad --rate '%s' (8000..384000)", v);
			} else if (!strcmp(v, "16") || !strcmp(v, "24")) {
				a->bits = atoi(v);
			} else if (!strcmp(v, "32f") || !strcmp(v, "32")) {
				a->bits = 32;
			} else {
				return usage_error("bad --bits '%s' (16, 24 or 32f)", v);
			}
		} else if (TAKES("--progress")) {
			a->progress = 1;
		} else if (TAKES("--no-progress")) {
			a->progress = 0;
		} else if (TAKES("-w")) {
			a->write = true;
		} else if (o[0] == '-' && o[1]) {
			return usage_error("unknown option '%s'", o);
		} else if (a->song) {
			return usage_error("one song at a time ('%s' is one too many)", o);
		} else {
			a->song = o;
		}
#undef TAKES
	}
	if (!a->song)
		return usage_error("%s", "no song given");
	return 0;
}

static void progress_bar(void *user, int64_t done, int64_t total)
{
	int *last = user;
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	if (pct > 100)
		pct = 100;
	if (pct == *last)
		return;
	*last = pct;
	char bar[41];
	int fill = pct * 40 / 100;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '-', (size_t)(40 - fill));
	bar[40] = 0;
	fprintf(stderr, "\rrendering [%s] %3d%%", bar, pct);
	fflush(stderr);
}

/* "songs/demo.bty" -> "demo.wav" */
static void default_out(const char *song, char *buf, size_t n)
{
	const char *base = strrchr(song, '/');
	base = base ? base + 1 : song;
	snprintf(buf, n, "%s", base);
	char *dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = 0;
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, ".wav");
}

static void print_loudness(const render_result_t *r)
{
	char lufs[32], tp[32];
	snprintf(lufs, sizeof(lufs), isfinite(r->lufs) ? "%.1f LUFS" : "silent", r->lufs);
	snprintf(tp, sizeof(tp), isfinite(r->true_peak) ? "%.1f dBTP" : "-inf dBTP", r->true_peak);
	printf("loudness:    %s integrated, LRA %.1f LU, true peak %s, correlation %.2f\n",
	       lufs, isfinite(r->lra) ? r->lra : 0.0, tp, r->correlation);
}

/* What became of --lufs, as the file's own meter reads it. */
static void print_target(const render_opts_t *o, const render_result_t *r)
{
	switch (r->target) {
	case RENDER_TARGET_REACHED:
		printf("target:      %.1f LUFS, reached with %+.1f dB into the master in %d passes\n",
		       o->lufs, r->gain, r->passes);
		break;
	case RENDER_TARGET_SILENT:
		if (isfinite(r->lufs))
			printf("target:      %.1f LUFS, not reached: the song is near-silence (%.1f LUFS); "
			       "rendered without gain\n", o->lufs, r->lufs);
		else
			printf("target:      %.1f LUFS, not reached: the song is silent; rendered without gain\n",
			       o->lufs);
		break;
	default:
		printf("target:      %.1f LUFS, not reached: %.1f LUFS with %+.1f dB into the master, "
		       "limited by %s\n", o->lufs, r->lufs, r->gain,
		       r->target == RENDER_TARGET_GAIN_CAP ? "the gain cap (--lufs-max-gain)" : "the limiter");
		break;
	}
}

static int cmd_render(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "-o --rate --bits --lufs --lufs-max-gain --stems "
	                    "--no-master --threads --progress --no-progress");
	if (rc)
		return rc;
	song_t s;
	if (load(&s, a.song, SONGFILE_LOAD_SAMPLES) != 0)
		return EXIT_BAD_INPUT;
	char outbuf[1024];
	if (!a.out) {
		default_out(a.song, outbuf, sizeof(outbuf));
		a.out = outbuf;
	}
	render_opts_t o;
	render_opts_default(&o);
	o.rate = (int)a.rate;
	o.bits = a.bits;
	o.lufs = a.lufs;
	if (!isnan(a.lufs_max_gain))
		o.lufs_max_gain = a.lufs_max_gain;
	o.stems = a.stems;
	o.master = !a.no_master;
	o.threads = (int)a.threads;
	int last = -1;
	if (a.progress == 1 || (a.progress == -1 && isatty(STDERR_FILENO))) {
		o.progress = progress_bar;
		o.user = &last;
	}
	/* Neither the song nor a sample it reads can be rendered over. */
	outfile_guard_t guard;
	outfile_guard_init(&guard);
	if (outfile_guard_song(&guard, a.song, &s) != 0) {
		fprintf(stderr, "beatty: out of memory\n");
		outfile_guard_deinit(&guard);
		song_deinit(&s);
		return EXIT_BAD_INPUT;
	}
	o.guard = &guard;
	/* An output that would replace the song, a sample or something that
	 * is not a file is bad input, refused before the name's format is
	 * judged (a usage error). */
	char why[512];
	if (outfile_check(&guard, a.out, why, sizeof(why)) != 0) {
		fprintf(stderr, "beatty: %s\n", why);
		outfile_guard_deinit(&guard);
		song_deinit(&s);
		return EXIT_BAD_INPUT;
	}
	if (delivery_check(a.out, o.rate, o.bits, why, sizeof(why)) != 0) {
		outfile_guard_deinit(&guard);
		song_deinit(&s);
		return usage_error("%s", why);
	}
	outfile_cleanup_on_signals();   /* Ctrl-C leaves no temporary file */
	render_result_t res;
	char err[512];
	rc = render_to_wav(&s, a.out, &o, &res, err, sizeof(err));
	outfile_guard_deinit(&guard);
	if (o.progress)
		fprintf(stderr, "\n");
	int s_channels = s.channels;
	song_deinit(&s);
	if (rc != 0) {
		fprintf(stderr, "beatty: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	char len[32], kind[64];
	format_time(res.frames, o.rate, len, sizeof(len));
	delivery_describe(a.out, o.bits, kind, sizeof(kind));
	printf("%s: %s, %d Hz, %s, peak %.1f dBFS\n", a.out, len, o.rate, kind,
	       gain_to_db(res.peak));
	printf("frames: %lld (song %lld + release tail %lld)\n", (long long)res.frames,
	       (long long)res.song_frames, (long long)(res.frames - res.song_frames));
	print_loudness(&res);
	if (!isnan(o.lufs))
		print_target(&o, &res);
	if (a.stems)
		printf("stems:       %s/ (%d channels, reverb, delay, master), %lld frames each\n", a.stems,
		       s_channels, (long long)res.frames);
	if (res.clipped)
		printf("note: the mix clipped (%lld samples above 0 dBFS); "
		       "turn channel volumes down\n", (long long)res.clipped);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "");
	if (rc)
		return rc;
	song_t s;
	if (load(&s, a.song, SONGFILE_LOAD_SAMPLES) != 0)
		return EXIT_BAD_INPUT;
	/* Every file read from outside the song's folder, once each. */
	char seen[SONG_MAX_INSTRUMENTS + 1][512];
	int nseen = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		char real[512];
		if (!songfile_sample_outside(&s, i, real, sizeof(real)))
			continue;
		bool dup = false;
		for (int k = 0; k < nseen && !dup; k++)
			dup = !strcmp(seen[k], real);
		if (dup)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", real);
		fprintf(stderr, "%s: warning: instrument %02X reads a file outside the song's folder: %s\n",
		        a.song, i, real);
	}
	song_deinit(&s);
	printf("%s: ok\n", a.song);
	return 0;
}

static int cmd_collect(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "");
	if (rc)
		return rc;
	song_t s;
	if (load(&s, a.song, 0) != 0)
		return EXIT_BAD_INPUT;
	char err[600];
	int copied;
	int n = collect_song(&s, a.song, &copied, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "beatty: %s\n", err);
		song_deinit(&s);
		return EXIT_BAD_INPUT;
	}
	if (n > 0) {
		songfile_error_t serr;
		if (songfile_save(&s, a.song, &serr) != 0) {
			songfile_error_format(&serr, err, sizeof(err));
			fprintf(stderr, "%s\n", err);
			song_deinit(&s);
			return EXIT_BAD_INPUT;
		}
	}
	printf("%s: %d instrument%s now read%s from samples/ (%d file%s copied)\n", a.song, n,
	       n == 1 ? "" : "s", n == 1 ? "s" : "", copied, copied == 1 ? "" : "s");
	song_deinit(&s);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "--rate --loudness");
	if (rc)
		return rc;
	song_t s;
	if (load(&s, a.song, a.loudness ? SONGFILE_LOAD_SAMPLES : 0) != 0)
		return EXIT_BAD_INPUT;
	int64_t frames = engine_song_frames(&s, (int)a.rate);
	int npat = 0, ninst = 0;
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		npat += s.pattern[i] != NULL;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		ninst += s.inst[i] != NULL;
	char len[32];
	format_time(frames, (int)a.rate, len, sizeof(len));
	printf("title:       %s\n", s.title);
	printf("artist:      %s\n", s.artist);
	printf("tempo:       %d BPM, %d lines per beat, %d ticks per line, swing %d%%\n",
	       s.bpm, s.lpb, s.tpl, s.swing);
	printf("length:      %s (%lld frames at %ld Hz, before release tails)\n", len,
	       (long long)frames, a.rate);
	printf("channels:    %d\n", s.channels);
	printf("patterns:    %d, %d in the order list\n", npat, s.norders);
	printf("instruments: %d\n", ninst);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const instrument_t *in = s.inst[i];
		if (!in)
			continue;
		printf("  %02X %-8s %s%s%s\n", i, inst_type_names[in->type], in->name,
		       in->type == INST_SAMPLER ? "  " : "",
		       in->type == INST_SAMPLER ? in->sampler.path : "");
	}
	if (a.loudness) {
		render_opts_t o;
		render_opts_default(&o);
		o.rate = (int)a.rate;
		render_result_t res;
		char err[512];
		if (render_analyse(&s, &o, &res, err, sizeof(err)) != 0) {
			fprintf(stderr, "beatty: %s\n", err);
			song_deinit(&s);
			return EXIT_BAD_INPUT;
		}
		print_loudness(&res);
	}
	song_deinit(&s);
	return 0;
}

static int cmd_fmt(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "-w");
	if (rc)
		return rc;
	song_t s;
	if (load(&s, a.song, 0) != 0)
		return EXIT_BAD_INPUT;
	rc = 0;
	if (a.write) {
		songfile_error_t err;
		if (songfile_save(&s, a.song, &err) != 0) {
			char buf[600];
			songfile_error_format(&err, buf, sizeof(buf));
			fprintf(stderr, "%s\n", buf);
			rc = EXIT_BAD_INPUT;
		}
	} else if (songfile_write(&s, stdout) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "beatty: writing to standard output: %s\n", strerror(errno));
		rc = EXIT_BAD_INPUT;
	}
	song_deinit(&s);
	return rc;
}

/* "dir/song.mod" -> "song.bty" in this folder */
static void default_song_out(const char *module, char *buf, size_t n)
{
	const char *base = strrchr(module, '/');
	import_song_path(base ? base + 1 : module, buf, n);
}

static int cmd_import(int argc, char **argv)
{
	cli_args_t a;
	int rc = parse_args(argc, argv, &a, "-o");
	if (rc)
		return rc;
	char outbuf[1024];
	if (!a.out) {
		default_song_out(a.song, outbuf, sizeof(outbuf));
		a.out = outbuf;
	}
	size_t n = strlen(a.out);
	if (n < 5 || strcmp(a.out + n - 4, ".bty"))
		return usage_error("the song must be a .bty file ('%s')", a.out);
	if (access(a.song, R_OK) != 0) {
		fprintf(stderr, "%s: %s\n", a.song, strerror(errno));
		return EXIT_BAD_INPUT;
	}
	song_t s;
	import_report_t rep;
	char err[600];
	if (import_module(&s, a.song, a.out, &rep, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_BAD_INPUT;
	}
	int nsamples = import_write_samples(&s, a.out, true, err, sizeof(err));
	songfile_error_t se;
	if (nsamples < 0 || songfile_save(&s, a.out, &se) != 0) {
		if (nsamples >= 0)
			songfile_error_format(&se, err, sizeof(err));
		fprintf(stderr, "beatty: %s\n", err);
		song_deinit(&s);
		return EXIT_BAD_INPUT;
	}
	int ninst = 0, npat = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		ninst += s.inst[i] != NULL;
	for (int i = 0; i < SONG_MAX_PATTERNS; i++)
		npat += s.pattern[i] != NULL;
	printf("%s: %s, %d channels, %d patterns, %d in the order list, %d instruments, "
	       "%d samples written\n", a.out, rep.format, s.channels, npat, s.norders, ninst, nsamples);
	if (rep.nkinds) {
		printf("not translated (count, kind):\n");
		import_report_print(&rep, stdout);
	}
	song_deinit(&s);
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "render", cmd_render },
	{ "import", cmd_import },
	{ "check", cmd_check },
	{ "collect", cmd_collect },
	{ "info", cmd_info },
	{ "fmt", cmd_fmt },
	{ "play", cmd_play },
	{ "devices", cmd_devices },
	{ "keys", ui_keys_main },
};

/* `beatty SONG`: an option, an existing file or a .bty name opens the
 * tracker screen; anything else is a mistyped command. */
static bool is_ui_arg(const char *a)
{
	size_t n = strlen(a);
	return a[0] == '-' || access(a, F_OK) == 0 || (n > 4 && !strcmp(a + n - 4, ".bty"));
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		/* Without a terminal there is no screen to open: say how to use it. */
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
		return ui_main(0, argv + 1);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--dump-config"))
		return ui_dump_config_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "--dump-keys"))
		return ui_dump_keys_main(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("beatty %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	if (is_ui_arg(argv[1]))
		return ui_main(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
