/*
 * render_font.c — the renderer's fonts: the three TTFs read into memory once, faces opened
 * per (font, size) on demand, metrics and glyph coverage cached per (font, size), the UI's
 * metrics interface, and the hashing and UTF-8 helpers the renderer's files share.
 *
 * Caches: up to RENDER_FONTS_MAX faces (the least recently used is closed to open another;
 * its glyphs go with it); up to RENDER_METRICS_MAX metric tables, kept apart from faces so
 * that a UI measuring many sizes never reopens a face to answer; advances in a direct array
 * below U+0500 (Latin, Cyrillic, Kazakh) and an open-addressed table above (when full,
 * asked of FreeType each time); glyphs likewise, all dropped at once when
 * RENDER_GLYPH_BYTES_MAX would be passed; text widths in a direct-mapped table keyed by a
 * 64-bit hash of the bytes (a collision would give a wrong width: 2^-64 a lookup).
 * Load: advances are asked for every code point the UI lays out each frame, so a hit must
 * cost an array read; FreeType's hinted metrics (~18 µs) are asked once per (size, code
 * point).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"

static const char *const font_files[FONT_COUNT] = {
    [FONT_REGULAR] = "NotoSans-Regular.ttf",
    [FONT_BOLD] = "NotoSans-Bold.ttf",
    [FONT_MONO] = "NotoSansMono-Regular.ttf",
};

/* ---- hashing ---- */

uint64_t render_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

uint64_t render_fnv1a(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

uint64_t render_run_hash(uint64_t base, int font, int size, uint32_t color, int limit)
{
    uint64_t k = ((uint64_t)(unsigned)font << 56) ^ ((uint64_t)(unsigned)size << 40) ^
                 ((uint64_t)color << 8) ^ (uint64_t)(unsigned)limit;
    return render_mix64(base ^ render_mix64(k));
}

/* ---- UTF-8 ---- */

/* Decodes one code point at s[*i] (of len bytes) and advances *i; malformed bytes decode as
 * U+FFFD one byte at a time, as SDL_ttf shows them. */
uint32_t render_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    uint32_t c = p[0];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *i += 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
        min = 0x10000;
    } else {
        *i += 1;
        return 0xFFFD;
    }
    if (left < n) {
        *i += 1;
        return 0xFFFD;
    }
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *i += 1;
        return 0xFFFD;
    }
    *i += n;
    return c;
}

/* The longest prefix of s no longer than max bytes that ends on a character boundary. */
size_t render_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Copies the run into the scratch buffer NUL-terminated, growing it up to its cap. Returns
 * the copy, or NULL when memory is short. */
const char *render_scratch_copy(renderer *rd, const char *s, size_t len)
{
    if (len + 1 > rd->scratch_cap) {
        size_t cap = rd->scratch_cap;
        while (cap < len + 1)
            cap *= 2;
        char *p = realloc(rd->scratch, cap);
        if (!p)
            return NULL;
        rd->scratch = p;
        rd->scratch_cap = cap;
    }
    memcpy(rd->scratch, s, len);
    rd->scratch[len] = '\0';
    return rd->scratch;
}

/* ---- fonts ---- */

void render_glyph_free(renderer *rd, glyph *g)
{
    if (!g)
        return;
    rd->stats.glyph_bytes -= (size_t)g->w * (size_t)g->h;
    free(g->alpha);
    free(g);
}

static void slot_drop_glyphs(renderer *rd, font_slot *f)
{
    for (size_t i = 0; i < BMP_DIRECT; i++) {
        render_glyph_free(rd, f->glyph_bmp[i]);
        f->glyph_bmp[i] = NULL;
    }
    for (size_t i = 0; i < GLYPH_HASH; i++) {
        render_glyph_free(rd, f->glyph_hash[i]);
        f->glyph_hash[i] = NULL;
    }
    f->glyph_hash_n = 0;
}

void render_font_close(renderer *rd, font_slot *f)
{
    if (!f->ttf)
        return;
    slot_drop_glyphs(rd, f);
    TTF_CloseFont(f->ttf);
    f->ttf = NULL;
    if (rd->last_font == f)
        rd->last_font = NULL;
}

int render_clamp_size(int size)
{
    return size < FONT_SIZE_MIN ? FONT_SIZE_MIN : size > FONT_SIZE_MAX ? FONT_SIZE_MAX : size;
}

draw_font render_clamp_font(draw_font font)
{
    return (unsigned)font < FONT_COUNT ? font : FONT_REGULAR;
}

/* The open slot of (font, size), opening it (and closing the least recently used) when
 * needed; NULL when SDL_ttf cannot open it. */
font_slot *render_font_get(renderer *rd, draw_font font, int size)
{
    font = render_clamp_font(font);
    size = render_clamp_size(size);
    rd->tick++;
    font_slot *f = rd->last_font;
    if (f && f->ttf && f->font == font && f->size == size) {
        f->last_used = rd->tick;
        return f;
    }
    font_slot *victim = NULL; /* a free slot, else the least recently used */
    for (size_t i = 0; i < RENDER_FONTS_MAX; i++) {
        f = &rd->fonts[i];
        if (f->ttf && f->font == font && f->size == size) {
            f->last_used = rd->tick;
            rd->last_font = f;
            return f;
        }
        if (!victim || (victim->ttf && (!f->ttf || f->last_used < victim->last_used)))
            victim = f;
    }
    render_font_close(rd, victim);
    SDL_RWops *rw = SDL_RWFromConstMem(rd->font_data[font], (int)rd->font_len[font]);
    TTF_Font *ttf = rw ? TTF_OpenFontRW(rw, 1, size) : NULL;
    if (!ttf)
        return NULL;
    /* Full hinting keeps advances whole pixels and stems crisp on a 96 dpi screen. */
    TTF_SetFontHinting(ttf, TTF_HINTING_NORMAL);
    TTF_SetFontKerning(ttf, 1);
    TTF_SetFontDirection(ttf, TTF_DIRECTION_LTR); /* fails harmlessly without HarfBuzz */
    f = victim;
    memset(f, 0, sizeof *f);
    f->ttf = ttf;
    f->font = font;
    f->size = size;
    f->last_used = rd->tick;
    f->height = TTF_FontHeight(ttf);
    f->ascent = TTF_FontAscent(ttf);
    rd->last_font = f;
    rd->stats.fonts_opened++;
    return f;
}

/* The metrics of (font, size), filled from its face on first use (the least recently used
 * slot is taken for it); NULL when the face cannot be opened. */
metric_slot *render_metric_get(renderer *rd, draw_font font, int size)
{
    font = render_clamp_font(font);
    size = render_clamp_size(size);
    rd->tick++;
    metric_slot *m = rd->last_metric;
    if (m && m->used && m->font == font && m->size == size) {
        m->last_used = rd->tick;
        return m;
    }
    metric_slot *victim = NULL; /* a free slot, else the least recently used */
    for (size_t i = 0; i < RENDER_METRICS_MAX; i++) {
        m = &rd->metrics[i];
        if (m->used && m->font == font && m->size == size) {
            m->last_used = rd->tick;
            rd->last_metric = m;
            return m;
        }
        if (!victim || (victim->used && (!m->used || m->last_used < victim->last_used)))
            victim = m;
    }
    font_slot *f = render_font_get(rd, font, size);
    if (!f)
        return NULL;
    m = victim;
    memset(m, 0, sizeof *m);
    m->used = true;
    m->font = font;
    m->size = size;
    m->last_used = rd->tick;
    m->line_skip = TTF_FontLineSkip(f->ttf);
    memset(m->adv_bmp, 0xFF, sizeof m->adv_bmp);
    rd->last_metric = m;
    return m;
}

int render_advance_of(renderer *rd, metric_slot *f, uint32_t cp)
{
    if (cp < BMP_DIRECT && f->adv_bmp[cp] >= 0)
        return f->adv_bmp[cp];
    size_t h = 0;
    if (cp >= BMP_DIRECT) {
        h = (size_t)render_mix64(cp) & (ADV_HASH - 1);
        for (size_t n = 0; n < ADV_HASH; n++, h = (h + 1) & (ADV_HASH - 1)) {
            if (f->adv_hash[h].cp1 == cp + 1)
                return f->adv_hash[h].adv;
            if (f->adv_hash[h].cp1 == 0)
                break;
        }
    }
    rd->stats.advance_misses++;
    int adv = 0;
    font_slot *face = render_font_get(rd, f->font, f->size);
    if (!face)
        return f->size / 2; /* an estimate; not cached */
    if (TTF_GlyphMetrics32(face->ttf, cp, NULL, NULL, NULL, NULL, &adv) != 0 || adv < 0)
        adv = 0;
    if (adv > INT16_MAX)
        adv = INT16_MAX;
    if (cp < BMP_DIRECT) {
        f->adv_bmp[cp] = (int16_t)adv;
    } else if (f->adv_hash_n < ADV_HASH * 3 / 4 && f->adv_hash[h].cp1 == 0) {
        f->adv_hash[h].cp1 = cp + 1;
        f->adv_hash[h].adv = adv;
        f->adv_hash_n++;
    }
    return adv;
}

/* Drops every cached glyph of every font (the glyph cap was reached). */
static void glyphs_flush(renderer *rd)
{
    for (size_t i = 0; i < RENDER_FONTS_MAX; i++)
        if (rd->fonts[i].ttf)
            slot_drop_glyphs(rd, &rd->fonts[i]);
}

/* The glyph of cp, rendered and cached on first use; NULL for a glyph that draws nothing
 * or when memory is short. */
const glyph *render_glyph(renderer *rd, font_slot *f, uint32_t cp)
{
    glyph **where = NULL;
    if (cp < BMP_DIRECT) {
        where = &f->glyph_bmp[cp];
        if (*where)
            return *where;
    } else {
        size_t h = (size_t)render_mix64(cp) & (GLYPH_HASH - 1);
        for (size_t n = 0; n < GLYPH_HASH; n++, h = (h + 1) & (GLYPH_HASH - 1)) {
            glyph *g = f->glyph_hash[h];
            if (g && g->cp == cp)
                return g;
            if (!g) {
                where = &f->glyph_hash[h];
                break;
            }
        }
        if (f->glyph_hash_n >= GLYPH_HASH * 3 / 4)
            where = NULL; /* the table is full: render, use, let go */
    }

    int minx = 0, maxy = 0;
    if (TTF_GlyphMetrics32(f->ttf, cp, &minx, NULL, NULL, &maxy, NULL) != 0)
        return NULL;
    SDL_Surface *s = TTF_RenderGlyph32_Blended(f->ttf, cp, (SDL_Color){ 255, 255, 255, 255 });
    if (!s)
        return NULL;
    rd->stats.glyphs_rendered++;
    size_t bytes = (size_t)s->w * (size_t)s->h;
    if (where && rd->stats.glyph_bytes + bytes > RENDER_GLYPH_BYTES_MAX)
        glyphs_flush(rd); /* empties the slots; `where` still points at an empty one */
    glyph *g = malloc(sizeof *g);
    unsigned char *alpha = malloc(bytes ? bytes : 1);
    if (!g || !alpha || SDL_LockSurface(s) != 0) {
        free(g);
        free(alpha);
        SDL_FreeSurface(s);
        return NULL;
    }
    /* SDL_ttf's blended output is ARGB8888 with the colour constant and coverage in alpha.
     * A lone glyph's bitmap starts at the pen, or at its left bearing when that is
     * negative; its baseline sits at the ascent, lower when the glyph rises above it. */
    for (int y = 0; y < s->h; y++) {
        const Uint32 *row =
            (const Uint32 *)((const unsigned char *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++)
            alpha[(size_t)y * s->w + x] = (unsigned char)(row[x] >> 24);
    }
    SDL_UnlockSurface(s);
    g->cp = cp;
    g->dx = minx < 0 ? minx : 0;
    g->dy = maxy > f->ascent ? f->ascent - maxy : 0;
    g->w = s->w;
    g->h = s->h;
    g->alpha = alpha;
    SDL_FreeSurface(s);
    rd->stats.glyph_bytes += bytes;
    if (!where) {
        /* The table is full: the glyph lives until the next uncached one. */
        render_glyph_free(rd, rd->loose);
        rd->loose = g;
        return g;
    }
    *where = g;
    if (cp >= BMP_DIRECT)
        f->glyph_hash_n++;
    return g;
}

/* ---- metrics ---- */

static int text_width(renderer *rd, draw_font font, int size, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    font = render_clamp_font(font);
    size = render_clamp_size(size);
    len = render_utf8_cut(s, len, RENDER_TEXT_MAX);
    uint64_t h = render_run_hash(render_fnv1a(s, len), (int)font, size, 0, 0);
    width_slot *w = &rd->widths[h & (WIDTH_CACHE - 1)];
    if (w->size == size && w->font == (int)font && w->len == len && w->hash == h) {
        rd->stats.width_hits++;
        return w->width;
    }
    rd->stats.width_misses++;
    font_slot *f = render_font_get(rd, font, size);
    const char *z = render_scratch_copy(rd, s, len);
    int width = 0, height = 0;
    if (!f || !z || TTF_SizeUTF8(f->ttf, z, &width, &height) != 0)
        return (int)(len * (size_t)size / 2); /* an estimate; not cached */
    *w = (width_slot){
        .hash = h, .len = (uint32_t)len, .font = (int)font, .size = size, .width = width
    };
    return width;
}

static int m_text_width(void *ctx, draw_font font, int size, const char *s, size_t len)
{
    return text_width(ctx, font, size, s, len);
}

static int m_line_height(void *ctx, draw_font font, int size)
{
    metric_slot *m = render_metric_get(ctx, font, size);
    return m ? m->line_skip : render_clamp_size(size) * 4 / 3;
}

static int m_advance(void *ctx, draw_font font, int size, uint32_t cp)
{
    renderer *rd = ctx;
    metric_slot *m = render_metric_get(rd, font, size);
    return m ? render_advance_of(rd, m, cp) : render_clamp_size(size) / 2;
}

ui_metrics render_metrics(renderer *rd)
{
    return (ui_metrics){
        .ctx = rd, .text_width = m_text_width, .line_height = m_line_height, .advance = m_advance
    };
}

bool render_has_glyph(renderer *rd, draw_font font, int size, uint32_t cp)
{
    font_slot *f = render_font_get(rd, font, size);
    return f && TTF_GlyphIsProvided32(f->ttf, cp) != 0;
}

/* ---- loading ---- */

static bilet_status font_read(renderer *rd, const char *dir, draw_font font, bilet_err *err)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, font_files[font]) >= sizeof path)
        return bilet_fail(err, BILET_EINVAL, "fonts folder %s: the path is too long", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO,
                          "%s: cannot open the font: %s", path, strerror(errno));
    bilet_status st = BILET_OK;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    /* A font file is hostile input too: a sane TTF of these fonts is well under 32 MiB. */
    if (len <= 0 || len > 32L * 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0) {
        st = bilet_fail(err, BILET_EIO, "%s: not a font file of a usable size", path);
        goto out_close;
    }
    rd->font_data[font] = malloc((size_t)len);
    if (!rd->font_data[font]) {
        st = bilet_fail(err, BILET_ENOMEM, "%s: out of memory for the font", path);
        goto out_close;
    }
    if (fread(rd->font_data[font], 1, (size_t)len, f) != (size_t)len) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot read the font", path);
        goto out_close;
    }
    rd->font_len[font] = (size_t)len;
    if (!render_font_get(rd, font, 16))
        st = bilet_fail(err, BILET_EPARSE, "%s: SDL_ttf cannot open it: %s", path, TTF_GetError());
out_close:
    fclose(f);
    return st;
}

bilet_status render_fonts_load(renderer *rd, const char *dir, bilet_err *err)
{
    for (int f = 0; f < FONT_COUNT; f++) {
        bilet_status st = font_read(rd, dir, (draw_font)f, err);
        if (st != BILET_OK)
            return st;
    }
    return BILET_OK;
}

void render_fonts_free(renderer *rd)
{
    for (size_t i = 0; i < RENDER_FONTS_MAX; i++)
        render_font_close(rd, &rd->fonts[i]);
    render_glyph_free(rd, rd->loose);
    rd->loose = NULL;
    for (int f = 0; f < FONT_COUNT; f++) {
        free(rd->font_data[f]);
        rd->font_data[f] = NULL;
    }
}
