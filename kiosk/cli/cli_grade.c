/*
 * cli_grade.c — `bilet grade`: records the grade of one sheet code at bilet-central
 * (POST /api/v1/grades, docs/grading.md), as a grader does from a terminal.
 *
 *   bilet grade --central URL --code CODE --grade G --by NAME [--reason TEXT] [--exam ID]
 *               [--token-file F] [--cacert F]
 *
 * G is 5 4 3 2 (or отлично … неудовлетворительно), pass/зачтено, fail/«не зачтено»,
 * absent/«не явился». Without --exam the exam is the one GET /api/v1/sheets/{code} names.
 * Changing a recorded grade needs --reason (the central refuses it otherwise). Prints one
 * line: code, exam, the grade as token and word, "graded" or "corrected", the record.
 * Exit status: 0 recorded; 2 bad usage or grade word; 1 the central refused (its words
 * on stderr) or could not be reached.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_staff.h"
#include "client_http.h"
#include "exam.h"
#include "grade.h"
#include "keys.h"
#include "sheetcode.h"
#include "text.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet grade --central URL --code CODE --grade G --by NAME [--reason TEXT]\n"
            "                   [--exam ID] [--token-file FILE] [--cacert FILE]\n\n"
            "Records the grade of one answer sheet, by its code, at bilet-central. The staff\n"
            "token comes from BILET_TOKEN or --token-file. A grade already recorded is changed\n"
            "only with --reason (a signed correction; the first grade stays on record).\n\n"
            "  --central URL      the central store (http(s)://host:port)\n"
            "  --code CODE        the sheet code (XXXX-XXXX; any case, hyphen optional)\n"
            "  --grade G          5, 4, 3, 2 (or отлично, хорошо, удовлетворительно,\n"
            "                     неудовлетворительно), pass/зачтено, fail/\"не зачтено\",\n"
            "                     absent/\"не явился\"\n"
            "  --by NAME          who graded (as the grading record names them)\n"
            "  --reason TEXT      why a recorded grade changes\n"
            "  --exam ID          the exam (default: the one the code belongs to)\n"
            "  --token-file FILE  the staff token on the first line of FILE\n"
            "  --cacert FILE      extra CA certificate(s) for HTTPS\n"
            "  -h, --help         this text\n");
}

typedef struct options {
    const char *central, *code, *grade, *by, *reason, *exam, *token_file, *cacert;
} options;

/* The central's words from {"error": "..."}, or the status alone. */
static void say_refused(const char *what, long status, const char *body, size_t len)
{
    json_t *doc = json_loadb(body, len, 0, NULL);
    const char *words = json_string_value(json_object_get(doc, "error"));
    fprintf(stderr, "bilet grade: %s: the central answered %ld%s%s\n", what, status,
            words ? ": " : "", words ? words : "");
    json_decref(doc);
}

/* Finds the exam of code; 0 with exam filled, else the exit status. */
static int find_exam(const options *o, const char *token, const char *code,
                     char exam_id[EXAM_ID_MAX])
{
    bilet_err err = { { 0 } };
    char *seg = client_http_escape(code);
    char path[256];
    snprintf(path, sizeof path, "/api/v1/sheets/%s", seg ? seg : "");
    free(seg);
    char *url = cli_staff_url(o->central, path);
    if (!url) {
        fprintf(stderr, "bilet grade: out of memory\n");
        return 1;
    }
    client_http_request rq = { "GET", url, token, NULL, NULL, 0, o->cacert };
    long status = 0;
    char *body = NULL;
    size_t len = 0;
    bilet_status st = client_http_request_send(&rq, &status, &body, &len, &err);
    free(url);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet grade: %s\n", err.msg);
        return st == BILET_EINVAL ? 2 : 1;
    }
    int rc = 0;
    json_t *doc = status == 200 ? json_loadb(body, len, 0, NULL) : NULL;
    const char *e = json_string_value(json_object_get(doc, "exam"));
    if (status == 409) {
        fprintf(stderr, "bilet grade: code %s belongs to several exams: give --exam ID\n", code);
        rc = 1;
    } else if (status != 200) {
        say_refused(code, status, body, len);
        rc = 1;
    } else if (!e || strlen(e) >= EXAM_ID_MAX) {
        fprintf(stderr, "bilet grade: the central's answer for %s names no exam\n", code);
        rc = 1;
    } else {
        snprintf(exam_id, EXAM_ID_MAX, "%s", e);
    }
    json_decref(doc);
    free(body);
    return rc;
}

static int post_grade(const options *o, const char *token, const char *code, const char *exam_id,
                      grade g)
{
    bilet_err err = { { 0 } };
    json_t *req = json_object();
    json_object_set_new(req, "exam", json_string(exam_id));
    json_object_set_new(req, "code", json_string(code));
    json_object_set_new(req, "grade", json_string(grade_token(g)));
    json_object_set_new(req, "by", json_string(o->by));
    if (o->reason)
        json_object_set_new(req, "reason", json_string(o->reason));
    char *text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(req);
    char *url = cli_staff_url(o->central, "/api/v1/grades");
    if (!text || !url) {
        free(text);
        free(url);
        fprintf(stderr, "bilet grade: out of memory\n");
        return 1;
    }
    client_http_request rq = {
        "POST", url, token, "application/json", text, strlen(text), o->cacert
    };
    long status = 0;
    char *body = NULL;
    size_t len = 0;
    bilet_status st = client_http_request_send(&rq, &status, &body, &len, &err);
    free(url);
    free(text);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet grade: %s\n", err.msg);
        return st == BILET_EINVAL ? 2 : 1;
    }
    int rc = 0;
    json_t *doc = status == 201 ? json_loadb(body, len, 0, NULL) : NULL;
    const char *record = json_string_value(json_object_get(doc, "record"));
    if (status != 201) {
        say_refused(code, status, body, len);
        rc = 1;
    } else {
        bool corrected = json_is_true(json_object_get(doc, "corrected"));
        printf("%s\t%s\t%s\t%s\t%s\t%s\n", code, exam_id, grade_token(g), grade_word(g),
               corrected ? "corrected" : "graded", record ? record : "-");
        if (fflush(stdout) != 0)
            rc = 1;
    }
    json_decref(doc);
    free(body);
    return rc;
}

int cli_grade(int argc, char **argv)
{
    static const struct option opts[] = {
        { "central", required_argument, NULL, 'C' },
        { "code", required_argument, NULL, 'c' },
        { "grade", required_argument, NULL, 'g' },
        { "by", required_argument, NULL, 'b' },
        { "reason", required_argument, NULL, 'r' },
        { "exam", required_argument, NULL, 'e' },
        { "token-file", required_argument, NULL, 't' },
        { "cacert", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    options o = { 0 };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'C':
            o.central = optarg;
            break;
        case 'c':
            o.code = optarg;
            break;
        case 'g':
            o.grade = optarg;
            break;
        case 'b':
            o.by = optarg;
            break;
        case 'r':
            o.reason = optarg;
            break;
        case 'e':
            o.exam = optarg;
            break;
        case 't':
            o.token_file = optarg;
            break;
        case 'a':
            o.cacert = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_getopt_error("grade", ":h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("grade", "unexpected argument '%s'", argv[optind]);
    if (!o.central || !o.code || !o.grade || !o.by)
        return cli_usage_error("grade", "--central, --code, --grade and --by are required");
    if (!o.by[0] || strlen(o.by) >= EXAM_TEXT_MAX || !text_utf8_valid(o.by, strlen(o.by)))
        return cli_usage_error("grade", "--by: a name of 1 to %d bytes", EXAM_TEXT_MAX - 1);
    if (o.reason && (!o.reason[0] || !text_utf8_valid(o.reason, strlen(o.reason))))
        return cli_usage_error("grade", "--reason: a text expected");
    if (o.exam && (!o.exam[0] || strlen(o.exam) >= EXAM_ID_MAX))
        return cli_usage_error("grade", "--exam %s: not an exam id", o.exam);

    bilet_err err = { { 0 } };
    grade g = GRADE_NONE;
    if (grade_parse(o.grade, &g, &err) != BILET_OK || g == GRADE_NOT_ADMITTED)
        return cli_usage_error("grade",
                               "--grade %s: not a grade (5, 4, 3, 2, pass, fail, "
                               "absent, or отлично … не явился)",
                               o.grade);
    char code[64];
    char canonical[SHEETCODE_SIZE];
    if (sheetcode_normalize(o.code, canonical, NULL) == BILET_OK)
        snprintf(code, sizeof code, "%s", canonical);
    else if (!text_trim_copy(o.code, code, sizeof code) || !code[0] ||
             !text_utf8_valid(code, strlen(code)))
        return cli_usage_error("grade", "--code %s: not a sheet code", o.code);

    char token[CLI_TOKEN_MAX];
    bilet_status st = cli_staff_token(o.token_file, token, &err);
    if (st != BILET_OK) {
        fprintf(stderr, "bilet grade: %s%s\n", err.msg,
                st == BILET_EINVAL ? " (see bilet grade --help)" : "");
        return 2;
    }
    char exam_id[EXAM_ID_MAX];
    int rc = 0;
    if (o.exam)
        snprintf(exam_id, sizeof exam_id, "%s", o.exam);
    else
        rc = find_exam(&o, token, code, exam_id);
    if (rc == 0)
        rc = post_grade(&o, token, code, exam_id, g);
    keys_wipe(token, sizeof token);
    return rc;
}
