/*
 * fuzz_policy.c — a policy profile (kiosk/examdir/policy.c), fed as the file college.ini
 * on tmpfs (a profile's `name` must match its file's name, as the shipped college.ini's
 * does).
 */
#include <string.h>

#include "examdir.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exam_policy policy;
    bilet_err err = { { 0 } };
    const char *path = fuzz_file("college.ini", data, size);
    bilet_status st = examdir_load_policy(path, &policy, &err);
    fuzz_check_result(st, &err);
    if (st == BILET_OK) {
        fuzz_require(strcmp(policy.name, "college") == 0, "the profile's name is its file's");
    } else {
        static const exam_policy zero;
        fuzz_require(memcmp(&policy, &zero, sizeof policy) == 0, "a failed load zeroes its output");
    }
    return 0;
}
