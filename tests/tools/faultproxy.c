/*
 * faultproxy.c — a test-only TCP proxy that puts network faults between HTTP clients
 * (`bilet sync`) and bilet-central: plain sockets and poll(2), no libraries.
 *
 *   faultproxy --listen 127.0.0.1:0 (--target HOST:PORT | --target-file FILE) [--seed N]
 *              [--drop P] [--delay P] [--cut P] [--dup P]
 *
 * Every request (found by its head and Content-Length; a connection may carry several)
 * meets one fate, drawn from a seeded generator with the given percentages:
 *   drop   the connection is closed before the request goes on;
 *   delay  the request waits 50–1000 ms before it goes on;
 *   cut    the request goes on, and the answer is cut after a random number of bytes;
 *   dup    the request's bytes are sent a second time on a connection of their own (its
 *          answer thrown away), before or after the original;
 *   pass   anything else.
 * The target is read again from --target-file at every new upstream connection ("HOST:PORT"
 * or "http://HOST:PORT"), so a test can restart the server on another port. A target that
 * does not answer closes the client's connection ("down").
 *
 * Prints `faultproxy: listening on http://ADDR:PORT` on stderr once it listens, and on
 * SIGTERM or SIGINT its counters on stdout, then exits 0. Writes block (5 s timeout): the
 * peers are a test's own client and server. Load: tens of connections, bodies up to the
 * central's 16 MiB cap (a request larger than 64 MiB closes its connection).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    CONNS_MAX = 256,
    DUPS_MAX = 256,
    HEAD_MAX = 64 * 1024,
    REQUEST_MAX = 64 * 1024 * 1024,
    IO_CHUNK = 64 * 1024,
    DUP_IDLE_MS = 3000,
};

typedef enum fate { FATE_PASS, FATE_DROP, FATE_DELAY, FATE_CUT, FATE_DUP } fate;

typedef struct conn {
    int cfd, ufd; /* client, upstream (-1 until the first request goes on) */
    char *buf;    /* client bytes not yet sent upstream */
    size_t len, cap;
    int64_t hold_until; /* a delayed request waits until then (ms) */
    bool held;          /* the request at buf's head has met its fate already */
    int64_t cut_at;     /* close once this many answer bytes have gone down; -1 never */
    int64_t down_total;
} conn;

typedef struct dupconn {
    int fd;
    int64_t last_ms;
} dupconn;

static struct {
    const char *target;
    const char *target_file;
    unsigned drop, delay, cut, dup; /* percent */
    uint64_t rng;
    conn conns[CONNS_MAX];
    size_t n_conns;
    dupconn dups[DUPS_MAX];
    size_t n_dups;
    unsigned long long connections, requests, passed, dropped, delayed, cut_n, duplicated, down,
        bytes_up, bytes_down;
} P;

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_next(void)
{
    /* xorshift64*: reproducible from --seed, good enough for choosing faults */
    P.rng ^= P.rng >> 12;
    P.rng ^= P.rng << 25;
    P.rng ^= P.rng >> 27;
    return P.rng * 2685821657736338717ULL;
}

static unsigned rng_below(unsigned n)
{
    return n ? (unsigned)(rng_next() % n) : 0;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || !end || *end || end == s || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* "HOST:PORT" or "http://HOST:PORT[/...]" into an IPv4 address. */
static bool parse_addr(const char *spec, struct sockaddr_in *sa)
{
    char host[256];
    if (strncmp(spec, "http://", 7) == 0)
        spec += 7;
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host)
        return false;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
    char port[16];
    size_t n = strcspn(colon + 1, "/\r\n \t");
    if (n == 0 || n >= sizeof port)
        return false;
    memcpy(port, colon + 1, n);
    port[n] = '\0';
    unsigned p;
    if (!parse_uint(port, 65535, &p))
        return false;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)p);
    if (strcmp(host, "localhost") == 0)
        memcpy(host, "127.0.0.1", sizeof "127.0.0.1");
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static void set_timeouts(int fd)
{
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* A new connection to the target as it is now, or -1. */
static int connect_upstream(void)
{
    char spec[512];
    const char *s = P.target;
    if (P.target_file) {
        FILE *f = fopen(P.target_file, "r");
        if (!f)
            return -1;
        bool ok = fgets(spec, sizeof spec, f) != NULL;
        fclose(f);
        if (!ok)
            return -1;
        s = spec;
    }
    struct sockaddr_in sa;
    if (!parse_addr(s, &sa))
        return -1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    set_timeouts(fd);
    return fd;
}

/* Writes all of buf; false when the peer is gone or stalls past the timeout. */
static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        len -= (size_t)w;
    }
    return true;
}

static void conn_close(size_t i)
{
    conn *c = &P.conns[i];
    if (c->cfd >= 0)
        close(c->cfd);
    if (c->ufd >= 0)
        close(c->ufd);
    free(c->buf);
    P.conns[i] = P.conns[--P.n_conns];
}

/* The length of the complete request at the head of buf, 0 when more bytes are needed,
 * -1 when it is malformed or too large. Only the head's end and Content-Length matter. */
static int64_t request_length(const char *buf, size_t len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    if (!end)
        return len > HEAD_MAX ? -1 : 0;
    size_t head = (size_t)(end - buf) + 4;
    int64_t body = 0;
    const char *p = buf;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
        if (!eol)
            break;
        static const char cl[] = "content-length:";
        if ((size_t)(eol - p) > sizeof cl - 1 && strncasecmp(p, cl, sizeof cl - 1) == 0) {
            char num[32];
            const char *v = p + sizeof cl - 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            size_t n = (size_t)(eol - v);
            if (n == 0 || n >= sizeof num)
                return -1;
            memcpy(num, v, n);
            num[n] = '\0';
            char *e = NULL;
            errno = 0;
            long long b = strtoll(num, &e, 10);
            if (errno || *e || b < 0 || b > REQUEST_MAX)
                return -1;
            body = b;
        }
        p = eol + 2;
    }
    if (len < head + (size_t)body)
        return 0;
    return (int64_t)(head + (size_t)body);
}

static fate draw_fate(void)
{
    unsigned r = rng_below(100);
    if (r < P.drop)
        return FATE_DROP;
    r -= P.drop;
    if (r < P.delay)
        return FATE_DELAY;
    r -= P.delay;
    if (r < P.cut)
        return FATE_CUT;
    r -= P.cut;
    if (r < P.dup)
        return FATE_DUP;
    return FATE_PASS;
}

static void send_dup(const char *req, size_t n)
{
    int fd = connect_upstream();
    if (fd < 0)
        return;
    if (P.n_dups == DUPS_MAX || !write_all(fd, req, n)) {
        close(fd);
        return;
    }
    P.dups[P.n_dups++] = (dupconn){ fd, now_ms() };
    P.duplicated++;
}

/* Sends the requests complete in c's buffer on their way, each after its fate. Returns
 * false when the connection is to be closed. */
static bool pump_requests(conn *c, int64_t now)
{
    for (;;) {
        int64_t n = request_length(c->buf, c->len);
        if (n < 0)
            return false;
        if (n == 0)
            return true;
        if (!c->held) {
            c->held = true;
            P.requests++;
            switch (draw_fate()) {
            case FATE_DROP:
                P.dropped++;
                return false;
            case FATE_DELAY:
                P.delayed++;
                c->hold_until = now + 50 + rng_below(951);
                break;
            case FATE_CUT:
                P.cut_n++;
                c->cut_at = c->down_total + rng_below(1500);
                break;
            case FATE_DUP:
                if (rng_below(2) == 0) {
                    send_dup(c->buf, (size_t)n); /* the copy first */
                } else {
                    c->hold_until = now + rng_below(100);
                    send_dup(c->buf, (size_t)n);
                }
                break;
            case FATE_PASS:
                P.passed++;
                break;
            }
        }
        if (now < c->hold_until)
            return true;
        if (c->ufd < 0) {
            c->ufd = connect_upstream();
            if (c->ufd < 0) {
                P.down++;
                return false;
            }
        }
        if (!write_all(c->ufd, c->buf, (size_t)n))
            return false;
        P.bytes_up += (unsigned long long)n;
        memmove(c->buf, c->buf + n, c->len - (size_t)n);
        c->len -= (size_t)n;
        c->held = false;
        c->hold_until = 0;
    }
}

static bool read_client(conn *c, int64_t now)
{
    if (c->cap - c->len < IO_CHUNK) {
        size_t cap = c->cap ? c->cap * 2 : 2 * IO_CHUNK;
        if (cap > (size_t)REQUEST_MAX + HEAD_MAX + IO_CHUNK)
            return false;
        char *b = realloc(c->buf, cap);
        if (!b)
            return false;
        c->buf = b;
        c->cap = cap;
    }
    ssize_t r = recv(c->cfd, c->buf + c->len, c->cap - c->len, 0);
    if (r < 0 && errno == EINTR)
        return true;
    if (r <= 0)
        return false;
    c->len += (size_t)r;
    return pump_requests(c, now);
}

static bool read_upstream(conn *c)
{
    char buf[IO_CHUNK];
    ssize_t r = recv(c->ufd, buf, sizeof buf, 0);
    if (r < 0 && errno == EINTR)
        return true;
    if (r <= 0)
        return false;
    size_t n = (size_t)r;
    bool cut = false;
    if (c->cut_at >= 0 && c->down_total + (int64_t)n >= c->cut_at) {
        n = (size_t)(c->cut_at - c->down_total);
        cut = true;
    }
    if (n > 0 && !write_all(c->cfd, buf, n))
        return false;
    c->down_total += (int64_t)n;
    P.bytes_down += n;
    return !cut;
}

static void accept_one(int lfd)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    if (P.n_conns == CONNS_MAX) {
        close(fd);
        return;
    }
    set_timeouts(fd);
    P.connections++;
    P.conns[P.n_conns++] = (conn){ .cfd = fd, .ufd = -1, .cut_at = -1 };
}

/* Reads and throws away the answers to duplicated requests; closes a copy's connection when
 * the server closes it or it has been idle DUP_IDLE_MS. Entries from n_polled on were added
 * after the poll and have no slot in pf. Walks down, so that an entry swapped into a
 * removed one's place has been seen already. */
static void drain_dups(const struct pollfd *pf, size_t first, size_t n_polled, int64_t now)
{
    for (size_t k = P.n_dups; k-- > 0;) {
        dupconn *d = &P.dups[k];
        bool done = now - d->last_ms > DUP_IDLE_MS;
        if (k < n_polled && (pf[first + k].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[IO_CHUNK];
            ssize_t r = recv(d->fd, buf, sizeof buf, 0);
            if (r <= 0 && !(r < 0 && errno == EINTR))
                done = true;
            else
                d->last_ms = now;
        }
        if (done) {
            close(d->fd);
            P.dups[k] = P.dups[--P.n_dups];
        }
    }
}

static int serve(int lfd)
{
    static struct pollfd pf[1 + 2 * CONNS_MAX + DUPS_MAX];
    while (!stop_requested) {
        int64_t now = now_ms();
        int timeout = 500;
        size_t n = 0;
        pf[n++] = (struct pollfd){ lfd, POLLIN, 0 };
        for (size_t i = 0; i < P.n_conns; i++) {
            conn *c = &P.conns[i];
            pf[n++] = (struct pollfd){ c->cfd, POLLIN, 0 };
            pf[n++] = (struct pollfd){ c->ufd, c->ufd >= 0 ? POLLIN : 0, 0 };
            if (c->hold_until > now && c->hold_until - now < timeout)
                timeout = (int)(c->hold_until - now);
        }
        size_t first_dup = n;
        size_t n_dups = P.n_dups;
        for (size_t k = 0; k < n_dups; k++)
            pf[n++] = (struct pollfd){ P.dups[k].fd, POLLIN, 0 };
        int rc = poll(pf, n, timeout);
        if (rc < 0 && errno != EINTR) {
            perror("faultproxy: poll");
            return 1;
        }
        now = now_ms();
        /* Connections first, newest last, so that closing one (swapped with the last) never
         * skips an entry whose poll slot was filled. */
        size_t n_conns = P.n_conns;
        for (size_t i = n_conns; i-- > 0;) {
            conn *c = &P.conns[i];
            short cr = rc > 0 ? pf[1 + 2 * i].revents : 0;
            short ur = rc > 0 ? pf[2 + 2 * i].revents : 0;
            bool ok = true;
            if (cr & (POLLIN | POLLHUP | POLLERR))
                ok = read_client(c, now);
            else if (c->len > 0)
                ok = pump_requests(c, now); /* a delayed request whose time came */
            if (ok && c->ufd >= 0 && (ur & (POLLIN | POLLHUP | POLLERR)))
                ok = read_upstream(c);
            if (!ok)
                conn_close(i);
        }
        drain_dups(pf, first_dup, n_dups, now);
        if (rc > 0 && (pf[0].revents & POLLIN))
            accept_one(lfd);
    }
    return 0;
}

static int usage(void)
{
    fputs("usage: faultproxy --listen ADDR:PORT (--target HOST:PORT | --target-file FILE)\n"
          "                  [--seed N] [--drop P] [--delay P] [--cut P] [--dup P]\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    const char *listen_at = NULL;
    unsigned seed = 1;
    P.drop = 10;
    P.delay = 15;
    P.cut = 10;
    P.dup = 10;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            usage();
            return 0;
        }
        if (!v)
            return usage();
        i++;
        bool ok = true;
        if (strcmp(a, "--listen") == 0)
            listen_at = v;
        else if (strcmp(a, "--target") == 0)
            P.target = v;
        else if (strcmp(a, "--target-file") == 0)
            P.target_file = v;
        else if (strcmp(a, "--seed") == 0)
            ok = parse_uint(v, UINT32_MAX, &seed);
        else if (strcmp(a, "--drop") == 0)
            ok = parse_uint(v, 100, &P.drop);
        else if (strcmp(a, "--delay") == 0)
            ok = parse_uint(v, 100, &P.delay);
        else if (strcmp(a, "--cut") == 0)
            ok = parse_uint(v, 100, &P.cut);
        else if (strcmp(a, "--dup") == 0)
            ok = parse_uint(v, 100, &P.dup);
        else
            ok = false;
        if (!ok) {
            fprintf(stderr, "faultproxy: bad option %s %s\n", a, v);
            return usage();
        }
    }
    if (!listen_at || (!P.target == !P.target_file) || P.drop + P.delay + P.cut + P.dup > 100)
        return usage();
    P.rng = 0x9E3779B97F4A7C15ULL ^ ((uint64_t)seed << 1 | 1);

    struct sockaddr_in sa;
    if (!parse_addr(listen_at, &sa)) {
        fprintf(stderr, "faultproxy: --listen %s: not ADDR:PORT\n", listen_at);
        return 2;
    }
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t sl = sizeof sa;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 64) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0) {
        fprintf(stderr, "faultproxy: --listen %s: %s\n", listen_at, strerror(errno));
        return 1;
    }
    struct sigaction act = { 0 };
    act.sa_handler = on_stop;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    fprintf(stderr, "faultproxy: listening on http://%s:%u\n", host, ntohs(sa.sin_port));
    fflush(stderr);

    int rc = serve(lfd);
    while (P.n_conns > 0)
        conn_close(P.n_conns - 1);
    for (size_t k = 0; k < P.n_dups; k++)
        close(P.dups[k].fd);
    close(lfd);
    printf("faultproxy: connections %llu, requests %llu: passed %llu, delayed %llu, dropped "
           "%llu, cut %llu, duplicated %llu; upstream down %llu; bytes up %llu, down %llu\n",
           P.connections, P.requests, P.passed, P.delayed, P.dropped, P.cut_n, P.duplicated, P.down,
           P.bytes_up, P.bytes_down);
    return rc;
}
