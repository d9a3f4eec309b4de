/*
 * gmodel.c — folding an exam for blind grading (gmodel.h).
 *
 * First pass: the exams row and its students, the scans, then every record of the exam in
 * (kiosk, seq) order — kiosk records through the event vocabulary of kiosk/core/event.h
 * (unknown types skipped, as report.c does), the central's records by their own types.
 * Second pass: the codes of all sources are sorted and made unique, and each source is
 * attached to its sheet. Records were verified when they were stored; here they are only
 * parsed (never re-serialised).
 */
#include "gmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cdb_grading.h"
#include "event.h"

/* A central grading event before it is attached to its sheet. */
typedef struct pending_grade {
    char code[GMODEL_CODE_MAX];
    gmodel_grade g;
} pending_grade;

typedef struct pending_page {
    char code[GMODEL_CODE_MAX];
    gmodel_page p;
} pending_page;

typedef struct kiosk_state {
    char kiosk[RECORD_HEX_LEN + 1];
    bool opened;
    bool closed;
} kiosk_state;

typedef struct loader {
    gmodel *m;
    const char *central_hex;
    const char *text_code;
    pending_grade *grades;
    size_t n_grades, cap_grades;
    pending_page *pages;
    size_t n_pages, cap_pages;
    kiosk_state *kiosks;
    size_t n_kiosks, cap_kiosks;
} loader;

/* Grows *arr (of elem bytes each) to hold one more; false when memory runs out. */
static bool grow(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return true;
    size_t want = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, want * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = want;
    return true;
}

static void grade_free(gmodel_grade *g)
{
    free(g->reason);
    free(g->votes);
    free(g->dissent);
    free(g->extra_questions);
    free(g->appeal);
    memset(g, 0, sizeof *g);
}

void gmodel_free(gmodel *m)
{
    if (!m)
        return;
    json_decref(m->header);
    json_decref(m->tickets);
    free(m->students);
    for (size_t i = 0; i < m->n_attempts; i++)
        free(m->attempts[i].text);
    free(m->attempts);
    for (size_t i = 0; i < m->n_sheets; i++) {
        for (size_t k = 0; k < m->sheets[i].n_grades; k++)
            grade_free(&m->sheets[i].grades[k]);
        free(m->sheets[i].grades);
        free(m->sheets[i].pages);
    }
    free(m->sheets);
    memset(m, 0, sizeof *m);
}

static void copy_value(char *out, size_t cap, const cdb_value *v)
{
    size_t n = v->null ? 0 : v->len;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(out, v->p, n);
    out[n] = '\0';
}

/* ---- the exams row, students, scans ---- */

static bilet_status on_exam_row(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    gmodel *m = ctx;
    if (n < 3)
        return BILET_OK;
    json_error_t jerr;
    m->header = json_loadb(c[0].p, c[0].len, 0, &jerr);
    m->tickets = json_loadb(c[1].p, c[1].len, 0, &jerr);
    if (!json_is_object(m->header) || !json_is_array(m->tickets))
        return bilet_fail(err, BILET_ECORRUPT, "exam %s: the stored header or tickets do not read",
                          m->exam);
    m->added_at = cdb_value_int(&c[2]);
    m->added = true;
    return BILET_OK;
}

static bilet_status on_student_row(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    gmodel *m = ctx;
    size_t cap = m->n_students; /* students arrive in one query: grow one by one */
    if (n < 4)
        return BILET_OK;
    gmodel_student *s = realloc(m->students, (cap + 1) * sizeof *s);
    if (!s)
        return bilet_fail(err, BILET_ENOMEM, "out of memory reading a roster");
    m->students = s;
    gmodel_student *st = &m->students[m->n_students++];
    copy_value(st->record_book, sizeof st->record_book, &c[0]);
    copy_value(st->full_name, sizeof st->full_name, &c[1]);
    copy_value(st->status, sizeof st->status, &c[2]);
    copy_value(st->code, sizeof st->code, &c[3]);
    return BILET_OK;
}

static bilet_status on_scan_row(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    loader *l = ctx;
    if (n < 5)
        return BILET_OK;
    if (!grow((void **)&l->pages, &l->cap_pages, l->n_pages, sizeof *l->pages))
        return bilet_fail(err, BILET_ENOMEM, "out of memory reading scans");
    pending_page *p = &l->pages[l->n_pages++];
    memset(p, 0, sizeof *p);
    p->p.id = cdb_value_int(&c[0]);
    copy_value(p->code, sizeof p->code, &c[1]);
    p->p.page = (int)cdb_value_int(&c[2]);
    p->p.pages = (int)cdb_value_int(&c[3]);
    p->p.hand_entered = cdb_value_int(&c[4]) != 0;
    return BILET_OK;
}

/* ---- records ---- */

static kiosk_state *kiosk_of(loader *l, const char *kiosk)
{
    for (size_t i = l->n_kiosks; i > 0; i--)
        if (strcmp(l->kiosks[i - 1].kiosk, kiosk) == 0)
            return &l->kiosks[i - 1];
    if (!grow((void **)&l->kiosks, &l->cap_kiosks, l->n_kiosks, sizeof *l->kiosks))
        return NULL;
    kiosk_state *k = &l->kiosks[l->n_kiosks++];
    memset(k, 0, sizeof *k);
    snprintf(k->kiosk, sizeof k->kiosk, "%s", kiosk);
    return k;
}

static gmodel_attempt *attempt_of(gmodel *m, const char *kiosk, int attempt)
{
    for (size_t i = m->n_attempts; i > 0; i--) {
        gmodel_attempt *a = &m->attempts[i - 1];
        if (a->attempt == attempt && strcmp(a->kiosk, kiosk) == 0)
            return a;
    }
    return NULL;
}

static bilet_status keep_text(gmodel_attempt *a, const char *text, const char *want, bilet_err *err)
{
    if (!want || !text || strcmp(a->code, want) != 0)
        return BILET_OK;
    char *t = strdup(text);
    if (!t)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for an answer");
    free(a->text);
    a->text = t;
    return BILET_OK;
}

static bilet_status fold_kiosk_event(loader *l, const char *kiosk, const event *ev, bilet_err *err)
{
    gmodel *m = l->m;
    kiosk_state *k = kiosk_of(l, kiosk);
    if (!k)
        return bilet_fail(err, BILET_ENOMEM, "out of memory folding records");
    if (ev->type == EV_SESSION_OPENED) {
        k->opened = true;
        k->closed = false;
        return BILET_OK;
    }
    if (ev->type == EV_SESSION_CLOSED) {
        k->closed = true;
        return BILET_OK;
    }
    if (ev->type == EV_STUDENT_IDENTIFIED) {
        if (!grow((void **)&m->attempts, &m->cap_attempts, m->n_attempts, sizeof *m->attempts))
            return bilet_fail(err, BILET_ENOMEM, "out of memory folding records");
        gmodel_attempt *a = &m->attempts[m->n_attempts++];
        memset(a, 0, sizeof *a);
        snprintf(a->kiosk, sizeof a->kiosk, "%s", kiosk);
        a->attempt = ev->attempt;
        snprintf(a->record_book, sizeof a->record_book, "%s", ev->record_book);
        snprintf(a->full_name, sizeof a->full_name, "%s", ev->full_name);
        snprintf(a->code, sizeof a->code, "%s", ev->code);
        a->started = ev->time;
        return BILET_OK;
    }
    gmodel_attempt *a = ev->attempt ? attempt_of(m, kiosk, ev->attempt) : NULL;
    if (!a)
        return BILET_OK; /* session-level, or a log that starts mid-way */
    switch (ev->type) {
    case EV_TICKET_DRAWN:
        a->ticket = ev->ticket;
        a->second = ev->second;
        break;
    case EV_ANSWER_SUBMITTED:
        a->outcome = GMODEL_SUBMITTED;
        a->typed = true;
        return keep_text(a, ev->text, l->text_code, err);
    case EV_REMOVED:
        a->outcome = GMODEL_REMOVED;
        a->kiosk_grade = ev->grade_given;
        a->typed = ev->chars > 0;
        return keep_text(a, ev->text, l->text_code, err);
    case EV_REFUSED:
        a->outcome = GMODEL_REFUSED;
        a->kiosk_grade = ev->grade_given;
        break;
    case EV_GRADED:
        /* A complex exam grades each discipline: the sheet's grade is the first one's. */
        if (a->outcome != GMODEL_GRADED) {
            a->outcome = GMODEL_GRADED;
            a->kiosk_grade = ev->grade_final;
            snprintf(a->graded_by, sizeof a->graded_by, "%s", ev->by);
            a->graded_time = ev->time;
        }
        break;
    case EV_CORRECTION:
        a->kiosk_grade = ev->grade_given;
        snprintf(a->graded_by, sizeof a->graded_by, "%s", ev->by);
        a->graded_time = ev->time;
        break;
    default:
        break;
    }
    return BILET_OK;
}

static const char *field_str(const record_view *v, const char *key)
{
    const bilet_field *f = bilet_field_find(v->fields, v->n_fields, key);
    return f && f->kind == BILET_FIELD_STR ? f->s : NULL;
}

static bilet_status dup_opt(char **out, const char *s, bilet_err *err)
{
    *out = NULL;
    if (!s)
        return BILET_OK;
    *out = strdup(s);
    return *out ? BILET_OK : bilet_fail(err, BILET_ENOMEM, "out of memory folding grades");
}

static bilet_status fold_central(loader *l, const record_view *v, const char *hash, bilet_err *err)
{
    gmodel *m = l->m;
    bool graded = strcmp(v->type, "sheet_graded") == 0;
    bool corrected = strcmp(v->type, "grade_corrected") == 0;
    if (strcmp(v->type, "grading_locked") == 0) {
        if (!m->locked) {
            m->locked = true;
            m->lock_time = v->time;
            snprintf(m->lock_record, sizeof m->lock_record, "%s", hash);
            snprintf(m->lock_by, sizeof m->lock_by, "%s",
                     field_str(v, "by") ? field_str(v, "by") : "");
            snprintf(m->lock_staff, sizeof m->lock_staff, "%s",
                     field_str(v, "staff") ? field_str(v, "staff") : "");
        }
        return BILET_OK;
    }
    if (!graded && !corrected)
        return BILET_OK;
    const char *code = field_str(v, "code");
    const char *g = field_str(v, "grade");
    if (!code || !g)
        return BILET_OK;
    if (!grow((void **)&l->grades, &l->cap_grades, l->n_grades, sizeof *l->grades))
        return bilet_fail(err, BILET_ENOMEM, "out of memory folding grades");
    pending_grade *p = &l->grades[l->n_grades];
    memset(p, 0, sizeof *p);
    snprintf(p->code, sizeof p->code, "%s", code);
    gmodel_grade *gr = &p->g;
    gr->correction = corrected;
    snprintf(gr->grade, sizeof gr->grade, "%s", g);
    snprintf(gr->was, sizeof gr->was, "%s", field_str(v, "was") ? field_str(v, "was") : "");
    snprintf(gr->by, sizeof gr->by, "%s", field_str(v, "by") ? field_str(v, "by") : "");
    snprintf(gr->staff, sizeof gr->staff, "%s", field_str(v, "staff") ? field_str(v, "staff") : "");
    gr->time = v->time;
    snprintf(gr->record, sizeof gr->record, "%s", hash);
    bilet_status st = dup_opt(&gr->reason, field_str(v, "reason"), err);
    if (st == BILET_OK)
        st = dup_opt(&gr->votes, field_str(v, "votes"), err);
    if (st == BILET_OK)
        st = dup_opt(&gr->dissent, field_str(v, "dissent"), err);
    if (st == BILET_OK)
        st = dup_opt(&gr->extra_questions, field_str(v, "extra_questions"), err);
    if (st == BILET_OK)
        st = dup_opt(&gr->appeal, field_str(v, "appeal"), err);
    if (st != BILET_OK) {
        grade_free(gr);
        return st;
    }
    l->n_grades++;
    m->n_central_grades++;
    return BILET_OK;
}

static bilet_status fold_bytes(loader *l, const char *kiosk, const void *bytes, size_t len,
                               uint64_t seq, bilet_err *err)
{
    record_view v;
    if (record_parse(bytes, len, &v, err) != BILET_OK) {
        bilet_err_prefix(err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)seq,
                         kiosk);
        return BILET_ECORRUPT;
    }
    bilet_status st = BILET_OK;
    if (strcmp(kiosk, l->central_hex) == 0) {
        char hash[RECORD_HEX_LEN + 1];
        record_hash_hex(bytes, len, hash);
        st = fold_central(l, &v, hash, err);
    } else {
        l->m->any_records = true;
        if (event_type_parse(v.type) != EV_NONE) {
            event ev;
            st = event_from_fields(v.type, v.time, v.fields, v.n_fields, &ev, err);
            if (st == BILET_OK)
                st = fold_kiosk_event(l, kiosk, &ev, err);
            else {
                bilet_err_prefix(
                    err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)seq, kiosk);
                st = BILET_ECORRUPT;
            }
        }
    }
    record_view_free(&v);
    return st;
}

static bilet_status on_record(const cdb_record *r, void *ctx, bilet_err *err)
{
    return fold_bytes(ctx, r->kiosk, r->bytes, r->len, r->seq, err);
}

static bilet_status on_record_row(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    char kiosk[RECORD_HEX_LEN + 1];
    if (n < 3)
        return BILET_OK;
    copy_value(kiosk, sizeof kiosk, &c[0]);
    return fold_bytes(ctx, kiosk, c[2].p, c[2].len, (uint64_t)cdb_value_int(&c[1]), err);
}

/* ---- sheets ---- */

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_sheet(const void *key, const void *s)
{
    return strcmp(key, ((const gmodel_sheet *)s)->code);
}

gmodel_sheet *gmodel_sheet_of(const gmodel *m, const char *code)
{
    if (!m->n_sheets)
        return NULL;
    return bsearch(code, m->sheets, m->n_sheets, sizeof *m->sheets, cmp_sheet);
}

static bool admitted(const gmodel_student *s)
{
    return strcmp(s->status, "admitted") == 0;
}

static bilet_status build_sheets(loader *l, bilet_err *err)
{
    gmodel *m = l->m;
    size_t total = m->n_students + m->n_attempts + l->n_pages + l->n_grades;
    const char **codes = malloc((total ? total : 1) * sizeof *codes);
    if (!codes)
        return bilet_fail(err, BILET_ENOMEM, "out of memory listing codes");
    size_t n = 0;
    for (size_t i = 0; i < m->n_students; i++)
        if (admitted(&m->students[i]) && m->students[i].code[0])
            codes[n++] = m->students[i].code;
    for (size_t i = 0; i < m->n_attempts; i++)
        if (m->attempts[i].code[0])
            codes[n++] = m->attempts[i].code;
    for (size_t i = 0; i < l->n_pages; i++)
        codes[n++] = l->pages[i].code;
    for (size_t i = 0; i < l->n_grades; i++)
        codes[n++] = l->grades[i].code;
    qsort(codes, n, sizeof *codes, cmp_code);
    size_t unique = 0;
    for (size_t i = 0; i < n; i++)
        if (unique == 0 || strcmp(codes[unique - 1], codes[i]) != 0)
            codes[unique++] = codes[i];
    m->sheets = calloc(unique ? unique : 1, sizeof *m->sheets);
    if (!m->sheets) {
        free(codes);
        return bilet_fail(err, BILET_ENOMEM, "out of memory listing codes");
    }
    for (size_t i = 0; i < unique; i++) {
        snprintf(m->sheets[i].code, sizeof m->sheets[i].code, "%s", codes[i]);
        m->sheets[i].student = -1;
        m->sheets[i].attempt = -1;
    }
    m->n_sheets = unique;
    free(codes);

    for (size_t i = 0; i < m->n_students; i++) {
        gmodel_sheet *s =
            admitted(&m->students[i]) ? gmodel_sheet_of(m, m->students[i].code) : NULL;
        if (s)
            s->student = (long)i;
    }
    for (size_t i = 0; i < m->n_attempts; i++) {
        gmodel_sheet *s = gmodel_sheet_of(m, m->attempts[i].code);
        if (s)
            s->attempt = (long)i;
    }
    for (size_t i = 0; i < l->n_pages; i++) {
        gmodel_sheet *s = gmodel_sheet_of(m, l->pages[i].code);
        if (!grow((void **)&s->pages, &s->cap_pages, s->n_pages, sizeof *s->pages))
            return bilet_fail(err, BILET_ENOMEM, "out of memory listing pages");
        s->pages[s->n_pages++] = l->pages[i].p;
    }
    for (size_t i = 0; i < l->n_grades; i++) {
        gmodel_sheet *s = gmodel_sheet_of(m, l->grades[i].code);
        if (!grow((void **)&s->grades, &s->cap_grades, s->n_grades, sizeof *s->grades))
            return bilet_fail(err, BILET_ENOMEM, "out of memory listing grades");
        s->grades[s->n_grades++] = l->grades[i].g; /* the strings move to the sheet */
        memset(&l->grades[i].g, 0, sizeof l->grades[i].g);
    }
    return BILET_OK;
}

bilet_status gmodel_load(cdb *db, const char *central_hex, const char *exam_id,
                         const char *text_code, bool in_tx, gmodel *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (strlen(exam_id) >= sizeof out->exam)
        return BILET_OK; /* no exam id is this long: an empty model */
    snprintf(out->exam, sizeof out->exam, "%s", exam_id);
    loader l = { 0 };
    l.m = out;
    l.central_hex = central_hex;
    l.text_code = text_code;
    cdb_param id = cdb_text(exam_id);
    bilet_status st = cdb_query(db, "SELECT header, tickets, added_at FROM exams WHERE id = $1",
                                &id, 1, on_exam_row, out, err);
    if (st == BILET_OK)
        st = cdb_query(db,
                       "SELECT record_book, full_name, status, code FROM exam_students"
                       " WHERE exam = $1 ORDER BY n",
                       &id, 1, on_student_row, out, err);
    if (st == BILET_OK)
        st = cdb_query(db,
                       "SELECT id, code, page, pages, hand_entered FROM scans WHERE exam = $1"
                       " ORDER BY id",
                       &id, 1, on_scan_row, &l, err);
    if (st == BILET_OK && in_tx)
        st = cdb_query(db,
                       "SELECT k.public_key, r.seq, r.bytes FROM records r"
                       " JOIN kiosks k ON k.id = r.kiosk WHERE r.exam = $1"
                       " ORDER BY r.kiosk, r.seq",
                       &id, 1, on_record_row, &l, err);
    else if (st == BILET_OK)
        st = cdb_exam_records(db, exam_id, on_record, &l, err);
    if (st == BILET_OK)
        st = build_sheets(&l, err);
    for (size_t i = 0; i < l.n_kiosks; i++) {
        out->kiosks_opened += l.kiosks[i].opened;
        out->kiosks_closed += l.kiosks[i].opened && l.kiosks[i].closed;
    }
    for (size_t i = 0; i < l.n_grades; i++)
        grade_free(&l.grades[i].g);
    free(l.grades);
    free(l.pages);
    free(l.kiosks);
    if (st != BILET_OK)
        gmodel_free(out);
    return st;
}

bool gmodel_known(const gmodel *m)
{
    return m->added || m->any_records || m->n_sheets > 0 || m->n_central_grades > 0;
}

const gmodel_grade *gmodel_last_grade(const gmodel_sheet *s)
{
    return s->n_grades ? &s->grades[s->n_grades - 1] : NULL;
}

grade gmodel_sheet_grade(const gmodel *m, const gmodel_sheet *s)
{
    const gmodel_grade *g = gmodel_last_grade(s);
    grade out = GRADE_NONE;
    if (g && grade_parse(g->grade, &out, NULL) == BILET_OK)
        return out;
    if (s->attempt >= 0)
        return m->attempts[s->attempt].kiosk_grade;
    return GRADE_NONE;
}

bool gmodel_sheet_has_work(const gmodel *m, const gmodel_sheet *s)
{
    return s->n_pages > 0 || (s->attempt >= 0 && m->attempts[s->attempt].typed);
}

const char *gmodel_state(const gmodel *m)
{
    if (m->locked)
        return "locked";
    if (m->kiosks_opened > m->kiosks_closed)
        return "in_progress";
    if (m->n_central_grades > 0)
        return "grading";
    if (m->kiosks_opened > 0)
        return "closed";
    return "not_started";
}

const char *gmodel_header_str(const gmodel *m, const char *key)
{
    const char *s = m->header ? json_string_value(json_object_get(m->header, key)) : NULL;
    return s ? s : "";
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), and back. */
static long days_from_civil(long y, unsigned mo, unsigned d)
{
    y -= mo <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *mo, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *mo = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*mo <= 2);
}

bool gmodel_deadline(const gmodel *m, char out[11])
{
    const char *date = gmodel_header_str(m, "date");
    int y = 0, mo = 0, d = 0;
    out[0] = '\0';
    if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &d) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    json_int_t days = json_integer_value(json_object_get(m->header, "grading_deadline_days"));
    bool working = json_is_true(json_object_get(m->header, "grading_deadline_working"));
    long z = days_from_civil(y, (unsigned)mo, (unsigned)d);
    for (json_int_t left = days; left > 0;) {
        z++;
        long wd = (z % 7 + 7 + 4) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
        if (!working || (wd != 0 && wd != 6))
            left--;
    }
    long yy = 0;
    unsigned mm = 0, dd = 0;
    civil_from_days(z, &yy, &mm, &dd);
    if (yy < 1 || yy > 9999)
        return false;
    char buf[32];
    snprintf(buf, sizeof buf, "%04ld-%02u-%02u", yy, mm, dd);
    memcpy(out, buf, 11);
    out[10] = '\0';
    return true;
}

json_t *gmodel_ticket_questions(const gmodel *m, int n)
{
    size_t i;
    json_t *t;
    json_array_foreach(m->tickets, i, t)
    {
        if (json_integer_value(json_object_get(t, "ticket")) == n) {
            json_t *q = json_object_get(t, "questions");
            return json_is_array(q) ? json_incref(q) : json_array();
        }
    }
    return json_array();
}
