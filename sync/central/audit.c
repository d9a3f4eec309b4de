/*
 * audit.c — the full re-check of the central store (see audit.h). Each record is parsed
 * in full here: this is an occasional, thorough pass, not the ingest path.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

typedef struct kiosk_end {
    char key[RECORD_HEX_LEN + 1];
    uint64_t last_seq;
    bool walked;
} kiosk_end;

typedef struct walk {
    kiosk_end *ends;
    size_t n_ends;
    size_t cap_ends;
    char kiosk[RECORD_HEX_LEN + 1];
    unsigned char pk[KEYS_PUBLIC_BYTES];
    uint64_t expected;
    char prev[RECORD_HEX_LEN + 1];
    audit_report *rep;
} walk;

static bilet_status note_end(const cdb_kiosk_info *k, void *ctx, bilet_err *err)
{
    walk *w = ctx;
    if (w->n_ends == w->cap_ends) {
        size_t cap = w->cap_ends ? w->cap_ends * 2 : 16;
        kiosk_end *e = realloc(w->ends, cap * sizeof *e);
        if (!e)
            return bilet_fail(err, BILET_ENOMEM, "out of memory");
        w->ends = e;
        w->cap_ends = cap;
    }
    kiosk_end *e = &w->ends[w->n_ends++];
    snprintf(e->key, sizeof e->key, "%s", k->public_key);
    e->last_seq = k->last_seq;
    return BILET_OK;
}

static kiosk_end *find_end(const walk *w, const char *key)
{
    for (size_t i = 0; i < w->n_ends; i++)
        if (strcmp(w->ends[i].key, key) == 0)
            return &w->ends[i];
    return NULL;
}

/* Checks that the kiosk just walked ends where its row says. */
static bilet_status finish_kiosk(walk *w, bilet_err *err)
{
    if (!w->kiosk[0])
        return BILET_OK;
    kiosk_end *e = find_end(w, w->kiosk);
    if (!e)
        return bilet_fail(err, BILET_ECORRUPT, "kiosk %.16s…: records of a kiosk not enrolled",
                          w->kiosk);
    e->walked = true;
    if (e->last_seq != w->expected - 1)
        return bilet_fail(err, BILET_ECORRUPT,
                          "kiosk %.16s…: its chain end says record %llu, the last stored is %llu",
                          w->kiosk, (unsigned long long)e->last_seq,
                          (unsigned long long)(w->expected - 1));
    return BILET_OK;
}

static bilet_status check_record(const cdb_record *r, void *ctx, bilet_err *err)
{
    walk *w = ctx;
    record_view v;
    char hash[RECORD_HEX_LEN + 1];
    bilet_status st = BILET_OK;
    if (strcmp(w->kiosk, r->kiosk) != 0) {
        st = finish_kiosk(w, err);
        if (st != BILET_OK)
            return st;
        snprintf(w->kiosk, sizeof w->kiosk, "%s", r->kiosk);
        if (keys_hex_decode(w->kiosk, w->pk, sizeof w->pk, NULL) != BILET_OK)
            return bilet_fail(err, BILET_ECORRUPT, "a record of kiosk \"%.16s\": not a key",
                              r->kiosk);
        w->expected = 1;
        memset(w->prev, '0', RECORD_HEX_LEN);
        w->prev[RECORD_HEX_LEN] = '\0';
        w->rep->kiosks++;
    }
    if (r->seq != w->expected)
        return bilet_fail(err, BILET_ECORRUPT, "kiosk %.16s…: record %llu is missing", w->kiosk,
                          (unsigned long long)w->expected);
    if (record_parse(r->bytes, r->len, &v, err) != BILET_OK) {
        bilet_err_prefix(err, "kiosk %.16s…: record %llu: ", w->kiosk, (unsigned long long)r->seq);
        return BILET_ECORRUPT;
    }
    record_hash_hex(r->bytes, r->len, hash);
    if (v.seq != r->seq || strcmp(v.kiosk, w->kiosk) != 0)
        st = bilet_fail(err, BILET_ECORRUPT, "kiosk %.16s…: record %llu: stored out of its place",
                        w->kiosk, (unsigned long long)r->seq);
    else if (strcmp(v.prev, w->prev) != 0)
        st = bilet_fail(err, BILET_ECORRUPT,
                        "kiosk %.16s…: record %llu: prev does not match the hash of record %llu "
                        "(the chain is broken)",
                        w->kiosk, (unsigned long long)r->seq, (unsigned long long)(r->seq - 1));
    else if (strcmp(hash, r->hash) != 0)
        st = bilet_fail(err, BILET_ECORRUPT,
                        "kiosk %.16s…: record %llu: the stored hash does not match its bytes",
                        w->kiosk, (unsigned long long)r->seq);
    else if (!r->sig || !record_signature_valid(r->bytes, r->len, w->pk, r->sig))
        st = bilet_fail(err, BILET_EBADSIG,
                        "kiosk %.16s…: record %llu: the signature does not verify", w->kiosk,
                        (unsigned long long)r->seq);
    record_view_free(&v);
    if (st != BILET_OK)
        return st;
    memcpy(w->prev, hash, sizeof w->prev);
    w->expected++;
    w->rep->records++;
    return BILET_OK;
}

bilet_status audit_store(cdb *db, audit_report *rep, bilet_err *err)
{
    walk w = { 0 };
    memset(rep, 0, sizeof *rep);
    w.rep = rep;
    bilet_status st = cdb_kiosk_list(db, note_end, &w, err);
    if (st == BILET_OK)
        st = cdb_all_records(db, check_record, &w, err);
    if (st == BILET_OK)
        st = finish_kiosk(&w, err);
    /* Kiosks without records must not claim any. */
    for (size_t i = 0; st == BILET_OK && i < w.n_ends; i++)
        if (w.ends[i].last_seq > 0 && !w.ends[i].walked)
            st = bilet_fail(err, BILET_ECORRUPT,
                            "kiosk %.16s…: its chain end says record %llu, "
                            "none is stored",
                            w.ends[i].key, (unsigned long long)w.ends[i].last_seq);
    free(w.ends);
    return st;
}
