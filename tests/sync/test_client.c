/*
 * test_client.c — the push's two texts (sync/client/receipt.c) and the client's failure
 * paths without a central: the request body and the batch id against known answers, a
 * receipt signed by a fixed test key (tests/data/sync, made with Python's hashlib and the
 * `cryptography` package, independently of libsodium), and every way a receipt is refused.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "keys.h"
#include "record.h"
#include "test_main.h"

#define DATA BILET_TEST_DATA "/sync/"

enum { N_MAX = 8 };

/* Records made up for a batch: bytes, their hash, a signature of zeros. */
typedef struct fake_batch {
    char bytes[N_MAX][64];
    unsigned char hash[N_MAX][KEYS_HASH_BYTES];
    unsigned char sig[N_MAX][KEYS_SIG_BYTES];
    client_record recs[N_MAX];
    size_t n;
    char *body;
    size_t body_len;
    unsigned char batch[KEYS_HASH_BYTES];
} fake_batch;

static void fake_batch_init(fake_batch *b, size_t n, uint64_t first_seq)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(b->bytes[i], sizeof b->bytes[i], "{\"record\":%zu}", i);
        size_t len = strlen(b->bytes[i]);
        record_hash(b->bytes[i], len, b->hash[i]);
        client_record r = { first_seq + i, (const unsigned char *)b->bytes[i], len, b->hash[i],
                            b->sig[i] };
        b->recs[i] = r;
    }
    assert_int_equal(client_body_build(b->recs, n, &b->body, &b->body_len, NULL), BILET_OK);
    client_batch_id(b->recs, n, b->batch);
}

static void fake_batch_free(fake_batch *b)
{
    free(b->body);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 16) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static keys_pair *central_pair(void)
{
    unsigned char seed[KEYS_SEED_BYTES];
    keys_pair *kp = NULL;
    assert_int_equal(keys_file_read_hex(DATA "central.seed", seed, sizeof seed, NULL), BILET_OK);
    assert_int_equal(keys_pair_from_seed(seed, &kp, NULL), BILET_OK);
    return kp;
}

static keys_pair *other_pair(void)
{
    unsigned char seed[KEYS_SEED_BYTES];
    memset(seed, 0x77, sizeof seed);
    keys_pair *kp = NULL;
    assert_int_equal(keys_pair_from_seed(seed, &kp, NULL), BILET_OK);
    return kp;
}

static void hex(const unsigned char *bin, size_t n, char *out)
{
    assert_int_equal(keys_hex_encode(bin, n, out, 2 * n + 1, NULL), BILET_OK);
}

/* The receipt text for b as the central writes it: statuses[i] per record ("stored",
 * "duplicate", "rejected"), central key pk, batch id batch (b's own when NULL), extra the
 * gaps array text. */
static char *receipt_text(const fake_batch *b, const unsigned char *pk, const unsigned char *batch,
                          const char *const *statuses, const char *gaps)
{
    char pk_hex[65], batch_hex[65], hash_hex[65];
    hex(pk, KEYS_PUBLIC_BYTES, pk_hex);
    hex(batch ? batch : b->batch, KEYS_HASH_BYTES, batch_hex);
    size_t cap = 4096;
    char *t = malloc(cap);
    assert_non_null(t);
    int k = snprintf(t, cap,
                     "{\"v\":1,\"central\":\"%s\",\"time\":1797746700,\"batch\":\"%s\","
                     "\"results\":[",
                     pk_hex, batch_hex);
    for (size_t i = 0; i < b->n; i++) {
        hex(b->hash[i], KEYS_HASH_BYTES, hash_hex);
        bool rejected = strcmp(statuses[i], "rejected") == 0;
        k += snprintf(t + k, cap - (size_t)k, "%s{\"hash\":\"%s\",\"status\":\"%s\"%s}",
                      i ? "," : "", hash_hex, statuses[i],
                      rejected ? ",\"reason\":\"broken chain: prev does not match record 0\"" : "");
    }
    snprintf(t + k, cap - (size_t)k, "],\"gaps\":%s}", gaps ? gaps : "[]");
    return t;
}

/* The 200 answer carrying text signed by kp. */
static char *signed_response(const char *text, const keys_pair *kp)
{
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[129];
    record_sign(text, strlen(text), kp, sig);
    hex(sig, sizeof sig, sig_hex);
    json_t *o = json_pack("{s:s,s:s}", "receipt", text, "sig", sig_hex);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    assert_non_null(s);
    return s;
}

static const char *const all_stored[N_MAX] = { "stored", "stored", "stored", "stored",
                                               "stored", "stored", "stored", "stored" };

/* Checks a response for b with the central key kp; returns the status. */
static bilet_status check(const fake_batch *b, const char *resp, const keys_pair *kp,
                          client_result *results, client_receipt *out, bilet_err *err)
{
    return client_receipt_check(resp, strlen(resp), kp->pk, b->batch, b->recs, b->n, results, out,
                                err);
}

/* ---- known answers ---------------------------------------------------------------------- */

/* The example records of docs/records.md as the kiosk log holds them. */
typedef struct example {
    unsigned char bytes[2][1024];
    size_t len[2];
    unsigned char hash[2][KEYS_HASH_BYTES];
    unsigned char sig[2][KEYS_SIG_BYTES];
    client_record recs[2];
} example;

static void load_example(example *ex)
{
    for (int i = 0; i < 2; i++) {
        char path[512];
        snprintf(path, sizeof path, BILET_TEST_DATA "/record/example-%d.record", i + 1);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        ex->len[i] = fread(ex->bytes[i], 1, sizeof ex->bytes[i], f);
        fclose(f);
        snprintf(path, sizeof path, BILET_TEST_DATA "/record/example-%d.sig", i + 1);
        assert_int_equal(keys_file_read_hex(path, ex->sig[i], KEYS_SIG_BYTES, NULL), BILET_OK);
        record_hash(ex->bytes[i], ex->len[i], ex->hash[i]);
        client_record r = { (uint64_t)i + 1, ex->bytes[i], ex->len[i], ex->hash[i], ex->sig[i] };
        ex->recs[i] = r;
    }
}

static void body_of_the_example_records_matches_its_known_answer(void **state)
{
    (void)state;
    example ex;
    load_example(&ex);
    char *body = NULL;
    size_t len = 0;
    assert_int_equal(client_body_build(ex.recs, 2, &body, &len, NULL), BILET_OK);
    size_t want_len = 0;
    char *want = read_file(DATA "example-body.json", &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(body, want, len);
    unsigned char h[KEYS_HASH_BYTES], want_h[KEYS_HASH_BYTES];
    record_hash(body, len, h);
    assert_int_equal(keys_file_read_hex(DATA "example-body.hash", want_h, sizeof want_h, NULL),
                     BILET_OK);
    assert_memory_equal(h, want_h, sizeof h);
    free(want);
    free(body);
}

/* The batch id is BLAKE2b-256 over the records' hashes in order, not over the body: the
 * known answer was computed with Python's hashlib. */
static void batch_id_of_the_example_records_matches_its_known_answer(void **state)
{
    (void)state;
    example ex;
    load_example(&ex);
    unsigned char id[KEYS_HASH_BYTES], want[KEYS_HASH_BYTES], swapped[KEYS_HASH_BYTES];
    client_batch_id(ex.recs, 2, id);
    assert_int_equal(keys_file_read_hex(DATA "example-batch.id", want, sizeof want, NULL),
                     BILET_OK);
    assert_memory_equal(id, want, sizeof id);
    client_record other[2] = { ex.recs[1], ex.recs[0] };
    client_batch_id(other, 2, swapped);
    assert_memory_not_equal(swapped, want, sizeof want);
}

static void receipt_known_answer_is_accepted_and_stops_at_its_rejection(void **state)
{
    (void)state;
    example ex;
    load_example(&ex);
    unsigned char pk[KEYS_PUBLIC_BYTES], batch[KEYS_HASH_BYTES];
    assert_int_equal(keys_file_read_hex(DATA "central.pub", pk, sizeof pk, NULL), BILET_OK);
    assert_int_equal(keys_file_read_hex(DATA "example-batch.id", batch, sizeof batch, NULL),
                     BILET_OK);
    size_t len = 0;
    char *resp = read_file(DATA "example-receipt.json", &len);
    client_result results[2];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(client_receipt_check(resp, len, pk, batch, ex.recs, 2, results, &rc, &err),
                     BILET_OK);
    assert_int_equal(rc.stored, 1);
    assert_int_equal(rc.rejected, 1);
    assert_int_equal(rc.acked, 1);
    assert_int_equal(rc.time, 1797746700);
    assert_int_equal(results[0].outcome, CLIENT_STORED);
    assert_int_equal(results[1].outcome, CLIENT_REJECTED);
    assert_string_equal(results[1].reason, "broken chain: prev does not match record 1");
    free(resp);
}

static void central_test_key_matches_its_seed(void **state)
{
    (void)state;
    keys_pair *kp = central_pair();
    unsigned char pk[KEYS_PUBLIC_BYTES];
    assert_int_equal(keys_file_read_hex(DATA "central.pub", pk, sizeof pk, NULL), BILET_OK);
    assert_memory_equal(kp->pk, pk, sizeof pk);
    keys_pair_destroy(kp);
}

/* ---- receipts ------------------------------------------------------------------------------ */

static void receipt_signed_by_the_pinned_key_acknowledges_every_stored_record(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 3, 10);
    keys_pair *kp = central_pair();
    char *text = receipt_text(&b, kp->pk, NULL, all_stored, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    assert_int_equal(check(&b, resp, kp, results, &rc, NULL), BILET_OK);
    assert_int_equal(rc.stored, 3);
    assert_int_equal(rc.acked, 3);
    assert_int_equal(rc.rejected, 0);
    assert_int_equal(rc.gap_from, 0);
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void duplicates_are_acknowledged_like_stored_records(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 3, 1);
    keys_pair *kp = central_pair();
    static const char *const st[] = { "duplicate", "duplicate", "stored" };
    char *text = receipt_text(&b, kp->pk, NULL, st, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    assert_int_equal(check(&b, resp, kp, results, &rc, NULL), BILET_OK);
    assert_int_equal(rc.duplicate, 2);
    assert_int_equal(rc.stored, 1);
    assert_int_equal(rc.acked, 3);
    assert_int_equal(results[0].outcome, CLIENT_DUPLICATE);
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void acknowledgement_stops_at_the_first_rejected_record(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 4, 1);
    keys_pair *kp = central_pair();
    static const char *const st[] = { "stored", "duplicate", "rejected", "stored" };
    char *text = receipt_text(&b, kp->pk, NULL, st, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    assert_int_equal(check(&b, resp, kp, results, &rc, NULL), BILET_OK);
    assert_int_equal(rc.acked, 2);
    assert_int_equal(rc.stored, 2);
    assert_int_equal(rc.duplicate, 1);
    assert_int_equal(rc.rejected, 1);
    assert_string_equal(results[2].reason, "broken chain: prev does not match record 0");
    assert_string_equal(results[0].reason, "");
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void receipt_signed_by_another_key_acknowledges_nothing(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 2, 1);
    keys_pair *kp = central_pair(), *forger = other_pair();
    /* The forger names the pinned key as central but cannot sign for it. */
    char *text = receipt_text(&b, kp->pk, NULL, all_stored, NULL);
    char *resp = signed_response(text, forger);
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, resp, kp, results, &rc, &err), BILET_EBADSIG);
    assert_int_equal(rc.acked, 0);
    assert_non_null(strstr(err.msg, "signature"));
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    keys_pair_destroy(forger);
    fake_batch_free(&b);
}

static void receipt_altered_after_signing_is_refused(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 2, 1);
    keys_pair *kp = central_pair();
    static const char *const st[] = { "stored", "rejected" };
    char *text = receipt_text(&b, kp->pk, NULL, st, NULL);
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[129];
    record_sign(text, strlen(text), kp, sig);
    hex(sig, sizeof sig, sig_hex);
    char *rej = strstr(text, "\"rejected\"");
    assert_non_null(rej);
    memcpy(rej, "\"stored\"  ", 10); /* same length: only the signature can tell */
    json_t *o = json_pack("{s:s,s:s}", "receipt", text, "sig", sig_hex);
    char *resp = json_dumps(o, JSON_COMPACT);
    client_result results[N_MAX];
    client_receipt rc;
    assert_int_equal(check(&b, resp, kp, results, &rc, NULL), BILET_EBADSIG);
    assert_int_equal(rc.acked, 0);
    free(resp);
    json_decref(o);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void receipt_for_another_batch_is_refused(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 2, 1);
    keys_pair *kp = central_pair();
    unsigned char other[KEYS_HASH_BYTES];
    memcpy(other, b.batch, sizeof other);
    other[0] ^= 1;
    char *text = receipt_text(&b, kp->pk, other, all_stored, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, resp, kp, results, &rc, &err), BILET_EBADSIG);
    assert_non_null(strstr(err.msg, "another batch"));
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void receipt_naming_another_central_is_refused(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 1, 1);
    keys_pair *kp = central_pair(), *other = other_pair();
    char *text = receipt_text(&b, other->pk, NULL, all_stored, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, resp, kp, results, &rc, &err), BILET_EBADSIG);
    assert_non_null(strstr(err.msg, "another central"));
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    keys_pair_destroy(other);
    fake_batch_free(&b);
}

static void receipt_with_a_result_for_another_record_is_refused(void **state)
{
    (void)state;
    fake_batch b, swapped;
    fake_batch_init(&b, 2, 1);
    fake_batch_init(&swapped, 2, 1);
    /* Results in another order than the records sent. */
    memcpy(swapped.hash[0], b.hash[1], KEYS_HASH_BYTES);
    memcpy(swapped.hash[1], b.hash[0], KEYS_HASH_BYTES);
    keys_pair *kp = central_pair();
    char *text = receipt_text(&swapped, kp->pk, b.batch, all_stored, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, resp, kp, results, &rc, &err), BILET_EBADSIG);
    assert_non_null(strstr(err.msg, "another record"));
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
    fake_batch_free(&swapped);
}

static void receipt_with_fewer_results_than_records_is_refused(void **state)
{
    (void)state;
    fake_batch b, shorter;
    fake_batch_init(&b, 3, 1);
    fake_batch_init(&shorter, 2, 1);
    keys_pair *kp = central_pair();
    char *text = receipt_text(&shorter, kp->pk, b.batch, all_stored, NULL);
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, resp, kp, results, &rc, &err), BILET_EBADSIG);
    assert_non_null(strstr(err.msg, "2 results for 3 records"));
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
    fake_batch_free(&shorter);
}

static void answer_that_is_not_json_is_no_receipt(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 1, 1);
    keys_pair *kp = central_pair();
    client_result results[N_MAX];
    client_receipt rc;
    bilet_err err = { { 0 } };
    assert_int_equal(check(&b, "<html>gateway</html>", kp, results, &rc, &err), BILET_ENET);
    assert_non_null(strstr(err.msg, "not a receipt"));
    assert_int_equal(check(&b, "{\"receipt\":\"x\"}", kp, results, &rc, &err), BILET_ENET);
    assert_int_equal(check(&b, "{\"receipt\":1,\"sig\":\"00\"}", kp, results, &rc, &err),
                     BILET_ENET);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

static void gap_just_below_the_batch_is_reported(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 2, 8);
    keys_pair *kp = central_pair();
    static const char *const st[] = { "rejected", "rejected" };
    char *text = receipt_text(&b, kp->pk, NULL, st,
                              "[{\"kiosk\":\"ab\",\"from\":5,\"to\":7},{\"kiosk\":"
                              "\"ab\",\"from\":1,\"to\":2}]");
    char *resp = signed_response(text, kp);
    client_result results[N_MAX];
    client_receipt rc;
    assert_int_equal(check(&b, resp, kp, results, &rc, NULL), BILET_OK);
    assert_int_equal(rc.gap_from, 5);
    assert_int_equal(rc.acked, 0);
    free(resp);
    free(text);
    keys_pair_destroy(kp);
    fake_batch_free(&b);
}

/* ---- the client without a central ---------------------------------------------------------- */

static void client_refuses_a_url_that_is_not_http(void **state)
{
    (void)state;
    unsigned char pk[KEYS_PUBLIC_BYTES] = { 0 };
    client_config cfg = { .central = "ftp://example.org", .central_pk = pk };
    client *c = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(client_create(&cfg, &c, &err), BILET_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.msg, "ftp://example.org"));
}

/* A source over a fake batch that counts acknowledgements. */
typedef struct counting_source {
    fake_batch *b;
    int acks;
    bool handed_out;
} counting_source;

static bilet_status cs_next(void *ctx, size_t max_records, size_t max_bytes,
                            const client_record **recs, size_t *n, bilet_err *err)
{
    (void)max_bytes;
    (void)err;
    counting_source *cs = ctx;
    *recs = cs->b->recs;
    *n = cs->handed_out ? 0 : (cs->b->n < max_records ? cs->b->n : max_records);
    cs->handed_out = true;
    return BILET_OK;
}

static bilet_status cs_ack(void *ctx, const client_record *last, int64_t now, bilet_err *err)
{
    (void)last;
    (void)now;
    (void)err;
    counting_source *cs = ctx;
    cs->acks++;
    return BILET_OK;
}

static void unreachable_central_acknowledges_nothing(void **state)
{
    (void)state;
    fake_batch b;
    fake_batch_init(&b, 2, 1);
    unsigned char pk[KEYS_PUBLIC_BYTES] = { 0 };
    /* Port 9 (discard) on loopback: nothing listens in a test machine. */
    client_config cfg = { .central = "http://127.0.0.1:9", .central_pk = pk };
    client *c = NULL;
    assert_int_equal(client_create(&cfg, &c, NULL), BILET_OK);
    counting_source cs = { &b, 0, false };
    client_source src = { &cs, cs_next, cs_ack, NULL, NULL };
    client_sync_report rep;
    bilet_err err = { { 0 } };
    time_t t0 = time(NULL);
    assert_int_equal(client_sync(c, &src, CLIENT_BATCH_MAX, NULL, &rep, &err), BILET_ENET);
    assert_true(time(NULL) - t0 < 10);
    assert_int_equal(cs.acks, 0);
    assert_int_equal(rep.stored, 0);
    assert_non_null(strstr(err.msg, "127.0.0.1:9"));
    client_destroy(c);
    fake_batch_free(&b);
}

/* A listener on 127.0.0.1 that keeps the head of one request and answers 503. */
typedef struct head_catcher {
    int fd;
    char head[8192];
} head_catcher;

static void *catch_head(void *arg)
{
    head_catcher *hc = arg;
    int conn = accept(hc->fd, NULL, NULL);
    if (conn < 0)
        return NULL;
    size_t len = 0;
    while (len + 1 < sizeof hc->head && !strstr(hc->head, "\r\n\r\n")) {
        ssize_t k = read(conn, hc->head + len, sizeof hc->head - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        hc->head[len] = '\0';
    }
    static const char answer[] =
        "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ssize_t w = write(conn, answer, sizeof answer - 1);
    (void)w;
    close(conn);
    return NULL;
}

static uint64_t log_end_42(void *ctx)
{
    (void)ctx;
    return 42;
}

/* Pushes one batch of 2 records to a catcher; the request head it saw into *hc. */
static void push_to_catcher(uint64_t (*log_end)(void *ctx), head_catcher *hc)
{
    memset(hc, 0, sizeof *hc);
    hc->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(hc->fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    assert_int_equal(bind(hc->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(hc->fd, 1), 0);
    assert_int_equal(getsockname(hc->fd, (struct sockaddr *)&a, &al), 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, catch_head, hc), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    fake_batch b;
    fake_batch_init(&b, 2, 1);
    unsigned char pk[KEYS_PUBLIC_BYTES] = { 0 };
    client_config cfg = { .central = url, .central_pk = pk };
    client *c = NULL;
    assert_int_equal(client_create(&cfg, &c, NULL), BILET_OK);
    counting_source cs = { &b, 0, false };
    client_source src = { &cs, cs_next, cs_ack, NULL, log_end };
    client_sync_report rep;
    bilet_err err = { { 0 } };
    assert_int_equal(client_sync(c, &src, CLIENT_BATCH_MAX, NULL, &rep, &err), BILET_ENET);
    assert_non_null(strstr(err.msg, "HTTP 503"));
    assert_int_equal(cs.acks, 0);
    pthread_join(th, NULL);
    close(hc->fd);
    client_destroy(c);
    fake_batch_free(&b);
}

static void push_tells_the_end_of_the_log(void **state)
{
    (void)state;
    head_catcher hc;
    push_to_catcher(log_end_42, &hc);
    assert_non_null(strstr(hc.head, "POST /api/v1/records HTTP/1.1\r\n"));
    assert_non_null(strstr(hc.head, "\r\nBilet-Log-End: 42\r\n"));
    push_to_catcher(NULL, &hc); /* a source that cannot say: no header */
    assert_non_null(strstr(hc.head, "POST /api/v1/records"));
    assert_null(strstr(hc.head, "Bilet-Log-End"));
}

static void push_refuses_an_empty_batch(void **state)
{
    (void)state;
    unsigned char pk[KEYS_PUBLIC_BYTES] = { 0 };
    client_config cfg = { .central = "http://127.0.0.1:9/", .central_pk = pk };
    client *c = NULL;
    assert_int_equal(client_create(&cfg, &c, NULL), BILET_OK);
    client_result r;
    client_receipt rc;
    assert_int_equal(client_push(c, NULL, 0, &r, &rc, NULL), BILET_EINVAL);
    client_destroy(c);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(body_of_the_example_records_matches_its_known_answer),
    cmocka_unit_test(batch_id_of_the_example_records_matches_its_known_answer),
    cmocka_unit_test(receipt_known_answer_is_accepted_and_stops_at_its_rejection),
    cmocka_unit_test(central_test_key_matches_its_seed),
    cmocka_unit_test(receipt_signed_by_the_pinned_key_acknowledges_every_stored_record),
    cmocka_unit_test(duplicates_are_acknowledged_like_stored_records),
    cmocka_unit_test(acknowledgement_stops_at_the_first_rejected_record),
    cmocka_unit_test(receipt_signed_by_another_key_acknowledges_nothing),
    cmocka_unit_test(receipt_altered_after_signing_is_refused),
    cmocka_unit_test(receipt_for_another_batch_is_refused),
    cmocka_unit_test(receipt_naming_another_central_is_refused),
    cmocka_unit_test(receipt_with_a_result_for_another_record_is_refused),
    cmocka_unit_test(receipt_with_fewer_results_than_records_is_refused),
    cmocka_unit_test(answer_that_is_not_json_is_no_receipt),
    cmocka_unit_test(gap_just_below_the_batch_is_reported),
    cmocka_unit_test(client_refuses_a_url_that_is_not_http),
    cmocka_unit_test(unreachable_central_acknowledges_nothing),
    cmocka_unit_test(push_refuses_an_empty_batch),
    cmocka_unit_test(push_tells_the_end_of_the_log),
};

BILET_TEST_MAIN(tests)
