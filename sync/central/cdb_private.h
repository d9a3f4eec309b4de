/*
 * cdb_private.h — what a backend of the central store provides (cdb_sqlite.c, cdb_pg.c).
 *
 * The rules for judging a batch live once, in cdb.c; a backend offers the few primitive
 * steps they need (a write transaction, locking a kiosk's row, looking up stored hashes,
 * inserting, moving a kiosk's chain tail) and the plain queries. A backend's handle starts
 * with struct cdb. A step that fails because another transaction won a race (PostgreSQL:
 * unique violation, serialization failure, deadlock; SQLite: busy) sets db->retry, and
 * cdb_ingest runs the batch again.
 */
#ifndef BILET_CDB_PRIVATE_H
#define BILET_CDB_PRIVATE_H

#include "cdb.h"
#include "cdb_grading.h"

/* A kiosk's row as a batch transaction sees it, locked. */
typedef struct cdb_tail {
    bool enrolled;
    bool revoked; /* kiosks.revoked_at is set: every record is rejected */
    int64_t id;   /* kiosks.id, the kiosk's number in records.kiosk */
    uint64_t last_seq;
    char last_hash[RECORD_HEX_LEN + 1];
} cdb_tail;

/* Receives one stored (seq, hash) of a kiosk. */
typedef void (*cdb_hash_fn)(void *ctx, uint64_t seq, const char *hash);

typedef struct cdb_ops {
    const char *name;
    void (*close)(cdb *db);
    bilet_status (*begin)(cdb *db, bilet_err *err);
    bilet_status (*commit)(cdb *db, bilet_err *err);
    void (*rollback)(cdb *db);
    bilet_status (*lock_kiosk)(cdb *db, const char *kiosk, cdb_tail *out, bilet_err *err);
    /* Calls fn for each of seqs[0..n) that the kiosk numbered kiosk_id has stored. */
    bilet_status (*stored_hashes)(cdb *db, int64_t kiosk_id, const uint64_t *seqs, size_t n,
                                  cdb_hash_fn fn, void *ctx, bilet_err *err);
    /* May be deferred until flush (PostgreSQL sends them in one pipeline). */
    bilet_status (*insert)(cdb *db, int64_t kiosk_id, const batch_entry *e, int64_t now,
                           bilet_err *err);
    bilet_status (*flush)(cdb *db, bilet_err *err);
    bilet_status (*set_tail)(cdb *db, int64_t kiosk_id, uint64_t last_seq, const char *last_hash,
                             int64_t now, bilet_err *err);

    bilet_status (*kiosk_enrol)(cdb *db, const char *public_key, const char *name, int64_t now,
                                bool *created, bilet_err *err);
    bilet_status (*kiosk_enrolled)(cdb *db, const char *public_key, bool *enrolled, bool *revoked,
                                   bilet_err *err);
    bilet_status (*kiosk_list)(cdb *db, cdb_kiosk_fn fn, void *ctx, bilet_err *err);
    bilet_status (*staff_add)(cdb *db, const char *name, const char *role, const char *token_hash,
                              int64_t now, bilet_err *err);
    /* Calls fn for every staff member's (name, role, token_hash). */
    bilet_status (*staff_each)(cdb *db,
                               void (*fn)(void *ctx, const char *name, const char *role,
                                          const char *token_hash),
                               void *ctx, bilet_err *err);
    bilet_status (*staff_read_log)(cdb *db, const char *staff, const char *what, int64_t now,
                                   bilet_err *err);
    /* exam NULL: every record. */
    bilet_status (*records)(cdb *db, const char *exam, cdb_record_fn fn, void *ctx, bilet_err *err);
    bilet_status (*count)(cdb *db, uint64_t *kiosks, uint64_t *records, bilet_err *err);
    /* The web console's sign-in (cdb.h): passwords and sessions. */
    bilet_status (*password_set)(cdb *db, const char *name, const char *pwhash, int64_t now,
                                 bool *found, bilet_err *err);
    bilet_status (*password_get)(cdb *db, const char *name, bool *found, char *role, char *pwhash,
                                 bilet_err *err);
    bilet_status (*session_add)(cdb *db, const char *token_hash, const char *staff, int64_t now,
                                int64_t expires, bilet_err *err);
    bilet_status (*session_find)(cdb *db, const char *token_hash, int64_t now, bool *found,
                                 char *name, char *role, int64_t *expires, bilet_err *err);
    bilet_status (*session_delete)(cdb *db, const char *token_hash, bilet_err *err);
    /* Blind grading (cdb_grading.h): a parameterised query, rows to fn (may be NULL). */
    bilet_status (*query)(cdb *db, const char *sql, const cdb_param *params, size_t n,
                          cdb_row_fn fn, void *ctx, bilet_err *err);
} cdb_ops;

struct cdb {
    const cdb_ops *ops;
    bool retry; /* the last failure was a lost race: run the transaction again */
};

bilet_status cdb_sqlite_open(const char *path, cdb **out, bilet_err *err);
bilet_status cdb_pg_open(const char *url, cdb **out, bilet_err *err);

#endif
