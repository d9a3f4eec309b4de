/*
 * console.c — the staff web console's own endpoints and its static files (see console.h
 * and docs/console.md).
 *
 * Sign-in (POST /api/v1/session) takes {"name","password"} or {"token"} as JSON only — a
 * cross-site HTML form cannot send that type without the browser asking first — and
 * refuses a request whose Origin or Sec-Fetch-Site says it came from another site. The
 * answer sets the session cookie and carries the CSRF token the page sends back on every
 * change. A name locked after wrong passwords (auth.h) gets 429 with Retry-After.
 * Everything else goes through api_authorise, the one check for both kinds of sign-in.
 */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "documents.h"
#include "examzip.h"
#include "grading.h"
#include "keys.h"
#include "paper.h"
#include "rooms.h"
#include "statement.h"
#include "web.h"

typedef enum console_route {
    CONSOLE_NONE = 0,
    CONSOLE_SESSION,
    CONSOLE_UPLOAD,
    CONSOLE_ROOMS,
    CONSOLE_DOCUMENTS,
    CONSOLE_STATIC,
} console_route;

static const char exams_prefix[] = "/api/v1/exams/";

/* The exam id of /api/v1/exams/{id}/<tail...>: true with id copied (cap) and *rest at the
 * '/' after it. */
static bool exam_path(const char *path, char *id, size_t cap, const char **rest)
{
    size_t pre = sizeof exams_prefix - 1;
    if (strncmp(path, exams_prefix, pre) != 0)
        return false;
    const char *p = path + pre;
    const char *slash = strchr(p, '/');
    if (!slash || slash == p || (size_t)(slash - p) >= cap)
        return false;
    memcpy(id, p, (size_t)(slash - p));
    id[slash - p] = '\0';
    *rest = slash;
    return true;
}

static console_route route_of(const char *path)
{
    char id[512];
    const char *rest = NULL;
    if (strcmp(path, "/api/v1/session") == 0)
        return CONSOLE_SESSION;
    if (strcmp(path, "/api/v1/exam-uploads") == 0)
        return CONSOLE_UPLOAD;
    if (exam_path(path, id, sizeof id, &rest)) {
        if (strcmp(rest, "/rooms") == 0)
            return CONSOLE_ROOMS;
        if (strncmp(rest, "/documents/", 11) == 0 && rest[11] && !strchr(rest + 11, '/'))
            return CONSOLE_DOCUMENTS;
    }
    if (web_is_static(path))
        return CONSOLE_STATIC;
    return CONSOLE_NONE;
}

int console_route_ok(const char *method, const char *path, api_response *resp)
{
    bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    bool post = strcmp(method, "POST") == 0;
    bool del = strcmp(method, "DELETE") == 0;
    const char *allow = "GET, HEAD";
    bool ok = get;
    switch (route_of(path)) {
    case CONSOLE_NONE:
        return -1;
    case CONSOLE_SESSION:
        ok = get || post || del;
        allow = "GET, HEAD, POST, DELETE";
        break;
    case CONSOLE_UPLOAD:
        ok = post;
        allow = "POST";
        break;
    case CONSOLE_ROOMS:
    case CONSOLE_DOCUMENTS:
    case CONSOLE_STATIC:
        break;
    }
    if (ok)
        return 1;
    api_error(resp, 405, "method not allowed");
    resp->allow = allow;
    return 0;
}

/* Whether a sign-in request came from this server's own page, or from no browser page at
 * all (a client without Origin). */
static bool sign_in_origin_ok(const api_request *req)
{
    if (req->fetch_site && strcmp(req->fetch_site, "same-origin") != 0 &&
        strcmp(req->fetch_site, "none") != 0)
        return false;
    if (!req->origin)
        return true;
    const char *scheme = req->https ? "https://" : "http://";
    size_t sl = strlen(scheme);
    return req->host && strncmp(req->origin, scheme, sl) == 0 &&
           strcmp(req->origin + sl, req->host) == 0;
}

static void set_cookie(api_response *resp, const char *value, int max_age, bool secure)
{
    snprintf(resp->set_cookie, sizeof resp->set_cookie,
             "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", AUTH_COOKIE_NAME, value,
             max_age, secure ? "; Secure" : "");
}

static json_t *who_json(const char *name, const char *role, const char *csrf, int64_t expires)
{
    json_t *o = json_object();
    json_t *n = json_string(name);
    if (!o || !n) {
        json_decref(o);
        json_decref(n);
        return NULL;
    }
    json_object_set_new(o, "signed_in", json_true());
    json_object_set_new(o, "name", n);
    json_object_set_new(o, "role", json_string(role));
    if (csrf)
        json_object_set_new(o, "csrf", json_string(csrf));
    if (expires)
        json_object_set_new(o, "expires", json_integer((json_int_t)expires));
    return o;
}

static void sign_in(cdb *db, const api_request *req, api_response *resp)
{
    json_error_t jerr;
    bilet_err err = { { 0 } };
    auth_session s;
    if (!sign_in_origin_ok(req)) {
        api_error(resp, 403, "a sign-in from another site is refused");
        return;
    }
    if (!req->content_type || strncmp(req->content_type, "application/json", 16) != 0) {
        api_error(resp, 415, "sign in with a JSON body (Content-Type: application/json)");
        return;
    }
    json_t *doc = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *name = json_object_get(doc, "name");
    json_t *password = json_object_get(doc, "password");
    json_t *token = json_object_get(doc, "token");
    int64_t now = (int64_t)time(NULL);
    int64_t retry_after = 0;
    bilet_status st;
    if (!json_is_object(doc)) {
        api_error(resp, 400, "not a JSON object: give name and password, or token");
        json_decref(doc);
        return;
    }
    if (json_is_string(token) && !name && !password) {
        st = auth_sign_in_token(db, json_string_value(token), now, &s, &err);
    } else if (json_is_string(name) && json_is_string(password) && !token) {
        st = auth_sign_in_password(db, json_string_value(name), json_string_value(password),
                                   json_string_length(password), now, &s, &retry_after, &err);
    } else {
        api_error(resp, 400, "give name and password, or token (strings)");
        json_decref(doc);
        return;
    }
    if (password) /* jansson keeps its own copy: wipe it before it is freed */
        keys_wipe((char *)json_string_value(password), json_string_length(password));
    if (token)
        keys_wipe((char *)json_string_value(token), json_string_length(token));
    json_decref(doc);
    if (st == BILET_EPERM && retry_after > 0) {
        /* The name is locked (auth.h): the page reads Retry-After for its own message. */
        api_error(resp, 429, err.msg);
        resp->retry_after = (long)retry_after;
        return;
    }
    if (st == BILET_EPERM) {
        api_error(resp, 401, err.msg);
        return;
    }
    if (st != BILET_OK) {
        api_error(resp, 503, err.msg);
        return;
    }
    set_cookie(resp, s.token, AUTH_SESSION_SECONDS, req->https);
    api_answer_json(resp, 201, who_json(s.who.name, s.who.role, s.csrf, s.who.expires));
    auth_session_wipe(&s);
}

static void who_am_i(cdb *db, const api_request *req, api_response *resp)
{
    api_staff who;
    char session[AUTH_TOKEN_HEX + 1];
    if (!req->authorization && !auth_cookie_token(req->cookie, session)) {
        /* Nobody signed in yet: the console's first question, not an error. */
        json_t *o = json_object();
        if (o)
            json_object_set_new(o, "signed_in", json_false());
        api_answer_json(resp, 200, o);
        return;
    }
    keys_wipe(session, sizeof session);
    if (!api_authorise(db, req, NULL, &who, resp))
        return;
    if (who.cookie && auth_cookie_token(req->cookie, session)) {
        char csrf[RECORD_HEX_LEN + 1];
        auth_who w;
        bool found = false;
        bilet_err err = { { 0 } };
        auth_csrf_of(session, csrf);
        bilet_status st = auth_session_find(db, session, (int64_t)time(NULL), &found, &w, &err);
        keys_wipe(session, sizeof session);
        if (st != BILET_OK) {
            api_error(resp, 503, err.msg);
            return;
        }
        api_answer_json(resp, 200, who_json(who.name, who.role, csrf, found ? w.expires : 0));
        return;
    }
    api_answer_json(resp, 200, who_json(who.name, who.role, NULL, 0));
}

static void sign_out(cdb *db, const api_request *req, api_response *resp)
{
    api_staff who;
    char session[AUTH_TOKEN_HEX + 1];
    bilet_err err = { { 0 } };
    if (!api_authorise(db, req, NULL, &who, resp))
        return;
    if (!who.cookie || !auth_cookie_token(req->cookie, session)) {
        api_error(resp, 400, "no session to end (a bearer token stays valid)");
        return;
    }
    bilet_status st = auth_session_end(db, session, &err);
    keys_wipe(session, sizeof session);
    if (st != BILET_OK) {
        api_error(resp, 503, err.msg);
        return;
    }
    set_cookie(resp, "", 0, req->https);
    json_t *o = json_object();
    if (o)
        json_object_set_new(o, "signed_out", json_true());
    api_answer_json(resp, 200, o);
}

#ifndef BILET_POLICIES_SOURCE_DIR
#define BILET_POLICIES_SOURCE_DIR ""
#endif

/* The policy profiles for an uploaded exam: $BILET_POLICIES, else the source tree's
 * config/policies when it is there, else NULL (the loader looks in the installed
 * share/bilet/policies). An upload has no folder of its own to look beside. */
static const char *policies_dir(void)
{
    struct stat sb;
    const char *env = getenv("BILET_POLICIES");
    if (env && env[0])
        return env;
    if (BILET_POLICIES_SOURCE_DIR[0] && stat(BILET_POLICIES_SOURCE_DIR, &sb) == 0 &&
        S_ISDIR(sb.st_mode))
        return BILET_POLICIES_SOURCE_DIR;
    return NULL;
}

/* POST /api/v1/exam-uploads (registrar): an exam directory as a zip, added through
 * grading_add_exam, or a sealed package (?name= ending in .bilet) through
 * grading_add_package. ?name= carries the file's name for messages. */
static void upload_exam(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    static const char *const registrar[] = { "registrar", NULL };
    api_staff who;
    bilet_err err = { { 0 } };
    char tmp[EXAMZIP_PATH_MAX];
    char dir[EXAMZIP_PATH_MAX];
    grading_added added;
    if (!api_authorise(db, req, registrar, &who, resp))
        return;
    const char *name = api_arg(req, "name");
    size_t nl = name ? strlen(name) : 0;
    bilet_status st;
    tmp[0] = '\0';
    if (nl >= 6 && strcmp(name + nl - 6, ".bilet") == 0) {
        /* A sealed package: opened with the central key, nothing written to disk. */
        const char *base = strrchr(name, '/');
        memset(&added, 0, sizeof added);
        st = grading_add_package(db, ctx->central, base ? base + 1 : name, req->body, req->len,
                                 policies_dir(), (int64_t)time(NULL), &added, &err);
    } else if (!examzip_is_zip(req->body, req->len)) {
        api_error(resp, 415,
                  "not a zip archive: upload the exam folder (exam.ini, roster.csv, "
                  "tickets.csv, code.key) as a zip, or a sealed .bilet package");
        return;
    } else {
        st = examzip_extract(req->body, req->len, tmp, dir, &err);
        if (st == BILET_OK) {
            memset(&added, 0, sizeof added);
            st = grading_add_exam(db, ctx->central, dir, policies_dir(), (int64_t)time(NULL),
                                  &added, &err);
            /* Messages name files inside the temporary folder: name them as in the archive. */
            char *at = strstr(err.msg, dir);
            if (st != BILET_OK && at && dir[0]) {
                size_t dl = strlen(dir);
                memmove(at, at + dl + (at[dl] == '/' ? 1 : 0), strlen(at + dl) + 1);
            }
        }
    }
    if (tmp[0])
        examzip_remove(tmp);
    if (st != BILET_OK) {
        int code = st == BILET_EIO || st == BILET_ENOMEM ? 503
                   : st == BILET_ETOOBIG                 ? 413
                   : st == BILET_ERULE                   ? 409
                                                         : 400;
        api_error(resp, code, err.msg);
        return;
    }
    json_t *o = json_object();
    if (o) {
        json_object_set_new(o, "exam", json_string(added.id));
        json_object_set_new(o, "students", json_integer((json_int_t)added.students));
        json_object_set_new(o, "already", json_boolean(added.already));
        json_object_set_new(o, "record", json_string(added.record));
    }
    api_answer_json(resp, added.already ? 200 : 201, o);
}

void console_start(void)
{
    bilet_err err = { { 0 } };
    setlocale(LC_MESSAGES, "C.UTF-8"); /* gettext ignores LANGUAGE in the C locale */
    paper_fonts_init();
    if (paper_language_use("ru", &err) != BILET_OK)
        fprintf(stderr, "bilet-central: documents: %s\n", err.msg);
}

/* Whether name is one of the files documents_write makes. */
static bool document_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || n > 96 || name[0] == '.' || strchr(name, '/'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == '\\' || c == 0x7f)
            return false;
    }
    return strcmp(name + n - 4, ".pdf") == 0 || strcmp(name + n - 4, ".csv") == 0;
}

/* Reads a whole small file into a malloc'd buffer. */
static bool slurp(const char *path, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    *out = NULL;
    *len = 0;
    if (fd < 0)
        return false;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > 64 * 1024 * 1024) {
        close(fd);
        return false;
    }
    size_t size = (size_t)sb.st_size;
    char *buf = malloc(size ? size : 1);
    size_t got = 0;
    while (buf && got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf || got != size) {
        free(buf);
        return false;
    }
    *out = buf;
    *len = size;
    return true;
}

/* GET /api/v1/exams/{id}/documents/{file} (registrar, after the lock): the statement as
 * statement_handle gives it (the role check, the lock check and the staff_reads entry are
 * its own), printed with documents_write into a temporary folder, and the one file sent. */
static void get_document(const api_ctx *ctx, cdb *db, const api_request *req, const char *exam_id,
                         const char *file, api_response *resp)
{
    api_response st_resp;
    bilet_err err = { { 0 } };
    documents_statement *s = NULL;
    char tmp[EXAMZIP_PATH_MAX];
    char path[EXAMZIP_PATH_MAX + 128];
    if (!document_name_ok(file)) {
        api_error(resp, 404, "no such document");
        return;
    }
    memset(&st_resp, 0, sizeof st_resp);
    statement_handle(ctx, db, req, exam_id, &st_resp);
    if (st_resp.status != 200) {
        *resp = st_resp;
        return;
    }
    bilet_status st = documents_statement_parse(st_resp.body, st_resp.len, "statement", &s, &err);
    api_response_free(&st_resp);
    const char *base = getenv("TMPDIR");
    if (!base || !base[0])
        base = "/tmp";
    snprintf(tmp, sizeof tmp, "%s/bilet-docs-XXXXXX", base);
    if (st == BILET_OK && !mkdtemp(tmp))
        st = bilet_fail(&err, BILET_EIO, "cannot make a temporary folder in %s: %s", base,
                        strerror(errno));
    else if (st != BILET_OK)
        tmp[0] = '\0';
    if (st == BILET_OK)
        st = documents_write(s, tmp, NULL, &err);
    documents_statement_free(s);
    char *body = NULL;
    size_t len = 0;
    bool found = false;
    if (st == BILET_OK) {
        snprintf(path, sizeof path, "%s/%s", tmp, file);
        found = slurp(path, &body, &len);
    }
    if (tmp[0])
        examzip_remove(tmp);
    if (st != BILET_OK) {
        api_error(resp, 500, err.msg);
        return;
    }
    if (!found) {
        api_error(resp, 404, "no such document for this exam");
        return;
    }
    bool pdf = strcmp(file + strlen(file) - 4, ".pdf") == 0;
    resp->status = 200;
    resp->content_type = pdf ? "application/pdf" : "text/csv; charset=utf-8";
    resp->body = body;
    resp->len = len;
    snprintf(resp->disposition, sizeof resp->disposition, "attachment; filename=\"%s-%s\"", exam_id,
             file);
}

bool console_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    console_route r = route_of(req->path);
    if (r == CONSOLE_NONE)
        return false;
    if (r == CONSOLE_STATIC) {
        web_serve(ctx->web_root, req->path, resp);
        return true;
    }
    if (!db) {
        api_error(resp, 503, "the database is not reachable");
        return true;
    }
    char id[512];
    const char *rest = NULL;
    switch (r) {
    case CONSOLE_SESSION:
        if (strcmp(req->method, "POST") == 0)
            sign_in(db, req, resp);
        else if (strcmp(req->method, "DELETE") == 0)
            sign_out(db, req, resp);
        else
            who_am_i(db, req, resp);
        break;
    case CONSOLE_ROOMS:
        if (exam_path(req->path, id, sizeof id, &rest))
            rooms_handle(db, req, id, resp);
        break;
    case CONSOLE_UPLOAD:
        upload_exam(ctx, db, req, resp);
        break;
    case CONSOLE_DOCUMENTS:
        if (exam_path(req->path, id, sizeof id, &rest))
            get_document(ctx, db, req, id, rest + 11, resp);
        break;
    case CONSOLE_NONE:
    case CONSOLE_STATIC:
        break;
    }
    return true;
}
