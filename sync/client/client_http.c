/*
 * client_http.c — one request to a staff endpoint of bilet-central (client_http.h).
 */
#include "client_http.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

enum { HTTP_TIMEOUT_MS = 60000, AUTH_HEADER_MAX = 512 };

typedef struct sink {
    char *data;
    size_t len, cap;
    bool too_big;
    bool no_memory;
} sink;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (n > CLIENT_RESPONSE_MAX - s->len) {
        s->too_big = true;
        return 0;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 16 * 1024;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *p = realloc(s->data, cap);
        if (!p) {
            s->no_memory = true;
            return 0;
        }
        s->data = p;
        s->cap = cap;
    }
    memcpy(s->data + s->len, ptr, n);
    s->len += n;
    s->data[s->len] = '\0';
    return n;
}

char *client_http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = '\0';
    return out;
}

bilet_status client_http_request_send(const client_http_request *rq, long *status, char **body,
                                      size_t *len, bilet_err *err)
{
    *status = 0;
    *body = NULL;
    *len = 0;
    if (strncmp(rq->url, "http://", 7) != 0 && strncmp(rq->url, "https://", 8) != 0)
        return bilet_fail(err, BILET_EINVAL,
                          "%s: the central's URL must begin with http:// or "
                          "https://",
                          rq->url);
    bilet_status st = client_global_init(err);
    if (st != BILET_OK)
        return st;
    CURL *h = curl_easy_init();
    if (!h)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for an HTTP request");
    struct curl_slist *headers = NULL;
    char line[AUTH_HEADER_MAX];
    sink s = { 0 };
    char curl_err[CURL_ERROR_SIZE] = "";
    if (rq->bearer) {
        for (const unsigned char *p = (const unsigned char *)rq->bearer; *p; p++)
            if (*p < 0x21 || *p == 0x7f) {
                st = bilet_fail(err, BILET_EINVAL,
                                "the staff token holds a space or a control "
                                "character");
                goto out_cleanup;
            }
        int k = snprintf(line, sizeof line, "Authorization: Bearer %s", rq->bearer);
        if (k < 0 || (size_t)k >= sizeof line) {
            st = bilet_fail(err, BILET_EINVAL, "the staff token is too long");
            goto out_cleanup;
        }
        headers = curl_slist_append(headers, line);
    }
    if (rq->body) {
        snprintf(line, sizeof line, "Content-Type: %s",
                 rq->content_type ? rq->content_type : "application/json");
        headers = curl_slist_append(headers, line);
    }
    curl_easy_setopt(h, CURLOPT_URL, rq->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "bilet/1");
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
    if (rq->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
    }
    if (headers)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)CLIENT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (rq->ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, rq->ca_file);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        st = s.no_memory ? bilet_fail(err, BILET_ENOMEM, "out of memory for the answer")
                         : bilet_fail(err, BILET_ENET, "%s: %s", rq->url,
                                      s.too_big     ? "the answer is too large"
                                      : curl_err[0] ? curl_err
                                                    : curl_easy_strerror(rc));
        goto out_cleanup;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    *body = s.data ? s.data : calloc(1, 1);
    if (!*body) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory for the answer");
        goto out_cleanup;
    }
    *len = s.len;
    s.data = NULL;

out_cleanup:
    free(s.data);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    return st;
}
