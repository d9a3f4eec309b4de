/*
 * inifile.c — reads exam.ini and policy profiles with inih, with line numbers and without
 * letting inih cut a long line.
 *
 * Debian's inih reads each line into a 200-byte buffer (INI_MAX_LINE, which also holds the
 * "\n" and the NUL) and quietly splits a longer line in two, so a long list of examiners
 * would lose its tail or turn into a bogus key. The whole file is therefore read first,
 * every line measured, and a line over EXAMDIR_INI_LINE_MAX bytes refused naming its line
 * and length. inih then gets the lines one by one from memory through ini_parse_stream,
 * which is how the handler learns the physical line of each key (the library is built
 * without INI_HANDLER_LINENO). Invariant: the reader hands inih exactly one physical line
 * per call, so inih's own error line numbers are physical lines too.
 */
#include "examdir_int.h"

#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "examdir.h"

_Static_assert(EXAMDIR_INI_LINE_MAX + 2 <= INI_MAX_LINE,
               "a line, its newline and the NUL must fit inih's line buffer");

struct examdir_ini {
    const char *path;
    const char *text; /* whole file, UTF-8, NUL-terminated */
    size_t len;
    size_t off;     /* start of the next line to serve */
    int line;       /* physical line last served */
    bool indented;  /* the served line starts with white space */
    bool have_key;  /* a key was seen since the last [section] (inih continues it) */
    bool continued; /* the key being handed over continues the previous one */
    int section_line;
    examdir_ini_key_fn fn;
    void *user;
    bilet_status st;
    int st_line;
    bilet_err *err;
};

const char *examdir_ini_path(const examdir_ini *ini)
{
    return ini->path;
}

int examdir_ini_line(const examdir_ini *ini)
{
    return ini->line;
}

int examdir_ini_section_line(const examdir_ini *ini)
{
    return ini->section_line;
}

bool examdir_ini_continued(const examdir_ini *ini)
{
    return ini->continued;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* inih's fgets-like reader: one physical line, "\r\n" handed over as "\n". */
static char *read_line(char *str, int num, void *stream)
{
    examdir_ini *ini = stream;
    if (ini->off >= ini->len || num < 2)
        return NULL;
    const char *s = ini->text + ini->off;
    const char *nl = memchr(s, '\n', ini->len - ini->off);
    size_t n = nl ? (size_t)(nl - s) : ini->len - ini->off;
    ini->off += n + (nl ? 1 : 0);
    if (n > 0 && s[n - 1] == '\r')
        n--;
    /* Lines were measured before parsing; this only guards a changed ini_max_line. */
    if (n + 2 > (size_t)num)
        n = (size_t)num - 2;
    memcpy(str, s, n);
    str[n] = '\n';
    str[n + 1] = '\0';
    ini->line++;
    ini->indented = n > 0 && is_blank(s[0]);
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    if (i < n && s[i] == '[') {
        ini->section_line = ini->line;
        ini->have_key = false;
    }
    return str;
}

/* Cuts an inline comment (" ;") that inih leaves on continuation lines, and the blanks
 * before it. */
static void cut_comment(char *v)
{
    for (char *p = v; *p; p++) {
        if (*p == ';' && p > v && is_blank(p[-1])) {
            *p = '\0';
            break;
        }
    }
    size_t n = strlen(v);
    while (n > 0 && is_blank(v[n - 1]))
        v[--n] = '\0';
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    examdir_ini *ini = user;
    if (ini->st != BILET_OK)
        return 1;
    ini->continued = ini->indented && ini->have_key;
    ini->have_key = true;
    char v[INI_MAX_LINE];
    snprintf(v, sizeof v, "%s", value ? value : "");
    if (ini->continued)
        cut_comment(v);
    bilet_status st = ini->fn(ini, ini->user, section, name, v, ini->err);
    if (st != BILET_OK) {
        ini->st = st;
        ini->st_line = ini->line;
        return 0;
    }
    return 1;
}

/* Refuses lines inih would cut: the length counts bytes without the line break. */
static bilet_status check_lines(const char *path, const char *text, size_t len, bilet_err *err)
{
    size_t off = 0;
    int line = 1;
    while (off < len) {
        const char *s = text + off;
        const char *nl = memchr(s, '\n', len - off);
        size_t n = nl ? (size_t)(nl - s) : len - off;
        size_t shown = (n > 0 && s[n - 1] == '\r') ? n - 1 : n;
        if (shown > EXAMDIR_INI_LINE_MAX)
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: line is %zu bytes long; bilet reads lines of at most %d "
                              "bytes (about %d Cyrillic letters) — shorten it or split the list",
                              path, line, shown, (int)EXAMDIR_INI_LINE_MAX,
                              (int)EXAMDIR_INI_LINE_MAX / 2);
        off += n + (nl ? 1 : 0);
        line++;
    }
    return BILET_OK;
}

bilet_status examdir_ini_parse(const char *path, examdir_ini_key_fn fn, void *user, bilet_err *err)
{
    char *text;
    size_t len;
    bilet_status st = examdir_text_read(path, EXAMDIR_INI_FILE_MAX, &text, &len, err);
    if (st != BILET_OK)
        return st;
    st = check_lines(path, text, len, err);
    if (st != BILET_OK)
        goto out_free;
    examdir_ini ini = {
        .path = path, .text = text, .len = len, .fn = fn, .user = user, .err = err
    };
    int rc = ini_parse_stream(read_line, &ini, on_key, &ini);
    if (rc > 0 && (ini.st == BILET_OK || rc < ini.st_line)) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s:%d: the line is neither a [section] nor `key = value`", path, rc);
        goto out_free;
    }
    if (ini.st != BILET_OK) {
        st = ini.st;
        goto out_free;
    }
    if (rc < 0)
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
out_free:
    examdir_text_free(text, len);
    return st;
}
