/*
 * editor_gap.c — the gap buffer that holds the document's UTF-8 bytes.
 *
 * Typing happens where the gap is, so an insert or delete costs O(bytes changed); an edit
 * elsewhere first moves the gap there (a memmove of the distance, once per jump, not per
 * keystroke). The buffer grows by half again when the gap fills, so growth is amortised;
 * the editor never asks for more than its document cap.
 * Invariants: gs ≤ ge ≤ cap; the bytes outside the gap are valid UTF-8 (the editor checks
 * input before it arrives here).
 */
#include "editor_internal.h"

#include <stdlib.h>
#include <string.h>

enum { GAP_MIN_CAP = 4096 };

void editor_gap_free(editor_gap *g)
{
    free(g->buf);
    memset(g, 0, sizeof *g);
}

bilet_status editor_gap_reserve(editor_gap *g, size_t len, bilet_err *err)
{
    if (len <= g->cap)
        return BILET_OK;
    size_t cap = len + len / 2;
    if (cap < GAP_MIN_CAP)
        cap = GAP_MIN_CAP;
    char *buf = realloc(g->buf, cap);
    if (!buf)
        return bilet_fail(err, BILET_ENOMEM, "editor: no memory for %zu bytes of text", cap);
    size_t tail = g->cap - g->ge;
    memmove(buf + cap - tail, buf + g->ge, tail);
    g->buf = buf;
    g->ge = cap - tail;
    g->cap = cap;
    return BILET_OK;
}

/* Puts the gap's start at pos. */
static void gap_move(editor_gap *g, size_t pos)
{
    if (pos < g->gs) {
        size_t k = g->gs - pos;
        memmove(g->buf + g->ge - k, g->buf + pos, k);
        g->gs -= k;
        g->ge -= k;
    } else if (pos > g->gs) {
        size_t k = pos - g->gs;
        memmove(g->buf + g->gs, g->buf + g->ge, k);
        g->gs += k;
        g->ge += k;
    }
}

void editor_gap_replace(editor_gap *g, size_t a, size_t b, const char *ins, size_t n)
{
    gap_move(g, a);
    g->ge += b - a;
    if (n)
        memcpy(g->buf + g->gs, ins, n);
    g->gs += n;
}

void editor_gap_copy(const editor_gap *g, size_t from, size_t n, char *dst)
{
    if (n == 0)
        return;
    if (from < g->gs) {
        size_t k = g->gs - from < n ? g->gs - from : n;
        memcpy(dst, g->buf + from, k);
        dst += k;
        from += k;
        n -= k;
    }
    if (n)
        memcpy(dst, g->buf + from + (g->ge - g->gs), n);
}

static size_t seq_len(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if (b < 0xE0)
        return 2;
    if (b < 0xF0)
        return 3;
    return 4;
}

uint32_t editor_gap_cp(const editor_gap *g, size_t i, size_t *len)
{
    unsigned char b = editor_gap_at(g, i);
    size_t k = seq_len(b);
    *len = k;
    if (k == 1)
        return b;
    uint32_t c = b & (k == 2 ? 0x1Fu : k == 3 ? 0x0Fu : 0x07u);
    for (size_t j = 1; j < k; j++)
        c = (c << 6) | (editor_gap_at(g, i + j) & 0x3Fu);
    return c;
}

size_t editor_gap_prev(const editor_gap *g, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && (editor_gap_at(g, i) & 0xC0) == 0x80)
        i--;
    return i;
}

size_t editor_gap_next(const editor_gap *g, size_t i)
{
    size_t len = editor_gap_len(g);
    if (i >= len)
        return len;
    return i + seq_len(editor_gap_at(g, i));
}

uint32_t editor_gap_cp_before(const editor_gap *g, size_t i, size_t *start)
{
    size_t s = editor_gap_prev(g, i);
    size_t k;
    *start = s;
    return editor_gap_cp(g, s, &k);
}

size_t editor_gap_find_nl(const editor_gap *g, size_t from)
{
    if (from < g->gs) {
        const char *hit = memchr(g->buf + from, '\n', g->gs - from);
        if (hit)
            return (size_t)(hit - g->buf);
        from = g->gs;
    }
    size_t gap = g->ge - g->gs;
    size_t len = editor_gap_len(g);
    if (from >= len)
        return len;
    const char *hit = memchr(g->buf + from + gap, '\n', len - from);
    if (hit)
        return (size_t)(hit - g->buf) - gap;
    return len;
}
