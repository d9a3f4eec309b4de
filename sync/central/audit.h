/*
 * audit.h — `bilet-central --verify`: re-checks everything the store holds, as `bilet
 * verify` does for a kiosk: every kiosk's records run from seq 1 without a gap, each prev
 * is the hash computed from the record before, each stored hash is the hash of the bytes,
 * each signature verifies with the kiosk's key, and the kiosk's chain end agrees with
 * its last record. Read-only; one pass over all records, in one snapshot.
 */
#ifndef BILET_AUDIT_H
#define BILET_AUDIT_H

#include <stdint.h>

#include "cdb.h"
#include "status.h"

typedef struct audit_report {
    uint64_t kiosks;
    uint64_t records;
} audit_report;

/* BILET_OK when all is well (counts in *rep); BILET_ECORRUPT or BILET_EBADSIG with one
 * line naming the kiosk and record when not; BILET_EIO when the store cannot be read. */
bilet_status audit_store(cdb *db, audit_report *rep, bilet_err *err);

#endif
