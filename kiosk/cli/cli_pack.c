/*
 * cli_pack.c — `bilet pack --exam DIR --key STAFF.key --passphrase-file F
 * [--central-pub central.pub] --out FILE.bilet`: seals an exam directory into a package
 * (docs/package.md) signed by a staff key, its tickets and code secret sealed with a key
 * derived from the passphrase (and, with --central-pub, to the central key too).
 *
 * The exam is loaded and checked exactly as `bilet check` and a kiosk do first; a blind
 * exam needs its code.key. The package is written atomically (a temporary file beside it,
 * fsync'ed, renamed), mode 0644: it holds nothing readable without the passphrase.
 * Secrets (the staff key, the passphrase, the tickets' bytes, the code secret) are wiped.
 *
 * Exit status: 0 written; 2 bad usage or input (nothing written); 1 a disk failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exam.h"
#include "examdir.h"
#include "keys.h"
#include "package.h"

enum { PASSPHRASE_FILE_MAX = 4096 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet pack --exam DIR --key STAFF.key --passphrase-file F\n"
            "                  [--central-pub central.pub] [--policies DIR] --out FILE.bilet\n\n"
            "Seals an exam directory into a package for the kiosks: exam.ini and roster.csv\n"
            "in clear, tickets.csv and code.key sealed with a key derived (Argon2id) from the\n"
            "passphrase, all signed by the staff key (a `bilet init` kiosk.key). Kiosks open\n"
            "packages signed by a key in kiosk.ini's trust =.\n\n"
            "  --exam DIR              the exam directory (checked as `bilet check` does)\n"
            "  --key STAFF.key         the staff secret key that signs\n"
            "  --passphrase-file F     the passphrase on its first line (one trailing newline\n"
            "                          is stripped); at least %d characters\n"
            "  --central-pub FILE      also seal the tickets and code secret to the central key\n"
            "                          (bilet-central --add-exam FILE.bilet reads them)\n"
            "  --policies DIR          the folder of policy profiles (as for bilet check)\n"
            "  --out FILE.bilet        the package to write (replaced atomically)\n"
            "  -h, --help              this text\n",
            (int)PACKAGE_PASSPHRASE_MIN);
}

/* Reads a whole file (at most max bytes) into a NUL-terminated heap buffer. */
static bilet_status slurp(const char *path, size_t max, char **out, size_t *len, bilet_err *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    char *b = malloc(max + 2);
    if (!b) {
        fclose(f);
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
    }
    size_t n = fread(b, 1, max + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > max) {
        keys_wipe(b, n);
        free(b);
        return bad ? bilet_fail(err, BILET_EIO, "%s: read error", path)
                   : bilet_fail(err, BILET_ETOOBIG, "%s: over %zu bytes", path, max);
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return BILET_OK;
}

static bilet_status join(char *out, size_t cap, const char *dir, const char *name, bilet_err *err)
{
    size_t n = strlen(dir);
    int k = snprintf(out, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
    if (k < 0 || (size_t)k >= cap)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", dir);
    return BILET_OK;
}

static void wipe_free(char *p, size_t n)
{
    if (p) {
        keys_wipe(p, n);
        free(p);
    }
}

/* The passphrase file's first line: one trailing "\n" (or "\r\n") stripped. */
static bilet_status read_passphrase(const char *path, char **pass, size_t *len, bilet_err *err)
{
    bilet_status st = slurp(path, PASSPHRASE_FILE_MAX, pass, len, err);
    if (st != BILET_OK)
        return st;
    char *p = *pass;
    if (*len > 0 && p[*len - 1] == '\n') {
        p[--*len] = '\0';
        if (*len > 0 && p[*len - 1] == '\r')
            p[--*len] = '\0';
    }
    if (memchr(p, '\n', *len))
        st = bilet_fail(err, BILET_EINVAL,
                        "%s: the passphrase is one line; the file holds more than one", path);
    else if (*len == 0)
        st = bilet_fail(err, BILET_EINVAL, "%s: the passphrase is empty", path);
    else if ((st = package_passphrase_check(p, *len, err)) != BILET_OK)
        bilet_err_prefix(err, "%s: ", path);
    if (st != BILET_OK) {
        wipe_free(*pass, *len);
        *pass = NULL;
        *len = 0;
    }
    return st;
}

/* The staff keypair from a kiosk.key file (64-byte secret key hex): the seed rebuilds the
 * pair, and the public half stored in the file must agree. */
static bilet_status read_staff_key(const char *path, keys_pair **out, bilet_err *err)
{
    unsigned char sk[KEYS_SECRET_BYTES];
    bilet_status st = keys_secret_file_read_hex(path, sk, sizeof sk, err);
    if (st == BILET_OK)
        st = keys_pair_from_seed(sk, out, err);
    if (st == BILET_OK && !keys_equal((*out)->pk, sk + KEYS_SEED_BYTES, KEYS_PUBLIC_BYTES)) {
        keys_pair_destroy(*out);
        *out = NULL;
        st = bilet_fail(err, BILET_EPARSE, "%s: not a secret key made by `bilet init`", path);
    }
    keys_wipe(sk, sizeof sk);
    return st;
}

/* Writes bytes to path through a temporary file in the same folder, 0644, then renames. */
static bilet_status write_atomic(const char *path, const char *bytes, size_t len, bilet_err *err)
{
    char tmp[EXAMDIR_PATH_MAX];
    int k = snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path);
    if (k < 0 || (size_t)k >= sizeof tmp)
        return bilet_fail(err, BILET_EINVAL, "--out %s: the path is too long", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return bilet_fail(err, BILET_EIO, "--out %s: %s", path, strerror(errno));
    bilet_status st = BILET_OK;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, bytes + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = bilet_fail(err, BILET_EIO, "--out %s: %s", path, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (st == BILET_OK && (fchmod(fd, 0644) != 0 || fsync(fd) != 0))
        st = bilet_fail(err, BILET_EIO, "--out %s: %s", path, strerror(errno));
    if (close(fd) != 0 && st == BILET_OK)
        st = bilet_fail(err, BILET_EIO, "--out %s: %s", path, strerror(errno));
    if (st == BILET_OK && rename(tmp, path) != 0)
        st = bilet_fail(err, BILET_EIO, "--out %s: %s", path, strerror(errno));
    if (st != BILET_OK)
        unlink(tmp);
    return st;
}

typedef struct pack_opts {
    const char *exam_dir, *key, *passphrase_file, *central_pub, *policies, *out;
} pack_opts;

static int pack(const pack_opts *o)
{
    bilet_err err = { { 0 } };
    char policies[EXAMDIR_PATH_MAX], path[EXAMDIR_PATH_MAX];
    char *ini = NULL, *roster = NULL, *tickets = NULL, *pass = NULL, *out = NULL;
    size_t ini_len = 0, roster_len = 0, tickets_len = 0, pass_len = 0, out_len = 0;
    unsigned char code_key[PACKAGE_CODE_KEY_BYTES], central_pk[KEYS_PUBLIC_BYTES];
    bool have_code_key = false;
    keys_pair *staff = NULL;
    exam e = { 0 };
    struct stat sb;

    if (stat(o->exam_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        bilet_fail(&err, BILET_ENOTFOUND, "--exam %s: no such exam directory", o->exam_dir);
        return cli_report("pack", BILET_ENOTFOUND, &err);
    }
    bilet_status st =
        examdir_find_policies(o->exam_dir, o->policies, NULL, policies, sizeof policies, &err);
    if (st == BILET_OK)
        st = examdir_load(o->exam_dir, policies, &e, &err);
    if (st == BILET_OK)
        st = join(path, sizeof path, o->exam_dir, "exam.ini", &err);
    if (st == BILET_OK)
        st = slurp(path, EXAMDIR_INI_FILE_MAX, &ini, &ini_len, &err);
    if (st == BILET_OK)
        st = join(path, sizeof path, o->exam_dir, "roster.csv", &err);
    if (st == BILET_OK)
        st = slurp(path, EXAMDIR_CSV_FILE_MAX, &roster, &roster_len, &err);
    if (st == BILET_OK)
        st = join(path, sizeof path, o->exam_dir, "tickets.csv", &err);
    if (st == BILET_OK)
        st = slurp(path, EXAMDIR_CSV_FILE_MAX, &tickets, &tickets_len, &err);
    if (st == BILET_OK)
        st = join(path, sizeof path, o->exam_dir, "code.key", &err);
    if (st != BILET_OK)
        goto out_free;
    if (stat(path, &sb) == 0) {
        st = keys_secret_file_read_hex(path, code_key, sizeof code_key, &err);
        if (st != BILET_OK)
            goto out_free;
        have_code_key = true;
    } else if (e.info.code == EXAM_CODE_BLIND) {
        st = bilet_fail(&err, BILET_ENOTFOUND,
                        "%s: нет code.key: a blind exam needs its code secret in the package; "
                        "create it with: bilet check --exam %s --new-secret",
                        path, o->exam_dir);
        goto out_free;
    }
    if (o->central_pub) {
        st = keys_file_read_hex(o->central_pub, central_pk, sizeof central_pk, &err);
        if (st != BILET_OK)
            goto out_free;
    }
    st = read_passphrase(o->passphrase_file, &pass, &pass_len, &err);
    if (st == BILET_OK)
        st = read_staff_key(o->key, &staff, &err);
    if (st != BILET_OK)
        goto out_free;
    package_input in = {
        .exam_id = e.info.id,
        .n_tickets = e.n_tickets,
        .exam_ini = ini,
        .exam_ini_len = ini_len,
        .roster = roster,
        .roster_len = roster_len,
        .tickets = tickets,
        .tickets_len = tickets_len,
        .code_key = have_code_key ? code_key : NULL,
        .central_pk = o->central_pub ? central_pk : NULL,
        .created = (int64_t)time(NULL),
    };
    st = package_create(&in, staff, pass, pass_len, &out, &out_len, &err);
    if (st == BILET_OK)
        st = write_atomic(o->out, out, out_len, &err);
    if (st == BILET_OK) {
        char hex[2 * KEYS_PUBLIC_BYTES + 1];
        keys_hex_encode(staff->pk, KEYS_PUBLIC_BYTES, hex, sizeof hex, NULL);
        printf("Пакет (package) %s: экзамен (exam) %s, билетов (tickets) %zu, запечатано "
               "(sealed)%s%s; подписан ключом (signed by) %.16s…\n",
               o->out, e.info.id, e.n_tickets, have_code_key ? ", code.key" : "",
               o->central_pub ? ", копия для центра (central copy)" : "", hex);
    }
out_free:
    exam_free(&e);
    keys_pair_destroy(staff);
    keys_wipe(code_key, sizeof code_key);
    wipe_free(pass, pass_len);
    wipe_free(tickets, tickets_len);
    free(ini);
    free(roster);
    free(out);
    if (st == BILET_OK)
        return 0;
    int rc = cli_report("pack", st, &err);
    return st == BILET_EIO || st == BILET_ENOMEM ? rc : 2;
}

int cli_pack(int argc, char **argv)
{
    static const struct option opts[] = {
        { "exam", required_argument, NULL, 'e' },
        { "key", required_argument, NULL, 'k' },
        { "passphrase-file", required_argument, NULL, 'p' },
        { "central-pub", required_argument, NULL, 'c' },
        { "policies", required_argument, NULL, 'P' },
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    pack_opts o = { 0 };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'e':
            o.exam_dir = optarg;
            break;
        case 'k':
            o.key = optarg;
            break;
        case 'p':
            o.passphrase_file = optarg;
            break;
        case 'c':
            o.central_pub = optarg;
            break;
        case 'P':
            o.policies = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("pack", ":h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("pack", "unexpected argument '%s'", argv[optind]);
    if (!o.exam_dir || !o.key || !o.passphrase_file || !o.out)
        return cli_usage_error("pack", "--exam, --key, --passphrase-file and --out are required");
    return pack(&o);
}
