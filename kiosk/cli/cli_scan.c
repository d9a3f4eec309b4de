/*
 * cli_scan.c — `bilet scan`: reads scanned answer-sheet pages, verifies each page's signed
 * QR payload, and tells per sheet code which pages are present, missing and doubled.
 *
 *   bilet scan [--trust FILE.pub]... [--data DIR] [--jobs N] IMAGE|PDF...
 *   bilet scan --code XXXX-XXXX --page N [--trust FILE.pub]... IMAGE
 *   ... --central URL [--token-file F] [--cacert F]   (and --exam ID with --code)
 *
 * With --central every page whose QR was read is sent to bilet-central (POST
 * /api/v1/scans with its QR text; a hand-entered page with its exam, code and page): the
 * original file for a one-page PNG, JPEG or TIFF, the page rendered as PNG for a PDF or a
 * multi-page TIFF. One more line per page says what the central did: "uploaded",
 * "duplicate" or "refused" with its reason; then a line of totals.
 *
 * Output (stdout, tab-separated, docs/paper.md): one line per page — file, page in file,
 * sheet code, n/N, exam, verdict (ok, BAD signature, unknown key, unreadable,
 * hand-entered) — in input order, then one line per sheet set: code, exam, "pages N",
 * "present …", "missing …", "doubled …". Progress goes to stderr when it is a terminal.
 * Exit status: 0 every page ok and no page missing; 1 a bad, unreadable or missing page;
 * 2 bad usage or an input file that cannot be read at all (one line, nothing scanned).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_staff.h"
#include "client_http.h"
#include "keys.h"
#include "image.h"
#include "payload.h"
#include "qrscan.h"
#include "scan.h"
#include "sheet.h"
#include "sheetcode.h"
#include "text.h"

enum { TRUST_ARGS_MAX = PAYLOAD_TRUST_MAX, LINE_MAX_BYTES = 4096 + 512 };

static void usage(FILE *out)
{
    fprintf(out, "usage: bilet scan [--trust FILE.pub]... [--data DIR] [--jobs N] IMAGE|PDF...\n"
                 "       bilet scan --code XXXX-XXXX --page N [--trust FILE.pub]... IMAGE\n"
                 "       ... --central URL [--token-file FILE] [--cacert FILE] [--exam ID]\n\n"
                 "Reads scanned answer-sheet pages (PNG, JPEG, TIFF with any number of pages,\n"
                 "PDF), finds the QR code of each page and verifies its signature with the\n"
                 "trusted kiosk keys. Prints one tab-separated line per page: file, page in file,\n"
                 "sheet code, n/N, exam, verdict (ok, BAD signature, unknown key, unreadable);\n"
                 "then one line per sheet code: code, exam, pages, present, missing, doubled.\n"
                 "Exit status 1 when a page is bad, unreadable or missing.\n\n"
                 "  --trust FILE.pub    a kiosk public key whose pages are trusted (repeatable)\n"
                 "  --data DIR          trust the key of this kiosk data folder (DIR/kiosk.pub)\n"
                 "  --jobs N            pages decoded at once (default: every usable core)\n"
                 "  --code XXXX-XXXX    with --page N: attach a page whose QR cannot be read by\n"
                 "                      hand; its line says hand-entered\n"
                 "  --page N            the page number written on that sheet\n"
                 "  --central URL       send every page whose QR was read (and a hand-entered\n"
                 "                      page) to bilet-central; the staff token comes from\n"
                 "                      BILET_TOKEN or --token-file\n"
                 "  --token-file FILE   the staff token on the first line of FILE\n"
                 "  --cacert FILE       extra CA certificate(s) for HTTPS\n"
                 "  --exam ID           the exam of a hand-entered page (with --central)\n"
                 "  -h, --help          this text\n");
}

typedef struct print_ctx {
    const scan_input *inputs;
    bool progress;
    bool progress_shown;
} print_ctx;

static void on_page(const scan_page *page, void *ctx_)
{
    print_ctx *ctx = ctx_;
    char line[LINE_MAX_BYTES];
    scan_format_page(&ctx->inputs[page->file], page, line, sizeof line);
    if (ctx->progress_shown) {
        fputs("\r\033[K", stderr);
        ctx->progress_shown = false;
    }
    printf("%s\n", line);
    fflush(stdout);
}

static void on_progress(size_t done, size_t total, void *ctx_)
{
    print_ctx *ctx = ctx_;
    if (!ctx->progress)
        return;
    fprintf(stderr, "\rbilet scan: %zu of %zu pages", done, total);
    ctx->progress_shown = done < total;
    if (done == total)
        fputs("\r\033[K", stderr);
    fflush(stderr);
}

/* Prints the sets; returns true when one of them lacks a page. */
static bool print_sets(const scan_page *pages, size_t n, int *exit_code)
{
    scan_set *sets = NULL;
    size_t n_sets = 0;
    bilet_err err = { { 0 } };
    bilet_status st = scan_sets(pages, n, &sets, &n_sets, &err);
    if (st != BILET_OK) {
        *exit_code = cli_report("scan", st, &err);
        return true;
    }
    bool missing = false;
    char line[LINE_MAX_BYTES];
    for (size_t i = 0; i < n_sets; i++) {
        scan_format_set(&sets[i], line, sizeof line);
        printf("%s\n", line);
        missing |= scan_set_incomplete(&sets[i]);
    }
    free(sets);
    return missing;
}

/* The code as typed: a blind code in any spelling sheetcode_normalize reads, else (a
 * record_book exam) the record-book number as it is. */
static bool read_code(const char *in, char out[PAYLOAD_FIELD_MAX])
{
    char canonical[SHEETCODE_SIZE];
    if (sheetcode_normalize(in, canonical, NULL) == BILET_OK) {
        memcpy(out, canonical, sizeof canonical);
        return true;
    }
    if (!text_trim_copy(in, out, PAYLOAD_FIELD_MAX) || !out[0])
        return false;
    for (const unsigned char *p = (const unsigned char *)out; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    if (!text_utf8_valid(out, strlen(out)))
        return false;
    fprintf(stderr, "bilet scan: %s is no blind code (XXXX-XXXX); taken as a record-book number\n",
            out);
    return true;
}

/* ---- --central: sending pages to bilet-central ---- */

enum { UPLOAD_FILE_MAX = 64 * 1024 * 1024 }; /* the central takes 32 MiB; it says so itself */

typedef struct upload {
    const char *central;
    const char *cacert;
    char token[CLI_TOKEN_MAX];
    image_reader *reader;
    size_t uploaded, duplicate, refused;
} upload;

static bilet_status read_whole(const char *path, unsigned char **out, size_t *len, bilet_err *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    bilet_status st = BILET_OK;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024 * 1024;
            if (cap > UPLOAD_FILE_MAX + 1)
                cap = UPLOAD_FILE_MAX + 1;
            unsigned char *p = n < cap ? realloc(buf, cap) : NULL;
            if (!p) {
                st = n >= UPLOAD_FILE_MAX
                         ? bilet_fail(err, BILET_ETOOBIG, "%s: over %d MiB", path,
                                      UPLOAD_FILE_MAX / (1024 * 1024))
                         : bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
                break;
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = bilet_fail(err, BILET_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st != BILET_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = n;
    return BILET_OK;
}

/* The bytes to send for a page and their type: the file itself when it is one PNG, JPEG
 * or TIFF page, else the page rendered as PNG. */
static bilet_status page_bytes(upload *u, const scan_input *in, int page, unsigned char **out,
                               size_t *len, const char **type, bilet_err *err)
{
    if (in->pages == 1 && in->kind != IMAGE_PDF) {
        *type = in->kind == IMAGE_PNG    ? "image/png"
                : in->kind == IMAGE_JPEG ? "image/jpeg"
                                         : "image/tiff";
        return read_whole(in->path, out, len, err);
    }
    image_grey g = { 0 };
    *type = "image/png";
    bilet_status st = image_reader_read(u->reader, in->path, in->kind, page, &g, err);
    if (st == BILET_OK)
        st = image_grey_png(&g, out, len, err);
    image_grey_free(&g);
    return st;
}

/* The central's words from {"error": "..."} into out. */
static void central_words(const char *body, size_t len, long status, char *out, size_t cap)
{
    json_t *doc = json_loadb(body, len, 0, NULL);
    const char *w = json_string_value(json_object_get(doc, "error"));
    snprintf(out, cap, "HTTP %ld%s%s", status, w ? ": " : "", w ? w : "");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    json_decref(doc);
}

/* Sends one page with the query; prints its line; false when it was not stored. */
static bool upload_page(upload *u, const scan_input *in, int page, const char *code,
                        const char *query)
{
    bilet_err err = { { 0 } };
    unsigned char *bytes = NULL;
    size_t len = 0;
    const char *type = NULL;
    char words[BILET_ERR_MAX];
    bool ok = false;
    bilet_status st = page_bytes(u, in, page, &bytes, &len, &type, &err);
    char *url = NULL;
    if (st == BILET_OK) {
        size_t cap = strlen(query) + 32;
        char *path = malloc(cap);
        if (path) {
            snprintf(path, cap, "/api/v1/scans?%s", query);
            url = cli_staff_url(u->central, path);
            free(path);
        }
        if (!url)
            st = bilet_fail(&err, BILET_ENOMEM, "out of memory");
    }
    long status = 0;
    char *body = NULL;
    size_t blen = 0;
    if (st == BILET_OK) {
        client_http_request rq = { "POST", url, u->token, type, bytes, len, u->cacert };
        st = client_http_request_send(&rq, &status, &body, &blen, &err);
    }
    const char *verdict = "refused";
    if (st != BILET_OK) {
        snprintf(words, sizeof words, "%s", err.msg);
    } else if (status == 201 || status == 200) {
        json_t *doc = json_loadb(body, blen, 0, NULL);
        bool dup = json_is_true(json_object_get(doc, "duplicate"));
        json_decref(doc);
        verdict = dup ? "duplicate" : "uploaded";
        words[0] = '\0';
        ok = true;
    } else {
        central_words(body, blen, status, words, sizeof words);
    }
    if (ok && strcmp(verdict, "duplicate") == 0)
        u->duplicate++;
    else if (ok)
        u->uploaded++;
    else
        u->refused++;
    printf("central\t%s\t%d\t%s\t%s%s%s\n", in->path, page, code && code[0] ? code : "-", verdict,
           words[0] ? "\t" : "", words);
    fflush(stdout);
    free(body);
    free(url);
    free(bytes);
    return ok;
}

/* The query of a page read by its QR. */
static char *payload_query(const char *text)
{
    char *esc = client_http_escape(text);
    if (!esc)
        return NULL;
    size_t cap = strlen(esc) + 16;
    char *q = malloc(cap);
    if (q)
        snprintf(q, cap, "payload=%s", esc);
    free(esc);
    return q;
}

/* Sends every page whose QR was read; true when each was stored (or was there already). */
static bool upload_all(upload *u, const scan_input *inputs, const scan_page *pages, size_t n)
{
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        const scan_page *pg = &pages[i];
        if (!pg->text[0]) {
            printf("central\t%s\t%d\t-\tnot sent\tno QR was read (attach it with --code/--page)\n",
                   inputs[pg->file].path, pg->page);
            all = false;
            continue;
        }
        char *q = payload_query(pg->text);
        if (!q) {
            fprintf(stderr, "bilet scan: out of memory\n");
            return false;
        }
        all &= upload_page(u, &inputs[pg->file], pg->page, pg->p.code, q);
        free(q);
    }
    printf("central: uploaded %zu, duplicate %zu, refused %zu\n", u->uploaded, u->duplicate,
           u->refused);
    return all;
}

static int scan_by_hand(const scan_input *in, const payload_trust *trust, const char *code_arg,
                        int page_no, upload *u, const char *exam_arg)
{
    bilet_err err = { { 0 } };
    char code[PAYLOAD_FIELD_MAX];
    if (!read_code(code_arg, code))
        return cli_usage_error("scan", "--code %s: not a sheet code", code_arg);
    if (in->pages != 1)
        return cli_usage_error("scan", "%s holds %d pages; attach one page at a time", in->path,
                               in->pages);
    /* The image must read; if its QR reads after all, it has the last word. */
    scan_job job = { .inputs = in, .n_inputs = 1, .trust = trust, .threads = 1 };
    scan_page *pages = NULL;
    size_t n = 0;
    bilet_status st = scan_run(&job, &pages, &n, NULL, &err);
    if (st != BILET_OK)
        return cli_report("scan", st, &err);
    scan_page res = pages[0];
    free(pages);
    if (res.damaged) {
        fprintf(stderr, "bilet scan: %s\n", res.note);
        return 2;
    }
    if (res.verdict == SCAN_OK && (strcmp(res.p.code, code) != 0 || res.p.page != page_no)) {
        fprintf(stderr,
                "bilet scan: %s: its QR reads code %s page %d/%d; a hand entry cannot "
                "contradict it\n",
                in->path, res.p.code, res.p.page, res.p.pages);
        return 2;
    }
    if (res.verdict != SCAN_OK) {
        memset(&res.p, 0, sizeof res.p);
        memcpy(res.p.code, code, sizeof code);
        res.p.page = page_no;
        res.verdict = SCAN_HAND_ENTERED;
    } else {
        fprintf(stderr, "bilet scan: %s: the QR reads after all; no hand entry needed\n", in->path);
    }
    char line[LINE_MAX_BYTES];
    scan_format_page(in, &res, line, sizeof line);
    printf("%s\n", line);
    int exit_code = 0;
    if (print_sets(&res, 1, &exit_code) && exit_code == 0)
        exit_code = 1;
    if (u) {
        bool stored = false;
        if (res.verdict == SCAN_OK) {
            char *q = payload_query(res.text);
            stored = q && upload_page(u, in, 1, res.p.code, q);
            free(q);
        } else {
            char *e = client_http_escape(exam_arg);
            char *c = client_http_escape(code);
            size_t cap = (e ? strlen(e) : 0) + (c ? strlen(c) : 0) + 48;
            char *q = e && c ? malloc(cap) : NULL;
            if (q) {
                snprintf(q, cap, "exam=%s&code=%s&page=%d", e, c, page_no);
                stored = upload_page(u, in, 1, code, q);
            }
            free(q);
            free(e);
            free(c);
        }
        printf("central: uploaded %zu, duplicate %zu, refused %zu\n", u->uploaded, u->duplicate,
               u->refused);
        if (!stored)
            exit_code = 1;
    }
    return exit_code;
}

int cli_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        { "trust", required_argument, NULL, 't' },
        { "data", required_argument, NULL, 'd' },
        { "jobs", required_argument, NULL, 'j' },
        { "code", required_argument, NULL, 'c' },
        { "page", required_argument, NULL, 'p' },
        { "central", required_argument, NULL, 'C' },
        { "token-file", required_argument, NULL, 'T' },
        { "cacert", required_argument, NULL, 'A' },
        { "exam", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *trust_files[TRUST_ARGS_MAX];
    size_t n_trust = 0;
    const char *data = NULL, *code = NULL, *page_arg = NULL, *jobs_arg = NULL;
    const char *central = NULL, *token_file = NULL, *cacert = NULL, *exam_arg = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (n_trust == TRUST_ARGS_MAX)
                return cli_usage_error("scan", "at most %d --trust keys", TRUST_ARGS_MAX);
            trust_files[n_trust++] = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'j':
            jobs_arg = optarg;
            break;
        case 'c':
            code = optarg;
            break;
        case 'p':
            page_arg = optarg;
            break;
        case 'C':
            central = optarg;
            break;
        case 'T':
            token_file = optarg;
            break;
        case 'A':
            cacert = optarg;
            break;
        case 'e':
            exam_arg = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("scan", ":h", c, argv);
        }
    }
    if (!central && (token_file || cacert || exam_arg))
        return cli_usage_error("scan", "--token-file, --cacert and --exam go with --central");
    if (exam_arg && !code)
        return cli_usage_error("scan", "--exam goes with --code/--page (a page's QR names it)");
    if (central && code && !exam_arg)
        return cli_usage_error("scan", "--code/--page with --central need --exam ID");
    if (optind >= argc)
        return cli_usage_error("scan", "no IMAGE or PDF to scan");
    if ((code != NULL) != (page_arg != NULL))
        return cli_usage_error("scan", "--code and --page go together");
    int page_no = 0, jobs = 0;
    if (page_arg) {
        char *end = NULL;
        errno = 0;
        long v = strtol(page_arg, &end, 10);
        if (errno || !end || *end || v < 1 || v > PAYLOAD_PAGES_MAX)
            return cli_usage_error("scan", "--page %s: a page number from 1 to %d", page_arg,
                                   PAYLOAD_PAGES_MAX);
        page_no = (int)v;
        if (argc - optind != 1)
            return cli_usage_error("scan", "--code and --page attach one IMAGE");
    }
    if (jobs_arg) {
        char *end = NULL;
        errno = 0;
        long v = strtol(jobs_arg, &end, 10);
        if (errno || !end || *end || v < 1 || v > 64)
            return cli_usage_error("scan", "--jobs %s: a number from 1 to 64", jobs_arg);
        jobs = (int)v;
    }

    bilet_err err = { { 0 } };
    payload_trust *trust = calloc(1, sizeof *trust);
    size_t n_inputs = (size_t)(argc - optind);
    scan_input *inputs = calloc(n_inputs, sizeof *inputs);
    scan_page *pages = NULL;
    size_t n_pages = 0;
    int exit_code = 0;
    bilet_status st = BILET_OK;
    upload *u = NULL;
    if (central) {
        u = calloc(1, sizeof *u);
        if (!u) {
            st = bilet_fail(&err, BILET_ENOMEM, "no memory");
            goto out_report;
        }
        u->central = central;
        u->cacert = cacert;
        st = cli_staff_token(token_file, u->token, &err);
        if (st == BILET_OK)
            st = image_reader_create(&u->reader, &err);
        if (st != BILET_OK) {
            exit_code = cli_report("scan", st, &err);
            exit_code = 2;
            goto out_free;
        }
    }
    if (!trust || !inputs) {
        st = bilet_fail(&err, BILET_ENOMEM, "no memory");
        goto out_report;
    }
    for (size_t i = 0; i < n_trust && st == BILET_OK; i++)
        st = payload_trust_add_file(trust, trust_files[i], &err);
    if (st == BILET_OK && data) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/kiosk.pub", data) >= sizeof path)
            st = bilet_fail(&err, BILET_EINVAL, "--data %s: the path is too long", data);
        else
            st = payload_trust_add_file(trust, path, &err);
    }
    for (size_t i = 0; i < n_inputs && st == BILET_OK; i++) {
        inputs[i].path = argv[optind + (int)i];
        st = image_probe(inputs[i].path, &inputs[i].kind, &inputs[i].pages, &err);
    }
    if (st != BILET_OK)
        goto out_report;
    if (trust->n == 0 && !central)
        fprintf(stderr, "bilet scan: warning: no --trust key given; no page can be verified\n");

    if (code) {
        exit_code = scan_by_hand(&inputs[0], trust, code, page_no, u, exam_arg);
        goto out_free;
    }
    print_ctx ctx = { .inputs = inputs, .progress = isatty(STDERR_FILENO) == 1 };
    scan_job job = { .inputs = inputs,
                     .n_inputs = n_inputs,
                     .trust = trust,
                     .threads = jobs,
                     .on_page = on_page,
                     .on_progress = on_progress,
                     .ctx = &ctx };
    st = scan_run(&job, &pages, &n_pages, NULL, &err);
    if (st != BILET_OK)
        goto out_report;
    for (size_t i = 0; i < n_pages; i++)
        if (!scan_verdict_counts(pages[i].verdict))
            exit_code = 1;
    if (print_sets(pages, n_pages, &exit_code) && exit_code == 0)
        exit_code = 1;
    /* With --central the central's verdict counts: every page stored (or there already). */
    if (u)
        exit_code = upload_all(u, inputs, pages, n_pages) ? 0 : 1;
    if (fflush(stdout) != 0)
        exit_code = 1;
    goto out_free;

out_report:
    exit_code = cli_report("scan", st, &err);
    if (st == BILET_ENOTFOUND || st == BILET_EIO)
        exit_code = 2; /* an input or key file that cannot be read: nothing was scanned */
out_free:
    if (u) {
        image_reader_destroy(u->reader);
        keys_wipe(u->token, sizeof u->token);
        free(u);
    }
    free(pages);
    free(inputs);
    free(trust);
    sheet_release_fonts(); /* poppler rendered PDF pages through fontconfig */
    return exit_code;
}
