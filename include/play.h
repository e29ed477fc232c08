/*
 * play: the `beatty play` and `beatty devices` commands.
 *
 * `play` loads a song, opens the ALSA device, and plays the song once
 * through the bridge and the real-time thread (the same engine and
 * timing as `beatty render`).  It stops at the song's end (release tails
 * included), on 'q' typed at a terminal, or on SIGINT/SIGTERM/SIGHUP, and
 * always joins the audio thread, closes the device and restores the
 * terminal before it returns.
 *
 * Output on stderr: one line naming the device and what it agreed to;
 * while playing, when stderr is a terminal, a status line rewritten five
 * times a second (position, time, CPU load of the audio callback,
 * underruns); when it is not a terminal nothing while playing, so logs
 * stay short; and always a last line with the time played, the load and
 * the underrun count.
 *
 * Exit status: 0 played to the end or stopped with 'q'; 1 bad song, or
 * an audio device missing, busy or lost while playing; 2 usage; 128 plus
 * the signal number when a signal stopped it.
 */
#ifndef BEATTY_PLAY_H
#define BEATTY_PLAY_H

int cmd_play(int argc, char **argv);
int cmd_devices(int argc, char **argv);

#endif
