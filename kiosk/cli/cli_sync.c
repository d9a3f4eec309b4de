/*
 * cli_sync.c — `bilet sync`: pushes a kiosk's outbox to bilet-central once, or writes the
 * whole log as a signed bundle for a USB stick (docs/sync.md).
 *
 *   bilet sync --data DIR --central URL --central-pub FILE [--cacert FILE] [--batch N]
 *   bilet sync --data DIR --export FILE
 *
 * Exit 0: every record acknowledged (or the bundle written); 1: a record rejected, no
 * central reachable, a receipt that does not check, a damaged log; 2: bad usage or input
 * (a missing data folder, an unreadable central.pub). Progress goes to stderr when it is a
 * terminal and the outbox is larger than one batch.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "client.h"
#include "keys.h"
#include "outbox.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet sync --data DIR --central URL --central-pub FILE [--cacert FILE]\n"
            "                  [--batch N]\n"
            "       bilet sync --data DIR --export FILE\n\n"
            "Pushes the records of the kiosk data folder DIR that the central store has not\n"
            "acknowledged yet (POST URL/api/v1/records), in batches of up to 1000. A batch\n"
            "counts only when its receipt is signed by the key in FILE (the central's\n"
            "central.pub) and names the exact batch sent. Prints \"stored N, duplicate N,\n"
            "rejected N\" and one line per rejected record (its seq and the reason).\n"
            "Exit 0 all acknowledged, 1 a record rejected or no central reached, 2 bad usage.\n\n"
            "With --export, writes every record of DIR into FILE as a bundle signed by the\n"
            "kiosk key, for `bilet-central --import FILE` where there is no network.\n\n"
            "  -d, --data DIR           the kiosk data folder\n"
            "  -c, --central URL        the central store, http(s)://host:port\n"
            "  -p, --central-pub FILE   the central's public key (64 hex digits)\n"
            "      --cacert FILE        a CA bundle for HTTPS besides the system's\n"
            "  -b, --batch N            records per push, 1..1000 (default 1000)\n"
            "  -e, --export FILE        write the signed USB bundle instead of pushing\n"
            "  -h, --help               this text\n");
}

/* The outbox as client_sync's source: records copied into the client's shape. */
typedef struct source_ctx {
    outbox *ob;
    client_record *recs;
} source_ctx;

static bilet_status source_next(void *ctx_, size_t max_records, size_t max_bytes,
                                const client_record **recs, size_t *n, bilet_err *err)
{
    source_ctx *ctx = ctx_;
    const outbox_record *got = NULL;
    bilet_status st = outbox_next(ctx->ob, max_records, max_bytes, &got, n, err);
    if (st != BILET_OK)
        return st;
    for (size_t i = 0; i < *n; i++) {
        client_record r = { got[i].seq, got[i].bytes, got[i].len, got[i].hash, got[i].sig };
        ctx->recs[i] = r;
    }
    *recs = ctx->recs;
    return BILET_OK;
}

static bilet_status source_ack(void *ctx_, const client_record *last, int64_t now, bilet_err *err)
{
    source_ctx *ctx = ctx_;
    return outbox_ack(ctx->ob, last->seq, last->hash, now, err);
}

static bilet_status source_rewind(void *ctx_, uint64_t seq, bilet_err *err)
{
    source_ctx *ctx = ctx_;
    return outbox_rewind(ctx->ob, seq, err);
}

/* The end of the log for the push's Bilet-Log-End; 0 (no header) if it cannot be read. */
static uint64_t source_log_end(void *ctx_)
{
    source_ctx *ctx = ctx_;
    bilet_err err = { { 0 } };
    outbox_state s;
    return outbox_state_read(ctx->ob, &s, &err) == BILET_OK ? s.last_seq : 0;
}

/* What the run prints: rejections kept for after the totals, progress on a terminal. */
typedef struct report_ctx {
    char **lines;
    size_t n, cap;
    size_t dropped;
    bool progress;
    uint64_t pending;
} report_ctx;

enum { REJECTION_LINES_MAX = 10000 };

static void on_rejected(void *ctx_, uint64_t seq, const char *reason)
{
    report_ctx *ctx = ctx_;
    if (ctx->n == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : 16;
        char **p = cap <= REJECTION_LINES_MAX ? realloc(ctx->lines, cap * sizeof *p) : NULL;
        if (!p) {
            ctx->dropped++;
            return;
        }
        ctx->lines = p;
        ctx->cap = cap;
    }
    char line[CLIENT_REASON_MAX + 64];
    snprintf(line, sizeof line, "record %llu: %s", (unsigned long long)seq, reason);
    char *copy = strdup(line);
    if (!copy) {
        ctx->dropped++;
        return;
    }
    ctx->lines[ctx->n++] = copy;
}

static void on_progress(void *ctx_, const client_sync_report *rep)
{
    report_ctx *ctx = ctx_;
    if (ctx->progress)
        fprintf(stderr, "\rbilet sync: %llu of %llu records sent", (unsigned long long)rep->sent,
                (unsigned long long)ctx->pending);
}

static void print_report(report_ctx *ctx, const client_sync_report *rep)
{
    if (ctx->progress && rep->batches > 0)
        fputc('\n', stderr);
    printf("stored %llu, duplicate %llu, rejected %llu\n", (unsigned long long)rep->stored,
           (unsigned long long)rep->duplicate, (unsigned long long)rep->rejected);
    for (size_t i = 0; i < ctx->n; i++)
        printf("%s\n", ctx->lines[i]);
    if (ctx->dropped)
        printf("(%zu more rejections not listed)\n", ctx->dropped);
}

static void report_free(report_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        free(ctx->lines[i]);
    free(ctx->lines);
}

/* Reports st; a data folder or key file that is missing or unreadable is bad input (2). */
static int input_exit(bilet_status st, const bilet_err *err)
{
    int rc = cli_report("sync", st, err);
    return st == BILET_ENOTFOUND ? 2 : rc;
}

static int push(const char *dir, const char *central, const char *pub_path, const char *cacert,
                size_t batch)
{
    bilet_err err = { { 0 } };
    unsigned char pk[KEYS_PUBLIC_BYTES];
    bilet_status st = keys_file_read_hex(pub_path, pk, sizeof pk, &err);
    if (st != BILET_OK) {
        cli_report("sync", st, &err);
        return 2;
    }
    outbox *ob = NULL;
    client *cl = NULL;
    source_ctx src_ctx = { 0 };
    report_ctx rep_ctx = { 0 };
    client_sync_report rep = { 0 };
    int rc = 1;
    st = outbox_open(dir, central, &ob, &err);
    if (st != BILET_OK) {
        rc = input_exit(st, &err);
        goto out_free;
    }
    client_config cfg = {
        .central = central,
        .central_pk = pk,
        .central_pub_path = pub_path,
        .ca_file = cacert,
    };
    st = client_create(&cfg, &cl, &err);
    if (st != BILET_OK) {
        rc = cli_report("sync", st, &err);
        goto out_free;
    }
    outbox_state state;
    st = outbox_state_read(ob, &state, &err);
    if (st != BILET_OK) {
        rc = cli_report("sync", st, &err);
        goto out_free;
    }
    src_ctx.ob = ob;
    src_ctx.recs = calloc(batch, sizeof *src_ctx.recs);
    if (!src_ctx.recs) {
        fprintf(stderr, "bilet sync: out of memory\n");
        goto out_free;
    }
    rep_ctx.pending = state.pending;
    rep_ctx.progress = isatty(STDERR_FILENO) && state.pending > batch;
    client_source src = { &src_ctx, source_next, source_ack, source_rewind, source_log_end };
    client_sync_hooks hooks = { &rep_ctx, on_rejected, on_progress };
    st = client_sync(cl, &src, batch, &hooks, &rep, &err);
    print_report(&rep_ctx, &rep);
    if (st == BILET_OK) {
        rc = 0;
    } else if (st == BILET_ERULE) {
        rc = 1; /* the rejections are listed above */
    } else {
        fprintf(stderr, "bilet sync: %s%s\n", err.msg,
                st == BILET_ENET || st == BILET_EBADSIG ? " (nothing more was acknowledged)" : "");
        rc = st == BILET_EINVAL ? 2 : 1;
    }

out_free:
    report_free(&rep_ctx);
    free(src_ctx.recs);
    client_destroy(cl);
    outbox_close(ob);
    keys_wipe(pk, sizeof pk);
    return rc;
}

static int export_bundle(const char *dir, const char *path)
{
    bilet_err err = { { 0 } };
    keys_pair *kp = NULL;
    outbox *ob = NULL;
    client_bundle *b = NULL;
    int rc = 1;
    bilet_status st = keys_pair_load(dir, &kp, &err);
    if (st == BILET_OK)
        st = outbox_open(dir, NULL, &ob, &err);
    if (st == BILET_OK)
        st = client_bundle_create(kp->pk, (int64_t)time(NULL), &b, &err);
    uint64_t after = 0;
    while (st == BILET_OK) {
        const outbox_record *recs = NULL;
        size_t n = 0;
        st = outbox_read(ob, after, CLIENT_BATCH_MAX, CLIENT_BATCH_BYTES_MAX, &recs, &n, &err);
        if (st != BILET_OK || n == 0)
            break;
        for (size_t i = 0; i < n && st == BILET_OK; i++)
            st = client_bundle_add(b, recs[i].bytes, recs[i].len, recs[i].sig, &err);
        after = recs[n - 1].seq;
    }
    if (st == BILET_OK)
        st = client_bundle_write(b, kp, path, &err);
    if (st == BILET_OK) {
        printf("%zu records written to %s\n", client_bundle_count(b), path);
        rc = 0;
    } else {
        rc = input_exit(st, &err);
    }
    client_bundle_destroy(b);
    outbox_close(ob);
    keys_pair_destroy(kp);
    return rc;
}

int cli_sync(int argc, char **argv)
{
    enum { OPT_CACERT = 256 };
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "central", required_argument, NULL, 'c' },
        { "central-pub", required_argument, NULL, 'p' },
        { "cacert", required_argument, NULL, OPT_CACERT },
        { "batch", required_argument, NULL, 'b' },
        { "export", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *central = NULL, *pub = NULL, *cacert = NULL, *export_path = NULL;
    long batch = CLIENT_BATCH_MAX;
    char *end = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:c:p:b:e:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            dir = optarg;
            break;
        case 'c':
            central = optarg;
            break;
        case 'p':
            pub = optarg;
            break;
        case OPT_CACERT:
            cacert = optarg;
            break;
        case 'b':
            batch = strtol(optarg, &end, 10);
            if (!*optarg || *end || batch < 1 || batch > CLIENT_BATCH_MAX)
                return cli_usage_error("sync", "--batch %s: give a number from 1 to %d", optarg,
                                       (int)CLIENT_BATCH_MAX);
            break;
        case 'e':
            export_path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("sync", ":d:c:p:b:e:h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("sync", "unexpected argument '%s'", argv[optind]);
    if (!dir || !dir[0])
        return cli_usage_error("sync", "--data DIR is required");
    if (export_path) {
        if (central || pub || cacert)
            return cli_usage_error("sync", "--export writes a bundle: it takes no --central, "
                                           "--central-pub or --cacert");
        if (!export_path[0])
            return cli_usage_error("sync", "--export needs a file name");
        return export_bundle(dir, export_path);
    }
    if (!central || !central[0])
        return cli_usage_error("sync", "--central URL (or --export FILE) is required");
    if (!pub || !pub[0])
        return cli_usage_error("sync", "--central-pub FILE is required: receipts are checked "
                                       "with the central's key");
    if (strncmp(central, "http://", 7) != 0 && strncmp(central, "https://", 8) != 0)
        return cli_usage_error("sync", "--central %s: not an http:// or https:// address", central);
    return push(dir, central, pub, cacert, (size_t)batch);
}
