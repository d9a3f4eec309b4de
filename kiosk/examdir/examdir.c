/*
 * examdir.c — loads a whole exam directory and finds the policy profiles it is checked
 * against.
 *
 * Order: exam.ini (it names the profile), the profile, roster.csv, tickets.csv, then the
 * profile's rules over all of it (exam_check_policy). The first problem stops the load;
 * what was built so far is released and the output stays zeroed.
 */
#include "examdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "examdir_int.h"

#ifndef BILET_DATADIR
#define BILET_DATADIR "/usr/local/share/bilet"
#endif

static bool is_dir(const char *path)
{
    struct stat st;
    return path && path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "college, dpo, university" — the profiles a folder holds, for a message. */
static void list_profiles(const char *dir, char *out, size_t cap)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t used = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= 4 || strcmp(de->d_name + n - 4, ".ini") != 0)
            continue;
        int w =
            snprintf(out + used, cap - used, "%s%.*s", used ? ", " : "", (int)(n - 4), de->d_name);
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    closedir(d);
}

static bilet_status load_profile(const char *exam_ini, const char *policies_dir, exam *e,
                                 bilet_err *err)
{
    char name[EXAM_SHORT_MAX + 8];
    snprintf(name, sizeof name, "%s.ini", e->info.policy);
    char path[EXAMDIR_PATH_MAX];
    bilet_status st = examdir_path_join(path, sizeof path, policies_dir, name, err);
    if (st != BILET_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        char have[256];
        list_profiles(policies_dir, have, sizeof have);
        return bilet_fail(err, BILET_EPARSE, "%s: field policy: no profile \"%s\" in %s (%s%s)",
                          exam_ini, e->info.policy, policies_dir,
                          have[0] ? "there are: " : "it holds none", have);
    }
    return examdir_load_policy(path, &e->policy, err);
}

bilet_status examdir_load(const char *exam_dir, const char *policies_dir, exam *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!exam_dir || !policies_dir)
        return bilet_fail(err, BILET_EINVAL, "no exam directory or policy folder given");
    exam e = { 0 };
    char path[EXAMDIR_PATH_MAX];
    char exam_ini[EXAMDIR_PATH_MAX];
    bool second_ticket_given;
    bilet_status st = examdir_path_join(exam_ini, sizeof exam_ini, exam_dir, "exam.ini", err);
    if (st != BILET_OK)
        return st;
    if (!is_dir(exam_dir))
        return bilet_fail(err, BILET_ENOTFOUND, "%s: no such exam directory", exam_dir);
    st = examdir_exam_ini_load(exam_ini, &e.info, &second_ticket_given, err);
    if (st != BILET_OK)
        goto out_free;
    st = load_profile(exam_ini, policies_dir, &e, err);
    if (st != BILET_OK)
        goto out_free;
    if (!second_ticket_given)
        e.info.second_ticket = e.policy.second_ticket_penalty;
    st = examdir_path_join(path, sizeof path, exam_dir, "roster.csv", err);
    if (st == BILET_OK)
        st = examdir_roster_load(path, &e, err);
    if (st != BILET_OK)
        goto out_free;
    st = examdir_path_join(path, sizeof path, exam_dir, "tickets.csv", err);
    if (st == BILET_OK)
        st = examdir_tickets_load(path, &e, err);
    if (st != BILET_OK)
        goto out_free;
    st = exam_check_policy(&e, err);
    if (st != BILET_OK) {
        /* exam_check_policy names files relative to the exam directory. */
        size_t dl = strlen(exam_dir);
        bilet_err_prefix(err, "%s%s", exam_dir, dl && exam_dir[dl - 1] == '/' ? "" : "/");
        goto out_free;
    }
    *out = e;
    return BILET_OK;
out_free:
    exam_free(&e);
    return st;
}

bilet_status examdir_find_policies(const char *exam_dir, const char *explicit_dir,
                                   const char *kiosk_ini_dir, char *out, size_t outlen,
                                   bilet_err *err)
{
    if (outlen)
        out[0] = '\0';
    char parent[EXAMDIR_PATH_MAX] = "";
    const char *env = getenv("BILET_POLICIES");
    const char *found = NULL;
    if (explicit_dir && explicit_dir[0]) {
        if (!is_dir(explicit_dir))
            return bilet_fail(err, BILET_ENOTFOUND, "--policies %s: no such folder", explicit_dir);
        found = explicit_dir;
    } else if (is_dir(kiosk_ini_dir)) {
        found = kiosk_ini_dir;
    } else if (is_dir(env)) {
        found = env;
    } else {
        if (exam_dir && exam_dir[0] &&
            examdir_path_join(parent, sizeof parent, exam_dir, "../policies", NULL) == BILET_OK &&
            is_dir(parent))
            found = parent;
        else if (is_dir(BILET_DATADIR "/policies"))
            found = BILET_DATADIR "/policies";
    }
    if (!found)
        return bilet_fail(err, BILET_ENOTFOUND,
                          "no policy profiles found: looked in kiosk.ini's policies (%s), "
                          "$BILET_POLICIES (%s), %s and %s; give the folder with --policies",
                          kiosk_ini_dir && kiosk_ini_dir[0] ? kiosk_ini_dir : "not set",
                          env && env[0] ? env : "not set",
                          parent[0] ? parent : "<exam directory>/../policies",
                          BILET_DATADIR "/policies");
    size_t n = strlen(found);
    if (n >= outlen)
        return bilet_fail(err, BILET_EINVAL, "%s: path too long", found);
    memcpy(out, found, n + 1);
    return BILET_OK;
}
