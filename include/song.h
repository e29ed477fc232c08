/*
 * song: the in-memory song model (what a .bty file holds).
 *
 * A song is plain data: settings, instruments (synth parameters or a
 * sampler with its loaded sample), channels, patterns of cells and the
 * order list.  It knows nothing of files (songfile.c), sound (engine.c)
 * or screens.  Whoever owns a song_t owns everything it points to;
 * sample data is immutable once loaded.  Instruments may share one
 * sample's frames (the instruments that name the same file do): the
 * song owns each buffer once, and an edit that wants other frames gives
 * its instrument a buffer of its own rather than writing into one.
 */
#ifndef BEATTY_SONG_H
#define BEATTY_SONG_H

#include <stdbool.h>
#include <stdint.h>
#include "env.h"
#include "fx.h"

#define SONG_FORMAT          1
#define SONG_MAX_CHANNELS    64
#define SONG_MAX_SLICES      64
#define SONG_MAX_ROWS        256
#define SONG_MAX_PATTERNS    256
#define SONG_MAX_ORDERS      256
#define SONG_MAX_INSTRUMENTS 255   /* numbered 01..FF; 00 means "none" */
#define SONG_NAME_MAX        64
#define SONG_TEXT_MAX        128
#define SONG_PATH_MAX        256

#define SONG_BPM_MIN   20
#define SONG_BPM_MAX   999
#define SONG_LPB_MIN   1
#define SONG_LPB_MAX   32
#define SONG_TPL_MIN   1
#define SONG_TPL_MAX   31
#define SONG_SWING_MAX 75          /* percent; 33 is a triplet shuffle */

#define VOL_NONE 0xFF              /* empty volume column */
#define VOL_MAX  0x40

/* FT2's volume-column commands, which the XM import writes: the column
 * holds VOL_CMD + 16 * kind + x, and the song file a letter and a hex
 * digit (docs/format.md), the letters in the order of the kinds. */
#define VOL_CMD         0x50
#define VOL_CMD_LETTERS "dcbauhplrg"
typedef enum {
	VC_SLIDE_DOWN, VC_SLIDE_UP, VC_FINE_DOWN, VC_FINE_UP, VC_VIB_SPEED, VC_VIB_DEPTH,
	VC_PAN, VC_PAN_LEFT, VC_PAN_RIGHT, VC_TONE_PORTA, VC_COUNT
} vol_cmd_t;

/* The command a volume column holds, or -1 (a volume, or empty). */
static inline int vol_cmd(int v)
{
	return v >= VOL_CMD && v < VOL_CMD + 16 * VC_COUNT ? (v - VOL_CMD) >> 4 : -1;
}

static inline uint8_t vol_cmd_make(vol_cmd_t kind, int x)
{
	return (uint8_t)(VOL_CMD + 16 * (int)kind + (x & 15));
}

/* One tracker cell.  fx is the effect letter ('0'..'9', 'A'..'Z') or 0
 * for none; param its two hex digits. */
typedef struct cell {
	uint8_t note;   /* NOTE_* from note.h */
	uint8_t inst;   /* 0 = none, 1..255 */
	uint8_t vol;    /* 0..0x40, VOL_NONE */
	uint8_t fx;
	uint8_t param;
} cell_t;

typedef struct pattern {
	int rows;
	cell_t *cells;        /* rows * song->channels, row-major */
} pattern_t;

/* X-macros keep each enum and the names the file format uses in one list. */
#define WAVE_LIST(X) \
	X(WAVE_SINE, "sine") X(WAVE_SAW, "saw") X(WAVE_SQUARE, "square") \
	X(WAVE_TRIANGLE, "triangle") X(WAVE_NOISE, "noise")
#define FILTER_LIST(X) \
	X(FILTER_OFF, "off") X(FILTER_LP, "lowpass") X(FILTER_HP, "highpass") \
	X(FILTER_BP, "bandpass")
#define LFO_TARGET_LIST(X) \
	X(LFO_TO_PITCH, "pitch") X(LFO_TO_CUTOFF, "cutoff") \
	X(LFO_TO_AMP, "amp") X(LFO_TO_PW, "pw")
#define LOOP_LIST(X) \
	X(LOOP_OFF, "off") X(LOOP_FORWARD, "forward") X(LOOP_PINGPONG, "pingpong")
/* How a sampler reads between sample frames: auto is sinc in renders and
 * config.ini's choice live. */
#define INTERP_LIST(X) \
	X(INTERP_AUTO, "auto") X(INTERP_SINC, "sinc") X(INTERP_CUBIC, "cubic") \
	X(INTERP_NONE, "none")
#define INST_TYPE_LIST(X) \
	X(INST_SYNTH, "synth") X(INST_SAMPLER, "sampler")
/* How bpm turns into time: "lines" counts beats of lpb lines, each line
 * cut into tpl ticks; "ticks" gives a tick 2.5 / bpm seconds whatever
 * tpl is, so tpl sets the length of a line (ProTracker, FT2, ST3). */
#define TIMING_LIST(X) \
	X(TIMING_LINES, "lines") X(TIMING_TICKS, "ticks")
/* What 1xx, 2xx, 3xx, E1x and E2x move: the pitch, evenly at every
 * octave ("linear", FT2's linear mode), or the Amiga's period, within
 * its limits ("amiga", ProTracker), or a period without the Amiga's
 * limits ("periods", ST3). */
#define SLIDES_LIST(X) \
	X(SLIDES_LINEAR, "linear") X(SLIDES_AMIGA, "amiga") X(SLIDES_PERIODS, "periods")
/* Whose playback rules the sequencer follows where trackers differ from
 * beatty's own: pattern loops and the song's end (see docs/format.md).
 * Set by the import; hand-written songs keep "beatty". */
#define RULES_LIST(X) \
	X(RULES_BEATTY, "beatty") X(RULES_PROTRACKER, "protracker") X(RULES_FT2, "ft2") \
	X(RULES_ST3, "st3")
/* When a volume slide (Axy, 5xy, 6xy) moves: on every tick after the
 * row's first ("normal"), or on the first as well ("fast", ST3's fast
 * volume slides and ST3.00's only way).  Set by the import. */
#define VSLIDES_LIST(X) \
	X(VSLIDES_NORMAL, "normal") X(VSLIDES_FAST, "fast")

#define ENUM_ITEM(e, s) e,
typedef enum { WAVE_LIST(ENUM_ITEM) WAVE_COUNT } wave_t;
typedef enum { FILTER_LIST(ENUM_ITEM) FILTER_COUNT } filter_mode_t;
typedef enum { LFO_TARGET_LIST(ENUM_ITEM) LFO_TARGET_COUNT } lfo_target_t;
typedef enum { LOOP_LIST(ENUM_ITEM) LOOP_COUNT } loop_mode_t;
typedef enum { INTERP_LIST(ENUM_ITEM) INTERP_COUNT } interp_t;
typedef enum { INST_TYPE_LIST(ENUM_ITEM) INST_TYPE_COUNT } inst_type_t;
typedef enum { TIMING_LIST(ENUM_ITEM) TIMING_COUNT } timing_t;
typedef enum { SLIDES_LIST(ENUM_ITEM) SLIDES_COUNT } slides_t;
typedef enum { RULES_LIST(ENUM_ITEM) RULES_COUNT } rules_t;
typedef enum { VSLIDES_LIST(ENUM_ITEM) VSLIDES_COUNT } vslides_t;
#undef ENUM_ITEM

extern const char *const wave_names[WAVE_COUNT];
extern const char *const filter_names[FILTER_COUNT];
extern const char *const lfo_target_names[LFO_TARGET_COUNT];
extern const char *const loop_names[LOOP_COUNT];
extern const char *const interp_names[INTERP_COUNT];
extern const char *const inst_type_names[INST_TYPE_COUNT];
extern const char *const timing_names[TIMING_COUNT];
extern const char *const slides_names[SLIDES_COUNT];
extern const char *const rules_names[RULES_COUNT];
extern const char *const vslides_names[VSLIDES_COUNT];

/* Looks name up in a table of n names; returns the index or -1. */
int song_enum_lookup(const char *const *names, int n, const char *name);

typedef struct synth_params {
	wave_t osc1_wave;
	float osc1_pw;          /* pulse width 0.05..0.95 (square only) */
	wave_t osc2_wave;
	float osc2_pw;
	float osc2_semi;        /* -48..48 semitones */
	float osc2_detune;      /* -100..100 cents */
	float osc_mix;          /* 0 = osc1 only, 1 = osc2 only */
	float pitch_env;        /* semitones added at note start, decaying */
	float pitch_decay;      /* seconds for the pitch sweep to fall by 1/e */
	filter_mode_t filter;
	float cutoff;           /* Hz, 20..20000 */
	float resonance;        /* 0..1 (1 = self-oscillation edge) */
	float filter_env;       /* octaves the filter envelope adds, -8..8 */
	float keytrack;         /* 0..1: cutoff follows the note */
	adsr_params_t amp;
	adsr_params_t fenv;
	wave_t lfo_wave;        /* sine, triangle, square, saw */
	float lfo_rate;         /* Hz */
	float lfo_depth;        /* pitch: semitones; cutoff: octaves; amp, pw: 0..1 */
	lfo_target_t lfo_target;
	float volume;           /* dB */
} synth_params_t;

/* Loaded sample data: interleaved float, 1 or 2 channels. */
typedef struct sample {
	float *data;
	int channels;
	int64_t frames;
	int rate;
	int64_t clamped;   /* values the file held beyond +-1 (or not finite), clamped at load */
} sample_t;

/* FT2's volume envelope (the XM import writes it): points in ticks and
 * levels 0..64, an optional sustain point and loop (point indices), and
 * the fadeout a released note loses a tick, of 65536. */
#define ENV_MAX_POINTS 12
#define ENV_MAX_TICK   0xFFFF
#define FADEOUT_MAX    0xFFFF
typedef struct ft2_env {
	int n;                     /* 0: no envelope */
	uint16_t tick[ENV_MAX_POINTS];
	uint8_t level[ENV_MAX_POINTS];
	bool sus_on, loop_on;
	int sustain;
	int loop_start, loop_end;
	int fadeout;
} ft2_env_t;

typedef struct sampler_params {
	char path[SONG_PATH_MAX];  /* as written in the song: relative to its folder */
	int root;                  /* note that plays the sample at its own rate */
	int finetune;              /* cents, -100..100 */
	float volume;              /* dB */
	loop_mode_t loop;
	int64_t loop_start;        /* frames; loop_end exclusive */
	int64_t loop_end;
	adsr_params_t amp;
	interp_t interp;           /* INTERP_AUTO unless the song chooses */
	/* An FT2 sample's own panning: with rules = ft2 an instrument number
	 * moves the channel's pan there.  Unset (the channel's pan stays)
	 * unless the song gives it. */
	bool has_pan;
	float pan;                 /* -1 (left) .. 1 (right) */
	ft2_env_t env;             /* with it, the amp ADSR only cuts the note */
	ft2_env_t penv;            /* FT2's panning envelope: levels 0..64, 32 the centre
	                            * (its fadeout unused) */
	/* Slices (slice.h): slice k runs from slice[k] to the next one (the
	 * last to the end).  They play from the root note up, one per note,
	 * at the sample's own pitch; or, with slice_offsets, the sample
	 * offset command 9xx starts slice xx. */
	int nslices;
	int64_t slice[SONG_MAX_SLICES];
	bool slice_offsets;
	sample_t sample;           /* empty (data NULL) until loaded; may share
	                            * its frames with other instruments */
} sampler_params_t;

typedef struct instrument {
	char name[SONG_NAME_MAX];
	inst_type_t type;
	synth_params_t synth;
	sampler_params_t sampler;
} instrument_t;

#define SONG_FX_CHAIN_MAX 8
#define SONG_SENDS        2      /* 0: reverb bus, 1: delay bus */
#define SONG_MACROS       3      /* automation macros X, Y, Z */
/* Channel, bus and master levels and send levels, dB: the one range the
 * song file, the screen and the bridge all take. */
#define SONG_LEVEL_MIN    (-96.0f)
#define SONG_LEVEL_MAX    (12.0f)
/* A send below SONG_LEVEL_MIN is off ("off" in the file). */
#define SONG_SEND_OFF     (-144.0f)

/* One effect unit in a chain: its type, bypass and parameter values (in
 * the order of its fx_ops_t table). */
typedef struct fx_unit {
	fx_type_t type;
	bool bypass;
	float param[FX_MAX_PARAMS];
	uint64_t sidechain;   /* compressor: bit c = channel c+1 keys it (pre-fader) */
} fx_unit_t;

/* An automation macro: which unit of the chain and which of its
 * parameters the channel's Xxx / Yxx / Zxx commands move. */
typedef struct fx_macro {
	int unit;             /* 0-based index into the chain, -1 = unused */
	int param;
} fx_macro_t;

typedef struct song_channel {
	char name[SONG_NAME_MAX];
	float volume;   /* fader, dB */
	float pan;      /* -1 (left) .. 1 (right), constant-power */
	bool mute, solo;
	int nfx;
	fx_unit_t fx[SONG_FX_CHAIN_MAX];   /* in signal order, before the fader */
	float send[SONG_SENDS];            /* post-fader send levels, dB; SONG_SEND_OFF = none */
	fx_macro_t macro[SONG_MACROS];
} channel_t;

/* The shared buses: a reverb and a delay, fed by the channels' sends and
 * returned into the mix at their own fader level. */
typedef struct bus {
	fx_unit_t fx;
	float volume;   /* return level, dB */
} bus_t;

/* The master chain, in this fixed order: EQ, glue compressor, true-peak
 * limiter; each can be switched off. */
typedef struct master {
	bool eq_on, comp_on, limiter_on;
	fx_unit_t eq, comp, limiter;
	float volume;   /* dB before the chain */
} master_t;

typedef struct order {
	int pattern;
	char label[SONG_NAME_MAX];   /* section name: intro, verse... may be empty */
} order_t;

/* A key=value line the loader did not know, kept so a song written by a
 * newer beatty survives a round trip through this one. */
typedef struct song_extra {
	char *section;
	char *key;
	char *value;
} song_extra_t;

typedef struct song {
	char title[SONG_TEXT_MAX];
	char artist[SONG_TEXT_MAX];
	int bpm, lpb, tpl, swing;
	timing_t timing;
	slides_t slides;
	rules_t rules;
	vslides_t vol_slides;
	int restart;                 /* order the song loops back to */
	int scale_key, scale;        /* key 0 (C)..11 and scale.h's scale; chromatic: no lock */
	/* The master page's reference track, relative to dir like a sample
	 * ("" none): only listened to, never played or rendered. */
	char reference[SONG_PATH_MAX];
	int channels;
	channel_t channel[SONG_MAX_CHANNELS];
	bus_t bus[SONG_SENDS];
	master_t master;
	instrument_t *inst[SONG_MAX_INSTRUMENTS + 1];   /* [0] unused */
	pattern_t *pattern[SONG_MAX_PATTERNS];
	int norders;
	order_t order[SONG_MAX_ORDERS];
	song_extra_t *extra;
	int nextra;
	char dir[SONG_PATH_MAX];     /* folder sample paths are relative to */
} song_t;

/* An empty song: 120 BPM, 4 lines per beat, 6 ticks per line, 4 channels,
 * one empty 64-row pattern in the order list. */
void song_init(song_t *s);
/* Frees everything the song owns (patterns, instruments, samples; each
 * sample buffer once, however many instruments share it). */
void song_deinit(song_t *s);

/* Sets the channel count (1..SONG_MAX_CHANNELS), keeping the cells of the
 * channels that remain.  Returns false on allocation failure. */
bool song_set_channels(song_t *s, int channels);
/* A grid of `channels` columns for every pattern the song has (NULL
 * where it has none), all or nothing: false, with none kept, when
 * memory runs out.  For layout changes that must not half happen. */
bool song_grids_alloc(const song_t *s, int channels, cell_t *fresh[SONG_MAX_PATTERNS]);

/* A new channel's strip: 0 dB, centre, no sends, no FX, no name. */
void song_channel_default(channel_t *c);

/* Creates pattern idx with `rows` empty rows if it does not exist;
 * returns it, or NULL on allocation failure or bad index. */
pattern_t *song_pattern_new(song_t *s, int idx, int rows);
void song_pattern_free(song_t *s, int idx);
/* Resizes a pattern, keeping the rows that remain. */
bool song_pattern_resize(song_t *s, int idx, int rows);

/* The cell at row, channel of pattern p (caller checks bounds). */
static inline cell_t *song_cell(const song_t *s, const pattern_t *p, int row, int ch)
{
	return &p->cells[(size_t)row * (size_t)s->channels + (size_t)ch];
}

/* Default parameters for a new instrument of each type. */
void synth_params_default(synth_params_t *p);
void sampler_params_default(sampler_params_t *p);

/* Creates instrument idx (1..255) of `type` with default parameters. */
instrument_t *song_inst_new(song_t *s, int idx, inst_type_t type);
/* Deletes instrument idx and its sample data, unless another instrument
 * of s shares that data. */
void song_inst_free(song_t *s, int idx);

/* Sets u to a unit of type with default parameters. */
void fx_unit_default(fx_unit_t *u, fx_type_t type);
/* Sets the named parameter; false if the unit has no such parameter. */
bool fx_unit_set(fx_unit_t *u, const char *param, float value);

/* Makes dst a deep copy of src: patterns, instruments, their sample
 * data (shared in the copy where it is shared in src) and the
 * round-trip extras, so the copy lives on after src is
 * freed (a background render works on one).  Returns 0, or -1 on
 * allocation failure with dst left empty (deinitialised). */
int song_copy(song_t *dst, const song_t *src);

/* Remembers an unknown key for the round trip. */
bool song_extra_add(song_t *s, const char *section, const char *key, const char *value);

#endif
