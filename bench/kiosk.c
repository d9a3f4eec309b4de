/*
 * kiosk.c — bench_kiosk: what a keystroke costs the kiosk, from the key to a drawn frame,
 * at 1920 × 1080 with SDL's software renderer into a memory surface (the renderer the kiosk
 * uses, without a display).
 *
 * A written exam is built in memory and the session driven to the answer screen (F12, PIN
 * accepted, F1, identify, confirm, draw). Then, for answers of 1 000, 10 000 and 100 000
 * characters, it types KEYSTROKES characters at the end of the answer and as many in its
 * middle; each keystroke is ui_text + ui_frame + render_frame (flushed), and a second passes
 * every 5 keystrokes so that the clock is drawn anew as it would be. It also measures the
 * time from the process's start to the first frame drawn, and the peak RSS.
 *
 * Targets (DESIGN.md, "Figures"): 100 000-character keystroke ≤ 1.5 × the 1 000-character
 * one; median ≤ 4 ms, p99 ≤ 8 ms; first frame ≤ 200 ms; RSS ≤ 64 MiB. Exit status 1 when a
 * target is missed.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <SDL.h>

#include "draw.h"
#include "editor.h"
#include "render.h"
#include "session.h"
#include "text.h"
#include "ui.h"

enum {
    WIDTH = 1920,
    HEIGHT = 1080,
    KEYSTROKES = 400,
    WARMUP = 20,
    SIZES = 3,
};

static const size_t sizes[SIZES] = { 1000, 10000, 100000 };

#define T0 1766221200 /* 2025-12-20 09:00:00 UTC */

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Milliseconds since the process started: /proc/self/stat's start time is in clock ticks
 * since boot (10 ms steps), CLOCK_BOOTTIME the same clock now. -1 when unknown. */
static double ms_since_process_start(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return -1;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    unsigned long long start = 0;
    int field = 2;
    for (p++; *p && field < 22; p++)
        if (*p == ' ')
            field++;
    if (field != 22 || sscanf(p, "%llu", &start) != 1)
        return -1;
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    double now = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
    return now - (double)start * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

/* A line of /proc/self/status in KiB ("VmHWM"), or -1. */
static long status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* ---- an exam in memory ---- */

static uint32_t uniform_first(void *ctx, uint32_t upper)
{
    (void)ctx;
    (void)upper;
    return 0;
}

static const char *answer_of(void *ctx)
{
    return ui_answer_text(ctx);
}

static bilet_status code_of(void *ctx, const char *rb, char *out, size_t cap, bilet_err *err)
{
    (void)ctx;
    (void)err;
    snprintf(out, cap, "K7Q2-%.4s", rb);
    return BILET_OK;
}

static const char *const questions[3] = {
    "Требования безопасности при работе экскаватора: расстояние до бровки уступа, "
    "нахождение людей в зоне действия ковша, работа вблизи ЛЭП.",
    "Планово-предупредительные ремонты горного оборудования; техническое обслуживание "
    "экскаваторов и буровых станков.",
    "Площадь карьера по поверхности 1,2 км², максимальное суточное количество атмосферных "
    "осадков 60 мм, коэффициент стока 0,8. Определите объём ливневого притока в карьер за "
    "сутки и время его откачки тремя насосами подачей по 500 м³/ч.",
};

static bool build_exam(exam *e)
{
    memset(e, 0, sizeof *e);
    exam_info *in = &e->info;
    text_copy(in->id, sizeof in->id, "2026-12-GD-101");
    text_copy(in->discipline, sizeof in->discipline, "Технология горных работ");
    in->form = EXAM_FORM_EXAM;
    in->mode = EXAM_MODE_WRITTEN;
    text_copy(in->group, sizeof in->group, "ГД-21");
    text_copy(in->date, sizeof in->date, "2025-12-20");
    text_copy(in->start, sizeof in->start, "09:00");
    text_copy(in->room, sizeof in->room, "214");
    in->examiners.n = 1;
    text_copy(in->examiners.item[0], EXAM_TEXT_MAX, "Петров П.П.");
    in->answer_minutes = 240;
    in->subgroups = 1;
    in->attempt = 1;
    text_copy(in->institution, sizeof in->institution, "МОГАПОУ «Горный техникум»");
    text_copy(in->policy, sizeof in->policy, "college");
    text_copy(e->policy.name, sizeof e->policy.name, "college");
    e->students = calloc(1, sizeof *e->students);
    e->tickets = calloc(1, sizeof *e->tickets);
    if (!e->students || !e->tickets)
        return false;
    e->n_students = 1;
    exam_student *st = &e->students[0];
    text_copy(st->record_book, sizeof st->record_book, "21-0001");
    text_copy(st->full_name, sizeof st->full_name, "Әбілқасымов Нұрлан Серікұлы");
    text_copy(st->group, sizeof st->group, "ГД-21");
    st->status = STUDENT_ADMITTED;
    st->subgroup = 1;
    e->n_tickets = 1;
    e->tickets[0].number = 1;
    e->tickets[0].n_questions = 3;
    for (int q = 0; q < 3; q++) {
        e->tickets[0].question[q].kind = q < 2 ? QUESTION_THEORY : QUESTION_TASK;
        e->tickets[0].question[q].text = strdup(questions[q]);
        if (!e->tickets[0].question[q].text)
            return false;
    }
    return true;
}

static bool handle(session *s, session_intent_kind k, const char *text, bool ok, int64_t now)
{
    session_intent in = { .kind = k, .text = text, .ok = ok };
    session_events ev;
    bilet_err err = { { 0 } };
    if (session_handle(s, &in, now, &ev, &err) != BILET_OK) {
        fprintf(stderr, "bench_kiosk: session: %s\n", err.msg);
        return false;
    }
    return true;
}

/* An answer of n characters: Russian and Kazakh sentences, a paragraph every ~600. */
static char *make_answer(size_t n, size_t *len)
{
    static const char *const words[] = {
        "порода",   "уступ",   "карьер", "экскаватор", "бровка",  "откачка", "насос",   "приток",
        "объём",    "ковш",    "қазақ",  "тілі",       "әліпбиі", "жұмыс",   "өндіріс", "ұңғыма",
        "қауіпсіз", "техника", "расчёт", "высота",     "ширина",  "длина",   "блока",   "заходки",
    };
    size_t cap = n * 2 + 64, used = 0, chars = 0, w = 0;
    char *out = malloc(cap + 1);
    if (!out)
        return NULL;
    while (chars < n) {
        const char *word = words[(w * 7 + w / 5) % (sizeof words / sizeof words[0])];
        for (const char *p = word; *p && chars < n; chars++) {
            do /* one whole character */
                out[used++] = *p++;
            while (((unsigned char)*p & 0xC0) == 0x80);
        }
        if (chars < n) {
            out[used++] = (w % 97 == 96) ? '\n' : ' ';
            chars++;
        }
        w++;
    }
    out[used] = '\0';
    *len = used;
    return out;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct run {
    double median, p99, max;
    double misses_per_key; /* text runs rendered anew */
    double widths_per_key; /* text widths asked of SDL_ttf */
} run;

typedef struct bench {
    render_offscreen o;
    renderer *rd;
    ui_metrics m;
    ui *u;
    exam e;
    session s;
    draw_list dl;
    ui_status st;
    int64_t now;
} bench;

static bool keystroke(bench *b, const char *ch, double *ms)
{
    ui_action acts[UI_ACTIONS_MAX];
    bilet_err err = { { 0 } };
    double t0 = mono_ms();
    ui_text(b->u, &b->s, ch, b->now, acts);
    ui_frame(b->u, &b->s, &b->st, b->now, &b->dl);
    if (render_frame(b->rd, &b->dl, &err) != BILET_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", err.msg);
        return false;
    }
    SDL_RenderFlush(b->o.sdl);
    *ms = mono_ms() - t0;
    return true;
}

/* Types KEYSTROKES characters at the caret (placed at `at` bytes into the answer). */
static bool type_run(bench *b, size_t at, run *out)
{
    static double t[KEYSTROKES];
    editor *ed = ui_editor(b->u);
    editor_set_selection(ed, at, at);
    static const char *const keys[] = { "о", "т", "в", "е", "т", " ", "қ", "ә", "z", " " };
    double ms = 0;
    for (int i = 0; i < WARMUP; i++)
        if (!keystroke(b, keys[i % 10], &ms))
            return false;
    render_stats before, after;
    render_debug_stats(b->rd, &before);
    for (int i = 0; i < KEYSTROKES; i++) {
        if (i % 5 == 4)
            b->now++;
        if (!keystroke(b, keys[i % 10], &t[i]))
            return false;
    }
    render_debug_stats(b->rd, &after);
    qsort(t, KEYSTROKES, sizeof t[0], cmp_double);
    out->median = t[KEYSTROKES / 2];
    out->p99 = t[(KEYSTROKES * 99) / 100];
    out->max = t[KEYSTROKES - 1];
    out->misses_per_key = (double)(after.text_misses - before.text_misses) / KEYSTROKES;
    out->widths_per_key = (double)(after.width_misses - before.width_misses) / KEYSTROKES;
    return true;
}

static bool verdict(bool ok)
{
    printf("  %s\n", ok ? "ok" : "MISSED");
    return ok;
}

int main(void)
{
    double main_ms = mono_ms();
    setlocale(LC_ALL, "C.UTF-8");
    bench b;
    memset(&b, 0, sizeof b);
    bilet_err err = { { 0 } };
    b.now = T0;
    render_set_hints();
    if (render_offscreen_create(WIDTH, HEIGHT, &b.o, &err) != BILET_OK ||
        render_create(b.o.sdl, BILET_SOURCE_DIR "/fonts", &b.rd, &err) != BILET_OK ||
        draw_list_init(&b.dl, UI_DRAW_CMDS, UI_DRAW_ARENA, &err) != BILET_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", err.msg);
        return 1;
    }
    b.m = render_metrics(b.rd);
    if (!build_exam(&b.e)) {
        fprintf(stderr, "bench_kiosk: out of memory\n");
        return 1;
    }
    if (ui_create(&b.m, WIDTH, HEIGHT, "ru", &b.u, &err) != BILET_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", err.msg);
        return 1;
    }
    session_rng rng = { NULL, uniform_first };
    session_text txt = { b.u, answer_of };
    session_coder coder = { NULL, code_of };
    if (session_init(&b.s, &b.e, "ауд. 214, место 3", "00", false, rng, txt, coder, &err) !=
        BILET_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", err.msg);
        return 1;
    }
    b.st =
        (ui_status){ .kiosk_name = "ауд. 214, место 3", .store_problem = "", .answer_saved = true };
    ui_frame(b.u, &b.s, &b.st, b.now, &b.dl);
    if (render_frame(b.rd, &b.dl, &err) != BILET_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", err.msg);
        return 1;
    }
    SDL_RenderFlush(b.o.sdl);
    double first_from_start = ms_since_process_start();
    double first_from_main = mono_ms() - main_ms;

    if (!handle(&b.s, INTENT_INVIGILATOR, NULL, false, b.now) ||
        !handle(&b.s, INTENT_PIN, NULL, true, b.now) ||
        !handle(&b.s, INTENT_OPEN, b.e.info.date, false, b.now) ||
        !handle(&b.s, INTENT_IDENTIFY, "21-0001", false, b.now) ||
        !handle(&b.s, INTENT_CONFIRM, NULL, false, b.now) ||
        !handle(&b.s, INTENT_DRAW, NULL, false, b.now))
        return 1;
    if (b.s.screen != SCREEN_ANSWER) {
        fprintf(stderr, "bench_kiosk: the session is on %s, not answer\n",
                session_screen_name(b.s.screen));
        return 1;
    }
    ui_bind_attempt(b.u, b.s.attempt.id);

    run at_end[SIZES], in_middle[SIZES];
    for (int k = 0; k < SIZES; k++) {
        size_t len = 0;
        char *text = make_answer(sizes[k], &len);
        if (!text || editor_set_text(ui_editor(b.u), text, len, &err) != BILET_OK) {
            fprintf(stderr, "bench_kiosk: answer of %zu: %s\n", sizes[k], err.msg);
            return 1;
        }
        free(text);
        /* the middle: a character boundary near half the bytes */
        size_t mid = len / 2;
        if (!type_run(&b, len, &at_end[k]))
            return 1;
        editor_set_selection(ui_editor(b.u), mid, mid);
        size_t caret = editor_caret(ui_editor(b.u)); /* moved to a boundary */
        if (!type_run(&b, caret, &in_middle[k]))
            return 1;
    }

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long hwm = status_kib("VmHWM"), rss = status_kib("VmRSS");
    render_stats rs;
    render_debug_stats(b.rd, &rs);

    printf("bench_kiosk: %d × %d, software renderer into a memory surface, %d keystrokes a "
           "run (ui_text + ui_frame + render_frame), a clock tick every 5\n",
           WIDTH, HEIGHT, KEYSTROKES);
    printf("  %-22s %9s %9s %9s %12s %11s\n", "answer", "median ms", "p99 ms", "max ms",
           "renders/key", "widths/key");
    for (int k = 0; k < SIZES; k++) {
        const run *r[2] = { &at_end[k], &in_middle[k] };
        for (int j = 0; j < 2; j++)
            printf("  %6zu chars, %-9s %9.3f %9.3f %9.3f %12.2f %11.2f\n", sizes[k],
                   j ? "in middle" : "at end", r[j]->median, r[j]->p99, r[j]->max,
                   r[j]->misses_per_key, r[j]->widths_per_key);
    }
    bool ok = true;
    double worst_median = 0, worst_p99 = 0;
    for (int k = 0; k < SIZES; k++) {
        if (at_end[k].median > worst_median)
            worst_median = at_end[k].median;
        if (in_middle[k].median > worst_median)
            worst_median = in_middle[k].median;
        if (at_end[k].p99 > worst_p99)
            worst_p99 = at_end[k].p99;
        if (in_middle[k].p99 > worst_p99)
            worst_p99 = in_middle[k].p99;
    }
    double flat_end = at_end[SIZES - 1].median / at_end[0].median;
    double flat_mid = in_middle[SIZES - 1].median / in_middle[0].median;
    printf("  flatness, 100 000 / 1 000 chars (median): at end %.2f, in middle %.2f  "
           "target <= 1.50",
           flat_end, flat_mid);
    ok &= verdict(flat_end <= 1.5 && flat_mid <= 1.5);
    printf("  keystroke median, worst run: %.3f ms  target <= 4 ms", worst_median);
    ok &= verdict(worst_median <= 4.0);
    printf("  keystroke p99, worst run:    %.3f ms  target <= 8 ms", worst_p99);
    ok &= verdict(worst_p99 <= 8.0);
    printf("  first frame: %.0f ms from process start (%.1f ms from main)  target <= 200 ms",
           first_from_start, first_from_main);
    ok &= verdict(first_from_start >= 0 && first_from_start <= 200.0);
    printf("  peak RSS: %.1f MiB (ru_maxrss), VmHWM %.1f MiB, now %.1f MiB  target <= 64 MiB",
           (double)ru.ru_maxrss / 1024.0, (double)hwm / 1024.0, (double)rss / 1024.0);
    ok &= verdict(hwm >= 0 && hwm <= 64 * 1024 && ru.ru_maxrss <= 64 * 1024);
    printf("  renderer: %zu textures (%.1f MiB), %zu KiB of glyphs, %llu hits, %llu renders, "
           "%llu evictions, %llu failures, %llu fonts opened, %llu advances asked\n",
           rs.textures, (double)rs.texture_bytes / (1024.0 * 1024.0), rs.glyph_bytes / 1024,
           (unsigned long long)rs.text_hits, (unsigned long long)rs.text_misses,
           (unsigned long long)rs.text_evictions, (unsigned long long)rs.text_failures,
           (unsigned long long)rs.fonts_opened, (unsigned long long)rs.advance_misses);

    session_free(&b.s);
    ui_destroy(b.u);
    exam_free(&b.e);
    draw_list_free(&b.dl);
    render_destroy(b.rd);
    render_offscreen_free(&b.o);
    return ok ? 0 : 1;
}
