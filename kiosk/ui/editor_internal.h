/*
 * editor_internal.h — the editor's data structures, shared by the editor_*.c files only.
 *
 * Text: a gap buffer of UTF-8 bytes (editor_gap.c). Layout: the document's paragraphs
 * ('\n'-separated) in blocks of up to EDITOR_BLOCK_MAX, each paragraph with its cached line
 * breaks; Fenwick trees over the blocks' byte and line totals map a byte offset or a visual
 * line to its paragraph in O(log n) (editor_layout.c). Undo steps (editor_history.c).
 * Character and word classes, UTF-8 checks (editor_utf8.c). editor.c holds the public API.
 *
 * Invariants: the paragraphs, in block order, cover the document exactly; every paragraph
 * but the last ends with its '\n' (nl = 1); each has ≥ 1 visual line and lines[0].start = 0;
 * line starts are strictly increasing and lie inside the paragraph's text; each line ends
 * where wrapping from its start ends it, except a line flagged EDITOR_VLINE_FORCED, which
 * fits and ends where the next line starts; every block holds ≥ 1 paragraph; fw_* are the
 * Fenwick trees of the blocks' bytes and lines totals.
 */
#ifndef BILET_EDITOR_INTERNAL_H
#define BILET_EDITOR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "editor.h"

enum {
    EDITOR_BLOCK_MAX = 64,   /* paragraphs a block holds */
    EDITOR_BLOCK_FILL = 48,  /* paragraphs a freshly filled block gets: room to grow */
    EDITOR_INLINE_LINES = 2, /* line breaks kept inside the paragraph, without a heap array */
    EDITOR_POOL_MAX = 8,     /* spare blocks kept for the next split */
    EDITOR_REFLOW_SLACK = 8, /* lines re-wrapped past an edit beyond a viewport's worth */
};

/* ---- UTF-8 and character classes (editor_utf8.c) ---- */

/* Decodes one code point of untrusted input at s[*i] (n bytes in all) and advances *i;
 * false on invalid UTF-8 (overlong, surrogate, past U+10FFFF, truncated). */
bool editor_utf8_next(const char *s, size_t n, size_t *i, uint32_t *cp);
/* Code points in valid UTF-8, '\n' not counted. */
size_t editor_utf8_chars(const char *s, size_t n);
/* Whether cp is part of a word: ASCII letters and digits, and any code point ≥ 0x80 that is
 * not a space, punctuation or symbol. */
bool editor_is_word_cp(uint32_t cp);
/* Whether input may hold cp as it is: not a C0/C1 control, DEL, or anything else unprintable
 * ('\n' and '\t' are handled by the caller). */
bool editor_cp_allowed(uint32_t cp);

/* ---- gap buffer (editor_gap.c) ---- */

typedef struct editor_gap {
    char *buf;
    size_t cap; /* bytes allocated */
    size_t gs;  /* gap start: bytes before the gap */
    size_t ge;  /* gap end: buf[ge..cap) are the bytes after the gap */
} editor_gap;

static inline size_t editor_gap_len(const editor_gap *g)
{
    return g->cap - (g->ge - g->gs);
}

static inline unsigned char editor_gap_at(const editor_gap *g, size_t i)
{
    return (unsigned char)(i < g->gs ? g->buf[i] : g->buf[i + (g->ge - g->gs)]);
}

void editor_gap_free(editor_gap *g);
/* Makes room for a document of len bytes; nothing changes on failure. */
bilet_status editor_gap_reserve(editor_gap *g, size_t len, bilet_err *err);
/* Replaces bytes [a, b) with ins[0..n); needs room reserved for the resulting length. */
void editor_gap_replace(editor_gap *g, size_t a, size_t b, const char *ins, size_t n);
/* Copies bytes [from, from + n) to dst. */
void editor_gap_copy(const editor_gap *g, size_t from, size_t n, char *dst);
/* The code point at i (a boundary, i < len) and its length in bytes. */
uint32_t editor_gap_cp(const editor_gap *g, size_t i, size_t *len);
/* The code point that ends at i (i > 0) and where it starts. */
uint32_t editor_gap_cp_before(const editor_gap *g, size_t i, size_t *start);
/* The boundary after / before the one at i (clamped at the ends). */
size_t editor_gap_next(const editor_gap *g, size_t i);
size_t editor_gap_prev(const editor_gap *g, size_t i);
/* The offset of the first '\n' at or after from, or the length when there is none. */
size_t editor_gap_find_nl(const editor_gap *g, size_t from);

/* ---- layout (editor_layout.c) ---- */

enum {
    EDITOR_VLINE_FORCED = 1
}; /* editor_vline.flags: the line ends where the next starts,
      not where wrapping would end it (see editor_layout.c) */

typedef struct editor_vline {
    uint32_t start; /* byte offset within the paragraph */
    uint32_t flags;
    uint64_t stamp; /* changes whenever the line's bytes or extent change */
} editor_vline;

typedef struct editor_para {
    uint32_t len;       /* bytes, with the '\n' that ends it */
    uint32_t nl;        /* 1 when a '\n' ends it (all but the last paragraph) */
    uint32_t nlines;    /* visual lines, ≥ 1 */
    uint32_t cap;       /* capacity of heap; 0 while the lines are inline */
    editor_vline *heap; /* the lines when more than EDITOR_INLINE_LINES */
    editor_vline inl[EDITOR_INLINE_LINES];
} editor_para;

static inline editor_vline *editor_para_lines(editor_para *p)
{
    return p->heap ? p->heap : p->inl;
}

static inline const editor_vline *editor_para_clines(const editor_para *p)
{
    return p->heap ? p->heap : p->inl;
}

/* The paragraph's text length: its bytes without the '\n'. */
static inline size_t editor_para_text(const editor_para *p)
{
    return (size_t)p->len - p->nl;
}

typedef struct editor_block {
    size_t bytes; /* sum of its paragraphs' len */
    size_t lines; /* sum of its paragraphs' nlines */
    size_t n;     /* paragraphs, 1..EDITOR_BLOCK_MAX */
    editor_para p[EDITOR_BLOCK_MAX];
} editor_block;

typedef struct editor_index {
    editor_block **blk;
    size_t nblk;
    size_t cap;       /* of blk; fw_* hold cap + 1 */
    size_t *fw_bytes; /* Fenwick trees, 1-based */
    size_t *fw_lines;
    size_t bytes; /* the document's length */
    size_t lines; /* visual lines in the document */
} editor_index;

/* Where a paragraph is: its block and slot, its first byte and its first visual line. */
typedef struct editor_ploc {
    size_t blk;
    size_t idx;
    size_t start;
    size_t first_line;
} editor_ploc;

/* ---- undo history (editor_history.c) ---- */

typedef enum editor_edit_kind {
    EDITOR_EDIT_NOHIST, /* undo and redo themselves */
    EDITOR_EDIT_TYPING,
    EDITOR_EDIT_DEL_BACK,
    EDITOR_EDIT_DEL_FWD,
    EDITOR_EDIT_OTHER, /* paste, cut, deleting a selection: a step of its own */
} editor_edit_kind;

typedef struct editor_step {
    size_t pos; /* where the change starts */
    char *del;  /* the bytes it removed */
    size_t del_len, del_cap;
    char *ins; /* the bytes it inserted */
    size_t ins_len, ins_cap;
    size_t anchor_before, caret_before; /* the selection to restore on undo */
    editor_edit_kind kind;
} editor_step;

/* An undo record being prepared for one edit: begin reserves all memory, commit cannot
 * fail, abort returns to the state before begin. */
typedef struct editor_hist_tx {
    int mode; /* 0: nothing to record, 1: joins the last step, 2: a new step */
    editor_step step;
} editor_hist_tx;

/* ---- the editor ---- */

struct editor {
    editor_measure m;
    int width, height;

    editor_gap gap;
    editor_index ix;
    editor_para scratch; /* lines of an edited paragraph, before they replace its own */
    editor_para *np;     /* the paragraphs an edit creates after the first */
    size_t np_cap;
    editor_block **pool; /* spare blocks, so that a split needs no allocation */
    size_t npool, pool_cap;
    char *tmp; /* input after '\t' and '\r' are rewritten */
    size_t tmp_cap;
    char *del; /* bytes an edit removes, kept to roll it back */
    size_t del_cap;

    size_t caret, anchor;
    bool caret_prev_line; /* a caret at a wrap point shows at the end of the line above */
    int goal_x;           /* preferred x for Up/Down; -1 when none */
    size_t top;           /* first visual line of the viewport */

    editor_step *steps;
    size_t nsteps, cur, steps_cap; /* steps[0..cur) can be undone, [cur..nsteps) redone */
    size_t hist_bytes;
    bool hist_sealed; /* the next edit starts a new step */

    char *clip;
    size_t clip_len, clip_cap;

    char comp[EDITOR_COMPOSITION_MAX];
    size_t comp_len;
    int comp_cursor; /* code points */

    size_t chars, words;
    uint64_t revision;
    uint64_t next_stamp;
    editor_stats stats;
};

/* Frees every block and paragraph of ix (spare blocks go to the pool) and zeroes it. */
void editor_index_free(editor *ed, editor_index *ix);
/* Lays out the whole document afresh into *out (which the caller then owns). */
bilet_status editor_index_build(editor *ed, editor_index *out, bilet_err *err);
/* The paragraph holding byte pos (pos ≤ length; the end belongs to the last paragraph). */
editor_ploc editor_index_at_byte(const editor_index *ix, size_t pos);
/* The paragraph holding visual line `line` (< ix->lines). */
editor_ploc editor_index_at_line(const editor_index *ix, size_t line);
static inline editor_para *editor_index_para(const editor_index *ix, const editor_ploc *loc)
{
    return &ix->blk[loc->blk]->p[loc->idx];
}
/* Steps loc to the next paragraph; false at the last. */
bool editor_index_next(const editor_index *ix, editor_ploc *loc);
/* Re-lays out the paragraphs an edit touched, after the gap buffer took it: bytes [a, b)
 * that were in paragraphs pa..pb became ins[0..n). On failure the layout is as before. */
bilet_status editor_layout_edit(editor *ed, const editor_ploc *pa, const editor_ploc *pb, size_t a,
                                size_t b, const char *ins, size_t n, bilet_err *err);
/* Checks every invariant above (tests): BILET_ECORRUPT naming the first broken one. */
bilet_status editor_index_verify(editor *ed, bilet_err *err);
/* The end of the visual line that starts at s in a paragraph whose text ends at end (both
 * absolute): where the next line starts, or end. */
size_t editor_wrap_line(editor *ed, size_t s, size_t end);
/* Advance of one code point, counted in the stats. */
int editor_advance(editor *ed, uint32_t cp);

/* ---- history (editor_history.c) ---- */

bilet_status editor_hist_begin(editor *ed, editor_edit_kind kind, size_t a, size_t b,
                               const char *del, const char *ins, size_t n, editor_hist_tx *tx,
                               bilet_err *err);
void editor_hist_commit(editor *ed, editor_hist_tx *tx, const char *del, const char *ins, size_t n);
void editor_hist_abort(editor *ed, editor_hist_tx *tx);
/* Frees every step. */
void editor_hist_clear(editor *ed);

#endif
