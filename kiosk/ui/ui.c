/*
 * ui.c — the UI's lifecycle and input: keys and text → actions for the app, editing keys →
 * the answer editor (see ui.h for the contract and docs/ui.md for the key map).
 *
 * Invariants: the UI never changes the session; every action it returns is one the
 * keyboard contract of DESIGN.md names for the screen the session is on. The entry field
 * (PIN, passphrase, record book) belongs to one screen and is wiped when the screen changes
 * or its text is handed out. Alt combinations, Ctrl+Q and Escape on the student's screens do
 * nothing: the student cannot leave the kiosk. Load: a keystroke at a time; a keystroke
 * costs one editor operation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "ui_internal.h"

enum { UI_PIN_MAX = 64 };

/* ---- the editor's measure ---- */

static int editor_advance(void *ctx, uint32_t cp)
{
    ui *u = ctx;
    return u->m.advance(u->m.ctx, FONT_REGULAR, u->ed_font, cp);
}

static editor_measure editor_measure_for(ui *u, int font)
{
    editor_measure em = { u, editor_advance, 0 };
    int saved = u->ed_font;
    u->ed_font = font;
    em.line_height = ui_line_h(u, FONT_REGULAR, font);
    u->ed_font = saved;
    return em;
}

/* Recomputes the layout; the editor follows its font and viewport. On failure (memory for
 * the re-wrap) the editor keeps its old geometry and the problem shows under it. */
static void relayout(ui *u, bool large, bool banner)
{
    ui_layout_compute(&u->lay, u->width, u->height, large, banner);
    bilet_err err = { { 0 } };
    int font = u->lay.z.f_body;
    if (font != u->ed_font) {
        editor_measure em = editor_measure_for(u, font);
        int old = u->ed_font;
        u->ed_font = font; /* editor_set_measure re-wraps with it */
        if (editor_set_measure(u->ed, &em, &err) != BILET_OK) {
            u->ed_font = old;
            u->problem = UI_PROBLEM_MEMORY;
        }
    }
    ui_rect v = u->lay.editor_view;
    if (v.w != u->ed_view.w || v.h != u->ed_view.h) {
        if (editor_resize(u->ed, v.w, v.h, &err) != BILET_OK)
            u->problem = UI_PROBLEM_MEMORY;
        else
            u->ed_view = v;
    }
    u->ed_view.x = v.x;
    u->ed_view.y = v.y;
}

/* ---- lifecycle ---- */

bilet_status ui_create(const ui_metrics *m, int width, int height, const char *lang, ui **out,
                       bilet_err *err)
{
    *out = NULL;
    if (!m || !m->text_width || !m->line_height || !m->advance)
        return bilet_fail(err, BILET_EINVAL, "the UI needs text metrics");
    if (width < 1 || height < 1)
        return bilet_fail(err, BILET_EINVAL, "window of %d×%d px", width, height);
    if (!i18n_language_valid(lang))
        return bilet_fail(err, BILET_EINVAL, "language \"%s\" is not one of ru, kk, en",
                          lang ? lang : "");
    ui *u = calloc(1, sizeof *u);
    if (!u)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for the UI");
    u->m = *m;
    u->width = width;
    u->height = height;
    text_copy(u->lang, sizeof u->lang, lang);
    u->last_screen = SCREEN_COUNT;
    u->field_screen = SCREEN_COUNT;
    u->q_ticket = -1;
    ui_layout_compute(&u->lay, width, height, false, false);
    u->ed_font = u->lay.z.f_body;
    u->ed_view = u->lay.editor_view;
    editor_measure em = editor_measure_for(u, u->ed_font);
    bilet_status st = editor_create(&em, u->ed_view.w, u->ed_view.h, &u->ed, err);
    if (st != BILET_OK)
        goto out_free;
    st = i18n_set_language(lang, err);
    if (st != BILET_OK)
        goto out_editor;
    *out = u;
    return BILET_OK;

out_editor:
    editor_destroy(u->ed);
out_free:
    free(u);
    return st;
}

static void wipe_field(ui *u)
{
    explicit_bzero(u->field, sizeof u->field);
    u->field_len = 0;
}

void ui_destroy(ui *u)
{
    if (!u)
        return;
    wipe_field(u);
    editor_destroy(u->ed);
    free(u->answer);
    free(u);
}

bilet_status ui_resize(ui *u, int width, int height, bilet_err *err)
{
    if (width < 1 || height < 1)
        return bilet_fail(err, BILET_EINVAL, "window of %d×%d px", width, height);
    u->width = width;
    u->height = height;
    u->q_ticket = -1;
    relayout(u, u->lay.large, u->lay.banner);
    return BILET_OK;
}

editor *ui_editor(ui *u)
{
    return u->ed;
}

void ui_bind_attempt(ui *u, int attempt)
{
    u->bound_attempt = attempt;
}

const char *ui_answer_text(ui *u)
{
    uint64_t rev = editor_revision(u->ed);
    if (u->answer_current && rev == u->answer_rev)
        return u->answer;
    free(u->answer);
    u->answer = NULL;
    u->answer_current = false;
    size_t len = 0;
    bilet_err err = { { 0 } };
    if (editor_text(u->ed, &u->answer, &len, &err) != BILET_OK) {
        u->answer = NULL;
        return "";
    }
    u->answer_rev = rev;
    u->answer_current = true;
    return u->answer;
}

const char *ui_language(const ui *u)
{
    return u->lang;
}

bilet_status ui_set_language(ui *u, const char *lang, bilet_err *err)
{
    bilet_status st = i18n_set_language(lang, err);
    if (st != BILET_OK)
        return st;
    text_copy(u->lang, sizeof u->lang, lang);
    return BILET_OK;
}

bool ui_wants_pointer(const ui *u, const session *s)
{
    (void)u;
    return s->screen == SCREEN_ANSWER;
}

bool ui_wants_text_input(const ui *u, const session *s)
{
    (void)u;
    switch (s->screen) {
    case SCREEN_PIN:
    case SCREEN_PASSPHRASE:
    case SCREEN_INVIGILATOR: /* F7: the grade is typed */
    case SCREEN_IDENTIFY:
    case SCREEN_ANSWER:
        return true;
    default:
        return false;
    }
}

/* ---- keeping up with the session ---- */

static bool period_runs(const session *s, int64_t now)
{
    return s->has_attempt && s->attempt.outcome == OUTCOME_NONE && session_time_left(s, now) >= 0;
}

bool ui_banner_active(ui *u, const session *s, int64_t now)
{
    if (s->warning_minutes <= 0 || !period_runs(s, now)) {
        u->warning_seen = 0;
        return false;
    }
    if (s->warning_minutes != u->warning_seen) {
        u->warning_seen = s->warning_minutes;
        u->warning_at = now;
    }
    return now - u->warning_at < UI_WARNING_SECONDS && !s->paused;
}

void ui_sync(ui *u, const session *s, int64_t now)
{
    if (s->screen != u->last_screen) {
        wipe_field(u);
        u->field_screen = s->screen;
        u->grade_mode = false;
        u->grade_choice = GRADE_NONE;
        u->last_screen = s->screen;
    }
    if (s->has_attempt && s->attempt.id != u->bound_attempt) {
        /* A new student: the previous answer was handed in with its records. */
        bilet_err err = { { 0 } };
        editor_set_text(u->ed, "", 0, &err);
        u->bound_attempt = s->attempt.id;
        u->problem = UI_PROBLEM_NONE;
        u->q_scroll = 0;
        u->q_ticket = -1;
    }
    bool large = s->large_type;
    bool banner = ui_banner_active(u, s, now);
    if (large != u->lay.large || banner != u->lay.banner)
        relayout(u, large, banner);
}

/* ---- actions ---- */

static size_t intent(ui_action out[UI_ACTIONS_MAX], size_t n, session_intent_kind kind)
{
    if (n >= UI_ACTIONS_MAX)
        return n;
    memset(&out[n], 0, sizeof out[n]);
    out[n].kind = UI_ACT_INTENT;
    out[n].intent.kind = kind;
    return n + 1;
}

static size_t with_text(ui_action out[UI_ACTIONS_MAX], size_t n, ui_action_kind kind,
                        session_intent_kind ik, const char *text, size_t len)
{
    if (n >= UI_ACTIONS_MAX)
        return n;
    memset(&out[n], 0, sizeof out[n]);
    out[n].kind = kind;
    out[n].intent.kind = ik;
    if (len >= sizeof out[n].text)
        len = sizeof out[n].text - 1;
    memcpy(out[n].text, text, len);
    out[n].text[len] = '\0';
    out[n].intent.text = out[n].text;
    return n + 1;
}

/* ---- the entry field ---- */

static size_t utf8_prev(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    size_t i = len - 1;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Appends the printable code points of utf8 that fit within cap bytes. */
static void field_append(ui *u, const char *utf8, size_t cap)
{
    size_t len = strlen(utf8);
    if (cap > sizeof u->field - 1)
        cap = sizeof u->field - 1;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = text_utf8_decode(utf8 + i, len - i, &cp);
        if (k == 0)
            return; /* not UTF-8: drop the rest */
        if (cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0)) {
            if (u->field_len + k > cap)
                return;
            memcpy(u->field + u->field_len, utf8 + i, k);
            u->field_len += k;
            u->field[u->field_len] = '\0';
        }
        i += k;
    }
}

static void field_backspace(ui *u)
{
    size_t cut = utf8_prev(u->field, u->field_len);
    explicit_bzero(u->field + cut, u->field_len - cut);
    u->field_len = cut;
}

static size_t field_cap(session_screen sc)
{
    switch (sc) {
    case SCREEN_PIN:
        return UI_PIN_MAX;
    case SCREEN_IDENTIFY:
        return RECORD_BOOK_MAX - 1;
    default:
        return UI_FIELD_MAX - 1;
    }
}

/* ---- the date for F1 ---- */

/* The UTC date of a Unix time (Howard Hinnant's civil_from_days). */
static void utc_date(int64_t t, char out[16])
{
    int64_t days = t / 86400 - (t % 86400 < 0);
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    char buf[64];
    snprintf(buf, sizeof buf, "%04lld-%02d-%02d", (long long)y, (int)m, (int)d);
    text_copy(out, 16, buf);
}

/* ---- the answer editor ---- */

static void note_edit(ui *u, bilet_status st, int64_t now)
{
    if (st == BILET_OK)
        u->problem = UI_PROBLEM_NONE;
    else if (st == BILET_ETOOBIG)
        u->problem = UI_PROBLEM_TOO_LONG;
    else if (st == BILET_ENOMEM)
        u->problem = UI_PROBLEM_MEMORY;
    u->last_edit = now;
}

/* Ends the undo step when the student paused; called before every edit. */
static void edit_begins(ui *u, int64_t now)
{
    if (now - u->last_edit > UI_TYPING_PAUSE)
        editor_undo_boundary(u->ed);
}

static void move(ui *u, editor_move how, bool extend)
{
    editor_undo_boundary(u->ed);
    editor_move_caret(u->ed, how, extend);
}

/* An editing key on the answer screen; returns the actions it asks for. */
static size_t answer_key(ui *u, const session *s, ui_key key, unsigned mods, int64_t now,
                         ui_action out[UI_ACTIONS_MAX])
{
    bool ctrl = mods & UI_MOD_CTRL, shift = mods & UI_MOD_SHIFT;
    editor *ed = u->ed;
    bilet_err err = { { 0 } };
    switch (key) {
    case UI_KEY_LEFT:
        move(u, ctrl ? EDITOR_MOVE_WORD_PREV : EDITOR_MOVE_CHAR_PREV, shift);
        break;
    case UI_KEY_RIGHT:
        move(u, ctrl ? EDITOR_MOVE_WORD_NEXT : EDITOR_MOVE_CHAR_NEXT, shift);
        break;
    case UI_KEY_UP:
        move(u, EDITOR_MOVE_LINE_UP, shift);
        break;
    case UI_KEY_DOWN:
        move(u, EDITOR_MOVE_LINE_DOWN, shift);
        break;
    case UI_KEY_HOME:
        move(u, ctrl ? EDITOR_MOVE_DOC_START : EDITOR_MOVE_LINE_START, shift);
        break;
    case UI_KEY_END:
        move(u, ctrl ? EDITOR_MOVE_DOC_END : EDITOR_MOVE_LINE_END, shift);
        break;
    case UI_KEY_PAGEUP:
        if (ctrl)
            ui_scroll_questions(u, -3);
        else
            move(u, EDITOR_MOVE_PAGE_UP, shift);
        break;
    case UI_KEY_PAGEDOWN:
        if (ctrl)
            ui_scroll_questions(u, 3);
        else
            move(u, EDITOR_MOVE_PAGE_DOWN, shift);
        break;
    case UI_KEY_BACKSPACE:
        edit_begins(u, now);
        note_edit(u,
                  editor_delete(ed, ctrl ? EDITOR_DELETE_WORD_PREV : EDITOR_DELETE_CHAR_PREV, &err),
                  now);
        break;
    case UI_KEY_DELETE:
        edit_begins(u, now);
        note_edit(u,
                  editor_delete(ed, ctrl ? EDITOR_DELETE_WORD_NEXT : EDITOR_DELETE_CHAR_NEXT, &err),
                  now);
        break;
    case UI_KEY_RETURN:
        if (ctrl) {
            if (s->exam->info.mode == EXAM_MODE_WRITTEN)
                return intent(out, 0, INTENT_SUBMIT_ASK);
            break;
        }
        edit_begins(u, now);
        note_edit(u, editor_newline(ed, &err), now);
        break;
    case UI_KEY_TAB:
        if (ctrl)
            break;
        edit_begins(u, now);
        note_edit(u, editor_insert(ed, "\t", 1, &err), now);
        break;
    case UI_KEY_A:
        if (ctrl)
            editor_select_all(ed);
        break;
    case UI_KEY_C:
        if (ctrl)
            editor_copy(ed, &err);
        break;
    case UI_KEY_X:
        if (ctrl) {
            editor_undo_boundary(ed);
            note_edit(u, editor_cut(ed, &err), now);
        }
        break;
    case UI_KEY_V:
        if (ctrl) {
            editor_undo_boundary(ed);
            note_edit(u, editor_paste(ed, &err), now);
        }
        break;
    case UI_KEY_Z:
        if (ctrl) {
            editor_undo_boundary(ed);
            note_edit(u, shift ? editor_redo(ed, &err) : editor_undo(ed, &err), now);
        }
        break;
    case UI_KEY_Y:
        if (ctrl) {
            editor_undo_boundary(ed);
            note_edit(u, editor_redo(ed, &err), now);
        }
        break;
    case UI_KEY_F10:
        return intent(out, 0, INTENT_SECOND_TICKET);
    default:
        break;
    }
    return 0;
}

/* ---- the invigilator's keys ---- */

static size_t invigilator_key(ui *u, const session *s, ui_key key, ui_action out[UI_ACTIONS_MAX])
{
    if (u->grade_mode) {
        switch (key) {
        case UI_KEY_RETURN: {
            if (u->grade_choice == GRADE_NONE)
                return 0;
            size_t n = intent(out, 0, INTENT_ORAL_GRADE);
            out[0].intent.grade_value = u->grade_choice;
            out[0].intent.discipline = (int)s->attempt.n_graded;
            u->grade_mode = false;
            u->grade_choice = GRADE_NONE;
            return n;
        }
        case UI_KEY_ESCAPE:
            u->grade_mode = false;
            u->grade_choice = GRADE_NONE;
            return 0;
        case UI_KEY_BACKSPACE:
        case UI_KEY_DELETE:
            u->grade_choice = GRADE_NONE;
            return 0;
        case UI_KEY_F7:
            return 0;
        default:
            if (key < UI_KEY_F1 || key > UI_KEY_F12)
                return 0;
            /* Another invigilator key leaves grade entry and does its own job. */
            u->grade_mode = false;
            u->grade_choice = GRADE_NONE;
            break;
        }
    }
    switch (key) {
    case UI_KEY_F1:
        return with_text(out, 0, UI_ACT_INTENT, INTENT_OPEN, u->today, strlen(u->today));
    case UI_KEY_F2:
        return intent(out, 0, INTENT_PAUSE);
    case UI_KEY_F3:
        return intent(out, 0, INTENT_EXTRA_TIME);
    case UI_KEY_F4:
        return intent(out, 0, INTENT_LEAVE);
    case UI_KEY_F5:
        return intent(out, 0, INTENT_REMOVE);
    case UI_KEY_F6:
        return intent(out, 0, INTENT_REFUSE);
    case UI_KEY_F7:
        if (s->exam->info.mode == EXAM_MODE_WRITTEN)
            /* The machine answers with the reason: written work is graded centrally. */
            return intent(out, 0, INTENT_ORAL_GRADE);
        u->grade_mode = true;
        u->grade_choice = GRADE_NONE;
        return 0;
    case UI_KEY_F8: {
        size_t n = intent(out, 0, INTENT_CLOSE);
        if (s->closed) {
            /* F8 again on a closed session: the machine notes the quit, the app leaves. */
            memset(&out[n], 0, sizeof out[n]);
            out[n++].kind = UI_ACT_QUIT;
        }
        return n;
    }
    case UI_KEY_F9:
        return intent(out, 0, INTENT_ACCESSIBILITY);
    case UI_KEY_ESCAPE:
        return intent(out, 0, INTENT_BACK);
    default:
        return 0;
    }
}

/* What a typed grade key means: 5 4 3 2, з/н (also z/n, p/f) for a зачёт, or a whole word. */
static grade typed_grade(const char *utf8)
{
    static const struct {
        const char *key;
        const char *token;
    } keys[] = {
        { "з", "pass" }, { "З", "pass" }, { "z", "pass" }, { "Z", "pass" },
        { "p", "pass" }, { "P", "pass" }, { "н", "fail" }, { "Н", "fail" },
        { "n", "fail" }, { "N", "fail" }, { "f", "fail" }, { "F", "fail" },
    };
    const char *token = utf8;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(utf8, keys[i].key) == 0)
            token = keys[i].token;
    grade g = GRADE_NONE;
    bilet_err err = { { 0 } };
    if (grade_parse(token, &g, &err) != BILET_OK || !grade_is_result(g))
        return GRADE_NONE;
    return g;
}

/* ---- entry points ---- */

size_t ui_key_press(ui *u, const session *s, ui_key key, unsigned mods, int64_t now,
                    ui_action out[UI_ACTIONS_MAX])
{
    ui_sync(u, s, now);
    if (mods & UI_MOD_ALT)
        return 0; /* Alt+F4, Alt+Tab: the kiosk stays */
    if (key == UI_KEY_F12)
        return intent(out, 0, INTENT_INVIGILATOR);
    bool ctrl = mods & UI_MOD_CTRL;
    switch (s->screen) {
    case SCREEN_PIN:
    case SCREEN_PASSPHRASE: {
        bool pin = s->screen == SCREEN_PIN;
        if (key == UI_KEY_ESCAPE) {
            wipe_field(u);
            return intent(out, 0, INTENT_BACK);
        }
        if (key == UI_KEY_BACKSPACE) {
            field_backspace(u);
            return 0;
        }
        if (key != UI_KEY_RETURN || u->field_len == 0 || (pin && s->pin_locked_until > now) ||
            (!pin && s->passphrase_locked_until > now))
            return 0;
        size_t n = with_text(out, 0, pin ? UI_ACT_CHECK_PIN : UI_ACT_CHECK_PASSPHRASE,
                             pin ? INTENT_PIN : INTENT_PASSPHRASE, u->field, u->field_len);
        wipe_field(u);
        return n;
    }
    case SCREEN_INVIGILATOR:
        return invigilator_key(u, s, key, out);
    case SCREEN_IDENTIFY:
        if (key == UI_KEY_F11) {
            bilet_err err = { { 0 } };
            ui_set_language(u, i18n_next_language(u->lang), &err);
            return 0;
        }
        if (key == UI_KEY_BACKSPACE) {
            field_backspace(u);
            return 0;
        }
        if (key == UI_KEY_RETURN && !ctrl && u->field_len > 0) {
            text_copy(u->last_record_book, sizeof u->last_record_book, u->field);
            size_t n = with_text(out, 0, UI_ACT_INTENT, INTENT_IDENTIFY, u->field, u->field_len);
            wipe_field(u);
            return n;
        }
        return 0;
    case SCREEN_CONFIRM_STUDENT:
    case SCREEN_SUBMIT_CONFIRM:
    case SCREEN_TICKET:
        if (key == UI_KEY_RETURN && !ctrl)
            return intent(out, 0,
                          s->screen == SCREEN_CONFIRM_STUDENT ? INTENT_CONFIRM
                          : s->screen == SCREEN_TICKET        ? INTENT_DRAW
                                                              : INTENT_SUBMIT);
        if (key == UI_KEY_ESCAPE)
            return intent(out, 0, INTENT_BACK);
        return 0;
    case SCREEN_PREP:
        if (key == UI_KEY_RETURN && !ctrl)
            return intent(out, 0, INTENT_READY);
        if (key == UI_KEY_F10)
            return intent(out, 0, INTENT_SECOND_TICKET);
        if (key == UI_KEY_PAGEUP || key == UI_KEY_UP)
            ui_scroll_questions(u, key == UI_KEY_UP ? -1 : -3);
        if (key == UI_KEY_PAGEDOWN || key == UI_KEY_DOWN)
            ui_scroll_questions(u, key == UI_KEY_DOWN ? 1 : 3);
        return 0;
    case SCREEN_ANSWER:
        return answer_key(u, s, key, mods, now, out);
    case SCREEN_DONE:
        if (key == UI_KEY_RETURN && !ctrl)
            return intent(out, 0, INTENT_NEXT);
        return 0;
    default:
        return 0; /* locked, away, paused, closed: only F12 */
    }
}

size_t ui_text(ui *u, const session *s, const char *utf8, int64_t now,
               ui_action out[UI_ACTIONS_MAX])
{
    (void)out;
    ui_sync(u, s, now);
    if (!utf8 || !*utf8)
        return 0;
    switch (s->screen) {
    case SCREEN_PIN:
        if (s->pin_locked_until <= now)
            field_append(u, utf8, field_cap(s->screen));
        return 0;
    case SCREEN_PASSPHRASE:
        if (s->passphrase_locked_until <= now)
            field_append(u, utf8, field_cap(s->screen));
        return 0;
    case SCREEN_IDENTIFY:
        field_append(u, utf8, field_cap(s->screen));
        return 0;
    case SCREEN_INVIGILATOR:
        if (u->grade_mode) {
            grade g = typed_grade(utf8);
            if (g != GRADE_NONE)
                u->grade_choice = g;
        }
        return 0;
    case SCREEN_ANSWER: {
        bilet_err err = { { 0 } };
        edit_begins(u, now);
        note_edit(u, editor_insert(u->ed, utf8, strlen(utf8), &err), now);
        return 0;
    }
    default:
        return 0;
    }
}

void ui_editing(ui *u, const session *s, const char *utf8, int cursor)
{
    if (s->screen != SCREEN_ANSWER)
        return;
    bilet_err err = { { 0 } };
    editor_set_composition(u->ed, utf8, cursor, &err);
}

static bool inside(ui_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

void ui_mouse(ui *u, const session *s, int x, int y, bool press, bool shift)
{
    if (s->screen != SCREEN_ANSWER && s->screen != SCREEN_PREP)
        return;
    ui_rect v = u->ed_view;
    if (press) {
        u->press_in_editor = s->screen == SCREEN_ANSWER && inside(u->lay.editor_box, x, y);
        if (u->press_in_editor)
            u->wheel_questions = false;
        else if (inside(u->lay.questions, x, y))
            u->wheel_questions = true;
        if (u->press_in_editor) {
            editor_undo_boundary(u->ed);
            editor_mouse_press(u->ed, x - v.x, y - v.y, shift);
        }
    } else if (u->press_in_editor) {
        editor_mouse_drag(u->ed, x - v.x, y - v.y);
    }
}

void ui_wheel(ui *u, const session *s, int lines)
{
    if (s->screen == SCREEN_ANSWER && !u->wheel_questions)
        editor_scroll(u->ed, lines);
    else if (s->screen == SCREEN_ANSWER || s->screen == SCREEN_PREP)
        ui_scroll_questions(u, lines);
}

void ui_frame(ui *u, const session *s, const ui_status *st, int64_t now, draw_list *dl)
{
    static const ui_status none = { .store_problem = "" };
    if (!st)
        st = &none;
    if (st->today && st->today[0])
        text_copy(u->today, sizeof u->today, st->today);
    else if (!u->today[0])
        utc_date(now, u->today);
    ui_sync(u, s, now);
    draw_list_clear(dl);
    switch (s->screen) {
    case SCREEN_LOCKED:
        ui_screen_locked(u, s, now, dl);
        break;
    case SCREEN_PIN:
        ui_screen_pin(u, s, now, dl);
        break;
    case SCREEN_PASSPHRASE:
        ui_screen_passphrase(u, s, now, dl);
        break;
    case SCREEN_INVIGILATOR:
        ui_screen_invigilator(u, s, st, now, dl);
        break;
    case SCREEN_IDENTIFY:
        ui_screen_identify(u, s, now, dl);
        break;
    case SCREEN_CONFIRM_STUDENT:
        ui_screen_confirm(u, s, now, dl);
        break;
    case SCREEN_TICKET:
        ui_screen_ticket(u, s, now, dl);
        break;
    case SCREEN_PREP:
        ui_screen_prep(u, s, now, dl);
        break;
    case SCREEN_ANSWER:
        ui_screen_answer(u, s, st, now, dl);
        break;
    case SCREEN_SUBMIT_CONFIRM:
        ui_screen_submit(u, s, now, dl);
        break;
    case SCREEN_AWAY:
        ui_screen_away(u, s, now, dl);
        break;
    case SCREEN_DONE:
        ui_screen_done(u, s, now, dl);
        break;
    case SCREEN_PAUSED:
        ui_screen_paused(u, s, now, dl);
        break;
    case SCREEN_CLOSED:
    case SCREEN_COUNT:
        ui_screen_closed(u, s, now, dl);
        break;
    }
}
