/*
 * runtime.h — the kiosk at run time: kiosk.ini, the exam, the data folder, the session
 * machine, the UI and the saver, wired together. The window loop and the headless script
 * runner drive it with keys, text, ticks and frames; they own SDL, the runtime owns
 * everything else.
 *
 * Start-up (runtime_open, then runtime_attach_ui): read kiosk.ini; resolve the data folder
 * (--data wins) and initialise it when missing, as `bilet init` would; load the exam with
 * its policy profile; read code.key for a blind exam; open the record store; replay the
 * log's events of this exam into the session machine; then, once a UI exists, give the
 * running attempt its saved answer text back, measure the downtime since the last
 * heartbeat and put the terminal on the screen the state calls for.
 *
 * Invariants: every event the machine hands out is appended to the signed log in order,
 * before the next intent is handled; an event the store refuses (disk full, read-only
 * database) waits in memory, in order, and is retried by the ticks after 250 ms, then
 * twice as long each time up to 2 s, and ui_status shows the problem meanwhile. The real
 * clock is read here and in main only; the session and the UI get `now` (the headless
 * runner's virtual clock, or the real one).
 *
 * Ownership: runtime_open allocates the runtime; runtime_close flushes the saver, joins
 * its thread and frees everything. A runtime belongs to the UI thread.
 */
#ifndef BILET_RUNTIME_H
#define BILET_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "draw.h"
#include "kioskini.h"
#include "session.h"
#include "status.h"
#include "ui.h"

typedef struct runtime_config {
    const char *config_path;  /* --config kiosk.ini (required) */
    const char *exam_path;    /* --exam DIR or FILE.bilet (required) */
    const char *data_dir;     /* --data, overrides kiosk.ini's data; NULL if not given */
    const char *policies_dir; /* --policies; NULL if not given */
    const char *lang;         /* --lang; NULL: kiosk.ini's lang */
} runtime_config;

typedef struct runtime runtime;

/* Loads everything but the UI (see the file comment) and replays the log. Returns BILET_OK,
 * or the first problem with one line in err naming the file, line and field: BILET_EPARSE,
 * BILET_ERULE, BILET_EINVAL, BILET_ENOTFOUND for bad settings or a bad exam (main exits
 * 2), anything else for a failing disk or database (main exits 1). Notes for the operator
 * (a data folder created) go to stderr. The caller owns *out (runtime_close). */
bilet_status runtime_open(const runtime_config *cfg, runtime **out, bilet_err *err);

/* Frees the runtime after writing the pending answer text; NULL is fine. The UI must not
 * be used afterwards. */
void runtime_close(runtime *rt);

/* The real time when runtime_open ran: where a headless virtual clock starts. */
int64_t runtime_started_at(const runtime *rt);

/* The UI language chosen at start-up (--lang, else kiosk.ini's lang). */
const char *runtime_lang(const runtime *rt);

/* Whether typed text is not yet on disk (a loop then asks for a frame sooner, so that the
 * next poll hands it to the saver). */
bool runtime_answer_unsaved(runtime *rt);

/* Whether runtime_open created the data folder (main says so on stderr), and its path. */
bool runtime_data_created(const runtime *rt);
const char *runtime_data_dir(const runtime *rt);

/* Whether an exit status of 2 (bad input) fits st, as returned by runtime_open. */
bool runtime_status_is_bad_input(bilet_status st);

/* Creates the UI (width × height px, metrics from the renderer), restores the running
 * attempt's saved text into its editor, measures the downtime at now, finishes the
 * restore (session_restore_finish) and starts the saver thread. Once per runtime. */
bilet_status runtime_attach_ui(runtime *rt, const ui_metrics *m, int width, int height, int64_t now,
                               bilet_err *err);

/* The UI (after runtime_attach_ui) and the session, for the loops. */
ui *runtime_ui(runtime *rt);
const session *runtime_session(const runtime *rt);
/* The exam's and the kiosk's settings as loaded. */
const exam *runtime_exam(const runtime *rt);
const kiosk_config *runtime_kiosk(const runtime *rt);

/* Carries out one UI action at now: an intent goes to session_handle and its events to the
 * log; a PIN is checked against kiosk.ini's pin_hash (and wiped); a passphrase opens a
 * package's tickets, in memory only (docs/package.md), and is wiped; quit asks the loop to end.
 * BILET_OK unless the runtime cannot go on (no memory for the unsaved-event queue). */
bilet_status runtime_dispatch(runtime *rt, ui_action *a, int64_t now, bilet_err *err);

/* A key press / committed text: ui_key / ui_text, then every action dispatched in order. */
bilet_status runtime_key(runtime *rt, ui_key key, unsigned mods, int64_t now, bilet_err *err);
bilet_status runtime_text(runtime *rt, const char *utf8, int64_t now, bilet_err *err);

/* Lets time pass: session_tick and its events appended; retries events the store refused
 * before. */
bilet_status runtime_tick(runtime *rt, int64_t now, bilet_err *err);

/* Tries once more to append the events the store refused before; BILET_EIO (err says how
 * many are still waiting and why) when some remain. Called before runtime_close, which
 * would lose them. */
bilet_status runtime_flush(runtime *rt, bilet_err *err);

/* Hands the answer to the saver when it changed and ~250 ms of real time have passed since
 * the last hand-over (force: whatever the time). Cheap when nothing changed. */
void runtime_autosave_poll(runtime *rt, bool force);

/* Builds the frame for now into dl (the app's status included) after polling the saver. */
void runtime_frame(runtime *rt, int64_t now, draw_list *dl);

/* True once the invigilator has quit (F8 on the closed screen). */
bool runtime_quit_requested(const runtime *rt);
/* Whether the window may close now: no session is open, or it is closed. */
bool runtime_may_exit(const runtime *rt);

/* The fonts folder: $BILET_FONTS, else the source tree's fonts/ when it exists, else the
 * installed share/bilet/fonts. Never NULL. */
const char *runtime_fonts_dir(void);
/* The translations folder: $BILET_LOCALEDIR, else the build tree's locale/ when it exists,
 * else the installed one. Never NULL. */
const char *runtime_locale_dir(void);

/* Runs the kiosk in its real window (window.h) until the invigilator quits: full screen
 * unless cfg->windowed; closing is refused while a session is open. Attaches the UI itself.
 * BILET_EIO when no display can be opened; a runtime failure as it was met. */
struct window_config;
bilet_status runtime_run_window(runtime *rt, const struct window_config *cfg, bilet_err *err);

/* Events refused by the store and waiting in memory. */
size_t runtime_unsaved_events(const runtime *rt);

#endif
