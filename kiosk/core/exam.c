/*
 * exam.c — the exam model's lookups, names, release, and the check of an exam against its
 * policy profile and the regulations' structural rules.
 *
 * Pure C, libc only: the loader (kiosk/examdir) fills the model from files, a package
 * reader from a sealed bundle; both then call exam_check_policy, so every way in meets
 * the same rules. Messages name the file relative to the exam directory ("exam.ini: ...");
 * the loader prefixes the directory. Load is one check per exam, a few thousand students.
 */
#include "exam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ticket texts stay secret until drawn; a volatile store keeps the wipe from being
 * optimised away before free(). */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void exam_forget_tickets(exam *e)
{
    if (!e || !e->tickets)
        return;
    for (size_t i = 0; i < e->n_tickets; i++) {
        exam_ticket *t = &e->tickets[i];
        for (size_t q = 0; q < t->n_questions && q < TICKET_QUESTIONS_MAX; q++) {
            if (t->question[q].text) {
                wipe(t->question[q].text, strlen(t->question[q].text));
                free(t->question[q].text);
                t->question[q].text = NULL;
            }
        }
    }
    free(e->tickets);
    e->tickets = NULL;
}

void exam_free(exam *e)
{
    if (!e)
        return;
    exam_forget_tickets(e);
    free(e->students);
    memset(e, 0, sizeof *e);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The bytes of s without the white space around it: *len bytes from the returned start. */
static const char *trimmed(const char *s, size_t *len)
{
    while (is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* Compares record books as a person means them: the white space around either is no part
 * of the number. */
static bool record_book_equal(const char *stored, const char *typed)
{
    size_t n;
    size_t m;
    const char *a = trimmed(stored, &m);
    const char *b = trimmed(typed, &n);
    return n == m && memcmp(a, b, n) == 0;
}

const exam_student *exam_find_student(const exam *e, const char *record_book)
{
    if (!e || !record_book || !e->students)
        return NULL;
    for (size_t i = 0; i < e->n_students; i++)
        if (record_book_equal(e->students[i].record_book, record_book))
            return &e->students[i];
    return NULL;
}

const exam_ticket *exam_ticket_by_number(const exam *e, int n)
{
    if (!e || !e->tickets || n < 1 || (size_t)n > e->n_tickets)
        return NULL;
    const exam_ticket *t = &e->tickets[n - 1];
    if (t->number == n)
        return t;
    for (size_t i = 0; i < e->n_tickets; i++)
        if (e->tickets[i].number == n)
            return &e->tickets[i];
    return NULL;
}

/* " (002 3.11)" for a clause, "" without one; the buffer is the caller's. */
static const char *cite(const char *clause, char *buf, size_t cap)
{
    if (!clause || !clause[0]) {
        buf[0] = '\0';
        return buf;
    }
    snprintf(buf, cap, " (%s)", clause);
    return buf;
}

/* "exam.ini:12" when the key's line is known, "exam.ini" otherwise. */
static const char *at(int line, char *buf, size_t cap)
{
    if (line > 0)
        snprintf(buf, cap, "exam.ini:%d", line);
    else
        snprintf(buf, cap, "exam.ini");
    return buf;
}

static bilet_status check_attempt(const exam *e, bilet_err *err)
{
    char l[32];
    const exam_info *in = &e->info;
    const exam_policy *p = &e->policy;
    char c[EXAM_SHORT_MAX + 4];
    if (in->attempt < 1)
        return bilet_fail(err, BILET_ERULE, "%s: attempt = %d: attempts count from 1",
                          at(in->line.attempt, l, sizeof l), in->attempt);
    if (in->attempt > 1 + p->max_retakes)
        return bilet_fail(err, BILET_ERULE,
                          "%s: attempt = %d is beyond the %s profile's first attempt and %d "
                          "retake%s%s",
                          at(in->line.attempt, l, sizeof l), in->attempt, p->name, p->max_retakes,
                          p->max_retakes == 1 ? "" : "s", cite(p->clause_retakes, c, sizeof c));
    if (in->attempt == p->commission_attempt && (int)in->commission.n < p->commission_min)
        return bilet_fail(
            err, BILET_ERULE,
            "%s: attempt = %d is sat before a commission: commission lists "
            "%zu name%s, the %s profile needs at least %d, chair first%s",
            at(in->line.commission ? in->line.commission : in->line.attempt, l, sizeof l),
            in->attempt, in->commission.n, in->commission.n == 1 ? "" : "s", p->name,
            p->commission_min, cite(p->clause_retakes, c, sizeof c));
    return BILET_OK;
}

static bilet_status check_durations(const exam *e, bilet_err *err)
{
    char l[32];
    const exam_info *in = &e->info;
    const exam_policy *p = &e->policy;
    char c[EXAM_SHORT_MAX + 4];
    if (in->mode == EXAM_MODE_ORAL) {
        if (in->prep_minutes < p->oral_prep_min || in->prep_minutes > p->oral_prep_max)
            return bilet_fail(err, BILET_ERULE,
                              "%s: prep_minutes = %d is outside the %s profile's oral "
                              "preparation of %d–%d min%s",
                              at(in->line.prep_minutes, l, sizeof l), in->prep_minutes, p->name,
                              p->oral_prep_min, p->oral_prep_max,
                              cite(p->clause_oral_prep, c, sizeof c));
        if (in->answer_minutes <= 0)
            return bilet_fail(err, BILET_ERULE,
                              "%s: answer_minutes = %d: an oral answer needs at least a "
                              "minute (at most %d min under the %s profile)",
                              at(in->line.answer_minutes, l, sizeof l), in->answer_minutes,
                              p->oral_answer_max, p->name);
        if (in->answer_minutes > p->oral_answer_max)
            return bilet_fail(err, BILET_ERULE,
                              "%s: answer_minutes = %d is over the %s profile's oral "
                              "answer of at most %d min%s",
                              at(in->line.answer_minutes, l, sizeof l), in->answer_minutes, p->name,
                              p->oral_answer_max, cite(p->clause_oral_answer, c, sizeof c));
        return BILET_OK;
    }
    if (in->prep_minutes != 0)
        return bilet_fail(err, BILET_ERULE,
                          "%s: prep_minutes = %d: a written exam has no preparation "
                          "period (its time runs from the session's opening); set "
                          "prep_minutes = 0",
                          at(in->line.prep_minutes, l, sizeof l), in->prep_minutes);
    if (in->answer_minutes <= 0)
        return bilet_fail(err, BILET_ERULE,
                          "%s: answer_minutes = %d: a written exam needs time to write "
                          "(1–%d min under the %s profile)",
                          at(in->line.answer_minutes, l, sizeof l), in->answer_minutes,
                          p->written_max, p->name);
    if (in->answer_minutes > p->written_max)
        return bilet_fail(err, BILET_ERULE,
                          "%s: answer_minutes = %d is over the %s profile's written exam "
                          "of at most %d min%s",
                          at(in->line.answer_minutes, l, sizeof l), in->answer_minutes, p->name,
                          p->written_max, cite(p->clause_written, c, sizeof c));
    return BILET_OK;
}

static bilet_status check_roster(const exam *e, bilet_err *err)
{
    char l[32];
    if (e->info.subgroups < 1)
        return bilet_fail(err, BILET_ERULE, "%s: subgroups = %d: there is at least one",
                          at(e->info.line.subgroups, l, sizeof l), e->info.subgroups);
    if (!e->students)
        return BILET_OK;
    for (size_t i = 0; i < e->n_students; i++) {
        const exam_student *s = &e->students[i];
        if (s->subgroup < 1 || s->subgroup > e->info.subgroups)
            return bilet_fail(err, BILET_ERULE,
                              "roster.csv:%d: field subgroup: %d is outside 1–%d (exam.ini's "
                              "subgroups = %d)",
                              s->line, s->subgroup, e->info.subgroups, e->info.subgroups);
    }
    return BILET_OK;
}

static bilet_status check_tickets(const exam *e, bilet_err *err)
{
    if (!e->tickets)
        return BILET_OK;
    if (e->n_tickets == 0)
        return bilet_fail(err, BILET_ERULE, "tickets.csv: there are no tickets");
    for (size_t i = 0; i < e->n_tickets; i++) {
        const exam_ticket *t = &e->tickets[i];
        if (t->number != (int)i + 1)
            return bilet_fail(err, BILET_ERULE,
                              "tickets.csv: ticket %zu is missing (tickets are numbered 1..%zu "
                              "without gaps)",
                              i + 1, e->n_tickets);
        if (t->n_questions > TICKET_QUESTIONS_MAX)
            return bilet_fail(err, BILET_ERULE,
                              "tickets.csv: ticket %d has %zu questions; at most %d", t->number,
                              t->n_questions, (int)TICKET_QUESTIONS_MAX);
        bool theory = false;
        for (size_t q = 0; q < t->n_questions; q++)
            theory = theory || t->question[q].kind == QUESTION_THEORY;
        if (!theory)
            return bilet_fail(err, BILET_ERULE,
                              "tickets.csv: ticket %d has no theory question (kind q)", t->number);
    }
    return BILET_OK;
}

bilet_status exam_check_policy(const exam *e, bilet_err *err)
{
    char l[32];
    if (!e)
        return bilet_fail(err, BILET_EINVAL, "no exam to check");
    const exam_info *in = &e->info;
    const exam_policy *p = &e->policy;
    if (strcmp(in->policy, p->name) != 0)
        return bilet_fail(err, BILET_ERULE, "%s: policy = %s, but the profile loaded is %s",
                          at(in->line.policy, l, sizeof l), in->policy, p->name);
    bilet_status st = check_attempt(e, err);
    if (st != BILET_OK)
        return st;
    st = check_durations(e, err);
    if (st != BILET_OK)
        return st;
    if (in->form == EXAM_FORM_COMPLEX && in->disciplines.n < 2)
        return bilet_fail(err, BILET_ERULE,
                          "%s: form = complex needs at least 2 disciplines (disciplines "
                          "lists %zu)",
                          at(in->line.form, l, sizeof l), in->disciplines.n);
    st = check_roster(e, err);
    if (st != BILET_OK)
        return st;
    return check_tickets(e, err);
}

const char *exam_form_name(exam_form f)
{
    switch (f) {
    case EXAM_FORM_EXAM:
        return "exam";
    case EXAM_FORM_ZACHET:
        return "zachet";
    case EXAM_FORM_DIFF_ZACHET:
        return "diff_zachet";
    case EXAM_FORM_COMPLEX:
        return "complex";
    }
    return "?";
}

const char *exam_mode_name(exam_mode m)
{
    switch (m) {
    case EXAM_MODE_WRITTEN:
        return "written";
    case EXAM_MODE_ORAL:
        return "oral";
    }
    return "?";
}

const char *exam_code_mode_name(exam_code_mode c)
{
    switch (c) {
    case EXAM_CODE_BLIND:
        return "blind";
    case EXAM_CODE_RECORD_BOOK:
        return "record_book";
    }
    return "?";
}

const char *student_status_name(student_status s)
{
    switch (s) {
    case STUDENT_ADMITTED:
        return "admitted";
    case STUDENT_NOT_ADMITTED:
        return "not_admitted";
    case STUDENT_EXPELLED:
        return "expelled";
    }
    return "?";
}

const char *exam_form_title_ru(exam_form f)
{
    switch (f) {
    case EXAM_FORM_EXAM:
        return "экзамен";
    case EXAM_FORM_ZACHET:
        return "зачёт";
    case EXAM_FORM_DIFF_ZACHET:
        return "дифференцированный зачёт";
    case EXAM_FORM_COMPLEX:
        return "комплексный экзамен";
    }
    return "?";
}

const char *student_status_title_ru(student_status s)
{
    switch (s) {
    case STUDENT_ADMITTED:
        return "допущен";
    case STUDENT_NOT_ADMITTED:
        return "не допущен";
    case STUDENT_EXPELLED:
        return "отчислен";
    }
    return "?";
}
