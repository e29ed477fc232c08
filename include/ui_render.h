/*
 * ui_render: rendering to WAV from the tracker screen, in the
 * background.
 *
 * ui_render_start() takes a deep copy of the song (song_copy(): its own
 * patterns, instruments and sample data) and runs render_to_wav() on it
 * in a worker thread with an engine of its own; the live engine and the
 * song being edited are never touched, so editing and playing go on,
 * and notes jammed on the live engine can never reach the file.  The UI
 * polls the progress (an atomic) and collects the result once done.
 *
 * One UI thread calls these; the worker touches only its copy.
 */
#ifndef BEATTY_UI_RENDER_H
#define BEATTY_UI_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include "render.h"
#include "song.h"

typedef struct ui_render ui_render_t;

/* Parses "OUT.wav [--rate HZ] [--bits 16|24|32f] [--lufs L] [--stems DIR]
 * [--no-master]" (the options of `beatty render`) into path and o.
 * Returns 0, or -1 with a message in err. */
int ui_render_parse(const char *line, char *path, size_t pathlen, render_opts_t *o,
                    char *stems, size_t stemslen, char *err, size_t errlen);

/* Starts rendering song to path.  Returns NULL with a message in err
 * (out of memory, no thread). */
ui_render_t *ui_render_start(const song_t *song, const char *path, const render_opts_t *o,
                             const char *stems, char *err, size_t errlen);

/* Starts measuring song as `beatty info --loudness` does (render_analyse():
 * the same render, nothing written); ui_render_finish() gives the
 * figures in res. */
ui_render_t *ui_render_measure(const song_t *song, const render_opts_t *o, char *err, size_t errlen);

/* Fraction done (0..1) and whether the worker has finished. */
double ui_render_progress(const ui_render_t *r, bool *done);
const char *ui_render_path(const ui_render_t *r);

/* Joins the worker (waits if it still runs) and frees everything.
 * Returns what render_to_wav() returned, with res and err filled. */
int ui_render_finish(ui_render_t *r, render_result_t *res, char *err, size_t errlen);

#endif
