/*
 * test_editor.c — the answer editor: UTF-8 input, caret and word moves over Russian and
 * Kazakh text, wrapping, selection, clipboard, undo, IME composition, mouse, scrolling,
 * counts, the cap, and the cost of a keystroke in a long answer.
 *
 * The fake measure gives every code point 10 px, a few wide letters (W M Ш Щ Ж Ю) 20 px,
 * and counts its calls; lines are 20 px high.
 */
#include "test_main.h"

#include <stdlib.h>

#include "editor.h"

typedef struct fake_font {
    unsigned long calls;
} fake_font;

static int fake_advance(void *ctx, uint32_t cp)
{
    fake_font *f = ctx;
    f->calls++;
    switch (cp) {
    case 'W':
    case 'M':
    case 0x0428: /* Ш */
    case 0x0429: /* Щ */
    case 0x0416: /* Ж */
    case 0x042E: /* Ю */
        return 20;
    default:
        return 10;
    }
}

static fake_font font;

static editor *make(int width, int height)
{
    editor_measure m = { &font, fake_advance, 20 };
    editor *ed = NULL;
    bilet_err err = { { 0 } };
    font.calls = 0;
    assert_int_equal(editor_create(&m, width, height, &ed, &err), BILET_OK);
    assert_non_null(ed);
    return ed;
}

static void set(editor *ed, const char *s)
{
    bilet_err err = { { 0 } };
    assert_int_equal(editor_set_text(ed, s, strlen(s), &err), BILET_OK);
}

static void type(editor *ed, const char *s)
{
    bilet_err err = { { 0 } };
    assert_int_equal(editor_insert(ed, s, strlen(s), &err), BILET_OK);
}

static void key_delete(editor *ed, editor_delete_unit unit)
{
    bilet_err err = { { 0 } };
    assert_int_equal(editor_delete(ed, unit, &err), BILET_OK);
}

static void expect_text(editor *ed, const char *want)
{
    char *got = NULL;
    size_t len = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(editor_text(ed, &got, &len, &err), BILET_OK);
    assert_int_equal(len, strlen(want));
    assert_string_equal(got, want);
    free(got);
}

static void expect_line(editor *ed, size_t line, const char *want)
{
    char buf[4096];
    size_t len = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(editor_line_text(ed, line, buf, sizeof buf - 1, &len, &err), BILET_OK);
    buf[len] = '\0';
    assert_string_equal(buf, want);
}

static void verify(editor *ed)
{
    bilet_err err = { { 0 } };
    bilet_status st = editor_debug_verify(ed, &err);
    if (st != BILET_OK)
        fail_msg("%s", err.msg);
}

static size_t caret_line(editor *ed)
{
    size_t line;
    editor_caret_pos(ed, &line, NULL);
    return line;
}

static int caret_x(editor *ed)
{
    int x;
    editor_caret_pos(ed, NULL, &x);
    return x;
}

static uint64_t laid_out(editor *ed)
{
    editor_stats st;
    editor_debug_stats(ed, &st);
    return st.paragraphs_laid_out;
}

/* A deterministic answer of about `chars` characters in paragraphs of about 500. */
static char *make_answer(size_t chars)
{
    static const char *words[] = { "экзамен", "билет",  "қазақ", "тілі", "ответ",   "порода",
                                   "Ә",       "горный", "уступ", "өте",  "маңызды", "и" };
    char *s = malloc(chars * 2 + 64);
    size_t len = 0, n = 0, para = 0;
    unsigned x = 12345;
    assert_non_null(s);
    while (n < chars) {
        x = x * 1103515245u + 12345u;
        const char *w = words[(x >> 16) % (sizeof words / sizeof words[0])];
        size_t wl = strlen(w);
        memcpy(s + len, w, wl);
        len += wl;
        for (size_t i = 0; i < wl; i++)
            n += ((unsigned char)w[i] & 0xC0) != 0x80;
        para += wl;
        s[len++] = para > 700 ? '\n' : ' ';
        n += para <= 700;
        if (para > 700)
            para = 0;
    }
    s[len] = '\0';
    return s;
}

/* ---- input ---- */

static void typed_cyrillic_and_kazakh_letters_are_stored_as_typed(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    type(ed, "Привет, ");
    type(ed, "ӘҒҚҢӨҰҮҺІ");
    expect_text(ed, "Привет, ӘҒҚҢӨҰҮҺІ");
    assert_int_equal(editor_length(ed), 32);
    assert_int_equal(editor_chars(ed), 17);
    assert_int_equal(editor_caret(ed), 32);
    editor_destroy(ed);
}

static void invalid_utf8_and_control_characters_are_refused_without_change(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "да");
    uint64_t rev = editor_revision(ed);
    assert_int_equal(editor_insert(ed, "\xD0", 1, &err), BILET_EINVAL);
    assert_non_null(strstr(err.msg, "invalid UTF-8 at byte 0"));
    assert_int_equal(editor_insert(ed,
                                   "a\x01"
                                   "b",
                                   3, &err),
                     BILET_EINVAL);
    assert_non_null(strstr(err.msg, "U+0001"));
    assert_int_equal(editor_insert(ed, "\xC0\xAF", 2, &err), BILET_EINVAL);     /* overlong */
    assert_int_equal(editor_insert(ed, "\xED\xA0\x80", 3, &err), BILET_EINVAL); /* surrogate */
    assert_int_equal(editor_insert(ed, "\xC2\x85", 2, &err), BILET_EINVAL);     /* C1 control */
    expect_text(ed, "да");
    assert_int_equal(editor_revision(ed), rev);
    editor_destroy(ed);
}

static void tab_becomes_spaces_and_carriage_returns_become_newlines(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    type(ed, "a\tb\r\nc\rd");
    expect_text(ed, "a    b\nc\nd");
    editor_destroy(ed);
}

/* ---- caret, words, deletes ---- */

static void caret_moves_by_whole_code_points(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "aжӘb");
    assert_int_equal(editor_caret(ed), 6);
    const size_t back[] = { 5, 3, 1, 0, 0 };
    for (size_t i = 0; i < 5; i++) {
        editor_move_caret(ed, EDITOR_MOVE_CHAR_PREV, false);
        assert_int_equal(editor_caret(ed), back[i]);
    }
    editor_move_caret(ed, EDITOR_MOVE_CHAR_NEXT, false);
    editor_move_caret(ed, EDITOR_MOVE_CHAR_NEXT, false);
    assert_int_equal(editor_caret(ed), 3);
    size_t s, e;
    editor_set_selection(ed, 2, 4); /* both inside two-byte letters */
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, 1);
    assert_int_equal(e, 3);
    editor_destroy(ed);
}

static void backspace_and_delete_remove_whole_code_points(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "ӘҒҚ");
    key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    expect_text(ed, "ӘҒ");
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    key_delete(ed, EDITOR_DELETE_CHAR_NEXT);
    expect_text(ed, "Ғ");
    assert_int_equal(editor_caret(ed), 0);
    verify(ed);
    editor_destroy(ed);
}

static void ctrl_right_and_left_jump_over_russian_words(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "Студент пишет ответ.");
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    editor_move_caret(ed, EDITOR_MOVE_WORD_NEXT, false);
    assert_int_equal(editor_caret(ed), strlen("Студент"));
    editor_move_caret(ed, EDITOR_MOVE_WORD_NEXT, false);
    assert_int_equal(editor_caret(ed), strlen("Студент пишет"));
    editor_move_caret(ed, EDITOR_MOVE_WORD_PREV, false);
    assert_int_equal(editor_caret(ed), strlen("Студент "));
    editor_move_caret(ed, EDITOR_MOVE_DOC_END, false);
    editor_move_caret(ed, EDITOR_MOVE_WORD_PREV, false);
    assert_int_equal(editor_caret(ed), strlen("Студент пишет "));
    editor_destroy(ed);
}

static void ctrl_right_jumps_over_kazakh_words_and_not_over_dashes(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "Қазақ тілі — өте маңызды");
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    editor_move_caret(ed, EDITOR_MOVE_WORD_NEXT, false);
    assert_int_equal(editor_caret(ed), strlen("Қазақ"));
    editor_move_caret(ed, EDITOR_MOVE_WORD_NEXT, false);
    assert_int_equal(editor_caret(ed), strlen("Қазақ тілі"));
    editor_move_caret(ed, EDITOR_MOVE_WORD_NEXT, false);
    assert_int_equal(editor_caret(ed), strlen("Қазақ тілі — өте"));
    editor_move_caret(ed, EDITOR_MOVE_WORD_PREV, true);
    editor_move_caret(ed, EDITOR_MOVE_WORD_PREV, true);
    size_t s, e;
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, strlen("Қазақ "));
    assert_int_equal(e, strlen("Қазақ тілі — өте"));
    editor_destroy(ed);
}

static void ctrl_backspace_and_ctrl_delete_remove_whole_words(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "Билет номер семь");
    key_delete(ed, EDITOR_DELETE_WORD_PREV);
    expect_text(ed, "Билет номер ");
    key_delete(ed, EDITOR_DELETE_WORD_PREV);
    expect_text(ed, "Билет ");
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    key_delete(ed, EDITOR_DELETE_WORD_NEXT);
    expect_text(ed, " ");
    verify(ed);
    editor_destroy(ed);
}

/* ---- wrapping ---- */

static void words_wrap_at_spaces(void **state)
{
    (void)state;
    editor *ed = make(100, 400); /* ten narrow letters a line */
    set(ed, "aaaa bbbb cccc");
    assert_int_equal(editor_line_count(ed), 2);
    expect_line(ed, 0, "aaaa bbbb ");
    expect_line(ed, 1, "cccc");
    set(ed, "aaaa bbbbbbb");
    expect_line(ed, 0, "aaaa ");
    expect_line(ed, 1, "bbbbbbb");
    editor_destroy(ed);
}

static void a_word_longer_than_the_line_is_broken(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "abcdefghijklmnopqrstuvwxy");
    assert_int_equal(editor_line_count(ed), 3);
    expect_line(ed, 0, "abcdefghij");
    expect_line(ed, 1, "klmnopqrst");
    expect_line(ed, 2, "uvwxy");
    editor_destroy(ed);
}

static void wide_letters_wrap_earlier(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "ШШШШШ");
    assert_int_equal(editor_line_count(ed), 1);
    set(ed, "ШЖЩЮМW");
    assert_int_equal(editor_line_count(ed), 2);
    expect_line(ed, 0, "ШЖЩЮМ");
    expect_line(ed, 1, "W");
    editor_destroy(ed);
}

static void resize_rewraps_every_paragraph(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    bilet_err err = { { 0 } };
    set(ed, "aaaa bbbb cccc\nx");
    assert_int_equal(editor_line_count(ed), 3);
    uint64_t before = laid_out(ed);
    assert_int_equal(editor_resize(ed, 50, 400, &err), BILET_OK);
    assert_int_equal(laid_out(ed) - before, 2);
    assert_int_equal(editor_line_count(ed), 4);
    expect_line(ed, 0, "aaaa ");
    expect_line(ed, 1, "bbbb ");
    expect_line(ed, 2, "cccc");
    verify(ed);
    editor_destroy(ed);
}

/* ---- lines, pages, mouse ---- */

static void home_and_end_stay_on_the_wrapped_line(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "aaaa bbbb cccc dddd");
    editor_set_selection(ed, 12, 12); /* in cccc, the second visual line */
    editor_move_caret(ed, EDITOR_MOVE_LINE_START, false);
    assert_int_equal(editor_caret(ed), 10);
    editor_move_caret(ed, EDITOR_MOVE_LINE_END, false);
    assert_int_equal(editor_caret(ed), 19);
    editor_set_selection(ed, 2, 2);
    editor_move_caret(ed, EDITOR_MOVE_LINE_END, false);
    assert_int_equal(editor_caret(ed), 10);
    assert_int_equal(caret_line(ed), 0); /* shown at the end of the first line */
    assert_int_equal(caret_x(ed), 100);
    editor_move_caret(ed, EDITOR_MOVE_LINE_START, false);
    assert_int_equal(editor_caret(ed), 0);
    editor_destroy(ed);
}

static void up_and_down_keep_the_preferred_x(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "aaaaaaaa\nb\ncccccccc");
    editor_set_selection(ed, 6, 6);
    editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(editor_caret(ed), 10); /* the short line's end */
    editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(editor_caret(ed), 17); /* back at x = 60 */
    editor_move_caret(ed, EDITOR_MOVE_LINE_UP, false);
    editor_move_caret(ed, EDITOR_MOVE_LINE_UP, false);
    assert_int_equal(editor_caret(ed), 6);
    editor_move_caret(ed, EDITOR_MOVE_LINE_UP, false);
    assert_int_equal(editor_caret(ed), 0);
    editor_destroy(ed);
}

static void down_moves_through_wrapped_lines_of_one_paragraph(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "abcdefghijklmnopqrstuvwxy");
    editor_set_selection(ed, 3, 3);
    editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(editor_caret(ed), 13);
    assert_int_equal(caret_line(ed), 1);
    editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(editor_caret(ed), 23);
    editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(editor_caret(ed), 25);
    editor_destroy(ed);
}

static void page_down_moves_by_the_viewport_height(void **state)
{
    (void)state;
    editor *ed = make(1000, 100); /* five lines of 20 px */
    char text[512] = "";
    for (int i = 0; i < 20; i++) {
        char line[16];
        snprintf(line, sizeof line, i ? "\nline %02d" : "line %02d", i);
        memcpy(text + strlen(text), line, strlen(line) + 1);
    }
    set(ed, text);
    assert_int_equal(editor_viewport_rows(ed), 5);
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    editor_move_caret(ed, EDITOR_MOVE_PAGE_DOWN, false);
    assert_int_equal(caret_line(ed), 5);
    assert_int_equal(editor_top_line(ed), 5);
    editor_move_caret(ed, EDITOR_MOVE_PAGE_DOWN, false);
    assert_int_equal(caret_line(ed), 10);
    assert_int_equal(editor_top_line(ed), 10);
    editor_move_caret(ed, EDITOR_MOVE_PAGE_UP, false);
    assert_int_equal(caret_line(ed), 5);
    assert_int_equal(editor_top_line(ed), 5);
    editor_destroy(ed);
}

static void mouse_press_puts_the_caret_at_the_nearest_boundary(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "abcdefghijklm");
    editor_mouse_press(ed, 24, 5, false);
    assert_int_equal(editor_caret(ed), 2);
    editor_mouse_press(ed, 26, 5, false);
    assert_int_equal(editor_caret(ed), 3);
    editor_mouse_press(ed, 11, 25, false); /* second line */
    assert_int_equal(editor_caret(ed), 11);
    editor_mouse_press(ed, 90, 25, false); /* past its end */
    assert_int_equal(editor_caret(ed), 13);
    editor_mouse_press(ed, 3, 300, false); /* below the text: the last line */
    assert_int_equal(editor_caret(ed), 10);
    editor_destroy(ed);
}

static void mouse_drag_selects_from_the_press(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "abcdefghijklm");
    editor_mouse_press(ed, 0, 5, false);
    editor_mouse_drag(ed, 30, 5);
    editor_mouse_drag(ed, 30, 25);
    size_t s, e;
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, 0);
    assert_int_equal(e, 13);
    editor_destroy(ed);
}

static void double_click_selects_the_word_under_the_point(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "один, два");
    editor_select_word_at(ed, 75, 5); /* on «д» of «два» */
    size_t s, e;
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, strlen("один, "));
    assert_int_equal(e, strlen("один, два"));
    editor_destroy(ed);
}

static void visible_lines_follow_scrolling(void **state)
{
    (void)state;
    editor *ed = make(1000, 100);
    char text[512] = "";
    for (int i = 0; i < 30; i++) {
        char line[16];
        snprintf(line, sizeof line, i ? "\np%02d" : "p%02d", i);
        memcpy(text + strlen(text), line, strlen(line) + 1);
    }
    set(ed, text);
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    editor_scroll(ed, 10);
    assert_int_equal(editor_top_line(ed), 10);
    editor_line out[8];
    size_t n = editor_visible_lines(ed, editor_top_line(ed), 5, out);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].index, 10 + i);
        assert_int_equal(out[i].y, (int)(20 * i));
        assert_int_equal(out[i].len, 3);
        assert_int_equal(out[i].caret_x, -1);
    }
    assert_int_equal(out[0].start, 40);
    expect_line(ed, 12, "p12");
    editor_scroll(ed, 1000);
    assert_int_equal(editor_top_line(ed), 25);
    assert_int_equal(editor_visible_lines(ed, 25, 8, out), 5);
    type(ed, "x"); /* typing brings the caret back into view */
    assert_int_equal(editor_top_line(ed), 0);
    n = editor_visible_lines(ed, 0, 1, out);
    assert_int_equal(out[0].caret_x, 10);
    editor_destroy(ed);
}

static void moving_down_scrolls_to_keep_the_caret_visible(void **state)
{
    (void)state;
    editor *ed = make(1000, 100);
    set(ed, "0\n1\n2\n3\n4\n5\n6\n7\n8\n9");
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    for (int i = 0; i < 7; i++)
        editor_move_caret(ed, EDITOR_MOVE_LINE_DOWN, false);
    assert_int_equal(caret_line(ed), 7);
    assert_int_equal(editor_top_line(ed), 3);
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, true);
    assert_int_equal(editor_top_line(ed), 0);
    editor_destroy(ed);
}

static void visible_lines_report_the_selection_in_bytes_and_pixels(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "aaaa bbbb cccc");
    editor_set_selection(ed, 7, 12);
    editor_line out[4];
    assert_int_equal(editor_visible_lines(ed, 0, 4, out), 2);
    assert_int_equal(out[0].sel_start, 7);
    assert_int_equal(out[0].sel_len, 3);
    assert_int_equal(out[0].sel_x0, 70);
    assert_int_equal(out[0].sel_x1, 100);
    assert_true(out[0].sel_past_end);
    assert_int_equal(out[1].sel_start, 10);
    assert_int_equal(out[1].sel_len, 2);
    assert_int_equal(out[1].sel_x1, 20);
    assert_false(out[1].sel_past_end);
    assert_int_equal(out[1].caret_x, 20);
    editor_destroy(ed);
}

/* ---- selection, clipboard ---- */

static void shift_extends_the_selection_and_typing_replaces_it(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "Ответ: нет");
    editor_move_caret(ed, EDITOR_MOVE_WORD_PREV, true);
    size_t s, e;
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, strlen("Ответ: "));
    type(ed, "да");
    expect_text(ed, "Ответ: да");
    assert_false(editor_selection(ed, NULL, NULL));
    editor_move_caret(ed, EDITOR_MOVE_CHAR_PREV, true);
    editor_move_caret(ed, EDITOR_MOVE_CHAR_PREV, true);
    editor_move_caret(ed, EDITOR_MOVE_CHAR_NEXT, false); /* collapses to the selection's end */
    assert_int_equal(editor_caret(ed), strlen("Ответ: да"));
    editor_destroy(ed);
}

static void cut_and_paste_move_text_within_the_answer(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    set(ed, "один два");
    editor_set_selection(ed, 0, strlen("один "));
    assert_int_equal(editor_cut(ed, &err), BILET_OK);
    expect_text(ed, "два");
    editor_move_caret(ed, EDITOR_MOVE_DOC_END, false);
    type(ed, " ");
    assert_int_equal(editor_paste(ed, &err), BILET_OK);
    assert_int_equal(editor_paste(ed, &err), BILET_OK);
    expect_text(ed, "два один один ");
    verify(ed);
    editor_destroy(ed);
}

static void paste_over_a_selection_replaces_it(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    set(ed, "ӘҒ и\nҚҢ");
    editor_set_selection(ed, 0, 4);
    assert_int_equal(editor_copy(ed, &err), BILET_OK);
    editor_select_all(ed);
    assert_int_equal(editor_paste(ed, &err), BILET_OK);
    expect_text(ed, "ӘҒ");
    assert_int_equal(editor_line_count(ed), 1);
    verify(ed);
    editor_destroy(ed);
}

static void select_all_and_delete_empty_the_answer(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "первый абзац\nвторой\n\nтретий абзац подлиннее");
    editor_select_all(ed);
    key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    expect_text(ed, "");
    assert_int_equal(editor_line_count(ed), 1);
    assert_int_equal(editor_chars(ed), 0);
    assert_int_equal(editor_words(ed), 0);
    verify(ed);
    editor_destroy(ed);
}

/* ---- undo ---- */

static void consecutive_typing_is_undone_in_one_step(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "с");
    type(ed, "л");
    type(ed, "о");
    type(ed, "в");
    type(ed, "о");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "");
    assert_false(editor_can_undo(ed));
    assert_int_equal(editor_redo(ed, &err), BILET_OK);
    expect_text(ed, "слово");
    assert_int_equal(editor_caret(ed), strlen("слово"));
    editor_destroy(ed);
}

static void undo_boundary_starts_a_new_step(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "ab");
    editor_undo_boundary(ed);
    type(ed, "c");
    type(ed, "d");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "ab");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "");
    assert_int_equal(editor_undo(ed, &err), BILET_OK); /* nothing left: no change */
    expect_text(ed, "");
    editor_destroy(ed);
}

static void a_caret_move_starts_a_new_undo_step(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "ab");
    editor_move_caret(ed, EDITOR_MOVE_CHAR_PREV, false);
    type(ed, "x");
    expect_text(ed, "axb");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "ab");
    editor_destroy(ed);
}

static void consecutive_backspaces_are_undone_together(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    set(ed, "привет");
    for (int i = 0; i < 4; i++)
        key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    expect_text(ed, "пр");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "привет");
    assert_int_equal(editor_caret(ed), strlen("привет"));
    assert_false(editor_can_undo(ed));
    editor_destroy(ed);
}

static void undo_restores_the_selection_that_typing_replaced(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    set(ed, "старый текст");
    editor_set_selection(ed, 0, strlen("старый"));
    type(ed, "н");
    type(ed, "овый");
    expect_text(ed, "новый текст");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "старый текст");
    size_t s, e;
    assert_true(editor_selection(ed, &s, &e));
    assert_int_equal(s, 0);
    assert_int_equal(e, strlen("старый"));
    editor_destroy(ed);
}

static void a_new_edit_drops_the_redo_steps(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "a");
    editor_undo_boundary(ed);
    type(ed, "b");
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    assert_true(editor_can_redo(ed));
    type(ed, "c");
    assert_false(editor_can_redo(ed));
    expect_text(ed, "ac");
    editor_destroy(ed);
}

static void undo_of_a_paragraph_join_splits_it_again(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    bilet_err err = { { 0 } };
    set(ed, "aaaa bbbb\ncccc dddd eeee");
    editor_set_selection(ed, 10, 10);
    key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    expect_text(ed, "aaaa bbbbcccc dddd eeee");
    verify(ed);
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    expect_text(ed, "aaaa bbbb\ncccc dddd eeee");
    assert_int_equal(editor_line_count(ed), 3);
    verify(ed);
    editor_destroy(ed);
}

static void undo_history_keeps_only_the_newest_steps_within_its_cap(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    size_t big = 1024 * 1024;
    char *text = malloc(big);
    assert_non_null(text);
    for (int round = 0; round < 10; round++) {
        memset(text, 'a' + round, big);
        for (size_t i = 100; i < big; i += 100)
            text[i] = '\n';
        editor_select_all(ed);
        assert_int_equal(editor_insert(ed, text, big, &err), BILET_OK);
    }
    int undos = 0;
    while (editor_can_undo(ed)) {
        assert_int_equal(editor_undo(ed, &err), BILET_OK);
        undos++;
    }
    assert_true(undos >= 1);
    assert_true(undos < 5); /* each step holds 2 MiB; the cap is 8 */
    assert_true(editor_length(ed) == big);
    verify(ed);
    free(text);
    editor_destroy(ed);
}

/* ---- paragraphs and layout cost ---- */

static void enter_splits_a_paragraph_and_backspace_joins_it(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    bilet_err err = { { 0 } };
    set(ed, "abcdef");
    editor_set_selection(ed, 3, 3);
    assert_int_equal(editor_newline(ed, &err), BILET_OK);
    expect_text(ed, "abc\ndef");
    assert_int_equal(editor_line_count(ed), 2);
    assert_int_equal(editor_caret(ed), 4);
    assert_int_equal(caret_line(ed), 1);
    verify(ed);
    key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    expect_text(ed, "abcdef");
    assert_int_equal(editor_line_count(ed), 1);
    verify(ed);
    editor_destroy(ed);
}

static void editing_a_middle_paragraph_lays_out_only_that_paragraph(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    set(ed, "первый абзац\nвторой абзац\nтретий абзац\nчетвёртый\nпятый");
    editor_set_selection(ed, strlen("первый абзац\nвторой абзац\nтре"),
                         strlen("первый абзац\nвторой абзац\nтре"));
    uint64_t before = laid_out(ed);
    type(ed, "х");
    assert_int_equal(laid_out(ed) - before, 1);
    before = laid_out(ed);
    key_delete(ed, EDITOR_DELETE_CHAR_PREV);
    assert_int_equal(laid_out(ed) - before, 1);
    verify(ed);
    editor_destroy(ed);
}

static void line_stamps_change_only_for_edited_lines(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "один\nдва\nтри");
    editor_line a[3], b[3];
    assert_int_equal(editor_visible_lines(ed, 0, 3, a), 3);
    editor_set_selection(ed, strlen("один\nдв"), strlen("один\nдв"));
    type(ed, "ы");
    assert_int_equal(editor_visible_lines(ed, 0, 3, b), 3);
    assert_true(a[0].stamp == b[0].stamp);
    assert_true(a[1].stamp != b[1].stamp);
    assert_true(a[2].stamp == b[2].stamp);
    assert_int_equal(b[2].start, a[2].start + strlen("ы"));
    editor_destroy(ed);
}

static void a_long_answer_insert_in_the_middle_lays_out_one_paragraph(void **state)
{
    (void)state;
    editor *ed = make(600, 800);
    char *text = make_answer(100000);
    set(ed, text);
    assert_true(editor_chars(ed) >= 100000);
    editor_set_selection(ed, strlen(text) / 2, strlen(text) / 2);
    uint64_t before = laid_out(ed);
    type(ed, "ә");
    assert_int_equal(laid_out(ed) - before, 1);
    verify(ed);
    free(text);
    editor_destroy(ed);
}

/* Code points measured by one keystroke in the middle of an answer of `chars`. */
static unsigned long measured_per_keystroke(size_t chars, bool one_paragraph)
{
    editor *ed = make(600, 800);
    char *text = make_answer(chars);
    if (one_paragraph)
        for (char *p = text; *p; p++)
            if (*p == '\n')
                *p = ' ';
    set(ed, text);
    editor_set_selection(ed, strlen(text) / 2, strlen(text) / 2);
    unsigned long most = 0;
    for (int i = 0; i < 20; i++) {
        font.calls = 0;
        type(ed, i % 5 == 4 ? " " : "ы");
        if (font.calls > most)
            most = font.calls;
    }
    verify(ed);
    free(text);
    editor_destroy(ed);
    return most;
}

static void code_points_measured_per_keystroke_do_not_grow_with_length(void **state)
{
    (void)state;
    unsigned long small = measured_per_keystroke(1000, false);
    unsigned long large = measured_per_keystroke(100000, false);
    print_message("measured per keystroke: %lu at 1 000 chars, %lu at 100 000\n", small, large);
    assert_true(small > 0);
    assert_true(large <= small * 3 / 2);
    assert_true(large < 60 * 6); /* a few 60-letter lines */
}

static void typing_in_one_huge_paragraph_measures_at_most_a_viewport_of_lines(void **state)
{
    (void)state;
    /* viewport 800 px = 40 rows; a cut-short re-wrap stops 8 lines further; 60 letters a line */
    unsigned long small = measured_per_keystroke(10000, true);
    unsigned long large = measured_per_keystroke(100000, true);
    print_message("measured per keystroke in one paragraph: %lu at 10 000, %lu at 100 000\n", small,
                  large);
    assert_true(large <= (40 + 8 + 3) * 61);
}

static void
a_keystroke_in_a_paragraph_of_full_lines_rewraps_a_viewport_not_the_paragraph(void **state)
{
    (void)state;
    editor *ed = make(600, 400); /* 60 letters, 20 rows */
    editor *fresh = make(600, 400);
    bilet_err err = { { 0 } };
    size_t words = 20000;
    char *text = malloc(words * strlen("слово ") + 1);
    assert_non_null(text);
    for (size_t i = 0; i < words; i++)
        memcpy(text + i * strlen("слово "), "слово ", strlen("слово ") + 1);
    set(ed, text); /* every line: ten words, full to the last pixel */
    editor_move_caret(ed, EDITOR_MOVE_DOC_START, false);
    type(ed, "ы");
    editor_stats before, after;
    editor_debug_stats(ed, &before);
    font.calls = 0;
    type(ed, "ы"); /* now a word must move down every line to the paragraph's end */
    editor_debug_stats(ed, &after);
    assert_true(font.calls <= (20 + 8 + 3) * 61);
    assert_int_equal(after.forced_breaks - before.forced_breaks, 1);
    verify(ed);

    /* wherever the student scrolls, the lines are those of a layout made from scratch */
    char *now;
    size_t len;
    assert_int_equal(editor_text(ed, &now, &len, &err), BILET_OK);
    assert_int_equal(editor_set_text(fresh, now, len, &err), BILET_OK);
    for (int page = 0; page < 6; page++) {
        editor_line a[21], b[21];
        size_t top = editor_top_line(ed);
        size_t na = editor_visible_lines(ed, top, 21, a);
        size_t nb = editor_visible_lines(fresh, top, 21, b);
        assert_int_equal(na, nb);
        for (size_t i = 0; i < na; i++) {
            assert_int_equal(a[i].start, b[i].start);
            assert_int_equal(a[i].len, b[i].len);
        }
        editor_move_caret(ed, EDITOR_MOVE_PAGE_DOWN, false);
    }
    verify(ed);
    free(now);
    free(text);
    editor_destroy(fresh);
    editor_destroy(ed);
}

/* ---- counts, cap, revision ---- */

static void chars_and_words_follow_edits_and_deletes(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    set(ed, "один два");
    assert_int_equal(editor_chars(ed), 8);
    assert_int_equal(editor_words(ed), 2);
    editor_set_selection(ed, strlen("один"), strlen("один"));
    key_delete(ed, EDITOR_DELETE_CHAR_NEXT);
    assert_int_equal(editor_words(ed), 1);
    assert_int_equal(editor_chars(ed), 7);
    type(ed, " — три,\nӘ-ә");
    expect_text(ed, "один — три,\nӘ-әдва");
    assert_int_equal(editor_words(ed), 4); /* один три Ә әдва */
    assert_int_equal(editor_chars(ed), 17);
    editor_select_all(ed);
    key_delete(ed, EDITOR_DELETE_CHAR_NEXT);
    assert_int_equal(editor_words(ed), 0);
    assert_int_equal(editor_chars(ed), 0);
    verify(ed);
    editor_destroy(ed);
}

static void insert_over_the_cap_fails_with_etoobig_and_changes_nothing(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    size_t n = EDITOR_MAX_BYTES - 2;
    char *text = malloc(EDITOR_MAX_BYTES + 2);
    assert_non_null(text);
    for (size_t i = 0; i < EDITOR_MAX_BYTES + 2; i++)
        text[i] = i % 80 == 79 ? '\n' : 'a';
    assert_int_equal(editor_set_text(ed, text, n, &err), BILET_OK);
    uint64_t rev = editor_revision(ed);
    size_t lines = editor_line_count(ed);
    assert_int_equal(editor_insert(ed, "ӘӘ", 4, &err), BILET_ETOOBIG);
    assert_int_equal(editor_length(ed), n);
    assert_int_equal(editor_revision(ed), rev);
    assert_int_equal(editor_line_count(ed), lines);
    assert_int_equal(editor_insert(ed, "Ә", 2, &err), BILET_OK);
    assert_int_equal(editor_length(ed), EDITOR_MAX_BYTES);
    assert_int_equal(editor_insert(ed, "a", 1, &err), BILET_ETOOBIG);
    assert_int_equal(editor_set_text(ed, text, EDITOR_MAX_BYTES + 1, &err), BILET_ETOOBIG);
    assert_int_equal(editor_length(ed), EDITOR_MAX_BYTES);
    free(text);
    editor_destroy(ed);
}

static void revision_grows_on_every_change_and_only_then(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    uint64_t r0 = editor_revision(ed);
    type(ed, "a");
    uint64_t r1 = editor_revision(ed);
    assert_true(r1 > r0);
    editor_move_caret(ed, EDITOR_MOVE_CHAR_PREV, false);
    editor_select_all(ed);
    assert_int_equal(editor_copy(ed, &err), BILET_OK);
    assert_int_equal(editor_set_composition(ed, "ә", 1, &err), BILET_OK);
    assert_int_equal(editor_revision(ed), r1);
    assert_int_equal(editor_undo(ed, &err), BILET_OK);
    uint64_t r2 = editor_revision(ed);
    assert_true(r2 > r1);
    assert_int_equal(editor_redo(ed, &err), BILET_OK);
    assert_true(editor_revision(ed) > r2);
    editor_destroy(ed);
}

/* ---- composition, whole text, creation ---- */

static void composition_shows_without_changing_the_text(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    type(ed, "ок");
    uint64_t rev = editor_revision(ed);
    assert_int_equal(editor_set_composition(ed, "сәл", 1, &err), BILET_OK);
    const char *comp;
    size_t len;
    int cx, w;
    assert_true(editor_composition(ed, &comp, &len, &cx, &w));
    assert_int_equal(len, strlen("сәл"));
    assert_memory_equal(comp, "сәл", len);
    assert_int_equal(cx, 10);
    assert_int_equal(w, 30);
    expect_text(ed, "ок");
    assert_int_equal(editor_revision(ed), rev);
    assert_int_equal(editor_caret(ed), strlen("ок"));
    type(ed, "сәл");
    assert_false(editor_composition(ed, NULL, NULL, NULL, NULL));
    assert_int_equal(editor_set_composition(ed, "\x01", 0, &err), BILET_EINVAL);
    editor_destroy(ed);
}

static void set_text_and_text_round_trip(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    const char *answer = "1. Горные породы.\n\nҚазақ тілі: ӘҒҚҢӨҰҮҺІ әғқңөұүһі.\n";
    set(ed, answer);
    expect_text(ed, answer);
    assert_int_equal(editor_caret(ed), strlen(answer));
    assert_false(editor_can_undo(ed));
    verify(ed);
    editor_destroy(ed);
}

static void set_text_refuses_invalid_utf8_naming_the_byte(void **state)
{
    (void)state;
    editor *ed = make(100, 400);
    bilet_err err = { { 0 } };
    set(ed, "keep");
    assert_int_equal(editor_set_text(ed, "ab\xFF", 3, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "byte 2"));
    expect_text(ed, "keep");
    editor_destroy(ed);
}

static void line_text_refuses_a_small_buffer_and_a_line_past_the_end(void **state)
{
    (void)state;
    editor *ed = make(1000, 400);
    bilet_err err = { { 0 } };
    char buf[4];
    size_t len = 0;
    set(ed, "длинная");
    assert_int_equal(editor_line_text(ed, 0, buf, sizeof buf, &len, &err), BILET_ETOOBIG);
    assert_int_equal(len, strlen("длинная"));
    assert_int_equal(editor_line_text(ed, 1, buf, sizeof buf, &len, &err), BILET_EINVAL);
    editor_destroy(ed);
}

static void create_refuses_a_missing_measure_or_a_zero_width(void **state)
{
    (void)state;
    editor *ed = NULL;
    bilet_err err = { { 0 } };
    editor_measure none = { NULL, NULL, 20 };
    editor_measure flat = { &font, fake_advance, 0 };
    editor_measure ok = { &font, fake_advance, 20 };
    assert_int_equal(editor_create(&none, 100, 100, &ed, &err), BILET_EINVAL);
    assert_int_equal(editor_create(&flat, 100, 100, &ed, &err), BILET_EINVAL);
    assert_int_equal(editor_create(&ok, 0, 100, &ed, &err), BILET_EINVAL);
    assert_null(ed);
    editor_destroy(NULL);
}

/* ---- many random edits against a layout made from scratch ---- */

static unsigned rnd(unsigned *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void random_edits_keep_every_cache_consistent_with_the_text(void **state)
{
    (void)state;
    static const char *pieces[] = { "a",
                                    "ә",
                                    " ",
                                    "\n",
                                    "слово ",
                                    "Ш",
                                    "долгоедлинноеслово",
                                    "x y z",
                                    "\n\n",
                                    "  ",
                                    "Қазақ тілі\nжәне ",
                                    "W" };
    editor *ed = make(80, 100);
    bilet_err err = { { 0 } };
    unsigned x = 2463534242u;
    for (int step = 0; step < 3000; step++) {
        unsigned op = rnd(&x) % 16;
        size_t len = editor_length(ed);
        if (op < 6) {
            const char *p = pieces[rnd(&x) % (sizeof pieces / sizeof pieces[0])];
            assert_int_equal(editor_insert(ed, p, strlen(p), &err), BILET_OK);
        } else if (op < 8) {
            key_delete(ed, (editor_delete_unit)(rnd(&x) % 4));
        } else if (op == 8) {
            editor_set_selection(ed, rnd(&x) % (len + 1), rnd(&x) % (len + 1));
        } else if (op == 9) {
            editor_move_caret(ed, (editor_move)(rnd(&x) % 12), rnd(&x) % 2);
        } else if (op == 10) {
            assert_int_equal(editor_undo(ed, &err), BILET_OK);
        } else if (op == 11) {
            assert_int_equal(editor_redo(ed, &err), BILET_OK);
        } else if (op == 12) {
            assert_int_equal(editor_copy(ed, &err), BILET_OK);
        } else if (op == 13) {
            bilet_status st = editor_paste(ed, &err);
            assert_true(st == BILET_OK || st == BILET_ETOOBIG);
        } else if (op == 14) {
            editor_undo_boundary(ed);
            editor_mouse_press(ed, (int)(rnd(&x) % 100), (int)(rnd(&x) % 120) - 10, false);
        } else if (rnd(&x) % 8 == 0) {
            assert_int_equal(editor_resize(ed, 40 + (int)(rnd(&x) % 80), 100, &err), BILET_OK);
        }
        verify(ed);
    }
    editor_destroy(ed);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(typed_cyrillic_and_kazakh_letters_are_stored_as_typed),
    cmocka_unit_test(invalid_utf8_and_control_characters_are_refused_without_change),
    cmocka_unit_test(tab_becomes_spaces_and_carriage_returns_become_newlines),
    cmocka_unit_test(caret_moves_by_whole_code_points),
    cmocka_unit_test(backspace_and_delete_remove_whole_code_points),
    cmocka_unit_test(ctrl_right_and_left_jump_over_russian_words),
    cmocka_unit_test(ctrl_right_jumps_over_kazakh_words_and_not_over_dashes),
    cmocka_unit_test(ctrl_backspace_and_ctrl_delete_remove_whole_words),
    cmocka_unit_test(words_wrap_at_spaces),
    cmocka_unit_test(a_word_longer_than_the_line_is_broken),
    cmocka_unit_test(wide_letters_wrap_earlier),
    cmocka_unit_test(resize_rewraps_every_paragraph),
    cmocka_unit_test(home_and_end_stay_on_the_wrapped_line),
    cmocka_unit_test(up_and_down_keep_the_preferred_x),
    cmocka_unit_test(down_moves_through_wrapped_lines_of_one_paragraph),
    cmocka_unit_test(page_down_moves_by_the_viewport_height),
    cmocka_unit_test(mouse_press_puts_the_caret_at_the_nearest_boundary),
    cmocka_unit_test(mouse_drag_selects_from_the_press),
    cmocka_unit_test(double_click_selects_the_word_under_the_point),
    cmocka_unit_test(visible_lines_follow_scrolling),
    cmocka_unit_test(moving_down_scrolls_to_keep_the_caret_visible),
    cmocka_unit_test(visible_lines_report_the_selection_in_bytes_and_pixels),
    cmocka_unit_test(shift_extends_the_selection_and_typing_replaces_it),
    cmocka_unit_test(cut_and_paste_move_text_within_the_answer),
    cmocka_unit_test(paste_over_a_selection_replaces_it),
    cmocka_unit_test(select_all_and_delete_empty_the_answer),
    cmocka_unit_test(consecutive_typing_is_undone_in_one_step),
    cmocka_unit_test(undo_boundary_starts_a_new_step),
    cmocka_unit_test(a_caret_move_starts_a_new_undo_step),
    cmocka_unit_test(consecutive_backspaces_are_undone_together),
    cmocka_unit_test(undo_restores_the_selection_that_typing_replaced),
    cmocka_unit_test(a_new_edit_drops_the_redo_steps),
    cmocka_unit_test(undo_of_a_paragraph_join_splits_it_again),
    cmocka_unit_test(undo_history_keeps_only_the_newest_steps_within_its_cap),
    cmocka_unit_test(enter_splits_a_paragraph_and_backspace_joins_it),
    cmocka_unit_test(editing_a_middle_paragraph_lays_out_only_that_paragraph),
    cmocka_unit_test(line_stamps_change_only_for_edited_lines),
    cmocka_unit_test(a_long_answer_insert_in_the_middle_lays_out_one_paragraph),
    cmocka_unit_test(code_points_measured_per_keystroke_do_not_grow_with_length),
    cmocka_unit_test(typing_in_one_huge_paragraph_measures_at_most_a_viewport_of_lines),
    cmocka_unit_test(a_keystroke_in_a_paragraph_of_full_lines_rewraps_a_viewport_not_the_paragraph),
    cmocka_unit_test(chars_and_words_follow_edits_and_deletes),
    cmocka_unit_test(insert_over_the_cap_fails_with_etoobig_and_changes_nothing),
    cmocka_unit_test(revision_grows_on_every_change_and_only_then),
    cmocka_unit_test(composition_shows_without_changing_the_text),
    cmocka_unit_test(set_text_and_text_round_trip),
    cmocka_unit_test(set_text_refuses_invalid_utf8_naming_the_byte),
    cmocka_unit_test(line_text_refuses_a_small_buffer_and_a_line_past_the_end),
    cmocka_unit_test(create_refuses_a_missing_measure_or_a_zero_width),
    cmocka_unit_test(random_edits_keep_every_cache_consistent_with_the_text),
};

BILET_TEST_MAIN(tests)
