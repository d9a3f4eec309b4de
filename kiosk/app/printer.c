/*
 * printer.c — the sheet thread behind printer.h.
 *
 * One mutex guards the two lists (jobs waiting, results finished) and the stop flag; the
 * thread drops it while it renders a PDF and while lp runs, so printer_submit and
 * printer_next never wait for cairo, a disk or CUPS. lp is started with posix_spawnp (no
 * shell: the queue and the title are single arguments), its stdin and stdout on
 * /dev/null, its stderr read through a pipe for the reason of a failure, and killed when
 * it has not finished within PRINTER_LP_TIMEOUT_S. Load: one job per answer handed in,
 * a few pages each.
 */
#include "printer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "sheet.h"
#include "text.h"

extern char **environ;

enum { LP_OUTPUT_MAX = 4096 };

typedef struct job {
    struct job *next;
    exam_info info;
    exam_ticket ticket; /* question texts owned */
    bool has_ticket;
    int ticket_number;
    char code[RECORD_BOOK_MAX];
    char attempt_id[32];
    int attempt;
    char *answer; /* owned, wiped when freed */
} job;

typedef struct result_node {
    struct result_node *next;
    printer_result r;
} result_node;

struct printer {
    char dir[PRINTER_PATH_MAX]; /* DATA/sheets */
    char queue[EXAM_TEXT_MAX];
    keys_pair *kp;
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    job *jobs, **jobs_tail;
    result_node *results, **results_tail;
};

static void job_free(job *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->ticket.n_questions; i++)
        free(j->ticket.question[i].text);
    if (j->answer) {
        keys_wipe(j->answer, strlen(j->answer));
        free(j->answer);
    }
    free(j);
}

/* The last non-empty line of lp's stderr, or its exit status. */
static void lp_reason(const char *out, int status, char *reason, size_t cap)
{
    const char *best = NULL;
    size_t best_len = 0;
    for (const char *p = out; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
            n--;
        if (n) {
            best = p;
            best_len = n;
        }
        p += e ? (size_t)(e - p) + 1 : strlen(p);
    }
    if (best)
        snprintf(reason, cap, "%.*s", (int)(best_len < cap ? best_len : cap - 1), best);
    else if (WIFEXITED(status))
        snprintf(reason, cap, "lp exit status %d", WEXITSTATUS(status));
    else
        snprintf(reason, cap, "lp ended by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs lp -d QUEUE -t TITLE FILE; true when it exited 0, else reason says why. */
static bool run_lp(const char *queue, const char *title, const char *file, char *reason, size_t cap)
{
    int fds[2];
    if (pipe(fds) != 0 || fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
        snprintf(reason, cap, "lp: cannot make a pipe (%s)", strerror(errno));
        return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    char *argv[] = { "lp", "-d", (char *)queue, "-t", (char *)title, (char *)file, NULL };
    pid_t pid;
    int rc = posix_spawnp(&pid, "lp", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        snprintf(reason, cap, "lp: %s%s", strerror(rc),
                 rc == ENOENT ? " (the CUPS client is not installed)" : "");
        return false;
    }
    char out[LP_OUTPUT_MAX];
    size_t n = 0;
    bool timed_out = false;
    int64_t deadline = mono_ms() + (int64_t)PRINTER_LP_TIMEOUT_S * 1000;
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
        int pr = poll(&pfd, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            timed_out = pr == 0;
            break;
        }
        char buf[512];
        ssize_t k = read(fds[0], buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break; /* EOF: lp is done writing */
        size_t take = (size_t)k < sizeof out - 1 - n ? (size_t)k : sizeof out - 1 - n;
        memcpy(out + n, buf, take);
        n += take;
    }
    close(fds[0]);
    out[n] = '\0';
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        snprintf(reason, cap, "lp did not finish within %d s", (int)PRINTER_LP_TIMEOUT_S);
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    lp_reason(out, status, reason, cap);
    return false;
}

/* Renders, saves and prints one job into r (the mutex is not held). */
static void do_job(printer *p, const job *j, printer_result *r)
{
    memset(r, 0, sizeof *r);
    r->attempt = j->attempt;
    r->state = PRINTER_NOT_SAVED;
    text_copy(r->code, sizeof r->code, j->code);
    text_copy(r->queue, sizeof r->queue, p->queue);
    char part[PRINTER_PATH_MAX];
    int k1 = snprintf(r->path, sizeof r->path, "%s/%s.pdf", p->dir, j->attempt_id);
    int k2 = snprintf(part, sizeof part, "%s/.%s.pdf.part", p->dir, j->attempt_id);
    if (k1 < 0 || (size_t)k1 >= sizeof r->path || k2 < 0 || (size_t)k2 >= sizeof part) {
        snprintf(r->reason, sizeof r->reason, "%.300s: the path is too long", p->dir);
        return;
    }
    if (mkdir(p->dir, 0700) != 0 && errno != EEXIST) {
        snprintf(r->reason, sizeof r->reason, "%.300s: %.150s", p->dir, strerror(errno));
        return;
    }
    sheet_set set;
    sheet_set_answer(&set, &j->info, j->code, j->has_ticket ? &j->ticket : NULL, j->ticket_number,
                     j->answer, j->attempt_id);
    bilet_err err = { { 0 } };
    if (sheet_write(part, p->kp, &j->info, &set, &r->pages, &err) != BILET_OK) {
        text_copy(r->reason, sizeof r->reason, err.msg);
        return;
    }
    if (rename(part, r->path) != 0) {
        snprintf(r->reason, sizeof r->reason, "%.300s: %.150s", r->path, strerror(errno));
        remove(part);
        return;
    }
    if (!p->queue[0]) {
        r->state = PRINTER_SAVED;
        return;
    }
    char title[EXAM_ID_MAX + RECORD_BOOK_MAX + 2];
    snprintf(title, sizeof title, "%s %s", j->info.id, j->code);
    r->state = run_lp(p->queue, title, r->path, r->reason, sizeof r->reason) ? PRINTER_SENT
                                                                             : PRINTER_FAILED;
}

static void *printer_main(void *arg)
{
    printer *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->jobs) {
            job *j = p->jobs;
            p->jobs = j->next;
            if (!p->jobs)
                p->jobs_tail = &p->jobs;
            pthread_mutex_unlock(&p->mu);
            result_node *rn = calloc(1, sizeof *rn);
            if (rn)
                do_job(p, j, &rn->r);
            else
                fprintf(stderr, "bilet-kiosk: no memory for the sheet of attempt %s\n",
                        j->attempt_id);
            job_free(j);
            pthread_mutex_lock(&p->mu);
            if (rn) {
                *p->results_tail = rn;
                p->results_tail = &rn->next;
            }
            continue;
        }
        if (p->stop)
            break;
        int rc = pthread_cond_wait(&p->cv, &p->mu);
        if (rc != 0 && rc != EINTR)
            abort(); /* a broken mutex or condvar: nothing sensible is left to do */
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

bilet_status printer_start(const char *data_dir, const char *queue, printer **out, bilet_err *err)
{
    *out = NULL;
    printer *p = calloc(1, sizeof *p);
    if (!p)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the sheet thread");
    p->jobs_tail = &p->jobs;
    p->results_tail = &p->results;
    size_t n = strlen(data_dir);
    int k = snprintf(p->dir, sizeof p->dir, "%s%ssheets", data_dir,
                     n && data_dir[n - 1] == '/' ? "" : "/");
    if (k < 0 || (size_t)k >= sizeof p->dir) {
        free(p);
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", data_dir);
    }
    if (queue && strlen(queue) >= sizeof p->queue) {
        free(p);
        return bilet_fail(err, BILET_EINVAL, "printer %s: the name is too long", queue);
    }
    text_copy(p->queue, sizeof p->queue, queue ? queue : "");
    bilet_status st = keys_pair_load(data_dir, &p->kp, err);
    if (st != BILET_OK) {
        free(p);
        return st;
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        keys_pair_destroy(p->kp);
        free(p);
        return bilet_fail(err, BILET_ENOMEM, "cannot start the sheet thread");
    }
    if (pthread_cond_init(&p->cv, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        keys_pair_destroy(p->kp);
        free(p);
        return bilet_fail(err, BILET_ENOMEM, "cannot start the sheet thread");
    }
    if (pthread_create(&p->thread, NULL, printer_main, p) != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        keys_pair_destroy(p->kp);
        free(p);
        return bilet_fail(err, BILET_ENOMEM, "cannot start the sheet thread");
    }
    p->running = true;
    *out = p;
    return BILET_OK;
}

bilet_status printer_submit(printer *p, const printer_job_in *in, bilet_err *err)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the sheet of %s", in->attempt_id);
    j->info = *in->info;
    j->ticket_number = in->ticket_number;
    j->attempt = in->attempt;
    text_copy(j->code, sizeof j->code, in->code);
    text_copy(j->attempt_id, sizeof j->attempt_id, in->attempt_id);
    j->answer = strdup(in->answer ? in->answer : "");
    bool ok = j->answer != NULL;
    if (ok && in->ticket) {
        /* A sealed package forgets its tickets when the session closes: copied now. */
        j->has_ticket = true;
        j->ticket.number = in->ticket->number;
        for (size_t i = 0; ok && i < in->ticket->n_questions; i++) {
            j->ticket.question[i].kind = in->ticket->question[i].kind;
            j->ticket.question[i].text = strdup(in->ticket->question[i].text);
            ok = j->ticket.question[i].text != NULL;
            j->ticket.n_questions = i + 1;
        }
    }
    if (!ok) {
        job_free(j);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the sheet of %s", in->attempt_id);
    }
    pthread_mutex_lock(&p->mu);
    *p->jobs_tail = j;
    p->jobs_tail = &j->next;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return BILET_OK;
}

bool printer_next(printer *p, printer_result *out)
{
    pthread_mutex_lock(&p->mu);
    bool have = p->results != NULL;
    if (have)
        *out = p->results->r;
    pthread_mutex_unlock(&p->mu);
    return have;
}

void printer_pop(printer *p)
{
    pthread_mutex_lock(&p->mu);
    result_node *rn = p->results;
    if (rn) {
        p->results = rn->next;
        if (!p->results)
            p->results_tail = &p->results;
    }
    pthread_mutex_unlock(&p->mu);
    free(rn);
}

void printer_stop(printer *p)
{
    if (!p || !p->running)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    p->running = false;
}

void printer_destroy(printer *p)
{
    if (!p)
        return;
    printer_stop(p);
    while (p->results)
        printer_pop(p);
    while (p->jobs) {
        job *j = p->jobs;
        p->jobs = j->next;
        job_free(j);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    keys_pair_destroy(p->kp);
    free(p);
}
