/*
 * exam.h — the exam model: what an exam directory (or a package) says, once loaded.
 *
 * Pure data, no I/O: kiosk/examdir/ fills it from files, the session machine and the
 * documents read it. Strings are UTF-8, NUL-terminated, cut to their field size by the
 * loader (which refuses values that do not fit rather than cutting them silently).
 * Ownership: an exam is created by the loader and released with exam_free(); ticket texts
 * are heap strings owned by the exam. Nothing here is secret except ticket texts, which a
 * sealed package keeps sealed until the session opens (then tickets are attached).
 */
#ifndef BILET_EXAM_H
#define BILET_EXAM_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum {
    EXAM_ID_MAX = 64,
    EXAM_TEXT_MAX = 256,  /* discipline, institution, one name in a list */
    EXAM_SHORT_MAX = 64,  /* group, room, date, start */
    EXAM_LIST_MAX = 12,   /* examiners, commission members, disciplines */
    RECORD_BOOK_MAX = 32, /* record-book number, UTF-8 */
    FULL_NAME_MAX = 192,
    EXAM_STUDENTS_MAX = 2000,
    EXAM_TICKETS_MAX = 500,
    TICKET_QUESTIONS_MAX = 16,
    QUESTION_TEXT_MAX = 8192,
};

typedef enum exam_form {
    EXAM_FORM_EXAM,
    EXAM_FORM_ZACHET,
    EXAM_FORM_DIFF_ZACHET,
    EXAM_FORM_COMPLEX,
} exam_form;

typedef enum exam_mode {
    EXAM_MODE_WRITTEN,
    EXAM_MODE_ORAL,
} exam_mode;

typedef enum exam_code_mode {
    EXAM_CODE_BLIND,
    EXAM_CODE_RECORD_BOOK,
} exam_code_mode;

typedef enum student_status {
    STUDENT_ADMITTED,
    STUDENT_NOT_ADMITTED,
    STUDENT_EXPELLED,
} student_status;

typedef enum question_kind {
    QUESTION_THEORY, /* `q`, «вопрос» */
    QUESTION_TASK,   /* `task`, «задача» */
} question_kind;

typedef struct exam_list {
    size_t n;
    char item[EXAM_LIST_MAX][EXAM_TEXT_MAX];
} exam_list;

/* A policy profile (config/policies/NAME.ini): the limits of the regulations. */
typedef struct exam_policy {
    char name[EXAM_SHORT_MAX];
    int oral_prep_min; /* minutes, inclusive bounds of prep_minutes for oral exams */
    int oral_prep_max;
    int oral_answer_max;           /* max answer_minutes for oral exams */
    int written_max;               /* max answer_minutes for written exams */
    bool second_ticket_penalty;    /* a second ticket lowers the grade by one point */
    int grading_deadline_days;     /* written work graded within this many days */
    bool grading_deadline_working; /* counted in working days */
    int retention_years;           /* keep written work this long */
    int max_retakes;               /* retakes allowed after the first attempt */
    int commission_attempt;        /* the attempt sat before a commission */
    int commission_min;            /* members incl. chair */
    /* The clauses of the regulations behind the figures, as the profile's [clauses] section
     * names them ("002 3.11, 001 3.8.6"); "" when the profile names none. Messages cite them. */
    char clause_oral_prep[EXAM_SHORT_MAX];
    char clause_oral_answer[EXAM_SHORT_MAX];
    char clause_written[EXAM_SHORT_MAX];
    char clause_second_ticket[EXAM_SHORT_MAX];
    char clause_grading_deadline[EXAM_SHORT_MAX];
    char clause_retention[EXAM_SHORT_MAX];
    char clause_retakes[EXAM_SHORT_MAX];
} exam_policy;

typedef struct exam_student {
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    char group[EXAM_SHORT_MAX];
    student_status status;
    int extra_minutes;
    int subgroup; /* 1 when the roster has no subgroup column */
    int line;     /* line of roster.csv where the row starts */
} exam_student;

typedef struct exam_question {
    question_kind kind;
    char *text; /* owned */
} exam_question;

typedef struct exam_ticket {
    int number; /* 1..n_tickets */
    size_t n_questions;
    exam_question question[TICKET_QUESTIONS_MAX];
} exam_ticket;

typedef struct exam_info {
    char id[EXAM_ID_MAX];
    char discipline[EXAM_TEXT_MAX];
    exam_form form;
    exam_mode mode;
    char group[EXAM_SHORT_MAX];
    char date[EXAM_SHORT_MAX];  /* YYYY-MM-DD */
    char start[EXAM_SHORT_MAX]; /* HH:MM */
    char room[EXAM_SHORT_MAX];
    exam_list examiners;
    int prep_minutes;
    int answer_minutes;
    int subgroups;
    char policy[EXAM_SHORT_MAX];
    exam_code_mode code;
    bool second_ticket; /* already resolved: exam.ini's value, else the policy's */
    int attempt;        /* 1, 2 or 3 */
    char institution[EXAM_TEXT_MAX];
    exam_list commission;  /* chair first */
    exam_list disciplines; /* complex exams */
    /* Where exam.ini set the keys the policy check names (0: not from a file). */
    struct {
        int form, prep_minutes, answer_minutes, subgroups, policy, attempt, commission;
    } line;
} exam_info;

typedef struct exam {
    exam_info info;
    exam_policy policy;
    size_t n_students;
    exam_student *students; /* owned */
    size_t n_tickets;
    exam_ticket *tickets; /* owned; NULL while a package keeps them sealed */
} exam;

/* Releases what the exam owns and zeroes it (ticket texts are wiped first). NULL is fine. */
void exam_free(exam *e);

/* Wipes and frees the ticket texts, keeping n_tickets: a sealed package's exam after its
 * session is closed. NULL and an exam without tickets are fine. */
void exam_forget_tickets(exam *e);

/* The student with this record-book number (compared trimmed), or NULL. */
const exam_student *exam_find_student(const exam *e, const char *record_book);

/* The ticket numbered n, or NULL. */
const exam_ticket *exam_ticket_by_number(const exam *e, int n);

/* Checks the exam against its policy profile and the regulations' structural rules
 * (durations, attempts and commission size, second ticket, complex exams, subgroups,
 * tickets numbered 1..N with a question each). Returns BILET_OK or BILET_ERULE with the
 * reason, naming the file relative to the exam directory ("exam.ini: prep_minutes = 20 is
 * outside the university profile's oral preparation of 45–60 min (002 3.11, 001 3.8.6)").
 * Tickets are checked only when attached (a sealed package keeps them NULL). */
bilet_status exam_check_policy(const exam *e, bilet_err *err);

/* Words for the enums, as exam.ini spells them ("written") and as people read them
 * (Russian: «экзамен»). */
const char *exam_form_name(exam_form f);
const char *exam_mode_name(exam_mode m);
const char *exam_code_mode_name(exam_code_mode c);
const char *student_status_name(student_status s);
const char *exam_form_title_ru(exam_form f);
const char *student_status_title_ru(student_status s);

#endif
