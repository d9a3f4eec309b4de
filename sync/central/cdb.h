/*
 * cdb.h — the central store: enrolled kiosks, their records, staff, behind one interface
 * with two backends, SQLite (a file path) and PostgreSQL (a postgresql:// URL).
 *
 * Both backends keep the same tables (docs/central.md) and behave the same. The schema is
 * created on first open and carries a version (table schema_version); a database of a
 * newer version is refused. All state of bilet-central lives here: several server
 * processes may share one PostgreSQL database, since each batch is judged inside one
 * transaction that first locks the rows of the kiosks it touches (in key order, so two
 * batches never deadlock) and a unique key makes a record impossible to store twice.
 *
 * A cdb handle is one database connection with its prepared statements; it belongs to one
 * thread at a time (the server keeps one per worker thread). Durability: cdb_ingest
 * returns BILET_OK only once its commit is durable (SQLite: WAL with synchronous=FULL;
 * PostgreSQL: synchronous_commit as the server is configured, on by default).
 */
#ifndef BILET_CDB_H
#define BILET_CDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "status.h"

typedef struct cdb cdb;

enum {
    CDB_NAME_MAX = 256,     /* kiosk and staff names, bytes */
    CDB_SCHEMA_VERSION = 4, /* 2: the grading tables (cdb_grading.h); 3: kiosks.log_end;
                               4: kiosks.revoked_at */
};

/* True when spec names a PostgreSQL database (postgresql:// or postgres://). */
bool cdb_spec_is_postgresql(const char *spec);

/* Opens (and on first use creates) the store spec names: a PostgreSQL URL or an SQLite
 * file path. Creates or upgrades the schema. BILET_EIO when the database cannot be reached
 * or opened (the message names it, without a password), BILET_ESTATE when it was written by
 * a newer bilet-central. The caller owns *out and closes it with cdb_close. */
bilet_status cdb_open(const char *spec, cdb **out, bilet_err *err);

/* Closes the connection; an open transaction is rolled back. NULL is fine. */
void cdb_close(cdb *db);

/* "sqlite" or "postgresql". */
const char *cdb_backend_name(const cdb *db);

/* ---- kiosks ---- */

/* Trusts the kiosk key public_key (64 lowercase hex) under name. *created is true when
 * it was new; enrolling again changes nothing (the first name stays) and is no error.
 * BILET_EPERM for a revoked key: it is never trusted again. */
bilet_status cdb_kiosk_enrol(cdb *db, const char *public_key, const char *name, int64_t now,
                             bool *created, bilet_err *err);

/* Whether the kiosk key is enrolled, and whether it was revoked since (revoked may be NULL). */
bilet_status cdb_kiosk_enrolled(cdb *db, const char *public_key, bool *enrolled, bool *revoked,
                                bilet_err *err);

/* Revokes the enrolled kiosk key public_key (64 lowercase hex) at now: its records stored
 * so far stay, every later one is rejected `revoked kiosk`, and it cannot be enrolled
 * again. *already is true when it was revoked before (nothing changes). BILET_ENOTFOUND
 * when the key is not enrolled. */
bilet_status cdb_kiosk_revoke(cdb *db, const char *public_key, int64_t now, bool *already,
                              bilet_err *err);

/* One enrolled kiosk as cdb_kiosk_list hands it over; strings borrowed for the call. */
typedef struct cdb_kiosk_info {
    const char *public_key;
    const char *name;
    int64_t enrolled_at;
    int64_t last_seen; /* 0 when never seen */
    uint64_t last_seq;
    uint64_t records;
    uint64_t log_end;   /* the end of its log it last said it holds (Bilet-Log-End); 0 never */
    int64_t revoked_at; /* when --revoke-kiosk revoked it; 0 when trusted */
} cdb_kiosk_info;

/* The records the kiosk said it holds (log_end) that are not stored past its chain's end
 * (last_seq), a gap included: max(0, log_end - last_seq). */
static inline uint64_t cdb_kiosk_pending(const cdb_kiosk_info *k)
{
    return k->log_end > k->last_seq ? k->log_end - k->last_seq : 0;
}

typedef bilet_status (*cdb_kiosk_fn)(const cdb_kiosk_info *k, void *ctx, bilet_err *err);

/* Calls fn for every enrolled kiosk in key order. */
bilet_status cdb_kiosk_list(cdb *db, cdb_kiosk_fn fn, void *ctx, bilet_err *err);

/* ---- staff ---- */

/* Adds a staff member. role is "registrar" or "grader"; token_hash the hex BLAKE2b-256 of
 * the token. BILET_EEXIST when the name is taken, BILET_EINVAL for another role. */
bilet_status cdb_staff_add(cdb *db, const char *name, const char *role, const char *token_hash,
                           int64_t now, bilet_err *err);

/* Finds the staff member whose stored token hash equals token_hash (64 hex), comparing
 * every stored hash in constant time. *found false when none; name and role (cap
 * CDB_NAME_MAX) filled when found. */
bilet_status cdb_staff_find(cdb *db, const char *token_hash, bool *found, char name[CDB_NAME_MAX],
                            char role[CDB_NAME_MAX], bilet_err *err);

/* Removes staff member `name` in one transaction: the staff row (so the token hash is
 * gone), the password hash and every console session of theirs. What names them elsewhere
 * (staff_reads, scans, the central's grading records) stays as it is. *sessions is the
 * number of unexpired sessions ended. BILET_ENOTFOUND when there is no such member. */
bilet_status cdb_staff_remove(cdb *db, const char *name, int64_t now, uint64_t *sessions,
                              bilet_err *err);

/* Records that staff member `staff` read `what` (unmasked results) at now. */
bilet_status cdb_staff_read_log(cdb *db, const char *staff, const char *what, int64_t now,
                                bilet_err *err);

/* ---- sign-in to the web console: passwords and sessions ---- */

enum {
    CDB_PWHASH_MAX = 128, /* an Argon2id string as keys_pwhash_str writes it */
};

/* Sets (or replaces) the Argon2id password string of staff member `name`.
 * BILET_ENOTFOUND when there is no such staff member. */
bilet_status cdb_staff_password_set(cdb *db, const char *name, const char *pwhash, int64_t now,
                                    bilet_err *err);

/* The role and password string of staff member `name`: *found false when there is no such
 * member; pwhash "" when the member has no password (token sign-in only). */
bilet_status cdb_staff_password_get(cdb *db, const char *name, bool *found, char role[CDB_NAME_MAX],
                                    char pwhash[CDB_PWHASH_MAX], bilet_err *err);

/* Stores a new session of staff member `staff`, kept as token_hash (64 hex) only, valid
 * until `expires`; sessions expired by now are deleted on the way. */
bilet_status cdb_session_add(cdb *db, const char *token_hash, const char *staff, int64_t now,
                             int64_t expires, bilet_err *err);

/* The staff member of the unexpired session token_hash: *found false when there is none
 * (unknown, expired, signed out, or its staff member removed). */
bilet_status cdb_session_find(cdb *db, const char *token_hash, int64_t now, bool *found,
                              char name[CDB_NAME_MAX], char role[CDB_NAME_MAX], int64_t *expires,
                              bilet_err *err);

/* Ends the session token_hash (sign-out); no session is no error. */
bilet_status cdb_session_delete(cdb *db, const char *token_hash, bilet_err *err);

/* Failed password sign-ins of one name (auth.c keeps the policy): how many since the
 * first, and the times of the first and the last. All zero when there is none. */
typedef struct cdb_signin_failures {
    int64_t failures;
    int64_t first_at;
    int64_t last_at;
} cdb_signin_failures;

/* The failed sign-ins counted for name_hash (64 hex: auth.c keys them by a hash of the
 * name, so the table is bounded and holds no typed text). */
bilet_status cdb_signin_failures_get(cdb *db, const char *name_hash, cdb_signin_failures *out,
                                     bilet_err *err);

/* Counts one more failed sign-in of name_hash at now, in one statement (several servers
 * on one database count together). Failures at or before `since` no longer count: a name
 * whose first failure is at or before since starts again at 1 (first_at = now), and the
 * rows of names whose last failure is at or before since are deleted on the way. */
bilet_status cdb_signin_failure_add(cdb *db, const char *name_hash, int64_t now, int64_t since,
                                    bilet_err *err);

/* Forgets the failed sign-ins of name_hash (a successful sign-in); none is no error. */
bilet_status cdb_signin_failures_clear(cdb *db, const char *name_hash, bilet_err *err);

/* ---- records ---- */

/* One stored record as the walks hand it over; borrowed for the call. */
typedef struct cdb_record {
    const char *kiosk;
    uint64_t seq;
    const char *hash; /* 64 hex, as stored */
    const unsigned char *bytes;
    size_t len;
    const unsigned char *sig; /* KEYS_SIG_BYTES, or NULL when the stored one is malformed */
} cdb_record;

typedef bilet_status (*cdb_record_fn)(const cdb_record *r, void *ctx, bilet_err *err);

/* Calls fn for every record of exam `exam` (the header's exam), by kiosk, then seq.
 * fn's non-OK status stops the walk and is returned. */
bilet_status cdb_exam_records(cdb *db, const char *exam, cdb_record_fn fn, void *ctx,
                              bilet_err *err);

/* Calls fn for every stored record, by kiosk, then seq (the walk of --verify). */
bilet_status cdb_all_records(cdb *db, cdb_record_fn fn, void *ctx, bilet_err *err);

/* Judges every entry of b that is still pending and stores the good ones, in one
 * transaction, by the rules of docs/central.md: unknown kiosk, revoked kiosk, bad signature,
 * duplicate (same kiosk and seq, same hash), conflict (another hash), stored (the next in the
 * kiosk's chain), broken chain, gap (noted in b's gaps, never filled). When b->log_end is
 * said and every record with a good signature is one enrolled kiosk's, that kiosk's
 * log_end becomes max(stored, b->log_end) in the same transaction. With all_or_nothing
 * (USB bundles) one rejected record leaves the database as it was and the call returns
 * BILET_ERULE; otherwise rejected records simply are not stored. A transaction that
 * loses a race with another server process is run again (a few times). Returns BILET_OK
 * once the commit is durable; on any failure nothing of the batch is stored. */
bilet_status cdb_ingest(cdb *db, batch *b, int64_t now, bool all_or_nothing, bilet_err *err);

/* Numbers of enrolled kiosks and stored records. */
bilet_status cdb_count(cdb *db, uint64_t *kiosks, uint64_t *records, bilet_err *err);

#endif
