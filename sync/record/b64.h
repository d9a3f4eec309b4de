/*
 * b64.h — standard base64 (RFC 4648, with padding), as records travel inside JSON bodies
 * and USB bundles (`{"bytes":"<base64>","sig":"<hex>"}`).
 *
 * libsodium's codec behind names that do not leak <sodium.h>. Decoding is strict: only the
 * standard alphabet, padding required, no white space; anything else is refused, since
 * the text comes from networks and USB sticks. Load: once per record on the central's
 * ingest path and on the kiosk's push path; no allocation here, the caller lends buffers.
 */
#ifndef BILET_B64_H
#define BILET_B64_H

#include <stddef.h>

#include "status.h"

/* The size of the base64 text for n bytes, its NUL included. */
size_t b64_encoded_size(size_t n);

/* The most bytes base64 text of len characters can decode to. */
size_t b64_decoded_max(size_t len);

/* Writes the base64 text of bin[0..n) and a NUL into out (cap >= b64_encoded_size(n)).
 * BILET_EINVAL (out[0] = NUL when cap > 0) if out is too small. */
bilet_status b64_encode(const void *bin, size_t n, char *out, size_t cap, bilet_err *err);

/* Decodes the base64 text b64[0..len) into out (cap bytes); *out_len receives the number
 * of bytes. BILET_EPARSE when the text is not strict standard base64, BILET_ETOOBIG when
 * out is too small; *out_len is 0 on failure. out may not overlap b64. */
bilet_status b64_decode(const char *b64, size_t len, unsigned char *out, size_t cap,
                        size_t *out_len, bilet_err *err);

#endif
