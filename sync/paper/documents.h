/*
 * documents.h — the documents of a locked exam, printed from its unmasked statement (the
 * JSON of GET /api/v1/exams/{id}/statement, docs/documents.md): the экзаменационная
 * ведомость, the commission protocols of an attempt-3 exam, the appeal protocols, and the
 * session statistics; each an A4 PDF (cairo, pango) and most with a CSV beside it.
 *
 * A statement is read whole and checked before anything is written; the files are written
 * under temporary names and renamed only when all of them are complete, so a failure leaves
 * none of them behind. Labels are in the language paper_language_use chose (Russian by
 * default); names, disciplines and questions are printed as the statement has them.
 *
 * Ownership: a statement made by documents_statement_parse owns its strings and arrays and
 * is released with documents_statement_free. One built by hand borrows everything from its
 * maker. Load: one exam of up to EXAM_STUDENTS_MAX rows at a time, a few times a session.
 */
#ifndef BILET_DOCUMENTS_H
#define BILET_DOCUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exam.h"
#include "grade.h"
#include "status.h"

enum {
    DOCUMENTS_STATEMENT_MAX = 64 * 1024 * 1024, /* bytes of statement JSON read at most */
    DOCUMENTS_ITEMS_MAX = 64, /* questions, votes, extra questions, corrections of a row */
    DOCUMENTS_FILES_MAX = 2 * EXAM_STUDENTS_MAX + 8,
};

typedef struct documents_question {
    question_kind kind;
    const char *text;
} documents_question;

typedef struct documents_vote {
    const char *member;
    grade vote;
} documents_vote;

/* A change of a recorded grade; an appeal's carries the appeal commission. */
typedef struct documents_correction {
    grade result; /* the grade after the correction */
    grade was;
    const char *by;
    const char *reason;
    int64_t time; /* 0 when the statement does not say */
    bool appeal;
    size_t n_commission;
    const char *commission[DOCUMENTS_ITEMS_MAX];
} documents_correction;

/* One student of the roster, in roster order. */
typedef struct documents_row {
    int n;
    const char *full_name;
    const char *record_book;
    student_status status;
    const char *code; /* the sheet code, or "" */
    int ticket;       /* 0: none drawn */
    bool second_ticket;
    size_t n_questions;
    const documents_question *questions;
    grade result; /* GRADE_NONE: no grade recorded */
    const char *graded_by;
    size_t n_votes;
    const documents_vote *votes;
    const char *dissent; /* "" when none */
    size_t n_extra;
    const char *const *extra_questions;
    int64_t time; /* when the grade was given, 0 unknown */
    const char *attempt_id;
    size_t n_corrections;
    const documents_correction *corrections;
} documents_row;

typedef struct documents_statement {
    exam_info exam; /* id, institution, discipline, form, mode, group, date, start, room,
                     * examiners, commission (chair first), disciplines, attempt, policy */
    int64_t locked_time;
    const char *locked_by;
    size_t n_rows;
    const documents_row *rows;
    void *storage; /* what a parsed statement owns; NULL for one built by hand */
} documents_statement;

/* Reads the statement JSON text[0..len) (source names it in messages, e.g. the file). The
 * caller frees *out with documents_statement_free. BILET_EPARSE with one line naming the
 * source and the field ("statement.json: rows[3].grade: \"6\" is not a grade") for malformed
 * JSON, a missing or mistyped field, an unknown form, status or grade, a grade that does
 * not fit the student's status, a duplicate record book; BILET_ETOOBIG over the caps;
 * BILET_ENOMEM. */
bilet_status documents_statement_parse(const char *text, size_t len, const char *source,
                                       documents_statement **out, bilet_err *err);

/* Releases a parsed statement; NULL is fine. */
void documents_statement_free(documents_statement *s);

/* The files one documents_write wrote, in the order written (paths under the folder). */
typedef struct documents_files {
    size_t n;
    char *path[DOCUMENTS_FILES_MAX];
} documents_files;

/* Writes the documents of s into the folder dir (created when missing; files of the same
 * names are replaced): vedomost.pdf and .csv; protocol-<record book>.pdf and .csv for each
 * admitted student of an attempt-3 exam; appeal-<record book>.pdf for each student with an
 * appeal; statistics.pdf and .csv. files (if not NULL) receives the paths, which the caller
 * releases with documents_files_free. On failure nothing of this run is left in dir.
 * BILET_EIO when the folder or a file cannot be written; BILET_ENOMEM. */
bilet_status documents_write(const documents_statement *s, const char *dir, documents_files *files,
                             bilet_err *err);

void documents_files_free(documents_files *files);

/* «5 (отлично)», «зачтено», «не явился» in the documents' language; "" for GRADE_NONE.
 * The text lives in buf (cap bytes). */
const char *documents_grade_text(grade g, char *buf, size_t cap);

#endif
