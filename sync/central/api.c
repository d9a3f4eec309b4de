/*
 * api.c — the endpoints of bilet-central (see api.h and docs/central.md).
 *
 * Staff endpoints check the bearer token against the stored hashes (constant-time, in
 * cdb_staff_find) and the role: 401 without a token or with an unknown one, 403 for a
 * role the endpoint does not serve. Every read of results (names joined to grades) is
 * itself recorded in staff_reads. Messages in error bodies are for the person at the
 * other end and never carry database internals beyond the one-line cause.
 */
#include "api.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "batch.h"
#include "console.h"
#include "grading.h"
#include "keys.h"
#include "record.h"
#include "report.h"

static const char content_json[] = "application/json";

typedef enum route {
    ROUTE_NONE = 0,
    ROUTE_RECORDS,
    ROUTE_KIOSKS,
    ROUTE_HEALTH,
    ROUTE_RESULTS,
} route;

static const char results_prefix[] = "/api/v1/exams/";
static const char results_suffix[] = "/results";

/* The route of path; for results, *exam and *exam_len name the id inside path. */
static route route_of(const char *path, const char **exam, size_t *exam_len)
{
    if (strcmp(path, "/api/v1/records") == 0)
        return ROUTE_RECORDS;
    if (strcmp(path, "/api/v1/kiosks") == 0)
        return ROUTE_KIOSKS;
    if (strcmp(path, "/api/v1/health") == 0)
        return ROUTE_HEALTH;
    size_t n = strlen(path);
    size_t pre = sizeof results_prefix - 1;
    size_t suf = sizeof results_suffix - 1;
    if (n > pre + suf && strncmp(path, results_prefix, pre) == 0 &&
        strcmp(path + n - suf, results_suffix) == 0) {
        const char *id = path + pre;
        size_t id_len = n - pre - suf;
        if (!memchr(id, '/', id_len)) {
            if (exam) {
                *exam = id;
                *exam_len = id_len;
            }
            return ROUTE_RESULTS;
        }
    }
    return ROUTE_NONE;
}

static const char *allowed(route r)
{
    switch (r) {
    case ROUTE_RECORDS:
        return "POST";
    case ROUTE_KIOSKS:
        return "GET, POST";
    case ROUTE_HEALTH:
    case ROUTE_RESULTS:
        return "GET, HEAD";
    case ROUTE_NONE:
        break;
    }
    return "";
}

static bool method_ok(route r, const char *method)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    switch (r) {
    case ROUTE_RECORDS:
        return post;
    case ROUTE_KIOSKS:
        return get || post;
    case ROUTE_HEALTH:
    case ROUTE_RESULTS:
        return get;
    case ROUTE_NONE:
        break;
    }
    return false;
}

size_t api_body_cap(const char *path)
{
    return strcmp(path, "/api/v1/scans") == 0 ? API_SCAN_BODY_MAX : API_BODY_MAX;
}

void api_response_free(api_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    memset(resp, 0, sizeof *resp);
}

/* Takes ownership of the JSON value and answers with it. */
static void answer_json(api_response *resp, int status, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text) {
        resp->status = 500;
        resp->content_type = content_json;
        resp->body = strdup("{\"error\":\"out of memory\"}");
        resp->len = resp->body ? strlen(resp->body) : 0;
        return;
    }
    resp->status = status;
    resp->content_type = content_json;
    resp->body = text;
    resp->len = strlen(text);
}

void api_error(api_response *resp, int status, const char *message)
{
    json_t *doc = json_object();
    json_t *msg = json_string(message);
    if (!msg) /* not UTF-8: say so rather than nothing */
        msg = json_string("invalid request");
    if (doc && msg && json_object_set_new(doc, "error", msg) == 0)
        answer_json(resp, status, doc);
    else
        answer_json(resp, status, NULL);
    resp->status = status;
}

bool api_route_ok(const char *method, const char *path, api_response *resp)
{
    int console = console_route_ok(method, path, resp);
    if (console >= 0)
        return console;
    if (grading_route(path)) { /* blind grading (grading.h) */
        if (grading_method_ok(path, method))
            return true;
        api_error(resp, 405, "method not allowed");
        resp->allow = grading_allow(path);
        return false;
    }
    route r = route_of(path, NULL, NULL);
    if (r == ROUTE_NONE) {
        api_error(resp, 404, "no such endpoint");
        return false;
    }
    if (!method_ok(r, method)) {
        api_error(resp, 405, "method not allowed");
        resp->allow = allowed(r);
        return false;
    }
    return true;
}

void api_token_hash(const char *token, char out[2 * KEYS_HASH_BYTES + 1])
{
    record_hash_hex(token, strlen(token), out);
}

/* A staff member who presented a token. */
typedef api_staff staff;

const char *api_arg(const api_request *req, const char *name)
{
    return req->arg ? req->arg(req->arg_cls, name) : NULL;
}

void api_answer_json(api_response *resp, int status, json_t *doc)
{
    answer_json(resp, status, doc);
}

/* Whether Origin names this server itself (scheme and Host as the request came in). */
static bool same_origin(const api_request *req)
{
    const char *scheme = req->https ? "https://" : "http://";
    size_t sl = strlen(scheme);
    if (!req->origin || !req->host || strncmp(req->origin, scheme, sl) != 0)
        return false;
    return strcmp(req->origin + sl, req->host) == 0;
}

/* True when the request carries a valid token of a role in roles (NULL: any role), or a
 * valid session cookie (with the CSRF token and a same-origin Origin on a change);
 * otherwise *resp holds the 401, 403 or 503. */
static bool authorise(cdb *db, const api_request *req, const char *const *roles, staff *who,
                      api_response *resp)
{
    static const char bearer[] = "Bearer ";
    const char *h = req->authorization;
    char hash[2 * KEYS_HASH_BYTES + 1];
    char session[AUTH_TOKEN_HEX + 1];
    bilet_err err = { { 0 } };
    bool found = false;
    memset(who, 0, sizeof *who);
    if (!h && auth_cookie_token(req->cookie, session)) {
        auth_who w;
        bilet_status st = auth_session_find(db, session, (int64_t)time(NULL), &found, &w, &err);
        bool change = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
        bool csrf_ok = !change || auth_csrf_ok(session, req->csrf);
        keys_wipe(session, sizeof session);
        if (st != BILET_OK) {
            api_error(resp, 503, err.msg);
            return false;
        }
        if (!found) {
            api_error(resp, 401, "the session has ended: sign in again");
            return false;
        }
        if (change && ((req->fetch_site && strcmp(req->fetch_site, "same-origin") != 0) ||
                       !same_origin(req))) {
            api_error(resp, 403, "a change from another site is refused");
            return false;
        }
        if (!csrf_ok) {
            api_error(resp, 403, "the CSRF token is missing or wrong (X-CSRF-Token)");
            return false;
        }
        snprintf(who->name, sizeof who->name, "%s", w.name);
        snprintf(who->role, sizeof who->role, "%s", w.role);
        who->cookie = true;
    } else {
        if (!h || strncmp(h, bearer, sizeof bearer - 1) != 0 || !h[sizeof bearer - 1]) {
            api_error(resp, 401, "a staff token is required (Authorization: Bearer TOKEN)");
            resp->auth_challenge = true;
            return false;
        }
        api_token_hash(h + sizeof bearer - 1, hash);
        if (cdb_staff_find(db, hash, &found, who->name, who->role, &err) != BILET_OK) {
            api_error(resp, 500, err.msg);
            return false;
        }
        if (!found) {
            api_error(resp, 401, "unknown staff token");
            resp->auth_challenge = true;
            return false;
        }
    }
    if (!roles)
        return true;
    for (size_t i = 0; roles[i]; i++)
        if (strcmp(who->role, roles[i]) == 0)
            return true;
    char msg[CDB_NAME_MAX + 64];
    snprintf(msg, sizeof msg, "the role %s may not use this endpoint", who->role);
    api_error(resp, 403, msg);
    return false;
}

bool api_authorise(cdb *db, const api_request *req, const char *const *roles, api_staff *who,
                   api_response *resp)
{
    return authorise(db, req, roles, who, resp);
}

bool api_is_records(const api_request *req)
{
    return strcmp(req->method, "POST") == 0 && strcmp(req->path, "/api/v1/records") == 0;
}

bool api_records_read(const api_request *req, batch *b, api_response *resp)
{
    bilet_err err = { { 0 } };
    memset(resp, 0, sizeof *resp);
    bilet_status st = batch_from_body(req->body, req->len, b, &err);
    if (st != BILET_OK)
        api_error(resp, st == BILET_EPARSE ? 400 : 500, err.msg);
    else
        b->log_end = api_log_end_parse(req->log_end);
    return st == BILET_OK;
}

uint64_t api_log_end_parse(const char *value)
{
    static const uint64_t max = (uint64_t)1 << 53;
    if (!value || !*value)
        return 0;
    uint64_t n = 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        n = n * 10 + (uint64_t)(*p - '0');
        if (n > max)
            return 0;
    }
    return n;
}

void api_records_store(const api_ctx *ctx, cdb *db, batch *b, api_response *resp)
{
    bilet_err err = { { 0 } };
    int64_t now = (int64_t)time(NULL);
    memset(resp, 0, sizeof *resp);
    if (!db) {
        api_error(resp, 503, "the database is not reachable");
        return;
    }
    bilet_status st = cdb_ingest(db, b, now, false, &err);
    if (st == BILET_OK)
        st = batch_receipt(b, ctx->central, now, &resp->body, &resp->len, &err);
    if (st == BILET_OK) {
        resp->status = 200;
        resp->content_type = content_json;
    } else {
        api_error(resp, 503, err.msg);
    }
}

static void post_records(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    batch b;
    if (!api_records_read(req, &b, resp))
        return;
    api_records_store(ctx, db, &b, resp);
    batch_free(&b);
}

static void post_kiosk(cdb *db, const api_request *req, api_response *resp)
{
    static const char *const registrar[] = { "registrar", NULL };
    staff who;
    json_error_t jerr;
    bilet_err err = { { 0 } };
    bool created = false;
    if (!authorise(db, req, registrar, &who, resp))
        return;
    json_t *doc = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *key = json_object_get(doc, "public_key");
    json_t *name = json_object_get(doc, "name");
    if (!doc || !json_is_object(doc)) {
        char msg[256];
        snprintf(msg, sizeof msg, "not a JSON object: %s", doc ? "another value" : jerr.text);
        api_error(resp, 400, msg);
    } else if (!json_is_string(key) || !record_is_hex64(json_string_value(key))) {
        api_error(resp, 400, "public_key: 64 lowercase hex digits expected");
    } else if (name && !json_is_string(name)) {
        api_error(resp, 400, "name: a string expected");
    } else {
        const char *n = name ? json_string_value(name) : "";
        bilet_status st =
            cdb_kiosk_enrol(db, json_string_value(key), n, (int64_t)time(NULL), &created, &err);
        if (st == BILET_EINVAL) {
            api_error(resp, 400, err.msg);
        } else if (st == BILET_EPERM) {
            api_error(resp, 403, err.msg);
        } else if (st != BILET_OK) {
            api_error(resp, 503, err.msg);
        } else {
            json_t *out = json_object();
            if (out) {
                json_object_set_new(out, "public_key", json_string(json_string_value(key)));
                json_object_set_new(out, "name", json_string(n));
            }
            answer_json(resp, created ? 201 : 200, out);
        }
    }
    json_decref(doc);
}

static bilet_status list_kiosk(const cdb_kiosk_info *k, void *ctx, bilet_err *err)
{
    json_t *arr = ctx;
    json_t *o = json_object();
    json_t *name = json_string(k->name);
    if (!o || !name || json_object_set_new(o, "public_key", json_string(k->public_key)) != 0 ||
        json_object_set_new(o, "name", name) != 0 ||
        json_object_set_new(o, "last_seen",
                            k->last_seen ? json_integer(k->last_seen) : json_null()) != 0 ||
        json_object_set_new(o, "last_seq", json_integer((json_int_t)k->last_seq)) != 0 ||
        json_object_set_new(o, "records", json_integer((json_int_t)k->records)) != 0 ||
        json_object_set_new(o, "log_end", json_integer((json_int_t)k->log_end)) != 0 ||
        json_object_set_new(o, "pending", json_integer((json_int_t)cdb_kiosk_pending(k))) != 0 ||
        json_object_set_new(o, "revoked", json_boolean(k->revoked_at != 0)) != 0 ||
        json_array_append_new(arr, o) != 0)
        return bilet_fail(err, BILET_ENOMEM, "out of memory listing kiosks");
    return BILET_OK;
}

static void get_kiosks(cdb *db, const api_request *req, api_response *resp)
{
    staff who;
    bilet_err err = { { 0 } };
    if (!authorise(db, req, NULL, &who, resp))
        return;
    json_t *arr = json_array();
    if (!arr) {
        answer_json(resp, 500, NULL);
        return;
    }
    bilet_status st = cdb_kiosk_list(db, list_kiosk, arr, &err);
    if (st != BILET_OK) {
        json_decref(arr);
        api_error(resp, 503, err.msg);
        return;
    }
    answer_json(resp, 200, arr);
}

static void get_results(cdb *db, const api_request *req, const char *exam, size_t exam_len,
                        api_response *resp)
{
    static const char *const registrar[] = { "registrar", NULL };
    staff who;
    bilet_err err = { { 0 } };
    char id[1024];
    report_format fmt = REPORT_JSON;
    if (!authorise(db, req, registrar, &who, resp))
        return;
    if (req->format && strcmp(req->format, "csv") == 0) {
        fmt = REPORT_CSV;
    } else if (req->format && strcmp(req->format, "json") != 0) {
        api_error(resp, 400, "format must be json or csv");
        return;
    }
    if (exam_len >= sizeof id) {
        api_error(resp, 404, "no such exam");
        return;
    }
    memcpy(id, exam, exam_len);
    id[exam_len] = '\0';
    char what[sizeof id + 32];
    snprintf(what, sizeof what, "results %s", id);
    bilet_status st = cdb_staff_read_log(db, who.name, what, (int64_t)time(NULL), &err);
    if (st == BILET_OK)
        st = report_exam(db, id, fmt, &resp->body, &resp->len, &err);
    if (st != BILET_OK) {
        api_error(resp, st == BILET_ECORRUPT ? 500 : 503, err.msg);
        return;
    }
    resp->status = 200;
    resp->content_type = fmt == REPORT_CSV ? "text/csv; charset=utf-8" : content_json;
}

static void get_health(const api_ctx *ctx, cdb *db, api_response *resp)
{
    json_t *doc = json_object();
    if (doc) {
        json_object_set_new(doc, "status", json_string("ok"));
        json_object_set_new(doc, "db", json_string(cdb_backend_name(db)));
        json_object_set_new(doc, "central", json_string(ctx->central_hex));
    }
    answer_json(resp, 200, doc);
}

void api_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    const char *exam = NULL;
    size_t exam_len = 0;
    memset(resp, 0, sizeof *resp);
    if (!api_route_ok(req->method, req->path, resp))
        return;
    if (console_handle(ctx, db, req, resp))
        return;
    if (!db) {
        api_error(resp, 503, "the database is not reachable");
        return;
    }
    if (grading_route(req->path)) {
        grading_handle(ctx, db, req, resp);
        return;
    }
    bool post = strcmp(req->method, "POST") == 0;
    switch (route_of(req->path, &exam, &exam_len)) {
    case ROUTE_RECORDS:
        post_records(ctx, db, req, resp);
        break;
    case ROUTE_KIOSKS:
        if (post)
            post_kiosk(db, req, resp);
        else
            get_kiosks(db, req, resp);
        break;
    case ROUTE_HEALTH:
        get_health(ctx, db, resp);
        break;
    case ROUTE_RESULTS:
        get_results(db, req, exam, exam_len, resp);
        break;
    case ROUTE_NONE:
        api_error(resp, 404, "no such endpoint");
        break;
    }
}
