/*
 * store_private.h — the store handle and helpers shared by the files of kiosk/store (the
 * record log, verification, and the tables later modules add). Not for use outside
 * kiosk/store: nothing else may see <sqlite3.h>.
 */
#ifndef BILET_STORE_PRIVATE_H
#define BILET_STORE_PRIVATE_H

#include <sqlite3.h>

#include "store.h"

enum { STORE_PATH_MAX = 4096, STORE_BUSY_MS = 5000 };

struct store {
    sqlite3 *db;
    char db_path[STORE_PATH_MAX];
    keys_pair *kp;
    char kiosk_hex[RECORD_HEX_LEN + 1];
    /* Prepared once: an append must not pay for SQL compilation. */
    sqlite3_stmt *st_begin;
    sqlite3_stmt *st_commit;
    sqlite3_stmt *st_rollback;
    sqlite3_stmt *st_last;
    sqlite3_stmt *st_insert;
    bool in_batch;
    /* The chain's tail, valid inside a transaction (read after BEGIN IMMEDIATE). */
    uint64_t last_seq;
    unsigned char last_hash[KEYS_HASH_BYTES];
    record_buf buf;
};

/* "DIR/name" into out; BILET_EINVAL if it does not fit. */
bilet_status store_path(char *out, size_t size, const char *dir, const char *name, bilet_err *err);

/* Maps an SQLite result code to a status: damage and non-databases to BILET_ECORRUPT,
 * the rest to BILET_EIO; the message names the database file and SQLite's words. */
bilet_status store_sqlite_fail(bilet_err *err, sqlite3 *db, int rc, const char *path,
                               const char *what);

/* Runs the schema migrations up to the current version inside one transaction. */
bilet_status store_migrate(sqlite3 *db, const char *path, bilet_err *err);

/* The basename of a path, for messages ("bilet.db"). */
const char *store_basename(const char *path);

#endif
