/*
 * b64.c — standard base64 (see b64.h). Encoding is libsodium's. Decoding is a table here:
 * libsodium's decoder works in constant time, which public records do not need, at
 * about ten times the cost, and the central store decodes every record it receives. It
 * accepts exactly what libsodium's does: the standard alphabet, padding to a multiple of
 * four, '=' only at the end, zero bits under the padding, nothing ignored.
 */
#include "b64.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "keys.h"

size_t b64_encoded_size(size_t n)
{
    return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
}

size_t b64_decoded_max(size_t len)
{
    return (len + 3) / 4 * 3;
}

bilet_status b64_encode(const void *bin, size_t n, char *out, size_t cap, bilet_err *err)
{
    if (cap < b64_encoded_size(n)) {
        if (cap > 0)
            out[0] = '\0';
        return bilet_fail(err, BILET_EINVAL, "base64: %zu bytes need %zu characters of room", n,
                          b64_encoded_size(n));
    }
    keys_require();
    /* Exactly the room the text needs: libsodium zeroes everything past the text up to
     * the size it is given, which for a record written into a large request body would
     * be the whole rest of the body, at every record. */
    sodium_bin2base64(out, b64_encoded_size(n), bin, n, sodium_base64_VARIANT_ORIGINAL);
    return BILET_OK;
}

/* Each byte's value in base64: 0..63, 64 for '=', 0xff for a byte outside the alphabet. */
static unsigned char b64_table[256];
static pthread_once_t b64_table_once = PTHREAD_ONCE_INIT;

static void b64_table_init(void)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    memset(b64_table, 0xff, sizeof b64_table);
    for (unsigned i = 0; i < 64; i++)
        b64_table[(unsigned char)alphabet[i]] = (unsigned char)i;
    b64_table['='] = 64;
}

bilet_status b64_decode(const char *b64, size_t len, unsigned char *out, size_t cap,
                        size_t *out_len, bilet_err *err)
{
    const unsigned char *in = (const unsigned char *)b64;
    size_t n = 0;
    *out_len = 0;
    if (len % 4 != 0)
        return bilet_fail(err, BILET_EPARSE, "base64: %zu characters, not a multiple of 4", len);
    pthread_once(&b64_table_once, b64_table_init);
    size_t pad = 0;
    if (len >= 4 && in[len - 1] == '=')
        pad = in[len - 2] == '=' ? 2 : 1;
    size_t need = len / 4 * 3 - pad;
    if (need > cap)
        return bilet_fail(err, BILET_ETOOBIG, "base64: %zu characters do not fit in %zu bytes", len,
                          cap);
    for (size_t i = 0; i < len; i += 4) {
        unsigned a = b64_table[in[i]], b = b64_table[in[i + 1]];
        unsigned c = b64_table[in[i + 2]], d = b64_table[in[i + 3]];
        bool last = i + 4 == len;
        /* '=' only at the end, and then the bits it leaves unused must be zero, as
         * libsodium's decoder requires: one text for one byte string. */
        if ((a | b | c | d) > 63) {
            bool ok = last && a < 64 && b < 64 &&
                      ((pad == 2 && c == 64 && d == 64 && (b & 0x0f) == 0) ||
                       (pad == 1 && c < 64 && d == 64 && (c & 0x03) == 0));
            if (!ok)
                return bilet_fail(err, BILET_EPARSE, "base64: not valid standard base64");
        }
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)(c & 63) << 6 | (d & 63);
        out[n++] = (unsigned char)(v >> 16);
        if (!(last && pad == 2))
            out[n++] = (unsigned char)(v >> 8);
        if (!(last && pad >= 1))
            out[n++] = (unsigned char)v;
    }
    *out_len = n;
    return BILET_OK;
}
