/*
 * samplekeep: sample data on its way out of the song (see samplekeep.h).
 *
 * A handful of entries at most (what one session replaced), so plain
 * arrays and linear scans.
 */
#include <stdlib.h>
#include "samplekeep.h"

static const float *inst_data(const song_t *s, int i)
{
	return s && s->inst[i] ? s->inst[i]->sampler.sample.data : NULL;
}

bool samplekeep_has(const samplekeep_t *k, const float *data)
{
	for (int i = 0; i < k->nkept; i++)
		if (k->kept[i] == data)
			return true;
	return false;
}

void samplekeep_init(samplekeep_t *k, const song_t *s)
{
	k->kept = NULL;
	k->nkept = k->cap = 0;
	for (int i = 0; i <= SONG_MAX_INSTRUMENTS; i++)
		k->owned[i] = i ? inst_data(s, i) : NULL;
}

void samplekeep_deinit(samplekeep_t *k)
{
	for (int i = 0; i < k->nkept; i++)
		free(k->kept[i]);
	free(k->kept);
	k->kept = NULL;
	k->nkept = k->cap = 0;
}

void samplekeep_reset(samplekeep_t *k, const song_t *s)
{
	samplekeep_deinit(k);
	samplekeep_init(k, s);
}

int samplekeep_add(samplekeep_t *k, float *data)
{
	if (!data || samplekeep_has(k, data))
		return 0;
	if (k->nkept == k->cap) {
		int cap = k->cap ? k->cap * 2 : 8;
		float **kept = realloc(k->kept, (size_t)cap * sizeof(*kept));
		if (!kept)
			return -1;
		k->kept = kept;
		k->cap = cap;
	}
	k->kept[k->nkept++] = data;
	return 0;
}

static void drop(samplekeep_t *k, int i)
{
	k->kept[i] = k->kept[--k->nkept];
}

int samplekeep_sync(samplekeep_t *k, const song_t *s)
{
	int rc = 0;
	/* First everything that left, then take back everything the song
	 * holds now: data that moved between two slots stays the song's. */
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++)
		if (k->owned[i] && k->owned[i] != inst_data(s, i) &&
		    samplekeep_add(k, (float *)k->owned[i]) != 0)
			rc = -1;
	for (int i = 1; i <= SONG_MAX_INSTRUMENTS; i++) {
		const float *d = inst_data(s, i);
		k->owned[i] = d;
		if (!d)
			continue;
		for (int j = 0; j < k->nkept; j++)
			if (k->kept[j] == d) {
				drop(k, j);
				break;
			}
	}
	return rc;
}

int samplekeep_gc(samplekeep_t *k, bool (*busy)(void *user, const float *data), void *user)
{
	int n = 0;
	for (int i = 0; i < k->nkept;) {
		if (busy && busy(user, k->kept[i])) {
			i++;
			continue;
		}
		free(k->kept[i]);
		drop(k, i);
		n++;
	}
	return n;
}
