/*
 * draw.h — the draw-command list: what a frame shows, as data.
 *
 * The screens (kiosk/ui) fill a list each frame; the renderer (kiosk/app) drains it with
 * SDL2_ttf; headless tests read the same list (`expect text` joins the text runs in draw
 * order). The list and its text arena are allocated once and reused: drawing a frame
 * allocates nothing. Coordinates are pixels of the window, origin top-left.
 */
#ifndef BILET_DRAW_H
#define BILET_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum draw_kind {
    DRAW_RECT,  /* filled rectangle */
    DRAW_FRAME, /* rectangle outline, `thickness` px */
    DRAW_TEXT,  /* one line of text, no wrapping; clipped to w when w > 0 */
    DRAW_CLIP,  /* sets the clip rectangle for the commands after it; w = 0 clears it */
} draw_kind;

typedef enum draw_font { FONT_REGULAR, FONT_BOLD, FONT_MONO, FONT_COUNT } draw_font;

typedef struct draw_cmd {
    draw_kind kind;
    int x, y, w, h;
    uint32_t color; /* 0xRRGGBBAA */
    draw_font font;
    int size;          /* font size, px */
    int thickness;     /* DRAW_FRAME */
    uint32_t text_off; /* into the list's arena */
    uint32_t text_len;
    uint64_t cache_key; /* non-zero: the renderer may reuse a texture made for this key
                           while the text is byte-equal (editor lines) */
} draw_cmd;

typedef struct draw_list {
    draw_cmd *cmds;
    size_t n, cap;
    char *arena;
    size_t used, arena_cap;
    bool overflow; /* a command or text did not fit this frame */
} draw_list;

/* Allocates a list for up to max_cmds commands and arena_bytes of text. */
bilet_status draw_list_init(draw_list *dl, size_t max_cmds, size_t arena_bytes, bilet_err *err);
void draw_list_free(draw_list *dl);
/* Empties the list for a new frame (keeps its memory). */
void draw_list_clear(draw_list *dl);

void draw_rect(draw_list *dl, int x, int y, int w, int h, uint32_t color);
void draw_frame(draw_list *dl, int x, int y, int w, int h, int thickness, uint32_t color);
/* Text of len bytes (UTF-8) with its top-left at (x, y); copied into the arena. */
void draw_text(draw_list *dl, int x, int y, draw_font font, int size, uint32_t color,
               const char *text, size_t len, uint64_t cache_key);
void draw_clip(draw_list *dl, int x, int y, int w, int h);

/* The command's text (not NUL-terminated; cmd->text_len bytes). */
const char *draw_cmd_text(const draw_list *dl, const draw_cmd *cmd);

/* True when needle occurs in the frame's visible text: the text runs joined in draw order,
 * white space and line breaks ignored on both sides. */
bool draw_list_has_text(const draw_list *dl, const char *needle);

#endif
