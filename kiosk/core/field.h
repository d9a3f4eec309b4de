/*
 * field.h — an ordered key/value pair, the neutral shape of one field of a record.
 *
 * The session machine describes its events as arrays of fields; sync/record turns them
 * into record bytes (JSON, in this order) and parses record bytes back into fields. Keeping
 * the shape here lets the logic stay free of JSON and libsodium. Strings are borrowed: a
 * field never owns what it points to.
 */
#ifndef BILET_FIELD_H
#define BILET_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum bilet_field_kind {
    BILET_FIELD_INT,
    BILET_FIELD_STR,
    BILET_FIELD_BOOL,
    BILET_FIELD_NULL,
} bilet_field_kind;

typedef struct bilet_field {
    const char *key;
    bilet_field_kind kind;
    int64_t i;     /* BILET_FIELD_INT; BILET_FIELD_BOOL as 0/1 */
    const char *s; /* BILET_FIELD_STR, UTF-8 */
} bilet_field;

enum { BILET_FIELDS_MAX = 32 };

static inline bilet_field bilet_field_int(const char *key, int64_t v)
{
    bilet_field f = { key, BILET_FIELD_INT, v, NULL };
    return f;
}

static inline bilet_field bilet_field_str(const char *key, const char *v)
{
    bilet_field f = { key, BILET_FIELD_STR, 0, v };
    return f;
}

static inline bilet_field bilet_field_bool(const char *key, bool v)
{
    bilet_field f = { key, BILET_FIELD_BOOL, v ? 1 : 0, NULL };
    return f;
}

/* The field named key among n, or NULL. */
const bilet_field *bilet_field_find(const bilet_field *f, size_t n, const char *key);

#endif
