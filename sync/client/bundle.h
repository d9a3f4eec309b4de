/*
 * bundle.h — the signed USB bundle: a kiosk's whole record log in one file, for a terminal
 * that never reaches the network (`bilet sync --export`, `bilet-central --import`).
 *
 * The file is {"bundle":"<inner JSON text>","sig":"<128 hex>"} where the inner text is
 * {"v":1,"kiosk":"<64 hex>","created":<unix s>,"records":[{"bytes":"<base64>","sig":"<hex>"}
 * ...]} and sig is the kiosk key's Ed25519 signature over the inner text's bytes. Each
 * record also keeps its own signature, so the central checks both the bundle and every
 * record. The file is written to a temporary name beside the target, fsync'ed and renamed:
 * a stick pulled half-way holds the old bundle or the new one, never half of one.
 *
 * Load: a kiosk's log of one exam period, thousands to a few hundred thousand records;
 * the bundle is built in memory (about 1.4 × the record bytes, twice while written).
 */
#ifndef BILET_BUNDLE_H
#define BILET_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "status.h"

enum { CLIENT_BUNDLE_FILE_MAX = 1 << 30 }; /* a larger bundle file is refused when read */

typedef struct client_bundle client_bundle;

/* Starts an empty bundle for the kiosk whose public key is kiosk_pk, made at created (Unix
 * seconds). The caller owns *out (client_bundle_destroy). */
bilet_status client_bundle_create(const unsigned char kiosk_pk[KEYS_PUBLIC_BYTES], int64_t created,
                                  client_bundle **out, bilet_err *err);

/* Adds one record (its bytes and signature, copied), after the ones added before.
 * BILET_ETOOBIG over the record cap, BILET_ENOMEM when memory runs out. */
bilet_status client_bundle_add(client_bundle *b, const unsigned char *bytes, size_t len,
                               const unsigned char sig[KEYS_SIG_BYTES], bilet_err *err);

/* Records added so far. */
size_t client_bundle_count(const client_bundle *b);

/* Signs the bundle with kp (which must be the kiosk's pair: BILET_EINVAL otherwise) and
 * writes it to path through a temporary file in the same folder, fsync'ed, renamed over
 * path, and the folder fsync'ed. BILET_EIO naming the file when the disk refuses (the
 * temporary file is removed). The bundle may be written again. */
bilet_status client_bundle_write(client_bundle *b, const keys_pair *kp, const char *path,
                                 bilet_err *err);

/* Frees the bundle; NULL is fine. */
void client_bundle_destroy(client_bundle *b);

/* Called by client_bundle_read for each record in order; anything but BILET_OK stops the
 * read and is returned. Everything is borrowed for the call. */
typedef bilet_status (*client_bundle_record_fn)(void *ctx, const unsigned char *bytes, size_t len,
                                                const unsigned char sig[KEYS_SIG_BYTES],
                                                bilet_err *err);

/* Reads the bundle file at path: checks its form and its signature with the kiosk key it
 * names (the caller decides whether it trusts that key: *kiosk_pk receives it), then hands
 * every record to fn. *created receives its time. BILET_EPARSE naming the file for a
 * malformed bundle, BILET_EBADSIG when the signature does not verify, BILET_ETOOBIG over
 * CLIENT_BUNDLE_FILE_MAX, BILET_EIO when it cannot be read. Records' own signatures are
 * not checked here. */
bilet_status client_bundle_read(const char *path, unsigned char kiosk_pk[KEYS_PUBLIC_BYTES],
                                int64_t *created, client_bundle_record_fn fn, void *ctx,
                                bilet_err *err);

#endif
