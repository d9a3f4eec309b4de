/*
 * gmodel.h — one exam as blind grading sees it, folded from the central store: the exam
 * added with --add-exam (header, tickets, roster with each student's sheet code), the
 * kiosks' records of the exam (sessions, attempts, typed answers, the kiosk's own grades),
 * the scanned pages, and the central's own records (grades, corrections, the lock).
 *
 * Sheets are the codes seen for the exam: codes of `student_identified` records, of scanned
 * pages and (once the exam is added) of every admitted student on the roster. They are kept
 * sorted by code, never in roster order: a list of codes in roster (alphabetical) order
 * would tell a grader who is who.
 *
 * Ownership: gmodel_load fills a gmodel the caller releases with gmodel_free. Load: once per
 * staff request; one pass over the exam's records. Typed texts are kept only for the one
 * code asked for.
 */
#ifndef BILET_GMODEL_H
#define BILET_GMODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdb.h"
#include "exam.h"
#include "grade.h"
#include "record.h"
#include "status.h"

enum {
    GMODEL_CODE_MAX = 64, /* a sheet code or record book as payloads carry it, with its NUL */
    GMODEL_TOKEN_MAX = 16,
};

/* One grading event of the central's chain: sheet_graded, or grade_corrected. */
typedef struct gmodel_grade {
    bool correction;
    char grade[GMODEL_TOKEN_MAX]; /* token: 5 4 3 2 pass fail absent */
    char was[GMODEL_TOKEN_MAX];   /* corrections: the grade before */
    char by[CDB_NAME_MAX];        /* who graded, as the request named them */
    char staff[CDB_NAME_MAX];     /* the signed-in staff member who sent it */
    int64_t time;
    char record[RECORD_HEX_LEN + 1];
    char *reason;          /* malloc'd, or NULL */
    char *votes;           /* JSON text of [{"member","grade"}], or NULL */
    char *dissent;         /* or NULL */
    char *extra_questions; /* JSON text of [text], or NULL */
    char *appeal;          /* JSON text of the appeal commission [3 names], or NULL */
} gmodel_grade;

/* One stored scan (the image stays in the database). */
typedef struct gmodel_page {
    int64_t id;
    int page;
    int pages; /* 0: unknown (hand-entered) */
    bool hand_entered;
} gmodel_page;

/* One attempt at a kiosk, from its records. */
typedef enum gmodel_outcome {
    GMODEL_RUNNING = 0,
    GMODEL_SUBMITTED,
    GMODEL_REFUSED,
    GMODEL_REMOVED,
    GMODEL_GRADED, /* oral: graded at the kiosk */
} gmodel_outcome;

typedef struct gmodel_attempt {
    char kiosk[RECORD_HEX_LEN + 1];
    int attempt;
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    char code[GMODEL_CODE_MAX];
    int ticket;  /* 0: none drawn */
    bool second; /* a second ticket */
    bool typed;  /* a typed answer was handed in */
    char *text;  /* the typed answer, kept for the code asked for only; malloc'd */
    gmodel_outcome outcome;
    grade kiosk_grade; /* refused, removed, graded at the kiosk (after kiosk corrections) */
    char graded_by[EXAM_TEXT_MAX];
    int64_t graded_time;
    int64_t started;
} gmodel_attempt;

typedef struct gmodel_student {
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    char status[GMODEL_TOKEN_MAX]; /* admitted | not_admitted | expelled */
    char code[GMODEL_CODE_MAX];
} gmodel_student;

typedef struct gmodel_sheet {
    char code[GMODEL_CODE_MAX];
    long student; /* index into students, -1: none */
    long attempt; /* the last attempt with this code, -1: none */
    gmodel_grade *grades;
    size_t n_grades, cap_grades;
    gmodel_page *pages;
    size_t n_pages, cap_pages;
} gmodel_sheet;

typedef struct gmodel {
    char exam[EXAM_ID_MAX];
    bool added; /* --add-exam: header, tickets, students */
    json_t *header;
    json_t *tickets;
    int64_t added_at;
    bool any_records; /* kiosk records of the exam exist */
    size_t kiosks_opened, kiosks_closed;
    bool locked;
    char lock_record[RECORD_HEX_LEN + 1];
    int64_t lock_time;
    char lock_by[CDB_NAME_MAX];
    char lock_staff[CDB_NAME_MAX];
    gmodel_student *students;
    size_t n_students;
    gmodel_attempt *attempts;
    size_t n_attempts, cap_attempts;
    gmodel_sheet *sheets; /* sorted by code */
    size_t n_sheets;
    size_t n_central_grades; /* grading events of the central's chain */
} gmodel;

/* Folds exam `exam` into *out. central_hex is the central key (its records are the
 * grading events); text_code (may be NULL) names the code whose typed answer is kept.
 * in_tx: the caller holds a write transaction (the records are read with a plain query
 * instead of the snapshot walk). An exam nobody added and no record names is still a
 * model (empty; gmodel_known false). BILET_ECORRUPT naming a stored record that does not
 * parse; BILET_EIO, BILET_ENOMEM. */
bilet_status gmodel_load(cdb *db, const char *central_hex, const char *exam, const char *text_code,
                         bool in_tx, gmodel *out, bilet_err *err);

void gmodel_free(gmodel *m);

/* Whether the exam is known at all: added, or named by some record or scan. */
bool gmodel_known(const gmodel *m);

/* The sheet of code, or NULL. */
gmodel_sheet *gmodel_sheet_of(const gmodel *m, const char *code);

/* The last grading event of a sheet, or NULL when none. */
const gmodel_grade *gmodel_last_grade(const gmodel_sheet *s);

/* The grade that stands for a sheet: the central's last grade, else the kiosk's (refused,
 * removed, oral), else GRADE_NONE. */
grade gmodel_sheet_grade(const gmodel *m, const gmodel_sheet *s);

/* True when the sheet has something to grade: a typed answer or scanned pages. */
bool gmodel_sheet_has_work(const gmodel *m, const gmodel_sheet *s);

/* "not_started", "in_progress", "closed", "grading" or "locked" (docs/grading.md). */
const char *gmodel_state(const gmodel *m);

/* The header's string field, or "" (also when the exam was not added). */
const char *gmodel_header_str(const gmodel *m, const char *key);

/* The grading deadline as YYYY-MM-DD into out (11 bytes); false when unknown (not added). */
bool gmodel_deadline(const gmodel *m, char out[11]);

/* The questions of ticket n as [{"kind","text"}] (a new reference; [] when unknown). */
json_t *gmodel_ticket_questions(const gmodel *m, int n);

#endif
