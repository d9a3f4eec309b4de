/*
 * package.c — the sealed exam package (package.h, docs/package.md): a JSON envelope
 * {"package":"<manifest JSON text>","sig":"<hex Ed25519>"} built and read with jansson;
 * Ed25519 signatures, Argon2id, XChaCha20-Poly1305 and sealed boxes from libsodium.
 *
 * Invariant: nothing reaches a caller from a package whose signature did not verify, and
 * nothing secret leaves this file but through a package_secret. The secret's layout is
 * binary (not JSON) so that every copy of it can be wiped.
 */
#include "package.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "text.h"

enum { KEY_BYTES = crypto_aead_xchacha20poly1305_ietf_KEYBYTES, SIG_HEX = 2 * KEYS_SIG_BYTES };

static const char aad[] = "bilet package v1";

_Static_assert(PACKAGE_NONCE_BYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(PACKAGE_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");

/* ---- the secret's layout: u32 BE tickets length, tickets, u8 flag, 32 bytes code key ---- */

static size_t secret_size(size_t tickets_len)
{
    return 4 + tickets_len + 1 + PACKAGE_CODE_KEY_BYTES;
}

static unsigned char *secret_build(const package_input *in, size_t *len)
{
    size_t n = secret_size(in->tickets_len);
    unsigned char *b = malloc(n);
    if (!b)
        return NULL;
    uint32_t tl = (uint32_t)in->tickets_len;
    b[0] = (unsigned char)(tl >> 24);
    b[1] = (unsigned char)(tl >> 16);
    b[2] = (unsigned char)(tl >> 8);
    b[3] = (unsigned char)tl;
    memcpy(b + 4, in->tickets, in->tickets_len);
    b[4 + in->tickets_len] = in->code_key ? 1 : 0;
    if (in->code_key)
        memcpy(b + 5 + in->tickets_len, in->code_key, PACKAGE_CODE_KEY_BYTES);
    else
        memset(b + 5 + in->tickets_len, 0, PACKAGE_CODE_KEY_BYTES);
    *len = n;
    return b;
}

static bilet_status secret_split(const char *label, const package *p, const unsigned char *b,
                                 size_t n, package_secret *out, bilet_err *err)
{
    if (n < secret_size(0))
        return bilet_fail(err, BILET_ECORRUPT, "%s: the sealed part is damaged (too short)", label);
    size_t tl = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | (size_t)b[3];
    if (tl > PACKAGE_CSV_MAX || secret_size(tl) != n || b[4 + tl] > 1)
        return bilet_fail(err, BILET_ECORRUPT, "%s: the sealed part is damaged (its layout)",
                          label);
    if ((b[4 + tl] == 1) != p->has_code_key)
        return bilet_fail(err, BILET_ECORRUPT,
                          "%s: the sealed part disagrees with field code_key of the manifest",
                          label);
    out->tickets = malloc(tl + 1);
    if (!out->tickets)
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory for the tickets", label);
    memcpy(out->tickets, b + 4, tl);
    out->tickets[tl] = '\0';
    out->tickets_len = tl;
    out->has_code_key = b[4 + tl] == 1;
    memcpy(out->code_key, b + 5 + tl, PACKAGE_CODE_KEY_BYTES);
    return BILET_OK;
}

static void wipe_free(void *p, size_t n)
{
    if (!p)
        return;
    sodium_memzero(p, n);
    free(p);
}

void package_secret_free(package_secret *s)
{
    if (!s)
        return;
    wipe_free(s->tickets, s->tickets_len + (s->tickets ? 1 : 0));
    sodium_memzero(s, sizeof *s);
}

void package_free(package *p)
{
    if (!p)
        return;
    free(p->exam_ini);
    free(p->roster);
    free(p->sealed);
    free(p->central);
    memset(p, 0, sizeof *p);
}

/* ---- passphrases ---------------------------------------------------------------------- */

bilet_status package_passphrase_check(const char *pass, size_t len, bilet_err *err)
{
    if (len > PACKAGE_PASSPHRASE_MAX)
        return bilet_fail(err, BILET_EINVAL, "the passphrase is %zu bytes long; at most %d", len,
                          (int)PACKAGE_PASSPHRASE_MAX);
    if (!text_utf8_valid(pass, len))
        return bilet_fail(err, BILET_EINVAL, "the passphrase is not UTF-8 text");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)pass[i] < 0x20 || pass[i] == 0x7f)
            return bilet_fail(err, BILET_EINVAL,
                              "the passphrase holds a control character (byte %zu); the kiosk "
                              "cannot type it",
                              i + 1);
    size_t chars = text_utf8_count(pass, len);
    if (chars < PACKAGE_PASSPHRASE_MIN)
        return bilet_fail(err, BILET_EINVAL,
                          "the passphrase has %zu characters; at least %d (four words are "
                          "better)",
                          chars, (int)PACKAGE_PASSPHRASE_MIN);
    return BILET_OK;
}

/* The Argon2id key of the passphrase. BILET_ENOMEM when the work area cannot be had. */
static bilet_status derive(const char *pass, size_t len, const unsigned char *salt,
                           unsigned long long ops, size_t mem, unsigned char key[KEY_BYTES],
                           bilet_err *err)
{
    if (crypto_pwhash(key, KEY_BYTES, pass, len, salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) !=
        0) {
        sodium_memzero(key, KEY_BYTES);
        return bilet_fail(err, BILET_ENOMEM,
                          "no memory for the passphrase check (Argon2id needs %zu MiB)", mem >> 20);
    }
    return BILET_OK;
}

/* ---- building ------------------------------------------------------------------------- */

static char *b64_alloc(const void *bin, size_t n)
{
    size_t cap = b64_encoded_size(n);
    char *s = malloc(cap);
    if (s && b64_encode(bin, n, s, cap, NULL) != BILET_OK) {
        free(s);
        s = NULL;
    }
    return s;
}

static char *hex_alloc(const unsigned char *bin, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s)
        sodium_bin2hex(s, 2 * n + 1, bin, n);
    return s;
}

static bilet_status check_input(const package_input *in, bilet_err *err)
{
    if (!in->exam_id || !in->exam_id[0] || strlen(in->exam_id) >= PACKAGE_EXAM_ID_MAX)
        return bilet_fail(err, BILET_EINVAL, "the exam id is empty or too long");
    if (in->n_tickets < 1 || in->n_tickets > PACKAGE_TICKETS_MAX)
        return bilet_fail(err, BILET_EINVAL, "%zu tickets; a package holds 1..%d", in->n_tickets,
                          (int)PACKAGE_TICKETS_MAX);
    if (!in->exam_ini || in->exam_ini_len == 0 || in->exam_ini_len > PACKAGE_EXAM_INI_MAX)
        return bilet_fail(err, BILET_EINVAL, "exam.ini is empty or over %d bytes",
                          (int)PACKAGE_EXAM_INI_MAX);
    if (!in->roster || in->roster_len == 0 || in->roster_len > PACKAGE_CSV_MAX)
        return bilet_fail(err, BILET_EINVAL, "roster.csv is empty or over %d bytes",
                          (int)PACKAGE_CSV_MAX);
    if (!in->tickets || in->tickets_len == 0 || in->tickets_len > PACKAGE_CSV_MAX)
        return bilet_fail(err, BILET_EINVAL, "tickets.csv is empty or over %d bytes",
                          (int)PACKAGE_CSV_MAX);
    unsigned long long ops = in->ops ? in->ops : PACKAGE_OPS_DEFAULT;
    size_t mem = in->mem ? in->mem : PACKAGE_MEM_DEFAULT;
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > PACKAGE_OPS_MAX ||
        mem < crypto_pwhash_MEMLIMIT_MIN || mem > PACKAGE_MEM_MAX)
        return bilet_fail(err, BILET_EINVAL, "Argon2id limits out of range");
    return BILET_OK;
}

/* The manifest's JSON text; *out owned by the caller (free()). */
static bilet_status build_manifest(const package_input *in, const keys_pair *staff,
                                   const unsigned char *salt, const unsigned char *nonce,
                                   const unsigned char *sealed, size_t sealed_len,
                                   const unsigned char *central, size_t central_len, char **out,
                                   bilet_err *err)
{
    *out = NULL;
    bilet_status st = BILET_ENOMEM;
    char *staff_hex = hex_alloc(staff->pk, KEYS_PUBLIC_BYTES);
    char *salt_hex = hex_alloc(salt, PACKAGE_SALT_BYTES);
    char *nonce_hex = hex_alloc(nonce, PACKAGE_NONCE_BYTES);
    char *ini64 = b64_alloc(in->exam_ini, in->exam_ini_len);
    char *roster64 = b64_alloc(in->roster, in->roster_len);
    char *sealed64 = b64_alloc(sealed, sealed_len);
    char *central64 = central ? b64_alloc(central, central_len) : NULL;
    json_t *m = NULL;
    if (!staff_hex || !salt_hex || !nonce_hex || !ini64 || !roster64 || !sealed64 ||
        (central && !central64))
        goto out_free;
    m = json_pack("{s:i, s:s, s:I, s:s, s:I, s:b, s:s, s:s, s:{s:s, s:s, s:I, s:I}, s:s, s:s, "
                  "s:s}",
                  "v", 1, "staff", staff_hex, "created", (json_int_t)in->created, "exam",
                  in->exam_id, "tickets", (json_int_t)in->n_tickets, "code_key",
                  in->code_key != NULL, "exam_ini", ini64, "roster", roster64, "kdf", "alg",
                  "argon2id13", "salt", salt_hex, "ops",
                  (json_int_t)(in->ops ? in->ops : PACKAGE_OPS_DEFAULT), "mem",
                  (json_int_t)(in->mem ? in->mem : PACKAGE_MEM_DEFAULT), "aead",
                  "xchacha20poly1305-ietf", "nonce", nonce_hex, "sealed", sealed64);
    if (!m)
        goto out_free;
    if (central64 && json_object_set_new(m, "central", json_string(central64)) != 0)
        goto out_free;
    *out = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (*out)
        st = BILET_OK;
out_free:
    if (st != BILET_OK)
        bilet_fail(err, st, "out of memory building the package");
    json_decref(m);
    free(staff_hex);
    free(salt_hex);
    free(nonce_hex);
    free(ini64);
    free(roster64);
    free(sealed64);
    free(central64);
    return st;
}

bilet_status package_create(const package_input *in, const keys_pair *staff, const char *passphrase,
                            size_t pass_len, char **out, size_t *out_len, bilet_err *err)
{
    *out = NULL;
    *out_len = 0;
    bilet_status st = keys_init(err);
    if (st == BILET_OK)
        st = check_input(in, err);
    if (st == BILET_OK)
        st = package_passphrase_check(passphrase, pass_len, err);
    if (st != BILET_OK)
        return st;
    unsigned long long ops = in->ops ? in->ops : PACKAGE_OPS_DEFAULT;
    size_t mem = in->mem ? in->mem : PACKAGE_MEM_DEFAULT;
    unsigned char salt[PACKAGE_SALT_BYTES], nonce[PACKAGE_NONCE_BYTES], key[KEY_BYTES];
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(nonce, sizeof nonce);

    size_t plain_len = 0;
    unsigned char *plain = secret_build(in, &plain_len);
    unsigned char *sealed = NULL, *central = NULL;
    char *manifest = NULL;
    size_t sealed_len = plain_len + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    size_t central_len = plain_len + crypto_box_SEALBYTES;
    if (!plain) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory for the tickets");
        goto out_free;
    }
    st = derive(passphrase, pass_len, salt, ops, mem, key, err);
    if (st != BILET_OK)
        goto out_free;
    sealed = malloc(sealed_len);
    if (!sealed) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory sealing the tickets");
        goto out_free;
    }
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, &clen, plain, plain_len,
                                               (const unsigned char *)aad, sizeof aad - 1, NULL,
                                               nonce, key);
    if (in->central_pk) {
        unsigned char xpk[crypto_box_PUBLICKEYBYTES];
        central = malloc(central_len);
        if (!central) {
            st = bilet_fail(err, BILET_ENOMEM, "out of memory sealing to the central key");
            goto out_free;
        }
        if (crypto_sign_ed25519_pk_to_curve25519(xpk, in->central_pk) != 0 ||
            crypto_box_seal(central, plain, plain_len, xpk) != 0) {
            st = bilet_fail(err, BILET_EINVAL, "the central key is not a valid Ed25519 key");
            goto out_free;
        }
    }
    st = build_manifest(in, staff, salt, nonce, sealed, sealed_len, central, central_len, &manifest,
                        err);
    if (st != BILET_OK)
        goto out_free;
    size_t mlen = strlen(manifest);
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[SIG_HEX + 1];
    crypto_sign_detached(sig, NULL, (const unsigned char *)manifest, mlen, staff->sk);
    sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
    json_t *env = json_pack("{s:s%, s:s}", "package", manifest, mlen, "sig", sig_hex);
    char *text = env ? json_dumps(env, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(env);
    if (!text) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory building the package");
        goto out_free;
    }
    if (strlen(text) > PACKAGE_FILE_MAX) {
        free(text);
        st = bilet_fail(err, BILET_ETOOBIG, "the package would be over %d MiB",
                        (int)(PACKAGE_FILE_MAX >> 20));
        goto out_free;
    }
    *out = text;
    *out_len = strlen(text);
out_free:
    sodium_memzero(key, sizeof key);
    wipe_free(plain, plain_len);
    free(sealed);
    free(central);
    free(manifest);
    return st;
}

/* ---- reading -------------------------------------------------------------------------- */

static bilet_status damaged(bilet_err *err, const char *label, const char *field, const char *why)
{
    return bilet_fail(err, BILET_EPARSE, "%s: field %s: %s", label, field, why);
}

static const char *get_string(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    if (len)
        *len = json_string_length(v);
    return json_string_value(v);
}

static bilet_status get_hex(const char *label, json_t *o, const char *key, unsigned char *bin,
                            size_t n, bilet_err *err)
{
    size_t len = 0;
    const char *s = get_string(o, key, &len);
    if (!s)
        return damaged(err, label, key, "missing or not a string");
    if (len != 2 * n || sodium_hex2bin(bin, n, s, len, NULL, NULL, NULL) != 0)
        return bilet_fail(err, BILET_EPARSE, "%s: field %s: not %zu hex digits", label, key, 2 * n);
    return BILET_OK;
}

/* Decodes a base64 string field of at most max bytes into a fresh buffer (NUL added). */
static bilet_status get_b64(const char *label, json_t *o, const char *key, size_t max,
                            bool required, unsigned char **out, size_t *out_len, bilet_err *err)
{
    *out = NULL;
    *out_len = 0;
    json_t *v = json_object_get(o, key);
    if (!v && !required)
        return BILET_OK;
    size_t len = 0;
    const char *s = get_string(o, key, &len);
    if (!s)
        return damaged(err, label, key, "missing or not a string");
    if (b64_decoded_max(len) > max + 3)
        return bilet_fail(err, BILET_ETOOBIG, "%s: field %s: over %zu bytes", label, key, max);
    size_t cap = b64_decoded_max(len) + 1;
    unsigned char *b = malloc(cap);
    if (!b)
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory", label);
    size_t n = 0;
    bilet_err why = { { 0 } };
    if (b64_decode(s, len, b, cap - 1, &n, &why) != BILET_OK) {
        free(b);
        return damaged(err, label, key, "not base64");
    }
    if (n > max || n == 0) {
        free(b);
        return bilet_fail(err, BILET_ETOOBIG, "%s: field %s: empty or over %zu bytes", label, key,
                          max);
    }
    b[n] = '\0';
    *out = b;
    *out_len = n;
    return BILET_OK;
}

static bilet_status get_int(const char *label, json_t *o, const char *key, json_int_t lo,
                            json_int_t hi, json_int_t *out, bilet_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v))
        return damaged(err, label, key, "missing or not a whole number");
    json_int_t i = json_integer_value(v);
    if (i < lo || i > hi)
        return bilet_fail(err, BILET_EPARSE, "%s: field %s: %lld is outside %lld..%lld", label, key,
                          (long long)i, (long long)lo, (long long)hi);
    *out = i;
    return BILET_OK;
}

static bilet_status parse_kdf(const char *label, json_t *m, package *p, bilet_err *err)
{
    json_t *kdf = json_object_get(m, "kdf");
    if (!json_is_object(kdf))
        return damaged(err, label, "kdf", "missing or not an object");
    const char *alg = get_string(kdf, "alg", NULL);
    if (!alg || strcmp(alg, "argon2id13") != 0)
        return damaged(err, label, "kdf.alg", "not argon2id13");
    json_int_t ops = 0, mem = 0;
    bilet_status st = get_hex(label, kdf, "salt", p->salt, sizeof p->salt, err);
    if (st == BILET_OK)
        st = get_int(label, kdf, "ops", (json_int_t)crypto_pwhash_OPSLIMIT_MIN, PACKAGE_OPS_MAX,
                     &ops, err);
    if (st == BILET_OK)
        st = get_int(label, kdf, "mem", (json_int_t)crypto_pwhash_MEMLIMIT_MIN, PACKAGE_MEM_MAX,
                     &mem, err);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "kdf: ");
        return st;
    }
    p->ops = (unsigned long long)ops;
    p->mem = (size_t)mem;
    return BILET_OK;
}

static bilet_status parse_manifest(const char *label, json_t *m, package *p, bilet_err *err)
{
    json_int_t v = 0, created = 0, tickets = 0;
    bilet_status st = get_int(label, m, "v", 1, 1, &v, err);
    if (st == BILET_OK)
        st = get_int(label, m, "created", 0, INT64_MAX / 2, &created, err);
    if (st == BILET_OK)
        st = get_int(label, m, "tickets", 1, PACKAGE_TICKETS_MAX, &tickets, err);
    if (st != BILET_OK)
        return st;
    p->created = (int64_t)created;
    p->n_tickets = (size_t)tickets;
    size_t idlen = 0;
    const char *id = get_string(m, "exam", &idlen);
    if (!id || idlen == 0 || idlen >= sizeof p->exam_id || memchr(id, '\0', idlen))
        return damaged(err, label, "exam", "missing, empty or too long");
    memcpy(p->exam_id, id, idlen + 1);
    json_t *ck = json_object_get(m, "code_key");
    if (!json_is_boolean(ck))
        return damaged(err, label, "code_key", "missing or not true/false");
    p->has_code_key = json_is_true(ck);
    const char *aead = get_string(m, "aead", NULL);
    if (!aead || strcmp(aead, "xchacha20poly1305-ietf") != 0)
        return damaged(err, label, "aead", "not xchacha20poly1305-ietf");
    st = get_hex(label, m, "nonce", p->nonce, sizeof p->nonce, err);
    if (st == BILET_OK)
        st = parse_kdf(label, m, p, err);
    if (st == BILET_OK)
        st = get_b64(label, m, "exam_ini", PACKAGE_EXAM_INI_MAX, true,
                     (unsigned char **)&p->exam_ini, &p->exam_ini_len, err);
    if (st == BILET_OK)
        st = get_b64(label, m, "roster", PACKAGE_CSV_MAX, true, (unsigned char **)&p->roster,
                     &p->roster_len, err);
    if (st == BILET_OK)
        st = get_b64(label, m, "sealed", secret_size(PACKAGE_CSV_MAX) + 64, true, &p->sealed,
                     &p->sealed_len, err);
    if (st == BILET_OK)
        st = get_b64(label, m, "central", secret_size(PACKAGE_CSV_MAX) + 64, false, &p->central,
                     &p->central_len, err);
    if (st != BILET_OK)
        return st;
    if (p->sealed_len < secret_size(0) + crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return damaged(err, label, "sealed", "too short");
    if (p->central && p->central_len < secret_size(0) + crypto_box_SEALBYTES)
        return damaged(err, label, "central", "too short");
    return BILET_OK;
}

bilet_status package_parse(const char *label, const void *bytes, size_t len, package *out,
                           bilet_err *err)
{
    memset(out, 0, sizeof *out);
    bilet_status st = keys_init(err);
    if (st != BILET_OK)
        return st;
    if (len > PACKAGE_FILE_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "%s: over %d MiB; not an exam package", label,
                          (int)(PACKAGE_FILE_MAX >> 20));
    json_error_t jerr;
    json_t *env = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *m = NULL;
    if (!json_is_object(env)) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s: not an exam package (.bilet): the file is not a JSON object (%s, "
                        "byte %d)",
                        label, env ? "another JSON value" : jerr.text, env ? 0 : jerr.position);
        goto out_free;
    }
    size_t mlen = 0;
    const char *mtext = get_string(env, "package", &mlen);
    if (!mtext) {
        st = damaged(err, label, "package", "missing or not a string; not an exam package");
        goto out_free;
    }
    unsigned char sig[KEYS_SIG_BYTES];
    st = get_hex(label, env, "sig", sig, sizeof sig, err);
    if (st != BILET_OK)
        goto out_free;
    if (json_object_size(env) != 2) {
        st = damaged(err, label, "(top level)", "unknown fields beside package and sig");
        goto out_free;
    }
    m = json_loadb(mtext, mlen, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(m)) {
        st = bilet_fail(err, BILET_EBADSIG,
                        "%s: bad package signature (the manifest is damaged: %s)", label,
                        m ? "not an object" : jerr.text);
        goto out_free;
    }
    st = get_hex(label, m, "staff", out->staff_pk, sizeof out->staff_pk, err);
    if (st != BILET_OK)
        goto out_free;
    if (crypto_sign_verify_detached(sig, (const unsigned char *)mtext, mlen, out->staff_pk) != 0) {
        st = bilet_fail(err, BILET_EBADSIG,
                        "%s: bad package signature: it was altered after signing, or is not "
                        "signed by the key it names",
                        label);
        goto out_free;
    }
    st = parse_manifest(label, m, out, err);
out_free:
    json_decref(m);
    json_decref(env);
    if (st != BILET_OK)
        package_free(out);
    return st;
}

bilet_status package_read(const char *path, package *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", path,
                          strerror(errno));
    bilet_status st = BILET_OK;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (!b) {
            st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (n == cap) {
            if (cap > PACKAGE_FILE_MAX) {
                st = bilet_fail(err, BILET_ETOOBIG, "%s: over %d MiB; not an exam package", path,
                                (int)(PACKAGE_FILE_MAX >> 20));
                break;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                continue;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                st = bilet_fail(err, BILET_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == BILET_OK)
        st = package_parse(path, b, n, out, err);
    free(b);
    return st;
}

bool package_signed_by(const package *p, const unsigned char pk[KEYS_PUBLIC_BYTES])
{
    return sodium_memcmp(p->staff_pk, pk, KEYS_PUBLIC_BYTES) == 0;
}

bilet_status package_check_trust(const package *p, const char *label, const char *const *trusted,
                                 size_t n, bilet_err *err)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char pk[KEYS_PUBLIC_BYTES];
        bilet_status st = keys_file_read_hex(trusted[i], pk, sizeof pk, err);
        if (st != BILET_OK)
            return st;
        if (package_signed_by(p, pk))
            return BILET_OK;
    }
    char hex[2 * KEYS_PUBLIC_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, p->staff_pk, sizeof p->staff_pk);
    return bilet_fail(err, BILET_EBADSIG, "%s: signed by an untrusted key (%.16s…)%s", label, hex,
                      n ? "" : "; no staff key is trusted");
}

static bilet_status open_plain(const char *what, const package *p, unsigned char *plain,
                               size_t plain_len, package_secret *out, bilet_err *err)
{
    bilet_status st = secret_split(what, p, plain, plain_len, out, err);
    wipe_free(plain, plain_len);
    if (st != BILET_OK)
        package_secret_free(out);
    return st;
}

bilet_status package_unseal(const package *p, const char *passphrase, size_t pass_len,
                            package_secret *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!p->sealed || p->sealed_len < crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return bilet_fail(err, BILET_EINVAL, "the package holds no sealed part");
    unsigned char key[KEY_BYTES];
    bilet_status st = derive(passphrase, pass_len, p->salt, p->ops, p->mem, key, err);
    if (st != BILET_OK)
        return st;
    size_t cap = p->sealed_len - crypto_aead_xchacha20poly1305_ietf_ABYTES;
    unsigned char *plain = malloc(cap ? cap : 1);
    if (!plain) {
        sodium_memzero(key, sizeof key);
        return bilet_fail(err, BILET_ENOMEM, "out of memory opening the tickets");
    }
    unsigned long long plain_len = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plain_len, NULL, p->sealed,
                                                        p->sealed_len, (const unsigned char *)aad,
                                                        sizeof aad - 1, p->nonce, key);
    sodium_memzero(key, sizeof key);
    if (rc != 0) {
        wipe_free(plain, cap);
        return bilet_fail(err, BILET_EPERM, "wrong passphrase");
    }
    return open_plain("the package", p, plain, (size_t)plain_len, out, err);
}

bilet_status package_unseal_central(const package *p, const keys_pair *central, package_secret *out,
                                    bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!p->central)
        return bilet_fail(err, BILET_ENOTFOUND,
                          "the package holds no copy for the central store (pack it with "
                          "--central-pub)");
    unsigned char xpk[crypto_box_PUBLICKEYBYTES], xsk[crypto_box_SECRETKEYBYTES];
    if (crypto_sign_ed25519_pk_to_curve25519(xpk, central->pk) != 0 ||
        crypto_sign_ed25519_sk_to_curve25519(xsk, central->sk) != 0) {
        sodium_memzero(xsk, sizeof xsk);
        return bilet_fail(err, BILET_EINVAL, "the central key cannot open sealed boxes");
    }
    size_t cap = p->central_len - crypto_box_SEALBYTES;
    unsigned char *plain = malloc(cap ? cap : 1);
    if (!plain) {
        sodium_memzero(xsk, sizeof xsk);
        return bilet_fail(err, BILET_ENOMEM, "out of memory opening the tickets");
    }
    int rc = crypto_box_seal_open(plain, p->central, p->central_len, xpk, xsk);
    sodium_memzero(xsk, sizeof xsk);
    if (rc != 0) {
        wipe_free(plain, cap);
        return bilet_fail(err, BILET_EBADSIG,
                          "the package was sealed to another central key than this one");
    }
    return open_plain("the package's central copy", p, plain, cap, out, err);
}
