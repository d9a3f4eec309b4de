/*
 * window.h — the kiosk's real window: a full-screen SDL2 window that keeps the keyboard,
 * stays in front while a session is open, and runs the event loop.
 *
 * window_run owns SDL's video subsystem, the window, the SDL renderer and the text renderer
 * (render.h) for as long as it runs. The runtime plugs in through window_hooks: it is told
 * when the renderer exists (to create its UI with render_metrics), receives input already
 * mapped to ui_key/UI_MOD_* (keymap.h), and fills a draw list for each frame, which
 * window_run draws and presents.
 *
 * The loop sleeps in SDL_WaitEventTimeout: a frame follows every batch of input, and
 * without input one frame a second, at the turn of the second, so that clocks move while an
 * idle kiosk uses next to no CPU. A background thread (autosave, sync) that wants a frame
 * sooner calls window_wake.
 *
 * Closing: the window's close button, Alt+F4 handled by a window manager and SDL_QUIT all
 * go to hooks.close_requested, which refuses while a session is open. With the keyboard
 * grabbed (full screen) Alt+F4, Alt+Tab and Ctrl+Q reach the UI as ordinary keys. SDL's
 * SIGINT/SIGTERM handlers are off: a signal ends the program as a crash would (the answer
 * is durable and resumes), and the runtime may install handlers of its own.
 */
#ifndef BILET_WINDOW_H
#define BILET_WINDOW_H

#include <stdbool.h>

#include "draw.h"
#include "render.h"
#include "status.h"
#include "ui.h"

typedef struct window_config {
    const char *title;     /* window title; NULL: "bilet" (tests find the window by it) */
    const char *fonts_dir; /* NotoSans-Regular.ttf, NotoSans-Bold.ttf, NotoSansMono-Regular.ttf */
    bool windowed;         /* --windowed: an ordinary window, no keyboard grab, no re-raise */
    int width, height;     /* windowed size; 0: 1280 × 800 (at most the desktop's size) */
    bool accelerated;      /* SDL's default (GPU) renderer instead of the software one */
} window_config;

/* What the runtime answers for each frame. */
typedef struct window_frame {
    const draw_list *dl; /* the frame to draw; NULL draws nothing new (the old frame stays) */
    bool quit;           /* end window_run after this frame (F8 on `closed`) */
    bool keep_in_front;  /* a session is open: raise and refocus the window when it loses focus */
    bool show_pointer;   /* ui_wants_pointer */
    int next_frame_ms;   /* the next frame without input in this many ms; ≤ 0: at the next
                            turn of the second */
} window_frame;

/* The runtime's side of the loop. ctx is passed to every hook. Hooks marked (optional)
 * may be NULL; the others are required. Hooks run on the thread that called window_run. */
typedef struct window_hooks {
    void *ctx;
    /* The window and renderer exist: create the UI for width × height with
     * render_metrics(rd) (keep the ui_metrics value alive as long as the UI). rd stays
     * valid until stop returns. An error ends window_run with it. */
    bilet_status (*start)(void *ctx, renderer *rd, int width, int height, bilet_err *err);
    /* The renderer is about to go: drop what uses its metrics (optional). */
    void (*stop)(void *ctx);
    /* A key press (auto-repeat only for editing and moving keys: BackSpace, Delete, arrows,
     * Home, End, PageUp, PageDown), UI_KEY_OTHER included, modifier keys alone left out. */
    void (*key)(void *ctx, ui_key key, unsigned mods);
    /* Committed text (SDL_TEXTINPUT), UTF-8, NUL-terminated. */
    void (*text)(void *ctx, const char *utf8);
    /* Uncommitted IME text and its cursor (SDL_TEXTEDITING) (optional). */
    void (*editing)(void *ctx, const char *utf8, int cursor);
    /* Left button press (press) or motion with it held (!press), window pixels (optional). */
    void (*mouse)(void *ctx, int x, int y, bool press, bool shift);
    /* The wheel, in lines: positive scrolls down (towards the end) (optional). */
    void (*wheel)(void *ctx, int lines);
    /* The drawable size changed (optional). An error ends window_run with it. */
    bilet_status (*resize)(void *ctx, int width, int height, bilet_err *err);
    /* Someone asks the program to end (window close, SDL_QUIT): true lets it end now. */
    bool (*close_requested)(void *ctx);
    /* Time for a frame: let the clock act (session_tick), fill a draw list, answer in out
     * (zeroed before the call). An error ends window_run with it. */
    bilet_status (*frame)(void *ctx, window_frame *out, bilet_err *err);
} window_hooks;

/* Opens the window (full screen on the desktop's resolution unless cfg->windowed), runs the
 * loop until a frame answers quit or close_requested allows closing, then closes
 * everything it opened (SDL_Quit included). Calls render_set_hints itself. BILET_EIO when
 * SDL cannot open a display or window (the message says SDL's reason); a hook's error is
 * returned as the hook wrote it. */
bilet_status window_run(const window_config *cfg, const window_hooks *hooks, bilet_err *err);

/* Asks the loop for a frame now. Safe from any thread while window_run runs; a no-op
 * otherwise. */
void window_wake(void);

#endif
