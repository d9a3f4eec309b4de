/*
 * roster.c — reads roster.csv: who may sit the exam, with their status and extra time.
 *
 * Columns record_book, full_name, group, status, extra_minutes and an optional subgroup, in
 * any order. A record-book number is the key a student types at the kiosk, so it must be
 * there, fit, and appear once; a duplicate names both lines. Status words come in English
 * or Russian, in any case, with ё or е. At most EXAM_STUDENTS_MAX students.
 */
#include "examdir_int.h"

#include <stdlib.h>
#include <string.h>

enum { COL_RECORD_BOOK, COL_FULL_NAME, COL_GROUP, COL_STATUS, COL_EXTRA, COL_SUBGROUP, COLS };

static const examdir_column columns[COLS] = {
    { "record_book", true }, { "full_name", true },     { "group", true },
    { "status", true },      { "extra_minutes", true }, { "subgroup", false },
};

static const char *const status_words[] = {
    "admitted", "not_admitted", "expelled", "допущен", "не допущен", "отчислен",
};

static bilet_status read_student(const char *path, const examdir_csv_row *r, const int *col,
                                 const exam_info *info, exam_student *s, bilet_err *err)
{
    s->line = r->line;
    const char *rb = examdir_csv_field(r, col[COL_RECORD_BOOK]);
    if (rb[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field record_book: empty", path, r->line);
    bilet_status st = examdir_value_text(path, r->line, "record_book", rb, s->record_book,
                                         sizeof s->record_book, err);
    if (st != BILET_OK)
        return st;
    const char *name = examdir_csv_field(r, col[COL_FULL_NAME]);
    if (name[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field full_name: empty", path, r->line);
    st = examdir_value_text(path, r->line, "full_name", name, s->full_name, sizeof s->full_name,
                            err);
    if (st != BILET_OK)
        return st;
    const char *group = examdir_csv_field(r, col[COL_GROUP]);
    st = examdir_value_text(path, r->line, "group", group[0] ? group : info->group, s->group,
                            sizeof s->group, err);
    if (st != BILET_OK)
        return st;
    size_t w;
    st = examdir_value_word(path, r->line, "status", examdir_csv_field(r, col[COL_STATUS]),
                            status_words, sizeof status_words / sizeof status_words[0],
                            "admitted, not_admitted, expelled, допущен, не допущен, отчислен", &w,
                            err);
    if (st != BILET_OK)
        return st;
    s->status = (student_status)(w % 3);
    const char *extra = examdir_csv_field(r, col[COL_EXTRA]);
    s->extra_minutes = 0;
    if (extra[0]) {
        st = examdir_value_int(path, r->line, "extra_minutes", extra, 0, 600, &s->extra_minutes,
                               err);
        if (st != BILET_OK)
            return st;
    }
    const char *sub = examdir_csv_field(r, col[COL_SUBGROUP]);
    s->subgroup = 1;
    if (sub[0]) {
        st = examdir_value_int(path, r->line, "subgroup", sub, 1, info->subgroups, &s->subgroup,
                               err);
        if (st != BILET_OK)
            return st;
    }
    return BILET_OK;
}

bilet_status examdir_roster_load(const char *path, exam *e, bilet_err *err)
{
    examdir_csv t;
    bilet_status st = examdir_csv_read(path, EXAM_STUDENTS_MAX, FULL_NAME_MAX * 4, &t, err);
    if (st != BILET_OK)
        return st;
    int col[COLS];
    exam_student *students = NULL;
    st = examdir_csv_columns(path, &t, columns, COLS, col, err);
    if (st != BILET_OK)
        goto out_free;
    size_t n = t.n_rows - 1;
    if (n == 0) {
        st = bilet_fail(err, BILET_EPARSE, "%s: the roster has no students", path);
        goto out_free;
    }
    students = calloc(n, sizeof *students);
    if (!students) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
        goto out_free;
    }
    for (size_t i = 0; i < n; i++) {
        const examdir_csv_row *r = &t.row[i + 1];
        st = examdir_csv_check_extra(path, &t, r, err);
        if (st != BILET_OK)
            goto out_free;
        st = read_student(path, r, col, &e->info, &students[i], err);
        if (st != BILET_OK)
            goto out_free;
        /* Rosters are a few thousand rows at most: a quadratic scan is cheap and keeps
         * the first line at hand for the message. */
        for (size_t j = 0; j < i; j++) {
            if (strcmp(students[j].record_book, students[i].record_book) == 0) {
                st = bilet_fail(err, BILET_EPARSE,
                                "%s:%d: field record_book: \"%s\" appears twice (lines %d and %d)",
                                path, students[i].line, students[i].record_book, students[j].line,
                                students[i].line);
                goto out_free;
            }
        }
    }
    e->students = students;
    e->n_students = n;
    students = NULL;
out_free:
    free(students);
    examdir_csv_free(&t, false);
    return st;
}
