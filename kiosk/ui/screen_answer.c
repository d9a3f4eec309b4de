/*
 * screen_answer.c — the screens where the student works: the ticket's questions (prep and
 * answer) and the answer editor laid out as draw commands.
 *
 * The questions pane takes the body type size and shrinks it (down to 3/4) until the ticket
 * fits; a ticket that still does not fit scrolls (PgUp/PgDn on prep, Ctrl+PgUp/PgDn or the
 * wheel on answer). The size that fits is cached per ticket, pane and language, so a frame
 * wraps the ticket once. The editor draws only its visible lines; each text run carries a
 * cache key made from the line's stamp, so the renderer re-renders only changed lines.
 */
#include <string.h>

#include "ui_internal.h"

/* ---- the ticket's questions ---- */

static const char *question_label(ui *u, const exam_ticket *tk, size_t i)
{
    int theory = 0, tasks = 0, n_tasks = 0, mine = 0;
    for (size_t k = 0; k < tk->n_questions; k++)
        n_tasks += tk->question[k].kind == QUESTION_TASK;
    for (size_t k = 0; k <= i; k++) {
        if (tk->question[k].kind == QUESTION_TASK)
            mine = ++tasks;
        else
            mine = ++theory;
    }
    if (tk->question[i].kind == QUESTION_TASK)
        return n_tasks > 1 ? ui_fmt(u, _("Task %d"), mine) : _("Task");
    return ui_fmt(u, _("Question %d"), mine);
}

/* Lays the ticket out from y at type size `size`; draws when dl is set (only lines inside
 * [clip0, clip1)); returns the height of it all. */
static int layout_ticket(ui *u, const exam_ticket *tk, const ui_theme *t, int x, int y, int w,
                         int size, draw_list *dl, int clip0, int clip1)
{
    int y0 = y;
    int title = size * 6 / 5;
    int lh_title = ui_line_h(u, FONT_BOLD, title);
    int lh_label = ui_line_h(u, FONT_BOLD, size);
    int gap = size * 2 / 3;
    if (dl && y >= clip0 && y + lh_title <= clip1)
        ui_put(u, dl, x, y, FONT_BOLD, title, t->accent, ui_fmt(u, _("Ticket No. %d"), tk->number),
               w);
    y += lh_title + gap;
    for (size_t i = 0; i < tk->n_questions; i++) {
        const exam_question *q = &tk->question[i];
        if (dl && y >= clip0 && y + lh_label <= clip1)
            ui_put(u, dl, x, y, FONT_BOLD, size, t->accent, question_label(u, tk, i), w);
        y += lh_label;
        const char *text = q->text ? q->text : "";
        if (dl && y >= clip1)
            return y - y0; /* the rest is below the pane */
        y += ui_wrap(u, dl, text, strlen(text), x, y, w, FONT_REGULAR, size, t->text, clip0, clip1,
                     false);
        y += gap;
    }
    return y - y0;
}

void ui_scroll_questions(ui *u, int lines)
{
    int step = u->q_size > 0 ? u->q_size * 5 / 4 : 24;
    long v = (long)u->q_scroll + (long)lines * step;
    u->q_scroll = v < 0 ? 0 : v > 1000000000L ? 1000000000 : (int)v;
}

void ui_draw_questions(ui *u, const session *s, const ui_theme *t, const ui_sizes *z, ui_rect r,
                       draw_list *dl)
{
    draw_rect(dl, r.x, r.y, r.w, r.h, t->pane_bg);
    if (t->border > 1)
        draw_frame(dl, r.x, r.y, r.w, r.h, z->border, t->card_border);
    const exam_ticket *tk = session_ticket(s);
    if (!tk)
        return;
    int pad = z->pad * 2 / 3;
    ui_rect in = { r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad };
    if (in.w < 1 || in.h < 1)
        return;
    int base = z->f_body;
    if (u->q_ticket != tk->number || u->q_w != in.w || u->q_h != in.h || u->q_base != base ||
        u->q_gen != i18n_generation()) {
        int smallest = base * 3 / 4, step = base / 12 > 0 ? base / 12 : 1;
        int size = base, total = 0;
        for (;;) {
            total = layout_ticket(u, tk, t, 0, 0, in.w, size, NULL, 0, 0);
            if (total <= in.h || size - step < smallest)
                break;
            size -= step;
        }
        if (u->q_ticket != tk->number)
            u->q_scroll = 0;
        u->q_ticket = tk->number;
        u->q_w = in.w;
        u->q_h = in.h;
        u->q_base = base;
        u->q_gen = i18n_generation();
        u->q_size = size;
        u->q_total = total;
    }
    int max_scroll = u->q_total > in.h ? u->q_total - in.h : 0;
    if (u->q_scroll > max_scroll)
        u->q_scroll = max_scroll;
    draw_clip(dl, in.x, in.y, in.w, in.h);
    layout_ticket(u, tk, t, in.x, in.y - u->q_scroll, in.w, u->q_size, dl, in.y, in.y + in.h);
    draw_clip(dl, 0, 0, 0, 0);
    if (max_scroll > 0) {
        /* A scroll bar on the pane's right edge says there is more. */
        int bw = z->caret_w * 2;
        int bh = (int)((int64_t)in.h * in.h / u->q_total);
        int by = in.y + (int)((int64_t)(in.h - bh) * u->q_scroll / max_scroll);
        draw_rect(dl, r.x + r.w - bw - z->border, by, bw, bh, t->muted);
    }
}

/* ---- the editor ---- */

static uint64_t line_key(uint64_t stamp, size_t index, int size, uint32_t color)
{
    /* splitmix64 over the parts: equal keys mean equal bytes, size and colour. */
    uint64_t x = stamp ^ ((uint64_t)index * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)size << 40) ^
                 ((uint64_t)color << 8);
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 31;
    return x ? x : 1;
}

void ui_draw_editor(ui *u, const ui_theme *t, draw_list *dl)
{
    editor *ed = u->ed;
    ui_rect v = u->ed_view;
    int lh = ui_line_h(u, FONT_REGULAR, u->ed_font);
    int caret_w = u->lay.z.caret_w;
    size_t rows = editor_viewport_rows(ed);
    if (rows > UI_EDITOR_ROWS_MAX)
        rows = UI_EDITOR_ROWS_MAX;
    size_t top = editor_top_line(ed);
    size_t n = editor_visible_lines(ed, top, rows, u->lines);
    draw_clip(dl, v.x, v.y, v.w, v.h);
    for (size_t i = 0; i < n; i++) {
        const editor_line *l = &u->lines[i];
        int y = v.y + l->y;
        if (y < v.y || y + lh > v.y + v.h)
            continue;
        size_t len = 0;
        bilet_err err = { { 0 } };
        bool have = editor_line_text(ed, l->index, u->line, sizeof u->line, &len, &err) == BILET_OK;
        if (!have)
            len = 0;
        /* Hanging spaces of a wrapped line are invisible: they are not drawn. */
        while (len > 0 && u->line[len - 1] == ' ')
            len--;
        if (l->sel_len > 0 || l->sel_past_end) {
            int x0 =
                l->sel_len > 0 ? l->sel_x0 : ui_text_w(u, FONT_REGULAR, u->ed_font, u->line, len);
            int x1 = l->sel_len > 0 ? l->sel_x1 : x0;
            if (l->sel_past_end)
                x1 += u->ed_font / 3; /* the line break, selected */
            if (x1 > v.w)
                x1 = v.w;
            if (x1 > x0)
                draw_rect(dl, v.x + x0, y, x1 - x0, lh, t->selection);
        }
        if (len > 0)
            draw_text(dl, v.x, y, FONT_REGULAR, u->ed_font, t->text, u->line, len,
                      line_key(l->stamp, l->index, u->ed_font, t->text));
        if (l->caret_x >= 0) {
            int cx = v.x + l->caret_x;
            if (cx + caret_w > v.x + v.w)
                cx = v.x + v.w - caret_w;
            draw_rect(dl, cx, y, caret_w, lh, t->caret);
        }
    }
    const char *comp = NULL;
    size_t clen = 0;
    int cur_x = 0, cw = 0;
    if (editor_composition(ed, &comp, &clen, &cur_x, &cw) && clen > 0) {
        size_t line = 0;
        int x = 0;
        editor_caret_pos(ed, &line, &x);
        if (line >= top && line < top + rows) {
            int y = v.y + (int)(line - top) * lh;
            int cx = v.x + x;
            if (cx + cw > v.x + v.w)
                cx = v.x + v.w - cw > v.x ? v.x + v.w - cw : v.x;
            if (y + lh <= v.y + v.h) {
                draw_rect(dl, cx, y, cw, lh, t->editor_bg);
                draw_text(dl, cx, y, FONT_REGULAR, u->ed_font, t->text, comp, clen, 0);
                draw_rect(dl, cx, y + lh - caret_w, cw, caret_w, t->accent);
                int ix = cx + cur_x;
                if (ix + caret_w > v.x + v.w)
                    ix = v.x + v.w - caret_w;
                draw_rect(dl, ix, y, caret_w, lh, t->caret);
            }
        }
    }
    draw_clip(dl, 0, 0, 0, 0);
}

/* ---- prep ---- */

static bool second_ticket_open(const session *s)
{
    return s->exam->info.second_ticket && s->exam->n_tickets >= 2 && !s->attempt.second;
}

void ui_screen_prep(ui *u, const session *s, int64_t now, draw_list *dl)
{
    const ui_theme *t = ui_student_theme(s);
    const ui_sizes *z = &u->lay.z;
    ui_rect c = u->lay.content;
    draw_rect(dl, 0, 0, u->width, u->height, t->bg);
    ui_draw_header(u, s, now, t, z, dl);
    int pad = z->pad;
    int side = (u->width - 2 * pad) * 30 / 100;
    ui_rect q = { pad, c.y + pad, u->width - 3 * pad - side, c.h - 2 * pad };
    ui_draw_questions(u, s, t, z, q, dl);

    int sx = q.x + q.w + pad, sw = side;
    int y = c.y + pad;
    draw_rect(dl, sx, y, sw, c.h - 2 * pad, t->card_bg);
    draw_frame(dl, sx, y, sw, c.h - 2 * pad, z->border, t->card_border);
    y += pad;
    ui_put_center(u, dl, sx, sw, y, FONT_BOLD, z->f_body, t->text, _("Preparation"));
    y += ui_line_h(u, FONT_BOLD, z->f_body);
    char clock[32];
    int64_t left = session_time_left(s, now);
    ui_format_clock(clock, sizeof clock, left);
    int huge = z->f_huge;
    while (huge > z->f_body && ui_text_w(u, FONT_BOLD, huge, "0:00:00", 7) > sw - pad)
        huge--;
    ui_put_center(u, dl, sx, sw, y, FONT_BOLD, huge,
                  left >= 0 && left <= UI_CLOCK_RED_SECONDS ? t->danger : t->text, clock);
    y += ui_line_h(u, FONT_BOLD, huge) + pad;
    int bottom = c.y + c.h - 2 * pad;
    const char *ready = _("Enter — ready to answer");
    y += ui_wrap(u, dl, ready, strlen(ready), sx + pad / 2, y, sw - pad, FONT_BOLD, z->f_body,
                 t->accent, y, bottom, true);
    y += pad / 2;
    const char *when = _("When the preparation time is over, the answer begins by itself.");
    y += ui_wrap(u, dl, when, strlen(when), sx + pad / 2, y, sw - pad, FONT_REGULAR, z->f_small,
                 t->muted, y, bottom, true);
    if (second_ticket_open(s)) {
        y += pad / 2;
        const char *f10 = _("F10 — take another ticket");
        ui_wrap(u, dl, f10, strlen(f10), sx + pad / 2, y, sw - pad, FONT_REGULAR, z->f_small,
                t->muted, y, bottom, true);
    }
    const char *hint = second_ticket_open(s) ? ui_fmt2(u, "%s\t%s", _("Enter — ready to answer"),
                                                       _("F10 — take another ticket"))
                                             : _("Enter — ready to answer");
    ui_draw_footer(u, s, t, z, hint, dl);
}

/* ---- answer ---- */

static const char *notice_on_answer(const session *s)
{
    switch (s->notice) {
    case NOTICE_SECOND_TICKET_OFF:
        return _("This exam gives no second ticket.");
    case NOTICE_SECOND_TICKET_USED:
        return _("A second ticket has already been taken.");
    default:
        return NULL;
    }
}

void ui_screen_answer(ui *u, const session *s, const ui_status *st, int64_t now, draw_list *dl)
{
    const ui_theme *t = ui_student_theme(s);
    const ui_sizes *z = &u->lay.z;
    const ui_layout *l = &u->lay;
    draw_rect(dl, 0, 0, u->width, u->height, t->bg);
    ui_draw_header(u, s, now, t, z, dl);
    ui_draw_questions(u, s, t, z, l->questions, dl);

    ui_rect e = l->editor_box;
    draw_rect(dl, e.x, e.y, e.w, e.h, t->editor_bg);
    draw_frame(dl, e.x, e.y, e.w, e.h, z->border > 1 ? z->border : z->border + 1, t->accent);
    if (editor_length(u->ed) == 0 && !editor_composition(u->ed, NULL, NULL, NULL, NULL))
        ui_put(u, dl, u->ed_view.x + z->caret_w * 2, u->ed_view.y, FONT_REGULAR, u->ed_font,
               t->muted, _("Type your answer here"), u->ed_view.w - z->caret_w * 2);
    ui_draw_editor(u, t, dl);

    ui_rect b = l->status_bar;
    int lh = ui_line_h(u, FONT_REGULAR, z->f_small);
    int by = b.y + (b.h - lh) / 2;
    /* A store that refuses writes is the invigilator's business (their screen says what);
     * the student is only told, without alarm, that the text is safe and saved later. */
    const char *saved = st->answer_saved   ? _("Saved")
                        : st->save_delayed ? _("Saving delayed")
                                           : _("Saving…");
    int sw = ui_put_right(u, dl, b.x + b.w, by, FONT_BOLD, z->f_small,
                          st->answer_saved ? t->ok : t->muted, saved, b.w / 3);
    int room = b.w - sw - z->pad;
    const char *problem = NULL;
    if (u->problem == UI_PROBLEM_TOO_LONG)
        problem = _("The answer has reached its maximum length.");
    else if (u->problem == UI_PROBLEM_MEMORY)
        problem = _("The terminal is short of memory: call the invigilator.");
    else
        problem = notice_on_answer(s);
    if (problem) {
        ui_put(u, dl, b.x, by, FONT_BOLD, z->f_small, t->danger, problem, room);
    } else if (st->save_delayed) {
        ui_put(u, dl, b.x, by, FONT_REGULAR, z->f_small, t->muted,
               _("Your text is kept and will be saved"), room);
    } else {
        long chars = (long)editor_chars(u->ed), words = (long)editor_words(u->ed);
        const char *c = ui_fmt(u, P_("%ld character", "%ld characters", chars), chars);
        const char *w = ui_fmt2(u, P_("%ld word", "%ld words", words), words);
        int cw = ui_put(u, dl, b.x, by, FONT_REGULAR, z->f_small, t->muted, c, room);
        if (room - cw - z->pad > 0)
            ui_put(u, dl, b.x + cw + z->pad, by, FONT_REGULAR, z->f_small, t->muted, w,
                   room - cw - z->pad);
    }

    const char *hint;
    if (s->exam->info.mode == EXAM_MODE_ORAL)
        hint =
            second_ticket_open(s)
                ? ui_fmt2(u, "%s\t%s", _("When you finish answering, the examiner gives the grade"),
                          _("F10 — take another ticket"))
                : _("When you finish answering, the examiner gives the grade");
    else
        hint = second_ticket_open(s) ? ui_fmt2(u, "%s\t%s", _("Ctrl+Enter — hand in the work"),
                                               _("F10 — take another ticket"))
                                     : _("Ctrl+Enter — hand in the work");
    ui_draw_footer(u, s, t, z, hint, dl);
}
