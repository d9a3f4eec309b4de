/*
 * fuzz_package.c — a sealed exam package (sync/record/package.c, docs/package.md) as a
 * kiosk or the central store reads it from a file someone handed over: the envelope and
 * manifest through jansson, the signature, the sizes and KDF limits, and then the clear
 * exam.ini and roster.csv through the exam loader from memory (examdir_load_bytes), as
 * the kiosk does before the passphrase. A package that parses is signed by the key it
 * names; the sealed part is not opened (Argon2id per input would leave the fuzzer nothing
 * else to do — the unsealing is covered by test_package's known cases).
 */
#include <stdlib.h>
#include <string.h>

#include "examdir.h"
#include "fuzz.h"
#include "package.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    package p;
    bilet_err err = { { 0 } };
    bilet_status st = package_parse("fuzz.bilet", data, size, &p, &err);
    fuzz_check_result(st, &err);
    if (st != BILET_OK) {
        static const package zero;
        fuzz_require(memcmp(&p, &zero, sizeof p) == 0, "a failed parse zeroes the package");
        return 0;
    }
    fuzz_require(package_signed_by(&p, p.staff_pk), "a package that parses is signed by its key");
    fuzz_require(p.exam_ini && p.exam_ini[p.exam_ini_len] == '\0' && p.roster &&
                     p.roster[p.roster_len] == '\0',
                 "the clear files are NUL-terminated");
    fuzz_require(p.sealed && p.sealed_len > 0, "a package has a sealed part");

    const char *policies = getenv("BILET_POLICIES");
    if (policies) {
        examdir_bytes files = { p.exam_ini, p.exam_ini_len, p.roster, p.roster_len, NULL,
                                0,          p.n_tickets };
        exam ex;
        bilet_err lerr = { { 0 } };
        bilet_status lst = examdir_load_bytes("fuzz.bilet", &files, policies, &ex, &lerr);
        fuzz_check_result(lst, &lerr);
        if (lst == BILET_OK) {
            fuzz_require(ex.n_tickets == p.n_tickets, "the sealed ticket count is the exam's");
            exam_free(&ex);
        }
    }
    package_free(&p);
    return 0;
}
