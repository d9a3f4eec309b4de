/*
 * draw.c — the draw-command list. Fixed capacity chosen at start-up; a frame that would
 * overflow it drops the excess commands and sets `overflow` (a broken layout, caught by
 * the tests), never reallocates.
 */
#include "draw.h"

#include <stdlib.h>
#include <string.h>

bilet_status draw_list_init(draw_list *dl, size_t max_cmds, size_t arena_bytes, bilet_err *err)
{
    memset(dl, 0, sizeof *dl);
    dl->cmds = calloc(max_cmds, sizeof *dl->cmds);
    dl->arena = malloc(arena_bytes);
    if (!dl->cmds || !dl->arena) {
        draw_list_free(dl);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the draw list");
    }
    dl->cap = max_cmds;
    dl->arena_cap = arena_bytes;
    return BILET_OK;
}

void draw_list_free(draw_list *dl)
{
    if (!dl)
        return;
    free(dl->cmds);
    free(dl->arena);
    memset(dl, 0, sizeof *dl);
}

void draw_list_clear(draw_list *dl)
{
    dl->n = 0;
    dl->used = 0;
    dl->overflow = false;
}

static draw_cmd *push(draw_list *dl, draw_kind kind)
{
    if (dl->n >= dl->cap) {
        dl->overflow = true;
        return NULL;
    }
    draw_cmd *c = &dl->cmds[dl->n++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    return c;
}

void draw_rect(draw_list *dl, int x, int y, int w, int h, uint32_t color)
{
    draw_cmd *c = push(dl, DRAW_RECT);
    if (!c)
        return;
    c->x = x;
    c->y = y;
    c->w = w;
    c->h = h;
    c->color = color;
}

void draw_frame(draw_list *dl, int x, int y, int w, int h, int thickness, uint32_t color)
{
    draw_cmd *c = push(dl, DRAW_FRAME);
    if (!c)
        return;
    c->x = x;
    c->y = y;
    c->w = w;
    c->h = h;
    c->thickness = thickness;
    c->color = color;
}

void draw_clip(draw_list *dl, int x, int y, int w, int h)
{
    draw_cmd *c = push(dl, DRAW_CLIP);
    if (!c)
        return;
    c->x = x;
    c->y = y;
    c->w = w;
    c->h = h;
}

void draw_text(draw_list *dl, int x, int y, draw_font font, int size, uint32_t color,
               const char *text, size_t len, uint64_t cache_key)
{
    if (len == 0)
        return;
    if (dl->used + len > dl->arena_cap) {
        dl->overflow = true;
        return;
    }
    draw_cmd *c = push(dl, DRAW_TEXT);
    if (!c)
        return;
    memcpy(dl->arena + dl->used, text, len);
    c->text_off = (uint32_t)dl->used;
    c->text_len = (uint32_t)len;
    dl->used += len;
    c->x = x;
    c->y = y;
    c->font = font;
    c->size = size;
    c->color = color;
    c->cache_key = cache_key;
}

const char *draw_cmd_text(const draw_list *dl, const draw_cmd *cmd)
{
    return dl->arena + cmd->text_off;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool draw_list_has_text(const draw_list *dl, const char *needle)
{
    /* Compare the needle, without white space, against the joined runs, without white
     * space, by walking both; a match may start in one run and end in another. */
    size_t nlen = 0;
    char nbuf[1024];
    for (const char *p = needle; *p && nlen < sizeof nbuf; p++)
        if (!is_space(*p))
            nbuf[nlen++] = *p;
    if (nlen == 0)
        return true;
    /* Collect the frame's non-space bytes; the arena bound keeps this finite. */
    size_t cap = dl->used + 1;
    char *hay = malloc(cap);
    if (!hay)
        return false;
    size_t h = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const draw_cmd *c = &dl->cmds[i];
        if (c->kind != DRAW_TEXT)
            continue;
        const char *t = dl->arena + c->text_off;
        for (uint32_t k = 0; k < c->text_len; k++)
            if (!is_space(t[k]))
                hay[h++] = t[k];
    }
    bool found = false;
    for (size_t i = 0; i + nlen <= h && !found; i++)
        found = memcmp(hay + i, nbuf, nlen) == 0;
    free(hay);
    return found;
}
