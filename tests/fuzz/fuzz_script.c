/*
 * fuzz_script.c — the headless script language (kiosk/app/script.c): the input is a
 * script, cut into lines as the headless runner cuts them, and every line is parsed from
 * a buffer of exactly its length (no NUL after it), so a read past the line is caught.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static script_cmd cmd; /* 4 KiB of argument: off the stack */
    size_t at = 0;
    int lineno = 0;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
        char *line = malloc(len ? len : 1);
        fuzz_require(line != NULL, "out of memory");
        memcpy(line, data + at, len);
        bilet_err err = { { 0 } };
        bilet_status st = script_parse_line(line, len, ++lineno, &cmd, &err);
        free(line);
        fuzz_check_result(st, &err);
        if (st == BILET_OK) {
            fuzz_require(cmd.line == lineno, "the command keeps its line number");
            fuzz_require(memchr(cmd.key, '\0', sizeof cmd.key) &&
                             memchr(cmd.arg, '\0', sizeof cmd.arg),
                         "key and argument are NUL-terminated");
            fuzz_require(cmd.kind != SCRIPT_KEY || cmd.key[0] != '\0', "a key command has a key");
            fuzz_require(cmd.number >= 0, "numbers are not negative");
        }
        at += len;
    }
    return 0;
}
