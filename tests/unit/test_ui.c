/*
 * test_ui.c — the kiosk's screens: what each screen shows, which keys do what on which
 * screen, masking of secrets, the clock, oral grade entry, languages, large type, layouts
 * from 1024×768 to 3840×2160 and the answer editor behind the screen.
 *
 * The session is driven through the real session_handle/session_tick with the in-memory
 * exam of session_fixture.h; every action the UI returns is carried out the way the app
 * does (a PIN "1379" and a passphrase "secret" check out). Text is measured by fake metrics:
 * ASCII half the font size wide, every other code point 3/5 of it, lines 5/4 of it high.
 * Catalogs come from the build's locale folder (po/, compiled before this test).
 */
#include "test_main.h"

#include <stdlib.h>

#include "i18n.h"
#include "session_fixture.h"
#include "theme.h"
#include "ui.h"

#ifndef BILET_BUILD_LOCALEDIR
#error "BILET_BUILD_LOCALEDIR must name the build's locale folder"
#endif

/* ---- fake metrics ---- */

static int fake_advance(void *ctx, draw_font font, int size, uint32_t cp)
{
    (void)ctx;
    (void)font;
    return cp < 0x80 ? size / 2 : size * 3 / 5;
}

static int fake_width(void *ctx, draw_font font, int size, const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = text_utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        w += fake_advance(ctx, font, size, cp);
        i += k;
    }
    return w;
}

static int fake_line_height(void *ctx, draw_font font, int size)
{
    (void)ctx;
    (void)font;
    return (size * 5 + 3) / 4;
}

static const ui_metrics metrics = { NULL, fake_width, fake_line_height, fake_advance };

/* ---- the harness ---- */

typedef struct harness {
    fixture *f;
    ui *u;
    draw_list dl;
    ui_status st;
    ui_action last[UI_ACTIONS_MAX]; /* the actions of the last key or text */
    size_t n_last;
    int w, h;
} harness;

static const char *harness_answer(void *ctx)
{
    harness *t = ctx;
    return ui_answer_text(t->u);
}

static harness *start(exam_mode mode, exam_form form, bool sealed, int w, int h)
{
    bilet_err err = { { 0 } };
    assert_int_equal(i18n_init(BILET_BUILD_LOCALEDIR, "ru", &err), BILET_OK);
    harness *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->f = calloc(1, sizeof *t->f);
    assert_non_null(t->f);
    fixture_setup_mode(t->f, mode, form, sealed);
    t->f->s.text = (session_text){ t, harness_answer };
    t->w = w;
    t->h = h;
    assert_int_equal(ui_create(&metrics, w, h, "ru", &t->u, &err), BILET_OK);
    assert_int_equal(draw_list_init(&t->dl, UI_DRAW_CMDS, UI_DRAW_ARENA, &err), BILET_OK);
    t->st = (ui_status){ .kiosk_name = "ауд. 214, место 3",
                         .store_problem = "",
                         .today = "2025-12-20",
                         .central_configured = true,
                         .answer_saved = true };
    return t;
}

static harness *written(void)
{
    return start(EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, false, 1024, 768);
}

static harness *oral(void)
{
    return start(EXAM_MODE_ORAL, EXAM_FORM_EXAM, false, 1024, 768);
}

static void stop(harness *t)
{
    ui_destroy(t->u);
    draw_list_free(&t->dl);
    fixture_teardown(t->f);
    free(t);
}

/* Carries out the actions as the app would. */
static void run_actions(harness *t, ui_action *acts, size_t n)
{
    t->n_last = n;
    for (size_t i = 0; i < n; i++) {
        t->last[i] = acts[i];
        t->last[i].intent.text = t->last[i].text;
        session_intent in = acts[i].intent;
        switch (acts[i].kind) {
        case UI_ACT_INTENT:
            break;
        case UI_ACT_CHECK_PIN:
            in = (session_intent){ .kind = INTENT_PIN, .ok = strcmp(acts[i].text, "1379") == 0 };
            break;
        case UI_ACT_CHECK_PASSPHRASE:
            in = (session_intent){ .kind = INTENT_PASSPHRASE,
                                   .ok = strcmp(acts[i].text, "secret") == 0 };
            break;
        case UI_ACT_QUIT:
            continue;
        }
        session_handle(&t->f->s, &in, t->f->now, &t->f->ev, &t->f->err);
        fixture_log(t->f);
    }
}

static void key(harness *t, ui_key k, unsigned mods)
{
    ui_action acts[UI_ACTIONS_MAX];
    memset(acts, 0, sizeof acts);
    size_t n = ui_key(t->u, &t->f->s, k, mods, t->f->now, acts);
    assert_true(n <= UI_ACTIONS_MAX);
    run_actions(t, acts, n);
}

static void type(harness *t, const char *text)
{
    ui_action acts[UI_ACTIONS_MAX];
    size_t n = ui_text(t->u, &t->f->s, text, t->f->now, acts);
    run_actions(t, acts, n);
}

static void pass_time(harness *t, int64_t seconds)
{
    wait_seconds(t->f, seconds);
}

static draw_list *frame(harness *t)
{
    ui_frame(t->u, &t->f->s, &t->st, t->f->now, &t->dl);
    assert_false(t->dl.overflow);
    return &t->dl;
}

static bool shows(harness *t, const char *text)
{
    return draw_list_has_text(frame(t), text);
}

static void expect_screen(harness *t, session_screen sc)
{
    assert_string_equal(session_screen_name(t->f->s.screen), session_screen_name(sc));
}

/* The first text command whose bytes equal text, or NULL. */
static const draw_cmd *find_run(const draw_list *dl, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < dl->n; i++) {
        const draw_cmd *c = &dl->cmds[i];
        if (c->kind == DRAW_TEXT && c->text_len == len &&
            memcmp(draw_cmd_text(dl, c), text, len) == 0)
            return c;
    }
    return NULL;
}

/* The first text command that contains text, or NULL. */
static const draw_cmd *find_containing(const draw_list *dl, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < dl->n; i++) {
        const draw_cmd *c = &dl->cmds[i];
        if (c->kind != DRAW_TEXT || c->text_len < len)
            continue;
        const char *s = draw_cmd_text(dl, c);
        for (size_t k = 0; k + len <= c->text_len; k++)
            if (memcmp(s + k, text, len) == 0)
                return c;
    }
    return NULL;
}

/* F12, the PIN, Enter: the invigilator's screen. */
static void unlock(harness *t)
{
    key(t, UI_KEY_F12, 0);
    type(t, "1379");
    key(t, UI_KEY_RETURN, 0);
    expect_screen(t, SCREEN_INVIGILATOR);
}

static void open_and_leave(harness *t)
{
    unlock(t);
    key(t, UI_KEY_F1, 0);
    expect_screen(t, SCREEN_IDENTIFY);
}

static void identify(harness *t, const char *rb)
{
    type(t, rb);
    key(t, UI_KEY_RETURN, 0);
}

/* Opens, seats 21-0001 and draws a ticket. */
static void seat_and_draw(harness *t)
{
    open_and_leave(t);
    identify(t, "21-0001");
    expect_screen(t, SCREEN_CONFIRM_STUDENT);
    key(t, UI_KEY_RETURN, 0);
    expect_screen(t, SCREEN_TICKET);
    key(t, UI_KEY_RETURN, 0);
}

/* Every command lies inside the window; text measured with the fake metrics. */
static void assert_inside(harness *t, const draw_list *dl)
{
    assert_false(dl->overflow);
    for (size_t i = 0; i < dl->n; i++) {
        const draw_cmd *c = &dl->cmds[i];
        int w = c->w, h = c->h;
        if (c->kind == DRAW_CLIP)
            continue;
        if (c->kind == DRAW_TEXT) {
            w = fake_width(NULL, c->font, c->size, draw_cmd_text(dl, c), c->text_len);
            h = fake_line_height(NULL, c->font, c->size);
        }
        if (c->x < 0 || c->y < 0 || c->x + w > t->w || c->y + h > t->h) {
            fprintf(stderr, "%s: command %zu (kind %d) at %d,%d size %d×%d leaves %d×%d: %.*s\n",
                    session_screen_name(t->f->s.screen), i, (int)c->kind, c->x, c->y, w, h, t->w,
                    t->h, c->kind == DRAW_TEXT ? (int)c->text_len : 0,
                    c->kind == DRAW_TEXT ? draw_cmd_text(dl, c) : "");
            fail();
        }
    }
}

static void check_frame(harness *t)
{
    assert_inside(t, frame(t));
}

/* The walk is on the screen it means to check, and the frame stays inside the window. */
static void check_screen(harness *t, session_screen sc)
{
    expect_screen(t, sc);
    check_frame(t);
}

/* ---- locked, pin, passphrase ---- */

static void locked_screen_says_the_session_is_not_open(void **state)
{
    (void)state;
    harness *t = written();
    expect_screen(t, SCREEN_LOCKED);
    assert_true(shows(t, "Сессия ещё не открыта"));
    assert_true(shows(t, "Технология горных работ"));
    assert_true(shows(t, "F12"));
    stop(t);
}

static void f12_anywhere_asks_for_the_pin(void **state)
{
    (void)state;
    harness *t = written();
    key(t, UI_KEY_F12, 0);
    assert_int_equal(t->n_last, 1);
    assert_int_equal(t->last[0].intent.kind, INTENT_INVIGILATOR);
    expect_screen(t, SCREEN_PIN);
    assert_true(shows(t, "Введите PIN-код экзаменатора"));
    stop(t);
}

static void pin_digits_are_masked_and_never_drawn(void **state)
{
    (void)state;
    harness *t = written();
    key(t, UI_KEY_F12, 0);
    type(t, "1");
    type(t, "3");
    type(t, "7");
    type(t, "9");
    draw_list *dl = frame(t);
    assert_true(draw_list_has_text(dl, "••••"));
    assert_false(draw_list_has_text(dl, "1379"));
    assert_false(draw_list_has_text(dl, "•••••"));
    for (size_t i = 0; i < dl->n; i++)
        if (dl->cmds[i].kind == DRAW_TEXT)
            assert_null(memchr(draw_cmd_text(dl, &dl->cmds[i]), '7', dl->cmds[i].text_len));
    ui_action acts[UI_ACTIONS_MAX];
    size_t n = ui_key(t->u, &t->f->s, UI_KEY_RETURN, 0, t->f->now, acts);
    assert_int_equal(n, 1);
    assert_int_equal(acts[0].kind, UI_ACT_CHECK_PIN);
    assert_string_equal(acts[0].text, "1379");
    assert_false(shows(t, "•")); /* the field was wiped with the hand-over */
    stop(t);
}

static void backspace_on_the_pin_removes_a_digit_and_escape_goes_back(void **state)
{
    (void)state;
    harness *t = written();
    key(t, UI_KEY_F12, 0);
    type(t, "12");
    key(t, UI_KEY_BACKSPACE, 0);
    assert_true(shows(t, "•"));
    assert_false(shows(t, "••"));
    key(t, UI_KEY_ESCAPE, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_BACK);
    expect_screen(t, SCREEN_LOCKED);
    stop(t);
}

static void a_wrong_pin_says_how_many_tries_are_left(void **state)
{
    (void)state;
    harness *t = written();
    key(t, UI_KEY_F12, 0);
    type(t, "0000");
    key(t, UI_KEY_RETURN, 0);
    expect_screen(t, SCREEN_PIN);
    assert_true(shows(t, "Неверный PIN-код"));
    assert_true(shows(t, "Осталось 4 попытки"));
    stop(t);
}

static void a_locked_pin_prompt_counts_down_and_takes_no_digits(void **state)
{
    (void)state;
    harness *t = written();
    key(t, UI_KEY_F12, 0);
    for (int i = 0; i < SESSION_PIN_TRIES; i++) {
        type(t, "0000");
        key(t, UI_KEY_RETURN, 0);
    }
    assert_true(t->f->s.pin_locked_until > t->f->now);
    assert_true(shows(t, "Повторите через 05:00"));
    pass_time(t, 61);
    assert_true(shows(t, "Повторите через 03:59"));
    type(t, "1379");
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->n_last, 0);
    assert_false(shows(t, "•"));
    stop(t);
}

static void the_passphrase_is_masked_and_opens_a_sealed_exam(void **state)
{
    (void)state;
    harness *t = start(EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, true, 1024, 768);
    unlock(t);
    key(t, UI_KEY_F1, 0);
    expect_screen(t, SCREEN_PASSPHRASE);
    type(t, "sec");
    type(t, "ret");
    assert_false(shows(t, "secret"));
    assert_true(shows(t, "••••••"));
    assert_true(shows(t, "Пароль пакета экзамена"));
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].kind, UI_ACT_CHECK_PASSPHRASE);
    expect_screen(t, SCREEN_IDENTIFY);
    stop(t);
}

/* ---- invigilator ---- */

static void the_invigilator_screen_lists_the_keys_and_the_state(void **state)
{
    (void)state;
    harness *t = written();
    unlock(t);
    assert_true(shows(t, "F1"));
    assert_true(shows(t, "открыть сессию"));
    assert_true(shows(t, "F8"));
    assert_true(shows(t, "закрыть сессию"));
    assert_true(shows(t, "F9"));
    assert_true(shows(t, "Сессия: не открыта"));
    assert_true(shows(t, "Нет студента за терминалом"));
    t->st.pending_records = 12;
    assert_true(shows(t, "12 записей не отправлено"));
    stop(t);
}

static void f1_opens_the_session_with_the_terminals_date(void **state)
{
    (void)state;
    harness *t = written();
    t->st.today = "2025-12-21";
    frame(t);
    unlock(t);
    key(t, UI_KEY_F1, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_OPEN);
    assert_string_equal(t->last[0].text, "2025-12-21");
    const event *ev = last_event(t->f, EV_SESSION_OPENED);
    assert_non_null(ev);
    assert_string_equal(ev->today, "2025-12-21");
    assert_true(ev->date_mismatch);
    expect_screen(t, SCREEN_IDENTIFY);
    assert_true(shows(t, "не совпадает с датой экзамена"));
    stop(t);
}

static void invigilator_keys_send_their_intents(void **state)
{
    (void)state;
    harness *t = written();
    unlock(t);
    static const struct {
        ui_key k;
        session_intent_kind want;
    } keys[] = {
        { UI_KEY_F2, INTENT_PAUSE },         { UI_KEY_F3, INTENT_EXTRA_TIME },
        { UI_KEY_F4, INTENT_LEAVE },         { UI_KEY_F5, INTENT_REMOVE },
        { UI_KEY_F6, INTENT_REFUSE },        { UI_KEY_F8, INTENT_CLOSE },
        { UI_KEY_F9, INTENT_ACCESSIBILITY },
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        ui_action acts[UI_ACTIONS_MAX];
        size_t n = ui_key(t->u, &t->f->s, keys[i].k, 0, t->f->now, acts);
        assert_int_equal(n, 1);
        assert_int_equal(acts[0].kind, UI_ACT_INTENT);
        assert_int_equal(acts[0].intent.kind, keys[i].want);
    }
    stop(t);
}

static void the_invigilator_sees_the_student_and_the_downtime_after_a_crash(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    session_restore_finish(&t->f->s, t->f->now, 600);
    t->st.store_problem = "диск заполнен";
    unlock(t);
    draw_list *dl = frame(t);
    assert_true(draw_list_has_text(dl, "Абрамов Алексей Игоревич"));
    assert_true(draw_list_has_text(dl, "21-0001"));
    assert_true(draw_list_has_text(dl, "Терминал не работал 10 мин — F3 зачесть"));
    const draw_cmd *c = find_containing(dl, "диск заполнен");
    assert_non_null(c);
    assert_int_equal(c->color, theme_staff.danger);
    key(t, UI_KEY_F3, 0);
    assert_int_equal(last_event(t->f, EV_EXTRA_TIME)->seconds, 600);
    assert_true(shows(t, "Время простоя зачтено"));
    stop(t);
}

static void f8_on_a_closed_session_quits(void **state)
{
    (void)state;
    harness *t = written();
    unlock(t);
    key(t, UI_KEY_F1, 0);
    unlock(t);
    key(t, UI_KEY_F8, 0);
    assert_int_equal(t->n_last, 1);
    expect_screen(t, SCREEN_CLOSED);
    assert_true(shows(t, "Сессия закрыта"));
    unlock(t);
    key(t, UI_KEY_F8, 0);
    assert_int_equal(t->n_last, 2);
    assert_int_equal(t->last[0].intent.kind, INTENT_CLOSE);
    assert_int_equal(t->last[1].kind, UI_ACT_QUIT);
    assert_true(t->f->s.quit);
    stop(t);
}

/* ---- identify, confirm, ticket ---- */

static void identify_refuses_a_student_who_is_not_admitted(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    identify(t, "21-0004");
    expect_screen(t, SCREEN_IDENTIFY);
    assert_true(shows(t, "Студент не допущен к экзамену"));
    assert_true(shows(t, "21-0004"));
    assert_int_equal(count_events(t->f, EV_ENTRY_REFUSED), 1);
    stop(t);
}

static void identify_refuses_an_expelled_student_and_an_unknown_number(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    identify(t, "21-0005");
    assert_true(shows(t, "Студент отчислен"));
    identify(t, "99-9999");
    assert_true(shows(t, "Номер зачётной книжки не найден в ведомости"));
    type(t, "2");
    assert_false(shows(t, "не найден")); /* typing again clears the refusal */
    stop(t);
}

static void the_record_book_field_takes_at_most_31_bytes(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    for (int i = 0; i < 40; i++)
        type(t, "7");
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_IDENTIFY);
    assert_int_equal(strlen(t->last[0].text), RECORD_BOOK_MAX - 1);
    stop(t);
}

static void confirm_shows_the_name_and_esc_goes_back(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    identify(t, "21-0003");
    expect_screen(t, SCREEN_CONFIRM_STUDENT);
    assert_true(shows(t, "Это вы?"));
    assert_true(shows(t, "Әбілқасымов Нұрлан Серікұлы"));
    assert_true(shows(t, "Enter — да"));
    assert_true(shows(t, "Esc — нет"));
    key(t, UI_KEY_ESCAPE, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_BACK);
    expect_screen(t, SCREEN_IDENTIFY);
    stop(t);
}

static void enter_on_the_ticket_screen_draws_a_ticket(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    identify(t, "21-0001");
    key(t, UI_KEY_RETURN, 0);
    assert_true(shows(t, "Вытяните билет"));
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_DRAW);
    expect_screen(t, SCREEN_ANSWER);
    stop(t);
}

static void f11_cycles_the_language_and_the_screen_follows(void **state)
{
    (void)state;
    harness *t = written();
    open_and_leave(t);
    assert_true(shows(t, "Введите номер зачётной книжки"));
    key(t, UI_KEY_F11, 0);
    assert_int_equal(t->n_last, 0);
    assert_string_equal(ui_language(t->u), "kk");
    assert_true(shows(t, "Сынақ кітапшасының нөмірін енгізіңіз"));
    key(t, UI_KEY_F11, 0);
    assert_string_equal(ui_language(t->u), "en");
    assert_true(shows(t, "Enter your record-book number"));
    key(t, UI_KEY_F11, 0);
    assert_string_equal(ui_language(t->u), "ru");
    assert_true(shows(t, "Введите номер зачётной книжки"));
    stop(t);
}

static void without_catalogs_the_screens_stay_english(void **state)
{
    (void)state;
    harness *t = written();
    bilet_err err = { { 0 } };
    assert_int_equal(i18n_init(BILET_BINARY_DIR "/no-such-locale-dir", "ru", &err), BILET_OK);
    assert_true(shows(t, "The session is not open yet"));
    stop(t);
}

/* ---- answer ---- */

static void answer_shows_the_questions_the_editor_and_the_clock(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    pass_time(t, 1);
    draw_list *dl = frame(t);
    assert_true(draw_list_has_text(dl, "Билет № 1"));
    assert_true(draw_list_has_text(dl, "Вопрос 1"));
    assert_true(draw_list_has_text(dl, "Вопрос 2"));
    assert_true(draw_list_has_text(dl, "Задача"));
    assert_true(draw_list_has_text(dl, "Билет 1, задача 3"));
    assert_true(draw_list_has_text(dl, "89:59"));
    assert_true(draw_list_has_text(dl, "Сохранено"));
    assert_true(draw_list_has_text(dl, "Группа ГД-21"));
    assert_true(draw_list_has_text(dl, "Ctrl+Enter — сдать работу"));
    t->st.answer_saved = false;
    assert_false(shows(t, "Сохранено"));
    stop(t);
}

static void the_clock_turns_red_in_the_last_five_minutes(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    pass_time(t, 84 * 60 + 59); /* 5:01 left */
    const draw_cmd *c = find_run(frame(t), "05:01");
    assert_non_null(c);
    assert_int_not_equal(c->color, theme_student.danger);
    pass_time(t, 2);
    c = find_run(frame(t), "04:59");
    assert_non_null(c);
    assert_int_equal(c->color, theme_student.danger);
    stop(t);
}

static void a_time_warning_shows_a_banner(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    pass_time(t, 75 * 60);
    assert_int_equal(t->f->s.warning_minutes, 15);
    assert_true(shows(t, "Осталось 15 минут"));
    pass_time(t, 61);
    assert_false(shows(t, "Осталось 15 минут"));
    pass_time(t, 9 * 60 - 1);
    assert_true(shows(t, "Осталось 5 минут"));
    stop(t);
}

static void typing_two_thousand_characters_reads_back(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    char want[8192];
    size_t n = 0;
    static const char *const pieces[] = { "а", "ә", "b", " ", "Қ", "1" };
    for (int i = 0; i < 2000; i++) {
        const char *p = pieces[i % 6];
        type(t, p);
        memcpy(want + n, p, strlen(p));
        n += strlen(p);
    }
    want[n] = '\0';
    assert_string_equal(ui_answer_text(t->u), want);
    assert_int_equal(editor_chars(ui_editor(t->u)), 2000);
    assert_true(shows(t, "2000 символов"));
    check_frame(t);
    stop(t);
}

static void enter_makes_a_new_line_and_ctrl_enter_asks_to_hand_in(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "Ответ");
    key(t, UI_KEY_RETURN, 0);
    type(t, "дальше");
    key(t, UI_KEY_TAB, 0);
    assert_int_equal(t->n_last, 0);
    assert_string_equal(ui_answer_text(t->u), "Ответ\nдальше    ");
    key(t, UI_KEY_RETURN, UI_MOD_CTRL);
    assert_int_equal(t->last[0].intent.kind, INTENT_SUBMIT_ASK);
    expect_screen(t, SCREEN_SUBMIT_CONFIRM);
    assert_true(shows(t, "Сдать работу?"));
    key(t, UI_KEY_RETURN, UI_MOD_CTRL); /* a second Ctrl+Enter does not hand in */
    expect_screen(t, SCREEN_SUBMIT_CONFIRM);
    key(t, UI_KEY_ESCAPE, 0);
    expect_screen(t, SCREEN_ANSWER);
    stop(t);
}

static void handing_in_ends_on_done_with_the_next_student_prompt(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "Классификация пород");
    key(t, UI_KEY_RETURN, UI_MOD_CTRL);
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_SUBMIT);
    expect_screen(t, SCREEN_DONE);
    const event *ev = last_event(t->f, EV_ANSWER_SUBMITTED);
    assert_non_null(ev);
    assert_string_equal(ev->text, "Классификация пород");
    assert_true(shows(t, "Работа сдана"));
    assert_true(shows(t, "Следующий студент — Enter"));
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_NEXT);
    expect_screen(t, SCREEN_IDENTIFY);
    stop(t);
}

static void the_student_cannot_leave_the_kiosk(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "x");
    ui_action acts[UI_ACTIONS_MAX];
    assert_int_equal(ui_key(t->u, &t->f->s, UI_KEY_F4, UI_MOD_ALT, t->f->now, acts), 0);
    assert_int_equal(ui_key(t->u, &t->f->s, UI_KEY_TAB, UI_MOD_ALT, t->f->now, acts), 0);
    assert_int_equal(ui_key(t->u, &t->f->s, UI_KEY_OTHER, UI_MOD_CTRL, t->f->now, acts), 0);
    assert_int_equal(ui_key(t->u, &t->f->s, UI_KEY_ESCAPE, 0, t->f->now, acts), 0);
    assert_string_equal(ui_answer_text(t->u), "x");
    expect_screen(t, SCREEN_ANSWER);
    stop(t);
}

static void a_pause_in_typing_ends_the_undo_step(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "abc");
    t->f->now += 2;
    type(t, "def");
    key(t, UI_KEY_Z, UI_MOD_CTRL);
    assert_string_equal(ui_answer_text(t->u), "abc");
    key(t, UI_KEY_Z, UI_MOD_CTRL | UI_MOD_SHIFT);
    assert_string_equal(ui_answer_text(t->u), "abcdef");
    stop(t);
}

static void editing_keys_move_select_cut_and_paste(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "один два");
    key(t, UI_KEY_LEFT, UI_MOD_CTRL | UI_MOD_SHIFT); /* select «два» */
    key(t, UI_KEY_X, UI_MOD_CTRL);
    assert_string_equal(ui_answer_text(t->u), "один ");
    key(t, UI_KEY_HOME, UI_MOD_CTRL);
    key(t, UI_KEY_V, UI_MOD_CTRL);
    assert_string_equal(ui_answer_text(t->u), "дваодин ");
    key(t, UI_KEY_BACKSPACE, UI_MOD_CTRL);
    assert_string_equal(ui_answer_text(t->u), "один ");
    key(t, UI_KEY_A, UI_MOD_CTRL);
    key(t, UI_KEY_DELETE, 0);
    assert_string_equal(ui_answer_text(t->u), "");
    stop(t);
}

static void editor_lines_are_drawn_with_cache_keys_and_a_caret(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "первая строка");
    key(t, UI_KEY_RETURN, 0);
    type(t, "вторая");
    draw_list *dl = frame(t);
    const draw_cmd *a = find_run(dl, "первая строка");
    const draw_cmd *b = find_run(dl, "вторая");
    assert_non_null(a);
    assert_non_null(b);
    assert_int_not_equal(a->cache_key, 0);
    assert_int_not_equal(b->cache_key, 0);
    assert_true(a->cache_key != b->cache_key);
    assert_true(b->y > a->y);
    /* The caret: a thin rect on the second line, right after «вторая». */
    bool caret = false;
    int want_x = b->x + fake_width(NULL, FONT_REGULAR, b->size, "вторая", strlen("вторая"));
    for (size_t i = 0; i < dl->n; i++) {
        const draw_cmd *c = &dl->cmds[i];
        if (c->kind == DRAW_RECT && c->x == want_x && c->y == b->y && c->w <= 4)
            caret = true;
    }
    assert_true(caret);
    /* An unchanged line keeps its key from frame to frame. */
    uint64_t key_a = a->cache_key;
    type(t, "!");
    assert_int_equal(find_run(frame(t), "первая строка")->cache_key, key_a);
    stop(t);
}

static void a_click_in_the_editor_puts_the_caret_there(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "abc def");
    const draw_cmd *c = find_run(frame(t), "abc def");
    assert_non_null(c);
    ui_mouse(t->u, &t->f->s, c->x + 1, c->y + 1, true, false);
    type(t, "X");
    assert_string_equal(ui_answer_text(t->u), "Xabc def");
    ui_wheel(t->u, &t->f->s, 3); /* the editor scrolls; the text stays */
    assert_string_equal(ui_answer_text(t->u), "Xabc def");
    stop(t);
}

static void a_new_attempt_empties_the_editor_but_a_restored_one_keeps_its_text(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "первый студент");
    key(t, UI_KEY_RETURN, UI_MOD_CTRL);
    key(t, UI_KEY_RETURN, 0);
    key(t, UI_KEY_RETURN, 0);
    identify(t, "21-0002");
    key(t, UI_KEY_RETURN, 0);
    key(t, UI_KEY_RETURN, 0);
    expect_screen(t, SCREEN_ANSWER);
    assert_false(shows(t, "первый студент"));
    assert_string_equal(ui_answer_text(t->u), "");
    /* The runtime restores a text after a crash: bound, it survives the next frame. */
    bilet_err err = { { 0 } };
    ui_bind_attempt(t->u, t->f->s.attempt.id);
    assert_int_equal(editor_set_text(ui_editor(t->u), "восстановлено", 26, &err), BILET_OK);
    assert_true(shows(t, "восстановлено"));
    stop(t);
}

static void large_type_makes_the_students_text_bigger(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "ответ");
    int normal = find_run(frame(t), "ответ")->size;
    int title = find_containing(frame(t), "Билет № 1")->size;
    unlock(t);
    key(t, UI_KEY_F9, 0);
    assert_true(t->f->s.large_type);
    key(t, UI_KEY_ESCAPE, 0);
    expect_screen(t, SCREEN_ANSWER);
    draw_list *dl = frame(t);
    const draw_cmd *c = find_run(dl, "ответ");
    assert_non_null(c);
    assert_true(c->size > normal);
    assert_int_equal(c->color, theme_contrast.text);
    assert_true(find_containing(dl, "Билет № 1")->size >= title);
    assert_inside(t, dl);
    stop(t);
}

static void f10_asks_for_a_second_ticket_and_warns_of_the_penalty(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    key(t, UI_KEY_F10, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_SECOND_TICKET);
    expect_screen(t, SCREEN_TICKET);
    assert_true(shows(t, "Второй билет"));
    assert_true(shows(t, "оценка снижается на один балл"));
    key(t, UI_KEY_ESCAPE, 0);
    expect_screen(t, SCREEN_ANSWER);
    stop(t);
}

/* ---- oral ---- */

static void prep_shows_the_questions_and_ready_moves_on(void **state)
{
    (void)state;
    harness *t = oral();
    seat_and_draw(t);
    expect_screen(t, SCREEN_PREP);
    pass_time(t, 1);
    assert_true(shows(t, "Подготовка"));
    assert_true(shows(t, "19:59"));
    assert_true(shows(t, "Вопрос 1"));
    assert_true(shows(t, "Enter — готов отвечать"));
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_READY);
    expect_screen(t, SCREEN_ANSWER);
    assert_true(shows(t, "Ответ окончен — экзаменатор ставит оценку"));
    stop(t);
}

static void f7_takes_a_typed_grade_and_enter_records_it(void **state)
{
    (void)state;
    harness *t = oral();
    seat_and_draw(t);
    key(t, UI_KEY_RETURN, 0);
    unlock(t);
    key(t, UI_KEY_F7, 0);
    assert_int_equal(t->n_last, 0);
    assert_true(shows(t, "Оценка за устный ответ"));
    type(t, "4");
    assert_true(shows(t, "4 — хорошо"));
    type(t, "5");
    assert_true(shows(t, "5 — отлично"));
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.kind, INTENT_ORAL_GRADE);
    assert_int_equal(t->last[0].intent.grade_value, GRADE_5);
    key(t, UI_KEY_ESCAPE, 0);
    expect_screen(t, SCREEN_DONE);
    assert_true(shows(t, "5 — отлично"));
    stop(t);
}

static void f7_takes_latin_and_cyrillic_letters_for_a_zachet_and_esc_cancels(void **state)
{
    (void)state;
    harness *t = start(EXAM_MODE_ORAL, EXAM_FORM_ZACHET, false, 1024, 768);
    seat_and_draw(t);
    unlock(t);
    key(t, UI_KEY_F7, 0);
    type(t, "n");
    assert_non_null(find_run(frame(t), "не зачтено"));
    type(t, "з");
    assert_non_null(find_run(frame(t), "зачтено"));
    assert_null(find_run(frame(t), "не зачтено"));
    key(t, UI_KEY_ESCAPE, 0);
    assert_int_equal(t->n_last, 0);
    expect_screen(t, SCREEN_INVIGILATOR);
    assert_false(shows(t, "Оценка за устный ответ"));
    key(t, UI_KEY_F7, 0);
    type(t, "p");
    key(t, UI_KEY_RETURN, 0);
    assert_int_equal(t->last[0].intent.grade_value, GRADE_PASS);
    stop(t);
}

static void done_shows_a_grade_lowered_for_the_second_ticket(void **state)
{
    (void)state;
    harness *t = oral();
    seat_and_draw(t);
    key(t, UI_KEY_F10, 0);
    key(t, UI_KEY_RETURN, 0);
    assert_true(t->f->s.attempt.second);
    invigilator(t->f);
    assert_int_equal(press_grade(t->f, GRADE_5), BILET_OK);
    expect_screen(t, SCREEN_DONE);
    assert_true(shows(t, "4 — хорошо"));
    assert_true(shows(t, "Оценка снижена на один балл за второй билет"));
    stop(t);
}

static void the_ui_follows_a_session_driven_without_it(void **state)
{
    (void)state;
    harness *t = written();
    open_session(t->f);
    seat(t->f, "21-0002");
    expect_screen(t, SCREEN_TICKET);
    assert_true(shows(t, "Борисова Вера Андреевна"));
    assert_true(shows(t, "Вытяните билет"));
    stop(t);
}

/* ---- away, paused, closed ---- */

static void away_counts_the_time_out_of_the_room(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    unlock(t);
    key(t, UI_KEY_F4, 0);
    expect_screen(t, SCREEN_AWAY);
    pass_time(t, 192);
    assert_true(shows(t, "Студент вышел из аудитории"));
    assert_true(shows(t, "03:12"));
    ui_action acts[UI_ACTIONS_MAX];
    assert_int_equal(ui_key(t->u, &t->f->s, UI_KEY_RETURN, 0, t->f->now, acts), 0);
    stop(t);
}

static void paused_shows_the_frozen_time(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    pass_time(t, 60);
    unlock(t);
    key(t, UI_KEY_F2, 0);
    expect_screen(t, SCREEN_PAUSED);
    assert_true(shows(t, "Экзамен приостановлен"));
    assert_true(shows(t, "89:00"));
    pass_time(t, 120);
    assert_true(shows(t, "89:00"));
    stop(t);
}

/* ---- layouts ---- */

/* Walks every screen at one window size and checks each frame. */
static void walk_every_screen(int w, int h, bool large)
{
    harness *t = start(EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, false, w, h);
    /* Long texts: the longest questions and names the exam allows are cut or wrapped. */
    free(t->f->e.tickets[0].question[0].text);
    char *long_q = malloc(QUESTION_TEXT_MAX);
    assert_non_null(long_q);
    for (size_t i = 0; i + 1 < QUESTION_TEXT_MAX; i++)
        long_q[i] = i % 9 == 8 ? ' ' : 'W';
    long_q[QUESTION_TEXT_MAX - 1] = '\0';
    t->f->e.tickets[0].question[0].text = long_q;
    memset(t->f->e.info.discipline, 'M', EXAM_TEXT_MAX - 1);
    memset(t->f->e.info.institution, 'M', EXAM_TEXT_MAX - 1);
    memset(t->f->e.students[0].full_name, 'W', FULL_NAME_MAX - 1);
    check_screen(t, SCREEN_LOCKED); /* locked */
    key(t, UI_KEY_F12, 0);
    type(t, "12345678901234567890123456789012345678901234567890");
    check_screen(t, SCREEN_PIN); /* pin, a long PIN */
    key(t, UI_KEY_ESCAPE, 0);
    unlock(t);
    check_screen(t, SCREEN_INVIGILATOR); /* invigilator */
    if (large)
        key(t, UI_KEY_F9, 0);
    key(t, UI_KEY_F1, 0);
    identify(t, "21-0004");
    check_screen(t, SCREEN_IDENTIFY); /* identify with a refusal */
    type(t, "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW");
    check_screen(t, SCREEN_IDENTIFY); /* identify with a full field */
    for (int i = 0; i < 31; i++)
        key(t, UI_KEY_BACKSPACE, 0);
    identify(t, "21-0001");
    check_screen(t, SCREEN_CONFIRM_STUDENT); /* confirm_student */
    key(t, UI_KEY_RETURN, 0);
    check_screen(t, SCREEN_TICKET); /* ticket */
    key(t, UI_KEY_RETURN, 0);
    for (int i = 0; i < 300; i++)
        type(t, "Ответ студента на вопрос билета, ");
    type(t, "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW");
    key(t, UI_KEY_LEFT, UI_MOD_SHIFT | UI_MOD_CTRL);
    check_screen(t, SCREEN_ANSWER); /* answer with a selection */
    ui_editing(t->u, &t->f->s, "қазақша", 3);
    check_screen(t, SCREEN_ANSWER); /* answer with an IME composition */
    ui_editing(t->u, &t->f->s, "", 0);
    key(t, UI_KEY_F10, 0);
    check_screen(t, SCREEN_TICKET); /* second ticket */
    key(t, UI_KEY_ESCAPE, 0);
    pass_time(t, 75 * 60);
    check_screen(t, SCREEN_ANSWER); /* answer with the banner and a red clock soon */
    key(t, UI_KEY_RETURN, UI_MOD_CTRL);
    check_screen(t, SCREEN_SUBMIT_CONFIRM); /* submit_confirm */
    key(t, UI_KEY_ESCAPE, 0);
    unlock(t);
    key(t, UI_KEY_F4, 0);
    check_screen(t, SCREEN_AWAY); /* away */
    unlock(t);
    key(t, UI_KEY_F4, 0);
    unlock(t);
    key(t, UI_KEY_F2, 0);
    expect_screen(t, SCREEN_PAUSED);
    check_screen(t, SCREEN_PAUSED); /* paused */
    unlock(t);
    key(t, UI_KEY_F2, 0);
    unlock(t);
    t->st.store_problem = "the database is read-only: the disk is full, free space and restart";
    t->st.downtime_seconds = 3600;
    t->st.pending_records = 123456;
    key(t, UI_KEY_F6, 0);
    check_screen(t, SCREEN_DONE); /* done after a refusal */
    unlock(t);
    key(t, UI_KEY_F8, 0);
    check_screen(t, SCREEN_CLOSED); /* closed */
    stop(t);

    t = start(EXAM_MODE_ORAL, EXAM_FORM_COMPLEX, false, w, h);
    t->f->e.info.disciplines.n = 2;
    text_copy(t->f->e.info.disciplines.item[0], EXAM_TEXT_MAX, "Горные машины");
    text_copy(t->f->e.info.disciplines.item[1], EXAM_TEXT_MAX, "Геология");
    seat_and_draw(t);
    check_screen(t, SCREEN_PREP); /* prep */
    key(t, UI_KEY_RETURN, 0);
    unlock(t);
    key(t, UI_KEY_F7, 0);
    type(t, "4");
    check_screen(t, SCREEN_INVIGILATOR); /* grade entry */
    key(t, UI_KEY_RETURN, 0);
    key(t, UI_KEY_F7, 0);
    type(t, "3");
    key(t, UI_KEY_RETURN, 0);
    key(t, UI_KEY_ESCAPE, 0);
    expect_screen(t, SCREEN_DONE);
    check_screen(t, SCREEN_DONE); /* done with two grades */
    stop(t);

    t = start(EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, true, w, h);
    unlock(t);
    key(t, UI_KEY_F1, 0);
    type(t, "a very long passphrase that goes on and on and on beyond the field's width");
    key(t, UI_KEY_RETURN, 0);
    check_screen(t, SCREEN_PASSPHRASE); /* passphrase, wrong */
    stop(t);
}

static void every_screen_stays_inside_1024x768(void **state)
{
    (void)state;
    walk_every_screen(1024, 768, false);
}

static void every_screen_stays_inside_3840x2160(void **state)
{
    (void)state;
    walk_every_screen(3840, 2160, false);
}

static void every_screen_in_large_type_stays_inside_1024x768(void **state)
{
    (void)state;
    walk_every_screen(1024, 768, true);
}

static void resizing_moves_the_layout_with_the_window(void **state)
{
    (void)state;
    harness *t = written();
    seat_and_draw(t);
    type(t, "текст");
    int small = find_run(frame(t), "текст")->size;
    bilet_err err = { { 0 } };
    assert_int_equal(ui_resize(t->u, 1920, 1080, &err), BILET_OK);
    t->w = 1920;
    t->h = 1080;
    draw_list *dl = frame(t);
    assert_true(find_run(dl, "текст")->size > small);
    assert_inside(t, dl);
    stop(t);
}

static void text_input_is_wanted_where_something_is_typed(void **state)
{
    (void)state;
    harness *t = written();
    assert_false(ui_wants_text_input(t->u, &t->f->s));
    key(t, UI_KEY_F12, 0);
    assert_true(ui_wants_text_input(t->u, &t->f->s));
    assert_false(ui_wants_pointer(t->u, &t->f->s));
    key(t, UI_KEY_ESCAPE, 0);
    seat_and_draw(t);
    assert_true(ui_wants_text_input(t->u, &t->f->s));
    assert_true(ui_wants_pointer(t->u, &t->f->s));
    stop(t);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(locked_screen_says_the_session_is_not_open),
    cmocka_unit_test(f12_anywhere_asks_for_the_pin),
    cmocka_unit_test(pin_digits_are_masked_and_never_drawn),
    cmocka_unit_test(backspace_on_the_pin_removes_a_digit_and_escape_goes_back),
    cmocka_unit_test(a_wrong_pin_says_how_many_tries_are_left),
    cmocka_unit_test(a_locked_pin_prompt_counts_down_and_takes_no_digits),
    cmocka_unit_test(the_passphrase_is_masked_and_opens_a_sealed_exam),
    cmocka_unit_test(the_invigilator_screen_lists_the_keys_and_the_state),
    cmocka_unit_test(f1_opens_the_session_with_the_terminals_date),
    cmocka_unit_test(invigilator_keys_send_their_intents),
    cmocka_unit_test(the_invigilator_sees_the_student_and_the_downtime_after_a_crash),
    cmocka_unit_test(f8_on_a_closed_session_quits),
    cmocka_unit_test(identify_refuses_a_student_who_is_not_admitted),
    cmocka_unit_test(identify_refuses_an_expelled_student_and_an_unknown_number),
    cmocka_unit_test(the_record_book_field_takes_at_most_31_bytes),
    cmocka_unit_test(confirm_shows_the_name_and_esc_goes_back),
    cmocka_unit_test(enter_on_the_ticket_screen_draws_a_ticket),
    cmocka_unit_test(f11_cycles_the_language_and_the_screen_follows),
    cmocka_unit_test(without_catalogs_the_screens_stay_english),
    cmocka_unit_test(answer_shows_the_questions_the_editor_and_the_clock),
    cmocka_unit_test(the_clock_turns_red_in_the_last_five_minutes),
    cmocka_unit_test(a_time_warning_shows_a_banner),
    cmocka_unit_test(typing_two_thousand_characters_reads_back),
    cmocka_unit_test(enter_makes_a_new_line_and_ctrl_enter_asks_to_hand_in),
    cmocka_unit_test(handing_in_ends_on_done_with_the_next_student_prompt),
    cmocka_unit_test(the_student_cannot_leave_the_kiosk),
    cmocka_unit_test(a_pause_in_typing_ends_the_undo_step),
    cmocka_unit_test(editing_keys_move_select_cut_and_paste),
    cmocka_unit_test(editor_lines_are_drawn_with_cache_keys_and_a_caret),
    cmocka_unit_test(a_click_in_the_editor_puts_the_caret_there),
    cmocka_unit_test(a_new_attempt_empties_the_editor_but_a_restored_one_keeps_its_text),
    cmocka_unit_test(large_type_makes_the_students_text_bigger),
    cmocka_unit_test(f10_asks_for_a_second_ticket_and_warns_of_the_penalty),
    cmocka_unit_test(prep_shows_the_questions_and_ready_moves_on),
    cmocka_unit_test(f7_takes_a_typed_grade_and_enter_records_it),
    cmocka_unit_test(f7_takes_latin_and_cyrillic_letters_for_a_zachet_and_esc_cancels),
    cmocka_unit_test(done_shows_a_grade_lowered_for_the_second_ticket),
    cmocka_unit_test(the_ui_follows_a_session_driven_without_it),
    cmocka_unit_test(away_counts_the_time_out_of_the_room),
    cmocka_unit_test(paused_shows_the_frozen_time),
    cmocka_unit_test(every_screen_stays_inside_1024x768),
    cmocka_unit_test(every_screen_stays_inside_3840x2160),
    cmocka_unit_test(every_screen_in_large_type_stays_inside_1024x768),
    cmocka_unit_test(resizing_moves_the_layout_with_the_window),
    cmocka_unit_test(text_input_is_wanted_where_something_is_typed),
};

BILET_TEST_MAIN(tests)
