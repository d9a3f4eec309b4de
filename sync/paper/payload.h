/*
 * payload.h — the text inside the QR code of every answer-sheet page: which exam, which
 * sheet code, which page of how many, and which kiosk vouches for it with an Ed25519
 * signature, verifiable offline with the kiosk's public key.
 *
 * Format (docs/paper.md has the grammar and a worked example):
 *
 *     BILET1:<exam id>:<sheet code>:<page>/<pages>:<key id>:<signature>
 *
 * The exam id and the sheet code are UTF-8, 1–63 bytes each, with the bytes ':', '%' and
 * the control characters written as %XX (upper-case hex) and nothing else escaped; page and
 * pages are 1–999 without leading zeros, page <= pages; the key id is the first 8 bytes of
 * the kiosk's public key in 16 upper-case hex digits; the signature is the Ed25519 signature
 * of every byte before the last ':' in 103 Crockford base32 symbols (upper case, the last
 * symbol's three spare bits zero). Every part but the exam id and code stays in the QR
 * alphanumeric set, so that the encoder packs it at 5.5 bits a character.
 *
 * Parsing is strict: the text comes off paper and out of a scanner, so one spelling of a
 * payload is accepted and everything else is refused with one message. Load: one payload per
 * printed page and per scanned page; no allocation.
 */
#ifndef BILET_PAYLOAD_H
#define BILET_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"
#include "status.h"

#define PAYLOAD_PREFIX "BILET1:"

enum {
    PAYLOAD_TEXT_MAX = 600,  /* longest payload accepted, bytes, with room for the NUL */
    PAYLOAD_FIELD_MAX = 64,  /* exam id and sheet code: at most 63 bytes and the NUL */
    PAYLOAD_PAGES_MAX = 999, /* pages in one set */
    PAYLOAD_KEYID_LEN = 16,  /* hex digits of the key id */
    PAYLOAD_SIG_LEN = 103,   /* base32 symbols of the signature */
    PAYLOAD_TRUST_MAX = 64,  /* trusted kiosk keys in one run */
};

/* A parsed payload. Strings are NUL-terminated copies (the exam id and code unescaped). */
typedef struct payload {
    char exam[PAYLOAD_FIELD_MAX];
    char code[PAYLOAD_FIELD_MAX];
    int page;
    int pages;
    char key_id[PAYLOAD_KEYID_LEN + 1]; /* lower-case hex, as kiosk.pub begins */
    unsigned char sig[KEYS_SIG_BYTES];
    size_t signed_len; /* the bytes of the text the signature covers */
} payload;

/* The key id of a public key: its first 8 bytes as 16 lower-case hex digits and a NUL. */
void payload_key_id(const unsigned char pk[KEYS_PUBLIC_BYTES], char out[PAYLOAD_KEYID_LEN + 1]);

/* Writes the signed payload of page `page` of `pages` of sheet code `code` in exam `exam`,
 * signed by kp, into out (NUL-terminated); *len (if not NULL) receives its length.
 * BILET_EINVAL naming the value when the exam id or code is empty, longer than 63 bytes or
 * not UTF-8, or the page numbers are out of range; out is then "". */
bilet_status payload_format(const keys_pair *kp, const char *exam, const char *code, int page,
                            int pages, char out[PAYLOAD_TEXT_MAX], size_t *len, bilet_err *err);

/* True when text looks like it was meant as a bilet payload (begins with "BILET"), so that
 * a scanner can tell a damaged or altered payload from some other QR code on the page. */
bool payload_is_bilet(const char *text, size_t len);

/* Parses text[0..len) into *out without checking the signature. BILET_EPARSE with a message
 * naming the part that is wrong; BILET_ETOOBIG over PAYLOAD_TEXT_MAX - 1 bytes. *out is
 * zeroed on failure. */
bilet_status payload_parse(const char *text, size_t len, payload *out, bilet_err *err);

/* The kiosk keys a scan trusts. A zeroed struct is empty. */
typedef struct payload_trust {
    size_t n;
    unsigned char pk[PAYLOAD_TRUST_MAX][KEYS_PUBLIC_BYTES];
    char id[PAYLOAD_TRUST_MAX][PAYLOAD_KEYID_LEN + 1];
} payload_trust;

/* Adds a public key (a key already there is not added twice). BILET_ENOMEM past
 * PAYLOAD_TRUST_MAX keys. */
bilet_status payload_trust_add(payload_trust *t, const unsigned char pk[KEYS_PUBLIC_BYTES],
                               bilet_err *err);

/* Adds the key in a kiosk.pub file (one line of hex). The message names the file. */
bilet_status payload_trust_add_file(payload_trust *t, const char *path, bilet_err *err);

/* Parses and verifies a scanned payload. BILET_OK when its key id names a trusted key whose
 * signature verifies; BILET_EBADSIG when it does not verify; BILET_ENOTFOUND when no trusted
 * key has its key id; BILET_EPARSE or BILET_ETOOBIG when it is malformed (an altered or
 * damaged payload). *out holds the parsed fields whenever the text parsed (also for
 * BILET_EBADSIG and BILET_ENOTFOUND), else it is zeroed. */
bilet_status payload_verify(const payload_trust *t, const char *text, size_t len, payload *out,
                            bilet_err *err);

#endif
