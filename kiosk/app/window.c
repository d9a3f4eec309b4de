/*
 * window.c — the real window's event loop (window.h): SDL events to the runtime's hooks, a
 * frame after each batch of input and at each turn of the second, the window kept full
 * screen, in front and holding the keyboard while a session is open.
 *
 * Invariants: hooks run on this thread only; the renderer exists from start to stop; the
 * wake flag is the only state shared with other threads (an atomic), so a flood of
 * window_wake calls queues one event, not thousands.
 * Load: idle, one frame a second and a sleep in SDL_WaitEventTimeout (the X connection's
 * file descriptor) between; typing, one frame per batch of key events.
 */
#include "window.h"

#include <time.h>

#include <SDL.h>

#include "keymap.h"

enum {
    EVENTS_PER_FRAME = 256, /* input handled before a frame is drawn, under a flood */
    RAISE_EVERY_MS = 250,   /* re-raising, at most this often */
    WHEEL_LINES = 3,        /* lines per wheel notch */
    WINDOWED_W = 1280,
    WINDOWED_H = 800,
};

static SDL_atomic_t loop_running;
static SDL_atomic_t wake_pending;
static SDL_atomic_t wake_type; /* an event type of our own (SDL_RegisterEvents) */

void window_wake(void)
{
    if (!SDL_AtomicGet(&loop_running))
        return;
    if (!SDL_AtomicCAS(&wake_pending, 0, 1))
        return; /* one wake-up in the queue is enough */
    SDL_Event ev;
    SDL_zero(ev);
    ev.type = (Uint32)SDL_AtomicGet(&wake_type);
    if (SDL_PushEvent(&ev) != 1)
        SDL_AtomicSet(&wake_pending, 0);
}

typedef struct loop {
    const window_config *cfg;
    const window_hooks *h;
    SDL_Window *win;
    SDL_Renderer *sdl;
    renderer *rd;
    bool keep_in_front;
    bool pointer_shown;
    Uint64 last_raise;
    int next_frame_ms;
    bool quit;
    bilet_status failed;
} loop;

/* Milliseconds to just past the next turn of the wall-clock second, when the clocks on
 * screen change. */
static int ms_to_next_second(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 1000;
    return 1000 - (int)(ts.tv_nsec / 1000000) + 2;
}

static void keep_in_front(loop *l, bool now)
{
    if (!l->keep_in_front)
        return;
    Uint64 t = SDL_GetTicks64();
    if (!now && t - l->last_raise < RAISE_EVERY_MS)
        return;
    l->last_raise = t;
    Uint32 flags = SDL_GetWindowFlags(l->win);
    if (flags & (SDL_WINDOW_MINIMIZED | SDL_WINDOW_HIDDEN))
        SDL_RestoreWindow(l->win);
    SDL_RaiseWindow(l->win);
    SDL_SetWindowInputFocus(l->win);
}

/* Keys that repeat while held: moving and deleting. Return and the F-keys never do, so that
 * a held key cannot walk through confirmations or add extra time twice. */
static bool repeats(ui_key k)
{
    switch (k) {
    case UI_KEY_BACKSPACE:
    case UI_KEY_DELETE:
    case UI_KEY_LEFT:
    case UI_KEY_RIGHT:
    case UI_KEY_UP:
    case UI_KEY_DOWN:
    case UI_KEY_HOME:
    case UI_KEY_END:
    case UI_KEY_PAGEUP:
    case UI_KEY_PAGEDOWN:
        return true;
    default:
        return false;
    }
}

static bool shift_held(void)
{
    return (SDL_GetModState() & KMOD_SHIFT) != 0;
}

/* Hands one event to the hooks. Returns whether the screen may have changed. */
static bool dispatch(loop *l, const SDL_Event *ev, bilet_err *err)
{
    const window_hooks *h = l->h;
    switch (ev->type) {
    case SDL_QUIT:
        if (h->close_requested(h->ctx))
            l->quit = true;
        return true;
    case SDL_KEYDOWN: {
        ui_key k = keymap_from_keysym(&ev->key.keysym);
        if (k == UI_KEY_NONE || (ev->key.repeat && !repeats(k)))
            return false;
        h->key(h->ctx, k, keymap_mods(ev->key.keysym.mod));
        return true;
    }
    case SDL_TEXTINPUT:
        h->text(h->ctx, ev->text.text);
        return true;
    case SDL_TEXTEDITING:
        if (h->editing)
            h->editing(h->ctx, ev->edit.text, ev->edit.start);
        return h->editing != NULL;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button != SDL_BUTTON_LEFT || !h->mouse)
            return false;
        h->mouse(h->ctx, ev->button.x, ev->button.y, true, shift_held());
        return true;
    case SDL_MOUSEMOTION:
        if (!(ev->motion.state & SDL_BUTTON_LMASK) || !h->mouse)
            return false;
        h->mouse(h->ctx, ev->motion.x, ev->motion.y, false, shift_held());
        return true;
    case SDL_MOUSEWHEEL: {
        if (!h->wheel || ev->wheel.y == 0)
            return false;
        int y = ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -ev->wheel.y : ev->wheel.y;
        h->wheel(h->ctx, -y * WHEEL_LINES); /* SDL: positive is away from the user, up */
        return true;
    }
    case SDL_WINDOWEVENT:
        switch (ev->window.event) {
        case SDL_WINDOWEVENT_SIZE_CHANGED: {
            render_invalidate(l->rd); /* SDL hands the renderer a new window surface */
            int w = 0, ht = 0;
            if (h->resize && SDL_GetRendererOutputSize(l->sdl, &w, &ht) == 0) {
                bilet_status st = h->resize(h->ctx, w, ht, err);
                if (st != BILET_OK)
                    l->failed = st;
            }
            return true;
        }
        case SDL_WINDOWEVENT_FOCUS_LOST:
        case SDL_WINDOWEVENT_MINIMIZED:
        case SDL_WINDOWEVENT_HIDDEN:
            keep_in_front(l, true);
            return true;
        case SDL_WINDOWEVENT_SHOWN:
        case SDL_WINDOWEVENT_RESTORED:
        case SDL_WINDOWEVENT_RESIZED:
            render_invalidate(l->rd);
            return true;
        default:
            return true; /* exposed…: present again */
        }
    default:
        if (ev->type == (Uint32)SDL_AtomicGet(&wake_type)) {
            SDL_AtomicSet(&wake_pending, 0);
            return true;
        }
        return false;
    }
}

static bilet_status frame(loop *l, bilet_err *err)
{
    window_frame f;
    SDL_zero(f);
    bilet_status st = l->h->frame(l->h->ctx, &f, err);
    if (st != BILET_OK)
        return st;
    if (f.dl) {
        st = render_frame(l->rd, f.dl, err);
        if (st != BILET_OK)
            return st;
        SDL_RenderPresent(l->sdl);
    }
    l->keep_in_front = f.keep_in_front && !l->cfg->windowed;
    if (f.show_pointer != l->pointer_shown) {
        SDL_ShowCursor(f.show_pointer ? SDL_ENABLE : SDL_DISABLE);
        l->pointer_shown = f.show_pointer;
    }
    l->next_frame_ms = f.next_frame_ms;
    if (f.quit)
        l->quit = true;
    /* Focus can go without an event reaching us (a window mapped over ours): check. */
    if (l->keep_in_front && !(SDL_GetWindowFlags(l->win) & SDL_WINDOW_INPUT_FOCUS))
        keep_in_front(l, false);
    return BILET_OK;
}

static bilet_status run_loop(loop *l, bilet_err *err)
{
    bool need_frame = true;
    while (!l->quit) {
        if (need_frame) {
            bilet_status st = frame(l, err);
            if (st != BILET_OK)
                return st;
            if (l->quit)
                break;
        }
        int timeout = ms_to_next_second();
        if (l->next_frame_ms > 0 && l->next_frame_ms < timeout)
            timeout = l->next_frame_ms;
        SDL_Event ev;
        need_frame = false;
        if (SDL_WaitEventTimeout(&ev, timeout)) {
            int n = 0;
            do {
                need_frame |= dispatch(l, &ev, err);
                if (l->failed != BILET_OK)
                    return l->failed;
            } while (!l->quit && ++n < EVENTS_PER_FRAME && SDL_PollEvent(&ev));
        } else {
            need_frame = true; /* the timeout: clocks move */
        }
    }
    return BILET_OK;
}

static void set_hints(const window_config *cfg)
{
    render_set_hints();
    /* A signal ends the program as a crash would; the runtime may handle signals itself. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (!cfg->windowed) {
        SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
        SDL_SetHint(SDL_HINT_ALLOW_ALT_TAB_WHILE_GRABBED, "0");
    }
}

bilet_status window_run(const window_config *cfg, const window_hooks *hooks, bilet_err *err)
{
    loop l = { .cfg = cfg, .h = hooks };
    bool started = false;
    bilet_status st = BILET_OK;
    set_hints(cfg);
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return bilet_fail(err, BILET_EIO, "cannot open the display: %s", SDL_GetError());

    SDL_DisplayMode dm;
    int w = WINDOWED_W, h = WINDOWED_H;
    if (SDL_GetDesktopDisplayMode(0, &dm) == 0) {
        if (!cfg->windowed) {
            w = dm.w;
            h = dm.h;
        } else {
            w = cfg->width > 0 ? cfg->width : (WINDOWED_W < dm.w ? WINDOWED_W : dm.w);
            h = cfg->height > 0 ? cfg->height : (WINDOWED_H < dm.h ? WINDOWED_H : dm.h);
        }
    }
    Uint32 flags = SDL_WINDOW_SHOWN | SDL_WINDOW_INPUT_FOCUS |
                   (cfg->windowed ? SDL_WINDOW_RESIZABLE : SDL_WINDOW_FULLSCREEN_DESKTOP);
    l.win = SDL_CreateWindow(cfg->title ? cfg->title : "bilet", SDL_WINDOWPOS_CENTERED,
                             SDL_WINDOWPOS_CENTERED, w, h, flags);
    if (!l.win) {
        st = bilet_fail(err, BILET_EIO, "cannot open the window: %s", SDL_GetError());
        goto out_quit;
    }
    l.sdl = SDL_CreateRenderer(l.win, -1,
                               cfg->accelerated ? SDL_RENDERER_ACCELERATED : SDL_RENDERER_SOFTWARE);
    if (!l.sdl && cfg->accelerated)
        l.sdl = SDL_CreateRenderer(l.win, -1, SDL_RENDERER_SOFTWARE);
    if (!l.sdl) {
        st = bilet_fail(err, BILET_EIO, "cannot create a renderer: %s", SDL_GetError());
        goto out_window;
    }
    st = render_create(l.sdl, cfg->fonts_dir, &l.rd, err);
    if (st != BILET_OK)
        goto out_renderer;
    if (SDL_GetRendererOutputSize(l.sdl, &w, &h) != 0) {
        st = bilet_fail(err, BILET_EIO, "renderer: output size: %s", SDL_GetError());
        goto out_render;
    }
    st = hooks->start(hooks->ctx, l.rd, w, h, err);
    if (st != BILET_OK)
        goto out_render;
    started = true;
    if (!cfg->windowed) {
        SDL_SetWindowKeyboardGrab(l.win, SDL_TRUE);
        SDL_RaiseWindow(l.win);
    }
    SDL_ShowCursor(SDL_DISABLE);
    SDL_StartTextInput();
    Uint32 type = SDL_RegisterEvents(1);
    SDL_AtomicSet(&wake_type, (int)(type == (Uint32)-1 ? SDL_USEREVENT : type));
    SDL_AtomicSet(&wake_pending, 0);
    SDL_AtomicSet(&loop_running, 1);
    st = run_loop(&l, err);
    SDL_AtomicSet(&loop_running, 0);
    SDL_StopTextInput();

out_render:
    if (started && hooks->stop)
        hooks->stop(hooks->ctx);
    render_destroy(l.rd);
out_renderer:
    SDL_DestroyRenderer(l.sdl);
out_window:
    SDL_DestroyWindow(l.win);
out_quit:
    SDL_Quit();
    return st;
}
