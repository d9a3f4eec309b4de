/*
 * fuzz_exam_ini.c — exam.ini (kiosk/examdir/exam_ini.c) through inih and the loader's
 * line-length check, fed as a file on tmpfs. A file that loads must hold what the loader
 * promises: the defaults applied and every text NUL-terminated within its field.
 */
#include <string.h>

#include "examdir_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static exam_info info; /* 10 KiB: off the stack, rewritten by every load */
    bool given = false;
    bilet_err err = { { 0 } };
    const char *path = fuzz_file("exam.ini", data, size);
    bilet_status st = examdir_exam_ini_load(path, &info, &given, &err);
    fuzz_check_result(st, &err);
    if (st == BILET_OK) {
        fuzz_require(memchr(info.id, '\0', sizeof info.id) && info.id[0] != '\0',
                     "a loaded exam.ini has an exam id");
        fuzz_require(info.subgroups >= 1 && info.attempt >= 1 && info.attempt <= 3,
                     "subgroups and attempt in range");
        fuzz_require(info.examiners.n <= EXAM_LIST_MAX && info.commission.n <= EXAM_LIST_MAX &&
                         info.disciplines.n <= EXAM_LIST_MAX,
                     "lists within EXAM_LIST_MAX");
    } else {
        static const exam_info zero;
        fuzz_require(memcmp(&info, &zero, sizeof info) == 0, "a failed load zeroes its output");
    }
    return 0;
}
