/*
 * test_exam_rules.c — exam_check_policy and the exam model's lookups, on exams built in
 * memory (no files): each case takes a valid exam, breaks one rule, and reads the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exam.h"
#include "test_main.h"

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle))) {                                                            \
            print_error("message \"%s\"\n  lacks \"%s\"\n", (hay), (needle));                      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static exam_policy university(void)
{
    exam_policy p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "university");
    p.oral_prep_min = 45;
    p.oral_prep_max = 60;
    p.oral_answer_max = 20;
    p.written_max = 180;
    p.second_ticket_penalty = false;
    p.grading_deadline_days = 1;
    p.grading_deadline_working = true;
    p.retention_years = 1;
    p.max_retakes = 2;
    p.commission_attempt = 3;
    p.commission_min = 3;
    snprintf(p.clause_oral_prep, sizeof p.clause_oral_prep, "002 3.11, 001 3.8.6");
    snprintf(p.clause_oral_answer, sizeof p.clause_oral_answer, "003 2.16");
    snprintf(p.clause_written, sizeof p.clause_written, "002 3.12");
    snprintf(p.clause_retakes, sizeof p.clause_retakes, "002 5.2");
    return p;
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    assert_non_null(d);
    memcpy(d, s, n);
    return d;
}

/* A valid written university exam: two students, two tickets of a question and a task. */
static exam *valid_exam(void)
{
    exam *e = calloc(1, sizeof *e);
    assert_non_null(e);
    snprintf(e->info.id, sizeof e->info.id, "T-1");
    snprintf(e->info.policy, sizeof e->info.policy, "university");
    e->info.mode = EXAM_MODE_WRITTEN;
    e->info.form = EXAM_FORM_EXAM;
    e->info.answer_minutes = 120;
    e->info.subgroups = 1;
    e->info.attempt = 1;
    e->policy = university();
    e->n_students = 2;
    e->students = calloc(2, sizeof *e->students);
    assert_non_null(e->students);
    snprintf(e->students[0].record_book, RECORD_BOOK_MAX, "21-0001");
    snprintf(e->students[1].record_book, RECORD_BOOK_MAX, "21-0002");
    for (int i = 0; i < 2; i++) {
        e->students[i].subgroup = 1;
        e->students[i].line = i + 2;
    }
    e->n_tickets = 2;
    e->tickets = calloc(2, sizeof *e->tickets);
    assert_non_null(e->tickets);
    for (int i = 0; i < 2; i++) {
        e->tickets[i].number = i + 1;
        e->tickets[i].n_questions = 2;
        e->tickets[i].question[0].kind = QUESTION_THEORY;
        e->tickets[i].question[0].text = dup("Вопрос.");
        e->tickets[i].question[1].kind = QUESTION_TASK;
        e->tickets[i].question[1].text = dup("Задача.");
    }
    return e;
}

static int release(void **state)
{
    exam *e = *state;
    exam_free(e);
    free(e);
    return 0;
}

static int make(void **state)
{
    *state = valid_exam();
    return 0;
}

static const char *refused(const exam *e)
{
    static bilet_err err;
    memset(&err, 0, sizeof err);
    assert_int_equal(exam_check_policy(e, &err), BILET_ERULE);
    return err.msg;
}

static void valid_written_exam_passes(void **state)
{
    exam *e = *state;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void oral_preparation_within_the_profile_passes(void **state)
{
    exam *e = *state;
    e->info.mode = EXAM_MODE_ORAL;
    e->info.prep_minutes = 45;
    e->info.answer_minutes = 20;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void oral_preparation_below_the_profile_names_limit_and_clause(void **state)
{
    exam *e = *state;
    e->info.mode = EXAM_MODE_ORAL;
    e->info.prep_minutes = 20;
    e->info.answer_minutes = 15;
    assert_string_equal(refused(e), "exam.ini: prep_minutes = 20 is outside the university "
                                    "profile's oral preparation of 45–60 min (002 3.11, 001 "
                                    "3.8.6)");
}

static void oral_preparation_above_the_profile_is_refused(void **state)
{
    exam *e = *state;
    e->info.mode = EXAM_MODE_ORAL;
    e->info.prep_minutes = 61;
    e->info.answer_minutes = 15;
    assert_contains(refused(e), "prep_minutes = 61 is outside");
}

static void oral_answer_over_the_profile_is_refused(void **state)
{
    exam *e = *state;
    e->info.mode = EXAM_MODE_ORAL;
    e->info.prep_minutes = 50;
    e->info.answer_minutes = 25;
    assert_string_equal(refused(e), "exam.ini: answer_minutes = 25 is over the university "
                                    "profile's oral answer of at most 20 min (003 2.16)");
}

static void written_answer_over_the_profile_is_refused(void **state)
{
    exam *e = *state;
    e->info.answer_minutes = 181;
    assert_string_equal(refused(e), "exam.ini: answer_minutes = 181 is over the university "
                                    "profile's written exam of at most 180 min (002 3.12)");
}

static void written_answer_of_no_time_is_refused(void **state)
{
    exam *e = *state;
    e->info.answer_minutes = 0;
    assert_contains(refused(e), "answer_minutes = 0: a written exam needs time to write");
}

static void written_exam_with_preparation_is_refused(void **state)
{
    exam *e = *state;
    e->info.prep_minutes = 10;
    assert_contains(refused(e), "prep_minutes = 10: a written exam has no preparation period");
}

static void attempt_beyond_the_retakes_is_refused(void **state)
{
    exam *e = *state;
    e->info.attempt = 4;
    assert_string_equal(refused(e), "exam.ini: attempt = 4 is beyond the university profile's "
                                    "first attempt and 2 retakes (002 5.2)");
}

static void commission_attempt_needs_enough_members(void **state)
{
    exam *e = *state;
    e->info.attempt = 3;
    e->info.commission.n = 2;
    assert_contains(refused(e), "commission lists 2 names, the university profile needs at "
                                "least 3, chair first (002 5.2)");
}

static void commission_attempt_with_enough_members_passes(void **state)
{
    exam *e = *state;
    e->info.attempt = 3;
    e->info.commission.n = 3;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void retake_before_the_commission_attempt_needs_no_commission(void **state)
{
    exam *e = *state;
    e->info.attempt = 2;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void second_ticket_without_the_penalty_rule_passes(void **state)
{
    exam *e = *state;
    /* A university may give a second ticket; its profile only waives the one-point penalty. */
    e->info.second_ticket = true;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void second_ticket_under_a_profile_with_the_rule_passes(void **state)
{
    exam *e = *state;
    e->info.second_ticket = true;
    e->policy.second_ticket_penalty = true;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
}

static void complex_form_needs_two_disciplines(void **state)
{
    exam *e = *state;
    e->info.form = EXAM_FORM_COMPLEX;
    e->info.disciplines.n = 1;
    assert_contains(refused(e), "form = complex needs at least 2 disciplines");
}

static void profile_other_than_the_one_named_is_refused(void **state)
{
    exam *e = *state;
    snprintf(e->info.policy, sizeof e->info.policy, "college");
    assert_string_equal(refused(e),
                        "exam.ini: policy = college, but the profile loaded is university");
}

static void student_in_a_subgroup_beyond_the_exam_is_refused(void **state)
{
    exam *e = *state;
    e->students[1].subgroup = 2;
    assert_string_equal(refused(e), "roster.csv:3: field subgroup: 2 is outside 1–1 (exam.ini's "
                                    "subgroups = 1)");
}

static void ticket_without_a_theory_question_is_refused(void **state)
{
    exam *e = *state;
    e->tickets[1].question[0].kind = QUESTION_TASK;
    assert_string_equal(refused(e), "tickets.csv: ticket 2 has no theory question (kind q)");
}

static void tickets_out_of_sequence_are_refused(void **state)
{
    exam *e = *state;
    e->tickets[1].number = 3;
    assert_contains(refused(e), "tickets.csv: ticket 2 is missing");
}

static void sealed_tickets_are_not_checked(void **state)
{
    exam *e = *state;
    exam_ticket *t = e->tickets;
    size_t n = e->n_tickets;
    e->tickets = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(exam_check_policy(e, &err), BILET_OK);
    e->tickets = t;
    e->n_tickets = n;
}

static void limit_without_a_clause_is_cited_without_brackets(void **state)
{
    exam *e = *state;
    e->policy.clause_written[0] = '\0';
    e->info.answer_minutes = 200;
    assert_string_equal(refused(e), "exam.ini: answer_minutes = 200 is over the university "
                                    "profile's written exam of at most 180 min");
}

static void student_is_found_by_record_book_ignoring_white_space(void **state)
{
    exam *e = *state;
    const exam_student *s = exam_find_student(e, "  21-0002\t");
    assert_non_null(s);
    assert_ptr_equal(s, &e->students[1]);
}

static void unknown_record_book_finds_no_student(void **state)
{
    exam *e = *state;
    assert_null(exam_find_student(e, "21-000"));
    assert_null(exam_find_student(e, ""));
    assert_null(exam_find_student(NULL, "21-0001"));
}

static void ticket_is_found_by_number_within_bounds(void **state)
{
    exam *e = *state;
    assert_ptr_equal(exam_ticket_by_number(e, 2), &e->tickets[1]);
    assert_null(exam_ticket_by_number(e, 0));
    assert_null(exam_ticket_by_number(e, 3));
}

static void exam_free_accepts_null_and_zeroes_the_exam(void **state)
{
    (void)state;
    exam_free(NULL);
    exam *e = valid_exam();
    exam_free(e);
    static const exam zero;
    assert_memory_equal(e, &zero, sizeof zero);
    exam_free(e); /* twice is harmless */
    free(e);
}

static void names_are_the_words_of_exam_ini_and_roster(void **state)
{
    (void)state;
    assert_string_equal(exam_form_name(EXAM_FORM_DIFF_ZACHET), "diff_zachet");
    assert_string_equal(exam_mode_name(EXAM_MODE_ORAL), "oral");
    assert_string_equal(exam_code_mode_name(EXAM_CODE_RECORD_BOOK), "record_book");
    assert_string_equal(student_status_name(STUDENT_NOT_ADMITTED), "not_admitted");
}

static void russian_titles_are_the_words_of_the_regulations(void **state)
{
    (void)state;
    assert_string_equal(exam_form_title_ru(EXAM_FORM_ZACHET), "зачёт");
    assert_string_equal(exam_form_title_ru(EXAM_FORM_DIFF_ZACHET), "дифференцированный зачёт");
    assert_string_equal(student_status_title_ru(STUDENT_EXPELLED), "отчислен");
    assert_string_equal(student_status_title_ru(STUDENT_NOT_ADMITTED), "не допущен");
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(valid_written_exam_passes, make, release),
    cmocka_unit_test_setup_teardown(oral_preparation_within_the_profile_passes, make, release),
    cmocka_unit_test_setup_teardown(oral_preparation_below_the_profile_names_limit_and_clause, make,
                                    release),
    cmocka_unit_test_setup_teardown(oral_preparation_above_the_profile_is_refused, make, release),
    cmocka_unit_test_setup_teardown(oral_answer_over_the_profile_is_refused, make, release),
    cmocka_unit_test_setup_teardown(written_answer_over_the_profile_is_refused, make, release),
    cmocka_unit_test_setup_teardown(written_answer_of_no_time_is_refused, make, release),
    cmocka_unit_test_setup_teardown(written_exam_with_preparation_is_refused, make, release),
    cmocka_unit_test_setup_teardown(attempt_beyond_the_retakes_is_refused, make, release),
    cmocka_unit_test_setup_teardown(commission_attempt_needs_enough_members, make, release),
    cmocka_unit_test_setup_teardown(commission_attempt_with_enough_members_passes, make, release),
    cmocka_unit_test_setup_teardown(retake_before_the_commission_attempt_needs_no_commission, make,
                                    release),
    cmocka_unit_test_setup_teardown(second_ticket_without_the_penalty_rule_passes, make, release),
    cmocka_unit_test_setup_teardown(second_ticket_under_a_profile_with_the_rule_passes, make,
                                    release),
    cmocka_unit_test_setup_teardown(complex_form_needs_two_disciplines, make, release),
    cmocka_unit_test_setup_teardown(profile_other_than_the_one_named_is_refused, make, release),
    cmocka_unit_test_setup_teardown(student_in_a_subgroup_beyond_the_exam_is_refused, make,
                                    release),
    cmocka_unit_test_setup_teardown(ticket_without_a_theory_question_is_refused, make, release),
    cmocka_unit_test_setup_teardown(tickets_out_of_sequence_are_refused, make, release),
    cmocka_unit_test_setup_teardown(sealed_tickets_are_not_checked, make, release),
    cmocka_unit_test_setup_teardown(limit_without_a_clause_is_cited_without_brackets, make,
                                    release),
    cmocka_unit_test_setup_teardown(student_is_found_by_record_book_ignoring_white_space, make,
                                    release),
    cmocka_unit_test_setup_teardown(unknown_record_book_finds_no_student, make, release),
    cmocka_unit_test_setup_teardown(ticket_is_found_by_number_within_bounds, make, release),
    cmocka_unit_test(exam_free_accepts_null_and_zeroes_the_exam),
    cmocka_unit_test(names_are_the_words_of_exam_ini_and_roster),
    cmocka_unit_test(russian_titles_are_the_words_of_the_regulations),
};

BILET_TEST_MAIN(tests)
