/*
 * autosave.h — the saver thread: makes the typed answer durable (bilet.db's answers table)
 * without the UI thread ever waiting for a disk, and writes the heartbeat every second.
 *
 * The UI thread hands over a copy of the text (at most every ~250 ms, and only when the
 * editor's revision changed); the thread writes it with its own SQLite connection under
 * synchronous=FULL and then marks that revision durable. Only the newest hand-over
 * matters: one not yet written is replaced by a newer one. A failed write (disk full,
 * read-only database) is kept in memory and retried after 250 ms, then twice as long each
 * time up to 2 s, and reported by autosave_problem and autosave_failing.
 * Times here are real time, in headless mode too: durability is about the disk, not the
 * exam's clock.
 *
 * Ownership: autosave_start takes the store_answers handle; autosave_stop writes what is
 * pending, joins the thread and closes the handle.
 */
#ifndef BILET_AUTOSAVE_H
#define BILET_AUTOSAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "answers.h"
#include "status.h"

typedef struct autosave autosave;

/* Starts the thread with db (taken: closed by autosave_stop, or here on failure). */
bilet_status autosave_start(store_answers *db, autosave **out, bilet_err *err);

/* Hands over text (malloc'd, len bytes; taken and freed by the saver) as revision of
 * (exam_id, attempt). Returns at once. */
void autosave_submit(autosave *as, const char *exam_id, int attempt, uint64_t revision, char *text,
                     size_t len);

/* True when revision of attempt (or a later one) is on disk. */
bool autosave_durable(autosave *as, int attempt, uint64_t revision);

/* Copies the saver's current problem ("" when its last write went well) into buf. */
void autosave_problem(autosave *as, char *buf, size_t cap);

/* True while the last write of the answer failed (the text waits in memory). */
bool autosave_failing(autosave *as);

/* Writes what is pending (one try), stops and joins the thread, closes the database.
 * NULL is fine. */
void autosave_stop(autosave *as);

#endif
