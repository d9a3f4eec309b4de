/*
 * sheetcode.c — blind answer-sheet codes: keyed BLAKE2b-256, 40 bits, Crockford base32.
 *
 * Invariants: the same (key, exam id, trimmed record book) gives the same code on every
 * kiosk and on the central store; the message buffer that holds the record book is wiped
 * after use, since together with the code it is exactly what the secret protects. Load: a
 * few codes per student (sheets printed, scans looked up).
 */
#include "sheetcode.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "keys.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Sets *start and *len to the trimmed part of s. */
static void trim(const char *s, const char **start, size_t *len)
{
    size_t n = strlen(s);
    while (n > 0 && is_ascii_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_ascii_space(s[n - 1]))
        n--;
    *start = s;
    *len = n;
}

bilet_status sheetcode_blind(const unsigned char key[SHEETCODE_KEY_BYTES], const char *exam_id,
                             const char *record_book, char out[SHEETCODE_SIZE], bilet_err *err)
{
    unsigned char msg[SHEETCODE_EXAM_MAX + 1 + SHEETCODE_RB_MAX];
    unsigned char digest[32];
    const char *rb;
    size_t rb_len;
    out[0] = '\0';
    if (!exam_id || !record_book)
        return bilet_fail(err, BILET_EINVAL, "sheet code: exam id or record book missing");
    size_t exam_len = strlen(exam_id);
    if (exam_len == 0 || exam_len > SHEETCODE_EXAM_MAX)
        return bilet_fail(err, BILET_EINVAL, "sheet code: exam id of %zu bytes (1 to %d)", exam_len,
                          SHEETCODE_EXAM_MAX);
    trim(record_book, &rb, &rb_len);
    if (rb_len == 0 || rb_len > SHEETCODE_RB_MAX)
        return bilet_fail(err, BILET_EINVAL, "sheet code: record book of %zu bytes (1 to %d)",
                          rb_len, SHEETCODE_RB_MAX);

    memcpy(msg, exam_id, exam_len);
    msg[exam_len] = 0;
    memcpy(msg + exam_len + 1, rb, rb_len);
    keys_require();
    crypto_generichash(digest, sizeof digest, msg, exam_len + 1 + rb_len, key, SHEETCODE_KEY_BYTES);

    /* The first five digest bytes as a 40-bit big-endian number, five bits a symbol. */
    uint64_t bits = 0;
    for (size_t i = 0; i < 5; i++)
        bits = bits << 8 | digest[i];
    for (size_t i = 0, o = 0; i < 8; i++) {
        if (i == 4)
            out[o++] = '-';
        out[o++] = crockford[(bits >> (35 - 5 * i)) & 0x1f];
    }
    out[SHEETCODE_LEN] = '\0';
    sodium_memzero(msg, sizeof msg);
    sodium_memzero(digest, sizeof digest);
    return BILET_OK;
}

bilet_status sheetcode_record_book(const char *record_book, char *out, size_t out_size,
                                   bilet_err *err)
{
    const char *rb;
    size_t rb_len;
    if (out_size > 0)
        out[0] = '\0';
    if (!record_book)
        return bilet_fail(err, BILET_EINVAL, "sheet code: record book missing");
    trim(record_book, &rb, &rb_len);
    if (rb_len == 0)
        return bilet_fail(err, BILET_EINVAL, "sheet code: empty record book");
    if (rb_len + 1 > out_size)
        return bilet_fail(err, BILET_EINVAL, "sheet code: record book of %zu bytes is too long",
                          rb_len);
    memcpy(out, rb, rb_len);
    out[rb_len] = '\0';
    return BILET_OK;
}

/* The canonical symbol for a typed character, or 0 if it is not one. */
static char symbol_of(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    if (c != '\0' && strchr(crockford, c))
        return c;
    return 0;
}

bilet_status sheetcode_normalize(const char *in, char out[SHEETCODE_SIZE], bilet_err *err)
{
    const char *s;
    size_t len;
    char sym[8];
    size_t n = 0;
    out[0] = '\0';
    if (!in)
        return bilet_fail(err, BILET_EPARSE, "sheet code missing");
    trim(in, &s, &len);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '-' && n == 4 && i > 0 && s[i - 1] != '-')
            continue;
        char sc = symbol_of(c);
        if (!sc) {
            if ((unsigned char)c >= 0x80 || c < 0x20)
                return bilet_fail(err, BILET_EPARSE,
                                  "sheet code '%.32s': character %zu is not a code symbol", in,
                                  i + 1);
            return bilet_fail(err, BILET_EPARSE, "sheet code '%.32s': '%c' is not a code symbol",
                              in, c);
        }
        if (n == 8)
            return bilet_fail(err, BILET_EPARSE, "sheet code '%.32s': more than 8 symbols", in);
        sym[n++] = sc;
    }
    if (n != 8)
        return bilet_fail(err, BILET_EPARSE, "sheet code '%.32s': %zu symbols, expected 8", in, n);
    memcpy(out, sym, 4);
    out[4] = '-';
    memcpy(out + 5, sym + 4, 4);
    out[SHEETCODE_LEN] = '\0';
    return BILET_OK;
}
