/*
 * ckeys.c — loading and first-time creation of the central key (see ckeys.h). The secret
 * key is read into a wiped buffer and lives on only inside the keys_pair (sodium_malloc).
 */
#include "ckeys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { PATH_MAX_LEN = 4096 };

static bilet_status join(char *out, size_t cap, const char *dir, const char *name, bilet_err *err)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        return bilet_fail(err, BILET_EINVAL, "%s: path too long", dir);
    return BILET_OK;
}

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static bilet_status create_pair(const char *dir, const char *key_path, const char *pub_path,
                                bilet_err *err)
{
    keys_pair *kp = NULL;
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT || mkdir(dir, 0700) != 0)
            return bilet_fail(err, BILET_EIO, "%s: cannot create the key folder: %s", dir,
                              strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
        return bilet_fail(err, BILET_EIO, "%s: not a folder", dir);
    }
    bilet_status st = keys_pair_random(&kp, err);
    if (st == BILET_OK)
        st = keys_file_write_hex(key_path, kp->sk, KEYS_SECRET_BYTES, err);
    if (st == BILET_OK) {
        st = keys_file_write_hex_mode(pub_path, kp->pk, KEYS_PUBLIC_BYTES, 0644, err);
        if (st != BILET_OK)
            remove(key_path);
    }
    keys_pair_destroy(kp);
    return st;
}

bilet_status ckeys_load(const char *dir, keys_pair **out, bool *created, bilet_err *err)
{
    char key_path[PATH_MAX_LEN];
    char pub_path[PATH_MAX_LEN];
    unsigned char sk[KEYS_SECRET_BYTES];
    unsigned char pk[KEYS_PUBLIC_BYTES];
    keys_pair *kp = NULL;
    *out = NULL;
    *created = false;

    bilet_status st = join(key_path, sizeof key_path, dir, CKEYS_SECRET_FILE, err);
    if (st == BILET_OK)
        st = join(pub_path, sizeof pub_path, dir, CKEYS_PUBLIC_FILE, err);
    if (st != BILET_OK)
        return st;
    bool have_key = exists(key_path);
    bool have_pub = exists(pub_path);
    if (!have_key && !have_pub) {
        st = create_pair(dir, key_path, pub_path, err);
        if (st != BILET_OK)
            return st;
        *created = true;
    } else if (!have_key || !have_pub) {
        return bilet_fail(err, BILET_ENOTFOUND, "%s: missing (%s is there without it)",
                          have_key ? pub_path : key_path, have_key ? key_path : pub_path);
    }
    /* The shared check of every secret key file: group or others may not read it. */
    st = keys_secret_file_read_hex(key_path, sk, sizeof sk, err);
    if (st == BILET_OK)
        st = keys_file_read_hex(pub_path, pk, sizeof pk, err);
    if (st == BILET_OK)
        st = keys_pair_from_seed(sk, &kp, err);
    if (st == BILET_OK &&
        (!keys_equal(kp->pk, pk, sizeof pk) || !keys_equal(sk + KEYS_SEED_BYTES, pk, sizeof pk))) {
        st =
            bilet_fail(err, BILET_ECORRUPT, "%s and %s do not belong together", key_path, pub_path);
        keys_pair_destroy(kp);
        kp = NULL;
    }
    keys_wipe(sk, sizeof sk);
    *out = kp;
    return st;
}
