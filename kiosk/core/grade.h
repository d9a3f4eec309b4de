/*
 * grade.h — grades and marks of the regulations, in digits and words, and the rules that
 * move them: the second-ticket penalty, refusal, removal, a commission's vote.
 *
 * Pure data and functions; no I/O. Words are Russian as the ведомость prints them; the UI
 * translates them through gettext when it shows them in another language.
 */
#ifndef BILET_GRADE_H
#define BILET_GRADE_H

#include <stdbool.h>
#include <stddef.h>

#include "exam.h"
#include "status.h"

typedef enum grade {
    GRADE_NONE = 0,     /* not graded yet */
    GRADE_5,            /* «отлично» */
    GRADE_4,            /* «хорошо» */
    GRADE_3,            /* «удовлетворительно» */
    GRADE_2,            /* «неудовлетворительно» */
    GRADE_PASS,         /* «зачтено» */
    GRADE_FAIL,         /* «не зачтено» */
    GRADE_ABSENT,       /* mark «не явился» */
    GRADE_NOT_ADMITTED, /* mark «не допущен» */
} grade;

enum { GRADE_COUNT = GRADE_NOT_ADMITTED + 1 };

/* The grade's stable token as records and CSV carry it: "5", "4", "3", "2", "pass",
 * "fail", "absent", "not_admitted", "" for GRADE_NONE. */
const char *grade_token(grade g);
/* «отлично», «зачтено», «не явился»…; "" for GRADE_NONE. */
const char *grade_word(grade g);
/* The grade in English words ("excellent", "not admitted"…): the msgid under which the
 * catalogs in po/ hold it in Russian, Kazakh and English, for a screen or a document in
 * the reader's language to translate; "" for GRADE_NONE (never to be translated: gettext
 * of "" is the catalog's header). grade_word stays the ведомость's Russian. */
const char *grade_msgid(grade g);
/* «отл.», «хор.», «удовл.», «неудовл.»; the word itself where there is no abbreviation. */
const char *grade_abbrev(grade g);
/* 5, 4, 3, 2 for the point grades, 0 otherwise. */
int grade_points(grade g);
/* True for a grade that counts as a result (5..2, pass, fail); false for marks and NONE. */
bool grade_is_result(grade g);
/* True for a point grade (5..2). */
bool grade_is_points(grade g);

/* Parses what a person types or a record holds: "5", "отлично", "отл.", "excellent"; "зачтено",
 * "з", "pass"; "не зачтено", "н", "fail"; "не явился", "absent"; "не допущен", "not_admitted".
 * Case-insensitive, trimmed. BILET_EPARSE with the accepted words otherwise. */
bilet_status grade_parse(const char *text, grade *out, bilet_err *err);

/* Whether a grade fits an exam form: exam and diff_zachet take 5..2, zachet takes pass/fail;
 * complex takes 5..2 per discipline; marks fit every form. */
bool grade_fits_form(grade g, exam_form form);

/* The grade after the second-ticket penalty: one point lower, never below 2; pass/fail and
 * marks are unchanged. */
grade grade_apply_second_ticket(grade g);

/* What a refusal is recorded as: before the ticket «не явился», after it
 * «неудовлетворительно» (or «не зачтено» for a зачёт). */
grade grade_for_refusal(exam_form form, bool ticket_drawn);

/* What removal for cheating is recorded as: «неудовлетворительно» («не зачтено» for a зачёт). */
grade grade_for_removal(exam_form form);

/* One commission member's vote. */
typedef struct grade_vote {
    char member[EXAM_TEXT_MAX];
    grade vote;
} grade_vote;

typedef struct grade_decision {
    grade result;
    bool quorum;        /* more than half of the commission voted */
    bool chair_decided; /* a tie broken by the chair */
    size_t n_dissent;   /* members whose vote differs from the result */
    size_t dissent[EXAM_LIST_MAX];
} grade_decision;

/* Decides a commission's grade: a quorum is a simple majority of the commission's size
 * (members present and voting); the grade with most votes wins; a tie is broken by the chair
 * (votes[0]); dissenting members are listed. BILET_ERULE without a quorum, with fewer than
 * 3 members or a vote that is not a grade. */
bilet_status grade_commission_decide(const grade_vote *votes, size_t n_votes,
                                     size_t commission_size, grade_decision *out, bilet_err *err);

#endif
