/*
 * http_probe.c — one HTTP request for the tests of bilet-central, through libcurl (so
 * that the tests need no curl program): prints the status code, "000" when no answer
 * came.
 *
 *   http_probe METHOD URL [--data TEXT | --data-file F] [--chunked] [--header H]...
 *              [--cacert F] [--out F] [--dump-headers F]
 *
 * --out and --dump-headers save the body and the header lines. Bodies over 1 MiB are sent
 * with `Expect: 100-continue`, as libcurl does for any client, so that a server may refuse
 * them before they travel. Exit 0 whenever a status (or 000) was printed, 2 on bad usage.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sink {
    FILE *f;
} sink;

typedef struct source {
    const char *data;
    size_t len;
    size_t at;
} source;

static size_t from_memory(char *p, size_t size, size_t n, void *ctx)
{
    source *s = ctx;
    size_t want = size * n;
    size_t left = s->len - s->at;
    if (want > left)
        want = left;
    memcpy(p, s->data + s->at, want);
    s->at += want;
    return want;
}

static size_t to_file(char *p, size_t size, size_t n, void *ctx)
{
    sink *s = ctx;
    if (!s->f)
        return size * n;
    return fwrite(p, size, n, s->f) * size;
}

/* The whole of a file, malloc'd; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: http_probe METHOD URL [options] (see http_probe.c)\n");
        return 2;
    }
    const char *method = argv[1];
    const char *url = argv[2];
    const char *data = NULL;
    char *file_data = NULL;
    size_t data_len = 0;
    const char *cacert = NULL;
    const char *out = NULL;
    const char *dump = NULL;
    int chunked = 0;
    struct curl_slist *headers = NULL;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--chunked") == 0) {
            chunked = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "http_probe: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--data") == 0) {
            data = v;
            data_len = strlen(v);
        } else if (strcmp(a, "--data-file") == 0) {
            file_data = slurp(v, &data_len);
            if (!file_data) {
                fprintf(stderr, "http_probe: %s: %s\n", v, strerror(errno));
                return 2;
            }
            data = file_data;
        } else if (strcmp(a, "--header") == 0) {
            headers = curl_slist_append(headers, v);
        } else if (strcmp(a, "--cacert") == 0) {
            cacert = v;
        } else if (strcmp(a, "--out") == 0) {
            out = v;
        } else if (strcmp(a, "--dump-headers") == 0) {
            dump = v;
        } else {
            fprintf(stderr, "http_probe: unknown option %s\n", a);
            return 2;
        }
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *curl = curl_easy_init();
    sink body = { out ? fopen(out, "wb") : NULL };
    sink head = { dump ? fopen(dump, "wb") : NULL };
    long status = 0;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, to_file);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, to_file);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (cacert)
        curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
    source src = { data, data_len, 0 };
    if (data && chunked) {
        /* No length given: libcurl sends the body in chunks. */
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, from_memory);
        curl_easy_setopt(curl, CURLOPT_READDATA, &src);
    } else if (data) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)data_len);
        if (data_len > (1u << 20))
            headers = curl_slist_append(headers, "Expect: 100-continue");
    }
    if (headers)
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    printf("%03ld\n", status);
    if (body.f)
        fclose(body.f);
    if (head.f)
        fclose(head.f);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    free(file_data);
    return 0;
}
