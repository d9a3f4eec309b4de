/*
 * render.c — the renderer's frames: a draw-command list onto an SDL renderer, redrawing on
 * a software target only the regions that changed since the last frame (render_damage.h),
 * PNG shots of the target, the SDL hints, memory targets for headless use, and the
 * renderer's life cycle. Fonts and metrics are in render_font.c, text textures in
 * render_text.c (docs/rendering.md).
 *
 * Load: a frame a second when idle (the clock), one per keystroke while typing; a keystroke
 * renders the edited line (and the counters) anew and redraws only their regions. A frame
 * whose text is all cached and whose damage records are big enough allocates nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "pngfile.h"
#include "render_internal.h"

/* ---- drawing ---- */

static bilet_status sdl_failed(bilet_err *err, const char *what)
{
    return bilet_fail(err, BILET_EIO, "renderer: %s: %s", what, SDL_GetError());
}

typedef struct draw_state {
    SDL_BlendMode blend;
} draw_state;

static int fill(renderer *rd, draw_state *ds, int x, int y, int w, int h, uint32_t color)
{
    if (w <= 0 || h <= 0 || (color & 0xFF) == 0)
        return 0;
    /* Opaque fills skip the per-pixel blend: SDL's software fill is then a memset. */
    SDL_BlendMode want = (color & 0xFF) == 0xFF ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND;
    if (want != ds->blend) {
        if (SDL_SetRenderDrawBlendMode(rd->r, want) != 0)
            return -1;
        ds->blend = want;
    }
    if (SDL_SetRenderDrawColor(rd->r, (Uint8)(color >> 24), (Uint8)(color >> 16),
                               (Uint8)(color >> 8), (Uint8)color) != 0)
        return -1;
    SDL_Rect rc = { x, y, w, h };
    return SDL_RenderFillRect(rd->r, &rc);
}

static int draw_frame_cmd(renderer *rd, draw_state *ds, const draw_cmd *c)
{
    int t = c->thickness > 0 ? c->thickness : 1;
    if (c->w <= 0 || c->h <= 0)
        return 0;
    if (2 * t >= c->w || 2 * t >= c->h)
        return fill(rd, ds, c->x, c->y, c->w, c->h, c->color);
    if (fill(rd, ds, c->x, c->y, c->w, t, c->color) != 0 ||
        fill(rd, ds, c->x, c->y + c->h - t, c->w, t, c->color) != 0 ||
        fill(rd, ds, c->x, c->y + t, t, c->h - 2 * t, c->color) != 0 ||
        fill(rd, ds, c->x + c->w - t, c->y + t, t, c->h - 2 * t, c->color) != 0)
        return -1;
    return 0;
}

/* The texture entry of a text command, rendering it when new (count: a lookup that counts
 * as a cache hit); -1 when it draws nothing or could not be rendered (counted). */
static int text_entry_of(renderer *rd, const draw_list *dl, const draw_cmd *c, bool count)
{
    if (c->text_len == 0 || (c->color & 0xFF) == 0 || c->w < 0)
        return -1;
    if ((size_t)c->text_off + c->text_len > dl->used)
        return -1; /* a command pointing past the arena: a UI bug, drawn as nothing */
    const char *s = draw_cmd_text(dl, c);
    size_t len = render_utf8_cut(s, c->text_len, RENDER_TEXT_MAX);
    int i = render_text_texture(rd, c, s, len, count);
    if (i < 0 && count)
        rd->stats.text_failures++;
    return i >= 0 && rd->entries[i].tex ? i : -1;
}

/* The pixels a command may touch, inside clip. */
static render_rect extent_of(renderer *rd, const draw_list *dl, const draw_cmd *c, render_rect clip)
{
    render_rect r = { c->x, c->y, c->w, c->h };
    switch (c->kind) {
    case DRAW_RECT:
    case DRAW_FRAME:
        if ((c->color & 0xFF) == 0)
            return (render_rect){ 0, 0, 0, 0 };
        break;
    case DRAW_TEXT: {
        int i = text_entry_of(rd, dl, c, true);
        if (i < 0)
            return (render_rect){ 0, 0, 0, 0 };
        const text_entry *e = &rd->entries[i];
        r.w = c->w > 0 && c->w < e->w ? c->w : e->w;
        r.h = e->h;
        break;
    }
    case DRAW_CLIP:
        return (render_rect){ 0, 0, 0, 0 };
    }
    return render_rect_meet(r, clip);
}

static int draw_cmd_now(renderer *rd, draw_state *ds, const draw_list *dl, const draw_cmd *c)
{
    switch (c->kind) {
    case DRAW_RECT:
        return fill(rd, ds, c->x, c->y, c->w, c->h, c->color);
    case DRAW_FRAME:
        return draw_frame_cmd(rd, ds, c);
    case DRAW_TEXT: {
        int i = text_entry_of(rd, dl, c, false);
        if (i < 0)
            return 0;
        const text_entry *e = &rd->entries[i];
        int w = c->w > 0 && c->w < e->w ? c->w : e->w;
        SDL_Rect src = { 0, 0, w, e->h }, dst = { c->x, c->y, w, e->h };
        return SDL_RenderCopy(rd->r, e->tex, &src, &dst);
    }
    case DRAW_CLIP:
        break;
    }
    return 0;
}

static int set_clip(renderer *rd, render_rect *current, render_rect want)
{
    if (current->x == want.x && current->y == want.y && current->w == want.w &&
        current->h == want.h)
        return 0;
    *current = want;
    SDL_Rect r = { want.x, want.y, want.w, want.h };
    return SDL_RenderSetClipRect(rd->r, &r);
}

/* Redraws region d: its background, then every command that touches it, in order. */
static int draw_region(renderer *rd, draw_state *ds, const draw_list *dl, render_rect d)
{
    const render_damage_frame *f = &rd->damage.cur;
    render_rect clip = { -1, -1, -1, -1 };
    if (set_clip(rd, &clip, d) != 0)
        return -1;
    /* Screens start with an opaque background: clearing under it would fill twice. */
    const render_damage_item *first = f->n ? &f->items[0] : NULL;
    render_rect under = first ? render_rect_meet(first->extent, d) : (render_rect){ 0, 0, 0, 0 };
    bool covered = first && first->cmd.kind == DRAW_RECT && (first->cmd.color & 0xFF) == 0xFF &&
                   under.x == d.x && under.y == d.y && under.w == d.w && under.h == d.h;
    if (!covered && fill(rd, ds, d.x, d.y, d.w, d.h, 0xFFFFFFFF) != 0)
        return -1;
    for (size_t k = 0; k < f->n; k++) {
        const render_damage_item *it = &f->items[k];
        if (render_rect_empty(render_rect_meet(it->extent, d)))
            continue;
        if (set_clip(rd, &clip, render_rect_meet(it->clip, d)) != 0 ||
            draw_cmd_now(rd, ds, dl, &dl->cmds[k]) != 0)
            return -1;
    }
    return 0;
}

/* Draws the whole list over the whole target without damage records (their memory could
 * not grow). */
static int draw_whole(renderer *rd, draw_state *ds, const draw_list *dl, render_rect target)
{
    render_rect clip = { -1, -1, -1, -1 };
    if (set_clip(rd, &clip, target) != 0 || fill(rd, ds, 0, 0, target.w, target.h, 0xFFFFFFFF))
        return -1;
    render_rect in_effect = target;
    for (size_t k = 0; k < dl->n; k++) {
        const draw_cmd *c = &dl->cmds[k];
        if (c->kind == DRAW_CLIP) {
            in_effect = c->w == 0 ? target
                        : c->w < 0 || c->h <= 0
                            ? (render_rect){ 0, 0, 0, 0 }
                            : render_rect_meet((render_rect){ c->x, c->y, c->w, c->h }, target);
            continue;
        }
        if (render_rect_empty(in_effect))
            continue;
        if (set_clip(rd, &clip, in_effect) != 0 || draw_cmd_now(rd, ds, dl, c) != 0)
            return -1;
    }
    return 0;
}

bilet_status render_frame(renderer *rd, const draw_list *dl, bilet_err *err)
{
    int out_w = 0, out_h = 0;
    if (SDL_GetRendererOutputSize(rd->r, &out_w, &out_h) != 0)
        return sdl_failed(err, "output size");
    render_rect target = { 0, 0, out_w, out_h };
    bool whole = !rd->keeps_pixels || out_w != rd->last_w || out_h != rd->last_h;
    rd->last_w = out_w;
    rd->last_h = out_h;
    draw_state ds = { .blend = SDL_BLENDMODE_NONE };
    if (SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_NONE) != 0)
        return sdl_failed(err, "blend mode");
    int rc = 0;
    if (render_damage_begin(&rd->damage, dl->n, dl->used, NULL) != BILET_OK) {
        render_damage_forget(&rd->damage);
        for (size_t k = 0; k < dl->n; k++)
            if (dl->cmds[k].kind == DRAW_TEXT) /* counted as the tracked path counts */
                (void)text_entry_of(rd, dl, &dl->cmds[k], true);
        rc = draw_whole(rd, &ds, dl, target);
        rd->stats.pixels_drawn += (uint64_t)out_w * (uint64_t)out_h;
    } else {
        render_rect clip = target;
        for (size_t k = 0; k < dl->n; k++) {
            const draw_cmd *c = &dl->cmds[k];
            if (c->kind == DRAW_CLIP)
                clip = c->w == 0 ? target
                       : c->w < 0 || c->h <= 0
                           ? (render_rect){ 0, 0, 0, 0 }
                           : render_rect_meet((render_rect){ c->x, c->y, c->w, c->h }, target);
            bool text_ok = c->kind == DRAW_TEXT && (size_t)c->text_off + c->text_len <= dl->used;
            render_damage_add(&rd->damage, c, text_ok ? draw_cmd_text(dl, c) : "",
                              text_ok ? c->text_len : 0, clip, extent_of(rd, dl, c, clip));
        }
        render_damage_compute(&rd->damage, out_w, out_h, whole);
        if (rd->damage.n_rects && !(rd->damage.n_rects == 1 && rd->damage.rects[0].w == out_w &&
                                    rd->damage.rects[0].h == out_h))
            rd->stats.frames_partial++;
        for (size_t i = 0; i < rd->damage.n_rects && rc == 0; i++) {
            rc = draw_region(rd, &ds, dl, rd->damage.rects[i]);
            rd->stats.pixels_drawn += (uint64_t)rd->damage.rects[i].w * rd->damage.rects[i].h;
        }
        render_damage_commit(&rd->damage);
    }
    if (rc != 0) {
        render_damage_forget(&rd->damage); /* the target is in doubt: redraw it whole next */
        return sdl_failed(err, "draw");
    }
    if (SDL_RenderSetClipRect(rd->r, NULL) != 0)
        return sdl_failed(err, "clip");
    rd->stats.frames++;
    return BILET_OK;
}

void render_invalidate(renderer *rd)
{
    render_damage_forget(&rd->damage);
}

bilet_status render_save_png(renderer *rd, const char *path, bilet_err *err)
{
    int w = 0, h = 0;
    if (SDL_GetRendererOutputSize(rd->r, &w, &h) != 0)
        return sdl_failed(err, "output size");
    if (w <= 0 || h <= 0 || w > PNGFILE_SIDE_MAX || h > PNGFILE_SIDE_MAX)
        return bilet_fail(err, BILET_EINVAL, "%s: cannot save a %d × %d frame", path, w, h);
    unsigned char *px = malloc((size_t)w * (size_t)h * 4);
    if (!px)
        return bilet_fail(err, BILET_ENOMEM, "%s: out of memory for a %d × %d frame", path, w, h);
    bilet_status st;
    /* RGBA32 is R, G, B, A in byte order whatever the machine's endianness. */
    if (SDL_RenderReadPixels(rd->r, NULL, SDL_PIXELFORMAT_RGBA32, px, w * 4) != 0)
        st = bilet_fail(err, BILET_EIO, "%s: cannot read the frame: %s", path, SDL_GetError());
    else
        st = pngfile_write_rgba(path, px, w, h, (size_t)w * 4, err);
    free(px);
    return st;
}

/* ---- life cycle ---- */

bilet_status render_create(SDL_Renderer *r, const char *fonts_dir, renderer **out, bilet_err *err)
{
    *out = NULL;
    if (TTF_Init() != 0) /* counted: one reference per renderer, dropped by render_destroy */
        return bilet_fail(err, BILET_EIO, "SDL_ttf: %s", TTF_GetError());
    renderer *rd = calloc(1, sizeof *rd);
    if (!rd) {
        TTF_Quit();
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the renderer");
    }
    rd->r = r;
    SDL_RendererInfo info;
    /* A software target is a surface that keeps its pixels between frames, so a frame
     * redraws only what changed; a GPU back buffer is undefined after a present. */
    rd->keeps_pixels = SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    render_text_init(rd);
    rd->scratch = malloc(SCRATCH_START);
    rd->scratch_cap = SCRATCH_START;
    bilet_status st = BILET_OK;
    if (!rd->scratch) {
        st = bilet_fail(err, BILET_ENOMEM, "out of memory for the renderer");
        goto out_destroy;
    }
    st = render_fonts_load(rd, fonts_dir, err);
    if (st != BILET_OK)
        goto out_destroy;
    *out = rd;
    return BILET_OK;

out_destroy:
    render_destroy(rd);
    return st;
}

void render_destroy(renderer *rd)
{
    if (!rd)
        return;
    render_text_free(rd);
    render_fonts_free(rd);
    render_damage_free(&rd->damage);
    free(rd->scratch);
    free(rd);
    TTF_Quit();
}

void render_debug_stats(const renderer *rd, render_stats *out)
{
    *out = rd->stats;
}

void render_set_hints(void)
{
    /* Without this SDL on X11 backs the software renderer's window surface with an OpenGL
     * framebuffer: Mesa and LLVM get loaded for nothing (DESIGN.md: 134 MiB against 39). */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    /* Text textures are blitted 1:1; nearest keeps them exact if anything ever scales. */
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    SDL_SetHint(SDL_HINT_RENDER_VSYNC, "0");
}

bilet_status render_offscreen_create(int width, int height, render_offscreen *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (width <= 0 || height <= 0 || width > PNGFILE_SIDE_MAX || height > PNGFILE_SIDE_MAX)
        return bilet_fail(err, BILET_EINVAL, "offscreen target: %d × %d is out of range", width,
                          height);
    out->surface = SDL_CreateRGBSurfaceWithFormat(0, width, height, 32, SDL_PIXELFORMAT_RGB888);
    if (!out->surface)
        return bilet_fail(err, BILET_ENOMEM, "offscreen target %d × %d: %s", width, height,
                          SDL_GetError());
    out->sdl = SDL_CreateSoftwareRenderer(out->surface);
    if (!out->sdl) {
        bilet_status st = bilet_fail(err, BILET_EIO, "software renderer: %s", SDL_GetError());
        render_offscreen_free(out);
        return st;
    }
    return BILET_OK;
}

void render_offscreen_free(render_offscreen *o)
{
    if (!o)
        return;
    if (o->sdl)
        SDL_DestroyRenderer(o->sdl);
    if (o->surface)
        SDL_FreeSurface(o->surface);
    o->sdl = NULL;
    o->surface = NULL;
}
