/*
 * store_outbox.c — the outbox (outbox.h): a connection of its own to bilet.db that reads
 * records in batches and keeps sync_state, the acknowledged position toward each central.
 *
 * Invariants: acked_seq only grows (outbox_rewind excepted, which a checked receipt asks
 * for), is written in a write transaction that also checks the acknowledged record's hash
 * against the log, and is never ahead of the log; batches are contiguous runs of seq read
 * by one statement (one snapshot). Statements are prepared once per handle. A batch's
 * bytes live in one arena reused from read to read, so a syncer pushing thousands of
 * records allocates only when a batch is larger than any before.
 */
#include "outbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record.h"
#include "store_private.h"

struct outbox {
    sqlite3 *db;
    char db_path[STORE_PATH_MAX];
    char central[OUTBOX_CENTRAL_MAX];
    bool has_central;
    sqlite3_stmt *st_read;
    sqlite3_stmt *st_state;
    sqlite3_stmt *st_last;
    sqlite3_stmt *st_hash;
    sqlite3_stmt *st_upsert;
    sqlite3_stmt *st_touch;
    sqlite3_stmt *st_rewind;
    /* The last batch handed out. */
    outbox_record *recs;
    size_t recs_cap;
    unsigned char *arena;
    size_t arena_cap;
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS sync_state("
                             " central TEXT PRIMARY KEY,"
                             " acked_seq INTEGER NOT NULL DEFAULT 0,"
                             " acked_hash TEXT NOT NULL DEFAULT '',"
                             " last_sync INTEGER NOT NULL DEFAULT 0);";

static bilet_status exec(outbox *o, const char *sql, const char *what, bilet_err *err)
{
    int rc = sqlite3_exec(o->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, o->db, rc, o->db_path, what);
    return BILET_OK;
}

static bilet_status prepare(outbox *o, const char *sql, sqlite3_stmt **out, bilet_err *err)
{
    int rc = sqlite3_prepare_v3(o->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, o->db, rc, o->db_path, "preparing a statement");
    return BILET_OK;
}

bilet_status outbox_open(const char *data_dir, const char *central, outbox **out, bilet_err *err)
{
    *out = NULL;
    outbox *o = calloc(1, sizeof *o);
    if (!o)
        return bilet_fail(err, BILET_ENOMEM, "out of memory opening %s", data_dir);
    bilet_status st = store_path(o->db_path, sizeof o->db_path, data_dir, STORE_DB_FILE, err);
    if (st != BILET_OK)
        goto out_close;
    if (central) {
        size_t n = strlen(central);
        while (n > 0 && central[n - 1] == '/')
            n--;
        if (n == 0 || n >= sizeof o->central) {
            st = bilet_fail(err, BILET_EINVAL, "central URL '%.200s': empty or too long", central);
            goto out_close;
        }
        memcpy(o->central, central, n);
        o->central[n] = '\0';
        o->has_central = true;
    }
    struct stat sb;
    if (stat(o->db_path, &sb) != 0) {
        st = bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO,
                        "%s: %s (create a data folder with: bilet init --data %s)", o->db_path,
                        strerror(errno), data_dir);
        goto out_close;
    }
    int rc = sqlite3_open_v2(o->db_path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = store_sqlite_fail(err, o->db, rc, o->db_path, "opening");
        goto out_close;
    }
    sqlite3_busy_timeout(o->db, STORE_BUSY_MS);
    sqlite3_extended_result_codes(o->db, 1);
    st = exec(o, "PRAGMA journal_mode=WAL", "setting WAL mode", err);
    if (st == BILET_OK)
        st = exec(o, "PRAGMA synchronous=NORMAL", "setting synchronous=NORMAL", err);
    if (st == BILET_OK)
        st = exec(o, schema, "creating the table sync_state", err);
    if (st == BILET_OK)
        st = prepare(o,
                     "SELECT seq, bytes, hash, sig FROM records WHERE seq > ? ORDER BY seq"
                     " LIMIT ?",
                     &o->st_read, err);
    if (st == BILET_OK)
        st = prepare(o, "SELECT acked_seq, acked_hash, last_sync FROM sync_state WHERE central = ?",
                     &o->st_state, err);
    if (st == BILET_OK)
        st = prepare(o, "SELECT seq FROM records ORDER BY seq DESC LIMIT 1", &o->st_last, err);
    if (st == BILET_OK)
        st = prepare(o, "SELECT hash FROM records WHERE seq = ?", &o->st_hash, err);
    if (st == BILET_OK)
        st = prepare(o,
                     "INSERT INTO sync_state(central, acked_seq, acked_hash, last_sync)"
                     " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(central) DO UPDATE SET"
                     " acked_seq = ?2, acked_hash = ?3, last_sync = ?4",
                     &o->st_upsert, err);
    if (st == BILET_OK)
        st = prepare(o, "UPDATE sync_state SET last_sync = ?2 WHERE central = ?1", &o->st_touch,
                     err);
    if (st == BILET_OK)
        st = prepare(o,
                     "UPDATE sync_state SET acked_seq = ?2, acked_hash = ?3"
                     " WHERE central = ?1 AND acked_seq > ?2",
                     &o->st_rewind, err);
    if (st != BILET_OK)
        goto out_close;
    *out = o;
    return BILET_OK;

out_close:
    outbox_close(o);
    return st;
}

void outbox_close(outbox *o)
{
    if (!o)
        return;
    sqlite3_finalize(o->st_read);
    sqlite3_finalize(o->st_state);
    sqlite3_finalize(o->st_last);
    sqlite3_finalize(o->st_hash);
    sqlite3_finalize(o->st_upsert);
    sqlite3_finalize(o->st_touch);
    sqlite3_finalize(o->st_rewind);
    sqlite3_close(o->db);
    free(o->recs);
    free(o->arena);
    free(o);
}

/* Runs a statement that returns no rows; resets it either way. */
static bilet_status step_done(outbox *o, sqlite3_stmt *st, const char *what, bilet_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return store_sqlite_fail(err, o->db, rc, o->db_path, what);
    return BILET_OK;
}

/* The row of sync_state for this central (zeros when there is none). */
static bilet_status read_acked(outbox *o, outbox_state *out, bilet_err *err)
{
    if (!o->has_central)
        return BILET_OK;
    sqlite3_stmt *st = o->st_state;
    sqlite3_bind_text(st, 1, o->central, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    if (rc == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        const char *hex = (const char *)sqlite3_column_text(st, 1);
        out->acked_seq = seq > 0 ? (uint64_t)seq : 0;
        out->last_sync = sqlite3_column_int64(st, 2);
        if (out->acked_seq > 0 &&
            (!hex || keys_hex_decode(hex, out->acked_hash, KEYS_HASH_BYTES, NULL) != BILET_OK))
            bs = bilet_fail(err, BILET_ECORRUPT,
                            "%s: sync_state of %s: acked_hash is not a 64-digit hex hash",
                            o->db_path, o->central);
    } else if (rc != SQLITE_DONE) {
        bs = store_sqlite_fail(err, o->db, rc, o->db_path, "reading sync_state");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return bs;
}

static bilet_status read_last(outbox *o, uint64_t *out, bilet_err *err)
{
    sqlite3_stmt *st = o->st_last;
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    *out = 0;
    if (rc == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        *out = seq > 0 ? (uint64_t)seq : 0;
    } else if (rc != SQLITE_DONE) {
        bs = store_sqlite_fail(err, o->db, rc, o->db_path, "reading the last record");
    }
    sqlite3_reset(st);
    return bs;
}

bilet_status outbox_state_read(outbox *o, outbox_state *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    bilet_status st = exec(o, "BEGIN", "starting a read", err);
    if (st != BILET_OK)
        return st;
    st = read_acked(o, out, err);
    if (st == BILET_OK)
        st = read_last(o, &out->last_seq, err);
    sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL);
    if (st != BILET_OK) {
        memset(out, 0, sizeof *out);
        return st;
    }
    out->pending = out->last_seq > out->acked_seq ? out->last_seq - out->acked_seq : 0;
    return BILET_OK;
}

/* Makes room for n records and bytes more arena bytes beyond used. */
static bilet_status reserve(outbox *o, size_t n, size_t used, size_t bytes, bilet_err *err)
{
    if (n > o->recs_cap) {
        size_t cap = o->recs_cap ? o->recs_cap : 64;
        while (cap < n)
            cap *= 2;
        outbox_record *r = realloc(o->recs, cap * sizeof *r);
        if (!r)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for %zu outbox records", cap);
        o->recs = r;
        o->recs_cap = cap;
    }
    if (bytes > SIZE_MAX / 2 - used)
        return bilet_fail(err, BILET_ENOMEM, "an outbox batch too large to hold");
    if (used + bytes > o->arena_cap) {
        size_t cap = o->arena_cap ? o->arena_cap : 256 * 1024;
        while (cap < used + bytes)
            cap *= 2;
        unsigned char *a = realloc(o->arena, cap);
        if (!a)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for an outbox batch of %zu bytes",
                              cap);
        o->arena = a;
        o->arena_cap = cap;
    }
    return BILET_OK;
}

bilet_status outbox_read(outbox *o, uint64_t after_seq, size_t max_records, size_t max_bytes,
                         const outbox_record **recs, size_t *n, bilet_err *err)
{
    *recs = NULL;
    *n = 0;
    if (max_records == 0)
        return BILET_OK;
    if (after_seq >= (uint64_t)RECORD_INT_MAX)
        return BILET_OK;
    sqlite3_stmt *st = o->st_read;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)after_seq);
    sqlite3_bind_int64(st, 2,
                       max_records > (size_t)INT32_MAX ? INT32_MAX : (sqlite3_int64)max_records);
    size_t count = 0, used = 0, bytes_total = 0;
    bilet_status bs = BILET_OK;
    int rc;
    /* The arena may move while it grows: pointers into it are set once it is full. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t seq = (uint64_t)sqlite3_column_int64(st, 0);
        const void *bytes = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        const void *hash = sqlite3_column_blob(st, 2);
        const void *sig = sqlite3_column_blob(st, 3);
        if (seq != after_seq + count + 1) {
            bs = bilet_fail(
                err, BILET_ECORRUPT, "%s: record %llu is missing: the log goes on with record %llu",
                o->db_path, (unsigned long long)(after_seq + count + 1), (unsigned long long)seq);
            break;
        }
        if (sqlite3_column_bytes(st, 2) != KEYS_HASH_BYTES ||
            sqlite3_column_bytes(st, 3) != KEYS_SIG_BYTES || !hash || !sig || len == 0 || !bytes) {
            bs = bilet_fail(err, BILET_ECORRUPT,
                            "%s: record %llu: bytes, hash or signature missing or of the wrong "
                            "length",
                            o->db_path, (unsigned long long)seq);
            break;
        }
        if (count > 0 && bytes_total + len > max_bytes)
            break;
        size_t one = len + KEYS_HASH_BYTES + KEYS_SIG_BYTES;
        bs = reserve(o, count + 1, used, one, err);
        if (bs != BILET_OK)
            break;
        outbox_record *r = &o->recs[count];
        r->seq = seq;
        r->len = len;
        memcpy(o->arena + used, bytes, len);
        memcpy(o->arena + used + len, hash, KEYS_HASH_BYTES);
        memcpy(o->arena + used + len + KEYS_HASH_BYTES, sig, KEYS_SIG_BYTES);
        r->bytes = NULL;
        r->hash = NULL;
        r->sig = NULL;
        used += one;
        bytes_total += len;
        count++;
    }
    if (bs == BILET_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        bs = store_sqlite_fail(err, o->db, rc, o->db_path, "reading records");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (bs != BILET_OK)
        return bs;
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        outbox_record *r = &o->recs[i];
        r->bytes = o->arena + at;
        r->hash = o->arena + at + r->len;
        r->sig = o->arena + at + r->len + KEYS_HASH_BYTES;
        at += r->len + KEYS_HASH_BYTES + KEYS_SIG_BYTES;
    }
    *recs = o->recs;
    *n = count;
    return BILET_OK;
}

static bilet_status check_hash(outbox *o, uint64_t seq, const unsigned char hash[KEYS_HASH_BYTES],
                               bilet_err *err);

bilet_status outbox_next(outbox *o, size_t max_records, size_t max_bytes,
                         const outbox_record **recs, size_t *n, bilet_err *err)
{
    outbox_state s = { 0 };
    *recs = NULL;
    *n = 0;
    bilet_status st = read_acked(o, &s, err);
    if (st != BILET_OK)
        return st;
    /* The log must still hold the last record this central acknowledged, with the hash its
     * signed receipt named. A last record removed (or removed and written anew) after it was
     * sent leaves a chain that `bilet verify` finds intact: the receipt is what catches it
     * (DESIGN.md), and nothing more is sent from a log that lost acknowledged records. */
    if (s.acked_seq > 0 && check_hash(o, s.acked_seq, s.acked_hash, err) != BILET_OK) {
        char hex[2 * KEYS_HASH_BYTES + 1];
        keys_hex_encode(s.acked_hash, KEYS_HASH_BYTES, hex, sizeof hex, NULL);
        return bilet_fail(err, BILET_ECORRUPT,
                          "%s: record %llu is not the one %s acknowledged (hash %.16s…): a "
                          "record was removed or replaced after the central stored it; the "
                          "central keeps the original",
                          o->db_path, (unsigned long long)s.acked_seq, o->central, hex);
    }
    return outbox_read(o, s.acked_seq, max_records, max_bytes, recs, n, err);
}

static bilet_status need_central(const outbox *o, bilet_err *err)
{
    if (!o->has_central)
        return bilet_fail(err, BILET_EINVAL, "%s: the outbox was opened without a central",
                          o->db_path);
    return BILET_OK;
}

/* Checks inside the open transaction that record seq is in the log with this hash. */
static bilet_status check_hash(outbox *o, uint64_t seq, const unsigned char hash[KEYS_HASH_BYTES],
                               bilet_err *err)
{
    sqlite3_stmt *st = o->st_hash;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_bytes(st, 0) != KEYS_HASH_BYTES ||
            !keys_equal(sqlite3_column_blob(st, 0), hash, KEYS_HASH_BYTES))
            bs = bilet_fail(err, BILET_ECORRUPT,
                            "%s: record %llu has another hash than the one acknowledged",
                            o->db_path, (unsigned long long)seq);
    } else if (rc == SQLITE_DONE) {
        bs = bilet_fail(err, BILET_ECORRUPT, "%s: record %llu, acknowledged, is not in the log",
                        o->db_path, (unsigned long long)seq);
    } else {
        bs = store_sqlite_fail(err, o->db, rc, o->db_path, "reading a record's hash");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return bs;
}

bilet_status outbox_ack(outbox *o, uint64_t seq, const unsigned char hash[KEYS_HASH_BYTES],
                        int64_t now, bilet_err *err)
{
    bilet_status st = need_central(o, err);
    if (st != BILET_OK)
        return st;
    if (seq == 0 || seq >= (uint64_t)RECORD_INT_MAX)
        return bilet_fail(err, BILET_EINVAL, "%s: cannot acknowledge record %llu", o->db_path,
                          (unsigned long long)seq);
    st = exec(o, "BEGIN IMMEDIATE", "starting a transaction", err);
    if (st != BILET_OK)
        return st;
    outbox_state cur = { 0 };
    st = check_hash(o, seq, hash, err);
    if (st == BILET_OK)
        st = read_acked(o, &cur, err);
    if (st != BILET_OK)
        goto out_rollback;
    if (seq > cur.acked_seq) {
        char hex[2 * KEYS_HASH_BYTES + 1];
        keys_hex_encode(hash, KEYS_HASH_BYTES, hex, sizeof hex, NULL);
        sqlite3_bind_text(o->st_upsert, 1, o->central, -1, SQLITE_STATIC);
        sqlite3_bind_int64(o->st_upsert, 2, (sqlite3_int64)seq);
        sqlite3_bind_text(o->st_upsert, 3, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(o->st_upsert, 4, now);
        st = step_done(o, o->st_upsert, "writing sync_state", err);
    } else {
        sqlite3_bind_text(o->st_touch, 1, o->central, -1, SQLITE_STATIC);
        sqlite3_bind_int64(o->st_touch, 2, now);
        st = step_done(o, o->st_touch, "writing sync_state", err);
    }
    if (st == BILET_OK)
        st = exec(o, "COMMIT", "committing sync_state", err);
    if (st == BILET_OK)
        return BILET_OK;

out_rollback:
    sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

bilet_status outbox_rewind(outbox *o, uint64_t seq, bilet_err *err)
{
    bilet_status st = need_central(o, err);
    if (st != BILET_OK)
        return st;
    if (seq == 0 || seq >= (uint64_t)RECORD_INT_MAX)
        return bilet_fail(err, BILET_EINVAL, "%s: cannot send again from record %llu", o->db_path,
                          (unsigned long long)seq);
    st = exec(o, "BEGIN IMMEDIATE", "starting a transaction", err);
    if (st != BILET_OK)
        return st;
    char hex[2 * KEYS_HASH_BYTES + 1] = "";
    if (seq > 1) {
        sqlite3_stmt *hs = o->st_hash;
        sqlite3_bind_int64(hs, 1, (sqlite3_int64)(seq - 1));
        int rc = sqlite3_step(hs);
        if (rc == SQLITE_ROW && sqlite3_column_bytes(hs, 0) == KEYS_HASH_BYTES)
            keys_hex_encode(sqlite3_column_blob(hs, 0), KEYS_HASH_BYTES, hex, sizeof hex, NULL);
        else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            st = bilet_fail(err, BILET_ECORRUPT, "%s: record %llu is not in the log", o->db_path,
                            (unsigned long long)(seq - 1));
        else
            st = store_sqlite_fail(err, o->db, rc, o->db_path, "reading a record's hash");
        sqlite3_reset(hs);
        sqlite3_clear_bindings(hs);
        if (st != BILET_OK)
            goto out_rollback;
    }
    sqlite3_bind_text(o->st_rewind, 1, o->central, -1, SQLITE_STATIC);
    sqlite3_bind_int64(o->st_rewind, 2, (sqlite3_int64)(seq - 1));
    sqlite3_bind_text(o->st_rewind, 3, hex, -1, SQLITE_TRANSIENT);
    st = step_done(o, o->st_rewind, "writing sync_state", err);
    if (st == BILET_OK)
        st = exec(o, "COMMIT", "committing sync_state", err);
    if (st == BILET_OK)
        return BILET_OK;

out_rollback:
    sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}
