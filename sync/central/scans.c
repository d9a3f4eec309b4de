/*
 * scans.c — POST /api/v1/scans (scans.h, docs/grading.md).
 *
 * The central does not decode the image: the client (`bilet scan --central`) read the QR
 * and sends its text beside the page. The signature proves that a trusted kiosk (or the
 * central) printed that code and page; the staff member's token vouches that this image is
 * the page that carried it. The bytes are checked to be the image type they claim.
 */
#include "scans.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cdb_grading.h"
#include "gmodel.h"
#include "payload.h"
#include "sheetcode.h"
#include "text.h"

const char *scans_content_type(const char *stored)
{
    static const char *const known[] = { "image/png", "image/jpeg", "image/tiff" };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(stored, known[i]) == 0)
            return known[i];
    return "application/octet-stream";
}

/* The image type the Content-Type names and the bytes begin with, or NULL. */
static const char *image_type(const char *content_type, const unsigned char *b, size_t n)
{
    if (!content_type)
        return NULL;
    size_t len = strcspn(content_type, "; \t");
    static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    if (len == 9 && strncmp(content_type, "image/png", 9) == 0)
        return n >= 8 && memcmp(b, png, 8) == 0 ? "image/png" : NULL;
    if (len == 10 && strncmp(content_type, "image/jpeg", 10) == 0)
        return n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff ? "image/jpeg" : NULL;
    if (len == 10 && strncmp(content_type, "image/tiff", 10) == 0)
        return n >= 4 && ((memcmp(b, "II*\0", 4) == 0) || (memcmp(b, "MM\0*", 4) == 0))
                   ? "image/tiff"
                   : NULL;
    return NULL;
}

typedef struct key_rows {
    payload_trust *trust;
    bool full;
} key_rows;

static bilet_status on_key(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    key_rows *k = ctx;
    unsigned char pk[KEYS_PUBLIC_BYTES];
    char hex[RECORD_HEX_LEN + 1];
    (void)err;
    if (n < 1 || c[0].len != RECORD_HEX_LEN)
        return BILET_OK;
    memcpy(hex, c[0].p, RECORD_HEX_LEN);
    hex[RECORD_HEX_LEN] = '\0';
    if (keys_hex_decode(hex, pk, sizeof pk, NULL) == BILET_OK &&
        payload_trust_add(k->trust, pk, NULL) != BILET_OK)
        k->full = true;
    return BILET_OK;
}

/* What a new page needs inside its transaction. */
typedef struct scan_job {
    const api_ctx *ctx;
    const api_staff *who;
    const char *exam_id;
    const char *code;
    int page;
    int pages; /* 0: unknown */
    bool hand;
    const char *key_id; /* NULL when hand-entered */
    const char *type;
    const unsigned char *image;
    size_t len;
    char hash[RECORD_HEX_LEN + 1];
    bool duplicate;
    char dup_code[GMODEL_CODE_MAX];
    int dup_page;
    char record[RECORD_HEX_LEN + 1];
} scan_job;

static bilet_status on_dup(const cdb_value *c, size_t n, void *ctx, bilet_err *err)
{
    scan_job *j = ctx;
    (void)err;
    if (n < 3)
        return BILET_OK;
    j->duplicate = true;
    snprintf(j->dup_code, sizeof j->dup_code, "%.*s", (int)c[0].len, c[0].p);
    j->dup_page = (int)cdb_value_int(&c[1]);
    snprintf(j->record, sizeof j->record, "%.*s", (int)c[2].len, c[2].p);
    return BILET_OK;
}

static bilet_status scan_tx(cdb *db, void *ctx_, bilet_err *err)
{
    scan_job *j = ctx_;
    j->duplicate = false;
    cdb_param h = cdb_text(j->hash);
    bilet_status st = cdb_own_lock(db, j->ctx->central, err);
    if (st == BILET_OK)
        st = cdb_query(db, "SELECT code, page, record FROM scans WHERE image_hash = $1", &h, 1,
                       on_dup, j, err);
    if (st != BILET_OK || j->duplicate)
        return st;
    bilet_field f[7];
    f[0] = bilet_field_str("code", j->code);
    f[1] = bilet_field_int("page", j->page);
    f[2] = j->pages ? bilet_field_int("pages", j->pages)
                    : (bilet_field){ "pages", BILET_FIELD_NULL, 0, NULL };
    f[3] = bilet_field_str("image_hash", j->hash);
    f[4] = bilet_field_bool("hand_entered", j->hand);
    f[5] = bilet_field_str("staff", j->who->name);
    f[6] = j->key_id ? bilet_field_str("key_id", j->key_id)
                     : (bilet_field){ "key_id", BILET_FIELD_NULL, 0, NULL };
    int64_t now = (int64_t)time(NULL);
    st = cdb_own_append(db, j->ctx->central, now, j->exam_id, "page_scanned", f, 7, j->record, err);
    if (st != BILET_OK)
        return st;
    cdb_param p[11] = {
        cdb_text(j->exam_id),   cdb_text(j->code),
        cdb_int(j->page),       j->pages ? cdb_int(j->pages) : cdb_null(),
        cdb_int(j->hand),       cdb_text(j->hash),
        cdb_text(j->type),      cdb_blob(j->image, j->len),
        cdb_text(j->who->name), cdb_text(j->record),
        cdb_int(now),
    };
    return cdb_query(db,
                     "INSERT INTO scans(exam, code, page, pages, hand_entered, image_hash,"
                     " content_type, image, staff, record, at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                     p, 11, NULL, NULL, err);
}

/* A page number argument 1..999, or 0 when absent; -1 when malformed. */
static int page_arg(const char *s)
{
    if (!s)
        return 0;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (s[0] < '1' || s[0] > '9' || !end || *end || v < 1 || v > PAYLOAD_PAGES_MAX)
        return -1;
    return (int)v;
}

void scans_handle(const api_ctx *ctx, cdb *db, const api_request *req, api_response *resp)
{
    api_staff who;
    bilet_err err = { { 0 } };
    char msg[BILET_ERR_MAX];
    if (!api_authorise(db, req, NULL, &who, resp))
        return;
    const unsigned char *image = (const unsigned char *)req->body;
    if (req->len == 0) {
        api_error(resp, 400, "the body is the page image (PNG, JPEG or TIFF)");
        return;
    }
    const char *type = image_type(req->content_type, image, req->len);
    if (!type) {
        api_error(resp, 415,
                  "Content-Type must be image/png, image/jpeg or image/tiff, and the bytes "
                  "that image");
        return;
    }
    scan_job j;
    memset(&j, 0, sizeof j);
    j.ctx = ctx;
    j.who = &who;
    j.type = type;
    j.image = image;
    j.len = req->len;
    record_hash_hex(image, req->len, j.hash);

    const char *text = api_arg(req, "payload");
    payload pl;
    char code[GMODEL_CODE_MAX];
    char exam_id[EXAM_ID_MAX];
    if (text) {
        payload_trust *trust = calloc(1, sizeof *trust);
        if (!trust) {
            api_error(resp, 500, "out of memory");
            return;
        }
        bilet_status st = payload_parse(text, strlen(text), &pl, &err);
        if (st != BILET_OK) {
            free(trust);
            snprintf(msg, sizeof msg, "BAD signature: %.400s", err.msg);
            api_error(resp, 422, msg);
            return;
        }
        key_rows rows = { trust, false };
        cdb_param id = cdb_text(pl.key_id);
        st = cdb_query(db, "SELECT public_key FROM kiosks WHERE substr(public_key, 1, 16) = $1",
                       &id, 1, on_key, &rows, &err);
        if (st == BILET_OK)
            payload_trust_add(trust, ctx->central->pk, NULL);
        if (st != BILET_OK) {
            free(trust);
            api_error(resp, 503, err.msg);
            return;
        }
        st = payload_verify(trust, text, strlen(text), &pl, &err);
        free(trust);
        if (st == BILET_ENOTFOUND) {
            api_error(resp, 422, "unknown key: the page was signed by a kiosk not enrolled here");
            return;
        }
        if (st != BILET_OK) {
            api_error(resp, 422, "BAD signature: the QR payload does not verify");
            return;
        }
        if (strlen(pl.exam) >= EXAM_ID_MAX) {
            api_error(resp, 422, "BAD signature: the exam id is too long");
            return;
        }
        snprintf(exam_id, sizeof exam_id, "%s", pl.exam);
        snprintf(code, sizeof code, "%s", pl.code);
        j.page = pl.page;
        j.pages = pl.pages;
        j.key_id = pl.key_id;
    } else {
        const char *e = api_arg(req, "exam");
        const char *c = api_arg(req, "code");
        int page = page_arg(api_arg(req, "page"));
        int pages = page_arg(api_arg(req, "pages"));
        char canonical[SHEETCODE_SIZE];
        if (!e || !e[0] || strlen(e) >= EXAM_ID_MAX || !c || page <= 0 || pages < 0 ||
            (pages && page > pages)) {
            api_error(resp, 400,
                      "give ?payload=QR-TEXT, or ?exam=ID&code=CODE&page=N[&pages=M] for a "
                      "page entered by hand");
            return;
        }
        if (sheetcode_normalize(c, canonical, NULL) == BILET_OK)
            snprintf(code, sizeof code, "%s", canonical);
        else if (!text_trim_copy(c, code, sizeof code) || !code[0] ||
                 !text_utf8_valid(code, strlen(code))) {
            api_error(resp, 400, "code: a sheet code expected");
            return;
        }
        snprintf(exam_id, sizeof exam_id, "%s", e);
        gmodel m;
        bilet_status st = gmodel_load(db, ctx->central_hex, exam_id, NULL, false, &m, &err);
        if (st != BILET_OK) {
            api_error(resp, st == BILET_ECORRUPT ? 500 : 503, err.msg);
            return;
        }
        bool known = gmodel_known(&m);
        bool has_code = gmodel_sheet_of(&m, code) != NULL;
        gmodel_free(&m);
        if (!known || !has_code) {
            if (known)
                snprintf(msg, sizeof msg, "unknown sheet code %s in exam %s", code, exam_id);
            else
                snprintf(msg, sizeof msg, "no such exam: %s", exam_id);
            api_error(resp, 404, msg);
            return;
        }
        j.page = page;
        j.pages = pages;
        j.hand = true;
    }
    j.exam_id = exam_id;
    j.code = code;
    bilet_status st = cdb_write(db, scan_tx, &j, &err);
    if (st != BILET_OK) {
        api_error(resp, st == BILET_EINVAL ? 400 : 503, err.msg);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(j.duplicate ? j.dup_code : code));
    json_object_set_new(o, "page", json_integer(j.duplicate ? j.dup_page : j.page));
    json_object_set_new(o, "exam", json_string(exam_id));
    json_object_set_new(o, "duplicate", json_boolean(j.duplicate));
    json_object_set_new(o, "hand_entered", json_boolean(j.hand));
    json_object_set_new(o, "record", json_string(j.record));
    api_answer_json(resp, j.duplicate ? 200 : 201, o);
}
