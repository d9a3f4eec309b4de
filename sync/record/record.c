/*
 * record.c — record bytes (compact JSON in a fixed key order) via jansson; BLAKE2b-256
 * and Ed25519 via libsodium. docs/records.md is the specification this file implements.
 *
 * Invariants: record_build emits exactly the bytes docs/records.md describes (jansson
 * compact mode: no spaces, UTF-8 unescaped, keys in insertion order); record_parse accepts
 * only what record_build could have produced, up to the JSON encoding of strings, so that
 * one set of bytes has one meaning wherever it is read.
 */
#include "record.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

static const char *const header_keys[] = { "v", "kiosk", "seq", "prev", "time", "exam", "type" };
enum { HEADER_KEYS = sizeof header_keys / sizeof header_keys[0] };

void record_buf_free(record_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

bool record_is_hex64(const char *s)
{
    if (!s)
        return false;
    for (size_t i = 0; i < RECORD_HEX_LEN; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return s[RECORD_HEX_LEN] == '\0';
}

static bool is_header_key(const char *key)
{
    /* Every record's every field passes here on verification: look only at names whose
     * first letter starts a header key. */
    switch (key[0]) {
    case 'v':
        return key[1] == '\0';
    case 'k':
        return strcmp(key, "kiosk") == 0;
    case 's':
        return strcmp(key, "seq") == 0;
    case 'p':
        return strcmp(key, "prev") == 0;
    case 't':
        return strcmp(key, "time") == 0 || strcmp(key, "type") == 0;
    case 'e':
        return strcmp(key, "exam") == 0;
    default:
        return false;
    }
}

/* Field names and types: [a-z0-9_], 1..RECORD_KEY_MAX bytes; why says what is wrong. */
static bool name_ok(const char *key, const char **why)
{
    size_t len = 0;
    for (; key[len]; len++) {
        char c = key[len];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            *why = "has a character outside a-z, 0-9 and _";
            return false;
        }
        if (len >= RECORD_KEY_MAX) {
            *why = "is longer than 64 bytes";
            return false;
        }
    }
    if (len == 0) {
        *why = "is empty";
        return false;
    }
    return true;
}

static bool int_in_range(int64_t v)
{
    return v >= -RECORD_INT_MAX && v <= RECORD_INT_MAX;
}

/* json_object_set_new_nocheck steals value even on failure, so NULL values are caught
 * here and reported as the caller's. */
static bool put(json_t *obj, const char *key, json_t *value)
{
    return value && json_object_set_new_nocheck(obj, key, value) == 0;
}

static bilet_status build_doc(const record_header *h, const bilet_field *f, size_t n, json_t *o,
                              bilet_err *err)
{
    const char *why = NULL;
    if (!record_is_hex64(h->kiosk))
        return bilet_fail(err, BILET_EINVAL, "record header: kiosk is not 64 lowercase hex digits");
    if (!record_is_hex64(h->prev))
        return bilet_fail(err, BILET_EINVAL, "record header: prev is not 64 lowercase hex digits");
    if (h->seq < 1 || h->seq > (uint64_t)RECORD_INT_MAX)
        return bilet_fail(err, BILET_EINVAL, "record header: seq %llu out of range",
                          (unsigned long long)h->seq);
    if (h->time < 0 || h->time > RECORD_INT_MAX)
        return bilet_fail(err, BILET_EINVAL, "record header: time %lld out of range",
                          (long long)h->time);
    if (!h->exam)
        return bilet_fail(err, BILET_EINVAL, "record header: exam is NULL");
    if (!h->type || !name_ok(h->type, &why))
        return bilet_fail(err, BILET_EINVAL, "record header: type %s", h->type ? why : "is NULL");
    if (n > BILET_FIELDS_MAX)
        return bilet_fail(err, BILET_EINVAL, "record %s: %zu fields, at most %d", h->type, n,
                          BILET_FIELDS_MAX);

    if (!put(o, "v", json_integer(RECORD_VERSION)) || !put(o, "kiosk", json_string(h->kiosk)) ||
        !put(o, "seq", json_integer((json_int_t)h->seq)) || !put(o, "prev", json_string(h->prev)) ||
        !put(o, "time", json_integer(h->time)))
        return bilet_fail(err, BILET_ENOMEM, "out of memory building a record");
    if (!put(o, "exam", json_string(h->exam)))
        return bilet_fail(err, BILET_EINVAL, "record %s: exam id is not valid UTF-8", h->type);
    if (!put(o, "type", json_string(h->type)))
        return bilet_fail(err, BILET_ENOMEM, "out of memory building a record");

    for (size_t i = 0; i < n; i++) {
        const bilet_field *fi = &f[i];
        json_t *value = NULL;
        if (!fi->key)
            return bilet_fail(err, BILET_EINVAL, "record %s: field %zu has no name", h->type,
                              i + 1);
        if (!name_ok(fi->key, &why))
            return bilet_fail(err, BILET_EINVAL, "record %s: field name '%s' %s", h->type, fi->key,
                              why);
        if (is_header_key(fi->key) || json_object_get(o, fi->key) != NULL)
            return bilet_fail(err, BILET_EINVAL, "record %s: field '%s' is given twice", h->type,
                              fi->key);
        switch (fi->kind) {
        case BILET_FIELD_INT:
            if (!int_in_range(fi->i))
                return bilet_fail(err, BILET_EINVAL,
                                  "record %s: field '%s': %lld is beyond ±2^53-1", h->type, fi->key,
                                  (long long)fi->i);
            value = json_integer(fi->i);
            break;
        case BILET_FIELD_STR:
            if (!fi->s)
                return bilet_fail(err, BILET_EINVAL, "record %s: field '%s' is a NULL string",
                                  h->type, fi->key);
            value = json_string(fi->s);
            if (!value)
                return bilet_fail(err, BILET_EINVAL, "record %s: field '%s' is not valid UTF-8",
                                  h->type, fi->key);
            break;
        case BILET_FIELD_BOOL:
            value = fi->i ? json_true() : json_false();
            break;
        case BILET_FIELD_NULL:
            value = json_null();
            break;
        default:
            return bilet_fail(err, BILET_EINVAL, "record %s: field '%s' has an unknown kind %d",
                              h->type, fi->key, (int)fi->kind);
        }
        if (!put(o, fi->key, value))
            return bilet_fail(err, BILET_ENOMEM, "out of memory building a record");
    }
    return BILET_OK;
}

static bilet_status buf_reserve(record_buf *b, size_t need, bilet_err *err)
{
    if (b->cap >= need)
        return BILET_OK;
    size_t cap = b->cap ? b->cap : 512;
    while (cap < need)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data)
        return bilet_fail(err, BILET_ENOMEM, "out of memory for %zu record bytes", need);
    b->data = data;
    b->cap = cap;
    return BILET_OK;
}

bilet_status record_build(const record_header *h, const bilet_field *f, size_t n, record_buf *out,
                          bilet_err *err)
{
    const size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
    out->len = 0;
    json_t *o = json_object();
    if (!o)
        return bilet_fail(err, BILET_ENOMEM, "out of memory building a record");
    bilet_status st = build_doc(h, f, n, o, err);
    if (st != BILET_OK)
        goto out_decref;

    size_t need = json_dumpb(o, out->data, out->cap, flags);
    if (need == 0) {
        st = bilet_fail(err, BILET_ENOMEM, "record %s: could not encode", h->type);
        goto out_decref;
    }
    if (need > RECORD_MAX_BYTES) {
        st = bilet_fail(err, BILET_ETOOBIG, "record %s: %zu bytes, over the cap of %d", h->type,
                        need, RECORD_MAX_BYTES);
        goto out_decref;
    }
    if (need + 1 > out->cap) {
        st = buf_reserve(out, need + 1, err);
        if (st != BILET_OK)
            goto out_decref;
        if (json_dumpb(o, out->data, out->cap, flags) != need) {
            st = bilet_fail(err, BILET_ENOMEM, "record %s: could not encode", h->type);
            goto out_decref;
        }
    }
    out->data[need] = '\0';
    out->len = need;

out_decref:
    json_decref(o);
    return st;
}

/* Appends src[0..n) to out at *at if it fits (one byte is kept for the NUL). */
static bool put_bytes(char *out, size_t cap, size_t *at, const char *src, size_t n)
{
    if (n >= cap - *at)
        return false;
    memcpy(out + *at, src, n);
    *at += n;
    return true;
}

static bool put_str(char *out, size_t cap, size_t *at, const char *src)
{
    return put_bytes(out, cap, at, src, strlen(src));
}

/* Appends v in decimal, as jansson writes a non-negative integer. */
static bool put_u64(char *out, size_t cap, size_t *at, uint64_t v)
{
    char digits[24];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return put_bytes(out, cap, at, digits + n, sizeof digits - n);
}

bilet_status record_header_prefix(const record_header *h, char *out, size_t cap, size_t *len,
                                  bilet_err *err)
{
    const char *why = NULL;
    size_t at = 0;
    *len = 0;
    if (cap == 0)
        return bilet_fail(err, BILET_EINVAL, "record header: no room");
    out[0] = '\0';
    if (!record_is_hex64(h->kiosk) || !record_is_hex64(h->prev) || h->seq < 1 ||
        h->seq > (uint64_t)RECORD_INT_MAX || h->time < 0 || h->time > RECORD_INT_MAX || !h->exam ||
        !h->type || !name_ok(h->type, &why))
        return bilet_fail(err, BILET_EINVAL, "record header: not a valid header");
    size_t exam_len = strlen(h->exam);
    /* Only an exam id that JSON writes as it is fits a byte-for-byte comparison. */
    for (size_t i = 0; i < exam_len; i++) {
        unsigned char c = (unsigned char)h->exam[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return bilet_fail(err, BILET_EINVAL, "record header: exam id needs escapes");
    }
    if (!text_utf8_valid(h->exam, exam_len))
        return bilet_fail(err, BILET_EINVAL, "record header: exam id is not UTF-8");
    bool ok = put_str(out, cap, &at, "{\"v\":1,\"kiosk\":\"") &&
              put_bytes(out, cap, &at, h->kiosk, RECORD_HEX_LEN) &&
              put_str(out, cap, &at, "\",\"seq\":") && put_u64(out, cap, &at, h->seq) &&
              put_str(out, cap, &at, ",\"prev\":\"") &&
              put_bytes(out, cap, &at, h->prev, RECORD_HEX_LEN) &&
              put_str(out, cap, &at, "\",\"time\":") && put_u64(out, cap, &at, (uint64_t)h->time) &&
              put_str(out, cap, &at, ",\"exam\":\"") &&
              put_bytes(out, cap, &at, h->exam, exam_len) &&
              put_str(out, cap, &at, "\",\"type\":\"") && put_str(out, cap, &at, h->type) &&
              put_str(out, cap, &at, "\"");
    if (!ok) {
        out[0] = '\0';
        return bilet_fail(err, BILET_EINVAL, "record header: does not fit in %zu bytes", cap);
    }
    out[at] = '\0';
    *len = at;
    return BILET_OK;
}

void record_view_free(record_view *view)
{
    if (!view)
        return;
    json_decref(view->doc);
    memset(view, 0, sizeof *view);
}

static bilet_status header_int(json_t *value, const char *key, int64_t min, int64_t *out,
                               bilet_err *err)
{
    if (!json_is_integer(value))
        return bilet_fail(err, BILET_EPARSE, "record: '%s' is not an integer", key);
    json_int_t v = json_integer_value(value);
    if (v < min || v > RECORD_INT_MAX)
        return bilet_fail(err, BILET_EPARSE, "record: '%s' = %lld is out of range", key,
                          (long long)v);
    *out = v;
    return BILET_OK;
}

static bilet_status header_hex(json_t *value, const char *key, char out[RECORD_HEX_LEN + 1],
                               bilet_err *err)
{
    if (!json_is_string(value) || json_string_length(value) != RECORD_HEX_LEN ||
        !record_is_hex64(json_string_value(value)))
        return bilet_fail(err, BILET_EPARSE, "record: '%s' is not 64 lowercase hex digits", key);
    memcpy(out, json_string_value(value), RECORD_HEX_LEN + 1);
    return BILET_OK;
}

/* Fills the header part of view from the i-th key/value pair of the object. */
static bilet_status parse_header(size_t i, json_t *value, record_view *view, bilet_err *err)
{
    int64_t n = 0;
    bilet_status st = BILET_OK;
    const char *why = NULL;
    switch (i) {
    case 0:
        st = header_int(value, "v", 0, &n, err);
        if (st == BILET_OK && n != RECORD_VERSION)
            st = bilet_fail(err, BILET_EPARSE, "record: version %lld, this bilet reads %d",
                            (long long)n, RECORD_VERSION);
        view->v = (int)n;
        return st;
    case 1:
        return header_hex(value, "kiosk", view->kiosk, err);
    case 2:
        st = header_int(value, "seq", 1, &n, err);
        view->seq = (uint64_t)n;
        return st;
    case 3:
        return header_hex(value, "prev", view->prev, err);
    case 4:
        return header_int(value, "time", 0, &view->time, err);
    case 5:
        if (!json_is_string(value))
            return bilet_fail(err, BILET_EPARSE, "record: 'exam' is not a string");
        view->exam = json_string_value(value);
        return BILET_OK;
    case 6:
        if (!json_is_string(value))
            return bilet_fail(err, BILET_EPARSE, "record: 'type' is not a string");
        if (!name_ok(json_string_value(value), &why))
            return bilet_fail(err, BILET_EPARSE, "record: 'type' %s", why);
        view->type = json_string_value(value);
        return BILET_OK;
    }
    return bilet_fail(err, BILET_EPARSE, "record: header key %zu unexpected", i);
}

static bilet_status parse_field(const char *key, json_t *value, bilet_field *f, bilet_err *err)
{
    const char *why = NULL;
    if (!name_ok(key, &why))
        return bilet_fail(err, BILET_EPARSE, "record: field name '%.64s' %s", key, why);
    if (is_header_key(key))
        return bilet_fail(err, BILET_EPARSE, "record: header key '%s' out of place", key);
    f->key = key;
    f->i = 0;
    f->s = NULL;
    switch (json_typeof(value)) {
    case JSON_INTEGER:
        f->kind = BILET_FIELD_INT;
        f->i = json_integer_value(value);
        if (!int_in_range(f->i))
            return bilet_fail(err, BILET_EPARSE, "record: field '%s' is beyond ±2^53-1", key);
        return BILET_OK;
    case JSON_STRING:
        f->kind = BILET_FIELD_STR;
        f->s = json_string_value(value);
        return BILET_OK;
    case JSON_TRUE:
    case JSON_FALSE:
        f->kind = BILET_FIELD_BOOL;
        f->i = json_is_true(value);
        return BILET_OK;
    case JSON_NULL:
        f->kind = BILET_FIELD_NULL;
        return BILET_OK;
    case JSON_REAL:
        return bilet_fail(err, BILET_EPARSE, "record: field '%s' is a real number", key);
    case JSON_OBJECT:
    case JSON_ARRAY:
        return bilet_fail(err, BILET_EPARSE, "record: field '%s' is nested (object or array)", key);
    }
    return bilet_fail(err, BILET_EPARSE, "record: field '%s' has an unknown type", key);
}

bilet_status record_parse(const void *bytes, size_t len, record_view *out, bilet_err *err)
{
    const char *b = bytes;
    json_error_t jerr;
    bilet_status st = BILET_OK;
    memset(out, 0, sizeof *out);

    if (len > RECORD_MAX_BYTES)
        return bilet_fail(err, BILET_ETOOBIG, "record: %zu bytes, over the cap of %d", len,
                          RECORD_MAX_BYTES);
    /* Record bytes never carry white space around the object; refusing it keeps one
     * record one byte string. */
    if (len < 2 || b[0] != '{' || b[len - 1] != '}')
        return bilet_fail(err, BILET_EPARSE, "record: not a JSON object from first to last byte");
    json_t *doc = json_loadb(b, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return bilet_fail(err, BILET_EPARSE, "record: not valid JSON: %s (byte %d)", jerr.text,
                          jerr.position);
    if (!json_is_object(doc)) {
        st = bilet_fail(err, BILET_EPARSE, "record: not a JSON object");
        goto out_fail;
    }
    out->doc = doc;

    size_t i = 0;
    for (void *it = json_object_iter(doc); it; it = json_object_iter_next(doc, it), i++) {
        const char *key = json_object_iter_key(it);
        json_t *value = json_object_iter_value(it);
        if (i < HEADER_KEYS) {
            if (strcmp(key, header_keys[i]) != 0) {
                st = bilet_fail(err, BILET_EPARSE, "record: key %zu is '%.64s', expected '%s'",
                                i + 1, key, header_keys[i]);
                goto out_fail;
            }
            st = parse_header(i, value, out, err);
        } else if (out->n_fields >= BILET_FIELDS_MAX) {
            st = bilet_fail(err, BILET_EPARSE, "record: more than %d fields", BILET_FIELDS_MAX);
        } else {
            st = parse_field(key, value, &out->fields[out->n_fields], err);
            out->n_fields++;
        }
        if (st != BILET_OK)
            goto out_fail;
    }
    if (i < HEADER_KEYS) {
        st = bilet_fail(err, BILET_EPARSE, "record: header key '%s' is missing", header_keys[i]);
        goto out_fail;
    }
    return BILET_OK;

out_fail:
    json_decref(doc);
    memset(out, 0, sizeof *out);
    return st;
}

/* ---- the fields in their plain form, without jansson ----
 * The bytes record_build writes for the usual fields are recognised byte by byte: each
 * member `,"name":value` with a name of [a-z0-9_], and a value that is a string of UTF-8
 * with no \u escape, an integer in digits, true, false or null; no white space; the
 * closing brace last. Only a yes is trusted: whatever deviates in any byte (a \u escape,
 * white space, a real number, a header name, a repeated name, bad UTF-8, more than
 * BILET_FIELDS_MAX) is read by jansson, which also says what is wrong. Reading the fields
 * through jansson cost the central nearly a tenth of its overhead over the signature
 * checks (docs/decisions.md); tests/fuzz/fuzz_record.c checks that both ways agree. */

/* The string from just after its opening quote; *pp moves past its closing quote. */
static bool plain_string(const char **pp, const char *end)
{
    const char *p = *pp;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            *pp = p + 1;
            return true;
        }
        if (c == '\\') {
            if (end - p < 2 || p[1] == '\0' || !strchr("\"\\/bfnrt", p[1]))
                return false;
            p += 2;
        } else if (c < 0x20) {
            return false;
        } else if (c < 0x80) {
            p++;
        } else {
            uint32_t cp;
            size_t n = text_utf8_decode(p, (size_t)(end - p), &cp);
            if (n == 0)
                return false;
            p += n;
        }
    }
    return false;
}

/* An integer within ±RECORD_INT_MAX, in the digits jansson reads as an integer. */
static bool plain_integer(const char **pp, const char *end)
{
    const char *p = *pp;
    if (p < end && *p == '-')
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return false;
    if (*p == '0') {
        p++;
    } else {
        uint64_t v = 0;
        for (int digits = 0; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
            if (digits == 16)
                return false;
            v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v > (uint64_t)RECORD_INT_MAX)
            return false;
    }
    *pp = p;
    return true;
}

static bool plain_literal(const char **pp, const char *end, const char *word, size_t n)
{
    if ((size_t)(end - *pp) < n || memcmp(*pp, word, n) != 0)
        return false;
    *pp += n;
    return true;
}

static bool plain_value(const char **pp, const char *end)
{
    const char *p = *pp;
    if (p >= end)
        return false;
    switch (*p) {
    case '"':
        *pp = p + 1;
        return plain_string(pp, end);
    case 't':
        return plain_literal(pp, end, "true", 4);
    case 'f':
        return plain_literal(pp, end, "false", 5);
    case 'n':
        return plain_literal(pp, end, "null", 4);
    default:
        return plain_integer(pp, end);
    }
}

static bool is_header_name(const char *name, size_t n)
{
    for (size_t i = 0; i < HEADER_KEYS; i++)
        if (strlen(header_keys[i]) == n && memcmp(header_keys[i], name, n) == 0)
            return true;
    return false;
}

bool record_fields_plain(const char *after_header, size_t len)
{
    const char *p = after_header;
    const char *end = after_header + len;
    const char *names[BILET_FIELDS_MAX];
    size_t lens[BILET_FIELDS_MAX];
    size_t n = 0;
    while (p < end) {
        if (*p == '}')
            return p + 1 == end;
        if (*p != ',' || n == BILET_FIELDS_MAX || end - p < 2 || p[1] != '"')
            return false;
        p += 2;
        const char *name = p;
        while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            p++;
        size_t name_len = (size_t)(p - name);
        if (name_len == 0 || name_len > RECORD_KEY_MAX || end - p < 2 || p[0] != '"' ||
            p[1] != ':' || is_header_name(name, name_len))
            return false;
        for (size_t i = 0; i < n; i++)
            if (lens[i] == name_len && memcmp(names[i], name, name_len) == 0)
                return false;
        names[n] = name;
        lens[n] = name_len;
        n++;
        p += 2;
        if (!plain_value(&p, end))
            return false;
    }
    return false;
}

bilet_status record_check_fields(const char *after_header, size_t len, size_t header_len,
                                 bilet_err *err)
{
    /* A stand-in first member in place of the header, which the caller matched byte for
     * byte: the JSON is valid and the fields obey the rules exactly when the stand-in
     * object parses and its fields do. */
    static const char stand_in[] = "{\"type\":\"t\"";
    enum { STAND_IN = sizeof stand_in - 1, STACK_BYTES = 2048 };
    char stack[STACK_BYTES];
    char *text = stack;
    json_error_t jerr;
    bilet_status st = BILET_OK;
    if (header_len + len > RECORD_MAX_BYTES)
        return bilet_fail(err, BILET_ETOOBIG, "record: %zu bytes, over the cap of %d",
                          header_len + len, RECORD_MAX_BYTES);
    if (record_fields_plain(after_header, len))
        return BILET_OK;
    /* record_parse lets jansson read the JSON between the first and the last byte, white
     * space included; so must this check, or the central's fast path would refuse a record
     * that record_parse accepts (found by tests/fuzz/fuzz_record.c). */
    size_t lead = 0;
    while (lead < len && (after_header[lead] == ' ' || after_header[lead] == '\t' ||
                          after_header[lead] == '\n' || after_header[lead] == '\r'))
        lead++;
    if (lead == len || (after_header[lead] != ',' && after_header[lead] != '}') ||
        after_header[len - 1] != '}')
        return bilet_fail(err, BILET_EPARSE, "record: not a JSON object from first to last byte");
    if (STAND_IN + len > sizeof stack) {
        text = malloc(STAND_IN + len);
        if (!text)
            return bilet_fail(err, BILET_ENOMEM, "out of memory for %zu record bytes", len);
    }
    memcpy(text, stand_in, STAND_IN);
    memcpy(text + STAND_IN, after_header, len);
    json_t *doc = json_loadb(text, STAND_IN + len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        /* Positions count from the record's first byte, as record_parse's do. */
        st = bilet_fail(err, BILET_EPARSE, "record: not valid JSON: %s (byte %d)", jerr.text,
                        jerr.position - STAND_IN + (int)header_len);
        goto out_free;
    }
    size_t n = 0;
    void *it = json_object_iter_next(doc, json_object_iter(doc));
    for (; it && st == BILET_OK; it = json_object_iter_next(doc, it), n++) {
        bilet_field f;
        if (n >= BILET_FIELDS_MAX)
            st = bilet_fail(err, BILET_EPARSE, "record: more than %d fields", BILET_FIELDS_MAX);
        else
            st = parse_field(json_object_iter_key(it), json_object_iter_value(it), &f, err);
    }
    json_decref(doc);

out_free:
    if (text != stack)
        free(text);
    return st;
}

void record_hash(const void *bytes, size_t len, unsigned char out[KEYS_HASH_BYTES])
{
    keys_require();
    crypto_generichash(out, KEYS_HASH_BYTES, bytes, len, NULL, 0);
}

void record_batch_id(size_t n, const unsigned char *(*hash_at)(const void *ctx, size_t i),
                     const void *ctx, unsigned char out[KEYS_HASH_BYTES])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, KEYS_HASH_BYTES);
    for (size_t i = 0; i < n; i++)
        crypto_generichash_update(&st, hash_at(ctx, i), KEYS_HASH_BYTES);
    crypto_generichash_final(&st, out, KEYS_HASH_BYTES);
}

void record_hash_hex(const void *bytes, size_t len, char out[RECORD_HEX_LEN + 1])
{
    unsigned char h[KEYS_HASH_BYTES];
    record_hash(bytes, len, h);
    keys_hex_encode(h, sizeof h, out, RECORD_HEX_LEN + 1, NULL);
}

void record_sign(const void *bytes, size_t len, const keys_pair *kp,
                 unsigned char sig[KEYS_SIG_BYTES])
{
    keys_require();
    crypto_sign_detached(sig, NULL, bytes, len, kp->sk);
}

bool record_signature_valid(const void *bytes, size_t len,
                            const unsigned char pk[KEYS_PUBLIC_BYTES],
                            const unsigned char sig[KEYS_SIG_BYTES])
{
    keys_require();
    return crypto_sign_verify_detached(sig, bytes, len, pk) == 0;
}

void record_time_text(int64_t unix_seconds, char *out, size_t cap)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    if (unix_seconds <= 0)
        return;
    time_t tt = (time_t)unix_seconds;
    struct tm tm;
    if (localtime_r(&tt, &tm) && strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        out[0] = '\0';
}
