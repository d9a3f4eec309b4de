/*
 * ui_layout.c — sizes for the window, the panes of the student's screens, and the text
 * helpers every screen uses: measuring, cutting with «…», word wrapping, the clock format.
 *
 * Text is measured as the sum of the code points' advances (ui_metrics.advance; kerning
 * ignored, which errs on the wide side), the same way the editor measures, so what the UI
 * wraps and what the editor wraps agree. Nothing here allocates: lines are drawn straight
 * from the source text, cut lines go through a stack buffer. Load: a few hundred short
 * lines a frame; a ticket of many pages is wrapped only down to the pane's bottom.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "ui_internal.h"

static const char ellipsis[] = "…";

static int scaled(int base, int64_t num, int64_t den)
{
    int64_t v = ((int64_t)base * num + den / 2) / den;
    return v < 1 ? 1 : (int)v;
}

static int font_px(int base, int64_t num, int64_t den)
{
    int v = scaled(base, num, den);
    return v < THEME_MIN_FONT ? THEME_MIN_FONT : v;
}

void ui_sizes_compute(ui_sizes *z, int width, int height, bool large)
{
    /* The smaller of the two ratios keeps a 4:3 layout inside a 5:4 or portrait window. */
    int64_t by_h = (int64_t)height * THEME_BASE_WIDTH;
    int64_t by_w = (int64_t)width * THEME_BASE_HEIGHT;
    int64_t num = by_h < by_w ? by_h : by_w;
    int64_t den = (int64_t)THEME_BASE_HEIGHT * THEME_BASE_WIDTH;
    int64_t fnum = num * (large ? THEME_LARGE_NUM : 1);
    int64_t fden = den * (large ? THEME_LARGE_DEN : 1);
    memset(z, 0, sizeof *z);
    z->pad = scaled(THEME_PAD, num, den);
    z->gap = scaled(THEME_GAP, num, den);
    z->border = scaled(large ? 3 : 1, num, den);
    z->caret_w = scaled(THEME_CARET_W, num, den);
    z->header_h = scaled(THEME_HEADER_H, fnum, fden);
    z->footer_h = scaled(THEME_FOOTER_H, fnum, fden);
    z->banner_h = scaled(THEME_BANNER_H, fnum, fden);
    z->f_header_small = font_px(THEME_F_HEADER_SMALL, fnum, fden);
    z->f_header = font_px(THEME_F_HEADER, fnum, fden);
    z->f_clock = font_px(THEME_F_CLOCK, fnum, fden);
    z->f_clock_label = font_px(THEME_F_CLOCK_LABEL, fnum, fden);
    z->f_body = font_px(THEME_F_BODY, fnum, fden);
    z->f_small = font_px(THEME_F_SMALL, fnum, fden);
    z->f_title = font_px(THEME_F_TITLE, fnum, fden);
    z->f_huge = font_px(THEME_F_HUGE, fnum, fden);
    z->f_footer = font_px(THEME_F_FOOTER, fnum, fden);
    z->f_banner = font_px(THEME_F_BANNER, fnum, fden);
}

void ui_layout_compute(ui_layout *l, int width, int height, bool large, bool banner)
{
    memset(l, 0, sizeof *l);
    l->large = large;
    l->banner = banner;
    ui_sizes_compute(&l->z, width, height, large);
    ui_sizes_compute(&l->staff, width, height, false);
    const ui_sizes *z = &l->z;
    l->header = (ui_rect){ 0, 0, width, z->header_h };
    l->footer = (ui_rect){ 0, height - z->footer_h, width, z->footer_h };
    int top = z->header_h;
    if (banner) {
        l->banner_rect = (ui_rect){ 0, top, width, z->banner_h };
        top += z->banner_h;
    }
    l->content = (ui_rect){ 0, top, width, l->footer.y - top };

    int ix = z->pad, iy = l->content.y + z->pad;
    int iw = width - 2 * z->pad, ih = l->content.h - 2 * z->pad;
    if (iw < 2)
        iw = 2;
    if (ih < 2)
        ih = 2;
    int qw = iw * THEME_QUESTIONS_PERCENT / 100;
    l->questions = (ui_rect){ ix, iy, qw, ih };
    int ex = ix + qw + z->gap;
    int ew = ix + iw - ex;
    int status_h = z->f_small * 8 / 5;
    l->status_bar = (ui_rect){ ex, iy + ih - status_h, ew, status_h };
    l->editor_box = (ui_rect){ ex, iy, ew, ih - status_h - z->gap / 2 };
    int inset = z->gap / 2 + z->border;
    l->editor_view = (ui_rect){ l->editor_box.x + inset, l->editor_box.y + inset,
                                l->editor_box.w - 2 * inset, l->editor_box.h - 2 * inset };
    if (l->editor_view.w < 1)
        l->editor_view.w = 1;
    if (l->editor_view.h < 1)
        l->editor_view.h = 1;
}

/* ---- measuring ---- */

/* The next code point of s[i..len); malformed bytes count as U+FFFD, one byte each. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    uint32_t cp;
    size_t k = text_utf8_decode(s + *i, len - *i, &cp);
    if (k == 0) {
        *i += 1;
        return 0xFFFD;
    }
    *i += k;
    return cp;
}

static int advance(ui *u, draw_font font, int size, uint32_t cp)
{
    int a = u->m.advance(u->m.ctx, font, size, cp);
    return a < 0 ? 0 : a;
}

int ui_text_w(ui *u, draw_font font, int size, const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;)
        w += advance(u, font, size, next_cp(s, len, &i));
    return w;
}

int ui_line_h(ui *u, draw_font font, int size)
{
    int h = u->m.line_height(u->m.ctx, font, size);
    return h < 1 ? size : h;
}

/* Draws len bytes and, when max_w > 0, tells the renderer to clip there too. */
static void put_raw(draw_list *dl, int x, int y, draw_font font, int size, uint32_t color,
                    const char *s, size_t len, int max_w)
{
    size_t before = dl->n;
    draw_text(dl, x, y, font, size, color, s, len, 0);
    if (max_w > 0 && dl->n > before)
        dl->cmds[dl->n - 1].w = max_w;
}

/* How many bytes of s fit in max_w px together with «…»; *w gets their width. */
static size_t fit_prefix(ui *u, draw_font font, int size, const char *s, size_t len, int max_w,
                         int *w)
{
    int room = max_w - ui_text_w(u, font, size, ellipsis, sizeof ellipsis - 1);
    int acc = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        int a = advance(u, font, size, next_cp(s, len, &j));
        if (acc + a > room)
            break;
        acc += a;
        i = j;
    }
    *w = acc;
    return i;
}

int ui_put(ui *u, draw_list *dl, int x, int y, draw_font font, int size, uint32_t color,
           const char *s, int max_w)
{
    size_t len = strlen(s);
    int w = ui_text_w(u, font, size, s, len);
    if (max_w <= 0 || w <= max_w) {
        put_raw(dl, x, y, font, size, color, s, len, 0);
        return w;
    }
    char buf[UI_SCRATCH_MAX];
    size_t n = fit_prefix(u, font, size, s, len, max_w, &w);
    if (n > sizeof buf - sizeof ellipsis)
        n = sizeof buf - sizeof ellipsis;
    while (n > 0 && s[n - 1] == ' ')
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, ellipsis, sizeof ellipsis - 1);
    n += sizeof ellipsis - 1;
    w = ui_text_w(u, font, size, buf, n);
    if (w > max_w) /* not even «…» fits */
        return 0;
    put_raw(dl, x, y, font, size, color, buf, n, max_w);
    return w;
}

int ui_put_center(ui *u, draw_list *dl, int x, int w, int y, draw_font font, int size,
                  uint32_t color, const char *s)
{
    int tw = ui_text_w(u, font, size, s, strlen(s));
    if (tw >= w)
        return ui_put(u, dl, x, y, font, size, color, s, w);
    return ui_put(u, dl, x + (w - tw) / 2, y, font, size, color, s, 0);
}

int ui_put_right(ui *u, draw_list *dl, int x_end, int y, draw_font font, int size, uint32_t color,
                 const char *s, int max_w)
{
    int tw = ui_text_w(u, font, size, s, strlen(s));
    if (max_w > 0 && tw > max_w)
        tw = max_w;
    return ui_put(u, dl, x_end - tw, y, font, size, color, s, max_w);
}

/* ---- wrapping ---- */

int ui_wrap(ui *u, draw_list *dl, const char *text, size_t len, int x, int y, int w, draw_font font,
            int size, uint32_t color, int clip_y0, int clip_y1, bool centre)
{
    int lh = ui_line_h(u, font, size);
    int y0 = y;
    size_t pos = 0;
    if (w < 1)
        w = 1;
    if (len == 0)
        return 0;
    while (pos < len) {
        size_t start = pos, i = pos, brk = 0, end;
        int width = 0;
        bool hard = false;
        for (;;) {
            if (i >= len) {
                end = i;
                break;
            }
            if (text[i] == '\n') {
                end = i;
                hard = true;
                break;
            }
            size_t j = i;
            uint32_t cp = next_cp(text, len, &j);
            int a = advance(u, font, size, cp);
            if (width + a > w && i > start) {
                end = brk > start ? brk : i;
                break;
            }
            width += a;
            i = j;
            /* Lines break after a space, or after a hyphen inside a word
             * («экскаваторно-автомобильного»). */
            if (cp == ' ' || (cp == '-' && i - start > 1 && i < len && text[i] != ' '))
                brk = i;
        }
        size_t shown = end;
        while (shown > start && (text[shown - 1] == ' ' || text[shown - 1] == '\r'))
            shown--;
        if (dl && y >= clip_y0 && y + lh <= clip_y1 && shown > start) {
            int lx = x;
            if (centre) {
                int tw = ui_text_w(u, font, size, text + start, shown - start);
                lx = x + (w > tw ? (w - tw) / 2 : 0);
            }
            draw_text(dl, lx, y, font, size, color, text + start, shown - start, 0);
        }
        y += lh;
        pos = hard ? end + 1 : end;
        if (!hard)
            while (pos < len && text[pos] == ' ')
                pos++;
        if (pos >= len && !hard)
            break;
        if (dl && y >= clip_y1)
            /* Below the clip nothing is drawn; the caller who needs the full height
             * measures without a list. */
            break;
    }
    return y - y0;
}

/* ---- formatting ---- */

void ui_format_clock(char *out, size_t cap, int64_t seconds)
{
    if (seconds < 0)
        seconds = 0;
    long long s = (long long)seconds;
    if (s < 100 * 60)
        snprintf(out, cap, "%02lld:%02lld", s / 60, s % 60);
    else
        snprintf(out, cap, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

const char *ui_fmt(ui *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->scratch, sizeof u->scratch, fmt, ap);
    va_end(ap);
    return u->scratch;
}

const char *ui_fmt2(ui *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->scratch2, sizeof u->scratch2, fmt, ap);
    va_end(ap);
    return u->scratch2;
}
