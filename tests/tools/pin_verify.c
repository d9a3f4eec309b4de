/*
 * pin_verify.c — a test-only helper: `pin_verify HASH PIN` exits 0 when PIN matches the
 * Argon2id string HASH (as the kiosk checks it), 1 when not.
 */
#include <stdio.h>
#include <string.h>

#include "keys.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pin_verify HASH PIN\n");
        return 2;
    }
    return keys_pwhash_verify(argv[1], argv[2], strlen(argv[2])) ? 0 : 1;
}
