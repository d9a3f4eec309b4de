/*
 * headless.h — runs a headless script (DESIGN.md, "Headless script") against a runtime:
 * SDL's software renderer draws into an RGBA surface (no video driver, no display), the
 * exam's clock is virtual, and the script's `expect` lines check the screen and the
 * frame's text.
 *
 * The virtual clock starts at the real time of start-up (runtime_started_at) and moves
 * only by `wait N`, second by second, with a tick and a frame each second. Durability does
 * not follow it: the saver runs on real time, which is what `hold` gives it.
 */
#ifndef BILET_HEADLESS_H
#define BILET_HEADLESS_H

#include <stdio.h>

#include "runtime.h"
#include "status.h"

enum {
    HEADLESS_EXIT_OK = 0,
    HEADLESS_EXIT_ERROR = 1,  /* the kiosk failed (renderer, store, memory) */
    HEADLESS_EXIT_SCRIPT = 2, /* a malformed script line, an unknown key or screen name */
    HEADLESS_EXIT_EXPECT = 3, /* an `expect` did not hold */
    HEADLESS_WIDTH = 1280,
    HEADLESS_HEIGHT = 800,
};

typedef struct headless_options {
    const char *fonts_dir;
    int width, height; /* the surface; 0 gives HEADLESS_WIDTH × HEADLESS_HEIGHT */
    FILE *diag;        /* where a failed `expect text` prints the frame's text; NULL: none */
    int trace_fd;      /* -1, or where a line per command goes (headless_run's comment) */
} headless_options;

/* Attaches the UI to rt on a software surface and runs script (read line by line, each at
 * most SCRIPT_LINE_MAX - 2 bytes) to its end or until the invigilator quits. Returns the
 * exit status (HEADLESS_EXIT_*); for any but 0, err holds one line ("script line 7:
 * expected screen answer, on identify"). The caller still owns rt and script.
 *
 * With opt->trace_fd >= 0 (the caller owns it), one line goes there with write(2) once the
 * first frame is up (line=0) and after every command carried out, so that a test which
 * kills the kiosk knows what ran and when (tests/soak/crash_soak.sh):
 *   line=N real_ms=MS clock=S screen=NAME attempt=ID period=none|prep|answer deadline=S
 *   left=S answer_bytes=B saved=0|1
 * real_ms is the real time in milliseconds, clock the virtual clock, attempt 0 when none
 * runs, deadline 0 and left -1 when no period runs, answer_bytes the editor's length and
 * saved whether that text is durable. */
int headless_run(runtime *rt, FILE *script, const headless_options *opt, bilet_err *err);

#endif
