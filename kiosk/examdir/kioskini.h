/*
 * kioskini.h — a terminal's settings file, kiosk.ini (DESIGN.md, "kiosk.ini"): its one
 * [kiosk] section read with inih into a kiosk_config.
 *
 * Invariants: every key is known and given at most once; pin_hash is required; relative
 * paths (data, trust, central_pub, policies) are resolved against the folder kiosk.ini is
 * in, so a terminal's settings travel with their folder. Lines are measured before inih
 * sees them (Debian's inih cuts at 200 bytes), as for exam.ini.
 */
#ifndef BILET_KIOSKINI_H
#define BILET_KIOSKINI_H

#include <stdbool.h>

#include "examdir.h"
#include "exam.h"
#include "status.h"

enum {
    KIOSKINI_PIN_HASH_MAX = 128, /* an Argon2id string as libsodium writes it, with its NUL */
    KIOSKINI_LANG_MAX = 8,
    KIOSKINI_TRUST_MAX = 8, /* staff keys in `trust =`, separated by commas */
};

typedef struct kiosk_config {
    char path[EXAMDIR_PATH_MAX]; /* kiosk.ini as the caller named it */
    char dir[EXAMDIR_PATH_MAX];  /* its folder ("." when the path has none) */
    char name[EXAM_TEXT_MAX];    /* the terminal's name, shown and recorded; "" if unset */
    char data[EXAMDIR_PATH_MAX]; /* resolved data folder; "" if unset */
    char pin_hash[KIOSKINI_PIN_HASH_MAX];
    char central[EXAMDIR_PATH_MAX]; /* URL; "" offline only */
    char trust[EXAMDIR_PATH_MAX];   /* the first trusted key, resolved; "" if unset */
    size_t n_trust;                 /* `trust =` a path or paths separated by commas */
    char trust_list[KIOSKINI_TRUST_MAX][EXAMDIR_PATH_MAX]; /* each resolved */
    char printer[EXAM_TEXT_MAX];                           /* CUPS queue; "" saves PDFs */
    char lang[KIOSKINI_LANG_MAX];                          /* "ru" (default), "kk" or "en" */
    char central_pub[EXAMDIR_PATH_MAX];                    /* resolved; "" if unset */
    char policies[EXAMDIR_PATH_MAX];                       /* resolved; "" if unset */
} kiosk_config;

/* Reads kiosk.ini at path into *out. BILET_EPARSE naming "path:line: field KEY: ..." for an
 * unknown key or section, a repeated key, a value that does not fit or a lang other than
 * ru, kk, en; naming the file when pin_hash is missing; BILET_ENOTFOUND when the file does
 * not exist. *out is zeroed on failure (the PIN hash with it). */
bilet_status kioskini_load(const char *path, kiosk_config *out, bilet_err *err);

/* Whether lang is one of the UI languages ("ru", "kk", "en"). */
bool kioskini_lang_valid(const char *lang);

#endif
