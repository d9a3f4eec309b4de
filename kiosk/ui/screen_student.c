/*
 * screen_student.c — the student's screens other than prep and answer: locked, identify,
 * confirm_student, ticket, submit_confirm, away, done, paused, closed.
 *
 * Each is a centred column under the header: a title, a few lines, a message where the
 * machine refused something, and the keys that move on. Text that could be long (names,
 * messages) is wrapped inside the column; nothing is drawn below the footer's top.
 */
#include <stdio.h>
#include <string.h>

#include "ui_internal.h"

typedef struct page {
    const ui_theme *t;
    const ui_sizes *z;
    int x, w;   /* the column */
    int y;      /* the next line's top */
    int bottom; /* nothing below this */
} page;

static page begin(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p;
    p.t = ui_student_theme(s);
    p.z = &u->lay.z;
    draw_rect(dl, 0, 0, u->width, u->height, p.t->bg);
    ui_draw_header(u, s, now, p.t, p.z, dl);
    ui_rect c = u->lay.content;
    int margin = 2 * p.z->pad;
    p.x = margin;
    p.w = u->width - 2 * margin;
    if (p.w > u->width * 4 / 5) {
        p.w = u->width * 4 / 5;
        p.x = (u->width - p.w) / 2;
    }
    p.y = c.y + c.h / 8;
    p.bottom = c.y + c.h - p.z->pad;
    return p;
}

/* A wrapped, centred paragraph; the page moves below it. */
static void para(ui *u, page *p, draw_list *dl, const char *text, draw_font font, int size,
                 uint32_t color)
{
    p->y += ui_wrap(u, dl, text, strlen(text), p->x, p->y, p->w, font, size, color, p->y, p->bottom,
                    true);
}

static void space(page *p, int px)
{
    p->y += px;
}

/* A message box across the column. */
static void message(ui *u, page *p, draw_list *dl, const char *text, uint32_t fg, uint32_t bg)
{
    int size = p->z->f_body;
    int lh = ui_line_h(u, FONT_BOLD, size);
    if (p->y + lh + size > p->bottom)
        return;
    p->y += ui_draw_message(u, dl, p->x, p->y, p->w, text, size, fg, bg);
}

/* ---- locked ---- */

static const char *form_word(exam_form f)
{
    switch (f) {
    case EXAM_FORM_EXAM:
        return _("Exam");
    case EXAM_FORM_ZACHET:
        return _("Pass/fail test");
    case EXAM_FORM_DIFF_ZACHET:
        return _("Graded test");
    case EXAM_FORM_COMPLEX:
        return _("Complex exam");
    }
    return "";
}

void ui_screen_locked(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    const exam_info *in = &s->exam->info;
    para(u, &p, dl, _("The session is not open yet"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->gap);
    para(u, &p, dl, _("Please wait: the examiner will open the session."), FONT_REGULAR,
         p.z->f_body, p.t->muted);
    space(&p, 2 * p.z->pad);
    const char *mode = in->mode == EXAM_MODE_ORAL ? _("oral") : _("written");
    para(u, &p, dl, ui_fmt(u, "%s · %s", form_word(in->form), mode), FONT_REGULAR, p.z->f_body,
         p.t->text);
    if (in->date[0])
        para(u, &p, dl,
             in->start[0] ? ui_fmt(u, _("%s, start at %s"), in->date, in->start) : in->date,
             FONT_REGULAR, p.z->f_body, p.t->text);
    if (in->examiners.n > 0) {
        /* The examiners' names as one line: "Петров П.П., Сидорова А.А.". */
        char *buf = u->scratch2;
        size_t used = 0;
        for (size_t i = 0; i < in->examiners.n && used + 3 < sizeof u->scratch2; i++) {
            size_t len = strlen(in->examiners.item[i]);
            if (used + len + 3 >= sizeof u->scratch2)
                break;
            if (i > 0) {
                memcpy(buf + used, ", ", 2);
                used += 2;
            }
            memcpy(buf + used, in->examiners.item[i], len);
            used += len;
        }
        buf[used] = '\0';
        para(u, &p, dl, ui_fmt(u, _("Examiners: %s"), buf), FONT_REGULAR, p.z->f_small, p.t->muted);
    }
    ui_draw_footer(u, s, p.t, p.z, _("F12 — invigilator"), dl);
}

/* ---- identify ---- */

static const char *refusal_text(session_notice n)
{
    switch (n) {
    case NOTICE_UNKNOWN_STUDENT:
        return _("The record-book number is not on the exam roster.");
    case NOTICE_NOT_ADMITTED:
        return _("The student is not admitted to the exam.");
    case NOTICE_EXPELLED:
        return _("The student has been expelled.");
    case NOTICE_TIME_OVER:
        return _("The exam time is over: a late student gets no extra time.");
    case NOTICE_ALREADY_SAT:
        return _("This student has already sat the exam at this terminal.");
    default:
        return NULL;
    }
}

/* The entry field: a card with the text in large type and a caret after it. */
static void entry_field(ui *u, page *p, draw_list *dl, const char *text, size_t len)
{
    const ui_sizes *z = p->z;
    int size = z->f_huge;
    int lh = ui_line_h(u, FONT_BOLD, size);
    int w = p->w * 3 / 4, x = p->x + (p->w - w) / 2;
    int h = lh + z->pad;
    draw_rect(dl, x, p->y, w, h, p->t->card_bg);
    draw_frame(dl, x, p->y, w, h, z->border + 1, p->t->accent);
    int tw = ui_text_w(u, FONT_BOLD, size, text, len);
    int room = w - 2 * z->pad;
    if (tw > room) {
        size--;
        while (size > z->f_body && ui_text_w(u, FONT_BOLD, size, text, len) > room)
            size--;
        tw = ui_text_w(u, FONT_BOLD, size, text, len);
    }
    int ty = p->y + (h - ui_line_h(u, FONT_BOLD, size)) / 2;
    int tx = x + (w - tw) / 2;
    if (len > 0)
        draw_text(dl, tx, ty, FONT_BOLD, size, p->t->text, text, len, 0);
    int cx = tx + tw + z->caret_w;
    if (cx + z->caret_w < x + w)
        draw_rect(dl, cx, ty, z->caret_w * 2, ui_line_h(u, FONT_BOLD, size), p->t->caret);
    p->y += h;
}

void ui_screen_identify(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    para(u, &p, dl, _("Enter your record-book number"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->pad);
    entry_field(u, &p, dl, u->field, u->field_len);
    space(&p, p.z->pad);
    const char *refusal = u->field_len == 0 ? refusal_text(s->notice) : NULL;
    if (refusal) {
        message(u, &p, dl, refusal, p.t->danger, p.t->danger_bg);
        if (u->last_record_book[0])
            para(u, &p, dl, ui_fmt(u, _("Record book: %s"), u->last_record_book), FONT_REGULAR,
                 p.z->f_small, p.t->muted);
        space(&p, p.z->gap);
    } else if (s->notice == NOTICE_DATE_MISMATCH) {
        message(u, &p, dl,
                ui_fmt(u, _("The terminal's date is not the exam's date (%s); this is recorded."),
                       s->exam->info.date),
                p.t->warn_text, p.t->warn_bg);
        space(&p, p.z->gap);
    } else {
        para(u, &p, dl, _("The number is in your record book."), FONT_REGULAR, p.z->f_small,
             p.t->muted);
        space(&p, p.z->gap);
    }
    /* The three languages by their own names, the one in use marked. */
    const char *langs[] = { "ru", "kk", "en" };
    int size = p.z->f_body, gap = 2 * p.z->pad;
    int total = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *name = i18n_language_name(langs[i]);
        draw_font font = strcmp(langs[i], u->lang) == 0 ? FONT_BOLD : FONT_REGULAR;
        total += ui_text_w(u, font, size, name, strlen(name)) + (i ? gap : 0);
    }
    int lh = ui_line_h(u, FONT_BOLD, size);
    if (p.y + lh + p.z->gap <= p.bottom && total <= p.w) {
        int x = p.x + (p.w - total) / 2;
        for (size_t i = 0; i < 3; i++) {
            const char *name = i18n_language_name(langs[i]);
            bool cur = strcmp(langs[i], u->lang) == 0;
            int w = ui_text_w(u, cur ? FONT_BOLD : FONT_REGULAR, size, name, strlen(name));
            draw_text(dl, x, p.y, cur ? FONT_BOLD : FONT_REGULAR, size,
                      cur ? p.t->accent : p.t->muted, name, strlen(name), 0);
            if (cur)
                draw_rect(dl, x, p.y + lh, w, p.z->caret_w, p.t->accent);
            x += w + gap;
        }
    }
    ui_draw_footer(u, s, p.t, p.z, ui_fmt2(u, "%s\t%s", _("Enter — continue"), _("F11 — language")),
                   dl);
}

/* ---- confirm_student ---- */

void ui_screen_confirm(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    const exam_student *st = session_student(s);
    para(u, &p, dl, _("Is this you?"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->pad);
    if (st) {
        para(u, &p, dl, st->full_name, FONT_BOLD, p.z->f_huge, p.t->accent);
        space(&p, p.z->gap);
        const char *line =
            st->group[0] ? ui_fmt(u, _("Record book %s · group %s"), st->record_book, st->group)
                         : ui_fmt(u, _("Record book %s"), st->record_book);
        para(u, &p, dl, line, FONT_REGULAR, p.z->f_body, p.t->muted);
    }
    space(&p, 2 * p.z->pad);
    para(u, &p, dl, _("Enter — yes"), FONT_BOLD, p.z->f_title, p.t->text);
    para(u, &p, dl, _("Esc — no"), FONT_BOLD, p.z->f_title, p.t->muted);
    ui_draw_footer(u, s, p.t, p.z, ui_fmt2(u, "%s\t%s", _("Enter — yes"), _("Esc — no")), dl);
}

/* ---- ticket ---- */

void ui_screen_ticket(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    const exam_student *st = session_student(s);
    if (s->second_pending) {
        para(u, &p, dl, _("Second ticket"), FONT_BOLD, p.z->f_title, p.t->text);
        space(&p, p.z->gap);
        para(u, &p, dl, _("You may draw another ticket instead of this one."), FONT_REGULAR,
             p.z->f_body, p.t->text);
        space(&p, p.z->gap);
        if (s->exam->policy.second_ticket_penalty)
            message(u, &p, dl, _("With a second ticket the grade is lowered by one point."),
                    p.t->danger, p.t->danger_bg);
        space(&p, p.z->pad);
        para(u, &p, dl, _("Enter — draw a ticket"), FONT_BOLD, p.z->f_title, p.t->accent);
        para(u, &p, dl, _("Esc — keep the first ticket"), FONT_REGULAR, p.z->f_body, p.t->muted);
        ui_draw_footer(
            u, s, p.t, p.z,
            ui_fmt2(u, "%s\t%s", _("Enter — draw a ticket"), _("Esc — keep the first ticket")), dl);
        return;
    }
    if (st) {
        para(u, &p, dl, st->full_name, FONT_BOLD, p.z->f_body, p.t->muted);
        space(&p, p.z->gap);
    }
    para(u, &p, dl, _("Draw your ticket"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->gap);
    para(u, &p, dl, _("Press Enter: the terminal picks a ticket at random."), FONT_REGULAR,
         p.z->f_body, p.t->text);
    if (s->exam->info.mode == EXAM_MODE_ORAL && s->exam->info.prep_minutes > 0)
        para(u, &p, dl,
             ui_fmt(u,
                    P_("Then you have %d minute to prepare.",
                       "Then you have %d minutes to prepare.", s->exam->info.prep_minutes),
                    s->exam->info.prep_minutes),
             FONT_REGULAR, p.z->f_body, p.t->muted);
    space(&p, 2 * p.z->pad);
    para(u, &p, dl, _("Enter — draw a ticket"), FONT_BOLD, p.z->f_title, p.t->accent);
    ui_draw_footer(u, s, p.t, p.z, _("Enter — draw a ticket"), dl);
}

/* ---- submit_confirm ---- */

void ui_screen_submit(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    para(u, &p, dl, _("Hand in the work?"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->gap);
    para(u, &p, dl, _("Once handed in, the answer cannot be changed."), FONT_REGULAR, p.z->f_body,
         p.t->text);
    space(&p, p.z->gap);
    long chars = (long)editor_chars(u->ed), words = (long)editor_words(u->ed);
    char c[128], w[128];
    snprintf(c, sizeof c, P_("%ld character", "%ld characters", chars), chars);
    snprintf(w, sizeof w, P_("%ld word", "%ld words", words), words);
    para(u, &p, dl, ui_fmt(u, "%s · %s", c, w), FONT_REGULAR, p.z->f_body, p.t->muted);
    space(&p, 2 * p.z->pad);
    para(u, &p, dl, _("Enter — hand in"), FONT_BOLD, p.z->f_title, p.t->accent);
    para(u, &p, dl, _("Esc — back to the answer"), FONT_REGULAR, p.z->f_body, p.t->muted);
    ui_draw_footer(u, s, p.t, p.z,
                   ui_fmt2(u, "%s\t%s", _("Enter — hand in"), _("Esc — back to the answer")), dl);
}

/* ---- away ---- */

void ui_screen_away(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    para(u, &p, dl, _("The student has left the room"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->pad);
    char clock[32];
    int64_t out = s->has_attempt && s->attempt.away ? now - s->attempt.left_at : 0;
    ui_format_clock(clock, sizeof clock, out);
    para(u, &p, dl, _("Out of the room for"), FONT_REGULAR, p.z->f_body, p.t->muted);
    para(u, &p, dl, clock, FONT_BOLD, p.z->f_huge, p.t->text);
    space(&p, p.z->pad);
    para(u, &p, dl,
         _("The exam clock keeps running. The terminal is locked until the student "
           "returns."),
         FONT_REGULAR, p.z->f_body, p.t->text);
    ui_draw_footer(u, s, p.t, p.z, _("F12 — invigilator"), dl);
}

/* ---- done ---- */

void ui_screen_done(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    const session_attempt *a = &s->attempt;
    const exam_info *in = &s->exam->info;
    session_outcome outcome = s->has_attempt ? a->outcome : OUTCOME_NONE;
    switch (outcome) {
    case OUTCOME_SUBMITTED:
        if (a->handin == HANDIN_TIME_UP)
            para(u, &p, dl, _("Time is up: the work has been handed in"), FONT_BOLD, p.z->f_title,
                 p.t->text);
        else if (a->handin == HANDIN_SESSION_CLOSED)
            para(u, &p, dl, _("The session was closed: the work has been handed in"), FONT_BOLD,
                 p.z->f_title, p.t->text);
        else
            para(u, &p, dl, _("The work has been handed in"), FONT_BOLD, p.z->f_title, p.t->text);
        space(&p, p.z->gap);
        para(u, &p, dl, _("Your answer is saved. Thank you!"), FONT_REGULAR, p.z->f_body,
             p.t->muted);
        break;
    case OUTCOME_GRADED:
        para(u, &p, dl, a->n_graded > 1 ? _("Grades") : _("Grade"), FONT_BOLD, p.z->f_title,
             p.t->text);
        space(&p, p.z->gap);
        for (size_t i = 0; i < a->n_graded && i < EXAM_LIST_MAX; i++) {
            grade g = a->grades[i];
            const char *word = ui_grade_word(g);
            const char *shown =
                grade_is_points(g) ? ui_fmt2(u, "%d — %s", grade_points(g), word) : word;
            if (in->form == EXAM_FORM_COMPLEX && i < in->disciplines.n)
                para(u, &p, dl, ui_fmt(u, "%s: %s", in->disciplines.item[i], shown), FONT_BOLD,
                     p.z->f_title, p.t->accent);
            else
                para(u, &p, dl, shown, FONT_BOLD, p.z->f_huge, p.t->accent);
        }
        if (a->second && s->exam->policy.second_ticket_penalty) {
            space(&p, p.z->gap);
            para(u, &p, dl, _("The grade was lowered by one point for the second ticket."),
                 FONT_REGULAR, p.z->f_body, p.t->muted);
        }
        break;
    case OUTCOME_REFUSED:
    case OUTCOME_REMOVED:
        para(u, &p, dl,
             outcome == OUTCOME_REFUSED ? _("Refusal to answer") : _("Removed from the exam"),
             FONT_BOLD, p.z->f_title, p.t->text);
        space(&p, p.z->gap);
        if (a->n_graded > 0)
            para(u, &p, dl, ui_fmt(u, _("Recorded on the roster: %s"), ui_grade_word(a->grades[0])),
                 FONT_REGULAR, p.z->f_body, p.t->text);
        break;
    case OUTCOME_NONE:
        para(u, &p, dl, _("Done"), FONT_BOLD, p.z->f_title, p.t->text);
        break;
    }
    space(&p, 2 * p.z->pad);
    para(u, &p, dl, _("Next student — Enter"), FONT_BOLD, p.z->f_title, p.t->accent);
    int64_t left = s->done_at + SESSION_DONE_SECONDS - now;
    if (left > 0 && !s->paused)
        para(u, &p, dl,
             ui_fmt(
                 u,
                 P_("The screen clears in %ld second.", "The screen clears in %ld seconds.", left),
                 (long)left),
             FONT_REGULAR, p.z->f_small, p.t->muted);
    ui_draw_footer(u, s, p.t, p.z, _("Next student — Enter"), dl);
}

/* ---- paused ---- */

void ui_screen_paused(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    para(u, &p, dl, _("The exam is paused"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->pad);
    int64_t left = -1;
    if (s->has_attempt && s->attempt.outcome == OUTCOME_NONE)
        left = session_time_left(s, now);
    if (left >= 0) {
        char clock[32];
        ui_format_clock(clock, sizeof clock, left);
        para(u, &p, dl, _("The clock is stopped at"), FONT_REGULAR, p.z->f_body, p.t->muted);
        para(u, &p, dl, clock, FONT_BOLD, p.z->f_huge, p.t->text);
        space(&p, p.z->pad);
        para(u, &p, dl, _("The pause is added to your time."), FONT_REGULAR, p.z->f_body,
             p.t->text);
    }
    para(u, &p, dl, _("Please wait for the examiner."), FONT_REGULAR, p.z->f_body, p.t->muted);
    ui_draw_footer(u, s, p.t, p.z, _("F12 — invigilator"), dl);
}

/* ---- closed ---- */

void ui_screen_closed(ui *u, const session *s, int64_t now, draw_list *dl)
{
    page p = begin(u, s, now, dl);
    para(u, &p, dl, _("The session is closed"), FONT_BOLD, p.z->f_title, p.t->text);
    space(&p, p.z->gap);
    para(u, &p, dl, _("The exam is over at this terminal. Thank you!"), FONT_REGULAR, p.z->f_body,
         p.t->muted);
    ui_draw_footer(u, s, p.t, p.z, _("F12 — invigilator"), dl);
}
