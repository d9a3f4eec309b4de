/*
 * main.c — `bilet-kiosk`: the exam-room terminal.
 *
 *   bilet-kiosk --config kiosk.ini --exam DIR [--data DIR] [--windowed] [--lang ru|kk|en]
 *               [--policies DIR]
 *   bilet-kiosk --config kiosk.ini --exam DIR [--data DIR] --headless --script FILE|-
 *               [--size WxH] [--trace FILE]
 *
 * Exit status: 0 the invigilator quit (F8 on the closed screen) or the script ended; 1 the
 * kiosk met a problem (disk, database, display); 2 bad usage, settings or exam (one line
 * naming the file, line and field), or a malformed script line; 3 a headless `expect`
 * failed. The real clock is read here and in the runtime only (and by the headless trace,
 * which stamps lines for crash tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "headless.h"
#include "i18n.h"
#include "runtime.h"
#include "window.h"

static const char usage_text[] =
    "usage: bilet-kiosk --config kiosk.ini --exam DIR [--data DIR] [--windowed]\n"
    "                   [--lang ru|kk|en] [--policies DIR]\n"
    "       bilet-kiosk --config kiosk.ini --exam DIR [--data DIR] --headless --script FILE|-\n"
    "                   [--size WxH] [--trace FILE]\n"
    "\n"
    "The exam-room terminal: identifies students by record-book number, draws tickets,\n"
    "times the periods, takes the typed answer and records every event, signed, in the\n"
    "data folder's bilet.db. A missing data folder is created as `bilet init` would.\n"
    "\n"
    "  --config FILE    the terminal's settings (kiosk.ini)\n"
    "  --exam DIR       the exam directory (exam.ini, roster.csv, tickets.csv, code.key),\n"
    "                   or a sealed package FILE.bilet signed by a key in kiosk.ini's trust\n"
    "  --data DIR       the data folder; overrides kiosk.ini's data\n"
    "  --windowed       an ordinary window instead of full screen\n"
    "  --lang L         the UI language: ru, kk or en (default: kiosk.ini's lang)\n"
    "  --policies DIR   the policy profiles (default: kiosk.ini's policies, $BILET_POLICIES,\n"
    "                   the exam's ../policies, the installed ones)\n"
    "  --headless       no display: render into memory and run --script\n"
    "  --script FILE    the headless script (- reads standard input)\n"
    "  --size WxH       the headless surface, default 1280x800\n"
    "  --trace FILE     headless: append a line per script command carried out (screen,\n"
    "                   clocks, deadline, answer length) for crash tests\n"
    "\n"
    "Exit status: 0 quit normally or the script ended, 1 a problem met, 2 bad usage,\n"
    "settings, exam or script line, 3 a headless expect failed.\n";

typedef struct options {
    runtime_config rc;
    bool windowed;
    bool headless;
    const char *script;
    const char *trace;
    int width, height;
} options;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bilet-kiosk: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see bilet-kiosk --help)\n");
    va_end(ap);
    return 2;
}

static bool parse_size(const char *s, int *w, int *h)
{
    char *end;
    errno = 0;
    long a = strtol(s, &end, 10);
    if (errno || end == s || (*end != 'x' && *end != 'X'))
        return false;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (errno || end == t || *end != '\0')
        return false;
    if (a < 320 || a > 7680 || b < 240 || b > 4320)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, options *o)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "exam", required_argument, NULL, 'e' },
        { "data", required_argument, NULL, 'd' },   { "windowed", no_argument, NULL, 'w' },
        { "lang", required_argument, NULL, 'l' },   { "policies", required_argument, NULL, 'p' },
        { "headless", no_argument, NULL, 'H' },     { "script", required_argument, NULL, 's' },
        { "size", required_argument, NULL, 'z' },   { "trace", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->rc.config_path = optarg;
            break;
        case 'e':
            o->rc.exam_path = optarg;
            break;
        case 'd':
            o->rc.data_dir = optarg;
            break;
        case 'w':
            o->windowed = true;
            break;
        case 'l':
            if (!i18n_language_valid(optarg))
                return usage_error("--lang %s: ru, kk or en", optarg);
            o->rc.lang = optarg;
            break;
        case 'p':
            o->rc.policies_dir = optarg;
            break;
        case 'H':
            o->headless = true;
            break;
        case 's':
            o->script = optarg;
            break;
        case 'z':
            if (!parse_size(optarg, &o->width, &o->height))
                return usage_error("--size %s: WIDTHxHEIGHT, e.g. 1920x1080", optarg);
            break;
        case 't':
            o->trace = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            return usage_error("unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!o->rc.config_path)
        return usage_error("%s", "--config kiosk.ini is required");
    if (!o->rc.exam_path)
        return usage_error("%s", "--exam DIR is required");
    if (o->headless && !o->script)
        return usage_error("%s", "--headless needs --script FILE (or - for standard input)");
    if (!o->headless && o->script)
        return usage_error("%s", "--script runs only with --headless");
    if (!o->headless && o->trace)
        return usage_error("%s", "--trace runs only with --headless");
    if (o->headless && o->windowed)
        return usage_error("%s", "--windowed and --headless exclude each other");
    return -1;
}

static int run_headless(runtime *rt, const options *o)
{
    FILE *script = stdin;
    if (strcmp(o->script, "-") != 0) {
        script = fopen(o->script, "r");
        if (!script) {
            fprintf(stderr, "bilet-kiosk: --script %s: %s\n", o->script, strerror(errno));
            return 2;
        }
    }
    int trace_fd = -1;
    if (o->trace) {
        trace_fd = open(o->trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (trace_fd < 0) {
            fprintf(stderr, "bilet-kiosk: --trace %s: %s\n", o->trace, strerror(errno));
            if (script != stdin)
                fclose(script);
            return 2;
        }
    }
    if (SDL_Init(0) != 0) {
        fprintf(stderr, "bilet-kiosk: SDL: %s\n", SDL_GetError());
        if (script != stdin)
            fclose(script);
        if (trace_fd >= 0)
            close(trace_fd);
        return 1;
    }
    headless_options ho = {
        .fonts_dir = runtime_fonts_dir(),
        .width = o->width,
        .height = o->height,
        .diag = stderr,
        .trace_fd = trace_fd,
    };
    bilet_err err = { { 0 } };
    int rc = headless_run(rt, script, &ho, &err);
    if (rc != 0)
        fprintf(stderr, "bilet-kiosk: %s\n", err.msg);
    if (script != stdin)
        fclose(script);
    if (trace_fd >= 0)
        close(trace_fd);
    SDL_Quit();
    return rc;
}

static int run_window(runtime *rt, const options *o)
{
    window_config wc = {
        .title = "bilet",
        .fonts_dir = runtime_fonts_dir(),
        .windowed = o->windowed,
        .width = o->width,
        .height = o->height,
    };
    bilet_err err = { { 0 } };
    bilet_status st = runtime_run_window(rt, &wc, &err);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet-kiosk: %s\n", err.msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C.UTF-8");
    /* A file-size limit (RLIMIT_FSIZE) must make a write fail, which the store reports and
     * retries, instead of ending the exam with SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);
    options o = { 0 };
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;

    bilet_err err = { { 0 } };
    runtime *rt = NULL;
    bilet_status st = runtime_open(&o.rc, &rt, &err);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet-kiosk: %s\n", err.msg);
        return runtime_status_is_bad_input(st) ? 2 : 1;
    }
    if (runtime_data_created(rt))
        fprintf(stderr,
                "bilet-kiosk: %s: a new data folder was created (kiosk.key, kiosk.pub, "
                "bilet.db), as `bilet init --data %s` would\n",
                runtime_data_dir(rt), runtime_data_dir(rt));
    st = i18n_init(runtime_locale_dir(), runtime_lang(rt), &err);
    if (st != BILET_OK)
        fprintf(stderr, "bilet-kiosk: warning: %s; the screens stay in English\n", err.msg);

    rc = o.headless ? run_headless(rt, &o) : run_window(rt, &o);
    if (runtime_flush(rt, &err) != BILET_OK) {
        fprintf(stderr, "bilet-kiosk: records are lost: %s\n", err.msg);
        rc = 1;
    }
    runtime_close(rt);
    return rc;
}
