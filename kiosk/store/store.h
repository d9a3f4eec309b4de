/*
 * store.h — a kiosk's data folder: its keypair and bilet.db, the signed record log.
 *
 * A data folder holds kiosk.key (0600), kiosk.pub and bilet.db (SQLite, WAL). Every event
 * is appended as one record (docs/records.md): the store numbers it, chains it to the
 * previous record's hash, signs it with kiosk.key and keeps bytes, hash and signature in
 * the table records. Nothing is ever updated or deleted. An append outside a batch is
 * durable when it returns (synchronous=FULL: the WAL is fsync'ed at each commit).
 *
 * A store handle belongs to one thread at a time. Several processes may share a data
 * folder: appends take SQLite's write lock and read the chain's tail inside it, so two
 * writers never fork the chain (a busy database is waited for up to 5 s).
 */
#ifndef BILET_STORE_H
#define BILET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "keys.h"
#include "record.h"
#include "status.h"

#define STORE_DB_FILE "bilet.db"

typedef struct store store;

/* Creates a data folder for `bilet init`: the folder itself if missing (mode 0700), a
 * fresh keypair (kiosk.key 0600, kiosk.pub 0644) and bilet.db with the current schema.
 * BILET_EEXIST, changing nothing, if kiosk.key, kiosk.pub or bilet.db is there already.
 * On any other failure whatever this call created is removed again. */
bilet_status store_init_data_dir(const char *dir, bilet_err *err);

/* Opens DATA/bilet.db for reading and appending: WAL, synchronous=FULL, foreign keys,
 * a 5 s busy timeout, and schema migrations (PRAGMA user_version). Loads kiosk.key and
 * kiosk.pub and checks that they pair, and that the last record was signed for that key.
 * BILET_ENOTFOUND (naming the file) when the folder is not initialised, BILET_ECORRUPT
 * when the database or the keys are damaged, BILET_ESTATE when bilet.db was written by a
 * newer bilet. The caller owns *out and closes it with store_close. */
bilet_status store_open(const char *data_dir, store **out, bilet_err *err);

/* Closes the store, rolling back an unfinished batch, and wipes the secret key. NULL is
 * fine. */
void store_close(store *s);

/* The kiosk's public key (32 bytes) and the same as 64 hex digits; owned by the store. */
const unsigned char *store_public_key(const store *s);
const char *store_kiosk_hex(const store *s);

/* Appends one record: seq and prev from the last record, the bytes built from the header
 * (time, exam, type) and fields f[0..n), then hashed, signed and inserted. Outside a batch
 * the record is committed and durable on return; inside one it is durable with
 * store_batch_commit. *seq_out (if not NULL) receives its sequence number. A refused
 * record (a bad field: BILET_EINVAL naming it) leaves the log and a batch as they were. */
bilet_status store_append(store *s, int64_t time, const char *exam, const char *type,
                          const bilet_field *f, size_t n, uint64_t *seq_out, bilet_err *err);

/* Groups the following appends into one transaction, so that they cost one fsync and
 * become durable together at store_batch_commit (a crash before it loses the whole batch,
 * never part of it). BILET_ESTATE if a batch is already open. */
bilet_status store_batch_begin(store *s, bilet_err *err);
bilet_status store_batch_commit(store *s, bilet_err *err);
/* Abandons the open batch and its appends; no-op without one. */
void store_batch_rollback(store *s);

/* The sequence number and hash of the last record; *seq 0 (hash all zeros) when the log is
 * empty. hash may be NULL. */
bilet_status store_last(store *s, uint64_t *seq, unsigned char hash[KEYS_HASH_BYTES],
                        bilet_err *err);

/* One stored record as store_foreach hands it over: everything borrowed for the callback
 * only. */
typedef struct store_record {
    uint64_t seq;
    const unsigned char *bytes;
    size_t len;
    const unsigned char *hash; /* KEYS_HASH_BYTES, as stored */
    const unsigned char *sig;  /* KEYS_SIG_BYTES, as stored */
    const record_view *view;   /* the parsed bytes */
} store_record;

/* Returns BILET_OK to go on; any other status stops store_foreach, which returns it. */
typedef bilet_status (*store_record_fn)(const store_record *rec, void *ctx, bilet_err *err);

/* Calls fn for each record with seq >= from_seq in seq order. Records are parsed but not
 * verified (store_verify does that); one that does not parse stops the walk with
 * BILET_ECORRUPT naming it. fn must not append to the same store. */
bilet_status store_foreach(store *s, uint64_t from_seq, store_record_fn fn, void *ctx,
                           bilet_err *err);

/* What store_verify found. */
typedef struct store_verify_report {
    uint64_t records; /* records found good, in order, before any bad one */
    uint64_t bad_seq; /* the first bad record; 0 when none or when the database itself is bad */
    char problem[BILET_ERR_MAX]; /* one line: what is wrong ("" when all is well) */
} store_verify_report;

/* Checks a data folder read-only, in this order: the database reads (PRAGMA quick_check);
 * then record by record in seq order: seq contiguous from 1, the bytes parse and their seq
 * is the row's, their kiosk is DATA/kiosk.pub, prev is the hash of the previous row's
 * bytes, the stored hash is the hash of the bytes, the signature verifies with kiosk.pub.
 * Stops at the first bad record. Returns BILET_OK when all is well; BILET_ECORRUPT (a
 * damaged database or record, a gap, a broken chain) or BILET_EBADSIG (a signature) with
 * rep->problem and err saying what is wrong; BILET_ENOTFOUND or BILET_EIO when the folder,
 * bilet.db or kiosk.pub cannot be read at all. */
bilet_status store_verify(const char *data_dir, store_verify_report *rep, bilet_err *err);

#endif
