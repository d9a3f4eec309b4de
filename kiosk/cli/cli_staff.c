/*
 * cli_staff.c — the staff token and the central's URLs for `bilet grade` and
 * `bilet scan --central` (cli_staff.h).
 */
#include "cli_staff.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"

bilet_status cli_staff_token(const char *token_file, char out[CLI_TOKEN_MAX], bilet_err *err)
{
    out[0] = '\0';
    if (!token_file) {
        const char *env = getenv("BILET_TOKEN");
        if (!env || !env[0])
            return bilet_fail(err, BILET_EINVAL,
                              "no staff token: set BILET_TOKEN or give --token-file FILE");
        if (strlen(env) >= CLI_TOKEN_MAX)
            return bilet_fail(err, BILET_EPARSE, "BILET_TOKEN: longer than %d bytes",
                              CLI_TOKEN_MAX - 1);
        snprintf(out, CLI_TOKEN_MAX, "%s", env);
        return BILET_OK;
    }
    FILE *f = fopen(token_file, "rb");
    if (!f)
        return bilet_fail(err, errno == ENOENT ? BILET_ENOTFOUND : BILET_EIO, "%s: %s", token_file,
                          strerror(errno));
    char buf[CLI_TOKEN_MAX + 2];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    size_t line = strcspn(buf, "\r\n");
    bilet_status st = BILET_OK;
    if (line == 0)
        st = bilet_fail(err, BILET_EPARSE, "%s: no token on its first line", token_file);
    else if (line >= CLI_TOKEN_MAX)
        st = bilet_fail(err, BILET_EPARSE, "%s: the token is longer than %d bytes", token_file,
                        CLI_TOKEN_MAX - 1);
    else {
        memcpy(out, buf, line);
        out[line] = '\0';
    }
    keys_wipe(buf, sizeof buf);
    return st;
}

char *cli_staff_url(const char *central, const char *path)
{
    size_t base = strlen(central);
    while (base && central[base - 1] == '/')
        base--;
    size_t cap = base + strlen(path) + 1;
    char *url = malloc(cap);
    if (url)
        snprintf(url, cap, "%.*s%s", (int)base, central, path);
    return url;
}
