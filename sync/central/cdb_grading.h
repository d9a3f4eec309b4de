/*
 * cdb_grading.h — what blind grading needs of the central store beyond kiosks and their
 * records (cdb.h): plain parameterised queries over both backends, write transactions, and
 * the central's own signed chain of records.
 *
 * The grading tables (exams, exam_students, scans; docs/grading.md) came with schema
 * version 2; their SQL is written once, for both backends: parameters are `$1`, `$2`, …
 * (SQLite reads them as named parameters), integer columns are bound and read as decimal
 * text, binary columns as bytes. Every row's values are borrowed for the callback only.
 *
 * The central's chain: the central key is enrolled as a kiosk named "central" and its
 * records (exam_added, sheet_graded, grade_corrected, grading_locked, page_scanned) are
 * built, hashed, signed and stored exactly as a kiosk's are (docs/records.md), so that
 * `bilet-central --verify` checks them with the rest. An append locks the central's kiosks
 * row first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write transaction), so several
 * instances on one database keep one chain, and whatever the caller checked inside the
 * same transaction still holds when the record is stored.
 */
#ifndef BILET_CDB_GRADING_H
#define BILET_CDB_GRADING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cdb.h"
#include "field.h"
#include "keys.h"
#include "record.h"
#include "status.h"

enum {
    CDB_QUERY_PARAMS_MAX = 16,
    CDB_QUERY_COLS_MAX = 24,
    CDB_WRITE_TRIES = 5, /* a write transaction that lost a race is run again this often */
};

typedef enum cdb_param_kind {
    CDB_TEXT, /* s: NUL-terminated UTF-8 */
    CDB_BLOB, /* blob[0..len) */
    CDB_INT,  /* i */
    CDB_NULL,
} cdb_param_kind;

typedef struct cdb_param {
    cdb_param_kind kind;
    const char *s;
    const void *blob;
    size_t len;
    int64_t i;
} cdb_param;

static inline cdb_param cdb_text(const char *s)
{
    cdb_param p = { CDB_TEXT, s, NULL, 0, 0 };
    return p;
}

static inline cdb_param cdb_blob(const void *b, size_t len)
{
    cdb_param p = { CDB_BLOB, NULL, b, len, 0 };
    return p;
}

static inline cdb_param cdb_int(int64_t i)
{
    cdb_param p = { CDB_INT, NULL, NULL, 0, i };
    return p;
}

static inline cdb_param cdb_null(void)
{
    cdb_param p = { CDB_NULL, NULL, NULL, 0, 0 };
    return p;
}

/* One column of a result row: text (NUL-terminated at len) or bytes; null for SQL NULL. */
typedef struct cdb_value {
    const char *p;
    size_t len;
    bool null;
} cdb_value;

typedef bilet_status (*cdb_row_fn)(const cdb_value *cols, size_t n, void *ctx, bilet_err *err);

/* Runs sql with params[0..n) and calls fn (may be NULL) for every row; fn's non-OK status
 * stops the walk and is returned. A unique-key violation is BILET_EEXIST (and marks a lost
 * race: cdb_lost_race); other failures BILET_EIO naming the backend. Inside or outside a
 * transaction. */
bilet_status cdb_query(cdb *db, const char *sql, const cdb_param *params, size_t n, cdb_row_fn fn,
                       void *ctx, bilet_err *err);

/* The value as an integer (0 for NULL or text that is not one). */
int64_t cdb_value_int(const cdb_value *v);

/* A write transaction: cdb_begin, the work, cdb_commit (durable when it returns BILET_OK),
 * or cdb_rollback after any failure. */
bilet_status cdb_begin(cdb *db, bilet_err *err);
bilet_status cdb_commit(cdb *db, bilet_err *err);
void cdb_rollback(cdb *db);

/* True when the last failure was a lost race with another transaction (run it again). */
bool cdb_lost_race(const cdb *db);

/* Runs fn(db, ctx, err) inside a write transaction, committing when it returns BILET_OK,
 * rolling back otherwise, and running it again (up to CDB_WRITE_TRIES times) when it lost
 * a race. fn must be safe to run again (it starts from the database each time). */
bilet_status cdb_write(cdb *db, bilet_status (*fn)(cdb *db, void *ctx, bilet_err *err), void *ctx,
                       bilet_err *err);

/* The name the central's kiosks row carries. */
#define CDB_CENTRAL_NAME "central"

/* Enrols central->pk as the kiosk "central" when it is not yet and locks its row for the
 * rest of the caller's write transaction: whatever the transaction reads after this stays
 * as read until it commits (every write of grading takes this lock first). */
bilet_status cdb_own_lock(cdb *db, const keys_pair *central, bilet_err *err);

/* Appends one record of the central's own chain, inside the caller's write transaction:
 * enrols central->pk as the kiosk "central" when it is not yet, locks its row, builds the
 * record (header: the central key, the next seq, the chain's last hash, now, exam, type;
 * then fields[0..n)), signs it and stores it as the chain's new end. hash_out (may be NULL)
 * receives the record's hash. BILET_EINVAL for fields record_build refuses. */
bilet_status cdb_own_append(cdb *db, const keys_pair *central, int64_t now, const char *exam,
                            const char *type, const bilet_field *fields, size_t n,
                            char hash_out[RECORD_HEX_LEN + 1], bilet_err *err);

#endif
