/*
 * fuzz_batch.c — the body of POST /api/v1/records (sync/central/batch.c batch_from_body),
 * the central's ingest path, both ways it reads a body: the byte-comparing fast path for
 * the compact form and jansson for every other layout.
 *
 * Every body that reads is also written out again by jansson twice — indented (jansson's
 * path) and compact (the fast path, when the keys are the contract's) — and all three
 * readings must give the same batch. Every entry is checked against record_parse of its
 * bytes: the header fast path accepts exactly what record_parse accepts, with the same
 * header values.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "fuzz.h"

/* An entry's verdict and header agree with record_parse of its bytes. */
static void check_entry(const batch_entry *e)
{
    unsigned char hash[KEYS_HASH_BYTES];
    record_hash(e->bytes, e->len, hash);
    fuzz_require(memcmp(hash, e->hash, sizeof hash) == 0, "the entry's hash is of its bytes");
    record_view view;
    bilet_err err = { { 0 } };
    bilet_status st = record_parse(e->bytes, e->len, &view, &err);
    if (st != BILET_OK) {
        fuzz_require(!e->parsed && e->verdict == BATCH_REJECTED && e->reason,
                     "a record record_parse refuses is rejected as malformed");
        return;
    }
    fuzz_require(e->parsed && e->verdict == BATCH_PENDING,
                 "a record record_parse accepts is parsed and waits for the store");
    fuzz_require(strcmp(view.kiosk, e->kiosk) == 0 && strcmp(view.prev, e->prev) == 0 &&
                     view.seq == e->seq && view.time == e->time && e->exam &&
                     strcmp(view.exam, e->exam) == 0 && strcmp(view.type, e->type) == 0,
                 "the entry's header is record_parse's");
    record_view_free(&view);
}

static bool same_entry(const batch_entry *a, const batch_entry *b)
{
    return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0 &&
           memcmp(a->sig, b->sig, sizeof a->sig) == 0 &&
           memcmp(a->hash, b->hash, sizeof a->hash) == 0 && a->parsed == b->parsed &&
           a->sig_ok == b->sig_ok && a->verdict == b->verdict &&
           (a->reason == NULL) == (b->reason == NULL) &&
           (!a->reason || strcmp(a->reason, b->reason) == 0) &&
           (!a->parsed ||
            (strcmp(a->kiosk, b->kiosk) == 0 && a->seq == b->seq && strcmp(a->prev, b->prev) == 0 &&
             a->time == b->time && strcmp(a->exam, b->exam) == 0 && strcmp(a->type, b->type) == 0));
}

/* Reads the body again as jansson writes doc with flags; it must give batch a. */
static void reread(json_t *doc, size_t flags, const batch *a)
{
    char *text = json_dumps(doc, flags | JSON_PRESERVE_ORDER);
    fuzz_require(text != NULL, "jansson writes what it read");
    batch b;
    bilet_err err = { { 0 } };
    bilet_status st = batch_from_body(text, strlen(text), &b, &err);
    fuzz_check_result(st, &err);
    fuzz_require(st == BILET_OK, "the same body in another layout reads too");
    fuzz_require(b.n == a->n, "the same body in another layout has as many records");
    for (size_t i = 0; i < a->n; i++)
        fuzz_require(same_entry(&a->entries[i], &b.entries[i]),
                     "the same body in another layout gives the same entries");
    batch_free(&b);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    batch b;
    bilet_err err = { { 0 } };
    bilet_status st = batch_from_body((const char *)data, size, &b, &err);
    fuzz_check_result(st, &err);
    if (st != BILET_OK) {
        fuzz_require(b.n == 0 && b.entries == NULL, "a failed read leaves the batch empty");
        return 0;
    }
    fuzz_require(b.n <= BATCH_MAX_RECORDS, "at most BATCH_MAX_RECORDS records");
    for (size_t i = 0; i < b.n; i++)
        check_entry(&b.entries[i]);
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    fuzz_require(doc != NULL, "a body that reads is valid JSON");
    reread(doc, JSON_INDENT(1), &b);
    reread(doc, JSON_COMPACT, &b);
    json_decref(doc);
    batch_free(&b);
    return 0;
}
