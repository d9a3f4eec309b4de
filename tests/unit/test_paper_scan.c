/*
 * test_paper_scan.c — sheets and scanning in process (sync/paper): a sheet PDF rendered back
 * by the PDF reader carries a verifiable QR on every page; the QR search finds it turned
 * and misses it on a blank page; a batch keeps input order; sets tell present, missing and
 * doubled pages; the lines `bilet scan` prints have their six fields.
 */
#include "test_main.h"

#include <stdlib.h>
#include <unistd.h>

#include "exam.h"
#include "image.h"
#include "keys.h"
#include "payload.h"
#include "qrscan.h"
#include "scan.h"
#include "sheet.h"

static keys_pair *example_pair(void)
{
    unsigned char seed[KEYS_SEED_BYTES];
    for (int i = 0; i < KEYS_SEED_BYTES; i++)
        seed[i] = (unsigned char)(i + 1);
    keys_pair *kp = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(keys_pair_from_seed(seed, &kp, &err), BILET_OK);
    return kp;
}

static void demo_info(exam_info *in)
{
    memset(in, 0, sizeof *in);
    snprintf(in->id, sizeof in->id, "2026-12-GD-101");
    snprintf(in->discipline, sizeof in->discipline, "Технология горных работ");
    snprintf(in->group, sizeof in->group, "ГД-21");
    snprintf(in->date, sizeof in->date, "2026-12-20");
    snprintf(in->room, sizeof in->room, "214");
    snprintf(in->institution, sizeof in->institution, "МОГАПОУ «Горный техникум»");
}

/* Writes a PDF with one set into a fresh temporary folder; returns the PDF's path. */
static char *make_sheet(const keys_pair *kp, const sheet_set *set, int *pages)
{
    char *dir = strdup("/tmp/bilet-paper-XXXXXX");
    assert_non_null(mkdtemp(dir));
    size_t cap = strlen(dir) + 16;
    char *path = malloc(cap);
    snprintf(path, cap, "%s/s.pdf", dir);
    free(dir);
    exam_info in;
    demo_info(&in);
    bilet_err err = { { 0 } };
    sheet_doc *d = NULL;
    assert_int_equal(sheet_doc_create(path, kp, &d, &err), BILET_OK);
    if (sheet_doc_add(d, &in, set, pages, &err) != BILET_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(sheet_doc_finish(d, &err), BILET_OK);
    sheet_doc_destroy(d);
    return path;
}

static void remove_sheet(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

/* Reads page n of a PDF and returns its verified payload. */
static bilet_status scan_pdf_page(const char *path, int n, const keys_pair *kp, payload *p)
{
    image_reader *r = NULL;
    qrscan *q = NULL;
    bilet_err err = { { 0 } };
    image_grey g;
    char text[PAYLOAD_TEXT_MAX];
    size_t len;
    assert_int_equal(image_reader_create(&r, &err), BILET_OK);
    assert_int_equal(qrscan_create(&q, &err), BILET_OK);
    assert_int_equal(image_reader_read(r, path, IMAGE_PDF, n, &g, &err), BILET_OK);
    bilet_status st = qrscan_page(q, &g, text, sizeof text, &len, &err);
    image_grey_free(&g);
    if (st == BILET_OK) {
        payload_trust t = { 0 };
        assert_int_equal(payload_trust_add(&t, kp->pk, &err), BILET_OK);
        st = payload_verify(&t, text, len, p, &err);
    }
    qrscan_destroy(q);
    image_reader_destroy(r);
    return st;
}

static void every_page_of_a_blank_set_carries_its_signed_payload(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    sheet_set set = { .code = "4J42-XCS6", .pages = 3 };
    int pages = 0;
    char *path = make_sheet(kp, &set, &pages);
    assert_int_equal(pages, 3);
    image_kind kind;
    int n = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(image_probe(path, &kind, &n, &err), BILET_OK);
    assert_int_equal(kind, IMAGE_PDF);
    assert_int_equal(n, 3);
    for (int i = 1; i <= 3; i++) {
        payload p;
        assert_int_equal(scan_pdf_page(path, i, kp, &p), BILET_OK);
        assert_string_equal(p.exam, "2026-12-GD-101");
        assert_string_equal(p.code, "4J42-XCS6");
        assert_int_equal(p.page, i);
        assert_int_equal(p.pages, 3);
    }
    remove_sheet(path);
    keys_pair_destroy(kp);
}

static void typed_answer_flows_over_as_many_pages_as_it_needs(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    size_t cap = 40000;
    char *text = malloc(cap);
    size_t pos = 0;
    while (pos + 200 < cap)
        pos += (size_t)snprintf(text + pos, cap - pos,
                                "Крепость пород по шкале Протодьяконова: f = σсж / 10. ");
    exam_ticket t = { .number = 7, .n_questions = 2 };
    t.question[0] = (exam_question){ QUESTION_THEORY, "Классификация горных пород." };
    t.question[1] = (exam_question){ QUESTION_TASK, "Рассчитайте объём выемки." };
    sheet_set set = {
        .code = "4J42-XCS6", .answer = text, .ticket = &t, .attempt_id = "79b5562e-1"
    };
    int pages = 0;
    char *path = make_sheet(kp, &set, &pages);
    assert_true(pages >= 4);
    payload p;
    assert_int_equal(scan_pdf_page(path, pages, kp, &p), BILET_OK);
    assert_int_equal(p.page, pages);
    assert_int_equal(p.pages, pages);
    remove_sheet(path);
    free(text);
    keys_pair_destroy(kp);
}

static void sheet_refuses_a_set_without_code_or_with_too_many_pages(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    char dir[] = "/tmp/bilet-paper-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/s.pdf", dir);
    exam_info in;
    demo_info(&in);
    bilet_err err = { { 0 } };
    sheet_doc *d = NULL;
    assert_int_equal(sheet_doc_create(path, kp, &d, &err), BILET_OK);
    sheet_set none = { .code = "", .pages = 1 };
    assert_int_equal(sheet_doc_add(d, &in, &none, NULL, &err), BILET_EINVAL);
    sheet_set many = { .code = "4J42-XCS6", .pages = SHEET_PAGES_MAX + 1 };
    assert_int_equal(sheet_doc_add(d, &in, &many, NULL, &err), BILET_EINVAL);
    sheet_doc_destroy(d);
    unlink(path);
    rmdir(dir);
    keys_pair_destroy(kp);
}

/* Renders page 1 of a blank set to grey at 200 dpi. */
static void render_page(const keys_pair *kp, image_grey *g)
{
    sheet_set set = { .code = "4J42-XCS6", .pages = 1 };
    char *path = make_sheet(kp, &set, NULL);
    image_reader *r = NULL;
    bilet_err err = { { 0 } };
    assert_int_equal(image_reader_create(&r, &err), BILET_OK);
    assert_int_equal(image_reader_read(r, path, IMAGE_PDF, 1, g, &err), BILET_OK);
    image_reader_destroy(r);
    remove_sheet(path);
}

static void qr_is_found_on_a_page_turned_90_and_180_degrees(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    image_grey g;
    render_page(kp, &g);
    image_grey turned = { malloc((size_t)g.w * (size_t)g.h), g.h, g.w };
    for (int y = 0; y < g.h; y++) /* 90° clockwise */
        for (int x = 0; x < g.w; x++)
            turned.px[(size_t)x * (size_t)turned.w + (size_t)(g.h - 1 - y)] =
                g.px[(size_t)y * (size_t)g.w + (size_t)x];
    qrscan *q = NULL;
    bilet_err err = { { 0 } };
    char text[PAYLOAD_TEXT_MAX];
    size_t len;
    assert_int_equal(qrscan_create(&q, &err), BILET_OK);
    assert_int_equal(qrscan_page(q, &turned, text, sizeof text, &len, &err), BILET_OK);
    assert_true(payload_is_bilet(text, len));
    qrscan_stats s = qrscan_get_stats(q);
    assert_int_equal(s.first_corner, 1); /* landscape: the bottom-right corner comes first */
    size_t n = (size_t)g.w * (size_t)g.h;
    for (size_t i = 0; i < n / 2; i++) { /* 180° */
        unsigned char t = g.px[i];
        g.px[i] = g.px[n - 1 - i];
        g.px[n - 1 - i] = t;
    }
    assert_int_equal(qrscan_page(q, &g, text, sizeof text, &len, &err), BILET_OK);
    s = qrscan_get_stats(q);
    assert_int_equal(s.other_corner, 1);
    assert_int_equal(s.whole_page, 0);
    qrscan_destroy(q);
    image_grey_free(&turned);
    image_grey_free(&g);
    keys_pair_destroy(kp);
}

static void blank_page_has_no_qr(void **state)
{
    (void)state;
    image_grey g = { malloc(1654 * 2339), 1654, 2339 };
    memset(g.px, 255, 1654 * 2339);
    qrscan *q = NULL;
    bilet_err err = { { 0 } };
    char text[PAYLOAD_TEXT_MAX];
    size_t len = 7;
    assert_int_equal(qrscan_create(&q, &err), BILET_OK);
    assert_int_equal(qrscan_page(q, &g, text, sizeof text, &len, &err), BILET_ENOTFOUND);
    assert_int_equal(len, 0);
    assert_string_equal(text, "");
    assert_int_equal(qrscan_get_stats(q).not_found, 1);
    qrscan_destroy(q);
    image_grey_free(&g);
}

static void files_that_are_no_image_are_refused_by_name(void **state)
{
    (void)state;
    char path[] = "/tmp/bilet-paper-probe-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "hello, not a scan\n", 18), 18);
    close(fd);
    image_kind kind;
    int pages = 5;
    bilet_err err = { { 0 } };
    assert_int_equal(image_probe(path, &kind, &pages, &err), BILET_EPARSE);
    assert_non_null(strstr(err.msg, path));
    assert_int_equal(pages, 0);
    unlink(path);
    assert_int_equal(image_probe("/nonexistent/scan.png", &kind, &pages, &err), BILET_ENOTFOUND);
}

static void truncated_png_is_a_damaged_page(void **state)
{
    (void)state;
    char path[] = "/tmp/bilet-paper-png-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const unsigned char head[] = { 0x89, 'P', 'N',  'G', '\r', '\n', 0x1a, '\n',
                                          0,    0,   0,    13,  'I',  'H',  'D',  'R',
                                          0,    0,   0x10, 0,   0,    0,    0x10, 0 };
    assert_int_equal(write(fd, head, sizeof head), (ssize_t)sizeof head);
    close(fd);
    image_kind kind;
    int pages;
    bilet_err err = { { 0 } };
    assert_int_equal(image_probe(path, &kind, &pages, &err), BILET_OK);
    assert_int_equal(kind, IMAGE_PNG);
    image_reader *r = NULL;
    image_grey g;
    assert_int_equal(image_reader_create(&r, &err), BILET_OK);
    assert_int_equal(image_reader_read(r, path, kind, 1, &g, &err), BILET_EPARSE);
    assert_null(g.px);
    assert_non_null(strstr(err.msg, "PNG"));
    image_reader_destroy(r);
    /* In a batch it is an unreadable page, marked as a damaged image, not a failure. */
    scan_input in = { path, IMAGE_PNG, 1 };
    scan_job job = { .inputs = &in, .n_inputs = 1, .threads = 1 };
    scan_page *res = NULL;
    size_t n = 0;
    assert_int_equal(scan_run(&job, &res, &n, NULL, &err), BILET_OK);
    assert_int_equal(n, 1);
    assert_int_equal(res[0].verdict, SCAN_UNREADABLE);
    assert_true(res[0].damaged);
    assert_non_null(strstr(res[0].note, path));
    free(res);
    unlink(path);
}

static void batch_results_keep_input_order_on_two_threads(void **state)
{
    (void)state;
    keys_pair *kp = example_pair();
    sheet_set set = { .code = "4J42-XCS6", .pages = 4 };
    char *path = make_sheet(kp, &set, NULL);
    payload_trust t = { 0 };
    bilet_err err = { { 0 } };
    assert_int_equal(payload_trust_add(&t, kp->pk, &err), BILET_OK);
    scan_input in[2] = { { path, IMAGE_PDF, 4 }, { path, IMAGE_PDF, 4 } };
    scan_job job = { .inputs = in, .n_inputs = 2, .trust = &t, .threads = 2 };
    scan_page *pages = NULL;
    size_t n = 0;
    qrscan_stats stats;
    assert_int_equal(scan_run(&job, &pages, &n, &stats, &err), BILET_OK);
    assert_int_equal(n, 8);
    assert_int_equal(stats.pages, 8);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(pages[i].file, i / 4);
        assert_int_equal(pages[i].page, (int)(i % 4) + 1);
        assert_int_equal(pages[i].verdict, SCAN_OK);
        assert_int_equal(pages[i].p.page, (int)(i % 4) + 1);
    }
    scan_set *sets = NULL;
    size_t n_sets = 0;
    assert_int_equal(scan_sets(pages, n, &sets, &n_sets, &err), BILET_OK);
    assert_int_equal(n_sets, 1);
    char line[512];
    scan_format_set(&sets[0], line, sizeof line);
    assert_string_equal(
        line, "4J42-XCS6\t2026-12-GD-101\tpages 4\tpresent 1,2,3,4\tmissing -\tdoubled 1,2,3,4");
    free(sets);
    free(pages);
    remove_sheet(path);
    keys_pair_destroy(kp);
}

static scan_page ok_page(size_t file, const char *code, int page, int pages)
{
    scan_page p;
    memset(&p, 0, sizeof p);
    p.file = file;
    p.page = 1;
    p.verdict = SCAN_OK;
    snprintf(p.p.exam, sizeof p.p.exam, "E1");
    snprintf(p.p.code, sizeof p.p.code, "%s", code);
    p.p.page = page;
    p.p.pages = pages;
    return p;
}

static void sets_tell_present_missing_and_doubled_pages(void **state)
{
    (void)state;
    scan_page pages[6] = {
        ok_page(0, "AAAA-AAAA", 1, 3), ok_page(1, "BBBB-BBBB", 1, 1), ok_page(2, "AAAA-AAAA", 3, 3),
        ok_page(3, "AAAA-AAAA", 3, 3), ok_page(4, "CCCC-CCCC", 1, 2), ok_page(5, "AAAA-AAAA", 2, 3),
    };
    pages[4].verdict = SCAN_BAD_SIGNATURE; /* a bad page attaches to nothing */
    pages[5].verdict = SCAN_UNKNOWN_KEY;
    scan_set *sets = NULL;
    size_t n = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(scan_sets(pages, 6, &sets, &n, &err), BILET_OK);
    assert_int_equal(n, 2);
    char line[512];
    scan_format_set(&sets[0], line, sizeof line);
    assert_string_equal(line, "AAAA-AAAA\tE1\tpages 3\tpresent 1,3\tmissing 2\tdoubled 3");
    assert_true(scan_set_incomplete(&sets[0]));
    scan_format_set(&sets[1], line, sizeof line);
    assert_string_equal(line, "BBBB-BBBB\tE1\tpages 1\tpresent 1\tmissing -\tdoubled -");
    assert_false(scan_set_incomplete(&sets[1]));
    free(sets);
}

static void page_lines_have_six_tab_separated_fields(void **state)
{
    (void)state;
    scan_input in = { "scan\t1.png", IMAGE_PNG, 1 };
    scan_page p = ok_page(0, "AAAA-AAAA", 2, 3);
    char line[512];
    scan_format_page(&in, &p, line, sizeof line);
    assert_string_equal(line, "scan?1.png\t1\tAAAA-AAAA\t2/3\tE1\tok");
    p.verdict = SCAN_UNREADABLE;
    scan_format_page(&in, &p, line, sizeof line);
    assert_string_equal(line, "scan?1.png\t1\t-\t-\t-\tunreadable");
    memset(&p.p, 0, sizeof p.p);
    snprintf(p.p.code, sizeof p.p.code, "AAAA-AAAA");
    p.p.page = 4;
    p.verdict = SCAN_HAND_ENTERED;
    scan_format_page(&in, &p, line, sizeof line);
    assert_string_equal(line, "scan?1.png\t1\tAAAA-AAAA\t4/?\t-\thand-entered");
    scan_set *sets = NULL;
    size_t n = 0;
    bilet_err err = { { 0 } };
    assert_int_equal(scan_sets(&p, 1, &sets, &n, &err), BILET_OK);
    scan_format_set(&sets[0], line, sizeof line);
    assert_string_equal(line, "AAAA-AAAA\t-\tpages ?\tpresent 4\tmissing ?\tdoubled -");
    assert_false(scan_set_incomplete(&sets[0]));
    free(sets);
}

/* Each case runs in its own process under ctest; the font caches go with it. */
static int release_fonts(void **state)
{
    (void)state;
    sheet_release_fonts();
    return 0;
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(every_page_of_a_blank_set_carries_its_signed_payload, release_fonts),
    cmocka_unit_test_teardown(typed_answer_flows_over_as_many_pages_as_it_needs, release_fonts),
    cmocka_unit_test_teardown(sheet_refuses_a_set_without_code_or_with_too_many_pages,
                              release_fonts),
    cmocka_unit_test_teardown(qr_is_found_on_a_page_turned_90_and_180_degrees, release_fonts),
    cmocka_unit_test(blank_page_has_no_qr),
    cmocka_unit_test(files_that_are_no_image_are_refused_by_name),
    cmocka_unit_test(truncated_png_is_a_damaged_page),
    cmocka_unit_test_teardown(batch_results_keep_input_order_on_two_threads, release_fonts),
    cmocka_unit_test(sets_tell_present_missing_and_doubled_pages),
    cmocka_unit_test(page_lines_have_six_tab_separated_fields),
};
BILET_TEST_MAIN(tests)
