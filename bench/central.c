/*
 * central.c — bench_central: how fast bilet-central stores signed records, against
 * libsodium's own Ed25519 verification, and how long `bilet sync` takes to empty an outbox.
 *
 * 1. Ingest. A fresh bilet-central (SQLite in a temporary folder) runs pinned to CPU 0
 *    (`taskset -c 0`). KIOSKS simulated kiosks are enrolled; one client process per kiosk,
 *    pinned to CPU 1, pre-generates PER_KIOSK chained, signed records (a realistic mix,
 *    about 300 bytes each) before the clock starts, then pushes them over loopback in
 *    batches of 1 000 through sync/client (every receipt checked). Records per second
 *    stored durably = all records / the time from "go" to the last receipt: a receipt comes
 *    only after the batch's transaction committed. In the same run, libsodium's
 *    single-core verify rate (crypto_sign_verify_detached over records of the same mix, so
 *    of the same lengths) is taken
 *    on CPU 0 right after, for as long as the ingest ran; target: ingest ≥ 0.8 × that.
 *    Best of ROUNDS. The server's CPU time is read from /proc to show whether the core was
 *    the limit.
 * 2. The same against PostgreSQL when one is at hand ($BILET_PG_URL, or a throwaway
 *    cluster of script/pg when PostgreSQL is installed): reported, no target.
 * 3. A 10 000-record outbox (a kiosk data folder) synced with `bilet sync` (pinned to CPU
 *    1, the central to CPU 0), against the time its 10 000 signatures take to verify on one
 *    core; target: sync ≤ 2 × verify.
 *
 * Exit status 1 when a target is missed or a step fails. Runs in well under two minutes.
 * The baseline loop calls libsodium directly, as bench/records.c does: the point is the
 * bare primitive, not the project's wrapper of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "keys.h"
#include "outbox.h"
#include "record.h"
#include "store.h"

enum {
    KIOSKS = 4,
    PER_KIOSK = 25000,
    BATCH = 1000,
    ROUNDS = 2,
    SYNC_RECORDS = 10000,
    SYNC_ROUNDS = 2,
    RAW_MSG_MAX = 1024, /* room for one record of the mix in the baseline */
    PATH_MAX_ = 512,
    DIR_MAX = 256, /* folders inside root, short enough to name files in */
};

static const char *const central_bin = BILET_BINARY_DIR "/bilet-central";
static const char *const bilet_bin = BILET_BINARY_DIR "/bilet";
static char root[] = "/tmp/bilet-bench-central-XXXXXX";
static bool two_cpus;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a failure must undo: the server running now and a PostgreSQL cluster. */
static pid_t running_server;
static bool pg_running;
static bool in_client; /* a forked client process leaves the cleaning to the parent */

static void pg_stop(void);
static void remove_root(void);

static void die(const char *what, const char *msg)
{
    fprintf(stderr, "bench_central: %s: %s\n", what, msg);
    if (in_client)
        _exit(1);
    if (running_server > 0) {
        kill(running_server, SIGTERM);
        waitpid(running_server, NULL, 0);
    }
    if (pg_running)
        pg_stop();
    remove_root();
    exit(1);
}

static void pin_to(int cpu)
{
    if (!two_cpus)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* Runs argv (with `taskset -c CPU` in front when cpu >= 0 and two CPUs exist), stdout and
 * stderr into out_path; returns the exit status (-1 if it did not run). */
static int run(const char *const *argv, int cpu, const char *out_path)
{
    const char *full[32];
    size_t n = 0;
    char cpu_s[16];
    if (cpu >= 0 && two_cpus) {
        snprintf(cpu_s, sizeof cpu_s, "%d", cpu);
        full[n++] = "taskset";
        full[n++] = "-c";
        full[n++] = cpu_s;
    }
    for (size_t i = 0; argv[i] && n < 31; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(full[0], (char *const *)full);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* ---- the central ----------------------------------------------------------------------- */

typedef struct server {
    pid_t pid;
    char url[128];
    char log[PATH_MAX_];
} server;

/* Starts bilet-central on db (pinned to CPU 0) on any free port; fills s. */
static void central_start(const char *db, const char *keydir, server *s)
{
    snprintf(s->log, sizeof s->log, "%s/central.log", root);
    pid_t pid = fork();
    if (pid < 0)
        die("fork", strerror(errno));
    if (pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        /* No --threads: pinned to one core, the central takes one worker, as it would
         * when deployed on that core (threads follow the CPUs it may run on). */
        const char *argv[] = { "taskset", "-c",   "0",        central_bin,   "--db", db,
                               "--key",   keydir, "--listen", "127.0.0.1:0", NULL };
        if (two_cpus)
            execvp(argv[0], (char *const *)argv);
        else
            execv(central_bin, (char *const *)(argv + 3));
        _exit(127);
    }
    s->pid = pid;
    running_server = pid;
    for (int i = 0; i < 200; i++) {
        usleep(50 * 1000);
        FILE *f = fopen(s->log, "r");
        char line[512];
        while (f && fgets(line, sizeof line, f)) {
            const char *at = strstr(line, "listening on http://127.0.0.1:");
            unsigned port = 0;
            if (at && sscanf(at, "listening on http://127.0.0.1:%u", &port) == 1) {
                snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", port);
                fclose(f);
                return;
            }
        }
        if (f)
            fclose(f);
        if (waitpid(pid, NULL, WNOHANG) == pid)
            break;
    }
    die("bilet-central did not start", s->log);
}

static void central_stop(server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    running_server = 0;
}

/* The server's CPU seconds (user + system) so far, from /proc. */
static double central_cpu(const server *s)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)s->pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    unsigned long utime = 0, stime = 0;
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return 0;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static void enrol(const char *db, const char *keydir, const char *pub, const char *name)
{
    char out[PATH_MAX_];
    snprintf(out, sizeof out, "%s/enrol.out", root);
    const char *argv[] = { central_bin, "--db", db,       "--key", keydir,
                           "--enrol",   pub,    "--name", name,    NULL };
    if (run(argv, -1, out) != 0)
        die("enrolling a kiosk failed; see", out);
}

/* ---- simulated kiosks ------------------------------------------------------------------ */

/* Builds record k of a kiosk (a realistic mix) after prev into buf. */
static void build_record(const char *kiosk_hex, uint64_t seq, const char *prev, record_buf *buf)
{
    static const char *const names[] = { "Иванов Иван Иванович", "Сидорова Анна Петровна",
                                         "Әлімов Нұрлан Қайратұлы", "Ng Thi Lan" };
    char rb[32];
    bilet_field f[6];
    size_t n;
    const char *type;
    uint64_t k = seq - 1;
    snprintf(rb, sizeof rb, "ГД-21-%03d", (int)(k % 1000));
    if (k % 2 == 0) {
        type = "student_identified";
        f[0] = bilet_field_int("attempt", (int64_t)k / 2 + 1);
        f[1] = bilet_field_str("record_book", rb);
        f[2] = bilet_field_str("full_name", names[k % 4]);
        f[3] = bilet_field_str("code", "4J42-XCS6");
        f[4] = bilet_field_int("subgroup", 1 + (int64_t)(k % 2));
        f[5] = bilet_field_int("seconds", (int64_t)(k % 600));
        n = 6;
    } else {
        type = "ticket_drawn";
        f[0] = bilet_field_int("attempt", (int64_t)k / 2 + 1);
        f[1] = bilet_field_int("ticket", 1 + (int64_t)(k % 30));
        f[2] = bilet_field_bool("second", false);
        f[3] = bilet_field_int("subgroup", 1);
        f[4] = bilet_field_int("deadline", 1797746400 + 5400 + (int64_t)k);
        n = 5;
    }
    record_header h = { kiosk_hex, seq, prev, 1797746400 + (int64_t)k, "2026-12-GD-101", type };
    bilet_err err = { { 0 } };
    if (record_build(&h, f, n, buf, &err) != BILET_OK)
        die("record_build", err.msg);
}

/* One kiosk's whole chain, signed, ready to push. */
typedef struct chain {
    unsigned char *arena;
    client_record *recs;
    size_t bytes;
} chain;

static void chain_make(const keys_pair *kp, size_t count, chain *c)
{
    char kiosk_hex[65], prev[65];
    keys_hex_encode(kp->pk, KEYS_PUBLIC_BYTES, kiosk_hex, sizeof kiosk_hex, NULL);
    memset(prev, '0', 64);
    prev[64] = '\0';
    size_t cap = count * 512;
    c->arena = malloc(cap);
    c->recs = calloc(count, sizeof *c->recs);
    if (!c->arena || !c->recs)
        die("memory", "no room for the records");
    record_buf buf = { 0 };
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        build_record(kiosk_hex, i + 1, prev, &buf);
        size_t one = buf.len + KEYS_HASH_BYTES + KEYS_SIG_BYTES;
        if (used + one > cap)
            die("memory", "a record larger than planned");
        unsigned char *at = c->arena + used;
        memcpy(at, buf.data, buf.len);
        record_hash(buf.data, buf.len, at + buf.len);
        record_sign(buf.data, buf.len, kp, at + buf.len + KEYS_HASH_BYTES);
        keys_hex_encode(at + buf.len, KEYS_HASH_BYTES, prev, sizeof prev, NULL);
        client_record r = { i + 1, at, buf.len, at + buf.len, at + buf.len + KEYS_HASH_BYTES };
        c->recs[i] = r;
        used += one;
        c->bytes += buf.len;
    }
    record_buf_free(&buf);
}

/* A client process: pre-generates its chain, says ready, waits for go, pushes it all;
 * exits 0 when every record came back stored. */
static void kiosk_main(const keys_pair *kp, const char *url, const unsigned char *central_pk,
                       int ready_fd, int go_fd)
{
    in_client = true;
    pin_to(1);
    chain c = { 0 };
    chain_make(kp, PER_KIOSK, &c);
    client *cl = NULL;
    bilet_err err = { { 0 } };
    client_config cfg = { .central = url, .central_pk = central_pk };
    if (client_create(&cfg, &cl, &err) != BILET_OK)
        die("client", err.msg);
    client_result *results = calloc(BATCH, sizeof *results);
    if (!results)
        die("memory", "results");
    char ok = 1, go = 0;
    if (write(ready_fd, &ok, 1) != 1 || read(go_fd, &go, 1) < 0)
        _exit(1);
    for (size_t at = 0; at < PER_KIOSK; at += BATCH) {
        size_t n = PER_KIOSK - at < BATCH ? PER_KIOSK - at : BATCH;
        client_receipt rc;
        if (client_push(cl, c.recs + at, n, results, &rc, &err) != BILET_OK)
            die("push", err.msg);
        if (rc.stored != n) {
            for (size_t i = 0; i < n; i++)
                if (results[i].outcome == CLIENT_REJECTED)
                    die("a record was rejected", results[i].reason);
            die("push", "records not stored");
        }
    }
    _exit(0);
}

typedef struct ingest_result {
    double rate;       /* records stored per second, wall clock */
    double seconds;    /* the ingest's wall time */
    double server_cpu; /* the server's CPU seconds during it */
} ingest_result;

/* One round of part 1 (or 2) against db; a fresh set of kiosks. */
static ingest_result ingest_round(const char *db, const char *keydir, int round)
{
    keys_pair *kiosks[KIOSKS];
    bilet_err err = { { 0 } };
    for (int k = 0; k < KIOSKS; k++) {
        char pub[PATH_MAX_], name[32];
        if (keys_pair_random(&kiosks[k], &err) != BILET_OK)
            die("keys", err.msg);
        snprintf(pub, sizeof pub, "%s/r%d-k%d.pub", root, round, k);
        snprintf(name, sizeof name, "bench %d/%d", round, k);
        if (keys_file_write_hex_mode(pub, kiosks[k]->pk, KEYS_PUBLIC_BYTES, 0644, &err) != BILET_OK)
            die("keys", err.msg);
        enrol(db, keydir, pub, name);
    }
    char pub_path[PATH_MAX_];
    unsigned char central_pk[KEYS_PUBLIC_BYTES];
    snprintf(pub_path, sizeof pub_path, "%s/central.pub", keydir);
    if (keys_file_read_hex(pub_path, central_pk, sizeof central_pk, &err) != BILET_OK)
        die("central key", err.msg);

    server s = { 0 };
    central_start(db, keydir, &s);
    int ready[2], go[2];
    if (pipe(ready) != 0 || pipe(go) != 0)
        die("pipe", strerror(errno));
    pid_t pids[KIOSKS];
    for (int k = 0; k < KIOSKS; k++) {
        pids[k] = fork();
        if (pids[k] < 0)
            die("fork", strerror(errno));
        if (pids[k] == 0) {
            close(ready[0]);
            close(go[1]);
            kiosk_main(kiosks[k], s.url, central_pk, ready[1], go[0]);
        }
    }
    close(ready[1]);
    close(go[0]);
    for (int k = 0; k < KIOSKS; k++) {
        char b;
        if (read(ready[0], &b, 1) != 1)
            die("a client process", "died before it was ready");
    }
    double cpu0 = central_cpu(&s);
    double t0 = now();
    close(go[1]); /* every client reads end-of-file: go */
    bool failed = false;
    for (int k = 0; k < KIOSKS; k++) {
        int status = 0;
        waitpid(pids[k], &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    double t1 = now();
    double cpu1 = central_cpu(&s);
    close(ready[0]);
    central_stop(&s);
    for (int k = 0; k < KIOSKS; k++)
        keys_pair_destroy(kiosks[k]);
    if (failed)
        die("ingest", "a client process failed (see above)");
    ingest_result r = { (double)KIOSKS * PER_KIOSK / (t1 - t0), t1 - t0, cpu1 - cpu0 };
    return r;
}

/* ---- the baseline -------------------------------------------------------------------- */

/* Verifications per second of crypto_sign_verify_detached on the calling thread, for about
 * the given wall time, over records of the same mix the simulated kiosks push (built by
 * build_record, so of the same lengths: SHA-512 inside the verification runs over the
 * whole message) — the floor of the server's work per record. *avg_len receives their
 * mean length in bytes. */
static double raw_verify_rate(double seconds, double *avg_len)
{
    enum { DISTINCT = 64 };
    static unsigned char msg[DISTINCT][RAW_MSG_MAX], sig[DISTINCT][crypto_sign_BYTES];
    static size_t len[DISTINCT];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char kiosk_hex[65], prev[65];
    crypto_sign_keypair(pk, sk);
    keys_hex_encode(pk, sizeof pk, kiosk_hex, sizeof kiosk_hex, NULL);
    memset(prev, '0', 64);
    prev[64] = '\0';
    record_buf buf = { 0 };
    size_t total = 0;
    for (int i = 0; i < DISTINCT; i++) {
        build_record(kiosk_hex, (uint64_t)i + 1, prev, &buf);
        if (buf.len > RAW_MSG_MAX)
            die("raw verify", "a record longer than the baseline's buffer");
        memcpy(msg[i], buf.data, buf.len);
        len[i] = buf.len;
        total += buf.len;
        crypto_sign_detached(sig[i], NULL, msg[i], len[i], sk);
        record_hash_hex(msg[i], len[i], prev);
    }
    record_buf_free(&buf);
    sodium_memzero(sk, sizeof sk);
    *avg_len = (double)total / DISTINCT;
    uint64_t n = 0, bad = 0;
    double t0 = now();
    do {
        for (int i = 0; i < 500; i++, n++)
            bad += crypto_sign_verify_detached(sig[n % DISTINCT], msg[n % DISTINCT],
                                               len[n % DISTINCT], pk) != 0;
    } while (now() - t0 < seconds);
    double r = (double)n / (now() - t0);
    if (bad)
        die("raw verify", "a signature failed");
    return r;
}

/* ---- part 3: bilet sync of a 10 000-record outbox -------------------------------------- */

static void fill_outbox(const char *data)
{
    bilet_err err = { { 0 } };
    store *st = NULL;
    if (store_init_data_dir(data, &err) != BILET_OK || store_open(data, &st, &err) != BILET_OK)
        die(data, err.msg);
    for (int b = 0; b < SYNC_RECORDS / BATCH; b++) {
        if (store_batch_begin(st, &err) != BILET_OK)
            die(data, err.msg);
        for (int i = 0; i < BATCH; i++) {
            uint64_t k = (uint64_t)b * BATCH + (uint64_t)i;
            char rb[32];
            snprintf(rb, sizeof rb, "ГД-21-%03d", (int)(k % 1000));
            bilet_field f[4] = { bilet_field_int("attempt", (int64_t)k + 1),
                                 bilet_field_str("record_book", rb),
                                 bilet_field_str("full_name", "Сидорова Анна Петровна"),
                                 bilet_field_str("code", "4J42-XCS6") };
            if (store_append(st, 1797746400 + (int64_t)k, "2026-12-GD-101", "student_identified", f,
                             4, NULL, &err) != BILET_OK)
                die(data, err.msg);
        }
        if (store_batch_commit(st, &err) != BILET_OK)
            die(data, err.msg);
    }
    store_close(st);
}

/* Seconds (CPU, one core) that verifying every signature of the outbox takes; best of 3. */
static double outbox_verify_seconds(const char *data, const unsigned char *pk)
{
    bilet_err err = { { 0 } };
    outbox *ob = NULL;
    if (outbox_open(data, NULL, &ob, &err) != BILET_OK)
        die(data, err.msg);
    const outbox_record *recs = NULL;
    size_t n = 0;
    if (outbox_read(ob, 0, SYNC_RECORDS, (size_t)1 << 30, &recs, &n, &err) != BILET_OK ||
        n != SYNC_RECORDS)
        die(data, "cannot read the outbox");
    double best = 1e9;
    for (int round = 0; round < 3; round++) {
        double t0 = cpu_now();
        for (size_t i = 0; i < n; i++)
            if (crypto_sign_verify_detached(recs[i].sig, recs[i].bytes, recs[i].len, pk) != 0)
                die(data, "a record's signature does not verify");
        double t = cpu_now() - t0;
        if (t < best)
            best = t;
    }
    outbox_close(ob);
    return best;
}

/* Wall seconds of one `bilet sync` of the outbox to a fresh central; best of SYNC_ROUNDS. */
static double sync_seconds(const char *data)
{
    double best = 1e9;
    for (int round = 0; round < SYNC_ROUNDS; round++) {
        char db[PATH_MAX_], keydir[DIR_MAX], pub[PATH_MAX_], central_pub[PATH_MAX_], out[PATH_MAX_];
        snprintf(db, sizeof db, "%s/sync-%d.db", root, round);
        snprintf(keydir, sizeof keydir, "%s/central-key", root);
        snprintf(pub, sizeof pub, "%s/kiosk.pub", data);
        snprintf(central_pub, sizeof central_pub, "%s/central.pub", keydir);
        snprintf(out, sizeof out, "%s/sync.out", root);
        enrol(db, keydir, pub, "bench outbox");
        server s = { 0 };
        central_start(db, keydir, &s);
        const char *argv[] = { bilet_bin, "sync",          "--data",    data, "--central",
                               s.url,     "--central-pub", central_pub, NULL };
        double t0 = now();
        int rc = run(argv, 1, out);
        double t = now() - t0;
        central_stop(&s);
        char line[256] = "";
        FILE *f = fopen(out, "r");
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            fclose(f);
        }
        if (rc != 0 || strncmp(line, "stored 10000, duplicate 0, rejected 0", 37) != 0)
            die("bilet sync failed; see", out);
        if (t < best)
            best = t;
        /* The next round pushes the same outbox again to a fresh central: a new URL is a
         * new outbox position. */
    }
    return best;
}

/* ---- PostgreSQL ------------------------------------------------------------------------ */

/* A PostgreSQL database for part 2: $BILET_PG_URL, else a throwaway cluster of script/pg
 * (only when PostgreSQL is installed: a benchmark does not install packages). *started
 * says whether pg_stop must stop the cluster. */
static bool pg_url(char *out, size_t cap, bool *started)
{
    *started = false;
    const char *env = getenv("BILET_PG_URL");
    if (env && env[0]) {
        snprintf(out, cap, "%s", env);
        return true;
    }
    if (access(BILET_SOURCE_DIR "/script/pg", R_OK) != 0 ||
        access("/usr/lib/postgresql/15/bin/initdb", X_OK) != 0)
        return false;
    char dir[PATH_MAX_], path[PATH_MAX_], name[64];
    snprintf(dir, sizeof dir, "%s/pg", root);
    snprintf(path, sizeof path, "%s/pg.out", root);
    snprintf(name, sizeof name, "bench_central_%d", (int)getpid());
    const char *start[] = { "bash", BILET_SOURCE_DIR "/script/pg", "start", dir, NULL };
    const char *create[] = { "bash", BILET_SOURCE_DIR "/script/pg", "createdb", dir, name, NULL };
    if (run(start, -1, path) != 0)
        return false;
    *started = true;
    pg_running = true;
    if (run(create, -1, path) != 0)
        return false;
    FILE *f = fopen(path, "r");
    char line[1024];
    bool found = false;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "postgresql://", 13) == 0) {
            line[strcspn(line, "\r\n")] = '\0';
            snprintf(out, cap, "%s", line);
            found = true;
        }
    if (f)
        fclose(f);
    return found;
}

static void pg_stop(void)
{
    char dir[PATH_MAX_], path[PATH_MAX_];
    snprintf(dir, sizeof dir, "%s/pg", root);
    snprintf(path, sizeof path, "%s/pg.out", root);
    const char *stop[] = { "bash", BILET_SOURCE_DIR "/script/pg", "stop", dir, NULL };
    pg_running = false;
    run(stop, -1, path);
}

static void remove_root(void)
{
    char cmd[PATH_MAX_ + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_central: could not remove %s\n", root);
}

int main(void)
{
    if (sodium_init() < 0 || !mkdtemp(root))
        die("start", "libsodium or a temporary folder");
    two_cpus = sysconf(_SC_NPROCESSORS_ONLN) >= 2 && system("taskset -c 0 true 2>/dev/null") == 0;
    if (!two_cpus)
        printf("bench_central: fewer than two CPUs (or no taskset): nothing is pinned\n");
    char keydir[DIR_MAX], db[PATH_MAX_];
    snprintf(keydir, sizeof keydir, "%s/central-key", root);

    /* The central key, made here once for every central of the run. */
    keys_pair *ckp = NULL;
    char ckey_path[PATH_MAX_];
    bilet_err kerr = { { 0 } };
    snprintf(ckey_path, sizeof ckey_path, "%s/central.key", keydir);
    if (mkdir(keydir, 0700) != 0 || keys_pair_random(&ckp, &kerr) != BILET_OK ||
        keys_file_write_hex(ckey_path, ckp->sk, KEYS_SECRET_BYTES, &kerr) != BILET_OK)
        die("central key", kerr.msg);
    snprintf(ckey_path, sizeof ckey_path, "%s/central.pub", keydir);
    if (keys_file_write_hex_mode(ckey_path, ckp->pk, KEYS_PUBLIC_BYTES, 0644, &kerr) != BILET_OK)
        die("central key", kerr.msg);
    keys_pair_destroy(ckp);

    /* 1. Ingest on SQLite. */
    ingest_result best = { 0 };
    double raw = 0, raw_len = 0;
    for (int round = 0; round < ROUNDS; round++) {
        snprintf(db, sizeof db, "%s/central-%d.db", root, round);
        ingest_result r = ingest_round(db, keydir, round);
        pin_to(0);
        double v = raw_verify_rate(r.seconds < 2 ? r.seconds : 2, &raw_len);
        if (v > raw)
            raw = v;
        if (r.rate > best.rate)
            best = r;
    }
    double ratio = best.rate / raw;
    bool ok = ratio >= 0.8;
    printf("bench_central: %d kiosks x %d records (batches of %d) over loopback; server on CPU 0, "
           "clients on CPU 1; best of %d\n",
           KIOSKS, PER_KIOSK, BATCH, ROUNDS);
    printf("  raw Ed25519 verify  %9.0f /s  (libsodium, one core, records of the same mix, "
           "%.0f bytes on average)\n",
           raw, raw_len);
    printf("  sqlite ingest       %9.0f /s  = %.2f x raw verify  target >= 0.80  %s"
           "  (%.1f s, server CPU %.0f %%)\n",
           best.rate, ratio, ok ? "ok" : "MISSED", best.seconds,
           100.0 * best.server_cpu / best.seconds);

    /* 2. PostgreSQL, when there is one. */
    char pg[1024];
    bool pg_started = false;
    if (pg_url(pg, sizeof pg, &pg_started)) {
        ingest_result r = ingest_round(pg, keydir, ROUNDS);
        printf("  postgresql ingest   %9.0f /s  = %.2f x raw verify  (report only; %.1f s, "
               "server CPU %.0f %%)\n",
               r.rate, r.rate / raw, r.seconds, 100.0 * r.server_cpu / r.seconds);
    } else {
        printf("  postgresql ingest   skipped (no $BILET_PG_URL; script/pg or PostgreSQL "
               "missing)\n");
    }
    if (pg_started)
        pg_stop();

    /* 3. `bilet sync` of a 10 000-record outbox. */
    char data[DIR_MAX];
    snprintf(data, sizeof data, "%s/kiosk", root);
    fill_outbox(data);
    unsigned char pk[KEYS_PUBLIC_BYTES];
    char pub[PATH_MAX_];
    snprintf(pub, sizeof pub, "%s/kiosk.pub", data);
    bilet_err err = { { 0 } };
    if (keys_file_read_hex(pub, pk, sizeof pk, &err) != BILET_OK)
        die("kiosk key", err.msg);
    pin_to(0);
    double verify_s = outbox_verify_seconds(data, pk);
    double sync_s = sync_seconds(data);
    double sync_ratio = sync_s / verify_s;
    bool sync_ok = sync_ratio <= 2.0;
    printf("  bilet sync          %d records in %.3f s; their signatures verify in %.3f s: "
           "%.2f x  target <= 2.00  %s\n",
           SYNC_RECORDS, sync_s, verify_s, sync_ratio, sync_ok ? "ok" : "MISSED");
    remove_root();
    return ok && sync_ok ? 0 : 1;
}
