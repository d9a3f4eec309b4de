/*
 * fuzz_bundle.c — the USB bundle as the central reads it off a stick (sync/central/batch.c
 * batch_bundle_read) and as the kiosk reads it back (sync/client/bundle.c
 * client_bundle_read, through a file on tmpfs).
 *
 * A bundle is signed, and both readers stop at a bad signature, so each input is read
 * twice: as the whole bundle file, and as the inner text, which the target signs with the
 * test kiosk key (tests/data/record/example.seed) and wraps as a bundle file, so that the
 * fuzzer reaches the records behind the signature. Both readers must agree on which
 * bundles are good and on their records.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "bundle.h"
#include "fuzz.h"

static const unsigned char seed[KEYS_SEED_BYTES] = {
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

typedef struct seen {
    const batch *central; /* what batch_bundle_read read; NULL when it refused the bundle */
    size_t n;             /* records client_bundle_read handed over */
} seen;

static bilet_status on_record(void *ctx, const unsigned char *bytes, size_t len,
                              const unsigned char sig[KEYS_SIG_BYTES], bilet_err *err)
{
    seen *s = ctx;
    (void)err;
    if (!s->central) {
        s->n++;
        return BILET_OK;
    }
    fuzz_require(s->n < s->central->n, "the kiosk reads no more records than the central");
    const batch_entry *e = &s->central->entries[s->n++];
    fuzz_require(e->len == len && memcmp(e->bytes, bytes, len) == 0 &&
                     memcmp(e->sig, sig, KEYS_SIG_BYTES) == 0,
                 "the kiosk and the central read the same records");
    return BILET_OK;
}

static void read_both(const char *text, size_t len)
{
    batch_bundle out;
    bilet_err err = { { 0 } };
    bilet_status st = batch_bundle_read(text, len, &out, &err);
    fuzz_check_result(st, &err);
    if (st != BILET_OK) {
        fuzz_require(out.records.n == 0 && out.records.entries == NULL,
                     "a failed read leaves no records");
    } else {
        fuzz_require(record_is_hex64(out.kiosk), "a bundle names its kiosk");
        for (size_t i = 0; i < out.records.n; i++) {
            const batch_entry *e = &out.records.entries[i];
            fuzz_require(!e->parsed || strcmp(e->kiosk, out.kiosk) == 0,
                         "a record of another kiosk is not taken");
            fuzz_require(e->parsed || e->verdict == BATCH_REJECTED, "unparsed means rejected");
        }
    }

    /* The kiosk's reader takes a path, and reads the file with jansson's own loader. */
    const char *path = fuzz_file("bundle.json", (const uint8_t *)text, len);
    unsigned char pk[KEYS_PUBLIC_BYTES];
    int64_t created = 0;
    seen s = { st == BILET_OK ? &out.records : NULL, 0 };
    bilet_err kerr = { { 0 } };
    bilet_status kst = client_bundle_read(path, pk, &created, on_record, &s, &kerr);
    fuzz_check_result(kst, &kerr);
    if (st == BILET_OK && kst == BILET_OK)
        fuzz_require(s.n == out.records.n && created == out.created,
                     "the kiosk and the central read the same bundle");
    /* The kiosk's reader leaves the records' own form to the central: it may take a bundle
     * the central refuses for a malformed record list, never one with a bad signature. */
    if (st == BILET_EBADSIG)
        fuzz_require(kst != BILET_OK, "a bundle the central finds forged the kiosk refuses");
    batch_free(&out.records);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static keys_pair *kp; /* the fixed test key: made once, never changed */
    bilet_err err = { { 0 } };
    if (!kp)
        fuzz_require(keys_pair_from_seed(seed, &kp, &err) == BILET_OK, "the test key");

    read_both((const char *)data, size);

    /* The input as the inner text, signed: jansson takes only UTF-8 without NUL. */
    json_t *inner = json_stringn((const char *)data, size);
    if (!inner)
        return 0;
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    record_sign(data, size, kp, sig);
    keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);
    json_t *file = json_pack("{s:o,s:s}", "bundle", inner, "sig", sig_hex);
    char *text = json_dumps(file, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(file);
    fuzz_require(text != NULL, "jansson writes the wrapped bundle");
    read_both(text, strlen(text));
    free(text);
    return 0;
}
