/*
 * runtime.c — start-up, replay and the dispatch of UI actions (runtime.h).
 *
 * The order of start-up is the order of trust: settings, then the exam, then the data
 * folder, then the log. Nothing is shown before the log has been replayed, so the screen a
 * restarted terminal shows is always the one its records call for. Load: a few actions a
 * second, a tick and a frame per frame; the log is replayed once (thousands of records at
 * most per exam).
 */
#include "runtime.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "answers.h"
#include "autosave.h"
#include "editor.h"
#include "examdir.h"
#include "keys.h"
#include "package.h"
#include "paper.h"
#include "printer.h"
#include "record.h"
#include "sheet.h"
#include "sheetcode.h"
#include "store.h"
#include "syncer.h"
#include "text.h"

enum {
    AUTOSAVE_INTERVAL_MS = 250,
    RETRY_FIRST_MS = 250, /* a refused append is tried again after this, then twice as long */
    RETRY_MAX_MS = 2000,  /* ... up to this: space that returns is used within 2 s */
    QUEUE_MAX = 100000,   /* events waiting for a refusing store; beyond it the kiosk stops */
};

/* An event the store refused, kept with its own copy of the answer text. */
typedef struct queued_event {
    event ev;
    char *text;
} queued_event;

struct runtime {
    kiosk_config kcfg;
    char exam_dir[EXAMDIR_PATH_MAX];
    char data_dir[EXAMDIR_PATH_MAX];
    char policies[EXAMDIR_PATH_MAX];
    char lang[KIOSKINI_LANG_MAX];
    bool data_created;
    int64_t started_at;

    exam ex;
    bool have_exam;
    unsigned char code_key[SHEETCODE_KEY_BYTES];
    bool have_code_key;
    package pkg;   /* --exam FILE.bilet: the sealed package (docs/package.md) */
    bool have_pkg; /* tickets and code key come from pkg after the passphrase */
    char roster_hash[EVENT_HASH_HEX];

    store *st;
    uint64_t records;       /* the log's last seq (the syncer says how many are acknowledged) */
    store_answers *answers; /* until the saver takes it */
    int64_t last_heartbeat;
    autosave *saver;

    session s;
    bool have_session;
    size_t replayed;
    int other_attempts; /* the highest attempt number of other exams in the log */

    ui *u;
    ui_metrics metrics; /* the UI keeps a pointer to it */

    queued_event *queue; /* [q_head, q_n) wait, in order */
    size_t q_head, q_n, q_cap;
    struct timespec retry_at; /* monotonic: when flush_queue may try again */
    long retry_ms;            /* the wait after the next refusal (backoff) */
    char store_problem[BILET_ERR_MAX];
    char append_err[BILET_ERR_MAX]; /* the store's last refusal */
    char shown_problem[BILET_ERR_MAX];

    struct timespec last_submit;
    int submitted_attempt;
    uint64_t submitted_revision;

    char today[EXAM_SHORT_MAX];
    bool quit;

    syncer *sync; /* background push to kiosk.ini's central (syncer.h); NULL offline */

    printer *pr;          /* the sheet thread (printer.h); NULL for an oral exam */
    printer_result sheet; /* the last sheet's state, for the invigilator screen */
    bool have_sheet;
    int64_t now; /* the clock of the last tick: the time of sheet_printed records */
};

static void flush_queue(runtime *rt);
static void record_sheets(runtime *rt);

/* ---- small helpers -------------------------------------------------------------------- */

static bool path_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static bilet_status join(char *out, size_t cap, const char *dir, const char *name, bilet_err *err)
{
    size_t n = strlen(dir);
    int k = snprintf(out, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
    if (k < 0 || (size_t)k >= cap)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", dir);
    return BILET_OK;
}

static bilet_status copy_path(char *out, size_t cap, const char *path, const char *what,
                              bilet_err *err)
{
    size_t n = strlen(path);
    if (n >= cap)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", what);
    memcpy(out, path, n + 1);
    return BILET_OK;
}

bool runtime_status_is_bad_input(bilet_status st)
{
    switch (st) {
    case BILET_EINVAL:
    case BILET_EPARSE:
    case BILET_ERULE:
    case BILET_ENOTFOUND:
    case BILET_ETOOBIG:
    case BILET_EBADSIG: /* a package altered or signed by a key not trusted */
        return true;
    default:
        return false;
    }
}

/* ---- the interfaces of the session machine ---------------------------------------------- */

static const char *answer_text(void *ctx)
{
    runtime *rt = ctx;
    return rt->u ? ui_answer_text(rt->u) : "";
}

static bilet_status sheet_code(void *ctx, const char *record_book, char *out, size_t cap,
                               bilet_err *err)
{
    runtime *rt = ctx;
    if (rt->ex.info.code == EXAM_CODE_RECORD_BOOK)
        return sheetcode_record_book(record_book, out, cap, err);
    if (cap < SHEETCODE_SIZE)
        return bilet_fail(err, BILET_EINVAL, "no room for a sheet code");
    if (!rt->have_code_key)
        return bilet_fail(err, BILET_ESTATE, "the code secret is still sealed in the package");
    char code[SHEETCODE_SIZE];
    bilet_status st = sheetcode_blind(rt->code_key, rt->ex.info.id, record_book, code, err);
    if (st == BILET_OK)
        memcpy(out, code, SHEETCODE_SIZE);
    return st;
}

static uint32_t uniform(void *ctx, uint32_t upper)
{
    (void)ctx;
    return keys_uniform(upper);
}

/* ---- start-up ------------------------------------------------------------------------- */

/* Initialises a data folder that is not there yet, as `bilet init` does. */
static bilet_status prepare_data_dir(runtime *rt, bilet_err *err)
{
    char db[EXAMDIR_PATH_MAX], key[EXAMDIR_PATH_MAX];
    bilet_status st = join(db, sizeof db, rt->data_dir, STORE_DB_FILE, err);
    if (st == BILET_OK)
        st = join(key, sizeof key, rt->data_dir, KEYS_SECRET_FILE, err);
    if (st != BILET_OK)
        return st;
    if (path_exists(db) || path_exists(key))
        return BILET_OK; /* store_open names what is missing or damaged */
    st = store_init_data_dir(rt->data_dir, err);
    if (st == BILET_OK)
        rt->data_created = true;
    return st;
}

/* --exam: an exam directory, or a package file (*is_package). */
static bilet_status check_exam_path(const char *path, bool *is_package, bilet_err *err)
{
    struct stat sb;
    *is_package = false;
    if (stat(path, &sb) != 0)
        return bilet_fail(err, BILET_ENOTFOUND, "--exam %s: %s", path, strerror(errno));
    if (S_ISREG(sb.st_mode)) {
        *is_package = true;
        return BILET_OK;
    }
    if (!S_ISDIR(sb.st_mode))
        return bilet_fail(err, BILET_EINVAL, "--exam %s: not an exam directory", path);
    return BILET_OK;
}

static bilet_status load_code_key(runtime *rt, bilet_err *err)
{
    char path[EXAMDIR_PATH_MAX];
    bilet_status st = join(path, sizeof path, rt->exam_dir, "code.key", err);
    if (st != BILET_OK)
        return st;
    if (!path_exists(path))
        return bilet_fail(err, BILET_ENOTFOUND,
                          "%s: нет code.key: bilet check --exam %s --new-secret (a blind exam "
                          "does not open without its code secret)",
                          path, rt->exam_dir);
    st = keys_secret_file_read_hex(path, rt->code_key, sizeof rt->code_key, err);
    if (st != BILET_OK)
        return st;
    rt->have_code_key = true;
    return BILET_OK;
}

/* Reads the package, checks its signature against kiosk.ini's trust = and loads its clear
 * part (the tickets stay sealed until the passphrase). */
static bilet_status load_package(runtime *rt, bilet_err *err)
{
    if (rt->kcfg.n_trust == 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s: field trust is not set: a kiosk opens only packages signed by a "
                          "staff key it trusts (trust = staff.pub)",
                          rt->kcfg.path);
    bilet_status st = package_read(rt->exam_dir, &rt->pkg, err);
    if (st != BILET_OK)
        return st;
    rt->have_pkg = true;
    const char *trusted[KIOSKINI_TRUST_MAX];
    for (size_t i = 0; i < rt->kcfg.n_trust; i++)
        trusted[i] = rt->kcfg.trust_list[i];
    st = package_check_trust(&rt->pkg, rt->exam_dir, trusted, rt->kcfg.n_trust, err);
    if (st != BILET_OK)
        return st;
    examdir_bytes files = {
        .exam_ini = rt->pkg.exam_ini,
        .exam_ini_len = rt->pkg.exam_ini_len,
        .roster = rt->pkg.roster,
        .roster_len = rt->pkg.roster_len,
        .sealed_tickets = rt->pkg.n_tickets,
    };
    st = examdir_load_bytes(rt->exam_dir, &files, rt->policies, &rt->ex, err);
    if (st != BILET_OK)
        return st;
    rt->have_exam = true;
    if (strcmp(rt->ex.info.id, rt->pkg.exam_id) != 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s: field exam: the package says \"%s\", its exam.ini says \"%s\"",
                          rt->exam_dir, rt->pkg.exam_id, rt->ex.info.id);
    if (rt->ex.info.code == EXAM_CODE_BLIND && !rt->pkg.has_code_key)
        return bilet_fail(err, BILET_EPARSE,
                          "%s: field code_key: a blind exam's package must seal its code.key",
                          rt->exam_dir);
    record_hash_hex(rt->pkg.roster, rt->pkg.roster_len, rt->roster_hash);
    return BILET_OK;
}

/* Opens the package's sealed part with a passphrase and attaches the tickets (in memory
 * only) and the code secret. BILET_EPERM for a wrong passphrase; anything else is a failure
 * that is no wrong try (no memory for Argon2id, a package whose tickets do not load). */
static bilet_status unseal(runtime *rt, const char *pass, size_t len, bilet_err *err)
{
    package_secret sec;
    bilet_status st = package_unseal(&rt->pkg, pass, len, &sec, err);
    if (st != BILET_OK)
        return st;
    if (!rt->ex.tickets)
        st = examdir_attach_tickets(rt->exam_dir, sec.tickets, sec.tickets_len, &rt->ex, err);
    if (st == BILET_OK && sec.has_code_key) {
        memcpy(rt->code_key, sec.code_key, sizeof rt->code_key);
        rt->have_code_key = true;
    }
    package_secret_free(&sec);
    return st;
}

/* After the session is closed the tickets of a package are needed no more: wiped. */
static void forget_secrets(runtime *rt)
{
    if (!rt->have_pkg || !rt->s.closed)
        return;
    exam_forget_tickets(&rt->ex);
    keys_wipe(rt->code_key, sizeof rt->code_key);
    rt->have_code_key = false;
}

/* The hex BLAKE2b-256 of roster.csv's bytes, as sealed into session_opened. */
static bilet_status hash_roster(runtime *rt, bilet_err *err)
{
    char path[EXAMDIR_PATH_MAX];
    bilet_status st = join(path, sizeof path, rt->exam_dir, "roster.csv", err);
    if (st != BILET_OK)
        return st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    char *buf = malloc((size_t)EXAMDIR_CSV_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return bilet_fail(err, BILET_ENOMEM, "out of memory reading %s", path);
    }
    size_t n = fread(buf, 1, (size_t)EXAMDIR_CSV_FILE_MAX + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad)
        st = bilet_fail(err, BILET_EIO, "%s: read error", path);
    else if (n > EXAMDIR_CSV_FILE_MAX)
        st = bilet_fail(err, BILET_ETOOBIG, "%s: over %d bytes", path, (int)EXAMDIR_CSV_FILE_MAX);
    else
        record_hash_hex(buf, n, rt->roster_hash);
    free(buf);
    return st;
}

static bilet_status replay_one(const store_record *rec, void *ctx, bilet_err *err)
{
    runtime *rt = ctx;
    const record_view *v = rec->view;
    if (event_type_parse(v->type) == EV_NONE)
        return BILET_OK; /* records of other parts (sync, sheets) */
    if (strcmp(v->exam, rt->ex.info.id) != 0) {
        /* Attempt numbers run over the kiosk's whole log, across exams. */
        const bilet_field *a = bilet_field_find(v->fields, v->n_fields, "attempt");
        if (a && a->kind == BILET_FIELD_INT && a->i > rt->other_attempts && a->i < INT32_MAX)
            rt->other_attempts = (int)a->i;
        return BILET_OK;
    }
    event ev;
    bilet_status st = event_from_fields(v->type, v->time, v->fields, v->n_fields, &ev, err);
    if (st == BILET_OK)
        st = session_apply(&rt->s, &ev, err);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "%s/%s: record %llu (%s): ", rt->data_dir, STORE_DB_FILE,
                         (unsigned long long)rec->seq, v->type);
        return st;
    }
    rt->replayed++;
    return BILET_OK;
}

static bilet_status open_steps(runtime *rt, const runtime_config *cfg, bilet_err *err)
{
    bilet_status st = kioskini_load(cfg->config_path, &rt->kcfg, err);
    if (st != BILET_OK)
        return st;
    text_copy(rt->lang, sizeof rt->lang, cfg->lang && cfg->lang[0] ? cfg->lang : rt->kcfg.lang);
    const char *data = cfg->data_dir && cfg->data_dir[0] ? cfg->data_dir : rt->kcfg.data;
    if (!data[0])
        return bilet_fail(err, BILET_EINVAL,
                          "%s: field data is not set and no --data was given; name the data "
                          "folder",
                          cfg->config_path);
    st = copy_path(rt->data_dir, sizeof rt->data_dir, data, "data", err);
    bool is_package = false;
    if (st == BILET_OK)
        st = check_exam_path(cfg->exam_path, &is_package, err);
    if (st == BILET_OK)
        st = copy_path(rt->exam_dir, sizeof rt->exam_dir, cfg->exam_path, "--exam", err);
    if (st == BILET_OK)
        st = examdir_find_policies(rt->exam_dir, cfg->policies_dir,
                                   rt->kcfg.policies[0] ? rt->kcfg.policies : NULL, rt->policies,
                                   sizeof rt->policies, err);
    if (st != BILET_OK)
        return st;
    if (is_package) {
        st = load_package(rt, err);
    } else {
        st = examdir_load(rt->exam_dir, rt->policies, &rt->ex, err);
        if (st != BILET_OK)
            return st;
        rt->have_exam = true;
        if (rt->ex.info.code == EXAM_CODE_BLIND)
            st = load_code_key(rt, err);
        if (st == BILET_OK)
            st = hash_roster(rt, err);
    }
    if (st == BILET_OK)
        st = prepare_data_dir(rt, err);
    if (st == BILET_OK)
        st = store_open(rt->data_dir, &rt->st, err);
    if (st == BILET_OK)
        st = store_last(rt->st, &rt->records, NULL, err);
    if (st == BILET_OK)
        st = store_answers_open(rt->data_dir, &rt->answers, err);
    if (st == BILET_OK)
        st = store_answers_last_heartbeat(rt->answers, &rt->last_heartbeat, err);
    if (st != BILET_OK)
        return st;
    session_rng rng = { rt, uniform };
    session_text text = { rt, answer_text };
    session_coder coder = { rt, sheet_code };
    st = session_init(&rt->s, &rt->ex, rt->kcfg.name, rt->roster_hash, is_package, rng, text, coder,
                      err);
    if (st != BILET_OK)
        return st;
    rt->have_session = true;
    st = store_foreach(rt->st, 1, replay_one, rt, err);
    if (st == BILET_OK && rt->s.next_attempt <= rt->other_attempts)
        rt->s.next_attempt = rt->other_attempts + 1;
    return st;
}

/* Starts the background sync when kiosk.ini names a central; a central without its key
 * is refused, since no receipt could be checked and nothing would ever be acknowledged. */
static bilet_status start_sync(runtime *rt, bilet_err *err)
{
    if (!rt->kcfg.central[0])
        return BILET_OK;
    if (!rt->kcfg.central_pub[0])
        return bilet_fail(err, BILET_EPARSE,
                          "%s: field central_pub is not set: a kiosk that syncs to %s needs the "
                          "central's key to check its receipts",
                          rt->kcfg.path, rt->kcfg.central);
    syncer_config sc = { rt->data_dir, rt->kcfg.central, rt->kcfg.central_pub };
    bilet_status st = syncer_start(&sc, &rt->sync, err);
    if (st != BILET_OK)
        bilet_err_prefix(err, "%s: central: ", rt->kcfg.path);
    return st;
}

/* A written exam's answers become sheets (printer.h). The sheet's labels are set in the
 * terminal's language: chosen here, on the UI thread, so that the sheet thread never sets
 * the environment. */
static bilet_status start_printer(runtime *rt, bilet_err *err)
{
    if (rt->ex.info.mode != EXAM_MODE_WRITTEN)
        return BILET_OK;
    bilet_err lerr = { { 0 } };
    if (paper_language_use(rt->lang, &lerr) != BILET_OK)
        fprintf(stderr, "bilet-kiosk: %s\n", lerr.msg); /* the sheets fall back to English */
    bilet_status st = printer_start(rt->data_dir, rt->kcfg.printer, &rt->pr, err);
    if (st != BILET_OK)
        bilet_err_prefix(err, "%s: sheets: ", rt->data_dir);
    return st;
}

bilet_status runtime_open(const runtime_config *cfg, runtime **out, bilet_err *err)
{
    *out = NULL;
    if (!cfg->config_path || !cfg->exam_path)
        return bilet_fail(err, BILET_EINVAL, "--config and --exam are required");
    runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    rt->started_at = (int64_t)time(NULL);
    bilet_status st = open_steps(rt, cfg, err);
    if (st == BILET_OK)
        st = start_sync(rt, err);
    if (st == BILET_OK)
        st = start_printer(rt, err);
    if (st != BILET_OK) {
        runtime_close(rt);
        return st;
    }
    *out = rt;
    return BILET_OK;
}

int64_t runtime_started_at(const runtime *rt)
{
    return rt->started_at;
}

static bool attempt_running(const session *s)
{
    return s->has_attempt && s->attempt.outcome == OUTCOME_NONE;
}

/* The attempt whose answer the editor holds, or 0 when no answer is being written. */
static int writing_attempt(const session *s)
{
    return attempt_running(s) && s->attempt.ticket != 0 ? s->attempt.id : 0;
}

static bilet_status restore_answer(runtime *rt, bilet_err *err)
{
    int id = writing_attempt(&rt->s);
    if (id == 0)
        return BILET_OK;
    ui_bind_attempt(rt->u, id);
    char *text = NULL;
    size_t len = 0;
    uint64_t revision = 0;
    bilet_status st =
        store_answers_load(rt->answers, rt->ex.info.id, id, &text, &len, &revision, err);
    if (st == BILET_ENOTFOUND)
        return BILET_OK; /* nothing typed before the crash */
    if (st != BILET_OK)
        return st;
    st = editor_set_text(ui_editor(rt->u), text, len, err);
    keys_wipe(text, len);
    free(text);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "%s/%s: the saved answer of attempt %d: ", rt->data_dir,
                         STORE_DB_FILE, id);
        return st;
    }
    return BILET_OK;
}

bilet_status runtime_attach_ui(runtime *rt, const ui_metrics *m, int width, int height, int64_t now,
                               bilet_err *err)
{
    if (rt->u)
        return bilet_fail(err, BILET_ESTATE, "the UI is attached already");
    rt->metrics = *m;
    bilet_status st = ui_create(&rt->metrics, width, height, rt->lang, &rt->u, err);
    if (st != BILET_OK)
        return st;
    st = restore_answer(rt, err);
    if (st != BILET_OK)
        return st;
    int64_t downtime = 0;
    if (rt->last_heartbeat > 0 && now > rt->last_heartbeat && writing_attempt(&rt->s) != 0)
        downtime = now - rt->last_heartbeat;
    session_restore_finish(&rt->s, now, downtime);
    st = autosave_start(rt->answers, &rt->saver, err);
    rt->answers = NULL; /* taken, even on failure */
    return st;
}

void runtime_close(runtime *rt)
{
    if (!rt)
        return;
    syncer_stop(rt->sync);
    if (rt->pr) {
        printer_stop(rt->pr); /* the sheets handed over are made and recorded first */
        if (rt->q_head < rt->q_n)
            flush_queue(rt);
        record_sheets(rt);
        printer_destroy(rt->pr);
        sheet_release_fonts();
    }
    if (rt->saver && rt->u)
        runtime_autosave_poll(rt, true);
    autosave_stop(rt->saver);
    store_answers_close(rt->answers);
    for (size_t i = rt->q_head; i < rt->q_n; i++)
        free(rt->queue[i].text);
    free(rt->queue);
    ui_destroy(rt->u);
    if (rt->have_session)
        session_free(&rt->s);
    store_close(rt->st);
    if (rt->have_exam)
        exam_free(&rt->ex);
    package_free(&rt->pkg);
    keys_wipe(rt->code_key, sizeof rt->code_key);
    keys_wipe(rt->kcfg.pin_hash, sizeof rt->kcfg.pin_hash);
    free(rt);
}

/* ---- accessors ------------------------------------------------------------------------ */

ui *runtime_ui(runtime *rt)
{
    return rt->u;
}

const session *runtime_session(const runtime *rt)
{
    return &rt->s;
}

const exam *runtime_exam(const runtime *rt)
{
    return &rt->ex;
}

const kiosk_config *runtime_kiosk(const runtime *rt)
{
    return &rt->kcfg;
}

const char *runtime_lang(const runtime *rt)
{
    return rt->lang;
}

bool runtime_answer_unsaved(runtime *rt)
{
    int id = writing_attempt(&rt->s);
    if (id == 0 || !rt->u)
        return false;
    if (id != rt->submitted_attempt || editor_revision(ui_editor(rt->u)) != rt->submitted_revision)
        return true;
    return rt->saver && !autosave_durable(rt->saver, id, rt->submitted_revision);
}

bool runtime_data_created(const runtime *rt)
{
    return rt->data_created;
}

const char *runtime_data_dir(const runtime *rt)
{
    return rt->data_dir;
}

bool runtime_quit_requested(const runtime *rt)
{
    return rt->quit || rt->s.quit;
}

bool runtime_may_exit(const runtime *rt)
{
    return !rt->s.opened || rt->s.closed;
}

size_t runtime_unsaved_events(const runtime *rt)
{
    return rt->q_n - rt->q_head;
}

/* ---- the log -------------------------------------------------------------------------- */

static bilet_status append_event(runtime *rt, const event *ev, bilet_err *err)
{
    bilet_field f[BILET_FIELDS_MAX];
    size_t n = event_to_fields(ev, f);
    bilet_status st =
        store_append(rt->st, ev->time, rt->ex.info.id, event_type_name(ev->type), f, n, NULL, err);
    if (st == BILET_OK)
        syncer_kick(rt->sync); /* a new record for the outbox */
    return st;
}

/* After a refused append: the next try waits retry_ms (250 ms, doubling up to 2 s). */
static void schedule_retry(runtime *rt)
{
    if (rt->retry_ms < RETRY_FIRST_MS)
        rt->retry_ms = RETRY_FIRST_MS;
    clock_gettime(CLOCK_MONOTONIC, &rt->retry_at);
    rt->retry_at.tv_sec += rt->retry_ms / 1000;
    rt->retry_at.tv_nsec += (rt->retry_ms % 1000) * 1000000L;
    if (rt->retry_at.tv_nsec >= 1000000000L) {
        rt->retry_at.tv_sec++;
        rt->retry_at.tv_nsec -= 1000000000L;
    }
    rt->retry_ms = rt->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : rt->retry_ms * 2;
}

static bool retry_due(const runtime *rt)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > rt->retry_at.tv_sec ||
           (now.tv_sec == rt->retry_at.tv_sec && now.tv_nsec >= rt->retry_at.tv_nsec);
}

/* Appends the waiting events in order until the store refuses one. */
static void flush_queue(runtime *rt)
{
    while (rt->q_head < rt->q_n) {
        queued_event *q = &rt->queue[rt->q_head];
        bilet_err err = { { 0 } };
        if (append_event(rt, &q->ev, &err) != BILET_OK) {
            memcpy(rt->append_err, err.msg, sizeof rt->append_err);
            snprintf(rt->store_problem, sizeof rt->store_problem,
                     "%zu record(s) kept in memory, not saved yet: %.400s", rt->q_n - rt->q_head,
                     err.msg);
            schedule_retry(rt);
            return;
        }
        free(q->text);
        q->text = NULL;
        rt->q_head++;
        rt->records++;
    }
    rt->q_head = rt->q_n = 0;
    rt->store_problem[0] = '\0';
    rt->retry_ms = 0;
}

/* Puts a copy of ev at the queue's end (the answer text copied: the editor's may change). */
static bilet_status enqueue(runtime *rt, const event *ev, bilet_err *err)
{
    if (rt->q_n == rt->q_cap) {
        if (rt->q_head > 0) {
            memmove(rt->queue, rt->queue + rt->q_head,
                    (rt->q_n - rt->q_head) * sizeof rt->queue[0]);
            rt->q_n -= rt->q_head;
            rt->q_head = 0;
        }
    }
    if (rt->q_n == rt->q_cap) {
        size_t cap = rt->q_cap ? rt->q_cap * 2 : 16;
        if (cap > QUEUE_MAX)
            return bilet_fail(err, BILET_ENOMEM,
                              "%d records could not be saved: the record store refuses them (%s)",
                              (int)QUEUE_MAX, rt->store_problem);
        queued_event *q = realloc(rt->queue, cap * sizeof *q);
        if (!q)
            return bilet_fail(err, BILET_ENOMEM, "out of memory keeping unsaved records");
        rt->queue = q;
        rt->q_cap = cap;
    }
    queued_event *q = &rt->queue[rt->q_n];
    q->ev = *ev;
    q->text = NULL;
    if (ev->text) {
        q->text = strdup(ev->text);
        if (!q->text)
            return bilet_fail(err, BILET_ENOMEM, "out of memory keeping an unsaved record");
        q->ev.text = q->text;
    }
    rt->q_n++;
    return BILET_OK;
}

/* ---- answer sheets --------------------------------------------------------------------- */

/* A written answer handed in: its sheet is made on the sheet thread (printer.h). */
static void hand_in_sheet(runtime *rt, const event *ev)
{
    const session_attempt *a = &rt->s.attempt;
    if (!rt->pr || ev->type != EV_ANSWER_SUBMITTED || !rt->s.has_attempt || a->id != ev->attempt)
        return;
    char id[32];
    sheet_attempt_id(store_kiosk_hex(rt->st), ev->attempt, id, sizeof id);
    printer_job_in in = {
        .info = &rt->ex.info,
        .ticket = session_ticket(&rt->s),
        .ticket_number = a->ticket,
        .code = a->code,
        .answer = ev->text,
        .attempt = ev->attempt,
        .attempt_id = id,
    };
    memset(&rt->sheet, 0, sizeof rt->sheet);
    rt->have_sheet = true;
    rt->sheet.state = PRINTER_BUSY;
    rt->sheet.attempt = ev->attempt;
    text_copy(rt->sheet.code, sizeof rt->sheet.code, a->code);
    text_copy(rt->sheet.queue, sizeof rt->sheet.queue, rt->kcfg.printer);
    bilet_err err = { { 0 } };
    if (printer_submit(rt->pr, &in, &err) != BILET_OK) {
        rt->sheet.state = PRINTER_NOT_SAVED;
        text_copy(rt->sheet.reason, sizeof rt->sheet.reason, err.msg);
    }
}

static const char *sheet_status_token(printer_state st)
{
    switch (st) {
    case PRINTER_SENT:
        return "sent";
    case PRINTER_FAILED:
        return "failed";
    default:
        return "saved";
    }
}

/* Records the finished sheets as sheet_printed, after the events still waiting for the
 * disk (so the log keeps the order answer_submitted, sheet_printed). A refused append is
 * tried again on the next tick. */
static void record_sheets(runtime *rt)
{
    printer_result r;
    while (rt->pr && rt->q_head == rt->q_n && printer_next(rt->pr, &r)) {
        rt->sheet = r;
        rt->have_sheet = true;
        if (r.state != PRINTER_NOT_SAVED) {
            bilet_field f[5] = {
                bilet_field_str("code", r.code),
                bilet_field_int("pages", r.pages),
                bilet_field_int("attempt", r.attempt),
                bilet_field_str("printer", r.queue),
                bilet_field_str("status", sheet_status_token(r.state)),
            };
            bilet_err err = { { 0 } };
            int64_t when = rt->now > 0 ? rt->now : (int64_t)time(NULL);
            if (store_append(rt->st, when, rt->ex.info.id, "sheet_printed", f, 5, NULL, &err) !=
                BILET_OK) {
                memcpy(rt->append_err, err.msg, sizeof rt->append_err);
                snprintf(rt->store_problem, sizeof rt->store_problem,
                         "the record of sheet %.40s is not saved yet: %.400s", r.code, err.msg);
                return;
            }
            syncer_kick(rt->sync);
            rt->records++;
            rt->store_problem[0] = '\0';
        }
        printer_pop(rt->pr);
    }
}

/* Persists the events in order: straight to the log while nothing waits, else behind the
 * waiting ones. */
static bilet_status persist(runtime *rt, const session_events *evs, bilet_err *err)
{
    for (size_t i = 0; i < evs->n; i++) {
        hand_in_sheet(rt, &evs->ev[i]);
        if (rt->q_head == rt->q_n) {
            bilet_err aerr = { { 0 } };
            if (append_event(rt, &evs->ev[i], &aerr) == BILET_OK) {
                rt->records++;
                continue;
            }
            memcpy(rt->append_err, aerr.msg, sizeof rt->append_err);
            snprintf(rt->store_problem, sizeof rt->store_problem,
                     "a record is kept in memory, not saved yet: %.400s", aerr.msg);
            schedule_retry(rt);
        }
        bilet_status st = enqueue(rt, &evs->ev[i], err);
        if (st != BILET_OK)
            return st;
    }
    return BILET_OK;
}

/* ---- actions -------------------------------------------------------------------------- */

static void format_today(int64_t now, char *out, size_t cap)
{
    time_t t = (time_t)now;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, cap, "%Y-%m-%d", &tm) == 0)
        out[0] = '\0';
}

static bilet_status handle_intent(runtime *rt, session_intent *in, int64_t now, bilet_err *err)
{
    if (in->kind == INTENT_OPEN && (!in->text || !in->text[0])) {
        format_today(now, rt->today, sizeof rt->today);
        in->text = rt->today;
    }
    session_events evs = { 0 };
    bilet_err why = { { 0 } };
    /* A refusal (wrong PIN, unknown student) is no failure of the runtime: the session's
     * notice tells the screen, and its events (a refused entry) are recorded all the same. */
    (void)session_handle(&rt->s, in, now, &evs, &why);
    bilet_status st = persist(rt, &evs, err);
    forget_secrets(rt);
    return st;
}

bilet_status runtime_dispatch(runtime *rt, ui_action *a, int64_t now, bilet_err *err)
{
    bilet_status st = BILET_OK;
    switch (a->kind) {
    case UI_ACT_INTENT:
        st = handle_intent(rt, &a->intent, now, err);
        break;
    case UI_ACT_CHECK_PIN: {
        bool ok = keys_pwhash_verify(rt->kcfg.pin_hash, a->text, strnlen(a->text, sizeof a->text));
        keys_wipe(a->text, sizeof a->text);
        session_intent in = { .kind = INTENT_PIN, .ok = ok };
        st = handle_intent(rt, &in, now, err);
        break;
    }
    case UI_ACT_CHECK_PASSPHRASE: {
        session_intent in = { .kind = INTENT_PASSPHRASE, .ok = false };
        bilet_status us = BILET_EPERM;
        bilet_err why = { { 0 } };
        if (rt->have_pkg && rt->s.passphrase_locked_until <= now)
            us = unseal(rt, a->text, strnlen(a->text, sizeof a->text), &why);
        keys_wipe(a->text, sizeof a->text);
        if (us != BILET_OK && us != BILET_EPERM) {
            /* No try was made, or the package itself is bad: nothing to count. */
            fprintf(stderr, "bilet-kiosk: the package does not open: %s\n", why.msg);
            break;
        }
        in.ok = us == BILET_OK;
        st = handle_intent(rt, &in, now, err);
        break;
    }
    case UI_ACT_QUIT:
        rt->quit = true;
        break;
    }
    a->intent.text = NULL;
    return st;
}

static bilet_status dispatch_all(runtime *rt, ui_action *acts, size_t n, int64_t now,
                                 bilet_err *err)
{
    bilet_status st = BILET_OK;
    for (size_t i = 0; i < n; i++) {
        if (st == BILET_OK)
            st = runtime_dispatch(rt, &acts[i], now, err);
        keys_wipe(acts[i].text, sizeof acts[i].text);
    }
    return st;
}

bilet_status runtime_key(runtime *rt, ui_key key, unsigned mods, int64_t now, bilet_err *err)
{
    ui_action acts[UI_ACTIONS_MAX];
    size_t n = ui_key(rt->u, &rt->s, key, mods, now, acts);
    return dispatch_all(rt, acts, n, now, err);
}

bilet_status runtime_text(runtime *rt, const char *utf8, int64_t now, bilet_err *err)
{
    ui_action acts[UI_ACTIONS_MAX];
    size_t n = ui_text(rt->u, &rt->s, utf8, now, acts);
    return dispatch_all(rt, acts, n, now, err);
}

bilet_status runtime_flush(runtime *rt, bilet_err *err)
{
    if (rt->q_head < rt->q_n)
        flush_queue(rt);
    if (rt->q_head < rt->q_n)
        return bilet_fail(err, BILET_EIO, "%zu record(s) could not be written: %.400s",
                          rt->q_n - rt->q_head, rt->append_err);
    return BILET_OK;
}

bilet_status runtime_tick(runtime *rt, int64_t now, bilet_err *err)
{
    rt->now = now;
    if (rt->q_head < rt->q_n && retry_due(rt))
        flush_queue(rt);
    if (rt->q_head == rt->q_n)
        record_sheets(rt);
    session_events evs = { 0 };
    bilet_err why = { { 0 } };
    bilet_status st = session_tick(&rt->s, now, &evs, &why);
    if (st != BILET_OK && evs.n == 0)
        return BILET_OK; /* nothing decided; the machine keeps its state */
    return persist(rt, &evs, err);
}

/* ---- autosave and frames ---------------------------------------------------------------- */

static int64_t ms_since(const struct timespec *then)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000;
}

void runtime_autosave_poll(runtime *rt, bool force)
{
    if (!rt->saver || !rt->u)
        return;
    int id = writing_attempt(&rt->s);
    if (id == 0)
        return;
    editor *ed = ui_editor(rt->u);
    uint64_t rev = editor_revision(ed);
    if (id == rt->submitted_attempt && rev == rt->submitted_revision)
        return;
    if (!force && ms_since(&rt->last_submit) < AUTOSAVE_INTERVAL_MS)
        return;
    char *text = NULL;
    size_t len = 0;
    bilet_err err = { { 0 } };
    if (editor_text(ed, &text, &len, &err) != BILET_OK)
        return; /* no memory for the copy now; the next poll tries again */
    autosave_submit(rt->saver, rt->ex.info.id, id, rev, text, len);
    rt->submitted_attempt = id;
    rt->submitted_revision = rev;
    clock_gettime(CLOCK_MONOTONIC, &rt->last_submit);
}

void runtime_frame(runtime *rt, int64_t now, draw_list *dl)
{
    runtime_autosave_poll(rt, false);
    bool saved = true;
    int id = writing_attempt(&rt->s);
    if (id != 0 && rt->saver)
        saved = autosave_durable(rt->saver, id, editor_revision(ui_editor(rt->u)));
    const char *problem = rt->store_problem;
    bool saver_failing = false;
    if (rt->saver) {
        autosave_problem(rt->saver, rt->shown_problem, sizeof rt->shown_problem);
        saver_failing = autosave_failing(rt->saver);
        if (!problem[0])
            problem = rt->shown_problem;
    }
    format_today(now, rt->today, sizeof rt->today);
    /* Not yet acknowledged by the central: the log past the syncer's receipts, and the
     * events still waiting for the disk. */
    uint64_t acked = syncer_acked(rt->sync);
    uint64_t unsent = (rt->records > acked ? rt->records - acked : 0) + (rt->q_n - rt->q_head);
    ui_status st = {
        .kiosk_name = rt->kcfg.name,
        .pending_records = (long)unsent,
        .last_sync = syncer_last_sync(rt->sync),
        .central_configured = rt->kcfg.central[0] != '\0',
        .store_problem = problem,
        .downtime_seconds = rt->s.downtime_seconds,
        .answer_saved = saved,
        .save_delayed = id != 0 && !saved && (saver_failing || rt->q_head < rt->q_n),
        .today = rt->today,
    };
    if (rt->have_sheet) {
        static const ui_sheet_state map[] = {
            [PRINTER_BUSY] = UI_SHEET_BUSY,           [PRINTER_SAVED] = UI_SHEET_SAVED,
            [PRINTER_SENT] = UI_SHEET_SENT,           [PRINTER_FAILED] = UI_SHEET_FAILED,
            [PRINTER_NOT_SAVED] = UI_SHEET_NOT_SAVED,
        };
        st.sheet_state = map[rt->sheet.state];
        st.sheet_code = rt->sheet.code;
        st.sheet_printer = rt->sheet.queue;
        st.sheet_reason = rt->sheet.reason;
        st.sheet_path = rt->sheet.path;
    }
    ui_frame(rt->u, &rt->s, &st, now, dl);
}
