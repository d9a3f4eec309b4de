/*
 * cli_verify.c — `bilet verify --data DIR`: checks a data folder's record log (database,
 * chain, signatures) without changing it and prints one verdict line on stdout.
 * Exit 0 all good; 1 a bad record or a damaged database (the line names the first bad
 * record); 2 the folder, bilet.db or kiosk.pub missing or unreadable.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "store.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: bilet verify --data DIR\n\n"
                 "Checks DIR/bilet.db read-only: the database file, then every record in\n"
                 "order: sequence numbers without gaps, the kiosk key (DIR/kiosk.pub), the\n"
                 "hash chain, the stored hashes and the Ed25519 signatures. Prints\n"
                 "\"N records, chain intact, signatures valid\" (exit 0) or one line naming\n"
                 "the first bad record (exit 1). A removed last record is caught only\n"
                 "against a receipt of the central store.\n\n"
                 "  -d, --data DIR   the data folder\n"
                 "  -h, --help       this text\n");
}

int cli_verify(int argc, char **argv)
{
    const char *dir;
    int rc = cli_parse_data_only("verify", argc, argv, usage, &dir);
    if (rc >= 0)
        return rc;

    store_verify_report rep;
    bilet_err err = { { 0 } };
    bilet_status st = store_verify(dir, &rep, &err);
    switch (st) {
    case BILET_OK:
        printf("%llu records, chain intact, signatures valid\n", (unsigned long long)rep.records);
        return 0;
    case BILET_ECORRUPT:
    case BILET_EBADSIG:
        printf("%s\n", rep.problem);
        return 1;
    case BILET_ENOTFOUND:
    case BILET_EPARSE:
    case BILET_EINVAL:
    case BILET_EIO:
        /* Nothing was checked: the folder is not a readable data folder. */
        cli_report("verify", st, &err);
        return 2;
    default:
        return cli_report("verify", st, &err);
    }
}
