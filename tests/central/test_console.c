/*
 * test_console.c — the staff console's server side without HTTP: sessions and passwords
 * (auth.c), the session cookie and CSRF checks in api_authorise, the static files
 * (web.c) and exam zips (examzip.c). The browser test (tests/web/console.sh) drives the
 * same over HTTP in chromium.
 */
/* memmem */
#define _GNU_SOURCE
#include "test_main.h"

#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "cdb.h"
#include "examzip.h"
#include "keys.h"
#include "web.h"

typedef struct fixture {
    char root[64];
    char db_path[128];
    cdb *db;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    bilet_err err = { { 0 } };
    char hash[RECORD_HEX_LEN + 1];
    if (!fx)
        return -1;
    snprintf(fx->root, sizeof fx->root, "/tmp/bilet-test-console-XXXXXX");
    if (!mkdtemp(fx->root))
        return -1;
    snprintf(fx->db_path, sizeof fx->db_path, "%s/central.db", fx->root);
    if (cdb_open(fx->db_path, &fx->db, &err) != BILET_OK)
        return -1;
    api_token_hash("registrar-token", hash);
    if (cdb_staff_add(fx->db, "Иванова И.И.", "registrar", hash, 1, &err) != BILET_OK)
        return -1;
    api_token_hash("grader-token", hash);
    if (cdb_staff_add(fx->db, "Петров П.П.", "grader", hash, 1, &err) != BILET_OK)
        return -1;
    if (auth_set_password(fx->db, "Петров П.П.", "correct horse", 13, 1, &err) != BILET_OK)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[160];
    cdb_close(fx->db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->root);
    if (system(cmd) != 0)
        return -1;
    free(fx);
    return 0;
}

static void password_sign_in_starts_a_session_and_sign_out_ends_it(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    auth_who who;
    bool found = false;
    assert_int_equal(
        auth_sign_in_password(fx->db, "Петров П.П.", "correct horse", 13, 1000, &s, NULL, &err),
        BILET_OK);
    assert_string_equal(s.who.role, "grader");
    assert_int_equal(s.who.expires, 1000 + AUTH_SESSION_SECONDS);
    assert_int_equal(strlen(s.token), AUTH_TOKEN_HEX);
    assert_int_equal(auth_session_find(fx->db, s.token, 1001, &found, &who, &err), BILET_OK);
    assert_true(found);
    assert_string_equal(who.name, "Петров П.П.");
    assert_int_equal(auth_session_end(fx->db, s.token, &err), BILET_OK);
    assert_int_equal(auth_session_find(fx->db, s.token, 1002, &found, &who, &err), BILET_OK);
    assert_false(found);
}

static void sessions_are_stored_as_hashes_only(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    assert_int_equal(
        auth_sign_in_password(fx->db, "Петров П.П.", "correct horse", 13, 1000, &s, NULL, &err),
        BILET_OK);
    FILE *f = fopen(fx->db_path, "rb");
    assert_non_null(f);
    char *buf = malloc(4 * 1024 * 1024);
    size_t n = fread(buf, 1, 4 * 1024 * 1024, f);
    fclose(f);
    /* Nor in the WAL, where a fresh commit sits. */
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", fx->db_path);
    f = fopen(wal, "rb");
    size_t m = f ? fread(buf + n, 1, 4 * 1024 * 1024 - n, f) : 0;
    if (f)
        fclose(f);
    assert_null(memmem(buf, n + m, s.token, AUTH_TOKEN_HEX));
    assert_null(memmem(buf, n + m, "correct horse", 13));
    free(buf);
}

static void a_session_expires_after_eight_hours(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    auth_who who;
    bool found = true;
    assert_int_equal(auth_sign_in_token(fx->db, "registrar-token", 5000, &s, &err), BILET_OK);
    assert_string_equal(s.who.role, "registrar");
    assert_int_equal(
        auth_session_find(fx->db, s.token, 5000 + AUTH_SESSION_SECONDS, &found, &who, &err),
        BILET_OK);
    assert_false(found);
}

static void wrong_names_and_passwords_are_refused_alike(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    assert_int_equal(
        auth_sign_in_password(fx->db, "Петров П.П.", "wrong horse", 11, 1, &s, NULL, &err),
        BILET_EPERM);
    assert_string_equal(err.msg, "wrong name or password");
    assert_int_equal(auth_sign_in_password(fx->db, "Никто", "correct horse", 13, 1, &s, NULL, &err),
                     BILET_EPERM);
    assert_string_equal(err.msg, "wrong name or password");
    /* A member without a password signs in by token only. */
    assert_int_equal(auth_sign_in_password(fx->db, "Иванова И.И.", "", 0, 1, &s, NULL, &err),
                     BILET_EPERM);
    assert_int_equal(auth_sign_in_token(fx->db, "not-a-token", 1, &s, &err), BILET_EPERM);
    assert_int_equal(auth_set_password(fx->db, "Никто", "long enough", 11, 1, &err),
                     BILET_ENOTFOUND);
    assert_int_equal(auth_set_password(fx->db, "Петров П.П.", "short", 5, 1, &err), BILET_EINVAL);
}

/* Signs in as `name` with `pw` at `now`; the status, with *wait the Retry-After seconds. */
static bilet_status try_password(fixture *fx, const char *name, const char *pw, int64_t now,
                                 int64_t *wait)
{
    bilet_err err = { { 0 } };
    auth_session s;
    bilet_status st = auth_sign_in_password(fx->db, name, pw, strlen(pw), now, &s, wait, &err);
    if (st == BILET_OK)
        auth_session_wipe(&s);
    return st;
}

/* Five wrong passwords at 1000, 1100, ..., 1400 for `name`. */
static void five_wrong(fixture *fx, const char *name)
{
    int64_t wait = -1;
    for (int i = 0; i < AUTH_LOCK_FAILURES; i++) {
        assert_int_equal(try_password(fx, name, "wrong horse", 1000 + 100 * i, &wait), BILET_EPERM);
        assert_int_equal(wait, 0);
    }
}

static void five_wrong_passwords_lock_the_name_even_for_the_right_one(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    int64_t failures = -1, wait = -1;
    five_wrong(fx, "Петров П.П.");
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", 1400, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, AUTH_LOCK_FAILURES);
    assert_int_equal(wait, AUTH_LOCK_SECONDS);
    /* The right password is refused while locked: it is never checked. */
    assert_int_equal(
        auth_sign_in_password(fx->db, "Петров П.П.", "correct horse", 13, 1500, &s, &wait, &err),
        BILET_EPERM);
    assert_int_equal(wait, 1400 + AUTH_LOCK_SECONDS - 1500);
    assert_string_equal(err.msg, "too many wrong passwords for this name; try again in 14 min");
    /* A refusal while locked is not counted and does not make the lock longer. */
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", 1500, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, AUTH_LOCK_FAILURES);
    assert_int_equal(wait, 1400 + AUTH_LOCK_SECONDS - 1500);
    /* The last second of the lock is still locked, and says 1 min. */
    assert_int_equal(
        try_password(fx, "Петров П.П.", "correct horse", 1400 + AUTH_LOCK_SECONDS - 1, &wait),
        BILET_EPERM);
    assert_int_equal(wait, 1);
    /* Another name is not locked; token sign-in of anyone is not affected. */
    assert_int_equal(auth_password_lock(fx->db, "Иванова И.И.", 1500, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(wait, 0);
    assert_int_equal(auth_sign_in_token(fx->db, "grader-token", 1500, &s, &err), BILET_OK);
    assert_string_equal(s.who.name, "Петров П.П.");
    auth_session_wipe(&s);
}

static void the_lock_ends_fifteen_minutes_after_the_last_failure(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    int64_t failures = -1, wait = -1;
    five_wrong(fx, "Петров П.П.");
    int64_t end = 1400 + AUTH_LOCK_SECONDS;
    assert_int_equal(try_password(fx, "Петров П.П.", "correct horse", end, &wait), BILET_OK);
    assert_int_equal(wait, 0);
    /* The success cleared the count: the row is gone, the next failure is the first. */
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", end, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, 0);
    assert_int_equal(wait, 0);
    assert_int_equal(try_password(fx, "Петров П.П.", "wrong horse", end + 1, &wait), BILET_EPERM);
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", end + 1, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, 1);
    assert_int_equal(wait, 0);
}

static void a_success_in_between_resets_the_count(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    int64_t failures = -1, wait = -1;
    for (int i = 0; i < AUTH_LOCK_FAILURES - 1; i++)
        assert_int_equal(try_password(fx, "Петров П.П.", "wrong horse", 1000 + i, &wait),
                         BILET_EPERM);
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", 1010, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, AUTH_LOCK_FAILURES - 1);
    assert_int_equal(try_password(fx, "Петров П.П.", "correct horse", 1010, &wait), BILET_OK);
    /* Four more wrong ones after the success do not lock: the count started again. */
    for (int i = 0; i < AUTH_LOCK_FAILURES - 1; i++)
        assert_int_equal(try_password(fx, "Петров П.П.", "wrong horse", 1020 + i, &wait),
                         BILET_EPERM);
    assert_int_equal(auth_password_lock(fx->db, "Петров П.П.", 1030, &failures, &wait, &err),
                     BILET_OK);
    assert_int_equal(failures, AUTH_LOCK_FAILURES - 1);
    assert_int_equal(wait, 0);
    assert_int_equal(try_password(fx, "Петров П.П.", "correct horse", 1030, &wait), BILET_OK);
}

static void failures_older_than_the_window_start_the_count_again(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    int64_t failures = -1, wait = -1;
    for (int i = 0; i < AUTH_LOCK_FAILURES - 1; i++)
        assert_int_equal(try_password(fx, "Петров П.П.", "wrong horse", 1000 + i, &wait),
                         BILET_EPERM);
    /* The fifth comes 15 min after the first: a new window of one failure, no lock. */
    assert_int_equal(
        try_password(fx, "Петров П.П.", "wrong horse", 1000 + AUTH_LOCK_SECONDS, &wait),
        BILET_EPERM);
    assert_int_equal(
        auth_password_lock(fx->db, "Петров П.П.", 1000 + AUTH_LOCK_SECONDS, &failures, &wait, &err),
        BILET_OK);
    assert_int_equal(failures, 1);
    assert_int_equal(wait, 0);
    assert_int_equal(
        try_password(fx, "Петров П.П.", "correct horse", 1001 + AUTH_LOCK_SECONDS, &wait),
        BILET_OK);
}

static void an_unknown_name_is_locked_alike(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    int64_t failures = -1, wait = -1;
    five_wrong(fx, "Никто");
    assert_int_equal(try_password(fx, "Никто", "correct horse", 1500, &wait), BILET_EPERM);
    assert_int_equal(wait, 1400 + AUTH_LOCK_SECONDS - 1500);
    assert_int_equal(auth_password_lock(fx->db, "Никто", 1500, &failures, &wait, &err), BILET_OK);
    assert_int_equal(failures, AUTH_LOCK_FAILURES);
    /* A member without a password, and a name longer than any staff name, alike. */
    char long_name[4 * CDB_NAME_MAX];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    five_wrong(fx, "Иванова И.И.");
    five_wrong(fx, long_name);
    assert_int_equal(try_password(fx, "Иванова И.И.", "", 1500, &wait), BILET_EPERM);
    assert_int_equal(wait, 1400 + AUTH_LOCK_SECONDS - 1500);
    assert_int_equal(try_password(fx, long_name, "correct horse", 1500, &wait), BILET_EPERM);
    assert_int_equal(wait, 1400 + AUTH_LOCK_SECONDS - 1500);
    /* Names are kept as hashes only: the table holds no typed name. */
    FILE *f = fopen(fx->db_path, "rb");
    assert_non_null(f);
    char *buf = malloc(4 * 1024 * 1024);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 2 * 1024 * 1024, f);
    fclose(f);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", fx->db_path);
    f = fopen(wal, "rb");
    size_t m = f ? fread(buf + n, 1, 2 * 1024 * 1024, f) : 0;
    if (f)
        fclose(f);
    assert_null(memmem(buf, n + m, "Никто", strlen("Никто")));
    assert_null(memmem(buf, n + m, long_name, 64));
    free(buf);
}

static void old_failures_of_other_names_are_deleted(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    cdb_signin_failures f;
    int64_t wait = -1;
    const char *a = "1111111111111111111111111111111111111111111111111111111111111111";
    assert_int_equal(cdb_signin_failure_add(fx->db, a, 1000, 1000 - AUTH_LOCK_SECONDS, &err),
                     BILET_OK);
    assert_int_equal(cdb_signin_failure_add(fx->db, a, 1001, 1001 - AUTH_LOCK_SECONDS, &err),
                     BILET_OK);
    assert_int_equal(cdb_signin_failures_get(fx->db, a, &f, &err), BILET_OK);
    assert_int_equal(f.failures, 2);
    assert_int_equal(f.first_at, 1000);
    assert_int_equal(f.last_at, 1001);
    /* Any later failure deletes the rows whose last failure is a window old. */
    assert_int_equal(try_password(fx, "Никто", "x", 1001 + AUTH_LOCK_SECONDS, &wait), BILET_EPERM);
    assert_int_equal(cdb_signin_failures_get(fx->db, a, &f, &err), BILET_OK);
    assert_int_equal(f.failures, 0);
    assert_int_equal(cdb_signin_failures_get(fx->db, "not hex", &f, &err), BILET_EINVAL);
}

static void the_cookie_is_read_among_others_and_only_in_its_shape(void **state)
{
    char tok[AUTH_TOKEN_HEX + 1];
    char want[AUTH_TOKEN_HEX + 1];
    (void)state;
    memset(want, 'a', AUTH_TOKEN_HEX);
    want[AUTH_TOKEN_HEX] = '\0';
    char h[256];
    snprintf(h, sizeof h, "theme=dark; bilet_session=%s; x=1", want);
    assert_true(auth_cookie_token(h, tok));
    assert_string_equal(tok, want);
    assert_false(auth_cookie_token("bilet_session=abc", tok));
    assert_false(auth_cookie_token("xbilet_session=aaaa", tok));
    assert_false(auth_cookie_token(NULL, tok));
    snprintf(h, sizeof h, "bilet_session=%.63sZ", want);
    assert_false(auth_cookie_token(h, tok));
}

/* A request with the session's cookie; csrf and origin as given. */
static api_request cookie_request(const char *method, const char *cookie, const char *csrf,
                                  const char *origin)
{
    api_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = "/api/v1/kiosks";
    r.body = "";
    r.cookie = cookie;
    r.csrf = csrf;
    r.origin = origin;
    r.host = "127.0.0.1:8440";
    return r;
}

static void changes_by_cookie_need_the_csrf_token_and_the_same_origin(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    api_staff who;
    api_response resp;
    static const char *const registrar[] = { "registrar", NULL };
    char cookie[128];
    assert_int_equal(auth_sign_in_token(fx->db, "registrar-token", time(NULL), &s, &err), BILET_OK);
    snprintf(cookie, sizeof cookie, "bilet_session=%s", s.token);
    const char *self = "http://127.0.0.1:8440";

    api_request r = cookie_request("GET", cookie, NULL, NULL);
    memset(&resp, 0, sizeof resp);
    assert_true(api_authorise(fx->db, &r, registrar, &who, &resp));
    assert_true(who.cookie);

    r = cookie_request("POST", cookie, s.csrf, self);
    assert_true(api_authorise(fx->db, &r, registrar, &who, &resp));

    const char *forged = "0000000000000000000000000000000000000000000000000000000000000000";
    api_request bad[] = {
        cookie_request("POST", cookie, NULL, self),
        cookie_request("POST", cookie, forged, self),
        cookie_request("POST", cookie, s.csrf, "http://evil.example"),
        cookie_request("POST", cookie, s.csrf, NULL),
        cookie_request("DELETE", cookie, s.csrf, "https://127.0.0.1:8440"),
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&resp, 0, sizeof resp);
        assert_false(api_authorise(fx->db, &bad[i], registrar, &who, &resp));
        assert_int_equal(resp.status, 403);
        api_response_free(&resp);
    }
    r = cookie_request("POST", cookie, s.csrf, self);
    r.fetch_site = "cross-site";
    memset(&resp, 0, sizeof resp);
    assert_false(api_authorise(fx->db, &r, registrar, &who, &resp));
    api_response_free(&resp);
}

static void a_grader_cookie_gets_403_on_a_registrar_endpoint(void **state)
{
    fixture *fx = *state;
    bilet_err err = { { 0 } };
    auth_session s;
    api_staff who;
    api_response resp;
    static const char *const registrar[] = { "registrar", NULL };
    char cookie[128];
    assert_int_equal(auth_sign_in_password(fx->db, "Петров П.П.", "correct horse", 13, time(NULL),
                                           &s, NULL, &err),
                     BILET_OK);
    snprintf(cookie, sizeof cookie, "bilet_session=%s", s.token);
    api_request r = cookie_request("GET", cookie, NULL, NULL);
    memset(&resp, 0, sizeof resp);
    assert_false(api_authorise(fx->db, &r, registrar, &who, &resp));
    assert_int_equal(resp.status, 403);
    api_response_free(&resp);
    assert_int_equal(auth_session_end(fx->db, s.token, &err), BILET_OK);
    memset(&resp, 0, sizeof resp);
    assert_false(api_authorise(fx->db, &r, NULL, &who, &resp));
    assert_int_equal(resp.status, 401);
    api_response_free(&resp);
}

static void static_files_have_types_and_nothing_outside_is_served(void **state)
{
    (void)state;
    char *root = NULL;
    bilet_err err = { { 0 } };
    api_response resp;
    assert_int_equal(web_root_find(BILET_SOURCE_DIR "/sync/web", &root, &err), BILET_OK);
    memset(&resp, 0, sizeof resp);
    web_serve(root, "/", &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/html; charset=utf-8");
    api_response_free(&resp);
    web_serve(root, "/i18n/ru.js", &resp);
    assert_int_equal(resp.status, 200);
    assert_string_equal(resp.content_type, "text/javascript; charset=utf-8");
    api_response_free(&resp);
    const char *bad[] = {
        "/../CMakeLists.txt", "/i18n/../app.js", "/i18n/",      "/i18n",      "//app.js",
        "/.hidden.js",        "/app.js/",        "/nothing.js", "/README.md", ""
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&resp, 0, sizeof resp);
        web_serve(root, bad[i], &resp);
        assert_int_equal(resp.status, 404);
        api_response_free(&resp);
    }
    free(root);
    assert_int_equal(web_root_find("/nonexistent", &root, &err), BILET_ENOTFOUND);
}

/* A stored (uncompressed) zip of one file, written by hand: enough for the checks. */
static size_t tiny_zip(const char *name, const char *data, unsigned char *out)
{
    size_t nl = strlen(name), dl = strlen(data), p = 0;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < dl; i++) {
        crc ^= (unsigned char)data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc = ~crc;
#define U16(v) (out[p++] = (unsigned char)((v)&0xff), out[p++] = (unsigned char)(((v) >> 8) & 0xff))
#define U32(v) (U16((v)&0xffff), U16(((v) >> 16) & 0xffff))
    U32(0x04034b50u);
    U16(20);
    U16(0);
    U16(0);
    U16(0);
    U16(0);
    U32(crc);
    U32(dl);
    U32(dl);
    U16(nl);
    U16(0);
    memcpy(out + p, name, nl);
    p += nl;
    memcpy(out + p, data, dl);
    p += dl;
    size_t cd = p;
    U32(0x02014b50u);
    U16(20);
    U16(20);
    U16(0);
    U16(0);
    U16(0);
    U16(0);
    U32(crc);
    U32(dl);
    U32(dl);
    U16(nl);
    U16(0);
    U16(0);
    U16(0);
    U16(0);
    U32(0);
    U32(0);
    memcpy(out + p, name, nl);
    p += nl;
    size_t cdl = p - cd;
    U32(0x06054b50u);
    U16(0);
    U16(0);
    U16(1);
    U16(1);
    U32(cdl);
    U32(cd);
    U16(0);
#undef U16
#undef U32
    return p;
}

static void exam_zips_with_unsafe_names_are_refused_and_leave_nothing(void **state)
{
    (void)state;
    unsigned char zip[1024];
    char tmp[EXAMZIP_PATH_MAX];
    char dir[EXAMZIP_PATH_MAX];
    bilet_err err = { { 0 } };
    const char *bad[] = { "../exam.ini", "/etc/exam.ini",  "a/../exam.ini",
                          ".exam.ini",   "a/b/c/exam.ini", "a\\exam.ini" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = tiny_zip(bad[i], "[exam]\n", zip);
        assert_int_equal(examzip_extract(zip, n, tmp, dir, &err), BILET_EPARSE);
        assert_string_equal(tmp, "");
    }
    size_t n = tiny_zip("exam/exam.ini", "[exam]\n", zip);
    assert_int_equal(examzip_extract(zip, n, tmp, dir, &err), BILET_OK);
    struct stat sb;
    assert_int_equal(stat(tmp, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    assert_non_null(strstr(dir, "/exam"));
    examzip_remove(tmp);
    assert_int_not_equal(stat(tmp, &sb), 0);
    n = tiny_zip("notes.txt", "x", zip);
    assert_int_equal(examzip_extract(zip, n, tmp, dir, &err), BILET_ENOTFOUND);
    assert_int_equal(examzip_extract("not a zip", 9, tmp, dir, &err), BILET_EPARSE);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(password_sign_in_starts_a_session_and_sign_out_ends_it,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(sessions_are_stored_as_hashes_only, setup, teardown),
        cmocka_unit_test_setup_teardown(a_session_expires_after_eight_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_names_and_passwords_are_refused_alike, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(five_wrong_passwords_lock_the_name_even_for_the_right_one,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_lock_ends_fifteen_minutes_after_the_last_failure, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_success_in_between_resets_the_count, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_older_than_the_window_start_the_count_again, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_unknown_name_is_locked_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(old_failures_of_other_names_are_deleted, setup, teardown),
        cmocka_unit_test(the_cookie_is_read_among_others_and_only_in_its_shape),
        cmocka_unit_test_setup_teardown(changes_by_cookie_need_the_csrf_token_and_the_same_origin,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_grader_cookie_gets_403_on_a_registrar_endpoint, setup,
                                        teardown),
        cmocka_unit_test(static_files_have_types_and_nothing_outside_is_served),
        cmocka_unit_test(exam_zips_with_unsafe_names_are_refused_and_leave_nothing),
    };
    return bilet_run_tests(tests, sizeof tests / sizeof tests[0], argc, argv, "console");
}
