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
} headless_options;

/* Attaches the UI to rt on a software surface and runs script (read line by line, each at
 * most SCRIPT_LINE_MAX - 2 bytes) to its end or until the invigilator quits. Returns the
 * exit status (HEADLESS_EXIT_*); for any but 0, err holds one line ("script line 7:
 * expected screen answer, on identify"). The caller still owns rt and script. */
int headless_run(runtime *rt, FILE *script, const headless_options *opt, bilet_err *err);

#endif
