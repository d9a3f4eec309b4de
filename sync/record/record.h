/*
 * record.h — the signed record: build its bytes, parse them back, hash, sign, verify.
 *
 * The format is docs/records.md: compact JSON, keys in the fixed order v, kiosk, seq,
 * prev, time, exam, type, then the event's fields in the caller's order. The bytes are the
 * record: stores keep them verbatim and verification hashes and checks the bytes as
 * stored, never a re-serialisation. Parsing is strict (see record_parse) because it reads
 * bytes that came from disks and networks.
 *
 * Load: every event of a kiosk passes through record_build once; bilet verify and the
 * central store parse, hash and verify every record, so those paths avoid work beyond
 * one JSON parse per record.
 */
#ifndef BILET_RECORD_H
#define BILET_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "keys.h"
#include "status.h"

enum {
    RECORD_VERSION = 1,
    RECORD_MAX_BYTES = 1 << 20, /* 1 MiB: a record longer than this is refused */
    RECORD_HEX_LEN = 64,        /* a 32-byte key or hash as lowercase hex */
    RECORD_KEY_MAX = 64,        /* longest field name or type, bytes */
};

/* The largest integer a record holds (2^53 - 1), so that JavaScript readers (the staff
 * console) get every value exactly. */
#define RECORD_INT_MAX INT64_C(9007199254740991)

/* The header of a record to build. Strings are borrowed for the call. */
typedef struct record_header {
    const char *kiosk; /* 64 lowercase hex: the kiosk's Ed25519 public key */
    uint64_t seq;      /* 1-based, contiguous per kiosk */
    const char *prev;  /* 64 lowercase hex: BLAKE2b-256 of the previous record's bytes */
    int64_t time;      /* Unix seconds, UTC, >= 0 */
    const char *exam;  /* exam id; "" for kiosk-level events */
    const char *type;  /* event type, [a-z0-9_], see docs/events.md */
} record_header;

/* A growable byte buffer for record bytes; reused across builds to spare allocations.
 * A zeroed record_buf is empty. data is NUL-terminated after len bytes (the NUL is not
 * part of the record). record_buf_free releases it; the struct may then be reused. */
typedef struct record_buf {
    char *data;
    size_t len;
    size_t cap;
} record_buf;

void record_buf_free(record_buf *b);

/* Builds the record bytes for header h and fields f[0..n) into out (replacing what it
 * held). Refuses (BILET_EINVAL, naming the field) a field name that is empty, longer than
 * RECORD_KEY_MAX, not [a-z0-9_], a header name or a repeat; a string that is NULL or not
 * UTF-8; an integer beyond ±RECORD_INT_MAX; more than BILET_FIELDS_MAX fields; bad header
 * hex; and a result over RECORD_MAX_BYTES (BILET_ETOOBIG). On failure out->len is 0. */
bilet_status record_build(const record_header *h, const bilet_field *f, size_t n, record_buf *out,
                          bilet_err *err);

/* Writes into out (cap bytes, NUL-terminated) the header part of the bytes record_build
 * makes for h: from the opening brace through the type's closing quote, without the
 * fields and the final brace; *len receives its length. A verifier compares stored bytes
 * with it to check a header without parsing the whole record. BILET_EINVAL (no message
 * needed: err may be NULL) when h is not what record_build writes verbatim: bad hex, seq or
 * time out of range, an exam id that is not UTF-8 or needs a JSON escape, a bad type, or
 * out too small. */
bilet_status record_header_prefix(const record_header *h, char *out, size_t cap, size_t *len,
                                  bilet_err *err);

/* Checks the bytes that follow a header — after_header[0..len), where the record's first
 * header_len bytes matched record_header_prefix exactly — under the rules of record_parse:
 * valid JSON, fields of the allowed kinds and names, no duplicates, at most
 * BILET_FIELDS_MAX, the closing brace last, the whole within RECORD_MAX_BYTES. Together
 * with the matched header this is what record_parse checks, without parsing the header
 * again (bilet verify's hot path). Same statuses and messages as record_parse. */
bilet_status record_check_fields(const char *after_header, size_t len, size_t header_len,
                                 bilet_err *err);

/* True when after_header[0..len) holds fields in the plain form record_build writes for
 * them (names of [a-z0-9_], strings of UTF-8 without \u escapes, integers in digits,
 * true, false, null, no white space, the closing brace last) and they obey the rules;
 * false when they are not in that form or break a rule — record_check_fields then reads
 * them with jansson, which decides. A quick path only: never the last word on a no. */
bool record_fields_plain(const char *after_header, size_t len);

/* A parsed record. Every string (exam, type, field keys and string values) points into
 * the view's own storage and stays valid until record_view_free; the parsed bytes are not
 * referenced after record_parse returns. A zeroed view is empty; record_view_free accepts
 * it and NULL, and leaves the view zeroed. */
typedef struct record_view {
    int v;
    char kiosk[RECORD_HEX_LEN + 1];
    uint64_t seq;
    char prev[RECORD_HEX_LEN + 1];
    int64_t time;
    const char *exam;
    const char *type;
    size_t n_fields;
    bilet_field fields[BILET_FIELDS_MAX];
    void *doc; /* private: the parsed document that owns the strings */
} record_view;

/* Parses record bytes into *out (which need not be initialised). Refuses with BILET_EPARSE
 * and a message saying what is wrong: not one JSON object from the first byte to the last,
 * invalid UTF-8, a duplicate key, a header key missing, out of order or of the wrong type,
 * v other than 1, hex of the wrong length or case, seq < 1, time < 0, an integer beyond
 * ±RECORD_INT_MAX, a real number, a nested object or array, a field name that build would
 * refuse, more than BILET_FIELDS_MAX fields; BILET_ETOOBIG over RECORD_MAX_BYTES. On
 * failure *out is zeroed and owns nothing. */
bilet_status record_parse(const void *bytes, size_t len, record_view *out, bilet_err *err);

void record_view_free(record_view *view);

/* BLAKE2b-256 (unkeyed) of the bytes. */
void record_hash(const void *bytes, size_t len, unsigned char out[KEYS_HASH_BYTES]);

/* The same as 64 lowercase hex digits and a NUL. */
void record_hash_hex(const void *bytes, size_t len, char out[RECORD_HEX_LEN + 1]);

/* The id of a batch of n records, by which a receipt names the batch it answers:
 * BLAKE2b-256 of the records' hashes (record_hash, KEYS_HASH_BYTES each) one after
 * another in the order sent; hash_at(ctx, i) gives record i's. It does not depend on the
 * body's layout, and costs a thirtieth of hashing the body (docs/central.md). */
void record_batch_id(size_t n, const unsigned char *(*hash_at)(const void *ctx, size_t i),
                     const void *ctx, unsigned char out[KEYS_HASH_BYTES]);

/* The Ed25519 detached signature of the bytes by kp. */
void record_sign(const void *bytes, size_t len, const keys_pair *kp,
                 unsigned char sig[KEYS_SIG_BYTES]);

/* True when sig is a valid Ed25519 signature of the bytes by public key pk. */
bool record_signature_valid(const void *bytes, size_t len,
                            const unsigned char pk[KEYS_PUBLIC_BYTES],
                            const unsigned char sig[KEYS_SIG_BYTES]);

/* True when s is exactly 64 lowercase hex digits (a kiosk key or a hash in a record). */
bool record_is_hex64(const char *s);

/* A record's Unix time as local "YYYY-MM-DD HH:MM:SS" into out (cap bytes); "" for 0 or
 * less. The shape `bilet results` and the central's results print times in. */
void record_time_text(int64_t unix_seconds, char *out, size_t cap);

#endif
