/*
 * statement_json.c — reads the unmasked statement of GET /api/v1/exams/{id}/statement
 * (docs/grading.md, docs/documents.md) into a documents_statement, checking every field the
 * documents print. Fields the documents do not use are passed over, so the central may add
 * some. Strings point into the parsed JSON, which the statement keeps until it is freed.
 *
 * Every refusal is one line: the source, the field's path (exam.form, rows[3].grade) and
 * what is wrong with it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents.h"

typedef struct storage {
    json_t *root;
    documents_row *rows;
} storage;

typedef struct reader {
    const char *source;
    bilet_err *err;
} reader;

static bilet_status bad(const reader *r, const char *path, const char *what)
{
    return bilet_fail(r->err, BILET_EPARSE, "%s: %s: %s", r->source, path, what);
}

/* A string member; "" when absent or null and optional. */
static bilet_status get_string(const reader *r, json_t *obj, const char *key, const char *path,
                               bool required, size_t max, const char **out)
{
    char p[160];
    snprintf(p, sizeof p, "%.100s%s%.40s", path, path[0] ? "." : "", key);
    json_t *v = json_object_get(obj, key);
    *out = "";
    if (!v || json_is_null(v)) {
        if (required)
            return bad(r, p, "missing");
        return BILET_OK;
    }
    if (!json_is_string(v))
        return bad(r, p, "not a string");
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return bad(r, p, "holds a NUL byte");
    if (required && !s[0])
        return bad(r, p, "empty");
    if (max && strlen(s) >= max) {
        char what[96];
        snprintf(what, sizeof what, "longer than %zu bytes", max - 1);
        return bad(r, p, what);
    }
    *out = s;
    return BILET_OK;
}

/* A string member copied into a fixed field of the exam header. */
static bilet_status copy_string(const reader *r, json_t *obj, const char *key, bool required,
                                char *dst, size_t cap)
{
    const char *s;
    bilet_status st = get_string(r, obj, key, "exam", required, cap, &s);
    if (st == BILET_OK)
        snprintf(dst, cap, "%s", s);
    return st;
}

static bilet_status copy_list(const reader *r, json_t *obj, const char *key, exam_list *out)
{
    char p[64];
    snprintf(p, sizeof p, "exam.%s", key);
    json_t *v = json_object_get(obj, key);
    out->n = 0;
    if (!v || json_is_null(v))
        return BILET_OK;
    if (!json_is_array(v))
        return bad(r, p, "not an array of names");
    if (json_array_size(v) > EXAM_LIST_MAX) {
        char what[64];
        snprintf(what, sizeof what, "more than %d names", (int)EXAM_LIST_MAX);
        return bad(r, p, what);
    }
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        char pi[96];
        snprintf(pi, sizeof pi, "%.120s[%zu]", p, i);
        if (!json_is_string(e) || !json_string_value(e)[0])
            return bad(r, pi, "not a name");
        if (json_string_length(e) >= EXAM_TEXT_MAX)
            return bad(r, pi, "too long");
        snprintf(out->item[out->n++], EXAM_TEXT_MAX, "%s", json_string_value(e));
    }
    return BILET_OK;
}

static bilet_status get_int(const reader *r, json_t *obj, const char *key, const char *path,
                            long long lo, long long hi, bool nullable, long long *out)
{
    char p[160];
    snprintf(p, sizeof p, "%.100s%s%.40s", path, path[0] ? "." : "", key);
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v || json_is_null(v)) {
        if (nullable)
            return BILET_OK;
        return bad(r, p, "missing");
    }
    if (!json_is_integer(v))
        return bad(r, p, "not an integer");
    long long x = json_integer_value(v);
    if (x < lo || x > hi) {
        char what[96];
        snprintf(what, sizeof what, "%lld is outside %lld..%lld", x, lo, hi);
        return bad(r, p, what);
    }
    *out = x;
    return BILET_OK;
}

static bilet_status parse_form(const reader *r, const char *s, exam_form *out)
{
    static const struct {
        const char *name;
        exam_form form;
    } forms[] = {
        { "exam", EXAM_FORM_EXAM },
        { "zachet", EXAM_FORM_ZACHET },
        { "diff_zachet", EXAM_FORM_DIFF_ZACHET },
        { "complex", EXAM_FORM_COMPLEX },
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(s, forms[i].name) == 0) {
            *out = forms[i].form;
            return BILET_OK;
        }
    char what[128];
    snprintf(what, sizeof what, "\"%.40s\" is not exam, zachet, diff_zachet or complex", s);
    return bad(r, "exam.form", what);
}

static bilet_status parse_exam(const reader *r, json_t *e, exam_info *in)
{
    if (!json_is_object(e))
        return bad(r, "exam", "missing or not an object");
    const char *form = "", *mode = "";
    long long attempt = 0;
    bilet_status st = copy_string(r, e, "id", true, in->id, sizeof in->id);
    if (st == BILET_OK)
        st = copy_string(r, e, "discipline", true, in->discipline, sizeof in->discipline);
    if (st == BILET_OK)
        st = get_string(r, e, "form", "exam", true, 0, &form);
    if (st == BILET_OK)
        st = parse_form(r, form, &in->form);
    if (st == BILET_OK)
        st = get_string(r, e, "mode", "exam", false, 0, &mode);
    if (st == BILET_OK && mode[0] && strcmp(mode, "written") != 0 && strcmp(mode, "oral") != 0)
        st = bad(r, "exam.mode", "neither written nor oral");
    in->mode = strcmp(mode, "oral") == 0 ? EXAM_MODE_ORAL : EXAM_MODE_WRITTEN;
    if (st == BILET_OK)
        st = copy_string(r, e, "institution", false, in->institution, sizeof in->institution);
    if (st == BILET_OK)
        st = copy_string(r, e, "group", false, in->group, sizeof in->group);
    if (st == BILET_OK)
        st = copy_string(r, e, "date", false, in->date, sizeof in->date);
    if (st == BILET_OK)
        st = copy_string(r, e, "start", false, in->start, sizeof in->start);
    if (st == BILET_OK)
        st = copy_string(r, e, "room", false, in->room, sizeof in->room);
    if (st == BILET_OK)
        st = copy_string(r, e, "policy", false, in->policy, sizeof in->policy);
    if (st == BILET_OK)
        st = copy_list(r, e, "examiners", &in->examiners);
    if (st == BILET_OK)
        st = copy_list(r, e, "commission", &in->commission);
    if (st == BILET_OK)
        st = copy_list(r, e, "disciplines", &in->disciplines);
    if (st == BILET_OK)
        st = get_int(r, e, "attempt", "exam", 1, 3, true, &attempt);
    in->attempt = attempt ? (int)attempt : 1;
    return st;
}

/* A grade token or word (grade_parse); null is GRADE_NONE when nullable. */
static bilet_status get_grade(const reader *r, json_t *obj, const char *key, const char *path,
                              bool nullable, grade *out)
{
    char p[160];
    snprintf(p, sizeof p, "%.100s.%.40s", path, key);
    json_t *v = json_object_get(obj, key);
    *out = GRADE_NONE;
    if (!v || json_is_null(v))
        return nullable ? BILET_OK : bad(r, p, "missing");
    if (json_is_integer(v) && json_integer_value(v) >= 2 && json_integer_value(v) <= 5) {
        *out = (grade)(GRADE_5 + (5 - json_integer_value(v)));
        return BILET_OK;
    }
    bilet_err ignored;
    if (!json_is_string(v) || json_string_length(v) > 64 ||
        grade_parse(json_string_value(v), out, &ignored) != BILET_OK || *out == GRADE_NONE) {
        char what[160];
        snprintf(what, sizeof what,
                 "%s%.40s%s is not a grade (5, 4, 3, 2, pass, fail, absent, not_admitted%s)",
                 json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : "value",
                 json_is_string(v) ? "\"" : "", nullable ? " or null" : "");
        return bad(r, p, what);
    }
    return BILET_OK;
}

/* Reads one object of a row's list into its zeroed slot; path names the object. */
typedef bilet_status (*item_reader)(const reader *r, json_t *e, const char *path, void *item);

/* A row's list of objects under key (questions, votes, corrections): absent or null is empty.
 * The items are allocated here, size bytes each, and handed out through *items even when a
 * later item fails, so that documents_statement_free frees them; *n_items counts the items
 * read in full. shape names the object an item must be, for the refusal. */
static bilet_status parse_list(const reader *r, json_t *row, const char *path, const char *key,
                               const char *shape, size_t size, item_reader read_item, void **items,
                               size_t *n_items)
{
    char p[160];
    snprintf(p, sizeof p, "%.100s.%.40s", path, key);
    json_t *v = json_object_get(row, key);
    if (!v || json_is_null(v))
        return BILET_OK;
    if (!json_is_array(v))
        return bad(r, p, "not an array");
    size_t n = json_array_size(v);
    if (n > DOCUMENTS_ITEMS_MAX) {
        char what[64];
        snprintf(what, sizeof what, "too many %s", key);
        return bad(r, p, what);
    }
    unsigned char *mem = calloc(n ? n : 1, size);
    if (!mem)
        return bilet_fail(r->err, BILET_ENOMEM, "%s: out of memory", r->source);
    *items = mem;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        char pi[176];
        snprintf(pi, sizeof pi, "%.120s[%zu]", p, i);
        if (!json_is_object(e))
            return bad(r, pi, shape);
        bilet_status st = read_item(r, e, pi, mem + i * size);
        if (st != BILET_OK)
            return st;
        *n_items = i + 1;
    }
    return BILET_OK;
}

static bilet_status read_question(const reader *r, json_t *e, const char *pi, void *item)
{
    documents_question *q = item;
    const char *kind, *text;
    bilet_status st = get_string(r, e, "kind", pi, true, 0, &kind);
    if (st == BILET_OK)
        st = get_string(r, e, "text", pi, true, QUESTION_TEXT_MAX, &text);
    if (st != BILET_OK)
        return st;
    if (strcmp(kind, "q") == 0)
        q->kind = QUESTION_THEORY;
    else if (strcmp(kind, "task") == 0)
        q->kind = QUESTION_TASK;
    else
        return bad(r, pi, "kind is neither q nor task");
    q->text = text;
    return BILET_OK;
}

static bilet_status parse_questions(const reader *r, json_t *row, const char *path,
                                    documents_row *out)
{
    void *items = NULL;
    bilet_status st = parse_list(r, row, path, "questions", "not an object {kind, text}",
                                 sizeof *out->questions, read_question, &items, &out->n_questions);
    out->questions = items;
    return st;
}

static bilet_status read_vote(const reader *r, json_t *e, const char *pi, void *item)
{
    documents_vote *vote = item;
    bilet_status st = get_string(r, e, "member", pi, true, EXAM_TEXT_MAX, &vote->member);
    if (st == BILET_OK)
        st = get_grade(r, e, "grade", pi, false, &vote->vote);
    return st;
}

static bilet_status parse_votes(const reader *r, json_t *row, const char *path, documents_row *out)
{
    void *items = NULL;
    bilet_status st = parse_list(r, row, path, "votes", "not an object {member, grade}",
                                 sizeof *out->votes, read_vote, &items, &out->n_votes);
    out->votes = items;
    return st;
}

/* An array of non-empty strings (extra questions, an appeal commission). */
static bilet_status parse_strings(const reader *r, json_t *v, const char *p, size_t max,
                                  const char **dst, size_t *n_out)
{
    *n_out = 0;
    if (!v || json_is_null(v))
        return BILET_OK;
    if (!json_is_array(v))
        return bad(r, p, "not an array of texts");
    if (json_array_size(v) > max)
        return bad(r, p, "too many entries");
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        char pi[176];
        snprintf(pi, sizeof pi, "%.120s[%zu]", p, i);
        if (!json_is_string(e) || !json_string_value(e)[0] ||
            strlen(json_string_value(e)) != json_string_length(e))
            return bad(r, pi, "not a text");
        if (json_string_length(e) >= QUESTION_TEXT_MAX)
            return bad(r, pi, "too long");
        dst[(*n_out)++] = json_string_value(e);
    }
    return BILET_OK;
}

static bilet_status parse_extra(const reader *r, json_t *row, const char *path, documents_row *out)
{
    char p[160];
    snprintf(p, sizeof p, "%.120s.extra_questions", path);
    const char **texts = calloc(DOCUMENTS_ITEMS_MAX, sizeof *texts);
    if (!texts)
        return bilet_fail(r->err, BILET_ENOMEM, "%s: out of memory", r->source);
    out->extra_questions = texts;
    return parse_strings(r, json_object_get(row, "extra_questions"), p, DOCUMENTS_ITEMS_MAX, texts,
                         &out->n_extra);
}

static bilet_status parse_dissent(const reader *r, json_t *row, const char *path,
                                  documents_row *out)
{
    char p[160];
    snprintf(p, sizeof p, "%.120s.dissent", path);
    json_t *v = json_object_get(row, "dissent");
    out->dissent = "";
    if (!v || json_is_null(v))
        return BILET_OK;
    if (json_is_string(v)) {
        if (json_string_length(v) >= QUESTION_TEXT_MAX)
            return bad(r, p, "too long");
        out->dissent = json_string_value(v);
        return BILET_OK;
    }
    return bad(r, p, "neither a text nor null");
}

static bilet_status read_correction(const reader *r, json_t *e, const char *pi, void *item)
{
    documents_correction *c = item;
    long long t = 0;
    bilet_status st = get_grade(r, e, "grade", pi, false, &c->result);
    if (st == BILET_OK)
        st = get_grade(r, e, "was", pi, true, &c->was);
    if (st == BILET_OK)
        st = get_string(r, e, "by", pi, false, EXAM_TEXT_MAX, &c->by);
    if (st == BILET_OK)
        st = get_string(r, e, "reason", pi, false, QUESTION_TEXT_MAX, &c->reason);
    if (st == BILET_OK)
        st = get_int(r, e, "time", pi, 0, INT64_MAX / 2, true, &t);
    c->time = t;
    if (st != BILET_OK)
        return st;
    json_t *a = json_object_get(e, "appeal");
    char pa[200];
    snprintf(pa, sizeof pa, "%.120s.appeal", pi);
    if (a && !json_is_null(a) && !json_is_false(a)) {
        c->appeal = true;
        json_t *members = json_is_object(a) ? json_object_get(a, "commission") : a;
        if (!json_is_array(members))
            return bad(r, pa, "neither null nor {\"commission\": [3 names]}");
        char pc[220];
        snprintf(pc, sizeof pc, "%.120s%s", pa, json_is_object(a) ? ".commission" : "");
        st = parse_strings(r, members, pc, DOCUMENTS_ITEMS_MAX, c->commission, &c->n_commission);
        if (st != BILET_OK)
            return st;
        if (c->n_commission < 3)
            return bad(r, pc, "an appeal commission has 3 members");
    }
    return BILET_OK;
}

static bilet_status parse_corrections(const reader *r, json_t *row, const char *path,
                                      documents_row *out)
{
    void *items = NULL;
    bilet_status st =
        parse_list(r, row, path, "corrections", "not an object", sizeof *out->corrections,
                   read_correction, &items, &out->n_corrections);
    out->corrections = items;
    return st;
}

static bilet_status parse_status(const reader *r, const char *s, const char *path,
                                 student_status *out)
{
    if (strcmp(s, "admitted") == 0)
        *out = STUDENT_ADMITTED;
    else if (strcmp(s, "not_admitted") == 0)
        *out = STUDENT_NOT_ADMITTED;
    else if (strcmp(s, "expelled") == 0)
        *out = STUDENT_EXPELLED;
    else {
        char p[160];
        snprintf(p, sizeof p, "%.120s.status", path);
        return bad(r, p, "neither admitted, not_admitted nor expelled");
    }
    return BILET_OK;
}

static bilet_status parse_row(const reader *r, json_t *row, size_t i, documents_row *out)
{
    char path[48];
    snprintf(path, sizeof path, "rows[%zu]", i);
    if (!json_is_object(row))
        return bad(r, path, "not an object");
    long long n = 0, ticket = 0, t = 0;
    const char *status = "";
    bilet_status st = get_int(r, row, "n", path, 1, EXAM_STUDENTS_MAX, true, &n);
    out->n = n ? (int)n : (int)i + 1;
    if (st == BILET_OK)
        st = get_string(r, row, "full_name", path, true, FULL_NAME_MAX, &out->full_name);
    if (st == BILET_OK)
        st = get_string(r, row, "record_book", path, true, RECORD_BOOK_MAX, &out->record_book);
    if (st == BILET_OK)
        st = get_string(r, row, "status", path, true, 0, &status);
    if (st == BILET_OK)
        st = parse_status(r, status, path, &out->status);
    if (st == BILET_OK)
        st = get_string(r, row, "code", path, false, 64, &out->code);
    if (st == BILET_OK)
        st = get_int(r, row, "ticket", path, 1, EXAM_TICKETS_MAX, true, &ticket);
    out->ticket = (int)ticket;
    json_t *second = json_object_get(row, "second_ticket");
    if (st == BILET_OK && second && !json_is_null(second) && !json_is_boolean(second))
        st = bad(r, path, "second_ticket is not true or false");
    out->second_ticket = json_is_true(second);
    if (st == BILET_OK)
        st = get_grade(r, row, "grade", path, true, &out->result);
    if (st == BILET_OK)
        st = get_string(r, row, "graded_by", path, false, EXAM_TEXT_MAX, &out->graded_by);
    if (st == BILET_OK)
        st = get_string(r, row, "attempt_id", path, false, 64, &out->attempt_id);
    if (st == BILET_OK)
        st = get_int(r, row, "time", path, 0, INT64_MAX / 2, true, &t);
    out->time = t;
    if (st == BILET_OK)
        st = parse_questions(r, row, path, out);
    if (st == BILET_OK)
        st = parse_votes(r, row, path, out);
    if (st == BILET_OK)
        st = parse_extra(r, row, path, out);
    if (st == BILET_OK)
        st = parse_dissent(r, row, path, out);
    if (st == BILET_OK)
        st = parse_corrections(r, row, path, out);
    if (st != BILET_OK)
        return st;
    /* The statement's own rules: a student who was not admitted has no grade but the mark;
     * an admitted one never has that mark. */
    bool admitted = out->status == STUDENT_ADMITTED;
    if (!admitted && out->result != GRADE_NOT_ADMITTED && out->result != GRADE_NONE) {
        char p[160];
        snprintf(p, sizeof p, "%.120s.grade", path);
        return bad(r, p, "a student who is not admitted has the mark not_admitted");
    }
    if (admitted && out->result == GRADE_NOT_ADMITTED) {
        char p[160];
        snprintf(p, sizeof p, "%.120s.grade", path);
        return bad(r, p, "not_admitted given to an admitted student");
    }
    if (!admitted)
        out->result = GRADE_NOT_ADMITTED;
    return BILET_OK;
}

void documents_statement_free(documents_statement *s)
{
    if (!s)
        return;
    storage *m = s->storage;
    if (m) {
        for (size_t i = 0; m->rows && i < s->n_rows; i++) {
            free((void *)m->rows[i].questions);
            free((void *)m->rows[i].votes);
            free((void *)m->rows[i].extra_questions);
            free((void *)m->rows[i].corrections);
        }
        free(m->rows);
        json_decref(m->root);
        free(m);
    }
    free(s);
}

bilet_status documents_statement_parse(const char *text, size_t len, const char *source,
                                       documents_statement **out, bilet_err *err)
{
    reader r = { source, err };
    *out = NULL;
    if (len > DOCUMENTS_STATEMENT_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "%s: the statement is over %d bytes", source,
                          (int)DOCUMENTS_STATEMENT_MAX);
    documents_statement *s = calloc(1, sizeof *s);
    storage *m = calloc(1, sizeof *m);
    if (!s || !m) {
        free(s);
        free(m);
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory", source);
    }
    s->storage = m;
    json_error_t je;
    m->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    bilet_status st = BILET_OK;
    if (!m->root) {
        st = bilet_fail(err, BILET_EPARSE, "%s: line %d, column %d: %s", source, je.line, je.column,
                        je.text);
        goto out_fail;
    }
    if (!json_is_object(m->root)) {
        st = bad(&r, "(top)", "the statement is not a JSON object");
        goto out_fail;
    }
    st = parse_exam(&r, json_object_get(m->root, "exam"), &s->exam);
    if (st != BILET_OK)
        goto out_fail;
    json_t *locked = json_object_get(m->root, "locked");
    s->locked_by = "";
    if (locked && !json_is_null(locked)) {
        long long t = 0;
        if (!json_is_object(locked))
            st = bad(&r, "locked", "not an object {time, by}");
        if (st == BILET_OK)
            st = get_int(&r, locked, "time", "locked", 0, INT64_MAX / 2, true, &t);
        if (st == BILET_OK)
            st = get_string(&r, locked, "by", "locked", false, EXAM_TEXT_MAX, &s->locked_by);
        s->locked_time = t;
        if (st != BILET_OK)
            goto out_fail;
    }
    json_t *rows = json_object_get(m->root, "rows");
    if (!json_is_array(rows)) {
        st = bad(&r, "rows", "missing or not an array");
        goto out_fail;
    }
    if (json_array_size(rows) > EXAM_STUDENTS_MAX) {
        st = bilet_fail(err, BILET_ETOOBIG, "%s: rows: more than %d students", source,
                        (int)EXAM_STUDENTS_MAX);
        goto out_fail;
    }
    size_t n = json_array_size(rows);
    m->rows = calloc(n ? n : 1, sizeof *m->rows);
    if (!m->rows) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", source);
        goto out_fail;
    }
    s->rows = m->rows;
    for (size_t i = 0; i < n; i++) {
        s->n_rows = i + 1;
        st = parse_row(&r, json_array_get(rows, i), i, &m->rows[i]);
        if (st != BILET_OK)
            goto out_fail;
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->rows[j].record_book, m->rows[i].record_book) == 0) {
                char p[64], what[160];
                snprintf(p, sizeof p, "rows[%zu].record_book", i);
                snprintf(what, sizeof what, "%.40s is also rows[%zu]", m->rows[i].record_book, j);
                st = bad(&r, p, what);
                goto out_fail;
            }
    }
    *out = s;
    return BILET_OK;

out_fail:
    documents_statement_free(s);
    return st;
}
