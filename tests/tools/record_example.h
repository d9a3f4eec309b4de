/*
 * record_example.h — the worked example of docs/records.md: two records of one kiosk
 * whose key comes from the fixed test seed 01 02 … 20. Shared by the program that writes
 * tests/data/record/example-* and by the known-answer test that checks them, so that both
 * describe the very same events.
 */
#ifndef BILET_RECORD_EXAMPLE_H
#define BILET_RECORD_EXAMPLE_H

#include "field.h"
#include "record.h"

/* The test seed: bytes 0x01, 0x02, …, 0x20. A test vector, never a real key. */
static inline void record_example_seed(unsigned char seed[KEYS_SEED_BYTES])
{
    for (int i = 0; i < KEYS_SEED_BYTES; i++)
        seed[i] = (unsigned char)(i + 1);
}

enum { RECORD_EXAMPLE_COUNT = 2 };

/* Fills the header (except kiosk and prev) and the fields of example record k (1 or 2);
 * returns the number of fields. */
static inline size_t record_example(int k, record_header *h, bilet_field f[BILET_FIELDS_MAX])
{
    h->exam = "2026-12-GD-101";
    if (k == 1) {
        h->seq = 1;
        h->time = 1797746400; /* 2026-12-20 09:00 Moscow time */
        h->type = "session_opened";
        f[0] = bilet_field_str("kiosk_name", "ауд. 214, место 3");
        f[1] = bilet_field_str("today", "2026-12-20");
        f[2] = bilet_field_bool("date_mismatch", false);
        f[3] = bilet_field_str("roster_hash",
                               "8f5c2b1e0d7a4c3b9e6f1a2d5c8b7e4f0a3d6c9b2e5f8a1d4c7b0e3f6a9d2c5b");
        return 4;
    }
    h->seq = 2;
    h->time = 1797746587;
    h->type = "student_identified";
    f[0] = bilet_field_int("attempt", 1);
    f[1] = bilet_field_str("record_book", "ГД-21-017");
    f[2] = bilet_field_str("full_name", "Иванов Иван \"Ваня\" Иванович");
    f[3] = bilet_field_str("code", "4J42-XCS6"); /* sheetcode.vectors, line 1 */
    f[4] = bilet_field_int("subgroup", 1);
    f[5] = bilet_field_int("seconds", 0);
    return 6;
}

#endif
