/*
 * cdb.c — the central store's front: picks the backend, and judges batches by the rules
 * of docs/central.md on top of the backend's primitive steps (cdb_private.h).
 *
 * Invariants of a judged batch: inside one transaction each kiosk's row is locked before
 * anything of that kiosk is read (in key order, so that two transactions never wait for
 * each other in a circle); a record is stored only as the next link of its kiosk's chain;
 * nothing is ever updated but a kiosk's chain tail and last_seen. Everything a record
 * alone can settle (its bytes, hash and signature) was settled before the transaction
 * (batch.c), so that locks are held for database work only and a retried transaction
 * repeats no cryptography.
 */
#include "cdb_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { INGEST_TRIES = 5 };

bool cdb_spec_is_postgresql(const char *spec)
{
    return strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0;
}

bilet_status cdb_open(const char *spec, cdb **out, bilet_err *err)
{
    *out = NULL;
    if (!spec || !spec[0])
        return bilet_fail(err, BILET_EINVAL, "no database given");
    if (cdb_spec_is_postgresql(spec))
        return cdb_pg_open(spec, out, err);
    return cdb_sqlite_open(spec, out, err);
}

void cdb_close(cdb *db)
{
    if (db)
        db->ops->close(db);
}

const char *cdb_backend_name(const cdb *db)
{
    return db->ops->name;
}

bilet_status cdb_kiosk_enrol(cdb *db, const char *public_key, const char *name, int64_t now,
                             bool *created, bilet_err *err)
{
    *created = false;
    if (!record_is_hex64(public_key))
        return bilet_fail(err, BILET_EINVAL, "a kiosk key is 64 lowercase hex digits");
    if (strlen(name) >= CDB_NAME_MAX)
        return bilet_fail(err, BILET_EINVAL, "a kiosk name is at most %d bytes", CDB_NAME_MAX - 1);
    bilet_status st = db->ops->kiosk_enrol(db, public_key, name, now, created, err);
    bool revoked = false;
    if (st == BILET_OK && !*created) {
        bool enrolled = false;
        st = db->ops->kiosk_enrolled(db, public_key, &enrolled, &revoked, err);
    }
    if (st == BILET_OK && revoked)
        return bilet_fail(err, BILET_EPERM,
                          "kiosk %s was revoked and is not trusted again; give the terminal a "
                          "new kiosk key and enrol that",
                          public_key);
    return st;
}

bilet_status cdb_kiosk_enrolled(cdb *db, const char *public_key, bool *enrolled, bool *revoked,
                                bilet_err *err)
{
    bool r = false;
    *enrolled = false;
    bilet_status st = db->ops->kiosk_enrolled(db, public_key, enrolled, &r, err);
    if (revoked)
        *revoked = st == BILET_OK && r;
    return st;
}

typedef struct kiosk_revocation {
    const char *key;
    int64_t now;
    bool found;
    bool already;
} kiosk_revocation;

static bilet_status note_revoked_at(const cdb_value *cols, size_t n, void *ctx, bilet_err *err)
{
    (void)err;
    kiosk_revocation *r = ctx;
    r->found = true;
    r->already = n > 0 && cdb_value_int(&cols[0]) != 0;
    return BILET_OK;
}

/* Inside cdb_write: runs again from the start when it lost a race. */
static bilet_status kiosk_revoke_tx(cdb *db, void *ctx, bilet_err *err)
{
    kiosk_revocation *r = ctx;
    const cdb_param params[] = { cdb_text(r->key), cdb_int(r->now) };
    r->found = r->already = false;
    bilet_status st = cdb_query(db, "SELECT revoked_at FROM kiosks WHERE public_key = $1", params,
                                1, note_revoked_at, r, err);
    if (st != BILET_OK || !r->found || r->already)
        return st;
    return cdb_query(db, "UPDATE kiosks SET revoked_at = $2 WHERE public_key = $1", params, 2, NULL,
                     NULL, err);
}

bilet_status cdb_kiosk_revoke(cdb *db, const char *public_key, int64_t now, bool *already,
                              bilet_err *err)
{
    kiosk_revocation r = { public_key, now > 0 ? now : 1, false, false };
    *already = false;
    if (!record_is_hex64(public_key))
        return bilet_fail(err, BILET_EINVAL, "a kiosk key is 64 lowercase hex digits");
    bilet_status st = cdb_write(db, kiosk_revoke_tx, &r, err);
    if (st == BILET_OK && !r.found)
        return bilet_fail(err, BILET_ENOTFOUND, "kiosk %s is not enrolled (nothing revoked)",
                          public_key);
    *already = r.already;
    return st;
}

bilet_status cdb_kiosk_list(cdb *db, cdb_kiosk_fn fn, void *ctx, bilet_err *err)
{
    return db->ops->kiosk_list(db, fn, ctx, err);
}

bilet_status cdb_staff_add(cdb *db, const char *name, const char *role, const char *token_hash,
                           int64_t now, bilet_err *err)
{
    if (strcmp(role, "registrar") != 0 && strcmp(role, "grader") != 0)
        return bilet_fail(err, BILET_EINVAL, "role must be registrar or grader, not \"%s\"", role);
    if (!name[0] || strlen(name) >= CDB_NAME_MAX)
        return bilet_fail(err, BILET_EINVAL, "a staff name is 1 to %d bytes", CDB_NAME_MAX - 1);
    if (!record_is_hex64(token_hash))
        return bilet_fail(err, BILET_EINVAL, "a token hash is 64 lowercase hex digits");
    return db->ops->staff_add(db, name, role, token_hash, now, err);
}

typedef struct staff_match {
    const char *want;
    bool found;
    char *name;
    char *role;
} staff_match;

static void staff_compare(void *ctx, const char *name, const char *role, const char *token_hash)
{
    staff_match *m = ctx;
    /* Every stored hash is compared in full, whether or not one matched already. */
    bool same =
        strlen(token_hash) == RECORD_HEX_LEN && keys_equal(token_hash, m->want, RECORD_HEX_LEN);
    if (same && !m->found) {
        m->found = true;
        snprintf(m->name, CDB_NAME_MAX, "%s", name);
        snprintf(m->role, CDB_NAME_MAX, "%s", role);
    }
}

bilet_status cdb_staff_find(cdb *db, const char *token_hash, bool *found, char name[CDB_NAME_MAX],
                            char role[CDB_NAME_MAX], bilet_err *err)
{
    staff_match m = { token_hash, false, name, role };
    *found = false;
    name[0] = role[0] = '\0';
    if (!record_is_hex64(token_hash))
        return BILET_OK;
    bilet_status st = db->ops->staff_each(db, staff_compare, &m, err);
    *found = st == BILET_OK && m.found;
    return st;
}

typedef struct staff_removal {
    const char *name;
    int64_t now;
    bool found;
    uint64_t sessions;
} staff_removal;

static bilet_status count_row(const cdb_value *cols, size_t n, void *ctx, bilet_err *err)
{
    (void)err;
    uint64_t *count = ctx;
    *count = n > 0 ? (uint64_t)cdb_value_int(&cols[0]) : 0;
    return BILET_OK;
}

/* Inside cdb_write: runs again from the start when it lost a race. */
static bilet_status staff_remove_tx(cdb *db, void *ctx, bilet_err *err)
{
    staff_removal *r = ctx;
    uint64_t members = 0;
    const cdb_param name[] = { cdb_text(r->name), cdb_int(r->now) };
    r->found = false;
    r->sessions = 0;
    bilet_status st = cdb_query(db, "SELECT count(*) FROM staff WHERE name = $1", name, 1,
                                count_row, &members, err);
    if (st != BILET_OK || members == 0)
        return st;
    r->found = true;
    st = cdb_query(db, "SELECT count(*) FROM staff_sessions WHERE staff = $1 AND expires_at > $2",
                   name, 2, count_row, &r->sessions, err);
    if (st == BILET_OK)
        st = cdb_query(db, "DELETE FROM staff_sessions WHERE staff = $1", name, 1, NULL, NULL, err);
    if (st == BILET_OK)
        st =
            cdb_query(db, "DELETE FROM staff_passwords WHERE staff = $1", name, 1, NULL, NULL, err);
    if (st == BILET_OK)
        st = cdb_query(db, "DELETE FROM staff WHERE name = $1", name, 1, NULL, NULL, err);
    return st;
}

bilet_status cdb_staff_remove(cdb *db, const char *name, int64_t now, uint64_t *sessions,
                              bilet_err *err)
{
    staff_removal r = { name, now, false, 0 };
    *sessions = 0;
    if (!name[0] || strlen(name) >= CDB_NAME_MAX)
        return bilet_fail(err, BILET_EINVAL, "a staff name is 1 to %d bytes", CDB_NAME_MAX - 1);
    bilet_status st = cdb_write(db, staff_remove_tx, &r, err);
    if (st == BILET_OK && !r.found)
        return bilet_fail(err, BILET_ENOTFOUND, "no staff member \"%s\" (nothing removed)", name);
    *sessions = r.sessions;
    return st;
}

bilet_status cdb_staff_read_log(cdb *db, const char *staff, const char *what, int64_t now,
                                bilet_err *err)
{
    return db->ops->staff_read_log(db, staff, what, now, err);
}

bilet_status cdb_staff_password_set(cdb *db, const char *name, const char *pwhash, int64_t now,
                                    bilet_err *err)
{
    bool found = false;
    if (strlen(pwhash) >= CDB_PWHASH_MAX)
        return bilet_fail(err, BILET_EINVAL, "a password hash is at most %d bytes",
                          CDB_PWHASH_MAX - 1);
    bilet_status st = db->ops->password_set(db, name, pwhash, now, &found, err);
    if (st == BILET_OK && !found)
        return bilet_fail(err, BILET_ENOTFOUND, "no staff member \"%s\" (--add-staff first)", name);
    return st;
}

bilet_status cdb_staff_password_get(cdb *db, const char *name, bool *found, char role[CDB_NAME_MAX],
                                    char pwhash[CDB_PWHASH_MAX], bilet_err *err)
{
    *found = false;
    role[0] = pwhash[0] = '\0';
    if (!name[0] || strlen(name) >= CDB_NAME_MAX)
        return BILET_OK;
    return db->ops->password_get(db, name, found, role, pwhash, err);
}

bilet_status cdb_session_add(cdb *db, const char *token_hash, const char *staff, int64_t now,
                             int64_t expires, bilet_err *err)
{
    if (!record_is_hex64(token_hash))
        return bilet_fail(err, BILET_EINVAL, "a session hash is 64 lowercase hex digits");
    return db->ops->session_add(db, token_hash, staff, now, expires, err);
}

bilet_status cdb_session_find(cdb *db, const char *token_hash, int64_t now, bool *found,
                              char name[CDB_NAME_MAX], char role[CDB_NAME_MAX], int64_t *expires,
                              bilet_err *err)
{
    *found = false;
    *expires = 0;
    name[0] = role[0] = '\0';
    if (!record_is_hex64(token_hash))
        return BILET_OK;
    return db->ops->session_find(db, token_hash, now, found, name, role, expires, err);
}

bilet_status cdb_session_delete(cdb *db, const char *token_hash, bilet_err *err)
{
    if (!record_is_hex64(token_hash))
        return BILET_OK;
    return db->ops->session_delete(db, token_hash, err);
}

/* Failed sign-ins: plain queries (cdb_query), the same SQL on both backends. */

static bilet_status note_failures(const cdb_value *cols, size_t n, void *ctx, bilet_err *err)
{
    (void)err;
    cdb_signin_failures *out = ctx;
    if (n >= 3) {
        out->failures = cdb_value_int(&cols[0]);
        out->first_at = cdb_value_int(&cols[1]);
        out->last_at = cdb_value_int(&cols[2]);
    }
    return BILET_OK;
}

bilet_status cdb_signin_failures_get(cdb *db, const char *name_hash, cdb_signin_failures *out,
                                     bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!record_is_hex64(name_hash))
        return bilet_fail(err, BILET_EINVAL, "a name hash is 64 lowercase hex digits");
    const cdb_param params[] = { cdb_text(name_hash) };
    return cdb_query(db,
                     "SELECT failures, first_at, last_at FROM staff_signin_failures"
                     " WHERE name_hash = $1",
                     params, 1, note_failures, out, err);
}

bilet_status cdb_signin_failure_add(cdb *db, const char *name_hash, int64_t now, int64_t since,
                                    bilet_err *err)
{
    if (!record_is_hex64(name_hash))
        return bilet_fail(err, BILET_EINVAL, "a name hash is 64 lowercase hex digits");
    const cdb_param purge[] = { cdb_int(since) };
    bilet_status st = cdb_query(db, "DELETE FROM staff_signin_failures WHERE last_at <= $1", purge,
                                1, NULL, NULL, err);
    if (st != BILET_OK)
        return st;
    /* One statement: concurrent failures of one name from several servers all count. SET
     * reads the row as it was: a window that ended starts again at this failure. */
    const cdb_param params[] = { cdb_text(name_hash), cdb_int(now), cdb_int(since) };
    return cdb_query(
        db,
        "INSERT INTO staff_signin_failures AS f(name_hash, failures, first_at, last_at)"
        " VALUES ($1, 1, $2, $2) ON CONFLICT (name_hash) DO UPDATE SET"
        " failures = CASE WHEN f.first_at <= $3 THEN 1 ELSE f.failures + 1 END,"
        " first_at = CASE WHEN f.first_at <= $3 THEN $2 ELSE f.first_at END,"
        " last_at = $2",
        params, 3, NULL, NULL, err);
}

bilet_status cdb_signin_failures_clear(cdb *db, const char *name_hash, bilet_err *err)
{
    if (!record_is_hex64(name_hash))
        return bilet_fail(err, BILET_EINVAL, "a name hash is 64 lowercase hex digits");
    const cdb_param params[] = { cdb_text(name_hash) };
    return cdb_query(db, "DELETE FROM staff_signin_failures WHERE name_hash = $1", params, 1, NULL,
                     NULL, err);
}

bilet_status cdb_exam_records(cdb *db, const char *exam, cdb_record_fn fn, void *ctx,
                              bilet_err *err)
{
    return db->ops->records(db, exam, fn, ctx, err);
}

bilet_status cdb_all_records(cdb *db, cdb_record_fn fn, void *ctx, bilet_err *err)
{
    return db->ops->records(db, NULL, fn, ctx, err);
}

bilet_status cdb_count(cdb *db, uint64_t *kiosks, uint64_t *records, bilet_err *err)
{
    return db->ops->count(db, kiosks, records, err);
}

/* ---- judging a batch ---- */

/* A kiosk that the batch touches, as the transaction sees it. */
typedef struct ingest_kiosk {
    const char *key;
    cdb_tail tail;
    uint64_t first_last_seq; /* last_seq when locked: below it, records are looked up */
    uint64_t gap_to;         /* the end of the last gap noted */
    bool touched;
    size_t *stored; /* entries stored by this batch, by seq - first_last_seq - 1 */
    size_t n_stored;
    size_t cap_stored;
} ingest_kiosk;

/* A looked-up entry: its seq, and where its stored hash goes. */
typedef struct seq_slot {
    uint64_t seq;
    size_t entry;
} seq_slot;

typedef struct ingest {
    batch *b;
    ingest_kiosk *kiosks;
    size_t n_kiosks;
    size_t *kiosk_of;                     /* per entry: index into kiosks (parsed entries) */
    char (*existing)[RECORD_HEX_LEN + 1]; /* per entry: the hash stored at its seq, or "" */
    seq_slot *slots;
    uint64_t *seqs;
} ingest;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_kiosk(const void *key, const void *k)
{
    return strcmp(key, ((const ingest_kiosk *)k)->key);
}

static int cmp_slot(const void *a, const void *b)
{
    uint64_t x = ((const seq_slot *)a)->seq;
    uint64_t y = ((const seq_slot *)b)->seq;
    return x < y ? -1 : x > y;
}

static void ingest_free(ingest *in)
{
    for (size_t i = 0; i < in->n_kiosks; i++)
        free(in->kiosks[i].stored);
    free(in->kiosks);
    free(in->kiosk_of);
    free(in->existing);
    free(in->slots);
    free(in->seqs);
}

/* The distinct kiosks of the batch in key order, and each parsed entry's kiosk. */
static bilet_status ingest_prepare(ingest *in, batch *b, bilet_err *err)
{
    size_t n = b->n ? b->n : 1;
    const char **keys = malloc(n * sizeof *keys);
    in->b = b;
    in->kiosks = calloc(n, sizeof *in->kiosks);
    in->kiosk_of = calloc(n, sizeof *in->kiosk_of);
    in->existing = malloc(n * sizeof *in->existing);
    in->slots = malloc(n * sizeof *in->slots);
    in->seqs = malloc(n * sizeof *in->seqs);
    if (!keys || !in->kiosks || !in->kiosk_of || !in->existing || !in->slots || !in->seqs) {
        free(keys);
        return bilet_fail(err, BILET_ENOMEM, "out of memory for a batch of %zu records", b->n);
    }
    size_t nk = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->entries[i].parsed)
            keys[nk++] = b->entries[i].kiosk;
    qsort(keys, nk, sizeof *keys, cmp_str);
    for (size_t i = 0; i < nk; i++)
        if (in->n_kiosks == 0 || strcmp(in->kiosks[in->n_kiosks - 1].key, keys[i]) != 0)
            in->kiosks[in->n_kiosks++].key = keys[i];
    free(keys);
    for (size_t i = 0; i < b->n; i++) {
        if (!b->entries[i].parsed)
            continue;
        ingest_kiosk *k =
            bsearch(b->entries[i].kiosk, in->kiosks, in->n_kiosks, sizeof *in->kiosks, cmp_kiosk);
        in->kiosk_of[i] = (size_t)(k - in->kiosks);
    }
    return BILET_OK;
}

typedef struct hash_ctx {
    ingest *in;
    size_t n_slots;
} hash_ctx;

static void note_hash(void *ctx_, uint64_t seq, const char *hash)
{
    hash_ctx *ctx = ctx_;
    seq_slot key = { seq, 0 };
    seq_slot *s = bsearch(&key, ctx->in->slots, ctx->n_slots, sizeof key, cmp_slot);
    if (!s)
        return;
    /* The batch may carry one seq more than once: fill every slot of it. */
    while (s > ctx->in->slots && s[-1].seq == seq)
        s--;
    for (; s < ctx->in->slots + ctx->n_slots && s->seq == seq; s++)
        snprintf(ctx->in->existing[s->entry], RECORD_HEX_LEN + 1, "%s", hash);
}

/* Looks up the stored hashes at the seqs this batch sends again for kiosk ki. */
static bilet_status lookup_existing(cdb *db, ingest *in, size_t ki, bilet_err *err)
{
    ingest_kiosk *k = &in->kiosks[ki];
    batch *b = in->b;
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++) {
        const batch_entry *e = &b->entries[i];
        if (e->parsed && e->sig_ok && in->kiosk_of[i] == ki && e->seq <= k->first_last_seq) {
            in->slots[n].seq = e->seq;
            in->slots[n].entry = i;
            n++;
        }
    }
    if (n == 0)
        return BILET_OK;
    qsort(in->slots, n, sizeof *in->slots, cmp_slot);
    size_t n_seqs = 0;
    for (size_t i = 0; i < n; i++)
        if (n_seqs == 0 || in->seqs[n_seqs - 1] != in->slots[i].seq)
            in->seqs[n_seqs++] = in->slots[i].seq;
    hash_ctx ctx = { in, n };
    return db->ops->stored_hashes(db, k->tail.id, in->seqs, n_seqs, note_hash, &ctx, err);
}

static bilet_status note_stored(ingest_kiosk *k, size_t entry, bilet_err *err)
{
    if (k->n_stored == k->cap_stored) {
        size_t cap = k->cap_stored ? k->cap_stored * 2 : 64;
        size_t *s = realloc(k->stored, cap * sizeof *s);
        if (!s)
            return bilet_fail(err, BILET_ENOMEM, "out of memory while storing a batch");
        k->stored = s;
        k->cap_stored = cap;
    }
    k->stored[k->n_stored++] = entry;
    return BILET_OK;
}

/* Judges entry i; stores it when it is the next link of its chain. */
static bilet_status judge(cdb *db, ingest *in, size_t i, int64_t now, bilet_err *err)
{
    batch *b = in->b;
    batch_entry *e = &b->entries[i];
    ingest_kiosk *k = &in->kiosks[in->kiosk_of[i]];
    if (!k->tail.enrolled) {
        batch_reject(e, "unknown kiosk");
        return BILET_OK;
    }
    if (k->tail.revoked) {
        batch_reject(e, "revoked kiosk");
        return BILET_OK;
    }
    k->touched = true;
    if (!e->sig_ok) {
        batch_reject(e, "bad signature");
        return BILET_OK;
    }
    if (e->seq <= k->tail.last_seq) {
        const char *have = NULL;
        if (e->seq <= k->first_last_seq)
            have = in->existing[i][0] ? in->existing[i] : NULL;
        else
            have = b->entries[k->stored[e->seq - k->first_last_seq - 1]].hash_hex;
        if (have && strcmp(have, e->hash_hex) == 0)
            e->verdict = BATCH_DUPLICATE;
        else if (have)
            batch_reject(e, "conflict: seq %llu already stored with another hash",
                         (unsigned long long)e->seq);
        else
            batch_reject(e, "conflict: seq %llu is behind the chain's end but not stored",
                         (unsigned long long)e->seq);
        return BILET_OK;
    }
    if (e->seq == k->tail.last_seq + 1) {
        if (strcmp(e->prev, k->tail.last_hash) != 0) {
            batch_reject(e, "broken chain: prev does not match record %llu",
                         (unsigned long long)(e->seq - 1));
            return BILET_OK;
        }
        bilet_status st = db->ops->insert(db, k->tail.id, e, now, err);
        if (st == BILET_OK)
            st = note_stored(k, i, err);
        if (st != BILET_OK)
            return st;
        e->verdict = BATCH_STORED;
        k->tail.last_seq = e->seq;
        memcpy(k->tail.last_hash, e->hash_hex, sizeof k->tail.last_hash);
        return BILET_OK;
    }
    uint64_t from = k->tail.last_seq + 1;
    if (k->gap_to < from) {
        k->gap_to = e->seq - 1;
        bilet_status st = batch_add_gap(b, k->key, from, k->gap_to, err);
        if (st != BILET_OK)
            return st;
    }
    batch_reject(e, "gap: records %llu..%llu missing", (unsigned long long)from,
                 (unsigned long long)k->gap_to);
    return BILET_OK;
}

/* Keeps the end of the log the sender said it holds (batch.h), when the batch speaks for
 * one enrolled kiosk only: a record with a good signature of that kiosk, and no other
 * kiosk's record. The header itself is not signed, so it only ever feeds the pending
 * counts (docs/central.md) and never moves backward. */
static bilet_status note_log_end(cdb *db, ingest *in, bilet_err *err)
{
    const batch *b = in->b;
    if (b->log_end == 0 || in->n_kiosks != 1 || !in->kiosks[0].tail.enrolled ||
        in->kiosks[0].tail.revoked)
        return BILET_OK;
    bool signed_one = false;
    for (size_t i = 0; i < b->n && !signed_one; i++)
        signed_one = b->entries[i].parsed && b->entries[i].sig_ok;
    if (!signed_one)
        return BILET_OK;
    const cdb_param params[] = { cdb_int(in->kiosks[0].tail.id), cdb_int((int64_t)b->log_end) };
    return db->ops->query(db,
                          "UPDATE kiosks SET log_end = CASE WHEN log_end < $2 THEN $2"
                          " ELSE log_end END WHERE id = $1",
                          params, 2, NULL, NULL, err);
}

static bilet_status ingest_once(cdb *db, ingest *in, int64_t now, bool all_or_nothing,
                                bilet_err *err)
{
    batch *b = in->b;
    for (size_t i = 0; i < in->n_kiosks; i++) {
        ingest_kiosk *k = &in->kiosks[i];
        k->touched = false;
        k->gap_to = 0;
        k->n_stored = 0;
    }
    for (size_t i = 0; i < b->n; i++)
        in->existing[i][0] = '\0';

    bilet_status st = db->ops->begin(db, err);
    for (size_t i = 0; st == BILET_OK && i < in->n_kiosks; i++) {
        ingest_kiosk *k = &in->kiosks[i];
        st = db->ops->lock_kiosk(db, k->key, &k->tail, err);
        k->first_last_seq = k->tail.last_seq;
        if (st == BILET_OK && k->tail.enrolled && !k->tail.revoked)
            st = lookup_existing(db, in, i, err);
    }
    for (size_t i = 0; st == BILET_OK && i < b->n; i++)
        if (b->entries[i].verdict == BATCH_PENDING)
            st = judge(db, in, i, now, err);
    if (st == BILET_OK && db->ops->flush)
        st = db->ops->flush(db, err);
    for (size_t i = 0; st == BILET_OK && i < in->n_kiosks; i++) {
        ingest_kiosk *k = &in->kiosks[i];
        if (k->touched)
            st = db->ops->set_tail(db, k->tail.id, k->tail.last_seq, k->tail.last_hash, now, err);
    }
    if (st == BILET_OK)
        st = note_log_end(db, in, err);
    if (st == BILET_OK && all_or_nothing) {
        for (size_t i = 0; i < b->n; i++) {
            const batch_entry *e = &b->entries[i];
            if (e->verdict == BATCH_REJECTED) {
                if (e->parsed)
                    st = bilet_fail(err, BILET_ERULE, "record %llu (%.64s): %s",
                                    (unsigned long long)e->seq, e->hash_hex,
                                    e->reason ? e->reason : "rejected");
                else
                    st = bilet_fail(err, BILET_ERULE, "record #%zu (%.64s): %s", i + 1, e->hash_hex,
                                    e->reason ? e->reason : "rejected");
                break;
            }
        }
    }
    if (st == BILET_OK)
        st = db->ops->commit(db, err);
    if (st != BILET_OK)
        db->ops->rollback(db);
    return st;
}

bilet_status cdb_ingest(cdb *db, batch *b, int64_t now, bool all_or_nothing, bilet_err *err)
{
    ingest in = { 0 };
    bilet_status st = ingest_prepare(&in, b, err);
    for (int attempt = 0; st == BILET_OK && attempt < INGEST_TRIES; attempt++) {
        if (attempt > 0)
            batch_reset_verdicts(b);
        db->retry = false;
        st = ingest_once(db, &in, now, all_or_nothing, err);
        if (st == BILET_OK || !db->retry)
            break;
        if (attempt + 1 < INGEST_TRIES)
            st = BILET_OK;
    }
    if (st != BILET_OK && st != BILET_ERULE)
        batch_reset_verdicts(b);
    ingest_free(&in);
    return st;
}
