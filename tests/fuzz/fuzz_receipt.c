/*
 * fuzz_receipt.c — the central's answer to a push as the kiosk reads it
 * (sync/client/receipt.c client_receipt_check), for the known-answer push of
 * tests/data/sync: two records, the batch id and the central key of central.seed.
 *
 * A receipt is read only after its signature verifies, so each input is checked twice: as
 * the whole answer, and as the receipt text, which the target signs with the test central
 * key and wraps as an answer, so that the fuzzer reaches the reading of the results. What
 * is checked beyond the common rules: nothing is acknowledged unless the receipt checks,
 * and never more records than were stored or duplicate before the first rejection.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "fuzz.h"
#include "record.h"

/* tests/data/sync/central.seed */
static const unsigned char seed[KEYS_SEED_BYTES] = {
    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50,
    0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60,
};
/* tests/data/sync/example-batch.id: the id over the hashes of the body's two records. */
static const char batch_hex[] = "2decd779dcbcf3ad10bb0ca75cb414d16caa653f1d931e5e45ebe833ce9cf1d1";
static const char *const record_hex[] = {
    "3115624d06358215ab7269b3d68a271ba05bb6f72b4fd5a37122358c5b25bb79",
    "294e5962387eaeabeb803cf622bebefc4fba0135d02a7a32694d226a498aa4be",
};
/* The records' seqs: 3 and 4, so that a receipt can report the gap 1..2 below them. */
enum { N_RECS = 2, FIRST_SEQ = 3 };

static void check(const char *text, size_t len, const keys_pair *central)
{
    unsigned char batch[KEYS_HASH_BYTES];
    unsigned char hash[N_RECS][KEYS_HASH_BYTES];
    client_record recs[N_RECS];
    client_result results[N_RECS];
    client_receipt out;
    bilet_err err = { { 0 } };
    fuzz_require(keys_hex_decode(batch_hex, batch, sizeof batch, NULL) == BILET_OK, "batch hex");
    for (size_t i = 0; i < N_RECS; i++) {
        fuzz_require(keys_hex_decode(record_hex[i], hash[i], sizeof hash[i], NULL) == BILET_OK,
                     "record hex");
        recs[i] = (client_record){ FIRST_SEQ + i, NULL, 0, hash[i], NULL };
    }
    memset(results, 0xa5, sizeof results);
    bilet_status st =
        client_receipt_check(text, len, central->pk, batch, recs, N_RECS, results, &out, &err);
    fuzz_check_result(st, &err);
    if (st != BILET_OK) {
        static const client_receipt zero;
        fuzz_require(memcmp(&out, &zero, sizeof out) == 0, "a receipt that fails acks nothing");
        fuzz_require(st == BILET_ENET || st == BILET_EBADSIG, "a bad receipt is ENET or EBADSIG");
        return;
    }
    size_t acked = 0;
    while (acked < N_RECS && results[acked].outcome != CLIENT_REJECTED)
        acked++;
    fuzz_require(out.acked == acked, "acked counts the leading stored or duplicate records");
    fuzz_require(out.stored + out.duplicate + out.rejected == N_RECS, "one result per record");
    for (size_t i = 0; i < N_RECS; i++)
        fuzz_require(memchr(results[i].reason, '\0', sizeof results[i].reason) &&
                         !memchr(results[i].reason, '\n', strlen(results[i].reason)),
                     "a reason is one NUL-terminated line");
    fuzz_require(out.gap_from < FIRST_SEQ, "a gap reported is below the batch");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static keys_pair *central; /* the fixed test key: made once, never changed */
    bilet_err err = { { 0 } };
    if (!central)
        fuzz_require(keys_pair_from_seed(seed, &central, &err) == BILET_OK, "the test key");

    check((const char *)data, size, central);

    /* The input as the receipt text, signed: jansson takes only UTF-8 without NUL. */
    json_t *receipt = json_stringn((const char *)data, size);
    if (!receipt)
        return 0;
    unsigned char sig[KEYS_SIG_BYTES];
    char sig_hex[2 * KEYS_SIG_BYTES + 1];
    record_sign(data, size, central, sig);
    keys_hex_encode(sig, sizeof sig, sig_hex, sizeof sig_hex, NULL);
    json_t *answer = json_pack("{s:o,s:s}", "receipt", receipt, "sig", sig_hex);
    char *text = json_dumps(answer, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(answer);
    fuzz_require(text != NULL, "jansson writes the wrapped answer");
    check(text, strlen(text), central);
    free(text);
    return 0;
}
