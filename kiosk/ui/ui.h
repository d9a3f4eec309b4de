/*
 * ui.h — the kiosk's screens: input in, intents and a draw-command list out.
 *
 * The UI knows no SDL and no clock: the app translates SDL events into ui_key/text calls
 * and passes `now`; the UI reads the session (never changes it) and answers with actions
 * the app carries out in order (an intent for the session machine, a PIN or passphrase to
 * check, a quit). Each frame, ui_frame fills a draw list from the session and the status
 * the app reports. Every string it shows goes through gettext (po/ru.po, kk.po, en.po).
 *
 * Ownership: ui_create allocates the UI and its answer editor; ui_destroy frees both. The
 * metrics interface must outlive the UI.
 */
#ifndef BILET_UI_H
#define BILET_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "editor.h"
#include "session.h"
#include "status.h"

/* Keys the kiosk reacts to, named as SDL names them (the app maps SDL keycodes). */
typedef enum ui_key {
    UI_KEY_NONE = 0,
    UI_KEY_RETURN,
    UI_KEY_ESCAPE,
    UI_KEY_BACKSPACE,
    UI_KEY_DELETE,
    UI_KEY_TAB,
    UI_KEY_LEFT,
    UI_KEY_RIGHT,
    UI_KEY_UP,
    UI_KEY_DOWN,
    UI_KEY_HOME,
    UI_KEY_END,
    UI_KEY_PAGEUP,
    UI_KEY_PAGEDOWN,
    UI_KEY_F1,
    UI_KEY_F2,
    UI_KEY_F3,
    UI_KEY_F4,
    UI_KEY_F5,
    UI_KEY_F6,
    UI_KEY_F7,
    UI_KEY_F8,
    UI_KEY_F9,
    UI_KEY_F10,
    UI_KEY_F11,
    UI_KEY_F12,
    UI_KEY_A, /* with Ctrl: select all */
    UI_KEY_C, /* copy */
    UI_KEY_V, /* paste */
    UI_KEY_X, /* cut */
    UI_KEY_Y, /* redo */
    UI_KEY_Z, /* undo (Ctrl+Shift+Z: redo) */
    UI_KEY_OTHER,
    UI_KEY_COUNT
} ui_key;

enum { UI_MOD_SHIFT = 1, UI_MOD_CTRL = 2, UI_MOD_ALT = 4 };

typedef enum ui_action_kind {
    UI_ACT_INTENT,           /* hand .intent to session_handle */
    UI_ACT_CHECK_PIN,        /* verify .text against kiosk.ini's pin_hash, then INTENT_PIN */
    UI_ACT_CHECK_PASSPHRASE, /* open the package with .text, then INTENT_PASSPHRASE */
    UI_ACT_QUIT,             /* the session is closed and the invigilator quits */
} ui_action_kind;

enum { UI_ACTION_TEXT_MAX = 256, UI_ACTIONS_MAX = 4 };

/* The draw list the app allocates for ui_frame (draw_list_init): every screen fits it at
 * any window size from 1024×768 to 3840×2160 (tests/unit/test_ui.c checks). */
enum { UI_DRAW_CMDS = 4096, UI_DRAW_ARENA = 512 * 1024 };

typedef struct ui_action {
    ui_action_kind kind;
    session_intent intent;         /* .text points into .text below when it has one */
    char text[UI_ACTION_TEXT_MAX]; /* wiped by the app after use (PIN, passphrase) */
} ui_action;

/* Measures text with the renderer's fonts (the app implements it with SDL2_ttf; tests
 * with fixed advances). */
typedef struct ui_metrics {
    void *ctx;
    int (*text_width)(void *ctx, draw_font font, int size, const char *s, size_t len);
    int (*line_height)(void *ctx, draw_font font, int size);
    int (*advance)(void *ctx, draw_font font, int size, uint32_t codepoint);
} ui_metrics;

/* What the app knows that the session does not: shown on the invigilator screen. */
/* The last answer sheet's state (the kiosk's sheet thread, docs/kiosk.md). */
typedef enum ui_sheet_state {
    UI_SHEET_NONE,      /* no sheet made in this run */
    UI_SHEET_BUSY,      /* being made (or printed) */
    UI_SHEET_SAVED,     /* the PDF is saved; no printer */
    UI_SHEET_SENT,      /* sent to sheet_printer */
    UI_SHEET_FAILED,    /* not printed (sheet_reason); the PDF is at sheet_path */
    UI_SHEET_NOT_SAVED, /* the PDF could not be written (sheet_reason) */
} ui_sheet_state;

typedef struct ui_status {
    const char *kiosk_name;
    long pending_records; /* records not yet acknowledged by the central store */
    int64_t last_sync;    /* Unix seconds of the last acknowledged batch; 0 never */
    bool central_configured;
    const char *store_problem; /* "" or one line: the disk is full, the database is read-only… */
    int64_t downtime_seconds;  /* measured after a restart; 0 none */
    bool answer_saved;         /* the typed text up to now is durable */
    bool save_delayed;         /* it cannot be saved now (disk full…): kept in memory */
    const char *today;         /* the terminal's local date, YYYY-MM-DD: F1 opens with it */
    ui_sheet_state sheet_state;
    const char *sheet_code;    /* the last sheet's code */
    const char *sheet_printer; /* kiosk.ini's printer */
    const char *sheet_reason;  /* why it failed */
    const char *sheet_path;    /* the saved PDF */
} ui_status;

typedef struct ui ui;

/* Creates the UI for a window of width × height px, in language lang ("ru", "kk", "en").
 * The answer editor starts empty. */
bilet_status ui_create(const ui_metrics *m, int width, int height, const char *lang, ui **out,
                       bilet_err *err);
void ui_destroy(ui *u);
bilet_status ui_resize(ui *u, int width, int height, bilet_err *err);

/* A key press. Writes up to UI_ACTIONS_MAX actions into out and returns how many.
 * C gives a typedef and a function one name space, so the function is ui_key_press; the
 * macro keeps the call `ui_key(u, s, key, mods, now, out)` working beside the type ui_key
 * (a function-like macro expands only where the name is followed by a parenthesis). */
size_t ui_key_press(ui *u, const session *s, ui_key key, unsigned mods, int64_t now,
                    ui_action out[UI_ACTIONS_MAX]);
#define ui_key(u, s, key, mods, now, out) ui_key_press(u, s, key, mods, now, out)
/* Committed text input (SDL_TEXTINPUT), UTF-8. */
size_t ui_text(ui *u, const session *s, const char *utf8, int64_t now,
               ui_action out[UI_ACTIONS_MAX]);
/* Uncommitted IME text (SDL_TEXTEDITING). */
void ui_editing(ui *u, const session *s, const char *utf8, int cursor);
/* Mouse: press (button down), drag (motion with the button held), in window pixels. */
void ui_mouse(ui *u, const session *s, int x, int y, bool press, bool shift);
/* The wheel, in lines: positive scrolls towards the end (SDL's wheel.y < 0). On answer it
 * scrolls the editor, or the ticket's questions after a press in them; on prep the
 * questions. */
void ui_wheel(ui *u, const session *s, int lines);

/* Fills dl (cleared first) with the frame for the session's screen at now. Keeps a copy
 * of st->today for F1 (a key press before the first frame falls back on the UTC date). */
void ui_frame(ui *u, const session *s, const ui_status *st, int64_t now, draw_list *dl);

/* The answer editor, for autosave and restore. */
editor *ui_editor(ui *u);
/* Tells the UI which attempt the editor's text belongs to, without changing the text. When
 * the session shows an attempt other than the bound one, the UI empties the editor and
 * binds that attempt. After a crash the runtime restores the text (editor_set_text on
 * ui_editor) and binds the attempt, in either order, before the next ui_* call. */
void ui_bind_attempt(ui *u, int attempt);
/* The answer text for session_text: a NUL-terminated copy owned by the UI, valid until the
 * next call of ui_answer_text or ui_destroy; "" when memory is short. */
const char *ui_answer_text(ui *u);

/* The language in use ("ru", "kk", "en") and switching it (F11 on identify does too). */
const char *ui_language(const ui *u);
bilet_status ui_set_language(ui *u, const char *lang, bilet_err *err);

/* Whether the screen wants a visible mouse cursor (editor screens) and text input. */
bool ui_wants_pointer(const ui *u, const session *s);
bool ui_wants_text_input(const ui *u, const session *s);

#endif
