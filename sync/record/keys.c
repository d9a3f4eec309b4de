/*
 * keys.c — libsodium start-up, CSPRNG, hex key files, Ed25519 keypairs, Argon2id PIN hashes.
 *
 * Invariants: a secret never sits in ordinary heap memory longer than a read buffer on the
 * stack, which is wiped on every path; key files are written once (O_EXCL) and fsync'ed
 * with their folder so that a power cut right after `bilet init` cannot leave a kiosk with
 * a database but no key. Load: a handful of calls per process, except keys_random and
 * keys_uniform, which ticket draws call a few times per student.
 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bilet_status keys_init(bilet_err *err)
{
    /* sodium_init is itself thread-safe and returns 1 when already initialised. */
    if (sodium_init() < 0)
        return bilet_fail(err, BILET_EIO, "libsodium could not start (no entropy source?)");
    return BILET_OK;
}

static atomic_bool keys_ready;

void keys_require(void)
{
    if (atomic_load_explicit(&keys_ready, memory_order_acquire))
        return;
    if (sodium_init() < 0) {
        fputs("bilet: libsodium could not start (no entropy source?)\n", stderr);
        abort();
    }
    atomic_store_explicit(&keys_ready, true, memory_order_release);
}

void keys_random(void *buf, size_t n)
{
    keys_require();
    randombytes_buf(buf, n);
}

uint32_t keys_uniform(uint32_t upper)
{
    keys_require();
    if (upper < 2)
        return 0;
    return randombytes_uniform(upper);
}

void keys_wipe(void *p, size_t n)
{
    if (p && n)
        sodium_memzero(p, n);
}

bool keys_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

bilet_status keys_hex_encode(const unsigned char *bin, size_t n, char *out, size_t out_size,
                             bilet_err *err)
{
    static const char digits[] = "0123456789abcdef";
    if (out_size < 2 * n + 1)
        return bilet_fail(err, BILET_EINVAL, "hex buffer too small: %zu bytes for %zu", out_size,
                          n);
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bin[i] >> 4];
        out[2 * i + 1] = digits[bin[i] & 0x0f];
    }
    out[2 * n] = '\0';
    return BILET_OK;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes exactly 2n digits from hex[0..len); describes the first fault in why. */
static bool hex_decode_n(const char *hex, size_t len, unsigned char *bin, size_t n, char *why,
                         size_t why_size)
{
    if (len != 2 * n) {
        snprintf(why, why_size, "%zu hex digits, expected %zu", len, 2 * n);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]);
        int lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            snprintf(why, why_size, "not hex at character %zu", hi < 0 ? 2 * i + 1 : 2 * i + 2);
            sodium_memzero(bin, n);
            return false;
        }
        bin[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

bilet_status keys_hex_decode(const char *hex, unsigned char *bin, size_t n, bilet_err *err)
{
    char why[96];
    if (!hex_decode_n(hex, strlen(hex), bin, n, why, sizeof why)) {
        sodium_memzero(bin, n);
        return bilet_fail(err, BILET_EPARSE, "bad hex: %s", why);
    }
    return BILET_OK;
}

/* fsyncs the folder that holds path, so that a new file's directory entry is durable. */
static bilet_status fsync_parent(const char *path, bilet_err *err)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        memcpy(dir, ".", 2);
    } else if (slash == path) {
        memcpy(dir, "/", 2);
    } else {
        size_t len = (size_t)(slash - path);
        if (len >= sizeof dir)
            return bilet_fail(err, BILET_EINVAL, "%s: path too long", path);
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return bilet_fail(err, BILET_EIO, "%s: cannot open folder: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return bilet_fail(err, BILET_EIO, "%s: fsync failed: %s", dir, strerror(saved));
    return BILET_OK;
}

bilet_status keys_file_write_hex_mode(const char *path, const unsigned char *key, size_t n,
                                      mode_t mode, bilet_err *err)
{
    enum { LINE_MAX_BYTES = 2 * 1024 + 2 };
    char line[LINE_MAX_BYTES];
    bilet_status st = BILET_OK;
    if (n == 0 || 2 * n + 2 > sizeof line)
        return bilet_fail(err, BILET_EINVAL, "%s: key of %zu bytes not supported", path, n);
    keys_hex_encode(key, n, line, sizeof line, NULL);
    line[2 * n] = '\n';
    size_t len = 2 * n + 1;

    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        if (errno == EEXIST)
            st = bilet_fail(err, BILET_EEXIST, "%s exists already; it was left unchanged", path);
        else
            st = bilet_fail(err, BILET_EIO, "%s: cannot create: %s", path, strerror(errno));
        goto out_wipe;
    }
    /* The umask must not change the mode a key file is promised to have. */
    if (fchmod(fd, mode) != 0) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot set mode: %s", path, strerror(errno));
        goto out_unlink;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = bilet_fail(err, BILET_EIO, "%s: write failed: %s", path,
                            w < 0 ? strerror(errno) : "no progress");
            goto out_unlink;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0) {
        st = bilet_fail(err, BILET_EIO, "%s: fsync failed: %s", path, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) != 0) {
        fd = -1;
        st = bilet_fail(err, BILET_EIO, "%s: close failed: %s", path, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    st = fsync_parent(path, err);
    if (st != BILET_OK)
        goto out_unlink;
    goto out_wipe;

out_unlink:
    if (fd >= 0)
        close(fd);
    unlink(path);
out_wipe:
    sodium_memzero(line, sizeof line);
    return st;
}

bilet_status keys_file_write_hex(const char *path, const unsigned char *key, size_t n,
                                 bilet_err *err)
{
    return keys_file_write_hex_mode(path, key, n, 0600, err);
}

/* Reads a hex key file; with secret, first refuses a file group or others may access. */
static bilet_status read_hex(const char *path, unsigned char *key, size_t n, bool secret,
                             bilet_err *err)
{
    enum { BUF_BYTES = 2 * 1024 + 8 };
    char buf[BUF_BYTES];
    char why[96];
    bilet_status st = BILET_OK;
    size_t len = 0;

    if (n == 0 || 2 * n + 4 > sizeof buf)
        return bilet_fail(err, BILET_EINVAL, "%s: key of %zu bytes not supported", path, n);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: cannot open: %s",
                        path, strerror(errno));
        goto out_zero;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = bilet_fail(err, BILET_EPARSE, "%s: not a regular file", path);
        goto out_close;
    }
    /* Read one byte more than the longest acceptable file to notice a longer one. */
    size_t want = 2 * n + 3;
    while (len < want) {
        ssize_t r = read(fd, buf + len, want - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = bilet_fail(err, BILET_EIO, "%s: read failed: %s", path, strerror(errno));
            goto out_close;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    size_t digits = len;
    if (digits > 0 && buf[digits - 1] == '\n') {
        digits--;
        if (digits > 0 && buf[digits - 1] == '\r')
            digits--;
    }
    if (len == want) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s: key file too long: expected %zu hex digits (a %zu-byte key)", path,
                        2 * n, n);
        goto out_close;
    }
    if (!hex_decode_n(buf, digits, key, n, why, sizeof why)) {
        st = bilet_fail(err, BILET_EPARSE, "%s: %s (a %zu-byte key on one line)", path, why, n);
        goto out_close;
    }
    /* Judged on the open file, so that the file judged is the file read; after the format,
     * so that a public key given for a secret one is named as that. */
    if (secret && (sb.st_mode & 077)) {
        st = bilet_fail(err, BILET_EINVAL,
                        "%s: a secret key that group or others may read (mode %03o): "
                        "chmod 600 %s",
                        path, (unsigned)(sb.st_mode & 0777), path);
        goto out_close;
    }

out_close:
    close(fd);
out_zero:
    if (st != BILET_OK)
        sodium_memzero(key, n);
    sodium_memzero(buf, sizeof buf);
    return st;
}

bilet_status keys_file_read_hex(const char *path, unsigned char *key, size_t n, bilet_err *err)
{
    return read_hex(path, key, n, false, err);
}

bilet_status keys_secret_file_read_hex(const char *path, unsigned char *key, size_t n,
                                       bilet_err *err)
{
    return read_hex(path, key, n, true, err);
}

bilet_status keys_secret_file_check(const char *path, bilet_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: cannot open: %s",
                          path, strerror(errno));
    struct stat sb;
    bilet_status st = BILET_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        st = bilet_fail(err, BILET_EPARSE, "%s: not a regular file", path);
    else if (sb.st_mode & 077)
        st = bilet_fail(err, BILET_EINVAL,
                        "%s: a secret key that group or others may read (mode %03o): "
                        "chmod 600 %s",
                        path, (unsigned)(sb.st_mode & 0777), path);
    close(fd);
    return st;
}

static bilet_status pair_alloc(keys_pair **out, bilet_err *err)
{
    *out = NULL;
    bilet_status st = keys_init(err);
    if (st != BILET_OK)
        return st;
    keys_pair *kp = calloc(1, sizeof *kp);
    if (!kp)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a keypair");
    kp->sk = sodium_malloc(KEYS_SECRET_BYTES);
    if (!kp->sk) {
        free(kp);
        return bilet_fail(err, BILET_ENOMEM, "out of secure memory for a secret key");
    }
    *out = kp;
    return BILET_OK;
}

void keys_pair_destroy(keys_pair *kp)
{
    if (!kp)
        return;
    sodium_free(kp->sk); /* wipes before freeing */
    free(kp);
}

bilet_status keys_pair_from_seed(const unsigned char seed[KEYS_SEED_BYTES], keys_pair **out,
                                 bilet_err *err)
{
    bilet_status st = pair_alloc(out, err);
    if (st != BILET_OK)
        return st;
    crypto_sign_seed_keypair((*out)->pk, (*out)->sk, seed);
    return BILET_OK;
}

bilet_status keys_pair_random(keys_pair **out, bilet_err *err)
{
    bilet_status st = pair_alloc(out, err);
    if (st != BILET_OK)
        return st;
    crypto_sign_keypair((*out)->pk, (*out)->sk);
    return BILET_OK;
}

static bilet_status join_path(char *out, size_t size, const char *dir, const char *name,
                              bilet_err *err)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return bilet_fail(err, BILET_EINVAL, "%s: path too long", dir);
    return BILET_OK;
}

bilet_status keys_pair_load(const char *dir, keys_pair **out, bilet_err *err)
{
    char sk_path[4096], pk_path[4096];
    unsigned char derived[KEYS_PUBLIC_BYTES];
    keys_pair *kp = NULL;
    *out = NULL;
    bilet_status st = join_path(sk_path, sizeof sk_path, dir, KEYS_SECRET_FILE, err);
    if (st == BILET_OK)
        st = join_path(pk_path, sizeof pk_path, dir, KEYS_PUBLIC_FILE, err);
    if (st != BILET_OK)
        return st;
    st = pair_alloc(&kp, err);
    if (st != BILET_OK)
        return st;
    st = keys_secret_file_read_hex(sk_path, kp->sk, KEYS_SECRET_BYTES, err);
    if (st != BILET_OK)
        goto out_destroy;
    st = keys_file_read_hex(pk_path, kp->pk, KEYS_PUBLIC_BYTES, err);
    if (st != BILET_OK)
        goto out_destroy;
    /* libsodium's secret key carries its public key in its last 32 bytes; a mismatched
     * pair would sign records that no one can verify with kiosk.pub. */
    crypto_sign_ed25519_sk_to_pk(derived, kp->sk);
    if (sodium_memcmp(derived, kp->pk, KEYS_PUBLIC_BYTES) != 0) {
        st = bilet_fail(err, BILET_ECORRUPT, "%s and %s do not belong together", sk_path, pk_path);
        goto out_destroy;
    }
    *out = kp;
    return BILET_OK;

out_destroy:
    keys_pair_destroy(kp);
    return st;
}

bilet_status keys_generate_pair(const char *dir, unsigned char pk_out[KEYS_PUBLIC_BYTES],
                                bilet_err *err)
{
    char sk_path[4096], pk_path[4096];
    struct stat sb;
    keys_pair *kp = NULL;
    bilet_status st = join_path(sk_path, sizeof sk_path, dir, KEYS_SECRET_FILE, err);
    if (st == BILET_OK)
        st = join_path(pk_path, sizeof pk_path, dir, KEYS_PUBLIC_FILE, err);
    if (st != BILET_OK)
        return st;
    if (lstat(pk_path, &sb) == 0)
        return bilet_fail(err, BILET_EEXIST, "%s exists already; nothing was changed", pk_path);
    st = keys_pair_random(&kp, err);
    if (st != BILET_OK)
        return st;
    st = keys_file_write_hex(sk_path, kp->sk, KEYS_SECRET_BYTES, err);
    if (st != BILET_OK)
        goto out_destroy;
    st = keys_file_write_hex_mode(pk_path, kp->pk, KEYS_PUBLIC_BYTES, 0644, err);
    if (st != BILET_OK) {
        /* Leave no half pair behind: a secret key without its public key is useless. */
        unlink(sk_path);
        goto out_destroy;
    }
    if (pk_out)
        memcpy(pk_out, kp->pk, KEYS_PUBLIC_BYTES);

out_destroy:
    keys_pair_destroy(kp);
    return st;
}

bilet_status keys_pwhash_str(const char *pw, size_t len, char out[KEYS_PWHASH_STR_MAX],
                             bilet_err *err)
{
    memset(out, 0, KEYS_PWHASH_STR_MAX);
    bilet_status st = keys_init(err);
    if (st != BILET_OK)
        return st;
    if (crypto_pwhash_str_alg(out, pw, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return bilet_fail(err, BILET_ENOMEM,
                          "Argon2id needs %zu MiB of memory and could not have it",
                          (size_t)crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20);
    return BILET_OK;
}

bool keys_pwhash_verify(const char *hash, const char *pw, size_t len)
{
    if (keys_init(NULL) != BILET_OK || !hash)
        return false;
    /* crypto_pwhash_str_verify reads a NUL-terminated string; bound it first. */
    if (strnlen(hash, KEYS_PWHASH_STR_MAX) == KEYS_PWHASH_STR_MAX)
        return false;
    return crypto_pwhash_str_verify(hash, pw, len) == 0;
}
