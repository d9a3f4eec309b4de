/*
 * screen_staff.c — the invigilator's screens: the PIN prompt, the package passphrase and
 * the invigilator's panel (keys F1–F9, the session's state, the student at the terminal,
 * sync and store health, the downtime after a crash, the last action's outcome, oral grade
 * entry).
 *
 * They use the dark staff palette so that nobody takes them for the student's. Secrets
 * are never drawn: the PIN and the passphrase show as one bullet per character.
 */
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "ui_internal.h"

static const char bullet[] = "•";

typedef struct panel {
    const ui_theme *t;
    const ui_sizes *z;
    int x, w, y, bottom;
} panel;

static panel staff_page(ui *u, const session *s, int64_t now, draw_list *dl)
{
    panel p;
    p.t = &theme_staff;
    p.z = &u->lay.staff;
    draw_rect(dl, 0, 0, u->width, u->height, p.t->bg);
    ui_draw_header(u, s, now, p.t, p.z, dl);
    p.x = 2 * p.z->pad;
    p.w = u->width - 4 * p.z->pad;
    p.y = p.z->header_h + 2 * p.z->pad;
    p.bottom = u->height - p.z->footer_h - p.z->pad;
    return p;
}

static void line(ui *u, panel *p, draw_list *dl, const char *text, draw_font font, int size,
                 uint32_t color)
{
    int lh = ui_line_h(u, font, size);
    if (p->y + lh > p->bottom)
        return;
    p->y += ui_wrap(u, dl, text, strlen(text), p->x, p->y, p->w, font, size, color, p->y, p->bottom,
                    false);
}

/* A masked field: one bullet per character typed, never the characters. */
static void masked_field(ui *u, panel *p, draw_list *dl, size_t chars)
{
    const ui_sizes *z = p->z;
    int size = z->f_title;
    int lh = ui_line_h(u, FONT_BOLD, size);
    int w = p->w / 2, h = lh + z->pad;
    if (p->y + h > p->bottom)
        return;
    draw_rect(dl, p->x, p->y, w, h, p->t->card_bg);
    draw_frame(dl, p->x, p->y, w, h, z->border + 1, p->t->accent);
    int bw = ui_text_w(u, FONT_BOLD, size, bullet, sizeof bullet - 1);
    size_t fit = bw > 0 ? (size_t)((w - 2 * z->pad) / (bw + bw / 3)) : 0;
    size_t shown = chars < fit ? chars : fit;
    char buf[UI_SCRATCH_MAX];
    size_t n = 0;
    for (size_t i = 0; i < shown && n + sizeof bullet < sizeof buf; i++) {
        memcpy(buf + n, bullet, sizeof bullet - 1);
        n += sizeof bullet - 1;
    }
    int ty = p->y + (h - lh) / 2;
    if (n > 0)
        draw_text(dl, p->x + z->pad, ty, FONT_BOLD, size, p->t->text, buf, n, 0);
    int cx = p->x + z->pad + ui_text_w(u, FONT_BOLD, size, buf, n) + z->caret_w;
    if (cx + 2 * z->caret_w < p->x + w)
        draw_rect(dl, cx, ty, 2 * z->caret_w, lh, p->t->caret);
    p->y += h + z->pad;
}

/* ---- pin ---- */

void ui_screen_pin(ui *u, const session *s, int64_t now, draw_list *dl)
{
    panel p = staff_page(u, s, now, dl);
    line(u, &p, dl, _("Invigilator"), FONT_BOLD, p.z->f_title, p.t->text);
    bool locked = s->pin_locked_until > now;
    if (locked) {
        line(u, &p, dl, _("PIN entry is locked after 5 wrong PINs."), FONT_BOLD, p.z->f_body,
             p.t->danger);
        char clock[32];
        ui_format_clock(clock, sizeof clock, s->pin_locked_until - now);
        line(u, &p, dl, ui_fmt(u, _("Try again in %s"), clock), FONT_BOLD, p.z->f_title,
             p.t->danger);
    } else {
        line(u, &p, dl, _("Enter the invigilator's PIN"), FONT_REGULAR, p.z->f_body, p.t->muted);
        p.y += p.z->gap;
        masked_field(u, &p, dl, text_utf8_count(u->field, u->field_len));
        if (s->notice == NOTICE_PIN_WRONG) {
            line(u, &p, dl, _("Wrong PIN."), FONT_BOLD, p.z->f_body, p.t->danger);
            int left = SESSION_PIN_TRIES - s->pin_failures;
            if (left > 0)
                line(u, &p, dl, ui_fmt(u, P_("%d try left", "%d tries left", left), left),
                     FONT_REGULAR, p.z->f_body, p.t->danger);
        }
    }
    ui_draw_footer(
        u, s, p.t, p.z,
        locked ? _("Esc — back") : ui_fmt2(u, "%s\t%s", _("Enter — unlock"), _("Esc — back")), dl);
}

/* ---- passphrase ---- */

void ui_screen_passphrase(ui *u, const session *s, int64_t now, draw_list *dl)
{
    panel p = staff_page(u, s, now, dl);
    line(u, &p, dl, _("Exam package passphrase"), FONT_BOLD, p.z->f_title, p.t->text);
    line(u, &p, dl,
         _("The tickets are sealed. Type the passphrase the exam office gave you to open them."),
         FONT_REGULAR, p.z->f_body, p.t->muted);
    p.y += p.z->gap;
    bool locked = s->passphrase_locked_until > now;
    if (locked) {
        char clock[32];
        ui_format_clock(clock, sizeof clock, s->passphrase_locked_until - now);
        line(u, &p, dl, ui_fmt(u, _("Too many wrong passphrases. Try again in %s"), clock),
             FONT_BOLD, p.z->f_title, p.t->danger);
    } else {
        masked_field(u, &p, dl, text_utf8_count(u->field, u->field_len));
        if (s->notice == NOTICE_PASSPHRASE_WRONG)
            line(u, &p, dl, _("Wrong passphrase. Try again."), FONT_BOLD, p.z->f_body, p.t->danger);
    }
    if (s->passphrase_failures > 0)
        line(u, &p, dl,
             ui_fmt(u,
                    P_("%d wrong passphrase so far", "%d wrong passphrases so far",
                       s->passphrase_failures),
                    s->passphrase_failures),
             FONT_REGULAR, p.z->f_small, p.t->muted);
    const char *enter = _("Enter — open the tickets");
    const char *keys = s->opened ? enter : ui_fmt2(u, "%s\t%s", enter, _("Esc — back"));
    ui_draw_footer(u, s, p.t, p.z, locked ? (s->opened ? "" : _("Esc — back")) : keys, dl);
}

/* ---- invigilator ---- */

static bool attempt_running(const session *s)
{
    return s->has_attempt && s->attempt.outcome == OUTCOME_NONE;
}

static bool downtime_pending(const session *s)
{
    return s->downtime_seconds > 0 && !s->downtime_offered && attempt_running(s);
}

static long minutes_up(int64_t seconds)
{
    return (long)((seconds + 59) / 60);
}

static const char *notice_text(ui *u, const session *s)
{
    switch (s->notice) {
    case NOTICE_EXTRA_TIME:
        return _("5 minutes added for the student.");
    case NOTICE_DOWNTIME_CREDITED:
        return _("The downtime has been credited to the student.");
    case NOTICE_NO_STUDENT:
        return _("No student is at this terminal.");
    case NOTICE_NOT_OPEN:
        return s->closed ? _("The session is closed.") : _("The session is not open.");
    case NOTICE_ALREADY_OPEN:
        return _("The session is already open.");
    case NOTICE_NOT_ORAL:
        return _("Written work is graded by the commission, not at the terminal.");
    case NOTICE_GRADE_INVALID:
        return s->exam->info.form == EXAM_FORM_ZACHET
                   ? _("A pass/fail test takes pass (з) or fail (н).")
                   : _("This exam takes a grade of 5, 4, 3 or 2.");
    case NOTICE_DATE_MISMATCH:
        return ui_fmt(u, _("The terminal's date is not the exam's date (%s); this is recorded."),
                      s->exam->info.date);
    case NOTICE_NOT_SEALED:
        return _("The exam package is not sealed.");
    case NOTICE_SECOND_TICKET_OFF:
        return _("This exam gives no second ticket.");
    case NOTICE_SECOND_TICKET_USED:
        return _("A second ticket has already been taken.");
    default:
        return NULL;
    }
}

typedef struct key_item {
    const char *key;
    const char *what;
    bool active;
} key_item;

/* One key of the list: the key's badge and what it does (muted when it does nothing now). */
static int key_row(ui *u, draw_list *dl, const ui_theme *t, const ui_sizes *z, int x, int y, int w,
                   const char *key, const char *what, bool active)
{
    int size = z->f_body;
    int lh = ui_line_h(u, FONT_BOLD, size);
    int kw = ui_text_w(u, FONT_BOLD, size, "Esc", 3) + z->gap;
    int f2 = ui_text_w(u, FONT_BOLD, size, "F12", 3) + z->gap;
    if (f2 > kw)
        kw = f2;
    draw_rect(dl, x, y, kw, lh, active ? t->key_bg : t->card_bg);
    ui_put_center(u, dl, x, kw, y, FONT_BOLD, size, active ? t->key_text : t->muted, key);
    ui_put(u, dl, x + kw + z->gap, y, FONT_REGULAR, size, active ? t->text : t->muted, what,
           w - kw - z->gap);
    return lh + z->gap / 2;
}

/* The last answer sheet: saved, sent to the printer, or why it was not printed. */
static void sheet_line(ui *u, panel *r, draw_list *dl, const ui_status *st, const ui_theme *t,
                       const ui_sizes *z)
{
    const char *code = st->sheet_code ? st->sheet_code : "";
    switch (st->sheet_state) {
    case UI_SHEET_NONE:
        return;
    case UI_SHEET_BUSY:
        line(u, r, dl, ui_fmt(u, _("Sheet %s is being made"), code), FONT_REGULAR, z->f_small,
             t->muted);
        return;
    case UI_SHEET_SAVED:
        line(u, r, dl, ui_fmt(u, _("Sheet %s saved"), code), FONT_REGULAR, z->f_small, t->ok);
        return;
    case UI_SHEET_SENT:
        line(u, r, dl, ui_fmt(u, _("Sheet %s sent to the printer %s"), code, st->sheet_printer),
             FONT_REGULAR, z->f_small, t->ok);
        return;
    case UI_SHEET_FAILED:
        line(u, r, dl,
             ui_fmt(u, _("Sheet %s not printed: %s; PDF saved: %s"), code, st->sheet_reason,
                    st->sheet_path),
             FONT_BOLD, z->f_small, t->danger);
        return;
    case UI_SHEET_NOT_SAVED:
        line(u, r, dl, ui_fmt(u, _("Sheet %s not saved: %s"), code, st->sheet_reason), FONT_BOLD,
             z->f_small, t->danger);
        return;
    }
}

static void grade_panel(ui *u, const session *s, const ui_theme *t, const ui_sizes *z,
                        draw_list *dl)
{
    const exam_info *in = &s->exam->info;
    int w = u->width * 3 / 5, x = (u->width - w) / 2;
    int top = z->header_h + z->pad;
    int bottom = u->height - z->footer_h - z->pad;
    int h = bottom - top;
    draw_rect(dl, x, top, w, h, t->card_bg);
    draw_frame(dl, x, top, w, h, 2 * z->border + 1, t->accent);
    panel p = { t, z, x + z->pad, w - 2 * z->pad, top + z->pad, bottom - z->pad };
    line(u, &p, dl, _("Oral exam grade"), FONT_BOLD, z->f_title, t->text);
    if (in->form == EXAM_FORM_COMPLEX && s->attempt.n_graded < in->disciplines.n)
        line(u, &p, dl, ui_fmt(u, _("Discipline: %s"), in->disciplines.item[s->attempt.n_graded]),
             FONT_REGULAR, z->f_body, t->text);
    const exam_student *st = session_student(s);
    if (st)
        line(u, &p, dl, st->full_name, FONT_REGULAR, z->f_body, t->muted);
    p.y += z->gap;
    grade g = u->grade_choice;
    const char *shown = g == GRADE_NONE ? "_"
                        : grade_is_points(g)
                            ? ui_fmt(u, "%d — %s", grade_points(g), ui_grade_word(g))
                            : ui_grade_word(g);
    line(u, &p, dl, shown, FONT_BOLD, z->f_huge, g == GRADE_NONE ? t->muted : t->accent);
    p.y += z->gap;
    if (in->form == EXAM_FORM_ZACHET)
        line(u, &p, dl, _("з — pass, н — fail"), FONT_REGULAR, z->f_body, t->text);
    else
        line(u, &p, dl, _("Type 5, 4, 3 or 2"), FONT_REGULAR, z->f_body, t->text);
    if (s->attempt.second && s->exam->policy.second_ticket_penalty)
        line(u, &p, dl, _("Second ticket: the grade will be lowered by one point."), FONT_REGULAR,
             z->f_body, t->danger);
    p.y += z->gap;
    line(u, &p, dl, _("Enter — record the grade"), FONT_BOLD, z->f_body, t->text);
    line(u, &p, dl, _("Esc — cancel"), FONT_REGULAR, z->f_body, t->muted);
}

void ui_screen_invigilator(ui *u, const session *s, const ui_status *st, int64_t now, draw_list *dl)
{
    panel p = staff_page(u, s, now, dl);
    const ui_theme *t = p.t;
    const ui_sizes *z = p.z;
    bool running = attempt_running(s);
    bool open = s->opened && !s->closed;
    bool oral = s->exam->info.mode == EXAM_MODE_ORAL;

    int col = (u->width - 5 * z->pad) / 2;
    int lx = 2 * z->pad, rx = lx + col + z->pad;
    int y = p.y;
    int size = z->f_body;
    int lh = ui_line_h(u, FONT_BOLD, size);
    ui_put(u, dl, lx, y, FONT_BOLD, z->f_title, t->text, _("Invigilator"), col);
    y += ui_line_h(u, FONT_BOLD, z->f_title) + z->gap;

    /* The keys. */
    key_item keys[10];
    size_t n = 0;
    char f3[UI_SCRATCH_MAX];
    if (downtime_pending(s))
        snprintf(f3, sizeof f3,
                 P_("credit the downtime (%ld min)", "credit the downtime (%ld min)",
                    minutes_up(s->downtime_seconds)),
                 minutes_up(s->downtime_seconds));
    else
        snprintf(f3, sizeof f3, "%s", _("add 5 minutes"));
    keys[n++] = (key_item){ "F1", _("open the session"), !s->opened };
    keys[n++] = (key_item){ "F2", s->paused ? _("resume") : _("pause"), open };
    keys[n++] = (key_item){ "F3", f3, running };
    keys[n++] =
        (key_item){ "F4",
                    running && s->attempt.away ? _("the student is back") : _("the student leaves"),
                    running };
    keys[n++] = (key_item){ "F5", _("remove for cheating"), running };
    keys[n++] = (key_item){ "F6", _("refusal to answer"), running || s->pending_student >= 0 };
    keys[n++] = (key_item){ "F7", _("oral grade"), running && oral };
    keys[n++] =
        (key_item){ "F8", s->closed ? _("quit the program") : _("close the session"), s->opened };
    keys[n++] =
        (key_item){ "F9", s->large_type ? _("large type: on") : _("large type: off"), true };
    keys[n++] = (key_item){ "Esc", _("back to the student's screen"), true };
    for (size_t i = 0; i < n && y + lh <= p.bottom; i++)
        y += key_row(u, dl, t, z, lx, y, col, keys[i].key, keys[i].what, keys[i].active);

    /* The state. */
    panel r = { t, z, rx, col, p.y, p.bottom };
    const char *state = !s->opened  ? _("Session: not open")
                        : s->closed ? _("Session: closed")
                        : s->paused ? _("Session: paused")
                                    : _("Session: open");
    line(u, &r, dl, state, FONT_BOLD, z->f_title,
         s->paused || s->closed ? t->danger
         : open                 ? t->ok
                                : t->text);
    r.y += z->gap;
    const exam_student *stu = session_student(s);
    if (running && stu) {
        line(u, &r, dl, stu->full_name, FONT_BOLD, size, t->text);
        line(u, &r, dl, ui_fmt(u, _("Record book: %s"), stu->record_book), FONT_REGULAR, z->f_small,
             t->muted);
        const exam_ticket *tk = session_ticket(s);
        if (tk)
            line(u, &r, dl,
                 s->attempt.second ? ui_fmt(u, _("Ticket No. %d (second)"), tk->number)
                                   : ui_fmt(u, _("Ticket No. %d"), tk->number),
                 FONT_REGULAR, z->f_small, t->muted);
        int64_t left = session_time_left(s, now);
        if (left >= 0) {
            char clock[32];
            ui_format_clock(clock, sizeof clock, left);
            line(u, &r, dl, ui_fmt(u, _("Time left: %s"), clock), FONT_BOLD, size,
                 left <= UI_CLOCK_RED_SECONDS ? t->danger : t->text);
        }
        if (s->attempt.away) {
            char clock[32];
            ui_format_clock(clock, sizeof clock, now - s->attempt.left_at);
            line(u, &r, dl, ui_fmt(u, _("Out of the room: %s"), clock), FONT_BOLD, z->f_small,
                 t->danger);
        }
    } else {
        line(u, &r, dl, _("No student at the terminal"), FONT_REGULAR, size, t->muted);
    }
    r.y += z->gap;
    if (downtime_pending(s))
        line(u, &r, dl,
             ui_fmt(u,
                    P_("The terminal was down for %ld min — F3 credits it",
                       "The terminal was down for %ld min — F3 credits it",
                       minutes_up(s->downtime_seconds)),
                    minutes_up(s->downtime_seconds)),
             FONT_BOLD, z->f_small, t->danger);
    else if (st->downtime_seconds > 0)
        line(u, &r, dl,
             ui_fmt(u,
                    P_("The terminal was down for %ld min", "The terminal was down for %ld min",
                       minutes_up(st->downtime_seconds)),
                    minutes_up(st->downtime_seconds)),
             FONT_REGULAR, z->f_small, t->muted);
    if (st->central_configured) {
        line(u, &r, dl,
             ui_fmt(u,
                    P_("%ld record not yet sent", "%ld records not yet sent", st->pending_records),
                    st->pending_records),
             FONT_REGULAR, z->f_small, st->pending_records > 0 ? t->text : t->muted);
        if (st->last_sync <= 0)
            line(u, &r, dl, _("No sync yet"), FONT_REGULAR, z->f_small, t->muted);
        else if (now - st->last_sync < 60)
            line(u, &r, dl, _("Last sync: just now"), FONT_REGULAR, z->f_small, t->muted);
        else {
            long ago = (long)((now - st->last_sync) / 60);
            line(u, &r, dl,
                 ui_fmt(u, P_("Last sync: %ld min ago", "Last sync: %ld min ago", ago), ago),
                 FONT_REGULAR, z->f_small, t->muted);
        }
    } else {
        line(u, &r, dl,
             ui_fmt(u,
                    P_("%ld record kept for a USB bundle", "%ld records kept for a USB bundle",
                       st->pending_records),
                    st->pending_records),
             FONT_REGULAR, z->f_small, t->muted);
    }
    if (st->store_problem && st->store_problem[0]) {
        line(u, &r, dl, ui_fmt(u, _("Storage problem: %s"), st->store_problem), FONT_BOLD,
             z->f_small, t->danger);
        line(u, &r, dl,
             _("The exam goes on: answers and records are kept in memory and saved as soon as "
               "the disk takes them."),
             FONT_REGULAR, z->f_small, t->danger);
    }
    sheet_line(u, &r, dl, st, t, z);
    if (st->kiosk_name && st->kiosk_name[0])
        line(u, &r, dl, ui_fmt(u, _("Terminal: %s"), st->kiosk_name), FONT_REGULAR, z->f_small,
             t->muted);

    const char *note = notice_text(u, s);
    if (note) {
        int nh = ui_line_h(u, FONT_BOLD, size) + z->pad;
        int ny = p.bottom - nh;
        if (ny > y && ny > r.y) {
            bool bad = s->notice != NOTICE_EXTRA_TIME && s->notice != NOTICE_DOWNTIME_CREDITED;
            ui_draw_message(u, dl, lx, ny, u->width - 4 * z->pad, note, size,
                            bad ? t->warn_text : t->text, bad ? t->warn_bg : t->card_bg);
        }
    }
    if (u->grade_mode)
        grade_panel(u, s, t, z, dl);
    ui_draw_footer(u, s, t, z,
                   u->grade_mode
                       ? ui_fmt2(u, "%s\t%s", _("Enter — record the grade"), _("Esc — cancel"))
                       : _("Esc — back to the student's screen"),
                   dl);
}
