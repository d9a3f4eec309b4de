/*
 * b64.c — standard base64 through libsodium (see b64.h). Strictness comes from libsodium:
 * no ignored characters, the padding checked, and the whole text consumed.
 */
#include "b64.h"

#include <errno.h>
#include <sodium.h>

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
    sodium_bin2base64(out, cap, bin, n, sodium_base64_VARIANT_ORIGINAL);
    return BILET_OK;
}

bilet_status b64_decode(const char *b64, size_t len, unsigned char *out, size_t cap,
                        size_t *out_len, bilet_err *err)
{
    const char *end = NULL;
    size_t n = 0;
    *out_len = 0;
    if (len % 4 != 0)
        return bilet_fail(err, BILET_EPARSE, "base64: %zu characters, not a multiple of 4", len);
    keys_require();
    errno = 0;
    int rc = sodium_base642bin(out, cap, b64, len, NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL);
    if (rc != 0 && errno == ERANGE)
        return bilet_fail(err, BILET_ETOOBIG, "base64: %zu characters do not fit in %zu bytes", len,
                          cap);
    if (rc != 0 || end != b64 + len)
        return bilet_fail(err, BILET_EPARSE, "base64: not valid standard base64");
    *out_len = n;
    return BILET_OK;
}
