/*
 * text.h — small UTF-8 helpers the logic needs: validation, decoding, trimming and a
 * case fold for the letters of Russian, Kazakh and English (enough to compare words a
 * person types with the words a file holds). No locale is consulted: results do not depend
 * on the machine's settings.
 */
#ifndef BILET_TEXT_H
#define BILET_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool text_utf8_valid(const char *s, size_t len);

/* Decodes one code point at s (len bytes available); returns its byte length (1..4) and
 * stores it in *cp, or returns 0 for a malformed sequence. */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (4 bytes room); returns the byte length, 0 for an invalid cp. */
size_t text_utf8_encode(uint32_t cp, char out[4]);

/* Number of code points in a valid UTF-8 string of len bytes. */
size_t text_utf8_count(const char *s, size_t len);

/* Lower case of a Latin, Cyrillic (incl. Ё and Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ І) code point; Ё folds to е.
 */
uint32_t text_fold(uint32_t cp);

/* Compares two UTF-8 strings ignoring case (text_fold) and leading/trailing ASCII white
 * space; true when equal. */
bool text_equal_fold(const char *a, const char *b);

/* Copies s without leading/trailing ASCII white space into out (cap bytes, NUL-terminated);
 * returns false when it does not fit (out is then empty). */
bool text_trim_copy(const char *s, char *out, size_t cap);

/* Copies src into dst (cap bytes), NUL-terminated; returns false when it had to be cut
 * (cut at a code point boundary). */
bool text_copy(char *dst, size_t cap, const char *src);

#endif
