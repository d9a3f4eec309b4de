/*
 * cdb_sqlite.c — the central store in one SQLite file (the default backend).
 *
 * WAL journal with synchronous=FULL: the WAL is fsync'ed at every commit, so a receipt
 * that says "stored" is never sent before the records survive a power cut. A batch is one
 * BEGIN IMMEDIATE transaction: SQLite's write lock is the per-kiosk lock PostgreSQL takes
 * row by row, and other connections (server threads, or a second process on the same
 * file) wait for it up to CDB_SQLITE_BUSY_MS. The hot statements are prepared once per
 * connection. Load: every record of every kiosk passes through one INSERT here.
 */
#include "cdb_private.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CDB_SQLITE_BUSY_MS = 30000 };

/* The write transactions of this process's connections take turns here first, so that
 * a server thread waiting for another's commit wakes the moment it ends instead of at
 * SQLite's next busy-handler poll (up to 100 ms later). Other processes on the same file
 * still meet at SQLite's lock. */
static pthread_mutex_t write_turn = PTHREAD_MUTEX_INITIALIZER;

typedef struct sqlite_db {
    struct cdb base;
    sqlite3 *db;
    char *path;
    sqlite3_stmt *begin;
    sqlite3_stmt *commit;
    sqlite3_stmt *rollback;
    sqlite3_stmt *lock;
    sqlite3_stmt *stored;
    sqlite3_stmt *insert;
    sqlite3_stmt *tail;
    bool in_tx;
    bool has_turn; /* holds write_turn */
} sqlite_db;

/* records.kiosk is the kiosk's number (kiosks.id), not its 64-digit key: the primary key's
 * index stays small. records.hash is unique by construction, without an index: equal
 * hashes mean equal bytes, whose header names the kiosk and seq of the primary key. An
 * index keyed by hash would take a random page write per record once it outgrows the
 * cache. */
static const char *const schema_v1[] = {
    "CREATE TABLE kiosks("
    " id INTEGER PRIMARY KEY,"
    " public_key TEXT NOT NULL UNIQUE,"
    " name TEXT NOT NULL DEFAULT '',"
    " enrolled_at INTEGER NOT NULL,"
    " last_seq INTEGER NOT NULL DEFAULT 0,"
    " last_hash TEXT NOT NULL,"
    " last_seen INTEGER)",
    "CREATE TABLE records("
    " kiosk INTEGER NOT NULL,"
    " seq INTEGER NOT NULL CHECK (seq >= 1),"
    " hash TEXT NOT NULL,"
    " bytes BLOB NOT NULL,"
    " sig BLOB NOT NULL,"
    " exam TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " time INTEGER NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " PRIMARY KEY (kiosk, seq))",
    "CREATE INDEX records_exam ON records(exam)",
    "CREATE TABLE staff("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('registrar', 'grader')),"
    " token_hash TEXT NOT NULL,"
    " created_at INTEGER NOT NULL)",
    "CREATE TABLE staff_reads("
    " id INTEGER PRIMARY KEY,"
    " staff TEXT NOT NULL,"
    " what TEXT NOT NULL,"
    " at INTEGER NOT NULL)",
    NULL,
};

static bilet_status fail(sqlite_db *s, bilet_err *err, int rc, const char *doing)
{
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        s->base.retry = true;
    bilet_status st = rc == SQLITE_NOMEM                            ? BILET_ENOMEM
                      : rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? BILET_ECORRUPT
                                                                    : BILET_EIO;
    return bilet_fail(err, st, "%s: %s: %s", s->path, doing,
                      s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

/* Runs a statement that returns no rows, then resets it. */
static bilet_status run(sqlite_db *s, sqlite3_stmt *st, const char *doing, bilet_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return fail(s, err, rc, doing);
    return BILET_OK;
}

static bilet_status exec(sqlite_db *s, const char *sql, const char *doing, bilet_err *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? BILET_OK : fail(s, err, rc, doing);
}

static bilet_status prepare(sqlite_db *s, sqlite3_stmt **st, const char *sql, bilet_err *err)
{
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    return rc == SQLITE_OK ? BILET_OK : fail(s, err, rc, "preparing a statement");
}

static void give_turn(sqlite_db *s)
{
    if (s->has_turn)
        pthread_mutex_unlock(&write_turn);
    s->has_turn = false;
}

static void sq_close(cdb *db)
{
    sqlite_db *s = (sqlite_db *)db;
    if (s->in_tx)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    give_turn(s);
    sqlite3_stmt *all[] = {
        s->begin, s->commit, s->rollback, s->lock, s->stored, s->insert, s->tail
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static bilet_status sq_begin(cdb *db, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    pthread_mutex_lock(&write_turn);
    s->has_turn = true;
    bilet_status st = run(s, s->begin, "starting a transaction", err);
    s->in_tx = st == BILET_OK;
    if (!s->in_tx)
        give_turn(s);
    return st;
}

static bilet_status sq_commit(cdb *db, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    bilet_status st = run(s, s->commit, "committing", err);
    if (st == BILET_OK) {
        s->in_tx = false;
        give_turn(s);
    }
    return st;
}

static void sq_rollback(cdb *db)
{
    sqlite_db *s = (sqlite_db *)db;
    if (s->in_tx)
        run(s, s->rollback, "rolling back", NULL);
    s->in_tx = false;
    give_turn(s);
}

static bool col_hex64(sqlite3_stmt *st, int i, char out[RECORD_HEX_LEN + 1])
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t || sqlite3_column_bytes(st, i) != RECORD_HEX_LEN)
        return false;
    memcpy(out, t, RECORD_HEX_LEN + 1);
    return true;
}

static bilet_status sq_lock_kiosk(cdb *db, const char *kiosk, cdb_tail *out, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    memset(out, 0, sizeof *out);
    sqlite3_bind_text(s->lock, 1, kiosk, RECORD_HEX_LEN, SQLITE_STATIC);
    int rc = sqlite3_step(s->lock);
    if (rc == SQLITE_ROW) {
        out->enrolled = true;
        out->last_seq = (uint64_t)sqlite3_column_int64(s->lock, 0);
        out->id = sqlite3_column_int64(s->lock, 2);
        out->revoked = sqlite3_column_int64(s->lock, 3) != 0;
        if (!col_hex64(s->lock, 1, out->last_hash)) {
            sqlite3_reset(s->lock);
            return bilet_fail(err, BILET_ECORRUPT, "%s: kiosk %.16s…: damaged chain tail", s->path,
                              kiosk);
        }
    }
    sqlite3_reset(s->lock);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(s, err, rc, "reading a kiosk");
    return BILET_OK;
}

static bilet_status sq_stored_hashes(cdb *db, int64_t kiosk_id, const uint64_t *seqs, size_t n,
                                     cdb_hash_fn fn, void *ctx, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    char hash[RECORD_HEX_LEN + 1];
    sqlite3_bind_int64(s->stored, 1, kiosk_id);
    for (size_t i = 0; i < n; i++) {
        sqlite3_bind_int64(s->stored, 2, (sqlite3_int64)seqs[i]);
        int rc = sqlite3_step(s->stored);
        if (rc == SQLITE_ROW && col_hex64(s->stored, 0, hash))
            fn(ctx, seqs[i], hash);
        sqlite3_reset(s->stored);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return fail(s, err, rc, "looking up stored records");
    }
    return BILET_OK;
}

static bilet_status sq_insert(cdb *db, int64_t kiosk_id, const batch_entry *e, int64_t now,
                              bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = s->insert;
    sqlite3_bind_int64(st, 1, kiosk_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)e->seq);
    sqlite3_bind_text(st, 3, e->hash_hex, RECORD_HEX_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, e->bytes, (int)e->len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, e->sig, KEYS_SIG_BYTES, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->exam, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e->type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, e->time);
    sqlite3_bind_int64(st, 9, now);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        /* Under the write lock a unique key cannot be taken by anyone else: a conflict
         * here means the table and the chain tail disagree. */
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
            return bilet_fail(err, BILET_ECORRUPT,
                              "%s: record %llu of kiosk %.16s… is stored already though the "
                              "chain's end is before it",
                              s->path, (unsigned long long)e->seq, e->kiosk);
        return fail(s, err, rc, "storing a record");
    }
    return BILET_OK;
}

static bilet_status sq_set_tail(cdb *db, int64_t kiosk_id, uint64_t last_seq, const char *last_hash,
                                int64_t now, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_bind_int64(s->tail, 1, kiosk_id);
    sqlite3_bind_int64(s->tail, 2, (sqlite3_int64)last_seq);
    sqlite3_bind_text(s->tail, 3, last_hash, RECORD_HEX_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(s->tail, 4, now);
    return run(s, s->tail, "moving a kiosk's chain end", err);
}

/* A statement prepared for one call: the rare queries. */
static bilet_status once(sqlite_db *s, const char *sql, sqlite3_stmt **st, bilet_err *err)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? BILET_OK : fail(s, err, rc, "preparing a query");
}

static bilet_status sq_kiosk_enrol(cdb *db, const char *public_key, const char *name, int64_t now,
                                   bool *created, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    static const char zeros[RECORD_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    bilet_status bs = once(s,
                           "INSERT INTO kiosks(public_key, name, enrolled_at, last_seq, last_hash) "
                           "VALUES (?1, ?2, ?3, 0, ?4) ON CONFLICT(public_key) DO NOTHING",
                           &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, public_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, zeros, RECORD_HEX_LEN, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *created = sqlite3_changes(s->db) > 0;
    else
        bs = fail(s, err, rc, "enrolling a kiosk");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_kiosk_enrolled(cdb *db, const char *public_key, bool *enrolled,
                                      bool *revoked, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    cdb_tail tail;
    bilet_status st = sq_lock_kiosk(db, public_key, &tail, err);
    (void)s;
    *enrolled = st == BILET_OK && tail.enrolled;
    *revoked = st == BILET_OK && tail.revoked;
    return st;
}

static bilet_status sq_kiosk_list(cdb *db, cdb_kiosk_fn fn, void *ctx, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s,
                           "SELECT k.public_key, k.name, k.enrolled_at, k.last_seen, k.last_seq,"
                           " (SELECT count(*) FROM records r WHERE r.kiosk = k.id), k.log_end,"
                           " k.revoked_at FROM kiosks k ORDER BY k.public_key",
                           &st, err);
    int rc = SQLITE_DONE;
    while (bs == BILET_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        cdb_kiosk_info k = {
            (const char *)sqlite3_column_text(st, 0),
            name ? name : "",
            sqlite3_column_int64(st, 2),
            sqlite3_column_int64(st, 3),
            (uint64_t)sqlite3_column_int64(st, 4),
            (uint64_t)sqlite3_column_int64(st, 5),
            (uint64_t)sqlite3_column_int64(st, 6),
            sqlite3_column_int64(st, 7),
        };
        bs = fn(&k, ctx, err);
    }
    if (bs == BILET_OK && rc != SQLITE_DONE)
        bs = fail(s, err, rc, "listing kiosks");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_staff_add(cdb *db, const char *name, const char *role,
                                 const char *token_hash, int64_t now, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs =
        once(s, "INSERT INTO staff(name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
             &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
        bs = bilet_fail(err, BILET_EEXIST, "staff member \"%s\" exists already", name);
    else if (rc != SQLITE_DONE)
        bs = fail(s, err, rc, "adding a staff member");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_staff_each(cdb *db,
                                  void (*fn)(void *ctx, const char *name, const char *role,
                                             const char *token_hash),
                                  void *ctx, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s, "SELECT name, role, token_hash FROM staff", &st, err);
    int rc = SQLITE_DONE;
    while (bs == BILET_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *role = (const char *)sqlite3_column_text(st, 1);
        const char *hash = (const char *)sqlite3_column_text(st, 2);
        fn(ctx, name ? name : "", role ? role : "", hash ? hash : "");
    }
    if (bs == BILET_OK && rc != SQLITE_DONE)
        bs = fail(s, err, rc, "reading staff");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_staff_read_log(cdb *db, const char *staff, const char *what, int64_t now,
                                      bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs =
        once(s, "INSERT INTO staff_reads(staff, what, at) VALUES (?1, ?2, ?3)", &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        bs = fail(s, err, rc, "recording a read of results");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_records(cdb *db, const char *exam, cdb_record_fn fn, void *ctx,
                               bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs =
        once(s,
             exam ? "SELECT k.public_key, r.seq, r.hash, r.bytes, r.sig FROM records r"
                    " JOIN kiosks k ON k.id = r.kiosk WHERE r.exam = ?1 ORDER BY r.kiosk, r.seq"
                  : "SELECT k.public_key, r.seq, r.hash, r.bytes, r.sig FROM records r"
                    " JOIN kiosks k ON k.id = r.kiosk ORDER BY r.kiosk, r.seq",
             &st, err);
    if (bs != BILET_OK)
        return bs;
    if (exam)
        sqlite3_bind_text(st, 1, exam, -1, SQLITE_STATIC);
    /* One read transaction: the walk sees one snapshot while batches go on. */
    bs = exec(s, "BEGIN", "starting to read", err);
    int rc = SQLITE_DONE;
    while (bs == BILET_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *bytes = sqlite3_column_blob(st, 3);
        const char *kiosk = (const char *)sqlite3_column_text(st, 0);
        const char *hash = (const char *)sqlite3_column_text(st, 2);
        cdb_record r = {
            kiosk ? kiosk : "",
            (uint64_t)sqlite3_column_int64(st, 1),
            hash ? hash : "",
            bytes ? bytes : (const unsigned char *)"",
            (size_t)sqlite3_column_bytes(st, 3),
            sqlite3_column_bytes(st, 4) == KEYS_SIG_BYTES ? sqlite3_column_blob(st, 4) : NULL,
        };
        bs = fn(&r, ctx, err);
    }
    if (bs == BILET_OK && rc != SQLITE_DONE)
        bs = fail(s, err, rc, "reading records");
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    return bs;
}

static bilet_status sq_count(cdb *db, uint64_t *kiosks, uint64_t *records, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs =
        once(s, "SELECT (SELECT count(*) FROM kiosks), (SELECT count(*) FROM records)", &st, err);
    if (bs != BILET_OK)
        return bs;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *kiosks = (uint64_t)sqlite3_column_int64(st, 0);
        *records = (uint64_t)sqlite3_column_int64(st, 1);
    } else {
        bs = fail(s, err, rc, "counting");
    }
    sqlite3_finalize(st);
    return bs;
}

/* ---- the web console's sign-in: passwords and sessions ---- */

/* Created when missing at every open, whatever the schema version: tables of their own
 * that nothing else reads, so adding them changes no older data (docs/console.md).
 * staff_signin_failures counts failed password sign-ins per name, keyed by a hash of the
 * name (auth.c), so several servers on one database share the count. */
static const char *const schema_console[] = {
    "CREATE TABLE IF NOT EXISTS staff_passwords("
    " staff TEXT PRIMARY KEY,"
    " hash TEXT NOT NULL,"
    " set_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS staff_sessions("
    " token_hash TEXT PRIMARY KEY,"
    " staff TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS staff_signin_failures("
    " name_hash TEXT PRIMARY KEY,"
    " failures INTEGER NOT NULL,"
    " first_at INTEGER NOT NULL,"
    " last_at INTEGER NOT NULL)",
    NULL,
};

static void copy_col(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t ? t : "");
}

static bilet_status sq_password_set(cdb *db, const char *name, const char *pwhash, int64_t now,
                                    bool *found, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s,
                           "INSERT INTO staff_passwords(staff, hash, set_at)"
                           " SELECT name, ?2, ?3 FROM staff WHERE name = ?1"
                           " ON CONFLICT(staff) DO UPDATE SET hash = excluded.hash,"
                           " set_at = excluded.set_at",
                           &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        *found = sqlite3_changes(s->db) > 0;
    else
        bs = fail(s, err, rc, "setting a password");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_password_get(cdb *db, const char *name, bool *found, char *role,
                                    char *pwhash, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s,
                           "SELECT st.role, coalesce(p.hash, '') FROM staff st"
                           " LEFT JOIN staff_passwords p ON p.staff = st.name WHERE st.name = ?1",
                           &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        copy_col(st, 0, role, CDB_NAME_MAX);
        copy_col(st, 1, pwhash, CDB_PWHASH_MAX);
    } else if (rc != SQLITE_DONE) {
        bs = fail(s, err, rc, "reading a staff member");
    }
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_session_add(cdb *db, const char *token_hash, const char *staff, int64_t now,
                                   int64_t expires, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s, "DELETE FROM staff_sessions WHERE expires_at <= ?1", &st, err);
    if (bs == BILET_OK) {
        sqlite3_bind_int64(st, 1, now);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            bs = fail(s, err, rc, "deleting expired sessions");
        sqlite3_finalize(st);
    }
    if (bs == BILET_OK)
        bs = once(s,
                  "INSERT INTO staff_sessions(token_hash, staff, created_at, expires_at)"
                  " VALUES (?1, ?2, ?3, ?4)",
                  &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, expires);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        bs = fail(s, err, rc, "storing a session");
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_session_find(cdb *db, const char *token_hash, int64_t now, bool *found,
                                    char *name, char *role, int64_t *expires, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s,
                           "SELECT st.name, st.role, se.expires_at FROM staff_sessions se"
                           " JOIN staff st ON st.name = se.staff"
                           " WHERE se.token_hash = ?1 AND se.expires_at > ?2",
                           &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        copy_col(st, 0, name, CDB_NAME_MAX);
        copy_col(st, 1, role, CDB_NAME_MAX);
        *expires = sqlite3_column_int64(st, 2);
    } else if (rc != SQLITE_DONE) {
        bs = fail(s, err, rc, "reading a session");
    }
    sqlite3_finalize(st);
    return bs;
}

static bilet_status sq_session_delete(cdb *db, const char *token_hash, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s, "DELETE FROM staff_sessions WHERE token_hash = ?1", &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        bs = fail(s, err, rc, "ending a session");
    sqlite3_finalize(st);
    return bs;
}

/* ---- blind grading (cdb_grading.h): schema version 2 and plain queries ---- */

/* Version 2: exams added with --add-exam, their rosters with each student's sheet code,
 * and scanned page images (docs/grading.md). IF NOT EXISTS keeps the step idempotent. */
static const char *const schema_v2[] = {
    "CREATE TABLE IF NOT EXISTS exams("
    " id TEXT PRIMARY KEY,"
    " content_hash TEXT NOT NULL,"
    " header TEXT NOT NULL,"
    " tickets TEXT NOT NULL,"
    " code_key BLOB,"
    " added_at INTEGER NOT NULL,"
    " record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS exam_students("
    " exam TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " record_book TEXT NOT NULL,"
    " full_name TEXT NOT NULL,"
    " grp TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " code TEXT NOT NULL,"
    " PRIMARY KEY (exam, n))",
    "CREATE INDEX IF NOT EXISTS exam_students_code ON exam_students(code)",
    "CREATE TABLE IF NOT EXISTS scans("
    " id INTEGER PRIMARY KEY,"
    " exam TEXT NOT NULL,"
    " code TEXT NOT NULL,"
    " page INTEGER NOT NULL,"
    " pages INTEGER,"
    " hand_entered INTEGER NOT NULL,"
    " image_hash TEXT NOT NULL UNIQUE,"
    " content_type TEXT NOT NULL,"
    " image BLOB NOT NULL,"
    " staff TEXT NOT NULL,"
    " record TEXT NOT NULL,"
    " at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS scans_code ON scans(code)",
    "CREATE INDEX IF NOT EXISTS scans_exam ON scans(exam)",
    NULL,
};

static bilet_status sq_query(cdb *db, const char *sql, const cdb_param *params, size_t n,
                             cdb_row_fn fn, void *ctx, bilet_err *err)
{
    sqlite_db *s = (sqlite_db *)db;
    sqlite3_stmt *st = NULL;
    bilet_status bs = once(s, sql, &st, err);
    if (bs != BILET_OK)
        return bs;
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "$%zu", i + 1);
        int at = sqlite3_bind_parameter_index(st, name);
        if (at == 0)
            continue;
        const cdb_param *p = &params[i];
        switch (p->kind) {
        case CDB_TEXT:
            sqlite3_bind_text(st, at, p->s, -1, SQLITE_STATIC);
            break;
        case CDB_BLOB:
            sqlite3_bind_blob64(st, at, p->blob ? p->blob : "", p->len, SQLITE_STATIC);
            break;
        case CDB_INT:
            sqlite3_bind_int64(st, at, p->i);
            break;
        case CDB_NULL:
            sqlite3_bind_null(st, at);
            break;
        }
    }
    cdb_value cols[CDB_QUERY_COLS_MAX];
    int rc = SQLITE_DONE;
    while (bs == BILET_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int nc = sqlite3_column_count(st);
        if (nc > CDB_QUERY_COLS_MAX)
            nc = CDB_QUERY_COLS_MAX;
        for (int c = 0; c < nc; c++) {
            int type = sqlite3_column_type(st, c);
            cols[c].null = type == SQLITE_NULL;
            cols[c].p = type == SQLITE_BLOB ? sqlite3_column_blob(st, c)
                                            : (const char *)sqlite3_column_text(st, c);
            cols[c].len = (size_t)sqlite3_column_bytes(st, c);
            if (!cols[c].p)
                cols[c].p = "";
        }
        if (fn)
            bs = fn(cols, (size_t)nc, ctx, err);
    }
    if (bs == BILET_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
            s->base.retry = true;
            bs = bilet_fail(err, BILET_EEXIST, "%s: %s", s->path, sqlite3_errmsg(s->db));
        } else {
            bs = fail(s, err, rc, "querying");
        }
    }
    sqlite3_finalize(st);
    return bs;
}

static const cdb_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .lock_kiosk = sq_lock_kiosk,
    .stored_hashes = sq_stored_hashes,
    .insert = sq_insert,
    .flush = NULL,
    .set_tail = sq_set_tail,
    .kiosk_enrol = sq_kiosk_enrol,
    .kiosk_enrolled = sq_kiosk_enrolled,
    .kiosk_list = sq_kiosk_list,
    .staff_add = sq_staff_add,
    .staff_each = sq_staff_each,
    .staff_read_log = sq_staff_read_log,
    .records = sq_records,
    .count = sq_count,
    .password_set = sq_password_set,
    .password_get = sq_password_get,
    .session_add = sq_session_add,
    .session_find = sq_session_find,
    .session_delete = sq_session_delete,
    .query = sq_query,
};

/* Creates the tables on first open; refuses a newer schema. */
static bilet_status migrate(sqlite_db *s, bilet_err *err)
{
    sqlite3_stmt *st = NULL;
    int64_t version = 0;
    bilet_status bs = exec(s, "BEGIN IMMEDIATE", "starting the schema check", err);
    if (bs != BILET_OK)
        return bs;
    bs = exec(s, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)",
              "creating the schema", err);
    if (bs == BILET_OK)
        bs = once(s, "SELECT max(version) FROM schema_version", &st, err);
    if (bs == BILET_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            version = sqlite3_column_int64(st, 0);
        else
            bs = fail(s, err, rc, "reading the schema version");
        sqlite3_finalize(st);
    }
    if (bs == BILET_OK && version > CDB_SCHEMA_VERSION)
        bs = bilet_fail(err, BILET_ESTATE,
                        "%s: written by a newer bilet-central (schema %lld, this one knows %d)",
                        s->path, (long long)version, CDB_SCHEMA_VERSION);
    if (bs == BILET_OK && version < 1) {
        for (size_t i = 0; bs == BILET_OK && schema_v1[i]; i++)
            bs = exec(s, schema_v1[i], "creating the schema", err);
        if (bs == BILET_OK)
            bs = exec(s, "INSERT INTO schema_version(version) VALUES (1)", "creating the schema",
                      err);
    }
    if (bs == BILET_OK && version < 2) {
        for (size_t i = 0; bs == BILET_OK && schema_v2[i]; i++)
            bs = exec(s, schema_v2[i], "adding the grading tables", err);
        if (bs == BILET_OK)
            bs = exec(s, "INSERT INTO schema_version(version) VALUES (2)",
                      "adding the grading tables", err);
    }
    if (bs == BILET_OK && version < 3) {
        /* Version 3: the end of its log each kiosk last said it holds (docs/central.md).
         * SQLite has no ADD COLUMN IF NOT EXISTS: the column is looked for first. */
        bool have = false;
        bs = once(s, "SELECT 1 FROM pragma_table_info('kiosks') WHERE name = 'log_end'", &st, err);
        if (bs == BILET_OK) {
            int rc = sqlite3_step(st);
            have = rc == SQLITE_ROW;
            if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                bs = fail(s, err, rc, "reading the kiosks table");
            sqlite3_finalize(st);
        }
        if (bs == BILET_OK && !have)
            bs = exec(s, "ALTER TABLE kiosks ADD COLUMN log_end INTEGER NOT NULL DEFAULT 0",
                      "adding kiosks.log_end", err);
        if (bs == BILET_OK)
            bs = exec(s, "INSERT INTO schema_version(version) VALUES (3)", "adding kiosks.log_end",
                      err);
    }
    if (bs == BILET_OK && version < 4) {
        /* Version 4: when a kiosk key was revoked (--revoke-kiosk), 0 while trusted. */
        bool have = false;
        bs = once(s, "SELECT 1 FROM pragma_table_info('kiosks') WHERE name = 'revoked_at'", &st,
                  err);
        if (bs == BILET_OK) {
            int rc = sqlite3_step(st);
            have = rc == SQLITE_ROW;
            if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                bs = fail(s, err, rc, "reading the kiosks table");
            sqlite3_finalize(st);
        }
        if (bs == BILET_OK && !have)
            bs = exec(s, "ALTER TABLE kiosks ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0",
                      "adding kiosks.revoked_at", err);
        if (bs == BILET_OK)
            bs = exec(s, "INSERT INTO schema_version(version) VALUES (4)",
                      "adding kiosks.revoked_at", err);
    }
    for (size_t i = 0; bs == BILET_OK && schema_console[i]; i++)
        bs = exec(s, schema_console[i], "creating the console's tables", err);
    if (bs == BILET_OK)
        return exec(s, "COMMIT", "creating the schema", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return bs;
}

bilet_status cdb_sqlite_open(const char *path, cdb **out, bilet_err *err)
{
    *out = NULL;
    sqlite_db *s = calloc(1, sizeof *s);
    if (!s)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    s->base.ops = &sqlite_ops;
    s->path = strdup(path);
    if (!s->path) {
        free(s);
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    }
    bilet_status bs = BILET_OK;
    int rc = sqlite3_open_v2(
        path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        bs = fail(s, err, rc, "opening");
        goto out_fail;
    }
    sqlite3_busy_timeout(s->db, CDB_SQLITE_BUSY_MS);
    sqlite3_extended_result_codes(s->db, 0);
    /* Large pages for a new file (an existing one keeps its own): a batch's records go
     * out in a quarter of the WAL writes 4 KiB pages take. */
    bs = exec(s, "PRAGMA page_size = 16384", "setting the page size", err);
    if (bs == BILET_OK)
        bs = exec(s, "PRAGMA journal_mode = WAL", "switching to WAL", err);
    if (bs == BILET_OK)
        bs = exec(s, "PRAGMA synchronous = FULL", "setting durability", err);
    if (bs == BILET_OK)
        bs = migrate(s, err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->begin, "BEGIN IMMEDIATE", err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->commit, "COMMIT", err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->rollback, "ROLLBACK", err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->lock,
                     "SELECT last_seq, last_hash, id, revoked_at FROM kiosks WHERE public_key = ?1",
                     err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->stored, "SELECT hash FROM records WHERE kiosk = ?1 AND seq = ?2", err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->insert,
                     "INSERT INTO records(kiosk, seq, hash, bytes, sig, exam, type, time,"
                     " received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                     err);
    if (bs == BILET_OK)
        bs = prepare(s, &s->tail,
                     "UPDATE kiosks SET last_seq = ?2, last_hash = ?3, last_seen = ?4"
                     " WHERE id = ?1",
                     err);
    if (bs != BILET_OK)
        goto out_fail;
    *out = &s->base;
    return BILET_OK;

out_fail:
    sq_close(&s->base);
    return bs;
}
