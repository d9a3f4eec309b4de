/*
 * test_grade.c — grades in digits and words, parsing, the second-ticket penalty and the
 * commission's vote.
 */
#include "test_main.h"

#include "grade.h"
#include "text.h"

static void point_grades_have_digits_words_and_abbreviations(void **state)
{
    (void)state;
    assert_int_equal(grade_points(GRADE_5), 5);
    assert_string_equal(grade_word(GRADE_5), "отлично");
    assert_string_equal(grade_abbrev(GRADE_5), "отл.");
    assert_string_equal(grade_word(GRADE_4), "хорошо");
    assert_string_equal(grade_abbrev(GRADE_4), "хор.");
    assert_string_equal(grade_word(GRADE_3), "удовлетворительно");
    assert_string_equal(grade_abbrev(GRADE_3), "удовл.");
    assert_string_equal(grade_word(GRADE_2), "неудовлетворительно");
    assert_string_equal(grade_abbrev(GRADE_2), "неудовл.");
    assert_int_equal(grade_points(GRADE_2), 2);
}

static void zachet_and_marks_have_their_words(void **state)
{
    (void)state;
    assert_string_equal(grade_word(GRADE_PASS), "зачтено");
    assert_string_equal(grade_word(GRADE_FAIL), "не зачтено");
    assert_string_equal(grade_word(GRADE_ABSENT), "не явился");
    assert_string_equal(grade_word(GRADE_NOT_ADMITTED), "не допущен");
    assert_false(grade_is_result(GRADE_ABSENT));
    assert_true(grade_is_result(GRADE_PASS));
}

static void grade_parse_accepts_digits_words_abbreviations_and_english(void **state)
{
    (void)state;
    grade g;
    bilet_err err = { { 0 } };
    const struct {
        const char *in;
        grade want;
    } cases[] = {
        { "5", GRADE_5 },
        { "Отлично", GRADE_5 },
        { "отл.", GRADE_5 },
        { " хор ", GRADE_4 },
        { "удовл.", GRADE_3 },
        { "НЕУДОВЛЕТВОРИТЕЛЬНО", GRADE_2 },
        { "зачтено", GRADE_PASS },
        { "pass", GRADE_PASS },
        { "з", GRADE_PASS },
        { "не зачтено", GRADE_FAIL },
        { "fail", GRADE_FAIL },
        { "н", GRADE_FAIL },
        { "не явился", GRADE_ABSENT },
        { "absent", GRADE_ABSENT },
        { "зачёт", GRADE_PASS },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(grade_parse(cases[i].in, &g, &err), BILET_OK);
        assert_int_equal(g, cases[i].want);
    }
}

static void grade_parse_names_the_accepted_words_on_a_typo(void **state)
{
    (void)state;
    grade g;
    bilet_err err = { { 0 } };
    assert_int_equal(grade_parse("6", &g, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "\"6\""));
    assert_non_null(strstr(err.msg, "отлично"));
    assert_int_equal(g, GRADE_NONE);
}

static void second_ticket_penalty_is_one_point_never_below_two(void **state)
{
    (void)state;
    assert_int_equal(grade_apply_second_ticket(GRADE_5), GRADE_4);
    assert_int_equal(grade_apply_second_ticket(GRADE_4), GRADE_3);
    assert_int_equal(grade_apply_second_ticket(GRADE_3), GRADE_2);
    assert_int_equal(grade_apply_second_ticket(GRADE_2), GRADE_2);
    assert_int_equal(grade_apply_second_ticket(GRADE_PASS), GRADE_PASS);
}

static void grades_fit_their_forms(void **state)
{
    (void)state;
    assert_true(grade_fits_form(GRADE_5, EXAM_FORM_EXAM));
    assert_true(grade_fits_form(GRADE_3, EXAM_FORM_DIFF_ZACHET));
    assert_false(grade_fits_form(GRADE_PASS, EXAM_FORM_EXAM));
    assert_true(grade_fits_form(GRADE_PASS, EXAM_FORM_ZACHET));
    assert_false(grade_fits_form(GRADE_4, EXAM_FORM_ZACHET));
    assert_true(grade_fits_form(GRADE_ABSENT, EXAM_FORM_ZACHET));
}

static void refusal_and_removal_grades_follow_the_form(void **state)
{
    (void)state;
    assert_int_equal(grade_for_refusal(EXAM_FORM_EXAM, false), GRADE_ABSENT);
    assert_int_equal(grade_for_refusal(EXAM_FORM_EXAM, true), GRADE_2);
    assert_int_equal(grade_for_refusal(EXAM_FORM_ZACHET, true), GRADE_FAIL);
    assert_int_equal(grade_for_removal(EXAM_FORM_DIFF_ZACHET), GRADE_2);
    assert_int_equal(grade_for_removal(EXAM_FORM_ZACHET), GRADE_FAIL);
}

static grade_vote vote(const char *who, grade g)
{
    grade_vote v;
    memset(&v, 0, sizeof v);
    text_copy(v.member, sizeof v.member, who);
    v.vote = g;
    return v;
}

static void commission_decides_by_simple_majority_and_records_dissent(void **state)
{
    (void)state;
    grade_vote v[3] = { vote("Иванов И.И.", GRADE_4), vote("Петров П.П.", GRADE_3),
                        vote("Сидорова А.А.", GRADE_3) };
    grade_decision d;
    bilet_err err = { { 0 } };
    assert_int_equal(grade_commission_decide(v, 3, 3, &d, &err), BILET_OK);
    assert_int_equal(d.result, GRADE_3);
    assert_false(d.chair_decided);
    assert_int_equal(d.n_dissent, 1);
    assert_int_equal(d.dissent[0], 0);
}

static void commission_tie_is_broken_by_the_chair(void **state)
{
    (void)state;
    grade_vote v[4] = { vote("Иванов И.И.", GRADE_5), vote("Петров П.П.", GRADE_4),
                        vote("Сидорова А.А.", GRADE_5), vote("Ким Е.В.", GRADE_4) };
    grade_decision d;
    bilet_err err = { { 0 } };
    assert_int_equal(grade_commission_decide(v, 4, 4, &d, &err), BILET_OK);
    assert_int_equal(d.result, GRADE_5);
    assert_true(d.chair_decided);
    assert_int_equal(d.n_dissent, 2);
}

static void commission_without_a_quorum_cannot_grade(void **state)
{
    (void)state;
    grade_vote v[2] = { vote("Иванов И.И.", GRADE_5), vote("Петров П.П.", GRADE_5) };
    grade_decision d;
    bilet_err err = { { 0 } };
    assert_int_equal(grade_commission_decide(v, 2, 5, &d, &err), BILET_ERULE);
    assert_non_null(strstr(err.msg, "quorum"));
}

static void commission_has_a_chair_and_at_least_two_members(void **state)
{
    (void)state;
    grade_vote v[2] = { vote("Иванов И.И.", GRADE_5), vote("Петров П.П.", GRADE_5) };
    grade_decision d;
    bilet_err err = { { 0 } };
    assert_int_equal(grade_commission_decide(v, 2, 2, &d, &err), BILET_ERULE);
    assert_non_null(strstr(err.msg, "chair"));
}

static void text_fold_matches_kazakh_and_russian_capitals(void **state)
{
    (void)state;
    assert_true(text_equal_fold("ӘҒҚҢӨҰҮҺІ", "әғқңөұүһі"));
    assert_true(text_equal_fold("ДОПУЩЕН", "допущен"));
    assert_true(text_equal_fold("Отчислён", "отчислен"));
    assert_false(text_equal_fold("допущен", "не допущен"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(point_grades_have_digits_words_and_abbreviations),
    cmocka_unit_test(zachet_and_marks_have_their_words),
    cmocka_unit_test(grade_parse_accepts_digits_words_abbreviations_and_english),
    cmocka_unit_test(grade_parse_names_the_accepted_words_on_a_typo),
    cmocka_unit_test(second_ticket_penalty_is_one_point_never_below_two),
    cmocka_unit_test(grades_fit_their_forms),
    cmocka_unit_test(refusal_and_removal_grades_follow_the_form),
    cmocka_unit_test(commission_decides_by_simple_majority_and_records_dissent),
    cmocka_unit_test(commission_tie_is_broken_by_the_chair),
    cmocka_unit_test(commission_without_a_quorum_cannot_grade),
    cmocka_unit_test(commission_has_a_chair_and_at_least_two_members),
    cmocka_unit_test(text_fold_matches_kazakh_and_russian_capitals),
};

BILET_TEST_MAIN(tests)
