/*
 * payload.c — formatting, parsing and verifying the signed QR payload of payload.h.
 *
 * Invariants: payload_format and payload_parse agree on exactly one spelling of each
 * payload (canonical escapes, upper-case hex and base32, no leading zeros), so a payload
 * that parses is byte for byte what a kiosk signed or it fails the signature. The signed
 * bytes begin with "BILET1:" and can never be mistaken for a record (records begin with
 * '{'), which is why the kiosk key may sign both. Load: a few per page; no allocation.
 */
#include "payload.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "record.h"
#include "text.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char hexup[] = "0123456789ABCDEF";

void payload_key_id(const unsigned char pk[KEYS_PUBLIC_BYTES], char out[PAYLOAD_KEYID_LEN + 1])
{
    static const char hexlow[] = "0123456789abcdef";
    for (size_t i = 0; i < PAYLOAD_KEYID_LEN / 2; i++) {
        out[2 * i] = hexlow[pk[i] >> 4];
        out[2 * i + 1] = hexlow[pk[i] & 15];
    }
    out[PAYLOAD_KEYID_LEN] = '\0';
}

/* Bytes that a payload field writes as %XX: the separator, the escape itself, controls. */
static bool needs_escape(unsigned char c)
{
    return c == ':' || c == '%' || c < 0x20 || c == 0x7f;
}

/* Appends s, escaped, to out at *pos. False when it does not fit in cap. */
static bool put_field(char *out, size_t cap, size_t *pos, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t need = needs_escape(*p) ? 3 : 1;
        if (*pos + need >= cap)
            return false;
        if (need == 3) {
            out[(*pos)++] = '%';
            out[(*pos)++] = hexup[*p >> 4];
            out[(*pos)++] = hexup[*p & 15];
        } else {
            out[(*pos)++] = (char)*p;
        }
    }
    return true;
}

static bilet_status check_field(const char *what, const char *s, bilet_err *err)
{
    if (!s)
        return bilet_fail(err, BILET_EINVAL, "QR payload: %s missing", what);
    size_t n = strlen(s);
    if (n == 0 || n >= PAYLOAD_FIELD_MAX)
        return bilet_fail(err, BILET_EINVAL, "QR payload: %s of %zu bytes (1 to %d)", what, n,
                          PAYLOAD_FIELD_MAX - 1);
    if (!text_utf8_valid(s, n))
        return bilet_fail(err, BILET_EINVAL, "QR payload: %s is not UTF-8", what);
    return BILET_OK;
}

/* 64 bytes as 103 Crockford base32 symbols, most significant bit first, the last symbol's
 * three spare bits zero. */
static void base32_sig(const unsigned char sig[KEYS_SIG_BYTES], char out[PAYLOAD_SIG_LEN])
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < KEYS_SIG_BYTES; i++) {
        acc = acc << 8 | sig[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = crockford[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
        acc &= (1u << bits) - 1;
    }
    out[o++] = crockford[(acc << (5 - bits)) & 31];
}

bilet_status payload_format(const keys_pair *kp, const char *exam, const char *code, int page,
                            int pages, char out[PAYLOAD_TEXT_MAX], size_t *len, bilet_err *err)
{
    out[0] = '\0';
    if (len)
        *len = 0;
    bilet_status st = check_field("exam id", exam, err);
    if (st == BILET_OK)
        st = check_field("sheet code", code, err);
    if (st != BILET_OK)
        return st;
    if (pages < 1 || pages > PAYLOAD_PAGES_MAX || page < 1 || page > pages)
        return bilet_fail(err, BILET_EINVAL, "QR payload: page %d of %d (1 to %d pages)", page,
                          pages, PAYLOAD_PAGES_MAX);

    size_t pos = strlen(PAYLOAD_PREFIX);
    memcpy(out, PAYLOAD_PREFIX, pos);
    char key_id[PAYLOAD_KEYID_LEN + 1];
    payload_key_id(kp->pk, key_id);
    for (size_t i = 0; i < PAYLOAD_KEYID_LEN; i++)
        key_id[i] = key_id[i] >= 'a' ? (char)(key_id[i] - 'a' + 'A') : key_id[i];
    /* Fits always: 7 + 2 * (63 * 3 + 1) + 8 + 17 + 1 + 103 < PAYLOAD_TEXT_MAX. */
    (void)put_field(out, PAYLOAD_TEXT_MAX, &pos, exam);
    out[pos++] = ':';
    (void)put_field(out, PAYLOAD_TEXT_MAX, &pos, code);
    int k = snprintf(out + pos, PAYLOAD_TEXT_MAX - pos, ":%d/%d:%s", page, pages, key_id);
    pos += (size_t)k;
    unsigned char sig[KEYS_SIG_BYTES];
    record_sign(out, pos, kp, sig);
    out[pos++] = ':';
    base32_sig(sig, out + pos);
    pos += PAYLOAD_SIG_LEN;
    out[pos] = '\0';
    if (len)
        *len = pos;
    return BILET_OK;
}

bool payload_is_bilet(const char *text, size_t len)
{
    return len >= 5 && memcmp(text, "BILET", 5) == 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescapes the field s[0..n) into out. */
static bilet_status get_field(const char *what, const char *s, size_t n,
                              char out[PAYLOAD_FIELD_MAX], bilet_err *err)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return bilet_fail(err, BILET_EPARSE,
                                  "QR payload: %s: '%%' not followed by two upper-case hex digits",
                                  what);
            c = (unsigned char)(hi << 4 | lo);
            if (!needs_escape(c))
                return bilet_fail(err, BILET_EPARSE, "QR payload: %s: %%%c%c escapes a plain byte",
                                  what, s[i + 1], s[i + 2]);
            i += 2;
        } else if (needs_escape(c)) {
            return bilet_fail(err, BILET_EPARSE, "QR payload: %s: a control character (0x%02X)",
                              what, c);
        }
        if (c == 0 || o + 1 >= PAYLOAD_FIELD_MAX)
            return bilet_fail(err, BILET_EPARSE, "QR payload: %s: %s", what,
                              c == 0 ? "a NUL byte" : "longer than 63 bytes");
        out[o++] = (char)c;
    }
    out[o] = '\0';
    if (o == 0)
        return bilet_fail(err, BILET_EPARSE, "QR payload: %s is empty", what);
    if (!text_utf8_valid(out, o))
        return bilet_fail(err, BILET_EPARSE, "QR payload: %s is not UTF-8", what);
    return BILET_OK;
}

/* A page number: 1–999, decimal, no sign or leading zero. -1 when malformed. */
static int get_number(const char *s, size_t n)
{
    if (n == 0 || n > 3 || s[0] == '0')
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bilet_status get_sig(const char *s, size_t n, unsigned char sig[KEYS_SIG_BYTES],
                            bilet_err *err)
{
    if (n != PAYLOAD_SIG_LEN)
        return bilet_fail(err, BILET_EPARSE, "QR payload: signature of %zu symbols, not %d", n,
                          PAYLOAD_SIG_LEN);
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = s[i] ? strchr(crockford, s[i]) : NULL;
        if (!p)
            return bilet_fail(err, BILET_EPARSE,
                              "QR payload: signature: '%c' is no upper-case base32 symbol",
                              s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
        acc = acc << 5 | (uint32_t)(p - crockford);
        bits += 5;
        if (bits >= 8) {
            if (o < KEYS_SIG_BYTES)
                sig[o++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
            acc &= (1u << bits) - 1;
        }
    }
    if (acc != 0)
        return bilet_fail(err, BILET_EPARSE, "QR payload: signature: the spare bits are not zero");
    return BILET_OK;
}

bilet_status payload_parse(const char *text, size_t len, payload *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (len >= PAYLOAD_TEXT_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "QR payload: %zu bytes; at most %d", len,
                          PAYLOAD_TEXT_MAX - 1);
    size_t plen = strlen(PAYLOAD_PREFIX);
    if (len < plen || memcmp(text, PAYLOAD_PREFIX, plen) != 0)
        return bilet_fail(err, BILET_EPARSE, "QR payload: does not begin with %s", PAYLOAD_PREFIX);

    /* The five parts after the prefix: exam, code, page/pages, key id, signature. */
    const char *part[5];
    size_t part_len[5];
    size_t start = plen;
    size_t k = 0;
    for (size_t i = plen; i <= len; i++) {
        if (i < len && text[i] != ':')
            continue;
        if (k == 5)
            return bilet_fail(err, BILET_EPARSE, "QR payload: more than 6 parts");
        part[k] = text + start;
        part_len[k] = i - start;
        k++;
        start = i + 1;
    }
    if (k != 5)
        return bilet_fail(err, BILET_EPARSE, "QR payload: %zu parts, not 6", k + 1);

    bilet_status st = get_field("exam id", part[0], part_len[0], out->exam, err);
    if (st == BILET_OK)
        st = get_field("sheet code", part[1], part_len[1], out->code, err);
    if (st != BILET_OK)
        goto out_fail;
    const char *slash = memchr(part[2], '/', part_len[2]);
    if (!slash) {
        st = bilet_fail(err, BILET_EPARSE, "QR payload: page: no '/'");
        goto out_fail;
    }
    out->page = get_number(part[2], (size_t)(slash - part[2]));
    out->pages = get_number(slash + 1, part_len[2] - (size_t)(slash - part[2]) - 1);
    if (out->page < 1 || out->pages < 1 || out->page > out->pages) {
        st = bilet_fail(err, BILET_EPARSE, "QR payload: page: not n/N with 1 <= n <= N <= %d",
                        PAYLOAD_PAGES_MAX);
        goto out_fail;
    }
    if (part_len[3] != PAYLOAD_KEYID_LEN) {
        st = bilet_fail(err, BILET_EPARSE, "QR payload: key id of %zu characters, not %d",
                        part_len[3], PAYLOAD_KEYID_LEN);
        goto out_fail;
    }
    for (size_t i = 0; i < PAYLOAD_KEYID_LEN; i++) {
        int v = hexval(part[3][i]);
        if (v < 0) {
            st = bilet_fail(err, BILET_EPARSE, "QR payload: key id: not upper-case hex");
            goto out_fail;
        }
        out->key_id[i] = "0123456789abcdef"[v];
    }
    out->key_id[PAYLOAD_KEYID_LEN] = '\0';
    st = get_sig(part[4], part_len[4], out->sig, err);
    if (st != BILET_OK)
        goto out_fail;
    out->signed_len = (size_t)(part[4] - text) - 1;
    return BILET_OK;

out_fail:
    memset(out, 0, sizeof *out);
    return st;
}

bilet_status payload_trust_add(payload_trust *t, const unsigned char pk[KEYS_PUBLIC_BYTES],
                               bilet_err *err)
{
    for (size_t i = 0; i < t->n; i++)
        if (memcmp(t->pk[i], pk, KEYS_PUBLIC_BYTES) == 0)
            return BILET_OK;
    if (t->n >= PAYLOAD_TRUST_MAX)
        return bilet_fail(err, BILET_ENOMEM, "at most %d trusted keys", PAYLOAD_TRUST_MAX);
    memcpy(t->pk[t->n], pk, KEYS_PUBLIC_BYTES);
    payload_key_id(pk, t->id[t->n]);
    t->n++;
    return BILET_OK;
}

bilet_status payload_trust_add_file(payload_trust *t, const char *path, bilet_err *err)
{
    unsigned char pk[KEYS_PUBLIC_BYTES];
    bilet_status st = keys_file_read_hex(path, pk, sizeof pk, err);
    if (st != BILET_OK)
        return st;
    st = payload_trust_add(t, pk, err);
    if (st != BILET_OK)
        bilet_err_prefix(err, "%s: ", path);
    return st;
}

bilet_status payload_verify(const payload_trust *t, const char *text, size_t len, payload *out,
                            bilet_err *err)
{
    bilet_status st = payload_parse(text, len, out, err);
    if (st != BILET_OK)
        return st;
    bool known = false;
    /* Two trusted keys may share a key id (64 bits): each is tried. */
    for (size_t i = 0; t && i < t->n; i++) {
        if (strcmp(t->id[i], out->key_id) != 0)
            continue;
        known = true;
        if (record_signature_valid(text, out->signed_len, t->pk[i], out->sig))
            return BILET_OK;
    }
    if (!known)
        return bilet_fail(err, BILET_ENOTFOUND, "QR payload: key %s is not trusted (--trust)",
                          out->key_id);
    return bilet_fail(err, BILET_EBADSIG, "QR payload: the signature does not verify with key %s",
                      out->key_id);
}
