/*
 * sheet.h — answer sheets as an A4 PDF (cairo, pango, libqrencode): blank ruled pages for
 * handwriting, or a typed answer laid out over as many pages as it needs. Every page shows
 * the exam's header, the sheet code and «стр. X из Y» large, and at a fixed place (top right,
 * docs/paper.md) a QR code with the page's signed payload (payload.h).
 *
 * A sheet never shows a student's name; in blind mode the caller passes the blind code, so
 * the record book is not on the page either. Text is UTF-8, set in Noto Sans through
 * fontconfig (the bundled fonts/ folder is added to fontconfig's fonts, so the sheets look
 * the same on any machine). Ownership: a sheet_doc owns its cairo surface and file; the
 * caller keeps the key pair alive until sheet_doc_finish. Load: a few pages a student.
 */
#ifndef BILET_SHEET_H
#define BILET_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "exam.h"
#include "keys.h"
#include "status.h"

enum {
    SHEET_PAGES_MAX = 200, /* pages in one set, blank or typed */
    SHEET_QR_MM = 30,      /* the printed QR's side, its quiet zone not counted */
};

/* One set of pages for one sheet code. Strings are borrowed for the call. */
typedef struct sheet_set {
    const char *code;          /* the sheet code printed and signed */
    bool record_book;          /* the code is a record-book number (mode record_book) */
    int pages;                 /* blank sets: the number of ruled pages (1..SHEET_PAGES_MAX) */
    const exam_ticket *ticket; /* questions to print, or NULL */
    int ticket_number;         /* printed when ticket is NULL; 0 for none */
    const char *answer;        /* a typed answer (UTF-8), or NULL for blank pages */
    const char *attempt_id;    /* shown in the footer of a typed answer, or NULL */
} sheet_set;

typedef struct sheet_doc sheet_doc;

/* Starts a PDF at path (created or truncated) whose pages are signed with kp. The caller
 * owns *out and releases it with sheet_doc_destroy. BILET_EIO when the file cannot be
 * created. */
bilet_status sheet_doc_create(const char *path, const keys_pair *kp, sheet_doc **out,
                              bilet_err *err);

/* Adds the pages of one set for the exam described by info (its id, discipline, form,
 * group, date, room, institution). *pages_out (if not NULL) receives the number of pages
 * added. BILET_EINVAL for a missing code, a page count out of range or a code or exam id
 * that no payload can carry; BILET_ETOOBIG for a typed answer that needs more than
 * SHEET_PAGES_MAX pages; BILET_EIO when cairo fails. */
bilet_status sheet_doc_add(sheet_doc *d, const exam_info *info, const sheet_set *set,
                           int *pages_out, bilet_err *err);

/* Completes the PDF and closes its file. BILET_EIO when writing failed (disk full). */
bilet_status sheet_doc_finish(sheet_doc *d, bilet_err *err);

/* Releases the document (unfinished: the file is left incomplete). NULL is fine. */
void sheet_doc_destroy(sheet_doc *d);

/* The set of a typed answer, as `bilet sheet --attempt` and the kiosk print it (one code,
 * the answer over as many pages as it needs, the attempt id in the footer). info is the
 * exam when it is known (its code mode says whether the code is a record book), or NULL
 * when only the log is (the code's shape says it). ticket: its questions, or NULL with
 * ticket_number printed alone. All strings are borrowed. */
void sheet_set_answer(sheet_set *set, const exam_info *info, const char *code,
                      const exam_ticket *ticket, int ticket_number, const char *answer,
                      const char *attempt_id);

/* Writes one set as a whole PDF at path (created 0600 or truncated; removed again on any
 * failure). *pages_out (if not NULL) receives its pages. Errors as sheet_doc_create,
 * sheet_doc_add and sheet_doc_finish. */
bilet_status sheet_write(const char *path, const keys_pair *kp, const exam_info *info,
                         const sheet_set *set, int *pages_out, bilet_err *err);

/* The attempt id people see: the kiosk key's first 8 hex digits, '-', the number
 * ("3fa9c2d1-7"). cap of at least 20 bytes holds any. */
void sheet_attempt_id(const char *kiosk_hex, int attempt, char *out, size_t cap);

/* Releases pango's default font map, which sheets filled, so that a leak checker sees a
 * cleaner exit (fontconfig's own caches stay for the process: sheet.c says why). Call it
 * at most once, at the end, when no sheet_doc is left and no thread renders PDF any more. */
void sheet_release_fonts(void);

#endif
