/*
 * cli_pin_hash.c — `bilet pin-hash`: reads an invigilator PIN from stdin and prints its
 * Argon2id string for kiosk.ini's pin_hash. One trailing newline ("\n" or "\r\n") is
 * stripped; the PIN itself is wiped from memory before the program goes on.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "keys.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bilet pin-hash < PIN-FILE\n\n"
            "Reads the invigilator PIN from standard input (one trailing newline is\n"
            "stripped; 1 to %d bytes, no control characters) and prints its Argon2id\n"
            "hash for kiosk.ini (pin_hash = ...). On a terminal the PIN is not echoed.\n\n"
            "  -h, --help   this text\n",
            KEYS_PIN_MAX);
}

/* Reads at most cap bytes of stdin into buf; *len is what was read, *more whether stdin
 * had more. Returns false on a read error. */
static bool read_stdin(char *buf, size_t cap, size_t *len, bool *more)
{
    *len = 0;
    *more = false;
    while (*len < cap) {
        ssize_t r = read(STDIN_FILENO, buf + *len, cap - *len);
        if (r < 0)
            return false;
        if (r == 0)
            return true;
        *len += (size_t)r;
        /* A terminal delivers a line at a time: the PIN ends with its newline. */
        if (buf[*len - 1] == '\n' && isatty(STDIN_FILENO))
            return true;
    }
    char extra;
    *more = read(STDIN_FILENO, &extra, 1) == 1;
    return true;
}

int cli_pin_hash(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        return cli_getopt_error("pin-hash", ":h", c, argv);
    }
    if (optind < argc)
        return cli_usage_error("pin-hash", "unexpected argument '%s' (the PIN comes on stdin)",
                               argv[optind]);

    /* Room for the longest PIN and its "\r\n". */
    char pin[KEYS_PIN_MAX + 2];
    char hash[KEYS_PWHASH_STR_MAX];
    size_t len = 0;
    bool more = false;
    int rc = 0;
    struct termios saved;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        struct termios quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        fputs("PIN: ", stderr);
    }
    bool ok = read_stdin(pin, sizeof pin, &len, &more);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputs("\n", stderr);
    }
    if (!ok) {
        rc = cli_usage_error("pin-hash", "cannot read the PIN from standard input");
        goto out_wipe;
    }
    if (len > 0 && pin[len - 1] == '\n') {
        len--;
        if (len > 0 && pin[len - 1] == '\r')
            len--;
    }
    if (more || len > KEYS_PIN_MAX) {
        rc = cli_usage_error("pin-hash", "the PIN is longer than %d bytes", KEYS_PIN_MAX);
        goto out_wipe;
    }
    if (len == 0) {
        rc = cli_usage_error("pin-hash", "the PIN is empty");
        goto out_wipe;
    }
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)pin[i] < 0x20 || pin[i] == 0x7f) {
            rc = cli_usage_error("pin-hash",
                                 "the PIN has a control character at byte %zu "
                                 "(only one trailing newline is stripped)",
                                 i + 1);
            goto out_wipe;
        }
    }

    bilet_err err = { { 0 } };
    bilet_status st = keys_pwhash_str(pin, len, hash, &err);
    keys_wipe(pin, sizeof pin);
    if (st != BILET_OK) {
        rc = cli_report("pin-hash", st, &err);
        goto out_wipe;
    }
    printf("%s\n", hash);

out_wipe:
    keys_wipe(pin, sizeof pin);
    return rc;
}
