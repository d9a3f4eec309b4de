/*
 * render_damage.c — the damage between two frames' draw lists (render_damage.h for the
 * argument why redrawing the damaged regions equals a full redraw).
 *
 * Matching is by identity hash, confirmed field by field and byte by byte, taking the
 * earliest unmatched partner so that repeated identical commands pair in order. A matched
 * command whose partner comes before that of an earlier matched command has changed its
 * order and is damaged too. Regions that meet are merged; past RENDER_DAMAGE_RECTS the new
 * region joins the one it grows least. Load: a few hundred commands a frame, O(n).
 */
#include "render_damage.h"

#include <stdlib.h>
#include <string.h>

enum { WHOLE_PERCENT = 60 }; /* damage over this share of the target: redraw it whole */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t step(uint64_t h, uint64_t v)
{
    return mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

render_rect render_rect_meet(render_rect a, render_rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    if (x1 <= x0 || y1 <= y0)
        return (render_rect){ 0, 0, 0, 0 };
    return (render_rect){ x0, y0, x1 - x0, y1 - y0 };
}

static render_rect join(render_rect a, render_rect b)
{
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    return (render_rect){ x0, y0, x1 - x0, y1 - y0 };
}

static long long area(render_rect r)
{
    return render_rect_empty(r) ? 0 : (long long)r.w * r.h;
}

/* Whether a and b overlap or touch (merging them wastes little). */
static bool meet_or_touch(render_rect a, render_rect b)
{
    return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

static void frame_free(render_damage_frame *f)
{
    free(f->items);
    free(f->text);
    memset(f, 0, sizeof *f);
}

void render_damage_free(render_damage *d)
{
    if (!d)
        return;
    frame_free(&d->prev);
    frame_free(&d->cur);
    free(d->bucket);
    free(d->chain);
    free(d->taken);
    memset(d, 0, sizeof *d);
}

void render_damage_forget(render_damage *d)
{
    d->have_prev = false;
}

bilet_status render_damage_begin(render_damage *d, size_t n, size_t text_bytes, bilet_err *err)
{
    render_damage_frame *f = &d->cur;
    f->n = 0;
    f->used = 0;
    if (n > f->cap) {
        render_damage_item *p = realloc(f->items, n * sizeof *p);
        if (!p)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for the frame's damage records");
        f->items = p;
        f->cap = n;
    }
    if (text_bytes > f->text_cap) {
        char *p = realloc(f->text, text_bytes);
        if (!p)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for the frame's damage records");
        f->text = p;
        f->text_cap = text_bytes;
    }
    return BILET_OK;
}

void render_damage_add(render_damage *d, const draw_cmd *c, const char *text, size_t len,
                       render_rect clip, render_rect extent)
{
    render_damage_frame *f = &d->cur;
    if (f->n >= f->cap || len > f->text_cap - f->used)
        return; /* begin was told fewer: the caller redraws whole */
    render_damage_item *it = &f->items[f->n++];
    it->cmd = *c;
    it->cmd.text_off = (uint32_t)f->used;
    it->cmd.text_len = (uint32_t)len;
    if (len)
        memcpy(f->text + f->used, text, len);
    f->used += len;
    it->clip = clip;
    it->extent = extent;
    uint64_t h = step(0, (uint64_t)c->kind);
    h = step(h, (uint64_t)(uint32_t)c->x << 32 | (uint32_t)c->y);
    h = step(h, (uint64_t)(uint32_t)c->w << 32 | (uint32_t)c->h);
    h = step(h, (uint64_t)c->color << 32 | (uint32_t)c->font);
    h = step(h, (uint64_t)(uint32_t)c->size << 32 | (uint32_t)c->thickness);
    h = step(h, c->cache_key);
    h = step(h, (uint64_t)(uint32_t)clip.x << 32 | (uint32_t)clip.y);
    h = step(h, (uint64_t)(uint32_t)clip.w << 32 | (uint32_t)clip.h);
    uint64_t t = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        t ^= (unsigned char)text[i];
        t *= 0x100000001b3ULL;
    }
    it->ident = step(h, t ^ len);
}

static bool same(const render_damage_frame *fa, const render_damage_item *a,
                 const render_damage_frame *fb, const render_damage_item *b)
{
    const draw_cmd *x = &a->cmd, *y = &b->cmd;
    return a->ident == b->ident && x->kind == y->kind && x->x == y->x && x->y == y->y &&
           x->w == y->w && x->h == y->h && x->color == y->color && x->font == y->font &&
           x->size == y->size && x->thickness == y->thickness && x->cache_key == y->cache_key &&
           a->clip.x == b->clip.x && a->clip.y == b->clip.y && a->clip.w == b->clip.w &&
           a->clip.h == b->clip.h && x->text_len == y->text_len &&
           (x->text_len == 0 ||
            memcmp(fa->text + x->text_off, fb->text + y->text_off, x->text_len) == 0);
}

static void add_rect(render_damage *d, render_rect r)
{
    if (render_rect_empty(r))
        return;
    for (size_t i = 0; i < d->n_rects;) {
        if (meet_or_touch(d->rects[i], r)) {
            r = join(d->rects[i], r);
            d->rects[i] = d->rects[--d->n_rects];
            i = 0; /* the grown region may now meet one already passed */
        } else {
            i++;
        }
    }
    if (d->n_rects < RENDER_DAMAGE_RECTS) {
        d->rects[d->n_rects++] = r;
        return;
    }
    size_t best = 0;
    long long growth = -1;
    for (size_t i = 0; i < d->n_rects; i++) {
        long long g = area(join(d->rects[i], r)) - area(d->rects[i]);
        if (growth < 0 || g < growth) {
            growth = g;
            best = i;
        }
    }
    d->rects[best] = join(d->rects[best], r);
}

/* Indexes the previous frame by identity; false when memory is short. */
static bool index_prev(render_damage *d)
{
    size_t n = d->prev.n;
    size_t buckets = 16;
    while (buckets < 2 * n)
        buckets *= 2;
    if (n > d->index_cap || buckets > d->n_buckets) {
        size_t cap = n > d->index_cap ? n : d->index_cap;
        int *chain = realloc(d->chain, (cap ? cap : 1) * sizeof *chain);
        if (chain)
            d->chain = chain;
        bool *taken = realloc(d->taken, (cap ? cap : 1) * sizeof *taken);
        if (taken)
            d->taken = taken;
        int *bucket = realloc(d->bucket, buckets * sizeof *bucket);
        if (bucket)
            d->bucket = bucket;
        if (!chain || !taken || !bucket)
            return false;
        d->index_cap = cap;
        d->n_buckets = buckets;
    }
    for (size_t b = 0; b < d->n_buckets; b++)
        d->bucket[b] = -1;
    for (size_t j = n; j-- > 0;) { /* pushed from the back: chains run in ascending order */
        size_t b = d->prev.items[j].ident & (d->n_buckets - 1);
        d->chain[j] = d->bucket[b];
        d->bucket[b] = (int)j;
        d->taken[j] = false;
    }
    return true;
}

void render_damage_compute(render_damage *d, int w, int h, bool whole)
{
    render_rect target = { 0, 0, w, h };
    d->n_rects = 0;
    if (whole || !d->have_prev || !index_prev(d)) {
        d->rects[d->n_rects++] = target;
        return;
    }
    int max_j = -1;
    for (size_t i = 0; i < d->cur.n; i++) {
        const render_damage_item *it = &d->cur.items[i];
        if (render_rect_empty(it->extent))
            continue;
        int j = d->bucket[it->ident & (d->n_buckets - 1)];
        while (j >= 0 && (d->taken[j] || !same(&d->cur, it, &d->prev, &d->prev.items[j])))
            j = d->chain[j];
        if (j < 0) {
            add_rect(d, it->extent);
            continue;
        }
        d->taken[j] = true;
        if (j < max_j)
            add_rect(d, it->extent); /* drawn in another order than before */
        else
            max_j = j;
    }
    for (size_t j = 0; j < d->prev.n; j++)
        if (!d->taken[j])
            add_rect(d, d->prev.items[j].extent);
    long long total = 0;
    for (size_t i = 0; i < d->n_rects; i++) {
        d->rects[i] = render_rect_meet(d->rects[i], target);
        total += area(d->rects[i]);
    }
    if (total * 100 > area(target) * WHOLE_PERCENT) {
        d->n_rects = 0;
        d->rects[d->n_rects++] = target;
    }
}

void render_damage_commit(render_damage *d)
{
    render_damage_frame t = d->prev;
    d->prev = d->cur;
    d->cur = t;
    d->have_prev = true;
}
