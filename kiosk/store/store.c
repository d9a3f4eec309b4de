/*
 * store.c — bilet.db: opening, schema migrations, appending signed records, reading them
 * back, and creating a data folder for `bilet init`.
 *
 * Invariants: records are only ever inserted, seq = last seq + 1 and prev = hash of the
 * last record, both read inside the same write transaction that inserts; every statement
 * on a hot path is prepared once per handle. Load: a kiosk appends a few records per
 * student (tens to hundreds an hour); bulk work and the benchmark append 100 000 in
 * batches, which is why the handle keeps its statements and record buffer.
 */
#include "store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Schema versions, applied in order; index i takes user_version i to i + 1. More
 * columns and tables are added by appending a step, never by editing one. */
static const char *const migrations[] = {
    /* 1: the record log. bytes, hash and sig are the record; time, exam and type repeat
     * header values so that SQL can select without parsing (never trusted for checks). */
    "CREATE TABLE records("
    " seq INTEGER PRIMARY KEY CHECK (seq >= 1),"
    " bytes BLOB NOT NULL,"
    " hash BLOB NOT NULL,"
    " sig BLOB NOT NULL,"
    " time INTEGER NOT NULL,"
    " exam TEXT NOT NULL,"
    " type TEXT NOT NULL);",
};
enum { SCHEMA_VERSION = sizeof migrations / sizeof migrations[0] };
/* user_version after each step, as literals: SQL text is never formatted at run time
 * (script/check-sql). */
static const char *const set_version[] = { "PRAGMA user_version = 1" };
_Static_assert(sizeof set_version / sizeof set_version[0] == SCHEMA_VERSION,
               "one PRAGMA user_version per migration step");

const char *store_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bilet_status store_path(char *out, size_t size, const char *dir, const char *name, bilet_err *err)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return bilet_fail(err, BILET_EINVAL, "%s: path too long", dir);
    return BILET_OK;
}

bilet_status store_sqlite_fail(bilet_err *err, sqlite3 *db, int rc, const char *path,
                               const char *what)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
        return bilet_fail(err, BILET_ECORRUPT,
                          "%s: the database file is damaged or truncated (%s: %s)", path, what,
                          msg);
    case SQLITE_NOMEM:
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory (%s)", path, what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return bilet_fail(err, BILET_EIO, "%s: the database stayed busy (%s: %s)", path, what, msg);
    case SQLITE_READONLY:
        return bilet_fail(err, BILET_EIO,
                          "%s: the database is read-only here, nothing can be written (%s: %s)",
                          path, what, msg);
    case SQLITE_FULL:
        return bilet_fail(err, BILET_EIO, "%s: the disk is full (%s: %s)", path, what, msg);
    case SQLITE_IOERR: {
        /* The system's own reason says more than "disk I/O error": "File too large", "No
         * space left on device", "Read-only file system". */
        int e = db ? sqlite3_system_errno(db) : 0;
        if (e != 0)
            return bilet_fail(err, BILET_EIO, "%s: %s failed: %s (%s)", path, what, strerror(e),
                              msg);
        return bilet_fail(err, BILET_EIO,
                          "%s: %s failed: the disk refused it — full, over a size limit, "
                          "read-only or failing (%s)",
                          path, what, msg);
    }
    default:
        return bilet_fail(err, BILET_EIO, "%s: %s failed: %s", path, what, msg);
    }
}

static bilet_status exec(sqlite3 *db, const char *path, const char *sql, bilet_err *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, db, rc, path, sql);
    return BILET_OK;
}

static bilet_status user_version(sqlite3 *db, const char *path, int *out, bilet_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        bilet_status bs = store_sqlite_fail(err, db, rc, path, "reading the schema version");
        sqlite3_finalize(st);
        return bs;
    }
    *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return BILET_OK;
}

bilet_status store_migrate(sqlite3 *db, const char *path, bilet_err *err)
{
    int version = 0;
    bilet_status st = exec(db, path, "BEGIN IMMEDIATE", err);
    if (st != BILET_OK)
        return st;
    st = user_version(db, path, &version, err);
    if (st != BILET_OK)
        goto out_rollback;
    if (version > SCHEMA_VERSION) {
        st = bilet_fail(err, BILET_ESTATE,
                        "%s: schema version %d was written by a newer bilet (this one knows %d)",
                        path, version, SCHEMA_VERSION);
        goto out_rollback;
    }
    if (version < 0) {
        st = bilet_fail(err, BILET_ECORRUPT, "%s: schema version %d is impossible", path, version);
        goto out_rollback;
    }
    for (int v = version; v < SCHEMA_VERSION; v++) {
        st = exec(db, path, migrations[v], err);
        if (st != BILET_OK)
            goto out_rollback;
    }
    if (version != SCHEMA_VERSION) {
        st = exec(db, path, set_version[SCHEMA_VERSION - 1], err);
        if (st != BILET_OK)
            goto out_rollback;
    }
    return exec(db, path, "COMMIT", err);

out_rollback:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

/* Connection settings every read-write handle uses. */
static bilet_status configure(sqlite3 *db, const char *path, bilet_err *err)
{
    sqlite3_busy_timeout(db, STORE_BUSY_MS);
    sqlite3_extended_result_codes(db, 1);
    bilet_status st = exec(db, path, "PRAGMA journal_mode=WAL", err);
    if (st == BILET_OK)
        st = exec(db, path, "PRAGMA synchronous=FULL", err);
    if (st == BILET_OK)
        st = exec(db, path, "PRAGMA foreign_keys=ON", err);
    return st;
}

static bilet_status prepare(store *s, const char *sql, sqlite3_stmt **out, bilet_err *err)
{
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return store_sqlite_fail(err, s->db, rc, s->db_path, "preparing a statement");
    return BILET_OK;
}

/* Runs a statement that returns no rows and resets it. */
static bilet_status step_done(store *s, sqlite3_stmt *st, const char *what, bilet_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return store_sqlite_fail(err, s->db, rc, s->db_path, what);
    return BILET_OK;
}

/* Reads the chain's tail into s->last_seq / s->last_hash. */
static bilet_status load_last(store *s, bilet_err *err)
{
    sqlite3_stmt *st = s->st_last;
    int rc = sqlite3_step(st);
    bilet_status bs = BILET_OK;
    if (rc == SQLITE_DONE) {
        s->last_seq = 0;
        memset(s->last_hash, 0, sizeof s->last_hash);
    } else if (rc == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        const void *hash = sqlite3_column_blob(st, 1);
        if (seq < 1 || sqlite3_column_bytes(st, 1) != KEYS_HASH_BYTES || !hash) {
            bs = bilet_fail(err, BILET_ECORRUPT, "%s: record %lld has no valid hash", s->db_path,
                            (long long)seq);
        } else {
            s->last_seq = (uint64_t)seq;
            memcpy(s->last_hash, hash, KEYS_HASH_BYTES);
        }
    } else {
        bs = store_sqlite_fail(err, s->db, rc, s->db_path, "reading the last record");
    }
    sqlite3_reset(st);
    return bs;
}

/* Checks that the last record was signed for this kiosk.pub: a data folder whose keys
 * were swapped would otherwise grow a chain no one can verify. */
static bilet_status check_tail_kiosk(store *s, bilet_err *err)
{
    sqlite3_stmt *st = NULL;
    record_view view;
    bilet_err perr = { { 0 } };
    bilet_status bs =
        prepare(s, "SELECT seq, bytes FROM records ORDER BY seq DESC LIMIT 1", &st, err);
    if (bs != BILET_OK)
        return bs;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        long long seq = sqlite3_column_int64(st, 0);
        bs = record_parse(sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &view,
                          &perr);
        if (bs != BILET_OK) {
            bs = bilet_fail(err, BILET_ECORRUPT, "%s: record %lld: %s", s->db_path, seq, perr.msg);
        } else {
            if (strcmp(view.kiosk, s->kiosk_hex) != 0)
                bs = bilet_fail(err, BILET_ECORRUPT,
                                "%s: the records were signed by kiosk %.16s…, but kiosk.pub is "
                                "%.16s…",
                                s->db_path, view.kiosk, s->kiosk_hex);
            record_view_free(&view);
        }
    } else if (rc != SQLITE_DONE) {
        bs = store_sqlite_fail(err, s->db, rc, s->db_path, "reading the last record");
    }
    sqlite3_finalize(st);
    return bs;
}

bilet_status store_open(const char *data_dir, store **out, bilet_err *err)
{
    struct stat sb;
    *out = NULL;
    store *s = calloc(1, sizeof *s);
    if (!s)
        return bilet_fail(err, BILET_ENOMEM, "out of memory opening %s", data_dir);
    bilet_status st = store_path(s->db_path, sizeof s->db_path, data_dir, STORE_DB_FILE, err);
    if (st != BILET_OK)
        goto out_close;
    if (stat(s->db_path, &sb) != 0) {
        st = bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO,
                        "%s: %s (create a data folder with: bilet init --data %s)", s->db_path,
                        strerror(errno), data_dir);
        goto out_close;
    }
    st = keys_pair_load(data_dir, &s->kp, err);
    if (st != BILET_OK)
        goto out_close;
    keys_hex_encode(s->kp->pk, KEYS_PUBLIC_BYTES, s->kiosk_hex, sizeof s->kiosk_hex, NULL);

    int rc = sqlite3_open_v2(s->db_path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = store_sqlite_fail(err, s->db, rc, s->db_path, "opening");
        goto out_close;
    }
    st = configure(s->db, s->db_path, err);
    if (st == BILET_OK)
        st = store_migrate(s->db, s->db_path, err);
    if (st == BILET_OK)
        st = prepare(s, "BEGIN IMMEDIATE", &s->st_begin, err);
    if (st == BILET_OK)
        st = prepare(s, "COMMIT", &s->st_commit, err);
    if (st == BILET_OK)
        st = prepare(s, "ROLLBACK", &s->st_rollback, err);
    if (st == BILET_OK)
        st =
            prepare(s, "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1", &s->st_last, err);
    if (st == BILET_OK)
        st = prepare(s,
                     "INSERT INTO records(seq, bytes, hash, sig, time, exam, type)"
                     " VALUES(?, ?, ?, ?, ?, ?, ?)",
                     &s->st_insert, err);
    if (st == BILET_OK)
        st = check_tail_kiosk(s, err);
    if (st != BILET_OK)
        goto out_close;
    *out = s;
    return BILET_OK;

out_close:
    store_close(s);
    return st;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->in_batch)
        store_batch_rollback(s);
    sqlite3_finalize(s->st_begin);
    sqlite3_finalize(s->st_commit);
    sqlite3_finalize(s->st_rollback);
    sqlite3_finalize(s->st_last);
    sqlite3_finalize(s->st_insert);
    sqlite3_close(s->db);
    keys_pair_destroy(s->kp);
    record_buf_free(&s->buf);
    free(s);
}

const unsigned char *store_public_key(const store *s)
{
    return s->kp->pk;
}

const char *store_kiosk_hex(const store *s)
{
    return s->kiosk_hex;
}

static bilet_status txn_begin(store *s, bilet_err *err)
{
    bilet_status st = step_done(s, s->st_begin, "starting a transaction", err);
    if (st != BILET_OK)
        return st;
    st = load_last(s, err);
    if (st != BILET_OK)
        step_done(s, s->st_rollback, "rolling back", NULL);
    return st;
}

/* Builds, hashes, signs and inserts the next record inside the open transaction. */
static bilet_status append_in_txn(store *s, int64_t time, const char *exam, const char *type,
                                  const bilet_field *f, size_t n, uint64_t *seq_out, bilet_err *err)
{
    char prev[RECORD_HEX_LEN + 1];
    unsigned char hash[KEYS_HASH_BYTES];
    unsigned char sig[KEYS_SIG_BYTES];
    keys_hex_encode(s->last_hash, sizeof s->last_hash, prev, sizeof prev, NULL);
    record_header h = {
        .kiosk = s->kiosk_hex,
        .seq = s->last_seq + 1,
        .prev = prev,
        .time = time,
        .exam = exam,
        .type = type,
    };
    bilet_status st = record_build(&h, f, n, &s->buf, err);
    if (st != BILET_OK)
        return st;
    record_hash(s->buf.data, s->buf.len, hash);
    record_sign(s->buf.data, s->buf.len, s->kp, sig);

    sqlite3_stmt *ins = s->st_insert;
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)h.seq);
    sqlite3_bind_blob(ins, 2, s->buf.data, (int)s->buf.len, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 3, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 4, sig, sizeof sig, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, time);
    sqlite3_bind_text(ins, 6, exam, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, type, -1, SQLITE_STATIC);
    st = step_done(s, ins, "appending a record", err);
    sqlite3_clear_bindings(ins);
    if (st != BILET_OK)
        return st;
    s->last_seq = h.seq;
    memcpy(s->last_hash, hash, sizeof hash);
    if (seq_out)
        *seq_out = h.seq;
    return BILET_OK;
}

bilet_status store_append(store *s, int64_t time, const char *exam, const char *type,
                          const bilet_field *f, size_t n, uint64_t *seq_out, bilet_err *err)
{
    if (!exam || !type)
        return bilet_fail(err, BILET_EINVAL, "record: exam and type are required");
    if (s->in_batch)
        return append_in_txn(s, time, exam, type, f, n, seq_out, err);
    bilet_status st = txn_begin(s, err);
    if (st != BILET_OK)
        return st;
    st = append_in_txn(s, time, exam, type, f, n, seq_out, err);
    if (st == BILET_OK)
        st = step_done(s, s->st_commit, "committing a record", err);
    if (st != BILET_OK)
        step_done(s, s->st_rollback, "rolling back", NULL);
    return st;
}

bilet_status store_batch_begin(store *s, bilet_err *err)
{
    if (s->in_batch)
        return bilet_fail(err, BILET_ESTATE, "%s: a batch is already open", s->db_path);
    bilet_status st = txn_begin(s, err);
    if (st == BILET_OK)
        s->in_batch = true;
    return st;
}

bilet_status store_batch_commit(store *s, bilet_err *err)
{
    if (!s->in_batch)
        return bilet_fail(err, BILET_ESTATE, "%s: no batch is open", s->db_path);
    s->in_batch = false;
    bilet_status st = step_done(s, s->st_commit, "committing a batch", err);
    if (st != BILET_OK)
        step_done(s, s->st_rollback, "rolling back", NULL);
    return st;
}

void store_batch_rollback(store *s)
{
    if (!s->in_batch)
        return;
    s->in_batch = false;
    step_done(s, s->st_rollback, "rolling back", NULL);
}

bilet_status store_last(store *s, uint64_t *seq, unsigned char hash[KEYS_HASH_BYTES],
                        bilet_err *err)
{
    bilet_status st = load_last(s, err);
    if (st != BILET_OK)
        return st;
    *seq = s->last_seq;
    if (hash)
        memcpy(hash, s->last_hash, KEYS_HASH_BYTES);
    return BILET_OK;
}

bilet_status store_foreach(store *s, uint64_t from_seq, store_record_fn fn, void *ctx,
                           bilet_err *err)
{
    sqlite3_stmt *st = NULL;
    bilet_err perr = { { 0 } };
    bilet_status bs = prepare(s,
                              "SELECT seq, bytes, hash, sig FROM records WHERE seq >= ?"
                              " ORDER BY seq",
                              &st, err);
    if (bs != BILET_OK)
        return bs;
    sqlite3_bind_int64(
        st, 1, from_seq > (uint64_t)RECORD_INT_MAX ? RECORD_INT_MAX : (sqlite3_int64)from_seq);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        record_view view;
        store_record rec = {
            .seq = (uint64_t)sqlite3_column_int64(st, 0),
            .bytes = sqlite3_column_blob(st, 1),
            .len = (size_t)sqlite3_column_bytes(st, 1),
            .hash = sqlite3_column_blob(st, 2),
            .sig = sqlite3_column_blob(st, 3),
            .view = &view,
        };
        if (sqlite3_column_bytes(st, 2) != KEYS_HASH_BYTES ||
            sqlite3_column_bytes(st, 3) != KEYS_SIG_BYTES) {
            bs = bilet_fail(err, BILET_ECORRUPT,
                            "%s: record %llu: hash or signature of the "
                            "wrong length",
                            s->db_path, (unsigned long long)rec.seq);
            break;
        }
        bs = record_parse(rec.bytes, rec.len, &view, &perr);
        if (bs != BILET_OK) {
            bs = bilet_fail(err, BILET_ECORRUPT, "%s: record %llu: %s", s->db_path,
                            (unsigned long long)rec.seq, perr.msg);
            break;
        }
        bs = fn(&rec, ctx, err);
        record_view_free(&view);
        if (bs != BILET_OK)
            break;
    }
    if (bs == BILET_OK && rc != SQLITE_DONE)
        bs = store_sqlite_fail(err, s->db, rc, s->db_path, "reading records");
    sqlite3_finalize(st);
    return bs;
}

/* Removes what store_init_data_dir made when it fails half-way. */
static void init_undo(const char *dir, bool made_dir, bool made_keys, bool made_db)
{
    static const char *const db_files[] = { STORE_DB_FILE, STORE_DB_FILE "-wal",
                                            STORE_DB_FILE "-shm", STORE_DB_FILE "-journal" };
    char path[STORE_PATH_MAX];
    if (made_db)
        for (size_t i = 0; i < sizeof db_files / sizeof db_files[0]; i++)
            if (store_path(path, sizeof path, dir, db_files[i], NULL) == BILET_OK)
                unlink(path);
    if (made_keys) {
        if (store_path(path, sizeof path, dir, KEYS_SECRET_FILE, NULL) == BILET_OK)
            unlink(path);
        if (store_path(path, sizeof path, dir, KEYS_PUBLIC_FILE, NULL) == BILET_OK)
            unlink(path);
    }
    if (made_dir)
        rmdir(dir);
}

static bilet_status refuse_existing(const char *dir, const char *name, bilet_err *err)
{
    char path[STORE_PATH_MAX];
    struct stat sb;
    bilet_status st = store_path(path, sizeof path, dir, name, err);
    if (st != BILET_OK)
        return st;
    if (lstat(path, &sb) == 0)
        return bilet_fail(err, BILET_EEXIST,
                          "%s exists already: %s is initialised; nothing was changed", path, dir);
    if (errno != ENOENT)
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    return BILET_OK;
}

static bilet_status create_db(const char *path, bilet_err *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                 SQLITE_OPEN_EXRESCODE,
                             NULL);
    bilet_status st = BILET_OK;
    if (rc != SQLITE_OK) {
        st = store_sqlite_fail(err, db, rc, path, "creating");
        goto out_close;
    }
    st = configure(db, path, err);
    if (st == BILET_OK)
        st = store_migrate(db, path, err);

out_close:
    if (sqlite3_close(db) != SQLITE_OK && st == BILET_OK)
        st = bilet_fail(err, BILET_EIO, "%s: could not close after creating", path);
    return st;
}

/* Makes the folder's new entries durable: bilet.db must not outlive a power cut that loses
 * it from its folder, nor the other way round. */
static bilet_status fsync_dir(const char *dir, bilet_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return bilet_fail(err, BILET_EIO, "%s: cannot open the folder: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return bilet_fail(err, BILET_EIO, "%s: fsync failed: %s", dir, strerror(saved));
    return BILET_OK;
}

bilet_status store_init_data_dir(const char *dir, bilet_err *err)
{
    struct stat sb;
    char db_path[STORE_PATH_MAX];
    bool made_dir = false;
    bilet_status st = store_path(db_path, sizeof db_path, dir, STORE_DB_FILE, err);
    if (st != BILET_OK)
        return st;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return bilet_fail(err, BILET_EEXIST, "%s exists and is not a folder", dir);
    } else if (errno == ENOENT) {
        if (mkdir(dir, 0700) != 0)
            return bilet_fail(err, BILET_EIO, "%s: cannot create the folder: %s", dir,
                              strerror(errno));
        made_dir = true;
    } else {
        return bilet_fail(err, BILET_EIO, "%s: %s", dir, strerror(errno));
    }

    st = refuse_existing(dir, KEYS_SECRET_FILE, err);
    if (st == BILET_OK)
        st = refuse_existing(dir, KEYS_PUBLIC_FILE, err);
    if (st == BILET_OK)
        st = refuse_existing(dir, STORE_DB_FILE, err);
    if (st != BILET_OK)
        goto out_undo_dir;

    st = keys_generate_pair(dir, NULL, err);
    if (st != BILET_OK)
        goto out_undo_dir;
    st = create_db(db_path, err);
    if (st == BILET_OK)
        st = fsync_dir(dir, err);
    if (st != BILET_OK) {
        init_undo(dir, made_dir, true, true);
        return st;
    }
    return BILET_OK;

out_undo_dir:
    init_undo(dir, made_dir, false, false);
    return st;
}
