/*
 * grading.c — exams added to the central store, and the grading endpoints (grading.h,
 * docs/grading.md): exams, one exam, its codes, a sheet and its pages, grades, the lock.
 * The statement and scans have their own files (statement.c, scans.c); the routes of all
 * three are dispatched here.
 *
 * Every change is one write transaction (cdb_write) that first locks the central's chain
 * (cdb_own_lock), then folds the exam as it stands (gmodel_load), checks the rules and
 * appends one record: two instances or two graders can never both grade a code "first",
 * nor grade after the lock. A refusal rolls the transaction back; nothing is stored.
 */
#include "grading.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cdb_grading.h"
#include "examdir.h"
#include "gmodel.h"
#include "package.h"
#include "grade.h"
#include "scans.h"
#include "sheetcode.h"
#include "statement.h"
#include "text.h"

enum {
    NOTE_MAX = 4096, /* reason, dissent, an extra question: bytes */
    VOTES_MAX = 12,  /* commission members voting */
    EXTRA_MAX = 20,  /* extra questions */
    PATH_CAP = 4096,
};

_Static_assert((int)GRADING_ID_MAX == (int)EXAM_ID_MAX, "grading.h's id size is exam.h's");

static const char *const any_staff[] = { "grader", "registrar", NULL };
static const char *const registrar_only[] = { "registrar", NULL };

/* ---- --add-exam ---- */

static json_t *list_json(const exam_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < l->n; i++)
        json_array_append_new(a, json_string(l->item[i]));
    return a;
}

static json_t *header_json(const exam *ex)
{
    const exam_info *in = &ex->info;
    json_t *h = json_object();
    if (!h)
        return NULL;
    json_object_set_new(h, "id", json_string(in->id));
    json_object_set_new(h, "institution", json_string(in->institution));
    json_object_set_new(h, "discipline", json_string(in->discipline));
    json_object_set_new(h, "form", json_string(exam_form_name(in->form)));
    json_object_set_new(h, "mode", json_string(exam_mode_name(in->mode)));
    json_object_set_new(h, "group", json_string(in->group));
    json_object_set_new(h, "date", json_string(in->date));
    json_object_set_new(h, "start", json_string(in->start));
    json_object_set_new(h, "room", json_string(in->room));
    json_object_set_new(h, "examiners", list_json(&in->examiners));
    json_object_set_new(h, "commission", list_json(&in->commission));
    json_object_set_new(h, "disciplines", list_json(&in->disciplines));
    json_object_set_new(h, "attempt", json_integer(in->attempt));
    json_object_set_new(h, "policy", json_string(in->policy));
    json_object_set_new(h, "code", json_string(exam_code_mode_name(in->code)));
    json_object_set_new(h, "second_ticket", json_boolean(in->second_ticket));
    json_object_set_new(h, "prep_minutes", json_integer(in->prep_minutes));
    json_object_set_new(h, "answer_minutes", json_integer(in->answer_minutes));
    json_object_set_new(h, "grading_deadline_days", json_integer(ex->policy.grading_deadline_days));
    json_object_set_new(h, "grading_deadline_working",
                        json_boolean(ex->policy.grading_deadline_working));
    json_object_set_new(h, "retention_years", json_integer(ex->policy.retention_years));
    return h;
}

static json_t *tickets_json(const exam *ex)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < ex->n_tickets; i++) {
        const exam_ticket *t = &ex->tickets[i];
        json_t *qs = json_array();
        for (size_t k = 0; qs && k < t->n_questions; k++) {
            json_t *q = json_object();
            json_object_set_new(q, "kind",
                                json_string(t->question[k].kind == QUESTION_TASK ? "task" : "q"));
            json_object_set_new(q, "text", json_string(t->question[k].text));
            json_array_append_new(qs, q);
        }
        json_t *o = json_object();
        json_object_set_new(o, "ticket", json_integer(t->number));
        json_object_set_new(o, "questions", qs);
        json_array_append_new(a, o);
    }
    return a;
}

/* BLAKE2b-256 of a file's bytes (as the kiosk hashes its roster), hex. */
static bilet_status file_hash(const char *dir, const char *name, char out[RECORD_HEX_LEN + 1],
                              bilet_err *err)
{
    char path[PATH_CAP];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_ENOTFOUND, "%s: cannot be read", path);
    char *buf = malloc((size_t)EXAMDIR_CSV_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return bilet_fail(err, BILET_ENOMEM, "out of memory reading %s", path);
    }
    size_t n = fread(buf, 1, (size_t)EXAMDIR_CSV_FILE_MAX + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    bilet_status st = BILET_OK;
    if (bad)
        st = bilet_fail(err, BILET_EIO, "%s: read error", path);
    else if (n > EXAMDIR_CSV_FILE_MAX)
        st = bilet_fail(err, BILET_ETOOBIG, "%s: over %d bytes", path, (int)EXAMDIR_CSV_FILE_MAX);
    else
        record_hash_hex(buf, n, out);
    free(buf);
    return st;
}

/* What one add-exam transaction needs. */
typedef struct add_job {
    const keys_pair *central;
    const exam *ex;
    const char (*codes)[GMODEL_CODE_MAX];
    const unsigned char *key; /* NULL: record_book mode */
    const char *header;
    const char *tickets;
    const char *content_hash;
    const char *roster_hash;
    const char *tickets_hash;
    int64_t now;
    grading_added *out;
} add_job;

typedef struct exam_row {
    bool found;
    char content_hash[RECORD_HEX_LEN + 1];
    char record[RECORD_HEX_LEN + 1];
} exam_row;

static bilet_status on_exam_hash(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    exam_row *r = ctx;
    (void)err;
    if (n < 2)
        return BILET_OK;
    r->found = true;
    snprintf(r->content_hash, sizeof r->content_hash, "%.*s", (int)c[0].len, c[0].p);
    snprintf(r->record, sizeof r->record, "%.*s", (int)c[1].len, c[1].p);
    return BILET_OK;
}

static bilet_status add_tx(cdb *db, void *ctx, bilet_err *err)
{
    add_job *j = ctx;
    const exam *ex = j->ex;
    exam_row row = { 0 };
    cdb_param id = cdb_text(ex->info.id);
    bilet_status st = cdb_own_lock(db, j->central, err);
    if (st == BILET_OK)
        st = cdb_query(db, "SELECT content_hash, record FROM exams WHERE id = $1", &id, 1,
                       on_exam_hash, &row, err);
    if (st != BILET_OK)
        return st;
    if (row.found) {
        if (strcmp(row.content_hash, j->content_hash) != 0)
            return bilet_fail(err, BILET_ERULE,
                              "exam %s was added before with other content (exam.ini, "
                              "roster.csv, tickets.csv or code.key differ); a roster does not "
                              "change once added",
                              ex->info.id);
        j->out->already = true;
        snprintf(j->out->record, sizeof j->out->record, "%s", row.record);
        return BILET_OK;
    }
    bilet_field f[3] = {
        bilet_field_str("roster_hash", j->roster_hash),
        bilet_field_str("tickets_hash", j->tickets_hash),
        bilet_field_int("students", (int64_t)ex->n_students),
    };
    st = cdb_own_append(db, j->central, j->now, ex->info.id, "exam_added", f, 3, j->out->record,
                        err);
    if (st != BILET_OK)
        return st;
    cdb_param p[7] = {
        id,
        cdb_text(j->content_hash),
        cdb_text(j->header),
        cdb_text(j->tickets),
        j->key ? cdb_blob(j->key, SHEETCODE_KEY_BYTES) : cdb_null(),
        cdb_int(j->now),
        cdb_text(j->out->record),
    };
    st =
        cdb_query(db,
                  "INSERT INTO exams(id, content_hash, header, tickets, code_key, added_at, record)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  p, 7, NULL, NULL, err);
    for (size_t i = 0; st == BILET_OK && i < ex->n_students; i++) {
        const exam_student *s = &ex->students[i];
        cdb_param q[7] = {
            id,
            cdb_int((int64_t)i + 1),
            cdb_text(s->record_book),
            cdb_text(s->full_name),
            cdb_text(s->group),
            cdb_text(student_status_name(s->status)),
            cdb_text(j->codes[i]),
        };
        st = cdb_query(
            db,
            "INSERT INTO exam_students(exam, n, record_book, full_name, grp, status, code)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            q, 7, NULL, NULL, err);
    }
    return st;
}

/* Adds an exam already loaded (with its tickets): codes, content hash, the transaction.
 * key is the code secret of a blind exam (NULL otherwise); roster_hash and tickets_hash
 * are the BLAKE2b-256 of the roster and tickets files' bytes. */
static bilet_status add_loaded(cdb *db, const keys_pair *central, exam *ex,
                               const unsigned char *key, const char *roster_hash,
                               const char *tickets_hash, int64_t now, grading_added *out,
                               bilet_err *err)
{
    bool blind = ex->info.code == EXAM_CODE_BLIND;
    bilet_status st = BILET_OK;
    char(*codes)[GMODEL_CODE_MAX] = calloc(ex->n_students ? ex->n_students : 1, sizeof *codes);
    json_t *header = header_json(ex);
    json_t *tickets = tickets_json(ex);
    char *header_text = header ? json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    char *tickets_text = tickets ? json_dumps(tickets, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    char content_hash[RECORD_HEX_LEN + 1] = "";
    char *content = NULL;
    size_t content_len = 0;
    FILE *cf = NULL;
    if (!codes || !header_text || !tickets_text) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory adding an exam");
        goto out_free;
    }
    if (blind && !key) {
        st = bilet_fail(err, BILET_ENOTFOUND, "exam %s: a blind exam needs its sheet-code secret",
                        ex->info.id);
        goto out_free;
    }
    for (size_t i = 0; st == BILET_OK && i < ex->n_students; i++) {
        if (blind)
            st = sheetcode_blind(key, ex->info.id, ex->students[i].record_book, codes[i], err);
        else
            st = sheetcode_record_book(ex->students[i].record_book, codes[i], GMODEL_CODE_MAX, err);
        if (st != BILET_OK)
            bilet_err_prefix(err, "roster.csv: line %d: ", ex->students[i].line);
    }
    if (st != BILET_OK)
        goto out_free;

    /* The content that must not change: the exam as loaded (not the files' comments and
     * layout), the roster with its codes, and the secret (by its hash). A directory and a
     * package of the same exam have the same content. */
    cf = open_memstream(&content, &content_len);
    if (!cf) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory adding an exam");
        goto out_free;
    }
    fprintf(cf, "%s\n%s\n", header_text, tickets_text);
    for (size_t i = 0; i < ex->n_students; i++)
        fprintf(cf, "%s\t%s\t%s\t%s\t%s\n", ex->students[i].record_book, ex->students[i].full_name,
                ex->students[i].group, student_status_name(ex->students[i].status), codes[i]);
    if (blind) {
        char key_hash[RECORD_HEX_LEN + 1];
        record_hash_hex(key, SHEETCODE_KEY_BYTES, key_hash);
        fprintf(cf, "%s\n", key_hash);
    }
    if (fclose(cf) != 0 || !content) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory adding an exam");
        goto out_free;
    }
    record_hash_hex(content, content_len, content_hash);

    add_job job = { central,
                    ex,
                    (const char(*)[GMODEL_CODE_MAX])codes,
                    blind ? key : NULL,
                    header_text,
                    tickets_text,
                    content_hash,
                    roster_hash,
                    tickets_hash,
                    now,
                    out };
    snprintf(out->id, sizeof out->id, "%s", ex->info.id);
    out->students = ex->n_students;
    st = cdb_write(db, add_tx, &job, err);

out_free:
    free(content);
    free(codes);
    free(header_text);
    free(tickets_text);
    json_decref(header);
    json_decref(tickets);
    return st;
}

bilet_status grading_add_package(cdb *db, const keys_pair *central, const char *label,
                                 const void *bytes, size_t len, const char *policies_dir,
                                 int64_t now, grading_added *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    package pkg;
    package_secret secret;
    exam ex;
    char policies[PATH_CAP];
    memset(&pkg, 0, sizeof pkg);
    memset(&secret, 0, sizeof secret);
    memset(&ex, 0, sizeof ex);
    bilet_status st = package_parse(label, bytes, len, &pkg, err);
    if (st != BILET_OK)
        return st;
    st = package_unseal_central(&pkg, central, &secret, err);
    if (st == BILET_ENOTFOUND)
        bilet_fail(err, st,
                   "%s: the package holds no copy for the central store: pack it with "
                   "`bilet pack ... --central-pub central.pub`",
                   label);
    else if (st != BILET_OK)
        bilet_err_prefix(err, "%s: ", label);
    if (st == BILET_OK)
        st = examdir_find_policies(label, policies_dir, NULL, policies, sizeof policies, err);
    if (st == BILET_OK) {
        examdir_bytes files = { pkg.exam_ini,   pkg.exam_ini_len,   pkg.roster, pkg.roster_len,
                                secret.tickets, secret.tickets_len, 0 };
        st = examdir_load_bytes(label, &files, policies, &ex, err);
    }
    if (st == BILET_OK && ex.info.code == EXAM_CODE_BLIND && !secret.has_code_key)
        st = bilet_fail(err, BILET_ENOTFOUND, "%s: a blind exam, but the package holds no code.key",
                        label);
    if (st == BILET_OK) {
        char roster_hash[RECORD_HEX_LEN + 1];
        char tickets_hash[RECORD_HEX_LEN + 1];
        record_hash_hex(pkg.roster, pkg.roster_len, roster_hash);
        record_hash_hex(secret.tickets, secret.tickets_len, tickets_hash);
        st = add_loaded(db, central, &ex, secret.has_code_key ? secret.code_key : NULL, roster_hash,
                        tickets_hash, now, out, err);
    }
    exam_free(&ex);
    package_secret_free(&secret);
    package_free(&pkg);
    return st;
}

/* A package file: read whole (capped) and added as grading_add_package. */
static bilet_status add_package_file(cdb *db, const keys_pair *central, const char *path,
                                     const char *policies_dir, int64_t now, grading_added *out,
                                     bilet_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_ENOTFOUND, "%s: cannot be read", path);
    char *buf = malloc((size_t)PACKAGE_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, (size_t)PACKAGE_FILE_MAX + 1, f) : 0;
    bool bad = ferror(f) != 0;
    fclose(f);
    bilet_status st;
    if (!buf)
        st = bilet_fail(err, BILET_ENOMEM, "out of memory reading %s", path);
    else if (bad)
        st = bilet_fail(err, BILET_EIO, "%s: read error", path);
    else if (n > (size_t)PACKAGE_FILE_MAX)
        st = bilet_fail(err, BILET_ETOOBIG, "%s: over %d bytes", path, (int)PACKAGE_FILE_MAX);
    else
        st = grading_add_package(db, central, path, buf, n, policies_dir, now, out, err);
    free(buf);
    return st;
}

bilet_status grading_add_exam(cdb *db, const keys_pair *central, const char *exam_dir,
                              const char *policies_dir, int64_t now, grading_added *out,
                              bilet_err *err)
{
    memset(out, 0, sizeof *out);
    struct stat sb;
    if (stat(exam_dir, &sb) != 0)
        return bilet_fail(err, BILET_ENOTFOUND, "%s: no such exam directory or package", exam_dir);
    if (S_ISREG(sb.st_mode))
        return add_package_file(db, central, exam_dir, policies_dir, now, out, err);
    if (!S_ISDIR(sb.st_mode))
        return bilet_fail(err, BILET_EINVAL, "%s: neither an exam directory nor a .bilet package",
                          exam_dir);
    char policies[PATH_CAP];
    exam ex;
    memset(&ex, 0, sizeof ex);
    bilet_status st =
        examdir_find_policies(exam_dir, policies_dir, NULL, policies, sizeof policies, err);
    if (st == BILET_OK)
        st = examdir_load(exam_dir, policies, &ex, err);
    if (st != BILET_OK)
        return st;

    unsigned char key[SHEETCODE_KEY_BYTES];
    bool blind = ex.info.code == EXAM_CODE_BLIND;
    char path[PATH_CAP];
    char roster_hash[RECORD_HEX_LEN + 1] = "";
    char tickets_hash[RECORD_HEX_LEN + 1] = "";
    memset(key, 0, sizeof key);
    if (blind) {
        if ((size_t)snprintf(path, sizeof path, "%s/code.key", exam_dir) >= sizeof path) {
            st = bilet_fail(err, BILET_EINVAL, "%s: the path is too long", exam_dir);
            goto out_free;
        }
        if (access(path, F_OK) != 0) {
            st = bilet_fail(err, BILET_ENOTFOUND,
                            "%s: missing: a blind exam needs its sheet-code secret; create it with "
                            "`bilet check --exam %s --new-secret` before the session",
                            path, exam_dir);
            goto out_free;
        }
        st = keys_secret_file_read_hex(path, key, sizeof key, err);
        if (st != BILET_OK)
            goto out_free;
    }
    st = file_hash(exam_dir, "roster.csv", roster_hash, err);
    if (st == BILET_OK)
        st = file_hash(exam_dir, "tickets.csv", tickets_hash, err);
    if (st == BILET_OK)
        st = add_loaded(db, central, &ex, blind ? key : NULL, roster_hash, tickets_hash, now, out,
                        err);

out_free:
    keys_wipe(key, sizeof key);
    exam_free(&ex);
    return st;
}

/* ---- routes ---- */

typedef enum groute {
    G_NONE = 0,
    G_EXAMS,     /* GET /api/v1/exams */
    G_EXAM,      /* GET /api/v1/exams/{id} */
    G_CODES,     /* GET /api/v1/exams/{id}/codes */
    G_LOCK,      /* POST /api/v1/exams/{id}/lock */
    G_STATEMENT, /* GET /api/v1/exams/{id}/statement */
    G_SHEET,     /* GET /api/v1/sheets/{code} */
    G_PAGE,      /* GET /api/v1/sheets/{code}/pages/{n} */
    G_GRADES,    /* POST /api/v1/grades */
    G_SCANS,     /* POST /api/v1/scans */
} groute;

typedef struct gpath {
    groute r;
    char id[PATH_CAP]; /* exam id or code */
    long page;
} gpath;

static const char exams_prefix[] = "/api/v1/exams/";
static const char sheets_prefix[] = "/api/v1/sheets/";

static groute parse_path(const char *path, gpath *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(path, "/api/v1/exams") == 0)
        return out->r = G_EXAMS;
    if (strcmp(path, "/api/v1/grades") == 0)
        return out->r = G_GRADES;
    if (strcmp(path, "/api/v1/scans") == 0)
        return out->r = G_SCANS;
    const char *rest = NULL;
    bool exams = strncmp(path, exams_prefix, sizeof exams_prefix - 1) == 0;
    bool sheets = strncmp(path, sheets_prefix, sizeof sheets_prefix - 1) == 0;
    if (!exams && !sheets)
        return G_NONE;
    rest = path + (exams ? sizeof exams_prefix : sizeof sheets_prefix) - 1;
    const char *slash = strchr(rest, '/');
    size_t id_len = slash ? (size_t)(slash - rest) : strlen(rest);
    if (id_len == 0 || id_len >= sizeof out->id)
        return G_NONE;
    memcpy(out->id, rest, id_len);
    out->id[id_len] = '\0';
    const char *tail = slash ? slash : "";
    if (exams) {
        if (!tail[0])
            return out->r = G_EXAM;
        if (strcmp(tail, "/codes") == 0)
            return out->r = G_CODES;
        if (strcmp(tail, "/lock") == 0)
            return out->r = G_LOCK;
        if (strcmp(tail, "/statement") == 0)
            return out->r = G_STATEMENT;
        return G_NONE;
    }
    if (!tail[0])
        return out->r = G_SHEET;
    static const char pages[] = "/pages/";
    if (strncmp(tail, pages, sizeof pages - 1) == 0) {
        const char *num = tail + sizeof pages - 1;
        char *end = NULL;
        long n = strtol(num, &end, 10);
        if (num[0] >= '1' && num[0] <= '9' && end && !*end && n >= 1 && n <= 999) {
            out->page = n;
            return out->r = G_PAGE;
        }
    }
    return G_NONE;
}

bool grading_route(const char *path)
{
    gpath p;
    return parse_path(path, &p) != G_NONE;
}

const char *grading_allow(const char *path)
{
    gpath p;
    switch (parse_path(path, &p)) {
    case G_LOCK:
    case G_GRADES:
    case G_SCANS:
        return "POST";
    case G_NONE:
        return "";
    default:
        return "GET, HEAD";
    }
}

bool grading_method_ok(const char *path, const char *method)
{
    bool post = strcmp(method, "POST") == 0;
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    return strcmp(grading_allow(path), "POST") == 0 ? post : get;
}

/* ---- shared helpers ---- */

static json_t *str_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

/* The answer to a failure of the store: 500 for damaged data, else 503. */
static void answer_store_failure(api_response *resp, bilet_status st, const bilet_err *err)
{
    api_error(resp, st == BILET_ECORRUPT ? 500 : 503, err->msg);
}

/* Loads the model; on failure *resp holds the 500/503 and false is returned. */
static bool load(const api_ctx *ctx, cdb *db, const char *exam_id, const char *text_code, gmodel *m,
                 api_response *resp)
{
    bilet_err err = { { 0 } };
    bilet_status st = gmodel_load(db, ctx->central_hex, exam_id, text_code, false, m, &err);
    if (st != BILET_OK) {
        answer_store_failure(resp, st, &err);
        return false;
    }
    return true;
}

static bool read_code(const char *in, char out[GMODEL_CODE_MAX]);
static bool exam_of_code(cdb *db, const api_request *req, const char *code,
                         char exam_id[EXAM_ID_MAX], api_response *resp);

/* What a handler's start checks and reads, in this order: the caller's role; the JSON body;
 * the sheet code of the path and its exam; the exam's model. */
typedef enum body_kind {
    BODY_NONE = 0, /* not read */
    BODY_OBJECT,   /* a JSON object */
    BODY_OPTIONAL, /* a JSON object, or no body at all */
} body_kind;

typedef struct request_spec {
    const char *const *roles; /* api_authorise's list */
    body_kind body;
    const char *not_object; /* the 400 for a body that is not an object; NULL: the parser's */
    const char *code;       /* a sheet route's code as typed: read and resolved to its exam */
    const char *exam_id;    /* an exam route's id: with a model, 404 when nobody knows it */
} request_spec;

/* What the start found. doc (NULL when not read or absent) is the handler's to decref. */
typedef struct request_start {
    api_staff who;
    json_t *doc;
    char code[GMODEL_CODE_MAX];
    char exam_id[EXAM_ID_MAX];
} request_start;

/* The status of a start refused with the answer in *resp. */
static bilet_status refused(const api_response *resp)
{
    switch (resp->status) {
    case 400:
        return BILET_EPARSE;
    case 401:
    case 403:
        return BILET_EPERM;
    case 404:
        return BILET_ENOTFOUND;
    case 409:
        return BILET_ESTATE;
    case 500:
        return BILET_ECORRUPT;
    default:
        return BILET_EIO;
    }
}

/* The start every grading handler shares. With m, the exam (spec->exam_id, or the exam of
 * the sheet code) is loaded into *m, which the handler then frees. BILET_OK to go on; any
 * other status means *resp holds the answer (400, 401/403, 404, 409, 500/503) and nothing
 * is left to free. */
static bilet_status request_begin(const api_ctx *ctx, cdb *db, const api_request *req,
                                  const request_spec *spec, request_start *rs, gmodel *m,
                                  api_response *resp)
{
    memset(rs, 0, sizeof *rs);
    if (!api_authorise(db, req, spec->roles, &rs->who, resp))
        return refused(resp);
    if (spec->body == BODY_OBJECT || (spec->body == BODY_OPTIONAL && req->len > 0)) {
        json_error_t jerr;
        rs->doc = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(rs->doc)) {
            char msg[BILET_ERR_MAX];
            snprintf(msg, sizeof msg, "not a JSON object: %s",
                     rs->doc ? "another value" : jerr.text);
            api_error(resp, 400, spec->not_object ? spec->not_object : msg);
            json_decref(rs->doc);
            rs->doc = NULL;
            return refused(resp);
        }
    }
    const char *exam_id = spec->exam_id;
    if (spec->code) {
        if (!read_code(spec->code, rs->code)) {
            api_error(resp, 404, "not a sheet code");
            return refused(resp);
        }
        if (!exam_of_code(db, req, rs->code, rs->exam_id, resp))
            return refused(resp);
        exam_id = rs->exam_id;
    }
    if (!m)
        return BILET_OK;
    if (!load(ctx, db, exam_id, spec->code ? rs->code : NULL, m, resp))
        return refused(resp);
    if (!spec->code && !gmodel_known(m)) {
        gmodel_free(m);
        api_error(resp, 404, "no such exam");
        return refused(resp);
    }
    return BILET_OK;
}

static json_t *pages_json(const gmodel_sheet *s, int *total)
{
    int seen[1000] = { 0 };
    json_t *a = json_array();
    *total = 0;
    for (size_t i = 0; i < s->n_pages; i++) {
        int p = s->pages[i].page;
        if (s->pages[i].pages > *total)
            *total = s->pages[i].pages;
        if (p >= 1 && p <= 999)
            seen[p] = 1;
    }
    for (int p = 1; a && p <= 999; p++)
        if (seen[p])
            json_array_append_new(a, json_integer(p));
    return a;
}

/* The summary of an exam as GET /api/v1/exams lists it. */
static json_t *exam_summary(const gmodel *m)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    static const char *const keys[] = { "discipline", "form", "mode",  "group",
                                        "date",       "room", "policy" };
    json_object_set_new(o, "id", json_string(m->exam));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        json_object_set_new(o, keys[i], str_or_null(gmodel_header_str(m, keys[i])));
    json_object_set_new(o, "added", json_boolean(m->added));
    json_object_set_new(o, "students",
                        m->added ? json_integer((json_int_t)m->n_students) : json_null());
    json_object_set_new(o, "tickets",
                        m->added ? json_integer((json_int_t)json_array_size(m->tickets))
                                 : json_null());
    json_object_set_new(o, "state", json_string(gmodel_state(m)));
    char deadline[11];
    bool has_deadline = gmodel_deadline(m, deadline);
    json_object_set_new(o, "deadline", has_deadline ? json_string(deadline) : json_null());
    bool late = false;
    if (has_deadline && !m->locked) {
        char today[11];
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(today, sizeof today, "%Y-%m-%d", &tm);
        late = strcmp(today, deadline) > 0;
    }
    json_object_set_new(o, "late", json_boolean(late));
    size_t graded = 0, work = 0;
    for (size_t i = 0; i < m->n_sheets; i++) {
        graded += gmodel_sheet_grade(m, &m->sheets[i]) != GRADE_NONE;
        work += gmodel_sheet_has_work(m, &m->sheets[i]);
    }
    json_object_set_new(o, "codes", json_integer((json_int_t)m->n_sheets));
    json_object_set_new(o, "with_work", json_integer((json_int_t)work));
    json_object_set_new(o, "graded", json_integer((json_int_t)graded));
    return o;
}

/* ---- GET /api/v1/exams ---- */

typedef struct id_list {
    char **ids;
    size_t n, cap;
    bool failed;
} id_list;

static bilet_status on_id(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    id_list *l = ctx;
    if (n < 1 || c[0].null || c[0].len == 0)
        return BILET_OK;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **p = realloc(l->ids, cap * sizeof *p);
        if (!p)
            return bilet_fail(err, BILET_ENOMEM, "out of memory listing exams");
        l->ids = p;
        l->cap = cap;
    }
    l->ids[l->n] = strndup(c[0].p, c[0].len);
    if (!l->ids[l->n])
        return bilet_fail(err, BILET_ENOMEM, "out of memory listing exams");
    l->n++;
    return BILET_OK;
}

static void id_list_free(id_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ids[i]);
    free(l->ids);
}

static void get_exams(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    request_spec spec = { .roles = any_staff };
    request_start rs;
    id_list ids = { 0 };
    bilet_err err = { { 0 } };
    if (request_begin(ctx, db, req, &spec, &rs, NULL, resp) != BILET_OK)
        return;
    bilet_status st = cdb_query(db,
                                "SELECT id FROM exams UNION SELECT DISTINCT exam FROM records"
                                " UNION SELECT DISTINCT exam FROM scans ORDER BY 1",
                                NULL, 0, on_id, &ids, &err);
    if (st != BILET_OK) {
        id_list_free(&ids);
        api_error(resp, 503, err.msg);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < ids.n; i++) {
        gmodel m;
        if (!load(ctx, db, ids.ids[i], NULL, &m, resp)) {
            json_decref(arr);
            id_list_free(&ids);
            return;
        }
        if (gmodel_known(&m))
            json_array_append_new(arr, exam_summary(&m));
        gmodel_free(&m);
    }
    id_list_free(&ids);
    api_answer_json(resp, 200, arr);
}

/* ---- GET /api/v1/exams/{id} ---- */

static void get_exam(const api_ctx *ctx, cdb *db, const api_request *req, const char *id,
                     api_response *resp)
{
    request_spec spec = { .roles = any_staff, .exam_id = id };
    request_start rs;
    gmodel m;
    if (request_begin(ctx, db, req, &spec, &rs, &m, resp) != BILET_OK)
        return;
    json_t *o = exam_summary(&m);
    static const char *const more[] = { "institution", "start", "code" };
    for (size_t i = 0; o && i < sizeof more / sizeof more[0]; i++)
        json_object_set_new(o, more[i], str_or_null(gmodel_header_str(&m, more[i])));
    static const char *const lists[] = { "examiners", "commission", "disciplines", "attempt",
                                         "second_ticket" };
    for (size_t i = 0; o && i < sizeof lists / sizeof lists[0]; i++) {
        json_t *v = m.header ? json_object_get(m.header, lists[i]) : NULL;
        json_object_set(o, lists[i], v ? v : json_null());
    }
    json_object_set(o, "tickets", m.added ? m.tickets : json_array());
    if (o && strcmp(rs.who.role, "registrar") == 0) {
        json_t *roster = json_array();
        for (size_t i = 0; roster && i < m.n_students; i++) {
            const gmodel_student *s = &m.students[i];
            bool attended = false;
            for (size_t k = 0; k < m.n_attempts && !attended; k++)
                attended = strcmp(m.attempts[k].record_book, s->record_book) == 0;
            json_t *r = json_object();
            json_object_set_new(r, "record_book", json_string(s->record_book));
            json_object_set_new(r, "full_name", json_string(s->full_name));
            json_object_set_new(r, "status", json_string(s->status));
            json_object_set_new(r, "attended", json_boolean(attended));
            json_array_append_new(roster, r);
        }
        json_object_set_new(o, "roster", roster);
    }
    gmodel_free(&m);
    api_answer_json(resp, 200, o);
}

/* ---- GET /api/v1/exams/{id}/codes ---- */

static void sheet_grade_fields(const gmodel *m, const gmodel_sheet *s, json_t *o)
{
    const gmodel_grade *g = gmodel_last_grade(s);
    grade eff = gmodel_sheet_grade(m, s);
    const char *by = NULL;
    const char *source = NULL;
    if (g) {
        by = g->by;
        source = "central";
    } else if (eff != GRADE_NONE) {
        by = m->attempts[s->attempt].graded_by;
        source = "kiosk";
    }
    json_object_set_new(o, "grade",
                        eff != GRADE_NONE ? json_string(grade_token(eff)) : json_null());
    json_object_set_new(o, "graded_by", str_or_null(by));
    json_object_set_new(o, "grade_source", source ? json_string(source) : json_null());
}

static void get_codes(const api_ctx *ctx, cdb *db, const api_request *req, const char *id,
                      api_response *resp)
{
    request_spec spec = { .roles = any_staff, .exam_id = id };
    request_start rs;
    gmodel m;
    if (request_begin(ctx, db, req, &spec, &rs, &m, resp) != BILET_OK)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < m.n_sheets; i++) {
        const gmodel_sheet *s = &m.sheets[i];
        const gmodel_attempt *a = s->attempt >= 0 ? &m.attempts[s->attempt] : NULL;
        int total = 0;
        size_t corrections = 0;
        for (size_t k = 0; k < s->n_grades; k++)
            corrections += s->grades[k].correction;
        json_t *o = json_object();
        json_object_set_new(o, "code", json_string(s->code));
        json_object_set_new(o, "ticket", a && a->ticket ? json_integer(a->ticket) : json_null());
        json_object_set_new(o, "typed", json_boolean(a && a->typed));
        json_object_set_new(o, "pages", pages_json(s, &total));
        json_object_set_new(o, "pages_total", total ? json_integer(total) : json_null());
        sheet_grade_fields(&m, s, o);
        json_object_set_new(o, "corrections", json_integer((json_int_t)corrections));
        json_object_set_new(
            o, "needs_grade",
            json_boolean(gmodel_sheet_has_work(&m, s) && gmodel_sheet_grade(&m, s) == GRADE_NONE));
        json_array_append_new(arr, o);
    }
    gmodel_free(&m);
    api_answer_json(resp, 200, arr);
}

/* ---- sheets: which exam a code belongs to ---- */

/* Reads a code as typed: a blind code in any spelling, else the text trimmed. */
static bool read_code(const char *in, char out[GMODEL_CODE_MAX])
{
    char canonical[SHEETCODE_SIZE];
    if (sheetcode_normalize(in, canonical, NULL) == BILET_OK) {
        memcpy(out, canonical, sizeof canonical);
        return true;
    }
    if (!text_trim_copy(in, out, GMODEL_CODE_MAX) || !out[0])
        return false;
    return text_utf8_valid(out, strlen(out));
}

/* The exams in which code was seen. */
static bilet_status exams_of_code(cdb *db, const char *code, id_list *ids, bilet_err *err)
{
    cdb_param p = cdb_text(code);
    bilet_status st = cdb_query(db,
                                "SELECT exam FROM exam_students WHERE code = $1 UNION"
                                " SELECT exam FROM scans WHERE code = $1 ORDER BY 1",
                                &p, 1, on_id, ids, err);
    if (st != BILET_OK || ids->n > 0)
        return st;
    /* An exam nobody added: the codes of its typed answers are only inside the records. */
    char needle[GMODEL_CODE_MAX + 16];
    snprintf(needle, sizeof needle, "\"code\":\"%s\"", code);
    cdb_param q = cdb_text(needle);
    const char *sql = strcmp(cdb_backend_name(db), "sqlite") == 0
                          ? "SELECT DISTINCT exam FROM records WHERE type = 'student_identified'"
                            " AND instr(bytes, CAST($1 AS BLOB)) > 0 ORDER BY 1"
                          : "SELECT DISTINCT exam FROM records WHERE type = 'student_identified'"
                            " AND position(convert_to($1, 'UTF8') in bytes) > 0 ORDER BY 1";
    return cdb_query(db, sql, &q, 1, on_id, ids, err);
}

/* Resolves the exam of a code (?exam= or the one exam it was seen in) into exam; false
 * with *resp filled (404 unknown, 409 ambiguous, 503). */
static bool exam_of_code(cdb *db, const api_request *req, const char *code,
                         char exam_id[EXAM_ID_MAX], api_response *resp)
{
    const char *given = api_arg(req, "exam");
    if (given && given[0]) {
        if (strlen(given) >= EXAM_ID_MAX) {
            api_error(resp, 404, "no such exam");
            return false;
        }
        snprintf(exam_id, EXAM_ID_MAX, "%s", given);
        return true;
    }
    id_list ids = { 0 };
    bilet_err err = { { 0 } };
    bilet_status st = exams_of_code(db, code, &ids, &err);
    bool ok = false;
    if (st != BILET_OK) {
        api_error(resp, 503, err.msg);
    } else if (ids.n == 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown sheet code %s", code);
        api_error(resp, 404, msg);
    } else if (ids.n > 1) {
        json_t *o = json_object();
        json_t *list = json_array();
        for (size_t i = 0; i < ids.n; i++)
            json_array_append_new(list, json_string(ids.ids[i]));
        json_object_set_new(o, "error",
                            json_string("the code belongs to several exams: give ?exam="));
        json_object_set_new(o, "exams", list);
        api_answer_json(resp, 409, o);
    } else if (strlen(ids.ids[0]) >= EXAM_ID_MAX) {
        api_error(resp, 404, "no such exam");
    } else {
        snprintf(exam_id, EXAM_ID_MAX, "%s", ids.ids[0]);
        ok = true;
    }
    id_list_free(&ids);
    return ok;
}

/* ---- GET /api/v1/sheets/{code} ---- */

static json_t *grade_json(const gmodel_grade *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "grade", json_string(g->grade));
    json_object_set_new(o, "by", json_string(g->by));
    json_object_set_new(o, "staff", json_string(g->staff));
    json_object_set_new(o, "time", json_integer(g->time));
    json_object_set_new(o, "reason", str_or_null(g->reason));
    json_object_set_new(o, "correction", json_boolean(g->correction));
    json_object_set_new(o, "was", g->correction ? str_or_null(g->was) : json_null());
    json_object_set_new(o, "record", json_string(g->record));
    json_t *votes = g->votes ? json_loads(g->votes, 0, NULL) : NULL;
    json_object_set_new(o, "votes", votes ? votes : json_array());
    json_object_set_new(o, "dissent", str_or_null(g->dissent));
    json_t *extra = g->extra_questions ? json_loads(g->extra_questions, 0, NULL) : NULL;
    json_object_set_new(o, "extra_questions", extra ? extra : json_array());
    json_t *appeal = g->appeal ? json_loads(g->appeal, 0, NULL) : NULL;
    json_object_set_new(o, "appeal", appeal ? appeal : json_null());
    return o;
}

static void get_sheet(const api_ctx *ctx, cdb *db, const api_request *req, const char *code_in,
                      api_response *resp)
{
    request_spec spec = { .roles = any_staff, .code = code_in };
    request_start rs;
    gmodel m;
    if (request_begin(ctx, db, req, &spec, &rs, &m, resp) != BILET_OK)
        return;
    const gmodel_sheet *s = gmodel_sheet_of(&m, rs.code);
    if (!s) {
        gmodel_free(&m);
        char msg[128];
        snprintf(msg, sizeof msg, "unknown sheet code %s", rs.code);
        api_error(resp, 404, msg);
        return;
    }
    const gmodel_attempt *a = s->attempt >= 0 ? &m.attempts[s->attempt] : NULL;
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(s->code));
    json_object_set_new(o, "exam", json_string(m.exam));
    json_object_set_new(o, "ticket", a && a->ticket ? json_integer(a->ticket) : json_null());
    json_object_set_new(o, "second_ticket", json_boolean(a && a->second));
    json_object_set_new(o, "questions",
                        a && a->ticket ? gmodel_ticket_questions(&m, a->ticket) : json_array());
    json_object_set_new(o, "typed", a && a->text ? json_string(a->text) : json_null());
    json_t *pages = json_array();
    int seen[1000] = { 0 };
    for (size_t i = s->n_pages; i > 0; i--) { /* the latest scan of a page speaks for it */
        const gmodel_page *p = &s->pages[i - 1];
        if (p->page < 1 || p->page > 999 || seen[p->page])
            continue;
        seen[p->page] = 1;
    }
    for (int n = 1; n <= 999; n++) {
        if (!seen[n])
            continue;
        bool hand = false;
        for (size_t i = 0; i < s->n_pages; i++)
            if (s->pages[i].page == n)
                hand = s->pages[i].hand_entered;
        char url[256];
        snprintf(url, sizeof url, "/api/v1/sheets/%s/pages/%d", s->code, n);
        json_t *p = json_object();
        json_object_set_new(p, "page", json_integer(n));
        json_object_set_new(p, "url", json_string(url));
        json_object_set_new(p, "hand_entered", json_boolean(hand));
        json_array_append_new(pages, p);
    }
    int total = 0;
    json_decref(pages_json(s, &total));
    json_object_set_new(o, "pages", pages);
    json_object_set_new(o, "pages_total", total ? json_integer(total) : json_null());
    json_t *grades = json_array();
    for (size_t i = 0; i < s->n_grades; i++)
        json_array_append_new(grades, grade_json(&s->grades[i]));
    json_object_set_new(o, "grades", grades);
    sheet_grade_fields(&m, s, o);
    json_object_set_new(o, "locked", json_boolean(m.locked));
    gmodel_free(&m);
    api_answer_json(resp, 200, o);
}

/* ---- GET /api/v1/sheets/{code}/pages/{n} ---- */

typedef struct image_out {
    bool found;
    char type[32];
    char *bytes;
    size_t len;
} image_out;

static bilet_status on_image(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    image_out *o = ctx;
    if (n < 2 || o->found)
        return BILET_OK;
    o->bytes = malloc(c[1].len ? c[1].len : 1);
    if (!o->bytes)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a page image");
    memcpy(o->bytes, c[1].p, c[1].len);
    o->len = c[1].len;
    snprintf(o->type, sizeof o->type, "%.*s", (int)c[0].len, c[0].p);
    o->found = true;
    return BILET_OK;
}

static void get_page(const api_ctx *ctx, cdb *db, const api_request *req, const char *code_in,
                     long page, api_response *resp)
{
    request_spec spec = { .roles = any_staff, .code = code_in };
    request_start rs;
    image_out img = { 0 };
    bilet_err err = { { 0 } };
    if (request_begin(ctx, db, req, &spec, &rs, NULL, resp) != BILET_OK)
        return;
    cdb_param p[3] = { cdb_text(rs.exam_id), cdb_text(rs.code), cdb_int(page) };
    bilet_status st = cdb_query(db,
                                "SELECT content_type, image FROM scans WHERE exam = $1 AND"
                                " code = $2 AND page = $3 ORDER BY id DESC",
                                p, 3, on_image, &img, &err);
    if (st != BILET_OK) {
        free(img.bytes);
        api_error(resp, 503, err.msg);
        return;
    }
    if (!img.found) {
        api_error(resp, 404, "no scan of this page");
        return;
    }
    resp->status = 200;
    resp->content_type = scans_content_type(img.type);
    resp->body = img.bytes;
    resp->len = img.len;
}

/* ---- POST /api/v1/grades ---- */

/* A refusal decided inside a transaction: the HTTP status and the message. */
typedef struct verdict {
    int http;
    char msg[BILET_ERR_MAX];
} verdict;

static bilet_status refuse(verdict *v, int http, bilet_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bilet_status refuse(verdict *v, int http, bilet_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->msg, sizeof v->msg, fmt, ap);
    va_end(ap);
    v->http = http;
    return bilet_fail(err, BILET_ERULE, "%s", v->msg);
}

/* The start of a change: the central's chain locked, then the exam folded as it stands into
 * *m (which the caller frees when BILET_OK), and no verdict yet. */
static bilet_status change_begin(cdb *db, const api_ctx *ctx, const char *exam_id, gmodel *m,
                                 verdict *v, bilet_err *err)
{
    bilet_status st = cdb_own_lock(db, ctx->central, err);
    if (st == BILET_OK)
        st = gmodel_load(db, ctx->central_hex, exam_id, NULL, true, m, err);
    if (st == BILET_OK)
        v->http = 0;
    return st;
}

/* The answer to a change that failed: its verdict, else the store's failure. */
static void answer_change_failure(api_response *resp, bilet_status st, const verdict *v,
                                  const bilet_err *err)
{
    if (v->http)
        api_error(resp, v->http, v->msg);
    else
        answer_store_failure(resp, st, err);
}

typedef struct grade_job {
    const api_ctx *ctx;
    const api_staff *who;
    char exam_id[EXAM_ID_MAX];
    char code[GMODEL_CODE_MAX];
    grade g;
    const char *by;
    const char *reason;
    char *votes; /* compact JSON, or NULL */
    const char *dissent;
    char *extra;  /* compact JSON, or NULL */
    char *appeal; /* compact JSON of the 3 names, or NULL */
    const char *appeal_names[3];
    size_t n_vote_members;
    const char *vote_members[VOTES_MAX];
    verdict v;
    char record[RECORD_HEX_LEN + 1];
    bool corrected;
} grade_job;

static bool fits_form(const gmodel *m, grade g)
{
    const char *form = gmodel_header_str(m, "form");
    if (!form[0] || g == GRADE_ABSENT)
        return true;
    if (strcmp(form, "zachet") == 0)
        return g == GRADE_PASS || g == GRADE_FAIL;
    return grade_is_points(g);
}

/* Whether name graded the sheet in any way (a grade, a correction, a vote, at the kiosk). */
static bool graded_by(const gmodel *m, const gmodel_sheet *s, const char *name)
{
    for (size_t i = 0; i < s->n_grades; i++) {
        const gmodel_grade *g = &s->grades[i];
        if (text_equal_fold(g->by, name))
            return true;
        json_t *votes = g->votes ? json_loads(g->votes, 0, NULL) : NULL;
        size_t k;
        json_t *vote;
        bool hit = false;
        json_array_foreach(votes, k, vote)
        {
            const char *member = json_string_value(json_object_get(vote, "member"));
            hit |= member && text_equal_fold(member, name);
        }
        json_decref(votes);
        if (hit)
            return true;
    }
    return s->attempt >= 0 && text_equal_fold(m->attempts[s->attempt].graded_by, name);
}

static bilet_status grade_tx(cdb *db, void *ctx_, bilet_err *err)
{
    grade_job *j = ctx_;
    gmodel m;
    bilet_status st = change_begin(db, j->ctx, j->exam_id, &m, &j->v, err);
    if (st != BILET_OK)
        return st;
    const gmodel_sheet *s = gmodel_sheet_of(&m, j->code);
    grade was = s ? gmodel_sheet_grade(&m, s) : GRADE_NONE;
    if (!gmodel_known(&m))
        st = refuse(&j->v, 404, err, "no such exam: %s", j->exam_id);
    else if (m.locked)
        st = refuse(&j->v, 409, err, "grading is locked");
    else if (!s)
        st = refuse(&j->v, 404, err, "unknown sheet code %s in exam %s", j->code, j->exam_id);
    else if (!fits_form(&m, j->g))
        st = refuse(&j->v, 400, err, "grade: %s does not fit the exam's form (%s)",
                    grade_token(j->g), gmodel_header_str(&m, "form"));
    else if (was != GRADE_NONE && !j->reason)
        st = refuse(&j->v, 409, err, "code %s already has the grade %s: a change needs a reason",
                    j->code, grade_token(was));
    else if (j->appeal && was == GRADE_NONE)
        st = refuse(&j->v, 409, err, "code %s has no grade to appeal", j->code);
    for (size_t i = 0; st == BILET_OK && j->appeal && i < 3; i++)
        if (graded_by(&m, s, j->appeal_names[i]))
            st = refuse(&j->v, 400, err,
                        "appeal.commission: %s graded code %s; the appeal commission is of "
                        "three who did not",
                        j->appeal_names[i], j->code);
    if (st == BILET_OK) {
        bilet_field f[BILET_FIELDS_MAX];
        size_t n = 0;
        j->corrected = was != GRADE_NONE;
        f[n++] = bilet_field_str("code", j->code);
        f[n++] = bilet_field_str("grade", grade_token(j->g));
        if (j->corrected)
            f[n++] = bilet_field_str("was", grade_token(was));
        f[n++] = bilet_field_str("by", j->by);
        f[n++] = bilet_field_str("staff", j->who->name);
        if (j->corrected) {
            f[n++] = bilet_field_str("reason", j->reason);
            if (j->appeal)
                f[n++] = bilet_field_str("appeal", j->appeal);
        }
        if (j->votes)
            f[n++] = bilet_field_str("votes", j->votes);
        if (j->dissent)
            f[n++] = bilet_field_str("dissent", j->dissent);
        if (j->extra)
            f[n++] = bilet_field_str("extra_questions", j->extra);
        if (!j->corrected && j->reason)
            f[n++] = bilet_field_str("reason", j->reason);
        st =
            cdb_own_append(db, j->ctx->central, (int64_t)time(NULL), j->exam_id,
                           j->corrected ? "grade_corrected" : "sheet_graded", f, n, j->record, err);
    }
    gmodel_free(&m);
    return st;
}

/* A string member: NULL when absent; false (with *resp a 400) when present and not a
 * string of 1..cap-1 bytes. */
static bool opt_string(json_t *doc, const char *key, size_t cap, const char **out,
                       api_response *resp)
{
    json_t *v = json_object_get(doc, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    const char *s = json_string_value(v);
    char msg[128];
    if (!s || !s[0] || strlen(s) >= cap) {
        snprintf(msg, sizeof msg, "%s: a text of 1 to %zu bytes expected", key, cap - 1);
        api_error(resp, 400, msg);
        return false;
    }
    *out = s;
    return true;
}

static char *compact(json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* Reads votes, extra_questions and appeal; false with *resp a 400. */
static bool read_lists(json_t *doc, grade_job *j, api_response *resp)
{
    json_t *votes = json_object_get(doc, "votes");
    if (votes && !json_is_null(votes)) {
        if (!json_is_array(votes) || json_array_size(votes) == 0 ||
            json_array_size(votes) > VOTES_MAX) {
            api_error(resp, 400, "votes: a list of 1 to 12 {\"member\",\"grade\"} expected");
            return false;
        }
        json_t *clean = json_array();
        size_t i;
        json_t *vote;
        json_array_foreach(votes, i, vote)
        {
            const char *member = json_string_value(json_object_get(vote, "member"));
            const char *gt = json_string_value(json_object_get(vote, "grade"));
            grade g = GRADE_NONE;
            char msg[160];
            if (!member || !member[0] || strlen(member) >= EXAM_TEXT_MAX || !gt ||
                grade_parse(gt, &g, NULL) != BILET_OK || g == GRADE_NOT_ADMITTED) {
                json_decref(clean);
                snprintf(msg, sizeof msg, "votes[%zu]: {\"member\":NAME,\"grade\":GRADE} expected",
                         i);
                api_error(resp, 400, msg);
                return false;
            }
            json_t *o = json_object();
            json_object_set_new(o, "member", json_string(member));
            json_object_set_new(o, "grade", json_string(grade_token(g)));
            json_array_append_new(clean, o);
            j->vote_members[j->n_vote_members++] = member;
        }
        j->votes = compact(clean);
        json_decref(clean);
    }
    json_t *extra = json_object_get(doc, "extra_questions");
    if (extra && !json_is_null(extra)) {
        bool ok = json_is_array(extra) && json_array_size(extra) <= EXTRA_MAX;
        size_t i;
        json_t *q;
        json_array_foreach(extra, i, q)
        {
            const char *s = json_string_value(q);
            ok &= s && s[0] && strlen(s) < NOTE_MAX;
        }
        if (!ok) {
            api_error(resp, 400, "extra_questions: a list of up to 20 texts expected");
            return false;
        }
        j->extra = compact(extra);
    }
    json_t *appeal = json_object_get(doc, "appeal");
    if (appeal && !json_is_null(appeal)) {
        json_t *com = json_object_get(appeal, "commission");
        bool ok = json_is_array(com) && json_array_size(com) == 3;
        for (size_t i = 0; ok && i < 3; i++) {
            const char *s = json_string_value(json_array_get(com, i));
            ok = s && s[0] && strlen(s) < EXAM_TEXT_MAX;
            j->appeal_names[i] = s;
            for (size_t k = 0; ok && k < i; k++)
                ok = !text_equal_fold(j->appeal_names[k], s);
        }
        if (!ok) {
            api_error(resp, 400, "appeal: {\"commission\":[three different names]} expected");
            return false;
        }
        j->appeal = compact(com);
    }
    return true;
}

static void post_grade(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    request_spec spec = { .roles = any_staff, .body = BODY_OBJECT };
    request_start rs;
    grade_job j;
    bilet_err err = { { 0 } };
    memset(&j, 0, sizeof j);
    if (request_begin(ctx, db, req, &spec, &rs, NULL, resp) != BILET_OK)
        return;
    j.ctx = ctx;
    j.who = &rs.who;
    json_t *doc = rs.doc;
    const char *exam_id = json_string_value(json_object_get(doc, "exam"));
    const char *code = json_string_value(json_object_get(doc, "code"));
    const char *gtext = json_string_value(json_object_get(doc, "grade"));
    if (!exam_id || !exam_id[0] || strlen(exam_id) >= EXAM_ID_MAX) {
        api_error(resp, 400, "exam: the exam id expected");
        goto out_free;
    }
    if (!code || !read_code(code, j.code)) {
        api_error(resp, 400, "code: a sheet code expected");
        goto out_free;
    }
    if (!gtext || grade_parse(gtext, &j.g, &err) != BILET_OK || j.g == GRADE_NOT_ADMITTED) {
        api_error(resp, 400,
                  "grade: one of 5, 4, 3, 2, pass, fail, absent (or отлично, хорошо, "
                  "удовлетворительно, неудовлетворительно, зачтено, не зачтено, не явился)");
        goto out_free;
    }
    snprintf(j.exam_id, sizeof j.exam_id, "%s", exam_id);
    if (!opt_string(doc, "by", EXAM_TEXT_MAX, &j.by, resp) ||
        !opt_string(doc, "reason", NOTE_MAX, &j.reason, resp) ||
        !opt_string(doc, "dissent", NOTE_MAX, &j.dissent, resp) || !read_lists(doc, &j, resp))
        goto out_free;
    if (!j.by) {
        api_error(resp, 400, "by: the name of who graded expected");
        goto out_free;
    }
    bilet_status st = cdb_write(db, grade_tx, &j, &err);
    if (st == BILET_OK) {
        json_t *o = json_object();
        json_object_set_new(o, "record", json_string(j.record));
        json_object_set_new(o, "grade", json_string(grade_token(j.g)));
        json_object_set_new(o, "code", json_string(j.code));
        json_object_set_new(o, "exam", json_string(j.exam_id));
        json_object_set_new(o, "corrected", json_boolean(j.corrected));
        api_answer_json(resp, 201, o);
    } else {
        answer_change_failure(resp, st, &j.v, &err);
    }

out_free:
    free(j.votes);
    free(j.extra);
    free(j.appeal);
    json_decref(doc);
}

/* ---- POST /api/v1/exams/{id}/lock ---- */

typedef struct lock_job {
    const api_ctx *ctx;
    const api_staff *who;
    const char *exam_id;
    const char *by;
    verdict v;
    bool already;
    char record[RECORD_HEX_LEN + 1];
    int64_t time;
    char lock_by[CDB_NAME_MAX];
    json_t *ungraded;
} lock_job;

static bilet_status lock_tx(cdb *db, void *ctx_, bilet_err *err)
{
    lock_job *j = ctx_;
    gmodel m;
    bilet_status st = change_begin(db, j->ctx, j->exam_id, &m, &j->v, err);
    if (st != BILET_OK)
        return st;
    json_decref(j->ungraded);
    j->ungraded = json_array();
    size_t ungraded = 0;
    for (size_t i = 0; i < m.n_sheets; i++) {
        const gmodel_sheet *s = &m.sheets[i];
        if (gmodel_sheet_has_work(&m, s) && gmodel_sheet_grade(&m, s) == GRADE_NONE) {
            ungraded++;
            json_array_append_new(j->ungraded, json_string(s->code));
        }
    }
    if (!gmodel_known(&m)) {
        st = refuse(&j->v, 404, err, "no such exam: %s", j->exam_id);
    } else if (m.locked) {
        j->already = true;
        snprintf(j->record, sizeof j->record, "%s", m.lock_record);
        snprintf(j->lock_by, sizeof j->lock_by, "%s", m.lock_by);
        j->time = m.lock_time;
    } else if (!m.added) {
        st = refuse(&j->v, 409, err,
                    "exam %s has not been added (bilet-central --add-exam): its roster is "
                    "needed to unmask the codes",
                    j->exam_id);
    } else if (m.kiosks_opened > m.kiosks_closed) {
        st = refuse(&j->v, 409, err, "the session of exam %s is still open on %zu kiosk(s)",
                    j->exam_id, m.kiosks_opened - m.kiosks_closed);
    } else if (ungraded > 0) {
        st = refuse(&j->v, 409, err, "%zu sheet(s) with an answer have no grade yet", ungraded);
    } else {
        bilet_field f[2] = { bilet_field_str("by", j->by), bilet_field_str("staff", j->who->name) };
        j->time = (int64_t)time(NULL);
        snprintf(j->lock_by, sizeof j->lock_by, "%s", j->by);
        st = cdb_own_append(db, j->ctx->central, j->time, j->exam_id, "grading_locked", f, 2,
                            j->record, err);
    }
    gmodel_free(&m);
    return st;
}

static void post_lock(const api_ctx *ctx, cdb *db, const api_request *req, const char *id,
                      api_response *resp)
{
    request_spec spec = { .roles = registrar_only,
                          .body = BODY_OPTIONAL,
                          .not_object = "the body, when given, is a JSON object ({\"by\":NAME})" };
    request_start rs;
    bilet_err err = { { 0 } };
    lock_job j;
    if (request_begin(ctx, db, req, &spec, &rs, NULL, resp) != BILET_OK)
        return;
    json_t *doc = rs.doc;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.who = &rs.who;
    j.exam_id = id;
    j.by = rs.who.name;
    if (doc) {
        const char *by = NULL;
        if (!opt_string(doc, "by", EXAM_TEXT_MAX, &by, resp)) {
            json_decref(doc);
            return;
        }
        if (by)
            j.by = by;
    }
    bilet_status st = cdb_write(db, lock_tx, &j, &err);
    if (st == BILET_OK) {
        json_t *o = json_object();
        json_object_set_new(o, "locked", json_true());
        json_object_set_new(o, "record", json_string(j.record));
        json_object_set_new(o, "time", json_integer(j.time));
        json_object_set_new(o, "by", json_string(j.lock_by));
        json_object_set_new(o, "already", json_boolean(j.already));
        api_answer_json(resp, 200, o);
    } else if (j.v.http == 409 && json_array_size(j.ungraded) > 0) {
        json_t *o = json_object();
        json_object_set_new(o, "error", json_string(j.v.msg));
        json_object_set_new(o, "ungraded", json_incref(j.ungraded));
        api_answer_json(resp, 409, o);
    } else {
        answer_change_failure(resp, st, &j.v, &err);
    }
    json_decref(j.ungraded);
    json_decref(doc);
}

/* ---- dispatch ---- */

void grading_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    gpath p;
    switch (parse_path(req->path, &p)) {
    case G_EXAMS:
        get_exams(ctx, db, req, resp);
        break;
    case G_EXAM:
        get_exam(ctx, db, req, p.id, resp);
        break;
    case G_CODES:
        get_codes(ctx, db, req, p.id, resp);
        break;
    case G_LOCK:
        post_lock(ctx, db, req, p.id, resp);
        break;
    case G_STATEMENT:
        statement_handle(ctx, db, req, p.id, resp);
        break;
    case G_SHEET:
        get_sheet(ctx, db, req, p.id, resp);
        break;
    case G_PAGE:
        get_page(ctx, db, req, p.id, p.page, resp);
        break;
    case G_GRADES:
        post_grade(ctx, db, req, resp);
        break;
    case G_SCANS:
        scans_handle(ctx, db, req, resp);
        break;
    case G_NONE:
        api_error(resp, 404, "no such endpoint");
        break;
    }
}
