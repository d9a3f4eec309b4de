/*
 * auth.c — staff sign-in for the web console (see auth.h): Argon2id passwords through
 * sync/record's keys_pwhash_*, sessions stored as hashes through the store, CSRF tokens
 * derived from the session token.
 *
 * Invariants: a session token or password never reaches the database or a log, only
 * hashes do; buffers that held one are wiped. Failed sign-ins are counted per name in
 * the store, under a hash of the name (so a typed name is never stored). Load: one
 * Argon2id check (64 MiB, some 50-100 ms) per password sign-in, none while the name is
 * locked; one indexed lookup of the name's failures before it and one write after a
 * failure (or a success that clears some); one indexed lookup per request with a cookie.
 */
#include "auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

static const char csrf_label[] = "bilet console csrf v1:";

/* A hash of a random password, checked when a name has none, so that a wrong name costs
 * the same time as a wrong password. Made once per process. */
static char dummy_hash[KEYS_PWHASH_STR_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    unsigned char raw[16];
    char pw[2 * sizeof raw + 1];
    bilet_err err = { { 0 } };
    keys_random(raw, sizeof raw);
    keys_hex_encode(raw, sizeof raw, pw, sizeof pw, NULL);
    if (keys_pwhash_str(pw, strlen(pw), dummy_hash, &err) != BILET_OK)
        dummy_hash[0] = '\0';
    keys_wipe(raw, sizeof raw);
    keys_wipe(pw, sizeof pw);
}

void auth_csrf_of(const char *token, char out[RECORD_HEX_LEN + 1])
{
    char buf[sizeof csrf_label + AUTH_TOKEN_HEX];
    size_t n = strlen(token);
    if (n > AUTH_TOKEN_HEX)
        n = AUTH_TOKEN_HEX;
    memcpy(buf, csrf_label, sizeof csrf_label - 1);
    memcpy(buf + sizeof csrf_label - 1, token, n);
    record_hash_hex(buf, sizeof csrf_label - 1 + n, out);
    keys_wipe(buf, sizeof buf);
}

bool auth_csrf_ok(const char *token, const char *presented)
{
    char want[RECORD_HEX_LEN + 1];
    if (!presented || strlen(presented) != RECORD_HEX_LEN)
        return false;
    auth_csrf_of(token, want);
    bool ok = keys_equal(want, presented, RECORD_HEX_LEN);
    keys_wipe(want, sizeof want);
    return ok;
}

static bool is_lower_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

bool auth_cookie_token(const char *h, char out[AUTH_TOKEN_HEX + 1])
{
    static const char name[] = AUTH_COOKIE_NAME "=";
    out[0] = '\0';
    if (!h)
        return false;
    /* Cookie: a=b; c=d — the pairs are separated by "; " (RFC 6265 5.4). */
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > sizeof name - 1 && strncmp(p, name, sizeof name - 1) == 0) {
            const char *v = p + sizeof name - 1;
            size_t vlen = len - (sizeof name - 1);
            while (vlen > 0 && v[vlen - 1] == ' ')
                vlen--;
            if (vlen == AUTH_TOKEN_HEX && is_lower_hex(v, vlen)) {
                memcpy(out, v, AUTH_TOKEN_HEX);
                out[AUTH_TOKEN_HEX] = '\0';
                return true;
            }
            return false;
        }
        p += len;
    }
    return false;
}

/* A fresh token; its hash stored as a session of who->name. */
static bilet_status start_session(cdb *db, int64_t now, auth_session *out, bilet_err *err)
{
    unsigned char raw[AUTH_TOKEN_HEX / 2];
    char hash[RECORD_HEX_LEN + 1];
    keys_random(raw, sizeof raw);
    keys_hex_encode(raw, sizeof raw, out->token, sizeof out->token, NULL);
    keys_wipe(raw, sizeof raw);
    record_hash_hex(out->token, AUTH_TOKEN_HEX, hash);
    out->who.expires = now + AUTH_SESSION_SECONDS;
    bilet_status st = cdb_session_add(db, hash, out->who.name, now, out->who.expires, err);
    if (st != BILET_OK) {
        auth_session_wipe(out);
        return st;
    }
    auth_csrf_of(out->token, out->csrf);
    return BILET_OK;
}

/* The key failed sign-ins of `name` are counted under: BLAKE2b-256 of a label and the
 * name's BLAKE2b-256. Any name, however long, is one bounded key, and a password typed into the
 * name field is never stored as it was typed. */
static void name_key(const char *name, char out[RECORD_HEX_LEN + 1])
{
    static const char label[] = "bilet console sign-in name v1:";
    char buf[sizeof label + RECORD_HEX_LEN];
    memcpy(buf, label, sizeof label - 1);
    record_hash_hex(name, strlen(name), buf + sizeof label - 1);
    record_hash_hex(buf, sizeof label - 1 + RECORD_HEX_LEN, out);
}

/* The lock of a counted state at now: the seconds it still lasts, 0 when none. */
static int64_t lock_left(const cdb_signin_failures *f, int64_t now)
{
    if (f->failures < AUTH_LOCK_FAILURES)
        return 0;
    int64_t end = f->last_at + AUTH_LOCK_SECONDS;
    return end > now ? end - now : 0;
}

bilet_status auth_password_lock(cdb *db, const char *name, int64_t now, int64_t *failures,
                                int64_t *retry_after, bilet_err *err)
{
    char key[RECORD_HEX_LEN + 1];
    cdb_signin_failures f;
    *failures = *retry_after = 0;
    name_key(name, key);
    bilet_status st = cdb_signin_failures_get(db, key, &f, err);
    if (st != BILET_OK)
        return st;
    *retry_after = lock_left(&f, now);
    if (*retry_after > 0 || f.first_at > now - AUTH_LOCK_SECONDS)
        *failures = f.failures;
    return BILET_OK;
}

bilet_status auth_sign_in_password(cdb *db, const char *name, const char *password, size_t len,
                                   int64_t now, auth_session *out, int64_t *retry_after,
                                   bilet_err *err)
{
    char pwhash[CDB_PWHASH_MAX];
    char key[RECORD_HEX_LEN + 1];
    cdb_signin_failures f;
    bool found = false;
    memset(out, 0, sizeof *out);
    if (retry_after)
        *retry_after = 0;
    name_key(name, key);
    bilet_status st = cdb_signin_failures_get(db, key, &f, err);
    if (st != BILET_OK)
        return st;
    int64_t wait = lock_left(&f, now);
    if (wait > 0) {
        if (retry_after)
            *retry_after = wait;
        return bilet_fail(err, BILET_EPERM,
                          "too many wrong passwords for this name; try again in %lld min",
                          (long long)((wait + 59) / 60));
    }
    bool ok = false;
    if (len <= AUTH_PASSWORD_MAX) {
        st = cdb_staff_password_get(db, name, &found, out->who.role, pwhash, err);
        if (st != BILET_OK)
            return st;
        if (found && pwhash[0]) {
            ok = keys_pwhash_verify(pwhash, password, len);
        } else {
            pthread_once(&dummy_once, make_dummy);
            if (dummy_hash[0])
                (void)keys_pwhash_verify(dummy_hash, password, len);
        }
    }
    if (!ok) {
        memset(out, 0, sizeof *out);
        st = cdb_signin_failure_add(db, key, now, now - AUTH_LOCK_SECONDS, err);
        if (st != BILET_OK)
            return st;
        return bilet_fail(err, BILET_EPERM, "wrong name or password");
    }
    if (f.failures > 0) {
        st = cdb_signin_failures_clear(db, key, err);
        if (st != BILET_OK) {
            memset(out, 0, sizeof *out);
            return st;
        }
    }
    snprintf(out->who.name, sizeof out->who.name, "%s", name);
    return start_session(db, now, out, err);
}

bilet_status auth_sign_in_token(cdb *db, const char *token, int64_t now, auth_session *out,
                                bilet_err *err)
{
    char hash[RECORD_HEX_LEN + 1];
    bool found = false;
    memset(out, 0, sizeof *out);
    record_hash_hex(token, strlen(token), hash);
    bilet_status st = cdb_staff_find(db, hash, &found, out->who.name, out->who.role, err);
    if (st != BILET_OK)
        return st;
    if (!found)
        return bilet_fail(err, BILET_EPERM, "unknown staff token");
    return start_session(db, now, out, err);
}

bilet_status auth_session_find(cdb *db, const char *token, int64_t now, bool *found, auth_who *who,
                               bilet_err *err)
{
    char hash[RECORD_HEX_LEN + 1];
    memset(who, 0, sizeof *who);
    record_hash_hex(token, strlen(token), hash);
    return cdb_session_find(db, hash, now, found, who->name, who->role, &who->expires, err);
}

bilet_status auth_session_end(cdb *db, const char *token, bilet_err *err)
{
    char hash[RECORD_HEX_LEN + 1];
    record_hash_hex(token, strlen(token), hash);
    return cdb_session_delete(db, hash, err);
}

bilet_status auth_set_password(cdb *db, const char *name, const char *password, size_t len,
                               int64_t now, bilet_err *err)
{
    char hash[KEYS_PWHASH_STR_MAX];
    if (len < AUTH_PASSWORD_MIN || len > AUTH_PASSWORD_MAX)
        return bilet_fail(err, BILET_EINVAL, "a password is %d to %d bytes, not %zu",
                          AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX, len);
    bilet_status st = keys_pwhash_str(password, len, hash, err);
    if (st == BILET_OK)
        st = cdb_staff_password_set(db, name, hash, now, err);
    keys_wipe(hash, sizeof hash);
    return st;
}

bilet_status auth_remove_staff(cdb *db, const char *name, int64_t now, uint64_t *sessions,
                               bilet_err *err)
{
    char key[RECORD_HEX_LEN + 1];
    bilet_status st = cdb_staff_remove(db, name, now, sessions, err);
    if (st != BILET_OK)
        return st;
    name_key(name, key);
    return cdb_signin_failures_clear(db, key, err);
}

void auth_session_wipe(auth_session *s)
{
    keys_wipe(s, sizeof *s);
}
