/*
 * batch.h — a batch of signed records on its way into the central store: read from a
 * request body or a USB bundle, checked as far as a record can be checked without the
 * database (bytes, header, hash, signature), judged by the store (cdb_ingest), and
 * answered with a receipt signed by the central key.
 *
 * Invariants: entries keep the request's order; every entry has its record hash once it
 * is in a batch (a body whose records cannot even be decoded is refused as a whole with
 * BILET_EPARSE: the answer is 400, not a receipt); verdicts are only set by the checks
 * here (malformed) and by cdb_ingest (the rest), and batch_reset_verdicts undoes the
 * store's part so that a transaction can be retried.
 *
 * Load: the ingest hot path. Per record one base64 decode into the batch's arena, a
 * header comparison (record_header_prefix) and a parse of the fields only
 * (record_check_fields) — the full record_parse only for records written in another
 * valid JSON layout — one BLAKE2b and one Ed25519 verification.
 */
#ifndef BILET_BATCH_H
#define BILET_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "record.h"
#include "status.h"

enum {
    BATCH_MAX_RECORDS = 5000,
    BATCH_REASON_MAX = 320,
    BATCH_TYPE_MAX = RECORD_KEY_MAX + 1,
};

typedef enum batch_verdict {
    BATCH_PENDING = 0, /* not judged yet */
    BATCH_STORED,
    BATCH_DUPLICATE,
    BATCH_REJECTED,
} batch_verdict;

/* One record of a batch. bytes and exam point into the batch's own storage (freed with
 * the batch); reason is malloc'd by batch_reject. kiosk, prev, seq, time, exam and type are
 * the record's header, valid when parsed is true. */
typedef struct batch_entry {
    const unsigned char *bytes;
    size_t len;
    unsigned char sig[KEYS_SIG_BYTES];
    unsigned char hash[KEYS_HASH_BYTES];
    char hash_hex[RECORD_HEX_LEN + 1];
    bool parsed; /* the bytes are a valid record */
    bool sig_ok; /* the signature verifies with the record's kiosk key */
    char kiosk[RECORD_HEX_LEN + 1];
    char prev[RECORD_HEX_LEN + 1];
    uint64_t seq;
    int64_t time;
    char *exam;
    char type[BATCH_TYPE_MAX];
    batch_verdict verdict;
    char *reason; /* for BATCH_REJECTED; at most BATCH_REASON_MAX bytes */
} batch_entry;

/* Records a kiosk did not send: from..to (inclusive) are missing before what it sent. */
typedef struct batch_gap {
    char kiosk[RECORD_HEX_LEN + 1];
    uint64_t from;
    uint64_t to;
} batch_gap;

/* A zeroed batch is empty; batch_free releases one and leaves it zeroed. */
typedef struct batch {
    batch_entry *entries;
    size_t n;
    batch_gap *gaps;
    size_t n_gaps;
    size_t cap_gaps;
    unsigned char *arena; /* the decoded record bytes of all entries */
    size_t arena_len;
    char *strings; /* the entries' exam ids, each NUL-terminated; never moves */
    size_t strings_len;
    size_t strings_cap;
    char id[RECORD_HEX_LEN + 1]; /* record_batch_id of the entries, hex */
    /* The end of the sender's log as its Bilet-Log-End header said (0: not said); kept by
     * cdb_ingest as kiosks.log_end when every record is one kiosk's. */
    uint64_t log_end;
} batch;

void batch_free(batch *b);

/* Reads a POST /api/v1/records body, `{"v":1,"records":[{"bytes":B64,"sig":HEX}...]}`,
 * into *out (which need not be initialised) and checks each record (batch_check). At
 * most BATCH_MAX_RECORDS records. BILET_EPARSE, with a message fit for the client
 * (`records[3].sig: not 128 hex digits`), when the body is not JSON of that shape or a
 * record's base64 or signature hex does not decode; BILET_ENOMEM when memory runs out.
 * On failure *out is empty. The caller owns *out and frees it with batch_free. */
bilet_status batch_from_body(const char *body, size_t len, batch *out, bilet_err *err);

/* A USB bundle as read from its file: `{"bundle":INNER,"sig":HEX}` where INNER is the
 * JSON text `{"v":1,"kiosk":HEX,"created":T,"records":[...]}`, signed by the kiosk. */
typedef struct batch_bundle {
    char kiosk[RECORD_HEX_LEN + 1];
    int64_t created;
    batch records;
} batch_bundle;

/* Reads a bundle file's text into *out and checks its signature with the kiosk key the
 * bundle names; the caller must still check that this kiosk is enrolled (a bundle signed
 * by a key nobody trusts proves nothing). BILET_EPARSE naming what is malformed,
 * BILET_EBADSIG when the bundle signature does not verify. The records are checked as in
 * batch_from_body, plus: a record made by another kiosk than the bundle's is rejected.
 * The caller frees out->records with batch_free. */
bilet_status batch_bundle_read(const char *text, size_t len, batch_bundle *out, bilet_err *err);

/* Clears the verdicts the store set (keeping the ones the bytes alone decided) and the
 * gaps, so that a failed transaction can be run again. */
void batch_reset_verdicts(batch *b);

/* Sets entry e's verdict to rejected with the formatted reason. */
void batch_reject(batch_entry *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Notes a gap for the receipt. BILET_ENOMEM if the list cannot grow. */
bilet_status batch_add_gap(batch *b, const char *kiosk, uint64_t from, uint64_t to, bilet_err *err);

/* Counts of the verdicts. */
typedef struct batch_counts {
    size_t stored;
    size_t duplicate;
    size_t rejected;
} batch_counts;

batch_counts batch_count(const batch *b);

/* Builds the HTTP answer to the batch: `{"receipt":R,"sig":HEX}` where R is the compact
 * receipt JSON (docs/central.md) and HEX the Ed25519 signature of R's bytes by central.
 * *out is malloc'd, NUL-terminated, owned by the caller; *out_len its length. */
bilet_status batch_receipt(const batch *b, const keys_pair *central, int64_t now, char **out,
                           size_t *out_len, bilet_err *err);

#endif
