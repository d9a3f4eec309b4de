/*
 * store_verify.c — `bilet verify`: reads a data folder without changing it and checks the
 * database, the chain and every signature, naming the first bad record.
 *
 * Invariants: no stored hash is trusted; each record's hash is computed from its bytes,
 * and prev is compared with the computed hash of the row before. The checks run in the
 * order docs/records.md gives, so that the first failure named is the most telling one.
 * A record is judged by its bytes only, never by a re-serialisation: the hot path compares
 * the header bytes with the header the record must have (record_header_prefix) and parses
 * only the fields after it (record_check_fields), which together accept exactly what
 * record_parse accepts; a record whose header differs in any byte is parsed in full, which
 * also names what differs. Load: the whole log in one streaming pass over one prepared
 * statement; per record one BLAKE2b, one Ed25519 verification and a parse of its fields
 * (bench/records measures it against libsodium's raw verify rate).
 */
#include "store_private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Fills rep and err with the same one-line problem and returns st. */
static bilet_status report(store_verify_report *rep, bilet_err *err, bilet_status st,
                           uint64_t bad_seq, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bilet_status report(store_verify_report *rep, bilet_err *err, bilet_status st,
                           uint64_t bad_seq, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->problem, sizeof rep->problem, fmt, ap);
    va_end(ap);
    rep->bad_seq = bad_seq;
    return bilet_fail(err, st, "%s", rep->problem);
}

static bilet_status require_file(const char *path, bilet_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return bilet_fail(err, BILET_EIO, "%s: not a regular file", path);
    return BILET_OK;
}

static bilet_status quick_check(sqlite3 *db, const char *path, store_verify_report *rep,
                                bilet_err *err)
{
    sqlite3_stmt *st = NULL;
    bilet_status bs = BILET_OK;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *res = (const char *)sqlite3_column_text(st, 0);
        if (!res || strcmp(res, "ok") != 0)
            bs = report(rep, err, BILET_ECORRUPT, 0,
                        "%s: the database file is damaged or truncated (%s)", path,
                        res ? res : "no answer");
    } else {
        bs = store_sqlite_fail(err, db, rc, path, "checking the database");
        /* A file that cannot even be checked is damaged, unless SQLite says why it could
         * not look: read-only (a WAL database needs its -shm beside it), or not openable. */
        int why = rc & 0xff;
        if (bs == BILET_EIO && why != SQLITE_READONLY && why != SQLITE_CANTOPEN &&
            why != SQLITE_PERM)
            bs = bilet_fail(err, BILET_ECORRUPT,
                            "%s: the database file is damaged or truncated (%s)", path,
                            sqlite3_errmsg(db));
        snprintf(rep->problem, sizeof rep->problem, "%s", err ? err->msg : "damaged database");
    }
    sqlite3_finalize(st);
    return bs;
}

/* The parse message without its "record: " prefix, for "record 7: ..." lines. */
static const char *bare(const char *msg)
{
    return strncmp(msg, "record: ", 8) == 0 ? msg + 8 : msg;
}

/* True when text column i of the row is exactly s. */
static bool col_is(sqlite3_stmt *st, int i, const char *s)
{
    const unsigned char *text = sqlite3_column_text(st, i);
    size_t len = (size_t)sqlite3_column_bytes(st, i);
    return text && len == strlen(s) && memcmp(text, s, len) == 0;
}

typedef struct walk {
    const char *path;
    unsigned char pk[KEYS_PUBLIC_BYTES];
    char kiosk_hex[RECORD_HEX_LEN + 1];
    uint64_t expected;
    char prev_hex[RECORD_HEX_LEN + 1];
    char head[1024]; /* the header the current record must start with */
} walk;

/* True when the row's bytes start with exactly the header record_build writes for this
 * kiosk, the expected seq, the computed prev and the row's time, exam and type columns;
 * *head_len_out is then its length. The header checks (steps 2.2 to 2.4 and 2.7 of
 * docs/records.md) then hold by construction, and only the fields need parsing; anything
 * else goes the long way, which also says what differs. */
static bool header_matches(walk *w, sqlite3_stmt *st, uint64_t seq, const char *bytes, size_t len,
                           size_t *head_len_out)
{
    const char *exam = (const char *)sqlite3_column_text(st, 5);
    const char *type = (const char *)sqlite3_column_text(st, 6);
    size_t head_len = 0;
    if (!exam || !type || strlen(exam) != (size_t)sqlite3_column_bytes(st, 5) ||
        strlen(type) != (size_t)sqlite3_column_bytes(st, 6))
        return false;
    record_header h = { w->kiosk_hex, seq, w->prev_hex, sqlite3_column_int64(st, 4), exam, type };
    if (record_header_prefix(&h, w->head, sizeof w->head, &head_len, NULL) != BILET_OK)
        return false;
    *head_len_out = head_len;
    return len > head_len && memcmp(bytes, w->head, head_len) == 0;
}

/* The header checks the long way: a strict parse, then seq, kiosk and prev, so that the
 * message says what differs. */
static bilet_status check_header_parsed(walk *w, uint64_t seq, const char *bytes, size_t len,
                                        record_view *view, store_verify_report *rep, bilet_err *err)
{
    bilet_err perr = { { 0 } };
    if (record_parse(bytes, len, view, &perr) != BILET_OK)
        return report(rep, err, BILET_ECORRUPT, seq, "record %llu: not a valid record: %s",
                      (unsigned long long)seq, bare(perr.msg));
    if (view->seq != seq)
        return report(rep, err, BILET_ECORRUPT, seq,
                      "record %llu: its bytes say seq %llu (a record out of its place)",
                      (unsigned long long)seq, (unsigned long long)view->seq);
    if (strcmp(view->kiosk, w->kiosk_hex) != 0)
        return report(rep, err, BILET_EBADSIG, seq,
                      "record %llu: made by another kiosk (%.16s…), not the one of kiosk.pub "
                      "(%.16s…)",
                      (unsigned long long)seq, view->kiosk, w->kiosk_hex);
    if (strcmp(view->prev, w->prev_hex) != 0) {
        if (seq == 1)
            return report(rep, err, BILET_ECORRUPT, seq,
                          "record 1: prev is not 64 zeros (the log does not start here)");
        return report(rep, err, BILET_ECORRUPT, seq,
                      "record %llu: prev does not match the hash of record %llu (the chain is "
                      "broken)",
                      (unsigned long long)seq, (unsigned long long)(seq - 1));
    }
    return BILET_OK;
}

/* Checks one row; on success advances the walk. */
static bilet_status check_row(walk *w, sqlite3_stmt *st, store_verify_report *rep, bilet_err *err)
{
    sqlite3_int64 row_seq = sqlite3_column_int64(st, 0);
    const char *bytes = sqlite3_column_blob(st, 1);
    size_t len = (size_t)sqlite3_column_bytes(st, 1);
    const void *hash = sqlite3_column_blob(st, 2);
    int hash_len = sqlite3_column_bytes(st, 2);
    const void *sig = sqlite3_column_blob(st, 3);
    int sig_len = sqlite3_column_bytes(st, 3);
    unsigned char computed[KEYS_HASH_BYTES];
    record_view view;
    bool parsed = false;
    size_t head_len = 0;
    bilet_status bs = BILET_OK;

    if (row_seq < 1)
        return report(rep, err, BILET_ECORRUPT, 0,
                      "a row has sequence number %lld; records are numbered from 1",
                      (long long)row_seq);
    uint64_t seq = (uint64_t)row_seq;
    if (seq != w->expected) {
        if (w->expected == 1)
            return report(rep, err, BILET_ECORRUPT, 1,
                          "record 1 is missing: the log starts at record %llu",
                          (unsigned long long)seq);
        return report(rep, err, BILET_ECORRUPT, w->expected,
                      "record %llu is missing: record %llu is followed by record %llu",
                      (unsigned long long)w->expected, (unsigned long long)(w->expected - 1),
                      (unsigned long long)seq);
    }
    if (!bytes)
        bytes = "";
    if (header_matches(w, st, seq, bytes, len, &head_len)) {
        bilet_err perr = { { 0 } };
        if (record_check_fields(bytes + head_len, len - head_len, head_len, &perr) != BILET_OK)
            return report(rep, err, BILET_ECORRUPT, seq, "record %llu: not a valid record: %s",
                          (unsigned long long)seq, bare(perr.msg));
    } else {
        parsed = true;
        bs = check_header_parsed(w, seq, bytes, len, &view, rep, err);
        if (bs != BILET_OK)
            goto out_free;
    }

    record_hash(bytes, len, computed);
    if (hash_len != KEYS_HASH_BYTES || !keys_equal(hash, computed, KEYS_HASH_BYTES)) {
        bs = report(rep, err, BILET_ECORRUPT, seq,
                    "record %llu: the stored hash does not match its bytes (altered bytes)",
                    (unsigned long long)seq);
    } else if (sig_len != KEYS_SIG_BYTES || !record_signature_valid(bytes, len, w->pk, sig)) {
        bs = report(rep, err, BILET_EBADSIG, seq,
                    "record %llu: the signature does not verify with kiosk.pub",
                    (unsigned long long)seq);
    } else if (parsed && (sqlite3_column_int64(st, 4) != view.time || !col_is(st, 5, view.exam) ||
                          !col_is(st, 6, view.type))) {
        /* The copies SQL selects on must not tell another story than the signed bytes. */
        bs = report(rep, err, BILET_ECORRUPT, seq,
                    "record %llu: the time, exam or type column disagrees with its bytes",
                    (unsigned long long)seq);
    }
    if (bs != BILET_OK)
        goto out_free;

    keys_hex_encode(computed, sizeof computed, w->prev_hex, sizeof w->prev_hex, NULL);
    w->expected++;
    rep->records++;

out_free:
    if (parsed)
        record_view_free(&view);
    return bs;
}

bilet_status store_verify(const char *data_dir, store_verify_report *rep, bilet_err *err)
{
    char pub_path[STORE_PATH_MAX];
    walk w = { 0 };
    char db_path[STORE_PATH_MAX];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    memset(rep, 0, sizeof *rep);

    bilet_status bs = store_path(db_path, sizeof db_path, data_dir, STORE_DB_FILE, err);
    if (bs == BILET_OK)
        bs = store_path(pub_path, sizeof pub_path, data_dir, KEYS_PUBLIC_FILE, err);
    if (bs == BILET_OK)
        bs = require_file(db_path, err);
    if (bs == BILET_OK)
        bs = keys_file_read_hex(pub_path, w.pk, sizeof w.pk, err);
    if (bs != BILET_OK) {
        snprintf(rep->problem, sizeof rep->problem, "%s", err ? err->msg : "cannot read");
        return bs;
    }
    w.path = db_path;
    w.expected = 1;
    keys_hex_encode(w.pk, sizeof w.pk, w.kiosk_hex, sizeof w.kiosk_hex, NULL);
    memset(w.prev_hex, '0', RECORD_HEX_LEN);

    int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        bs = store_sqlite_fail(err, db, rc, db_path, "opening");
        snprintf(rep->problem, sizeof rep->problem, "%s", err ? err->msg : "cannot open");
        goto out_close;
    }
    sqlite3_busy_timeout(db, STORE_BUSY_MS);
    /* The whole file is read twice (check, then walk): map it rather than copy it page by
     * page through read(2). */
    sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    /* One read transaction: the check and the walk see the same snapshot, even while a
     * running kiosk appends. */
    rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        bs = store_sqlite_fail(err, db, rc, db_path, "starting to read");
        snprintf(rep->problem, sizeof rep->problem, "%s", err ? err->msg : "cannot read");
        goto out_close;
    }
    bs = quick_check(db, db_path, rep, err);
    if (bs != BILET_OK)
        goto out_close;

    rc = sqlite3_prepare_v2(
        db, "SELECT seq, bytes, hash, sig, time, exam, type FROM records ORDER BY seq", -1, &st,
        NULL);
    if (rc != SQLITE_OK) {
        bs = report(rep, err, BILET_ECORRUPT, 0, "%s: no readable record table (%s)", db_path,
                    sqlite3_errmsg(db));
        goto out_close;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        bs = check_row(&w, st, rep, err);
        if (bs != BILET_OK)
            goto out_close;
    }
    if (rc != SQLITE_DONE) {
        bs = store_sqlite_fail(err, db, rc, db_path, "reading records");
        if (bs == BILET_EIO)
            bs = BILET_ECORRUPT;
        snprintf(rep->problem, sizeof rep->problem, "%s", err ? err->msg : "cannot read");
    }

out_close:
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return bs;
}
