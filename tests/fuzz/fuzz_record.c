/*
 * fuzz_record.c — a record's bytes (sync/record record_parse), as a disk or a network
 * hands them over. Besides the common checks, two agreements are checked on every record
 * that parses:
 *   - the header fast path (record_header_prefix + record_check_fields, bilet verify's and
 *     the central's way) accepts it too whenever its bytes start with the header
 *     record_build writes;
 *   - record_build of what was parsed gives bytes that parse back to the same header and
 *     fields (what parse accepts, build can write).
 * And every input is also read as the fields after a fixed header: record_check_fields,
 * its plain path (record_fields_plain) and record_parse of header + input must agree —
 * the plain path may only say yes where jansson says yes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "record.h"

static bool same_fields(const record_view *a, const record_view *b)
{
    if (a->n_fields != b->n_fields || a->seq != b->seq || a->time != b->time ||
        strcmp(a->kiosk, b->kiosk) != 0 || strcmp(a->prev, b->prev) != 0 ||
        strcmp(a->exam, b->exam) != 0 || strcmp(a->type, b->type) != 0)
        return false;
    for (size_t i = 0; i < a->n_fields; i++) {
        const bilet_field *x = &a->fields[i], *y = &b->fields[i];
        if (strcmp(x->key, y->key) != 0 || x->kind != y->kind || x->i != y->i)
            return false;
        if (x->kind == BILET_FIELD_STR && strcmp(x->s, y->s) != 0)
            return false;
    }
    return true;
}

/* data read as the fields after a fixed header. */
static void as_fields(const uint8_t *data, size_t size)
{
    static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
    static char whole[RECORD_MAX_BYTES + 1];
    record_header h = { zeros, 1, zeros, 0, "e", "t" };
    size_t head_len = 0;
    fuzz_require(record_header_prefix(&h, whole, sizeof whole, &head_len, NULL) == BILET_OK,
                 "the fixed header");
    if (size > sizeof whole - head_len)
        return;
    memcpy(whole + head_len, data, size);
    bilet_err err = { { 0 } };
    record_view view;
    bool plain = record_fields_plain((const char *)data, size);
    bilet_status check = record_check_fields((const char *)data, size, head_len, &err);
    fuzz_check_result(check, &err);
    bilet_status parse = record_parse(whole, head_len + size, &view, &err);
    fuzz_check_result(parse, &err);
    record_view_free(&view);
    fuzz_require(!plain || parse == BILET_OK, "the plain path accepts only what jansson accepts");
    fuzz_require(!plain || check == BILET_OK, "record_check_fields accepts the plain form");
    fuzz_require((check == BILET_OK) == (parse == BILET_OK),
                 "record_check_fields and record_parse agree on the fields");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    record_view view, again;
    bilet_err err = { { 0 } };
    as_fields(data, size);
    bilet_status st = record_parse(data, size, &view, &err);
    fuzz_check_result(st, &err);
    if (st != BILET_OK) {
        fuzz_require(view.doc == NULL && view.n_fields == 0, "a failed parse owns nothing");
        return 0;
    }
    fuzz_require(view.v == RECORD_VERSION && view.seq >= 1 && view.time >= 0, "header in range");
    fuzz_require(record_is_hex64(view.kiosk) && record_is_hex64(view.prev), "header hex");

    record_header h = { view.kiosk, view.seq, view.prev, view.time, view.exam, view.type };
    static char head[RECORD_MAX_BYTES / 256];
    size_t head_len = 0;
    if (record_header_prefix(&h, head, sizeof head, &head_len, NULL) == BILET_OK &&
        head_len < size && memcmp(head, data, head_len) == 0) {
        bilet_status fast =
            record_check_fields((const char *)data + head_len, size - head_len, head_len, &err);
        fuzz_require(fast == BILET_OK, "record_check_fields accepts what record_parse accepts");
    }

    record_buf built = { NULL, 0, 0 };
    st = record_build(&h, view.fields, view.n_fields, &built, &err);
    fuzz_check_result(st, &err);
    fuzz_require(st == BILET_OK, "record_build writes what record_parse accepted");
    st = record_parse(built.data, built.len, &again, &err);
    fuzz_check_result(st, &err);
    fuzz_require(st == BILET_OK, "built bytes parse");
    fuzz_require(same_fields(&view, &again), "built bytes parse to the same record");
    record_view_free(&again);
    record_buf_free(&built);
    record_view_free(&view);
    return 0;
}
