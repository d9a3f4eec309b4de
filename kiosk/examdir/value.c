/*
 * value.c — the small values of exam files: whole numbers, yes/no, a word from a list,
 * text that must fit its field. Every failure names "PATH:LINE: field NAME:" and what was
 * expected, so a clerk can fix the file without reading the documentation.
 */
#include "examdir_int.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

bilet_status examdir_value_int(const char *path, int line, const char *field, const char *value,
                               int lo, int hi, int *out, bilet_err *err)
{
    const char *s = value;
    if (*s == '\0')
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field %s: empty; a whole number %d–%d "
                          "is expected",
                          path, line, field, lo, hi);
    char shortv[32];
    text_copy(shortv, sizeof shortv, value);
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE ||
        (s[0] != '-' && s[0] != '+' && (s[0] < '0' || s[0] > '9')))
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: \"%s\" is not a whole number", path,
                          line, field, shortv);
    if (v < lo || v > hi)
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: %ld is outside %d–%d", path, line,
                          field, v, lo, hi);
    *out = (int)v;
    return BILET_OK;
}

bilet_status examdir_value_bool(const char *path, int line, const char *field, const char *value,
                                bool *out, bilet_err *err)
{
    static const char *const words[] = { "yes", "no", "true", "false", "да", "нет" };
    size_t i = 0;
    bilet_status st = examdir_value_word(path, line, field, value, words,
                                         sizeof words / sizeof words[0], "yes, no", &i, err);
    if (st == BILET_OK)
        *out = i % 2 == 0;
    return st;
}

/* value with runs of blanks made one space and the ends trimmed; false if it is too long
 * to be any of the words. */
static bool squeeze(const char *value, char *out, size_t cap)
{
    size_t j = 0;
    bool blank = false;
    for (const char *p = value; *p; p++) {
        bool b = *p == ' ' || *p == '\t';
        if (b) {
            blank = j > 0;
            continue;
        }
        if (blank) {
            if (j + 1 >= cap)
                return false;
            out[j++] = ' ';
            blank = false;
        }
        if (j + 1 >= cap)
            return false;
        out[j++] = *p;
    }
    out[j] = '\0';
    return true;
}

bilet_status examdir_value_word(const char *path, int line, const char *field, const char *value,
                                const char *const *words, size_t n, const char *shown, size_t *out,
                                bilet_err *err)
{
    char v[128];
    if (squeeze(value, v, sizeof v)) {
        for (size_t i = 0; i < n; i++) {
            if (text_equal_fold(v, words[i])) {
                *out = i;
                return BILET_OK;
            }
        }
    }
    if (value[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: empty (%s)", path, line, field,
                          shown);
    char shortv[96];
    text_copy(shortv, sizeof shortv, value);
    return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: unknown value \"%s\" (%s)", path, line,
                      field, shortv, shown);
}

bilet_status examdir_value_text(const char *path, int line, const char *field, const char *value,
                                char *dst, size_t cap, bilet_err *err)
{
    size_t n = strlen(value);
    if (n >= cap) {
        dst[0] = '\0';
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: %zu bytes; at most %zu", path, line,
                          field, n, cap - 1);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '\n' || c == '\r') {
            dst[0] = '\0';
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: holds a line break", path, line,
                              field);
        }
        if (c < 0x20 && c != '\t') {
            dst[0] = '\0';
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field %s: holds a control character (0x%02X)", path, line,
                              field, c);
        }
    }
    memcpy(dst, value, n + 1);
    return BILET_OK;
}

bool examdir_policy_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= EXAM_SHORT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}
