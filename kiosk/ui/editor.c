/*
 * editor.c — the answer editor's public API: editing, caret and selection, clipboard, undo,
 * IME composition, mouse, scrolling and what the renderer reads (editor.h).
 *
 * Every change of the text goes through replace(): bytes [a, b) become ins. It reserves all
 * memory first (undo step, gap, new line breaks), then changes the gap buffer and re-wraps
 * only the paragraphs the edit touched, so that a failure leaves the document as it was.
 * Character and word counts change by what the edit removed and inserted, plus the word
 * boundaries at its two ends — never by a recount of the document.
 * Invariants: caret and anchor are code-point boundaries ≤ the length; top < the number of
 * visual lines; caret_prev_line matters only when the caret sits at a wrap point.
 * Load: one call per key or mouse event and a few per frame; caret moves cost O(log n) plus
 * one or two visual lines of measuring and allocate nothing.
 */
#include "editor_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- visual lines ---- */

/* One visual line, in document byte offsets. */
typedef struct vline_info {
    size_t index; /* visual line number */
    size_t start; /* its first byte */
    size_t end;   /* the end of its bytes, without the '\n' */
    bool soft;    /* wrapped: the paragraph goes on at end on the next line */
    uint64_t stamp;
} vline_info;

static size_t view_rows(const editor *ed)
{
    size_t r = (size_t)ed->height / (size_t)ed->m.line_height;
    return r ? r : 1;
}

static void info_from(const editor *ed, const editor_ploc *loc, size_t li, vline_info *out)
{
    const editor_para *p = editor_index_para(&ed->ix, loc);
    const editor_vline *v = editor_para_clines(p);
    out->index = loc->first_line + li;
    out->start = loc->start + v[li].start;
    out->soft = li + 1 < p->nlines;
    out->end = loc->start + (out->soft ? v[li + 1].start : editor_para_text(p));
    out->stamp = v[li].stamp;
}

/* The visual line that shows byte pos; at a wrap point it is the line below, or the line
 * above when prev_line is set. */
static void line_at_pos(const editor *ed, size_t pos, bool prev_line, vline_info *out)
{
    editor_ploc loc = editor_index_at_byte(&ed->ix, pos);
    const editor_para *p = editor_index_para(&ed->ix, &loc);
    const editor_vline *v = editor_para_clines(p);
    size_t rel = pos - loc.start;
    size_t lo = 1, hi = p->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].start <= rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t li = lo - 1;
    if (prev_line && li > 0 && v[li].start == rel)
        li--;
    info_from(ed, &loc, li, out);
}

static void line_at_index(const editor *ed, size_t index, vline_info *out)
{
    editor_ploc loc = editor_index_at_line(&ed->ix, index);
    info_from(ed, &loc, index - loc.first_line, out);
}

/* Pixels from the line's start to pos. */
static int x_in_line(editor *ed, const vline_info *li, size_t pos)
{
    int64_t x = 0;
    for (size_t p = li->start; p < pos;) {
        size_t k;
        uint32_t cp = editor_gap_cp(&ed->gap, p, &k);
        x += editor_advance(ed, cp);
        p += k;
    }
    return x > INT_MAX ? INT_MAX : (int)x;
}

/* The boundary of the line nearest to x; *at_wrap when that is the end of a wrapped line. */
static size_t pos_in_line(editor *ed, const vline_info *li, int x, bool *at_wrap)
{
    int64_t acc = 0;
    *at_wrap = false;
    for (size_t p = li->start; p < li->end;) {
        size_t k;
        uint32_t cp = editor_gap_cp(&ed->gap, p, &k);
        int w = editor_advance(ed, cp);
        if (2 * (int64_t)x < 2 * acc + w)
            return p;
        acc += w;
        p += k;
    }
    *at_wrap = li->soft;
    return li->end;
}

static void clamp_top(editor *ed)
{
    size_t r = view_rows(ed);
    size_t max_top = ed->ix.lines > r ? ed->ix.lines - r : 0;
    if (ed->top > max_top)
        ed->top = max_top;
}

/* Re-wraps on from lines that a cut-short re-wrap ended early (editor_layout.c) once they
 * are in view, so that the student never sees one; each repair moves the early end a
 * viewport's height further down, or removes it. */
static void repair_view(editor *ed)
{
    for (int round = 0; round < 8; round++) {
        size_t rows = view_rows(ed);
        editor_ploc loc = editor_index_at_line(&ed->ix, ed->top);
        size_t li = ed->top - loc.first_line;
        bool repaired = false;
        for (size_t n = 0; n <= rows && !repaired; n++) {
            const editor_para *p = editor_index_para(&ed->ix, &loc);
            const editor_vline *v = editor_para_clines(p);
            if (v[li].flags & EDITOR_VLINE_FORCED) {
                size_t o = loc.start + v[li + 1].start;
                if (editor_layout_edit(ed, &loc, &loc, o, o, NULL, 0, NULL) != BILET_OK)
                    return; /* no memory: the line stays short, which is still valid */
                repaired = true;
            } else if (++li == p->nlines) {
                if (!editor_index_next(&ed->ix, &loc))
                    break;
                li = 0;
            }
        }
        if (!repaired)
            return;
        clamp_top(ed);
    }
}

static void caret_into_view(editor *ed)
{
    vline_info li;
    line_at_pos(ed, ed->caret, ed->caret_prev_line, &li);
    size_t r = view_rows(ed);
    if (li.index < ed->top)
        ed->top = li.index;
    else if (li.index >= ed->top + r)
        ed->top = li.index - r + 1;
    clamp_top(ed);
}

static void ensure_visible(editor *ed)
{
    caret_into_view(ed);
    repair_view(ed);
    caret_into_view(ed); /* a repair above the caret may have moved its line */
}

static void set_caret(editor *ed, size_t pos, bool prev_line, bool extend)
{
    ed->caret = pos;
    ed->caret_prev_line = prev_line;
    if (!extend)
        ed->anchor = pos;
}

/* ---- words ---- */

static bool word_at(const editor *ed, size_t pos)
{
    size_t k;
    return editor_is_word_cp(editor_gap_cp(&ed->gap, pos, &k));
}

static bool word_before(const editor *ed, size_t pos)
{
    size_t s;
    return editor_is_word_cp(editor_gap_cp_before(&ed->gap, pos, &s));
}

static size_t word_next(const editor *ed, size_t pos)
{
    size_t len = editor_gap_len(&ed->gap);
    while (pos < len && !word_at(ed, pos))
        pos = editor_gap_next(&ed->gap, pos);
    while (pos < len && word_at(ed, pos))
        pos = editor_gap_next(&ed->gap, pos);
    return pos;
}

static size_t word_prev(const editor *ed, size_t pos)
{
    while (pos > 0 && !word_before(ed, pos))
        pos = editor_gap_prev(&ed->gap, pos);
    while (pos > 0 && word_before(ed, pos))
        pos = editor_gap_prev(&ed->gap, pos);
    return pos;
}

/* Word starts at the code points in [a, b], the one at b included: what an edit of [a, b)
 * can change in the word count. */
static size_t word_starts(const editor *ed, size_t a, size_t b)
{
    size_t len = editor_gap_len(&ed->gap);
    size_t end = b < len ? editor_gap_next(&ed->gap, b) : len;
    bool prev = a > 0 && word_before(ed, a);
    size_t count = 0;
    for (size_t p = a; p < end;) {
        size_t k;
        bool w = editor_is_word_cp(editor_gap_cp(&ed->gap, p, &k));
        if (w && !prev)
            count++;
        prev = w;
        p += k;
    }
    return count;
}

/* ---- input ---- */

/* Checks text from outside. *out and *out_len get the text to store: the input itself, or
 * ed->tmp when '\t' or '\r' had to be rewritten. bad is the status for invalid text. */
static bilet_status clean_input(editor *ed, const char *s, size_t n, const char **out,
                                size_t *out_len, bilet_status bad, const char *what, bilet_err *err)
{
    size_t need = 0;
    bool rewrite = false;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp;
        if (!editor_utf8_next(s, n, &i, &cp))
            return bilet_fail(err, bad, "%s: invalid UTF-8 at byte %zu", what, at);
        if (cp == '\t') {
            need += EDITOR_TAB_SPACES;
            rewrite = true;
        } else if (cp == '\r') {
            rewrite = true;
            if (i == n || s[i] != '\n')
                need++;
        } else if (cp == '\n' || editor_cp_allowed(cp)) {
            need += i - at;
        } else {
            return bilet_fail(err, bad, "%s: control character U+%04X at byte %zu", what,
                              (unsigned)cp, at);
        }
        if (need > EDITOR_MAX_BYTES)
            return bilet_fail(err, BILET_ETOOBIG, "%s: the answer is limited to %d MiB", what,
                              EDITOR_MAX_BYTES / (1024 * 1024));
    }
    if (!rewrite) {
        *out = s;
        *out_len = n;
        return BILET_OK;
    }
    if (need > ed->tmp_cap) {
        char *tmp = realloc(ed->tmp, need);
        if (!tmp)
            return bilet_fail(err, BILET_ENOMEM, "%s: no memory for %zu bytes", what, need);
        ed->tmp = tmp;
        ed->tmp_cap = need;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            memset(ed->tmp + o, ' ', EDITOR_TAB_SPACES);
            o += EDITOR_TAB_SPACES;
        } else if (s[i] == '\r') {
            if (i + 1 == n || s[i + 1] != '\n')
                ed->tmp[o++] = '\n';
        } else {
            ed->tmp[o++] = s[i];
        }
    }
    *out = ed->tmp;
    *out_len = o;
    return BILET_OK;
}

/* ---- the one way the text changes ---- */

static bilet_status replace(editor *ed, size_t a, size_t b, const char *ins, size_t n,
                            editor_edit_kind kind, bilet_err *err)
{
    bilet_status st;
    size_t len = editor_gap_len(&ed->gap);
    size_t dn = b - a;
    if (dn == 0 && n == 0)
        return BILET_OK;
    if (len - dn + n > EDITOR_MAX_BYTES)
        return bilet_fail(err, BILET_ETOOBIG,
                          "the answer is limited to %d MiB; this change would make it %zu bytes",
                          EDITOR_MAX_BYTES / (1024 * 1024), len - dn + n);
    if (dn > ed->del_cap) {
        size_t cap = ed->del_cap * 2 > dn ? ed->del_cap * 2 : dn;
        char *del = realloc(ed->del, cap);
        if (!del)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory for %zu bytes", cap);
        ed->del = del;
        ed->del_cap = cap;
    }
    editor_gap_copy(&ed->gap, a, dn, ed->del);

    editor_hist_tx tx;
    if ((st = editor_hist_begin(ed, kind, a, b, ed->del, ins, n, &tx, err)) != BILET_OK)
        return st;
    editor_ploc pa = editor_index_at_byte(&ed->ix, a);
    editor_ploc pb = dn ? editor_index_at_byte(&ed->ix, b) : pa;
    size_t words_before = word_starts(ed, a, b);
    if ((st = editor_gap_reserve(&ed->gap, len - dn + n, err)) != BILET_OK)
        goto out_abort;
    editor_gap_replace(&ed->gap, a, b, ins, n);
    if ((st = editor_layout_edit(ed, &pa, &pb, a, b, ins, n, err)) != BILET_OK) {
        editor_gap_replace(&ed->gap, a, a + n, ed->del, dn);
        goto out_abort;
    }
    ed->words = ed->words - words_before + word_starts(ed, a, a + n);
    ed->chars = ed->chars - editor_utf8_chars(ed->del, dn) + editor_utf8_chars(ins, n);
    editor_hist_commit(ed, &tx, ed->del, ins, n);
    ed->revision++;
    ed->goal_x = -1;
    set_caret(ed, a + n, false, false);
    ensure_visible(ed);
    return BILET_OK;

out_abort:
    editor_hist_abort(ed, &tx);
    return st;
}

/* ---- creation ---- */

static bilet_status check_measure(const editor_measure *m, bilet_err *err)
{
    if (!m || !m->advance)
        return bilet_fail(err, BILET_EINVAL, "editor: no measure function");
    if (m->line_height < 1)
        return bilet_fail(err, BILET_EINVAL, "editor: line height %d, want ≥ 1", m->line_height);
    return BILET_OK;
}

bilet_status editor_create(const editor_measure *measure, int width, int height, editor **out,
                           bilet_err *err)
{
    bilet_status st;
    if (!out)
        return bilet_fail(err, BILET_EINVAL, "editor: no place for the editor");
    *out = NULL;
    if ((st = check_measure(measure, err)) != BILET_OK)
        return st;
    if (width < 1 || height < 0)
        return bilet_fail(err, BILET_EINVAL, "editor: viewport %d×%d, want width ≥ 1", width,
                          height);
    editor *ed = calloc(1, sizeof *ed);
    if (!ed)
        return bilet_fail(err, BILET_ENOMEM, "editor: no memory");
    ed->m = *measure;
    ed->width = width;
    ed->height = height;
    ed->goal_x = -1;
    ed->hist_sealed = true;
    if ((st = editor_index_build(ed, &ed->ix, err)) != BILET_OK) {
        editor_destroy(ed);
        return st;
    }
    *out = ed;
    return BILET_OK;
}

void editor_destroy(editor *ed)
{
    if (!ed)
        return;
    editor_index_free(ed, &ed->ix);
    for (size_t i = 0; i < ed->npool; i++)
        free(ed->pool[i]);
    free(ed->pool);
    free(ed->scratch.heap);
    free(ed->np);
    free(ed->tmp);
    free(ed->del);
    free(ed->clip);
    editor_hist_clear(ed);
    free(ed->steps);
    editor_gap_free(&ed->gap);
    free(ed);
}

/* Re-wraps everything after a change of width or metrics; the caller restores those when
 * this fails. */
static bilet_status relayout_all(editor *ed, bilet_err *err)
{
    editor_index ix;
    bilet_status st = editor_index_build(ed, &ix, err);
    if (st != BILET_OK)
        return st;
    editor_index_free(ed, &ed->ix);
    ed->ix = ix;
    ed->goal_x = -1;
    ensure_visible(ed);
    return BILET_OK;
}

bilet_status editor_set_measure(editor *ed, const editor_measure *measure, bilet_err *err)
{
    bilet_status st;
    if ((st = check_measure(measure, err)) != BILET_OK)
        return st;
    editor_measure old = ed->m;
    ed->m = *measure;
    if ((st = relayout_all(ed, err)) != BILET_OK)
        ed->m = old;
    return st;
}

bilet_status editor_resize(editor *ed, int width, int height, bilet_err *err)
{
    if (width < 1 || height < 0)
        return bilet_fail(err, BILET_EINVAL, "editor: viewport %d×%d, want width ≥ 1", width,
                          height);
    if (width != ed->width) {
        int old = ed->width;
        ed->width = width;
        bilet_status st = relayout_all(ed, err);
        if (st != BILET_OK) {
            ed->width = old;
            return st;
        }
    }
    ed->height = height;
    ensure_visible(ed);
    return BILET_OK;
}

/* ---- the whole text ---- */

bilet_status editor_set_text(editor *ed, const char *utf8, size_t len, bilet_err *err)
{
    bilet_status st;
    const char *text;
    size_t n;
    if (len > (size_t)EDITOR_MAX_BYTES * 2)
        return bilet_fail(err, BILET_ETOOBIG, "saved answer: %zu bytes, the limit is %d MiB", len,
                          EDITOR_MAX_BYTES / (1024 * 1024));
    st = clean_input(ed, utf8, len, &text, &n, BILET_EPARSE, "saved answer", err);
    if (st != BILET_OK)
        return st;
    editor_gap old = ed->gap;
    editor_gap fresh = { 0 };
    if ((st = editor_gap_reserve(&fresh, n, err)) != BILET_OK)
        return st;
    editor_gap_replace(&fresh, 0, 0, text, n);
    ed->gap = fresh;
    editor_index ix;
    if ((st = editor_index_build(ed, &ix, err)) != BILET_OK) {
        ed->gap = old;
        editor_gap_free(&fresh);
        return st;
    }
    editor_index_free(ed, &ed->ix);
    ed->ix = ix;
    editor_gap_free(&old);
    ed->chars = editor_utf8_chars(text, n);
    ed->words = word_starts(ed, 0, n);
    editor_hist_clear(ed);
    ed->comp_len = 0;
    ed->goal_x = -1;
    ed->revision++;
    set_caret(ed, n, false, false);
    ed->top = 0;
    ensure_visible(ed);
    return BILET_OK;
}

bilet_status editor_text(const editor *ed, char **out, size_t *len, bilet_err *err)
{
    size_t n = editor_gap_len(&ed->gap);
    char *s = malloc(n + 1);
    *out = NULL;
    *len = 0;
    if (!s)
        return bilet_fail(err, BILET_ENOMEM, "editor: no memory for a copy of %zu bytes", n);
    editor_gap_copy(&ed->gap, 0, n, s);
    s[n] = '\0';
    *out = s;
    *len = n;
    return BILET_OK;
}

size_t editor_length(const editor *ed)
{
    return editor_gap_len(&ed->gap);
}

uint64_t editor_revision(const editor *ed)
{
    return ed->revision;
}

size_t editor_chars(const editor *ed)
{
    return ed->chars;
}

size_t editor_words(const editor *ed)
{
    return ed->words;
}

/* ---- editing ---- */

bilet_status editor_insert(editor *ed, const char *utf8, size_t len, bilet_err *err)
{
    const char *text = NULL;
    size_t n = 0, a, b;
    bilet_status st = clean_input(ed, utf8, len, &text, &n, BILET_EINVAL, "text input", err);
    if (st != BILET_OK)
        return st;
    if (n == 0)
        return BILET_OK;
    editor_selection(ed, &a, &b);
    st = replace(ed, a, b, text, n, EDITOR_EDIT_TYPING, err);
    if (st == BILET_OK)
        ed->comp_len = 0;
    return st;
}

bilet_status editor_newline(editor *ed, bilet_err *err)
{
    return editor_insert(ed, "\n", 1, err);
}

bilet_status editor_delete(editor *ed, editor_delete_unit unit, bilet_err *err)
{
    size_t a, b;
    if (editor_selection(ed, &a, &b))
        return replace(ed, a, b, NULL, 0, EDITOR_EDIT_OTHER, err);
    editor_edit_kind kind = EDITOR_EDIT_DEL_BACK;
    switch (unit) {
    case EDITOR_DELETE_CHAR_PREV:
        a = editor_gap_prev(&ed->gap, a);
        break;
    case EDITOR_DELETE_WORD_PREV:
        a = word_prev(ed, a);
        break;
    case EDITOR_DELETE_CHAR_NEXT:
        b = editor_gap_next(&ed->gap, b);
        kind = EDITOR_EDIT_DEL_FWD;
        break;
    case EDITOR_DELETE_WORD_NEXT:
        b = word_next(ed, b);
        kind = EDITOR_EDIT_DEL_FWD;
        break;
    }
    return replace(ed, a, b, NULL, 0, kind, err);
}

/* ---- caret and selection ---- */

static void move_vertical(editor *ed, long delta, bool extend)
{
    vline_info li;
    line_at_pos(ed, ed->caret, ed->caret_prev_line, &li);
    if (ed->goal_x < 0)
        ed->goal_x = x_in_line(ed, &li, ed->caret);
    int64_t target = (int64_t)li.index + delta;
    if (target < 0)
        target = 0;
    if ((size_t)target >= ed->ix.lines)
        target = (int64_t)ed->ix.lines - 1;
    if ((size_t)target == li.index) {
        /* nowhere further to go: the document's start or end */
        set_caret(ed, delta < 0 ? 0 : editor_gap_len(&ed->gap), false, extend);
        return;
    }
    vline_info t;
    bool wrap;
    line_at_index(ed, (size_t)target, &t);
    size_t pos = pos_in_line(ed, &t, ed->goal_x, &wrap);
    set_caret(ed, pos, wrap, extend);
}

void editor_move_caret(editor *ed, editor_move how, bool extend)
{
    size_t s0, s1;
    bool sel = editor_selection(ed, &s0, &s1);
    bool keep_goal = false;
    vline_info li;
    long page = (long)view_rows(ed);
    switch (how) {
    case EDITOR_MOVE_CHAR_PREV:
        set_caret(ed, sel && !extend ? s0 : editor_gap_prev(&ed->gap, ed->caret), false, extend);
        break;
    case EDITOR_MOVE_CHAR_NEXT:
        set_caret(ed, sel && !extend ? s1 : editor_gap_next(&ed->gap, ed->caret), false, extend);
        break;
    case EDITOR_MOVE_WORD_PREV:
        set_caret(ed, word_prev(ed, ed->caret), false, extend);
        break;
    case EDITOR_MOVE_WORD_NEXT:
        set_caret(ed, word_next(ed, ed->caret), false, extend);
        break;
    case EDITOR_MOVE_LINE_START:
        line_at_pos(ed, ed->caret, ed->caret_prev_line, &li);
        set_caret(ed, li.start, false, extend);
        break;
    case EDITOR_MOVE_LINE_END:
        line_at_pos(ed, ed->caret, ed->caret_prev_line, &li);
        set_caret(ed, li.end, li.soft, extend);
        break;
    case EDITOR_MOVE_LINE_UP:
    case EDITOR_MOVE_LINE_DOWN:
        move_vertical(ed, how == EDITOR_MOVE_LINE_UP ? -1 : 1, extend);
        keep_goal = true;
        break;
    case EDITOR_MOVE_PAGE_UP:
        ed->top = ed->top > (size_t)page ? ed->top - (size_t)page : 0;
        move_vertical(ed, -page, extend);
        keep_goal = true;
        break;
    case EDITOR_MOVE_PAGE_DOWN:
        ed->top += (size_t)page;
        clamp_top(ed);
        move_vertical(ed, page, extend);
        keep_goal = true;
        break;
    case EDITOR_MOVE_DOC_START:
        set_caret(ed, 0, false, extend);
        break;
    case EDITOR_MOVE_DOC_END:
        set_caret(ed, editor_gap_len(&ed->gap), false, extend);
        break;
    }
    if (!keep_goal)
        ed->goal_x = -1;
    ed->hist_sealed = true;
    ensure_visible(ed);
}

void editor_select_all(editor *ed)
{
    ed->anchor = 0;
    set_caret(ed, editor_gap_len(&ed->gap), false, true);
    ed->goal_x = -1;
    ed->hist_sealed = true;
    ensure_visible(ed);
}

static size_t snap(const editor *ed, size_t pos)
{
    size_t len = editor_gap_len(&ed->gap);
    if (pos >= len)
        return len;
    while (pos > 0 && (editor_gap_at(&ed->gap, pos) & 0xC0) == 0x80)
        pos--;
    return pos;
}

void editor_set_selection(editor *ed, size_t anchor, size_t caret)
{
    ed->anchor = snap(ed, anchor);
    set_caret(ed, snap(ed, caret), false, true);
    ed->goal_x = -1;
    ed->hist_sealed = true;
    ensure_visible(ed);
}

size_t editor_caret(const editor *ed)
{
    return ed->caret;
}

bool editor_selection(const editor *ed, size_t *start, size_t *end)
{
    size_t s = ed->caret < ed->anchor ? ed->caret : ed->anchor;
    size_t e = ed->caret < ed->anchor ? ed->anchor : ed->caret;
    if (start)
        *start = s;
    if (end)
        *end = e;
    return s != e;
}

/* ---- clipboard ---- */

bilet_status editor_copy(editor *ed, bilet_err *err)
{
    size_t a, b;
    if (!editor_selection(ed, &a, &b))
        return BILET_OK;
    if (b - a > ed->clip_cap) {
        char *clip = realloc(ed->clip, b - a);
        if (!clip)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory to copy %zu bytes", b - a);
        ed->clip = clip;
        ed->clip_cap = b - a;
    }
    editor_gap_copy(&ed->gap, a, b - a, ed->clip);
    ed->clip_len = b - a;
    return BILET_OK;
}

bilet_status editor_cut(editor *ed, bilet_err *err)
{
    size_t a, b;
    if (!editor_selection(ed, &a, &b))
        return BILET_OK;
    bilet_status st = editor_copy(ed, err);
    if (st != BILET_OK)
        return st;
    return replace(ed, a, b, NULL, 0, EDITOR_EDIT_OTHER, err);
}

bilet_status editor_paste(editor *ed, bilet_err *err)
{
    size_t a, b;
    if (!ed->clip_len)
        return BILET_OK;
    editor_selection(ed, &a, &b);
    return replace(ed, a, b, ed->clip, ed->clip_len, EDITOR_EDIT_OTHER, err);
}

/* ---- undo ---- */

bilet_status editor_undo(editor *ed, bilet_err *err)
{
    if (ed->cur == 0)
        return BILET_OK;
    const editor_step *s = &ed->steps[ed->cur - 1];
    bilet_status st =
        replace(ed, s->pos, s->pos + s->ins_len, s->del, s->del_len, EDITOR_EDIT_NOHIST, err);
    if (st != BILET_OK)
        return st;
    ed->cur--;
    ed->anchor = s->anchor_before;
    set_caret(ed, s->caret_before, false, true);
    ed->hist_sealed = true;
    ensure_visible(ed);
    return BILET_OK;
}

bilet_status editor_redo(editor *ed, bilet_err *err)
{
    if (ed->cur == ed->nsteps)
        return BILET_OK;
    const editor_step *s = &ed->steps[ed->cur];
    bilet_status st =
        replace(ed, s->pos, s->pos + s->del_len, s->ins, s->ins_len, EDITOR_EDIT_NOHIST, err);
    if (st != BILET_OK)
        return st;
    ed->cur++;
    ed->hist_sealed = true;
    return BILET_OK;
}

bool editor_can_undo(const editor *ed)
{
    return ed->cur > 0;
}

bool editor_can_redo(const editor *ed)
{
    return ed->cur < ed->nsteps;
}

void editor_undo_boundary(editor *ed)
{
    ed->hist_sealed = true;
}

/* ---- IME composition ---- */

bilet_status editor_set_composition(editor *ed, const char *utf8, int cursor, bilet_err *err)
{
    if (!utf8 || !*utf8) {
        ed->comp_len = 0;
        return BILET_OK;
    }
    size_t n = strnlen(utf8, EDITOR_COMPOSITION_MAX + 1);
    if (n > EDITOR_COMPOSITION_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "IME composition: over %d bytes",
                          EDITOR_COMPOSITION_MAX);
    int cps = 0;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp;
        if (!editor_utf8_next(utf8, n, &i, &cp))
            return bilet_fail(err, BILET_EINVAL, "IME composition: invalid UTF-8 at byte %zu", at);
        if (!editor_cp_allowed(cp))
            return bilet_fail(err, BILET_EINVAL,
                              "IME composition: control character U+%04X at byte %zu", (unsigned)cp,
                              at);
        cps++;
    }
    memcpy(ed->comp, utf8, n);
    ed->comp_len = n;
    ed->comp_cursor = cursor < 0 ? 0 : cursor > cps ? cps : cursor;
    return BILET_OK;
}

bool editor_composition(editor *ed, const char **utf8, size_t *len, int *cursor_x, int *width)
{
    if (!ed->comp_len)
        return false;
    int64_t x = 0, cx = 0;
    int count = 0;
    for (size_t i = 0; i < ed->comp_len;) {
        uint32_t cp;
        if (count == ed->comp_cursor)
            cx = x;
        if (!editor_utf8_next(ed->comp, ed->comp_len, &i, &cp))
            break; /* cannot happen: checked when set */
        x += editor_advance(ed, cp);
        count++;
    }
    if (count <= ed->comp_cursor)
        cx = x;
    if (utf8)
        *utf8 = ed->comp;
    if (len)
        *len = ed->comp_len;
    if (cursor_x)
        *cursor_x = cx > INT_MAX ? INT_MAX : (int)cx;
    if (width)
        *width = x > INT_MAX ? INT_MAX : (int)x;
    return true;
}

/* ---- mouse and scrolling ---- */

static size_t hit(editor *ed, int x, int y, bool *at_wrap)
{
    int64_t lh = ed->m.line_height;
    int64_t row = y >= 0 ? y / lh : -((-(int64_t)y + lh - 1) / lh);
    int64_t line = (int64_t)ed->top + row;
    if (line < 0)
        line = 0;
    if ((size_t)line >= ed->ix.lines)
        line = (int64_t)ed->ix.lines - 1;
    vline_info li;
    line_at_index(ed, (size_t)line, &li);
    return pos_in_line(ed, &li, x, at_wrap);
}

void editor_mouse_press(editor *ed, int x, int y, bool extend)
{
    bool wrap;
    size_t pos = hit(ed, x, y, &wrap);
    set_caret(ed, pos, wrap, extend);
    ed->goal_x = -1;
    ed->hist_sealed = true;
    ensure_visible(ed);
}

void editor_mouse_drag(editor *ed, int x, int y)
{
    editor_mouse_press(ed, x, y, true);
}

void editor_select_word_at(editor *ed, int x, int y)
{
    bool wrap;
    size_t len = editor_gap_len(&ed->gap);
    size_t pos = hit(ed, x, y, &wrap);
    size_t a = pos, b = pos;
    size_t k;
    bool on = pos < len && editor_gap_at(&ed->gap, pos) != '\n';
    if (!on && pos > 0 && editor_gap_at(&ed->gap, editor_gap_prev(&ed->gap, pos)) != '\n') {
        a = b = editor_gap_prev(&ed->gap, pos);
        on = true;
    }
    if (on) {
        bool w = editor_is_word_cp(editor_gap_cp(&ed->gap, a, &k));
        while (a > 0) {
            size_t s;
            uint32_t cp = editor_gap_cp_before(&ed->gap, a, &s);
            if (cp == '\n' || editor_is_word_cp(cp) != w)
                break;
            a = s;
        }
        while (b < len) {
            uint32_t cp = editor_gap_cp(&ed->gap, b, &k);
            if (cp == '\n' || editor_is_word_cp(cp) != w)
                break;
            b += k;
        }
    }
    ed->anchor = a;
    set_caret(ed, b, false, true);
    ed->goal_x = -1;
    ed->hist_sealed = true;
    ensure_visible(ed);
}

void editor_scroll(editor *ed, long lines)
{
    if (lines < 0) {
        size_t up = (size_t)0 - (size_t)lines;
        ed->top = up >= ed->top ? 0 : ed->top - up;
    } else
        ed->top += (size_t)lines;
    clamp_top(ed);
    repair_view(ed);
}

/* ---- what the renderer reads ---- */

size_t editor_line_count(const editor *ed)
{
    return ed->ix.lines;
}

size_t editor_top_line(const editor *ed)
{
    return ed->top;
}

size_t editor_viewport_rows(const editor *ed)
{
    return view_rows(ed);
}

size_t editor_visible_lines(editor *ed, size_t first, size_t max, editor_line *out)
{
    if (first >= ed->ix.lines || max == 0)
        return 0;
    vline_info caret;
    line_at_pos(ed, ed->caret, ed->caret_prev_line, &caret);
    size_t s0, s1;
    bool sel = editor_selection(ed, &s0, &s1);
    editor_ploc loc = editor_index_at_line(&ed->ix, first);
    size_t li = first - loc.first_line;
    size_t count = 0;
    while (count < max) {
        vline_info v;
        info_from(ed, &loc, li, &v);
        editor_line *o = &out[count++];
        memset(o, 0, sizeof *o);
        o->index = v.index;
        o->start = v.start;
        o->len = v.end - v.start;
        o->y = (int)(((int64_t)v.index - (int64_t)ed->top) * ed->m.line_height);
        o->stamp = v.stamp;
        o->caret_x = -1;
        if (sel) {
            size_t lo = s0 > v.start ? s0 : v.start;
            size_t hi = s1 < v.end ? s1 : v.end;
            if (lo < hi) {
                o->sel_start = lo;
                o->sel_len = hi - lo;
                o->sel_x0 = x_in_line(ed, &v, lo);
                o->sel_x1 = x_in_line(ed, &v, hi);
            }
            o->sel_past_end = v.soft ? s0 < v.end && s1 > v.end : s0 <= v.end && s1 > v.end;
        }
        if (v.index == caret.index) {
            int x = x_in_line(ed, &v, ed->caret);
            o->caret_x = x > ed->width ? ed->width : x;
        }
        const editor_para *p = editor_index_para(&ed->ix, &loc);
        if (++li == p->nlines) {
            if (!editor_index_next(&ed->ix, &loc))
                break;
            li = 0;
        }
    }
    return count;
}

bilet_status editor_line_text(const editor *ed, size_t line, char *buf, size_t cap, size_t *len,
                              bilet_err *err)
{
    if (line >= ed->ix.lines)
        return bilet_fail(err, BILET_EINVAL, "editor: line %zu past the last line %zu", line,
                          ed->ix.lines - 1);
    vline_info v;
    line_at_index(ed, line, &v);
    *len = v.end - v.start;
    if (*len > cap)
        return bilet_fail(err, BILET_ETOOBIG, "editor: line %zu holds %zu bytes, room for %zu",
                          line, *len, cap);
    editor_gap_copy(&ed->gap, v.start, *len, buf);
    return BILET_OK;
}

void editor_caret_pos(editor *ed, size_t *line, int *x)
{
    vline_info v;
    line_at_pos(ed, ed->caret, ed->caret_prev_line, &v);
    int cx = x_in_line(ed, &v, ed->caret);
    if (line)
        *line = v.index;
    if (x)
        *x = cx > ed->width ? ed->width : cx;
}

/* ---- tests ---- */

void editor_debug_stats(const editor *ed, editor_stats *out)
{
    *out = ed->stats;
}

bilet_status editor_debug_verify(editor *ed, bilet_err *err)
{
    bilet_status st = editor_index_verify(ed, err);
    if (st != BILET_OK)
        return st;
    size_t len = editor_gap_len(&ed->gap);
    size_t chars = 0;
    for (size_t p = 0; p < len;) {
        size_t k;
        if (editor_gap_cp(&ed->gap, p, &k) != '\n')
            chars++;
        p += k;
    }
    size_t words = word_starts(ed, 0, len);
    if (chars != ed->chars || words != ed->words)
        return bilet_fail(err, BILET_ECORRUPT, "counts: %zu chars %zu words, recounted %zu %zu",
                          ed->chars, ed->words, chars, words);
    if (ed->caret > len || ed->anchor > len || snap(ed, ed->caret) != ed->caret ||
        snap(ed, ed->anchor) != ed->anchor)
        return bilet_fail(err, BILET_ECORRUPT, "caret %zu anchor %zu in %zu bytes", ed->caret,
                          ed->anchor, len);
    if (ed->top >= ed->ix.lines)
        return bilet_fail(err, BILET_ECORRUPT, "top line %zu of %zu", ed->top, ed->ix.lines);
    return BILET_OK;
}
