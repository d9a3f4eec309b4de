/*
 * test_script.c — the headless script parser (kiosk/app/script.h): what each command
 * line becomes, and that every malformed line is refused naming its line number.
 */
#include <string.h>

#include "script.h"
#include "test_main.h"

static bilet_status parse(const char *line, int lineno, script_cmd *cmd, bilet_err *err)
{
    return script_parse_line(line, strlen(line), lineno, cmd, err);
}

/* Parses a line that must be refused and checks the message names its line. */
static void assert_refused(const char *line, int lineno, const char *words)
{
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse(line, lineno, &cmd, &err), BILET_EPARSE);
    char want[32];
    snprintf(want, sizeof want, "script line %d:", lineno);
    assert_non_null(strstr(err.msg, want));
    if (words)
        assert_non_null(strstr(err.msg, words));
}

static void blank_and_comment_lines_are_nothing(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    const char *lines[] = { "", "\n", "   \t \r\n", "# a comment", "   # indented comment" };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(parse(lines[i], 1, &cmd, &err), BILET_OK);
        assert_int_equal(cmd.kind, SCRIPT_NOTHING);
    }
}

static void key_takes_an_sdl_name_and_modifiers(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("key ctrl+shift+Return\n", 4, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_KEY);
    assert_int_equal(cmd.line, 4);
    assert_string_equal(cmd.key, "Return");
    assert_int_equal(cmd.mods, SCRIPT_MOD_CTRL | SCRIPT_MOD_SHIFT);
    assert_int_equal(parse("key F12   # the PIN prompt", 5, &cmd, &err), BILET_OK);
    assert_string_equal(cmd.key, "F12");
    assert_int_equal(cmd.mods, 0);
}

static void enter_is_key_return(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("enter", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_KEY);
    assert_string_equal(cmd.key, "Return");
    assert_int_equal(cmd.mods, 0);
}

static void enter_with_an_argument_is_refused(void **state)
{
    (void)state;
    assert_refused("enter now", 9, "enter takes nothing");
}

static void key_without_a_name_is_refused(void **state)
{
    (void)state;
    assert_refused("key", 2, "key name");
    assert_refused("key   ", 3, "key name");
}

static void key_with_two_names_is_refused(void **state)
{
    (void)state;
    assert_refused("key ctrl Return", 6, "one key name");
}

static void type_keeps_the_rest_of_the_line_verbatim(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("type Ответ  студента # Қазақ\r\n", 3, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_TYPE);
    assert_string_equal(cmd.arg, "Ответ  студента # Қазақ");
}

static void type_without_text_is_refused(void **state)
{
    (void)state;
    assert_refused("type", 11, "type needs text");
}

static void wait_takes_whole_seconds(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("wait 240  # leave and return", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_WAIT);
    assert_int_equal(cmd.number, 240);
}

static void wait_with_a_word_is_refused_naming_it(void **state)
{
    (void)state;
    assert_refused("wait soon", 7, "\"soon\"");
    assert_refused("wait -5", 8, NULL);
    assert_refused("wait", 9, "needs a number");
}

static void wait_over_a_week_is_refused(void **state)
{
    (void)state;
    assert_refused("wait 604801", 12, "more than 604800");
    assert_refused("wait 99999999999999999999999", 13, NULL);
}

static void hold_takes_milliseconds_up_to_ten_minutes(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("hold 1500", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_HOLD);
    assert_int_equal(cmd.number, 1500);
    assert_int_equal(parse("hold 600000", 2, &cmd, &err), BILET_OK);
    assert_refused("hold 600001", 3, "more than 600000");
}

static void shot_takes_a_file_name_without_comment(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("shot out/frames/01-locked.png   # first", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_SHOT);
    assert_string_equal(cmd.arg, "out/frames/01-locked.png");
    assert_refused("shot", 2, "file name");
}

static void expect_screen_takes_a_name(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("expect screen submit_confirm  # asks", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_EXPECT_SCREEN);
    assert_string_equal(cmd.arg, "submit_confirm");
    assert_refused("expect screen", 2, "screen name");
}

static void expect_text_keeps_spaces_and_hashes(void **state)
{
    (void)state;
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(parse("expect text Билет № 7 # не комментарий", 1, &cmd, &err), BILET_OK);
    assert_int_equal(cmd.kind, SCRIPT_EXPECT_TEXT);
    assert_string_equal(cmd.arg, "Билет № 7 # не комментарий");
    assert_refused("expect text", 2, "needs text");
}

static void expect_of_another_kind_is_refused(void **state)
{
    (void)state;
    assert_refused("expect pixels red", 14, "\"screen NAME\" or \"text TEXT\"");
}

static void unknown_command_is_refused_naming_it(void **state)
{
    (void)state;
    assert_refused("press F12", 21, "unknown command \"press\"");
}

static void invalid_utf8_is_refused(void **state)
{
    (void)state;
    assert_refused("type \xd0\xd0 broken", 5, "UTF-8");
}

static void nul_byte_inside_the_line_is_refused(void **state)
{
    (void)state;
    static const char line[] = "type ab\0cd";
    script_cmd cmd;
    bilet_err err = { { 0 } };
    assert_int_equal(script_parse_line(line, sizeof line - 1, 17, &cmd, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "script line 17:"));
    assert_non_null(strstr(err.msg, "NUL"));
}

static void over_long_text_is_refused(void **state)
{
    (void)state;
    static char line[SCRIPT_LINE_MAX + 16];
    memcpy(line, "type ", 5);
    memset(line + 5, 'a', SCRIPT_LINE_MAX);
    line[5 + SCRIPT_LINE_MAX] = '\0';
    assert_refused(line, 30, "too long");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(blank_and_comment_lines_are_nothing),
    cmocka_unit_test(key_takes_an_sdl_name_and_modifiers),
    cmocka_unit_test(enter_is_key_return),
    cmocka_unit_test(enter_with_an_argument_is_refused),
    cmocka_unit_test(key_without_a_name_is_refused),
    cmocka_unit_test(key_with_two_names_is_refused),
    cmocka_unit_test(type_keeps_the_rest_of_the_line_verbatim),
    cmocka_unit_test(type_without_text_is_refused),
    cmocka_unit_test(wait_takes_whole_seconds),
    cmocka_unit_test(wait_with_a_word_is_refused_naming_it),
    cmocka_unit_test(wait_over_a_week_is_refused),
    cmocka_unit_test(hold_takes_milliseconds_up_to_ten_minutes),
    cmocka_unit_test(shot_takes_a_file_name_without_comment),
    cmocka_unit_test(expect_screen_takes_a_name),
    cmocka_unit_test(expect_text_keeps_spaces_and_hashes),
    cmocka_unit_test(expect_of_another_kind_is_refused),
    cmocka_unit_test(unknown_command_is_refused_naming_it),
    cmocka_unit_test(invalid_utf8_is_refused),
    cmocka_unit_test(nul_byte_inside_the_line_is_refused),
    cmocka_unit_test(over_long_text_is_refused),
};

BILET_TEST_MAIN(tests)
