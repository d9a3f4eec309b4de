/*
 * qrscan.c — the search for a page's QR code (qrscan.h): corners first, shrunk to the
 * module size zbar needs, then the whole page.
 *
 * Invariants: zbar only ever sees 8-bit grey ("Y800") with QR decoding alone enabled and
 * binary data left unconverted, so the payload bytes arrive exactly as printed. The page
 * is only read. Load: one call per scanned page; the corner search touches a few percent
 * of the page's pixels, which is what makes a scan faster than decoding whole pages.
 */
#include "qrscan.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "payload.h"

enum {
    CORNER_MM = 72,         /* side of the square searched in each corner */
    PAGE_LONG_MM = 297,     /* A4: the page's long side, to tell pixels per millimetre */
    TARGET_PX_PER_MM10 = 55 /* about 140 dpi: a 0.6 mm module spans about 3.4 pixels */
};

struct qrscan {
    zbar_image_scanner_t *zs;
    unsigned char *buf; /* a shrunk region */
    size_t cap;
    unsigned char *med; /* the same, median-filtered */
    size_t med_cap;
    qrscan_stats stats;
};

bilet_status qrscan_create(qrscan **out, bilet_err *err)
{
    qrscan *q = calloc(1, sizeof *q);
    if (!q || !(q->zs = zbar_image_scanner_create())) {
        free(q);
        *out = NULL;
        return bilet_fail(err, BILET_ENOMEM, "no memory for a QR scanner");
    }
    zbar_image_scanner_set_config(q->zs, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(q->zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(q->zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    *out = q;
    return BILET_OK;
}

void qrscan_destroy(qrscan *q)
{
    if (!q)
        return;
    if (q->zs)
        zbar_image_scanner_destroy(q->zs);
    free(q->buf);
    free(q->med);
    free(q);
}

qrscan_stats qrscan_get_stats(const qrscan *q)
{
    return q->stats;
}

/* A rectangle of the page. */
typedef struct rect {
    int x, y, w, h;
} rect;

/* Shrinks region r of g by k (the mean of each k x k block) into q->buf; *ow, *oh receive
 * the size. The page itself is handed over unchanged when r is the page and k is 1. */
static bilet_status shrink(qrscan *q, const image_grey *g, rect r, int k, const unsigned char **px,
                           int *ow, int *oh, bilet_err *err)
{
    int w = r.w / k, h = r.h / k;
    *ow = w;
    *oh = h;
    if (k == 1 && r.x == 0 && r.w == g->w) {
        *px = g->px + (size_t)r.y * (size_t)g->w;
        return BILET_OK;
    }
    size_t need = (size_t)w * (size_t)h;
    if (need > q->cap) {
        unsigned char *nb = realloc(q->buf, need);
        if (!nb)
            return bilet_fail(err, BILET_ENOMEM, "no memory for a QR search of %d x %d pixels", w,
                              h);
        q->buf = nb;
        q->cap = need;
    }
    unsigned area = (unsigned)(k * k);
    for (int y = 0; y < h; y++) {
        unsigned char *dst = q->buf + (size_t)y * (size_t)w;
        const unsigned char *src = g->px + (size_t)(r.y + y * k) * (size_t)g->w + r.x;
        if (k == 1) {
            memcpy(dst, src, (size_t)w);
            continue;
        }
        for (int x = 0; x < w; x++) {
            unsigned sum = 0;
            const unsigned char *p = src + x * k;
            for (int dy = 0; dy < k; dy++, p += g->w)
                for (int dx = 0; dx < k; dx++)
                    sum += p[dx];
            dst[x] = (unsigned char)((sum + area / 2) / area);
        }
    }
    *px = q->buf;
    return BILET_OK;
}

#define SORT2(a, b)                                                                                \
    do {                                                                                           \
        if ((a) > (b)) {                                                                           \
            unsigned char t_ = (a);                                                                \
            (a) = (b);                                                                             \
            (b) = t_;                                                                              \
        }                                                                                          \
    } while (0)

/* The median of nine values (Paeth's sorting network, 19 exchanges). */
static unsigned char median9(unsigned char p[9])
{
    SORT2(p[1], p[2]);
    SORT2(p[4], p[5]);
    SORT2(p[7], p[8]);
    SORT2(p[0], p[1]);
    SORT2(p[3], p[4]);
    SORT2(p[6], p[7]);
    SORT2(p[1], p[2]);
    SORT2(p[4], p[5]);
    SORT2(p[7], p[8]);
    SORT2(p[0], p[3]);
    SORT2(p[5], p[8]);
    SORT2(p[4], p[7]);
    SORT2(p[3], p[6]);
    SORT2(p[1], p[4]);
    SORT2(p[2], p[5]);
    SORT2(p[4], p[7]);
    SORT2(p[4], p[2]);
    SORT2(p[6], p[4]);
    SORT2(p[4], p[2]);
    return p[4];
}

/* A 3 x 3 median of w x h pixels into q->med: it removes the salt-and-pepper specks of a
 * dusty or noisy scan that break zbar's finder patterns, and keeps the modules' edges. */
static bilet_status median(qrscan *q, const unsigned char *px, int w, int h,
                           const unsigned char **out, bilet_err *err)
{
    size_t need = (size_t)w * (size_t)h;
    if (need > q->med_cap) {
        unsigned char *nb = realloc(q->med, need);
        if (!nb)
            return bilet_fail(err, BILET_ENOMEM, "no memory for a QR search of %d x %d pixels", w,
                              h);
        q->med = nb;
        q->med_cap = need;
    }
    for (int y = 0; y < h; y++) {
        const unsigned char *up = px + (size_t)(y > 0 ? y - 1 : y) * (size_t)w;
        const unsigned char *mid = px + (size_t)y * (size_t)w;
        const unsigned char *down = px + (size_t)(y + 1 < h ? y + 1 : y) * (size_t)w;
        unsigned char *dst = q->med + (size_t)y * (size_t)w;
        for (int x = 0; x < w; x++) {
            int l = x > 0 ? x - 1 : x, r = x + 1 < w ? x + 1 : x;
            unsigned char v[9] = { up[l],  up[x],   up[r],   mid[l], mid[x],
                                   mid[r], down[l], down[x], down[r] };
            dst[x] = median9(v);
        }
    }
    *out = q->med;
    return BILET_OK;
}

/* Runs zbar over w x h grey pixels; true when a bilet QR was found (copied to out). */
static bool decode(qrscan *q, const unsigned char *px, int w, int h, char *out, size_t cap,
                   size_t *len)
{
    if (w < 21 || h < 21)
        return false;
    zbar_image_t *img = zbar_image_create();
    if (!img)
        return false;
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, px, (unsigned long)w * (unsigned long)h, NULL);
    q->stats.zbar_calls++;
    q->stats.zbar_pixels += (uint64_t)w * (uint64_t)h;
    bool found = false;
    if (zbar_scan_image(q->zs, img) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s && !found;
             s = zbar_symbol_next(s)) {
            const char *data = zbar_symbol_get_data(s);
            size_t n = zbar_symbol_get_data_length(s);
            if (zbar_symbol_get_type(s) != ZBAR_QRCODE || !payload_is_bilet(data, n))
                continue;
            if (n >= cap)
                n = cap - 1;
            memcpy(out, data, n);
            out[n] = '\0';
            *len = n;
            found = true;
        }
    }
    zbar_image_destroy(img);
    return found;
}

/* The corner squares in the order to try them: where the top-right corner of the sheet
 * lands when the page lies upright, turned 180°, 90° clockwise and 270°. */
static size_t corners(const image_grey *g, int side, rect out[4])
{
    int sw = side < g->w ? side : g->w;
    int sh = side < g->h ? side : g->h;
    rect tl = { 0, 0, sw, sh }, tr = { g->w - sw, 0, sw, sh };
    rect bl = { 0, g->h - sh, sw, sh }, br = { g->w - sw, g->h - sh, sw, sh };
    bool portrait = g->h >= g->w;
    out[0] = portrait ? tr : br;
    out[1] = portrait ? bl : tl;
    out[2] = portrait ? tl : tr;
    out[3] = portrait ? br : bl;
    return 4;
}

bilet_status qrscan_page(qrscan *q, const image_grey *g, char *out, size_t cap, size_t *len,
                         bilet_err *err)
{
    out[0] = '\0';
    *len = 0;
    q->stats.pages++;
    int long_side = g->w > g->h ? g->w : g->h;
    /* Pixels per 10 mm, as if the page were A4; then the shrink factor for ~5.5 px/mm. */
    int px_per_cm = (int)((long long)long_side * 10 / PAGE_LONG_MM);
    int k = px_per_cm / TARGET_PX_PER_MM10;
    if (k < 1)
        k = 1;
    int k_fine = k > 1 ? k / 2 : 0; /* the second try, at more pixels a module */
    int side = px_per_cm * CORNER_MM / 10;
    rect corner[4];
    size_t n = corners(g, side, corner);
    const unsigned char *px;
    int w, h;
    bilet_status st;
    /* Corners: shrunk, then shrunk and cleaned of specks, then at more pixels a module. */
    static const struct {
        bool fine, clean;
    } passes[] = { { false, false }, { false, true }, { true, false } };
    for (size_t pass = 0; pass < sizeof passes / sizeof passes[0]; pass++) {
        int kk = passes[pass].fine ? k_fine : k;
        if (kk == 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            if ((st = shrink(q, g, corner[i], kk, &px, &w, &h, err)) != BILET_OK ||
                (passes[pass].clean && (st = median(q, px, w, h, &px, err)) != BILET_OK))
                return st;
            if (decode(q, px, w, h, out, cap, len)) {
                if (pass == 0 && i == 0)
                    q->stats.first_corner++;
                else
                    q->stats.other_corner++;
                return BILET_OK;
            }
        }
    }
    /* The whole page, where a QR lies elsewhere (a page placed askew on a large scan). */
    rect page = { 0, 0, g->w, g->h };
    for (size_t pass = 0; pass < sizeof passes / sizeof passes[0]; pass++) {
        int kk = passes[pass].fine ? k_fine : k;
        if (kk == 0)
            continue;
        if ((st = shrink(q, g, page, kk, &px, &w, &h, err)) != BILET_OK ||
            (passes[pass].clean && (st = median(q, px, w, h, &px, err)) != BILET_OK))
            return st;
        if (decode(q, px, w, h, out, cap, len)) {
            q->stats.whole_page++;
            return BILET_OK;
        }
    }
    q->stats.not_found++;
    return bilet_fail(err, BILET_ENOTFOUND, "no bilet QR code on the page");
}
