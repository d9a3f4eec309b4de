/*
 * keys.h — randomness, key files, keypairs and PIN hashes: the libsodium primitives the
 * rest of bilet needs, behind names that do not leak <sodium.h>.
 *
 * Key files are one line of lowercase hex and "\n". Secret key files are created 0600
 * with O_CREAT|O_EXCL (never overwritten) and fsync'ed with their folder. Secret keys in
 * memory live in sodium_malloc'd pages (guarded, locked, wiped on free). Every function
 * calls keys_init itself when it needs libsodium, so callers may skip it; calling it first
 * only moves the one-off cost (and the rare failure) to a place of the caller's choosing.
 */
#ifndef BILET_KEYS_H
#define BILET_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "status.h"

enum {
    KEYS_PUBLIC_BYTES = 32, /* Ed25519 public key */
    KEYS_SECRET_BYTES = 64, /* libsodium Ed25519 secret key (seed || public key) */
    KEYS_SEED_BYTES = 32,   /* Ed25519 seed */
    KEYS_SIG_BYTES = 64,    /* Ed25519 detached signature */
    KEYS_HASH_BYTES = 32,   /* BLAKE2b-256 */
    KEYS_PWHASH_STR_MAX = 128,
    KEYS_PIN_MAX = 64, /* longest PIN or passphrase line `bilet pin-hash` accepts, bytes */
};

/* The file names of a kiosk's (or a staff workstation's) keypair inside its data folder. */
#define KEYS_SECRET_FILE "kiosk.key"
#define KEYS_PUBLIC_FILE "kiosk.pub"

/* Initialises libsodium once per process (thread-safe, idempotent). BILET_EIO if the
 * library cannot start (no entropy source). */
bilet_status keys_init(bilet_err *err);

/* Makes sure libsodium is initialised; aborts the process if it cannot start. Cheap after
 * the first call (one atomic load), so hot paths such as record hashing call it freely. */
void keys_require(void);

/* Fills buf with n bytes from libsodium's CSPRNG. Aborts if libsodium cannot start, since
 * no caller can do anything sensible without randomness. */
void keys_random(void *buf, size_t n);

/* A uniformly distributed number in [0, upper) without modulo bias; 0 when upper < 2. */
uint32_t keys_uniform(uint32_t upper);

/* Wipes n bytes at p in a way the compiler cannot elide. p may be NULL when n is 0. */
void keys_wipe(void *p, size_t n);

/* Constant-time comparison of two n-byte buffers; true when equal. */
bool keys_equal(const void *a, const void *b, size_t n);

/* Writes n bytes as 2n lowercase hex digits and a NUL into out (out_size >= 2n + 1).
 * BILET_EINVAL if out is too small. */
bilet_status keys_hex_encode(const unsigned char *bin, size_t n, char *out, size_t out_size,
                             bilet_err *err);

/* Decodes exactly n bytes from hex (upper or lower case, no separators, exactly 2n
 * digits, NUL-terminated). BILET_EPARSE naming what is wrong; bin zeroed on failure. */
bilet_status keys_hex_decode(const char *hex, unsigned char *bin, size_t n, bilet_err *err);

/* Writes key as one line of lowercase hex and "\n" to path, created with
 * O_CREAT|O_EXCL and the given mode, then fsync'ed. BILET_EEXIST if path exists (the file
 * is left alone), BILET_EIO on other failures (a partly written file is removed). */
bilet_status keys_file_write_hex_mode(const char *path, const unsigned char *key, size_t n,
                                      mode_t mode, bilet_err *err);

/* keys_file_write_hex_mode with mode 0600: the form for every secret. */
bilet_status keys_file_write_hex(const char *path, const unsigned char *key, size_t n,
                                 bilet_err *err);

/* Reads a key file written as above: exactly 2n hex digits, optionally followed by one
 * "\n" or "\r\n". The message names the file and what is wrong (missing, wrong length,
 * not hex). key is zeroed on failure; the read buffer is wiped on every path. */
bilet_status keys_file_read_hex(const char *path, unsigned char *key, size_t n, bilet_err *err);

/* keys_file_read_hex for a secret (kiosk.key, a staff key, central.key, code.key): the
 * open file must also be one that neither group nor others may read, write or run (mode &
 * 077 == 0). Otherwise BILET_EINVAL — bad input, exit 2 in every program — with one line
 * naming the file and its mode and saying `chmod 600 FILE`; key is zeroed and the read
 * buffer wiped, so nothing of it is used. The format is judged first, so that a public key
 * given for a secret one is named as such. Every secret key file bilet reads goes through
 * this one check. */
bilet_status keys_secret_file_read_hex(const char *path, unsigned char *key, size_t n,
                                       bilet_err *err);

/* The same check for a secret file bilet does not read as hex (the TLS private key of
 * bilet-central): path must be a regular file that neither group nor others may access.
 * BILET_EINVAL with the same one line; BILET_ENOTFOUND or BILET_EIO if it cannot be opened. */
bilet_status keys_secret_file_check(const char *path, bilet_err *err);

/* An Ed25519 keypair. sk points to KEYS_SECRET_BYTES of sodium_malloc'd memory owned by
 * the pair; keys_pair_destroy wipes and frees it. */
typedef struct keys_pair {
    unsigned char pk[KEYS_PUBLIC_BYTES];
    unsigned char *sk;
} keys_pair;

/* Creates a keypair from a 32-byte seed (test vectors, reproducible fixtures). Caller owns
 * *out and frees it with keys_pair_destroy. */
bilet_status keys_pair_from_seed(const unsigned char seed[KEYS_SEED_BYTES], keys_pair **out,
                                 bilet_err *err);

/* Creates a fresh random keypair. Caller owns *out. */
bilet_status keys_pair_random(keys_pair **out, bilet_err *err);

/* Loads DIR/kiosk.key (through keys_secret_file_read_hex: refused when group or others
 * may read it) and DIR/kiosk.pub and checks that they belong together (BILET_ECORRUPT if
 * not, naming both files). Caller owns *out. */
bilet_status keys_pair_load(const char *dir, keys_pair **out, bilet_err *err);

/* Wipes and frees the pair; NULL is fine. */
void keys_pair_destroy(keys_pair *kp);

/* Generates a keypair and writes DIR/kiosk.key (secret key hex, 0600) and DIR/kiosk.pub
 * (public key hex, 0644), both O_EXCL. BILET_EEXIST, changing nothing, if either exists.
 * If pk_out is not NULL it receives the public key. The folder must exist. */
bilet_status keys_generate_pair(const char *dir, unsigned char pk_out[KEYS_PUBLIC_BYTES],
                                bilet_err *err);

/* Hashes a PIN or passphrase with Argon2id (OPSLIMIT_INTERACTIVE, MEMLIMIT_INTERACTIVE =
 * 64 MiB) into out as libsodium's "$argon2id$..." NUL-terminated string. BILET_ENOMEM if
 * the 64 MiB work area cannot be had. */
bilet_status keys_pwhash_str(const char *pw, size_t len, char out[KEYS_PWHASH_STR_MAX],
                             bilet_err *err);

/* True when pw matches the Argon2id string hash (made by keys_pwhash_str). False for a
 * wrong PIN, a malformed hash, or no memory for the check. */
bool keys_pwhash_verify(const char *hash, const char *pw, size_t len);

#endif
