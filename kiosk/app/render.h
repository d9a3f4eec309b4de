/*
 * render.h — draws a draw-command list (kiosk/ui/draw.h) with SDL2 and SDL2_ttf, and
 * measures text for the UI with the same fonts.
 *
 * Only this module includes <SDL_ttf.h>. Fonts are the TTFs in the fonts folder (Noto Sans
 * regular and bold, Noto Sans Mono), read into memory once and opened per size on demand.
 * Rendered text runs are cached as textures (keyed by font, size, colour, clip width and
 * bytes; editor lines by their cache_key), glyph advances and text widths per font and size,
 * so that a keystroke re-renders only the lines that changed. Every cache is capped; a frame
 * whose text is all cached allocates nothing.
 *
 * Two ways of setting a line (docs/rendering.md):
 *  - DRAW_TEXT without a cache_key is shaped by HarfBuzz (kerning) as SDL2_ttf does it; its
 *    width is what metrics.text_width says.
 *  - DRAW_TEXT with a cache_key (the editor's lines) is set glyph by glyph at exactly the
 *    whole-pixel advances metrics.advance reports, so that the editor's wrapping, caret and
 *    selection, measured with those advances, fall between the right letters.
 *
 * A renderer belongs to one thread and to the SDL_Renderer it was made for.
 */
#ifndef BILET_RENDER_H
#define BILET_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "draw.h"
#include "status.h"
#include "ui.h"

enum {
    RENDER_TEXTURES_MAX = 512,                   /* cached text textures */
    RENDER_TEXTURE_BYTES_MAX = 16 * 1024 * 1024, /* their pixels, 4 bytes each */
    RENDER_FONTS_MAX = 16,                       /* (font, size) faces open at once */
    RENDER_METRICS_MAX = 64,                     /* (font, size) pairs whose metrics are kept */
    RENDER_GLYPH_BYTES_MAX = 4 * 1024 * 1024,    /* cached glyph coverage, all fonts */
    RENDER_TEXT_MAX = 64 * 1024,                 /* bytes of one text run; longer is cut */
    RENDER_LINE_MAX_PX = 8192,                   /* widest texture of one run */
};

typedef struct renderer renderer;

/* Sets the SDL hints the renderer relies on; call before SDL_Init and before creating any
 * SDL renderer. SDL_HINT_FRAMEBUFFER_ACCELERATION = 0 keeps SDL on X11 from loading Mesa
 * and LLVM for the window surface (134 MiB RSS against 39 MiB). */
void render_set_hints(void);

/* Opens the fonts in fonts_dir (TTF_Init as needed) for drawing with r. r must outlive the
 * renderer. BILET_ENOTFOUND / BILET_EIO naming the font file that is missing or unreadable.
 * On success *out is the caller's (render_destroy). */
bilet_status render_create(SDL_Renderer *r, const char *fonts_dir, renderer **out, bilet_err *err);
/* Frees the caches and fonts (TTF_Quit when the last renderer goes). NULL is fine. */
void render_destroy(renderer *rd);

/* The metrics interface for ui_create, measuring with the renderer's fonts. Valid while rd
 * lives. A font that cannot be opened measures as a size-based estimate. */
ui_metrics render_metrics(renderer *rd);

/* Makes the target show dl. On a software target only the regions where dl differs from
 * the previous frame are redrawn (the pixels come out as a full redraw's would); a GPU
 * target, a new size or render_invalidate redraws everything. Where no command draws, the
 * target is white. A text run that cannot be rendered (out of memory) is left out and
 * counted (render_stats.text_failures); BILET_EIO when the SDL renderer itself fails. Does
 * not present. */
bilet_status render_frame(renderer *rd, const draw_list *dl, bilet_err *err);

/* The target's pixels are not what the last frame left (a new window surface, something
 * else drew): the next render_frame redraws everything. */
void render_invalidate(renderer *rd);

/* Saves what is on the render target as a PNG file (libpng), written to a temporary name
 * and renamed, so that the file is whole or absent. */
bilet_status render_save_png(renderer *rd, const char *path, bilet_err *err);

/* Whether the font has a glyph of its own for cp (not the "missing" box). */
bool render_has_glyph(renderer *rd, draw_font font, int size, uint32_t cp);

/* Counters for tests and benchmarks; they only grow, except the current sizes. */
typedef struct render_stats {
    uint64_t frames;
    uint64_t frames_partial; /* frames that redrew only part of the target */
    uint64_t pixels_drawn;   /* area redrawn, all frames */
    uint64_t text_hits;      /* text runs drawn from a cached texture */
    uint64_t text_misses;    /* text runs rendered anew */
    uint64_t text_evictions; /* textures dropped to stay under the caps */
    uint64_t text_failures;  /* text runs left out (SDL_ttf or memory failed) */
    uint64_t width_hits, width_misses;
    uint64_t advance_misses; /* advances asked of FreeType */
    uint64_t glyphs_rendered;
    uint64_t fonts_opened;
    size_t textures;      /* now cached */
    size_t texture_bytes; /* their pixels now */
    size_t glyph_bytes;   /* cached glyph coverage now */
} render_stats;
void render_debug_stats(const renderer *rd, render_stats *out);

/* An SDL software renderer drawing into a memory surface: no video driver and no display
 * needed (headless mode, tests, benchmarks). The surface is XRGB8888, as an X11 window's. */
typedef struct render_offscreen {
    SDL_Surface *surface;
    SDL_Renderer *sdl;
} render_offscreen;

/* Creates a width × height target. BILET_ENOMEM / BILET_EIO with SDL's reason. */
bilet_status render_offscreen_create(int width, int height, render_offscreen *out, bilet_err *err);
/* Frees both; a zeroed or NULL one is fine. */
void render_offscreen_free(render_offscreen *o);

#endif
