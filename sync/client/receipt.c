/*
 * receipt.c — the two texts of a push: the request body the kiosk sends and the receipt
 * the central signs (client.h). No network here, so both are tested with fixed keys.
 *
 * Invariants: the body is written in one pass into a buffer sized beforehand (base64 and
 * hex need no JSON escapes); a receipt is trusted only after its signature verifies with
 * the pinned key, and it is read strictly (duplicate keys refused, every result must name
 * the record sent at its place). Load: one body and one receipt per batch of up to
 * CLIENT_BATCH_MAX records.
 */
#include "client.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "record.h"

static const char body_head[] = "{\"v\":1,\"records\":[";
static const char body_tail[] = "]}";
static const char rec_head[] = "{\"bytes\":\"";
static const char rec_mid[] = "\",\"sig\":\"";
static const char rec_tail[] = "\"}";

/* Appends s[0..n) at *at; the caller sized the buffer. */
static void put(char **at, const char *s, size_t n)
{
    memcpy(*at, s, n);
    *at += n;
}

static const unsigned char *record_hash_at(const void *ctx, size_t i)
{
    return ((const client_record *)ctx)[i].hash;
}

void client_batch_id(const client_record *recs, size_t n, unsigned char out[KEYS_HASH_BYTES])
{
    record_batch_id(n, record_hash_at, recs, out);
}

bilet_status client_body_build(const client_record *recs, size_t n, char **body, size_t *len,
                               bilet_err *err)
{
    *body = NULL;
    *len = 0;
    size_t cap = sizeof body_head + sizeof body_tail + 1;
    for (size_t i = 0; i < n; i++) {
        size_t one = b64_encoded_size(recs[i].len) + sizeof rec_head + sizeof rec_mid +
                     2 * KEYS_SIG_BYTES + sizeof rec_tail + 1;
        if (recs[i].len > (size_t)RECORD_MAX_BYTES || cap > SIZE_MAX - one)
            return bilet_fail(err, BILET_ETOOBIG, "record %llu: %zu bytes, over the record cap",
                              (unsigned long long)recs[i].seq, recs[i].len);
        cap += one;
    }
    char *buf = malloc(cap);
    if (!buf)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a body of %zu bytes", cap);
    char *at = buf;
    put(&at, body_head, sizeof body_head - 1);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            put(&at, ",", 1);
        put(&at, rec_head, sizeof rec_head - 1);
        size_t room = cap - (size_t)(at - buf);
        b64_encode(recs[i].bytes, recs[i].len, at, room, NULL);
        at += strlen(at);
        put(&at, rec_mid, sizeof rec_mid - 1);
        room = cap - (size_t)(at - buf);
        keys_hex_encode(recs[i].sig, KEYS_SIG_BYTES, at, room, NULL);
        at += 2 * KEYS_SIG_BYTES;
        put(&at, rec_tail, sizeof rec_tail - 1);
    }
    put(&at, body_tail, sizeof body_tail - 1);
    *at = '\0';
    *body = buf;
    *len = (size_t)(at - buf);
    return BILET_OK;
}

/* A string member of obj, or NULL; *len its length (jansson keeps embedded NULs). */
static const char *member_string(json_t *obj, const char *key, size_t *len)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

/* Decodes a hex member of exactly n bytes; false when missing or not such hex. */
static bool member_hex(json_t *obj, const char *key, unsigned char *out, size_t n)
{
    size_t len = 0;
    const char *s = member_string(obj, key, &len);
    return s && len == 2 * n && keys_hex_decode(s, out, n, NULL) == BILET_OK;
}

static bilet_status not_a_receipt(bilet_err *err, const char *what)
{
    return bilet_fail(err, BILET_ENET, "the central's answer is not a receipt: %s", what);
}

/* Reads results[i] from the receipt's i-th result object; checks it names recs[i]. */
static bilet_status read_result(json_t *r, size_t i, const client_record *rec, client_result *out,
                                bilet_err *err)
{
    unsigned char hash[KEYS_HASH_BYTES];
    if (!json_is_object(r) || !member_hex(r, "hash", hash, sizeof hash))
        return bilet_fail(err, BILET_ENET,
                          "the central's answer is not a receipt: result %zu has no hash", i + 1);
    if (!keys_equal(hash, rec->hash, sizeof hash))
        return bilet_fail(err, BILET_EBADSIG,
                          "the receipt's result %zu names another record than record %llu", i + 1,
                          (unsigned long long)rec->seq);
    const char *status = member_string(r, "status", NULL);
    memset(out, 0, sizeof *out);
    if (status && strcmp(status, "stored") == 0) {
        out->outcome = CLIENT_STORED;
    } else if (status && strcmp(status, "duplicate") == 0) {
        out->outcome = CLIENT_DUPLICATE;
    } else if (status && strcmp(status, "rejected") == 0) {
        out->outcome = CLIENT_REJECTED;
        size_t rlen = 0;
        const char *reason = member_string(r, "reason", &rlen);
        if (!reason || rlen == 0) {
            reason = "no reason given";
            rlen = strlen(reason);
        }
        /* Cut at a character boundary and keep the reason on one line. */
        size_t n = rlen < sizeof out->reason - 1 ? rlen : sizeof out->reason - 1;
        while (n > 0 && n < rlen && ((unsigned char)reason[n] & 0xC0) == 0x80)
            n--;
        for (size_t k = 0; k < n; k++) {
            unsigned char ch = (unsigned char)reason[k];
            out->reason[k] = ch < 0x20 ? ' ' : (char)ch;
        }
        out->reason[n] = '\0';
    } else {
        return bilet_fail(err, BILET_ENET,
                          "the central's answer is not a receipt: result %zu has status '%.40s'",
                          i + 1, status ? status : "(none)");
    }
    return BILET_OK;
}

/* The gap the central reported just below the batch's first record, if any. */
static uint64_t gap_below(json_t *gaps, uint64_t first_seq)
{
    size_t i;
    json_t *g;
    if (!json_is_array(gaps))
        return 0;
    json_array_foreach(gaps, i, g)
    {
        json_t *from = json_object_get(g, "from"), *to = json_object_get(g, "to");
        if (!json_is_integer(from) || !json_is_integer(to))
            continue;
        json_int_t f = json_integer_value(from), t = json_integer_value(to);
        if (f >= 1 && f <= t && (uint64_t)t + 1 == first_seq)
            return (uint64_t)f;
    }
    return 0;
}

static bilet_status check_receipt_text(const char *text, size_t len,
                                       const unsigned char central_pk[KEYS_PUBLIC_BYTES],
                                       const unsigned char batch[KEYS_HASH_BYTES],
                                       const client_record *recs, size_t n, client_result *results,
                                       client_receipt *out, bilet_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    bilet_status st = BILET_OK;
    if (!json_is_object(doc)) {
        st = bilet_fail(err, BILET_EBADSIG, "the signed receipt is not a JSON object (%.200s)",
                        doc ? "another JSON value" : jerr.text);
        goto out_free;
    }
    json_t *v = json_object_get(doc, "v");
    if (!json_is_integer(v) || json_integer_value(v) != 1) {
        st = bilet_fail(err, BILET_EBADSIG, "the receipt is not of version 1");
        goto out_free;
    }
    unsigned char key[KEYS_PUBLIC_BYTES], got_batch[KEYS_HASH_BYTES];
    if (!member_hex(doc, "central", key, sizeof key) || !keys_equal(key, central_pk, sizeof key)) {
        st = bilet_fail(err, BILET_EBADSIG, "the receipt names another central key");
        goto out_free;
    }
    if (!member_hex(doc, "batch", got_batch, sizeof got_batch) ||
        !keys_equal(got_batch, batch, sizeof got_batch)) {
        st = bilet_fail(err, BILET_EBADSIG, "the receipt is for another batch than the one sent");
        goto out_free;
    }
    json_t *time = json_object_get(doc, "time");
    json_t *list = json_object_get(doc, "results");
    if (!json_is_integer(time) || !json_is_array(list)) {
        st = bilet_fail(err, BILET_EBADSIG, "the receipt has no time or no results");
        goto out_free;
    }
    if (json_array_size(list) != n) {
        st = bilet_fail(err, BILET_EBADSIG, "the receipt lists %zu results for %zu records sent",
                        json_array_size(list), n);
        goto out_free;
    }
    memset(out, 0, sizeof *out);
    out->time = (int64_t)json_integer_value(time);
    bool stopped = false;
    for (size_t i = 0; i < n; i++) {
        st = read_result(json_array_get(list, i), i, &recs[i], &results[i], err);
        if (st != BILET_OK) {
            if (st == BILET_ENET)
                st = BILET_EBADSIG; /* signed, so the central meant it: still no receipt */
            goto out_free;
        }
        switch (results[i].outcome) {
        case CLIENT_STORED:
            out->stored++;
            break;
        case CLIENT_DUPLICATE:
            out->duplicate++;
            break;
        case CLIENT_REJECTED:
            out->rejected++;
            stopped = true;
            break;
        }
        if (!stopped)
            out->acked++;
    }
    out->gap_from = n > 0 ? gap_below(json_object_get(doc, "gaps"), recs[0].seq) : 0;

out_free:
    json_decref(doc);
    return st;
}

bilet_status client_receipt_check(const char *response, size_t len,
                                  const unsigned char central_pk[KEYS_PUBLIC_BYTES],
                                  const unsigned char batch[KEYS_HASH_BYTES],
                                  const client_record *recs, size_t n, client_result *results,
                                  client_receipt *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > CLIENT_RESPONSE_MAX)
        return not_a_receipt(err, "over the size cap");
    json_error_t jerr;
    json_t *doc = json_loadb(response, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return bilet_fail(err, BILET_ENET,
                          "the central's answer is not a receipt: %.200s (line %d)", jerr.text,
                          jerr.line);
    bilet_status st = BILET_OK;
    unsigned char sig[KEYS_SIG_BYTES];
    size_t rlen = 0;
    const char *receipt = json_is_object(doc) ? member_string(doc, "receipt", &rlen) : NULL;
    if (!receipt) {
        st = not_a_receipt(err, "no \"receipt\" text");
        goto out_free;
    }
    if (!member_hex(doc, "sig", sig, sizeof sig)) {
        st = not_a_receipt(err, "no 128-digit hex \"sig\"");
        goto out_free;
    }
    if (!record_signature_valid(receipt, rlen, central_pk, sig)) {
        st = bilet_fail(err, BILET_EBADSIG,
                        "the receipt's signature does not verify with the pinned central key: "
                        "nothing is acknowledged");
        goto out_free;
    }
    st = check_receipt_text(receipt, rlen, central_pk, batch, recs, n, results, out, err);
    if (st != BILET_OK)
        memset(out, 0, sizeof *out);

out_free:
    json_decref(doc);
    return st;
}
