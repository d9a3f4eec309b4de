/*
 * examdir_int.h — the parts the exam-directory loader shares between its files: reading a
 * text file whatever its encoding, driving inih with line numbers, driving libcsv with line
 * numbers, and parsing the small values (numbers, yes/no, words from a list).
 *
 * Not installed, not used outside kiosk/examdir. Paths in messages are what the caller gave.
 */
#ifndef BILET_EXAMDIR_INT_H
#define BILET_EXAMDIR_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "exam.h"
#include "status.h"

/* ---- text files (text.c) ---- */

/* Reads the whole file at path (at most max bytes) into a NUL-terminated heap buffer in
 * UTF-8: a UTF-8 BOM is dropped, bytes that are not UTF-8 are read as Windows-1251 and
 * converted. Refuses NUL bytes, UTF-16 and spreadsheet workbooks with a message that says
 * what to save instead. On success the caller owns *text (*len bytes, NUL not counted) and
 * frees it with examdir_text_free. */
bilet_status examdir_text_read(const char *path, size_t max, char **text, size_t *len,
                               bilet_err *err);

/* Serves files from memory instead of the disk, for the calling thread, until called again
 * with NULL: examdir_text_read of a path equal to files[i].path reads files[i]'s bytes
 * (borrowed; they must outlive the setting). Other paths are read from disk as usual. A
 * package's exam.ini, roster.csv and tickets.csv go through every check of a directory's
 * this way, and its tickets never touch the disk. */
typedef struct examdir_mem_file {
    const char *path;
    const char *bytes;
    size_t len;
} examdir_mem_file;
void examdir_mem_files_set(const examdir_mem_file *files, size_t n);

/* Wipes (ticket texts are secret until drawn) and frees a buffer from examdir_text_read. */
void examdir_text_free(char *text, size_t len);

/* dir + "/" + name into out (no doubled slash); BILET_EINVAL when it does not fit. */
bilet_status examdir_path_join(char *out, size_t cap, const char *dir, const char *name,
                               bilet_err *err);

/* ---- INI through inih (ini.c) ---- */

typedef struct examdir_ini examdir_ini;

/* Called for every key; returns BILET_OK or fails through err (the message names
 * examdir_ini_path() and examdir_ini_line()). value continues the previous call's key when
 * examdir_ini_continued() is true (an indented line). */
typedef bilet_status (*examdir_ini_key_fn)(examdir_ini *ini, void *user, const char *section,
                                           const char *key, const char *value, bilet_err *err);

/* Reads path (EXAMDIR_INI_FILE_MAX at most), refuses any line longer than
 * EXAMDIR_INI_LINE_MAX bytes naming its line and length, then hands every key to fn in file
 * order. Lines inih cannot read (neither [section] nor key = value) are errors naming the
 * line. Returns the first failure. */
bilet_status examdir_ini_parse(const char *path, examdir_ini_key_fn fn, void *user, bilet_err *err);

const char *examdir_ini_path(const examdir_ini *ini);
/* The line of the key being handed over (1-based). */
int examdir_ini_line(const examdir_ini *ini);
/* The line of the [section] header the key is under; 0 before any. */
int examdir_ini_section_line(const examdir_ini *ini);
/* True when the value is an indented line continuing the previous key. */
bool examdir_ini_continued(const examdir_ini *ini);

/* ---- CSV through libcsv (csv.c) ---- */

typedef struct examdir_csv_row {
    int line;     /* physical line where the row starts */
    size_t n;     /* fields */
    char **field; /* owned; trimmed, CRLF inside quotes turned into LF */
} examdir_csv_row;

typedef struct examdir_csv {
    char sep;             /* ';' or ',' as detected from the header line */
    size_t n_rows;        /* row[0] is the header */
    examdir_csv_row *row; /* owned */
} examdir_csv;

/* Reads a CSV file (EXAMDIR_CSV_FILE_MAX at most) into rows: encoding as examdir_text_read,
 * separator from the header line, quoted fields with "" and line breaks, empty rows
 * skipped. max_rows counts data rows, max_field caps one field in bytes; what is over is
 * an error naming the line. The caller owns *out (examdir_csv_free). */
bilet_status examdir_csv_read(const char *path, size_t max_rows, size_t max_field, examdir_csv *out,
                              bilet_err *err);

/* Wipes every field when wipe is true, frees, and zeroes t. NULL is fine. */
void examdir_csv_free(examdir_csv *t, bool wipe);

typedef struct examdir_column {
    const char *name;
    bool required;
} examdir_column;

/* Maps the header row to cols: index[i] is the field index of cols[i], or -1 when an
 * optional column is absent. Header names compare trimmed and case-insensitively; an
 * unknown, repeated or missing required column is an error naming the header line. Header
 * cells left empty (spreadsheets add them) are ignored, and so must their fields be. */
bilet_status examdir_csv_columns(const char *path, const examdir_csv *t, const examdir_column *cols,
                                 size_t ncols, int *index, bilet_err *err);

/* The row's field at index, "" when the row is short or index is -1. */
const char *examdir_csv_field(const examdir_csv_row *r, int index);

/* Checks that a row has nothing in columns without a header name; error naming the line. */
bilet_status examdir_csv_check_extra(const char *path, const examdir_csv *t,
                                     const examdir_csv_row *r, bilet_err *err);

/* ---- values (value.c) ---- */

/* Whole number in [lo, hi]; *out set on success. The message is
 * "PATH:LINE: field NAME: ...". */
bilet_status examdir_value_int(const char *path, int line, const char *field, const char *value,
                               int lo, int hi, int *out, bilet_err *err);

/* yes | no (also true/false, да/нет). */
bilet_status examdir_value_bool(const char *path, int line, const char *field, const char *value,
                                bool *out, bilet_err *err);

/* The index of value among words (compared case-insensitively, ё as е, white space runs as
 * one space), or an error listing shown (the accepted words, comma-separated). */
bilet_status examdir_value_word(const char *path, int line, const char *field, const char *value,
                                const char *const *words, size_t n, const char *shown, size_t *out,
                                bilet_err *err);

/* Copies value into dst (cap bytes) or fails naming its length and the limit. */
bilet_status examdir_value_text(const char *path, int line, const char *field, const char *value,
                                char *dst, size_t cap, bilet_err *err);

/* A profile name: 1..EXAM_SHORT_MAX-1 bytes of a-z, 0-9, '-' and '_' (it names a file). */
bool examdir_policy_name_valid(const char *name);

/* ---- the files of an exam directory ---- */

/* exam.ini into *out with the defaults applied (prep 0, subgroups 1, code blind, attempt
 * 1); *second_ticket_given tells whether exam.ini set second_ticket. *out zeroed on
 * failure. */
bilet_status examdir_exam_ini_load(const char *path, exam_info *out, bool *second_ticket_given,
                                   bilet_err *err);

/* roster.csv into e->students (e->info must be loaded: group and subgroups). On failure
 * e->students stays NULL. */
bilet_status examdir_roster_load(const char *path, exam *e, bilet_err *err);

/* tickets.csv into e->tickets. On failure e->tickets stays NULL. */
bilet_status examdir_tickets_load(const char *path, exam *e, bilet_err *err);

#endif
