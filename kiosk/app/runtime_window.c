/*
 * runtime_window.c — the runtime plugged into the real window loop (window.h): input goes
 * to the runtime at the real time of the moment, each frame ticks the session and builds
 * the draw list, and the window may close only while no session is open or after it was
 * closed. Load: a frame per input batch and one a second when idle.
 */
#include <time.h>

#include "runtime.h"
#include "window.h"

enum { SAVE_SOON_MS = 260 }; /* a little over the saver's hand-over interval */

typedef struct window_glue {
    runtime *rt;
    draw_list dl;
    bool have_dl;
    bilet_status failed; /* a runtime failure met inside a hook that returns nothing */
    bilet_err err;
} window_glue;

static int64_t now_real(void)
{
    return (int64_t)time(NULL);
}

static bilet_status on_start(void *ctx, renderer *rd, int width, int height, bilet_err *err)
{
    window_glue *g = ctx;
    bilet_status st = draw_list_init(&g->dl, UI_DRAW_CMDS, UI_DRAW_ARENA, err);
    if (st != BILET_OK)
        return st;
    g->have_dl = true;
    ui_metrics m = render_metrics(rd);
    return runtime_attach_ui(g->rt, &m, width, height, now_real(), err);
}

static void on_stop(void *ctx)
{
    window_glue *g = ctx;
    runtime_autosave_poll(g->rt, true);
}

static void on_key(void *ctx, ui_key key, unsigned mods)
{
    window_glue *g = ctx;
    if (g->failed == BILET_OK)
        g->failed = runtime_key(g->rt, key, mods, now_real(), &g->err);
}

static void on_text(void *ctx, const char *utf8)
{
    window_glue *g = ctx;
    if (g->failed == BILET_OK)
        g->failed = runtime_text(g->rt, utf8, now_real(), &g->err);
}

static void on_editing(void *ctx, const char *utf8, int cursor)
{
    window_glue *g = ctx;
    ui_editing(runtime_ui(g->rt), runtime_session(g->rt), utf8, cursor);
}

static void on_mouse(void *ctx, int x, int y, bool press, bool shift)
{
    window_glue *g = ctx;
    ui_mouse(runtime_ui(g->rt), runtime_session(g->rt), x, y, press, shift);
}

static void on_wheel(void *ctx, int lines)
{
    window_glue *g = ctx;
    ui_wheel(runtime_ui(g->rt), runtime_session(g->rt), lines);
}

static bilet_status on_resize(void *ctx, int width, int height, bilet_err *err)
{
    window_glue *g = ctx;
    return ui_resize(runtime_ui(g->rt), width, height, err);
}

static bool on_close_requested(void *ctx)
{
    window_glue *g = ctx;
    return runtime_may_exit(g->rt);
}

static bilet_status on_frame(void *ctx, window_frame *out, bilet_err *err)
{
    window_glue *g = ctx;
    if (g->failed != BILET_OK) {
        *err = g->err;
        return g->failed;
    }
    int64_t now = now_real();
    bilet_status st = runtime_tick(g->rt, now, err);
    if (st != BILET_OK)
        return st;
    runtime_frame(g->rt, now, &g->dl);
    const session *s = runtime_session(g->rt);
    out->dl = &g->dl;
    out->quit = runtime_quit_requested(g->rt);
    out->keep_in_front = s->opened && !s->closed;
    out->show_pointer = ui_wants_pointer(runtime_ui(g->rt), s);
    out->next_frame_ms = runtime_answer_unsaved(g->rt) ? SAVE_SOON_MS : 0;
    return BILET_OK;
}

bilet_status runtime_run_window(runtime *rt, const window_config *cfg, bilet_err *err)
{
    window_glue g = { .rt = rt };
    window_hooks hooks = {
        .ctx = &g,
        .start = on_start,
        .stop = on_stop,
        .key = on_key,
        .text = on_text,
        .editing = on_editing,
        .mouse = on_mouse,
        .wheel = on_wheel,
        .resize = on_resize,
        .close_requested = on_close_requested,
        .frame = on_frame,
    };
    bilet_status st = window_run(cfg, &hooks, err);
    if (g.have_dl)
        draw_list_free(&g.dl);
    return st;
}
