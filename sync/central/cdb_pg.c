/*
 * cdb_pg.c — the central store in PostgreSQL (libpq), for a university that runs several
 * bilet-central processes on one database.
 *
 * A batch is one transaction (READ COMMITTED) that locks each kiosk's row with SELECT ...
 * FOR UPDATE before reading anything of that kiosk, in key order; a second process serving
 * the same kiosk waits for the lock and then sees the first one's committed chain end.
 * The primary key (kiosk, seq) makes a double store impossible even if that reasoning
 * failed: the losing transaction gets a unique violation, and cdb_ingest
 * runs it again, as for serialization failures and deadlocks. Parameterised, prepared
 * statements only. The records of a batch go out in one pipeline (libpq pipeline mode),
 * synced every PIPE_CHUNK statements so that neither side's buffers fill up, instead of
 * one round trip each. Load: every record passes through one INSERT here. A broken
 * connection (a restarted server) is re-established at the next transaction.
 */
#include "cdb_private.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PIPE_CHUNK = 256,
    SCHEMA_LOCK = 0x62696c65, /* pg_advisory_xact_lock key: one schema creator at a time
                               * (spelt out in decimal in migrate's statement) */
};

typedef struct pg_db {
    struct cdb base;
    PGconn *conn;
    char where[256]; /* user@host:port/db, for messages (never the password) */
    bool in_tx;
    bool in_pipeline;
    size_t pending; /* statements sent in the pipeline since its last sync */
} pg_db;

/* As in SQLite: records.kiosk is kiosks.id, records.hash is unique by construction (see
 * cdb_sqlite.c), and the primary key (kiosk, seq) is the constraint that makes a double
 * store impossible. */
static const char *const schema_v1[] = {
    "CREATE TABLE kiosks("
    " id bigserial PRIMARY KEY,"
    " public_key text NOT NULL UNIQUE,"
    " name text NOT NULL DEFAULT '',"
    " enrolled_at bigint NOT NULL,"
    " last_seq bigint NOT NULL DEFAULT 0,"
    " last_hash text NOT NULL,"
    " last_seen bigint)",
    "CREATE TABLE records("
    " kiosk bigint NOT NULL,"
    " seq bigint NOT NULL CHECK (seq >= 1),"
    " hash text NOT NULL,"
    " bytes bytea NOT NULL,"
    " sig bytea NOT NULL,"
    " exam text NOT NULL,"
    " type text NOT NULL,"
    " time bigint NOT NULL,"
    " received_at bigint NOT NULL,"
    " PRIMARY KEY (kiosk, seq))",
    "CREATE INDEX records_exam ON records(exam)",
    "CREATE TABLE staff("
    " id bigserial PRIMARY KEY,"
    " name text NOT NULL UNIQUE,"
    " role text NOT NULL CHECK (role IN ('registrar', 'grader')),"
    " token_hash text NOT NULL,"
    " created_at bigint NOT NULL)",
    "CREATE TABLE staff_reads("
    " id bigserial PRIMARY KEY,"
    " staff text NOT NULL,"
    " what text NOT NULL,"
    " at bigint NOT NULL)",
    NULL,
};

static const struct {
    const char *name;
    const char *sql;
} prepared[] = {
    { "lock", "SELECT last_seq, last_hash, id, revoked_at FROM kiosks WHERE public_key = $1"
              " FOR UPDATE" },
    { "stored", "SELECT seq, hash FROM records WHERE kiosk = $1 AND seq = ANY($2::bigint[])" },
    { "insert", "INSERT INTO records(kiosk, seq, hash, bytes, sig, exam, type, time, received_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)" },
    { "tail", "UPDATE kiosks SET last_seq = $2, last_hash = $3, last_seen = $4 WHERE id = $1" },
};

/* libpq's message without its line breaks. */
static const char *one_line(const char *msg, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", msg ? msg : "");
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return buf;
}

static bilet_status conn_fail(pg_db *p, bilet_err *err, const char *doing)
{
    char buf[BILET_ERR_MAX];
    return bilet_fail(err, BILET_EIO, "PostgreSQL %s: %s: %s", p->where, doing,
                      one_line(PQerrorMessage(p->conn), buf, sizeof buf));
}

/* A failed result: a lost race is marked for a retry. */
static bilet_status result_fail(pg_db *p, const PGresult *r, bilet_err *err, const char *doing)
{
    char buf[BILET_ERR_MAX];
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (state &&
        (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
        p->base.retry = true;
    const char *msg = r ? PQresultErrorMessage(r) : NULL;
    if (!msg || !msg[0])
        msg = PQerrorMessage(p->conn);
    bilet_status st = state && strcmp(state, "23505") == 0 ? BILET_EEXIST : BILET_EIO;
    return bilet_fail(err, st, "PostgreSQL %s: %s: %s", p->where, doing,
                      one_line(msg, buf, sizeof buf));
}

/* BILET_OK when r has the status want, else the failure of r (result_fail). */
static bilet_status check(pg_db *p, const PGresult *r, ExecStatusType want, bilet_err *err,
                          const char *doing)
{
    return PQresultStatus(r) == want ? BILET_OK : result_fail(p, r, err, doing);
}

/* Runs sql (no parameters) and expects want; clears the result. */
static bilet_status exec(pg_db *p, const char *sql, ExecStatusType want, const char *doing,
                         bilet_err *err)
{
    PGresult *r = PQexec(p->conn, sql);
    bilet_status st = check(p, r, want, err, doing);
    PQclear(r);
    return st;
}

static PGresult *exec_prepared(pg_db *p, const char *name, int n, const char *const *values,
                               const int *lengths, const int *formats)
{
    return PQexecPrepared(p->conn, name, n, values, lengths, formats, 0);
}

static bilet_status prepare_all(pg_db *p, bilet_err *err)
{
    for (size_t i = 0; i < sizeof prepared / sizeof prepared[0]; i++) {
        PGresult *r = PQprepare(p->conn, prepared[i].name, prepared[i].sql, 0, NULL);
        bilet_status st = check(p, r, PGRES_COMMAND_OK, err, "preparing a statement");
        PQclear(r);
        if (st != BILET_OK)
            return st;
    }
    return BILET_OK;
}

/* Reads the results of the pipeline up to a sync it sends now. */
static bilet_status pipeline_sync(pg_db *p, bilet_err *err)
{
    bilet_status st = BILET_OK;
    int nulls = 0;
    if (PQpipelineSync(p->conn) != 1)
        return conn_fail(p, err, "sending a batch");
    for (;;) {
        PGresult *r = PQgetResult(p->conn);
        if (!r) {
            /* One NULL ends each statement's results; two in a row mean a dead link. */
            if (++nulls > 1 && PQstatus(p->conn) == CONNECTION_BAD) {
                if (st == BILET_OK)
                    st = conn_fail(p, err, "storing a batch");
                break;
            }
            continue;
        }
        nulls = 0;
        ExecStatusType t = PQresultStatus(r);
        if (t == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (t != PGRES_COMMAND_OK && t != PGRES_PIPELINE_ABORTED && st == BILET_OK)
            st = result_fail(p, r, err, "storing a record");
        PQclear(r);
    }
    p->pending = 0;
    return st;
}

static bilet_status pipeline_end(pg_db *p, bilet_err *err)
{
    bilet_status st = BILET_OK;
    if (!p->in_pipeline)
        return BILET_OK;
    if (p->pending)
        st = pipeline_sync(p, err);
    if (PQexitPipelineMode(p->conn) != 1 && st == BILET_OK)
        st = conn_fail(p, err, "ending a batch");
    p->in_pipeline = false;
    return st;
}

static void pg_close(cdb *db)
{
    pg_db *p = (pg_db *)db;
    if (p->conn) {
        pipeline_end(p, NULL);
        if (p->in_tx)
            PQclear(PQexec(p->conn, "ROLLBACK"));
        PQfinish(p->conn);
    }
    free(p);
}

/* Re-establishes a broken connection (a restarted server) with its prepared statements. */
static bilet_status ensure_connected(pg_db *p, bilet_err *err)
{
    if (PQstatus(p->conn) == CONNECTION_OK)
        return BILET_OK;
    PQreset(p->conn);
    if (PQstatus(p->conn) != CONNECTION_OK)
        return conn_fail(p, err, "reconnecting");
    return prepare_all(p, err);
}

static bilet_status pg_begin(cdb *db, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    bilet_status st = ensure_connected(p, err);
    if (st == BILET_OK)
        st = exec(p, "BEGIN", PGRES_COMMAND_OK, "starting a transaction", err);
    p->in_tx = st == BILET_OK;
    return st;
}

static bilet_status pg_commit(cdb *db, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    bilet_status st = pipeline_end(p, err);
    if (st != BILET_OK)
        return st;
    PGresult *r = PQexec(p->conn, "COMMIT");
    /* A transaction that failed earlier answers COMMIT with ROLLBACK. */
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = result_fail(p, r, err, "committing");
    else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
        st = bilet_fail(err, BILET_EIO, "PostgreSQL %s: the transaction was rolled back", p->where);
    PQclear(r);
    if (st == BILET_OK)
        p->in_tx = false;
    return st;
}

static void pg_rollback(cdb *db)
{
    pg_db *p = (pg_db *)db;
    pipeline_end(p, NULL);
    if (p->in_tx)
        PQclear(PQexec(p->conn, "ROLLBACK"));
    p->in_tx = false;
}

static bilet_status pg_lock_kiosk(cdb *db, const char *kiosk, cdb_tail *out, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    bilet_status st = BILET_OK;
    memset(out, 0, sizeof *out);
    const char *values[1] = { kiosk };
    PGresult *r = exec_prepared(p, "lock", 1, values, NULL, NULL);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        st = result_fail(p, r, err, "locking a kiosk");
    } else if (PQntuples(r) == 1) {
        const char *hash = PQgetvalue(r, 0, 1);
        out->enrolled = true;
        out->last_seq = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        out->id = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
        out->revoked = strtoll(PQgetvalue(r, 0, 3), NULL, 10) != 0;
        if (!record_is_hex64(hash))
            st = bilet_fail(err, BILET_ECORRUPT, "PostgreSQL %s: kiosk %.16s…: damaged chain end",
                            p->where, kiosk);
        else
            memcpy(out->last_hash, hash, RECORD_HEX_LEN + 1);
    }
    PQclear(r);
    return st;
}

static bilet_status pg_stored_hashes(cdb *db, int64_t kiosk_id, const uint64_t *seqs, size_t n,
                                     cdb_hash_fn fn, void *ctx, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char kiosk[24];
    snprintf(kiosk, sizeof kiosk, "%lld", (long long)kiosk_id);
    size_t cap = n * 21 + 3;
    char *arr = malloc(cap);
    bilet_status st = BILET_OK;
    if (!arr)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a batch");
    size_t at = 0;
    arr[at++] = '{';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(arr + at, cap - at, "%s%llu", i ? "," : "",
                               (unsigned long long)seqs[i]);
    snprintf(arr + at, cap - at, "}");
    const char *values[2] = { kiosk, arr };
    PGresult *r = exec_prepared(p, "stored", 2, values, NULL, NULL);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        st = result_fail(p, r, err, "looking up stored records");
    } else {
        for (int i = 0; i < PQntuples(r); i++)
            if (record_is_hex64(PQgetvalue(r, i, 1)))
                fn(ctx, strtoull(PQgetvalue(r, i, 0), NULL, 10), PQgetvalue(r, i, 1));
    }
    PQclear(r);
    free(arr);
    return st;
}

static bilet_status pg_insert(cdb *db, int64_t kiosk_id, const batch_entry *e, int64_t now,
                              bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char kiosk[24];
    char seq[24];
    char time[24];
    char received[24];
    snprintf(kiosk, sizeof kiosk, "%lld", (long long)kiosk_id);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)e->seq);
    snprintf(time, sizeof time, "%lld", (long long)e->time);
    snprintf(received, sizeof received, "%lld", (long long)now);
    const char *values[9] = {
        kiosk,   seq,  e->hash_hex, (const char *)e->bytes, (const char *)e->sig, e->exam,
        e->type, time, received,
    };
    const int lengths[9] = { 0, 0, 0, (int)e->len, KEYS_SIG_BYTES, 0, 0, 0, 0 };
    const int formats[9] = { 0, 0, 0, 1, 1, 0, 0, 0, 0 };
    if (!p->in_pipeline) {
        if (PQenterPipelineMode(p->conn) != 1)
            return conn_fail(p, err, "starting a batch");
        p->in_pipeline = true;
    }
    if (PQsendQueryPrepared(p->conn, "insert", 9, values, lengths, formats, 0) != 1)
        return conn_fail(p, err, "sending a record");
    if (++p->pending >= PIPE_CHUNK)
        return pipeline_sync(p, err);
    return BILET_OK;
}

static bilet_status pg_flush(cdb *db, bilet_err *err)
{
    return pipeline_end((pg_db *)db, err);
}

static bilet_status pg_set_tail(cdb *db, int64_t kiosk_id, uint64_t last_seq, const char *last_hash,
                                int64_t now, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char kiosk[24];
    char seq[24];
    snprintf(kiosk, sizeof kiosk, "%lld", (long long)kiosk_id);
    char seen[24];
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)last_seq);
    snprintf(seen, sizeof seen, "%lld", (long long)now);
    const char *values[4] = { kiosk, seq, last_hash, seen };
    PGresult *r = exec_prepared(p, "tail", 4, values, NULL, NULL);
    bilet_status st = check(p, r, PGRES_COMMAND_OK, err, "moving a kiosk's chain end");
    PQclear(r);
    return st;
}

/* A parameterised query outside the hot path (text parameters and results). */
static PGresult *query(pg_db *p, const char *sql, int n, const char *const *values)
{
    if (ensure_connected(p, NULL) != BILET_OK)
        return NULL;
    return PQexecParams(p->conn, sql, n, NULL, values, NULL, NULL, 0);
}

/* A parameterised query (query) read for the one row it may find: *row holds the result when
 * it has exactly one row (the caller PQclears it), else NULL. */
static bilet_status query_row(pg_db *p, const char *sql, int n, const char *const *values,
                              bilet_err *err, const char *doing, PGresult **row)
{
    PGresult *r = query(p, sql, n, values);
    bilet_status st = check(p, r, PGRES_TUPLES_OK, err, doing);
    *row = NULL;
    if (st == BILET_OK && PQntuples(r) == 1)
        *row = r;
    else
        PQclear(r);
    return st;
}

/* A parameterised statement (query) that returns no rows; clears the result. */
static bilet_status command(pg_db *p, const char *sql, int n, const char *const *values,
                            bilet_err *err, const char *doing)
{
    PGresult *r = query(p, sql, n, values);
    bilet_status st = check(p, r, PGRES_COMMAND_OK, err, doing);
    PQclear(r);
    return st;
}

static bilet_status pg_kiosk_enrol(cdb *db, const char *public_key, const char *name, int64_t now,
                                   bool *created, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    const char *values[4] = { public_key, name, at,
                              "0000000000000000000000000000000000000000000000000000000000000000" };
    PGresult *r = query(p,
                        "INSERT INTO kiosks(public_key, name, enrolled_at, last_seq, last_hash)"
                        " VALUES ($1, $2, $3, 0, $4) ON CONFLICT (public_key) DO NOTHING",
                        4, values);
    bilet_status st = check(p, r, PGRES_COMMAND_OK, err, "enrolling a kiosk");
    if (st == BILET_OK)
        *created = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return st;
}

static int64_t int_at(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static bilet_status pg_kiosk_enrolled(cdb *db, const char *public_key, bool *enrolled,
                                      bool *revoked, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    const char *values[1] = { public_key };
    PGresult *r;
    bilet_status st = query_row(p, "SELECT revoked_at FROM kiosks WHERE public_key = $1", 1, values,
                                err, "looking up a kiosk", &r);
    *enrolled = r != NULL;
    *revoked = r != NULL && int_at(r, 0, 0) != 0;
    PQclear(r);
    return st;
}

static bilet_status pg_kiosk_list(cdb *db, cdb_kiosk_fn fn, void *ctx, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    PGresult *r = query(p,
                        "SELECT k.public_key, k.name, k.enrolled_at, k.last_seen, k.last_seq,"
                        " (SELECT count(*) FROM records r WHERE r.kiosk = k.id), k.log_end,"
                        " k.revoked_at FROM kiosks k ORDER BY k.public_key",
                        0, NULL);
    bilet_status st = check(p, r, PGRES_TUPLES_OK, err, "listing kiosks");
    for (int i = 0; st == BILET_OK && i < PQntuples(r); i++) {
        cdb_kiosk_info k = {
            PQgetvalue(r, i, 0),       PQgetvalue(r, i, 1),       int_at(r, i, 2),
            int_at(r, i, 3),           (uint64_t)int_at(r, i, 4), (uint64_t)int_at(r, i, 5),
            (uint64_t)int_at(r, i, 6), int_at(r, i, 7),
        };
        st = fn(&k, ctx, err);
    }
    PQclear(r);
    return st;
}

static bilet_status pg_staff_add(cdb *db, const char *name, const char *role,
                                 const char *token_hash, int64_t now, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    const char *values[4] = { name, role, token_hash, at };
    PGresult *r =
        query(p, "INSERT INTO staff(name, role, token_hash, created_at) VALUES ($1, $2, $3, $4)", 4,
              values);
    bilet_status st = BILET_OK;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        st = result_fail(p, r, err, "adding a staff member");
        p->base.retry = false;
        if (st == BILET_EEXIST)
            st = bilet_fail(err, BILET_EEXIST, "staff member \"%s\" exists already", name);
    }
    PQclear(r);
    return st;
}

static bilet_status pg_staff_each(cdb *db,
                                  void (*fn)(void *ctx, const char *name, const char *role,
                                             const char *token_hash),
                                  void *ctx, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    PGresult *r = query(p, "SELECT name, role, token_hash FROM staff", 0, NULL);
    bilet_status st = check(p, r, PGRES_TUPLES_OK, err, "reading staff");
    for (int i = 0; st == BILET_OK && i < PQntuples(r); i++)
        fn(ctx, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
    PQclear(r);
    return st;
}

static bilet_status pg_staff_read_log(cdb *db, const char *staff, const char *what, int64_t now,
                                      bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    const char *values[3] = { staff, what, at };
    return command(p, "INSERT INTO staff_reads(staff, what, at) VALUES ($1, $2, $3)", 3, values,
                   err, "recording a read of results");
}

static uint64_t be64(const char *s)
{
    const unsigned char *b = (const unsigned char *)s;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

static bilet_status pg_records(cdb *db, const char *exam, cdb_record_fn fn, void *ctx,
                               bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    bilet_status st = ensure_connected(p, err);
    const char *values[1] = { exam };
    if (st != BILET_OK)
        return st;
    /* Binary results (the bytes as they are), one row at a time (a whole table may not fit
     * in memory), inside one read-only transaction (one snapshot). */
    st = exec(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", PGRES_COMMAND_OK,
              "starting to read", err);
    if (st != BILET_OK)
        return st;
    int ok = PQsendQueryParams(p->conn,
                               exam ? "SELECT k.public_key, r.seq, r.hash, r.bytes, r.sig"
                                      " FROM records r JOIN kiosks k ON k.id = r.kiosk"
                                      " WHERE r.exam = $1 ORDER BY r.kiosk, r.seq"
                                    : "SELECT k.public_key, r.seq, r.hash, r.bytes, r.sig"
                                      " FROM records r JOIN kiosks k ON k.id = r.kiosk"
                                      " ORDER BY r.kiosk, r.seq",
                               exam ? 1 : 0, NULL, exam ? values : NULL, NULL, NULL, 1);
    if (!ok || !PQsetSingleRowMode(p->conn))
        st = conn_fail(p, err, "reading records");
    PGresult *r;
    while (ok && (r = PQgetResult(p->conn)) != NULL) {
        ExecStatusType t = PQresultStatus(r);
        if (t == PGRES_SINGLE_TUPLE && st == BILET_OK) {
            char kiosk[RECORD_HEX_LEN + 1] = "";
            char hash[RECORD_HEX_LEN + 1] = "";
            if (PQgetlength(r, 0, 0) == RECORD_HEX_LEN)
                memcpy(kiosk, PQgetvalue(r, 0, 0), RECORD_HEX_LEN);
            if (PQgetlength(r, 0, 2) == RECORD_HEX_LEN)
                memcpy(hash, PQgetvalue(r, 0, 2), RECORD_HEX_LEN);
            cdb_record rec = {
                kiosk,
                PQgetlength(r, 0, 1) == 8 ? be64(PQgetvalue(r, 0, 1)) : 0,
                hash,
                (const unsigned char *)PQgetvalue(r, 0, 3),
                (size_t)PQgetlength(r, 0, 3),
                PQgetlength(r, 0, 4) == KEYS_SIG_BYTES ? (const unsigned char *)PQgetvalue(r, 0, 4)
                                                       : NULL,
            };
            st = fn(&rec, ctx, err);
        } else if (t != PGRES_SINGLE_TUPLE && t != PGRES_TUPLES_OK && st == BILET_OK) {
            st = result_fail(p, r, err, "reading records");
        }
        PQclear(r);
    }
    PQclear(PQexec(p->conn, "COMMIT"));
    return st;
}

static bilet_status pg_count(cdb *db, uint64_t *kiosks, uint64_t *records, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    PGresult *r =
        query(p, "SELECT (SELECT count(*) FROM kiosks), (SELECT count(*) FROM records)", 0, NULL);
    bilet_status st = check(p, r, PGRES_TUPLES_OK, err, "counting");
    if (st == BILET_OK) {
        *kiosks = (uint64_t)int_at(r, 0, 0);
        *records = (uint64_t)int_at(r, 0, 1);
    }
    PQclear(r);
    return st;
}

/* ---- the web console's sign-in: passwords and sessions ---- */

/* Created when missing at every open (under the schema lock), whatever the schema
 * version: tables of their own that nothing else reads (docs/console.md), as in
 * cdb_sqlite.c. */
static const char *const schema_console[] = {
    "CREATE TABLE IF NOT EXISTS staff_passwords("
    " staff text PRIMARY KEY,"
    " hash text NOT NULL,"
    " set_at bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS staff_sessions("
    " token_hash text PRIMARY KEY,"
    " staff text NOT NULL,"
    " created_at bigint NOT NULL,"
    " expires_at bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS staff_signin_failures("
    " name_hash text PRIMARY KEY,"
    " failures bigint NOT NULL,"
    " first_at bigint NOT NULL,"
    " last_at bigint NOT NULL)",
    NULL,
};

static bilet_status pg_password_set(cdb *db, const char *name, const char *pwhash, int64_t now,
                                    bool *found, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    const char *values[3] = { name, pwhash, at };
    PGresult *r = query(p,
                        "INSERT INTO staff_passwords(staff, hash, set_at)"
                        " SELECT name, $2, $3 FROM staff WHERE name = $1"
                        " ON CONFLICT (staff) DO UPDATE SET hash = excluded.hash,"
                        " set_at = excluded.set_at",
                        3, values);
    bilet_status st = check(p, r, PGRES_COMMAND_OK, err, "setting a password");
    if (st == BILET_OK)
        *found = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return st;
}

static bilet_status pg_password_get(cdb *db, const char *name, bool *found, char *role,
                                    char *pwhash, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    const char *values[1] = { name };
    PGresult *r;
    bilet_status st =
        query_row(p,
                  "SELECT st.role, coalesce(pw.hash, '') FROM staff st"
                  " LEFT JOIN staff_passwords pw ON pw.staff = st.name WHERE st.name = $1",
                  1, values, err, "reading a staff member", &r);
    if (r) {
        *found = true;
        snprintf(role, CDB_NAME_MAX, "%s", PQgetvalue(r, 0, 0));
        snprintf(pwhash, CDB_PWHASH_MAX, "%s", PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return st;
}

static bilet_status pg_session_add(cdb *db, const char *token_hash, const char *staff, int64_t now,
                                   int64_t expires, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    char until[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    snprintf(until, sizeof until, "%lld", (long long)expires);
    const char *purge[1] = { at };
    bilet_status st = command(p, "DELETE FROM staff_sessions WHERE expires_at <= $1", 1, purge, err,
                              "deleting expired sessions");
    if (st != BILET_OK)
        return st;
    const char *values[4] = { token_hash, staff, at, until };
    st = command(p,
                 "INSERT INTO staff_sessions(token_hash, staff, created_at, expires_at)"
                 " VALUES ($1, $2, $3, $4)",
                 4, values, err, "storing a session");
    p->base.retry = false;
    return st;
}

static bilet_status pg_session_find(cdb *db, const char *token_hash, int64_t now, bool *found,
                                    char *name, char *role, int64_t *expires, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    char at[24];
    snprintf(at, sizeof at, "%lld", (long long)now);
    const char *values[2] = { token_hash, at };
    PGresult *r;
    bilet_status st = query_row(p,
                                "SELECT st.name, st.role, se.expires_at FROM staff_sessions se"
                                " JOIN staff st ON st.name = se.staff"
                                " WHERE se.token_hash = $1 AND se.expires_at > $2",
                                2, values, err, "reading a session", &r);
    if (r) {
        *found = true;
        snprintf(name, CDB_NAME_MAX, "%s", PQgetvalue(r, 0, 0));
        snprintf(role, CDB_NAME_MAX, "%s", PQgetvalue(r, 0, 1));
        *expires = int_at(r, 0, 2);
    }
    PQclear(r);
    return st;
}

static bilet_status pg_session_delete(cdb *db, const char *token_hash, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    const char *values[1] = { token_hash };
    return command(p, "DELETE FROM staff_sessions WHERE token_hash = $1", 1, values, err,
                   "ending a session");
}

/* ---- blind grading (cdb_grading.h): schema version 2 and plain queries ---- */

/* Version 2: the grading tables, as in cdb_sqlite.c (docs/grading.md). */
static const char *const schema_v2[] = {
    "CREATE TABLE IF NOT EXISTS exams("
    " id text PRIMARY KEY,"
    " content_hash text NOT NULL,"
    " header text NOT NULL,"
    " tickets text NOT NULL,"
    " code_key bytea,"
    " added_at bigint NOT NULL,"
    " record text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS exam_students("
    " exam text NOT NULL,"
    " n bigint NOT NULL,"
    " record_book text NOT NULL,"
    " full_name text NOT NULL,"
    " grp text NOT NULL,"
    " status text NOT NULL,"
    " code text NOT NULL,"
    " PRIMARY KEY (exam, n))",
    "CREATE INDEX IF NOT EXISTS exam_students_code ON exam_students(code)",
    "CREATE TABLE IF NOT EXISTS scans("
    " id bigserial PRIMARY KEY,"
    " exam text NOT NULL,"
    " code text NOT NULL,"
    " page bigint NOT NULL,"
    " pages bigint,"
    " hand_entered bigint NOT NULL,"
    " image_hash text NOT NULL UNIQUE,"
    " content_type text NOT NULL,"
    " image bytea NOT NULL,"
    " staff text NOT NULL,"
    " record text NOT NULL,"
    " at bigint NOT NULL)",
    "CREATE INDEX IF NOT EXISTS scans_code ON scans(code)",
    "CREATE INDEX IF NOT EXISTS scans_exam ON scans(exam)",
    NULL,
};

enum { PG_BYTEA_OID = 17 };

static bilet_status pg_query(cdb *db, const char *sql, const cdb_param *params, size_t n,
                             cdb_row_fn fn, void *ctx, bilet_err *err)
{
    pg_db *p = (pg_db *)db;
    const char *values[CDB_QUERY_PARAMS_MAX];
    int lengths[CDB_QUERY_PARAMS_MAX];
    int formats[CDB_QUERY_PARAMS_MAX];
    char ints[CDB_QUERY_PARAMS_MAX][24];
    for (size_t i = 0; i < n && i < CDB_QUERY_PARAMS_MAX; i++) {
        const cdb_param *q = &params[i];
        lengths[i] = 0;
        formats[i] = 0;
        switch (q->kind) {
        case CDB_TEXT:
            values[i] = q->s;
            break;
        case CDB_BLOB:
            values[i] = q->blob ? q->blob : "";
            lengths[i] = (int)q->len;
            formats[i] = 1;
            break;
        case CDB_INT:
            snprintf(ints[i], sizeof ints[i], "%lld", (long long)q->i);
            values[i] = ints[i];
            break;
        case CDB_NULL:
            values[i] = NULL;
            break;
        }
    }
    bilet_status st = ensure_connected(p, err);
    if (st != BILET_OK)
        return st;
    PGresult *r = PQexecParams(p->conn, sql, (int)n, NULL, values, lengths, formats, 0);
    ExecStatusType t = PQresultStatus(r);
    if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
        st = result_fail(p, r, err, "querying");
        PQclear(r);
        return st;
    }
    int nc = PQnfields(r);
    if (nc > CDB_QUERY_COLS_MAX)
        nc = CDB_QUERY_COLS_MAX;
    cdb_value cols[CDB_QUERY_COLS_MAX];
    unsigned char *unescaped[CDB_QUERY_COLS_MAX];
    for (int row = 0; fn && st == BILET_OK && row < PQntuples(r); row++) {
        memset(unescaped, 0, sizeof unescaped);
        for (int c = 0; c < nc; c++) {
            cols[c].null = PQgetisnull(r, row, c) != 0;
            cols[c].p = PQgetvalue(r, row, c);
            cols[c].len = (size_t)PQgetlength(r, row, c);
            if (!cols[c].null && PQftype(r, c) == PG_BYTEA_OID) {
                size_t len = 0;
                unescaped[c] = PQunescapeBytea((const unsigned char *)cols[c].p, &len);
                if (!unescaped[c]) {
                    st = bilet_fail(err, BILET_ENOMEM, "out of memory reading a query's bytes");
                    break;
                }
                cols[c].p = (const char *)unescaped[c];
                cols[c].len = len;
            }
        }
        if (st == BILET_OK)
            st = fn(cols, (size_t)nc, ctx, err);
        for (int c = 0; c < nc; c++)
            PQfreemem(unescaped[c]);
    }
    PQclear(r);
    return st;
}

static const cdb_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .lock_kiosk = pg_lock_kiosk,
    .stored_hashes = pg_stored_hashes,
    .insert = pg_insert,
    .flush = pg_flush,
    .set_tail = pg_set_tail,
    .kiosk_enrol = pg_kiosk_enrol,
    .kiosk_enrolled = pg_kiosk_enrolled,
    .kiosk_list = pg_kiosk_list,
    .staff_add = pg_staff_add,
    .staff_each = pg_staff_each,
    .staff_read_log = pg_staff_read_log,
    .records = pg_records,
    .count = pg_count,
    .password_set = pg_password_set,
    .password_get = pg_password_get,
    .session_add = pg_session_add,
    .session_find = pg_session_find,
    .session_delete = pg_session_delete,
    .query = pg_query,
};

/* Creates the tables on first open, one process at a time; refuses a newer schema. */
static bilet_status migrate(pg_db *p, bilet_err *err)
{
    /* 1651076197 = SCHEMA_LOCK ("bile"); a literal, as every statement here is. */
    static const char lock[] = "SELECT pg_advisory_xact_lock(1651076197)";
    _Static_assert(SCHEMA_LOCK == 1651076197, "the lock statement spells SCHEMA_LOCK");
    bilet_status st = exec(p, "BEGIN", PGRES_COMMAND_OK, "starting the schema check", err);
    if (st != BILET_OK)
        return st;
    st = exec(p, lock, PGRES_TUPLES_OK, "locking the schema", err);
    if (st == BILET_OK)
        st = exec(p, "SET LOCAL client_min_messages = warning", PGRES_COMMAND_OK,
                  "creating the schema", err);
    if (st == BILET_OK)
        st = exec(p, "CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)",
                  PGRES_COMMAND_OK, "creating the schema", err);
    int64_t version = 0;
    if (st == BILET_OK) {
        PGresult *r = PQexec(p->conn, "SELECT max(version) FROM schema_version");
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            version = int_at(r, 0, 0);
        else
            st = result_fail(p, r, err, "reading the schema version");
        PQclear(r);
    }
    if (st == BILET_OK && version > CDB_SCHEMA_VERSION)
        st = bilet_fail(err, BILET_ESTATE,
                        "PostgreSQL %s: written by a newer bilet-central (schema %lld, this one "
                        "knows %d)",
                        p->where, (long long)version, CDB_SCHEMA_VERSION);
    if (st == BILET_OK && version < 1) {
        for (size_t i = 0; st == BILET_OK && schema_v1[i]; i++)
            st = exec(p, schema_v1[i], PGRES_COMMAND_OK, "creating the schema", err);
        if (st == BILET_OK)
            st = exec(p, "INSERT INTO schema_version(version) VALUES (1)", PGRES_COMMAND_OK,
                      "creating the schema", err);
    }
    if (st == BILET_OK && version < 2) {
        for (size_t i = 0; st == BILET_OK && schema_v2[i]; i++)
            st = exec(p, schema_v2[i], PGRES_COMMAND_OK, "adding the grading tables", err);
        if (st == BILET_OK)
            st = exec(p, "INSERT INTO schema_version(version) VALUES (2)", PGRES_COMMAND_OK,
                      "adding the grading tables", err);
    }
    if (st == BILET_OK && version < 3) {
        /* Version 3: the end of its log each kiosk last said it holds (docs/central.md). */
        st =
            exec(p, "ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS log_end bigint NOT NULL DEFAULT 0",
                 PGRES_COMMAND_OK, "adding kiosks.log_end", err);
        if (st == BILET_OK)
            st = exec(p, "INSERT INTO schema_version(version) VALUES (3)", PGRES_COMMAND_OK,
                      "adding kiosks.log_end", err);
    }
    if (st == BILET_OK && version < 4) {
        /* Version 4: when a kiosk key was revoked (--revoke-kiosk), 0 while trusted. */
        st = exec(
            p, "ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS revoked_at bigint NOT NULL DEFAULT 0",
            PGRES_COMMAND_OK, "adding kiosks.revoked_at", err);
        if (st == BILET_OK)
            st = exec(p, "INSERT INTO schema_version(version) VALUES (4)", PGRES_COMMAND_OK,
                      "adding kiosks.revoked_at", err);
    }
    for (size_t i = 0; st == BILET_OK && schema_console[i]; i++)
        st = exec(p, schema_console[i], PGRES_COMMAND_OK, "creating the console's tables", err);
    if (st == BILET_OK)
        return exec(p, "COMMIT", PGRES_COMMAND_OK, "creating the schema", err);
    PQclear(PQexec(p->conn, "ROLLBACK"));
    return st;
}

bilet_status cdb_pg_open(const char *url, cdb **out, bilet_err *err)
{
    *out = NULL;
    pg_db *p = calloc(1, sizeof *p);
    if (!p)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    p->base.ops = &pg_ops;
    bilet_status st = BILET_OK;
    p->conn = PQconnectdb(url);
    if (!p->conn) {
        free(p);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a PostgreSQL connection");
    }
    snprintf(p->where, sizeof p->where, "%s@%s:%s/%s", PQuser(p->conn) ? PQuser(p->conn) : "",
             PQhost(p->conn) ? PQhost(p->conn) : "", PQport(p->conn) ? PQport(p->conn) : "",
             PQdb(p->conn) ? PQdb(p->conn) : "");
    if (PQstatus(p->conn) != CONNECTION_OK) {
        st = conn_fail(p, err, "connecting");
        goto out_fail;
    }
    st = migrate(p, err);
    if (st == BILET_OK)
        st = prepare_all(p, err);
    if (st != BILET_OK)
        goto out_fail;
    *out = &p->base;
    return BILET_OK;

out_fail:
    pg_close(&p->base);
    return st;
}
