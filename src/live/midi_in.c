/*
 * midi_in: raw MIDI bytes from a device or FIFO, and the ALSA sequencer
 * port (see midi_in.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <alsa/asoundlib.h>
#include "midi_in.h"

#define PENDING 512

struct midi_in {
	int fd;                   /* raw input, -1 none */
	char path[1024];
	midi_parser_t parser;
	snd_seq_t *seq;           /* NULL none */
	int seq_client, seq_port;
	midi_msg_t pending[PENDING];   /* parsed, not yet taken */
	int npending, head;
};

static int open_raw(midi_in_t *m, const char *path, char *why, size_t whylen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(why, whylen, "MIDI %s: %s", path, strerror(errno));
		return -1;
	}
	/* A FIFO opened read-only reports end-of-file whenever no writer is
	 * attached; holding it open for writing too keeps it waiting instead. */
	int flags = (S_ISFIFO(st.st_mode) ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC;
	m->fd = open(path, flags);
	if (m->fd < 0) {
		snprintf(why, whylen, "MIDI %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(m->path, sizeof(m->path), "%s", path);
	midi_parser_init(&m->parser);
	return 0;
}

/* Connects the port to every hardware port that sends MIDI: a keyboard
 * plugged in before the start plays without further setup. */
static void connect_hardware(midi_in_t *m)
{
	snd_seq_client_info_t *ci = NULL;
	snd_seq_port_info_t *pi = NULL;
	if (snd_seq_client_info_malloc(&ci) < 0 || snd_seq_port_info_malloc(&pi) < 0) {
		snd_seq_client_info_free(ci);
		return;
	}
	snd_seq_client_info_set_client(ci, -1);
	while (snd_seq_query_next_client(m->seq, ci) >= 0) {
		int client = snd_seq_client_info_get_client(ci);
		if (client == SND_SEQ_CLIENT_SYSTEM || client == m->seq_client)
			continue;
		snd_seq_port_info_set_client(pi, client);
		snd_seq_port_info_set_port(pi, -1);
		while (snd_seq_query_next_port(m->seq, pi) >= 0) {
			unsigned caps = snd_seq_port_info_get_capability(pi);
			unsigned type = snd_seq_port_info_get_type(pi);
			unsigned want = SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ;
			if ((caps & want) == want && (type & SND_SEQ_PORT_TYPE_HARDWARE) &&
			    (type & SND_SEQ_PORT_TYPE_MIDI_GENERIC))
				snd_seq_connect_from(m->seq, m->seq_port, client,
				                     snd_seq_port_info_get_port(pi));
		}
	}
	snd_seq_port_info_free(pi);
	snd_seq_client_info_free(ci);
}

static int open_seq(midi_in_t *m, char *why, size_t whylen)
{
	/* Without the kernel's sequencer, ALSA would try and fail noisily:
	 * say plainly why there is no port. */
	if (access("/dev/snd/seq", F_OK) != 0) {
		snprintf(why, whylen, "no MIDI sequencer port: /dev/snd/seq is missing");
		return -1;
	}
	const char *call = "snd_seq_open";
	int rc = snd_seq_open(&m->seq, "default", SND_SEQ_OPEN_INPUT, SND_SEQ_NONBLOCK);
	if (rc >= 0) {
		call = "snd_seq_set_client_name";
		rc = snd_seq_set_client_name(m->seq, "beatty");
	}
	if (rc >= 0) {
		call = "snd_seq_create_simple_port";
		rc = snd_seq_create_simple_port(m->seq, "beatty",
		                                SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE,
		                                SND_SEQ_PORT_TYPE_MIDI_GENERIC |
		                                SND_SEQ_PORT_TYPE_APPLICATION);
	}
	if (rc < 0) {
		snprintf(why, whylen, "no MIDI sequencer port: %s: %s", call, snd_strerror(rc));
		if (m->seq)
			snd_seq_close(m->seq);
		m->seq = NULL;
		return -1;
	}
	m->seq_port = rc;
	m->seq_client = snd_seq_client_id(m->seq);
	connect_hardware(m);
	return 0;
}

midi_in_t *midi_in_open(const char *path, bool seq, char *why, size_t whylen)
{
	why[0] = 0;
	midi_in_t *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(why, whylen, "MIDI: out of memory");
		return NULL;
	}
	m->fd = -1;
	char w1[600] = "", w2[600] = "";
	if (path && *path && strcmp(path, "none"))
		open_raw(m, path, w1, sizeof(w1));
	if (seq)
		open_seq(m, w2, sizeof(w2));
	snprintf(why, whylen, "%s%s%s", w1, w1[0] && w2[0] ? "; " : "", w2);
	if (m->fd < 0 && !m->seq) {
		free(m);
		return NULL;
	}
	return m;
}

void midi_in_close(midi_in_t *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	if (m->seq)
		snd_seq_close(m->seq);
	free(m);
}

void midi_in_describe(const midi_in_t *m, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", m->fd >= 0 ? m->path : "", m->fd >= 0 && m->seq ? ", " : "");
	size_t len = strlen(buf);
	if (m->seq && len < n)
		snprintf(buf + len, n - len, "sequencer port %d:%d", m->seq_client, m->seq_port);
}

int midi_in_pollfds(midi_in_t *m, struct pollfd *fds, int max)
{
	int k = 0;
	if (m->fd >= 0 && k < max)
		fds[k++] = (struct pollfd){ .fd = m->fd, .events = POLLIN };
	if (m->seq && k < max)
		k += snd_seq_poll_descriptors(m->seq, fds + k, (unsigned)(max - k), POLLIN);
	return k;
}

static void push(midi_in_t *m, midi_msg_t msg)
{
	if (m->npending < PENDING)
		m->pending[(m->head + m->npending++) % PENDING] = msg;
}

static void read_raw(midi_in_t *m, char *why, size_t whylen)
{
	uint8_t buf[256];
	while (m->fd >= 0 && m->npending + (int)sizeof(buf) <= PENDING) {
		ssize_t got = read(m->fd, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (got <= 0) {
			/* a file read to its end, or a device unplugged */
			snprintf(why, whylen, "MIDI %s: %s", m->path, got == 0 ? "end of input" : strerror(errno));
			close(m->fd);
			m->fd = -1;
			return;
		}
		for (ssize_t i = 0; i < got; i++) {
			midi_msg_t msg;
			if (midi_parse_byte(&m->parser, buf[i], &msg) && msg.type != MIDI_REALTIME)
				push(m, msg);
		}
	}
}

static void read_seq(midi_in_t *m)
{
	snd_seq_event_t *ev;
	while (m->seq && m->npending < PENDING && snd_seq_event_input(m->seq, &ev) >= 0 && ev) {
		midi_msg_t msg = { 0 };
		switch (ev->type) {
		case SND_SEQ_EVENT_NOTEON:
			msg = (midi_msg_t){ .type = ev->data.note.velocity ? MIDI_NOTE_ON : MIDI_NOTE_OFF,
			                    .channel = ev->data.note.channel & 15,
			                    .a = ev->data.note.note & 127, .b = ev->data.note.velocity & 127 };
			break;
		case SND_SEQ_EVENT_NOTEOFF:
			msg = (midi_msg_t){ .type = MIDI_NOTE_OFF, .channel = ev->data.note.channel & 15,
			                    .a = ev->data.note.note & 127, .b = ev->data.note.velocity & 127 };
			break;
		case SND_SEQ_EVENT_CONTROLLER:
			msg = (midi_msg_t){ .type = MIDI_CONTROL, .channel = ev->data.control.channel & 15,
			                    .a = (uint8_t)(ev->data.control.param & 127),
			                    .b = (uint8_t)(ev->data.control.value & 127) };
			break;
		default:
			continue;
		}
		push(m, msg);
	}
}

int midi_in_read(midi_in_t *m, midi_msg_t *out, int max, char *why, size_t whylen)
{
	why[0] = 0;
	if (m->npending < max) {
		read_raw(m, why, whylen);
		read_seq(m);
	}
	int k = 0;
	while (k < max && m->npending > 0) {
		out[k++] = m->pending[m->head];
		m->head = (m->head + 1) % PENDING;
		m->npending--;
	}
	return k;
}
