/*
 * headless.c — the headless script runner (headless.h).
 *
 * After every command the runtime ticks at the virtual now and a frame is built and drawn,
 * so `shot` and `expect text` always see the state the last command left. A `wait` builds
 * a draw list for every virtual second (clocks and the done screen's timeout act as they
 * would on a terminal) and draws only the last. `hold` sleeps in short slices and polls the
 * saver between them, so typed text reaches the disk while the script holds. Load: scripts
 * of a few hundred lines; a wait of hours costs a few thousand frames of draw list.
 */
#include "headless.h"

#include <SDL.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "editor.h"
#include "keymap.h"
#include "render.h"
#include "script.h"

enum { HOLD_SLICE_MS = 50, DIAG_TEXT_MAX = 16384 };

typedef struct headless {
    runtime *rt;
    renderer *rd;
    SDL_Surface *surface;
    SDL_Renderer *sdl;
    draw_list dl;
    int64_t now;
    const headless_options *opt;
} headless;

/* Ticks at the virtual now and builds the frame (not drawn). */
static bilet_status step(headless *h, bilet_err *err)
{
    bilet_status st = runtime_tick(h->rt, h->now, err);
    if (st == BILET_OK)
        runtime_frame(h->rt, h->now, &h->dl);
    return st;
}

static bilet_status draw(headless *h, bilet_err *err)
{
    return render_frame(h->rd, &h->dl, err);
}

/* The frame's text runs, joined with spaces, for a failed `expect text`. */
static void print_frame_text(const headless *h, int line, const char *want)
{
    FILE *f = h->opt->diag;
    if (!f)
        return;
    fprintf(f, "script line %d: expected text \"%s\" on screen %s; the frame shows:\n", line, want,
            session_screen_name(runtime_session(h->rt)->screen));
    size_t shown = 0;
    for (size_t i = 0; i < h->dl.n && shown < DIAG_TEXT_MAX; i++) {
        const draw_cmd *c = &h->dl.cmds[i];
        if (c->kind != DRAW_TEXT || c->text_len == 0)
            continue;
        fprintf(f, "  %.*s\n", (int)c->text_len, draw_cmd_text(&h->dl, c));
        shown += c->text_len;
    }
}

/* One line of the trace (headless.h) after script line `line` (0: start-up). A failed
 * write is ignored: the trace is a test's aid, never a reason to stop an exam. */
static void trace(headless *h, int line)
{
    if (h->opt->trace_fd < 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const session *s = runtime_session(h->rt);
    bool running = s->has_attempt && s->attempt.outcome == OUTCOME_NONE;
    int64_t deadline = running ? session_deadline(s) : 0;
    int64_t left = running ? session_time_left(s, h->now) : -1;
    size_t bytes = editor_length(ui_editor(runtime_ui(h->rt)));
    char buf[512];
    int n = snprintf(buf, sizeof buf,
                     "line=%d real_ms=%" PRId64 " clock=%" PRId64 " screen=%s attempt=%d "
                     "period=%s deadline=%" PRId64 " left=%" PRId64 " answer_bytes=%zu "
                     "saved=%d\n",
                     line, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, h->now,
                     session_screen_name(s->screen), running ? s->attempt.id : 0,
                     running ? event_period_name(s->attempt.period) : "none", deadline, left, bytes,
                     runtime_answer_unsaved(h->rt) ? 0 : 1);
    if (n > 0 && (size_t)n < sizeof buf) {
        ssize_t w = write(h->opt->trace_fd, buf, (size_t)n);
        (void)w;
    }
}

static void hold(headless *h, long ms)
{
    runtime_autosave_poll(h->rt, true);
    while (ms > 0) {
        long slice = ms < HOLD_SLICE_MS ? ms : HOLD_SLICE_MS;
        struct timespec ts = { slice / 1000, (slice % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) != 0)
            ;
        ms -= slice;
        runtime_autosave_poll(h->rt, false);
    }
}

static bilet_status press_key(headless *h, const script_cmd *cmd, bilet_err *err)
{
    ui_key k;
    bilet_err kerr = { { 0 } };
    if (keymap_from_name(cmd->key, &k, &kerr) != BILET_OK)
        return bilet_fail(err, BILET_EPARSE, "script line %d: %s", cmd->line, kerr.msg);
    unsigned mods = 0;
    if (cmd->mods & SCRIPT_MOD_SHIFT)
        mods |= UI_MOD_SHIFT;
    if (cmd->mods & SCRIPT_MOD_CTRL)
        mods |= UI_MOD_CTRL;
    if (cmd->mods & SCRIPT_MOD_ALT)
        mods |= UI_MOD_ALT;
    bilet_status st = BILET_OK;
    if (k != UI_KEY_NONE)
        st = runtime_key(h->rt, k, mods, h->now, err);
    char text[8];
    /* As SDL does: a printable key without Ctrl or Alt also types its character. */
    if (st == BILET_OK && !(mods & (UI_MOD_CTRL | UI_MOD_ALT)) &&
        keymap_name_is_text(cmd->key, text))
        st = runtime_text(h->rt, text, h->now, err);
    return st;
}

/* Runs one parsed command; returns an exit status (0 to go on). */
static int run_cmd(headless *h, const script_cmd *cmd, bilet_err *err)
{
    bilet_status st = BILET_OK;
    switch (cmd->kind) {
    case SCRIPT_NOTHING:
        return HEADLESS_EXIT_OK;
    case SCRIPT_KEY:
        st = press_key(h, cmd, err);
        if (st == BILET_EPARSE)
            return HEADLESS_EXIT_SCRIPT;
        break;
    case SCRIPT_TYPE:
        st = runtime_text(h->rt, cmd->arg, h->now, err);
        break;
    case SCRIPT_WAIT:
        for (long i = 0; i < cmd->number && st == BILET_OK; i++) {
            h->now++;
            st = step(h, err);
            runtime_autosave_poll(h->rt, false);
        }
        break;
    case SCRIPT_HOLD:
        hold(h, cmd->number);
        break;
    case SCRIPT_SHOT:
        st = step(h, err);
        if (st == BILET_OK)
            st = draw(h, err);
        if (st == BILET_OK)
            st = render_save_png(h->rd, cmd->arg, err);
        if (st != BILET_OK) {
            bilet_err_prefix(err, "script line %d: shot %s: ", cmd->line, cmd->arg);
            return HEADLESS_EXIT_ERROR;
        }
        return HEADLESS_EXIT_OK;
    case SCRIPT_EXPECT_SCREEN: {
        session_screen want = session_screen_parse(cmd->arg);
        if (want == SCREEN_COUNT) {
            bilet_fail(err, BILET_EPARSE,
                       "script line %d: no screen is called \"%s\" (locked, pin, passphrase, "
                       "invigilator, identify, confirm_student, ticket, prep, answer, "
                       "submit_confirm, away, done, paused, closed)",
                       cmd->line, cmd->arg);
            return HEADLESS_EXIT_SCRIPT;
        }
        session_screen on = runtime_session(h->rt)->screen;
        if (on != want) {
            bilet_fail(err, BILET_ESTATE, "script line %d: expected screen %s, on %s", cmd->line,
                       cmd->arg, session_screen_name(on));
            return HEADLESS_EXIT_EXPECT;
        }
        return HEADLESS_EXIT_OK;
    }
    case SCRIPT_EXPECT_TEXT:
        st = step(h, err);
        if (st != BILET_OK)
            break;
        if (!draw_list_has_text(&h->dl, cmd->arg)) {
            print_frame_text(h, cmd->line, cmd->arg);
            bilet_fail(err, BILET_ESTATE, "script line %d: expected text \"%s\", not on screen %s",
                       cmd->line, cmd->arg, session_screen_name(runtime_session(h->rt)->screen));
            return HEADLESS_EXIT_EXPECT;
        }
        return HEADLESS_EXIT_OK;
    }
    if (st == BILET_OK)
        st = step(h, err);
    if (st == BILET_OK)
        st = draw(h, err);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "script line %d: ", cmd->line);
        return HEADLESS_EXIT_ERROR;
    }
    return HEADLESS_EXIT_OK;
}

static int run_script(headless *h, FILE *script, bilet_err *err)
{
    char buf[SCRIPT_LINE_MAX];
    static script_cmd cmd; /* 4 KiB of argument: kept off the stack */
    int lineno = 0;
    while (fgets(buf, sizeof buf, script)) {
        lineno++;
        size_t len = strlen(buf);
        if (len == sizeof buf - 1 && buf[len - 1] != '\n' && !feof(script)) {
            bilet_fail(err, BILET_EPARSE, "script line %d: longer than %d bytes", lineno,
                       (int)sizeof buf - 2);
            return HEADLESS_EXIT_SCRIPT;
        }
        if (script_parse_line(buf, len, lineno, &cmd, err) != BILET_OK)
            return HEADLESS_EXIT_SCRIPT;
        int rc = run_cmd(h, &cmd, err);
        if (rc != HEADLESS_EXIT_OK)
            return rc;
        if (cmd.kind != SCRIPT_NOTHING)
            trace(h, lineno);
        if (runtime_quit_requested(h->rt))
            return HEADLESS_EXIT_OK;
    }
    if (ferror(script)) {
        bilet_fail(err, BILET_EIO, "script line %d: read error", lineno + 1);
        return HEADLESS_EXIT_ERROR;
    }
    return HEADLESS_EXIT_OK;
}

int headless_run(runtime *rt, FILE *script, const headless_options *opt, bilet_err *err)
{
    headless h = { .rt = rt, .opt = opt, .now = runtime_started_at(rt) };
    int w = opt->width > 0 ? opt->width : HEADLESS_WIDTH;
    int ht = opt->height > 0 ? opt->height : HEADLESS_HEIGHT;
    int rc = HEADLESS_EXIT_ERROR;
    h.surface = SDL_CreateRGBSurfaceWithFormat(0, w, ht, 32, SDL_PIXELFORMAT_RGBA32);
    if (!h.surface) {
        bilet_fail(err, BILET_ENOMEM, "cannot create a %d×%d surface: %s", w, ht, SDL_GetError());
        return rc;
    }
    h.sdl = SDL_CreateSoftwareRenderer(h.surface);
    if (!h.sdl) {
        bilet_fail(err, BILET_EIO, "cannot create the software renderer: %s", SDL_GetError());
        goto out_surface;
    }
    if (render_create(h.sdl, opt->fonts_dir, &h.rd, err) != BILET_OK)
        goto out_sdl;
    if (draw_list_init(&h.dl, UI_DRAW_CMDS, UI_DRAW_ARENA, err) != BILET_OK)
        goto out_render;
    ui_metrics metrics = render_metrics(h.rd);
    if (runtime_attach_ui(rt, &metrics, w, ht, h.now, err) != BILET_OK)
        goto out_dl;
    if (step(&h, err) != BILET_OK || draw(&h, err) != BILET_OK)
        goto out_dl;
    trace(&h, 0);
    rc = run_script(&h, script, err);
    /* The UI measures with the renderer's fonts: write the answer out while both exist. */
    runtime_autosave_poll(rt, true);
out_dl:
    draw_list_free(&h.dl);
out_render:
    render_destroy(h.rd);
out_sdl:
    SDL_DestroyRenderer(h.sdl);
out_surface:
    SDL_FreeSurface(h.surface);
    return rc;
}
