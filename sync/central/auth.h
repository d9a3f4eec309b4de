/*
 * auth.h — staff sign-in for the web console: passwords (Argon2id), sessions and their
 * CSRF tokens, on top of the store (cdb.h). No HTTP here: api.c reads the cookie and
 * headers and asks these functions.
 *
 * A session is 32 random bytes, sent to the browser once as the cookie `bilet_session`
 * (HttpOnly, SameSite=Strict, Path=/, Max-Age) and kept in the database only as its
 * BLAKE2b-256 hash, so any bilet-central process on the same database knows it and a copy
 * of the database holds no usable session. Its CSRF token is derived from the session
 * token itself (BLAKE2b-256 of a label and the token), so it needs no storage of its own
 * and no process state; the page reads it from GET /api/v1/session and sends it in
 * X-CSRF-Token, which is compared in constant time. Sessions end after AUTH_SESSION_SECONDS
 * or at sign-out (the row is deleted: a replayed cookie is then unknown).
 *
 * Password guessing is slowed per name, in the database (so every process on it shares
 * the count): after AUTH_LOCK_FAILURES wrong passwords within AUTH_LOCK_SECONDS of the
 * first, the name is locked until AUTH_LOCK_SECONDS after the last one, and every password
 * sign-in for it is refused without checking the password. Unknown names are counted
 * alike. A success clears the count. Token sign-in is not affected.
 */
#ifndef BILET_AUTH_H
#define BILET_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "cdb.h"
#include "record.h"
#include "status.h"

enum {
    AUTH_SESSION_SECONDS = 8 * 60 * 60,
    AUTH_TOKEN_HEX = 64,     /* a session token as the cookie carries it */
    AUTH_PASSWORD_MIN = 8,   /* bytes */
    AUTH_PASSWORD_MAX = 256, /* bytes */
    AUTH_LOCK_FAILURES = 5,  /* wrong passwords for one name that lock it... */
    AUTH_LOCK_SECONDS =
        15 * 60, /* ...within this long of the first; locked this long after the last */
};

#define AUTH_COOKIE_NAME "bilet_session"

/* A signed-in staff member. */
typedef struct auth_who {
    char name[CDB_NAME_MAX];
    char role[CDB_NAME_MAX];
    int64_t expires; /* session end, Unix s; 0 for a bearer token */
} auth_who;

/* A new session: the token for the cookie and its CSRF token. Wipe with auth_session_wipe. */
typedef struct auth_session {
    char token[AUTH_TOKEN_HEX + 1];
    char csrf[RECORD_HEX_LEN + 1];
    auth_who who;
} auth_session;

/* Checks the password (Argon2id) of staff member `name` and, when it matches, starts a
 * session valid for AUTH_SESSION_SECONDS from now and clears the name's failed sign-ins.
 * BILET_EPERM "wrong name or password" for an unknown name, a member without a password,
 * or a wrong password — the three take the same time (a dummy hash is checked when there
 * is none) and are counted against the name. While the name is locked: BILET_EPERM "too
 * many wrong passwords for this name; try again in N min" at once, with no Argon2id run
 * and nothing counted, and *retry_after (may be NULL) the seconds until the lock ends;
 * *retry_after is 0 in every other case. */
bilet_status auth_sign_in_password(cdb *db, const char *name, const char *password, size_t len,
                                   int64_t now, auth_session *out, int64_t *retry_after,
                                   bilet_err *err);

/* The state of the name's lock at now: *failures the wrong passwords counted in its current
 * window (0 when none or when the window is over), *retry_after the seconds until the lock
 * ends (0: not locked). */
bilet_status auth_password_lock(cdb *db, const char *name, int64_t now, int64_t *failures,
                                int64_t *retry_after, bilet_err *err);

/* Starts a session for the holder of a staff token (the CLI's bearer token).
 * BILET_EPERM "unknown staff token" when it matches nobody. */
bilet_status auth_sign_in_token(cdb *db, const char *token, int64_t now, auth_session *out,
                                bilet_err *err);

/* The session whose token is `token` (the cookie's value): *found false when unknown,
 * expired or signed out. */
bilet_status auth_session_find(cdb *db, const char *token, int64_t now, bool *found, auth_who *who,
                               bilet_err *err);

/* Ends the session (sign-out). */
bilet_status auth_session_end(cdb *db, const char *token, bilet_err *err);

/* The CSRF token of a session token. */
void auth_csrf_of(const char *token, char out[RECORD_HEX_LEN + 1]);

/* True when `presented` (the X-CSRF-Token header, may be NULL) is the CSRF token of the
 * session `token`; compared in constant time. */
bool auth_csrf_ok(const char *token, const char *presented);

/* The value of the cookie AUTH_COOKIE_NAME in a Cookie header, copied into out when it is
 * AUTH_TOKEN_HEX lowercase hex digits; false otherwise (no header, no such cookie, or
 * another shape). */
bool auth_cookie_token(const char *cookie_header, char out[AUTH_TOKEN_HEX + 1]);

/* Sets the password of staff member `name` (Argon2id; AUTH_PASSWORD_MIN..MAX bytes).
 * BILET_EINVAL for a password of another length, BILET_ENOTFOUND for an unknown name. */
bilet_status auth_set_password(cdb *db, const char *name, const char *password, size_t len,
                               int64_t now, bilet_err *err);

/* Removes staff member `name` (cdb_staff_remove: token, password, sessions) and forgets
 * the failed sign-ins counted for the name. *sessions is the number of unexpired sessions
 * ended. BILET_ENOTFOUND for an unknown name. */
bilet_status auth_remove_staff(cdb *db, const char *name, int64_t now, uint64_t *sessions,
                               bilet_err *err);

void auth_session_wipe(auth_session *s);

#endif
