/*
 * cli_documents.c — `bilet documents`: prints the documents of a locked exam (ведомость,
 * commission and appeal protocols, statistics; PDF and CSV) from its unmasked statement,
 * fetched from bilet-central or read from a file (docs/documents.md).
 *
 *   bilet documents --central URL --exam ID --out DIR [--lang ru|kk|en] [--token-file F]
 *   bilet documents --statement FILE.json --out DIR [--lang ru|kk|en]
 *
 * Exit 0 with the files written, one a line; 1 when the central did not give the statement
 * (not reachable, grading not locked yet, token refused) or a file could not be written;
 * 2 for bad usage or a malformed statement (one line naming the field; no file written).
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "documents.h"
#include "paper.h"
#include "sheet.h"

enum { TOKEN_MAX = 256 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet documents --central URL --exam ID --out DIR [--lang ru|kk|en]\n"
            "                       [--token-file FILE] [--cacert FILE] [--save-statement F]\n"
            "       bilet documents --statement FILE.json --out DIR [--lang ru|kk|en]\n\n"
            "Prints the documents of an exam whose grading is locked, from its unmasked\n"
            "statement (GET URL/api/v1/exams/ID/statement, a registrar's token from\n"
            "BILET_TOKEN or --token-file), or from a statement saved as a file. Writes into DIR:\n"
            "  vedomost.pdf, vedomost.csv         the examination record (ведомость)\n"
            "  protocol-RB.pdf, protocol-RB.csv   a commission protocol per student (attempt 3)\n"
            "  appeal-RB.pdf                      an appeal protocol per appealed grade\n"
            "  statistics.pdf, statistics.csv     counts, grade distribution, mean grade\n"
            "and prints the files written, one a line. Documents are in Russian unless --lang.\n"
            "Exit 0 done, 1 the central did not give the statement (e.g. grading not locked)\n"
            "or a file could not be written, 2 bad usage or a malformed statement.\n\n"
            "  -c, --central URL          bilet-central, http(s)://host:port\n"
            "  -e, --exam ID              the exam's id\n"
            "  -s, --statement FILE       read the statement JSON from FILE instead\n"
            "  -o, --out DIR              the folder to write into (created when missing)\n"
            "  -l, --lang ru|kk|en        the documents' language (default ru)\n"
            "  -t, --token-file FILE      the staff token (default: $BILET_TOKEN)\n"
            "      --cacert FILE          a CA bundle for HTTPS besides the system's\n"
            "      --save-statement FILE  also keep the fetched statement JSON in FILE\n"
            "  -h, --help                 this text\n");
}

/* Reads the token file, one trailing newline stripped. */
static bilet_status read_token(const char *path, char *out, size_t cap, bilet_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_ENOTFOUND, "%s: %s", path, strerror(errno));
    size_t n = fread(out, 1, cap - 1, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    out[n] = '\0';
    if (n && out[n - 1] == '\n')
        out[--n] = '\0';
    if (n && out[n - 1] == '\r')
        out[--n] = '\0';
    if (more)
        return bilet_fail(err, BILET_EINVAL, "%s: longer than a staff token", path);
    if (!n || strchr(out, '\n') || strchr(out, '\r'))
        return bilet_fail(err, BILET_EINVAL, "%s: not one line holding a staff token", path);
    return BILET_OK;
}

/* Reads a whole file (at most DOCUMENTS_STATEMENT_MAX bytes) into a new buffer. */
static bilet_status read_file(const char *path, char **out, size_t *len, bilet_err *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, BILET_ENOTFOUND, "%s: %s", path, strerror(errno));
    size_t cap = 64 * 1024, n = 0;
    char *buf = malloc(cap);
    bilet_status st = BILET_OK;
    while (buf) {
        if (n == cap) {
            if (cap > DOCUMENTS_STATEMENT_MAX) {
                st = bilet_fail(err, BILET_ETOOBIG, "%s: over %d bytes", path,
                                (int)DOCUMENTS_STATEMENT_MAX);
                break;
            }
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (st == BILET_OK && !buf)
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
    if (st == BILET_OK && ferror(f))
        st = bilet_fail(err, BILET_EIO, "%s: read error", path);
    fclose(f);
    if (st != BILET_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = n;
    return BILET_OK;
}

/* The exam id percent-encoded for a URL path segment (RFC 3986 unreserved kept). */
static bool encode_segment(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        if (k + 4 > cap)
            return false;
        if (plain) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    out[k] = '\0';
    return true;
}

/* The central's error words from a JSON {"error": "..."} body, or "". */
static void error_words(const char *body, size_t len, char *out, size_t cap)
{
    out[0] = '\0';
    json_t *j = json_loadb(body, len, 0, NULL);
    json_t *e = json_is_object(j) ? json_object_get(j, "error") : NULL;
    if (json_is_string(e))
        snprintf(out, cap, ": %s", json_string_value(e));
    json_decref(j);
}

typedef struct options {
    const char *central, *exam, *statement, *out, *lang, *token_file, *cacert, *save;
} options;

/* GETs the statement; 1 or 2 as the exit status on failure, -1 on success. */
static int fetch(const options *o, char **body, size_t *len)
{
    bilet_err err = { { 0 } };
    char token[TOKEN_MAX];
    const char *env = getenv("BILET_TOKEN");
    if (o->token_file) {
        bilet_status st = read_token(o->token_file, token, sizeof token, &err);
        if (st != BILET_OK) {
            fprintf(stderr, "bilet documents: %s\n", err.msg);
            return 2;
        }
    } else if (env && env[0]) {
        snprintf(token, sizeof token, "%s", env);
    } else {
        return cli_usage_error("documents",
                               "no staff token: set BILET_TOKEN or give --token-file FILE");
    }
    char seg[EXAM_ID_MAX * 3 + 1];
    if (!o->exam[0] || strlen(o->exam) >= EXAM_ID_MAX || !encode_segment(o->exam, seg, sizeof seg))
        return cli_usage_error("documents", "--exam %s: not an exam id", o->exam);
    size_t base = strlen(o->central);
    while (base && o->central[base - 1] == '/')
        base--;
    size_t cap = base + strlen(seg) + 64;
    char *url = malloc(cap);
    if (!url) {
        fprintf(stderr, "bilet documents: out of memory\n");
        return 1;
    }
    snprintf(url, cap, "%.*s/api/v1/exams/%s/statement", (int)base, o->central, seg);
    long status = 0;
    bilet_status st = client_get(url, token, o->cacert, body, len, &status, &err);
    free(url);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet documents: %s\n", err.msg);
        return st == BILET_EINVAL ? 2 : 1;
    }
    if (status == 200)
        return -1;
    char words[300];
    error_words(*body, *len, words, sizeof words);
    free(*body);
    *body = NULL;
    if (status == 409)
        fprintf(stderr, "bilet documents: grading of exam %s is not locked yet\n", o->exam);
    else if (status == 401 || status == 403)
        fprintf(stderr, "bilet documents: the central refused the staff token (HTTP %ld%s)\n",
                status, words);
    else if (status == 404)
        fprintf(stderr, "bilet documents: the central has no exam %s (HTTP 404%s)\n", o->exam,
                words);
    else
        fprintf(stderr, "bilet documents: the central answered HTTP %ld%s\n", status, words);
    return 1;
}

static int run(const options *o)
{
    bilet_err err = { { 0 } };
    char *body = NULL;
    size_t len = 0;
    const char *source = o->statement;
    char source_buf[EXAM_ID_MAX + 64];
    if (o->statement) {
        bilet_status st = read_file(o->statement, &body, &len, &err);
        if (st != BILET_OK) {
            fprintf(stderr, "bilet documents: %s\n", err.msg);
            return 2;
        }
    } else {
        int rc = fetch(o, &body, &len);
        if (rc >= 0)
            return rc;
        snprintf(source_buf, sizeof source_buf, "statement of exam %s", o->exam);
        source = source_buf;
    }
    documents_statement *s = NULL;
    bilet_status st = documents_statement_parse(body, len, source, &s, &err);
    if (st == BILET_OK && o->save) {
        FILE *f = fopen(o->save, "wb");
        if (!f || fwrite(body, 1, len, f) != len || fclose(f) != 0) {
            if (f)
                fclose(f);
            st = bilet_fail(&err, BILET_EIO, "%s: cannot save the statement", o->save);
        }
    }
    free(body);
    if (st != BILET_OK) {
        documents_statement_free(s);
        return cli_report("documents", st, &err);
    }
    if (o->exam && strcmp(o->exam, s->exam.id) != 0) {
        fprintf(stderr, "bilet documents: the central sent the statement of exam %s, not %s\n",
                s->exam.id, o->exam);
        documents_statement_free(s);
        return 1;
    }
    documents_files files = { 0 };
    st = documents_write(s, o->out, &files, &err);
    documents_statement_free(s);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet documents: %s\n", err.msg);
        return st == BILET_EINVAL ? 2 : 1;
    }
    for (size_t i = 0; i < files.n; i++)
        printf("%s\n", files.path[i]);
    documents_files_free(&files);
    return 0;
}

int cli_documents(int argc, char **argv)
{
    static const struct option opts[] = {
        { "central", required_argument, NULL, 'c' },
        { "exam", required_argument, NULL, 'e' },
        { "statement", required_argument, NULL, 's' },
        { "out", required_argument, NULL, 'o' },
        { "lang", required_argument, NULL, 'l' },
        { "token-file", required_argument, NULL, 't' },
        { "cacert", required_argument, NULL, 'C' },
        { "save-statement", required_argument, NULL, 'S' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    options o = { .lang = "ru" };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":c:e:s:o:l:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o.central = optarg;
            break;
        case 'e':
            o.exam = optarg;
            break;
        case 's':
            o.statement = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 't':
            o.token_file = optarg;
            break;
        case 'C':
            o.cacert = optarg;
            break;
        case 'S':
            o.save = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("documents", ":c:e:s:o:l:t:h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("documents", "unexpected argument '%s'", argv[optind]);
    if (!o.out || !o.out[0])
        return cli_usage_error("documents", "--out DIR is required");
    if (!o.statement == !o.central)
        return cli_usage_error("documents", "give either --central URL --exam ID or --statement "
                                            "FILE");
    if (o.central && !o.exam)
        return cli_usage_error("documents", "--central needs --exam ID");
    if (o.statement && (o.exam || o.token_file || o.cacert || o.save))
        return cli_usage_error("documents", "--statement FILE takes no --exam, --token-file, "
                                            "--cacert or --save-statement");
    bilet_err err = { { 0 } };
    bilet_status st = paper_language_use(o.lang, &err);
    if (st == BILET_EINVAL)
        return cli_usage_error("documents", "%s", err.msg);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet documents: %s\n", err.msg);
        return 1;
    }
    int rc = run(&o);
    sheet_release_fonts();
    return rc;
}
