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

/* exam.ini, the profile, roster.csv and (with_tickets) tickets.csv of exam_dir, then the
 * profile's rules. *out zeroed on failure. */
static bilet_status load_files(const char *exam_dir, const char *policies_dir, bool with_tickets,
                               size_t sealed_tickets, exam *out, bilet_err *err)
{
    exam e = { 0 };
    char path[EXAMDIR_PATH_MAX];
    char exam_ini[EXAMDIR_PATH_MAX];
    bool second_ticket_given;
    bilet_status st = examdir_path_join(exam_ini, sizeof exam_ini, exam_dir, "exam.ini", err);
    if (st != BILET_OK)
        return st;
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
    if (with_tickets) {
        st = examdir_path_join(path, sizeof path, exam_dir, "tickets.csv", err);
        if (st == BILET_OK)
            st = examdir_tickets_load(path, &e, err);
        if (st != BILET_OK)
            goto out_free;
    } else {
        e.n_tickets = sealed_tickets; /* the tickets stay sealed: NULL, their count known */
    }
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

bilet_status examdir_load(const char *exam_dir, const char *policies_dir, exam *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!exam_dir || !policies_dir)
        return bilet_fail(err, BILET_EINVAL, "no exam directory or policy folder given");
    if (!is_dir(exam_dir))
        return bilet_fail(err, BILET_ENOTFOUND, "%s: no such exam directory", exam_dir);
    return load_files(exam_dir, policies_dir, true, 0, out, err);
}

/* label/name into m (the name an in-memory file is served under). */
static bilet_status mem_file(examdir_mem_file *m, char *path, size_t cap, const char *label,
                             const char *name, const char *bytes, size_t len, bilet_err *err)
{
    bilet_status st = examdir_path_join(path, cap, label, name, err);
    m->path = path;
    m->bytes = bytes;
    m->len = len;
    return st;
}

bilet_status examdir_load_bytes(const char *label, const examdir_bytes *files,
                                const char *policies_dir, exam *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (!label || !files || !policies_dir || !files->exam_ini || !files->roster)
        return bilet_fail(err, BILET_EINVAL, "no package or policy folder given");
    char paths[3][EXAMDIR_PATH_MAX];
    examdir_mem_file m[3];
    size_t n = 2;
    bilet_status st = mem_file(&m[0], paths[0], sizeof paths[0], label, "exam.ini", files->exam_ini,
                               files->exam_ini_len, err);
    if (st == BILET_OK)
        st = mem_file(&m[1], paths[1], sizeof paths[1], label, "roster.csv", files->roster,
                      files->roster_len, err);
    if (st == BILET_OK && files->tickets) {
        st = mem_file(&m[2], paths[2], sizeof paths[2], label, "tickets.csv", files->tickets,
                      files->tickets_len, err);
        n = 3;
    }
    if (st != BILET_OK)
        return st;
    if (!files->tickets && (files->sealed_tickets < 1 || files->sealed_tickets > EXAM_TICKETS_MAX))
        return bilet_fail(err, BILET_EPARSE, "%s: %zu sealed tickets; an exam has 1..%d", label,
                          files->sealed_tickets, (int)EXAM_TICKETS_MAX);
    examdir_mem_files_set(m, n);
    st = load_files(label, policies_dir, files->tickets != NULL, files->sealed_tickets, out, err);
    examdir_mem_files_set(NULL, 0);
    return st;
}

bilet_status examdir_attach_tickets(const char *label, const char *tickets, size_t len, exam *e,
                                    bilet_err *err)
{
    if (e->tickets)
        return bilet_fail(err, BILET_ESTATE, "%s: the tickets are attached already", label);
    char path[EXAMDIR_PATH_MAX];
    examdir_mem_file m;
    bilet_status st = mem_file(&m, path, sizeof path, label, "tickets.csv", tickets, len, err);
    if (st != BILET_OK)
        return st;
    size_t sealed = e->n_tickets;
    exam tmp = *e;
    tmp.tickets = NULL;
    tmp.n_tickets = 0;
    examdir_mem_files_set(&m, 1);
    st = examdir_tickets_load(path, &tmp, err);
    examdir_mem_files_set(NULL, 0);
    if (st != BILET_OK)
        return st;
    if (tmp.n_tickets != sealed) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s: tickets.csv holds %zu tickets, the package says %zu (a forged "
                        "package?)",
                        path, tmp.n_tickets, sealed);
    } else {
        st = exam_check_policy(&tmp, err);
        if (st != BILET_OK) {
            size_t dl = strlen(label);
            bilet_err_prefix(err, "%s%s", label, dl && label[dl - 1] == '/' ? "" : "/");
        }
    }
    if (st != BILET_OK) {
        exam_forget_tickets(&tmp);
        tmp.n_tickets = sealed;
        return st;
    }
    e->tickets = tmp.tickets;
    return BILET_OK;
}

/* For a package file (a regular file, config/demo.bilet): the folder policies/ beside it
 * (config/policies), which is what <exam directory>/../policies means for a directory. */
static bool package_parent(const char *exam_path, char *out, size_t cap)
{
    struct stat sb;
    if (stat(exam_path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return false;
    const char *slash = strrchr(exam_path, '/');
    int n = slash ? snprintf(out, cap, "%.*s/policies", (int)(slash - exam_path), exam_path)
                  : snprintf(out, cap, "policies");
    return n > 0 && (size_t)n < cap;
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
        if (exam_dir && exam_dir[0] && package_parent(exam_dir, parent, sizeof parent) &&
            is_dir(parent))
            found = parent;
        else if (exam_dir && exam_dir[0] &&
                 examdir_path_join(parent, sizeof parent, exam_dir, "../policies", NULL) ==
                     BILET_OK &&
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
