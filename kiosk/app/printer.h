/*
 * printer.h — the sheet thread: when a written answer is handed in it makes the answer
 * sheet (the same pages as `bilet sheet --attempt`, sheet_write), saves it as
 * DATA/sheets/<attempt id>.pdf and, when kiosk.ini names a CUPS queue, sends it there with
 * `lp -d QUEUE -t "<exam id> <code>" FILE` — all off the frame path (docs/kiosk.md,
 * "Answer sheets and the printer").
 *
 * The UI thread hands over a job with copies of everything it needs (the exam's header,
 * the ticket's questions, the answer) and goes on at once; finished jobs come back as
 * results, oldest first, for the runtime to record (`sheet_printed`) and to show. A failed
 * print leaves the PDF in place; a PDF that cannot be written is reported, never retried.
 *
 * Ownership: printer_start loads its own copy of the kiosk key; printer_stop finishes the
 * jobs handed over (lp is waited for at most PRINTER_LP_TIMEOUT_S), joins the thread and
 * keeps the results for printer_next until printer_destroy.
 */
#ifndef BILET_PRINTER_H
#define BILET_PRINTER_H

#include <stdbool.h>

#include "exam.h"
#include "examdir.h"
#include "status.h"

enum {
    PRINTER_LP_TIMEOUT_S = 60, /* lp that has not finished by then is killed: a failed print */
    PRINTER_REASON_MAX = BILET_ERR_MAX,
    PRINTER_PATH_MAX = EXAMDIR_PATH_MAX + 64,
};

typedef enum printer_state {
    PRINTER_BUSY,      /* handed over, not finished yet */
    PRINTER_SAVED,     /* the PDF is saved; no printer named */
    PRINTER_SENT,      /* the PDF is saved and lp accepted it */
    PRINTER_FAILED,    /* the PDF is saved; lp failed (reason) */
    PRINTER_NOT_SAVED, /* the PDF could not be written (reason); nothing to record */
} printer_state;

typedef struct printer printer;

/* A written answer handed in. Strings and the ticket are copied by printer_submit. */
typedef struct printer_job_in {
    const exam_info *info;
    const exam_ticket *ticket; /* the questions drawn, or NULL */
    int ticket_number;
    const char *code;       /* the sheet code */
    const char *answer;     /* the typed text */
    int attempt;            /* the attempt number */
    const char *attempt_id; /* "3fa9c2d1-7" */
} printer_job_in;

typedef struct printer_result {
    int attempt;
    char code[RECORD_BOOK_MAX];
    int pages;
    printer_state state;
    char queue[EXAM_TEXT_MAX];       /* kiosk.ini's printer, "" for none */
    char path[PRINTER_PATH_MAX];     /* the saved PDF */
    char reason[PRINTER_REASON_MAX]; /* FAILED, NOT_SAVED: one line */
} printer_result;

/* Starts the thread for the data folder (its kiosk.key signs the pages; sheets go to
 * DATA/sheets, made 0700) and queue ("" or NULL: save only). */
bilet_status printer_start(const char *data_dir, const char *queue, printer **out, bilet_err *err);

/* Hands over a job; returns at once. BILET_ENOMEM when the copies do not fit in memory. */
bilet_status printer_submit(printer *p, const printer_job_in *in, bilet_err *err);

/* Copies the oldest finished result into *out without taking it; false when none. */
bool printer_next(printer *p, printer_result *out);

/* Takes the oldest finished result (after it has been recorded). */
void printer_pop(printer *p);

/* Finishes the jobs handed over and joins the thread; results stay for printer_next. */
void printer_stop(printer *p);

/* Stops (when not stopped yet) and frees everything. NULL is fine. */
void printer_destroy(printer *p);

#endif
