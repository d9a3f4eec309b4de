/*
 * editor_history.c — undo and redo steps.
 *
 * A step is one replacement: at pos, del was removed and ins inserted, with the selection
 * as it was before. Typing at the end of the last typing step joins it, so do Backspaces
 * that end where the last Backspace step starts and Deletes at the same place; anything
 * else, a caret move or editor_undo_boundary() starts a new step. Joining appends to the
 * step's buffers, which grow by doubling, so a keystroke allocates only amortised.
 * Invariants: cur ≤ nsteps; hist_bytes is the memory the steps hold. Past
 * EDITOR_HISTORY_MAX_BYTES the oldest steps go (several at once, so the array moves rarely);
 * the newest step always stays.
 */
#include "editor_internal.h"

#include <stdlib.h>
#include <string.h>

enum { STEP_MIN_CAP = 32 };

static size_t step_cost(const editor_step *s)
{
    return sizeof *s + s->del_cap + s->ins_cap;
}

static void step_free(editor_step *s)
{
    free(s->del);
    free(s->ins);
    memset(s, 0, sizeof *s);
}

/* Grows *buf to hold need bytes; the growth is added to *bytes. */
static bilet_status buf_reserve(char **buf, size_t *cap, size_t need, size_t *bytes, bilet_err *err)
{
    if (need <= *cap)
        return BILET_OK;
    size_t c = *cap ? *cap : STEP_MIN_CAP;
    while (c < need)
        c *= 2;
    char *nb = realloc(*buf, c);
    if (!nb)
        return bilet_fail(err, BILET_ENOMEM, "editor: no memory for the undo history");
    *bytes += c - *cap;
    *buf = nb;
    *cap = c;
    return BILET_OK;
}

void editor_hist_clear(editor *ed)
{
    for (size_t i = 0; i < ed->nsteps; i++)
        step_free(&ed->steps[i]);
    ed->nsteps = 0;
    ed->cur = 0;
    ed->hist_bytes = 0;
    ed->hist_sealed = true;
}

bilet_status editor_hist_begin(editor *ed, editor_edit_kind kind, size_t a, size_t b,
                               const char *del, const char *ins, size_t n, editor_hist_tx *tx,
                               bilet_err *err)
{
    size_t dn = b - a;
    memset(tx, 0, sizeof *tx);
    if (kind == EDITOR_EDIT_NOHIST)
        return BILET_OK;

    if (!ed->hist_sealed && ed->cur > 0 && ed->cur == ed->nsteps) {
        editor_step *last = &ed->steps[ed->cur - 1];
        bool typing = kind == EDITOR_EDIT_TYPING && last->kind == kind && dn == 0 &&
                      a == last->pos + last->ins_len;
        bool back = kind == EDITOR_EDIT_DEL_BACK && last->kind == kind && n == 0 &&
                    last->ins_len == 0 && b == last->pos;
        bool fwd = kind == EDITOR_EDIT_DEL_FWD && last->kind == kind && n == 0 &&
                   last->ins_len == 0 && a == last->pos;
        if (typing || back || fwd) {
            bilet_status st;
            if (typing)
                st = buf_reserve(&last->ins, &last->ins_cap, last->ins_len + n, &ed->hist_bytes,
                                 err);
            else
                st = buf_reserve(&last->del, &last->del_cap, last->del_len + dn, &ed->hist_bytes,
                                 err);
            if (st != BILET_OK)
                return st;
            tx->mode = 1;
            tx->step.kind = kind;
            tx->step.del_len = dn;
            return BILET_OK;
        }
    }

    if (ed->cur + 1 > ed->steps_cap) {
        size_t cap = ed->steps_cap ? ed->steps_cap * 2 : 64;
        editor_step *steps = realloc(ed->steps, cap * sizeof *steps);
        if (!steps)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory for the undo history");
        ed->steps = steps;
        ed->steps_cap = cap;
    }
    editor_step *s = &tx->step;
    size_t ignored = 0;
    s->pos = a;
    s->kind = kind;
    s->anchor_before = ed->anchor;
    s->caret_before = ed->caret;
    bilet_status st = buf_reserve(&s->del, &s->del_cap, dn, &ignored, err);
    if (st == BILET_OK)
        st = buf_reserve(&s->ins, &s->ins_cap, n, &ignored, err);
    if (st != BILET_OK) {
        step_free(s);
        return st;
    }
    if (dn)
        memcpy(s->del, del, dn);
    if (n)
        memcpy(s->ins, ins, n);
    s->del_len = dn;
    s->ins_len = n;
    tx->mode = 2;
    return BILET_OK;
}

/* Drops the oldest steps once the history holds too much, down to three quarters. */
static void hist_trim(editor *ed)
{
    if (ed->hist_bytes <= EDITOR_HISTORY_MAX_BYTES || ed->nsteps <= 1)
        return;
    size_t drop = 0;
    while (drop + 1 < ed->nsteps && ed->hist_bytes > EDITOR_HISTORY_MAX_BYTES / 4 * 3) {
        ed->hist_bytes -= step_cost(&ed->steps[drop]);
        step_free(&ed->steps[drop]);
        drop++;
    }
    memmove(ed->steps, ed->steps + drop, (ed->nsteps - drop) * sizeof *ed->steps);
    ed->nsteps -= drop;
    ed->cur = ed->cur > drop ? ed->cur - drop : 0;
}

void editor_hist_commit(editor *ed, editor_hist_tx *tx, const char *del, const char *ins, size_t n)
{
    if (tx->mode == 0)
        return;
    if (tx->mode == 1) {
        editor_step *last = &ed->steps[ed->cur - 1];
        size_t dn = tx->step.del_len;
        if (tx->step.kind == EDITOR_EDIT_TYPING) {
            memcpy(last->ins + last->ins_len, ins, n);
            last->ins_len += n;
        } else if (tx->step.kind == EDITOR_EDIT_DEL_BACK) {
            memmove(last->del + dn, last->del, last->del_len);
            memcpy(last->del, del, dn);
            last->del_len += dn;
            last->pos -= dn;
        } else {
            memcpy(last->del + last->del_len, del, dn);
            last->del_len += dn;
        }
    } else {
        for (size_t i = ed->cur; i < ed->nsteps; i++) {
            ed->hist_bytes -= step_cost(&ed->steps[i]);
            step_free(&ed->steps[i]);
        }
        ed->hist_bytes += step_cost(&tx->step);
        ed->steps[ed->cur++] = tx->step;
        ed->nsteps = ed->cur;
        hist_trim(ed);
    }
    ed->hist_sealed = tx->step.kind == EDITOR_EDIT_OTHER;
    memset(tx, 0, sizeof *tx);
}

void editor_hist_abort(editor *ed, editor_hist_tx *tx)
{
    (void)ed;
    if (tx->mode == 2)
        step_free(&tx->step);
    memset(tx, 0, sizeof *tx);
}
