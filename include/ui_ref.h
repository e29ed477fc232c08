/*
 * ui_ref: the reference track on the master page (reftrack.h).
 *
 * ^G on the master page asks for a WAV or FLAC (Tab completes); a
 * loader thread reads, resamples and measures it while the screen goes
 * on.  R (or Alt-R, Esc then r, on any page) switches what is heard
 * between the mix and the reference, loudness-matched: the reference
 * plays with gain = mix loudness - its integrated loudness, the mix
 * loudness being the master page's loudness target, or the mix's
 * integrated loudness measured since play (V cycles target, mix, off).
 * X drops the reference.
 *
 * The song remembers its reference's path (the reference key of its
 * [song] section, relative to its folder) and loads it when opened; the
 * sound is never saved or rendered.  This module owns the loaded
 * reference (and the ones replaced, until the audio side lets go of
 * them) and lends it to whatever bridge plays.  UI thread only.
 */
#ifndef BEATTY_UI_REF_H
#define BEATTY_UI_REF_H

#include "ui_app.h"

struct ui_mix;

/* The reference commands (CMD_REF_*). */
void ui_ref_cmd(ui_app_t *app, ui_cmd_t cmd);
/* Once a loop turn, after the mixer's poll: the loader, the bridge,
 * the gain, the reference's spectrum. */
void ui_ref_poll(ui_app_t *app, struct ui_mix *m);
/* The reference's lines on the master page, from row y at column x (at
 * most h rows); returns the rows used. */
int ui_ref_draw(ui_app_t *app, int y, int x, int h);
/* The reference's spectrum (dB per band, as heard: with its gain), or
 * NULL when there is none. */
const float *ui_ref_spectrum(ui_app_t *app);
/* Whether the reference is heard now (as the audio side says). */
bool ui_ref_heard(const ui_app_t *app);
/* A new song (opened, new): its reference is loaded at the next poll,
 * or the one heard dropped. */
void ui_ref_song_changed(ui_app_t *app);
void ui_ref_free(ui_app_t *app);

#endif
