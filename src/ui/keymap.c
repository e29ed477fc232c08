/*
 * keymap: keys.ini over the built-in key table (see keymap.h).
 *
 * The keymap starts as a copy of ui_keys.c's table; each line of the
 * file replaces a binding in place (so the help page keeps its order)
 * or appends one.  Strings live in the keymap itself, never in the
 * parser's buffers, so the table outlives the file text.
 */
#include <stdlib.h>
#include <string.h>
#include "keymap.h"

#define SPACE_NAME "Space"
#define ALT_SPACE_NAME "M-Space"

keymap_t *keymap_create(void)
{
	keymap_t *km = calloc(1, sizeof(*km));
	if (!km)
		return NULL;
	int n;
	const ui_binding_t *t = ui_keys_defaults(&n);
	for (int i = 0; i < n && i < UI_KEYS_MAX; i++) {
		km->b[i] = t[i];
		snprintf(km->key[i], KEYMAP_KEY_LEN, "%s", t[i].key);
		km->b[i].key = km->key[i];
	}
	km->n = n < UI_KEYS_MAX ? n : UI_KEYS_MAX;
	return km;
}

void keymap_destroy(keymap_t *km)
{
	free(km);
}

const ui_binding_t *keymap_table(const keymap_t *km, int *n)
{
	*n = km->n;
	return km->b;
}

/* The help text for a new binding: the built-in one of the same command,
 * best in the same context with the same argument. */
static const char *help_for(int ctx, ui_cmd_t cmd, int arg)
{
	int n;
	const ui_binding_t *t = ui_keys_defaults(&n);
	const char *best = NULL;
	int score = -1;
	for (int i = 0; i < n; i++) {
		if (t[i].cmd != cmd)
			continue;
		int sc = ((int)t[i].ctx == ctx) * 2 + (t[i].arg == arg);
		if (sc > score) {
			score = sc;
			best = t[i].help;
		}
	}
	return best ? best : ui_cmd_names[cmd];
}

/* The help of a binding whose command has none in the defaults (the
 * commands only keymaps bind): worded with its argument, kept in km. */
static const char *help_own(keymap_t *km, int at, ui_cmd_t cmd, int arg)
{
	char *h = km->help[at];
	switch (cmd) {
	case CMD_OCTAVE_SET: snprintf(h, KEYMAP_HELP_LEN, "base octave %d", arg); break;
	case CMD_JUMP: snprintf(h, KEYMAP_HELP_LEN, "to row %d/4 of the pattern", arg); break;
	case CMD_STOP_EDIT:
		snprintf(h, KEYMAP_HELP_LEN, "stop; when stopped, edit mode on/off");
		break;
	default: return NULL;
	}
	return h;
}

static void remove_at(keymap_t *km, int i)
{
	memmove(&km->b[i], &km->b[i + 1], sizeof(km->b[0]) * (size_t)(km->n - i - 1));
	memmove(km->key[i], km->key[i + 1], sizeof(km->key[0]) * (size_t)(km->n - i - 1));
	memmove(km->help[i], km->help[i + 1], sizeof(km->help[0]) * (size_t)(km->n - i - 1));
	km->n--;
	for (int k = i; k < km->n; k++) {
		km->b[k].key = km->key[k];
		if (km->b[k].help == km->help[k + 1])
			km->b[k].help = km->help[k];
	}
}

/* ---- the file ---------------------------------------------------------- */

#define SEEN_MAX UI_KEYS_MAX

typedef struct parse_ctx {
	keymap_t *km;
	const char *name;
	cfg_msgs_t *msgs;
	int ctx;              /* -1: outside a known section */
	bool bad_section;
	struct { int ctx, line; char key[KEYMAP_KEY_LEN]; } seen[SEEN_MAX];
	int nseen;
} parse_ctx_t;

static void on_section(void *user, const char *section, int line)
{
	parse_ctx_t *p = user;
	p->ctx = -1;
	for (int i = 0; i < CTX_COUNT; i++)
		if (!strcmp(section, ui_ctx_names[i]))
			p->ctx = i;
	p->bad_section = p->ctx < 0;
	if (p->bad_section) {
		char list[256] = "";
		for (int i = 0; i < CTX_COUNT; i++) {
			size_t k = strlen(list);
			snprintf(list + k, sizeof(list) - k, "%s%s", i ? ", " : "", ui_ctx_names[i]);
		}
		cfg_msgs_add(p->msgs, p->name, line, "unknown context [%s] (%s); its lines are ignored",
		             section, list);
	}
}

static void on_value(void *user, const char *section, const char *name, const char *value,
                     int line)
{
	parse_ctx_t *p = user;
	(void)section;
	if (p->bad_section)
		return;
	if (p->ctx < 0) {
		cfg_msgs_add(p->msgs, p->name, line, "binding outside a [context] section; ignored");
		return;
	}
	/* "COMMAND [ARG]" */
	char cmdtext[CFGFILE_LINE_MAX + 1];
	snprintf(cmdtext, sizeof(cmdtext), "%s", name);
	char *s = cmdtext, *word = cfgfile_word(&s), *argw = cfgfile_word(&s);
	int cmd = -1;
	for (int i = 0; word && i < CMD_COUNT; i++)
		if (!strcmp(word, ui_cmd_names[i]))
			cmd = i;
	if (cmd < 0) {
		cfg_msgs_add(p->msgs, p->name, line, "unknown command '%s'; keeping the default", word);
		return;
	}
	long arg = 0;
	if (argw && !cfgfile_long(argw[0] == '+' ? argw + 1 : argw, -999, 999, &arg)) {
		cfg_msgs_add(p->msgs, p->name, line,
		             "bad argument '%s' for %s (a whole number); keeping the default", argw, word);
		return;
	}
	if (argw && cfgfile_word(&s)) {
		cfg_msgs_add(p->msgs, p->name, line,
		             "%s takes one argument at most; keeping the default", word);
		return;
	}
	/* the key */
	const char *key = !strcmp(value, SPACE_NAME) ? " " : !strcmp(value, ALT_SPACE_NAME) ? "M- " : value;
	if (!*value) {
		cfg_msgs_add(p->msgs, p->name, line, "no key for %s; keeping the default", word);
		return;
	}
	if (strlen(key) >= KEYMAP_KEY_LEN || !ui_key_known(key)) {
		cfg_msgs_add(p->msgs, p->name, line, "unknown key '%s'; keeping the default", value);
		return;
	}
	for (int i = 0; i < p->nseen; i++) {
		if (p->seen[i].ctx == p->ctx && !strcmp(p->seen[i].key, key)) {
			cfg_msgs_add(p->msgs, p->name, line,
			             "%s is already bound in [%s] on line %d; keeping that binding", value,
			             ui_ctx_names[p->ctx], p->seen[i].line);
			return;
		}
	}
	keymap_t *km = p->km;
	int at = -1;
	for (int i = 0; i < km->n && at < 0; i++)
		if ((int)km->b[i].ctx == p->ctx && !strcmp(km->b[i].key, key))
			at = i;
	if (cmd == CMD_NONE) {
		if (at >= 0)
			remove_at(km, at);
	} else {
		if (at < 0) {
			if (km->n >= UI_KEYS_MAX) {
				cfg_msgs_add(p->msgs, p->name, line, "too many bindings (%d at most); ignored",
				             UI_KEYS_MAX);
				return;
			}
			at = km->n++;
			km->b[at].help = NULL;
			snprintf(km->key[at], KEYMAP_KEY_LEN, "%s", key);
			km->b[at].key = km->key[at];
			km->b[at].ctx = (ui_ctx_t)p->ctx;
		}
		if (km->b[at].help == NULL || (int)km->b[at].cmd != cmd || km->b[at].arg != (int)arg) {
			const char *own = help_own(km, at, (ui_cmd_t)cmd, (int)arg);
			km->b[at].help = own ? own : help_for(p->ctx, (ui_cmd_t)cmd, (int)arg);
		}
		km->b[at].cmd = (ui_cmd_t)cmd;
		km->b[at].arg = (int)arg;
	}
	if (p->nseen < SEEN_MAX) {
		p->seen[p->nseen].ctx = p->ctx;
		p->seen[p->nseen].line = line;
		snprintf(p->seen[p->nseen].key, KEYMAP_KEY_LEN, "%s", key);
		p->nseen++;
	}
}

void keymap_parse(keymap_t *km, const char *text, size_t len, const char *name, cfg_msgs_t *msgs)
{
	parse_ctx_t *p = calloc(1, sizeof(*p));
	if (!p) {
		cfg_msgs_add(msgs, name, 0, "out of memory; keeping the default keys");
		return;
	}
	p->km = km;
	p->name = name;
	p->msgs = msgs;
	p->ctx = -1;
	cfgfile_parse(text, len, name, on_value, on_section, p, msgs);
	free(p);
}

int keymap_load(keymap_t *km, const char *path, cfg_msgs_t *msgs)
{
	char *text;
	size_t len;
	int rc = cfgfile_read(path, &text, &len, msgs);
	if (rc != 0)
		return rc;
	keymap_parse(km, text, len, path, msgs);
	free(text);
	return 0;
}

void keymap_write(const keymap_t *km, FILE *f)
{
	fprintf(f, "# beatty key bindings: save as ~/.config/beatty/keys.ini\n"
	           "# ($XDG_CONFIG_HOME/beatty/keys.ini), keep the lines you change.\n"
	           "# One binding a line, in the section of the page it works on\n"
	           "# ([global] works on every page unless the page binds the key):\n"
	           "#   COMMAND [ARGUMENT] = KEY\n"
	           "# KEY as curses names it: a character, ^X for Ctrl-X, KEY_F(5), KEY_UP,\n"
	           "# KEY_SR (Shift-Up), kUP5 (Ctrl-Up); Space for the space bar.\n"
	           "# 'none = KEY' unbinds a key.\n");
	for (int c = 0; c < CTX_COUNT; c++) {
		bool head = false;
		for (int i = 0; i < km->n; i++) {
			const ui_binding_t *b = &km->b[i];
			if ((int)b->ctx != c)
				continue;
			if (!head) {
				fprintf(f, "\n[%s]\n", ui_ctx_names[c]);
				head = true;
			}
			char lhs[64];
			if (b->arg)
				snprintf(lhs, sizeof(lhs), "%s %d", ui_cmd_names[b->cmd], b->arg);
			else
				snprintf(lhs, sizeof(lhs), "%s", ui_cmd_names[b->cmd]);
			/* The help is a comment: cut it to keep the line readable back. */
			char line[CFGFILE_LINE_MAX + 1];
			int k = snprintf(line, sizeof(line), "%-20s = %-14s ", lhs,
			                 !strcmp(b->key, " ") ? SPACE_NAME :
			                 !strcmp(b->key, "M- ") ? ALT_SPACE_NAME : b->key);
			if (k > 0 && k + 3 < (int)sizeof(line))
				snprintf(line + k, sizeof(line) - (size_t)k, "; %s", b->help);
			fprintf(f, "%s\n", line);
		}
	}
}
