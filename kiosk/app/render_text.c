/*
 * render_text.c — the text texture cache: each text run drawn is a texture, kept in
 * RENDER_TEXTURES_MAX entries within RENDER_TEXTURE_BYTES_MAX of pixels, hash-chained and
 * in LRU order. Each entry keeps a copy of its bytes, so a hit is exact, never a hash
 * collision; a keyed run (an editor line) whose bytes changed is rendered again into the
 * same entry.
 *
 * A run without a cache key is shaped by SDL_ttf (HarfBuzz: kerning); a keyed run is set
 * glyph by glyph at the whole-pixel advances the editor measured with (render.h).
 * Invariants: a live entry is in exactly one bucket chain and in the LRU list;
 * stats.texture_bytes is the sum of live entries' w × h × 4. Load: a lookup per text run
 * per frame (a hash and a byte compare); a render per changed run.
 */
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"

static void lru_unlink(renderer *rd, int i)
{
    text_entry *e = &rd->entries[i];
    if (e->prev >= 0)
        rd->entries[e->prev].next = e->next;
    else
        rd->lru_head = e->next;
    if (e->next >= 0)
        rd->entries[e->next].prev = e->prev;
    else
        rd->lru_tail = e->prev;
    e->prev = e->next = -1;
}

static void lru_push_front(renderer *rd, int i)
{
    text_entry *e = &rd->entries[i];
    e->prev = -1;
    e->next = rd->lru_head;
    if (rd->lru_head >= 0)
        rd->entries[rd->lru_head].prev = i;
    rd->lru_head = i;
    if (rd->lru_tail < 0)
        rd->lru_tail = i;
}

static void entry_drop_texture(renderer *rd, text_entry *e)
{
    if (e->tex)
        SDL_DestroyTexture(e->tex);
    rd->stats.texture_bytes -= (size_t)e->w * (size_t)e->h * 4;
    e->tex = NULL;
    e->w = e->h = 0;
}

static void entry_remove(renderer *rd, int i)
{
    text_entry *e = &rd->entries[i];
    int *link = &rd->buckets[e->hash & (TEX_BUCKETS - 1)];
    while (*link != i)
        link = &rd->entries[*link].chain;
    *link = e->chain;
    e->chain = -1;
    lru_unlink(rd, i);
    entry_drop_texture(rd, e);
    if (e->cap > 4096) { /* a long run's copy is not kept for the next tenant */
        free(e->bytes);
        e->bytes = NULL;
        e->cap = 0;
    }
    e->live = false;
    rd->free_list[rd->n_free++] = i;
    rd->stats.textures--;
}

/* Drops least recently used textures until incoming_bytes fit (and an entry is free when
 * need_entry), never the entry keep. */
static void evict_until(renderer *rd, size_t incoming_bytes, bool need_entry, int keep)
{
    while (rd->lru_tail >= 0 &&
           ((need_entry && rd->n_free == 0) ||
            rd->stats.texture_bytes + incoming_bytes > RENDER_TEXTURE_BYTES_MAX)) {
        int victim = rd->lru_tail;
        if (victim == keep) {
            if (rd->entries[victim].prev < 0)
                break;
            victim = rd->entries[victim].prev;
        }
        entry_remove(rd, victim);
        rd->stats.text_evictions++;
    }
}

/* The entry of the run, or -1. For a keyed run, the entry with its key even when its bytes
 * have changed (*stale tells). */
static int entry_find(renderer *rd, uint64_t hash, const draw_cmd *c, int font, int size, int limit,
                      const char *s, size_t len, bool *stale)
{
    *stale = false;
    for (int i = rd->buckets[hash & (TEX_BUCKETS - 1)]; i >= 0; i = rd->entries[i].chain) {
        text_entry *e = &rd->entries[i];
        if (e->hash != hash || e->font != font || e->size != size || e->color != c->color ||
            e->limit != limit || e->cache_key != c->cache_key)
            continue;
        bool same = e->len == len && memcmp(e->bytes, s, len) == 0;
        if (same)
            return i;
        if (c->cache_key) {
            *stale = true;
            return i;
        }
    }
    return -1;
}

/* Sets the run glyph by glyph at whole-pixel advances into an ARGB surface. */
static SDL_Surface *compose_by_advances(renderer *rd, font_slot *f, const char *s, size_t len,
                                        uint32_t color, int limit, bool *blank)
{
    *blank = false;
    metric_slot *m = render_metric_get(rd, f->font, f->size); /* finds f itself: f stays open */
    if (!m)
        return NULL;
    int width = 0, pen = 0;
    for (size_t i = 0; i < len && pen < limit;) {
        uint32_t cp = render_utf8_next(s, len, &i);
        const glyph *g = render_glyph(rd, f, cp);
        if (g && pen + g->dx + g->w > width)
            width = pen + g->dx + g->w;
        pen += render_advance_of(rd, m, cp);
    }
    if (width > limit)
        width = limit;
    if (width <= 0) {
        *blank = true;
        return NULL;
    }
    int height = f->height;
    SDL_Surface *out =
        SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out)
        return NULL;
    /* Coverage first (max where glyphs overlap), then colour and the run's alpha. */
    unsigned char *cov = calloc((size_t)width * (size_t)height, 1);
    if (!cov) {
        SDL_FreeSurface(out);
        return NULL;
    }
    pen = 0;
    for (size_t i = 0; i < len && pen < width;) {
        uint32_t cp = render_utf8_next(s, len, &i);
        const glyph *g = render_glyph(rd, f, cp);
        if (g) {
            for (int y = 0; y < g->h; y++) {
                int ty = y + g->dy;
                if (ty < 0 || ty >= height)
                    continue;
                const unsigned char *src = g->alpha + (size_t)y * g->w;
                unsigned char *dst = cov + (size_t)ty * width;
                for (int x = 0; x < g->w; x++) {
                    int tx = pen + g->dx + x;
                    if (tx >= 0 && tx < width && src[x] > dst[tx])
                        dst[tx] = src[x];
                }
            }
        }
        pen += render_advance_of(rd, m, cp);
    }
    Uint32 rgb = color >> 8, a = color & 0xFF;
    for (int y = 0; y < height; y++) {
        Uint32 *row = (Uint32 *)((unsigned char *)out->pixels + (size_t)y * out->pitch);
        const unsigned char *c = cov + (size_t)y * width;
        for (int x = 0; x < width; x++)
            row[x] = ((Uint32)(c[x] * a + 127) / 255) << 24 | rgb;
    }
    free(cov);
    return out;
}

/* Shapes the run with SDL_ttf (HarfBuzz where built in), cut to the characters that reach
 * into limit pixels. *blank is set when the run draws nothing. */
static SDL_Surface *compose_shaped(renderer *rd, font_slot *f, const char *s, size_t len,
                                   uint32_t color, int limit, bool *blank)
{
    *blank = false;
    const char *z = render_scratch_copy(rd, s, len);
    if (!z)
        return NULL;
    int w = 0, h = 0;
    if (TTF_SizeUTF8(f->ttf, z, &w, &h) != 0 || w <= 0) {
        *blank = true;
        return NULL;
    }
    if (w > limit) {
        int extent = 0, count = 0;
        if (TTF_MeasureUTF8(f->ttf, z, limit, &extent, &count) == 0) {
            /* count characters fit; one more shows its part up to the edge */
            size_t i = 0;
            for (int n = 0; n <= count && i < len; n++)
                render_utf8_next(s, len, &i);
            rd->scratch[i] = '\0';
        }
    }
    SDL_Color fg = { (Uint8)(color >> 24), (Uint8)(color >> 16), (Uint8)(color >> 8),
                     (Uint8)color };
    return TTF_RenderUTF8_Blended(f->ttf, rd->scratch, fg);
}

/* Finds or renders the texture of a text command: the entry index, or -1 when the run
 * cannot be drawn now. */
int render_text_texture(renderer *rd, const draw_cmd *c, const char *s, size_t len, bool count)
{
    int font = (int)render_clamp_font(c->font), size = render_clamp_size(c->size);
    int limit = c->w > 0 && c->w < RENDER_LINE_MAX_PX ? c->w : RENDER_LINE_MAX_PX;
    uint64_t hash = c->cache_key
                        ? render_run_hash(render_mix64(c->cache_key), font, size, c->color, limit)
                        : render_run_hash(render_fnv1a(s, len), font, size, c->color, limit);
    bool stale = false;
    int i = entry_find(rd, hash, c, font, size, limit, s, len, &stale);
    if (i >= 0 && !stale) {
        rd->stats.text_hits += count;
        lru_unlink(rd, i);
        lru_push_front(rd, i);
        return i;
    }
    rd->stats.text_misses++;

    font_slot *f = render_font_get(rd, (draw_font)font, size);
    if (!f)
        return -1;
    bool blank = false;
    SDL_Surface *surf = c->cache_key ? compose_by_advances(rd, f, s, len, c->color, limit, &blank)
                                     : compose_shaped(rd, f, s, len, c->color, limit, &blank);
    if (!surf && !blank)
        return -1;
    /* A run of blanks gets an entry without a texture, so that it is not tried again. */
    SDL_Texture *tex = NULL;
    int w = 0, h = 0;
    if (surf) {
        tex = SDL_CreateTextureFromSurface(rd->r, surf);
        w = surf->w;
        h = surf->h;
        SDL_FreeSurface(surf);
        if (!tex)
            return -1;
    }
    size_t bytes = (size_t)w * (size_t)h * 4;

    if (i >= 0) { /* a keyed line whose text changed: reuse its entry */
        lru_unlink(rd, i);
        entry_drop_texture(rd, &rd->entries[i]);
        lru_push_front(rd, i);
        evict_until(rd, bytes, false, i);
    } else {
        evict_until(rd, bytes, true, -1);
        if (rd->n_free == 0) {
            SDL_DestroyTexture(tex);
            return -1;
        }
        i = rd->free_list[--rd->n_free];
        text_entry *e = &rd->entries[i];
        e->hash = hash;
        e->cache_key = c->cache_key;
        e->color = c->color;
        e->font = font;
        e->size = size;
        e->limit = limit;
        e->len = 0;
        e->live = true;
        e->chain = rd->buckets[hash & (TEX_BUCKETS - 1)];
        rd->buckets[hash & (TEX_BUCKETS - 1)] = i;
        lru_push_front(rd, i);
        rd->stats.textures++;
    }
    text_entry *e = &rd->entries[i];
    if (len > e->cap) {
        size_t cap = len < 64 ? 64 : len;
        char *p = realloc(e->bytes, cap);
        if (!p) {
            if (tex)
                SDL_DestroyTexture(tex);
            entry_remove(rd, i);
            return -1;
        }
        e->bytes = p;
        e->cap = cap;
    }
    memcpy(e->bytes, s, len);
    e->len = len;
    e->tex = tex;
    e->w = w;
    e->h = h;
    rd->stats.texture_bytes += bytes;
    return i;
}

void render_text_init(renderer *rd)
{
    rd->lru_head = rd->lru_tail = -1;
    for (size_t i = 0; i < TEX_BUCKETS; i++)
        rd->buckets[i] = -1;
    rd->n_free = 0;
    for (int i = RENDER_TEXTURES_MAX - 1; i >= 0; i--) {
        rd->entries[i].prev = rd->entries[i].next = rd->entries[i].chain = -1;
        rd->free_list[rd->n_free++] = i;
    }
}

void render_text_free(renderer *rd)
{
    for (int i = 0; i < RENDER_TEXTURES_MAX; i++) {
        text_entry *e = &rd->entries[i];
        if (e->tex)
            SDL_DestroyTexture(e->tex);
        free(e->bytes);
        e->tex = NULL;
        e->bytes = NULL;
    }
}
