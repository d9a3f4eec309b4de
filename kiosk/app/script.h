/*
 * script.h — the headless script language (DESIGN.md, "Headless script"): one command a
 * line, parsed without SDL so that it can be tested and fuzzed alone.
 *
 *   key NAME        a key by SDL name, with modifiers as ctrl+, alt+, shift+
 *   type TEXT       the rest of the line as text input (UTF-8)
 *   enter           key Return
 *   wait N          advance the virtual clock N seconds, running frames
 *   shot FILE       save the frame as PNG
 *   expect screen S exit 3 unless the screen is S
 *   expect text T   exit 3 unless T is in the frame's text
 *   hold N          really sleep N milliseconds
 *
 * Empty lines and lines whose first non-blank character is '#' are skipped; the commands
 * without free text (key, enter, wait, shot, expect screen, hold) also drop a trailing
 * "  # comment".
 */
#ifndef BILET_SCRIPT_H
#define BILET_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

typedef enum script_kind {
    SCRIPT_NOTHING, /* empty line or comment */
    SCRIPT_KEY,
    SCRIPT_TYPE,
    SCRIPT_WAIT,
    SCRIPT_SHOT,
    SCRIPT_EXPECT_SCREEN,
    SCRIPT_EXPECT_TEXT,
    SCRIPT_HOLD,
} script_kind;

enum { SCRIPT_LINE_MAX = 4096, SCRIPT_KEY_MAX = 64 };

enum { SCRIPT_MOD_SHIFT = 1, SCRIPT_MOD_CTRL = 2, SCRIPT_MOD_ALT = 4 };

typedef struct script_cmd {
    script_kind kind;
    int line;
    unsigned mods;             /* SCRIPT_KEY */
    char key[SCRIPT_KEY_MAX];  /* SCRIPT_KEY: the SDL key name without modifiers */
    long number;               /* SCRIPT_WAIT seconds, SCRIPT_HOLD milliseconds */
    char arg[SCRIPT_LINE_MAX]; /* SCRIPT_TYPE, SCRIPT_SHOT, SCRIPT_EXPECT_* */
} script_cmd;

/* Parses one line (without or with its "\n" / "\r\n") numbered lineno. BILET_EPARSE names
 * the line and what is wrong ("script line 7: wait needs a number of seconds, not \"x\"");
 * out->kind is SCRIPT_NOTHING for blank lines and comments. */
bilet_status script_parse_line(const char *line, size_t len, int lineno, script_cmd *out,
                               bilet_err *err);

#endif
