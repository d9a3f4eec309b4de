/*
 * session_tool.c — runs a short exam session through the real session machine and writes
 * its events into a kiosk data folder, as the kiosk does: for the command-line tests of
 * `bilet results` before a kiosk is at hand.
 *
 * usage: session_tool DATA_DIR EXAM_DIR
 * The session: opened; 21-0001 draws a ticket and submits a typed answer; 21-0002 refuses
 * before the ticket; 21-0467 (not admitted) is turned away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "examdir.h"
#include "keys.h"
#include "session.h"
#include "sheetcode.h"
#include "store.h"

static uint32_t uniform(void *ctx, uint32_t upper)
{
    (void)ctx;
    return keys_uniform(upper);
}

static const char *answer(void *ctx)
{
    (void)ctx;
    return "Крепость пород по шкале Протодьяконова: f = σсж / 10 = 12.";
}

static bilet_status code(void *ctx, const char *rb, char *out, size_t cap, bilet_err *err)
{
    (void)ctx;
    return sheetcode_record_book(rb, out, cap, err);
}

static int fail(const bilet_err *err)
{
    fprintf(stderr, "session_tool: %s\n", err->msg);
    return 1;
}

static bilet_status persist(store *st, const exam *e, const session_events *evs, bilet_err *err)
{
    for (size_t i = 0; i < evs->n; i++) {
        bilet_field f[BILET_FIELDS_MAX];
        size_t n = event_to_fields(&evs->ev[i], f);
        bilet_status rc = store_append(st, evs->ev[i].time, e->info.id,
                                       event_type_name(evs->ev[i].type), f, n, NULL, err);
        if (rc != BILET_OK)
            return rc;
    }
    return BILET_OK;
}

static bilet_status step(session *s, store *st, const exam *e, session_intent_kind kind,
                         const char *text, int64_t now, bilet_err *err)
{
    session_intent in = { .kind = kind, .ok = true, .text = text };
    session_events evs;
    bilet_status rc = session_handle(s, &in, now, &evs, err);
    bilet_status prc = persist(st, e, &evs, err);
    if (prc != BILET_OK)
        return prc;
    if (rc != BILET_OK && rc != BILET_ERULE)
        return rc;
    return BILET_OK;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: session_tool DATA_DIR EXAM_DIR\n");
        return 2;
    }
    bilet_err err = { { 0 } };
    exam e;
    store *st = NULL;
    if (keys_init(&err) != BILET_OK || examdir_load(argv[2], getenv("BILET_POLICIES"), &e, &err))
        return fail(&err);
    if (store_open(argv[1], &st, &err) != BILET_OK)
        return fail(&err);
    session s;
    session_rng rng = { NULL, uniform };
    session_text txt = { NULL, answer };
    session_coder coder = { NULL, code };
    if (session_init(&s, &e, "ауд. 214, место 3", "", false, rng, txt, coder, &err) != BILET_OK)
        return fail(&err);
    int64_t now = 1797750000; /* 2026-12-20 07:00 UTC */
    struct {
        session_intent_kind kind;
        const char *text;
        int64_t after;
    } script[] = {
        { INTENT_INVIGILATOR, NULL, 0 },   { INTENT_PIN, NULL, 1 },
        { INTENT_OPEN, e.info.date, 1 },   { INTENT_IDENTIFY, "21-0001", 30 },
        { INTENT_CONFIRM, NULL, 2 },       { INTENT_DRAW, NULL, 2 },
        { INTENT_SUBMIT_ASK, NULL, 1800 }, { INTENT_SUBMIT, NULL, 2 },
        { INTENT_NEXT, NULL, 5 },          { INTENT_IDENTIFY, "21-0002", 20 },
        { INTENT_CONFIRM, NULL, 2 },       { INTENT_INVIGILATOR, NULL, 5 },
        { INTENT_PIN, NULL, 1 },           { INTENT_REFUSE, NULL, 1 },
        { INTENT_NEXT, NULL, 5 },          { INTENT_IDENTIFY, "21-0467", 20 },
    };
    for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
        now += script[i].after;
        if (step(&s, st, &e, script[i].kind, script[i].text, now, &err) != BILET_OK)
            return fail(&err);
    }
    session_free(&s);
    store_close(st);
    exam_free(&e);
    return 0;
}
