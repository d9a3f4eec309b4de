/*
 * fuzz_roster.c — roster.csv (kiosk/examdir/roster.c) through libcsv, the encoding
 * detection (UTF-8, BOM, Windows-1251 through iconv) and the column mapping, fed as a file
 * on tmpfs to an exam whose exam.ini set group ГД-21 and two subgroups.
 */
#include <string.h>

#include "examdir_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static exam e; /* off the stack; zeroed again below for every input */
    bilet_err err = { { 0 } };
    memset(&e, 0, sizeof e);
    memcpy(e.info.group, "ГД-21", sizeof "ГД-21");
    e.info.subgroups = 2;
    const char *path = fuzz_file("roster.csv", data, size);
    bilet_status st = examdir_roster_load(path, &e, &err);
    fuzz_check_result(st, &err);
    if (st == BILET_OK) {
        fuzz_require(e.n_students <= EXAM_STUDENTS_MAX, "at most EXAM_STUDENTS_MAX students");
        for (size_t i = 0; i < e.n_students; i++)
            fuzz_require(e.students[i].record_book[0] != '\0', "every student has a record book");
    } else {
        fuzz_require(e.students == NULL && e.n_students == 0, "a failed load keeps no students");
    }
    exam_free(&e);
    return 0;
}
