/*
 * examdir.h — loading an exam directory (exam.ini, roster.csv, tickets.csv) and the policy
 * profile it names into the exam model of kiosk/core/exam.h.
 *
 * Every file is hostile input: sizes are capped, every value is checked, and the first
 * problem found is returned as one message naming the file (the path as the caller gave
 * it, joined with the file's name), the line and the field. Nothing half-loaded escapes:
 * on failure the output is zeroed and everything allocated is released. docs/exam-directory.md
 * holds the rules for the people who write these files.
 */
#ifndef BILET_EXAMDIR_H
#define BILET_EXAMDIR_H

#include <stddef.h>

#include "exam.h"
#include "status.h"

enum {
    /* The longest INI line bilet passes to inih, in bytes without the line break: Debian's
     * inih reads a line into a 200-byte buffer that must also hold "\n" and the NUL. */
    EXAMDIR_INI_LINE_MAX = 198,
    EXAMDIR_INI_FILE_MAX = 64 * 1024,        /* exam.ini, a policy profile */
    EXAMDIR_CSV_FILE_MAX = 16 * 1024 * 1024, /* roster.csv, tickets.csv */
    EXAMDIR_PATH_MAX = 4096,
};

/* Loads exam_dir/exam.ini, the profile policies_dir/<policy>.ini it names, exam_dir/roster.csv
 * and exam_dir/tickets.csv into *out, resolves second_ticket from the profile when exam.ini
 * leaves it out, and runs exam_check_policy. Returns BILET_OK; BILET_EPARSE for a malformed
 * file or value, BILET_ERULE for a well-formed exam against the rules or its profile,
 * BILET_ENOTFOUND for a missing file, BILET_ETOOBIG, BILET_EIO or BILET_ENOMEM. The caller
 * owns *out and releases it with exam_free(); *out is zeroed on failure. */
bilet_status examdir_load(const char *exam_dir, const char *policies_dir, exam *out,
                          bilet_err *err);

/* The bytes of an exam's files, as a sealed package (docs/package.md) carries them. */
typedef struct examdir_bytes {
    const char *exam_ini;
    size_t exam_ini_len;
    const char *roster;
    size_t roster_len;
    const char *tickets; /* NULL: sealed, not loaded; the exam gets sealed_tickets as count */
    size_t tickets_len;
    size_t sealed_tickets; /* the ticket count the package states (used when tickets is NULL) */
} examdir_bytes;

/* Loads an exam from the bytes of its files through every check of examdir_load, from
 * memory (nothing is written to disk). label stands for the directory in messages
 * ("exam.bilet" → "exam.bilet/roster.csv:14: ..."). With tickets NULL the exam has
 * n_tickets = sealed_tickets and tickets NULL until examdir_attach_tickets. Statuses and
 * ownership as examdir_load. */
bilet_status examdir_load_bytes(const char *label, const examdir_bytes *files,
                                const char *policies_dir, exam *out, bilet_err *err);

/* Parses tickets.csv from memory into a sealed exam loaded above: the count must equal the
 * sealed count and the tickets pass exam_check_policy. The parsed texts are owned by e
 * (exam_forget_tickets or exam_free wipe them); tickets is borrowed and not kept. On
 * failure e is unchanged. BILET_EPARSE/ERULE naming "label/tickets.csv:LINE". */
bilet_status examdir_attach_tickets(const char *label, const char *tickets, size_t len, exam *e,
                                    bilet_err *err);

/* Finds the folder of policy profiles, first match wins: explicit_dir (--policies; it must
 * exist), kiosk_ini_dir (kiosk.ini's `policies =`, resolved by the caller; may be NULL),
 * $BILET_POLICIES, <exam_dir>/../policies (for a package file: policies/ beside it), then the
 * installed BILET_DATADIR/policies. Writes the folder's path into out (outlen bytes).
 * BILET_ENOTFOUND naming every place looked at when none exists; BILET_EINVAL when a path does not
 * fit out. */
bilet_status examdir_find_policies(const char *exam_dir, const char *explicit_dir,
                                   const char *kiosk_ini_dir, char *out, size_t outlen,
                                   bilet_err *err);

/* Loads one policy profile (config/policies/NAME.ini): its [policy] section with every key
 * required and no unknown one, its `name` equal to the file's NAME, and the optional
 * [clauses] section. *out is zeroed on failure. */
bilet_status examdir_load_policy(const char *path, exam_policy *out, bilet_err *err);

#endif
