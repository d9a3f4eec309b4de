/*
 * cli_staff.h — what the staff commands of `bilet` (grade, scan --central) share: the
 * staff token (BILET_TOKEN or --token-file) and the central's URLs.
 */
#ifndef BILET_CLI_STAFF_H
#define BILET_CLI_STAFF_H

#include <stddef.h>

#include "status.h"

enum { CLI_TOKEN_MAX = 256 };

/* The staff token: the first line of token_file when given (one trailing newline
 * stripped), else $BILET_TOKEN. BILET_EINVAL when there is none ("set BILET_TOKEN or give
 * --token-file FILE"), BILET_ENOTFOUND/BILET_EIO naming an unreadable file, BILET_EPARSE
 * for an empty or over-long token. */
bilet_status cli_staff_token(const char *token_file, char out[CLI_TOKEN_MAX], bilet_err *err);

/* central (trailing slashes dropped) joined with path, as a new malloc'd string; NULL when
 * memory runs out. */
char *cli_staff_url(const char *central, const char *path);

#endif
