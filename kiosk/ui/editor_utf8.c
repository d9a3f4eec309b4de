/*
 * editor_utf8.c — UTF-8 checks of typed text and the character classes the editor uses for
 * words (Ctrl+Left/Right, Ctrl+Backspace, the word count).
 *
 * The classes are deliberately simple, and need no Unicode tables: a word is a run of ASCII
 * letters and digits and of code points ≥ 0x80 that are not spaces, punctuation or symbols
 * listed below. That makes Russian, Kazakh (ӘҒҚҢӨҰҮҺІ) and any other alphabet a letter, and
 * keeps «», —, …, № and the like out of words. Combining marks count as letters, so a
 * stressed vowel does not split its word.
 * Load: called per code point of the edited text only.
 */
#include "editor_internal.h"

bool editor_utf8_next(const char *s, size_t n, size_t *i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t at = *i;
    unsigned char b = u[at];
    if (b < 0x80) {
        *cp = b;
        *i = at + 1;
        return true;
    }
    size_t len;
    uint32_t c, min;
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        c = b & 0x1Fu;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        c = b & 0x0Fu;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        c = b & 0x07u;
        min = 0x10000;
    } else {
        return false;
    }
    if (n - at < len)
        return false;
    for (size_t k = 1; k < len; k++) {
        if ((u[at + k] & 0xC0) != 0x80)
            return false;
        c = (c << 6) | (u[at + k] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return false;
    *cp = c;
    *i = at + len;
    return true;
}

size_t editor_utf8_chars(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0) != 0x80 && b != '\n')
            count++;
    }
    return count;
}

/* Code points ≥ 0x80 that are spaces, punctuation or symbols: sorted, inclusive ranges. */
static const uint32_t not_word[][2] = {
    { 0x00A0, 0x00A9 },   /* NBSP ¡ ¢ £ ¤ ¥ ¦ § ¨ © */
    { 0x00AB, 0x00B1 },   /* « ¬ SHY ® ¯ ° ± */
    { 0x00B4, 0x00B4 },   /* ´ */
    { 0x00B6, 0x00B8 },   /* ¶ · ¸ */
    { 0x00BB, 0x00BB },   /* » */
    { 0x00BF, 0x00BF },   /* ¿ */
    { 0x00D7, 0x00D7 },   /* × */
    { 0x00F7, 0x00F7 },   /* ÷ */
    { 0x037E, 0x037E },   /* Greek question mark */
    { 0x0387, 0x0387 },   /* Greek ano teleia */
    { 0x0482, 0x0482 },   /* ҂ */
    { 0x055A, 0x055F },   /* Armenian punctuation */
    { 0x0589, 0x058A },   /* */
    { 0x05BE, 0x05BE },   /* Hebrew punctuation */
    { 0x05C0, 0x05C0 },   /* */
    { 0x05C3, 0x05C3 },   /* */
    { 0x05F3, 0x05F4 },   /* */
    { 0x060C, 0x060D },   /* Arabic comma */
    { 0x061B, 0x061F },   /* Arabic semicolon, question mark */
    { 0x066A, 0x066D },   /* Arabic percent, separators */
    { 0x06D4, 0x06D4 },   /* Arabic full stop */
    { 0x0964, 0x0965 },   /* Devanagari danda */
    { 0x1680, 0x1680 },   /* Ogham space */
    { 0x2000, 0x200B },   /* spaces, zero width space */
    { 0x200E, 0x206F },   /* marks, dashes, quotes, bullets, ellipsis, ‰ … (ZWNJ, ZWJ join) */
    { 0x20A0, 0x20CF },   /* currency */
    { 0x2116, 0x2116 },   /* № */
    { 0x2190, 0x2BFF },   /* arrows, mathematical operators, technical, box drawing, shapes */
    { 0x2E00, 0x2E7F },   /* supplemental punctuation */
    { 0x3000, 0x303F },   /* CJK symbols and punctuation */
    { 0xFE10, 0xFE1F },   /* vertical forms */
    { 0xFE30, 0xFE6F },   /* CJK compatibility and small forms */
    { 0xFEFF, 0xFEFF },   /* zero width no-break space */
    { 0xFF01, 0xFF0F },   /* fullwidth punctuation */
    { 0xFF1A, 0xFF20 },   /* */
    { 0xFF3B, 0xFF40 },   /* */
    { 0xFF5B, 0xFF65 },   /* */
    { 0xFFF0, 0xFFFF },   /* specials */
    { 0x1F000, 0x1FAFF }, /* emoji and pictographs */
};

bool editor_is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    size_t lo = 0, hi = sizeof not_word / sizeof not_word[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < not_word[mid][0])
            hi = mid;
        else if (cp > not_word[mid][1])
            lo = mid + 1;
        else
            return false;
    }
    return true;
}

bool editor_cp_allowed(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return false;
    if (cp >= 0x80 && cp <= 0x9F)
        return false;
    return true;
}
