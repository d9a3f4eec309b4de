/*
 * post_records.c — a test client of bilet-central: reads a kiosk data folder's records
 * (store_foreach) and posts them to POST /api/v1/records in batches, checks every receipt
 * (the central signature with the pinned central.pub, the batch id, one result per
 * record with its hash) and prints the counts. It can also damage what it sends, in the
 * ways the tests need, and write a USB bundle by the contract (docs/central.md).
 *
 *   post_records --central URL --central-pub FILE --data DIR [--batch N] [--from SEQ]
 *                [--to SEQ] [--log-end TEXT] [--flip-sig SEQ] [--forge-prev] [--forge-seq SEQ]
 * [--cacert F]
 *                [--repeat N]
 *   post_records --data DIR --bundle OUT [--flip-sig SEQ] [--bundle-key DIR]
 *
 * Prints one line per rejected record (`rejected SEQ: REASON`) and per gap (`gap FROM..TO`)
 * as the receipts come, then `stored S duplicate D rejected R gaps G` last. Exit 0 when
 * every receipt checked out, 1 otherwise (an HTTP status other than 200 prints `http
 * STATUS: BODY`), 2 on bad usage. --forge-prev sends one validly signed record with the
 * next seq and a wrong prev; --forge-seq N one with seq N, the right prev, other content.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "keys.h"
#include "record.h"
#include "store.h"

typedef struct rec {
    uint64_t seq;
    unsigned char *bytes;
    size_t len;
    unsigned char sig[KEYS_SIG_BYTES];
    char hash[RECORD_HEX_LEN + 1];
} rec;

typedef struct recs {
    rec *v;
    size_t n;
    size_t cap;
    uint64_t to;
} recs;

typedef struct totals {
    size_t stored, duplicate, rejected, gaps;
} totals;

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("post_records: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static bilet_status push(recs *r, uint64_t seq, const void *bytes, size_t len,
                         const unsigned char *sig, bilet_err *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        rec *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return bilet_fail(err, BILET_ENOMEM, "out of memory");
        r->v = v;
        r->cap = cap;
    }
    rec *x = &r->v[r->n];
    x->bytes = malloc(len ? len : 1);
    if (!x->bytes)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    memcpy(x->bytes, bytes, len);
    x->len = len;
    x->seq = seq;
    memcpy(x->sig, sig, KEYS_SIG_BYTES);
    record_hash_hex(bytes, len, x->hash);
    r->n++;
    return BILET_OK;
}

static bilet_status collect(const store_record *sr, void *ctx, bilet_err *err)
{
    recs *r = ctx;
    if (r->to && sr->seq > r->to)
        return BILET_OK;
    return push(r, sr->seq, sr->bytes, sr->len, sr->sig, err);
}

/* A record signed with the kiosk key that does not fit the chain: seq `seq` with prev
 * `prev` (hex) and a type no kiosk writes. */
static bilet_status forge(const char *dir, recs *r, uint64_t seq, const char *prev, bilet_err *err)
{
    keys_pair *kp = NULL;
    record_buf buf = { 0 };
    char kiosk[RECORD_HEX_LEN + 1];
    unsigned char sig[KEYS_SIG_BYTES];
    bilet_status st = keys_pair_load(dir, &kp, err);
    if (st != BILET_OK)
        return st;
    keys_hex_encode(kp->pk, sizeof kp->pk, kiosk, sizeof kiosk, NULL);
    record_header h = { kiosk, seq, prev, (int64_t)time(NULL), "", "test_forged" };
    bilet_field f[1] = { bilet_field_str("note", "подделка") };
    st = record_build(&h, f, 1, &buf, err);
    if (st == BILET_OK) {
        record_sign(buf.data, buf.len, kp, sig);
        st = push(r, seq, buf.data, buf.len, sig, err);
    }
    record_buf_free(&buf);
    keys_pair_destroy(kp);
    return st;
}

static json_t *records_json(const recs *r, size_t from, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = from; arr && i < from + n; i++) {
        size_t cap = b64_encoded_size(r->v[i].len);
        char *b64 = malloc(cap);
        char sig[2 * KEYS_SIG_BYTES + 1];
        if (!b64 || b64_encode(r->v[i].bytes, r->v[i].len, b64, cap, NULL) != BILET_OK) {
            free(b64);
            json_decref(arr);
            return NULL;
        }
        keys_hex_encode(r->v[i].sig, KEYS_SIG_BYTES, sig, sizeof sig, NULL);
        json_t *o = json_object();
        json_object_set_new(o, "bytes", json_string(b64));
        json_object_set_new(o, "sig", json_string(sig));
        json_array_append_new(arr, o);
        free(b64);
    }
    return arr;
}

typedef struct body {
    char *data;
    size_t len;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t add = size * n;
    char *d = realloc(b->data, b->len + add + 1);
    if (!d)
        return 0;
    memcpy(d + b->len, p, add);
    b->data = d;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* The batch id of r's records from..from+n, as hex: BLAKE2b-256 of their hashes back to
 * back, computed here by the definition rather than through record_batch_id. */
static int batch_id_hex(const recs *r, size_t from, size_t n, char out[RECORD_HEX_LEN + 1])
{
    unsigned char id[KEYS_HASH_BYTES];
    unsigned char *hashes = malloc(n ? n * KEYS_HASH_BYTES : 1);
    if (!hashes)
        return fail("out of memory");
    for (size_t i = 0; i < n; i++)
        keys_hex_decode(r->v[from + i].hash, hashes + i * KEYS_HASH_BYTES, KEYS_HASH_BYTES, NULL);
    record_hash(hashes, n * KEYS_HASH_BYTES, id);
    keys_hex_encode(id, sizeof id, out, RECORD_HEX_LEN + 1, NULL);
    free(hashes);
    return 0;
}

/* Checks one receipt against what was sent and adds up its verdicts. */
static int check_receipt(const char *answer, const unsigned char pub[KEYS_PUBLIC_BYTES],
                         const recs *r, size_t from, size_t n, totals *t)
{
    json_error_t jerr;
    int rc = 0;
    unsigned char sig[KEYS_SIG_BYTES];
    char pub_hex[RECORD_HEX_LEN + 1];
    char batch_hash[RECORD_HEX_LEN + 1];
    json_t *doc = json_loads(answer, 0, &jerr);
    json_t *receipt = NULL;
    const char *text = json_string_value(json_object_get(doc, "receipt"));
    const char *sig_hex = json_string_value(json_object_get(doc, "sig"));
    if (!text || !sig_hex || keys_hex_decode(sig_hex, sig, sizeof sig, NULL) != BILET_OK) {
        rc = fail("the answer is not {receipt, sig}: %.200s", answer);
        goto out;
    }
    if (!record_signature_valid(text, strlen(text), pub, sig)) {
        rc = fail("the receipt signature does not verify with central.pub");
        goto out;
    }
    receipt = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    keys_hex_encode(pub, KEYS_PUBLIC_BYTES, pub_hex, sizeof pub_hex, NULL);
    if (batch_id_hex(r, from, n, batch_hash) != 0) {
        rc = 1;
        goto out;
    }
    json_t *results = json_object_get(receipt, "results");
    const char *central = json_string_value(json_object_get(receipt, "central"));
    const char *batch = json_string_value(json_object_get(receipt, "batch"));
    if (!receipt || json_integer_value(json_object_get(receipt, "v")) != 1 || !central ||
        strcmp(central, pub_hex) != 0 || !batch || strcmp(batch, batch_hash) != 0 ||
        !json_is_integer(json_object_get(receipt, "time")) || json_array_size(results) != n) {
        rc = fail("the receipt does not match the batch: %.300s", text);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *res = json_array_get(results, i);
        const char *hash = json_string_value(json_object_get(res, "hash"));
        const char *status = json_string_value(json_object_get(res, "status"));
        const char *reason = json_string_value(json_object_get(res, "reason"));
        if (!hash || strcmp(hash, r->v[from + i].hash) != 0 || !status) {
            rc = fail("result %zu: not the hash of record %llu", i,
                      (unsigned long long)r->v[from + i].seq);
            goto out;
        }
        if (strcmp(status, "stored") == 0 && !reason) {
            t->stored++;
        } else if (strcmp(status, "duplicate") == 0 && !reason) {
            t->duplicate++;
        } else if (strcmp(status, "rejected") == 0 && reason) {
            t->rejected++;
            printf("rejected %llu: %s\n", (unsigned long long)r->v[from + i].seq, reason);
        } else {
            rc = fail("result %zu: status \"%s\"", i, status);
            goto out;
        }
    }
    json_t *gaps = json_object_get(receipt, "gaps");
    for (size_t i = 0; i < json_array_size(gaps); i++) {
        json_t *g = json_array_get(gaps, i);
        printf("gap %lld..%lld\n", (long long)json_integer_value(json_object_get(g, "from")),
               (long long)json_integer_value(json_object_get(g, "to")));
        t->gaps++;
    }
out:
    json_decref(receipt);
    json_decref(doc);
    return rc;
}

/* --log-end: the Bilet-Log-End header sent verbatim with every push (malformed on purpose
 * in a test), or NULL: none. */
static const char *log_end_header;

static int post_all(const char *central, const char *cacert,
                    const unsigned char pub[KEYS_PUBLIC_BYTES], const recs *r, size_t batch_n,
                    totals *t)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char url[1024];
    char log_end[256];
    if (headers && log_end_header) {
        snprintf(log_end, sizeof log_end, "Bilet-Log-End: %s", log_end_header);
        struct curl_slist *h = curl_slist_append(headers, log_end);
        if (!h) {
            curl_slist_free_all(headers);
            headers = NULL;
        }
    }
    int rc = 0;
    snprintf(url, sizeof url, "%s/api/v1/records", central);
    if (!curl || !headers)
        return fail("cannot start libcurl");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    if (cacert)
        curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
    for (size_t from = 0; rc == 0 && (from < r->n || (from == 0 && r->n == 0)); from += batch_n) {
        size_t n = r->n - from < batch_n ? r->n - from : batch_n;
        json_t *doc = json_object();
        json_object_set_new(doc, "v", json_integer(1));
        json_object_set_new(doc, "records", records_json(r, from, n));
        char *text = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        body b = { NULL, 0 };
        long status = 0;
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
        CURLcode cc = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (cc != CURLE_OK)
            rc = fail("%s: %s", url, curl_easy_strerror(cc));
        else if (status != 200) {
            printf("http %ld: %s\n", status, b.data ? b.data : "");
            rc = 1;
        } else {
            rc = check_receipt(b.data ? b.data : "", pub, r, from, n, t);
        }
        free(b.data);
        free(text);
        if (r->n == 0)
            break;
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return rc;
}

static int write_bundle(const char *dir, const char *key_dir, const recs *r, const char *out)
{
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    char kiosk[RECORD_HEX_LEN + 1];
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    char pub_path[4096];
    unsigned char pub[KEYS_PUBLIC_BYTES];
    /* The bundle names the folder's kiosk; --bundle-key signs it with another key. */
    snprintf(pub_path, sizeof pub_path, "%s/%s", dir, KEYS_PUBLIC_FILE);
    if (keys_file_read_hex(pub_path, pub, sizeof pub, &err) != BILET_OK ||
        keys_pair_load(key_dir ? key_dir : dir, &kp, &err) != BILET_OK)
        return fail("%s", err.msg);
    keys_hex_encode(pub, sizeof pub, kiosk, sizeof kiosk, NULL);
    json_t *inner = json_object();
    json_object_set_new(inner, "v", json_integer(1));
    json_object_set_new(inner, "kiosk", json_string(kiosk));
    json_object_set_new(inner, "created", json_integer((json_int_t)time(NULL)));
    json_object_set_new(inner, "records", records_json(r, 0, r->n));
    char *inner_text = json_dumps(inner, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(inner);
    record_sign(inner_text, strlen(inner_text), kp, sig);
    keys_pair_destroy(kp);
    keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);
    json_t *outer = json_object();
    json_object_set_new(outer, "bundle", json_string(inner_text));
    json_object_set_new(outer, "sig", json_string(sig_hex));
    int rc = json_dump_file(outer, out, JSON_COMPACT | JSON_PRESERVE_ORDER) == 0
                 ? 0
                 : fail("%s: cannot write", out);
    json_decref(outer);
    free(inner_text);
    if (rc == 0)
        printf("bundle of %zu records written to %s\n", r->n, out);
    return rc;
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

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "central", required_argument, NULL, 'c' },
        { "central-pub", required_argument, NULL, 'p' },
        { "data", required_argument, NULL, 'd' },
        { "batch", required_argument, NULL, 'b' },
        { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },
        { "flip-sig", required_argument, NULL, 'x' },
        { "forge-prev", no_argument, NULL, 'F' },
        { "forge-seq", required_argument, NULL, 'S' },
        { "bundle", required_argument, NULL, 'B' },
        { "bundle-key", required_argument, NULL, 'K' },
        { "cacert", required_argument, NULL, 'C' },
        { "repeat", required_argument, NULL, 'r' },
        { "log-end", required_argument, NULL, 'L' },
        { NULL, 0, NULL, 0 },
    };
    const char *central = NULL, *pub_path = NULL, *data = NULL, *bundle = NULL;
    const char *bundle_key = NULL, *cacert = NULL;
    uint64_t batch_n = 500, from = 1, flip = 0, forge_seq = 0, repeat = 1;
    recs r = { 0 };
    bool forge_prev = false;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'c':
            central = optarg;
            break;
        case 'p':
            pub_path = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'b':
            ok = parse_u64(optarg, &batch_n) && batch_n > 0;
            break;
        case 'f':
            ok = parse_u64(optarg, &from) && from > 0;
            break;
        case 't':
            ok = parse_u64(optarg, &r.to);
            break;
        case 'x':
            ok = parse_u64(optarg, &flip);
            break;
        case 'F':
            forge_prev = true;
            break;
        case 'S':
            ok = parse_u64(optarg, &forge_seq) && forge_seq > 0;
            break;
        case 'B':
            bundle = optarg;
            break;
        case 'K':
            bundle_key = optarg;
            break;
        case 'C':
            cacert = optarg;
            break;
        case 'r':
            ok = parse_u64(optarg, &repeat) && repeat > 0;
            break;
        case 'L':
            log_end_header = optarg;
            break;
        default:
            ok = false;
        }
        if (!ok) {
            fprintf(stderr, "post_records: bad option (see the top of post_records.c)\n");
            return 2;
        }
    }
    if (!data || (!bundle && (!central || !pub_path))) {
        fprintf(stderr, "post_records: --data and --central/--central-pub or --bundle needed\n");
        return 2;
    }

    bilet_err err = { { 0 } };
    store *st = NULL;
    if (store_open(data, &st, &err) != BILET_OK)
        return fail("%s", err.msg);
    bilet_status bs = BILET_OK;
    if (forge_prev || forge_seq) {
        uint64_t last = 0;
        unsigned char last_hash[KEYS_HASH_BYTES];
        char prev[RECORD_HEX_LEN + 1];
        bs = store_last(st, &last, last_hash, &err);
        if (bs == BILET_OK && forge_prev) {
            /* The next seq, chained to a hash no record has instead of the last record's. */
            memset(prev, 'f', RECORD_HEX_LEN);
            prev[RECORD_HEX_LEN] = '\0';
            bs = forge(data, &r, last + 1, prev, &err);
        } else if (bs == BILET_OK) {
            recs one = { 0 };
            one.to = forge_seq - 1;
            memset(prev, '0', RECORD_HEX_LEN);
            prev[RECORD_HEX_LEN] = '\0';
            if (forge_seq > 1) {
                bs = store_foreach(st, forge_seq - 1, collect, &one, &err);
                if (bs == BILET_OK && one.n == 1)
                    memcpy(prev, one.v[0].hash, sizeof prev);
            }
            for (size_t i = 0; i < one.n; i++)
                free(one.v[i].bytes);
            free(one.v);
            if (bs == BILET_OK)
                bs = forge(data, &r, forge_seq, prev, &err);
        }
    } else {
        bs = store_foreach(st, from, collect, &r, &err);
    }
    store_close(st);
    if (bs != BILET_OK)
        return fail("%s", err.msg);
    for (size_t i = 0; i < r.n; i++)
        if (r.v[i].seq == flip)
            r.v[i].sig[7] ^= 0x01;

    int rc;
    if (bundle) {
        rc = write_bundle(data, bundle_key, &r, bundle);
    } else {
        unsigned char pub[KEYS_PUBLIC_BYTES];
        totals t = { 0, 0, 0, 0 };
        if (keys_file_read_hex(pub_path, pub, sizeof pub, &err) != BILET_OK)
            return fail("%s", err.msg);
        curl_global_init(CURL_GLOBAL_DEFAULT);
        rc = 0;
        for (uint64_t i = 0; i < repeat && rc == 0; i++)
            rc = post_all(central, cacert, pub, &r, batch_n, &t);
        curl_global_cleanup();
        printf("stored %zu duplicate %zu rejected %zu gaps %zu\n", t.stored, t.duplicate,
               t.rejected, t.gaps);
    }
    for (size_t i = 0; i < r.n; i++)
        free(r.v[i].bytes);
    free(r.v);
    return rc;
}
