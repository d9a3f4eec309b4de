/*
 * results.c — folds events into one row per attempt. Attempts are few (a terminal sees a
 * few dozen a session), so rows are found by a linear search from the end.
 */
#include "results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void results_init(results *r)
{
    memset(r, 0, sizeof *r);
}

void results_free(results *r)
{
    if (!r)
        return;
    free(r->rows);
    memset(r, 0, sizeof *r);
}

const char *results_outcome_name(results_outcome o)
{
    switch (o) {
    case RESULT_RUNNING:
        return "running";
    case RESULT_SUBMITTED:
        return "submitted";
    case RESULT_REFUSED:
        return "refused";
    case RESULT_REMOVED:
        return "removed";
    case RESULT_GRADED:
        return "graded";
    }
    return "";
}

static results_row *find_row(results *r, const char *exam_id, int attempt)
{
    for (size_t i = r->n; i > 0; i--)
        if (r->rows[i - 1].attempt == attempt && strcmp(r->rows[i - 1].exam, exam_id) == 0)
            return &r->rows[i - 1];
    return NULL;
}

static bilet_status new_row(results *r, results_row **out, bilet_err *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        results_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for %zu result rows", cap);
        r->rows = rows;
        r->cap = cap;
    }
    *out = &r->rows[r->n++];
    memset(*out, 0, sizeof **out);
    return BILET_OK;
}

static void set_grade(results_row *row, grade g, const char *discipline)
{
    for (size_t i = 0; i < row->n_grades; i++) {
        if (strcmp(row->disciplines[i], discipline) == 0) {
            row->grades[i] = g;
            return;
        }
    }
    if (row->n_grades < EXAM_LIST_MAX) {
        row->grades[row->n_grades] = g;
        text_copy(row->disciplines[row->n_grades], EXAM_TEXT_MAX, discipline);
        row->n_grades++;
    }
}

bilet_status results_add(results *r, const char *exam_id, const event *ev, bilet_err *err)
{
    if (ev->type == EV_STUDENT_IDENTIFIED) {
        results_row *row = NULL;
        bilet_status st = new_row(r, &row, err);
        if (st != BILET_OK)
            return st;
        text_copy(row->exam, sizeof row->exam, exam_id);
        row->attempt = ev->attempt;
        text_copy(row->record_book, sizeof row->record_book, ev->record_book);
        text_copy(row->full_name, sizeof row->full_name, ev->full_name);
        text_copy(row->code, sizeof row->code, ev->code);
        row->started = ev->time;
        return BILET_OK;
    }
    if (ev->attempt == 0)
        return BILET_OK;
    results_row *row = find_row(r, exam_id, ev->attempt);
    if (!row)
        return BILET_OK;
    switch (ev->type) {
    case EV_TICKET_DRAWN:
        if (ev->second)
            row->first_ticket = row->ticket;
        row->ticket = ev->ticket;
        break;
    case EV_STUDENT_RETURNED:
        row->away_seconds += ev->seconds;
        break;
    case EV_EXTRA_TIME:
        row->extra_seconds += ev->seconds;
        break;
    case EV_ANSWER_SUBMITTED:
        row->outcome = RESULT_SUBMITTED;
        row->handin = ev->handin;
        row->finished = ev->time;
        row->chars = ev->chars;
        row->words = ev->words;
        break;
    case EV_REFUSED:
        row->outcome = RESULT_REFUSED;
        row->finished = ev->time;
        set_grade(row, ev->grade_given, "");
        break;
    case EV_REMOVED:
        row->outcome = RESULT_REMOVED;
        row->finished = ev->time;
        row->chars = ev->chars;
        row->words = ev->words;
        set_grade(row, ev->grade_given, "");
        break;
    case EV_GRADED:
        row->outcome = RESULT_GRADED;
        row->finished = ev->time;
        set_grade(row, ev->grade_final, ev->discipline);
        break;
    case EV_CORRECTION:
        set_grade(row, ev->grade_given, ev->discipline);
        row->corrected = true;
        text_copy(row->corrected_by, sizeof row->corrected_by, ev->by);
        text_copy(row->correction_reason, sizeof row->correction_reason, ev->reason);
        break;
    default:
        break;
    }
    return BILET_OK;
}

const char *const results_columns[RESULTS_COLUMNS] = {
    "attempt_id",        "exam",    "record_book", "full_name",     "code",         "ticket",
    "first_ticket",      "outcome", "handin",      "grade",         "grade_word",   "started",
    "finished",          "chars",   "words",       "extra_seconds", "away_seconds", "corrected_by",
    "correction_reason",
};

bool results_column_numeric(size_t column)
{
    return column == 5 || column == 6 || (column >= 13 && column <= 16);
}

/* The final grades as text: "5", or "discipline:5;discipline:4" for a complex exam. */
static void grade_text(const results_row *row, bool words, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < row->n_grades && used < cap; i++) {
        const char *g = words ? grade_word(row->grades[i]) : grade_token(row->grades[i]);
        int k = snprintf(out + used, cap - used, "%s%s%s%s", i ? ";" : "", row->disciplines[i],
                         row->disciplines[i][0] ? ":" : "", g);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

void results_row_values(const results_row *row, const char *kiosk_hex, results_time_fn time_text,
                        char vals[RESULTS_COLUMNS][RESULTS_VALUE_MAX])
{
    enum { V = RESULTS_VALUE_MAX };
    snprintf(vals[0], V, "%.8s-%d", kiosk_hex, row->attempt);
    snprintf(vals[1], V, "%s", row->exam);
    snprintf(vals[2], V, "%s", row->record_book);
    snprintf(vals[3], V, "%s", row->full_name);
    snprintf(vals[4], V, "%s", row->code);
    snprintf(vals[5], V, "%d", row->ticket);
    snprintf(vals[6], V, "%d", row->first_ticket);
    snprintf(vals[7], V, "%s", results_outcome_name(row->outcome));
    snprintf(vals[8], V, "%s",
             row->outcome == RESULT_SUBMITTED ? event_handin_name(row->handin) : "");
    grade_text(row, false, vals[9], V);
    grade_text(row, true, vals[10], V);
    time_text(row->started, vals[11], V);
    time_text(row->finished, vals[12], V);
    snprintf(vals[13], V, "%lld", (long long)row->chars);
    snprintf(vals[14], V, "%lld", (long long)row->words);
    snprintf(vals[15], V, "%lld", (long long)row->extra_seconds);
    snprintf(vals[16], V, "%lld", (long long)row->away_seconds);
    snprintf(vals[17], V, "%s", row->corrected_by);
    snprintf(vals[18], V, "%s", row->correction_reason);
}
