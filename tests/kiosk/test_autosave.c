/*
 * test_autosave.c — the autosave tables (kiosk/store/answers.h) and the saver thread
 * (kiosk/app/autosave.h): typed text reads back as it was saved, the newest save wins,
 * the heartbeat is kept, the tables leave the signed record log alone, and the thread
 * makes a hand-over durable, also when it is stopped right after one.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "autosave.h"
#include "store.h"
#include "test_main.h"

typedef struct fixture {
    char dir[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bilet-autosave-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    bilet_err err = { { 0 } };
    char data[sizeof f->dir - 8];
    snprintf(data, sizeof data, "%.60s/data", f->dir);
    if (store_init_data_dir(data, &err) != BILET_OK)
        return -1;
    memcpy(f->dir, data, sizeof data);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[200];
    char *slash = strrchr(f->dir, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static store_answers *open_answers(const fixture *f)
{
    store_answers *a = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(store_answers_open(f->dir, &a, &err), BILET_OK);
    return a;
}

static const char answer[] = "Ответ студента Қазақ әліпбиі\nвторая строка";

static void saved_answer_reads_back_with_its_revision(void **state)
{
    store_answers *a = open_answers(*state);
    bilet_err err = { { 0 } };
    assert_int_equal(
        store_answers_save(a, "2026-12-GD-101", 3, 17, answer, strlen(answer), 1700000000, &err),
        BILET_OK);
    char *text = NULL;
    size_t len = 0;
    uint64_t rev = 0;
    assert_int_equal(store_answers_load(a, "2026-12-GD-101", 3, &text, &len, &rev, &err), BILET_OK);
    assert_int_equal(len, strlen(answer));
    assert_string_equal(text, answer);
    assert_int_equal(rev, 17);
    free(text);
    store_answers_close(a);
}

static void later_save_replaces_the_earlier_one(void **state)
{
    store_answers *a = open_answers(*state);
    bilet_err err = { { 0 } };
    assert_int_equal(store_answers_save(a, "E", 1, 1, "первый", strlen("первый"), 1, &err),
                     BILET_OK);
    assert_int_equal(store_answers_save(a, "E", 1, 2, "второй", strlen("второй"), 2, &err),
                     BILET_OK);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(store_answers_load(a, "E", 1, &text, &len, NULL, &err), BILET_OK);
    assert_string_equal(text, "второй");
    free(text);
    store_answers_close(a);
}

static void attempt_never_saved_is_not_found(void **state)
{
    store_answers *a = open_answers(*state);
    bilet_err err = { { 0 } };
    assert_int_equal(store_answers_save(a, "E", 1, 1, "x", 1, 1, &err), BILET_OK);
    char *text = (char *)"sentinel";
    size_t len = 9;
    assert_int_equal(store_answers_load(a, "E", 2, &text, &len, NULL, &err), BILET_ENOTFOUND);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_int_equal(store_answers_load(a, "other exam", 1, &text, &len, NULL, &err),
                     BILET_ENOTFOUND);
    store_answers_close(a);
}

static void heartbeat_keeps_the_last_time(void **state)
{
    store_answers *a = open_answers(*state);
    bilet_err err = { { 0 } };
    int64_t t = -1;
    assert_int_equal(store_answers_last_heartbeat(a, &t, &err), BILET_OK);
    assert_int_equal(t, 0);
    assert_int_equal(store_answers_heartbeat(a, 1700000000, &err), BILET_OK);
    assert_int_equal(store_answers_heartbeat(a, 1700000005, &err), BILET_OK);
    assert_int_equal(store_answers_last_heartbeat(a, &t, &err), BILET_OK);
    assert_int_equal(t, 1700000005);
    store_answers_close(a);
}

static void answer_tables_leave_the_record_log_verifying(void **state)
{
    fixture *f = *state;
    bilet_err err = { { 0 } };
    store_answers *a = open_answers(f);
    store *s = NULL;
    assert_int_equal(store_open(f->dir, &s, &err), BILET_OK);
    bilet_field fields[] = { bilet_field_str("record_book", "21-0001") };
    assert_int_equal(store_append(s, 1700000000, "E", "student_identified", fields, 1, NULL, &err),
                     BILET_OK);
    assert_int_equal(store_answers_save(a, "E", 1, 1, "текст", strlen("текст"), 1, &err), BILET_OK);
    assert_int_equal(store_append(s, 1700000001, "E", "ticket_drawn", fields, 1, NULL, &err),
                     BILET_OK);
    store_close(s);
    store_answers_close(a);
    /* Opening again (tables exist, schema version as store.c left it) changes nothing. */
    a = open_answers(f);
    store_answers_close(a);
    assert_int_equal(store_open(f->dir, &s, &err), BILET_OK);
    store_close(s);
    store_verify_report rep;
    assert_int_equal(store_verify(f->dir, &rep, &err), BILET_OK);
    assert_int_equal(rep.records, 2);
}

static char *dup_text(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void saver_makes_a_hand_over_durable(void **state)
{
    fixture *f = *state;
    bilet_err err = { { 0 } };
    autosave *as = NULL;
    assert_int_equal(autosave_start(open_answers(f), &as, &err), BILET_OK);
    assert_false(autosave_durable(as, 1, 1));
    autosave_submit(as, "E", 1, 1, dup_text("старый"), strlen("старый"));
    autosave_submit(as, "E", 1, 2, dup_text(answer), strlen(answer));
    bool durable = false;
    for (int i = 0; i < 1000 && !durable; i++) { /* 10 s: fsync on a loaded machine */
        durable = autosave_durable(as, 1, 2);
        if (!durable) {
            struct timespec ts = { 0, 10 * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    assert_true(durable);
    char problem[BILET_ERR_MAX];
    autosave_problem(as, problem, sizeof problem);
    assert_string_equal(problem, "");
    /* Read through another connection while the saver still runs. */
    store_answers *a = open_answers(f);
    char *text = NULL;
    size_t len = 0;
    uint64_t rev = 0;
    assert_int_equal(store_answers_load(a, "E", 1, &text, &len, &rev, &err), BILET_OK);
    assert_string_equal(text, answer);
    assert_int_equal(rev, 2);
    free(text);
    int64_t beat = 0;
    assert_int_equal(store_answers_last_heartbeat(a, &beat, &err), BILET_OK);
    assert_true(beat >= (int64_t)time(NULL) - 5);
    store_answers_close(a);
    autosave_stop(as);
}

static void stopping_the_saver_writes_the_pending_text(void **state)
{
    fixture *f = *state;
    bilet_err err = { { 0 } };
    autosave *as = NULL;
    assert_int_equal(autosave_start(open_answers(f), &as, &err), BILET_OK);
    autosave_submit(as, "E", 4, 9, dup_text("последнее слово"), strlen("последнее слово"));
    autosave_stop(as);
    store_answers *a = open_answers(f);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(store_answers_load(a, "E", 4, &text, &len, NULL, &err), BILET_OK);
    assert_string_equal(text, "последнее слово");
    free(text);
    store_answers_close(a);
}

static void answers_of_a_folder_without_database_are_not_found(void **state)
{
    (void)state;
    store_answers *a = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(store_answers_open("/nonexistent/bilet-data", &a, &err), BILET_ENOTFOUND);
    assert_null(a);
    assert_non_null(strstr(err.msg, "bilet.db"));
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(saved_answer_reads_back_with_its_revision, setup, teardown),
    cmocka_unit_test_setup_teardown(later_save_replaces_the_earlier_one, setup, teardown),
    cmocka_unit_test_setup_teardown(attempt_never_saved_is_not_found, setup, teardown),
    cmocka_unit_test_setup_teardown(heartbeat_keeps_the_last_time, setup, teardown),
    cmocka_unit_test_setup_teardown(answer_tables_leave_the_record_log_verifying, setup, teardown),
    cmocka_unit_test_setup_teardown(saver_makes_a_hand_over_durable, setup, teardown),
    cmocka_unit_test_setup_teardown(stopping_the_saver_writes_the_pending_text, setup, teardown),
    cmocka_unit_test(answers_of_a_folder_without_database_are_not_found),
};

BILET_TEST_MAIN(tests)
