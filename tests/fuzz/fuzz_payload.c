/*
 * fuzz_payload.c — the QR payload of an answer-sheet page (sync/paper/payload.c), as a
 * scanner reads it off paper. Parsing is strict, one spelling per payload, so whatever
 * parses must be exactly what payload_format writes for its values (up to the key id and
 * the signature, which belong to another key), and what verifies with the trusted test key
 * must be byte for byte what payload_format signs with it.
 */
#include <string.h>

#include "fuzz.h"
#include "keys.h"
#include "payload.h"

/* tests/data/record/example.seed: the key of the known-answer payloads. */
static const unsigned char seed[KEYS_SEED_BYTES] = {
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    payload p, v;
    bilet_err err = { { 0 } };
    static keys_pair *kp; /* the fixed test key: made once, never changed */
    if (!kp)
        fuzz_require(keys_pair_from_seed(seed, &kp, &err) == BILET_OK, "the test key");
    payload_trust trust;
    memset(&trust, 0, sizeof trust);
    fuzz_require(payload_trust_add(&trust, kp->pk, &err) == BILET_OK, "trust the test key");

    bilet_status st = payload_parse(text, size, &p, &err);
    fuzz_check_result(st, &err);
    bilet_status vst = payload_verify(&trust, text, size, &v, &err);
    fuzz_check_result(vst, &err);
    if (st != BILET_OK) {
        fuzz_require(vst == st, "verify fails as parse does");
        return 0;
    }
    fuzz_require(vst == BILET_OK || vst == BILET_EBADSIG || vst == BILET_ENOTFOUND,
                 "verify of a payload that parses says ok, bad signature or unknown key");
    fuzz_require(memcmp(&p, &v, sizeof p) == 0, "verify reads what parse reads");
    fuzz_require(p.page >= 1 && p.page <= p.pages && p.pages <= PAYLOAD_PAGES_MAX, "page n/N");
    fuzz_require(p.signed_len == size - PAYLOAD_SIG_LEN - 1, "the signature is the last part");

    char again[PAYLOAD_TEXT_MAX];
    size_t len = 0;
    st = payload_format(kp, p.exam, p.code, p.page, p.pages, again, &len, &err);
    fuzz_check_result(st, &err);
    fuzz_require(st == BILET_OK, "payload_format writes what payload_parse accepted");
    /* Everything before ":<key id>:<signature>" is spelt one way only. */
    size_t values = p.signed_len - PAYLOAD_KEYID_LEN - 1;
    fuzz_require(len == size && memcmp(again, text, values) == 0,
                 "a payload that parses is spelt as payload_format spells it");
    if (vst == BILET_OK)
        fuzz_require(memcmp(again, text, size) == 0,
                     "a payload that verifies is the one payload_format signs");
    return 0;
}
