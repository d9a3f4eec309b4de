/*
 * session.c — the exam session state machine (see session.h for the contract).
 *
 * Two halves: session_handle/session_tick decide (rules and guards, reading the state and
 * the clock argument) and session_apply changes the state, one event at a time. Everything
 * that must survive a crash goes through an event; screens and notices are derived or
 * transient. Expected load: a few intents a second, a tick a frame.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const screen_names[SCREEN_COUNT] = {
    [SCREEN_LOCKED] = "locked",
    [SCREEN_PIN] = "pin",
    [SCREEN_PASSPHRASE] = "passphrase",
    [SCREEN_INVIGILATOR] = "invigilator",
    [SCREEN_IDENTIFY] = "identify",
    [SCREEN_CONFIRM_STUDENT] = "confirm_student",
    [SCREEN_TICKET] = "ticket",
    [SCREEN_PREP] = "prep",
    [SCREEN_ANSWER] = "answer",
    [SCREEN_SUBMIT_CONFIRM] = "submit_confirm",
    [SCREEN_AWAY] = "away",
    [SCREEN_DONE] = "done",
    [SCREEN_PAUSED] = "paused",
    [SCREEN_CLOSED] = "closed",
};

const char *session_screen_name(session_screen sc)
{
    return (sc >= 0 && sc < SCREEN_COUNT) ? screen_names[sc] : "";
}

session_screen session_screen_parse(const char *name)
{
    for (int i = 0; i < SCREEN_COUNT; i++)
        if (strcmp(screen_names[i], name) == 0)
            return (session_screen)i;
    return SCREEN_COUNT;
}

bilet_status session_init(session *s, const exam *e, const char *kiosk_name,
                          const char *roster_hash, bool sealed, session_rng rng, session_text text,
                          session_coder coder, bilet_err *err)
{
    memset(s, 0, sizeof *s);
    if (e->info.subgroups < 1 || e->info.subgroups > SESSION_SUBGROUPS_MAX)
        return bilet_fail(err, BILET_ERULE, "exam.ini: subgroups = %d; a terminal handles 1..%d",
                          e->info.subgroups, SESSION_SUBGROUPS_MAX);
    size_t n_tickets = e->n_tickets ? e->n_tickets : 1;
    s->drawn = calloc((size_t)SESSION_SUBGROUPS_MAX * n_tickets, 1);
    s->finished = calloc(e->n_students ? e->n_students : 1, 1);
    if (!s->drawn || !s->finished) {
        session_free(s);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the session");
    }
    s->exam = e;
    text_copy(s->kiosk_name, sizeof s->kiosk_name, kiosk_name ? kiosk_name : "");
    text_copy(s->roster_hash, sizeof s->roster_hash, roster_hash ? roster_hash : "");
    s->sealed = sealed;
    s->rng = rng;
    s->text = text;
    s->coder = coder;
    s->screen = SCREEN_LOCKED;
    s->overlay_return = SCREEN_LOCKED;
    s->next_attempt = 1;
    s->pending_student = -1;
    return BILET_OK;
}

void session_free(session *s)
{
    if (!s)
        return;
    free(s->drawn);
    free(s->finished);
    s->drawn = NULL;
    s->finished = NULL;
}

/* ---- derived values ------------------------------------------------------------------ */

static bool is_written(const session *s)
{
    return s->exam->info.mode == EXAM_MODE_WRITTEN;
}

static bool attempt_running(const session *s)
{
    return s->has_attempt && s->attempt.outcome == OUTCOME_NONE;
}

int64_t session_room_deadline(const session *s)
{
    if (!s->opened || !is_written(s))
        return 0;
    return s->opened_at + (int64_t)s->exam->info.answer_minutes * 60 + s->paused_total;
}

int64_t session_deadline(const session *s)
{
    if (!attempt_running(s) || s->attempt.ticket == 0)
        return 0;
    if (is_written(s))
        return session_room_deadline(s) + s->attempt.extra_seconds;
    return s->attempt.period == PERIOD_NONE ? 0 : s->attempt.period_deadline;
}

int64_t session_time_left(const session *s, int64_t now)
{
    int64_t d = session_deadline(s);
    if (d == 0)
        return -1;
    int64_t ref = s->paused ? s->paused_at : now;
    return d > ref ? d - ref : 0;
}

const exam_student *session_student(const session *s)
{
    if (s->has_attempt && s->attempt.student >= 0)
        return &s->exam->students[s->attempt.student];
    if (s->pending_student >= 0)
        return &s->exam->students[s->pending_student];
    return NULL;
}

const exam_ticket *session_ticket(const session *s)
{
    if (!s->has_attempt || s->attempt.ticket == 0)
        return NULL;
    return exam_ticket_by_number(s->exam, s->attempt.ticket);
}

/* The slot that holds the screen the student is on, under the overlays (PIN, invigilator),
 * the away lock and the pause. */
static session_screen *student_slot(session *s)
{
    session_screen *p = &s->screen;
    for (int i = 0; i < 6; i++) {
        if (*p == SCREEN_PIN || *p == SCREEN_INVIGILATOR)
            p = &s->overlay_return;
        else if (*p == SCREEN_PASSPHRASE)
            p = &s->passphrase_return;
        else if (*p == SCREEN_AWAY)
            p = &s->away_return;
        else if (*p == SCREEN_PAUSED)
            p = &s->paused_return;
        else
            break;
    }
    return p;
}

static int student_index(const exam *e, const char *record_book)
{
    const exam_student *st = exam_find_student(e, record_book);
    return st ? (int)(st - e->students) : -1;
}

/* ---- applying events ------------------------------------------------------------------ */

static unsigned char *drawn_row(session *s, int subgroup)
{
    return s->drawn + (size_t)(subgroup - 1) * (s->exam->n_tickets ? s->exam->n_tickets : 1);
}

static void mark_drawn(session *s, int subgroup, int ticket)
{
    if (subgroup < 1 || subgroup > SESSION_SUBGROUPS_MAX || ticket < 1 ||
        (size_t)ticket > s->exam->n_tickets)
        return;
    unsigned char *row = drawn_row(s, subgroup);
    if ((size_t)s->drawn_count[subgroup - 1] >= s->exam->n_tickets || row[ticket - 1]) {
        /* The pool was exhausted (or this draw starts it anew): every ticket is back in it. */
        memset(row, 0, s->exam->n_tickets);
        s->drawn_count[subgroup - 1] = 0;
    }
    row[ticket - 1] = 1;
    s->drawn_count[subgroup - 1]++;
}

static void finish_attempt(session *s, session_outcome outcome)
{
    s->attempt.outcome = outcome;
    s->attempt.period = PERIOD_NONE;
    s->attempt.away = false;
    if (s->attempt.student >= 0)
        s->finished[s->attempt.student] = 1;
}

static bilet_status apply_attempt_event(session *s, const event *ev, bilet_err *err)
{
    if (!s->has_attempt || ev->attempt != s->attempt.id)
        return bilet_fail(err, BILET_ECORRUPT,
                          "record %s refers to attempt %d, but the attempt at the terminal is %d",
                          event_type_name(ev->type), ev->attempt,
                          s->has_attempt ? s->attempt.id : 0);
    session_attempt *a = &s->attempt;
    const exam_info *info = &s->exam->info;
    switch (ev->type) {
    case EV_TICKET_DRAWN:
        if (ev->second)
            a->first_ticket = a->ticket;
        a->ticket = ev->ticket;
        a->second = a->second || ev->second;
        mark_drawn(s, a->subgroup, ev->ticket);
        if (is_written(s)) {
            a->period = PERIOD_ANSWER;
        } else {
            a->period = info->prep_minutes > 0 ? PERIOD_PREP : PERIOD_ANSWER;
            a->period_deadline = ev->deadline;
        }
        s->warning_minutes = 0;
        break;
    case EV_PERIOD_STARTED:
        a->period = ev->period;
        a->period_deadline = ev->deadline;
        s->warning_minutes = 0;
        break;
    case EV_STUDENT_LEFT:
        a->away = true;
        a->left_at = ev->time;
        break;
    case EV_STUDENT_RETURNED:
        a->away = false;
        break;
    case EV_EXTRA_TIME:
        a->extra_seconds += ev->seconds;
        if (!is_written(s) && a->period != PERIOD_NONE)
            a->period_deadline += ev->seconds;
        if (ev->extra == EXTRA_DOWNTIME)
            s->downtime_offered = true;
        s->warning_minutes = 0;
        break;
    case EV_ANSWER_SUBMITTED:
        a->handin = ev->handin;
        finish_attempt(s, OUTCOME_SUBMITTED);
        break;
    case EV_REFUSED:
        a->grades[0] = ev->grade_given;
        a->n_graded = 1;
        finish_attempt(s, OUTCOME_REFUSED);
        break;
    case EV_REMOVED:
        a->grades[0] = ev->grade_given;
        a->n_graded = 1;
        finish_attempt(s, OUTCOME_REMOVED);
        break;
    case EV_GRADED: {
        size_t needed =
            info->form == EXAM_FORM_COMPLEX && info->disciplines.n > 0 ? info->disciplines.n : 1;
        if (a->n_graded < EXAM_LIST_MAX)
            a->grades[a->n_graded++] = ev->grade_final;
        if (a->n_graded >= needed)
            finish_attempt(s, OUTCOME_GRADED);
        break;
    }
    default:
        break;
    }
    return BILET_OK;
}

bilet_status session_apply(session *s, const event *ev, bilet_err *err)
{
    switch (ev->type) {
    case EV_SESSION_OPENED:
        if (s->roster_hash[0] && ev->roster_hash[0] && strcmp(s->roster_hash, ev->roster_hash) != 0)
            return bilet_fail(err, BILET_ERULE,
                              "the roster differs from the one sealed when the session was opened; "
                              "no name may be added to or struck from an open session's roster");
        s->opened = true;
        s->opened_at = ev->time;
        return BILET_OK;
    case EV_SESSION_PAUSED:
        s->paused = true;
        s->paused_at = ev->time;
        return BILET_OK;
    case EV_SESSION_RESUMED:
        s->paused = false;
        s->paused_total += ev->seconds;
        if (attempt_running(s) && !is_written(s) && s->attempt.period != PERIOD_NONE)
            s->attempt.period_deadline += ev->seconds;
        return BILET_OK;
    case EV_SESSION_CLOSED:
        s->closed = true;
        s->paused = false;
        return BILET_OK;
    case EV_STUDENT_IDENTIFIED: {
        int idx = student_index(s->exam, ev->record_book);
        if (idx < 0)
            return bilet_fail(err, BILET_ECORRUPT,
                              "record student_identified names record book %s, which is not on "
                              "the roster",
                              ev->record_book);
        memset(&s->attempt, 0, sizeof s->attempt);
        s->has_attempt = true;
        s->attempt.id = ev->attempt;
        s->attempt.student = idx;
        s->attempt.subgroup = ev->subgroup > 0 ? ev->subgroup : 1;
        text_copy(s->attempt.code, sizeof s->attempt.code, ev->code);
        s->attempt.identified_at = ev->time;
        s->attempt.extra_seconds = (int64_t)s->exam->students[idx].extra_minutes * 60;
        if (ev->attempt >= s->next_attempt)
            s->next_attempt = ev->attempt + 1;
        s->pending_student = -1;
        s->warning_minutes = 0;
        return BILET_OK;
    }
    case EV_TICKET_DRAWN:
    case EV_PERIOD_STARTED:
    case EV_STUDENT_LEFT:
    case EV_STUDENT_RETURNED:
    case EV_EXTRA_TIME:
    case EV_ANSWER_SUBMITTED:
    case EV_REFUSED:
    case EV_REMOVED:
    case EV_GRADED:
        return apply_attempt_event(s, ev, err);
    case EV_PIN_FAILED:
        s->pin_failures = ev->count;
        return BILET_OK;
    case EV_PIN_LOCKED:
        s->pin_locked_until = ev->until;
        s->pin_failures = 0;
        return BILET_OK;
    case EV_PASSPHRASE_FAILED:
        s->passphrase_failures = ev->count;
        s->passphrase_locked_until = ev->time + session_passphrase_delay(ev->count);
        return BILET_OK;
    case EV_ENTRY_REFUSED:
    case EV_CORRECTION:
    case EV_NONE:
    case EV_TYPE_COUNT:
        return BILET_OK;
    }
    return BILET_OK;
}

/* ---- deciding ------------------------------------------------------------------------- */

static event *new_event(session_events *out, event_type type, int64_t now)
{
    if (out->n >= SESSION_EVENTS_MAX)
        abort(); /* a broken invariant: no intent yields more events than this */
    event *ev = &out->ev[out->n++];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->time = now;
    return ev;
}

static event *attempt_event(session *s, session_events *out, event_type type, int64_t now)
{
    event *ev = new_event(out, type, now);
    ev->attempt = s->attempt.id;
    return ev;
}

static bilet_status commit(session *s, session_events *out, bilet_err *err)
{
    return session_apply(s, &out->ev[out->n - 1], err);
}

static bilet_status notice(session *s, session_notice n, bilet_status st, bilet_err *err,
                           const char *msg)
{
    s->notice = n;
    return bilet_fail(err, st, "%s", msg);
}

static const char *answer_text(session *s)
{
    if (!s->text.answer)
        return "";
    const char *t = s->text.answer(s->text.ctx);
    return t ? t : "";
}

static void set_student_screen(session *s, session_screen sc)
{
    *student_slot(s) = sc;
}

/* Ends the attempt's time at the terminal: the done screen, under a running pause. */
static void to_done(session *s, int64_t now)
{
    s->done_at = now;
    s->second_pending = false;
    if (s->paused) {
        s->paused_return = SCREEN_DONE;
        s->screen = SCREEN_PAUSED;
    } else {
        s->screen = SCREEN_DONE;
    }
}

static bilet_status emit_handin(session *s, session_events *out, event_handin why, int64_t now,
                                bilet_err *err)
{
    event *ev = attempt_event(s, out, EV_ANSWER_SUBMITTED, now);
    ev->handin = why;
    ev->text = s->attempt.ticket ? answer_text(s) : "";
    event_count_text(ev->text, &ev->chars, &ev->words);
    return commit(s, out, err);
}

static bilet_status emit_identified(session *s, session_events *out, int student, int64_t now,
                                    bilet_err *err)
{
    const exam_student *st = &s->exam->students[student];
    event *ev = new_event(out, EV_STUDENT_IDENTIFIED, now);
    ev->attempt = s->next_attempt;
    text_copy(ev->record_book, sizeof ev->record_book, st->record_book);
    text_copy(ev->full_name, sizeof ev->full_name, st->full_name);
    ev->subgroup = st->subgroup > 0 ? st->subgroup : 1;
    ev->seconds = s->opened && now > s->opened_at ? now - s->opened_at : 0;
    if (s->coder.code) {
        bilet_status rc =
            s->coder.code(s->coder.ctx, st->record_book, ev->code, sizeof ev->code, err);
        if (rc != BILET_OK) {
            out->n--;
            return rc;
        }
    } else {
        text_copy(ev->code, sizeof ev->code, st->record_book);
    }
    return commit(s, out, err);
}

static bilet_status emit_opened(session *s, session_events *out, const char *today, int64_t now,
                                bilet_err *err)
{
    event *ev = new_event(out, EV_SESSION_OPENED, now);
    text_copy(ev->kiosk_name, sizeof ev->kiosk_name, s->kiosk_name);
    text_copy(ev->today, sizeof ev->today, today ? today : "");
    ev->date_mismatch = today && strcmp(today, s->exam->info.date) != 0;
    text_copy(ev->roster_hash, sizeof ev->roster_hash, s->roster_hash);
    bilet_status st = commit(s, out, err);
    if (st != BILET_OK)
        return st;
    s->screen = SCREEN_IDENTIFY;
    s->overlay_return = SCREEN_IDENTIFY;
    if (ev->date_mismatch)
        s->notice = NOTICE_DATE_MISMATCH;
    return BILET_OK;
}

/* Why a record book may not sit now, or REFUSAL_NONE. */
static event_refusal entry_refusal(const session *s, int idx, int64_t now)
{
    if (idx < 0)
        return REFUSAL_UNKNOWN;
    const exam_student *st = &s->exam->students[idx];
    if (st->status == STUDENT_NOT_ADMITTED)
        return REFUSAL_NOT_ADMITTED;
    if (st->status == STUDENT_EXPELLED)
        return REFUSAL_EXPELLED;
    if (s->finished[idx])
        return REFUSAL_ALREADY_SAT;
    if (is_written(s)) {
        int64_t end = session_room_deadline(s) + (int64_t)st->extra_minutes * 60;
        int64_t ref = s->paused ? s->paused_at : now;
        if (ref >= end)
            return REFUSAL_TIME_OVER;
    }
    return REFUSAL_NONE;
}

static session_notice refusal_notice(event_refusal r)
{
    switch (r) {
    case REFUSAL_UNKNOWN:
        return NOTICE_UNKNOWN_STUDENT;
    case REFUSAL_NOT_ADMITTED:
        return NOTICE_NOT_ADMITTED;
    case REFUSAL_EXPELLED:
        return NOTICE_EXPELLED;
    case REFUSAL_TIME_OVER:
        return NOTICE_TIME_OVER;
    case REFUSAL_ALREADY_SAT:
        return NOTICE_ALREADY_SAT;
    default:
        return NOTICE_NONE;
    }
}

static const char *refusal_message(event_refusal r)
{
    switch (r) {
    case REFUSAL_UNKNOWN:
        return "the record book is not on the roster";
    case REFUSAL_NOT_ADMITTED:
        return "the student is not admitted to this exam";
    case REFUSAL_EXPELLED:
        return "the student is expelled";
    case REFUSAL_TIME_OVER:
        return "the exam's time is over";
    case REFUSAL_ALREADY_SAT:
        return "the student has already sat this exam here";
    default:
        return "refused";
    }
}

static bilet_status handle_identify(session *s, const session_intent *in, int64_t now,
                                    session_events *out, bilet_err *err)
{
    char rb[RECORD_BOOK_MAX];
    if (!in->text || !text_trim_copy(in->text, rb, sizeof rb) || rb[0] == '\0') {
        s->notice = NOTICE_UNKNOWN_STUDENT;
        return bilet_fail(err, BILET_ERULE, "no record-book number typed");
    }
    int idx = student_index(s->exam, rb);
    event_refusal r = entry_refusal(s, idx, now);
    if (r != REFUSAL_NONE) {
        if (r != REFUSAL_UNKNOWN) {
            /* Attendance is no secret: a refused student who came is recorded. Typos are not. */
            event *ev = new_event(out, EV_ENTRY_REFUSED, now);
            text_copy(ev->record_book, sizeof ev->record_book, s->exam->students[idx].record_book);
            ev->refusal = r;
            bilet_status st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
        }
        s->notice = refusal_notice(r);
        return bilet_fail(err, BILET_ERULE, "%s: %s", rb, refusal_message(r));
    }
    s->pending_student = idx;
    text_copy(s->pending_record_book, sizeof s->pending_record_book, rb);
    s->screen = SCREEN_CONFIRM_STUDENT;
    return BILET_OK;
}

static bilet_status handle_draw(session *s, int64_t now, session_events *out, bilet_err *err)
{
    session_attempt *a = &s->attempt;
    const exam *e = s->exam;
    if (!attempt_running(s) || (a->ticket != 0 && !s->second_pending))
        return bilet_fail(err, BILET_ESTATE, "no ticket to draw now");
    if (e->n_tickets == 0 || !e->tickets)
        return bilet_fail(err, BILET_ESTATE, "the tickets are sealed; the passphrase opens them");
    unsigned char *row = drawn_row(s, a->subgroup);
    bool exhausted = (size_t)s->drawn_count[a->subgroup - 1] >= e->n_tickets;
    uint32_t candidates = 0;
    for (size_t t = 0; t < e->n_tickets; t++)
        if ((exhausted || !row[t]) && (int)t + 1 != a->ticket)
            candidates++;
    if (candidates == 0) {
        /* Every ticket but the current one was drawn: the pool starts anew. */
        exhausted = true;
        for (size_t t = 0; t < e->n_tickets; t++)
            if ((int)t + 1 != a->ticket)
                candidates++;
    }
    if (candidates == 0)
        return notice(s, NOTICE_SECOND_TICKET_OFF, BILET_ERULE, err, "there is no other ticket");
    uint32_t pick = s->rng.uniform ? s->rng.uniform(s->rng.ctx, candidates) : 0;
    if (pick >= candidates)
        abort(); /* the random source broke its contract */
    int ticket = 0;
    for (size_t t = 0; t < e->n_tickets; t++) {
        if ((exhausted || !row[t]) && (int)t + 1 != a->ticket) {
            if (pick == 0) {
                ticket = (int)t + 1;
                break;
            }
            pick--;
        }
    }
    if (exhausted) {
        memset(row, 0, e->n_tickets);
        s->drawn_count[a->subgroup - 1] = 0;
    }
    event *ev = attempt_event(s, out, EV_TICKET_DRAWN, now);
    ev->ticket = ticket;
    ev->second = s->second_pending;
    ev->subgroup = a->subgroup;
    if (is_written(s))
        ev->deadline = session_room_deadline(s) + a->extra_seconds;
    else if (e->info.prep_minutes > 0)
        ev->deadline = now + (int64_t)e->info.prep_minutes * 60 + a->extra_seconds;
    else
        ev->deadline = now + (int64_t)e->info.answer_minutes * 60 + a->extra_seconds;
    bilet_status st = commit(s, out, err);
    if (st != BILET_OK)
        return st;
    s->second_pending = false;
    s->screen = a->period == PERIOD_PREP ? SCREEN_PREP : SCREEN_ANSWER;
    return BILET_OK;
}

static bilet_status handle_oral_grade(session *s, const session_intent *in, int64_t now,
                                      session_events *out, bilet_err *err)
{
    const exam_info *info = &s->exam->info;
    if (is_written(s))
        return notice(s, NOTICE_NOT_ORAL, BILET_ERULE, err,
                      "a written exam is graded by the commission, not at the terminal");
    if (!attempt_running(s) || s->attempt.ticket == 0)
        return notice(s, NOTICE_NO_STUDENT, BILET_ESTATE, err,
                      "no student is answering at this terminal");
    exam_form form = info->form;
    if (!grade_is_result(in->grade_value) || !grade_fits_form(in->grade_value, form))
        return notice(s, NOTICE_GRADE_INVALID, BILET_ERULE, err,
                      form == EXAM_FORM_ZACHET ? "a зачёт takes зачтено or не зачтено"
                                               : "this exam takes a grade of 5, 4, 3 or 2");
    event *ev = attempt_event(s, out, EV_GRADED, now);
    ev->grade_given = in->grade_value;
    ev->second = s->attempt.second;
    ev->grade_final = s->attempt.second && s->exam->policy.second_ticket_penalty
                          ? grade_apply_second_ticket(in->grade_value)
                          : in->grade_value;
    if (form == EXAM_FORM_COMPLEX && info->disciplines.n > 0) {
        size_t d = s->attempt.n_graded;
        text_copy(ev->discipline, sizeof ev->discipline, info->disciplines.item[d]);
    }
    if (info->examiners.n > 0)
        text_copy(ev->by, sizeof ev->by, info->examiners.item[0]);
    bilet_status st = commit(s, out, err);
    if (st != BILET_OK)
        return st;
    if (s->attempt.outcome == OUTCOME_GRADED)
        to_done(s, now);
    return BILET_OK;
}

static bilet_status handle_invigilator_key(session *s, const session_intent *in, int64_t now,
                                           session_events *out, bilet_err *err)
{
    bilet_status st = BILET_OK;
    switch (in->kind) {
    case INTENT_OPEN:
        if (s->closed)
            return notice(s, NOTICE_NOT_OPEN, BILET_ESTATE, err, "the session is closed");
        if (s->opened)
            return notice(s, NOTICE_ALREADY_OPEN, BILET_ESTATE, err, "the session is already open");
        if (s->sealed && !s->unsealed) {
            text_copy(s->pending_record_book, sizeof s->pending_record_book,
                      in->text ? in->text : "");
            s->overlay_return = SCREEN_IDENTIFY;
            s->passphrase_return = SCREEN_LOCKED;
            s->screen = SCREEN_PASSPHRASE;
            return BILET_OK;
        }
        return emit_opened(s, out, in->text, now, err);
    case INTENT_PAUSE:
        if (!s->opened || s->closed)
            return notice(s, NOTICE_NOT_OPEN, BILET_ESTATE, err, "the session is not open");
        if (!s->paused) {
            new_event(out, EV_SESSION_PAUSED, now);
            st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
            s->paused_return = s->overlay_return;
            s->screen = SCREEN_PAUSED;
        } else {
            event *ev = new_event(out, EV_SESSION_RESUMED, now);
            ev->seconds = now - s->paused_at;
            st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
            s->screen = s->overlay_return == SCREEN_PAUSED ? s->paused_return : s->overlay_return;
        }
        return BILET_OK;
    case INTENT_EXTRA_TIME: {
        if (!attempt_running(s))
            return notice(s, NOTICE_NO_STUDENT, BILET_ESTATE, err,
                          "no student is sitting at this terminal");
        event *ev = attempt_event(s, out, EV_EXTRA_TIME, now);
        if (s->downtime_seconds > 0 && !s->downtime_offered) {
            ev->seconds = s->downtime_seconds;
            ev->extra = EXTRA_DOWNTIME;
            s->notice = NOTICE_DOWNTIME_CREDITED;
        } else {
            ev->seconds = SESSION_EXTRA_STEP_SECONDS;
            ev->extra = EXTRA_INVIGILATOR;
            s->notice = NOTICE_EXTRA_TIME;
        }
        return commit(s, out, err);
    }
    case INTENT_LEAVE:
        if (!attempt_running(s))
            return notice(s, NOTICE_NO_STUDENT, BILET_ESTATE, err,
                          "no student is sitting at this terminal");
        if (!s->attempt.away) {
            attempt_event(s, out, EV_STUDENT_LEFT, now);
            st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
            s->away_return = s->overlay_return;
            s->screen = SCREEN_AWAY;
        } else {
            event *ev = attempt_event(s, out, EV_STUDENT_RETURNED, now);
            ev->seconds = now - s->attempt.left_at;
            st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
            s->screen = s->overlay_return == SCREEN_AWAY ? s->away_return : s->overlay_return;
        }
        return BILET_OK;
    case INTENT_REMOVE: {
        if (!attempt_running(s))
            return notice(s, NOTICE_NO_STUDENT, BILET_ESTATE, err,
                          "no student is sitting at this terminal");
        event *ev = attempt_event(s, out, EV_REMOVED, now);
        ev->grade_given = grade_for_removal(s->exam->info.form);
        ev->text = s->attempt.ticket ? answer_text(s) : "";
        event_count_text(ev->text, &ev->chars, &ev->words);
        st = commit(s, out, err);
        if (st == BILET_OK)
            to_done(s, now);
        return st;
    }
    case INTENT_REFUSE: {
        if (!attempt_running(s)) {
            /* A student who refuses on the confirm screen has come: identify, then refuse. */
            if (s->overlay_return != SCREEN_CONFIRM_STUDENT || s->pending_student < 0)
                return notice(s, NOTICE_NO_STUDENT, BILET_ESTATE, err,
                              "no student is sitting at this terminal");
            st = emit_identified(s, out, s->pending_student, now, err);
            if (st != BILET_OK)
                return st;
        }
        event *ev = attempt_event(s, out, EV_REFUSED, now);
        ev->ticket_drawn = s->attempt.ticket != 0;
        ev->grade_given = grade_for_refusal(s->exam->info.form, ev->ticket_drawn);
        st = commit(s, out, err);
        if (st == BILET_OK)
            to_done(s, now);
        return st;
    }
    case INTENT_ORAL_GRADE:
        return handle_oral_grade(s, in, now, out, err);
    case INTENT_CLOSE:
        if (s->closed) {
            s->quit = true;
            return BILET_OK;
        }
        if (!s->opened)
            return notice(s, NOTICE_NOT_OPEN, BILET_ESTATE, err, "the session is not open");
        if (s->paused) {
            event *ev = new_event(out, EV_SESSION_RESUMED, now);
            ev->seconds = now - s->paused_at;
            st = commit(s, out, err);
            if (st != BILET_OK)
                return st;
        }
        int unfinished = 0;
        if (attempt_running(s)) {
            st = emit_handin(s, out, HANDIN_SESSION_CLOSED, now, err);
            if (st != BILET_OK)
                return st;
            unfinished = 1;
        }
        event *ev = new_event(out, EV_SESSION_CLOSED, now);
        ev->count = unfinished;
        st = commit(s, out, err);
        if (st != BILET_OK)
            return st;
        s->screen = SCREEN_CLOSED;
        s->overlay_return = SCREEN_CLOSED;
        return BILET_OK;
    case INTENT_ACCESSIBILITY:
        s->large_type = !s->large_type;
        return BILET_OK;
    default:
        return bilet_fail(err, BILET_ESTATE, "not an invigilator key");
    }
}

static bool is_invigilator_key(session_intent_kind k)
{
    switch (k) {
    case INTENT_OPEN:
    case INTENT_PAUSE:
    case INTENT_EXTRA_TIME:
    case INTENT_LEAVE:
    case INTENT_REMOVE:
    case INTENT_REFUSE:
    case INTENT_ORAL_GRADE:
    case INTENT_CLOSE:
    case INTENT_ACCESSIBILITY:
        return true;
    default:
        return false;
    }
}

static bilet_status handle_pin(session *s, const session_intent *in, int64_t now,
                               session_events *out, bilet_err *err)
{
    if (s->pin_locked_until > now)
        return notice(s, NOTICE_PIN_LOCKED, BILET_EPERM, err,
                      "the PIN prompt is locked after 5 wrong PINs");
    if (in->ok) {
        s->pin_failures = 0;
        s->screen = SCREEN_INVIGILATOR;
        return BILET_OK;
    }
    event *ev = new_event(out, EV_PIN_FAILED, now);
    ev->count = s->pin_failures + 1;
    bilet_status st = commit(s, out, err);
    if (st != BILET_OK)
        return st;
    if (s->pin_failures >= SESSION_PIN_TRIES) {
        event *lock = new_event(out, EV_PIN_LOCKED, now);
        lock->until = now + SESSION_PIN_LOCK_SECONDS;
        st = commit(s, out, err);
        if (st != BILET_OK)
            return st;
        return notice(s, NOTICE_PIN_LOCKED, BILET_EPERM, err,
                      "5 wrong PINs: the PIN prompt is locked for 5 minutes");
    }
    return notice(s, NOTICE_PIN_WRONG, BILET_EPERM, err, "wrong PIN");
}

int64_t session_passphrase_delay(int failures)
{
    if (failures < SESSION_PASSPHRASE_FREE_TRIES)
        return 0;
    int shift = failures - SESSION_PASSPHRASE_FREE_TRIES;
    if (shift > 16)
        return SESSION_PASSPHRASE_LOCK_MAX;
    int64_t d = (int64_t)1 << shift;
    return d < SESSION_PASSPHRASE_LOCK_MAX ? d : SESSION_PASSPHRASE_LOCK_MAX;
}

static bilet_status handle_passphrase(session *s, const session_intent *in, int64_t now,
                                      session_events *out, bilet_err *err)
{
    if (!s->sealed)
        return notice(s, NOTICE_NOT_SEALED, BILET_ESTATE, err, "the exam is not sealed");
    if (s->passphrase_locked_until > now)
        return notice(s, NOTICE_PASSPHRASE_LOCKED, BILET_EPERM, err,
                      "the passphrase prompt is locked for a while after wrong passphrases");
    if (!in->ok) {
        event *ev = new_event(out, EV_PASSPHRASE_FAILED, now);
        ev->count = s->passphrase_failures + 1;
        bilet_status st = commit(s, out, err);
        if (st != BILET_OK)
            return st;
        return notice(s, NOTICE_PASSPHRASE_WRONG, BILET_EPERM, err, "wrong passphrase");
    }
    s->unsealed = true;
    if (!s->opened)
        return emit_opened(s, out, s->pending_record_book, now, err);
    s->screen = s->passphrase_return;
    s->overlay_return = s->passphrase_return;
    return BILET_OK;
}

bilet_status session_handle(session *s, const session_intent *in, int64_t now, session_events *out,
                            bilet_err *err)
{
    out->n = 0;
    s->notice = NOTICE_NONE;

    if (in->kind == INTENT_INVIGILATOR) {
        if (s->screen == SCREEN_PIN || s->screen == SCREEN_INVIGILATOR)
            return BILET_OK;
        s->overlay_return = s->screen;
        s->screen = SCREEN_PIN;
        if (s->pin_locked_until > now)
            s->notice = NOTICE_PIN_LOCKED;
        return BILET_OK;
    }
    if (in->kind == INTENT_BACK) {
        switch (s->screen) {
        case SCREEN_PIN:
        case SCREEN_INVIGILATOR:
            s->screen = s->overlay_return;
            break;
        case SCREEN_CONFIRM_STUDENT:
            s->pending_student = -1;
            s->screen = SCREEN_IDENTIFY;
            break;
        case SCREEN_SUBMIT_CONFIRM:
            s->screen = SCREEN_ANSWER;
            break;
        case SCREEN_PASSPHRASE:
            /* Before the opening the invigilator may step back; after a restart the
             * tickets are needed to go on, so the prompt stays. */
            if (!s->opened) {
                s->screen = SCREEN_INVIGILATOR;
                s->overlay_return = SCREEN_LOCKED;
            }
            break;
        case SCREEN_TICKET:
            if (s->second_pending) {
                s->second_pending = false;
                s->screen = s->ticket_return;
            }
            break;
        default:
            break;
        }
        return BILET_OK;
    }
    if (is_invigilator_key(in->kind)) {
        if (s->screen != SCREEN_INVIGILATOR)
            return bilet_fail(err, BILET_ESTATE, "invigilator keys work on the invigilator screen");
        return handle_invigilator_key(s, in, now, out, err);
    }

    switch (in->kind) {
    case INTENT_PIN:
        if (s->screen != SCREEN_PIN)
            return bilet_fail(err, BILET_ESTATE, "no PIN was asked for");
        return handle_pin(s, in, now, out, err);
    case INTENT_PASSPHRASE:
        if (s->screen != SCREEN_PASSPHRASE)
            return bilet_fail(err, BILET_ESTATE, "no passphrase was asked for");
        return handle_passphrase(s, in, now, out, err);
    case INTENT_IDENTIFY:
        if (s->screen != SCREEN_IDENTIFY)
            return bilet_fail(err, BILET_ESTATE, "not on the identify screen");
        return handle_identify(s, in, now, out, err);
    case INTENT_CONFIRM: {
        if (s->screen != SCREEN_CONFIRM_STUDENT || s->pending_student < 0)
            return bilet_fail(err, BILET_ESTATE, "no student to confirm");
        event_refusal r = entry_refusal(s, s->pending_student, now);
        if (r != REFUSAL_NONE) {
            s->notice = refusal_notice(r);
            s->screen = SCREEN_IDENTIFY;
            return bilet_fail(err, BILET_ERULE, "%s", refusal_message(r));
        }
        bilet_status st = emit_identified(s, out, s->pending_student, now, err);
        if (st == BILET_OK)
            s->screen = SCREEN_TICKET;
        return st;
    }
    case INTENT_DRAW:
        if (s->screen != SCREEN_TICKET)
            return bilet_fail(err, BILET_ESTATE, "not on the ticket screen");
        return handle_draw(s, now, out, err);
    case INTENT_READY: {
        if (s->screen != SCREEN_PREP || !attempt_running(s))
            return bilet_fail(err, BILET_ESTATE, "not preparing");
        event *ev = attempt_event(s, out, EV_PERIOD_STARTED, now);
        ev->period = PERIOD_ANSWER;
        ev->deadline = now + (int64_t)s->exam->info.answer_minutes * 60;
        bilet_status st = commit(s, out, err);
        if (st == BILET_OK)
            s->screen = SCREEN_ANSWER;
        return st;
    }
    case INTENT_SUBMIT_ASK:
        if (s->screen != SCREEN_ANSWER || !is_written(s))
            return bilet_fail(err, BILET_ESTATE, "nothing to submit here");
        s->screen = SCREEN_SUBMIT_CONFIRM;
        return BILET_OK;
    case INTENT_SUBMIT: {
        if (s->screen != SCREEN_SUBMIT_CONFIRM || !attempt_running(s))
            return bilet_fail(err, BILET_ESTATE, "nothing to submit here");
        bilet_status st = emit_handin(s, out, HANDIN_STUDENT, now, err);
        if (st == BILET_OK)
            to_done(s, now);
        return st;
    }
    case INTENT_SECOND_TICKET:
        if ((s->screen != SCREEN_ANSWER && s->screen != SCREEN_PREP) || !attempt_running(s))
            return bilet_fail(err, BILET_ESTATE, "a second ticket is asked for while answering");
        if (!s->exam->info.second_ticket || s->exam->n_tickets < 2)
            return notice(s, NOTICE_SECOND_TICKET_OFF, BILET_ERULE, err,
                          "this exam gives no second ticket");
        if (s->attempt.second)
            return notice(s, NOTICE_SECOND_TICKET_USED, BILET_ERULE, err,
                          "a second ticket was already taken");
        s->second_pending = true;
        s->ticket_return = s->screen;
        s->screen = SCREEN_TICKET;
        return BILET_OK;
    case INTENT_NEXT:
        if (s->screen != SCREEN_DONE)
            return bilet_fail(err, BILET_ESTATE, "not on the done screen");
        s->has_attempt = false;
        s->pending_student = -1;
        s->large_type = false;
        s->screen = SCREEN_IDENTIFY;
        return BILET_OK;
    default:
        return bilet_fail(err, BILET_ESTATE, "unknown intent");
    }
}

static void warn_time(session *s, int64_t left)
{
    static const int marks[] = { 15, 5, 1 };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        int m = marks[i];
        if (left <= (int64_t)m * 60 && left > 0 &&
            (s->warning_minutes == 0 || s->warning_minutes > m)) {
            s->warning_minutes = m;
            s->notice = NOTICE_TIME_WARNING;
        }
    }
}

bilet_status session_tick(session *s, int64_t now, session_events *out, bilet_err *err)
{
    out->n = 0;
    if (s->pin_locked_until != 0 && now >= s->pin_locked_until)
        s->pin_locked_until = 0;
    if (s->paused || s->closed)
        return BILET_OK;
    if (s->screen == SCREEN_DONE && now >= s->done_at + SESSION_DONE_SECONDS) {
        s->has_attempt = false;
        s->pending_student = -1;
        s->large_type = false;
        s->screen = SCREEN_IDENTIFY;
        return BILET_OK;
    }
    if (!attempt_running(s) || s->attempt.ticket == 0)
        return BILET_OK;
    session_attempt *a = &s->attempt;
    if (!is_written(s) && a->period == PERIOD_PREP && now >= a->period_deadline) {
        /* Preparation ends by itself; the answer period starts when it ended. */
        event *ev = attempt_event(s, out, EV_PERIOD_STARTED, now);
        ev->period = PERIOD_ANSWER;
        ev->deadline = a->period_deadline + (int64_t)s->exam->info.answer_minutes * 60;
        bilet_status st = commit(s, out, err);
        if (st != BILET_OK)
            return st;
        session_screen *slot = student_slot(s);
        if (*slot == SCREEN_PREP)
            *slot = SCREEN_ANSWER;
        return BILET_OK;
    }
    if (is_written(s) && now >= session_deadline(s)) {
        bilet_status st = emit_handin(s, out, HANDIN_TIME_UP, now, err);
        if (st != BILET_OK)
            return st;
        /* The overlays stay where they are; the student's screen under them is done. */
        if (s->screen == SCREEN_PIN || s->screen == SCREEN_INVIGILATOR) {
            s->done_at = now;
            set_student_screen(s, SCREEN_DONE);
            s->overlay_return = SCREEN_DONE;
        } else {
            to_done(s, now);
        }
        return BILET_OK;
    }
    warn_time(s, session_time_left(s, now));
    return BILET_OK;
}

void session_restore_finish(session *s, int64_t now, int64_t downtime_seconds)
{
    session_screen sc;
    if (!s->opened)
        sc = SCREEN_LOCKED;
    else if (s->closed)
        sc = SCREEN_CLOSED;
    else if (attempt_running(s)) {
        if (s->attempt.ticket == 0)
            sc = SCREEN_TICKET;
        else
            sc = s->attempt.period == PERIOD_PREP ? SCREEN_PREP : SCREEN_ANSWER;
        if (s->attempt.away) {
            s->away_return = sc;
            sc = SCREEN_AWAY;
        }
    } else {
        s->has_attempt = false;
        sc = SCREEN_IDENTIFY;
    }
    if (s->paused && s->opened && !s->closed) {
        s->paused_return = sc;
        sc = SCREEN_PAUSED;
    }
    if (s->sealed && !s->unsealed && s->opened && !s->closed) {
        s->overlay_return = sc;
        s->passphrase_return = sc;
        sc = SCREEN_PASSPHRASE;
    } else {
        s->overlay_return = sc;
    }
    s->screen = sc;
    s->downtime_seconds = attempt_running(s) && downtime_seconds > 0 ? downtime_seconds : 0;
    if (s->pin_locked_until != 0 && now >= s->pin_locked_until)
        s->pin_locked_until = 0;
}
