/*
 * screen_common.c — what every screen shares: the palettes, the header bar with the
 * institution, discipline, group, room and the clock, the time-warning banner, the key
 * hints bar, message boxes, and the words for grades and exam forms in the current
 * language.
 *
 * Invariant: the clock shows whenever a period of the student's attempt runs, on every
 * screen that draws the header; it is red in the last UI_CLOCK_RED_SECONDS.
 */
#include <string.h>

#include "ui_internal.h"

const ui_theme theme_student = {
    .bg = 0xF3F6FAFF,
    .text = 0x17233AFF,
    .muted = 0x53627AFF,
    .accent = 0x1D4F91FF,
    .header_bg = 0x16325CFF,
    .header_text = 0xFFFFFFFF,
    .header_muted = 0xC3D3EAFF,
    .card_bg = 0xFFFFFFFF,
    .card_border = 0xC5D0DEFF,
    .pane_bg = 0xE6EDF6FF,
    .editor_bg = 0xFFFFFFFF,
    .selection = 0xB8D4F8FF,
    .caret = 0x16325CFF,
    .danger = 0xC62828FF,
    .danger_bg = 0xFDECEAFF,
    .ok = 0x2E7D32FF,
    .warn_bg = 0xFFE28AFF,
    .warn_text = 0x3A2C00FF,
    .footer_bg = 0xE1E8F1FF,
    .key_bg = 0x16325CFF,
    .key_text = 0xFFFFFFFF,
    .border = 1,
};

const ui_theme theme_contrast = {
    .bg = 0xFFFFFFFF,
    .text = 0x000000FF,
    .muted = 0x000000FF,
    .accent = 0x000000FF,
    .header_bg = 0x000000FF,
    .header_text = 0xFFFFFFFF,
    .header_muted = 0xFFFFFFFF,
    .card_bg = 0xFFFFFFFF,
    .card_border = 0x000000FF,
    .pane_bg = 0xFFFFFFFF,
    .editor_bg = 0xFFFFFFFF,
    .selection = 0xFFD400FF,
    .caret = 0x000000FF,
    .danger = 0xB00000FF,
    .danger_bg = 0xFFFFFFFF,
    .ok = 0x005A00FF,
    .warn_bg = 0xFFD400FF,
    .warn_text = 0x000000FF,
    .footer_bg = 0xFFFFFFFF,
    .key_bg = 0x000000FF,
    .key_text = 0xFFFFFFFF,
    .border = 3,
};

const ui_theme theme_staff = {
    .bg = 0x1B2230FF,
    .text = 0xECF0F6FF,
    .muted = 0x9BA8BAFF,
    .accent = 0x8AB8FFFF,
    .header_bg = 0x0F141DFF,
    .header_text = 0xFFFFFFFF,
    .header_muted = 0x9BA8BAFF,
    .card_bg = 0x252F40FF,
    .card_border = 0x3A475CFF,
    .pane_bg = 0x252F40FF,
    .editor_bg = 0x252F40FF,
    .selection = 0x3A5A8AFF,
    .caret = 0xFFFFFFFF,
    .danger = 0xFF6B6BFF,
    .danger_bg = 0x4A2024FF,
    .ok = 0x7BD88FFF,
    .warn_bg = 0xFFE28AFF,
    .warn_text = 0x3A2C00FF,
    .footer_bg = 0x0F141DFF,
    .key_bg = 0x3A4A63FF,
    .key_text = 0xFFFFFFFF,
    .border = 1,
};

const ui_theme *ui_student_theme(const session *s)
{
    return s->large_type ? &theme_contrast : &theme_student;
}

const char *ui_grade_word(grade g)
{
    /* English msgids; the catalogs hold «отлично»… (core's grade_word is the ведомость's
     * Russian, which a Kazakh or English screen must not show). */
    const char *msgid = grade_msgid(g);
    return msgid[0] ? _(msgid) : "";
}

/* ---- header ---- */

static void draw_banner(ui *u, const session *s, int64_t now, const ui_theme *t, const ui_sizes *z,
                        draw_list *dl)
{
    ui_rect r = u->lay.banner_rect;
    draw_rect(dl, r.x, r.y, r.w, r.h, t->warn_bg);
    int64_t left = session_time_left(s, now);
    long minutes = (long)((left + 59) / 60);
    const char *msg = ui_fmt(u, P_("%ld minute left", "%ld minutes left", minutes), minutes);
    int lh = ui_line_h(u, FONT_BOLD, z->f_banner);
    ui_put_center(u, dl, r.x + z->pad, r.w - 2 * z->pad, r.y + (r.h - lh) / 2, FONT_BOLD,
                  z->f_banner, t->warn_text, msg);
}

void ui_draw_header(ui *u, const session *s, int64_t now, const ui_theme *t, const ui_sizes *z,
                    draw_list *dl)
{
    const exam_info *in = &s->exam->info;
    int w = u->width, h = z->header_h;
    draw_rect(dl, 0, 0, w, h, t->header_bg);
    int right = w - z->pad;

    int64_t left = -1;
    if (s->has_attempt && s->attempt.outcome == OUTCOME_NONE)
        left = session_time_left(s, now);
    if (left >= 0) {
        char clock[32];
        ui_format_clock(clock, sizeof clock, left);
        const char *label = s->paused ? _("Time stopped") : _("Time left");
        int cw = ui_text_w(u, FONT_BOLD, z->f_clock, "0:00:00", 7);
        int lw = ui_text_w(u, FONT_REGULAR, z->f_clock_label, label, strlen(label));
        int bw = (cw > lw ? cw : lw) + 2 * z->gap;
        int bh = h - 2 * (z->gap / 3);
        int lh_label = ui_line_h(u, FONT_REGULAR, z->f_clock_label);
        int clock_size = z->f_clock;
        /* The real font's line may be taller than the box allows: the clock gives way. */
        while (clock_size > z->f_header && lh_label + ui_line_h(u, FONT_BOLD, clock_size) > bh)
            clock_size--;
        int lh_clock = ui_line_h(u, FONT_BOLD, clock_size);
        int bx = right - bw, by = (h - bh) / 2;
        if (bx > w / 3) {
            draw_rect(dl, bx, by, bw, bh, t->card_bg);
            int y0 = by + (bh - lh_label - lh_clock) / 2;
            if (y0 < by)
                y0 = by;
            uint32_t color = left <= UI_CLOCK_RED_SECONDS ? t->danger : t->text;
            ui_put_center(u, dl, bx, bw, y0, FONT_REGULAR, z->f_clock_label, t->muted, label);
            ui_put_center(u, dl, bx, bw, y0 + lh_label, FONT_BOLD, clock_size, color, clock);
            right = bx - z->pad;
        }
    }

    /* Line 1: institution · group · room, small; line 2: the discipline, large. */
    int x = z->pad, tw = right - x;
    int lh1 = ui_line_h(u, FONT_REGULAR, z->f_header_small);
    int lh2 = ui_line_h(u, FONT_BOLD, z->f_header);
    int y1 = (h - lh1 - lh2) / 2;
    if (y1 < 0)
        y1 = 0;
    const char *where = NULL;
    if (in->group[0] && in->room[0])
        where = ui_fmt(u, _("Group %s · Room %s"), in->group, in->room);
    else if (in->group[0])
        where = ui_fmt(u, _("Group %s"), in->group);
    else if (in->room[0])
        where = ui_fmt(u, _("Room %s"), in->room);
    if (tw > 0) {
        int sep = z->pad;
        int ww = where ? ui_text_w(u, FONT_REGULAR, z->f_header_small, where, strlen(where)) : 0;
        int iw = in->institution[0] ? tw - (where ? ww + sep : 0) : 0;
        if (in->institution[0] && iw < tw / 2)
            iw = tw / 2;
        int used = 0;
        if (iw > 0)
            used = ui_put(u, dl, x, y1, FONT_REGULAR, z->f_header_small, t->header_muted,
                          in->institution, iw);
        if (where) {
            int wx = used > 0 ? x + used + sep : x;
            if (x + tw - wx > 0)
                ui_put(u, dl, wx, y1, FONT_REGULAR, z->f_header_small, t->header_text, where,
                       x + tw - wx);
        }
        ui_put(u, dl, x, y1 + lh1, FONT_BOLD, z->f_header, t->header_text, in->discipline, tw);
    }

    if (u->lay.banner && t != &theme_staff)
        draw_banner(u, s, now, t, z, dl);
}

/* ---- footer ---- */

void ui_draw_footer(ui *u, const session *s, const ui_theme *t, const ui_sizes *z, const char *hint,
                    draw_list *dl)
{
    int w = u->width, h = z->footer_h, y = u->height - h;
    draw_rect(dl, 0, y, w, h, t->footer_bg);
    draw_rect(dl, 0, y, w, z->border, t->card_border);
    int lh = ui_line_h(u, FONT_REGULAR, z->f_footer);
    int ty = y + (h - lh) / 2;
    int right = w - z->pad;
    if (s->kiosk_name[0]) {
        int kw = ui_put_right(u, dl, right, ty, FONT_REGULAR, z->f_footer, t->muted, s->kiosk_name,
                              w / 4);
        right -= kw + z->pad;
    }
    /* Hints are separated by "\t": each is its own run, dropped whole when out of room. */
    int x = z->pad;
    const char *p = hint ? hint : "";
    while (*p) {
        const char *e = strchr(p, '\t');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int hw = ui_text_w(u, FONT_BOLD, z->f_footer, p, n);
        if (n > 0 && x + hw <= right) {
            draw_text(dl, x, ty, FONT_BOLD, z->f_footer, t->text, p, n, 0);
            x += hw + 2 * z->pad;
        }
        p += n;
        if (*p == '\t')
            p++;
    }
}

int ui_draw_message(ui *u, draw_list *dl, int x, int y, int w, const char *text, int size,
                    uint32_t fg, uint32_t bg)
{
    int lh = ui_line_h(u, FONT_BOLD, size);
    int pad = size / 2;
    int inner = w - 2 * pad;
    int th = ui_wrap(u, NULL, text, strlen(text), 0, 0, inner, FONT_BOLD, size, fg, 0, 0, true);
    if (th < lh)
        th = lh;
    draw_rect(dl, x, y, w, th + 2 * pad, bg);
    ui_wrap(u, dl, text, strlen(text), x + pad, y + pad, inner, FONT_BOLD, size, fg, y,
            y + th + 2 * pad, true);
    return th + 2 * pad;
}
