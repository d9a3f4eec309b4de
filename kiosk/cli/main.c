/*
 * main.c — `bilet`, the command line of the kiosk and the staff workstation: dispatches to
 * one subcommand per file (cli_*.c).
 */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

static const cli_command commands[] = {
    { "init", cli_init, "create the kiosk keypair and database in a data folder" },
    { "pin-hash", cli_pin_hash, "hash an invigilator PIN read from stdin (Argon2id)" },
    { "check", cli_check, "check an exam directory and print its summary" },
    { "results", cli_results, "list the attempts recorded in a data folder" },
    { "verify", cli_verify, "verify the signed record chain of a data folder" },
    { "sync", cli_sync, "push the outbox to the central store, or export a USB bundle" },
    { "sheet", cli_sheet, "print answer sheets (PDF) with a signed QR on every page" },
    { "scan", cli_scan, "read scanned answer sheets and check their QR codes" },
    { "grade", cli_grade, "record the grade of a sheet code at the central store" },
    { "pack", cli_pack, "seal an exam directory into a signed package (.bilet)" },
    { "documents", cli_documents,
      "print the ведомость, protocols and statistics of a locked exam" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: bilet COMMAND [OPTIONS]   (bilet COMMAND --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

int cli_report(const char *cmd, bilet_status st, const bilet_err *err)
{
    if (st == BILET_OK)
        return 0;
    fprintf(stderr, "bilet %s: %s\n", cmd, err && err->msg[0] ? err->msg : bilet_status_name(st));
    return bilet_status_exit_code(st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bilet %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see bilet %s --help)\n", cmd);
    va_end(ap);
    return 2;
}

int cli_getopt_error(const char *cmd, const char *short_opts, int c, char **argv)
{
    if (opterr) /* getopt_long has named the option on stderr already */
        return cli_usage_error(cmd, "unknown option");
    if (short_opts[0] != ':') /* getopt_long answers '?' to a missing value too */
        return cli_usage_error(cmd, "unknown option or missing value: %s", argv[optind - 1]);
    if (c == ':')
        return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
    return cli_usage_error(cmd, "unknown option %s", argv[optind - 1]);
}

int cli_parse_data_only(const char *cmd, int argc, char **argv, void (*print_usage)(FILE *out),
                        const char **dir)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    *dir = NULL;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            *dir = optarg;
            break;
        case 'h':
            print_usage(stdout);
            return 0;
        default:
            return cli_getopt_error(cmd, ":d:h", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!*dir || !(*dir)[0])
        return cli_usage_error(cmd, "--data DIR is required");
    return -1;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "C.UTF-8");
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "bilet: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
