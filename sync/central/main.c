/*
 * main.c — the `bilet-central` command: the server (--listen), and the one-shot modes that
 * run against the same database and exit (--enrol, --revoke-kiosk, --add-staff,
 * --remove-staff, --import, --verify).
 *
 * Exit status: 0 done, 1 a problem found or met (named on stderr in one line), 2 bad
 * usage. The server runs until SIGINT or SIGTERM, then stops accepting, lets the worker
 * threads finish their requests and close their database connections, and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api.h"
#include "audit.h"
#include "auth.h"
#include "batch.h"
#include "cdb.h"
#include "ckeys.h"
#include "console.h"
#include "grading.h"
#include "http.h"
#include "keys.h"
#include "record.h"
#include "web.h"

static const char program[] = "bilet-central";

enum {
    BUNDLE_MAX = 1024 * 1024 * 1024, /* a USB bundle: a kiosk's whole log */
    PEM_MAX = 1024 * 1024,
    TOKEN_BYTES = 32,
};

static const char usage_text[] =
    "usage: bilet-central --db PATH|postgresql://... --key DIR --listen ADDR:PORT\n"
    "                     [--tls-cert FILE --tls-key FILE] [--threads N]\n"
    "       bilet-central --db ... --key DIR --import FILE\n"
    "       bilet-central --db ... [--key DIR] --enrol FILE.pub [--name NAME]\n"
    "       bilet-central --db ... --add-staff NAME [--role registrar|grader]\n"
    "                     [--password-file FILE]\n"
    "       bilet-central --db ... --set-password NAME --password-file FILE\n"
    "       bilet-central --db ... --remove-staff NAME\n"
    "       bilet-central --db ... --revoke-kiosk FILE.pub|HEX\n"
    "       bilet-central --db ... --verify\n"
    "       bilet-central --db ... --key DIR --add-exam DIR [--policies DIR]\n"
    "\n"
    "The central store of bilet: receives the signed records of exam kiosks over HTTP\n"
    "(POST /api/v1/records), answers each batch with a receipt signed by the central key,\n"
    "and serves staff (kiosks, results). All state is in the database: an SQLite file, or a\n"
    "PostgreSQL database that several bilet-central processes may share.\n"
    "\n"
    "  --db SPEC          SQLite file path, or a postgresql:// URL\n"
    "  --key DIR          folder of central.key and central.pub (created with a new key\n"
    "                     when missing)\n"
    "  --listen ADDR:PORT serve HTTP there (port 0: any free port, printed on stderr)\n"
    "  --tls-cert FILE    serve HTTPS with this PEM certificate (and --tls-key FILE)\n"
    "  --threads N        worker threads (default: one per CPU)\n"
    "  --import FILE      store a USB bundle (bilet sync --export), all or nothing\n"
    "  --enrol FILE.pub   trust a kiosk key (--name NAME names it)\n"
    "  --add-staff NAME   add a staff member (--role, default grader); the token is the\n"
    "                     last line printed\n"
    "  --password-file F  the staff member's password for the web console, on the first\n"
    "                     line of F (8 to 256 bytes; kept only as an Argon2id hash)\n"
    "  --set-password N   set (or change) the console password of staff member N\n"
    "  --remove-staff N   remove staff member N: their token, password and console\n"
    "                     sessions stop working at once; what they did stays recorded\n"
    "  --revoke-kiosk K   stop trusting a kiosk key (its kiosk.pub, or 64 hex digits): its\n"
    "                     later records are rejected, its stored ones stay; never again\n"
    "                     enrolled\n"
    "  --web DIR          serve the staff console from DIR (default: the source tree's\n"
    "                     sync/web, else the installed share/bilet/web)\n"
    "  --verify           re-check every stored chain and signature\n"
    "  --add-exam DIR     add an exam directory (exam.ini, roster.csv, tickets.csv and, for\n"
    "                     a blind exam, code.key) for blind grading; again with the same\n"
    "                     content changes nothing\n"
    "  --policies DIR     the policy profiles for --add-exam (default: found as the kiosk\n"
    "                     finds them)\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see --help)\n");
    va_end(ap);
    return 2;
}

static int report(bilet_status st, const bilet_err *err)
{
    fprintf(stderr, "%s: %s\n", program, err->msg);
    return st == BILET_EINVAL ? 2 : 1;
}

typedef struct options {
    const char *db;
    const char *key;
    const char *listen;
    const char *tls_cert;
    const char *tls_key;
    const char *import;
    const char *enrol;
    const char *name;
    const char *add_staff;
    const char *role;
    const char *add_exam;
    const char *policies;
    const char *password_file;
    const char *set_password;
    const char *remove_staff;
    const char *revoke_kiosk;
    const char *web;
    bool verify;
    long threads;
} options;

/* Reads a whole file (at most cap bytes) into a malloc'd, NUL-terminated buffer. */
static bilet_status read_file(const char *path, size_t cap, char **out, size_t *len, bilet_err *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return bilet_fail(err, BILET_EIO, "%s: not a regular file", path);
    }
    if ((unsigned long long)sb.st_size > cap) {
        fclose(f);
        return bilet_fail(err, BILET_ETOOBIG, "%s: %lld bytes, over the limit of %zu", path,
                          (long long)sb.st_size, cap);
    }
    size_t size = (size_t)sb.st_size;
    char *buf = malloc(size + 1);
    if (!buf) {
        fclose(f);
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory for %zu bytes", path, size);
    }
    size_t got = fread(buf, 1, size, f);
    bool bad = ferror(f) || got != size;
    fclose(f);
    if (bad) {
        free(buf);
        return bilet_fail(err, BILET_EIO, "%s: read error", path);
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    return BILET_OK;
}

static bilet_status load_key(const char *dir, keys_pair **kp, bilet_err *err)
{
    bool created = false;
    bilet_status st = ckeys_load(dir, kp, &created, err);
    if (st == BILET_OK && created) {
        char hex[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode((*kp)->pk, KEYS_PUBLIC_BYTES, hex, sizeof hex, NULL);
        fprintf(stderr, "%s: created a new central key in %s (central.pub %s)\n", program, dir,
                hex);
    }
    return st;
}

static int run_enrol(const options *o)
{
    unsigned char pk[KEYS_PUBLIC_BYTES];
    char hex[2 * KEYS_PUBLIC_BYTES + 1];
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    bool created = false;
    bilet_status st = keys_file_read_hex(o->enrol, pk, sizeof pk, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK) {
        keys_hex_encode(pk, sizeof pk, hex, sizeof hex, NULL);
        st = cdb_kiosk_enrol(db, hex, o->name ? o->name : "", (int64_t)time(NULL), &created, &err);
    }
    cdb_close(db);
    if (st != BILET_OK)
        return report(st, &err);
    printf("%s kiosk %s%s%s%s\n", created ? "enrolled" : "already enrolled:", hex,
           o->name ? " (" : "", o->name ? o->name : "", o->name ? ")" : "");
    return 0;
}

/* The first line of the password file (without its line end), in *pw (wiped and freed
 * by the caller with free_password). */
static bilet_status read_password(const char *path, char **pw, size_t *len, bilet_err *err)
{
    char *text = NULL;
    size_t n = 0;
    bilet_status st = read_file(path, 4096, &text, &n, err);
    if (st != BILET_OK)
        return st;
    size_t line = strcspn(text, "\r\n");
    if (line < AUTH_PASSWORD_MIN || line > AUTH_PASSWORD_MAX) {
        keys_wipe(text, n);
        free(text);
        return bilet_fail(err, BILET_EINVAL,
                          "%s: the password on its first line must be %d to %d "
                          "bytes, not %zu",
                          path, AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX, line);
    }
    keys_wipe(text + line, n - line);
    *pw = text;
    *len = line;
    return BILET_OK;
}

static void free_password(char *pw, size_t len)
{
    if (pw)
        keys_wipe(pw, len);
    free(pw);
}

static int run_set_password(const options *o)
{
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    char *pw = NULL;
    size_t len = 0;
    bilet_status st = read_password(o->password_file, &pw, &len, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = auth_set_password(db, o->set_password, pw, len, (int64_t)time(NULL), &err);
    cdb_close(db);
    free_password(pw, len);
    if (st != BILET_OK)
        return report(st, &err);
    printf("password of %s set\n", o->set_password);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_add_staff(const options *o)
{
    unsigned char raw[TOKEN_BYTES];
    char token[2 * TOKEN_BYTES + 1];
    char hash[2 * KEYS_HASH_BYTES + 1];
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    const char *role = o->role ? o->role : "grader";
    if (strcmp(role, "registrar") != 0 && strcmp(role, "grader") != 0)
        return usage_error("--role must be registrar or grader, not \"%s\"", role);
    keys_random(raw, sizeof raw);
    keys_hex_encode(raw, sizeof raw, token, sizeof token, NULL);
    keys_wipe(raw, sizeof raw);
    api_token_hash(token, hash);
    char *pw = NULL;
    size_t pw_len = 0;
    bilet_status st = BILET_OK;
    if (o->password_file)
        st = read_password(o->password_file, &pw, &pw_len, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = cdb_staff_add(db, o->add_staff, role, hash, (int64_t)time(NULL), &err);
    if (st == BILET_OK && pw)
        st = auth_set_password(db, o->add_staff, pw, pw_len, (int64_t)time(NULL), &err);
    cdb_close(db);
    free_password(pw, pw_len);
    if (st != BILET_OK) {
        keys_wipe(token, sizeof token);
        return report(st, &err);
    }
    printf("staff member %s added as %s; the token (shown once, kept only as a hash):\n%s\n",
           o->add_staff, role, token);
    keys_wipe(token, sizeof token);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_remove_staff(const options *o)
{
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    uint64_t sessions = 0;
    bilet_status st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = auth_remove_staff(db, o->remove_staff, (int64_t)time(NULL), &sessions, &err);
    cdb_close(db);
    if (st != BILET_OK)
        return report(st, &err);
    printf("removed staff member «%s»: token and password revoked, open sessions ended: %llu\n",
           o->remove_staff, (unsigned long long)sessions);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* The kiosk key --revoke-kiosk names: 64 hex digits, or a file holding them. */
static bilet_status revoke_key(const char *arg, char hex[2 * KEYS_PUBLIC_BYTES + 1], bilet_err *err)
{
    unsigned char pk[KEYS_PUBLIC_BYTES];
    size_t n = strlen(arg);
    if (n == 2 * KEYS_PUBLIC_BYTES && strspn(arg, "0123456789abcdefABCDEF") == n) {
        for (size_t i = 0; i <= n; i++)
            hex[i] = (char)(arg[i] >= 'A' && arg[i] <= 'F' ? arg[i] - 'A' + 'a' : arg[i]);
        return BILET_OK;
    }
    bilet_status st = keys_file_read_hex(arg, pk, sizeof pk, err);
    if (st == BILET_OK)
        keys_hex_encode(pk, sizeof pk, hex, 2 * KEYS_PUBLIC_BYTES + 1, NULL);
    return st;
}

static int run_revoke_kiosk(const options *o)
{
    char hex[2 * KEYS_PUBLIC_BYTES + 1];
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    bool already = false;
    bilet_status st = revoke_key(o->revoke_kiosk, hex, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = cdb_kiosk_revoke(db, hex, (int64_t)time(NULL), &already, &err);
    cdb_close(db);
    if (st != BILET_OK)
        return report(st, &err);
    if (already)
        printf("already revoked: kiosk %s\n", hex);
    else
        printf("revoked kiosk %s: its later records are rejected, the stored ones stay\n", hex);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_import(const options *o)
{
    bilet_err err = { { 0 } };
    keys_pair *kp = NULL;
    cdb *db = NULL;
    char *text = NULL;
    size_t len = 0;
    batch_bundle bundle;
    bool have_bundle = false;
    bool enrolled = false;
    bool revoked = false;
    memset(&bundle, 0, sizeof bundle);

    bilet_status st = load_key(o->key, &kp, &err);
    if (st == BILET_OK)
        st = read_file(o->import, BUNDLE_MAX, &text, &len, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK) {
        st = batch_bundle_read(text, len, &bundle, &err);
        have_bundle = st == BILET_OK;
        if (st != BILET_OK)
            bilet_err_prefix(&err, "%s: ", o->import);
    }
    if (st == BILET_OK)
        st = cdb_kiosk_enrolled(db, bundle.kiosk, &enrolled, &revoked, &err);
    if (st == BILET_OK && !enrolled)
        st = bilet_fail(&err, BILET_EPERM, "%s: kiosk %s is not enrolled (--enrol its key first)",
                        o->import, bundle.kiosk);
    if (st == BILET_OK && revoked)
        st = bilet_fail(&err, BILET_EPERM, "%s: nothing stored: revoked kiosk %s", o->import,
                        bundle.kiosk);
    if (st == BILET_OK) {
        st = cdb_ingest(db, &bundle.records, (int64_t)time(NULL), true, &err);
        if (st == BILET_ERULE)
            bilet_err_prefix(&err, "%s: nothing stored: ", o->import);
    }
    int rc = 0;
    if (st != BILET_OK) {
        rc = report(st, &err);
    } else {
        batch_counts c = batch_count(&bundle.records);
        printf("stored %zu, duplicate %zu\n", c.stored, c.duplicate);
    }
    if (have_bundle)
        batch_free(&bundle.records);
    cdb_close(db);
    free(text);
    keys_pair_destroy(kp);
    return rc;
}

/* --add-exam: exit 2 for a bad exam directory (nothing added), 1 for a store failure. */
static int run_add_exam(const options *o)
{
    bilet_err err = { { 0 } };
    keys_pair *kp = NULL;
    cdb *db = NULL;
    grading_added added;
    bilet_status st = load_key(o->key, &kp, &err);
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = grading_add_exam(db, kp, o->add_exam, o->policies, (int64_t)time(NULL), &added, &err);
    cdb_close(db);
    keys_pair_destroy(kp);
    if (st != BILET_OK) {
        fprintf(stderr, "%s: %s\n", program, err.msg);
        bool input = st == BILET_EINVAL || st == BILET_EPARSE || st == BILET_ERULE ||
                     st == BILET_ENOTFOUND || st == BILET_ETOOBIG || st == BILET_EBADSIG;
        return input ? 2 : 1;
    }
    if (added.already)
        printf("already added: exam %s (%zu students)\n", added.id, added.students);
    else
        printf("added exam %s: %zu students, record %s\n", added.id, added.students, added.record);
    return fflush(stdout) == 0 ? 0 : 1;
}

static int run_verify(const options *o)
{
    bilet_err err = { { 0 } };
    cdb *db = NULL;
    audit_report rep;
    bilet_status st = cdb_open(o->db, &db, &err);
    if (st == BILET_OK)
        st = audit_store(db, &rep, &err);
    cdb_close(db);
    if (st != BILET_OK)
        return report(st, &err);
    printf("%llu kiosks with records, %llu records, chains intact, signatures valid\n",
           (unsigned long long)rep.kiosks, (unsigned long long)rep.records);
    return 0;
}

static int run_server(const options *o)
{
    bilet_err err = { { 0 } };
    keys_pair *kp = NULL;
    cdb *db = NULL;
    char *cert = NULL;
    char *key = NULL;
    size_t cert_len = 0;
    size_t key_len = 0;
    http_server *server = NULL;
    char *web_root = NULL;
    api_ctx ctx;
    sigset_t stop;
    int sig = 0;
    int rc = 0;

    bilet_status st = load_key(o->key, &kp, &err);
    if (st == BILET_OK && o->tls_cert)
        st = read_file(o->tls_cert, PEM_MAX, &cert, &cert_len, &err);
    if (st == BILET_OK && o->tls_key) /* a TLS private key is a secret like central.key */
        st = keys_secret_file_check(o->tls_key, &err);
    if (st == BILET_OK && o->tls_key)
        st = read_file(o->tls_key, PEM_MAX, &key, &key_len, &err);
    /* Open once here: the schema exists and the database answers before any client. */
    if (st == BILET_OK)
        st = cdb_open(o->db, &db, &err);
    if (st != BILET_OK) {
        rc = report(st, &err);
        goto out_free;
    }
    const char *backend = cdb_backend_name(db);
    cdb_close(db);

    memset(&ctx, 0, sizeof ctx);
    ctx.central = kp;
    st = web_root_find(o->web, &web_root, &err);
    if (st != BILET_OK && o->web) {
        rc = report(BILET_EINVAL, &err);
        goto out_free;
    }
    if (st != BILET_OK)
        fprintf(stderr, "%s: %s; serving the API only\n", program, err.msg);
    ctx.web_root = web_root;
    keys_hex_encode(kp->pk, KEYS_PUBLIC_BYTES, ctx.central_hex, sizeof ctx.central_hex, NULL);

    /* A batch's buffers are a megabyte or more, made on one thread and freed on another.
     * Kept in the heap rather than mapped and unmapped each time, they cost no page
     * faults: those had been a tenth of the work besides verifying signatures. */
    mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);

    /* Worker threads inherit this mask: only the main thread takes the stop signals. */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    console_start(); /* before the threads: it sets the message locale */
    http_config cfg = { o->listen, o->db, &ctx, (unsigned)o->threads, cert, key, program };
    st = http_start(&cfg, &server, &err);
    if (st != BILET_OK) {
        rc = report(st, &err);
        goto out_free;
    }
    const char *colon = strrchr(o->listen, ':');
    fprintf(stderr, "%s: listening on %s://%.*s:%u (%s, %u threads, central.pub %s)\n", program,
            cert ? "https" : "http", (int)(colon - o->listen), o->listen,
            (unsigned)http_port(server), backend, http_threads(server), ctx.central_hex);
    while (sigwait(&stop, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
        ;
    fprintf(stderr, "%s: stopping (%s)\n", program, sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_stop(server);

out_free:
    if (key)
        keys_wipe(key, key_len);
    free(key);
    free(cert);
    free(web_root);
    keys_pair_destroy(kp);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "key", required_argument, NULL, 'k' },
        { "listen", required_argument, NULL, 'l' },
        { "tls-cert", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'K' },
        { "threads", required_argument, NULL, 't' },
        { "import", required_argument, NULL, 'i' },
        { "enrol", required_argument, NULL, 'e' },
        { "name", required_argument, NULL, 'n' },
        { "add-staff", required_argument, NULL, 's' },
        { "role", required_argument, NULL, 'r' },
        { "add-exam", required_argument, NULL, 'x' },
        { "policies", required_argument, NULL, 'p' },
        { "verify", no_argument, NULL, 'v' },
        { "password-file", required_argument, NULL, 'P' },
        { "set-password", required_argument, NULL, 'S' },
        { "remove-staff", required_argument, NULL, 'R' },
        { "revoke-kiosk", required_argument, NULL, 'V' },
        { "web", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    options o = { 0 };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.db = optarg;
            break;
        case 'k':
            o.key = optarg;
            break;
        case 'l':
            o.listen = optarg;
            break;
        case 'c':
            o.tls_cert = optarg;
            break;
        case 'K':
            o.tls_key = optarg;
            break;
        case 't': {
            char *end = NULL;
            o.threads = strtol(optarg, &end, 10);
            if (!end || *end || o.threads < 1 || o.threads > 256)
                return usage_error("--threads must be 1..256");
            break;
        }
        case 'i':
            o.import = optarg;
            break;
        case 'e':
            o.enrol = optarg;
            break;
        case 'n':
            o.name = optarg;
            break;
        case 's':
            o.add_staff = optarg;
            break;
        case 'r':
            o.role = optarg;
            break;
        case 'x':
            o.add_exam = optarg;
            break;
        case 'p':
            o.policies = optarg;
            break;
        case 'v':
            o.verify = true;
            break;
        case 'P':
            o.password_file = optarg;
            break;
        case 'S':
            o.set_password = optarg;
            break;
        case 'R':
            o.remove_staff = optarg;
            break;
        case 'V':
            o.revoke_kiosk = optarg;
            break;
        case 'w':
            o.web = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            if (optopt)
                return usage_error("%s needs a value", argv[optind - 1]);
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument \"%s\"", argv[optind]);
    int modes = !!o.listen + !!o.import + !!o.enrol + !!o.add_staff + !!o.verify +
                !!o.set_password + !!o.add_exam + !!o.remove_staff + !!o.revoke_kiosk;
    if (modes != 1)
        return usage_error(modes ? "give one of --listen, --import, --enrol, --revoke-kiosk, "
                                   "--add-staff, --set-password, --remove-staff, --verify, "
                                   "--add-exam"
                                 : "nothing to do: give --listen, --import, --enrol, "
                                   "--revoke-kiosk, --add-staff, --set-password, --remove-staff, "
                                   "--verify or --add-exam");
    if (!o.db)
        return usage_error("--db PATH|postgresql://... is required");
    if ((o.listen || o.import || o.add_exam) && !o.key)
        return usage_error("--key DIR is required with --%s", o.listen   ? "listen"
                                                              : o.import ? "import"
                                                                         : "add-exam");
    if (o.policies && !o.add_exam)
        return usage_error("--policies goes with --add-exam");
    if (!o.listen && (o.tls_cert || o.tls_key || o.threads))
        return usage_error("--tls-cert, --tls-key and --threads go with --listen");
    if (!!o.tls_cert != !!o.tls_key)
        return usage_error("--tls-cert and --tls-key go together");
    if (o.name && !o.enrol)
        return usage_error("--name goes with --enrol");
    if (o.role && !o.add_staff)
        return usage_error("--role goes with --add-staff");
    if (o.password_file && !o.add_staff && !o.set_password)
        return usage_error("--password-file goes with --add-staff or --set-password");
    if (o.set_password && !o.password_file)
        return usage_error("--set-password needs --password-file FILE");
    if (o.remove_staff && (!o.remove_staff[0] || strlen(o.remove_staff) >= CDB_NAME_MAX))
        return usage_error("--remove-staff needs a staff name of 1 to %d bytes", CDB_NAME_MAX - 1);
    if (o.web && !o.listen)
        return usage_error("--web goes with --listen");

    bilet_err err = { { 0 } };
    if (o.listen && http_listen_check(o.listen, &err) != BILET_OK)
        return usage_error("%s", err.msg);
    if (keys_init(&err) != BILET_OK)
        return report(BILET_EIO, &err);
    if (o.listen)
        return run_server(&o);
    if (o.import)
        return run_import(&o);
    if (o.enrol)
        return run_enrol(&o);
    if (o.add_staff)
        return run_add_staff(&o);
    if (o.set_password)
        return run_set_password(&o);
    if (o.remove_staff)
        return run_remove_staff(&o);
    if (o.revoke_kiosk)
        return run_revoke_kiosk(&o);
    if (o.add_exam)
        return run_add_exam(&o);
    return run_verify(&o);
}
