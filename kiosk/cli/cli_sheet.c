/*
 * cli_sheet.c — `bilet sheet`: answer sheets as an A4 PDF with a signed QR on every page.
 *
 *   bilet sheet --data DIR --exam DIR (--student RB | --all) [--pages N] --out FILE.pdf
 *   bilet sheet --data DIR --attempt ID [--exam DIR] --out FILE.pdf
 *
 * The first prints blank ruled sheets for handwriting (one set of N pages per student;
 * --all: every admitted student on the roster); the second prints a typed answer from the
 * kiosk's record log. Pages are signed with DIR/kiosk.key; each set printed is recorded in
 * the log as `sheet_printed` (code, pages, attempt; attempt 0 for blank sets). The PDF is
 * written beside FILE.pdf first and renamed into place only after the records are stored,
 * so a failure leaves neither a PDF without its records nor records without a PDF.
 * Exit status: 0 printed; 2 bad usage or input (one line); 1 a failure of disk or memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "event.h"
#include "exam.h"
#include "examdir.h"
#include "keys.h"
#include "paper.h"
#include "payload.h"
#include "sheet.h"
#include "sheetcode.h"
#include "store.h"

#define CODE_KEY_FILE "code.key"

enum { DEFAULT_PAGES = 2, SETS_MAX = EXAM_STUDENTS_MAX };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet sheet --data DIR --exam DIR (--student RB | --all) [--pages N]\n"
            "                   --out FILE.pdf\n"
            "       bilet sheet --data DIR --attempt ID [--exam DIR] --out FILE.pdf\n\n"
            "Prints answer sheets as an A4 PDF. Every page carries the exam's header, the\n"
            "sheet code and «стр. X из Y» in large type, and a QR code (top right) with the\n"
            "page's payload signed by the kiosk key DIR/kiosk.key. A blind exam prints the\n"
            "code derived with the exam's code.key, never the name or record book.\n"
            "Each set printed is recorded in DIR's log as sheet_printed.\n\n"
            "  --data DIR        the kiosk data folder (keys and record log)\n"
            "  --exam DIR        the exam directory (exam.ini, roster.csv, tickets.csv)\n"
            "  --student RB      blank sheets for the student with this record book\n"
            "  --all             blank sheets for every admitted student on the roster\n"
            "  --pages N         pages in each blank set (default %d, at most %d)\n"
            "  --attempt ID      a typed answer: the attempt id as `bilet results` prints it\n"
            "                    (the kiosk key's first 8 hex digits, '-', the number);\n"
            "                    with --exam the ticket's questions are printed too\n"
            "  --policies DIR    the folder of policy profiles (as for bilet check)\n"
            "  --out FILE.pdf    the PDF to write\n"
            "  --lang ru|kk|en   the language of the sheet's labels (default ru)\n"
            "  -h, --help        this text\n",
            DEFAULT_PAGES, SHEET_PAGES_MAX);
}

typedef struct printed {
    char code[PAYLOAD_FIELD_MAX];
    int pages;
} printed;

typedef struct options {
    const char *data;
    const char *exam_dir;
    const char *student;
    const char *attempt;
    const char *policies;
    const char *out;
    bool all;
    int pages;
} options;

/* Exit status for a failure: 2 for what the user can fix, 1 for disk and memory. */
static int fail(bilet_status st, const bilet_err *err)
{
    int rc = cli_report("sheet", st, err);
    return st == BILET_EIO || st == BILET_ENOMEM || st == BILET_ECORRUPT ? rc : 2;
}

static bilet_status load_exam(const options *o, exam *e, bilet_err *err)
{
    char policies[EXAMDIR_PATH_MAX];
    bilet_status st =
        examdir_find_policies(o->exam_dir, o->policies, NULL, policies, sizeof policies, err);
    if (st == BILET_OK)
        st = examdir_load(o->exam_dir, policies, e, err);
    return st;
}

static bilet_status read_code_key(const char *exam_dir, unsigned char key[SHEETCODE_KEY_BYTES],
                                  bilet_err *err)
{
    char path[EXAMDIR_PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", exam_dir, CODE_KEY_FILE) >= sizeof path)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", exam_dir);
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return bilet_fail(err, BILET_ENOTFOUND,
                          "%s: missing; a blind exam needs its code secret (create it once with "
                          "bilet check --exam %s --new-secret)",
                          path, exam_dir);
    return keys_secret_file_read_hex(path, key, SHEETCODE_KEY_BYTES, err);
}

/* Appends one sheet_printed record per set, in one transaction. */
static bilet_status record_sets(store *st, const char *exam_id, const printed *sets, size_t n,
                                int attempt, bilet_err *err)
{
    int64_t now = (int64_t)time(NULL);
    bilet_status rc = store_batch_begin(st, err);
    for (size_t i = 0; rc == BILET_OK && i < n; i++) {
        bilet_field f[3] = {
            bilet_field_str("code", sets[i].code),
            bilet_field_int("pages", sets[i].pages),
            bilet_field_int("attempt", attempt),
        };
        rc = store_append(st, now, exam_id, "sheet_printed", f, 3, NULL, err);
    }
    if (rc == BILET_OK)
        return store_batch_commit(st, err);
    store_batch_rollback(st);
    return rc;
}

/* Renders the sets into o->out via a temporary file, records them, then renames. */
typedef struct job {
    const options *o;
    const exam_info *info;
    keys_pair *kp;
    store *st;
    char part[EXAMDIR_PATH_MAX + 8];
    sheet_doc *doc;
    printed *sets;
    size_t n_sets;
    int pages;
} job;

static bilet_status job_start(job *j, bilet_err *err)
{
    if ((size_t)snprintf(j->part, sizeof j->part, "%s.part", j->o->out) >= sizeof j->part)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", j->o->out);
    return sheet_doc_create(j->part, j->kp, &j->doc, err);
}

static bilet_status job_add(job *j, const sheet_set *set, bilet_err *err)
{
    int pages = 0;
    bilet_status st = sheet_doc_add(j->doc, j->info, set, &pages, err);
    if (st != BILET_OK)
        return st;
    snprintf(j->sets[j->n_sets].code, sizeof j->sets[0].code, "%s", set->code);
    j->sets[j->n_sets++].pages = pages;
    j->pages += pages;
    return BILET_OK;
}

static bilet_status job_finish(job *j, int attempt, bilet_err *err)
{
    bilet_status st = sheet_doc_finish(j->doc, err);
    if (st == BILET_OK)
        st = record_sets(j->st, j->info->id, j->sets, j->n_sets, attempt, err);
    if (st == BILET_OK && rename(j->part, j->o->out) != 0)
        st = bilet_fail(err, BILET_EIO, "%s: %s (the sheets are recorded; the PDF is at %s)",
                        j->o->out, strerror(errno), j->part);
    return st;
}

static int print_blank(const options *o, keys_pair *kp, store *st, bilet_err *err)
{
    exam e;
    bilet_status rc = load_exam(o, &e, err);
    if (rc != BILET_OK)
        return fail(rc, err);
    unsigned char key[SHEETCODE_KEY_BYTES];
    bool blind = e.info.code == EXAM_CODE_BLIND;
    job j = { .o = o, .info = &e.info, .kp = kp, .st = st };
    if (blind && (rc = read_code_key(o->exam_dir, key, err)) != BILET_OK)
        goto out_free;
    const exam_student *one = NULL;
    if (o->student) {
        one = exam_find_student(&e, o->student);
        if (!one) {
            rc = bilet_fail(err, BILET_ENOTFOUND, "%s/roster.csv: no student with record book %s",
                            o->exam_dir, o->student);
            goto out_free;
        }
        if (one->status != STUDENT_ADMITTED) {
            rc = bilet_fail(err, BILET_ERULE, "%s/roster.csv:%d: record book %s: %s; no sheets",
                            o->exam_dir, one->line, one->record_book,
                            student_status_title_ru(one->status));
            goto out_free;
        }
    }
    j.sets = calloc(one ? 1 : (e.n_students ? e.n_students : 1), sizeof *j.sets);
    if (!j.sets) {
        rc = bilet_fail(err, BILET_ENOMEM, "no memory");
        goto out_free;
    }
    if ((rc = job_start(&j, err)) != BILET_OK)
        goto out_free;
    for (size_t i = 0; i < e.n_students; i++) {
        const exam_student *s = one ? one : &e.students[i];
        if (!one && s->status != STUDENT_ADMITTED)
            continue;
        char code[PAYLOAD_FIELD_MAX];
        rc = blind ? sheetcode_blind(key, e.info.id, s->record_book, code, err)
                   : sheetcode_record_book(s->record_book, code, sizeof code, err);
        if (rc != BILET_OK)
            break;
        sheet_set set = { .code = code, .record_book = !blind, .pages = o->pages };
        if ((rc = job_add(&j, &set, err)) != BILET_OK)
            break;
        if (one)
            break;
    }
    if (rc == BILET_OK && j.n_sets == 0)
        rc = bilet_fail(err, BILET_ERULE, "%s/roster.csv: no admitted student", o->exam_dir);
    if (rc == BILET_OK)
        rc = job_finish(&j, 0, err);
    if (rc == BILET_OK)
        printf("%s: %zu set%s, %d pages (sheet_printed recorded in %s)\n", o->out, j.n_sets,
               j.n_sets == 1 ? "" : "s", j.pages, o->data);

out_free:
    keys_wipe(key, sizeof key);
    sheet_doc_destroy(j.doc);
    if (rc != BILET_OK && j.part[0])
        remove(j.part);
    free(j.sets);
    exam_free(&e);
    return rc == BILET_OK ? 0 : fail(rc, err);
}

/* What the log says about one attempt. */
typedef struct attempt_fold {
    int attempt;
    bool found;
    char exam[EXAM_ID_MAX];
    char code[RECORD_BOOK_MAX];
    int ticket;
    char *text; /* owned */
    const char *outcome;
} attempt_fold;

static bilet_status fold(const store_record *rec, void *ctx_, bilet_err *err)
{
    attempt_fold *a = ctx_;
    const record_view *v = rec->view;
    event_type t = event_type_parse(v->type);
    if (t == EV_NONE)
        return BILET_OK;
    event ev;
    bilet_status st = event_from_fields(v->type, v->time, v->fields, v->n_fields, &ev, err);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "record %llu: ", (unsigned long long)rec->seq);
        return st;
    }
    if (ev.attempt != a->attempt)
        return BILET_OK;
    switch (t) {
    case EV_STUDENT_IDENTIFIED:
        a->found = true;
        snprintf(a->exam, sizeof a->exam, "%s", v->exam);
        snprintf(a->code, sizeof a->code, "%s", ev.code);
        a->outcome = "running";
        break;
    case EV_TICKET_DRAWN:
        a->ticket = ev.ticket;
        break;
    case EV_ANSWER_SUBMITTED:
    case EV_REMOVED:
        free(a->text);
        a->text = strdup(ev.text ? ev.text : "");
        if (!a->text)
            return bilet_fail(err, BILET_ENOMEM, "no memory for the answer of attempt %d",
                              a->attempt);
        a->outcome = t == EV_REMOVED ? "removed" : "submitted";
        break;
    case EV_REFUSED:
        a->outcome = "refused";
        break;
    case EV_GRADED:
        if (!a->text)
            a->outcome = "graded orally";
        break;
    default:
        break;
    }
    return BILET_OK;
}

/* "3fa9c2d1-7": 8 lower-case hex digits, '-', a number from 1. */
static bool parse_attempt_id(const char *id, char prefix[9], int *n)
{
    if (strlen(id) < 10 || id[8] != '-')
        return false;
    for (int i = 0; i < 8; i++) {
        char c = id[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
        prefix[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    prefix[8] = '\0';
    char *end = NULL;
    errno = 0;
    long v = strtol(id + 9, &end, 10);
    if (errno || !end || *end || id[9] < '1' || id[9] > '9' || v < 1 || v > 1000000000)
        return false;
    *n = (int)v;
    return true;
}

static int print_attempt(const options *o, keys_pair *kp, store *st, bilet_err *err)
{
    char prefix[9];
    attempt_fold a = { 0 };
    exam e;
    memset(&e, 0, sizeof e);
    bilet_status rc = BILET_OK;
    job j = { .o = o, .kp = kp, .st = st };
    printed one;
    j.sets = &one;
    if (!parse_attempt_id(o->attempt, prefix, &a.attempt))
        return cli_usage_error("sheet", "--attempt %s: expected an attempt id like 3fa9c2d1-7",
                               o->attempt);
    if (strncmp(prefix, store_kiosk_hex(st), 8) != 0) {
        rc = bilet_fail(err, BILET_ENOTFOUND,
                        "attempt %s was not recorded by this kiosk (%s: key %.8s…)", o->attempt,
                        o->data, store_kiosk_hex(st));
        goto out_free;
    }
    if ((rc = store_foreach(st, 1, fold, &a, err)) != BILET_OK)
        goto out_free;
    if (!a.found) {
        rc = bilet_fail(err, BILET_ENOTFOUND, "%s: no attempt %s in the record log", o->data,
                        o->attempt);
        goto out_free;
    }
    if (!a.text) {
        rc = bilet_fail(err, BILET_ESTATE, "attempt %s has no typed answer (%s)", o->attempt,
                        a.outcome);
        goto out_free;
    }
    exam_info bare;
    memset(&bare, 0, sizeof bare);
    snprintf(bare.id, sizeof bare.id, "%s", a.exam);
    j.info = &bare;
    sheet_set set;
    sheet_set_answer(&set, NULL, a.code, NULL, a.ticket, a.text, o->attempt);
    if (o->exam_dir) {
        if ((rc = load_exam(o, &e, err)) != BILET_OK)
            goto out_free;
        if (strcmp(e.info.id, a.exam) != 0) {
            rc = bilet_fail(err, BILET_EINVAL, "--exam %s is exam %s, but attempt %s sat exam %s",
                            o->exam_dir, e.info.id, o->attempt, a.exam);
            goto out_free;
        }
        j.info = &e.info;
        sheet_set_answer(&set, &e.info, a.code,
                         a.ticket > 0 && e.tickets ? exam_ticket_by_number(&e, a.ticket) : NULL,
                         a.ticket, a.text, o->attempt);
    }
    /* The same pages the kiosk prints when the answer is handed in (sheet_write). */
    if ((size_t)snprintf(j.part, sizeof j.part, "%s.part", o->out) >= sizeof j.part) {
        rc = bilet_fail(err, BILET_EINVAL, "%s: the path is too long", o->out);
        goto out_free;
    }
    if ((rc = sheet_write(j.part, kp, j.info, &set, &one.pages, err)) != BILET_OK)
        goto out_free;
    snprintf(one.code, sizeof one.code, "%s", a.code);
    j.n_sets = 1;
    j.pages = one.pages;
    if ((rc = record_sets(st, j.info->id, &one, 1, a.attempt, err)) != BILET_OK)
        goto out_free;
    if (rename(j.part, o->out) != 0) {
        rc = bilet_fail(err, BILET_EIO, "%s: %s (the sheet is recorded; the PDF is at %s)", o->out,
                        strerror(errno), j.part);
        j.part[0] = '\0'; /* kept: the record names it */
        goto out_free;
    }
    printf("%s: attempt %s, code %s, %d page%s (sheet_printed recorded in %s)\n", o->out,
           o->attempt, a.code, j.pages, j.pages == 1 ? "" : "s", o->data);

out_free:
    sheet_doc_destroy(j.doc);
    if (rc != BILET_OK && j.part[0])
        remove(j.part);
    free(a.text);
    exam_free(&e);
    return rc == BILET_OK ? 0 : fail(rc, err);
}

int cli_sheet(int argc, char **argv)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "exam", required_argument, NULL, 'e' },
        { "student", required_argument, NULL, 's' },
        { "all", no_argument, NULL, 'a' },
        { "pages", required_argument, NULL, 'p' },
        { "attempt", required_argument, NULL, 't' },
        { "policies", required_argument, NULL, 'P' },
        { "out", required_argument, NULL, 'o' },
        { "lang", required_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    options o = { .pages = DEFAULT_PAGES };
    const char *lang = "ru";
    const char *pages_arg = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.data = optarg;
            break;
        case 'e':
            o.exam_dir = optarg;
            break;
        case 's':
            o.student = optarg;
            break;
        case 'a':
            o.all = true;
            break;
        case 'p':
            pages_arg = optarg;
            break;
        case 't':
            o.attempt = optarg;
            break;
        case 'P':
            o.policies = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'L':
            lang = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("sheet", ":h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("sheet", "unexpected argument '%s'", argv[optind]);
    if (!o.data || !o.data[0])
        return cli_usage_error("sheet", "--data DIR is required");
    if (!o.out || !o.out[0])
        return cli_usage_error("sheet", "--out FILE.pdf is required");
    if ((o.student != NULL) + o.all + (o.attempt != NULL) != 1)
        return cli_usage_error("sheet", "give exactly one of --student RB, --all, --attempt ID");
    if (!o.attempt && !o.exam_dir)
        return cli_usage_error("sheet", "--exam DIR is required with --student and --all");
    if (pages_arg) {
        char *end = NULL;
        errno = 0;
        long v = strtol(pages_arg, &end, 10);
        if (o.attempt)
            return cli_usage_error("sheet", "--pages is for blank sets; a typed answer takes "
                                            "the pages it needs");
        if (errno || !end || *end || v < 1 || v > SHEET_PAGES_MAX)
            return cli_usage_error("sheet", "--pages %s: a number from 1 to %d", pages_arg,
                                   SHEET_PAGES_MAX);
        o.pages = (int)v;
    }

    bilet_err err = { { 0 } };
    bilet_status rc = paper_language_use(lang, &err);
    if (rc == BILET_EINVAL)
        return cli_usage_error("sheet", "%s", err.msg);
    if (rc != BILET_OK)
        return cli_report("sheet", rc, &err); /* a catalog missing: 1 */
    keys_pair *kp = NULL;
    store *st = NULL;
    rc = store_open(o.data, &st, &err);
    if (rc == BILET_OK)
        rc = keys_pair_load(o.data, &kp, &err);
    int exit_code;
    if (rc != BILET_OK)
        exit_code = fail(rc, &err);
    else if (o.attempt)
        exit_code = print_attempt(&o, kp, st, &err);
    else
        exit_code = print_blank(&o, kp, st, &err);
    keys_pair_destroy(kp);
    store_close(st);
    sheet_release_fonts();
    return exit_code;
}
