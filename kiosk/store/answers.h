/*
 * answers.h — the autosave tables of bilet.db: the answer text as it is being typed, and
 * the heartbeat that tells, after a crash or power cut, when the kiosk last ran.
 *
 *   answers(exam TEXT, attempt INTEGER, revision INTEGER, text BLOB, saved_at INTEGER,
 *           PRIMARY KEY(exam, attempt))
 *   heartbeat(id INTEGER PRIMARY KEY CHECK (id = 1), time INTEGER)
 *
 * These rows are working state, not records: they are not signed, not chained and never
 * synced (the answer handed in travels inside its signed answer_submitted record). The
 * tables are created here with IF NOT EXISTS, apart from the record log's schema version
 * (PRAGMA user_version belongs to store.c), so either side may be opened first.
 *
 * A handle is its own SQLite connection to DATA/bilet.db (WAL, synchronous=FULL, 5 s busy
 * timeout): a saver thread owns one while the UI thread appends records through store.h.
 * A handle belongs to one thread at a time. Load: one answer row and one heartbeat row a
 * second at most, answers up to EDITOR_MAX_BYTES (4 MiB).
 */
#ifndef BILET_STORE_ANSWERS_H
#define BILET_STORE_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum { STORE_ANSWER_MAX = 8 * 1024 * 1024 }; /* a stored answer longer than this is refused */

typedef struct store_answers store_answers;

/* Opens DATA/bilet.db (which must exist: store_init_data_dir makes it) and creates the two
 * tables if missing. The caller owns *out and closes it with store_answers_close. */
bilet_status store_answers_open(const char *data_dir, store_answers **out, bilet_err *err);
/* Closes the connection; NULL is fine. */
void store_answers_close(store_answers *a);

/* Replaces the saved text of (exam, attempt) with text[0..len) at revision, and commits:
 * the text is durable when this returns BILET_OK. BILET_EIO (the message names bilet.db and
 * what SQLite said: disk full, read-only) or BILET_ETOOBIG over STORE_ANSWER_MAX. */
bilet_status store_answers_save(store_answers *a, const char *exam, int attempt, uint64_t revision,
                                const char *text, size_t len, int64_t saved_at, bilet_err *err);

/* The saved text of (exam, attempt) as a new NUL-terminated malloc'd buffer (*text, the
 * caller frees; *len without the NUL) and its revision (may be NULL). BILET_ENOTFOUND when
 * nothing was saved for it (*text NULL). */
bilet_status store_answers_load(store_answers *a, const char *exam, int attempt, char **text,
                                size_t *len, uint64_t *revision, bilet_err *err);

/* Writes the heartbeat row: the kiosk is alive at time now (real Unix seconds). */
bilet_status store_answers_heartbeat(store_answers *a, int64_t now, bilet_err *err);

/* The last heartbeat's time, 0 when there was none. */
bilet_status store_answers_last_heartbeat(store_answers *a, int64_t *out, bilet_err *err);

#endif
