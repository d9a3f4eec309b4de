/*
 * test_examdir.c — loading exam directories: exam.ini, roster.csv, tickets.csv and the policy
 * profiles, from the files under tests/data/examdir/.
 *
 * Each case builds a scratch exam directory from the complete fixture good/ with one file
 * swapped for the fixture under test, loads it through examdir_load, and checks the result
 * or the one message, which must name file, line and field. Profiles are the shipped ones
 * in config/policies unless a case says otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "examdir.h"
#include "test_main.h"

#define DATA     BILET_TEST_DATA "/examdir/"
#define POLICIES BILET_SOURCE_DIR "/config/policies"

static char scratch[256];

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle))) {                                                            \
            print_error("message \"%s\"\n  lacks \"%s\"\n", (hay), (needle));                      \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    assert_non_null(in);
    FILE *out = fopen(to, "wb");
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void put(const char *fixture, const char *fallback, const char *name)
{
    if (fixture && strcmp(fixture, "-") == 0)
        return; /* the file is left out */
    char from[512];
    char to[512];
    snprintf(from, sizeof from, "%s%s", DATA, fixture ? fixture : fallback);
    snprintf(to, sizeof to, "%s/%s", scratch, name);
    copy_file(from, to);
}

/* A scratch exam directory: the fixtures named (relative to tests/data/examdir/; NULL takes
 * good/'s file, "-" leaves the file out). */
static const char *assemble(const char *exam_ini, const char *roster, const char *tickets)
{
    snprintf(scratch, sizeof scratch, "/tmp/bilet-examdir-XXXXXX");
    assert_non_null(mkdtemp(scratch));
    put(exam_ini, "good/exam.ini", "exam.ini");
    put(roster, "good/roster.csv", "roster.csv");
    put(tickets, "good/tickets.csv", "tickets.csv");
    return scratch;
}

static int remove_scratch(void **state)
{
    (void)state;
    if (!scratch[0])
        return 0;
    static const char *const files[] = { "exam.ini", "roster.csv", "tickets.csv" };
    char path[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", scratch, files[i]);
        unlink(path);
    }
    rmdir(scratch);
    scratch[0] = '\0';
    return 0;
}

static void assert_zeroed(const exam *e)
{
    static const exam zero;
    assert_memory_equal(e, &zero, sizeof zero);
}

/* Loads a directory that must fail with st; returns the message. */
static const char *refused(const char *dir, bilet_status st)
{
    static bilet_err err;
    exam e;
    memset(&err, 0, sizeof err);
    bilet_status got = examdir_load(dir, POLICIES, &e, &err);
    if (got != st)
        print_error("status %s, expected %s: %s\n", bilet_status_name(got), bilet_status_name(st),
                    err.msg);
    assert_int_equal(got, st);
    assert_zeroed(&e);
    return err.msg;
}

static void loads(const char *dir, exam *e)
{
    bilet_err err = { { 0 } };
    bilet_status st = examdir_load(dir, POLICIES, e, &err);
    if (st != BILET_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(st, BILET_OK);
}

/* ---- whole directories ---- */

static void good_directory_loads_every_exam_ini_field(void **state)
{
    (void)state;
    exam e;
    loads(DATA "good", &e);
    const exam_info *in = &e.info;
    assert_string_equal(in->id, "2026-12-TEST-1");
    assert_string_equal(in->discipline, "Горное дело");
    assert_int_equal(in->form, EXAM_FORM_EXAM);
    assert_int_equal(in->mode, EXAM_MODE_WRITTEN);
    assert_string_equal(in->group, "ГД-21");
    assert_string_equal(in->date, "2026-12-20");
    assert_string_equal(in->start, "09:00");
    assert_string_equal(in->room, "214");
    assert_int_equal(in->examiners.n, 2);
    assert_string_equal(in->examiners.item[1], "Сидорова А.А.");
    assert_int_equal(in->prep_minutes, 0);
    assert_int_equal(in->answer_minutes, 90);
    assert_int_equal(in->subgroups, 2);
    assert_string_equal(in->policy, "college");
    assert_int_equal(in->code, EXAM_CODE_RECORD_BOOK);
    assert_true(in->second_ticket); /* the college profile's default */
    assert_int_equal(in->attempt, 1);
    assert_string_equal(in->institution, "МОГАПОУ «Горный техникум»");
    assert_string_equal(e.policy.name, "college");
    exam_free(&e);
}

static void good_directory_loads_students_and_tickets(void **state)
{
    (void)state;
    exam e;
    loads(DATA "good", &e);
    assert_int_equal(e.n_students, 4);
    assert_string_equal(e.students[0].full_name, "Абрамов Алексей Игоревич");
    assert_int_equal(e.students[2].status, STUDENT_NOT_ADMITTED);
    assert_int_equal(e.students[3].status, STUDENT_EXPELLED);
    assert_string_equal(e.students[3].group, "ГД-22");
    assert_int_equal(e.n_tickets, 2);
    assert_int_equal(e.tickets[0].number, 1);
    assert_int_equal(e.tickets[0].n_questions, 3);
    assert_int_equal(e.tickets[0].question[2].kind, QUESTION_TASK);
    assert_string_equal(e.tickets[1].question[1].text, "Вопрос \"в кавычках\", с запятой.");
    exam_free(&e);
}

static void roster_empty_group_takes_the_exam_group(void **state)
{
    (void)state;
    exam e;
    loads(DATA "good", &e);
    assert_string_equal(e.students[1].group, "ГД-21");
    exam_free(&e);
}

static void roster_empty_extra_minutes_and_subgroup_take_defaults(void **state)
{
    (void)state;
    exam e;
    loads(DATA "good", &e);
    assert_int_equal(e.students[1].extra_minutes, 0);
    assert_int_equal(e.students[1].subgroup, 2);
    assert_int_equal(e.students[2].extra_minutes, 15);
    assert_int_equal(e.students[2].subgroup, 1);
    exam_free(&e);
}

static void roster_record_book_is_trimmed_and_found(void **state)
{
    (void)state;
    exam e;
    loads(DATA "good", &e);
    assert_string_equal(e.students[2].record_book, "21-0003");
    assert_int_equal(e.students[2].line, 4);
    const exam_student *s = exam_find_student(&e, " 21-0003 ");
    assert_non_null(s);
    assert_string_equal(s->full_name, "Васильев Дмитрий Сергеевич");
    exam_free(&e);
}

static void demo_exam_loads(void **state)
{
    (void)state;
    exam e;
    loads(BILET_SOURCE_DIR "/config/demo", &e);
    assert_string_equal(e.info.id, "2026-12-GD-101");
    assert_string_equal(e.policy.name, "college");
    assert_true(e.n_students > 0);
    assert_true(e.n_tickets > 0);
    assert_non_null(exam_ticket_by_number(&e, (int)e.n_tickets));
    exam_free(&e);
}

static void demo_oral_exam_loads(void **state)
{
    (void)state;
    exam e;
    loads(BILET_SOURCE_DIR "/config/demo-oral", &e);
    assert_int_equal(e.info.mode, EXAM_MODE_ORAL);
    assert_true(e.info.prep_minutes >= e.policy.oral_prep_min);
    assert_true(e.n_tickets > 0);
    exam_free(&e);
}

static void missing_exam_directory_is_not_found(void **state)
{
    (void)state;
    const char *msg = refused(DATA "no-such-exam", BILET_ENOTFOUND);
    assert_contains(msg, "no-such-exam: no such exam directory");
}

static void missing_tickets_file_is_not_found(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "-"), BILET_ENOTFOUND);
    assert_contains(msg, "/tickets.csv: no such file");
}

/* ---- roster.csv ---- */

static void roster_with_duplicate_record_book_is_refused(void **state)
{
    (void)state;
    const char *msg =
        refused(assemble(NULL, "roster/duplicate-record-book.csv", NULL), BILET_EPARSE);
    assert_contains(msg,
                    "/roster.csv:4: field record_book: \"21-0001\" appears twice (lines 2 and 4)");
}

static void roster_with_unknown_status_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/unknown-status.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:3: field status: unknown value \"допушен\" (admitted, "
                         "not_admitted, expelled, допущен, не допущен, отчислен)");
}

static void roster_with_unclosed_quote_names_the_line_where_it_opens(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/unclosed-quote.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:3: field full_name: a quote opens here and is never closed");
}

static void roster_with_missing_column_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/missing-column.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:1: column extra_minutes is missing");
}

static void roster_with_unknown_column_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/unknown-column.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:1: column \"email\" is unknown");
}

static void roster_saved_by_russian_excel_loads_with_right_names(void **state)
{
    (void)state;
    exam e;
    loads(DATA "excel", &e); /* Windows-1251, ';', CRLF, a ";;;;" row */
    assert_int_equal(e.n_students, 4);
    assert_string_equal(e.students[0].full_name, "Иванов Иван Иванович");
    assert_string_equal(e.students[1].full_name, "Петрова; Мария \"Маша\" Сергеевна");
    assert_int_equal(e.students[1].extra_minutes, 30);
    assert_string_equal(e.students[2].full_name, "Ёлкин Пётр Семёнович");
    assert_int_equal(e.students[2].status, STUDENT_NOT_ADMITTED);
    assert_string_equal(e.students[3].full_name, "Щукина Юлия");
    assert_string_equal(e.students[3].group, "ГД-21");
    assert_int_equal(e.students[3].line, 6);
    exam_free(&e);
}

static void tickets_saved_by_russian_excel_keep_multiline_text(void **state)
{
    (void)state;
    exam e;
    loads(DATA "excel", &e);
    assert_int_equal(e.n_tickets, 2);
    assert_int_equal(e.tickets[0].question[2].kind, QUESTION_TASK);
    assert_string_equal(e.tickets[0].question[2].text,
                        "Рассчитайте объём выемки уступа высотой 12 м\n"
                        "при ширине заходки 15 м; длина блока 200 м.");
    assert_string_equal(e.tickets[1].question[1].text,
                        "Определите производительность экскаватора № 3.");
    exam_free(&e);
}

static void roster_in_utf8_with_bom_loads(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, "roster/bom.csv", NULL), &e);
    assert_int_equal(e.n_students, 1);
    assert_string_equal(e.students[0].record_book, "21-0001");
    assert_string_equal(e.students[0].full_name, "Ёлкина Анна Петровна");
    exam_free(&e);
}

static void roster_status_words_ignore_case_spacing_and_yo(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, "roster/status-words.csv", NULL), &e);
    assert_int_equal(e.students[0].status, STUDENT_ADMITTED);
    assert_int_equal(e.students[1].status, STUDENT_NOT_ADMITTED);
    assert_int_equal(e.students[2].status, STUDENT_NOT_ADMITTED);
    assert_int_equal(e.students[3].status, STUDENT_EXPELLED);
    assert_int_equal(e.students[4].status, STUDENT_EXPELLED);
    exam_free(&e);
}

static void roster_separated_by_semicolons_keeps_commas_in_names(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, "roster/semicolon-utf8.csv", NULL), &e);
    assert_string_equal(e.students[0].full_name, "Абрамов, Алексей");
    exam_free(&e);
}

static void roster_without_students_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/empty.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv: the roster has no students");
}

static void roster_subgroup_beyond_the_exam_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/subgroup-over.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:3: field subgroup: 3 is outside 1–2");
}

static void roster_extra_minutes_over_600_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/extra-minutes-over.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:2: field extra_minutes: 700 is outside 0–600");
}

static void roster_record_book_over_31_bytes_is_refused(void **state)
{
    (void)state;
    const char *msg =
        refused(assemble(NULL, "roster/record-book-too-long.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:2: field record_book: 32 bytes; at most 31");
}

static void roster_empty_record_book_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/empty-record-book.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:2: field record_book: empty");
}

static void roster_lines_count_blank_rows(void **state)
{
    (void)state;
    const char *msg =
        refused(assemble(NULL, "roster/lines-after-blank-rows.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:8: field status: unknown value \"принят\"");
}

static void roster_name_with_a_line_break_is_refused(void **state)
{
    (void)state;
    const char *msg =
        refused(assemble(NULL, "roster/name-with-line-break.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:3: field full_name: holds a line break");
}

static void tickets_lines_count_multiline_fields(void **state)
{
    (void)state;
    const char *msg =
        refused(assemble(NULL, NULL, "tickets/lines-after-multiline.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:8: field kind: unknown value \"вопросы\"");
}

static void roster_bytes_neither_utf8_nor_windows_1251_are_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/not-cp1251.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:2: byte 0x98 is neither UTF-8 nor Windows-1251");
}

static void roster_damaged_utf8_is_refused_not_converted(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/utf8-damaged.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv:2: byte 0xC0 is not UTF-8");
}

static void roster_saved_as_a_workbook_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, "roster/workbook.csv", NULL), BILET_EPARSE);
    assert_contains(msg, "/roster.csv: this is a spreadsheet workbook, not text");
}

/* ---- tickets.csv ---- */

static void ticket_with_only_tasks_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/task-only.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:4: ticket 2 has no theory question (kind q), only tasks");
}

static void tickets_with_a_gap_name_the_missing_number(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/gap.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv: ticket 3 is missing (tickets are numbered 1..4 without "
                         "gaps)");
}

static void ticket_multiline_quoted_text_keeps_its_newline(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, NULL, "tickets/multiline.csv"), &e);
    assert_int_equal(e.n_tickets, 2);
    assert_string_equal(e.tickets[0].question[1].text,
                        "Рассчитайте объём выемки уступа высотой 12 м\n"
                        "при ширине заходки 15 м и длине блока 200 м.");
    assert_string_equal(e.tickets[1].question[0].text, "Вопрос второго билета.");
    exam_free(&e);
}

static void tickets_take_russian_kind_words(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, NULL, "tickets/russian-kinds.csv"), &e);
    assert_int_equal(e.tickets[0].question[0].kind, QUESTION_THEORY);
    assert_int_equal(e.tickets[0].question[1].kind, QUESTION_TASK);
    assert_int_equal(e.tickets[0].question[2].kind, QUESTION_THEORY);
    assert_int_equal(e.tickets[1].question[1].kind, QUESTION_TASK);
    exam_free(&e);
}

static void tickets_rows_apart_keep_their_order(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, NULL, "tickets/apart.csv"), &e);
    assert_int_equal(e.tickets[0].n_questions, 3);
    assert_string_equal(e.tickets[0].question[0].text, "Первый вопрос первого билета.");
    assert_string_equal(e.tickets[0].question[1].text, "Второй вопрос первого билета.");
    assert_string_equal(e.tickets[0].question[2].text, "Задача первого билета.");
    assert_int_equal(e.tickets[1].n_questions, 2);
    assert_string_equal(e.tickets[1].question[1].text, "Задача второго билета.");
    exam_free(&e);
}

static void tickets_separated_by_semicolons_load(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, NULL, "tickets/semicolon.csv"), &e);
    assert_string_equal(e.tickets[0].question[0].text, "Вопрос, с запятой.");
    assert_string_equal(e.tickets[1].question[0].text, "Вопрос; с точкой с запятой.");
    exam_free(&e);
}

static void tickets_separated_by_commas_load(void **state)
{
    (void)state;
    exam e;
    loads(assemble(NULL, NULL, "tickets/comma.csv"), &e);
    assert_string_equal(e.tickets[0].question[0].text, "Вопрос; с точкой с запятой, и запятой.");
    assert_int_equal(e.n_tickets, 2);
    exam_free(&e);
}

static void ticket_text_after_a_closing_quote_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/text-after-quote.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:4: field text: text follows a closing quote");
}

static void ticket_with_more_than_16_questions_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/too-many-questions.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:18: ticket 1 has more than 16 questions");
}

static void ticket_with_empty_text_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/empty-text.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:3: field text: empty");
}

static void ticket_number_must_be_a_whole_number(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/bad-number.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:3: field ticket: \"один\" is not a whole number");
}

static void ticket_kind_outside_the_words_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble(NULL, NULL, "tickets/bad-kind.csv"), BILET_EPARSE);
    assert_contains(msg, "/tickets.csv:2: field kind: unknown value \"вопрос-задача\" (q, task, "
                         "вопрос, задача)");
}

/* ---- exam.ini ---- */

static void exam_ini_line_longer_than_inih_reads_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/long-line.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:11: line is 433 bytes long; bilet reads lines of at most 198 "
                         "bytes (about 99 Cyrillic letters) — shorten it or split the list");
}

static void exam_ini_unknown_key_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/unknown-key.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:19: unknown key colour in [exam]");
}

static void exam_ini_bad_date_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/bad-date.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:8: field date: \"2026-02-30\" is not a date YYYY-MM-DD");
}

static void exam_ini_bad_enum_value_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/bad-form.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:5: field form: unknown value \"экзамен\" (exam, zachet, "
                         "diff_zachet, complex)");
}

static void exam_ini_without_a_required_key_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/missing-policy.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini: field policy is missing");
}

static void exam_ini_key_given_twice_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/duplicate-key.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:19: key room is given twice (first on line 10)");
}

static void exam_ini_unknown_section_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/unknown-section.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:19: section [extra] is unknown");
}

static void exam_ini_line_that_is_no_key_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/not-key-value.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:11: the line is neither a [section] nor `key = value`");
}

static void exam_ini_number_with_words_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/bad-number.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:13: field answer_minutes: \"90 мин\" is not a whole number");
}

static void exam_ini_list_goes_on_over_indented_lines(void **state)
{
    (void)state;
    exam e;
    loads(assemble("exam/list-continued.ini", NULL, NULL), &e);
    assert_int_equal(e.info.examiners.n, 4);
    assert_string_equal(e.info.examiners.item[2], "Кузнецов К.К.");
    assert_string_equal(e.info.examiners.item[3], "Смирнова С.С.");
    exam_free(&e);
}

static void exam_ini_indented_single_value_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/indented-scalar.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini:13: the line is indented, so it continues prep_minutes");
}

static void exam_ini_defaults_fill_what_is_left_out(void **state)
{
    (void)state;
    exam e;
    loads(assemble("exam/defaults.ini", "roster/bom.csv", NULL), &e);
    assert_int_equal(e.info.prep_minutes, 0);
    assert_int_equal(e.info.subgroups, 1);
    assert_int_equal(e.info.code, EXAM_CODE_BLIND);
    assert_int_equal(e.info.attempt, 1);
    assert_true(e.info.second_ticket);
    assert_string_equal(e.info.start, "");
    assert_string_equal(e.info.date, "2024-02-29");
    assert_int_equal(e.info.form, EXAM_FORM_ZACHET);
    exam_free(&e);
}

static void exam_ini_unknown_policy_lists_the_profiles(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/unknown-policy.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "/exam.ini: field policy: no profile \"school\" in");
    assert_contains(msg, "university");
}

static void exam_ini_policy_name_cannot_leave_the_folder(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/path-policy.ini", NULL, NULL), BILET_EPARSE);
    assert_contains(msg, "field policy: \"../../etc/passwd\" is not a profile name");
}

/* ---- the profile's rules ---- */

static void oral_exam_with_20_minutes_preparation_breaks_the_university_profile(void **state)
{
    (void)state;
    const char *dir = assemble("exam/oral-short-prep.ini", NULL, NULL);
    const char *msg = refused(dir, BILET_ERULE);
    char want[512];
    snprintf(want, sizeof want,
             "%s/exam.ini:12: prep_minutes = 20 is outside the university profile's oral "
             "preparation of 45–60 min (002 3.11, 001 3.8.6)",
             dir);
    assert_string_equal(msg, want);
}

static void written_exam_over_the_profile_limit_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/written-over.ini", NULL, NULL), BILET_ERULE);
    assert_contains(msg, "/exam.ini:13: answer_minutes = 200 is over the university profile's "
                         "written exam of at most 180 min (002 3.12)");
}

static void attempt_3_without_a_commission_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/attempt3-no-commission.ini", NULL, NULL), BILET_ERULE);
    assert_contains(msg, "/exam.ini:18: attempt = 3 is sat before a commission: commission lists 1 "
                         "name, the college profile needs at least 3, chair first (004 4.11)");
}

static void attempt_3_before_a_commission_of_three_loads(void **state)
{
    (void)state;
    exam e;
    loads(assemble("exam/attempt3-commission.ini", NULL, NULL), &e);
    assert_int_equal(e.info.attempt, 3);
    assert_int_equal(e.info.commission.n, 3);
    assert_string_equal(e.info.commission.item[0], "Иванов И.И.");
    exam_free(&e);
}

static void second_ticket_under_a_profile_without_the_penalty_loads(void **state)
{
    (void)state;
    /* The university profile waives the one-point penalty; the second ticket stays. */
    exam e;
    loads(assemble("exam/second-ticket-university.ini", NULL, NULL), &e);
    assert_true(e.info.second_ticket);
    assert_false(e.policy.second_ticket_penalty);
    exam_free(&e);
}

static void complex_exam_with_one_discipline_is_refused(void **state)
{
    (void)state;
    const char *msg = refused(assemble("exam/complex-one-discipline.ini", NULL, NULL), BILET_ERULE);
    assert_contains(msg, "/exam.ini:5: form = complex needs at least 2 disciplines (disciplines "
                         "lists 1)");
}

static void complex_exam_with_two_disciplines_loads(void **state)
{
    (void)state;
    exam e;
    loads(assemble("exam/complex-two-disciplines.ini", NULL, NULL), &e);
    assert_int_equal(e.info.form, EXAM_FORM_COMPLEX);
    assert_int_equal(e.info.disciplines.n, 2);
    assert_string_equal(e.info.disciplines.item[1], "Геология");
    exam_free(&e);
}

/* ---- policy profiles ---- */

static exam_policy shipped(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.ini", POLICIES, name);
    exam_policy p;
    bilet_err err = { { 0 } };
    bilet_status st = examdir_load_policy(path, &p, &err);
    if (st != BILET_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(st, BILET_OK);
    return p;
}

static void university_profile_has_the_figures_of_the_regulations(void **state)
{
    (void)state;
    exam_policy p = shipped("university");
    assert_string_equal(p.name, "university");
    assert_int_equal(p.oral_prep_min, 45);
    assert_int_equal(p.oral_prep_max, 60);
    assert_int_equal(p.oral_answer_max, 20);
    assert_int_equal(p.written_max, 180);
    assert_false(p.second_ticket_penalty);
    assert_int_equal(p.grading_deadline_days, 1);
    assert_true(p.grading_deadline_working);
    assert_int_equal(p.retention_years, 1);
    assert_int_equal(p.max_retakes, 2);
    assert_int_equal(p.commission_attempt, 3);
    assert_int_equal(p.commission_min, 3);
    assert_string_equal(p.clause_oral_prep, "002 3.11, 001 3.8.6");
}

static void college_profile_has_the_figures_of_the_regulations(void **state)
{
    (void)state;
    exam_policy p = shipped("college");
    assert_int_equal(p.oral_prep_min, 15);
    assert_int_equal(p.oral_prep_max, 20);
    assert_int_equal(p.oral_answer_max, 15);
    assert_int_equal(p.written_max, 240);
    assert_true(p.second_ticket_penalty);
    assert_int_equal(p.grading_deadline_days, 3);
    assert_false(p.grading_deadline_working);
    assert_int_equal(p.retention_years, 3);
    assert_int_equal(p.max_retakes, 2);
    assert_int_equal(p.commission_attempt, 3);
    assert_int_equal(p.commission_min, 3);
    assert_string_equal(p.clause_second_ticket, "004 3.23");
}

static void dpo_profile_has_the_figures_of_the_regulations(void **state)
{
    (void)state;
    exam_policy p = shipped("dpo");
    assert_int_equal(p.oral_prep_min, 45);
    assert_int_equal(p.oral_prep_max, 60);
    assert_int_equal(p.oral_answer_max, 15);
    assert_int_equal(p.written_max, 90);
    assert_false(p.second_ticket_penalty);
    assert_int_equal(p.grading_deadline_days, 1);
    assert_true(p.grading_deadline_working);
    assert_int_equal(p.retention_years, 1);
    assert_int_equal(p.max_retakes, 2);
    assert_int_equal(p.commission_attempt, 3);
    assert_int_equal(p.commission_min, 3);
    assert_string_equal(p.clause_retakes, "001 3.10.1.2");
}

static const char *bad_policy(const char *file)
{
    static bilet_err err;
    char path[512];
    snprintf(path, sizeof path, "%spolicies-bad/%s", DATA, file);
    exam_policy p;
    memset(&err, 0, sizeof err);
    assert_int_equal(examdir_load_policy(path, &p, &err), BILET_EPARSE);
    static const exam_policy zero;
    assert_memory_equal(&p, &zero, sizeof zero);
    return err.msg;
}

static void policy_with_unknown_key_is_refused(void **state)
{
    (void)state;
    assert_contains(bad_policy("unknown-key.ini"),
                    "/unknown-key.ini:18: unknown key max_retake in [policy]");
}

static void policy_with_missing_key_is_refused(void **state)
{
    (void)state;
    assert_contains(bad_policy("missing-key.ini"),
                    "/missing-key.ini: key written_max is missing from [policy]");
}

static void policy_whose_name_differs_from_its_file_is_refused(void **state)
{
    (void)state;
    assert_contains(bad_policy("name-mismatch.ini"),
                    "/name-mismatch.ini:8: field name: \"college\" differs from the file's name "
                    "(name-mismatch)");
}

static void policy_with_a_word_other_than_yes_or_no_is_refused(void **state)
{
    (void)state;
    assert_contains(bad_policy("bad-bool.ini"),
                    "/bad-bool.ini:13: field second_ticket_penalty: unknown value \"perhaps\" "
                    "(yes, no)");
}

static void policy_with_preparation_range_reversed_is_refused(void **state)
{
    (void)state;
    assert_contains(bad_policy("prep-range-reversed.ini"),
                    "/prep-range-reversed.ini:10: field oral_prep_max: 30 is below "
                    "oral_prep_min = 45");
}

/* ---- where the profiles are found ---- */

#define SEARCH DATA "policy-search/"

static const char *search(const char *exam_dir, const char *explicit_dir, const char *kiosk,
                          bilet_status want)
{
    static char out[512];
    static bilet_err err;
    memset(&err, 0, sizeof err);
    bilet_status st = examdir_find_policies(exam_dir, explicit_dir, kiosk, out, sizeof out, &err);
    if (st != want)
        print_error("%s: %s\n", bilet_status_name(st), err.msg);
    assert_int_equal(st, want);
    return st == BILET_OK ? out : err.msg;
}

static void policies_given_explicitly_come_first(void **state)
{
    (void)state;
    setenv("BILET_POLICIES", SEARCH "env", 1);
    assert_string_equal(search(SEARCH "tree/exam", SEARCH "explicit", SEARCH "kiosk", BILET_OK),
                        SEARCH "explicit");
}

static void policies_of_kiosk_ini_come_second(void **state)
{
    (void)state;
    setenv("BILET_POLICIES", SEARCH "env", 1);
    assert_string_equal(search(SEARCH "tree/exam", NULL, SEARCH "kiosk", BILET_OK), SEARCH "kiosk");
}

static void policies_of_the_environment_come_third(void **state)
{
    (void)state;
    setenv("BILET_POLICIES", SEARCH "env", 1);
    assert_string_equal(search(SEARCH "tree/exam", NULL, NULL, BILET_OK), SEARCH "env");
}

static void policies_beside_the_exam_directory_come_fourth(void **state)
{
    (void)state;
    unsetenv("BILET_POLICIES");
    assert_string_equal(search(SEARCH "tree/exam", NULL, SEARCH "no-such", BILET_OK),
                        SEARCH "tree/exam/../policies");
}

static void policies_given_explicitly_must_exist(void **state)
{
    (void)state;
    setenv("BILET_POLICIES", SEARCH "env", 1);
    assert_contains(search(SEARCH "tree/exam", SEARCH "no-such", NULL, BILET_ENOTFOUND),
                    "--policies " SEARCH "no-such: no such folder");
}

static void policies_found_nowhere_name_the_places_looked_at(void **state)
{
    (void)state;
    struct stat sb;
    if (stat(BILET_DATADIR_POLICIES, &sb) == 0)
        skip(); /* an installed bilet answers last; nothing to miss */
    unsetenv("BILET_POLICIES");
    const char *msg = search(SEARCH "explicit", NULL, NULL, BILET_ENOTFOUND);
    assert_contains(msg, "no policy profiles found");
    assert_contains(msg, SEARCH "explicit/../policies");
    assert_contains(msg, BILET_DATADIR_POLICIES);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(good_directory_loads_every_exam_ini_field, remove_scratch),
    cmocka_unit_test_teardown(good_directory_loads_students_and_tickets, remove_scratch),
    cmocka_unit_test_teardown(roster_empty_group_takes_the_exam_group, remove_scratch),
    cmocka_unit_test_teardown(roster_empty_extra_minutes_and_subgroup_take_defaults,
                              remove_scratch),
    cmocka_unit_test_teardown(roster_record_book_is_trimmed_and_found, remove_scratch),
    cmocka_unit_test_teardown(demo_exam_loads, remove_scratch),
    cmocka_unit_test_teardown(demo_oral_exam_loads, remove_scratch),
    cmocka_unit_test_teardown(missing_exam_directory_is_not_found, remove_scratch),
    cmocka_unit_test_teardown(missing_tickets_file_is_not_found, remove_scratch),
    cmocka_unit_test_teardown(roster_with_duplicate_record_book_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_with_unknown_status_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_with_unclosed_quote_names_the_line_where_it_opens,
                              remove_scratch),
    cmocka_unit_test_teardown(roster_with_missing_column_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_with_unknown_column_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_saved_by_russian_excel_loads_with_right_names, remove_scratch),
    cmocka_unit_test_teardown(tickets_saved_by_russian_excel_keep_multiline_text, remove_scratch),
    cmocka_unit_test_teardown(roster_in_utf8_with_bom_loads, remove_scratch),
    cmocka_unit_test_teardown(roster_status_words_ignore_case_spacing_and_yo, remove_scratch),
    cmocka_unit_test_teardown(roster_separated_by_semicolons_keeps_commas_in_names, remove_scratch),
    cmocka_unit_test_teardown(roster_without_students_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_subgroup_beyond_the_exam_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_extra_minutes_over_600_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_record_book_over_31_bytes_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_empty_record_book_is_refused, remove_scratch),
    cmocka_unit_test_teardown(roster_lines_count_blank_rows, remove_scratch),
    cmocka_unit_test_teardown(roster_name_with_a_line_break_is_refused, remove_scratch),
    cmocka_unit_test_teardown(tickets_lines_count_multiline_fields, remove_scratch),
    cmocka_unit_test_teardown(roster_bytes_neither_utf8_nor_windows_1251_are_refused,
                              remove_scratch),
    cmocka_unit_test_teardown(roster_damaged_utf8_is_refused_not_converted, remove_scratch),
    cmocka_unit_test_teardown(roster_saved_as_a_workbook_is_refused, remove_scratch),
    cmocka_unit_test_teardown(ticket_with_only_tasks_is_refused, remove_scratch),
    cmocka_unit_test_teardown(tickets_with_a_gap_name_the_missing_number, remove_scratch),
    cmocka_unit_test_teardown(ticket_multiline_quoted_text_keeps_its_newline, remove_scratch),
    cmocka_unit_test_teardown(tickets_take_russian_kind_words, remove_scratch),
    cmocka_unit_test_teardown(tickets_rows_apart_keep_their_order, remove_scratch),
    cmocka_unit_test_teardown(tickets_separated_by_semicolons_load, remove_scratch),
    cmocka_unit_test_teardown(tickets_separated_by_commas_load, remove_scratch),
    cmocka_unit_test_teardown(ticket_text_after_a_closing_quote_is_refused, remove_scratch),
    cmocka_unit_test_teardown(ticket_with_more_than_16_questions_is_refused, remove_scratch),
    cmocka_unit_test_teardown(ticket_with_empty_text_is_refused, remove_scratch),
    cmocka_unit_test_teardown(ticket_number_must_be_a_whole_number, remove_scratch),
    cmocka_unit_test_teardown(ticket_kind_outside_the_words_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_line_longer_than_inih_reads_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_unknown_key_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_bad_date_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_bad_enum_value_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_without_a_required_key_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_key_given_twice_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_unknown_section_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_line_that_is_no_key_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_number_with_words_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_list_goes_on_over_indented_lines, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_indented_single_value_is_refused, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_defaults_fill_what_is_left_out, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_unknown_policy_lists_the_profiles, remove_scratch),
    cmocka_unit_test_teardown(exam_ini_policy_name_cannot_leave_the_folder, remove_scratch),
    cmocka_unit_test_teardown(oral_exam_with_20_minutes_preparation_breaks_the_university_profile,
                              remove_scratch),
    cmocka_unit_test_teardown(written_exam_over_the_profile_limit_is_refused, remove_scratch),
    cmocka_unit_test_teardown(attempt_3_without_a_commission_is_refused, remove_scratch),
    cmocka_unit_test_teardown(attempt_3_before_a_commission_of_three_loads, remove_scratch),
    cmocka_unit_test_teardown(second_ticket_under_a_profile_without_the_penalty_loads,
                              remove_scratch),
    cmocka_unit_test_teardown(complex_exam_with_one_discipline_is_refused, remove_scratch),
    cmocka_unit_test_teardown(complex_exam_with_two_disciplines_loads, remove_scratch),
    cmocka_unit_test(university_profile_has_the_figures_of_the_regulations),
    cmocka_unit_test(college_profile_has_the_figures_of_the_regulations),
    cmocka_unit_test(dpo_profile_has_the_figures_of_the_regulations),
    cmocka_unit_test(policy_with_unknown_key_is_refused),
    cmocka_unit_test(policy_with_missing_key_is_refused),
    cmocka_unit_test(policy_whose_name_differs_from_its_file_is_refused),
    cmocka_unit_test(policy_with_a_word_other_than_yes_or_no_is_refused),
    cmocka_unit_test(policy_with_preparation_range_reversed_is_refused),
    cmocka_unit_test(policies_given_explicitly_come_first),
    cmocka_unit_test(policies_of_kiosk_ini_come_second),
    cmocka_unit_test(policies_of_the_environment_come_third),
    cmocka_unit_test(policies_beside_the_exam_directory_come_fourth),
    cmocka_unit_test(policies_given_explicitly_must_exist),
    cmocka_unit_test(policies_found_nowhere_name_the_places_looked_at),
};

BILET_TEST_MAIN(tests)
