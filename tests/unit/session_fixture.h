/*
 * session_fixture.h — an exam built in memory for the session machine's tests, a scripted
 * random source, a fake answer text, and helpers that press keys with a clock.
 */
#ifndef BILET_SESSION_FIXTURE_H
#define BILET_SESSION_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "text.h"

#define T0 1766221200 /* 2025-12-20 09:00:00 UTC, the fixture's opening time */

typedef struct fixture {
    exam e;
    session s;
    session_events ev;
    bilet_err err;
    int64_t now;
    uint32_t picks[64];
    size_t n_picks;
    size_t next_pick;
    const char *answer;
    event log[256]; /* every event handed out, for replay tests */
    char *log_text[256];
    size_t n_log;
} fixture;

static uint32_t fixture_uniform(void *ctx, uint32_t upper)
{
    fixture *f = ctx;
    uint32_t v = f->next_pick < f->n_picks ? f->picks[f->next_pick++] : 0;
    return v % upper;
}

static const char *fixture_answer(void *ctx)
{
    fixture *f = ctx;
    return f->answer;
}

static bilet_status fixture_code(void *ctx, const char *rb, char *out, size_t cap, bilet_err *err)
{
    (void)ctx;
    (void)err;
    snprintf(out, cap, "CODE-%s", rb);
    return BILET_OK;
}

static void add_student(exam *e, const char *rb, const char *name, student_status st, int extra,
                        int subgroup)
{
    exam_student *s = &e->students[e->n_students++];
    memset(s, 0, sizeof *s);
    text_copy(s->record_book, sizeof s->record_book, rb);
    text_copy(s->full_name, sizeof s->full_name, name);
    text_copy(s->group, sizeof s->group, "ГД-21");
    s->status = st;
    s->extra_minutes = extra;
    s->subgroup = subgroup;
}

/* Builds the exam: written unless oral; 4 tickets of 2 questions and a task. */
static void fixture_exam(exam *e, exam_mode mode, exam_form form, int n_tickets)
{
    memset(e, 0, sizeof *e);
    exam_info *in = &e->info;
    text_copy(in->id, sizeof in->id, "2025-12-TEST");
    text_copy(in->discipline, sizeof in->discipline, "Технология горных работ");
    in->form = form;
    in->mode = mode;
    text_copy(in->group, sizeof in->group, "ГД-21");
    text_copy(in->date, sizeof in->date, "2025-12-20");
    text_copy(in->start, sizeof in->start, "09:00");
    in->examiners.n = 2;
    text_copy(in->examiners.item[0], EXAM_TEXT_MAX, "Петров П.П.");
    text_copy(in->examiners.item[1], EXAM_TEXT_MAX, "Сидорова А.А.");
    in->prep_minutes = mode == EXAM_MODE_ORAL ? 20 : 0;
    in->answer_minutes = mode == EXAM_MODE_ORAL ? 15 : 90;
    in->subgroups = 2;
    in->second_ticket = true;
    in->attempt = 1;
    text_copy(in->policy, sizeof in->policy, "college");
    e->policy.second_ticket_penalty = true;
    text_copy(e->policy.name, sizeof e->policy.name, "college");
    e->students = calloc(8, sizeof *e->students);
    add_student(e, "21-0001", "Абрамов Алексей Игоревич", STUDENT_ADMITTED, 0, 1);
    add_student(e, "21-0002", "Борисова Вера Андреевна", STUDENT_ADMITTED, 0, 1);
    add_student(e, "21-0003", "Әбілқасымов Нұрлан Серікұлы", STUDENT_ADMITTED, 30, 1);
    add_student(e, "21-0004", "Жуков Пётр Ильич", STUDENT_NOT_ADMITTED, 0, 1);
    add_student(e, "21-0005", "Лебедев Иван Олегович", STUDENT_EXPELLED, 0, 1);
    add_student(e, "21-0006", "Сәрсенбаева Ақерке Өмірзаққызы", STUDENT_ADMITTED, 0, 2);
    add_student(e, "21-0007", "Волков Денис Сергеевич", STUDENT_ADMITTED, 0, 1);
    e->tickets = calloc((size_t)n_tickets, sizeof *e->tickets);
    e->n_tickets = (size_t)n_tickets;
    for (int t = 0; t < n_tickets; t++) {
        exam_ticket *k = &e->tickets[t];
        k->number = t + 1;
        k->n_questions = 3;
        for (int q = 0; q < 3; q++) {
            char buf[64];
            snprintf(buf, sizeof buf, "Билет %d, %s %d", t + 1, q < 2 ? "вопрос" : "задача", q + 1);
            k->question[q].kind = q < 2 ? QUESTION_THEORY : QUESTION_TASK;
            k->question[q].text = strdup(buf);
        }
    }
}

static void fixture_log(fixture *f)
{
    for (size_t i = 0; i < f->ev.n && f->n_log < 256; i++) {
        f->log[f->n_log] = f->ev.ev[i];
        f->log_text[f->n_log] = f->ev.ev[i].text ? strdup(f->ev.ev[i].text) : NULL;
        f->log[f->n_log].text = f->log_text[f->n_log];
        f->n_log++;
    }
}

static void fixture_setup_mode(fixture *f, exam_mode mode, exam_form form, bool sealed)
{
    memset(f, 0, sizeof *f);
    fixture_exam(&f->e, mode, form, 4);
    f->now = T0;
    f->answer = "Ответ студента";
    session_rng rng = { f, fixture_uniform };
    session_text txt = { f, fixture_answer };
    session_coder coder = { f, fixture_code };
    bilet_status st =
        session_init(&f->s, &f->e, "ауд. 214, место 3", "abc123", sealed, rng, txt, coder, &f->err);
    if (st != BILET_OK)
        abort();
}

static void fixture_teardown(fixture *f)
{
    session_free(&f->s);
    for (size_t i = 0; i < f->n_log; i++)
        free(f->log_text[i]);
    /* exam_free owns ticket texts and students */
    exam_free(&f->e);
    free(f);
}

static bilet_status press(fixture *f, session_intent_kind k)
{
    session_intent in = { .kind = k };
    bilet_status st = session_handle(&f->s, &in, f->now, &f->ev, &f->err);
    fixture_log(f);
    return st;
}

static bilet_status press_text(fixture *f, session_intent_kind k, const char *text)
{
    session_intent in = { .kind = k, .text = text };
    bilet_status st = session_handle(&f->s, &in, f->now, &f->ev, &f->err);
    fixture_log(f);
    return st;
}

static bilet_status press_ok(fixture *f, session_intent_kind k, bool ok)
{
    session_intent in = { .kind = k, .ok = ok };
    bilet_status st = session_handle(&f->s, &in, f->now, &f->ev, &f->err);
    fixture_log(f);
    return st;
}

static bilet_status press_grade(fixture *f, grade g)
{
    session_intent in = { .kind = INTENT_ORAL_GRADE, .grade_value = g };
    bilet_status st = session_handle(&f->s, &in, f->now, &f->ev, &f->err);
    fixture_log(f);
    return st;
}

static void wait_seconds(fixture *f, int64_t sec)
{
    /* Ticks as frames would: once a second. */
    for (int64_t i = 0; i < sec; i++) {
        f->now++;
        session_tick(&f->s, f->now, &f->ev, &f->err);
        fixture_log(f);
    }
}

/* F12, PIN ok → invigilator. */
static void invigilator(fixture *f)
{
    press(f, INTENT_INVIGILATOR);
    press_ok(f, INTENT_PIN, true);
}

/* Opens the session on the exam's date. */
static void open_session(fixture *f)
{
    invigilator(f);
    press_text(f, INTENT_OPEN, f->e.info.date);
}

/* Identifies and confirms a student, leaving the terminal on the ticket screen. */
static void seat(fixture *f, const char *rb)
{
    press_text(f, INTENT_IDENTIFY, rb);
    press(f, INTENT_CONFIRM);
}

static const event *last_event(fixture *f, event_type t)
{
    for (size_t i = f->n_log; i > 0; i--)
        if (f->log[i - 1].type == t)
            return &f->log[i - 1];
    return NULL;
}

static size_t count_events(fixture *f, event_type t)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n_log; i++)
        n += f->log[i].type == t;
    return n;
}

#endif
