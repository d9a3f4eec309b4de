/*
 * field.c — lookup in an ordered array of record fields (see field.h).
 *
 * Events carry a few dozen fields at most (BILET_FIELDS_MAX), so a linear scan is the
 * right tool; the first field of a name wins, though record parsing refuses duplicates.
 */
#include "field.h"

#include <string.h>

const bilet_field *bilet_field_find(const bilet_field *f, size_t n, const char *key)
{
    if (!f || !key)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (f[i].key && strcmp(f[i].key, key) == 0)
            return &f[i];
    return NULL;
}
