/*
 * fuzz_tickets.c — tickets.csv (kiosk/examdir/tickets.c) through libcsv and the encoding
 * detection, fed as a file on tmpfs. A file that loads numbers its tickets 1..N, each with
 * at least one question of its own.
 */
#include <string.h>

#include "examdir_int.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static exam e;
    bilet_err err = { { 0 } };
    memset(&e, 0, sizeof e);
    const char *path = fuzz_file("tickets.csv", data, size);
    bilet_status st = examdir_tickets_load(path, &e, &err);
    fuzz_check_result(st, &err);
    if (st == BILET_OK) {
        fuzz_require(e.n_tickets >= 1 && e.n_tickets <= EXAM_TICKETS_MAX, "1..EXAM_TICKETS_MAX");
        for (size_t i = 0; i < e.n_tickets; i++) {
            const exam_ticket *t = &e.tickets[i];
            fuzz_require(t->number == (int)i + 1, "tickets numbered 1..N in order");
            fuzz_require(t->n_questions >= 1 && t->n_questions <= TICKET_QUESTIONS_MAX,
                         "every ticket has 1..TICKET_QUESTIONS_MAX questions");
            for (size_t q = 0; q < t->n_questions; q++)
                fuzz_require(t->question[q].text != NULL, "every question has a text");
        }
    } else {
        fuzz_require(e.tickets == NULL, "a failed load keeps no tickets");
    }
    exam_free(&e);
    return 0;
}
