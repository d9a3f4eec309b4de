/*
 * outbox.h — the kiosk's outbox: which of its records a central store has acknowledged.
 *
 *   sync_state(central TEXT PRIMARY KEY, acked_seq INTEGER, acked_hash TEXT,
 *              last_sync INTEGER)
 *
 * The outbox toward a central is every record of the log with seq > acked_seq; records
 * are never deleted from the log, only passed over. acked_seq moves forward only after a
 * receipt signed by the central key has been checked (sync/client), and only over records
 * that receipt names stored or duplicate; acked_hash is the hash of record acked_seq as the
 * log holds it. Like the autosave tables, sync_state is working state (not signed, not
 * synced), created here with IF NOT EXISTS apart from the record log's schema version.
 *
 * A handle is its own SQLite connection to DATA/bilet.db (WAL, 5 s busy timeout), so the
 * kiosk's syncer thread reads and acknowledges while the UI thread appends through store.h,
 * and `bilet sync` may run beside a kiosk. Its writes use synchronous=NORMAL: an
 * acknowledgement lost to a power cut only makes the kiosk send those records again, which
 * the central answers with `duplicate`, so it is not worth an fsync per batch (the records
 * themselves are written by store.h under synchronous=FULL). A handle belongs to one thread
 * at a time. Load: a batch of up to a thousand records read per push, one small write per
 * acknowledged batch.
 */
#ifndef BILET_OUTBOX_H
#define BILET_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "status.h"

enum { OUTBOX_CENTRAL_MAX = 2048 }; /* the longest central URL kept, bytes */

/* One record of the log as the outbox hands it out; valid until the next read or close. */
typedef struct outbox_record {
    uint64_t seq;
    const unsigned char *bytes;
    size_t len;
    const unsigned char *hash; /* KEYS_HASH_BYTES, as stored */
    const unsigned char *sig;  /* KEYS_SIG_BYTES, as stored */
} outbox_record;

/* Where the outbox toward one central stands. */
typedef struct outbox_state {
    uint64_t acked_seq;                        /* 0: nothing acknowledged yet */
    unsigned char acked_hash[KEYS_HASH_BYTES]; /* zeros when acked_seq is 0 */
    int64_t last_sync; /* local Unix seconds of the last acknowledged batch; 0 never */
    uint64_t last_seq; /* the log's last record; 0 when empty */
    uint64_t pending;  /* last_seq - acked_seq (0 if the log is behind) */
} outbox_state;

typedef struct outbox outbox;

/* Opens the outbox of DATA/bilet.db toward central (a URL; trailing slashes do not count,
 * so "http://h:1/" and "http://h:1" are one central). central may be NULL to only read
 * records (outbox_read); outbox_ack and outbox_rewind then refuse. BILET_ENOTFOUND naming
 * bilet.db when the folder is not initialised. The caller owns *out (outbox_close). */
bilet_status outbox_open(const char *data_dir, const char *central, outbox **out, bilet_err *err);

/* Closes the connection and frees what the outbox handed out; NULL is fine. */
void outbox_close(outbox *o);

/* Where the outbox stands now (one read transaction). */
bilet_status outbox_state_read(outbox *o, outbox_state *out, bilet_err *err);

/* Reads the records after after_seq in seq order into *recs[0..*n): at most max_records,
 * and no more record bytes than max_bytes unless the first record alone is larger (one
 * record always comes when any is there). *n 0: none after after_seq. BILET_ECORRUPT
 * naming bilet.db when a seq is missing or a hash or signature has the wrong length.
 * What *recs points to is owned by the outbox until the next read or outbox_close. */
bilet_status outbox_read(outbox *o, uint64_t after_seq, size_t max_records, size_t max_bytes,
                         const outbox_record **recs, size_t *n, bilet_err *err);

/* outbox_read after the acknowledged records: the next batch to push. */
bilet_status outbox_next(outbox *o, size_t max_records, size_t max_bytes,
                         const outbox_record **recs, size_t *n, bilet_err *err);

/* Records that a checked receipt acknowledged every record up to seq, whose hash is hash,
 * at local time now. Never moves acked_seq back (another process may have gone further:
 * then only last_sync changes). BILET_ECORRUPT when the log's record seq is missing or has
 * another hash; BILET_EINVAL without a central. Committed when it returns (durable at the
 * next WAL checkpoint; see above). */
bilet_status outbox_ack(outbox *o, uint64_t seq, const unsigned char hash[KEYS_HASH_BYTES],
                        int64_t now, bilet_err *err);

/* Sends the records from seq on again: acked_seq becomes seq - 1 when it is higher (the
 * central said it misses them). BILET_EINVAL without a central or for seq 0. */
bilet_status outbox_rewind(outbox *o, uint64_t seq, bilet_err *err);

#endif
