/*
 * import: tracker modules read by libxmp, turned into beatty songs.
 *
 * libxmp does the parsing (about 90 formats, fuzzed upstream); this file
 * only translates its struct xmp_module:
 *
 *   xmp patterns x tracks -> [pattern NN] cells (note, instrument,
 *                            volume column, one effect)
 *   xmp instrument + sub  -> one sampler instrument per sample used
 *   xmp orders            -> [order] (ST3's "+++" skips dropped, jumps
 *                            renumbered)
 *   speed, tempo          -> tpl, bpm with timing = ticks
 *
 * Effects go into beatty's ProTracker/FT2 letters.  Where the source
 * tracker's memory rules differ from beatty's (ProTracker has none for
 * 1xx, 2xx, Axy, E1x, E2x, EAx, EBx), the translation resolves it here:
 * a zero parameter that means "nothing" in the source is dropped rather
 * than left to recall an older one.  Anything else the song cannot hold
 * is counted by kind in the report.
 *
 * Pitch: libxmp plays its note 60 (beatty's C-5) at 8363 Hz shifted by
 * the sample's transpose and finetune, so each sample gets root C-5, a
 * rate of 8363 Hz moved by the transpose, and the finetune in cents.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xmp.h>
#include "import.h"
#include "infile.h"
#include "note.h"
#include "sample.h"

/* libxmp's internal effect numbers (its effects.h, stable across 4.x). */
enum {
	X_ARPEGGIO = 0x00, X_PORTA_UP = 0x01, X_PORTA_DN = 0x02, X_TONEPORTA = 0x03,
	X_VIBRATO = 0x04, X_TONE_VSLIDE = 0x05, X_VIBRA_VSLIDE = 0x06, X_TREMOLO = 0x07,
	X_SETPAN = 0x08, X_OFFSET = 0x09, X_VOLSLIDE = 0x0a, X_JUMP = 0x0b, X_VOLSET = 0x0c,
	X_BREAK = 0x0d, X_EXTENDED = 0x0e, X_SPEED = 0x0f, X_GLOBALVOL = 0x10,
	X_GVOL_SLIDE = 0x11, X_KEYOFF = 0x14, X_ENVPOS = 0x15, X_PANSLIDE = 0x19,
	X_MULTI_RETRIG = 0x1b, X_TREMOR = 0x1d, X_XF_PORTA = 0x21, X_IT_BPM = 0x87,
	X_IT_ROWDELAY = 0x88, X_SURROUND = 0x8d, X_IT_BREAK = 0x8e, X_S3M_SPEED = 0xa3,
	X_VOLSLIDE_2 = 0xa4, X_FINETUNE = 0xa6, X_S3M_BPM = 0xab, X_FINE_VIBRATO = 0xac,
	X_S3M_ARPEGGIO = 0xb4, X_PANSL_NOMEM = 0xb5,
};

#define C5_RATE   8363.0         /* FT2's and ST3's C-4 */
#define PAL_RATE  (3546895.0 / 428.0)   /* a ProTracker C-2 on a PAL Amiga */
#define NO_ORDER  (-1)

typedef enum { FMT_MOD, FMT_S3M, FMT_XM, FMT_OTHER } fmt_t;

/* s3m_header's findings */
#define S3M_AMIGA_LIMITS 1u
#define S3M_FAST_SLIDES  2u

/* The translation in progress. */
typedef struct conv {
	const struct xmp_module *m;
	song_t *s;
	import_report_t *rep;
	fmt_t fmt;
	bool speed_only;                           /* Noisetracker: every Fxx is a speed */
	bool synth;                                /* has AdLib-style synth patches */
	int order_of[XMP_MAX_MOD_LENGTH];          /* module order -> song order */
	short inst_of[256][32];                    /* xmp instrument, sub -> song instrument */
	int ninst;
} conv_t;

static void note_kind(import_report_t *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Counts one occurrence of a kind of thing the song cannot hold. */
static void note_kind(import_report_t *rep, const char *fmt, ...)
{
	if (!rep)
		return;
	char what[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	for (int i = 0; i < rep->nkinds; i++)
		if (!strcmp(rep->kind[i].what, what)) {
			rep->kind[i].count++;
			return;
		}
	if (rep->nkinds == IMPORT_KINDS_MAX) {
		rep->dropped++;
		return;
	}
	snprintf(rep->kind[rep->nkinds].what, sizeof(rep->kind[0].what), "%s", what);
	rep->kind[rep->nkinds++].count = 1;
}

static int clampi(int x, int lo, int hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static fmt_t format_of(const char *type)
{
	if (strstr(type, "S3M") || strstr(type, "Scream Tracker 3"))
		return FMT_S3M;
	if (strstr(type, "XM") || strstr(type, "Fast Tracker"))
		return FMT_XM;
	if (strstr(type, " IT") || strstr(type, "Impulse"))
		return FMT_OTHER;
	return FMT_MOD;
}

/* Copies a module's name field: printable ASCII, blanks trimmed, no ';'
 * after a blank (the song file would read it as a comment). */
static void copy_name(char *dst, size_t n, const char *src, size_t srclen)
{
	size_t j = 0;
	for (size_t i = 0; i < srclen && src[i] && j + 1 < n; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c < 0x20 || c > 0x7e)
			c = ' ';
		if (c == ';' && j > 0 && dst[j - 1] == ' ')
			c = ',';
		dst[j++] = (char)c;
	}
	while (j > 0 && dst[j - 1] == ' ')
		j--;
	dst[j] = 0;
	size_t lead = strspn(dst, " ");
	memmove(dst, dst + lead, strlen(dst + lead) + 1);
}

/* ------------------------------------------------------------------ */
/* samples and instruments                                              */

/* Turns one xmp sample into float frames.  A ping-pong loop (bidi) is
 * written out as a forward one: the frames up to the loop's end, then
 * the loop backwards.  Trackers play both turning frames twice (a
 * period of twice the loop length), which beatty's own ping-pong, made
 * for seamless loops, does not; unrolled, the module plays exactly as
 * written.  Returns false on allocation failure. */
static bool take_sample(const struct xmp_sample *xs, sample_t *out, int rate,
                        const struct xmp_sample *bidi)
{
	memset(out, 0, sizeof(*out));
	if (xs->len <= 0 || !xs->data)
		return true;
	size_t len = bidi ? (size_t)bidi->lpe + (size_t)(bidi->lpe - bidi->lps) : (size_t)xs->len;
	float *d = malloc(len * sizeof(float));
	if (!d)
		return false;
	int n = bidi ? bidi->lpe : xs->len;
	if (xs->flg & XMP_SAMPLE_16BIT) {
		const int16_t *p = (const int16_t *)(const void *)xs->data;
		for (int i = 0; i < n; i++)
			d[i] = (float)p[i] / 32768.0f;
	} else {
		const int8_t *p = (const int8_t *)xs->data;
		for (int i = 0; i < n; i++)
			d[i] = (float)p[i] / 128.0f;
	}
	if (bidi) {
		for (int i = 0; i < bidi->lpe - bidi->lps; i++)
			d[bidi->lpe + i] = d[bidi->lpe - 1 - i];
	}
	out->data = d;
	out->channels = 1;
	out->frames = (int64_t)len;
	out->rate = rate;
	return true;
}

/* An FT2 volume envelope as an ADSR: the attack rises to the loudest
 * point before the sustain (or the end), the decay falls to the sustain
 * point's level, the release spans what follows it, fadeout included.
 * Points are in ticks at the song's first tempo.  Returns the peak level
 * (0..1) the envelope reaches, which goes into the instrument's volume;
 * counts envelopes it could only approximate. */
static float envelope_adsr(conv_t *cv, const struct xmp_instrument *xi, adsr_params_t *amp)
{
	double tick = 2.5 / cv->s->bpm;
	const struct xmp_envelope *ev = &xi->aei;
	/* Without an envelope, FT2 silences a released note at once; MOD and
	 * S3M have no release at all (their "off" is a cut). */
	*amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.004f };
	bool on = (ev->flg & XMP_ENVELOPE_ON) && ev->npt >= 1 && ev->npt <= XMP_MAX_ENV_POINTS;
	if (!on)
		return 1.0f;   /* (a fadeout does nothing then: the off has cut the note) */
	int n = ev->npt;
	int sus = (ev->flg & XMP_ENVELOPE_SUS) && ev->sus >= 0 && ev->sus < n ? ev->sus : n - 1;
	int peak = 0;
	for (int i = 0; i <= sus; i++)
		if (ev->data[2 * i + 1] > ev->data[2 * peak + 1])
			peak = i;
	double ymax = clampi(ev->data[2 * peak + 1], 0, 64) / 64.0;
	if (ymax <= 0.0)
		ymax = 1.0 / 64.0;
	double ysus = clampi(ev->data[2 * sus + 1], 0, 64) / 64.0;
	amp->attack = (float)(fmax(0, ev->data[2 * peak]) * tick);
	amp->decay = (float)(fmax(0, ev->data[2 * sus] - ev->data[2 * peak]) * tick);
	amp->sustain = (float)fmin(1.0, ysus / ymax);
	double rel = (ev->data[2 * (n - 1)] - ev->data[2 * sus]) * tick;
	if (xi->rls > 0)
		rel = fmax(rel, 32768.0 / xi->rls * tick);
	if (!(ev->flg & XMP_ENVELOPE_SUS))
		rel = 0.004;   /* no sustain: the envelope ran its course; off just ends it */
	amp->release = (float)fmin(60.0, fmax(0.004, rel));
	amp->attack = fminf(amp->attack, 60.0f);
	amp->decay = fminf(amp->decay, 60.0f);
	if (ev->flg & (XMP_ENVELOPE_LOOP | XMP_ENVELOPE_SLOOP))
		note_kind(cv->rep, "volume envelope loop (played as a plain envelope)");
	if (n > 4 || peak > 1)
		note_kind(cv->rep, "volume envelope shape (approximated by an ADSR)");
	return (float)ymax;
}

/* An XM envelope as it is: points (levels 0..64), sustain and loop.
 * FT2 refuses points out of order, so the envelope ends at the first. */
static void xm_env_read(const struct xmp_envelope *ev, ft2_env_t *env)
{
	if (!(ev->flg & XMP_ENVELOPE_ON) || ev->npt < 1)
		return;
	int n = ev->npt < ENV_MAX_POINTS ? ev->npt : ENV_MAX_POINTS;
	for (int k = 0; k < n; k++) {
		int t = clampi(ev->data[2 * k], 0, ENV_MAX_TICK);
		if (k && t <= env->tick[k - 1])
			break;
		env->tick[k] = (uint16_t)t;
		env->level[k] = (uint8_t)clampi(ev->data[2 * k + 1], 0, 64);
		env->n = k + 1;
	}
	env->sus_on = (ev->flg & XMP_ENVELOPE_SUS) && ev->sus >= 0 && ev->sus < env->n;
	env->sustain = env->sus_on ? ev->sus : 0;
	env->loop_on = (ev->flg & XMP_ENVELOPE_LOOP) && ev->lps >= 0 && ev->lps <= ev->lpe &&
	               ev->lpe < env->n;
	env->loop_start = env->loop_on ? ev->lps : 0;
	env->loop_end = env->loop_on ? ev->lpe : 0;
}

/* An XM's volume envelope as it is, points, sustain, loop and fadeout
 * (the engine plays it as FT2 does), and its panning envelope (32 the
 * centre; the engine moves the channel's pan by it); the amp ADSR then
 * only cuts a note another replaces.  Without a volume envelope, FT2
 * silences a released note at once, but the fadeout still takes a note
 * let go beside an instrument number or a volume.  Returns the level
 * the instrument's volume takes (full). */
static float xm_envelope(const struct xmp_instrument *xi, sampler_params_t *sp)
{
	sp->amp = (adsr_params_t){ 0.0f, 0.0f, 1.0f, 0.004f };
	sp->env.fadeout = clampi(xi->rls, 0, FADEOUT_MAX);
	xm_env_read(&xi->pei, &sp->penv);
	xm_env_read(&xi->aei, &sp->env);
	return 1.0f;
}

/* A sample's file name, relative to the song: "<stem>-samples/NN-name.wav". */
static void sample_path(char *dst, size_t n, const char *stem, int idx, const char *name)
{
	char clean[24];
	size_t j = 0;
	for (size_t i = 0; name[i] && j + 1 < 24; i++) {
		unsigned char c = (unsigned char)name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (ok)
			clean[j++] = (char)c;
		else if (j > 0 && clean[j - 1] != '_')
			clean[j++] = '_';
	}
	while (j > 0 && clean[j - 1] == '_')
		j--;
	clean[j] = 0;
	if (j)
		snprintf(dst, n, "%.180s-samples/%02X-%s.wav", stem, idx, clean);
	else
		snprintf(dst, n, "%.180s-samples/%02X.wav", stem, idx);
}

/* Makes song instrument idx from sub k of xmp instrument xi.  Returns
 * false on allocation failure. */
static bool make_inst(conv_t *cv, int idx, int xi, int k, const char *stem)
{
	const struct xmp_module *m = cv->m;
	const struct xmp_instrument *in = &m->xxi[xi];
	const struct xmp_subinstrument *sub = &in->sub[k];
	instrument_t *bi = song_inst_new(cv->s, idx, INST_SAMPLER);
	if (!bi)
		return false;
	copy_name(bi->name, sizeof(bi->name), in->name, sizeof(in->name));
	sampler_params_t *sp = &bi->sampler;
	sp->root = NOTE_MIN + 60;   /* C-5 */
	sp->finetune = clampi((int)lrint(sub->fin * 100.0 / 128.0), -100, 100);
	double base = cv->fmt == FMT_MOD ? PAL_RATE : C5_RATE;
	int rate = (int)lrint(base * exp2(clampi(sub->xpo, -96, 96) / 12.0));
	rate = clampi(rate, 1, 4000000);
	float level = cv->fmt == FMT_XM && strstr(m->type, "XM") ? xm_envelope(in, sp)
	                                                         : envelope_adsr(cv, in, &sp->amp);
	double g = level * (in->vol > 0 ? fmin(in->vol, 64) / 64.0 : 0.0) *
	           (sub->gvl > 0 ? fmin(sub->gvl, 64) / 64.0 : 0.0);
	sp->volume = g > 1e-5 ? (float)(20.0 * log10(g)) : -96.0f;
	if (sub->sid < 0 || sub->sid >= m->smp) {
		note_kind(cv->rep, "instrument without a sample (silent)");
		return true;
	}
	const struct xmp_sample *xs = &m->xxs[sub->sid];
	if (!bi->name[0])
		copy_name(bi->name, sizeof(bi->name), xs->name, sizeof(xs->name));
	if (xs->flg & XMP_SAMPLE_SYNTH) {
		cv->synth = true;
		note_kind(cv->rep, "synth patch instead of a sample (silent)");
		return true;
	}
	bool loop = (xs->flg & XMP_SAMPLE_LOOP) && xs->lpe > xs->lps && xs->lps >= 0 &&
	            xs->lpe <= xs->len && xs->lpe - xs->lps >= 2;
	if (!take_sample(xs, &sp->sample, rate, loop && (xs->flg & XMP_SAMPLE_LOOP_BIDIR) ? xs : NULL))
		return false;
	sample_path(sp->path, sizeof(sp->path), stem, idx, bi->name);
	if (loop) {
		sp->loop = LOOP_FORWARD;
		sp->loop_start = xs->lps;
		sp->loop_end = sp->sample.frames;
		if (!(xs->flg & XMP_SAMPLE_LOOP_BIDIR))
			sp->loop_end = xs->lpe;
		if (xs->flg & XMP_SAMPLE_LOOP_REVERSE)
			note_kind(cv->rep, "reverse sample loop (played forward)");
	}
	if (xs->flg & XMP_SAMPLE_SLOOP)
		note_kind(cv->rep, "sustain loop (ignored)");
	/* (an XM's own: a MOD that FT2 saved keeps its channels' panning,
	 * as libxmp plays it) */
	if (cv->fmt == FMT_XM && strstr(cv->m->type, "XM") && sub->pan >= 0) {
		sp->has_pan = true;
		sp->pan = sub->pan < 128 ? (sub->pan - 128) / 128.0f : (sub->pan - 128) / 127.0f;
		sp->pan = sp->pan < -1.0f ? -1.0f : sp->pan > 1.0f ? 1.0f : sp->pan;
	}
	if (sub->vde > 0 && sub->vra > 0)
		note_kind(cv->rep, "instrument auto-vibrato");
	return true;
}

/* Song instrument numbers: xmp instrument i keeps number i+1 for its
 * first sample; further samples of a multi-sample instrument get the
 * numbers after the last instrument. */
static bool make_instruments(conv_t *cv, const char *stem)
{
	const struct xmp_module *m = cv->m;
	memset(cv->inst_of, 0, sizeof(cv->inst_of));
	int nins = m->ins < 255 ? m->ins : 255;
	if (m->ins > 255)
		note_kind(cv->rep, "instruments past 255");
	int next = nins + 1;
	for (int i = 0; i < nins; i++) {
		const struct xmp_instrument *in = &m->xxi[i];
		if (in->nsm <= 0 || !in->sub)
			continue;
		for (int k = 0; k < in->nsm && k < 32; k++) {
			int idx = k == 0 ? i + 1 : next;
			if (idx > SONG_MAX_INSTRUMENTS) {
				note_kind(cv->rep, "samples past instrument FF (dropped)");
				break;
			}
			if (k > 0) {
				/* Only samples the keyboard map reaches. */
				bool used = false;
				for (int key = 0; key < XMP_MAX_KEYS; key++)
					used |= in->map[key].ins == k;
				if (!used)
					continue;
				next++;
			}
			if (!make_inst(cv, idx, i, k, stem))
				return false;
			cv->inst_of[i][k] = (short)idx;
		}
		if (in->nsm > 32)
			note_kind(cv->rep, "samples past 32 in one instrument (dropped)");
	}
	cv->ninst = next - 1;
	return true;
}

/* ------------------------------------------------------------------ */
/* effects                                                              */

/* A translated effect: letter and parameter, or letter 0 for none; off
 * asks for a note-off in the note column. */
typedef struct fx {
	int letter, param;
	bool off;
	int vol;      /* >= 0: a volume for the volume column instead */
} fx_t;

static fx_t fx_none(void)
{
	return (fx_t){ 0, 0, false, -1 };
}

static fx_t fx_of(int letter, int param)
{
	return (fx_t){ letter, param & 0xFF, false, -1 };
}

static fx_t ext(int x, int y)
{
	return fx_of('E', (x << 4) | (y & 15));
}

/* ProTracker has no memory for these: a zero parameter does nothing. */
static bool pt_no_memory(const conv_t *cv, int param)
{
	return cv->fmt == FMT_MOD && param == 0;
}

/* An ST3 Kxy or Lxy whose volume part is a fine slide (an F beside a
 * non-zero nibble; with both non-zero otherwise they slide down). */
static bool s3m_fine_nibble(const conv_t *cv, int p)
{
	int x = p >> 4, y = p & 15;
	return cv->fmt == FMT_S3M && ((x == 0xF && y) || (y == 0xF && x));
}

/* beatty's cell holds one effect: the fine slide, which the level
 * hears, wins over the vibrato or glide going on. */
static fx_t s3m_fine_vol(conv_t *cv, int p, const char *what)
{
	int x = p >> 4, y = p & 15;
	note_kind(cv->rep, "%s with a fine volume slide (the fine slide kept)", what);
	return y == 0xF ? ext(0xA, x) : ext(0xB, y);
}

/* A command beatty plays as FT2 does (the commands only the XM import
 * writes); from other formats it is counted and left out. */
static fx_t xm_only(conv_t *cv, int letter, int param, const char *kind)
{
	if (cv->fmt == FMT_XM)
		return fx_of(letter, param);
	note_kind(cv->rep, "%s", kind);
	return fx_none();
}

static fx_t translate_ext(conv_t *cv, int p)
{
	int x = p >> 4, y = p & 15;
	switch (x) {
	case 0x1:
	case 0x2:
	case 0xA:
	case 0xB:
		if (y == 0 && cv->fmt == FMT_MOD)
			return fx_none();
		return ext(x, y);
	case 0x6: case 0x9: case 0xC: case 0xD: case 0xE:
		return ext(x, y);
	case 0x8:
		return fx_of('8', y * 17);
	case 0x0:
		note_kind(cv->rep, "E0x Amiga filter (ignored)");
		return fx_none();
	case 0x4:
	case 0x7:
		if (y == 0 || y == 4)
			return fx_none();   /* the sine beatty uses anyway */
		note_kind(cv->rep, "E%Xx vibrato/tremolo waveform (sine kept)", x);
		return fx_none();
	case 0x3: note_kind(cv->rep, "E3x glissando"); return fx_none();
	case 0x5: return ext(x, y);
	case 0xF: note_kind(cv->rep, "EFx invert loop"); return fx_none();
	}
	return fx_none();
}

/* One xmp effect as a beatty effect (or nothing, counted). */
static fx_t translate_fx(conv_t *cv, int t, int p)
{
	int x = p >> 4, y = p & 15;
	switch (t) {
	case X_ARPEGGIO:
	case X_S3M_ARPEGGIO:
		return p ? fx_of('0', p) : fx_none();
	case X_PORTA_UP:
	case X_PORTA_DN: {
		int up = t == X_PORTA_UP;
		if (pt_no_memory(cv, p))
			return fx_none();
		if (cv->fmt == FMT_S3M && x == 0xF)
			return ext(up ? 1 : 2, y);
		if (cv->fmt == FMT_S3M && x == 0xE) {
			note_kind(cv->rep, "extra fine portamento (rounded to fine)");
			return (y + 2) / 4 ? ext(up ? 1 : 2, (y + 2) / 4) : fx_none();
		}
		return fx_of(up ? '1' : '2', p);
	}
	case X_TONEPORTA: return fx_of('3', p);
	case X_VIBRATO: return fx_of('4', p);
	case X_TONE_VSLIDE:
		if (pt_no_memory(cv, p))
			return fx_of('3', 0);
		if (s3m_fine_nibble(cv, p))
			return s3m_fine_vol(cv, p, "tone portamento");
		return fx_of('5', cv->fmt == FMT_S3M && x && y ? y : p);   /* ST3: down */
	case X_VIBRA_VSLIDE:
		if (pt_no_memory(cv, p))
			return fx_of('4', 0);
		if (s3m_fine_nibble(cv, p))
			return s3m_fine_vol(cv, p, "vibrato");
		return fx_of('6', cv->fmt == FMT_S3M && x && y ? y : p);
	case X_TREMOLO: return fx_of('7', p);
	case X_SETPAN: return fx_of('8', p);
	case X_OFFSET: return fx_of('9', p);
	case X_VOLSLIDE:
	case X_VOLSLIDE_2:
		if (pt_no_memory(cv, p) || (t == X_VOLSLIDE_2 && p == 0))
			return fx_none();
		if (cv->fmt == FMT_S3M && t == X_VOLSLIDE) {
			if (y == 0xF && x)
				return ext(0xA, x);
			if (x == 0xF && y)
				return ext(0xB, y);
		}
		if (x && y && cv->fmt == FMT_S3M)
			return fx_of('A', y);   /* ST3 slides down then */
		if (x && y) {
			note_kind(cv->rep, "volume slide up and down at once (up kept)");
			return fx_of('A', x << 4);
		}
		return fx_of('A', p);
	case X_JUMP: return fx_of('B', p);
	case X_VOLSET: return (fx_t){ 0, 0, false, clampi(p, 0, 64) };
	case X_BREAK: return fx_of('D', clampi(10 * x + y, 0, 255));
	case X_IT_BREAK: return fx_of('D', p);
	case X_EXTENDED: return translate_ext(cv, p);
	case X_SPEED:
		if (p == 0)
			return cv->fmt == FMT_MOD ? fx_of('F', 0) : fx_none();
		if (cv->speed_only && p > 0x1F)
			p = 0x1F;   /* made exact by long_speeds() where it can be */
		return fx_of('F', p);
	case X_S3M_SPEED:
		if (p == 0)
			return fx_none();
		return fx_of('F', p > 0x1F ? 0x1F : p);
	case X_S3M_BPM:
	case X_IT_BPM:
		if (p < 0x20) {
			note_kind(cv->rep, "tempo slide");
			return fx_none();
		}
		return fx_of('F', p);
	case X_KEYOFF:
		if (p == 0)
			return (fx_t){ 0, 0, true, -1 };
		if (cv->fmt == FMT_XM)
			return fx_of('N', p);
		note_kind(cv->rep, "Kxx key off at a later tick");
		return fx_none();
	case X_MULTI_RETRIG:
		if (y && (x == 0 || x == 8))
			return ext(0x9, y);
		note_kind(cv->rep, "Rxy/Qxy retrigger with volume change (plain retrigger)");
		return y ? ext(0x9, y) : fx_none();
	case X_FINE_VIBRATO:
		note_kind(cv->rep, "fine vibrato (depth rounded)");
		return fx_of('4', (x << 4) | ((y + 2) / 4 ? (y + 2) / 4 : (y ? 1 : 0)));
	case X_XF_PORTA:
		if (cv->fmt == FMT_XM)
			return x == 1 || x == 2 ? fx_of('O', p) : fx_none();
		note_kind(cv->rep, "extra fine portamento (rounded to fine)");
		if ((x == 1 || x == 2) && (y + 2) / 4)
			return ext(x, (y + 2) / 4);
		return fx_none();
	case X_GLOBALVOL: return xm_only(cv, 'V', clampi(p, 0, 64), "global volume");
	case X_GVOL_SLIDE: return xm_only(cv, 'W', p, "global volume slide");
	case X_ENVPOS: return xm_only(cv, 'L', p, "Lxx envelope position");
	case X_PANSLIDE:
	case X_PANSL_NOMEM:
		/* (the volume column's slide has no memory: there a zero does
		 * nothing) */
		if (t == X_PANSL_NOMEM && !p && cv->fmt == FMT_XM)
			return fx_none();
		return xm_only(cv, 'P', p, "panning slide");
	case X_TREMOR: return xm_only(cv, 'T', p, "tremor");
	case X_SURROUND: note_kind(cv->rep, "surround"); return fx_none();
	case X_FINETUNE: note_kind(cv->rep, "set finetune"); return fx_none();
	case X_IT_ROWDELAY: note_kind(cv->rep, "row delay"); return fx_none();
	}
	note_kind(cv->rep, "effect %02X (libxmp's number)", t);
	return fx_none();
}

/* ------------------------------------------------------------------ */
/* patterns and orders                                                  */

static int song_inst_for(const conv_t *cv, int xi, int note)
{
	if (xi < 0 || xi >= cv->m->ins || xi >= 255)
		return 0;
	const struct xmp_instrument *in = &cv->m->xxi[xi];
	int k = 0;
	if (note >= 1 && note <= XMP_MAX_KEYS) {
		int mk = in->map[note - 1].ins;
		if (mk >= 0 && mk < 32 && mk < in->nsm)
			k = mk;
	}
	if (cv->inst_of[xi][k])
		return cv->inst_of[xi][k];
	return xi + 1;   /* an instrument without samples: notes stay silent */
}

static bool s3m_empty_inst(const conv_t *cv, int xi)
{
	if (xi < 0 || xi >= cv->m->ins)
		return true;
	const struct xmp_instrument *in = &cv->m->xxi[xi];
	return in->nsm <= 0 || !in->sub || in->sub[0].sid < 0 || in->sub[0].sid >= cv->m->smp;
}

/* An XM's volume-column command (libxmp hands it over as the event's
 * second effect) as beatty's volume-column command, or VOL_NONE when it
 * is none of them. */
static uint8_t xm_vol_cmd(int t, int p)
{
	int x = p >> 4, y = p & 15;
	switch (t) {
	case X_VOLSLIDE_2:
		return x ? vol_cmd_make(VC_SLIDE_UP, x) : vol_cmd_make(VC_SLIDE_DOWN, y);
	case X_EXTENDED:
		if (x == 0xA || x == 0xB)
			return vol_cmd_make(x == 0xA ? VC_FINE_UP : VC_FINE_DOWN, y);
		return VOL_NONE;
	case X_VIBRATO:
		return x ? vol_cmd_make(VC_VIB_SPEED, x) : vol_cmd_make(VC_VIB_DEPTH, y);
	case X_SETPAN:
		return vol_cmd_make(VC_PAN, x);
	case X_PANSL_NOMEM:
		return x ? vol_cmd_make(VC_PAN_RIGHT, x) : vol_cmd_make(VC_PAN_LEFT, y);
	case X_TONEPORTA:
		return vol_cmd_make(VC_TONE_PORTA, x);
	}
	return VOL_NONE;
}

/* FT2's K00 beside a note (as xmp plays it): the note is not played and
 * its instrument number neither restarts the envelope nor changes the
 * sample: the row is an off, with the row's volume. */
static void xm_k00_beside_note(cell_t *c, fx_t *f)
{
	if (c->note >= NOTE_MIN && c->note <= NOTE_MAX) {
		c->note = NOTE_OFF;
		c->inst = 0;
		*f = fx_none();
	} else {
		*f = fx_of('N', 0);   /* beside an off or a cut: let go on tick 0 */
	}
}

static void convert_cell(conv_t *cv, const struct xmp_event *ev, cell_t *c, int *last_note)
{
	*c = (cell_t){ NOTE_NONE, 0, VOL_NONE, 0, 0 };
	int note = ev->note;
	if (note >= 1 && note <= 120) {
		c->note = (uint8_t)note;
		*last_note = note;
	} else if (note == XMP_KEY_OFF || note == XMP_KEY_FADE) {
		c->note = NOTE_OFF;
		if (note == XMP_KEY_FADE)
			note_kind(cv->rep, "note fade (played as note off)");
	} else if (note == XMP_KEY_CUT) {
		c->note = NOTE_CUT;
	} else if (note) {
		note_kind(cv->rep, "note out of range");
	}
	int sub_vol = -1;
	if (ev->ins && cv->fmt == FMT_S3M && s3m_empty_inst(cv, ev->ins - 1)) {
		/* ST3 (as xmp plays it) ignores the number of an instrument
		 * without a sample: the note, a glide's target included, goes on
		 * with the channel's instrument and volume. */
	} else if (ev->ins) {
		int xi = ev->ins - 1;
		c->inst = (uint8_t)song_inst_for(cv, xi, c->note <= 120 && c->note ? c->note : *last_note);
		if (c->inst && xi < cv->m->ins && cv->m->xxi[xi].nsm > 0) {
			int k = 0, n = c->note >= 1 && c->note <= 120 ? c->note : *last_note;
			if (n >= 1 && n <= XMP_MAX_KEYS && cv->m->xxi[xi].map[n - 1].ins < cv->m->xxi[xi].nsm)
				k = cv->m->xxi[xi].map[n - 1].ins;
			sub_vol = clampi(cv->m->xxi[xi].sub[k].vol, 0, 64);
		} else if (c->inst && xi < cv->m->ins && cv->fmt != FMT_S3M) {
			sub_vol = 0;   /* an instrument without a sample: volume 0 (ProTracker, FT2) */
		}
	}
	if (ev->vol)
		c->vol = (uint8_t)clampi(ev->vol - 1, 0, 64);
	fx_t a = translate_fx(cv, ev->fxt, ev->fxp);
	fx_t b = fx_none();
	uint8_t vcmd = VOL_NONE;
	if ((ev->f2t || ev->f2p) && cv->fmt == FMT_XM && c->vol == VOL_NONE)
		vcmd = xm_vol_cmd(ev->f2t, ev->f2p);
	if (vcmd != VOL_NONE)
		c->vol = vcmd;
	else if (ev->f2t || ev->f2p)
		b = translate_fx(cv, ev->f2t, ev->f2p);
	fx_t both[2] = { a, b };
	for (int i = 0; i < 2; i++) {
		fx_t f = both[i];
		if (f.off && c->note == NOTE_NONE)
			c->note = NOTE_OFF;
		else if (f.off && cv->fmt == FMT_XM)
			xm_k00_beside_note(c, &f);
		if (f.vol >= 0) {
			if (c->vol == VOL_NONE)
				c->vol = (uint8_t)f.vol;
			else if (!c->fx)
				c->fx = 'C', c->param = (uint8_t)f.vol;
		}
		if (!f.letter)
			continue;
		if (c->fx) {
			note_kind(cv->rep, "second effect on a row (dropped)");
			continue;
		}
		c->fx = (uint8_t)f.letter;
		c->param = (uint8_t)f.param;
	}
	/* A sample's default volume: an instrument number sets it, in every
	 * source tracker; beatty's own reset is to full volume. */
	if (sub_vol >= 0 && c->vol == VOL_NONE && c->note != NOTE_OFF && c->note != NOTE_CUT)
		c->vol = (uint8_t)sub_vol;
	/* With a command in the volume column, a default volume under full
	 * (beatty's reset) goes into a free effect column. */
	if (sub_vol >= 0 && sub_vol < 64 && vcmd != VOL_NONE && c->note != NOTE_OFF &&
	    c->note != NOTE_CUT) {
		if (!c->fx)
			c->fx = 'C', c->param = (uint8_t)sub_vol;
		else
			note_kind(cv->rep, "sample's default volume beside a volume-column command (full kept)");
	}
	/* FT2's E90 restarts the note on the row's first tick, note or not:
	 * the note column says the same.  So does its EDx on a row without a
	 * note, on tick x. */
	if (cv->fmt == FMT_XM && c->fx == 'E' && c->param == 0x90) {
		c->fx = c->param = 0;
		if (c->note == NOTE_NONE && *last_note)
			c->note = (uint8_t)*last_note;
	} else if (cv->fmt == FMT_XM && c->fx == 'E' && (c->param >> 4) == 0xD && (c->param & 15) &&
	           c->note == NOTE_NONE && *last_note) {
		c->note = (uint8_t)*last_note;
	}
	if (c->fx == 'B') {
		int o = cv->order_of[c->param];   /* param < 256 = XMP_MAX_MOD_LENGTH */
		if (o == NO_ORDER)
			c->fx = 'F', c->param = 0;   /* past the list: the end, as players take it */
		else
			c->param = (uint8_t)o;
	}
}

/* ST3 keeps one parameter memory for most of its commands (D, E, F, H,
 * I, J, K, L, Q, R, S, U): a zero parameter takes the last non-zero one any
 * of them had on the channel.  beatty keeps one per command, so the
 * import fills the zeros in, within each pattern (where a pattern starts
 * depends on how the song reaches it; there the zero is left to
 * beatty's own memory). */
static void s3m_memory(struct xmp_event *ev, int *mem)
{
	switch (ev->fxt) {
	case X_VOLSLIDE: case X_PORTA_UP: case X_PORTA_DN: case X_TREMOR: case X_S3M_ARPEGGIO:
	case X_VIBRA_VSLIDE: case X_TONE_VSLIDE: case X_MULTI_RETRIG: case X_TREMOLO:
	case X_VIBRATO: case X_FINE_VIBRATO: case X_EXTENDED:
		if (ev->fxp)
			*mem = ev->fxp;
		else if (*mem)
			ev->fxp = (unsigned char)*mem;
		break;
	}
}

/* In ST3 the first non-zero SEx of a row sets its delay; beatty, like
 * ProTracker, takes the last.  Only the first stays. */
static void s3m_row_delay(song_t *s, pattern_t *p, int row)
{
	bool seen = false;
	for (int ch = 0; ch < s->channels; ch++) {
		cell_t *c = song_cell(s, p, row, ch);
		if (c->fx != 'E' || (c->param >> 4) != 0xE)
			continue;
		if (seen || (c->param & 15) == 0)
			c->fx = c->param = 0;
		else
			seen = true;
	}
}

/* The speed an xmp event sets above 31 ticks a row, or 0. */
static int long_speed(const conv_t *cv, int t, int p)
{
	if ((t == X_SPEED && cv->speed_only) || t == X_S3M_SPEED)
		return p > 0x1F ? p : 0;
	return 0;
}

/* A speed above beatty's 31 ticks a row, as Noisetracker and ST3 allow:
 * the row becomes t ticks played k + 1 times (Ft plus EEk in a free
 * effect column), the same length, when the speed is a product of such
 * numbers and the next row sets its own speed again (the usual case, a
 * long last row); otherwise 31 ticks stay and it is counted. */
static void long_speeds(conv_t *cv, const struct xmp_pattern *xp, pattern_t *bp, int rows)
{
	const struct xmp_module *m = cv->m;
	song_t *s = cv->s;
	for (int r = 0; r < rows; r++) {
		int speed = 0, next = 0, free_ch = -1;
		for (int ch = 0; ch < s->channels; ch++) {
			int t = xp->index[ch];
			if (t < 0 || t >= m->trk || !m->xxt[t] || r >= m->xxt[t]->rows)
				continue;
			const struct xmp_event *ev = &m->xxt[t]->event[r];
			int v = long_speed(cv, ev->fxt, ev->fxp);
			speed = v ? v : speed;
			v = long_speed(cv, ev->f2t, ev->f2p);
			speed = v ? v : speed;
			if (r + 1 < rows && r + 1 < m->xxt[t]->rows) {
				const struct xmp_event *nx = &m->xxt[t]->event[r + 1];
				next |= (nx->fxt == X_SPEED || nx->fxt == X_S3M_SPEED) && nx->fxp;
			}
			const cell_t *c = song_cell(s, bp, r, ch);
			if (!c->fx && free_ch < 0)
				free_ch = ch;
			if (c->fx == 'E' && (c->param >> 4) == 0xE)
				free_ch = -2;   /* a row delay of its own */
		}
		if (!speed)
			continue;
		int tk = 0, k = 0;
		for (int d = 1; d <= 16 && !tk; d++)
			if (speed % d == 0 && speed / d <= 0x1F)
				tk = speed / d, k = d - 1;
		if (!tk || free_ch == -2 || (k > 0 && free_ch < 0) || (r + 1 < rows && !next)) {
			note_kind(cv->rep, "speed above 31 ticks a row (31 kept)");
			continue;
		}
		for (int ch = 0; ch < s->channels; ch++) {
			cell_t *c = song_cell(s, bp, r, ch);
			if (c->fx == 'F' && c->param == 0x1F)
				c->param = (uint8_t)tk;
		}
		if (k > 0) {
			cell_t *c = song_cell(s, bp, r, free_ch);
			c->fx = 'E';
			c->param = (uint8_t)(0xE0 | k);
		}
	}
}

/* ProTracker counts the rows of an EEx delay on: a Dxx on the same row
 * lands one row further on, xx + 1. */
static void pt_delay_break(song_t *s, pattern_t *p, int row)
{
	bool delay = false;
	for (int ch = 0; ch < s->channels; ch++) {
		const cell_t *c = song_cell(s, p, row, ch);
		delay |= c->fx == 'E' && (c->param >> 4) == 0xE && (c->param & 15);
	}
	for (int ch = 0; delay && ch < s->channels; ch++) {
		cell_t *c = song_cell(s, p, row, ch);
		if (c->fx == 'D' && c->param < SONG_MAX_ROWS - 1)
			c->param++;
	}
}

/* ST3 (as libxmp plays it) passes over a note that its sample's
 * transpose puts below the lowest note there is (C-0 moved by the
 * sample's rate against 8363 Hz): the note neither starts nor changes
 * the pitch, which goes on as it was.  A glide's target is kept.  The
 * sample is that of the row's instrument or, failing one, of the last
 * instrument the channel named earlier in the pattern (xi, -1 none). */
static bool s3m_note_too_low(const conv_t *cv, const struct xmp_event *ev, int xi)
{
	if (ev->note < 1 || ev->note > XMP_MAX_KEYS || xi < 0 || xi >= cv->m->ins)
		return false;
	if (ev->fxt == X_TONEPORTA || ev->fxt == X_TONE_VSLIDE || ev->f2t == X_TONEPORTA ||
	    ev->f2t == X_TONE_VSLIDE)
		return false;
	const struct xmp_instrument *in = &cv->m->xxi[xi];
	int key = ev->note - 1, k = in->map[key].ins;
	if (in->nsm <= 0 || !in->sub || k < 0 || k >= in->nsm)
		return false;
	return key + in->sub[k].xpo + in->map[key].xpo < 0;
}

static bool make_patterns(conv_t *cv)
{
	const struct xmp_module *m = cv->m;
	song_t *s = cv->s;
	song_pattern_free(s, 0);
	int npat = m->pat < SONG_MAX_PATTERNS ? m->pat : SONG_MAX_PATTERNS;
	if (m->pat > SONG_MAX_PATTERNS)
		note_kind(cv->rep, "patterns past FF (dropped)");
	for (int p = 0; p < npat; p++) {
		const struct xmp_pattern *xp = m->xxp[p];
		int rows = xp ? xp->rows : 0;
		if (rows > SONG_MAX_ROWS) {
			note_kind(cv->rep, "rows past 256 in a pattern (dropped)");
			rows = SONG_MAX_ROWS;
		}
		pattern_t *bp = song_pattern_new(s, p, rows > 0 ? rows : 1);
		if (!bp)
			return false;
		for (int ch = 0; xp && ch < s->channels; ch++) {
			int t = xp->index[ch];
			if (t < 0 || t >= m->trk || !m->xxt[t])
				continue;
			const struct xmp_track *tr = m->xxt[t];
			int last_note = 0, mem = 0, last_ins = -1;
			for (int r = 0; r < rows && r < tr->rows; r++) {
				struct xmp_event ev = tr->event[r];
				if (cv->fmt == FMT_S3M) {
					s3m_memory(&ev, &mem);
					if (ev.ins && !s3m_empty_inst(cv, ev.ins - 1))
						last_ins = ev.ins - 1;
					if (s3m_note_too_low(cv, &ev, last_ins))
						ev.note = 0;
				}
				convert_cell(cv, &ev, song_cell(s, bp, r, ch), &last_note);
			}
		}
		if (cv->fmt == FMT_S3M)
			for (int r = 0; r < rows; r++)
				s3m_row_delay(s, bp, r);
		if (cv->fmt == FMT_MOD)
			for (int r = 0; r < rows; r++)
				pt_delay_break(s, bp, r);
		if (xp)
			long_speeds(cv, xp, bp, rows);
	}
	return true;
}

/* The order list without ST3's markers: "+++" (FE) is skipped, "---"
 * (FF) ends the song.  order_of maps positions for Bxx. */
static int make_orders(conv_t *cv)
{
	const struct xmp_module *m = cv->m;
	song_t *s = cv->s;
	int n = 0;
	bool ended = false;
	for (int i = 0; i < XMP_MAX_MOD_LENGTH; i++)
		cv->order_of[i] = NO_ORDER;
	int len = m->len < XMP_MAX_MOD_LENGTH ? m->len : XMP_MAX_MOD_LENGTH;
	for (int i = 0; i < len && !ended; i++) {
		int p = m->xxo[i];
		if (p == 0xFF && cv->fmt == FMT_S3M) {
			ended = true;
			break;
		}
		if (p >= m->pat || p >= SONG_MAX_PATTERNS)
			continue;
		if (n == SONG_MAX_ORDERS) {
			note_kind(cv->rep, "order positions past FF (dropped)");
			break;
		}
		cv->order_of[i] = n;
		s->order[n].pattern = p;
		s->order[n].label[0] = 0;
		n++;
	}
	/* A jump to a skipped marker lands on the next real position. */
	for (int i = len - 2; i >= 0; i--)
		if (cv->order_of[i] == NO_ORDER && cv->order_of[i + 1] != NO_ORDER && !ended)
			cv->order_of[i] = cv->order_of[i + 1];
	s->norders = n;
	int rst = m->rst >= 0 && m->rst < XMP_MAX_MOD_LENGTH ? cv->order_of[m->rst] : NO_ORDER;
	s->restart = rst >= 0 && rst < n ? rst : 0;
	return n;
}

/* ------------------------------------------------------------------ */
/* the whole module                                                     */

static void path_parts(const char *song_path, char *dir, size_t dn, char *stem, size_t sn)
{
	const char *slash = strrchr(song_path, '/');
	if (slash) {
		size_t len = (size_t)(slash - song_path);
		snprintf(dir, dn, "%.*s", (int)(len ? len : 1), len ? song_path : "/");
	} else {
		snprintf(dir, dn, ".");
	}
	const char *base = slash ? slash + 1 : song_path;
	snprintf(stem, sn, "%s", base);
	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = 0;
	if (!stem[0])
		snprintf(stem, sn, "song");
}

static int translate(song_t *s, const struct xmp_module *m, bool speed_only, unsigned s3m_hdr,
                     const char *name,
                     const char *song_path, import_report_t *rep, char *err, size_t errlen)
{
	conv_t *cv = calloc(1, sizeof(*cv));
	if (!cv) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	cv->m = m;
	cv->s = s;
	cv->rep = rep;
	cv->fmt = format_of(m->type);
	cv->speed_only = speed_only;
	if (rep)
		snprintf(rep->format, sizeof(rep->format), "%s", m->type);

	song_init(s);
	char stem[SONG_PATH_MAX];
	path_parts(song_path, s->dir, sizeof(s->dir), stem, sizeof(stem));
	copy_name(s->title, sizeof(s->title), m->name, sizeof(m->name));
	s->timing = TIMING_TICKS;
	/* ProTracker slides the Amiga's period; FT2 (linear table) and ST3,
	 * whose periods are not held to the Amiga's limits, keep beatty's
	 * even slides. */
	s->slides = cv->fmt == FMT_MOD ? SLIDES_AMIGA : SLIDES_LINEAR;
	if (cv->fmt == FMT_S3M)
		s->slides = s3m_hdr & S3M_AMIGA_LIMITS ? SLIDES_AMIGA : SLIDES_PERIODS;
	if (cv->fmt == FMT_S3M && (s3m_hdr & S3M_FAST_SLIDES))
		s->vol_slides = VSLIDES_FAST;
	s->rules = cv->fmt == FMT_XM ? RULES_FT2 : cv->fmt == FMT_S3M ? RULES_ST3 : RULES_PROTRACKER;
	s->lpb = 4;
	s->tpl = clampi(m->spd, SONG_TPL_MIN, SONG_TPL_MAX);
	if (m->spd > SONG_TPL_MAX)
		note_kind(rep, "speed above 31 ticks a row (31 kept)");
	s->bpm = clampi(m->bpm, SONG_BPM_MIN, SONG_BPM_MAX);
	if (m->gvl > 0 && m->gvl < 64)
		note_kind(rep, "global volume");
	int chn = clampi(m->chn, 1, SONG_MAX_CHANNELS);
	if (m->chn > SONG_MAX_CHANNELS)
		note_kind(rep, "channels past 64 (dropped)");
	bool ok = song_set_channels(s, chn);
	/* Modules assume full-scale channels add up; keep the sum of all
	 * of them out of clipping as a rule. */
	float fader = (float)lrint(-10.0 * log10((double)chn));
	for (int ch = 0; ch < chn; ch++) {
		channel_t *c = &s->channel[ch];
		int pan = m->xxc[ch].pan;
		c->pan = pan < 128 ? (pan - 128) / 128.0f : (pan - 128) / 127.0f;
		c->pan = c->pan < -1.0f ? -1.0f : c->pan > 1.0f ? 1.0f : c->pan;
		c->volume = fader;
		if (m->xxc[ch].flg & XMP_CHANNEL_MUTE)
			c->mute = true;
	}
	/* The orders first: the patterns' Bxx are renumbered by them. */
	int norders = make_orders(cv);
	ok = ok && make_instruments(cv, stem) && make_patterns(cv);
	if (!ok) {
		snprintf(err, errlen, "%s: out of memory", name);
		song_deinit(s);
		free(cv);
		return -1;
	}
	/* Nothing to hear at all is a broken module.  But an S3M's empty
	 * slots may be AdLib instruments libxmp does not load, and patches
	 * beatty cannot play make a module it only partly understands. */
	bool sound = cv->synth || (m->smp > 0 && cv->fmt != FMT_MOD);
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		sound |= s->inst[i] && s->inst[i]->sampler.sample.data;
	if (!sound) {
		snprintf(err, errlen, "%s: the module has no samples", name);
		song_deinit(s);
		free(cv);
		return -1;
	}
	if (norders == 0) {
		snprintf(err, errlen, "%s: the module has no patterns to play", name);
		song_deinit(s);
		free(cv);
		return -1;
	}
	free(cv);
	return 0;
}

static const char *xmp_why(int rc)
{
	switch (-rc) {
	case XMP_ERROR_FORMAT: return "not a module format libxmp knows";
	case XMP_ERROR_LOAD: return "broken or truncated module";
	case XMP_ERROR_DEPACK: return "cannot unpack the file";
	case XMP_ERROR_SYSTEM: return strerror(errno);
	default: return "cannot load the module";
	}
}

typedef int (*loader_fn)(xmp_context ctx, const void *arg, size_t size);

/* arg is a FILE opened through infile (a regular file), size its length. */
static int load_file(xmp_context ctx, const void *arg, size_t size)
{
	if (size > (size_t)0x7fffffff)
		return -XMP_ERROR_LOAD;
	return xmp_load_module_from_file(ctx, (void *)(uintptr_t)arg, (long)size);
}

static int load_mem(xmp_context ctx, const void *arg, size_t size)
{
	if (size > (size_t)0x7fffffff)
		return -XMP_ERROR_LOAD;
	return xmp_load_module_from_memory(ctx, (void *)(uintptr_t)arg, (long)size);
}

/* What an S3M header says that libxmp reads but does not tell: flag
 * 0x10, periods held to the Amiga's limits, and flag 0x40 or a file from
 * ST3.00, volume slides on every tick (the header is read again). */
static unsigned s3m_header(loader_fn fn, const void *arg, size_t size)
{
	unsigned char h[0x30];
	if (size < sizeof(h))
		return 0;
	if (fn == load_mem) {
		memcpy(h, arg, sizeof(h));
	} else {
		FILE *f = (FILE *)(uintptr_t)arg;
		if (fseek(f, 0, SEEK_SET) != 0 || fread(h, 1, sizeof(h), f) != sizeof(h))
			return 0;
	}
	if (memcmp(h + 0x2C, "SCRM", 4) != 0)
		return 0;
	unsigned cwt = h[0x28] | (unsigned)h[0x29] << 8;
	return (h[0x26] & 0x10 ? S3M_AMIGA_LIMITS : 0) |
	       (h[0x26] & 0x40 || cwt == 0x1300 ? S3M_FAST_SLIDES : 0);
}

static int import_with(song_t *s, loader_fn fn, const void *arg, size_t size, const char *name,
                       const char *song_path, import_report_t *rep, char *err, size_t errlen)
{
	if (rep)
		memset(rep, 0, sizeof(*rep));
	song_init(s);
	song_deinit(s);
	xmp_context ctx = xmp_create_context();
	if (!ctx) {
		snprintf(err, errlen, "%s: out of memory", name);
		song_init(s);
		song_deinit(s);
		return -1;
	}
	errno = 0;
	int rc = fn(ctx, arg, size);
	if (rc < 0) {
		if (rc == -XMP_ERROR_SYSTEM && errno == 0)
			errno = EIO;
		snprintf(err, errlen, "%s: %s", name, xmp_why(rc));
		xmp_free_context(ctx);
		song_init(s);
		song_deinit(s);
		return -1;
	}
	struct xmp_module_info mi;
	xmp_get_module_info(ctx, &mi);
	/* The player mode libxmp picks for the module says which tracker's
	 * rules it follows; it is only known once a player has started. */
	bool speed_only = false;
	if (xmp_start_player(ctx, 8000, XMP_FORMAT_MONO) == 0) {
		speed_only = xmp_get_player(ctx, XMP_PLAYER_MODE) == XMP_MODE_NOISETRACKER;
		xmp_end_player(ctx);
	}
	rc = mi.mod ? translate(s, mi.mod, speed_only, s3m_header(fn, arg, size), name,
	                        song_path, rep, err, errlen) : -1;
	if (!mi.mod) {
		snprintf(err, errlen, "%s: cannot load the module", name);
		song_init(s);
		song_deinit(s);
	}
	xmp_release_module(ctx);
	xmp_free_context(ctx);
	return rc;
}

int import_module(song_t *s, const char *path, const char *song_path, import_report_t *rep,
                  char *err, size_t errlen)
{
	/* Through infile, so a FIFO or a device is refused rather than read
	 * forever; libxmp then reads the checked descriptor, not the name. */
	char why[128];
	int fd = infile_open(path, why, sizeof(why));
	struct stat st;
	FILE *f = fd >= 0 && fstat(fd, &st) == 0 ? fdopen(fd, "rb") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, fd >= 0 ? strerror(errno) : why);
		if (fd >= 0)
			close(fd);
		if (rep)
			memset(rep, 0, sizeof(*rep));
		song_init(s);
		song_deinit(s);
		return -1;
	}
	int rc = import_with(s, load_file, f, (size_t)st.st_size, path, song_path, rep, err, errlen);
	fclose(f);
	return rc;
}

int import_module_mem(song_t *s, const void *data, size_t size, const char *name,
                      const char *song_path, import_report_t *rep, char *err, size_t errlen)
{
	return import_with(s, load_mem, data, size, name, song_path, rep, err, errlen);
}

bool import_is_module(const char *path)
{
	size_t n = strlen(path);
	if (n >= 4 && !strcmp(path + n - 4, ".bty"))
		return false;
	/* Not a regular file: the song reader refuses it with the reason. */
	char why[128];
	int fd = infile_open(path, why, sizeof(why));
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return false;
	}
	struct xmp_test_info ti;
	bool yes = xmp_test_module_from_file(f, &ti) == 0;
	fclose(f);
	return yes;
}

void import_song_path(const char *module_path, char *buf, size_t n)
{
	snprintf(buf, n, "%s", module_path);
	char *slash = strrchr(buf, '/');
	char *dot = strrchr(buf, '.');
	if (dot && (!slash || dot > slash + 1))
		*dot = 0;
	size_t len = strlen(buf);
	snprintf(buf + len, n > len ? n - len : 0, ".bty");
}

static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int rc = mkdir(path, 0777);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

int import_write_samples(const song_t *s, const char *song_path, bool overwrite, char *err,
                         size_t errlen)
{
	char dir[SONG_PATH_MAX], stem[SONG_PATH_MAX];
	path_parts(song_path, dir, sizeof(dir), stem, sizeof(stem));
	int wrote = 0;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const instrument_t *in = s->inst[i];
		if (!in || in->type != INST_SAMPLER || !in->sampler.sample.data || !in->sampler.path[0])
			continue;
		const sampler_params_t *sp = &in->sampler;
		char full[2 * SONG_PATH_MAX + 2];
		if (sp->path[0] == '/')
			snprintf(full, sizeof(full), "%s", sp->path);
		else
			snprintf(full, sizeof(full), "%s/%s", dir, sp->path);
		struct stat st;
		if (!overwrite && stat(full, &st) == 0)
			continue;
		if (make_dirs(full) != 0) {
			snprintf(err, errlen, "%s: cannot create its folder: %s", full, strerror(errno));
			return -1;
		}
		if (sample_write_wav(full, sp->sample.data, sp->sample.channels, sp->sample.frames,
		                     sp->sample.rate, 16, err, errlen) != 0)
			return -1;
		wrote++;
	}
	return wrote;
}

void import_report_print(const import_report_t *rep, FILE *f)
{
	for (int i = 0; i < rep->nkinds; i++)
		fprintf(f, "  %6d  %s\n", rep->kind[i].count, rep->kind[i].what);
	if (rep->dropped)
		fprintf(f, "  %6d  of other kinds\n", rep->dropped);
}
