/*
 * script.c — parses headless script lines. Input is hostile (a test author's typo, a
 * fuzzer): every length is checked, numbers are bounded, nothing is allocated.
 */
#include "script.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Copies s[0..n) into out as a NUL-terminated string, refusing what does not fit. */
static bool take(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* Drops a trailing "# comment" preceded by white space, and trailing white space. */
static size_t strip_comment(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '#' && blank(s[i - 1])) {
            n = i;
            break;
        }
    }
    while (n > 0 && blank(s[n - 1]))
        n--;
    return n;
}

static bilet_status parse_number(const char *s, size_t n, long max, long *out, int lineno,
                                 const char *what, bilet_err *err)
{
    char buf[32];
    if (n == 0 || !take(buf, sizeof buf, s, n))
        return bilet_fail(err, BILET_EPARSE, "script line %d: %s needs a number", lineno, what);
    for (size_t i = 0; i < n; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return bilet_fail(err, BILET_EPARSE,
                              "script line %d: %s needs a whole number, not \"%s\"", lineno, what,
                              buf);
    errno = 0;
    long v = strtol(buf, NULL, 10);
    if (errno != 0 || v > max)
        return bilet_fail(err, BILET_EPARSE, "script line %d: %s %s is more than %ld", lineno, what,
                          buf, max);
    *out = v;
    return BILET_OK;
}

static bilet_status parse_key(script_cmd *out, const char *s, size_t n, int lineno, bilet_err *err)
{
    static const struct {
        const char *prefix;
        unsigned mod;
    } mods[] = { { "ctrl+", SCRIPT_MOD_CTRL },
                 { "alt+", SCRIPT_MOD_ALT },
                 { "shift+", SCRIPT_MOD_SHIFT } };
    bool more = true;
    while (more) {
        more = false;
        for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
            size_t pl = strlen(mods[i].prefix);
            if (n > pl && strncmp(s, mods[i].prefix, pl) == 0) {
                out->mods |= mods[i].mod;
                s += pl;
                n -= pl;
                more = true;
            }
        }
    }
    if (n == 0)
        return bilet_fail(err, BILET_EPARSE, "script line %d: key needs a key name", lineno);
    for (size_t i = 0; i < n; i++)
        if (blank(s[i]))
            return bilet_fail(err, BILET_EPARSE,
                              "script line %d: key takes one key name (modifiers joined with +)",
                              lineno);
    if (!take(out->key, sizeof out->key, s, n))
        return bilet_fail(err, BILET_EPARSE, "script line %d: key name is too long", lineno);
    return BILET_OK;
}

bilet_status script_parse_line(const char *line, size_t len, int lineno, script_cmd *out,
                               bilet_err *err)
{
    memset(out, 0, sizeof *out);
    out->line = lineno;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (memchr(line, '\0', len))
        return bilet_fail(err, BILET_EPARSE, "script line %d: holds a NUL byte", lineno);
    if (!text_utf8_valid(line, len))
        return bilet_fail(err, BILET_EPARSE, "script line %d: is not valid UTF-8", lineno);
    size_t i = 0;
    while (i < len && blank(line[i]))
        i++;
    if (i == len || line[i] == '#')
        return BILET_OK;
    const char *word = line + i;
    size_t wl = 0;
    while (i + wl < len && !blank(line[i + wl]))
        wl++;
    size_t j = i + wl;
    if (j < len)
        j++; /* one separating blank; the rest belongs to the argument */
    const char *rest = line + j;
    size_t rl = len - j;

#define IS(w) (wl == strlen(w) && strncmp(word, w, wl) == 0)
    if (IS("type")) {
        out->kind = SCRIPT_TYPE;
        if (rl == 0)
            return bilet_fail(err, BILET_EPARSE, "script line %d: type needs text", lineno);
        if (!take(out->arg, sizeof out->arg, rest, rl))
            return bilet_fail(err, BILET_EPARSE, "script line %d: text is too long", lineno);
        return BILET_OK;
    }
    if (IS("expect")) {
        size_t k = 0;
        while (k < rl && !blank(rest[k]))
            k++;
        const char *arg = rest + k + (k < rl ? 1 : 0);
        size_t al = rl - k - (k < rl ? 1 : 0);
        if (k == 4 && strncmp(rest, "text", 4) == 0) {
            out->kind = SCRIPT_EXPECT_TEXT;
            if (al == 0)
                return bilet_fail(err, BILET_EPARSE, "script line %d: expect text needs text",
                                  lineno);
            if (!take(out->arg, sizeof out->arg, arg, al))
                return bilet_fail(err, BILET_EPARSE, "script line %d: text is too long", lineno);
            return BILET_OK;
        }
        if (k == 6 && strncmp(rest, "screen", 6) == 0) {
            out->kind = SCRIPT_EXPECT_SCREEN;
            al = strip_comment(arg, al);
            if (al == 0 || !take(out->arg, sizeof out->arg, arg, al))
                return bilet_fail(err, BILET_EPARSE,
                                  "script line %d: expect screen needs a screen name", lineno);
            return BILET_OK;
        }
        return bilet_fail(err, BILET_EPARSE,
                          "script line %d: expect takes \"screen NAME\" or \"text TEXT\"", lineno);
    }
    rl = strip_comment(rest, rl);
    while (rl > 0 && blank(rest[0])) {
        rest++;
        rl--;
    }
    if (IS("key")) {
        out->kind = SCRIPT_KEY;
        return parse_key(out, rest, rl, lineno, err);
    }
    if (IS("enter")) {
        if (rl != 0)
            return bilet_fail(err, BILET_EPARSE, "script line %d: enter takes nothing", lineno);
        out->kind = SCRIPT_KEY;
        return take(out->key, sizeof out->key, "Return", 6) ? BILET_OK : BILET_EPARSE;
    }
    if (IS("wait")) {
        out->kind = SCRIPT_WAIT;
        return parse_number(rest, rl, 7L * 24 * 3600, &out->number, lineno, "wait", err);
    }
    if (IS("hold")) {
        out->kind = SCRIPT_HOLD;
        return parse_number(rest, rl, 600000, &out->number, lineno, "hold", err);
    }
    if (IS("shot")) {
        out->kind = SCRIPT_SHOT;
        if (rl == 0 || !take(out->arg, sizeof out->arg, rest, rl))
            return bilet_fail(err, BILET_EPARSE, "script line %d: shot needs a file name", lineno);
        return BILET_OK;
    }
#undef IS
    char shown[40];
    text_copy(shown, sizeof shown, "");
    take(shown, sizeof shown, word, wl < sizeof shown ? wl : sizeof shown - 1);
    return bilet_fail(err, BILET_EPARSE,
                      "script line %d: unknown command \"%s\" (key, type, enter, wait, shot, "
                      "expect, hold)",
                      lineno, shown);
}
