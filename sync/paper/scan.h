/*
 * scan.h — scanning a batch of answer-sheet pages: every page of every input file is read,
 * its QR found and its payload verified against the trusted kiosk keys, on all cores; then
 * the pages are gathered per sheet set (exam, sheet code, page count) to tell which pages
 * are present, missing and doubled. `bilet scan` prints what this returns (docs/paper.md).
 *
 * Threads: scan_run starts up to job->threads workers, each with its own image reader and
 * zbar scanner, taking pages in input order from a shared counter; the caller's thread
 * hands finished pages to the callbacks in input order. Memory: one decoded page per
 * worker at a time (35 MB for A4 at 600 dpi).
 */
#ifndef BILET_SCAN_H
#define BILET_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"
#include "payload.h"
#include "qrscan.h"
#include "status.h"

typedef enum scan_verdict {
    SCAN_OK,            /* "ok": a trusted key's signature verifies */
    SCAN_BAD_SIGNATURE, /* "BAD signature": altered, damaged or forged payload */
    SCAN_UNKNOWN_KEY,   /* "unknown key": well-formed, signed by a key not trusted */
    SCAN_UNREADABLE,    /* "unreadable": no bilet QR found, or the image did not read */
    SCAN_HAND_ENTERED,  /* "hand-entered": attached by hand with --code and --page */
} scan_verdict;

/* The word `bilet scan` prints for a verdict. */
const char *scan_verdict_name(scan_verdict v);

/* True for the verdicts that attach a page to its set (ok, hand-entered). */
bool scan_verdict_counts(scan_verdict v);

/* One input file, as image_probe found it. */
typedef struct scan_input {
    const char *path; /* borrowed */
    image_kind kind;
    int pages;
} scan_input;

/* One scanned page. For SCAN_UNREADABLE p is zeroed; for a hand-entered page p holds the
 * code and page, with exam "" and pages 0 (not known). */
typedef struct scan_page {
    size_t file; /* index into the inputs */
    int page;    /* page within the file, 1-based */
    scan_verdict verdict;
    bool damaged; /* unreadable because the image itself did not read (not just its QR) */
    payload p;
    char note[BILET_ERR_MAX];    /* why it is not ok ("" when ok) */
    char text[PAYLOAD_TEXT_MAX]; /* the bilet QR's text as read ("" when none was found):
                                  * `bilet scan --central` sends it with the page */
} scan_page;

typedef struct scan_job {
    const scan_input *inputs;
    size_t n_inputs;
    const payload_trust *trust; /* may be empty: then every readable page is "unknown key" */
    int threads;                /* workers; < 1 means as many as usable cores */
    /* Called on the caller's thread for each page, in input order, as soon as it and every
     * page before it are done. May be NULL. */
    void (*on_page)(const scan_page *page, void *ctx);
    /* Called on the caller's thread whenever pages finish: done of total. May be NULL. */
    void (*on_progress)(size_t done, size_t total, void *ctx);
    void *ctx;
} scan_job;

/* Scans every page of every input. *pages receives the results in input order (file, then
 * page), *n their count; the caller frees *pages with free(). A page that cannot be read
 * or decoded is a result (SCAN_UNREADABLE), not a failure; the call fails only for
 * BILET_ENOMEM or when no worker thread can be started. *stats (if not NULL) receives the
 * QR search counters summed over the workers. */
bilet_status scan_run(const scan_job *job, scan_page **pages, size_t *n, qrscan_stats *stats,
                      bilet_err *err);

/* The number of usable cores (the affinity mask, so `taskset -c 0` counts one). */
int scan_usable_cores(void);

/* A sheet set: the pages of one (exam, code, pages) found among the results. */
typedef struct scan_set {
    char exam[PAYLOAD_FIELD_MAX]; /* "" for hand-entered pages */
    char code[PAYLOAD_FIELD_MAX];
    int pages;                                  /* 0 when not known (hand-entered) */
    unsigned short seen[PAYLOAD_PAGES_MAX + 1]; /* times each page was found */
} scan_set;

/* Gathers the pages that count (ok, hand-entered) into sets, in order of first appearance.
 * *sets receives them (the caller frees with free()), *n their count. BILET_ENOMEM. */
bilet_status scan_sets(const scan_page *pages, size_t n_pages, scan_set **sets, size_t *n,
                       bilet_err *err);

/* True when a set with a known page count lacks a page. */
bool scan_set_incomplete(const scan_set *s);

/* The tab-separated line of a page: file, page in file, code, n/N, exam, verdict (control
 * characters in file names or ids shown as '?'); no newline. */
void scan_format_page(const scan_input *in, const scan_page *page, char *out, size_t cap);

/* The line of a set: code, exam, "pages N", "present 1,2", "missing 3", "doubled 2" ("-"
 * for an empty list, "?" where the page count is not known); no newline. */
void scan_format_set(const scan_set *s, char *out, size_t cap);

#endif
