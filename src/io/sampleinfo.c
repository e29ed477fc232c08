/*
 * sampleinfo: sample headers, read on a worker (see sampleinfo.h).
 *
 * The cache and the queue are one small table under one mutex: only the
 * UI thread and the worker touch it, never the audio thread.
 */
#include <pthread.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infile.h"
#include "sampleinfo.h"

int sampleinfo_read(const char *path, sampleinfo_t *out)
{
	memset(out, 0, sizeof(*out));
	int fd = infile_open(path, out->why, sizeof(out->why));
	if (fd < 0)
		return -1;
	SF_INFO info;
	memset(&info, 0, sizeof(info));
	SNDFILE *sf = sf_open_fd(fd, SFM_READ, &info, SF_TRUE);
	if (!sf) {
		snprintf(out->why, sizeof(out->why), "not a sound file libsndfile reads");
		return -1;
	}
	sf_close(sf);
	if (info.samplerate <= 0 || info.channels <= 0) {
		snprintf(out->why, sizeof(out->why), "no rate or channels in the header");
		return -1;
	}
	out->ok = true;
	out->frames = info.frames;
	out->rate = info.samplerate;
	out->channels = info.channels;
	switch (info.format & SF_FORMAT_SUBMASK) {
	case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: out->bits = 8; break;
	case SF_FORMAT_PCM_16: out->bits = 16; break;
	case SF_FORMAT_PCM_24: out->bits = 24; break;
	case SF_FORMAT_PCM_32: out->bits = 32; break;
	case SF_FORMAT_FLOAT: out->bits = 32; out->fp = true; break;
	case SF_FORMAT_DOUBLE: out->bits = 64; out->fp = true; break;
	default: out->bits = 0; break;
	}
	return 0;
}

void sampleinfo_format(const sampleinfo_t *in, char *buf, size_t n)
{
	if (!in->ok) {
		snprintf(buf, n, "(%s)", in->why);
		return;
	}
	char ch[16], bits[16];
	if (in->channels == 1)
		snprintf(ch, sizeof ch, "mono");
	else if (in->channels == 2)
		snprintf(ch, sizeof ch, "stereo");
	else
		snprintf(ch, sizeof ch, "%d ch", in->channels);
	if (!in->bits)
		snprintf(bits, sizeof bits, "compressed");
	else
		snprintf(bits, sizeof bits, "%d-bit%s", in->bits, in->fp ? " float" : "");
	snprintf(buf, n, "%7.2f s  %6d Hz  %-6s  %s", (double)in->frames / in->rate, in->rate, ch,
	         bits);
}

/* ---- the probe --------------------------------------------------------- */

typedef struct probe_item {
	char *path;
	bool done;
	unsigned long asked;     /* when last asked for: the newest is read first */
	sampleinfo_t info;
} probe_item_t;

struct sampleinfo_probe {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	probe_item_t *it;
	int n, cap;
	unsigned long clock;
};

/* The newest pending request, or -1. */
static int newest_pending(const sampleinfo_probe_t *p)
{
	int best = -1;
	for (int i = 0; i < p->n; i++)
		if (!p->it[i].done && (best < 0 || p->it[i].asked > p->it[best].asked))
			best = i;
	return best;
}

static void *worker(void *arg)
{
	sampleinfo_probe_t *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		int i;
		while (!p->stop && (i = newest_pending(p)) < 0)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop)
			break;
		char *path = strdup(p->it[i].path);
		pthread_mutex_unlock(&p->mu);
		sampleinfo_t info;
		if (path)
			sampleinfo_read(path, &info);
		else
			snprintf(info.why, sizeof(info.why), "out of memory");
		pthread_mutex_lock(&p->mu);
		/* The table may have been cleared or grown meanwhile: find it again. */
		for (int k = 0; path && k < p->n; k++)
			if (!p->it[k].done && !strcmp(p->it[k].path, path)) {
				p->it[k].info = info;
				p->it[k].done = true;
				break;
			}
		free(path);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

sampleinfo_probe_t *sampleinfo_probe_create(void)
{
	sampleinfo_probe_t *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, worker, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

static void clear_locked(sampleinfo_probe_t *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->it[i].path);
	p->n = 0;
}

void sampleinfo_probe_destroy(sampleinfo_probe_t *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	clear_locked(p);
	free(p->it);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void sampleinfo_probe_clear(sampleinfo_probe_t *p)
{
	pthread_mutex_lock(&p->mu);
	clear_locked(p);
	pthread_mutex_unlock(&p->mu);
}

bool sampleinfo_probe_get(sampleinfo_probe_t *p, const char *path, sampleinfo_t *out)
{
	bool have = false;
	pthread_mutex_lock(&p->mu);
	p->clock++;
	int i;
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->it[i].path, path))
			break;
	if (i < p->n) {
		p->it[i].asked = p->clock;
		if (p->it[i].done) {
			*out = p->it[i].info;
			have = true;
		}
	} else {
		if (p->n == p->cap) {
			int nc = p->cap ? p->cap * 2 : 256;
			probe_item_t *ni = realloc(p->it, (size_t)nc * sizeof(*ni));
			if (ni) {
				p->it = ni;
				p->cap = nc;
			}
		}
		char *copy = p->n < p->cap ? strdup(path) : NULL;
		if (copy) {
			memset(&p->it[p->n], 0, sizeof(p->it[p->n]));
			p->it[p->n].path = copy;
			p->it[p->n].asked = p->clock;
			p->n++;
			pthread_cond_signal(&p->cv);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return have;
}
