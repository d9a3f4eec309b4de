/*
 * editor_layout.c — paragraphs, their cached line breaks, and the index that maps byte
 * offsets and visual lines to paragraphs.
 *
 * Paragraphs ('\n'-separated) sit in blocks of up to EDITOR_BLOCK_MAX; each block keeps the
 * sums of its paragraphs' bytes and visual lines, and two Fenwick trees over those sums find
 * the block of a byte offset or a visual line in O(log blocks); a scan of ≤ 64 paragraphs
 * finds the paragraph. An edit changes one block's sums (one Fenwick update) unless it
 * splits or empties a block, which rebuilds the trees in O(blocks) — once per ~16 new
 * paragraphs at worst, since fresh blocks hold EDITOR_BLOCK_FILL of 64.
 *
 * Wrapping is greedy and each visual line depends only on where it starts and on the text
 * after it: a line ends after the last space before the first character that would pass
 * the width (spaces themselves hang past the edge), or before that character when the line
 * has no space (a long word is broken). That character lies at most at the start of the
 * line after next. Hence an edit re-wraps from one line (two when the edit is at a line
 * start) before the one it touches and stops as soon as a new line starts where an old line
 * (shifted by the edit) started, after the edit: from there on the old breaks are the new
 * ones. Typing usually
 * costs the wrapping of two or three lines, however long the paragraph is. In a paragraph
 * whose lines are all full, one more letter can push a word down every line to its end; the
 * re-wrap is therefore cut after a viewport's height plus EDITOR_REFLOW_SLACK lines, where
 * one line is ended early (flagged EDITOR_VLINE_FORCED) to meet the old breaks. Such a line
 * is valid (it fits), only shorter than it could be, and lies below the visible lines; when
 * it scrolls into view the editor re-wraps on from it (editor.c, repair_view), and an edit
 * across it or any full layout makes it whole again.
 */
#include "editor_internal.h"

#include <stdlib.h>
#include <string.h>

int editor_advance(editor *ed, uint32_t cp)
{
    ed->stats.codepoints_measured++;
    int w = ed->m.advance(ed->m.ctx, cp);
    return w < 0 ? 0 : w;
}

size_t editor_wrap_line(editor *ed, size_t s, size_t end)
{
    const editor_gap *g = &ed->gap;
    int64_t x = 0;
    size_t brk = 0;
    size_t p = s;
    ed->stats.lines_wrapped++;
    while (p < end) {
        size_t k;
        uint32_t cp = editor_gap_cp(g, p, &k);
        int w = editor_advance(ed, cp);
        if (cp == ' ') {
            x += w;
            p += k;
            brk = p;
            continue;
        }
        if (x + w > ed->width && p > s)
            return brk ? brk : p;
        x += w;
        p += k;
    }
    return end;
}

/* ---- paragraphs ---- */

static bilet_status para_reserve(editor_para *p, size_t n, bilet_err *err)
{
    if (p->heap ? n <= p->cap : n <= EDITOR_INLINE_LINES)
        return BILET_OK;
    size_t cap = p->heap ? p->cap : EDITOR_INLINE_LINES * 2;
    while (cap < n)
        cap *= 2;
    editor_vline *h = realloc(p->heap, cap * sizeof *h);
    if (!h)
        return bilet_fail(err, BILET_ENOMEM, "editor: no memory for %zu line breaks", cap);
    if (!p->heap)
        memcpy(h, p->inl, p->nlines * sizeof *h);
    p->heap = h;
    p->cap = (uint32_t)cap;
    return BILET_OK;
}

static void para_free(editor_para *p)
{
    free(p->heap);
    p->heap = NULL;
    p->cap = 0;
    p->nlines = 0;
}

/* Gives dst the lines of src (the scratch paragraph), which keeps a heap array for reuse. */
static void para_take_lines(editor_para *dst, editor_para *src)
{
    const editor_vline *from = editor_para_clines(src);
    if (!dst->heap && src->nlines <= EDITOR_INLINE_LINES) {
        memcpy(dst->inl, from, src->nlines * sizeof *from);
    } else if (dst->heap && src->nlines <= dst->cap) {
        memcpy(dst->heap, from, src->nlines * sizeof *from);
    } else {
        /* src->nlines > EDITOR_INLINE_LINES here, so src's lines are on its heap */
        editor_vline *h = dst->heap;
        uint32_t cap = dst->cap;
        dst->heap = src->heap;
        dst->cap = src->cap;
        src->heap = h;
        src->cap = cap;
    }
    dst->nlines = src->nlines;
    src->nlines = 0;
}

static bilet_status push_line(editor_para *out, size_t start, uint32_t flags, uint64_t stamp,
                              bilet_err *err)
{
    bilet_status st = para_reserve(out, (size_t)out->nlines + 1, err);
    if (st == BILET_OK)
        editor_para_lines(out)[out->nlines++] = (editor_vline){ (uint32_t)start, flags, stamp };
    return st;
}

/*
 * Wraps the paragraph whose text is [pstart, pstart + tlen) into out.
 * pre (may be NULL): the old lines of the paragraph that held the same bytes before offset
 * a (relative), in the same coordinates; lines ending before the line that holds a are kept.
 * suf (may be NULL): old lines whose text from new_end on (relative, in new coordinates) is
 * unchanged, at old offset = new offset - shift; once a new line starts where one of those
 * started, the rest is taken from suf. When that has not happened within the reflow budget
 * past new_end, the text up to the next old line start is wrapped on its own, its last line
 * flagged EDITOR_VLINE_FORCED, and the rest taken from suf: a line there may end short of
 * the width, but no line is too wide, and no keystroke re-wraps more than the budget.
 */
static bilet_status wrap_para(editor *ed, editor_para *out, size_t pstart, size_t tlen,
                              const editor_para *pre, size_t a, const editor_para *suf,
                              size_t new_end, int64_t shift, bilet_err *err)
{
    bilet_status st;
    const editor_vline *pv = pre ? editor_para_clines(pre) : NULL;
    size_t pn = pre ? pre->nlines : 0;
    const editor_vline *sv = suf ? editor_para_clines(suf) : NULL;
    size_t sn = suf ? suf->nlines : 0;
    size_t budget = (size_t)ed->height / (size_t)ed->m.line_height + EDITOR_REFLOW_SLACK;
    size_t s = 0, k = 0, j = 0, past = 0;

    out->nlines = 0;
    if (pn) {
        size_t lo = 1, hi = pn; /* pv[0].start = 0 ≤ a */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (pv[mid].start <= a)
                lo = mid + 1;
            else
                hi = mid;
        }
        /* A line's end depends on the text up to the first character that does not fit,
         * which lies at most at the start of the line after next (when that one is a
         * broken word): so the line before a's line may change, and when a is where its
         * line starts, the one before that too. */
        size_t line_of_a = lo - 1;
        k = line_of_a;
        if (k > 0)
            k--;
        if (k > 0 && pv[line_of_a].start == a)
            k--;
        if ((st = para_reserve(out, k + 1, err)) != BILET_OK)
            return st;
        memcpy(editor_para_lines(out), pv, k * sizeof *pv);
        out->nlines = (uint32_t)k;
        s = pv[k].start;
    }
    for (bool first = true;; first = false) {
        size_t e = editor_wrap_line(ed, pstart + s, pstart + tlen) - pstart;
        uint64_t stamp;
        if (first && pn && k + 1 < pn && pv[k + 1].start <= a && e == pv[k + 1].start)
            stamp = pv[k].stamp; /* the line before the edit kept its bytes */
        else
            stamp = ++ed->next_stamp;
        if ((st = push_line(out, s, 0, stamp, err)) != BILET_OK)
            return st;
        if (e >= tlen)
            break;
        s = e;
        if (!sn || s < new_end)
            continue;
        while (j < sn && (int64_t)sv[j].start + shift < (int64_t)s)
            j++;
        if (j == sn)
            continue; /* the old text ended on this line: little is left to wrap */
        size_t o = (size_t)((int64_t)sv[j].start + shift);
        if (o != s && ++past < budget)
            continue;
        if (o != s) {
            /* out of budget: wrap [s, o) alone, then join the old lines at o */
            for (;;) {
                size_t e2 = editor_wrap_line(ed, pstart + s, pstart + o) - pstart;
                uint32_t flags = e2 >= o ? EDITOR_VLINE_FORCED : 0;
                if ((st = push_line(out, s, flags, ++ed->next_stamp, err)) != BILET_OK)
                    return st;
                if (flags)
                    break;
                s = e2;
            }
            ed->stats.forced_breaks++;
        }
        if ((st = para_reserve(out, out->nlines + (sn - j), err)) != BILET_OK)
            return st;
        editor_vline *ov = editor_para_lines(out);
        for (; j < sn; j++)
            ov[out->nlines++] = (editor_vline){ (uint32_t)((int64_t)sv[j].start + shift),
                                                sv[j].flags, sv[j].stamp };
        break;
    }
    ed->stats.paragraphs_laid_out++;
    return BILET_OK;
}

/* ---- blocks and the Fenwick trees ---- */

static size_t lowbit(size_t i)
{
    return i & (0 - i);
}

static size_t fw_prefix(const size_t *fw, size_t k)
{
    size_t s = 0;
    for (; k; k -= lowbit(k))
        s += fw[k];
    return s;
}

/* The largest k ≤ n whose prefix sum is ≤ target; *before gets that prefix sum. */
static size_t fw_find(const size_t *fw, size_t n, size_t target, size_t *before)
{
    size_t step = 1;
    while (step * 2 <= n)
        step *= 2;
    size_t k = 0, sum = 0;
    for (; step; step /= 2) {
        if (k + step <= n && sum + fw[k + step] <= target) {
            k += step;
            sum += fw[k];
        }
    }
    *before = sum;
    return k;
}

static void fw_add(size_t *fw, size_t n, size_t blk, size_t delta)
{
    for (size_t i = blk + 1; i <= n; i += lowbit(i))
        fw[i] += delta; /* unsigned wrap-around makes a negative delta subtract */
}

static void fw_rebuild(editor_index *ix)
{
    size_t n = ix->nblk;
    size_t bytes = 0, lines = 0;
    for (size_t i = 1; i <= n; i++) {
        ix->fw_bytes[i] = ix->blk[i - 1]->bytes;
        ix->fw_lines[i] = ix->blk[i - 1]->lines;
        bytes += ix->blk[i - 1]->bytes;
        lines += ix->blk[i - 1]->lines;
    }
    for (size_t i = 1; i <= n; i++) {
        size_t j = i + lowbit(i);
        if (j <= n) {
            ix->fw_bytes[j] += ix->fw_bytes[i];
            ix->fw_lines[j] += ix->fw_lines[i];
        }
    }
    ix->bytes = bytes;
    ix->lines = lines;
}

static void blk_recount(editor_block *b)
{
    size_t bytes = 0, lines = 0;
    for (size_t i = 0; i < b->n; i++) {
        bytes += b->p[i].len;
        lines += b->p[i].nlines;
    }
    b->bytes = bytes;
    b->lines = lines;
}

static bilet_status ix_reserve(editor_index *ix, size_t nblk, bilet_err *err)
{
    if (nblk <= ix->cap)
        return BILET_OK;
    size_t cap = ix->cap ? ix->cap * 2 : 16;
    while (cap < nblk)
        cap *= 2;
    editor_block **blk = realloc(ix->blk, cap * sizeof *blk);
    if (!blk)
        goto out_nomem;
    ix->blk = blk;
    size_t *fb = realloc(ix->fw_bytes, (cap + 1) * sizeof *fb);
    if (!fb)
        goto out_nomem;
    ix->fw_bytes = fb;
    size_t *fl = realloc(ix->fw_lines, (cap + 1) * sizeof *fl);
    if (!fl)
        goto out_nomem;
    ix->fw_lines = fl;
    ix->cap = cap;
    return BILET_OK;
out_nomem:
    return bilet_fail(err, BILET_ENOMEM, "editor: no memory for %zu paragraph blocks", cap);
}

static bilet_status pool_reserve(editor *ed, size_t n, bilet_err *err)
{
    if (n > ed->pool_cap) {
        editor_block **pool = realloc(ed->pool, n * sizeof *pool);
        if (!pool)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory for paragraph blocks");
        ed->pool = pool;
        ed->pool_cap = n;
    }
    while (ed->npool < n) {
        editor_block *b = malloc(sizeof *b);
        if (!b)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory for a paragraph block");
        ed->pool[ed->npool++] = b;
    }
    return BILET_OK;
}

/* A block from the pool (pool_reserve made sure there is one), empty. */
static editor_block *pool_take(editor *ed)
{
    editor_block *b = ed->pool[--ed->npool];
    b->n = 0;
    b->bytes = 0;
    b->lines = 0;
    return b;
}

/* Frees the block's paragraphs' lines and keeps the block for reuse, up to a few. */
static void block_release(editor *ed, editor_block *b, size_t from)
{
    for (size_t i = from; i < b->n; i++)
        para_free(&b->p[i]);
    if (ed->npool < EDITOR_POOL_MAX && ed->npool < ed->pool_cap)
        ed->pool[ed->npool++] = b;
    else
        free(b);
}

void editor_index_free(editor *ed, editor_index *ix)
{
    for (size_t i = 0; i < ix->nblk; i++)
        block_release(ed, ix->blk[i], 0);
    free(ix->blk);
    free(ix->fw_bytes);
    free(ix->fw_lines);
    memset(ix, 0, sizeof *ix);
}

/* ---- lookups ---- */

editor_ploc editor_index_at_byte(const editor_index *ix, size_t pos)
{
    editor_ploc loc;
    if (pos >= ix->bytes) {
        loc.blk = ix->nblk - 1;
        const editor_block *b = ix->blk[loc.blk];
        loc.idx = b->n - 1;
        loc.start = ix->bytes - b->p[loc.idx].len;
        loc.first_line = ix->lines - b->p[loc.idx].nlines;
        return loc;
    }
    size_t before;
    loc.blk = fw_find(ix->fw_bytes, ix->nblk, pos, &before);
    loc.start = before;
    loc.first_line = fw_prefix(ix->fw_lines, loc.blk);
    const editor_block *b = ix->blk[loc.blk];
    size_t i = 0;
    while (loc.start + b->p[i].len <= pos) {
        loc.start += b->p[i].len;
        loc.first_line += b->p[i].nlines;
        i++;
    }
    loc.idx = i;
    return loc;
}

editor_ploc editor_index_at_line(const editor_index *ix, size_t line)
{
    editor_ploc loc;
    size_t before;
    if (line >= ix->lines)
        line = ix->lines - 1;
    loc.blk = fw_find(ix->fw_lines, ix->nblk, line, &before);
    loc.first_line = before;
    loc.start = fw_prefix(ix->fw_bytes, loc.blk);
    const editor_block *b = ix->blk[loc.blk];
    size_t i = 0;
    while (loc.first_line + b->p[i].nlines <= line) {
        loc.start += b->p[i].len;
        loc.first_line += b->p[i].nlines;
        i++;
    }
    loc.idx = i;
    return loc;
}

bool editor_index_next(const editor_index *ix, editor_ploc *loc)
{
    const editor_block *b = ix->blk[loc->blk];
    size_t nblk = loc->blk, nidx = loc->idx + 1;
    if (nidx == b->n) {
        nblk++;
        nidx = 0;
        if (nblk == ix->nblk)
            return false;
    }
    loc->start += b->p[loc->idx].len;
    loc->first_line += b->p[loc->idx].nlines;
    loc->blk = nblk;
    loc->idx = nidx;
    return true;
}

/* ---- building and editing ---- */

bilet_status editor_index_build(editor *ed, editor_index *out, bilet_err *err)
{
    bilet_status st;
    editor_index ix = { 0 };
    editor_block *cur = NULL;
    size_t len = editor_gap_len(&ed->gap);
    size_t pos = 0;
    for (;;) {
        size_t nlpos = editor_gap_find_nl(&ed->gap, pos);
        uint32_t nl = nlpos < len;
        if (!cur || cur->n == EDITOR_BLOCK_FILL) {
            if ((st = ix_reserve(&ix, ix.nblk + 1, err)) != BILET_OK)
                goto out_free;
            if ((st = pool_reserve(ed, 1, err)) != BILET_OK)
                goto out_free;
            cur = pool_take(ed);
            ix.blk[ix.nblk++] = cur;
        }
        editor_para *p = &cur->p[cur->n++];
        memset(p, 0, sizeof *p);
        p->len = (uint32_t)(nlpos - pos + nl);
        p->nl = nl;
        st = wrap_para(ed, p, pos, nlpos - pos, NULL, 0, NULL, 0, 0, err);
        if (st != BILET_OK)
            goto out_free;
        cur->bytes += p->len;
        cur->lines += p->nlines;
        if (!nl)
            break;
        pos = nlpos + 1;
    }
    fw_rebuild(&ix);
    *out = ix;
    return BILET_OK;
out_free:
    editor_index_free(ed, &ix);
    return st;
}

bilet_status editor_layout_edit(editor *ed, const editor_ploc *pa, const editor_ploc *pb, size_t a,
                                size_t b, const char *ins, size_t n, bilet_err *err)
{
    bilet_status st;
    editor_index *ix = &ed->ix;
    editor_para *PA = editor_index_para(ix, pa);
    editor_para *PB = editor_index_para(ix, pb);
    size_t a_rel = a - pa->start, b_rel = b - pb->start;
    size_t pb_tail = editor_para_text(PB) - b_rel; /* PB's text after the edit */
    size_t built = 0;

    size_t m = 1, first_nl = n;
    for (size_t i = 0; i < n; i++) {
        if (ins[i] == '\n') {
            if (m == 1)
                first_nl = i;
            m++;
        }
    }
    size_t add = m - 1; /* paragraphs after the first */
    if (add > ed->np_cap) {
        size_t cap = ed->np_cap ? ed->np_cap : 8;
        while (cap < add)
            cap *= 2;
        editor_para *np = realloc(ed->np, cap * sizeof *np);
        if (!np)
            return bilet_fail(err, BILET_ENOMEM, "editor: no memory for %zu paragraphs", cap);
        ed->np = np;
        ed->np_cap = cap;
    }

    /* Lay out the new paragraphs: the first into scratch, the others into np. */
    size_t first_len;
    uint32_t first_nlflag;
    if (m == 1) {
        size_t tlen = a_rel + n + pb_tail;
        st = wrap_para(ed, &ed->scratch, pa->start, tlen, PA, a_rel, PB, a_rel + n,
                       (int64_t)(a_rel + n) - (int64_t)b_rel, err);
        if (st != BILET_OK)
            return st;
        first_nlflag = PB->nl;
        first_len = tlen + first_nlflag;
    } else {
        size_t tlen = a_rel + first_nl;
        st = wrap_para(ed, &ed->scratch, pa->start, tlen, PA, a_rel, NULL, 0, 0, err);
        if (st != BILET_OK)
            return st;
        first_nlflag = 1;
        first_len = tlen + 1;
        size_t pos = pa->start + first_len;
        size_t i = first_nl + 1;
        for (size_t k = 0; k < add; k++) {
            editor_para *q = &ed->np[k];
            memset(q, 0, sizeof *q);
            built = k + 1;
            size_t nlk = i;
            while (nlk < n && ins[nlk] != '\n')
                nlk++;
            size_t qlen;
            if (k + 1 < add) {
                q->nl = 1;
                qlen = nlk - i;
                st = wrap_para(ed, q, pos, qlen, NULL, 0, NULL, 0, 0, err);
            } else {
                size_t ins_last = n - i;
                q->nl = PB->nl;
                qlen = ins_last + pb_tail;
                st = wrap_para(ed, q, pos, qlen, NULL, 0, PB, ins_last,
                               (int64_t)ins_last - (int64_t)b_rel, err);
            }
            if (st != BILET_OK)
                goto out_free_np;
            q->len = (uint32_t)(qlen + q->nl);
            pos += q->len;
            i = nlk + 1;
        }
    }

    /* Reserve what a block split needs, so that nothing below can fail. */
    editor_block *blk = ix->blk[pa->blk];
    size_t n_after = pa->blk == pb->blk ? blk->n - (pb->idx - pa->idx) : pa->idx + 1;
    size_t split_blocks = 0;
    if (n_after + add > EDITOR_BLOCK_MAX) {
        size_t t = add + (n_after - pa->idx - 1);
        split_blocks = (t + EDITOR_BLOCK_FILL - 1) / EDITOR_BLOCK_FILL;
        if ((st = pool_reserve(ed, split_blocks, err)) != BILET_OK)
            goto out_free_np;
        if ((st = ix_reserve(ix, ix->nblk + split_blocks, err)) != BILET_OK)
            goto out_free_np;
    }

    /* Commit. First drop paragraphs pa+1..pb. */
    bool restructured = false;
    editor_block *survivor = NULL; /* pb's block when it is another block and keeps paragraphs */
    if (pa->blk == pb->blk) {
        for (size_t i = pa->idx + 1; i <= pb->idx; i++)
            para_free(&blk->p[i]);
        memmove(&blk->p[pa->idx + 1], &blk->p[pb->idx + 1],
                (blk->n - pb->idx - 1) * sizeof blk->p[0]);
        blk->n -= pb->idx - pa->idx;
    } else {
        for (size_t i = pa->idx + 1; i < blk->n; i++)
            para_free(&blk->p[i]);
        blk->n = pa->idx + 1;
        for (size_t bi = pa->blk + 1; bi < pb->blk; bi++)
            block_release(ed, ix->blk[bi], 0);
        editor_block *last = ix->blk[pb->blk];
        for (size_t i = 0; i <= pb->idx; i++)
            para_free(&last->p[i]);
        memmove(&last->p[0], &last->p[pb->idx + 1], (last->n - pb->idx - 1) * sizeof last->p[0]);
        last->n -= pb->idx + 1;
        size_t keep_from = pb->blk;
        if (last->n == 0) {
            block_release(ed, last, 0);
            keep_from = pb->blk + 1;
        } else {
            survivor = last;
        }
        size_t gone = keep_from - (pa->blk + 1);
        memmove(&ix->blk[pa->blk + 1], &ix->blk[keep_from],
                (ix->nblk - keep_from) * sizeof ix->blk[0]);
        ix->nblk -= gone;
        restructured = true;
    }

    /* The first new paragraph takes pa's place. */
    editor_para *P = &blk->p[pa->idx];
    para_take_lines(P, &ed->scratch);
    P->len = (uint32_t)first_len;
    P->nl = first_nlflag;

    /* The others follow it, in this block or in new ones. */
    size_t tail = blk->n - pa->idx - 1;
    if (add && !split_blocks) {
        memmove(&blk->p[pa->idx + 1 + add], &blk->p[pa->idx + 1], tail * sizeof blk->p[0]);
        memcpy(&blk->p[pa->idx + 1], ed->np, add * sizeof blk->p[0]);
        blk->n += add;
    } else if (add) {
        size_t t = add + tail;
        memmove(&ix->blk[pa->blk + 1 + split_blocks], &ix->blk[pa->blk + 1],
                (ix->nblk - pa->blk - 1) * sizeof ix->blk[0]);
        ix->nblk += split_blocks;
        size_t item = 0;
        for (size_t nb = 0; nb < split_blocks; nb++) {
            editor_block *fresh = pool_take(ed);
            while (fresh->n < EDITOR_BLOCK_FILL && item < t) {
                fresh->p[fresh->n++] =
                    item < add ? ed->np[item] : blk->p[pa->idx + 1 + (item - add)];
                item++;
            }
            blk_recount(fresh);
            ix->blk[pa->blk + 1 + nb] = fresh;
        }
        blk->n = pa->idx + 1;
        restructured = true;
    }

    if (restructured) {
        blk_recount(blk);
        if (survivor)
            blk_recount(survivor);
        fw_rebuild(ix);
    } else {
        size_t old_bytes = blk->bytes, old_lines = blk->lines;
        blk_recount(blk);
        fw_add(ix->fw_bytes, ix->nblk, pa->blk, blk->bytes - old_bytes);
        fw_add(ix->fw_lines, ix->nblk, pa->blk, blk->lines - old_lines);
        ix->bytes += blk->bytes - old_bytes;
        ix->lines += blk->lines - old_lines;
    }
    return BILET_OK;

out_free_np:
    for (size_t k = 0; k < built; k++)
        para_free(&ed->np[k]);
    return st;
}

/* ---- checking (tests) ---- */

static bilet_status verify_para(editor *ed, const editor_para *p, size_t pstart, size_t pi,
                                bilet_err *err)
{
    size_t len = editor_gap_len(&ed->gap);
    size_t tlen = editor_para_text(p);
    size_t nlpos = editor_gap_find_nl(&ed->gap, pstart);
    if (p->nl ? nlpos != pstart + tlen : nlpos != len || pstart + tlen != len)
        return bilet_fail(err, BILET_ECORRUPT, "paragraph %zu at byte %zu: length %u, nl %u", pi,
                          pstart, p->len, p->nl);
    const editor_vline *v = editor_para_clines(p);
    if (p->nlines == 0 || v[0].start != 0)
        return bilet_fail(err, BILET_ECORRUPT, "paragraph %zu: no first line at 0", pi);
    for (size_t li = 0; li < p->nlines; li++) {
        bool last = li + 1 == p->nlines;
        size_t next = last ? tlen : v[li + 1].start;
        bool forced = v[li].flags & EDITOR_VLINE_FORCED;
        if (next <= v[li].start && !(last && next == v[li].start && li == 0))
            return bilet_fail(err, BILET_ECORRUPT, "paragraph %zu: line %zu is empty", pi, li);
        if (forced && last)
            return bilet_fail(err, BILET_ECORRUPT, "paragraph %zu: last line forced", pi);
        size_t e = editor_wrap_line(ed, pstart + v[li].start, pstart + (forced ? next : tlen));
        if (e - pstart != next)
            return bilet_fail(err, BILET_ECORRUPT,
                              "paragraph %zu at byte %zu: line %zu [%u, %zu) wraps at %zu", pi,
                              pstart, li, v[li].start, next, e - pstart);
    }
    return BILET_OK;
}

bilet_status editor_index_verify(editor *ed, bilet_err *err)
{
    bilet_status st;
    const editor_index *ix = &ed->ix;
    if (ix->bytes != editor_gap_len(&ed->gap))
        return bilet_fail(err, BILET_ECORRUPT, "index: %zu bytes, document %zu", ix->bytes,
                          editor_gap_len(&ed->gap));
    size_t bytes = 0, lines = 0, pi = 0;
    for (size_t bi = 0; bi < ix->nblk; bi++) {
        const editor_block *b = ix->blk[bi];
        size_t bb = 0, bl = 0;
        if (b->n == 0 || b->n > EDITOR_BLOCK_MAX)
            return bilet_fail(err, BILET_ECORRUPT, "block %zu holds %zu paragraphs", bi, b->n);
        if (fw_prefix(ix->fw_bytes, bi) != bytes || fw_prefix(ix->fw_lines, bi) != lines)
            return bilet_fail(err, BILET_ECORRUPT, "block %zu: Fenwick prefix is off", bi);
        for (size_t i = 0; i < b->n; i++, pi++) {
            if ((st = verify_para(ed, &b->p[i], bytes + bb, pi, err)) != BILET_OK)
                return st;
            bb += b->p[i].len;
            bl += b->p[i].nlines;
        }
        if (b->bytes != bb || b->lines != bl)
            return bilet_fail(err, BILET_ECORRUPT, "block %zu: cached sums are off", bi);
        bytes += bb;
        lines += bl;
    }
    if (bytes != ix->bytes || lines != ix->lines)
        return bilet_fail(err, BILET_ECORRUPT, "index totals %zu bytes %zu lines, sums %zu %zu",
                          ix->bytes, ix->lines, bytes, lines);
    return BILET_OK;
}
