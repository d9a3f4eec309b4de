/*
 * cli.h — the subcommands of `bilet`. Each takes argv from its own name on (argv[0] is
 * the subcommand), prints --help, and returns the process exit status of DESIGN.md:
 * 0 success, 1 a problem found or met, 2 bad input or usage (one clear line on stderr).
 */
#ifndef BILET_CLI_H
#define BILET_CLI_H

#include <stdio.h>

#include "status.h"

int cli_init(int argc, char **argv);
int cli_pin_hash(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_results(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_sync(int argc, char **argv);
int cli_sheet(int argc, char **argv);
int cli_scan(int argc, char **argv);
int cli_grade(int argc, char **argv);
int cli_pack(int argc, char **argv);
int cli_documents(int argc, char **argv);

/* Prints "bilet CMD: message" on stderr and returns the exit status for st. */
int cli_report(const char *cmd, bilet_status st, const bilet_err *err);

/* Prints a usage error (exit 2) naming the command. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The usage error (exit 2) for getopt_long's answer c outside a command's options, naming
 * argv[optind - 1]; short_opts is the option string given to getopt_long. When it starts
 * with ':', "needs a value" (c is ':') or "unknown option"; else one message for both, as
 * getopt_long answers '?' to either; without the name when opterr is set (getopt_long has
 * named the option on stderr already). */
int cli_getopt_error(const char *cmd, const char *short_opts, int c, char **argv);

/* Parses the options of a command that takes only --data DIR (and --help): returns -1 with
 * *dir set to go on, or the exit status to return (0 after --help, 2 on bad usage). */
int cli_parse_data_only(const char *cmd, int argc, char **argv, void (*print_usage)(FILE *out),
                        const char **dir);

#endif
