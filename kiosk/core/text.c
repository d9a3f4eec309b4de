/*
 * text.c — UTF-8 helpers without locale. Inputs may be hostile: every decode checks the
 * bytes it reads against the length it was given.
 */
#include "text.h"

#include <string.h>

size_t text_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n;
    uint32_t c;
    uint32_t min;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        c = s[0] & 0x1F;
        min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        c = s[0] & 0x0F;
        min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        c = s[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

bool text_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = text_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

size_t text_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

size_t text_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

uint32_t text_fold(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0x0410 && cp <= 0x042F) /* А..Я */
        return cp + 32;
    if (cp == 0x0401 || cp == 0x0451) /* Ё ё → е */
        return 0x0435;
    if (cp >= 0x0400 && cp <= 0x040F) /* Ѐ..Џ incl. Kazakh І (0406) */
        return cp + 80;
    if ((cp >= 0x0460 && cp <= 0x0481) || (cp >= 0x048A && cp <= 0x04BF) ||
        (cp >= 0x04D0 && cp <= 0x052F)) /* pairs: Ғ Қ Ң Ү Ұ Һ Ә Ө … */
        return cp | 1;
    return cp;
}

static void trim_bounds(const char *s, size_t *start, size_t *end)
{
    size_t b = 0;
    size_t e = strlen(s);
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
        b++;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
        e--;
    *start = b;
    *end = e;
}

bool text_equal_fold(const char *a, const char *b)
{
    size_t ab, ae, bb, be;
    trim_bounds(a, &ab, &ae);
    trim_bounds(b, &bb, &be);
    size_t i = ab;
    size_t j = bb;
    while (i < ae && j < be) {
        uint32_t ca, cb;
        size_t na = text_utf8_decode(a + i, ae - i, &ca);
        size_t nb = text_utf8_decode(b + j, be - j, &cb);
        if (na == 0 || nb == 0)
            return false;
        if (text_fold(ca) != text_fold(cb))
            return false;
        i += na;
        j += nb;
    }
    return i == ae && j == be;
}

bool text_trim_copy(const char *s, char *out, size_t cap)
{
    size_t b, e;
    trim_bounds(s, &b, &e);
    if (cap == 0)
        return false;
    if (e - b >= cap) {
        out[0] = '\0';
        return false;
    }
    memcpy(out, s + b, e - b);
    out[e - b] = '\0';
    return true;
}

bool text_copy(char *dst, size_t cap, const char *src)
{
    if (cap == 0)
        return false;
    size_t n = strlen(src);
    if (n < cap) {
        memcpy(dst, src, n + 1);
        return true;
    }
    n = cap - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
        n--;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return false;
}
