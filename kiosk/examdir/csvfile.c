/*
 * csvfile.c — reads roster.csv and tickets.csv with libcsv, keeping the physical line on
 * which each row starts so that every message can point a teacher at the right row.
 *
 * The separator is ';' when the header line holds a ';' outside quotes (Russian Excel),
 * else ','. libcsv runs in strict mode: an unclosed quote, or text after a closing quote,
 * is an error naming the line where the quoted field began. Bytes are fed one at a time,
 * which is what lets the reader know the line where each field starts; files are small
 * (a roster of a few thousand rows), so this costs nothing that matters. Rows whose
 * fields are all empty (a spreadsheet's ";;;;" lines) are skipped like empty lines.
 */
#include "examdir_int.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "examdir.h"
#include "text.h"

enum {
    CSV_FIELDS_MAX = 64, /* fields in one row */
};

typedef struct csv_ctx {
    const char *path;
    examdir_csv *out;
    size_t max_rows;
    size_t max_field;
    size_t rows_cap;
    char **fields; /* the row being built */
    size_t n;
    int row_line;       /* line where the row's first field starts */
    int field_line;     /* line where the current field starts */
    bool field_pending; /* the next non-blank byte starts a field */
    int line;           /* line of the byte being fed */
    bilet_status st;
    bilet_err *err;
} csv_ctx;

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

static void free_fields(char **f, size_t n, bool wipe_them)
{
    if (!f)
        return;
    for (size_t i = 0; i < n; i++) {
        if (f[i] && wipe_them)
            wipe(f[i], strlen(f[i]));
        free(f[i]);
    }
    free(f);
}

void examdir_csv_free(examdir_csv *t, bool wipe_them)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows; i++)
        free_fields(t->row[i].field, t->row[i].n, wipe_them);
    free(t->row);
    memset(t, 0, sizeof *t);
}

/* The header's name for field i of a data row, for messages. */
static const char *column_name(const csv_ctx *c, size_t i, char *buf, size_t cap)
{
    if (c->out->n_rows > 0 && i < c->out->row[0].n && c->out->row[0].field[i][0])
        return c->out->row[0].field[i];
    snprintf(buf, cap, "%zu", i + 1);
    return buf;
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A trimmed copy with "\r\n" inside (a quoted field typed on Windows) made "\n". */
static char *field_copy(const char *s, size_t len)
{
    while (len > 0 && is_blank((unsigned char)s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_blank((unsigned char)s[len - 1]))
        len--;
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        d[j++] = s[i];
    }
    d[j] = '\0';
    return d;
}

static void on_field(void *s, size_t len, void *data)
{
    csv_ctx *c = data;
    c->field_pending = true;
    if (c->st != BILET_OK)
        return;
    char nb[24];
    if (len > c->max_field) {
        c->st =
            bilet_fail(c->err, BILET_ETOOBIG, "%s:%d: field %s: %zu bytes; at most %zu", c->path,
                       c->field_line, column_name(c, c->n, nb, sizeof nb), len, c->max_field);
        return;
    }
    if (c->n >= CSV_FIELDS_MAX) {
        c->st = bilet_fail(c->err, BILET_EPARSE, "%s:%d: more than %d fields in one row", c->path,
                           c->row_line, (int)CSV_FIELDS_MAX);
        return;
    }
    if (!c->fields) {
        c->fields = calloc(CSV_FIELDS_MAX, sizeof *c->fields);
        if (!c->fields) {
            c->st = bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
            return;
        }
    }
    char *f = field_copy(s ? s : "", s ? len : 0);
    if (!f) {
        c->st = bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
        return;
    }
    c->fields[c->n++] = f;
}

static void on_row(int term, void *data)
{
    (void)term;
    csv_ctx *c = data;
    c->field_pending = true;
    if (c->st != BILET_OK)
        return;
    bool empty = true;
    for (size_t i = 0; i < c->n && empty; i++)
        empty = c->fields[i][0] == '\0';
    if (empty) {
        free_fields(c->fields, c->n, true);
        c->fields = NULL;
        c->n = 0;
        return;
    }
    examdir_csv *t = c->out;
    if (t->n_rows > c->max_rows) { /* row 0 is the header */
        c->st =
            bilet_fail(c->err, BILET_ETOOBIG, "%s:%d: more than %zu rows; bilet reads at most %zu",
                       c->path, c->row_line, c->max_rows, c->max_rows);
        return;
    }
    if (t->n_rows == c->rows_cap) {
        size_t ncap = c->rows_cap ? c->rows_cap * 2 : 64;
        examdir_csv_row *nr = realloc(t->row, ncap * sizeof *nr);
        if (!nr) {
            c->st = bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
            return;
        }
        t->row = nr;
        c->rows_cap = ncap;
    }
    t->row[t->n_rows].line = c->row_line;
    t->row[t->n_rows].n = c->n;
    t->row[t->n_rows].field = c->fields;
    t->n_rows++;
    c->fields = NULL;
    c->n = 0;
}

/* Counts the first row's fields with ';' as the separator: more than one means the header
 * holds a ';' outside quotes. */
typedef struct sep_probe {
    size_t fields;
    bool done;
} sep_probe;

static void probe_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    sep_probe *p = data;
    if (!p->done)
        p->fields++;
}

static void probe_row(int term, void *data)
{
    (void)term;
    ((sep_probe *)data)->done = true;
}

static char detect_separator(const char *text, size_t len)
{
    struct csv_parser p;
    if (csv_init(&p, 0) != 0)
        return ',';
    csv_set_delim(&p, ';');
    sep_probe probe = { 0, false };
    for (size_t i = 0; i < len && !probe.done; i++)
        if (csv_parse(&p, text + i, 1, probe_field, probe_row, &probe) != 1)
            break;
    if (!probe.done)
        csv_fini(&p, probe_field, probe_row, &probe);
    csv_free(&p);
    return probe.fields > 1 ? ';' : ',';
}

static bilet_status parse(csv_ctx *c, const char *text, size_t len)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
    csv_set_delim(&p, (unsigned char)c->out->sep);
    c->line = 1;
    c->field_pending = true;
    char nb[24];
    for (size_t i = 0; i < len && c->st == BILET_OK; i++) {
        unsigned char b = (unsigned char)text[i];
        if (c->field_pending && !is_blank(b)) {
            c->field_line = c->line;
            if (c->n == 0)
                c->row_line = c->line;
            c->field_pending = false;
        }
        if (csv_parse(&p, text + i, 1, on_field, on_row, c) != 1) {
            if (csv_error(&p) == CSV_EPARSE) {
                if (c->field_line != c->line)
                    c->st = bilet_fail(c->err, BILET_EPARSE,
                                       "%s:%d: field %s: the quote opened here closes on line "
                                       "%d and text follows it; is a closing quote missing? "
                                       "(inside quotes write a quote as \"\")",
                                       c->path, c->field_line, column_name(c, c->n, nb, sizeof nb),
                                       c->line);
                else
                    c->st = bilet_fail(c->err, BILET_EPARSE,
                                       "%s:%d: field %s: text follows a closing quote (inside "
                                       "quotes write a quote as \"\")",
                                       c->path, c->line, column_name(c, c->n, nb, sizeof nb));
            } else {
                c->st = bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
            }
        }
        if (b == '\n')
            c->line++;
    }
    if (c->st == BILET_OK && csv_fini(&p, on_field, on_row, c) != 0 && c->st == BILET_OK) {
        if (csv_error(&p) == CSV_EPARSE)
            c->st = bilet_fail(c->err, BILET_EPARSE,
                               "%s:%d: field %s: a quote opens here and is never closed", c->path,
                               c->field_line, column_name(c, c->n, nb, sizeof nb));
        else
            c->st = bilet_fail(c->err, BILET_ENOMEM, "%s: out of memory", c->path);
    }
    csv_free(&p);
    return c->st;
}

bilet_status examdir_csv_read(const char *path, size_t max_rows, size_t max_field, examdir_csv *out,
                              bilet_err *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    bilet_status st = examdir_text_read(path, EXAMDIR_CSV_FILE_MAX, &text, &len, err);
    if (st != BILET_OK)
        return st;
    out->sep = detect_separator(text, len);
    csv_ctx c = {
        .path = path, .out = out, .max_rows = max_rows, .max_field = max_field, .err = err
    };
    st = parse(&c, text, len);
    free_fields(c.fields, c.n, true);
    examdir_text_free(text, len);
    if (st != BILET_OK)
        examdir_csv_free(out, true);
    return st;
}

const char *examdir_csv_field(const examdir_csv_row *r, int index)
{
    if (index < 0 || (size_t)index >= r->n)
        return "";
    return r->field[index];
}

bilet_status examdir_csv_columns(const char *path, const examdir_csv *t, const examdir_column *cols,
                                 size_t ncols, int *index, bilet_err *err)
{
    char known[256];
    size_t kl = 0;
    known[0] = '\0';
    for (size_t i = 0; i < ncols && kl < sizeof known; i++) {
        int n = snprintf(known + kl, sizeof known - kl, "%s%s", i ? ", " : "", cols[i].name);
        if (n > 0)
            kl += (size_t)n;
    }
    if (t->n_rows == 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s: the file is empty; its first line must be the header (%s)", path,
                          known);
    for (size_t i = 0; i < ncols; i++)
        index[i] = -1;
    const examdir_csv_row *h = &t->row[0];
    for (size_t f = 0; f < h->n; f++) {
        if (h->field[f][0] == '\0')
            continue;
        size_t i = 0;
        while (i < ncols && !text_equal_fold(h->field[f], cols[i].name))
            i++;
        if (i == ncols)
            return bilet_fail(err, BILET_EPARSE, "%s:%d: column \"%s\" is unknown (columns: %s)",
                              path, h->line, h->field[f], known);
        if (index[i] >= 0)
            return bilet_fail(err, BILET_EPARSE, "%s:%d: column %s appears twice", path, h->line,
                              cols[i].name);
        index[i] = (int)f;
    }
    for (size_t i = 0; i < ncols; i++) {
        if (!cols[i].required || index[i] >= 0)
            continue;
        char need[256];
        size_t nl = 0;
        need[0] = '\0';
        for (size_t j = 0; j < ncols && nl < sizeof need; j++) {
            if (!cols[j].required)
                continue;
            int n = snprintf(need + nl, sizeof need - nl, "%s%s", nl ? ", " : "", cols[j].name);
            if (n > 0)
                nl += (size_t)n;
        }
        return bilet_fail(err, BILET_EPARSE, "%s:%d: column %s is missing (required: %s)", path,
                          h->line, cols[i].name, need);
    }
    return BILET_OK;
}

bilet_status examdir_csv_check_extra(const char *path, const examdir_csv *t,
                                     const examdir_csv_row *r, bilet_err *err)
{
    const examdir_csv_row *h = &t->row[0];
    for (size_t f = 0; f < r->n; f++) {
        bool named = f < h->n && h->field[f][0] != '\0';
        if (!named && r->field[f][0] != '\0')
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field %zu has a value but its column has no name in the "
                              "header",
                              path, r->line, f + 1);
    }
    return BILET_OK;
}
