/*
 * test_session.c — the rules of the regulations as the session machine enforces them; one
 * case per rule, named after it.
 */
#include "test_main.h"

#include "session_fixture.h"

static int setup_written(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fixture_setup_mode(f, EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, false);
    *state = f;
    return 0;
}

static int setup_oral(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fixture_setup_mode(f, EXAM_MODE_ORAL, EXAM_FORM_EXAM, false);
    *state = f;
    return 0;
}

static int setup_oral_zachet(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fixture_setup_mode(f, EXAM_MODE_ORAL, EXAM_FORM_ZACHET, false);
    *state = f;
    return 0;
}

static int setup_sealed(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fixture_setup_mode(f, EXAM_MODE_WRITTEN, EXAM_FORM_EXAM, true);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_teardown(*state);
    return 0;
}

static void terminal_starts_locked_until_the_session_opens(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->s.screen, SCREEN_LOCKED);
    assert_int_not_equal(press_text(f, INTENT_IDENTIFY, "21-0001"), BILET_OK);
    open_session(f);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
    const event *ev = last_event(f, EV_SESSION_OPENED);
    assert_non_null(ev);
    assert_string_equal(ev->kiosk_name, "ауд. 214, место 3");
    assert_false(ev->date_mismatch);
}

static void invigilator_keys_need_the_pin(void **state)
{
    fixture *f = *state;
    assert_int_equal(press_text(f, INTENT_OPEN, "2025-12-20"), BILET_ESTATE);
    press(f, INTENT_INVIGILATOR);
    assert_int_equal(f->s.screen, SCREEN_PIN);
    assert_int_equal(press_text(f, INTENT_OPEN, "2025-12-20"), BILET_ESTATE);
    assert_false(f->s.opened);
}

static void opening_on_another_date_warns_and_is_recorded(void **state)
{
    fixture *f = *state;
    invigilator(f);
    assert_int_equal(press_text(f, INTENT_OPEN, "2025-12-21"), BILET_OK);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
    assert_int_equal(f->s.notice, NOTICE_DATE_MISMATCH);
    const event *ev = last_event(f, EV_SESSION_OPENED);
    assert_true(ev->date_mismatch);
    assert_string_equal(ev->today, "2025-12-21");
}

static void escape_leaves_the_invigilator_screen_where_it_was(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    assert_int_equal(f->s.screen, SCREEN_TICKET);
    invigilator(f);
    assert_int_equal(f->s.screen, SCREEN_INVIGILATOR);
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_TICKET);
}

static void student_not_on_the_roster_is_refused(void **state)
{
    fixture *f = *state;
    open_session(f);
    assert_int_equal(press_text(f, INTENT_IDENTIFY, "99-9999"), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_UNKNOWN_STUDENT);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
    assert_int_equal(count_events(f, EV_ENTRY_REFUSED), 0);
}

static void student_not_admitted_is_refused_and_recorded(void **state)
{
    fixture *f = *state;
    open_session(f);
    assert_int_equal(press_text(f, INTENT_IDENTIFY, "21-0004"), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_NOT_ADMITTED);
    const event *ev = last_event(f, EV_ENTRY_REFUSED);
    assert_non_null(ev);
    assert_int_equal(ev->refusal, REFUSAL_NOT_ADMITTED);
    assert_string_equal(ev->record_book, "21-0004");
}

static void expelled_student_is_refused(void **state)
{
    fixture *f = *state;
    open_session(f);
    assert_int_equal(press_text(f, INTENT_IDENTIFY, " 21-0005 "), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_EXPELLED);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
}

static void admitted_student_is_identified_after_confirming_the_name(void **state)
{
    fixture *f = *state;
    open_session(f);
    assert_int_equal(press_text(f, INTENT_IDENTIFY, "21-0001"), BILET_OK);
    assert_int_equal(f->s.screen, SCREEN_CONFIRM_STUDENT);
    assert_string_equal(session_student(&f->s)->full_name, "Абрамов Алексей Игоревич");
    assert_int_equal(count_events(f, EV_STUDENT_IDENTIFIED), 0);
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
    seat(f, "21-0001");
    assert_int_equal(f->s.screen, SCREEN_TICKET);
    const event *ev = last_event(f, EV_STUDENT_IDENTIFIED);
    assert_non_null(ev);
    assert_string_equal(ev->code, "CODE-21-0001");
    assert_int_equal(ev->attempt, 1);
}

static void draw_takes_the_ticket_the_random_source_picks(void **state)
{
    fixture *f = *state;
    f->picks[0] = 2;
    f->n_picks = 1;
    open_session(f);
    seat(f, "21-0001");
    assert_int_equal(press(f, INTENT_DRAW), BILET_OK);
    assert_int_equal(f->s.attempt.ticket, 3);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(session_ticket(&f->s)->number, 3);
}

static void ticket_is_not_drawn_again_in_a_subgroup_until_the_pool_is_exhausted(void **state)
{
    fixture *f = *state;
    open_session(f);
    const char *rbs[] = { "21-0001", "21-0002", "21-0003", "21-0007" };
    int seen[5] = { 0 };
    for (int i = 0; i < 4; i++) {
        seat(f, rbs[i]);
        assert_int_equal(press(f, INTENT_DRAW), BILET_OK);
        seen[f->s.attempt.ticket]++;
        press(f, INTENT_SUBMIT_ASK);
        press(f, INTENT_SUBMIT);
        press(f, INTENT_NEXT);
    }
    for (int t = 1; t <= 4; t++)
        assert_int_equal(seen[t], 1);
}

static void pool_starts_anew_once_every_ticket_was_drawn(void **state)
{
    fixture *f = *state;
    f->e.n_tickets = 2;
    open_session(f);
    const char *rbs[] = { "21-0001", "21-0002", "21-0003" };
    for (int i = 0; i < 3; i++) {
        seat(f, rbs[i]);
        assert_int_equal(press(f, INTENT_DRAW), BILET_OK);
        assert_true(f->s.attempt.ticket >= 1 && f->s.attempt.ticket <= 2);
        press(f, INTENT_SUBMIT_ASK);
        press(f, INTENT_SUBMIT);
        press(f, INTENT_NEXT);
    }
    assert_int_equal(f->s.drawn_count[0], 1);
    f->e.n_tickets = 4; /* the exam owns four tickets: all are freed */
}

static void subgroups_draw_from_their_own_pools(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001"); /* subgroup 1 takes ticket 1 (pick 0) */
    press(f, INTENT_DRAW);
    assert_int_equal(f->s.attempt.ticket, 1);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    press(f, INTENT_NEXT);
    seat(f, "21-0006"); /* subgroup 2: ticket 1 is still in its pool */
    press(f, INTENT_DRAW);
    assert_int_equal(f->s.attempt.subgroup, 2);
    assert_int_equal(f->s.attempt.ticket, 1);
}

static void written_time_runs_for_the_room_from_the_opening(void **state)
{
    fixture *f = *state;
    open_session(f);
    f->now += 600;
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    assert_int_equal(session_deadline(&f->s), T0 + 90 * 60);
    assert_int_equal(session_time_left(&f->s, f->now), 80 * 60);
}

static void late_student_gets_no_extra_time(void **state)
{
    fixture *f = *state;
    open_session(f);
    f->now += 45 * 60;
    seat(f, "21-0002");
    press(f, INTENT_DRAW);
    assert_int_equal(session_deadline(&f->s), session_room_deadline(&f->s));
    assert_int_equal(session_time_left(&f->s, f->now), 45 * 60);
    assert_int_equal(last_event(f, EV_STUDENT_IDENTIFIED)->seconds, 45 * 60);
}

static void roster_extra_minutes_extend_the_students_deadline(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0003");
    press(f, INTENT_DRAW);
    assert_int_equal(session_deadline(&f->s), T0 + (90 + 30) * 60);
}

static void invigilator_gives_five_minutes_a_press(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    press(f, INTENT_EXTRA_TIME);
    press(f, INTENT_EXTRA_TIME);
    assert_int_equal(session_deadline(&f->s), T0 + 100 * 60);
    assert_int_equal(count_events(f, EV_EXTRA_TIME), 2);
    assert_int_equal(last_event(f, EV_EXTRA_TIME)->extra, EXTRA_INVIGILATOR);
}

static void extra_time_needs_a_student(void **state)
{
    fixture *f = *state;
    open_session(f);
    invigilator(f);
    assert_int_equal(press(f, INTENT_EXTRA_TIME), BILET_ESTATE);
    assert_int_equal(f->s.notice, NOTICE_NO_STUDENT);
}

static void pause_stops_every_clock_and_credits_its_length_to_the_second(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    f->now += 100;
    invigilator(f);
    press(f, INTENT_PAUSE);
    assert_int_equal(f->s.screen, SCREEN_PAUSED);
    int64_t left = session_time_left(&f->s, f->now);
    wait_seconds(f, 437);
    assert_int_equal(session_time_left(&f->s, f->now), left);
    invigilator(f);
    press(f, INTENT_PAUSE);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(last_event(f, EV_SESSION_RESUMED)->seconds, 437);
    assert_int_equal(session_time_left(&f->s, f->now), left);
    assert_int_equal(session_deadline(&f->s), T0 + 90 * 60 + 437);
}

static void pause_shifts_an_oral_period_too(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    assert_int_equal(f->s.screen, SCREEN_PREP);
    int64_t d = session_deadline(&f->s);
    invigilator(f);
    press(f, INTENT_PAUSE);
    f->now += 61;
    invigilator(f);
    press(f, INTENT_PAUSE);
    assert_int_equal(session_deadline(&f->s), d + 61);
}

static void oral_preparation_then_answer_when_ready(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    assert_int_equal(f->s.screen, SCREEN_PREP);
    assert_int_equal(session_deadline(&f->s), f->now + 20 * 60);
    f->now += 300;
    press(f, INTENT_READY);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(session_deadline(&f->s), f->now + 15 * 60);
    assert_int_equal(last_event(f, EV_PERIOD_STARTED)->period, PERIOD_ANSWER);
}

static void oral_preparation_ends_by_itself_on_time(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int64_t prep_end = session_deadline(&f->s);
    wait_seconds(f, 20 * 60);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(session_deadline(&f->s), prep_end + 15 * 60);
}

static void oral_grade_from_the_examiner_ends_the_attempt(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_READY);
    invigilator(f);
    assert_int_equal(press_grade(f, GRADE_4), BILET_OK);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    const event *ev = last_event(f, EV_GRADED);
    assert_int_equal(ev->grade_final, GRADE_4);
    assert_string_equal(ev->by, "Петров П.П.");
}

static void oral_grade_must_fit_the_form(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    assert_int_equal(press_grade(f, GRADE_5), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_GRADE_INVALID);
    assert_int_equal(press_grade(f, GRADE_PASS), BILET_OK);
    assert_int_equal(f->s.attempt.grades[0], GRADE_PASS);
}

static void written_exam_takes_no_oral_grade(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    assert_int_equal(press_grade(f, GRADE_5), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_NOT_ORAL);
}

static void second_ticket_lowers_the_grade_by_one_point(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int first = f->s.attempt.ticket;
    press(f, INTENT_SECOND_TICKET);
    assert_int_equal(f->s.screen, SCREEN_TICKET);
    press(f, INTENT_DRAW);
    assert_int_not_equal(f->s.attempt.ticket, first);
    assert_int_equal(f->s.attempt.first_ticket, first);
    assert_true(last_event(f, EV_TICKET_DRAWN)->second);
    press(f, INTENT_READY);
    invigilator(f);
    press_grade(f, GRADE_5);
    const event *ev = last_event(f, EV_GRADED);
    assert_int_equal(ev->grade_given, GRADE_5);
    assert_int_equal(ev->grade_final, GRADE_4);
    assert_true(ev->second);
}

static void second_ticket_costs_nothing_where_the_policy_says_so(void **state)
{
    fixture *f = *state;
    f->e.policy.second_ticket_penalty = false;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SECOND_TICKET);
    press(f, INTENT_DRAW);
    invigilator(f);
    press_grade(f, GRADE_5);
    assert_int_equal(last_event(f, EV_GRADED)->grade_final, GRADE_5);
}

static void second_ticket_is_given_once(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SECOND_TICKET);
    press(f, INTENT_DRAW);
    assert_int_equal(press(f, INTENT_SECOND_TICKET), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_SECOND_TICKET_USED);
}

static void second_ticket_off_in_the_exam_is_refused(void **state)
{
    fixture *f = *state;
    f->e.info.second_ticket = false;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    assert_int_equal(press(f, INTENT_SECOND_TICKET), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_SECOND_TICKET_OFF);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
}

static void escape_on_a_second_ticket_keeps_the_first(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int first = f->s.attempt.ticket;
    press(f, INTENT_SECOND_TICKET);
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(f->s.attempt.ticket, first);
    assert_false(f->s.attempt.second);
}

static void refusal_before_the_ticket_is_absent(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    invigilator(f);
    press(f, INTENT_REFUSE);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    const event *ev = last_event(f, EV_REFUSED);
    assert_false(ev->ticket_drawn);
    assert_int_equal(ev->grade_given, GRADE_ABSENT);
}

static void refusal_on_the_confirm_screen_records_the_student_absent(void **state)
{
    fixture *f = *state;
    open_session(f);
    press_text(f, INTENT_IDENTIFY, "21-0002");
    invigilator(f);
    assert_int_equal(press(f, INTENT_REFUSE), BILET_OK);
    assert_string_equal(last_event(f, EV_STUDENT_IDENTIFIED)->record_book, "21-0002");
    assert_int_equal(last_event(f, EV_REFUSED)->grade_given, GRADE_ABSENT);
}

static void refusal_after_the_ticket_is_unsatisfactory(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    press(f, INTENT_REFUSE);
    const event *ev = last_event(f, EV_REFUSED);
    assert_true(ev->ticket_drawn);
    assert_int_equal(ev->grade_given, GRADE_2);
}

static void refusal_after_the_ticket_of_a_zachet_is_fail(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    press(f, INTENT_REFUSE);
    assert_int_equal(last_event(f, EV_REFUSED)->grade_given, GRADE_FAIL);
}

static void removal_for_cheating_is_unsatisfactory_and_keeps_the_text(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    f->answer = "шпаргалка";
    invigilator(f);
    press(f, INTENT_REMOVE);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    const event *ev = last_event(f, EV_REMOVED);
    assert_int_equal(ev->grade_given, GRADE_2);
    assert_string_equal(ev->text, "шпаргалка");
    assert_int_equal(ev->chars, 9);
}

static void leave_and_return_record_both_times_and_the_clock_runs(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int64_t d = session_deadline(&f->s);
    invigilator(f);
    press(f, INTENT_LEAVE);
    assert_int_equal(f->s.screen, SCREEN_AWAY);
    int64_t left_at = f->now;
    wait_seconds(f, 240);
    invigilator(f);
    press(f, INTENT_LEAVE);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    assert_int_equal(last_event(f, EV_STUDENT_LEFT)->time, left_at);
    const event *back = last_event(f, EV_STUDENT_RETURNED);
    assert_int_equal(back->time, left_at + 240);
    assert_int_equal(back->seconds, 240);
    assert_int_equal(session_deadline(&f->s), d);
}

static void closing_hands_in_unfinished_work(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    f->answer = "неоконченный ответ";
    invigilator(f);
    press(f, INTENT_CLOSE);
    assert_int_equal(f->s.screen, SCREEN_CLOSED);
    const event *ev = last_event(f, EV_ANSWER_SUBMITTED);
    assert_int_equal(ev->handin, HANDIN_SESSION_CLOSED);
    assert_string_equal(ev->text, "неоконченный ответ");
    assert_int_equal(last_event(f, EV_SESSION_CLOSED)->count, 1);
    assert_false(f->s.quit);
}

static void closed_session_quits_on_the_second_close(void **state)
{
    fixture *f = *state;
    open_session(f);
    invigilator(f);
    press(f, INTENT_CLOSE);
    assert_false(f->s.quit);
    invigilator(f);
    press(f, INTENT_CLOSE);
    assert_true(f->s.quit);
}

static void written_time_up_hands_the_work_in(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    wait_seconds(f, 90 * 60);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    assert_int_equal(last_event(f, EV_ANSWER_SUBMITTED)->handin, HANDIN_TIME_UP);
}

static void no_one_starts_after_the_written_time_is_over(void **state)
{
    fixture *f = *state;
    open_session(f);
    f->now += 91 * 60;
    assert_int_equal(press_text(f, INTENT_IDENTIFY, "21-0001"), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_TIME_OVER);
}

static void student_sits_once_per_session(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    press(f, INTENT_NEXT);
    assert_int_equal(press_text(f, INTENT_IDENTIFY, "21-0001"), BILET_ERULE);
    assert_int_equal(f->s.notice, NOTICE_ALREADY_SAT);
}

static void submit_asks_for_confirmation_and_escape_goes_back(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SUBMIT_ASK);
    assert_int_equal(f->s.screen, SCREEN_SUBMIT_CONFIRM);
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_ANSWER);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    assert_int_equal(last_event(f, EV_ANSWER_SUBMITTED)->handin, HANDIN_STUDENT);
}

static void done_screen_returns_to_identify_after_ten_seconds(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    wait_seconds(f, 9);
    assert_int_equal(f->s.screen, SCREEN_DONE);
    wait_seconds(f, 1);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
}

static void five_wrong_pins_lock_the_prompt_for_five_minutes(void **state)
{
    fixture *f = *state;
    press(f, INTENT_INVIGILATOR);
    for (int i = 0; i < 5; i++)
        press_ok(f, INTENT_PIN, false);
    assert_int_equal(count_events(f, EV_PIN_FAILED), 5);
    const event *lock = last_event(f, EV_PIN_LOCKED);
    assert_non_null(lock);
    assert_int_equal(lock->until, T0 + 300);
    assert_int_equal(press_ok(f, INTENT_PIN, true), BILET_EPERM);
    assert_int_equal(f->s.screen, SCREEN_PIN);
    wait_seconds(f, 300);
    assert_int_equal(press_ok(f, INTENT_PIN, true), BILET_OK);
    assert_int_equal(f->s.screen, SCREEN_INVIGILATOR);
}

static void time_warnings_come_at_fifteen_five_and_one_minute(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int hits[16] = { 0 };
    for (int i = 0; i < 90 * 60 - 1; i++) {
        f->now++;
        session_tick(&f->s, f->now, &f->ev, &f->err);
        if (f->s.notice == NOTICE_TIME_WARNING) {
            hits[f->s.warning_minutes]++;
            f->s.notice = NOTICE_NONE;
        }
    }
    assert_int_equal(hits[15], 1);
    assert_int_equal(hits[5], 1);
    assert_int_equal(hits[1], 1);
}

/* Replays the fixture's log into a fresh session, as a restart would. */
static void replay(fixture *f, session *r, bool sealed)
{
    session_rng rng = { f, fixture_uniform };
    session_text txt = { f, fixture_answer };
    session_coder coder = { f, fixture_code };
    assert_int_equal(
        session_init(r, &f->e, "ауд. 214, место 3", "abc123", sealed, rng, txt, coder, &f->err),
        BILET_OK);
    for (size_t i = 0; i < f->n_log; i++)
        assert_int_equal(session_apply(r, &f->log[i], &f->err), BILET_OK);
}

static void restart_resumes_the_attempt_with_its_persisted_deadline(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    f->now += 1200;
    int64_t d = session_deadline(&f->s);
    int ticket = f->s.attempt.ticket;
    session r;
    replay(f, &r, false);
    int64_t later = f->now + 180; /* three minutes of power cut */
    session_restore_finish(&r, later, 180);
    assert_int_equal(r.screen, SCREEN_ANSWER);
    assert_int_equal(r.attempt.ticket, ticket);
    assert_int_equal(session_deadline(&r), d);
    assert_int_equal(session_time_left(&r, later), d - later);
    session_free(&r);
}

static void downtime_is_offered_on_the_first_extra_time_and_never_by_itself(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    int64_t d = session_deadline(&f->s);
    session r;
    replay(f, &r, false);
    session_restore_finish(&r, f->now + 95, 95);
    assert_int_equal(session_deadline(&r), d);
    session_intent in = { .kind = INTENT_INVIGILATOR };
    session_handle(&r, &in, f->now, &f->ev, &f->err);
    in.kind = INTENT_PIN;
    in.ok = true;
    session_handle(&r, &in, f->now, &f->ev, &f->err);
    in.kind = INTENT_EXTRA_TIME;
    session_handle(&r, &in, f->now, &f->ev, &f->err);
    assert_int_equal(f->ev.ev[0].extra, EXTRA_DOWNTIME);
    assert_int_equal(f->ev.ev[0].seconds, 95);
    assert_int_equal(session_deadline(&r), d + 95);
    session_handle(&r, &in, f->now, &f->ev, &f->err);
    assert_int_equal(f->ev.ev[0].extra, EXTRA_INVIGILATOR);
    session_free(&r);
}

static void restart_after_time_up_gives_no_time_back(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    session r;
    replay(f, &r, false);
    int64_t later = T0 + 91 * 60;
    session_restore_finish(&r, later, 91 * 60);
    session_tick(&r, later, &f->ev, &f->err);
    assert_int_equal(f->ev.n, 1);
    assert_int_equal(f->ev.ev[0].type, EV_ANSWER_SUBMITTED);
    assert_int_equal(f->ev.ev[0].handin, HANDIN_TIME_UP);
    assert_int_equal(r.screen, SCREEN_DONE);
    session_free(&r);
}

static void restart_restores_the_draw_pool(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    session r;
    replay(f, &r, false);
    assert_int_equal(r.drawn_count[0], 1);
    assert_int_equal(r.drawn[0], 1);
    assert_int_equal(r.next_attempt, 2);
    session_free(&r);
}

static void roster_changed_after_opening_is_refused(void **state)
{
    fixture *f = *state;
    open_session(f);
    session r;
    session_rng rng = { f, fixture_uniform };
    session_text txt = { f, fixture_answer };
    session_coder coder = { f, fixture_code };
    session_init(&r, &f->e, "k", "def456", false, rng, txt, coder, &f->err);
    assert_int_equal(session_apply(&r, last_event(f, EV_SESSION_OPENED), &f->err), BILET_ERULE);
    assert_non_null(strstr(f->err.msg, "roster"));
    session_free(&r);
}

static void sealed_package_asks_for_the_passphrase_at_opening(void **state)
{
    fixture *f = *state;
    invigilator(f);
    press_text(f, INTENT_OPEN, "2025-12-20");
    assert_int_equal(f->s.screen, SCREEN_PASSPHRASE);
    assert_false(f->s.opened);
    assert_int_equal(press_ok(f, INTENT_PASSPHRASE, false), BILET_EPERM);
    assert_int_equal(last_event(f, EV_PASSPHRASE_FAILED)->count, 1);
    press_ok(f, INTENT_PASSPHRASE, true);
    assert_true(f->s.opened);
    assert_int_equal(f->s.screen, SCREEN_IDENTIFY);
}

static void sealed_package_asks_again_after_a_restart(void **state)
{
    fixture *f = *state;
    invigilator(f);
    press_text(f, INTENT_OPEN, "2025-12-20");
    press_ok(f, INTENT_PASSPHRASE, true);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    session r;
    replay(f, &r, true);
    session_restore_finish(&r, f->now, 0);
    assert_int_equal(r.screen, SCREEN_PASSPHRASE);
    session_intent in = { .kind = INTENT_PASSPHRASE, .ok = true };
    session_handle(&r, &in, f->now, &f->ev, &f->err);
    assert_int_equal(r.screen, SCREEN_ANSWER);
    session_free(&r);
}

static void wrong_passphrases_lock_the_prompt_from_the_third_on(void **state)
{
    fixture *f = *state;
    invigilator(f);
    press_text(f, INTENT_OPEN, "2025-12-20");
    press_ok(f, INTENT_PASSPHRASE, false);
    assert_int_equal(f->s.passphrase_locked_until, f->now); /* no delay yet */
    press_ok(f, INTENT_PASSPHRASE, false);
    assert_int_equal(press_ok(f, INTENT_PASSPHRASE, false), BILET_EPERM);
    assert_int_equal(f->s.passphrase_locked_until, f->now + 1);
    /* While locked even the right passphrase is refused, and nothing is recorded. */
    assert_int_equal(press_ok(f, INTENT_PASSPHRASE, true), BILET_EPERM);
    assert_int_equal(f->s.notice, NOTICE_PASSPHRASE_LOCKED);
    assert_int_equal(count_events(f, EV_PASSPHRASE_FAILED), 3);
    assert_false(f->s.opened);
    wait_seconds(f, 1);
    assert_int_equal(press_ok(f, INTENT_PASSPHRASE, false), BILET_EPERM);
    assert_int_equal(f->s.passphrase_locked_until, f->now + 2);
    /* The lock is in the records: a replay keeps it. */
    session r;
    replay(f, &r, true);
    assert_int_equal(r.passphrase_failures, 4);
    assert_int_equal(r.passphrase_locked_until, f->now + 2);
    session_free(&r);
    wait_seconds(f, 2);
    assert_int_equal(press_ok(f, INTENT_PASSPHRASE, true), BILET_OK);
    assert_true(f->s.opened);
}

static void escape_on_the_passphrase_goes_back_only_before_opening(void **state)
{
    fixture *f = *state;
    invigilator(f);
    press_text(f, INTENT_OPEN, "2025-12-20");
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_INVIGILATOR);
    press(f, INTENT_BACK);
    assert_int_equal(f->s.screen, SCREEN_LOCKED);
    assert_false(f->s.opened);
    invigilator(f);
    press_text(f, INTENT_OPEN, "2025-12-20");
    press_ok(f, INTENT_PASSPHRASE, true);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    session r;
    replay(f, &r, true);
    session_restore_finish(&r, f->now, 0);
    session_intent back = { .kind = INTENT_BACK };
    session_handle(&r, &back, f->now, &f->ev, &f->err);
    assert_int_equal(r.screen, SCREEN_PASSPHRASE);
    /* The invigilator's panel and back, then the passphrase: the attempt resumes. */
    session_intent f12 = { .kind = INTENT_INVIGILATOR };
    session_handle(&r, &f12, f->now, &f->ev, &f->err);
    session_intent pin = { .kind = INTENT_PIN, .ok = true };
    session_handle(&r, &pin, f->now, &f->ev, &f->err);
    assert_int_equal(r.screen, SCREEN_INVIGILATOR);
    session_handle(&r, &back, f->now, &f->ev, &f->err);
    assert_int_equal(r.screen, SCREEN_PASSPHRASE);
    session_intent ok = { .kind = INTENT_PASSPHRASE, .ok = true };
    session_handle(&r, &ok, f->now, &f->ev, &f->err);
    assert_int_equal(r.screen, SCREEN_ANSWER);
    session_free(&r);
}

static void complex_exam_takes_a_grade_per_discipline(void **state)
{
    fixture *f = *state;
    f->e.info.form = EXAM_FORM_COMPLEX;
    f->e.info.disciplines.n = 2;
    text_copy(f->e.info.disciplines.item[0], EXAM_TEXT_MAX, "Геология");
    text_copy(f->e.info.disciplines.item[1], EXAM_TEXT_MAX, "Горные машины");
    open_session(f);
    seat(f, "21-0001");
    press(f, INTENT_DRAW);
    invigilator(f);
    press_grade(f, GRADE_5);
    assert_int_equal(f->s.screen, SCREEN_INVIGILATOR);
    assert_string_equal(last_event(f, EV_GRADED)->discipline, "Геология");
    press_grade(f, GRADE_3);
    assert_string_equal(last_event(f, EV_GRADED)->discipline, "Горные машины");
    assert_int_equal(f->s.screen, SCREEN_DONE);
    assert_int_equal(f->s.attempt.outcome, OUTCOME_GRADED);
}

static void large_type_is_for_the_current_student_only(void **state)
{
    fixture *f = *state;
    open_session(f);
    seat(f, "21-0001");
    invigilator(f);
    press(f, INTENT_ACCESSIBILITY);
    assert_true(f->s.large_type);
    press(f, INTENT_BACK);
    press(f, INTENT_DRAW);
    press(f, INTENT_SUBMIT_ASK);
    press(f, INTENT_SUBMIT);
    press(f, INTENT_NEXT);
    assert_false(f->s.large_type);
}

static void event_fields_round_trip_for_every_type(void **state)
{
    (void)state;
    for (int t = EV_NONE + 1; t < EV_TYPE_COUNT; t++) {
        event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = (event_type)t;
        ev.time = T0;
        ev.attempt = 7;
        text_copy(ev.record_book, sizeof ev.record_book, "21-0457");
        text_copy(ev.full_name, sizeof ev.full_name, "Оңғарбаев Дәулет");
        ev.ticket = 12;
        ev.second = true;
        ev.deadline = T0 + 5400;
        ev.seconds = 300;
        ev.period = PERIOD_ANSWER;
        ev.handin = HANDIN_TIME_UP;
        ev.refusal = REFUSAL_EXPELLED;
        ev.extra = EXTRA_DOWNTIME;
        ev.grade_given = GRADE_5;
        ev.grade_final = GRADE_4;
        ev.text = "ответ";
        text_copy(ev.reason, sizeof ev.reason, "описка");
        bilet_field fl[BILET_FIELDS_MAX];
        size_t n = event_to_fields(&ev, fl);
        event back;
        bilet_err err = { { 0 } };
        assert_int_equal(event_from_fields(event_type_name(ev.type), T0, fl, n, &back, &err),
                         BILET_OK);
        bilet_field fl2[BILET_FIELDS_MAX];
        size_t n2 = event_to_fields(&back, fl2);
        assert_int_equal(n, n2);
        for (size_t i = 0; i < n; i++) {
            assert_string_equal(fl[i].key, fl2[i].key);
            assert_int_equal(fl[i].kind, fl2[i].kind);
            assert_int_equal(fl[i].i, fl2[i].i);
            if (fl[i].kind == BILET_FIELD_STR)
                assert_string_equal(fl[i].s, fl2[i].s);
        }
    }
}

static void event_with_a_missing_field_is_named(void **state)
{
    (void)state;
    bilet_field fl[1] = { bilet_field_int("attempt", 3) };
    event ev;
    bilet_err err = { { 0 } };
    assert_int_equal(event_from_fields("ticket_drawn", T0, fl, 1, &ev, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, "ticket"));
    assert_int_equal(event_from_fields("no_such_type", T0, fl, 1, &ev, &err), BILET_EPARSE);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(terminal_starts_locked_until_the_session_opens, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(invigilator_keys_need_the_pin, setup_written, teardown),
    cmocka_unit_test_setup_teardown(opening_on_another_date_warns_and_is_recorded, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(escape_leaves_the_invigilator_screen_where_it_was,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(student_not_on_the_roster_is_refused, setup_written, teardown),
    cmocka_unit_test_setup_teardown(student_not_admitted_is_refused_and_recorded, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(expelled_student_is_refused, setup_written, teardown),
    cmocka_unit_test_setup_teardown(admitted_student_is_identified_after_confirming_the_name,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(draw_takes_the_ticket_the_random_source_picks, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(
        ticket_is_not_drawn_again_in_a_subgroup_until_the_pool_is_exhausted, setup_written,
        teardown),
    cmocka_unit_test_setup_teardown(pool_starts_anew_once_every_ticket_was_drawn, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(subgroups_draw_from_their_own_pools, setup_written, teardown),
    cmocka_unit_test_setup_teardown(written_time_runs_for_the_room_from_the_opening, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(late_student_gets_no_extra_time, setup_written, teardown),
    cmocka_unit_test_setup_teardown(roster_extra_minutes_extend_the_students_deadline,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(invigilator_gives_five_minutes_a_press, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(extra_time_needs_a_student, setup_written, teardown),
    cmocka_unit_test_setup_teardown(pause_stops_every_clock_and_credits_its_length_to_the_second,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(pause_shifts_an_oral_period_too, setup_oral, teardown),
    cmocka_unit_test_setup_teardown(oral_preparation_then_answer_when_ready, setup_oral, teardown),
    cmocka_unit_test_setup_teardown(oral_preparation_ends_by_itself_on_time, setup_oral, teardown),
    cmocka_unit_test_setup_teardown(oral_grade_from_the_examiner_ends_the_attempt, setup_oral,
                                    teardown),
    cmocka_unit_test_setup_teardown(oral_grade_must_fit_the_form, setup_oral_zachet, teardown),
    cmocka_unit_test_setup_teardown(written_exam_takes_no_oral_grade, setup_written, teardown),
    cmocka_unit_test_setup_teardown(second_ticket_lowers_the_grade_by_one_point, setup_oral,
                                    teardown),
    cmocka_unit_test_setup_teardown(second_ticket_costs_nothing_where_the_policy_says_so,
                                    setup_oral, teardown),
    cmocka_unit_test_setup_teardown(second_ticket_is_given_once, setup_written, teardown),
    cmocka_unit_test_setup_teardown(second_ticket_off_in_the_exam_is_refused, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(escape_on_a_second_ticket_keeps_the_first, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(refusal_before_the_ticket_is_absent, setup_written, teardown),
    cmocka_unit_test_setup_teardown(refusal_on_the_confirm_screen_records_the_student_absent,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(refusal_after_the_ticket_is_unsatisfactory, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(refusal_after_the_ticket_of_a_zachet_is_fail, setup_oral_zachet,
                                    teardown),
    cmocka_unit_test_setup_teardown(removal_for_cheating_is_unsatisfactory_and_keeps_the_text,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(leave_and_return_record_both_times_and_the_clock_runs,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(closing_hands_in_unfinished_work, setup_written, teardown),
    cmocka_unit_test_setup_teardown(closed_session_quits_on_the_second_close, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(written_time_up_hands_the_work_in, setup_written, teardown),
    cmocka_unit_test_setup_teardown(no_one_starts_after_the_written_time_is_over, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(student_sits_once_per_session, setup_written, teardown),
    cmocka_unit_test_setup_teardown(submit_asks_for_confirmation_and_escape_goes_back,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(done_screen_returns_to_identify_after_ten_seconds,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(five_wrong_pins_lock_the_prompt_for_five_minutes, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(time_warnings_come_at_fifteen_five_and_one_minute,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(restart_resumes_the_attempt_with_its_persisted_deadline,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(downtime_is_offered_on_the_first_extra_time_and_never_by_itself,
                                    setup_written, teardown),
    cmocka_unit_test_setup_teardown(restart_after_time_up_gives_no_time_back, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(restart_restores_the_draw_pool, setup_written, teardown),
    cmocka_unit_test_setup_teardown(roster_changed_after_opening_is_refused, setup_written,
                                    teardown),
    cmocka_unit_test_setup_teardown(wrong_passphrases_lock_the_prompt_from_the_third_on,
                                    setup_sealed, teardown),
    cmocka_unit_test_setup_teardown(escape_on_the_passphrase_goes_back_only_before_opening,
                                    setup_sealed, teardown),
    cmocka_unit_test_setup_teardown(sealed_package_asks_for_the_passphrase_at_opening, setup_sealed,
                                    teardown),
    cmocka_unit_test_setup_teardown(sealed_package_asks_again_after_a_restart, setup_sealed,
                                    teardown),
    cmocka_unit_test_setup_teardown(complex_exam_takes_a_grade_per_discipline, setup_oral,
                                    teardown),
    cmocka_unit_test_setup_teardown(large_type_is_for_the_current_student_only, setup_written,
                                    teardown),
    cmocka_unit_test(event_fields_round_trip_for_every_type),
    cmocka_unit_test(event_with_a_missing_field_is_named),
};

BILET_TEST_MAIN(tests)
