/*
 * scan.c — the scan of a batch (scan.h): a small pool of workers over the pages of all
 * inputs, and the sets of pages per sheet code.
 *
 * Invariants: every page gets exactly one result, in its slot of the results array, and
 * the callbacks see pages in input order whatever order the workers finish them in. The
 * workers share nothing but the task counter and the lock that guards the done flags; each
 * has its own image reader and zbar scanner. Load: a batch is a stack of paper (tens to
 * thousands of pages); the cost is decoding images and searching corners.
 */
#define _GNU_SOURCE /* sched_getaffinity and CPU_COUNT */
#include "scan.h"

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WORKERS_MAX = 64 };

const char *scan_verdict_name(scan_verdict v)
{
    switch (v) {
    case SCAN_OK:
        return "ok";
    case SCAN_BAD_SIGNATURE:
        return "BAD signature";
    case SCAN_UNKNOWN_KEY:
        return "unknown key";
    case SCAN_UNREADABLE:
        return "unreadable";
    case SCAN_HAND_ENTERED:
        return "hand-entered";
    }
    return "?";
}

bool scan_verdict_counts(scan_verdict v)
{
    return v == SCAN_OK || v == SCAN_HAND_ENTERED;
}

int scan_usable_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0)
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

typedef struct task {
    size_t file;
    int page;
} task;

typedef struct pool {
    const scan_job *job;
    task *tasks;
    scan_page *results;
    size_t total;
    atomic_size_t next;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    unsigned char *done; /* guarded by lock */
    size_t n_done;       /* guarded by lock */
} pool;

typedef struct worker {
    pool *pool;
    image_reader *reader;
    qrscan *qr;
    pthread_t thread;
} worker;

/* Reads, decodes and verifies one page into *res. */
static void scan_one(worker *w, const task *t, scan_page *res)
{
    const scan_job *job = w->pool->job;
    const scan_input *in = &job->inputs[t->file];
    bilet_err err = { { 0 } };
    image_grey g = { 0 };
    char text[PAYLOAD_TEXT_MAX];
    size_t len = 0;
    memset(res, 0, sizeof *res);
    res->file = t->file;
    res->page = t->page;
    res->verdict = SCAN_UNREADABLE;
    bilet_status st = image_reader_read(w->reader, in->path, in->kind, t->page, &g, &err);
    res->damaged = st != BILET_OK;
    if (st == BILET_OK)
        st = qrscan_page(w->qr, &g, text, sizeof text, &len, &err);
    image_grey_free(&g);
    if (st != BILET_OK) {
        snprintf(res->note, sizeof res->note, "%s", err.msg);
        return;
    }
    snprintf(res->text, sizeof res->text, "%.*s", (int)len, text);
    st = payload_verify(job->trust, text, len, &res->p, &err);
    switch (st) {
    case BILET_OK:
        res->verdict = SCAN_OK;
        return;
    case BILET_ENOTFOUND:
        res->verdict = SCAN_UNKNOWN_KEY;
        break;
    default:
        res->verdict = SCAN_BAD_SIGNATURE;
        break;
    }
    snprintf(res->note, sizeof res->note, "%s", err.msg);
}

static void *work(void *arg)
{
    worker *w = arg;
    pool *p = w->pool;
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->total)
            break;
        scan_one(w, &p->tasks[i], &p->results[i]);
        pthread_mutex_lock(&p->lock);
        p->done[i] = 1;
        p->n_done++;
        pthread_cond_signal(&p->changed);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

bilet_status scan_run(const scan_job *job, scan_page **pages, size_t *n, qrscan_stats *stats,
                      bilet_err *err)
{
    *pages = NULL;
    *n = 0;
    if (stats)
        memset(stats, 0, sizeof *stats);
    size_t total = 0;
    for (size_t i = 0; i < job->n_inputs; i++)
        total += (size_t)(job->inputs[i].pages > 0 ? job->inputs[i].pages : 0);
    if (total == 0)
        return BILET_OK;

    bilet_status st = BILET_OK;
    pool p = { .job = job, .total = total };
    atomic_init(&p.next, 0);
    worker w[WORKERS_MAX];
    int n_workers = job->threads > 0 ? job->threads : scan_usable_cores();
    if (n_workers > WORKERS_MAX)
        n_workers = WORKERS_MAX;
    if ((size_t)n_workers > total)
        n_workers = (int)total;
    int started = 0;
    memset(w, 0, sizeof w);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    p.tasks = malloc(total * sizeof *p.tasks);
    p.results = calloc(total, sizeof *p.results);
    p.done = calloc(total, 1);
    if (!p.tasks || !p.results || !p.done) {
        st = bilet_fail(err, BILET_ENOMEM, "no memory for %zu pages", total);
        goto out_free;
    }
    for (size_t i = 0, k = 0; i < job->n_inputs; i++)
        for (int pg = 1; pg <= job->inputs[i].pages; pg++)
            p.tasks[k++] = (task){ i, pg };
    for (int i = 0; i < n_workers; i++) {
        w[i].pool = &p;
        if ((st = image_reader_create(&w[i].reader, err)) != BILET_OK ||
            (st = qrscan_create(&w[i].qr, err)) != BILET_OK)
            goto out_free;
    }
    for (int i = 0; i < n_workers; i++) {
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0)
            break;
        started++;
    }
    if (started == 0) {
        st = bilet_fail(err, BILET_ENOMEM, "cannot start a scanning thread");
        goto out_free;
    }

    /* Hand finished pages over in input order while the workers go on. */
    size_t emitted = 0, seen_done = 0;
    pthread_mutex_lock(&p.lock);
    while (emitted < total) {
        while (p.n_done == seen_done && !p.done[emitted])
            pthread_cond_wait(&p.changed, &p.lock);
        size_t ready = emitted;
        while (ready < total && p.done[ready])
            ready++;
        seen_done = p.n_done;
        pthread_mutex_unlock(&p.lock);
        for (; emitted < ready; emitted++)
            if (job->on_page)
                job->on_page(&p.results[emitted], job->ctx);
        if (job->on_progress)
            job->on_progress(seen_done, total, job->ctx);
        pthread_mutex_lock(&p.lock);
    }
    pthread_mutex_unlock(&p.lock);
    for (int i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    started = 0;
    *pages = p.results;
    *n = total;
    p.results = NULL;

out_free:
    for (int i = 0; i < started; i++)
        pthread_join(w[i].thread, NULL);
    for (int i = 0; i < n_workers; i++) {
        if (stats && w[i].qr) {
            qrscan_stats s = qrscan_get_stats(w[i].qr);
            stats->pages += s.pages;
            stats->first_corner += s.first_corner;
            stats->other_corner += s.other_corner;
            stats->whole_page += s.whole_page;
            stats->not_found += s.not_found;
            stats->zbar_calls += s.zbar_calls;
            stats->zbar_pixels += s.zbar_pixels;
        }
        image_reader_destroy(w[i].reader);
        qrscan_destroy(w[i].qr);
    }
    free(p.tasks);
    free(p.results);
    free(p.done);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.lock);
    return st;
}

bilet_status scan_sets(const scan_page *pages, size_t n_pages, scan_set **sets, size_t *n,
                       bilet_err *err)
{
    *sets = NULL;
    *n = 0;
    size_t count = 0, cap = 0;
    scan_set *out = NULL;
    for (size_t i = 0; i < n_pages; i++) {
        const scan_page *pg = &pages[i];
        if (!scan_verdict_counts(pg->verdict))
            continue;
        scan_set *s = NULL;
        for (size_t j = 0; j < count && !s; j++)
            if (out[j].pages == pg->p.pages && strcmp(out[j].exam, pg->p.exam) == 0 &&
                strcmp(out[j].code, pg->p.code) == 0)
                s = &out[j];
        if (!s) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                scan_set *grown = realloc(out, ncap * sizeof *out);
                if (!grown) {
                    free(out);
                    return bilet_fail(err, BILET_ENOMEM, "no memory for %zu sheet sets", ncap);
                }
                out = grown;
                cap = ncap;
            }
            s = &out[count++];
            memset(s, 0, sizeof *s);
            memcpy(s->exam, pg->p.exam, sizeof s->exam);
            memcpy(s->code, pg->p.code, sizeof s->code);
            s->pages = pg->p.pages;
        }
        if (pg->p.page >= 1 && pg->p.page <= PAYLOAD_PAGES_MAX && s->seen[pg->p.page] < 65535)
            s->seen[pg->p.page]++;
    }
    *sets = out;
    *n = count;
    return BILET_OK;
}

bool scan_set_incomplete(const scan_set *s)
{
    for (int i = 1; i <= s->pages; i++)
        if (s->seen[i] == 0)
            return true;
    return false;
}

/* Appends text to out at *pos; with clean, control characters (a tab in a file name or an
 * exam id would shift the columns) are shown as '?'. */
static void append(char *out, size_t cap, size_t *pos, const char *text, bool clean)
{
    for (const char *t = text; *t && *pos + 1 < cap; t++)
        out[(*pos)++] = clean && (unsigned char)*t < 0x20 ? '?' : *t;
    out[*pos] = '\0';
}

static void put(char *out, size_t cap, size_t *pos, const char *text)
{
    append(out, cap, pos, text, true);
}

static void putf(char *out, size_t cap, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void putf(char *out, size_t cap, size_t *pos, const char *fmt, ...)
{
    char buf[32];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    append(out, cap, pos, buf, false);
}

void scan_format_page(const scan_input *in, const scan_page *page, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = '\0';
    put(out, cap, &pos, in->path);
    putf(out, cap, &pos, "\t%d\t", page->page);
    if (page->verdict == SCAN_UNREADABLE) {
        append(out, cap, &pos, "-\t-\t-\t", false);
    } else {
        put(out, cap, &pos, page->p.code);
        if (page->p.pages > 0)
            putf(out, cap, &pos, "\t%d/%d\t", page->p.page, page->p.pages);
        else
            putf(out, cap, &pos, "\t%d/?\t", page->p.page);
        put(out, cap, &pos, page->p.exam[0] ? page->p.exam : "-");
        append(out, cap, &pos, "\t", false);
    }
    put(out, cap, &pos, scan_verdict_name(page->verdict));
}

/* Appends the pages of s whose count passes the test, as "1,2,5", or "-" when none. */
static void put_list(char *out, size_t cap, size_t *pos, const scan_set *s, int which)
{
    int limit = s->pages > 0 ? s->pages : PAYLOAD_PAGES_MAX;
    bool any = false;
    for (int i = 1; i <= limit; i++) {
        bool hit = which == 0 ? s->seen[i] > 0 : which == 1 ? s->seen[i] == 0 : s->seen[i] > 1;
        if (!hit)
            continue;
        putf(out, cap, pos, any ? ",%d" : "%d", i);
        any = true;
    }
    if (!any)
        put(out, cap, pos, "-");
}

void scan_format_set(const scan_set *s, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = '\0';
    put(out, cap, &pos, s->code);
    append(out, cap, &pos, "\t", false);
    put(out, cap, &pos, s->exam[0] ? s->exam : "-");
    if (s->pages > 0)
        putf(out, cap, &pos, "\tpages %d\tpresent ", s->pages);
    else
        append(out, cap, &pos, "\tpages ?\tpresent ", false);
    put_list(out, cap, &pos, s, 0);
    append(out, cap, &pos, "\tmissing ", false);
    if (s->pages > 0)
        put_list(out, cap, &pos, s, 1);
    else
        put(out, cap, &pos, "?");
    append(out, cap, &pos, "\tdoubled ", false);
    put_list(out, cap, &pos, s, 2);
}
