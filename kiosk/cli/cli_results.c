/*
 * cli_results.c — `bilet results --data DIR [--format csv|json] [--exam ID]`: one row per
 * attempt recorded in a kiosk's log, with its attempt id (the kiosk key's first 8 hex
 * digits, a dash, the attempt number: unique across kiosks).
 */
#include <csv.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "event.h"
#include "record.h"
#include "results.h"
#include "store.h"

static const char usage_text[] =
    "usage: bilet results --data DIR [--format csv|json] [--exam ID]\n"
    "\n"
    "Lists every attempt recorded in the kiosk data folder DIR, one row each, in the order\n"
    "the students sat: attempt id, exam, record book, name, sheet code, ticket, outcome,\n"
    "grade, times. CSV (comma-separated, UTF-8, a header row) by default.\n";

typedef struct fold_ctx {
    results *table;
    const char *only_exam;
} fold_ctx;

static bilet_status fold(const store_record *rec, void *ctx_, bilet_err *err)
{
    fold_ctx *ctx = ctx_;
    const record_view *v = rec->view;
    if (ctx->only_exam && strcmp(v->exam, ctx->only_exam) != 0)
        return BILET_OK;
    if (event_type_parse(v->type) == EV_NONE)
        return BILET_OK; /* records of other parts (sheets, sync) */
    event ev;
    bilet_status st = event_from_fields(v->type, v->time, v->fields, v->n_fields, &ev, err);
    if (st != BILET_OK) {
        bilet_err_prefix(err, "record %llu: ", (unsigned long long)rec->seq);
        return st;
    }
    return results_add(ctx->table, v->exam, &ev, err);
}

static int print_csv(const results *table, const char *kiosk_hex)
{
    for (size_t c = 0; c < RESULTS_COLUMNS; c++) {
        if (c)
            fputc(',', stdout);
        csv_fwrite(stdout, results_columns[c], strlen(results_columns[c]));
    }
    fputc('\n', stdout);
    static char vals[RESULTS_COLUMNS][RESULTS_VALUE_MAX];
    for (size_t i = 0; i < table->n; i++) {
        results_row_values(&table->rows[i], kiosk_hex, record_time_text, vals);
        for (size_t c = 0; c < RESULTS_COLUMNS; c++) {
            if (c)
                fputc(',', stdout);
            csv_fwrite(stdout, vals[c], strlen(vals[c]));
        }
        fputc('\n', stdout);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

static int print_json(const results *table, const char *kiosk_hex)
{
    json_t *arr = json_array();
    static char vals[RESULTS_COLUMNS][RESULTS_VALUE_MAX];
    for (size_t i = 0; i < table->n && arr; i++) {
        const results_row *row = &table->rows[i];
        results_row_values(row, kiosk_hex, record_time_text, vals);
        json_t *o = json_object();
        for (size_t c = 0; c < RESULTS_COLUMNS; c++) {
            json_t *v = results_column_numeric(c) ? json_integer(strtoll(vals[c], NULL, 10))
                                                  : json_string(vals[c]);
            json_object_set_new(o, results_columns[c], v);
        }
        json_array_append_new(arr, o);
    }
    if (!arr)
        return 1;
    int rc = json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : 1;
    fputc('\n', stdout);
    json_decref(arr);
    return rc;
}

int cli_results(int argc, char **argv)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "format", required_argument, NULL, 'f' },
        { "exam", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL;
    const char *format = "csv";
    const char *only_exam = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'e':
            only_exam = optarg;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            return cli_getopt_error("results", "", c, argv);
        }
    }
    if (!data)
        return cli_usage_error("results", "--data DIR is required");
    if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("results", "--format must be csv or json, not \"%s\"", format);

    bilet_err err = { { 0 } };
    store *st = NULL;
    bilet_status rc = store_open(data, &st, &err);
    if (rc != BILET_OK)
        return cli_report("results", rc, &err);
    results table;
    results_init(&table);
    fold_ctx ctx = { &table, only_exam };
    rc = store_foreach(st, 1, fold, &ctx, &err);
    int exit_code;
    if (rc != BILET_OK)
        exit_code = cli_report("results", rc, &err);
    else if (strcmp(format, "json") == 0)
        exit_code = print_json(&table, store_kiosk_hex(st));
    else
        exit_code = print_csv(&table, store_kiosk_hex(st));
    results_free(&table);
    store_close(st);
    return exit_code;
}
