/*
 * bundle.c — the signed USB bundle (bundle.h): built in memory, signed with the kiosk
 * key, written through a temporary file; and read back with its signature checked.
 *
 * Invariants: the inner text is written in one fixed layout (compact, keys in the order
 * v, kiosk, created, records) and is signed exactly as written into the file; the file
 * appears under its name only complete and fsync'ed. Reading trusts nothing before the
 * signature verifies and caps the file's size.
 */
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "record.h"

enum { BUNDLE_PATH_MAX = 4096 };

struct client_bundle {
    unsigned char kiosk_pk[KEYS_PUBLIC_BYTES];
    int64_t created;
    char *text; /* the inner text, without its closing "]}" until written */
    size_t len, cap;
    size_t count;
};

/* Makes room for n more bytes and a NUL. */
static bilet_status reserve(client_bundle *b, size_t n, bilet_err *err)
{
    if (n > (size_t)CLIENT_BUNDLE_FILE_MAX || b->len + n + 1 > (size_t)CLIENT_BUNDLE_FILE_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "the bundle would be over %d bytes",
                          (int)CLIENT_BUNDLE_FILE_MAX);
    if (b->len + n + 1 <= b->cap)
        return BILET_OK;
    size_t cap = b->cap ? b->cap : 64 * 1024;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *p = realloc(b->text, cap);
    if (!p)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a bundle of %zu bytes", cap);
    b->text = p;
    b->cap = cap;
    return BILET_OK;
}

static void append(client_bundle *b, const char *s, size_t n)
{
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

bilet_status client_bundle_create(const unsigned char kiosk_pk[KEYS_PUBLIC_BYTES], int64_t created,
                                  client_bundle **out, bilet_err *err)
{
    *out = NULL;
    client_bundle *b = calloc(1, sizeof *b);
    if (!b)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a bundle");
    memcpy(b->kiosk_pk, kiosk_pk, KEYS_PUBLIC_BYTES);
    b->created = created;
    char hex[2 * KEYS_PUBLIC_BYTES + 1];
    char head[256];
    keys_hex_encode(kiosk_pk, KEYS_PUBLIC_BYTES, hex, sizeof hex, NULL);
    int k =
        snprintf(head, sizeof head,
                 "{\"v\":1,\"kiosk\":\"%s\",\"created\":%" PRId64 ",\"records\":[", hex, created);
    bilet_status st = reserve(b, (size_t)k, err);
    if (st != BILET_OK) {
        client_bundle_destroy(b);
        return st;
    }
    append(b, head, (size_t)k);
    *out = b;
    return BILET_OK;
}

bilet_status client_bundle_add(client_bundle *b, const unsigned char *bytes, size_t len,
                               const unsigned char sig[KEYS_SIG_BYTES], bilet_err *err)
{
    static const char head[] = "{\"bytes\":\"", mid[] = "\",\"sig\":\"", tail[] = "\"}";
    if (len > (size_t)RECORD_MAX_BYTES)
        return bilet_fail(err, BILET_ETOOBIG, "a record of %zu bytes is over the record cap", len);
    size_t need =
        1 + sizeof head + b64_encoded_size(len) + sizeof mid + 2 * KEYS_SIG_BYTES + sizeof tail;
    bilet_status st = reserve(b, need, err);
    if (st != BILET_OK)
        return st;
    if (b->count > 0)
        append(b, ",", 1);
    append(b, head, sizeof head - 1);
    b64_encode(bytes, len, b->text + b->len, b->cap - b->len, NULL);
    b->len += strlen(b->text + b->len);
    append(b, mid, sizeof mid - 1);
    keys_hex_encode(sig, KEYS_SIG_BYTES, b->text + b->len, b->cap - b->len, NULL);
    b->len += 2 * KEYS_SIG_BYTES;
    append(b, tail, sizeof tail - 1);
    b->count++;
    return BILET_OK;
}

size_t client_bundle_count(const client_bundle *b)
{
    return b->count;
}

void client_bundle_destroy(client_bundle *b)
{
    if (!b)
        return;
    free(b->text);
    free(b);
}

/* The folder of path ("." when it has none) into out. */
static void folder_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

static bilet_status fsync_folder(const char *dir, bilet_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return bilet_fail(err, BILET_EIO, "%s: cannot open the folder: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    if (rc != 0)
        return bilet_fail(err, BILET_EIO, "%s: fsync failed: %s", dir, strerror(saved));
    return BILET_OK;
}

/* Writes all of buf to fd. */
static bool write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        buf += k;
        n -= (size_t)k;
    }
    return true;
}

bilet_status client_bundle_write(client_bundle *b, const keys_pair *kp, const char *path,
                                 bilet_err *err)
{
    if (!keys_equal(kp->pk, b->kiosk_pk, KEYS_PUBLIC_BYTES))
        return bilet_fail(err, BILET_EINVAL,
                          "%s: the bundle is signed by another key than its "
                          "kiosk's",
                          path);
    bilet_status st = reserve(b, 2, err);
    if (st != BILET_OK)
        return st;
    size_t open_len = b->len;
    append(b, "]}", 2);

    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    record_sign(b->text, b->len, kp, sig);
    keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);

    char tmp[BUNDLE_PATH_MAX], dir[BUNDLE_PATH_MAX];
    char *out = NULL;
    json_t *doc = json_object();
    int fd = -1;
    if (!doc || json_object_set_new(doc, "bundle", json_stringn(b->text, b->len)) != 0 ||
        json_object_set_new(doc, "sig", json_string(sig_hex)) != 0) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory writing %s", path);
        goto out_free;
    }
    size_t out_len = 0;
    out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!out) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory writing %s", path);
        goto out_free;
    }
    out_len = strlen(out);
    int k = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    if (k < 0 || (size_t)k >= sizeof tmp) {
        st = bilet_fail(err, BILET_EINVAL, "%s: the path is too long", path);
        goto out_free;
    }
    folder_of(path, dir, sizeof dir);
    fd = mkstemp(tmp);
    if (fd < 0) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot create a file in %s: %s", path, dir,
                        strerror(errno));
        goto out_free;
    }
    if (!write_all(fd, out, out_len) || !write_all(fd, "\n", 1) || fsync(fd) != 0) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot write the bundle: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    if (close(fd) != 0) {
        fd = -1;
        st = bilet_fail(err, BILET_EIO, "%s: cannot write the bundle: %s", tmp, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot put the bundle in place: %s", path,
                        strerror(errno));
        goto out_unlink;
    }
    st = fsync_folder(dir, err);
    goto out_free;

out_unlink:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out_free:
    free(out);
    json_decref(doc);
    b->len = open_len; /* more records may follow; the closing is added again */
    b->text[b->len] = '\0';
    return st;
}

/* ---- reading ---------------------------------------------------------------------------- */

static bilet_status bad(bilet_err *err, const char *path, const char *what)
{
    return bilet_fail(err, BILET_EPARSE, "%s: not a bilet bundle: %s", path, what);
}

static bilet_status read_records(const char *path, json_t *list, client_bundle_record_fn fn,
                                 void *ctx, bilet_err *err)
{
    unsigned char *bytes = malloc((size_t)RECORD_MAX_BYTES);
    if (!bytes)
        return bilet_fail(err, BILET_ENOMEM, "out of memory reading %s", path);
    bilet_status st = BILET_OK;
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        const char *b64 = json_string_value(json_object_get(r, "bytes"));
        const char *sig_hex = json_string_value(json_object_get(r, "sig"));
        unsigned char sig[KEYS_SIG_BYTES];
        size_t len = 0;
        if (!json_is_object(r) || !b64 || !sig_hex ||
            b64_decode(b64, json_string_length(json_object_get(r, "bytes")), bytes,
                       (size_t)RECORD_MAX_BYTES, &len, NULL) != BILET_OK ||
            strlen(sig_hex) != 2 * KEYS_SIG_BYTES ||
            keys_hex_decode(sig_hex, sig, sizeof sig, NULL) != BILET_OK) {
            st = bilet_fail(err, BILET_EPARSE,
                            "%s: not a bilet bundle: record %zu has no base64 bytes or hex sig",
                            path, i + 1);
            break;
        }
        st = fn(ctx, bytes, len, sig, err);
        if (st != BILET_OK)
            break;
    }
    free(bytes);
    return st;
}

bilet_status client_bundle_read(const char *path, unsigned char kiosk_pk[KEYS_PUBLIC_BYTES],
                                int64_t *created, client_bundle_record_fn fn, void *ctx,
                                bilet_err *err)
{
    memset(kiosk_pk, 0, KEYS_PUBLIC_BYTES);
    *created = 0;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    if (sb.st_size > CLIENT_BUNDLE_FILE_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "%s: over %d bytes", path,
                          (int)CLIENT_BUNDLE_FILE_MAX);
    json_error_t jerr;
    json_t *outer = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    json_t *inner = NULL;
    bilet_status st = BILET_OK;
    if (!outer) {
        st = bilet_fail(err, BILET_EPARSE, "%s:%d: not a bilet bundle: %s", path, jerr.line,
                        jerr.text);
        goto out_free;
    }
    json_t *text = json_object_get(outer, "bundle");
    const char *sig_hex = json_string_value(json_object_get(outer, "sig"));
    unsigned char sig[KEYS_SIG_BYTES], pk[KEYS_PUBLIC_BYTES];
    if (!json_is_string(text) || !sig_hex || strlen(sig_hex) != 2 * KEYS_SIG_BYTES ||
        keys_hex_decode(sig_hex, sig, sizeof sig, NULL) != BILET_OK) {
        st = bad(err, path, "no \"bundle\" text or no 128-digit hex \"sig\"");
        goto out_free;
    }
    inner = json_loadb(json_string_value(text), json_string_length(text), JSON_REJECT_DUPLICATES,
                       &jerr);
    json_t *v = json_object_get(inner, "v");
    const char *kiosk = json_string_value(json_object_get(inner, "kiosk"));
    json_t *when = json_object_get(inner, "created");
    json_t *list = json_object_get(inner, "records");
    if (!json_is_integer(v) || json_integer_value(v) != 1 || !kiosk || !record_is_hex64(kiosk) ||
        !json_is_integer(when) || !json_is_array(list)) {
        st = bad(err, path, "the inner text lacks v 1, kiosk, created or records");
        goto out_free;
    }
    keys_hex_decode(kiosk, pk, sizeof pk, NULL);
    if (!record_signature_valid(json_string_value(text), json_string_length(text), pk, sig)) {
        st = bilet_fail(err, BILET_EBADSIG,
                        "%s: the bundle's signature does not verify with its kiosk key %.16s…",
                        path, kiosk);
        goto out_free;
    }
    memcpy(kiosk_pk, pk, sizeof pk);
    *created = (int64_t)json_integer_value(when);
    st = read_records(path, list, fn, ctx, err);

out_free:
    json_decref(inner);
    json_decref(outer);
    return st;
}
