/*
 * client.c — POST /api/v1/records with libcurl, and the loop that empties an outbox batch
 * by batch (client.h).
 *
 * Invariants: nothing is acknowledged without a receipt that checks (receipt.c); the
 * source is told to advance only over a receipt's leading stored or duplicate records,
 * before the next batch is read; the answer read from the network is capped at
 * CLIENT_RESPONSE_MAX. One curl easy handle per client, reused so that consecutive batches
 * share a connection. Timeouts bound every exchange (5 s to connect, 30 s in all), and
 * CURLOPT_NOSIGNAL keeps curl's name lookups from raising signals in a kiosk thread.
 */
#include "client.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"

enum { URL_MAX = 2048 };

struct client {
    CURL *curl;
    struct curl_slist *headers;
    char url[URL_MAX];
    unsigned char central_pk[KEYS_PUBLIC_BYTES];
    char central_pub_path[URL_MAX];
    char ca_file[URL_MAX];
    long connect_timeout_ms;
    long timeout_ms;
    bool (*cancelled)(void *ctx);
    void *cancel_ctx;
    uint64_t log_end; /* for Bilet-Log-End; 0: none */
    /* The answer being received; reused between pushes. */
    char *resp;
    size_t resp_len, resp_cap;
    bool resp_too_big;
    char curl_err[CURL_ERROR_SIZE];
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_OK;

static void global_init_once(void)
{
    global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

bilet_status client_global_init(bilet_err *err)
{
    pthread_once(&global_once, global_init_once);
    if (global_rc != CURLE_OK)
        return bilet_fail(err, BILET_ENET, "libcurl cannot start: %s",
                          curl_easy_strerror(global_rc));
    return BILET_OK;
}

static bool url_scheme_ok(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

bilet_status client_create(const client_config *cfg, client **out, bilet_err *err)
{
    *out = NULL;
    if (!cfg->central || !url_scheme_ok(cfg->central))
        return bilet_fail(err, BILET_EINVAL,
                          "central URL '%.200s': not an http:// or https:// address",
                          cfg->central ? cfg->central : "");
    size_t base = strlen(cfg->central);
    while (base > 0 && cfg->central[base - 1] == '/')
        base--;
    bilet_status st = client_global_init(err);
    if (st != BILET_OK)
        return st;
    client *c = calloc(1, sizeof *c);
    if (!c)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the sync client");
    int k = snprintf(c->url, sizeof c->url, "%.*s/api/v1/records", (int)base, cfg->central);
    if (k < 0 || (size_t)k >= sizeof c->url) {
        st = bilet_fail(err, BILET_EINVAL, "central URL '%.200s…': too long", cfg->central);
        goto out_destroy;
    }
    memcpy(c->central_pk, cfg->central_pk, sizeof c->central_pk);
    snprintf(c->central_pub_path, sizeof c->central_pub_path, "%s",
             cfg->central_pub_path ? cfg->central_pub_path : "the pinned central key");
    if (cfg->ca_file)
        snprintf(c->ca_file, sizeof c->ca_file, "%s", cfg->ca_file);
    c->connect_timeout_ms =
        cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : CLIENT_CONNECT_TIMEOUT_MS;
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : CLIENT_TIMEOUT_MS;
    c->cancelled = cfg->cancelled;
    c->cancel_ctx = cfg->cancel_ctx;
    c->curl = curl_easy_init();
    if (!c->curl) {
        st = bilet_fail(err, BILET_ENOMEM, "libcurl: cannot create a transfer handle");
        goto out_destroy;
    }
    /* "Expect:" stops curl from waiting for 100-continue before large bodies. */
    static const char *const headers[] = { "Content-Type: application/json",
                                           "Accept: application/json", "Expect:" };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        struct curl_slist *h = curl_slist_append(c->headers, headers[i]);
        if (!h) {
            st = bilet_fail(err, BILET_ENOMEM, "out of memory for HTTP headers");
            goto out_destroy;
        }
        c->headers = h;
    }
    *out = c;
    return BILET_OK;

out_destroy:
    client_destroy(c);
    return st;
}

void client_destroy(client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    curl_slist_free_all(c->headers);
    free(c->resp);
    keys_wipe(c->central_pk, sizeof c->central_pk);
    free(c);
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    client *c = ud;
    size_t n = size * nmemb;
    if (n > CLIENT_RESPONSE_MAX - c->resp_len) {
        c->resp_too_big = true;
        return 0; /* aborts the transfer */
    }
    if (c->resp_len + n + 1 > c->resp_cap) {
        size_t cap = c->resp_cap ? c->resp_cap : 64 * 1024;
        while (cap < c->resp_len + n + 1)
            cap *= 2;
        char *p = realloc(c->resp, cap);
        if (!p)
            return 0;
        c->resp = p;
        c->resp_cap = cap;
    }
    memcpy(c->resp + c->resp_len, ptr, n);
    c->resp_len += n;
    c->resp[c->resp_len] = '\0';
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    client *c = ud;
    return c->cancelled && c->cancelled(c->cancel_ctx) ? 1 : 0;
}

/* The central's own words from an error answer ({"error":"..."}), or a cut of the body. */
static void error_words(const client *c, char *out, size_t cap)
{
    out[0] = '\0';
    if (c->resp_len == 0)
        return;
    json_t *doc = json_loadb(c->resp, c->resp_len, 0, NULL);
    const char *s = json_string_value(json_object_get(doc, "error"));
    if (s) {
        snprintf(out, cap, ": %s", s);
    } else {
        snprintf(out, cap, ": %.*s", (int)(c->resp_len < 120 ? c->resp_len : 120), c->resp);
    }
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    json_decref(doc);
}

void client_set_log_end(client *c, uint64_t log_end)
{
    c->log_end = log_end;
}

/* One POST of body; on BILET_OK the answer is in c->resp with HTTP status 200. */
static bilet_status post(client *c, const char *body, size_t len, bilet_err *err)
{
    CURL *h = c->curl;
    /* c->headers plus this push's Bilet-Log-End, on a list node of our own. */
    char log_end[48];
    struct curl_slist extra = { log_end, c->headers };
    snprintf(log_end, sizeof log_end, "Bilet-Log-End: %llu", (unsigned long long)c->log_end);
    c->resp_len = 0;
    c->resp_too_big = false;
    c->curl_err[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, c->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->log_end ? &extra : c->headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bilet-sync/1");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);

    CURLcode rc = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers); /* extra goes out of scope */
    if (rc == CURLE_ABORTED_BY_CALLBACK)
        return bilet_fail(err, BILET_ENET, "%s: the push was cancelled", c->url);
    if (rc == CURLE_WRITE_ERROR && c->resp_too_big)
        return bilet_fail(err, BILET_ENET, "%s: the answer is over %d bytes", c->url,
                          (int)CLIENT_RESPONSE_MAX);
    if (rc != CURLE_OK)
        return bilet_fail(err, BILET_ENET, "%s: %s", c->url,
                          c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (code != 200) {
        char words[200];
        error_words(c, words, sizeof words);
        return bilet_fail(err, BILET_ENET, "%s answered HTTP %ld%s", c->url, code, words);
    }
    return BILET_OK;
}

bilet_status client_push(client *c, const client_record *recs, size_t n, client_result *results,
                         client_receipt *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || n > CLIENT_BATCH_MAX)
        return bilet_fail(err, BILET_EINVAL, "a push holds 1 to %d records, not %zu",
                          (int)CLIENT_BATCH_MAX, n);
    char *body = NULL;
    size_t len = 0;
    unsigned char batch[KEYS_HASH_BYTES];
    client_batch_id(recs, n, batch);
    bilet_status st = client_body_build(recs, n, &body, &len, err);
    if (st != BILET_OK)
        return st;
    st = post(c, body, len, err);
    free(body);
    if (st != BILET_OK)
        return st;
    st = client_receipt_check(c->resp, c->resp_len, c->central_pk, batch, recs, n, results, out,
                              err);
    if (st == BILET_EBADSIG)
        bilet_err_prefix(err, "%s (%s): ", c->url, c->central_pub_path);
    else if (st != BILET_OK)
        bilet_err_prefix(err, "%s: ", c->url);
    return st;
}

bilet_status client_get(const char *url, const char *bearer, const char *ca_file, char **body,
                        size_t *len, long *http_status, bilet_err *err)
{
    *body = NULL;
    *len = 0;
    *http_status = 0;
    unsigned char no_key[KEYS_PUBLIC_BYTES] = { 0 };
    client_config cfg = { .central = url, .central_pk = no_key, .ca_file = ca_file };
    client *c = NULL;
    bilet_status st = client_create(&cfg, &c, err);
    if (st != BILET_OK)
        return st;
    char auth[512];
    struct curl_slist *headers = NULL;
    if (bearer) {
        int k = snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
        if (k < 0 || (size_t)k >= sizeof auth) {
            st = bilet_fail(err, BILET_EINVAL, "the staff token is too long");
            goto out_destroy;
        }
        headers = curl_slist_append(NULL, auth);
        if (!headers) {
            st = bilet_fail(err, BILET_ENOMEM, "out of memory for HTTP headers");
            goto out_destroy;
        }
    }
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bilet/1");
    if (headers)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err);
    if (c->ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        st = bilet_fail(err, BILET_ENET, "%s: %s", url,
                        c->resp_too_big  ? "the answer is too large"
                        : c->curl_err[0] ? c->curl_err
                                         : curl_easy_strerror(rc));
        goto out_destroy;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, http_status);
    *body = c->resp ? c->resp : calloc(1, 1);
    if (!*body) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory");
        goto out_destroy;
    }
    *len = c->resp_len;
    c->resp = NULL; /* handed over */

out_destroy:
    curl_slist_free_all(headers);
    client_destroy(c);
    return st;
}

bilet_status client_sync(client *c, const client_source *src, size_t batch_max,
                         const client_sync_hooks *hooks, client_sync_report *rep, bilet_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (batch_max == 0 || batch_max > CLIENT_BATCH_MAX)
        batch_max = CLIENT_BATCH_MAX;
    client_result *results = calloc(batch_max, sizeof *results);
    if (!results)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for %zu results", batch_max);
    bool rewound = false;
    bilet_status st = BILET_OK;
    for (;;) {
        const client_record *recs = NULL;
        size_t n = 0;
        st = src->next(src->ctx, batch_max, CLIENT_BATCH_BYTES_MAX, &recs, &n, err);
        if (st != BILET_OK || n == 0)
            break;
        if (n > batch_max)
            n = batch_max;
        client_set_log_end(c, src->log_end ? src->log_end(src->ctx) : 0);
        client_receipt rc;
        st = client_push(c, recs, n, results, &rc, err);
        if (st != BILET_OK)
            break;
        rep->batches++;
        rep->sent += n;
        rep->stored += rc.stored;
        rep->duplicate += rc.duplicate;
        rep->rejected += rc.rejected;
        if (rc.acked > 0) {
            st = src->ack(src->ctx, &recs[rc.acked - 1], (int64_t)time(NULL), err);
            if (st != BILET_OK)
                break;
        }
        if (hooks && hooks->progress)
            hooks->progress(hooks->ctx, rep);
        if (rc.rejected == 0)
            continue;
        /* The central lost records the kiosk holds (a restored backup): send them again,
         * once; they are the kiosk's own signed records, so nothing is made up. */
        if (!rewound && src->rewind && rc.acked == 0 && rc.gap_from > 0 &&
            rc.gap_from < recs[0].seq) {
            rewound = true;
            rep->rejected -= rc.rejected;
            st = src->rewind(src->ctx, rc.gap_from, err);
            if (st != BILET_OK)
                break;
            continue;
        }
        size_t first = rc.acked;
        for (size_t i = 0; i < n; i++)
            if (results[i].outcome == CLIENT_REJECTED && hooks && hooks->rejected)
                hooks->rejected(hooks->ctx, recs[i].seq, results[i].reason);
        st = bilet_fail(err, BILET_ERULE, "the central rejected record %llu: %s",
                        (unsigned long long)recs[first].seq, results[first].reason);
        break;
    }
    free(results);
    return st;
}
