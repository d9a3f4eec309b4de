/*
 * store_tool.c — a test-only helper for the CLI tests of `bilet verify`: fills a data
 * folder with records through the store API, and damages a record in the ways sqlite3's
 * shell cannot (flipping one bit of the bytes; re-signing with a foreign key).
 *
 *   store_tool fill DIR N          append N records (a few event types, Cyrillic text)
 *   store_tool flip DIR SEQ OFF    flip the low bit of byte OFF of record SEQ's bytes
 *   store_tool resign DIR SEQ      replace record SEQ's signature by a valid signature of
 *                                  the same bytes made with a fresh, foreign key
 *
 * Damage needs the database itself, so this test-only program opens bilet.db with SQLite
 * directly; nothing outside tests/ and kiosk/store does.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "record.h"
#include "store.h"

static int fail(const char *what, const char *msg)
{
    fprintf(stderr, "store_tool %s: %s\n", what, msg);
    return 1;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || !end || *end || end == s)
        return false;
    *out = v;
    return true;
}

static int fill(const char *dir, uint64_t n)
{
    store *s = NULL;
    bilet_err err = { { 0 } };
    if (store_open(dir, &s, &err) != BILET_OK)
        return fail("fill", err.msg);
    int rc = 0;
    if (store_batch_begin(s, &err) != BILET_OK) {
        store_close(s);
        return fail("fill", err.msg);
    }
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        bilet_field f[4];
        char rb[32];
        snprintf(rb, sizeof rb, "ГД-21-%03" PRIu64, i % 1000);
        f[0] = bilet_field_int("attempt", (int64_t)(i + 1));
        f[1] = bilet_field_str("record_book", rb);
        f[2] = bilet_field_str("full_name", "Сидорова Анна «Аня»\nПетровна");
        f[3] = bilet_field_bool("second", i % 2 == 0);
        if (store_append(s, 1797746400 + (int64_t)i, "2026-12-GD-101",
                         i % 3 ? "student_identified" : "ticket_drawn", f, 4, NULL,
                         &err) != BILET_OK)
            rc = fail("fill", err.msg);
    }
    if (rc == 0 && store_batch_commit(s, &err) != BILET_OK)
        rc = fail("fill", err.msg);
    store_close(s);
    return rc;
}

/* Reads record seq's bytes into a malloc'd buffer. */
static int load_bytes(sqlite3 *db, uint64_t seq, unsigned char **bytes, int *len)
{
    sqlite3_stmt *st = NULL;
    int rc = 1;
    if (sqlite3_prepare_v2(db, "SELECT bytes FROM records WHERE seq = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return fail("load", sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *len = sqlite3_column_bytes(st, 0);
        *bytes = malloc((size_t)*len + 1);
        if (*bytes) {
            memcpy(*bytes, sqlite3_column_blob(st, 0), (size_t)*len);
            rc = 0;
        }
    } else {
        fail("load", "no such record");
    }
    sqlite3_finalize(st);
    return rc;
}

static int update_blob(sqlite3 *db, const char *sql, const void *blob, int len, uint64_t seq)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail("update", sqlite3_errmsg(db));
    sqlite3_bind_blob(st, 1, blob, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
    int rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1 ? 0 : 1;
    if (rc)
        fail("update", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

static int tamper(const char *dir, const char *what, uint64_t seq, uint64_t off)
{
    char path[4096];
    sqlite3 *db = NULL;
    unsigned char *bytes = NULL;
    int len = 0;
    snprintf(path, sizeof path, "%s/%s", dir, STORE_DB_FILE);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return fail(what, "cannot open bilet.db");
    }
    int rc = load_bytes(db, seq, &bytes, &len);
    if (rc == 0 && strcmp(what, "flip") == 0) {
        if (off >= (uint64_t)len) {
            rc = fail(what, "offset beyond the record");
        } else {
            bytes[off] ^= 1;
            rc = update_blob(db, "UPDATE records SET bytes = ? WHERE seq = ?", bytes, len, seq);
        }
    } else if (rc == 0) {
        keys_pair *foreign = NULL;
        bilet_err err = { { 0 } };
        unsigned char sig[KEYS_SIG_BYTES];
        if (keys_pair_random(&foreign, &err) != BILET_OK) {
            rc = fail(what, err.msg);
        } else {
            record_sign(bytes, (size_t)len, foreign, sig);
            if (!record_signature_valid(bytes, (size_t)len, foreign->pk, sig))
                rc = fail(what, "the foreign signature does not verify");
            else
                rc = update_blob(db, "UPDATE records SET sig = ? WHERE seq = ?", sig, sizeof sig,
                                 seq);
            keys_pair_destroy(foreign);
        }
    }
    free(bytes);
    sqlite3_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    uint64_t a = 0, b = 0;
    if (argc == 4 && strcmp(argv[1], "fill") == 0 && parse_u64(argv[3], &a))
        return fill(argv[2], a);
    if (argc == 5 && strcmp(argv[1], "flip") == 0 && parse_u64(argv[3], &a) &&
        parse_u64(argv[4], &b))
        return tamper(argv[2], "flip", a, b);
    if (argc == 4 && strcmp(argv[1], "resign") == 0 && parse_u64(argv[3], &a))
        return tamper(argv[2], "resign", a, 0);
    fprintf(stderr, "usage: store_tool fill DIR N | flip DIR SEQ OFFSET | resign DIR SEQ\n");
    return 2;
}
