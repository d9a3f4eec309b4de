/*
 * report.c — an exam's results from the stored records (see report.h). The columns and
 * their values are those of `bilet results`, so a clerk gets the same table from a kiosk
 * and from the central store; the attempt id (the kiosk key's first 8 hex digits, a dash,
 * the attempt number) keeps rows of different kiosks apart.
 */
#include "report.h"

#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "record.h"
#include "results.h"

enum { VAL_MAX = RESULTS_VALUE_MAX, OUT_CAP = 512 * 1024 * 1024 };

/* A growing output buffer with a cap. */
typedef struct out_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
} out_buf;

static void put(out_buf *o, const void *s, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1 && cap < OUT_CAP)
            cap *= 2;
        char *d = cap >= o->len + n + 1 ? realloc(o->data, cap) : NULL;
        if (!d) {
            o->failed = true;
            return;
        }
        o->data = d;
        o->cap = cap;
    }
    memcpy(o->data + o->len, s, n);
    o->len += n;
    o->data[o->len] = '\0';
}

/* One field, quoted by libcsv's writer. */
static void put_csv_field(out_buf *o, const char *s)
{
    size_t n = strlen(s);
    size_t need = csv_write2(NULL, 0, s, n, '"');
    char stack[2 * VAL_MAX + 4];
    char *tmp = need <= sizeof stack ? stack : malloc(need);
    if (!tmp) {
        o->failed = true;
        return;
    }
    csv_write2(tmp, need, s, n, '"');
    put(o, tmp, need);
    if (tmp != stack)
        free(tmp);
}

typedef struct fold {
    report_format fmt;
    char kiosk[RECORD_HEX_LEN + 1];
    results table;
    out_buf out;
    json_t *rows;
    bool any;
    char vals[RESULTS_COLUMNS][VAL_MAX];
} fold;

/* Writes the finished kiosk's rows and starts a new table. */
static bilet_status flush_kiosk(fold *f, bilet_err *err)
{
    for (size_t i = 0; i < f->table.n; i++) {
        results_row_values(&f->table.rows[i], f->kiosk, record_time_text, f->vals);
        if (f->fmt == REPORT_CSV) {
            for (size_t c = 0; c < RESULTS_COLUMNS; c++) {
                if (c)
                    put(&f->out, ";", 1);
                put_csv_field(&f->out, f->vals[c]);
            }
            put(&f->out, "\r\n", 2);
            continue;
        }
        json_t *o = json_object();
        for (size_t c = 0; o && c < RESULTS_COLUMNS; c++) {
            json_t *v = results_column_numeric(c) ? json_integer(strtoll(f->vals[c], NULL, 10))
                                                  : json_string(f->vals[c]);
            if (!v || json_object_set_new(o, results_columns[c], v) != 0) {
                json_decref(o);
                o = NULL;
            }
        }
        if (!o || json_array_append_new(f->rows, o) != 0)
            f->out.failed = true;
    }
    results_free(&f->table);
    results_init(&f->table);
    return f->out.failed ? bilet_fail(err, BILET_ENOMEM, "out of memory for the results")
                         : BILET_OK;
}

static bilet_status fold_record(const cdb_record *r, void *ctx, bilet_err *err)
{
    fold *f = ctx;
    record_view v;
    bilet_status st = BILET_OK;
    if (f->any && strcmp(f->kiosk, r->kiosk) != 0)
        st = flush_kiosk(f, err);
    if (st != BILET_OK)
        return st;
    snprintf(f->kiosk, sizeof f->kiosk, "%s", r->kiosk);
    f->any = true;
    if (record_parse(r->bytes, r->len, &v, err) != BILET_OK) {
        bilet_err_prefix(err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)r->seq,
                         r->kiosk);
        return BILET_ECORRUPT;
    }
    if (event_type_parse(v.type) != EV_NONE) {
        event ev;
        st = event_from_fields(v.type, v.time, v.fields, v.n_fields, &ev, err);
        if (st == BILET_OK)
            st = results_add(&f->table, v.exam, &ev, err);
        else
            bilet_err_prefix(
                err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)r->seq, r->kiosk);
    }
    record_view_free(&v);
    return st;
}

bilet_status report_exam(cdb *db, const char *exam_id, report_format fmt, char **out,
                         size_t *out_len, bilet_err *err)
{
    fold *f = calloc(1, sizeof *f);
    bilet_status st = BILET_OK;
    *out = NULL;
    *out_len = 0;
    if (!f)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the results");
    f->fmt = fmt;
    results_init(&f->table);
    if (fmt == REPORT_CSV) {
        put(&f->out, "\xEF\xBB\xBF", 3);
        for (size_t c = 0; c < RESULTS_COLUMNS; c++) {
            if (c)
                put(&f->out, ";", 1);
            put_csv_field(&f->out, results_columns[c]);
        }
        put(&f->out, "\r\n", 2);
    } else if (!(f->rows = json_array())) {
        f->out.failed = true;
    }
    st = cdb_exam_records(db, exam_id, fold_record, f, err);
    if (st == BILET_OK)
        st = flush_kiosk(f, err);
    if (st == BILET_OK && fmt == REPORT_JSON) {
        char *text = json_dumps(f->rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (text)
            put(&f->out, text, strlen(text));
        else
            f->out.failed = true;
        free(text);
    }
    if (st == BILET_OK && f->out.failed)
        st = bilet_fail(err, BILET_ENOMEM, "out of memory for the results");
    if (st == BILET_OK) {
        *out = f->out.data;
        *out_len = f->out.len;
        f->out.data = NULL;
    }
    free(f->out.data);
    json_decref(f->rows);
    results_free(&f->table);
    free(f);
    return st;
}
