/*
 * sheet_write.c — a typed answer's sheet as one whole PDF (sheet.h): what `bilet sheet
 * --attempt` and the kiosk's printer thread share, so that both print the same pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sheet.h"
#include "sheetcode.h"

void sheet_set_answer(sheet_set *set, const exam_info *info, const char *code,
                      const exam_ticket *ticket, int ticket_number, const char *answer,
                      const char *attempt_id)
{
    memset(set, 0, sizeof *set);
    set->code = code;
    set->answer = answer ? answer : "";
    set->attempt_id = attempt_id;
    set->ticket = ticket;
    set->ticket_number = ticket_number;
    if (info) {
        set->record_book = info->code == EXAM_CODE_RECORD_BOOK;
    } else {
        char canonical[SHEETCODE_SIZE];
        set->record_book = sheetcode_normalize(code, canonical, NULL) != BILET_OK;
    }
}

bilet_status sheet_write(const char *path, const keys_pair *kp, const exam_info *info,
                         const sheet_set *set, int *pages_out, bilet_err *err)
{
    /* The file is made 0600 first; the PDF writer then truncates it and keeps the mode. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return bilet_fail(err, BILET_EIO, "%s: cannot create the PDF (%s)", path, strerror(errno));
    close(fd);
    sheet_doc *d = NULL;
    int pages = 0;
    bilet_status st = sheet_doc_create(path, kp, &d, err);
    if (st == BILET_OK)
        st = sheet_doc_add(d, info, set, &pages, err);
    if (st == BILET_OK)
        st = sheet_doc_finish(d, err);
    sheet_doc_destroy(d);
    if (st == BILET_OK) { /* on disk before anyone renames or prints it */
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0)
            st = bilet_fail(err, BILET_EIO, "%s: writing the PDF failed (%s)", path,
                            strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    if (st != BILET_OK) {
        remove(path);
        return st;
    }
    if (pages_out)
        *pages_out = pages;
    return BILET_OK;
}

void sheet_attempt_id(const char *kiosk_hex, int attempt, char *out, size_t cap)
{
    snprintf(out, cap, "%.8s-%d", kiosk_hex ? kiosk_hex : "", attempt);
}
