/*
 * render_internal.h — what the renderer's files share: the caches' tables inside struct
 * renderer and the functions one file offers the others. render_font.c keeps the faces,
 * metrics and glyphs; render_text.c the text textures; render.c draws frames. Only these
 * files include it (and so <SDL_ttf.h>).
 */
#ifndef BILET_RENDER_INTERNAL_H
#define BILET_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "render.h"
#include "render_damage.h"

enum {
    BMP_DIRECT = 0x500,   /* code points with a direct slot: Latin, Cyrillic, Kazakh */
    ADV_HASH = 512,       /* other code points' advances per font slot (power of two) */
    GLYPH_HASH = 512,     /* other code points' glyphs per font slot (power of two) */
    TEX_BUCKETS = 1024,   /* texture hash buckets (power of two) */
    WIDTH_CACHE = 1024,   /* text width slots (power of two) */
    SCRATCH_START = 4096, /* first size of the NUL-terminated copy of a run */
    FONT_SIZE_MIN = 4,    /* sizes outside are clamped */
    FONT_SIZE_MAX = 512,
};

/* One glyph's coverage as SDL_ttf renders it alone: w × h alpha bytes, the bitmap's left
 * edge dx pixels from the pen and its top dy pixels from the line's top. */
typedef struct glyph {
    uint32_t cp;
    int dx, dy;
    int w, h;
    unsigned char *alpha;
} glyph;

typedef struct adv_slot {
    uint32_t cp1; /* code point + 1; 0 is an empty slot */
    int adv;
} adv_slot;

/* The metrics of one (font, size), kept apart from the open face: a UI that measures many
 * sizes (fitting a clock into its box) keeps its answers without a face open per size. */
typedef struct metric_slot {
    bool used;
    draw_font font;
    int size;
    uint64_t last_used;
    int line_skip;
    int16_t adv_bmp[BMP_DIRECT]; /* -1: not asked yet */
    adv_slot adv_hash[ADV_HASH];
    size_t adv_hash_n;
} metric_slot;

/* An open face of one (font, size) and the glyphs rendered with it. */
typedef struct font_slot {
    TTF_Font *ttf; /* NULL: the slot is free */
    draw_font font;
    int size;
    uint64_t last_used;
    int height, ascent;
    glyph *glyph_bmp[BMP_DIRECT];
    glyph *glyph_hash[GLYPH_HASH];
    size_t glyph_hash_n;
} font_slot;

typedef struct width_slot {
    uint64_t hash;
    uint32_t len;
    int font, size; /* size 0: empty slot */
    int width;
} width_slot;

typedef struct text_entry {
    uint64_t hash;
    uint64_t cache_key;
    uint32_t color;
    int font, size, limit;
    char *bytes;
    size_t len, cap;
    SDL_Texture *tex; /* NULL with w == 0: the run draws nothing (only blanks) */
    int w, h;
    int prev, next; /* LRU list, most recent first; -1 ends */
    int chain;      /* next entry in the bucket; -1 ends */
    bool live;
} text_entry;

/* The renderer: one per SDL renderer, used from one thread. */
struct renderer {
    SDL_Renderer *r;
    unsigned char *font_data[FONT_COUNT];
    size_t font_len[FONT_COUNT];
    font_slot fonts[RENDER_FONTS_MAX];
    font_slot *last_font;
    metric_slot metrics[RENDER_METRICS_MAX];
    metric_slot *last_metric;
    uint64_t tick;

    width_slot widths[WIDTH_CACHE];

    text_entry entries[RENDER_TEXTURES_MAX];
    int buckets[TEX_BUCKETS];
    int lru_head, lru_tail;
    int free_list[RENDER_TEXTURES_MAX];
    int n_free;

    glyph *loose; /* the last glyph that found no room in its font's table */

    render_damage damage;
    bool keeps_pixels; /* a software target: what was drawn stays until drawn over */
    int last_w, last_h;

    char *scratch; /* a NUL-terminated copy of the run being measured or rendered */
    size_t scratch_cap;

    render_stats stats;
};

/* ---- render_font.c ---- */

uint64_t render_mix64(uint64_t x);
uint64_t render_fnv1a(const char *s, size_t len);
/* The key of a text run: its bytes' (or cache key's) hash with font, size, colour, limit. */
uint64_t render_run_hash(uint64_t base, int font, int size, uint32_t color, int limit);
/* Decodes one code point at s[*i] and advances *i; malformed bytes decode as U+FFFD. */
uint32_t render_utf8_next(const char *s, size_t len, size_t *i);
/* The longest prefix of s within max bytes that ends on a character boundary. */
size_t render_utf8_cut(const char *s, size_t len, size_t max);
/* A NUL-terminated copy of s in the renderer's scratch buffer (valid until the next call),
 * or NULL when memory is short. */
const char *render_scratch_copy(renderer *rd, const char *s, size_t len);

int render_clamp_size(int size);
draw_font render_clamp_font(draw_font font);
/* The open face of (font, size), opening it (closing the least recently used); NULL when
 * SDL_ttf cannot open it. */
font_slot *render_font_get(renderer *rd, draw_font font, int size);
/* The metrics of (font, size), filled on first use; NULL when the face cannot be opened. */
metric_slot *render_metric_get(renderer *rd, draw_font font, int size);
/* The whole-pixel advance of cp (cached). */
int render_advance_of(renderer *rd, metric_slot *m, uint32_t cp);
/* The glyph of cp rendered alone (cached); NULL when it draws nothing or memory is short.
 * Valid until the next call. */
const glyph *render_glyph(renderer *rd, font_slot *f, uint32_t cp);
/* Reads the three TTFs of dir into memory and checks that SDL_ttf opens them. */
bilet_status render_fonts_load(renderer *rd, const char *dir, bilet_err *err);
/* Closes every face and frees the glyphs and font data. */
void render_fonts_free(renderer *rd);

/* ---- render_text.c ---- */

/* Empties the texture cache (buckets, LRU, free list). */
void render_text_init(renderer *rd);
/* Destroys every cached texture and copy. */
void render_text_free(renderer *rd);
/* The texture entry of a text command (s, len: its bytes), rendered when new or changed;
 * -1 when it cannot be rendered. count: a hit counts in the stats. */
int render_text_texture(renderer *rd, const draw_cmd *c, const char *s, size_t len, bool count);

#endif
