/*
 * tickets.c — reads tickets.csv: one row per question, grouped into numbered tickets.
 *
 * Columns ticket, kind, text. Rows of one ticket may be apart in the file (a teacher adds
 * a task at the end) but keep their order. Tickets run 1..N without gaps, each with at
 * least one theory question and at most TICKET_QUESTIONS_MAX questions. Ticket texts are
 * secret until drawn: every copy this file makes on the way is wiped.
 */
#include "examdir_int.h"

#include <stdlib.h>
#include <string.h>

enum { COL_TICKET, COL_KIND, COL_TEXT, COLS };

static const examdir_column columns[COLS] = {
    { "ticket", true },
    { "kind", true },
    { "text", true },
};

static const char *const kind_words[] = { "q", "task", "вопрос", "задача" };

typedef struct ticket_rows {
    int first_line; /* line of the ticket's first row */
} ticket_rows;

static void free_tickets(exam_ticket *t, size_t n)
{
    if (!t)
        return;
    exam tmp = { 0 };
    tmp.tickets = t;
    tmp.n_tickets = n;
    exam_free(&tmp);
}

bilet_status examdir_tickets_load(const char *path, exam *e, bilet_err *err)
{
    examdir_csv t;
    bilet_status st = examdir_csv_read(path, (size_t)EXAM_TICKETS_MAX * TICKET_QUESTIONS_MAX,
                                       QUESTION_TEXT_MAX * 2, &t, err);
    if (st != BILET_OK)
        return st;
    int col[COLS];
    exam_ticket *tickets = NULL;
    ticket_rows *rows = NULL;
    st = examdir_csv_columns(path, &t, columns, COLS, col, err);
    if (st != BILET_OK)
        goto out_free;
    if (t.n_rows < 2) {
        st = bilet_fail(err, BILET_EPARSE, "%s: there are no tickets", path);
        goto out_free;
    }
    tickets = calloc(EXAM_TICKETS_MAX, sizeof *tickets);
    rows = calloc(EXAM_TICKETS_MAX, sizeof *rows);
    if (!tickets || !rows) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
        goto out_free;
    }
    int highest = 0;
    for (size_t i = 1; i < t.n_rows; i++) {
        const examdir_csv_row *r = &t.row[i];
        st = examdir_csv_check_extra(path, &t, r, err);
        if (st != BILET_OK)
            goto out_free;
        int number;
        st = examdir_value_int(path, r->line, "ticket", examdir_csv_field(r, col[COL_TICKET]), 1,
                               EXAM_TICKETS_MAX, &number, err);
        if (st != BILET_OK)
            goto out_free;
        size_t kind;
        st = examdir_value_word(path, r->line, "kind", examdir_csv_field(r, col[COL_KIND]),
                                kind_words, 4, "q, task, вопрос, задача", &kind, err);
        if (st != BILET_OK)
            goto out_free;
        const char *text = examdir_csv_field(r, col[COL_TEXT]);
        size_t len = strlen(text);
        if (len == 0) {
            st = bilet_fail(err, BILET_EPARSE, "%s:%d: field text: empty", path, r->line);
            goto out_free;
        }
        if (len >= QUESTION_TEXT_MAX) {
            st = bilet_fail(err, BILET_EPARSE, "%s:%d: field text: %zu bytes; at most %d", path,
                            r->line, len, (int)QUESTION_TEXT_MAX - 1);
            goto out_free;
        }
        exam_ticket *tk = &tickets[number - 1];
        if (tk->n_questions == TICKET_QUESTIONS_MAX) {
            st = bilet_fail(err, BILET_EPARSE, "%s:%d: ticket %d has more than %d questions", path,
                            r->line, number, (int)TICKET_QUESTIONS_MAX);
            goto out_free;
        }
        char *copy = malloc(len + 1);
        if (!copy) {
            st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
            goto out_free;
        }
        memcpy(copy, text, len + 1);
        if (tk->n_questions == 0)
            rows[number - 1].first_line = r->line;
        tk->number = number;
        tk->question[tk->n_questions].kind = kind % 2 == 0 ? QUESTION_THEORY : QUESTION_TASK;
        tk->question[tk->n_questions].text = copy;
        tk->n_questions++;
        if (number > highest)
            highest = number;
    }
    for (int n = 1; n <= highest; n++) {
        const exam_ticket *tk = &tickets[n - 1];
        if (tk->n_questions == 0) {
            st = bilet_fail(err, BILET_EPARSE,
                            "%s: ticket %d is missing (tickets are numbered 1..%d without gaps)",
                            path, n, highest);
            goto out_free;
        }
        bool theory = false;
        for (size_t q = 0; q < tk->n_questions; q++)
            theory = theory || tk->question[q].kind == QUESTION_THEORY;
        if (!theory) {
            st = bilet_fail(err, BILET_EPARSE,
                            "%s:%d: ticket %d has no theory question (kind q), only tasks", path,
                            rows[n - 1].first_line, n);
            goto out_free;
        }
    }
    /* Shrink to the tickets there are; the tail past highest is all zero. */
    exam_ticket *fit = realloc(tickets, (size_t)highest * sizeof *fit);
    if (fit)
        tickets = fit;
    e->tickets = tickets;
    e->n_tickets = (size_t)highest;
    tickets = NULL;
out_free:
    free_tickets(tickets, EXAM_TICKETS_MAX);
    free(rows);
    examdir_csv_free(&t, true);
    return st;
}
