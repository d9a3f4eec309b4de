/*
 * editor.h — the answer editor: the text a student types, its caret and selection, the undo
 * history and the word-wrapped layout, free of SDL.
 *
 * The kiosk feeds it intents (text input, caret moves, deletes, mouse positions in editor
 * space, IME composition) and reads back what to draw: the visible visual lines with their
 * byte ranges, selection and caret, and a stamp per line that changes whenever the line's
 * bytes or extent change, so that a renderer redraws only the lines that changed. Text is
 * measured through an injected editor_measure (one advance per code point; kerning ignored).
 *
 * Invariants: the document is valid UTF-8 without control characters other than '\n';
 * every offset the editor hands out is a byte offset on a code-point boundary; the
 * document never exceeds EDITOR_MAX_BYTES.
 * Load: answers of up to ~100 000 characters and beyond, typed at human speed. Every
 * keystroke costs O(log n) index work plus the wrapping of the few visual lines around the
 * edit, whatever the answer's length (docs/editor.md gives the argument). Caret moves do not
 * allocate (save to finish a re-wrap that was cut short, when it scrolls into view); edits
 * allocate only when a buffer grows (amortised) or a new undo step begins.
 * An editor belongs to one thread.
 */
#ifndef BILET_EDITOR_H
#define BILET_EDITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum {
    EDITOR_MAX_BYTES = 4 * 1024 * 1024,         /* the document's cap */
    EDITOR_HISTORY_MAX_BYTES = 8 * 1024 * 1024, /* undo history beyond this loses old steps */
    EDITOR_COMPOSITION_MAX = 1024,              /* bytes of uncommitted IME text */
    EDITOR_TAB_SPACES = 4,                      /* a '\t' in input becomes this many spaces */
};

typedef struct editor editor;

/* How the editor measures text. advance() returns the width in pixels of one code point
 * (negative counts as 0); it is called only for code points of lines being wrapped or
 * hit-tested, never for the whole document. ctx is the caller's and must outlive the
 * editor. line_height is the height of one visual line in pixels (≥ 1). */
typedef struct editor_measure {
    void *ctx;
    int (*advance)(void *ctx, uint32_t codepoint);
    int line_height;
} editor_measure;

typedef enum editor_move {
    EDITOR_MOVE_CHAR_PREV,  /* Left: one code point back (collapses a selection to its start) */
    EDITOR_MOVE_CHAR_NEXT,  /* Right */
    EDITOR_MOVE_WORD_PREV,  /* Ctrl+Left: to the start of this or the previous word */
    EDITOR_MOVE_WORD_NEXT,  /* Ctrl+Right: to the end of this or the next word */
    EDITOR_MOVE_LINE_START, /* Home: start of the visual (wrapped) line */
    EDITOR_MOVE_LINE_END,   /* End: end of the visual line */
    EDITOR_MOVE_LINE_UP,    /* Up: one visual line, keeping the preferred x */
    EDITOR_MOVE_LINE_DOWN,  /* Down */
    EDITOR_MOVE_PAGE_UP,    /* PageUp: the viewport's height in lines; the view scrolls too */
    EDITOR_MOVE_PAGE_DOWN,  /* PageDown */
    EDITOR_MOVE_DOC_START,  /* Ctrl+Home */
    EDITOR_MOVE_DOC_END,    /* Ctrl+End */
} editor_move;

typedef enum editor_delete_unit {
    EDITOR_DELETE_CHAR_PREV, /* Backspace */
    EDITOR_DELETE_CHAR_NEXT, /* Delete */
    EDITOR_DELETE_WORD_PREV, /* Ctrl+Backspace: back to where Ctrl+Left would go */
    EDITOR_DELETE_WORD_NEXT, /* Ctrl+Delete: on to where Ctrl+Right would go */
} editor_delete_unit;

/* One visual line as the renderer needs it. Offsets are byte offsets into the document;
 * the line's bytes are [start, start + len), without the paragraph's '\n'. x values are
 * pixels from the line's left edge, y pixels from the viewport's top. */
typedef struct editor_line {
    size_t index;       /* visual line number in the document, from 0 */
    size_t start;       /* first byte */
    size_t len;         /* bytes shown (trailing spaces of a wrapped line included) */
    int y;              /* top of the line */
    uint64_t stamp;     /* equal stamps mean equal bytes: a renderer may cache the line by it */
    size_t sel_start;   /* selected bytes on this line: [sel_start, sel_start + sel_len) */
    size_t sel_len;     /* 0: nothing of the line's bytes is selected */
    int sel_x0, sel_x1; /* the selected span in pixels; equal when sel_len is 0 */
    bool sel_past_end;  /* the selection goes on past the line's end (its '\n' or the wrap) */
    int caret_x;        /* the caret's x on this line, or -1 when the caret is elsewhere */
} editor_line;

/* Counters for tests and benchmarks; they only grow. */
typedef struct editor_stats {
    uint64_t paragraphs_laid_out; /* paragraphs (re)wrapped, whole or in part */
    uint64_t lines_wrapped;       /* visual lines computed */
    uint64_t codepoints_measured; /* calls of measure.advance */
    uint64_t forced_breaks;       /* re-wraps cut short below an edit (docs/editor.md) */
} editor_stats;

/* Creates an empty editor with a viewport of width × height pixels (width ≥ 1, height ≥ 0).
 * The measure is copied; its ctx must outlive the editor. On success *out owns the editor
 * (release it with editor_destroy). */
bilet_status editor_create(const editor_measure *measure, int width, int height, editor **out,
                           bilet_err *err);
/* Releases the editor; NULL is fine. */
void editor_destroy(editor *ed);

/* Changes the font metrics (large type) and re-wraps the whole document. On failure the
 * editor keeps its old measure and layout. */
bilet_status editor_set_measure(editor *ed, const editor_measure *measure, bilet_err *err);
/* Changes the viewport; a new width re-wraps the whole document (on failure nothing
 * changes), a new height only changes how many lines are visible. */
bilet_status editor_resize(editor *ed, int width, int height, bilet_err *err);

/* Replaces the whole document (restore after a crash): clears selection and history, puts
 * the caret at the end. The text is checked as editor_insert checks typed text ("\r\n" and
 * '\r' become '\n'). BILET_ETOOBIG over EDITOR_MAX_BYTES, BILET_EPARSE on invalid UTF-8 or a
 * control character (the message names its byte offset); on failure nothing changes. */
bilet_status editor_set_text(editor *ed, const char *utf8, size_t len, bilet_err *err);
/* Copies the document into a new NUL-terminated malloc'd buffer: *out is the caller's to
 * free, *len its length without the NUL. BILET_ENOMEM when memory is short. */
bilet_status editor_text(const editor *ed, char **out, size_t *len, bilet_err *err);
/* The document's length in bytes. */
size_t editor_length(const editor *ed);
/* A counter that grows on every change of the document (edits, undo, redo, set_text) and
 * on nothing else; a saver compares it with the revision it last made durable. */
uint64_t editor_revision(const editor *ed);
/* Characters: code points, '\n' not counted. */
size_t editor_chars(const editor *ed);
/* Words: maximal runs of letters and digits (see docs/editor.md for what counts). */
size_t editor_words(const editor *ed);

/* Types text at the caret, replacing the selection. The text is UTF-8 as SDL_TEXTINPUT
 * delivers it (any length); '\n' is kept, '\t' becomes EDITOR_TAB_SPACES spaces, "\r\n" and
 * '\r' become '\n'. Consecutive typing joins one undo step until editor_undo_boundary() or a
 * caret move. BILET_EINVAL on invalid UTF-8 or another control character, BILET_ETOOBIG
 * when the document would pass EDITOR_MAX_BYTES, BILET_ENOMEM; on failure nothing changes.
 * Clears the IME composition. */
bilet_status editor_insert(editor *ed, const char *utf8, size_t len, bilet_err *err);
/* Enter: the same as editor_insert of "\n". */
bilet_status editor_newline(editor *ed, bilet_err *err);
/* Backspace / Delete and their Ctrl forms; with a selection, deletes the selection.
 * Consecutive deletes of one kind join one undo step. Nothing to delete is BILET_OK. */
bilet_status editor_delete(editor *ed, editor_delete_unit unit, bilet_err *err);

/* Moves the caret; extend (Shift) keeps the selection's anchor where it is. */
void editor_move_caret(editor *ed, editor_move how, bool extend);
/* Selects the whole document (caret at the end). */
void editor_select_all(editor *ed);
/* Sets anchor and caret; offsets past the end are clamped and offsets inside a UTF-8
 * sequence moved back to its start. */
void editor_set_selection(editor *ed, size_t anchor, size_t caret);
/* The caret's byte offset. */
size_t editor_caret(const editor *ed);
/* Whether text is selected; *start and *end (may be NULL) get the selected byte range, or
 * the caret twice when nothing is selected. */
bool editor_selection(const editor *ed, size_t *start, size_t *end);

/* The internal clipboard (the answer never leaves the editor). Copy with nothing selected
 * keeps the clipboard. Paste of an empty clipboard is BILET_OK and changes nothing. Paste
 * is one undo step, so is cut. BILET_ETOOBIG / BILET_ENOMEM as for editor_insert. */
bilet_status editor_copy(editor *ed, bilet_err *err);
bilet_status editor_cut(editor *ed, bilet_err *err);
bilet_status editor_paste(editor *ed, bilet_err *err);

/* Undo / redo one step; with nothing to undo (redo) they return BILET_OK and change nothing.
 * BILET_ENOMEM (rare: the layout of the restored text) leaves the document as it was. */
bilet_status editor_undo(editor *ed, bilet_err *err);
bilet_status editor_redo(editor *ed, bilet_err *err);
bool editor_can_undo(const editor *ed);
bool editor_can_redo(const editor *ed);
/* Ends the current undo step: the caller calls it after a pause in typing. */
void editor_undo_boundary(editor *ed);

/* Shows uncommitted IME text at the caret without changing the document; cursor is the IME
 * cursor in code points within it. NULL or "" clears it. BILET_EINVAL on invalid UTF-8,
 * BILET_ETOOBIG over EDITOR_COMPOSITION_MAX bytes; on failure the old composition stays. */
bilet_status editor_set_composition(editor *ed, const char *utf8, int cursor, bilet_err *err);
/* Whether a composition is showing; if so *utf8 and *len (not NUL-terminated, owned by the editor,
 * valid until the next call that changes the editor), *cursor_x (the IME cursor, pixels from
 * the composition's left) and *width (pixels) describe it. It is drawn at the caret
 * (editor_caret_pos), over the text. Any out-pointer may be NULL. */
bool editor_composition(editor *ed, const char **utf8, size_t *len, int *cursor_x, int *width);

/* Mouse, in editor space (pixels from the viewport's top-left). Press puts the caret at the
 * nearest character boundary (extend: Shift+click extends the selection); drag moves the
 * caret and keeps the anchor of the press, scrolling when the point leaves the viewport. */
void editor_mouse_press(editor *ed, int x, int y, bool extend);
void editor_mouse_drag(editor *ed, int x, int y);
/* Double-click: selects the word (or the run of other characters) under the point. */
void editor_select_word_at(editor *ed, int x, int y);
/* The mouse wheel: scrolls the view by lines (negative: up) without moving the caret. */
void editor_scroll(editor *ed, long lines);

/* Visual lines in the whole document (≥ 1). */
size_t editor_line_count(const editor *ed);
/* The first visual line shown in the viewport. */
size_t editor_top_line(const editor *ed);
/* Whole lines that fit in the viewport (≥ 1). */
size_t editor_viewport_rows(const editor *ed);
/* Fills out[0..max) with visual lines first, first+1, ... (first is a document line index;
 * editor_top_line() gives the viewport's); returns how many were filled (fewer at the
 * document's end). Cost: O(log n) plus the lines filled; measures only lines that hold the
 * caret or part of the selection. */
size_t editor_visible_lines(editor *ed, size_t first, size_t max, editor_line *out);
/* Copies the bytes of visual line `line` (no '\n', no NUL) into buf; *len gets the line's
 * length. BILET_ETOOBIG (with *len set) when cap is smaller, BILET_EINVAL for a line past
 * the end. */
bilet_status editor_line_text(const editor *ed, size_t line, char *buf, size_t cap, size_t *len,
                              bilet_err *err);
/* The caret's visual line and its x in pixels (capped at the viewport's width, where a
 * wrapped line's hanging spaces would push it further). */
void editor_caret_pos(editor *ed, size_t *line, int *x);

/* Counters of layout work since creation. */
void editor_debug_stats(const editor *ed, editor_stats *out);
/* Checks every cached structure (paragraph index, line breaks, counts) against the text:
 * BILET_ECORRUPT naming the first difference. O(document); for tests. */
bilet_status editor_debug_verify(editor *ed, bilet_err *err);

#endif
