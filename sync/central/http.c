/*
 * http.c — libmicrohttpd glue for the API (see http.h). The only file that includes
 * <microhttpd.h>.
 *
 * Each worker thread of the pool keeps its own cdb handle in thread-local storage (a
 * pthread key whose destructor closes it when the pool stops), opened at the thread's
 * first request and opened again later if that failed. Batches of records take one more
 * step: the worker reads the body and checks every record (the CPU-bound part: base64,
 * hashes, Ed25519), then suspends the connection and queues the batch for a database
 * thread, which stores it, signs the receipt and resumes the connection. A worker thus
 * never sits in a commit's fsync or behind another batch's write lock while requests wait
 * on its connections. Per request the state is the body collected so far and its batch;
 * nothing outlives a request but the database connections.
 */
/* sched_getaffinity: the worker count follows the CPUs the process may run on. */
#define _GNU_SOURCE
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* A batch of records waiting for a database thread; its connection is suspended. */
typedef struct db_job {
    struct db_job *next;
    struct MHD_Connection *conn;
    struct req_state *rq;
} db_job;

struct http_server {
    struct MHD_Daemon *daemon;
    http_config cfg;
    pthread_key_t db_key;
    bool key_made;
    uint16_t port;
    unsigned threads;
    struct sockaddr_storage addr;
    /* The database threads and their queue (see the top of the file). */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    db_job *head;
    db_job *tail;
    bool stopping;
    pthread_t *db_threads;
    unsigned n_db;
    bool sync_made;
};

/* One request in progress. */
typedef struct req_state {
    struct timespec start;
    size_t cap;
    char *body;
    size_t len;
    size_t alloc;
    bool too_big;
    bool answered;
    batch records;      /* POST /api/v1/records: checked, waiting for the database */
    api_response reply; /* its answer, once stored */
    bool replied;
} req_state;

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void close_db(void *db)
{
    cdb_close(db);
}

/* This thread's database handle, opened on first use; NULL when it cannot be opened. */
static cdb *thread_db(http_server *s)
{
    cdb *db = pthread_getspecific(s->db_key);
    if (db)
        return db;
    bilet_err err = { { 0 } };
    if (cdb_open(s->cfg.db_spec, &db, &err) != BILET_OK) {
        fprintf(stderr, "%s: %s\n", s->cfg.program, err.msg);
        return NULL;
    }
    pthread_setspecific(s->db_key, db);
    return db;
}

static enum MHD_Result queue(http_server *s, struct MHD_Connection *conn, req_state *rq,
                             const char *method, const char *url, api_response *resp)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        api_response_free(resp);
        return MHD_NO;
    }
    resp->body = NULL; /* the response owns it now */
    if (resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    if (resp->allow && resp->allow[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
    if (resp->auth_challenge)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    /* The staff console (docs/console.md): no framing, no sniffing, no outside sources;
     * API answers are never cached, the console's files are revalidated. */
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                            "base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                            resp->cacheable ? "no-cache" : "no-store");
    if (resp->set_cookie[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, resp->set_cookie);
    if (resp->disposition[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, resp->disposition);
    if (resp->retry_after > 0) {
        char secs[24];
        snprintf(secs, sizeof secs, "%ld", resp->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    rq->answered = true;
    fprintf(stderr, "%s: %s %s %d%s %.1f ms\n", s->cfg.program, method, url, resp->status,
            ret == MHD_YES ? "" : " (not sent: connection dropped)", ms_since(&rq->start));
    api_response_free(resp);
    return ret;
}

/* The database threads: each takes batches off the queue, stores them with its own
 * connection, and resumes the batch's connection with the receipt. They stop once the
 * queue is empty and the server is stopping. */
static void *db_main(void *arg)
{
    http_server *s = arg;
    cdb *db = NULL;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (!s->head && !s->stopping)
            pthread_cond_wait(&s->wake, &s->lock);
        db_job *job = s->head;
        if (job) {
            s->head = job->next;
            if (!s->head)
                s->tail = NULL;
        }
        pthread_mutex_unlock(&s->lock);
        if (!job)
            break;
        if (!db) {
            bilet_err err = { { 0 } };
            if (cdb_open(s->cfg.db_spec, &db, &err) != BILET_OK) {
                fprintf(stderr, "%s: %s\n", s->cfg.program, err.msg);
                db = NULL;
            }
        }
        api_records_store(s->cfg.api, db, &job->rq->records, &job->rq->reply);
        batch_free(&job->rq->records);
        job->rq->replied = true;
        MHD_resume_connection(job->conn);
        free(job);
    }
    cdb_close(db);
    return NULL;
}

/* Hands the request's batch to a database thread and suspends its connection, so that
 * this worker goes on reading and checking other requests while the batch waits for the
 * database and its fsync. False (nothing done) once the server is stopping: the caller
 * stores the batch itself. */
static bool submit(http_server *s, struct MHD_Connection *conn, req_state *rq)
{
    db_job *job = malloc(sizeof *job);
    if (!job)
        return false;
    job->next = NULL;
    job->conn = conn;
    job->rq = rq;
    pthread_mutex_lock(&s->lock);
    if (s->stopping || s->n_db == 0) {
        pthread_mutex_unlock(&s->lock);
        free(job);
        return false;
    }
    /* Suspended before a database thread can see the job, which resumes it. */
    MHD_suspend_connection(conn);
    if (s->tail)
        s->tail->next = job;
    else
        s->head = job;
    s->tail = job;
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    return true;
}

static enum MHD_Result too_big(http_server *s, struct MHD_Connection *conn, req_state *rq,
                               const char *method, const char *url)
{
    api_response resp = { 0 };
    char msg[96];
    snprintf(msg, sizeof msg, "the body is over the limit of %zu bytes", rq->cap);
    api_error(&resp, 413, msg);
    return queue(s, conn, rq, method, url, &resp);
}

/* Makes room for n more body bytes, within the cap. */
static bool body_grow(req_state *rq, size_t n)
{
    if (rq->len + n <= rq->alloc)
        return true;
    size_t want = rq->alloc ? rq->alloc : 64 * 1024;
    while (want < rq->len + n)
        want *= 2;
    if (want > rq->cap + 1)
        want = rq->cap + 1;
    char *b = realloc(rq->body, want);
    if (!b)
        return false;
    rq->body = b;
    rq->alloc = want;
    return true;
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* api_arg_fn over libmicrohttpd's parsed query. */
static const char *query_arg(void *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    http_server *s = cls;
    req_state *rq = *con_cls;
    (void)version;

    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rq->start);
        *con_cls = rq;
        api_response resp = { 0 };
        if (!api_route_ok(method, url, &resp))
            return queue(s, conn, rq, method, url, &resp);
        rq->cap = api_body_cap(url);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno == 0 && end != cl && n > rq->cap)
                return too_big(s, conn, rq, method, url);
            if (errno == 0 && end != cl && n > 0 && !body_grow(rq, (size_t)n + 1))
                return MHD_NO;
        }
        return MHD_YES;
    }
    if (rq->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->len + n > rq->cap) {
            /* No Content-Length promised this: answer now if the library lets us, else
             * drop the connection rather than read the rest. */
            rq->too_big = true;
            return too_big(s, conn, rq, method, url) == MHD_YES ? MHD_YES : MHD_NO;
        }
        if (!body_grow(rq, n + 1))
            return MHD_NO;
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        return MHD_YES;
    }

    if (rq->replied) /* back from a database thread */
        return queue(s, conn, rq, method, url, &rq->reply);

    const char *format = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "format");
    const char *auth =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    api_request req;
    memset(&req, 0, sizeof req);
    req.method = method;
    req.path = url;
    req.format = format;
    req.authorization = auth;
    req.body = rq->body ? rq->body : "";
    req.len = rq->len;
    req.cookie = header(conn, MHD_HTTP_HEADER_COOKIE);
    req.origin = header(conn, "Origin");
    req.host = header(conn, MHD_HTTP_HEADER_HOST);
    req.csrf = header(conn, "X-CSRF-Token");
    req.fetch_site = header(conn, "Sec-Fetch-Site");
    req.content_type = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
    req.log_end = header(conn, "Bilet-Log-End");
    req.arg = query_arg;
    req.arg_cls = conn;
    req.https = s->cfg.tls_cert != NULL;
    api_response resp = { 0 };
    if (api_is_records(&req)) {
        bool ok = api_records_read(&req, &rq->records, &resp);
        free(rq->body); /* the batch holds what it needs */
        rq->body = NULL;
        if (!ok)
            return queue(s, conn, rq, method, url, &resp);
        if (submit(s, conn, rq))
            return MHD_YES;
        api_records_store(s->cfg.api, thread_db(s), &rq->records, &resp);
        batch_free(&rq->records);
        return queue(s, conn, rq, method, url, &resp);
    }
    api_handle(s->cfg.api, thread_db(s), &req, &resp);
    return queue(s, conn, rq, method, url, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_state *rq = *con_cls;
    (void)cls;
    (void)conn;
    (void)toe;
    if (rq) {
        free(rq->body);
        batch_free(&rq->records);
        api_response_free(&rq->reply);
        free(rq);
    }
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const http_server *s = cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    fprintf(stderr, "%s: http: %s\n", s->cfg.program, line);
}

/* ADDR:PORT or [ADDR]:PORT into *addr. */
static bilet_status parse_listen(struct sockaddr_storage *addr, const char *listen, bilet_err *err)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    const char *h = listen;
    size_t hlen = colon ? (size_t)(colon - listen) : 0;
    if (!colon || !colon[1])
        return bilet_fail(err, BILET_EINVAL, "--listen %s: expected ADDR:PORT", listen);
    if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof host)
        return bilet_fail(err, BILET_EINVAL, "--listen %s: expected ADDR:PORT", listen);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    if (!end || *end || port < 0 || port > 65535)
        return bilet_fail(err, BILET_EINVAL, "--listen %s: the port must be 0..65535", listen);
    struct addrinfo hints = { 0 };
    struct addrinfo *res = NULL;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, colon + 1, &hints, &res);
    if (rc != 0 || !res)
        return bilet_fail(err, BILET_EINVAL, "--listen %s: not a numeric address (%s)", listen,
                          gai_strerror(rc));
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return BILET_OK;
}

bilet_status http_listen_check(const char *listen, bilet_err *err)
{
    struct sockaddr_storage addr;
    return parse_listen(&addr, listen, err);
}

static unsigned cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    return 1;
}

bilet_status http_start(const http_config *cfg, http_server **out, bilet_err *err)
{
    *out = NULL;
    http_server *s = calloc(1, sizeof *s);
    if (!s)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    s->cfg = *cfg;
    if (!s->cfg.program)
        s->cfg.program = "bilet-central";
    bilet_status st = parse_listen(&s->addr, cfg->listen, err);
    if (st != BILET_OK)
        goto out_fail;
    if (cfg->tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        st = bilet_fail(err, BILET_ESTATE,
                        "this libmicrohttpd was built without TLS: --tls-cert cannot be used");
        goto out_fail;
    }
    if (pthread_key_create(&s->db_key, close_db) != 0) {
        st = bilet_fail(err, BILET_ENOMEM, "cannot create thread-local storage");
        goto out_fail;
    }
    s->key_made = true;
    s->threads = cfg->threads ? cfg->threads : cpu_count();

    if (pthread_mutex_init(&s->lock, NULL) != 0 || pthread_cond_init(&s->wake, NULL) != 0) {
        st = bilet_fail(err, BILET_ENOMEM, "cannot create the database queue");
        goto out_fail;
    }
    s->sync_made = true;
    /* SQLite takes one writer at a time: one database thread. PostgreSQL serves as many
     * sessions as there are workers. */
    unsigned n_db = cdb_spec_is_postgresql(cfg->db_spec) ? s->threads : 1;
    s->db_threads = calloc(n_db, sizeof *s->db_threads);
    if (!s->db_threads) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory");
        goto out_fail;
    }
    for (; s->n_db < n_db; s->n_db++)
        if (pthread_create(&s->db_threads[s->n_db], NULL, db_main, s) != 0) {
            st = bilet_fail(err, BILET_ENOMEM, "cannot start a database thread");
            goto out_fail;
        }

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (s->addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[12];
    size_t n = 0;
    /* The logger first, so that no message of the start goes to the library's own. */
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, s };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &s->addr };
    opts[n++] =
        (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, 120, NULL };
    if (s->threads > 1)
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, s->threads, NULL };
    if (cfg->tls_cert) {
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert };
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key };
    }
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opts,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        st = bilet_fail(err, BILET_ENET,
                        "cannot listen on %s (address in use, not ours, or a bad TLS "
                        "certificate or key)",
                        cfg->listen);
        goto out_fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    *out = s;
    return BILET_OK;

out_fail:
    http_stop(s);
    return st;
}

uint16_t http_port(const http_server *s)
{
    return s->port;
}

unsigned http_threads(const http_server *s)
{
    return s->threads;
}

void http_stop(http_server *s)
{
    if (!s)
        return;
    /* The database threads finish the queue and resume every suspended connection
     * before the daemon stops; a batch that arrives meanwhile is stored by its worker. */
    if (s->sync_made) {
        pthread_mutex_lock(&s->lock);
        s->stopping = true;
        pthread_cond_broadcast(&s->wake);
        pthread_mutex_unlock(&s->lock);
    }
    for (unsigned i = 0; i < s->n_db; i++)
        pthread_join(s->db_threads[i], NULL);
    free(s->db_threads);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    if (s->sync_made) {
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
    }
    if (s->key_made) {
        /* The pool's threads have closed their handles; the calling thread may hold one
         * too if it ever served a request (single-threaded runs). */
        cdb *db = pthread_getspecific(s->db_key);
        cdb_close(db);
        pthread_key_delete(s->db_key);
    }
    free(s);
}
