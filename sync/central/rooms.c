/*
 * rooms.c — the live rooms of an exam (see rooms.h): the exam's stored records, kiosk by
 * kiosk in seq order, parsed into events (kiosk/core/event.h, the kiosk's own vocabulary)
 * and folded into one terminal entry each. Load: the staff console asks every few seconds
 * per open exam; an exam is a few hundred records per terminal, folded in well under a
 * millisecond each.
 */
#include "rooms.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "record.h"

enum { ROOMS_INCIDENTS_MAX = 200 };

/* One terminal as its records so far describe it. */
typedef struct terminal {
    char kiosk[RECORD_HEX_LEN + 1];
    char name[EXAM_TEXT_MAX];
    const char *session; /* not_opened | open | paused | closed */
    int64_t paused_at;
    int64_t last_record;
    uint64_t records;
    uint64_t kiosk_events; /* records of the kiosk's vocabulary: none for the central's chain */
    int attempts;
    /* The current (last) attempt. */
    int attempt;
    const char *state; /* waiting | identified | writing | preparing | answering | away |
                          submitted | refused | removed | graded */
    char code[RECORD_BOOK_MAX];
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    int ticket;
    int64_t deadline;
    json_t *incidents;
} terminal;

typedef struct rooms_fold {
    bool names; /* a registrar: names and record books shown */
    json_t *terminals;
    terminal t;
    bool any;
} rooms_fold;

static void incident(terminal *t, int64_t time, const char *kind, int64_t seconds)
{
    if (json_array_size(t->incidents) >= ROOMS_INCIDENTS_MAX)
        json_array_remove(t->incidents, 0); /* the newest ones matter */
    json_t *o = json_object();
    if (!o)
        return;
    json_object_set_new(o, "time", json_integer((json_int_t)time));
    json_object_set_new(o, "kind", json_string(kind));
    if (seconds)
        json_object_set_new(o, "seconds", json_integer((json_int_t)seconds));
    if (t->code[0])
        json_object_set_new(o, "code", json_string(t->code));
    json_array_append_new(t->incidents, o);
}

/* Appends the finished terminal to the answer and starts afresh. */
static bilet_status flush_terminal(rooms_fold *f, int64_t now, bilet_err *err)
{
    terminal *t = &f->t;
    if (t->kiosk_events == 0) { /* the central's own chain (exam_added, grades): no terminal */
        json_decref(t->incidents);
        t->incidents = NULL;
        return BILET_OK;
    }
    json_t *o = json_object();
    if (!o) {
        json_decref(t->incidents);
        t->incidents = NULL;
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the rooms");
    }
    bool running =
        t->deadline && (strcmp(t->state, "writing") == 0 || strcmp(t->state, "preparing") == 0 ||
                        strcmp(t->state, "answering") == 0 || strcmp(t->state, "away") == 0);
    int64_t clock = strcmp(t->session, "paused") == 0 && t->paused_at ? t->paused_at : now;
    json_object_set_new(o, "kiosk", json_string(t->kiosk));
    json_object_set_new(o, "name", json_string(t->name));
    json_object_set_new(o, "session", json_string(t->session));
    json_object_set_new(o, "last_record", json_integer((json_int_t)t->last_record));
    json_object_set_new(o, "records", json_integer((json_int_t)t->records));
    json_object_set_new(o, "attempts", json_integer(t->attempts));
    json_object_set_new(o, "state", json_string(t->state));
    json_t *student = json_null();
    if (t->attempt && t->code[0]) {
        student = json_object();
        if (student) {
            json_object_set_new(student, "code", json_string(t->code));
            if (f->names) {
                json_object_set_new(student, "full_name", json_string(t->full_name));
                json_object_set_new(student, "record_book", json_string(t->record_book));
            }
        }
    }
    json_object_set_new(o, "student", student ? student : json_null());
    json_object_set_new(o, "ticket", t->ticket ? json_integer(t->ticket) : json_null());
    json_object_set_new(o, "deadline",
                        running ? json_integer((json_int_t)t->deadline) : json_null());
    int64_t left = t->deadline - clock;
    json_object_set_new(o, "seconds_left",
                        running ? json_integer((json_int_t)(left > 0 ? left : 0)) : json_null());
    json_object_set_new(o, "incidents", t->incidents);
    t->incidents = NULL;
    if (json_array_append_new(f->terminals, o) != 0)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the rooms");
    return BILET_OK;
}

static void start_terminal(rooms_fold *f, const char *kiosk)
{
    memset(&f->t, 0, sizeof f->t);
    snprintf(f->t.kiosk, sizeof f->t.kiosk, "%s", kiosk);
    f->t.session = "not_opened";
    f->t.state = "waiting";
    f->t.incidents = json_array();
}

static void apply(terminal *t, const event *ev)
{
    switch (ev->type) {
    case EV_SESSION_OPENED:
        t->session = "open";
        if (ev->kiosk_name[0])
            snprintf(t->name, sizeof t->name, "%s", ev->kiosk_name);
        break;
    case EV_SESSION_PAUSED:
        t->session = "paused";
        t->paused_at = ev->time;
        incident(t, ev->time, "paused", 0);
        break;
    case EV_SESSION_RESUMED:
        t->session = "open";
        t->paused_at = 0;
        if (t->deadline)
            t->deadline += ev->seconds;
        incident(t, ev->time, "resumed", ev->seconds);
        break;
    case EV_SESSION_CLOSED:
        t->session = "closed";
        incident(t, ev->time, "closed", 0);
        break;
    case EV_ENTRY_REFUSED:
        incident(t, ev->time, "entry_refused", 0);
        break;
    case EV_STUDENT_IDENTIFIED:
        t->attempts++;
        t->attempt = ev->attempt;
        t->state = "identified";
        t->ticket = 0;
        t->deadline = 0;
        snprintf(t->code, sizeof t->code, "%s", ev->code);
        snprintf(t->record_book, sizeof t->record_book, "%s", ev->record_book);
        snprintf(t->full_name, sizeof t->full_name, "%s", ev->full_name);
        break;
    case EV_TICKET_DRAWN:
        t->ticket = ev->ticket;
        t->deadline = ev->deadline;
        t->state = "writing";
        break;
    case EV_PERIOD_STARTED:
        t->deadline = ev->deadline;
        t->state = ev->period == PERIOD_ANSWER ? "answering" : "preparing";
        break;
    case EV_STUDENT_LEFT:
        t->state = "away";
        incident(t, ev->time, "left", 0);
        break;
    case EV_STUDENT_RETURNED:
        t->state = "writing";
        incident(t, ev->time, "returned", ev->seconds);
        break;
    case EV_EXTRA_TIME:
        if (t->deadline)
            t->deadline += ev->seconds;
        incident(t, ev->time, ev->extra == EXTRA_DOWNTIME ? "crash" : "extra_time", ev->seconds);
        break;
    case EV_ANSWER_SUBMITTED:
        t->state = "submitted";
        if (ev->handin == HANDIN_TIME_UP)
            incident(t, ev->time, "time_up", 0);
        break;
    case EV_REFUSED:
        t->state = "refused";
        incident(t, ev->time, "refused", 0);
        break;
    case EV_REMOVED:
        t->state = "removed";
        incident(t, ev->time, "removed", 0);
        break;
    case EV_GRADED:
        t->state = "graded";
        break;
    case EV_PIN_LOCKED:
        incident(t, ev->time, "pin_locked", ev->until - ev->time);
        break;
    case EV_PIN_FAILED:
    case EV_PASSPHRASE_FAILED:
    case EV_CORRECTION:
    case EV_NONE:
    case EV_TYPE_COUNT:
        break;
    }
}

typedef struct walk {
    rooms_fold *f;
    int64_t now;
} walk;

static bilet_status fold_record(const cdb_record *r, void *ctx, bilet_err *err)
{
    walk *w = ctx;
    rooms_fold *f = w->f;
    record_view v;
    bilet_status st = BILET_OK;
    if (f->any && strcmp(f->t.kiosk, r->kiosk) != 0)
        st = flush_terminal(f, w->now, err);
    if (st != BILET_OK)
        return st;
    if (!f->any || strcmp(f->t.kiosk, r->kiosk) != 0)
        start_terminal(f, r->kiosk);
    f->any = true;
    f->t.records++;
    if (record_parse(r->bytes, r->len, &v, err) != BILET_OK) {
        bilet_err_prefix(err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)r->seq,
                         r->kiosk);
        return BILET_ECORRUPT;
    }
    f->t.last_record = v.time;
    if (event_type_parse(v.type) != EV_NONE) {
        event ev;
        st = event_from_fields(v.type, v.time, v.fields, v.n_fields, &ev, err);
        if (st == BILET_OK) {
            f->t.kiosk_events++;
            apply(&f->t, &ev);
        } else
            bilet_err_prefix(
                err, "stored record %llu of kiosk %.16s…: ", (unsigned long long)r->seq, r->kiosk);
    }
    record_view_free(&v);
    return st;
}

/* Adds each enrolled kiosk's name (when its records named none), last contact and pending
 * records (those it said it holds and the central has not stored, of any exam). */
static bilet_status add_kiosk(const cdb_kiosk_info *k, void *ctx, bilet_err *err)
{
    json_t *terminals = ctx;
    size_t i;
    json_t *o;
    (void)err;
    json_array_foreach(terminals, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "kiosk")), k->public_key) != 0)
            continue;
        const char *name = json_string_value(json_object_get(o, "name"));
        if ((!name || !name[0]) && k->name[0])
            json_object_set_new(o, "name", json_string(k->name));
        json_object_set_new(o, "last_contact",
                            k->last_seen ? json_integer((json_int_t)k->last_seen) : json_null());
        json_object_set_new(o, "pending", json_integer((json_int_t)cdb_kiosk_pending(k)));
    }
    return BILET_OK;
}

void rooms_handle(cdb *db, const api_request *req, const char *exam_id, api_response *resp)
{
    api_staff who;
    bilet_err err = { { 0 } };
    rooms_fold f;
    if (!api_authorise(db, req, NULL, &who, resp))
        return;
    memset(&f, 0, sizeof f);
    f.names = strcmp(who.role, "registrar") == 0;
    f.terminals = json_array();
    walk w = { &f, (int64_t)time(NULL) };
    if (!f.terminals) {
        api_answer_json(resp, 500, NULL);
        return;
    }
    bilet_status st = cdb_exam_records(db, exam_id, fold_record, &w, &err);
    if (st == BILET_OK && f.any)
        st = flush_terminal(&f, w.now, &err);
    else if (f.any)
        json_decref(f.t.incidents);
    if (st == BILET_OK)
        st = cdb_kiosk_list(db, add_kiosk, f.terminals, &err);
    if (st != BILET_OK) {
        json_decref(f.terminals);
        api_error(resp, st == BILET_ECORRUPT ? 500 : 503, err.msg);
        return;
    }
    json_t *doc = json_object();
    if (doc) {
        json_object_set_new(doc, "exam", json_string(exam_id));
        json_object_set_new(doc, "now", json_integer((json_int_t)w.now));
        json_object_set_new(doc, "terminals", f.terminals);
    } else {
        json_decref(f.terminals);
    }
    api_answer_json(resp, 200, doc);
}
