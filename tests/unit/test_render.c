/*
 * test_render.c — the renderer, PNG files and key mapping, on SDL's software renderer into a
 * memory surface: no video driver, no display. Pixels are read back from the surface.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "draw.h"
#include "keymap.h"
#include "pngfile.h"
#include "render.h"

#include "test_main.h"

#define FONTS BILET_SOURCE_DIR "/fonts"

enum { W = 640, H = 200 };

typedef struct fx {
    render_offscreen o;
    renderer *rd;
    draw_list dl;
    ui_metrics m;
    bilet_err err;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(render_offscreen_create(W, H, &f->o, &f->err), BILET_OK);
    assert_int_equal(render_create(f->o.sdl, FONTS, &f->rd, &f->err), BILET_OK);
    assert_int_equal(draw_list_init(&f->dl, 1024, 256 * 1024, &f->err), BILET_OK);
    f->m = render_metrics(f->rd);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    draw_list_free(&f->dl);
    render_destroy(f->rd);
    render_offscreen_free(&f->o);
    free(f);
    return 0;
}

static void frame(fx *f)
{
    assert_int_equal(render_frame(f->rd, &f->dl, &f->err), BILET_OK);
    SDL_RenderFlush(f->o.sdl);
}

static void text(fx *f, int x, int y, draw_font font, int size, uint32_t color, const char *s,
                 uint64_t key)
{
    draw_text(&f->dl, x, y, font, size, color, s, strlen(s), key);
}

/* The pixel at (x, y) as 0xRRGGBB. */
static uint32_t px(const fx *f, int x, int y)
{
    const SDL_Surface *s = f->o.surface;
    Uint32 v =
        *(const Uint32 *)((const unsigned char *)s->pixels + (size_t)y * s->pitch + (size_t)x * 4);
    Uint8 r, g, b;
    SDL_GetRGB(v, s->format, &r, &g, &b);
    return (uint32_t)r << 16 | (uint32_t)g << 8 | b;
}

static bool dark(uint32_t rgb)
{
    return ((rgb >> 16) & 0xFF) < 128 && ((rgb >> 8) & 0xFF) < 128 && (rgb & 0xFF) < 128;
}

/* Dark pixels in [x0, x1) × [y0, y1). */
static int dark_in(const fx *f, int x0, int y0, int x1, int y1)
{
    int n = 0;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < H; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < W; x++)
            n += dark(px(f, x, y));
    return n;
}

static int near(uint32_t a, uint32_t b, int tol)
{
    for (int sh = 0; sh < 24; sh += 8) {
        int d = (int)((a >> sh) & 0xFF) - (int)((b >> sh) & 0xFF);
        if (d > tol || d < -tol)
            return 0;
    }
    return 1;
}

/* The sum of the advances of s (one- and two-byte UTF-8 only), as the editor measures. */
static int advances(fx *f, draw_font font, int size, const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t cp = *p;
        if (*p >= 0x80) {
            cp = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
            p++;
        }
        p++;
        w += f->m.advance(f->m.ctx, font, size, cp);
    }
    return w;
}

static void russian_and_kazakh_text_renders_dark_pixels_where_the_text_is(void **state)
{
    fx *f = *state;
    const char *ru = "Ответ студента";
    const char *kk = "Қазақ тілі әліпбиі ӘҒҚҢӨҰҮҺІ";
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 24, 0x000000FF, ru, 0);
    text(f, 10, 80, FONT_BOLD, 24, 0x000000FF, kk, 42);
    frame(f);
    int lh = f->m.line_height(f->m.ctx, FONT_REGULAR, 24);
    int w_ru = f->m.text_width(f->m.ctx, FONT_REGULAR, 24, ru, strlen(ru));
    assert_true(lh > 24);
    assert_true(w_ru > 100);
    int in_ru = dark_in(f, 10, 10, 10 + w_ru, 10 + lh);
    int in_kk = dark_in(f, 10, 80, W, 80 + lh);
    assert_true(in_ru > 200);
    assert_true(in_kk > 200);
    /* Nothing dark anywhere else. */
    int all = dark_in(f, 0, 0, W, H);
    assert_int_equal(all, in_ru + in_kk);
}

static void rect_colours_land_in_their_pixels(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_rect(&f->dl, 10, 10, 50, 40, 0xD02030FF);
    draw_rect(&f->dl, 100, 10, 50, 40, 0x00FF0080); /* half-transparent green on white */
    frame(f);
    assert_int_equal(px(f, 10, 10), 0xD02030);
    assert_int_equal(px(f, 59, 49), 0xD02030);
    assert_int_equal(px(f, 60, 50), 0xFFFFFF);
    assert_int_equal(px(f, 9, 9), 0xFFFFFF);
    assert_true(near(px(f, 120, 30), 0x7FFF7F, 2));
}

static void frame_draws_its_border_and_leaves_the_inside(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_frame(&f->dl, 20, 20, 100, 60, 3, 0x1030C0FF);
    frame(f);
    assert_int_equal(px(f, 20, 20), 0x1030C0);
    assert_int_equal(px(f, 22, 50), 0x1030C0);  /* left edge, 3 px */
    assert_int_equal(px(f, 119, 79), 0x1030C0); /* bottom-right corner */
    assert_int_equal(px(f, 23, 50), 0xFFFFFF);  /* just inside */
    assert_int_equal(px(f, 70, 50), 0xFFFFFF);
    assert_int_equal(px(f, 120, 50), 0xFFFFFF); /* just outside */
}

static void clip_keeps_drawing_inside_its_rectangle_until_cleared(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_clip(&f->dl, 0, 0, 50, 50);
    draw_rect(&f->dl, 0, 0, W, 100, 0x000000FF);
    draw_clip(&f->dl, 0, 0, 0, 0);
    draw_rect(&f->dl, 0, 150, W, 10, 0x000000FF);
    frame(f);
    assert_int_equal(px(f, 49, 49), 0x000000);
    assert_int_equal(px(f, 50, 10), 0xFFFFFF);
    assert_int_equal(px(f, 10, 60), 0xFFFFFF);
    assert_int_equal(px(f, 600, 155), 0x000000); /* the clip is gone */
}

static void text_is_cut_at_its_width(void **state)
{
    fx *f = *state;
    const char *s = "Длинная строка, которая не помещается в отведённую ширину";
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_text(&f->dl, 10, 10, FONT_REGULAR, 24, 0x000000FF, s, strlen(s), 0);
    draw_text(&f->dl, 10, 60, FONT_REGULAR, 24, 0x000000FF, s, strlen(s), 9);
    f->dl.cmds[1].w = 120;
    f->dl.cmds[2].w = 120;
    frame(f);
    assert_true(dark_in(f, 10, 10, 130, 110) > 200);
    assert_int_equal(dark_in(f, 130, 0, W, H), 0);
}

static void kazakh_letters_have_glyphs_and_advances_in_every_font(void **state)
{
    fx *f = *state;
    const char *letters = "ӘҒҚҢӨҰҮҺІәғқңөұүһі";
    for (int font = 0; font < FONT_COUNT; font++) {
        for (size_t i = 0; letters[i];) {
            uint32_t cp = ((uint32_t)(letters[i] & 0x1F) << 6) | (letters[i + 1] & 0x3F);
            i += 2;
            assert_true(render_has_glyph(f->rd, (draw_font)font, 24, cp));
            assert_true(f->m.advance(f->m.ctx, (draw_font)font, 24, cp) > 0);
        }
    }
    assert_false(render_has_glyph(f->rd, FONT_REGULAR, 24, 0x4E2D)); /* no CJK here */
}

static void line_height_grows_with_the_size(void **state)
{
    fx *f = *state;
    int small = f->m.line_height(f->m.ctx, FONT_REGULAR, 16);
    int big = f->m.line_height(f->m.ctx, FONT_REGULAR, 32);
    assert_true(small >= 16);
    assert_true(big > small);
}

static void shaped_text_ends_where_text_width_says(void **state)
{
    fx *f = *state;
    const char *s = "Ответ ТАТА студента";
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 24, 0x000000FF, s, 0);
    frame(f);
    int w = f->m.text_width(f->m.ctx, FONT_REGULAR, 24, s, strlen(s));
    assert_int_equal(dark_in(f, 10 + w, 0, W, H), 0);
    assert_true(dark_in(f, 10 + w - 12, 0, 10 + w, H) > 0);
}

/* The editor places the caret after "Т" at x + advance(Т): the keyed line's "А" must be
 * there, kerning or not. */
static void keyed_line_sets_each_letter_at_the_advances_of_the_letters_before(void **state)
{
    fx *f = *state;
    int adv_t = f->m.advance(f->m.ctx, FONT_REGULAR, 24, 0x0422); /* Т */
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 24, 0x000000FF, "ТАТА", 1);
    text(f, 10, 80, FONT_REGULAR, 24, 0x000000FF, "Т", 2);
    text(f, 10 + adv_t, 80, FONT_REGULAR, 24, 0x000000FF, "А", 3);
    text(f, 10 + adv_t + f->m.advance(f->m.ctx, FONT_REGULAR, 24, 0x0410), 80, FONT_REGULAR, 24,
         0x000000FF, "ТА", 4);
    frame(f);
    int lh = f->m.line_height(f->m.ctx, FONT_REGULAR, 24);
    int differ = 0;
    for (int y = 0; y < lh; y++)
        for (int x = 0; x < 200; x++)
            differ += !near(px(f, 10 + x, 10 + y), px(f, 10 + x, 80 + y), 48);
    /* Where glyphs touch, two blends differ from one composition by a shade at most. */
    assert_true(differ <= 4);
    assert_true(dark_in(f, 10, 10, 210, 10 + lh) > 100);
}

static void unchanged_frame_is_drawn_from_the_cache(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 20, 0x000000FF, "Билет № 7", 0);
    text(f, 10, 40, FONT_MONO, 20, 0x000000FF, "Осталось 01:29:59", 0);
    text(f, 10, 70, FONT_REGULAR, 20, 0x000000FF, "Строка ответа", 77);
    frame(f);
    render_stats a, b;
    render_debug_stats(f->rd, &a);
    assert_int_equal(a.text_misses, 3);
    frame(f);
    frame(f);
    render_debug_stats(f->rd, &b);
    assert_int_equal(b.text_misses, 3);
    assert_int_equal(b.text_hits, a.text_hits + 6);
    assert_int_equal(b.textures, 3);
    assert_int_equal(b.text_failures, 0);
}

static void edited_keyed_line_is_rendered_again_in_the_same_entry(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 20, 0x000000FF, "Ответ", 5);
    frame(f);
    render_stats a, b;
    render_debug_stats(f->rd, &a);
    draw_list_clear(&f->dl);
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 20, 0x000000FF, "Ответ студента", 5);
    frame(f);
    render_debug_stats(f->rd, &b);
    assert_int_equal(b.text_misses, a.text_misses + 1);
    assert_int_equal(b.textures, a.textures);
    assert_true(b.texture_bytes > a.texture_bytes);
    int w = advances(f, FONT_REGULAR, 20, "Ответ студента");
    assert_true(dark_in(f, 10 + w - 15, 10, 10 + w, 40) > 0); /* the new end is drawn */
}

static void texture_cache_stays_under_its_caps(void **state)
{
    fx *f = *state;
    char s[64];
    for (int round = 0; round < (RENDER_TEXTURES_MAX + 100) / 100; round++) {
        draw_list_clear(&f->dl);
        for (int i = 0; i < 100; i++) {
            snprintf(s, sizeof s, "строка %d", round * 100 + i);
            text(f, 0, (i % 8) * 25, FONT_REGULAR, 16, 0x000000FF, s, 0);
        }
        frame(f);
    }
    render_stats st;
    render_debug_stats(f->rd, &st);
    assert_true(st.textures <= RENDER_TEXTURES_MAX);
    assert_true(st.texture_bytes <= RENDER_TEXTURE_BYTES_MAX);
    assert_true(st.text_evictions >=
                100 * ((RENDER_TEXTURES_MAX + 100) / 100) - RENDER_TEXTURES_MAX);
    assert_int_equal(st.text_failures, 0);
}

static void blank_and_malformed_text_draw_without_failing(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    text(f, 10, 10, FONT_REGULAR, 20, 0x000000FF, "    ", 0);
    text(f, 10, 40, FONT_REGULAR, 20, 0x000000FF, "    ", 11);
    text(f, 10, 70, FONT_REGULAR, 20, 0x000000FF, "\xff\xfe ab \xd0", 12);
    text(f, 10, 100, FONT_REGULAR, 20, 0x000000FF, "\xff\xfe ab \xd0", 0);
    frame(f);
    frame(f);
    render_stats st;
    render_debug_stats(f->rd, &st);
    assert_int_equal(st.text_failures, 0);
    assert_int_equal(st.text_misses, 4);
    assert_int_equal(dark_in(f, 0, 0, W, 40), 0);
    assert_true(dark_in(f, 0, 70, W, 130) > 0);
}

/* Frames that differ in the ways screens do: text typed into a keyed line, a rect moved, a
 * command gone, two overlapping rects drawn in the other order, a clip changed, a
 * half-transparent overlay. */
static void build_frame(draw_list *dl, int step)
{
    draw_list_clear(dl);
    draw_rect(dl, 0, 0, W, H, 0xF3F6FAFF);
    draw_rect(dl, 0, 0, W, 30, 0x16325CFF);
    const char *clock = step % 2 ? "Осталось 01:29:58" : "Осталось 01:29:59";
    draw_text(dl, 10, 4, FONT_BOLD, 18, 0xFFFFFFFF, clock, strlen(clock), 0);
    static const char *const line[] = { "Ответ",     "Ответ с",   "Ответ ст", "Ответ сту",
                                        "Ответ сту", "Ответ сту", "Ответ сту" };
    draw_clip(dl, 20, 40, step >= 4 ? 300 : 400, 100);
    draw_text(dl, 20, 40, FONT_REGULAR, 24, 0x17233AFF, line[step], strlen(line[step]), 7);
    draw_text(dl, 20, 80, FONT_REGULAR, 24, 0x17233AFF, "Қазақ тілі әліпбиі ӘҒҚҢӨҰҮҺІ",
              strlen("Қазақ тілі әліпбиі ӘҒҚҢӨҰҮҺІ"), 8);
    draw_clip(dl, 0, 0, 0, 0);
    if (step < 3)
        draw_frame(dl, 450, 40, 100, 60, 2, 0x1D4F91FF);
    draw_rect(dl, 460 + (step >= 2 ? 40 : 0), 120, 50, 50, 0xD02030FF);
    if (step == 5 || step == 3) {
        draw_rect(dl, 560, 120, 40, 40, 0x2E7D32FF);
        draw_rect(dl, 580, 140, 40, 40, 0xE0A000FF);
    } else {
        draw_rect(dl, 580, 140, 40, 40, 0xE0A000FF);
        draw_rect(dl, 560, 120, 40, 40, 0x2E7D32FF);
    }
    if (step == 6)
        draw_rect(dl, 0, 0, W, H, 0x00000060);
}

static void partial_redraw_gives_the_same_pixels_as_a_full_one(void **state)
{
    fx *f = *state;
    for (int step = 0; step < 7; step++) {
        build_frame(&f->dl, step);
        frame(f);
        fx *g = NULL;
        assert_int_equal(setup((void **)&g), 0);
        build_frame(&g->dl, step);
        frame(g);
        for (int y = 0; y < H; y++)
            assert_memory_equal(
                (const unsigned char *)f->o.surface->pixels + (size_t)y * f->o.surface->pitch,
                (const unsigned char *)g->o.surface->pixels + (size_t)y * g->o.surface->pitch,
                (size_t)W * 4);
        teardown((void **)&g);
    }
    render_stats st;
    render_debug_stats(f->rd, &st);
    assert_true(st.frames_partial >= 4);
}

static void unchanged_frame_redraws_no_pixel(void **state)
{
    fx *f = *state;
    build_frame(&f->dl, 1);
    frame(f);
    render_stats a, b;
    render_debug_stats(f->rd, &a);
    frame(f);
    render_debug_stats(f->rd, &b);
    assert_int_equal(b.pixels_drawn, a.pixels_drawn);
    assert_int_equal(b.frames, a.frames + 1);
}

static void typed_character_redraws_only_its_line(void **state)
{
    fx *f = *state;
    build_frame(&f->dl, 1);
    frame(f);
    render_stats a, b;
    render_debug_stats(f->rd, &a);
    build_frame(&f->dl, 3); /* the same clock; a longer line, a rect moved, a frame gone */
    frame(f);
    render_debug_stats(f->rd, &b);
    uint64_t drawn = b.pixels_drawn - a.pixels_drawn;
    assert_true(drawn > 0);
    assert_true(drawn < (uint64_t)W * H / 4);
}

static void invalidated_target_is_redrawn_whole(void **state)
{
    fx *f = *state;
    build_frame(&f->dl, 1);
    frame(f);
    SDL_FillRect(f->o.surface, NULL, 0); /* something else drew over it */
    render_invalidate(f->rd);
    render_stats a, b;
    render_debug_stats(f->rd, &a);
    frame(f);
    render_debug_stats(f->rd, &b);
    assert_int_equal(b.pixels_drawn - a.pixels_drawn, (uint64_t)W * H);
    assert_int_equal(px(f, 300, 190), 0xF3F6FA);
}

static void frames_of_rects_alone_redraw_by_damage_too(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_rect(&f->dl, 10, 10, 40, 40, 0xD02030FF);
    frame(f);
    draw_list_clear(&f->dl);
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_rect(&f->dl, 100, 10, 40, 40, 0xD02030FF);
    frame(f);
    assert_int_equal(px(f, 20, 20), 0xFFFFFF); /* where the rect was */
    assert_int_equal(px(f, 110, 20), 0xD02030);
    render_stats st;
    render_debug_stats(f->rd, &st);
    assert_int_equal(st.frames_partial, 1);
}

static void frame_saved_as_png_reads_back_with_its_size_and_pixels(void **state)
{
    fx *f = *state;
    char dir[] = "/tmp/bilet-render-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/shot.png", dir);
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    draw_rect(&f->dl, 0, 0, 10, 10, 0xFF0000FF);
    text(f, 20, 20, FONT_REGULAR, 24, 0x000000FF, "Қазақ", 0);
    frame(f);
    assert_int_equal(render_save_png(f->rd, path, &f->err), BILET_OK);
    unsigned char *rgba = NULL;
    int w = 0, h = 0;
    assert_int_equal(pngfile_read_rgba(path, &rgba, &w, &h, &f->err), BILET_OK);
    assert_int_equal(w, W);
    assert_int_equal(h, H);
    assert_memory_equal(rgba + (5 * W + 5) * 4, "\xff\x00\x00\xff", 4);
    assert_memory_equal(rgba + (150 * W + 300) * 4, "\xff\xff\xff\xff", 4);
    int dark_px = 0;
    for (int y = 20; y < 60; y++)
        for (int x = 20; x < 120; x++)
            dark_px += rgba[(y * W + x) * 4] < 128;
    assert_true(dark_px > 50);
    free(rgba);
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0); /* renamed into place */
    unlink(path);
    rmdir(dir);
}

static void png_into_a_missing_folder_fails_naming_the_path(void **state)
{
    fx *f = *state;
    draw_rect(&f->dl, 0, 0, W, H, 0xFFFFFFFF);
    frame(f);
    assert_int_equal(render_save_png(f->rd, "/nonexistent-bilet/dir/shot.png", &f->err), BILET_EIO);
    assert_non_null(strstr(f->err.msg, "/nonexistent-bilet/dir/shot.png"));
}

static void file_that_is_not_png_is_refused_on_read(void **state)
{
    (void)state;
    char path[] = "/tmp/bilet-notpng-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "not a png at all", 16), 16);
    close(fd);
    unsigned char *px_ = (unsigned char *)1;
    int w = 1, h = 1;
    bilet_err err = { { 0 } };
    assert_int_equal(pngfile_read_rgba(path, &px_, &w, &h, &err), BILET_EPARSE);
    assert_null(px_);
    assert_int_equal(w, 0);
    assert_non_null(strstr(err.msg, path));
    unlink(path);
}

static void missing_fonts_folder_is_refused_naming_the_font_file(void **state)
{
    fx *f = *state;
    renderer *rd = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(render_create(f->o.sdl, "/nonexistent-bilet-fonts", &rd, &err),
                     BILET_ENOTFOUND);
    assert_null(rd);
    assert_non_null(strstr(err.msg, "/nonexistent-bilet-fonts/NotoSans-Regular.ttf"));
}

static void key_names_map_to_ui_keys(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        ui_key key;
    } cases[] = {
        { "Return", UI_KEY_RETURN },
        { "Escape", UI_KEY_ESCAPE },
        { "PageUp", UI_KEY_PAGEUP },
        { "PageDown", UI_KEY_PAGEDOWN },
        { "BackSpace", UI_KEY_BACKSPACE },
        { "Delete", UI_KEY_DELETE },
        { "Tab", UI_KEY_TAB },
        { "Left", UI_KEY_LEFT },
        { "Right", UI_KEY_RIGHT },
        { "Up", UI_KEY_UP },
        { "Down", UI_KEY_DOWN },
        { "Home", UI_KEY_HOME },
        { "End", UI_KEY_END },
        { "return", UI_KEY_RETURN },
        { "Enter", UI_KEY_RETURN },
        { "Esc", UI_KEY_ESCAPE },
        { "a", UI_KEY_A },
        { "Z", UI_KEY_Z },
        { "1", UI_KEY_OTHER },
        { "Space", UI_KEY_OTHER },
    };
    bilet_err err = { { 0 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ui_key k = UI_KEY_NONE;
        assert_int_equal(keymap_from_name(cases[i].name, &k, &err), BILET_OK);
        assert_int_equal(k, cases[i].key);
    }
    for (int n = 1; n <= 12; n++) {
        char name[16];
        snprintf(name, sizeof name, "F%d", n);
        ui_key k = UI_KEY_NONE;
        assert_int_equal(keymap_from_name(name, &k, &err), BILET_OK);
        assert_int_equal(k, UI_KEY_F1 + (n - 1));
    }
}

static void unknown_key_name_is_refused_naming_it(void **state)
{
    (void)state;
    bilet_err err = { { 0 } };
    ui_key k = UI_KEY_RETURN;
    assert_int_equal(keymap_from_name("Flurb", &k, &err), BILET_EPARSE);
    assert_int_equal(k, UI_KEY_NONE);
    assert_non_null(strstr(err.msg, "Flurb"));
    assert_int_equal(keymap_from_name("", &k, &err), BILET_EPARSE);
}

static void one_character_names_type_that_character(void **state)
{
    (void)state;
    char out[8];
    assert_true(keymap_name_is_text("1", out));
    assert_string_equal(out, "1");
    assert_true(keymap_name_is_text("ж", out));
    assert_string_equal(out, "ж");
    assert_true(keymap_name_is_text("Ә", out));
    assert_string_equal(out, "Ә");
    assert_true(keymap_name_is_text("space", out));
    assert_string_equal(out, " ");
    assert_false(keymap_name_is_text("F1", out));
    assert_false(keymap_name_is_text("Return", out));
    assert_false(keymap_name_is_text("\x7f", out));
    assert_false(keymap_name_is_text("\xd0", out)); /* a cut UTF-8 sequence */
    assert_false(keymap_name_is_text("\xe0\x80\x80", out));
    assert_false(keymap_name_is_text("", out));
}

static void sdl_keys_and_modifiers_map_to_ui_keys_and_mods(void **state)
{
    (void)state;
    assert_int_equal(keymap_from_sdl(SDLK_KP_ENTER), UI_KEY_RETURN);
    assert_int_equal(keymap_from_sdl(SDLK_F12), UI_KEY_F12);
    assert_int_equal(keymap_from_sdl(SDLK_LCTRL), UI_KEY_NONE);
    assert_int_equal(keymap_from_sdl(SDLK_q), UI_KEY_OTHER);
    assert_int_equal(keymap_from_sdl(SDLK_7), UI_KEY_OTHER);
    assert_int_equal(keymap_mods(KMOD_LCTRL | KMOD_RSHIFT), UI_MOD_CTRL | UI_MOD_SHIFT);
    assert_int_equal(keymap_mods(KMOD_RALT), UI_MOD_ALT);
    assert_int_equal(keymap_mods(KMOD_NUM | KMOD_CAPS), 0);
}

static void shortcut_letter_on_a_cyrillic_layout_is_found_by_its_key(void **state)
{
    (void)state;
    SDL_Keysym ks = { .scancode = SDL_SCANCODE_A, .sym = 0x0444 /* ф */ };
    assert_int_equal(keymap_from_keysym(&ks), UI_KEY_A);
    ks = (SDL_Keysym){ .scancode = SDL_SCANCODE_Z, .sym = 0x044F /* я */ };
    assert_int_equal(keymap_from_keysym(&ks), UI_KEY_Z);
    ks = (SDL_Keysym){ .scancode = SDL_SCANCODE_Q, .sym = 0x0439 /* й */ };
    assert_int_equal(keymap_from_keysym(&ks), UI_KEY_OTHER);
    ks = (SDL_Keysym){ .scancode = SDL_SCANCODE_A, .sym = SDLK_F1 };
    assert_int_equal(keymap_from_keysym(&ks), UI_KEY_F1);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(russian_and_kazakh_text_renders_dark_pixels_where_the_text_is,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(rect_colours_land_in_their_pixels, setup, teardown),
    cmocka_unit_test_setup_teardown(frame_draws_its_border_and_leaves_the_inside, setup, teardown),
    cmocka_unit_test_setup_teardown(clip_keeps_drawing_inside_its_rectangle_until_cleared, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(text_is_cut_at_its_width, setup, teardown),
    cmocka_unit_test_setup_teardown(kazakh_letters_have_glyphs_and_advances_in_every_font, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(line_height_grows_with_the_size, setup, teardown),
    cmocka_unit_test_setup_teardown(shaped_text_ends_where_text_width_says, setup, teardown),
    cmocka_unit_test_setup_teardown(
        keyed_line_sets_each_letter_at_the_advances_of_the_letters_before, setup, teardown),
    cmocka_unit_test_setup_teardown(unchanged_frame_is_drawn_from_the_cache, setup, teardown),
    cmocka_unit_test_setup_teardown(edited_keyed_line_is_rendered_again_in_the_same_entry, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(texture_cache_stays_under_its_caps, setup, teardown),
    cmocka_unit_test_setup_teardown(blank_and_malformed_text_draw_without_failing, setup, teardown),
    cmocka_unit_test_setup_teardown(partial_redraw_gives_the_same_pixels_as_a_full_one, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(unchanged_frame_redraws_no_pixel, setup, teardown),
    cmocka_unit_test_setup_teardown(typed_character_redraws_only_its_line, setup, teardown),
    cmocka_unit_test_setup_teardown(invalidated_target_is_redrawn_whole, setup, teardown),
    cmocka_unit_test_setup_teardown(frames_of_rects_alone_redraw_by_damage_too, setup, teardown),
    cmocka_unit_test_setup_teardown(frame_saved_as_png_reads_back_with_its_size_and_pixels, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(png_into_a_missing_folder_fails_naming_the_path, setup,
                                    teardown),
    cmocka_unit_test(file_that_is_not_png_is_refused_on_read),
    cmocka_unit_test_setup_teardown(missing_fonts_folder_is_refused_naming_the_font_file, setup,
                                    teardown),
    cmocka_unit_test(key_names_map_to_ui_keys),
    cmocka_unit_test(unknown_key_name_is_refused_naming_it),
    cmocka_unit_test(one_character_names_type_that_character),
    cmocka_unit_test(sdl_keys_and_modifiers_map_to_ui_keys_and_mods),
    cmocka_unit_test(shortcut_letter_on_a_cyrillic_layout_is_found_by_its_key),
};

BILET_TEST_MAIN(tests)
