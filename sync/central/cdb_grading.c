/*
 * cdb_grading.c — plain queries, write transactions and the central's own chain over the
 * backends' primitive steps (cdb_grading.h, cdb_private.h).
 *
 * The chain append reuses the steps a kiosk's batch takes (lock the kiosks row, insert,
 * move the chain end), so a central record is stored under exactly the rules and columns of
 * any other record and --verify walks it like a kiosk's.
 */
#include "cdb_grading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cdb_private.h"

bilet_status cdb_query(cdb *db, const char *sql, const cdb_param *params, size_t n, cdb_row_fn fn,
                       void *ctx, bilet_err *err)
{
    if (n > CDB_QUERY_PARAMS_MAX)
        return bilet_fail(err, BILET_EINVAL, "a query takes at most %d parameters",
                          CDB_QUERY_PARAMS_MAX);
    return db->ops->query(db, sql, params, n, fn, ctx, err);
}

int64_t cdb_value_int(const cdb_value *v)
{
    if (!v || v->null || !v->p)
        return 0;
    char buf[32];
    size_t n = v->len < sizeof buf - 1 ? v->len : sizeof buf - 1;
    memcpy(buf, v->p, n);
    buf[n] = '\0';
    return strtoll(buf, NULL, 10);
}

bilet_status cdb_begin(cdb *db, bilet_err *err)
{
    db->retry = false;
    return db->ops->begin(db, err);
}

bilet_status cdb_commit(cdb *db, bilet_err *err)
{
    return db->ops->commit(db, err);
}

void cdb_rollback(cdb *db)
{
    db->ops->rollback(db);
}

bool cdb_lost_race(const cdb *db)
{
    return db->retry;
}

bilet_status cdb_write(cdb *db, bilet_status (*fn)(cdb *db, void *ctx, bilet_err *err), void *ctx,
                       bilet_err *err)
{
    bilet_status st = BILET_OK;
    for (int attempt = 0; attempt < CDB_WRITE_TRIES; attempt++) {
        st = cdb_begin(db, err);
        if (st == BILET_OK)
            st = fn(db, ctx, err);
        if (st == BILET_OK)
            st = cdb_commit(db, err);
        if (st == BILET_OK)
            return BILET_OK;
        bool again = db->retry;
        cdb_rollback(db);
        if (!again)
            break;
    }
    return st;
}

/* Locks the central's kiosks row (enrolling the key first when needed) into *tail. */
static bilet_status own_tail(cdb *db, const keys_pair *central, int64_t now,
                             char key[RECORD_HEX_LEN + 1], cdb_tail *tail, bilet_err *err)
{
    bool created = false;
    keys_hex_encode(central->pk, KEYS_PUBLIC_BYTES, key, RECORD_HEX_LEN + 1, NULL);
    bilet_status st = db->ops->lock_kiosk(db, key, tail, err);
    if (st == BILET_OK && !tail->enrolled) {
        st = db->ops->kiosk_enrol(db, key, CDB_CENTRAL_NAME, now, &created, err);
        if (st == BILET_OK)
            st = db->ops->lock_kiosk(db, key, tail, err);
        if (st == BILET_OK && !tail->enrolled)
            st = bilet_fail(err, BILET_EIO, "the central key could not be enrolled");
    }
    return st;
}

bilet_status cdb_own_lock(cdb *db, const keys_pair *central, bilet_err *err)
{
    char key[RECORD_HEX_LEN + 1];
    cdb_tail tail;
    return own_tail(db, central, (int64_t)time(NULL), key, &tail, err);
}

bilet_status cdb_own_append(cdb *db, const keys_pair *central, int64_t now, const char *exam,
                            const char *type, const bilet_field *fields, size_t n,
                            char hash_out[RECORD_HEX_LEN + 1], bilet_err *err)
{
    char key[RECORD_HEX_LEN + 1];
    cdb_tail tail;
    bilet_status st = own_tail(db, central, now, key, &tail, err);
    if (st != BILET_OK)
        return st;

    record_header h = { key, tail.last_seq + 1, tail.last_hash, now, exam, type };
    record_buf buf = { 0 };
    st = record_build(&h, fields, n, &buf, err);
    if (st != BILET_OK) {
        record_buf_free(&buf);
        return st;
    }
    batch_entry e;
    memset(&e, 0, sizeof e);
    e.bytes = (const unsigned char *)buf.data;
    e.len = buf.len;
    record_hash(buf.data, buf.len, e.hash);
    record_hash_hex(buf.data, buf.len, e.hash_hex);
    record_sign(buf.data, buf.len, central, e.sig);
    e.parsed = e.sig_ok = true;
    memcpy(e.kiosk, key, sizeof e.kiosk);
    memcpy(e.prev, tail.last_hash, sizeof e.prev);
    e.seq = h.seq;
    e.time = now;
    e.exam = (char *)exam;
    snprintf(e.type, sizeof e.type, "%s", type);

    st = db->ops->insert(db, tail.id, &e, now, err);
    if (st == BILET_OK && db->ops->flush)
        st = db->ops->flush(db, err);
    if (st == BILET_OK)
        st = db->ops->set_tail(db, tail.id, e.seq, e.hash_hex, now, err);
    if (st == BILET_OK && hash_out)
        memcpy(hash_out, e.hash_hex, RECORD_HEX_LEN + 1);
    record_buf_free(&buf);
    return st;
}
