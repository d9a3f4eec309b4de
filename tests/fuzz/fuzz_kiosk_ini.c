/*
 * fuzz_kiosk_ini.c — a terminal's kiosk.ini (kiosk/examdir/kioskini.c), fed as a file on
 * tmpfs, so that relative paths resolve against a real folder.
 */
#include <string.h>

#include "fuzz.h"
#include "kioskini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kiosk_config cfg; /* 25 KiB of paths: off the stack */
    bilet_err err = { { 0 } };
    const char *path = fuzz_file("kiosk.ini", data, size);
    bilet_status st = kioskini_load(path, &cfg, &err);
    fuzz_check_result(st, &err);
    if (st == BILET_OK) {
        fuzz_require(cfg.pin_hash[0] != '\0', "a loaded kiosk.ini has its pin_hash");
        fuzz_require(kioskini_lang_valid(cfg.lang), "a loaded kiosk.ini has a known lang");
    } else {
        static const kiosk_config zero;
        fuzz_require(memcmp(&cfg, &zero, sizeof cfg) == 0, "a failed load zeroes its output");
    }
    return 0;
}
