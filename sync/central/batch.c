/*
 * batch.c — reading batches of records (request bodies, USB bundles), the checks a record
 * gets before the store sees it, and the signed receipt (see batch.h).
 *
 * The header of a record is settled the way `bilet verify` settles it: the bytes are
 * expected to start with exactly what record_build writes, so the candidate values are
 * picked from their fixed places, the header record_build would write for them is made
 * with record_header_prefix, and the two are compared byte for byte. Only when they are
 * equal are the values trusted, and then only the fields after the header are parsed
 * (record_check_fields). Any other record, however it differs, goes through the full
 * record_parse, which also names what is wrong. Both ways accept exactly what record_parse
 * accepts.
 */
#include "batch.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "text.h"

enum {
    EXAM_FAST_MAX = 1024, /* longer exam ids take the full parse */
    HEAD_MAX = 2048,      /* room for a header with such an exam id */
};

void batch_free(batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        free(b->entries[i].reason);
    free(b->entries);
    free(b->gaps);
    free(b->arena);
    free(b->strings);
    memset(b, 0, sizeof *b);
}

/* Replaces every byte that is not part of well-formed UTF-8 by '?', so that a message cut
 * inside a letter still goes into JSON. */
static void utf8_scrub(char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = text_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            s[i] = '?';
            n = 1;
        }
        i += n;
    }
}

void batch_reject(batch_entry *e, const char *fmt, ...)
{
    char text[BATCH_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    utf8_scrub(text);
    free(e->reason);
    e->reason = strdup(text);
    e->verdict = BATCH_REJECTED;
}

void batch_reset_verdicts(batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        batch_entry *e = &b->entries[i];
        if (e->parsed) {
            e->verdict = BATCH_PENDING;
            free(e->reason);
            e->reason = NULL;
        }
    }
    b->n_gaps = 0;
}

bilet_status batch_add_gap(batch *b, const char *kiosk, uint64_t from, uint64_t to, bilet_err *err)
{
    if (b->n_gaps == b->cap_gaps) {
        size_t cap = b->cap_gaps ? b->cap_gaps * 2 : 8;
        batch_gap *g = realloc(b->gaps, cap * sizeof *g);
        if (!g)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for the gaps of a batch");
        b->gaps = g;
        b->cap_gaps = cap;
    }
    batch_gap *g = &b->gaps[b->n_gaps++];
    memcpy(g->kiosk, kiosk, sizeof g->kiosk);
    g->from = from;
    g->to = to;
    return BILET_OK;
}

batch_counts batch_count(const batch *b)
{
    batch_counts c = { 0, 0, 0 };
    for (size_t i = 0; i < b->n; i++) {
        switch (b->entries[i].verdict) {
        case BATCH_STORED:
            c.stored++;
            break;
        case BATCH_DUPLICATE:
            c.duplicate++;
            break;
        case BATCH_REJECTED:
            c.rejected++;
            break;
        case BATCH_PENDING:
            break;
        }
    }
    return c;
}

/* ---- the header, the fast way ---- */

/* Steps *p over the literal s if the text at *p starts with it. */
static bool skip_lit(const char **p, const char *end, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(end - *p) < n || memcmp(*p, s, n) != 0)
        return false;
    *p += n;
    return true;
}

static bool take_digits(const char **p, const char *end, uint64_t *out)
{
    const char *q = *p;
    uint64_t v = 0;
    /* 16 digits cover 2^53; a longer number is out of range and left to the full parse. */
    while (q < end && *q >= '0' && *q <= '9' && q - *p < 16)
        v = v * 10 + (uint64_t)(*q++ - '0');
    if (q == *p)
        return false;
    *out = v;
    *p = q;
    return true;
}

static bool take_hex64(const char **p, const char *end, char out[RECORD_HEX_LEN + 1])
{
    if (end - *p < RECORD_HEX_LEN)
        return false;
    memcpy(out, *p, RECORD_HEX_LEN);
    out[RECORD_HEX_LEN] = '\0';
    *p += RECORD_HEX_LEN;
    return true;
}

/* The text up to the next quote, at most max bytes and without escapes. */
static bool take_plain(const char **p, const char *end, size_t max, const char **s, size_t *n)
{
    const char *q = *p;
    while (q < end && *q != '"') {
        if (*q == '\\' || (size_t)(q - *p) >= max)
            return false;
        q++;
    }
    if (q == end)
        return false;
    *s = *p;
    *n = (size_t)(q - *p);
    *p = q;
    return true;
}

/* Copies s[0..n) and a NUL into the batch's string storage, which read_records and
 * body_compact size for every exam id the batch can hold (each is shorter than its
 * record's bytes): the pointers stay valid, and no record costs an allocation. */
static char *keep_string(batch *b, const char *s, size_t n)
{
    if (b->strings_cap - b->strings_len < n + 1)
        return NULL;
    char *p = b->strings + b->strings_len;
    memcpy(p, s, n);
    p[n] = '\0';
    b->strings_len += n + 1;
    return p;
}

/* The fast way (see the top of the file). False when the record must be parsed in full;
 * true with e's header filled and *perr clear when the record is valid, or true with
 * *perr set when its header is exactly right and its fields are not. */
static bool header_fast(batch *b, batch_entry *e, bilet_err *perr, bilet_status *pst)
{
    const char *p = (const char *)e->bytes;
    const char *end = p + e->len;
    const char *exam = NULL;
    const char *type = NULL;
    size_t exam_len = 0;
    size_t type_len = 0;
    uint64_t time = 0;
    char head[HEAD_MAX];
    size_t head_len = 0;

    if (!skip_lit(&p, end, "{\"v\":1,\"kiosk\":\"") || !take_hex64(&p, end, e->kiosk) ||
        !skip_lit(&p, end, "\",\"seq\":") || !take_digits(&p, end, &e->seq) ||
        !skip_lit(&p, end, ",\"prev\":\"") || !take_hex64(&p, end, e->prev) ||
        !skip_lit(&p, end, "\",\"time\":") || !take_digits(&p, end, &time) ||
        !skip_lit(&p, end, ",\"exam\":\"") ||
        !take_plain(&p, end, EXAM_FAST_MAX, &exam, &exam_len) ||
        !skip_lit(&p, end, "\",\"type\":\"") ||
        !take_plain(&p, end, BATCH_TYPE_MAX - 1, &type, &type_len))
        return false;
    memcpy(e->type, type, type_len);
    e->type[type_len] = '\0';
    size_t mark = b->strings_len;
    e->exam = keep_string(b, exam, exam_len);
    if (!e->exam)
        return false;
    e->time = (int64_t)time;

    record_header h = { e->kiosk, e->seq, e->prev, e->time, e->exam, e->type };
    if (record_header_prefix(&h, head, sizeof head, &head_len, NULL) != BILET_OK ||
        head_len >= e->len || memcmp(head, e->bytes, head_len) != 0) {
        b->strings_len = mark;
        e->exam = NULL;
        return false;
    }
    *pst =
        record_check_fields((const char *)e->bytes + head_len, e->len - head_len, head_len, perr);
    return true;
}

/* The full parse; fills e's header from the view. */
static bilet_status header_parsed(batch *b, batch_entry *e, bilet_err *perr)
{
    record_view view;
    bilet_status st = record_parse(e->bytes, e->len, &view, perr);
    if (st != BILET_OK)
        return st;
    memcpy(e->kiosk, view.kiosk, sizeof e->kiosk);
    memcpy(e->prev, view.prev, sizeof e->prev);
    e->seq = view.seq;
    e->time = view.time;
    size_t type_len = strlen(view.type);
    size_t exam_len = strlen(view.exam);
    if (type_len >= sizeof e->type) {
        record_view_free(&view);
        return bilet_fail(perr, BILET_EPARSE, "record: type is too long");
    }
    memcpy(e->type, view.type, type_len + 1);
    e->exam = keep_string(b, view.exam, exam_len);
    record_view_free(&view);
    if (!e->exam)
        return bilet_fail(perr, BILET_ENOMEM, "record: no room for its exam id");
    return BILET_OK;
}

/* Hex digits (either case) into n bytes; false on anything else. A table rather than
 * keys_hex_decode: each record brings 192 hex digits, and that careful decoder (it wipes
 * what it decoded on failure, as secrets need) cost a percent of the ingest path. */
static bool hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
    static const signed char nibble[256] = {
        ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
        ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
        ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
        ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
    };
    /* The table holds value + 1, so that 0 marks a byte that is no hex digit. */
    for (size_t i = 0; i < n; i++) {
        int hi = nibble[(unsigned char)hex[2 * i]];
        int lo = nibble[(unsigned char)hex[2 * i + 1]];
        if (!hi || !lo)
            return false;
        out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
    }
    return true;
}

/* The kiosk key of the records before: a batch mostly holds one kiosk's records. */
typedef struct key_cache {
    char hex[RECORD_HEX_LEN + 1];
    unsigned char pk[KEYS_PUBLIC_BYTES];
} key_cache;

/* The parse message without its "record: " prefix. */
static const char *bare(const char *msg)
{
    return strncmp(msg, "record: ", 8) == 0 ? msg + 8 : msg;
}

/* Everything that can be known of a record without the database: its hash, whether its
 * bytes are a record, and whether its signature verifies with the key it names. */
/* The checks of one record before its signature: hash, size, header, fields. */
static void check_entry(batch *b, batch_entry *e)
{
    bilet_err perr = { { 0 } };
    bilet_status st = BILET_OK;
    record_hash(e->bytes, e->len, e->hash);
    keys_hex_encode(e->hash, sizeof e->hash, e->hash_hex, sizeof e->hash_hex, NULL);
    if (e->len > RECORD_MAX_BYTES) {
        batch_reject(e, "malformed: %zu bytes, over the cap of %d", e->len, RECORD_MAX_BYTES);
        return;
    }
    if (!header_fast(b, e, &perr, &st))
        st = header_parsed(b, e, &perr);
    if (st != BILET_OK) {
        e->exam = NULL;
        batch_reject(e, "malformed: %s", bare(perr.msg));
        return;
    }
    e->parsed = true;
}

/* The signatures of every parsed record, in one loop of their own once the batch is read:
 * verification is nearly all of a batch's work, and run back to back its code and tables
 * stay in the caches that the JSON and header checks between records would evict (the
 * ingest rate, docs/central.md). */
static void verify_entries(batch *b)
{
    key_cache keys = { "", { 0 } };
    for (size_t i = 0; i < b->n; i++) {
        batch_entry *e = &b->entries[i];
        if (!e->parsed)
            continue;
        if (strcmp(keys.hex, e->kiosk) != 0) {
            if (!hex_to_bytes(e->kiosk, keys.pk, sizeof keys.pk))
                continue;
            memcpy(keys.hex, e->kiosk, sizeof keys.hex);
        }
        e->sig_ok = record_signature_valid(e->bytes, e->len, keys.pk, e->sig);
    }
}

/* ---- reading ---- */

/* Reads the array of {"bytes","sig"} objects into out. what names the array in messages. */
static bilet_status read_records(json_t *arr, const char *what, size_t max, batch *out,
                                 bilet_err *err)
{
    size_t n = json_array_size(arr);
    size_t arena_cap = 0;
    if (n > max)
        return bilet_fail(err, BILET_EPARSE, "%s: %zu records, more than %zu in one batch", what, n,
                          max);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        json_t *bytes = json_object_get(o, "bytes");
        json_t *sig = json_object_get(o, "sig");
        if (!json_is_object(o))
            return bilet_fail(err, BILET_EPARSE, "%s[%zu]: not an object", what, i);
        if (!json_is_string(bytes))
            return bilet_fail(err, BILET_EPARSE, "%s[%zu].bytes: missing or not a string", what, i);
        if (!json_is_string(sig) || json_string_length(sig) != 2 * KEYS_SIG_BYTES)
            return bilet_fail(err, BILET_EPARSE, "%s[%zu].sig: not %d hex digits", what, i,
                              2 * KEYS_SIG_BYTES);
        arena_cap += b64_decoded_max(json_string_length(bytes));
    }
    out->entries = calloc(n ? n : 1, sizeof *out->entries);
    out->arena = malloc(arena_cap ? arena_cap : 1);
    out->strings_cap = arena_cap + n;
    out->strings = malloc(out->strings_cap ? out->strings_cap : 1);
    if (!out->entries || !out->arena || !out->strings)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a batch of %zu records", n);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(arr, i);
        json_t *bytes = json_object_get(o, "bytes");
        batch_entry *e = &out->entries[i];
        size_t got = 0;
        out->n = i + 1;
        if (keys_hex_decode(json_string_value(json_object_get(o, "sig")), e->sig, sizeof e->sig,
                            NULL) != BILET_OK)
            return bilet_fail(err, BILET_EPARSE, "%s[%zu].sig: not %d hex digits", what, i,
                              2 * KEYS_SIG_BYTES);
        if (b64_decode(json_string_value(bytes), json_string_length(bytes),
                       out->arena + out->arena_len, arena_cap - out->arena_len, &got,
                       NULL) != BILET_OK)
            return bilet_fail(err, BILET_EPARSE, "%s[%zu].bytes: not valid standard base64", what,
                              i);
        e->bytes = out->arena + out->arena_len;
        e->len = got;
        out->arena_len += got;
        check_entry(out, e);
    }
    verify_entries(out);
    return BILET_OK;
}

static json_t *load_json(const char *text, size_t len, const char *what, bilet_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        bilet_fail(err, BILET_EPARSE, "%s: not valid JSON: %s (line %d, column %d)", what,
                   jerr.text, jerr.line, jerr.column);
    else if (!json_is_object(doc)) {
        bilet_fail(err, BILET_EPARSE, "%s: not a JSON object", what);
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

/* ---- the body, the fast way ----
 * A body in exactly the compact form jansson writes for the contract's object,
 * {"v":1,"records":[{"bytes":"B64","sig":"HEX"},...]}, is recognised by comparing bytes:
 * its literals are fixed, base64 and hex need no JSON escapes, and the quote that ends
 * each string is the next one. The base64 is then decoded where it lies, without copying
 * the strings out first. Whatever deviates in any byte (white space, another key order,
 * an escape, a bad character) is read by jansson instead, which also says what is wrong;
 * both ways give the same batch. The body is the bulk of the ingest path's bytes: going
 * through jansson character by character cost as much as a fifth of a signature check
 * per record. */

static const char compact_head[] = "{\"v\":1,\"records\":[";
static const char compact_bytes[] = "{\"bytes\":\"";
static const char compact_sig[] = "\",\"sig\":\"";

/* One pass over a compact body. With out NULL it only checks the shape and counts
 * records and base64 characters; with out it decodes into out's entries and arena. False
 * when the body is not in the compact form (or its base64 or hex does not decode). */
static bool compact_pass(const char *body, size_t len, size_t *n_out, size_t *b64_out, batch *out)
{
    const char *p = body;
    const char *end = body + len;
    size_t n = 0;
    size_t b64 = 0;
    if (!skip_lit(&p, end, compact_head))
        return false;
    if (skip_lit(&p, end, "]}"))
        goto done;
    for (;;) {
        if (n >= BATCH_MAX_RECORDS || !skip_lit(&p, end, compact_bytes))
            return false;
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return false;
        const char *text = p;
        size_t text_len = (size_t)(q - p);
        p = q;
        if (!skip_lit(&p, end, compact_sig) || end - p < 2 * KEYS_SIG_BYTES + 2)
            return false;
        const char *hex = p;
        p += 2 * KEYS_SIG_BYTES;
        if (!skip_lit(&p, end, "\"}"))
            return false;
        if (out) {
            batch_entry *e = &out->entries[n];
            size_t got = 0;
            out->n = n + 1;
            if (!hex_to_bytes(hex, e->sig, sizeof e->sig) ||
                b64_decode(text, text_len, out->arena + out->arena_len, *b64_out - out->arena_len,
                           &got, NULL) != BILET_OK)
                return false;
            e->bytes = out->arena + out->arena_len;
            e->len = got;
            out->arena_len += got;
        }
        b64 += b64_decoded_max(text_len);
        n++;
        if (skip_lit(&p, end, ","))
            continue;
        if (skip_lit(&p, end, "]}"))
            break;
        return false;
    }
done:
    if (p != end)
        return false;
    *n_out = n;
    if (!out)
        *b64_out = b64;
    return true;
}

/* The fast way; false (out empty) when jansson must read the body. */
static bool body_compact(const char *body, size_t len, batch *out)
{
    size_t n = 0;
    size_t arena = 0;
    if (!compact_pass(body, len, &n, &arena, NULL))
        return false;
    out->entries = calloc(n ? n : 1, sizeof *out->entries);
    out->arena = malloc(arena ? arena : 1);
    out->strings_cap = arena + n;
    out->strings = malloc(out->strings_cap ? out->strings_cap : 1);
    if (!out->entries || !out->arena || !out->strings ||
        !compact_pass(body, len, &n, &arena, out)) {
        batch_free(out);
        return false;
    }
    for (size_t i = 0; i < out->n; i++)
        check_entry(out, &out->entries[i]);
    verify_entries(out);
    return true;
}

static const unsigned char *entry_hash(const void *ctx, size_t i)
{
    return ((const batch *)ctx)->entries[i].hash;
}

/* b->id from its entries' hashes (record_batch_id). */
static void set_id(batch *b)
{
    unsigned char id[KEYS_HASH_BYTES];
    record_batch_id(b->n, entry_hash, b, id);
    keys_hex_encode(id, sizeof id, b->id, sizeof b->id, NULL);
}

bilet_status batch_from_body(const char *body, size_t len, batch *out, bilet_err *err)
{
    bilet_status st = BILET_OK;
    memset(out, 0, sizeof *out);
    if (body_compact(body, len, out)) {
        set_id(out);
        return BILET_OK;
    }
    json_t *doc = load_json(body, len, "body", err);
    if (!doc)
        return BILET_EPARSE;
    json_t *v = json_object_get(doc, "v");
    json_t *records = json_object_get(doc, "records");
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        st = bilet_fail(err, BILET_EPARSE, "body: \"v\" must be 1");
    else if (!json_is_array(records))
        st = bilet_fail(err, BILET_EPARSE, "body: \"records\" must be an array");
    else
        st = read_records(records, "records", BATCH_MAX_RECORDS, out, err);
    json_decref(doc);
    if (st != BILET_OK)
        batch_free(out);
    else
        set_id(out);
    return st;
}

bilet_status batch_bundle_read(const char *text, size_t len, batch_bundle *out, bilet_err *err)
{
    bilet_status st = BILET_OK;
    json_t *inner = NULL;
    unsigned char pk[KEYS_PUBLIC_BYTES];
    unsigned char sig[KEYS_SIG_BYTES];
    memset(out, 0, sizeof *out);

    json_t *doc = load_json(text, len, "bundle", err);
    if (!doc)
        return BILET_EPARSE;
    json_t *bundle = json_object_get(doc, "bundle");
    json_t *sig_hex = json_object_get(doc, "sig");
    if (!json_is_string(bundle) || !json_is_string(sig_hex) ||
        keys_hex_decode(json_string_value(sig_hex), sig, sizeof sig, NULL) != BILET_OK) {
        st = bilet_fail(err, BILET_EPARSE,
                        "bundle: expected {\"bundle\": TEXT, \"sig\": 128 hex digits}");
        goto out_free;
    }
    const char *inner_text = json_string_value(bundle);
    size_t inner_len = json_string_length(bundle);
    inner = load_json(inner_text, inner_len, "bundle contents", err);
    if (!inner) {
        st = BILET_EPARSE;
        goto out_free;
    }
    json_t *v = json_object_get(inner, "v");
    json_t *kiosk = json_object_get(inner, "kiosk");
    json_t *created = json_object_get(inner, "created");
    json_t *records = json_object_get(inner, "records");
    if (!json_is_integer(v) || json_integer_value(v) != 1 || !json_is_string(kiosk) ||
        !record_is_hex64(json_string_value(kiosk)) || !json_is_integer(created) ||
        !json_is_array(records)) {
        st = bilet_fail(err, BILET_EPARSE,
                        "bundle contents: expected v 1, kiosk (64 hex digits), created and "
                        "records");
        goto out_free;
    }
    memcpy(out->kiosk, json_string_value(kiosk), RECORD_HEX_LEN + 1);
    out->created = json_integer_value(created);
    keys_hex_decode(out->kiosk, pk, sizeof pk, NULL);
    if (!record_signature_valid(inner_text, inner_len, pk, sig)) {
        st = bilet_fail(err, BILET_EBADSIG,
                        "bundle: the signature does not verify with the key of kiosk %.16s…",
                        out->kiosk);
        goto out_free;
    }
    /* A bundle is a kiosk's whole log: no batch limit, only the file's size. */
    st = read_records(records, "records", SIZE_MAX, &out->records, err);
    if (st != BILET_OK)
        goto out_free;
    set_id(&out->records);
    for (size_t i = 0; i < out->records.n; i++) {
        batch_entry *e = &out->records.entries[i];
        if (e->parsed && strcmp(e->kiosk, out->kiosk) != 0) {
            e->parsed = false;
            batch_reject(e, "made by kiosk %.16s…, not the bundle's kiosk", e->kiosk);
        }
    }

out_free:
    json_decref(inner);
    json_decref(doc);
    if (st != BILET_OK)
        batch_free(&out->records);
    return st;
}

/* ---- the receipt ---- */

static const char *verdict_name(batch_verdict v)
{
    switch (v) {
    case BATCH_STORED:
        return "stored";
    case BATCH_DUPLICATE:
        return "duplicate";
    case BATCH_REJECTED:
        return "rejected";
    case BATCH_PENDING:
        break;
    }
    return "rejected";
}

/* The receipt is written here rather than built as a jansson tree: its shape is fixed, its
 * values are hex digits, numbers and three status words, and only a rejection's reason
 * can need JSON escapes (jansson writes those). One receipt line per record made the
 * tree cost a tenth of the ingest path. */
typedef struct text_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
} text_buf;

static void put_n(text_buf *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *d = realloc(t->data, cap);
        if (!d) {
            t->failed = true;
            return;
        }
        t->data = d;
        t->cap = cap;
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void put_s(text_buf *t, const char *s)
{
    put_n(t, s, strlen(s));
}

static void put_int(text_buf *t, long long v)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%lld", v);
    put_n(t, digits, (size_t)n);
}

/* s as a JSON string, quotes included, escaped by jansson. */
static void put_json_string(text_buf *t, const char *s)
{
    json_t *str = json_string(s);
    char *text = str ? json_dumps(str, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
    json_decref(str);
    if (text)
        put_s(t, text);
    else
        t->failed = true;
    free(text);
}

static void receipt_text(const batch *b, const char *central_hex, int64_t now, text_buf *t)
{
    put_s(t, "{\"v\":1,\"central\":\"");
    put_s(t, central_hex);
    put_s(t, "\",\"time\":");
    put_int(t, (long long)now);
    put_s(t, ",\"batch\":\"");
    put_s(t, b->id);
    put_s(t, "\",\"results\":[");
    for (size_t i = 0; i < b->n; i++) {
        const batch_entry *e = &b->entries[i];
        if (i)
            put_s(t, ",");
        put_s(t, "{\"hash\":\"");
        put_s(t, e->hash_hex);
        put_s(t, "\",\"status\":\"");
        put_s(t, verdict_name(e->verdict));
        put_s(t, "\"");
        if (e->verdict != BATCH_STORED && e->verdict != BATCH_DUPLICATE) {
            put_s(t, ",\"reason\":");
            put_json_string(t, e->verdict != BATCH_REJECTED ? "not judged"
                               : e->reason                  ? e->reason
                                                            : "rejected");
        }
        put_s(t, "}");
    }
    put_s(t, "],\"gaps\":[");
    for (size_t i = 0; i < b->n_gaps; i++) {
        const batch_gap *g = &b->gaps[i];
        put_s(t, i ? ",{\"kiosk\":\"" : "{\"kiosk\":\"");
        put_s(t, g->kiosk);
        put_s(t, "\",\"from\":");
        put_int(t, (long long)g->from);
        put_s(t, ",\"to\":");
        put_int(t, (long long)g->to);
        put_s(t, "}");
    }
    put_s(t, "]}");
}

bilet_status batch_receipt(const batch *b, const keys_pair *central, int64_t now, char **out,
                           size_t *out_len, bilet_err *err)
{
    char central_hex[RECORD_HEX_LEN + 1];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    unsigned char sig[KEYS_SIG_BYTES];
    text_buf inner = { NULL, 0, 0, false };
    text_buf answer = { NULL, 0, 0, false };
    *out = NULL;
    *out_len = 0;

    keys_hex_encode(central->pk, sizeof central->pk, central_hex, sizeof central_hex, NULL);
    receipt_text(b, central_hex, now, &inner);
    if (!inner.failed) {
        record_sign(inner.data, inner.len, central, sig);
        keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);
        /* The receipt as a JSON string: it holds no control characters (its one source
         * of them, the reasons, is escaped already), so quotes and backslashes are all
         * that need a backslash. */
        put_s(&answer, "{\"receipt\":\"");
        size_t from = 0;
        for (size_t i = 0; i < inner.len; i++) {
            char c = inner.data[i];
            if (c == '"' || c == '\\') {
                put_n(&answer, inner.data + from, i - from);
                put_n(&answer, "\\", 1);
                from = i;
            }
        }
        put_n(&answer, inner.data + from, inner.len - from);
        put_s(&answer, "\",\"sig\":\"");
        put_s(&answer, sig_hex);
        put_s(&answer, "\"}");
    }
    free(inner.data);
    if (inner.failed || answer.failed) {
        free(answer.data);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a receipt");
    }
    *out = answer.data;
    *out_len = answer.len;
    return BILET_OK;
}
