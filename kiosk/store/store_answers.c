/*
 * store_answers.c — the autosave and heartbeat tables (answers.h): a second SQLite
 * connection to bilet.db, so that typed text is saved by a thread of its own while the
 * record log is appended from the UI thread.
 *
 * Invariants: the tables are created with IF NOT EXISTS and never touch PRAGMA
 * user_version (the record log's migrations own it); every write is one committed
 * statement under synchronous=FULL, so a row is durable when the call returns. Statements
 * are prepared once per handle: a save a second must not pay for SQL compilation.
 */
#include "answers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_private.h"

struct store_answers {
    sqlite3 *db;
    char db_path[STORE_PATH_MAX];
    sqlite3_stmt *st_save;
    sqlite3_stmt *st_load;
    sqlite3_stmt *st_beat;
    sqlite3_stmt *st_last_beat;
};

static const char schema[] = "CREATE TABLE IF NOT EXISTS answers("
                             " exam TEXT NOT NULL,"
                             " attempt INTEGER NOT NULL,"
                             " revision INTEGER NOT NULL,"
                             " text BLOB NOT NULL,"
                             " saved_at INTEGER NOT NULL,"
                             " PRIMARY KEY(exam, attempt));"
                             "CREATE TABLE IF NOT EXISTS heartbeat("
                             " id INTEGER PRIMARY KEY CHECK (id = 1),"
                             " time INTEGER NOT NULL);";

static bilet_status exec(store_answers *a, const char *sql, const char *what, bilet_err *err)
{
    int rc = sqlite3_exec(a->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, a->db, rc, a->db_path, what);
    return BILET_OK;
}

static bilet_status prepare(store_answers *a, const char *sql, sqlite3_stmt **out, bilet_err *err)
{
    int rc = sqlite3_prepare_v3(a->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, a->db, rc, a->db_path, "preparing a statement");
    return BILET_OK;
}

bilet_status store_answers_open(const char *data_dir, store_answers **out, bilet_err *err)
{
    *out = NULL;
    store_answers *a = calloc(1, sizeof *a);
    if (!a)
        return bilet_fail(err, BILET_ENOMEM, "out of memory opening %s", data_dir);
    bilet_status st = store_path(a->db_path, sizeof a->db_path, data_dir, STORE_DB_FILE, err);
    if (st != BILET_OK)
        goto out_close;
    struct stat sb;
    if (stat(a->db_path, &sb) != 0) {
        st = bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", a->db_path,
                        strerror(errno));
        goto out_close;
    }
    int rc = sqlite3_open_v2(a->db_path, &a->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = store_sqlite_fail(err, a->db, rc, a->db_path, "opening");
        goto out_close;
    }
    sqlite3_busy_timeout(a->db, STORE_BUSY_MS);
    sqlite3_extended_result_codes(a->db, 1);
    st = exec(a, "PRAGMA journal_mode=WAL", "setting WAL mode", err);
    if (st == BILET_OK)
        st = exec(a, "PRAGMA synchronous=FULL", "setting synchronous=FULL", err);
    if (st == BILET_OK)
        st = exec(a, schema, "creating the autosave tables", err);
    if (st == BILET_OK)
        st = prepare(a,
                     "INSERT OR REPLACE INTO answers(exam, attempt, revision, text, saved_at)"
                     " VALUES(?, ?, ?, ?, ?)",
                     &a->st_save, err);
    if (st == BILET_OK)
        st = prepare(a, "SELECT text, revision FROM answers WHERE exam = ? AND attempt = ?",
                     &a->st_load, err);
    if (st == BILET_OK)
        st =
            prepare(a, "INSERT OR REPLACE INTO heartbeat(id, time) VALUES(1, ?)", &a->st_beat, err);
    if (st == BILET_OK)
        st = prepare(a, "SELECT time FROM heartbeat WHERE id = 1", &a->st_last_beat, err);
    if (st != BILET_OK)
        goto out_close;
    *out = a;
    return BILET_OK;

out_close:
    store_answers_close(a);
    return st;
}

void store_answers_close(store_answers *a)
{
    if (!a)
        return;
    sqlite3_finalize(a->st_save);
    sqlite3_finalize(a->st_load);
    sqlite3_finalize(a->st_beat);
    sqlite3_finalize(a->st_last_beat);
    sqlite3_close(a->db);
    free(a);
}

/* Runs a write statement to its end and resets it; the message says what was written. */
static bilet_status step_done(store_answers *a, sqlite3_stmt *st, const char *what, bilet_err *err)
{
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    if (rc != SQLITE_DONE)
        bs = store_sqlite_fail(err, a->db, rc, a->db_path, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return bs;
}

bilet_status store_answers_save(store_answers *a, const char *exam, int attempt, uint64_t revision,
                                const char *text, size_t len, int64_t saved_at, bilet_err *err)
{
    if (len > STORE_ANSWER_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "%s: an answer of %zu bytes is over the %d-byte cap",
                          a->db_path, len, (int)STORE_ANSWER_MAX);
    sqlite3_stmt *st = a->st_save;
    sqlite3_bind_text(st, 1, exam, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, attempt);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)(revision & INT64_MAX));
    sqlite3_bind_blob64(st, 4, len ? text : "", len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, saved_at);
    return step_done(a, st, "saving the answer text", err);
}

bilet_status store_answers_load(store_answers *a, const char *exam, int attempt, char **text,
                                size_t *len, uint64_t *revision, bilet_err *err)
{
    *text = NULL;
    *len = 0;
    sqlite3_stmt *st = a->st_load;
    sqlite3_bind_text(st, 1, exam, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, attempt);
    bilet_status bs = BILET_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        bs = bilet_fail(err, BILET_ENOTFOUND, "%s: no saved answer for attempt %d", a->db_path,
                        attempt);
        goto out_reset;
    }
    if (rc != SQLITE_ROW) {
        bs = store_sqlite_fail(err, a->db, rc, a->db_path, "reading the saved answer");
        goto out_reset;
    }
    const void *blob = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0);
    if (n < 0 || (size_t)n > STORE_ANSWER_MAX) {
        bs = bilet_fail(err, BILET_ECORRUPT, "%s: the saved answer of attempt %d is %d bytes",
                        a->db_path, attempt, n);
        goto out_reset;
    }
    char *buf = malloc((size_t)n + 1);
    if (!buf) {
        bs = bilet_fail(err, BILET_ENOMEM, "out of memory reading the saved answer");
        goto out_reset;
    }
    if (n > 0)
        memcpy(buf, blob, (size_t)n);
    buf[n] = '\0';
    *text = buf;
    *len = (size_t)n;
    if (revision)
        *revision = (uint64_t)sqlite3_column_int64(st, 1);
out_reset:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return bs;
}

bilet_status store_answers_heartbeat(store_answers *a, int64_t now, bilet_err *err)
{
    sqlite3_bind_int64(a->st_beat, 1, now);
    return step_done(a, a->st_beat, "writing the heartbeat", err);
}

bilet_status store_answers_last_heartbeat(store_answers *a, int64_t *out, bilet_err *err)
{
    *out = 0;
    sqlite3_stmt *st = a->st_last_beat;
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        bs = store_sqlite_fail(err, a->db, rc, a->db_path, "reading the heartbeat");
    sqlite3_reset(st);
    return bs;
}
