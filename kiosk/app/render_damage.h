/*
 * render_damage.h — which parts of the target a frame must redraw: the draw list is compared
 * with the previous frame's, and only the pixels of commands that appeared, vanished or
 * changed their order are redrawn (the software target keeps its pixels between frames).
 * Internal to the renderer (render.c); no SDL here.
 *
 * A command's identity is everything that decides its pixels: kind, geometry, colour, font,
 * size, thickness, cache key, text bytes and the clip rectangle in effect. Two frames' pixels
 * differ only inside the extents of commands without an identical partner in the other
 * frame, and of commands whose order relative to the others changed (for any pair drawn in
 * the other order, at least one is marked), so redrawing everything that touches those
 * extents, in order, from a cleared background, gives the same pixels as a full redraw.
 *
 * Memory: two frames of records and text, grown to the largest list seen (then reused; a
 * frame allocates nothing once they are big enough).
 */
#ifndef BILET_RENDER_DAMAGE_H
#define BILET_RENDER_DAMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "status.h"

enum { RENDER_DAMAGE_RECTS = 16 }; /* separate regions before they are merged */

typedef struct render_rect {
    int x, y, w, h; /* w or h ≤ 0: empty */
} render_rect;

typedef struct render_damage_item {
    draw_cmd cmd;       /* text_off points into the frame's own copy of the text */
    render_rect clip;   /* in effect for the command (the target when none) */
    render_rect extent; /* pixels the command may touch: inside clip and target */
    uint64_t ident;
} render_damage_item;

typedef struct render_damage_frame {
    render_damage_item *items;
    size_t n, cap;
    char *text;
    size_t used, text_cap;
} render_damage_frame;

typedef struct render_damage {
    render_damage_frame prev, cur;
    bool have_prev;
    int *bucket; /* prev items by identity: first index per bucket, -1 none */
    int *chain;  /* next prev index with the same bucket, ascending */
    bool *taken; /* prev items matched this frame */
    size_t n_buckets, index_cap;
    render_rect rects[RENDER_DAMAGE_RECTS];
    size_t n_rects;
} render_damage;

/* Frees both frames; a zeroed one is fine. */
void render_damage_free(render_damage *d);
/* Forgets the previous frame: the next one is redrawn whole. */
void render_damage_forget(render_damage *d);

/* Starts the current frame for n commands and text_bytes of text. BILET_ENOMEM when the
 * records cannot grow (the caller then redraws whole and forgets). */
bilet_status render_damage_begin(render_damage *d, size_t n, size_t text_bytes, bilet_err *err);
/* Records one command of the current frame (in draw order) with its clip and extent. */
void render_damage_add(render_damage *d, const draw_cmd *c, const char *text, size_t len,
                       render_rect clip, render_rect extent);
/* Fills d->rects with the regions to redraw on a target of w × h: everything when whole is
 * set, when there is no previous frame, or when the regions would cover most of it. None
 * when nothing changed. */
void render_damage_compute(render_damage *d, int w, int h, bool whole);
/* The current frame becomes the previous one. */
void render_damage_commit(render_damage *d);

/* Intersection of two rectangles (empty when they do not meet). */
render_rect render_rect_meet(render_rect a, render_rect b);
static inline bool render_rect_empty(render_rect r)
{
    return r.w <= 0 || r.h <= 0;
}

#endif
