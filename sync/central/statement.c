/*
 * statement.c — the unmasked statement of a locked exam (statement.h, docs/grading.md).
 */
#include "statement.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gmodel.h"
#include "grade.h"

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *parsed_or(const char *text, json_t *fallback)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    if (v) {
        json_decref(fallback);
        return v;
    }
    return fallback;
}

static json_t *exam_json(const gmodel *m)
{
    static const char *const keys[] = {
        "id",   "institution", "discipline", "form",        "mode",    "group",  "date", "start",
        "room", "examiners",   "commission", "disciplines", "attempt", "policy", "code",
    };
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof keys / sizeof keys[0]; i++) {
        json_t *v = json_object_get(m->header, keys[i]);
        json_object_set(o, keys[i], v ? v : json_null());
    }
    return o;
}

/* The row of roster student i. */
static json_t *row_json(const gmodel *m, size_t i)
{
    const gmodel_student *st = &m->students[i];
    const gmodel_sheet *s = gmodel_sheet_of(m, st->code);
    const gmodel_attempt *a = NULL;
    if (s && s->attempt >= 0)
        a = &m->attempts[s->attempt];
    bool oral = strcmp(gmodel_header_str(m, "mode"), "oral") == 0;
    const gmodel_grade *last = s && !oral ? gmodel_last_grade(s) : NULL;

    grade g = GRADE_NONE;
    const char *by = NULL;
    int64_t when = 0;
    if (strcmp(st->status, "admitted") != 0) {
        g = GRADE_NOT_ADMITTED;
    } else if (last && grade_parse(last->grade, &g, NULL) == BILET_OK) {
        by = last->by;
        when = last->time;
    } else if (a && a->kiosk_grade != GRADE_NONE) {
        g = a->kiosk_grade;
        by = a->graded_by;
        when = a->graded_time;
    } else if (!a && !(s && gmodel_sheet_has_work(m, s))) {
        g = GRADE_ABSENT;
    }

    json_t *votes = json_array();
    json_t *extra = json_array();
    const char *dissent = NULL;
    json_t *corrections = json_array();
    for (size_t k = 0; s && !oral && k < s->n_grades; k++) {
        const gmodel_grade *e = &s->grades[k];
        if (e->votes)
            votes = parsed_or(e->votes, votes);
        if (e->extra_questions)
            extra = parsed_or(e->extra_questions, extra);
        if (e->dissent)
            dissent = e->dissent;
        if (!e->correction)
            continue;
        json_t *c = json_object();
        json_object_set_new(c, "grade", json_string(e->grade));
        json_object_set_new(c, "was", str_or_null(e->was));
        json_object_set_new(c, "by", json_string(e->by));
        json_object_set_new(c, "reason", str_or_null(e->reason));
        json_object_set_new(c, "appeal", parsed_or(e->appeal, json_null()));
        json_object_set_new(c, "time", json_integer(e->time));
        json_array_append_new(corrections, c);
    }

    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer((json_int_t)i + 1));
    json_object_set_new(o, "full_name", json_string(st->full_name));
    json_object_set_new(o, "record_book", json_string(st->record_book));
    json_object_set_new(o, "status", json_string(st->status));
    json_object_set_new(o, "code", json_string(st->code));
    json_object_set_new(o, "ticket", a && a->ticket ? json_integer(a->ticket) : json_null());
    json_object_set_new(o, "questions",
                        a && a->ticket ? gmodel_ticket_questions(m, a->ticket) : json_array());
    json_object_set_new(o, "second_ticket", json_boolean(a && a->second));
    json_object_set_new(o, "grade", g != GRADE_NONE ? json_string(grade_token(g)) : json_null());
    json_object_set_new(o, "grade_word",
                        g != GRADE_NONE ? json_string(grade_word(g)) : json_null());
    json_object_set_new(o, "graded_by", str_or_null(by));
    json_object_set_new(o, "votes", votes);
    json_object_set_new(o, "dissent", str_or_null(dissent));
    json_object_set_new(o, "extra_questions", extra);
    json_object_set_new(o, "time", when ? json_integer(when) : json_null());
    char attempt_id[32];
    if (a)
        snprintf(attempt_id, sizeof attempt_id, "%.8s-%d", a->kiosk, a->attempt);
    json_object_set_new(o, "attempt_id", a ? json_string(attempt_id) : json_null());
    json_object_set_new(o, "pages", json_integer(s ? (json_int_t)s->n_pages : 0));
    json_object_set_new(o, "typed", json_boolean(a && a->typed));
    json_object_set_new(o, "corrections", corrections);
    return o;
}

void statement_handle(const api_ctx *ctx, cdb *db, const api_request *req, const char *exam_id,
                      api_response *resp)
{
    static const char *const registrar[] = { "registrar", NULL };
    api_staff who;
    gmodel m;
    bilet_err err = { { 0 } };
    if (!api_authorise(db, req, registrar, &who, resp))
        return;
    bilet_status st = gmodel_load(db, ctx->central_hex, exam_id, NULL, false, &m, &err);
    if (st != BILET_OK) {
        api_error(resp, st == BILET_ECORRUPT ? 500 : 503, err.msg);
        return;
    }
    if (!gmodel_known(&m) || !m.added) {
        char msg[BILET_ERR_MAX];
        snprintf(msg, sizeof msg,
                 gmodel_known(&m) ? "exam %s has not been added (bilet-central --add-exam)"
                                  : "no such exam: %s",
                 exam_id);
        gmodel_free(&m);
        api_error(resp, 404, msg);
        return;
    }
    if (!m.locked) {
        gmodel_free(&m);
        api_error(resp, 409, "grading is not locked");
        return;
    }
    char what[EXAM_ID_MAX + 32];
    snprintf(what, sizeof what, "statement %s", exam_id);
    st = cdb_staff_read_log(db, who.name, what, (int64_t)time(NULL), &err);
    if (st != BILET_OK) {
        gmodel_free(&m);
        api_error(resp, 503, err.msg);
        return;
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "exam", exam_json(&m));
    json_t *locked = json_object();
    json_object_set_new(locked, "time", json_integer(m.lock_time));
    json_object_set_new(locked, "by", json_string(m.lock_by));
    json_object_set_new(locked, "staff", json_string(m.lock_staff));
    json_object_set_new(locked, "record", json_string(m.lock_record));
    json_object_set_new(doc, "locked", locked);
    json_t *rows = json_array();
    for (size_t i = 0; rows && i < m.n_students; i++)
        json_array_append_new(rows, row_json(&m, i));
    json_object_set_new(doc, "rows", rows);
    gmodel_free(&m);
    api_answer_json(resp, 200, doc);
}
