/*
 * results.h — attempts as a results table, folded from a kiosk's events in log order.
 *
 * One row per attempt (the student identified at a terminal), whatever became of it:
 * running, handed in, refused, removed, graded. Corrections replace the grade and keep who
 * and why. Pure: the caller reads the log and feeds events in order. The table owns its
 * rows; release it with results_free.
 */
#ifndef BILET_RESULTS_H
#define BILET_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "status.h"

typedef enum results_outcome {
    RESULT_RUNNING = 0,
    RESULT_SUBMITTED,
    RESULT_REFUSED,
    RESULT_REMOVED,
    RESULT_GRADED,
} results_outcome;

typedef struct results_row {
    char exam[EXAM_ID_MAX];
    int attempt;
    char record_book[RECORD_BOOK_MAX];
    char full_name[FULL_NAME_MAX];
    char code[RECORD_BOOK_MAX];
    int ticket;
    int first_ticket; /* given up for a second ticket; 0 if none */
    int64_t started;  /* identified */
    int64_t finished; /* 0 while running */
    results_outcome outcome;
    event_handin handin;
    size_t n_grades;
    grade grades[EXAM_LIST_MAX]; /* final grades; per discipline for a complex exam */
    char disciplines[EXAM_LIST_MAX][EXAM_TEXT_MAX];
    int64_t chars;
    int64_t words;
    int64_t extra_seconds; /* invigilator credits */
    int64_t away_seconds;
    bool corrected;
    char corrected_by[EXAM_TEXT_MAX];
    char correction_reason[EVENT_NOTE_MAX];
} results_row;

typedef struct results {
    size_t n;
    size_t cap;
    results_row *rows;
} results;

void results_init(results *r);
void results_free(results *r);

/* Folds one event of exam `exam_id` into the table. BILET_ENOMEM when the table cannot
 * grow; events that refer to an unknown attempt are ignored (a log that starts mid-way). */
bilet_status results_add(results *r, const char *exam_id, const event *ev, bilet_err *err);

/* "running", "submitted", "refused", "removed", "graded". */
const char *results_outcome_name(results_outcome o);

/* The results table as `bilet results` and the central store print it: the same columns,
 * the same values, so a clerk gets one table from a kiosk and from the central store. */
enum { RESULTS_COLUMNS = 19, RESULTS_VALUE_MAX = 512 };

/* The column names, in order (attempt_id, exam, record_book, ...). */
extern const char *const results_columns[RESULTS_COLUMNS];

/* True for the columns whose values are integers (JSON prints them as numbers). */
bool results_column_numeric(size_t column);

/* Writes a Unix time as the reader's local time into out (cap bytes); "" for 0. Core
 * keeps no time zone: the caller lends this. */
typedef void (*results_time_fn)(int64_t unix_seconds, char *out, size_t cap);

/* The row's values as text in column order. kiosk_hex is the kiosk key in hex (the
 * attempt id is its first 8 digits, a dash, the attempt number). */
void results_row_values(const results_row *row, const char *kiosk_hex, results_time_fn time_text,
                        char vals[RESULTS_COLUMNS][RESULTS_VALUE_MAX]);

#endif
