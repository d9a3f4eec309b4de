/*
 * policy.c — reads a policy profile (config/policies/NAME.ini): the limits of the
 * regulations an exam is checked against.
 *
 * [policy] holds the figures; every key is required and no other is allowed, so an
 * institution that edits a profile learns at once about a typo. [clauses] optionally names
 * the clause behind each figure; messages cite it ("… of 45–60 min (002 3.11)"). The clause
 * texts live in the profile, next to the figures they explain, because an institution
 * that changes a figure for its own regulations changes the clause with it.
 */
#include "examdir_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "examdir.h"

typedef enum value_kind {
    V_INT,
    V_BOOL,
    V_NAME,
} value_kind;

typedef struct policy_key {
    const char *name;
    value_kind kind;
    size_t offset;
    int lo;
    int hi;
} policy_key;

#define INT_KEY(f, lo, hi)                                                                         \
    {                                                                                              \
#f, V_INT, offsetof(exam_policy, f), lo, hi                                                \
    }
#define BOOL_KEY(f)                                                                                \
    {                                                                                              \
#f, V_BOOL, offsetof(exam_policy, f), 0, 1                                                 \
    }

static const policy_key policy_keys[] = {
    { "name", V_NAME, offsetof(exam_policy, name), 0, 0 },
    INT_KEY(oral_prep_min, 0, 600),
    INT_KEY(oral_prep_max, 0, 600),
    INT_KEY(oral_answer_max, 1, 600),
    INT_KEY(written_max, 1, 1440),
    BOOL_KEY(second_ticket_penalty),
    INT_KEY(grading_deadline_days, 1, 365),
    BOOL_KEY(grading_deadline_working),
    INT_KEY(retention_years, 1, 100),
    INT_KEY(max_retakes, 0, 10),
    INT_KEY(commission_attempt, 1, 11),
    INT_KEY(commission_min, 1, EXAM_LIST_MAX),
};

enum { POLICY_KEYS = sizeof policy_keys / sizeof policy_keys[0] };

typedef struct clause_key {
    const char *name;
    size_t offset;
} clause_key;

static const clause_key clause_keys[] = {
    { "oral_prep", offsetof(exam_policy, clause_oral_prep) },
    { "oral_answer", offsetof(exam_policy, clause_oral_answer) },
    { "written", offsetof(exam_policy, clause_written) },
    { "second_ticket", offsetof(exam_policy, clause_second_ticket) },
    { "grading_deadline", offsetof(exam_policy, clause_grading_deadline) },
    { "retention", offsetof(exam_policy, clause_retention) },
    { "retakes", offsetof(exam_policy, clause_retakes) },
};

enum { CLAUSE_KEYS = sizeof clause_keys / sizeof clause_keys[0] };

typedef struct policy_ctx {
    exam_policy *out;
    int seen[POLICY_KEYS];
    int clause_seen[CLAUSE_KEYS];
} policy_ctx;

static bilet_status on_clause(policy_ctx *c, const char *path, int line, const char *key,
                              const char *value, bilet_err *err)
{
    size_t k = 0;
    while (k < CLAUSE_KEYS && strcasecmp(key, clause_keys[k].name) != 0)
        k++;
    if (k == CLAUSE_KEYS)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: unknown key %s in [clauses] (keys: oral_prep, oral_answer, "
                          "written, second_ticket, grading_deadline, retention, retakes)",
                          path, line, key);
    if (c->clause_seen[k])
        return bilet_fail(err, BILET_EPARSE, "%s:%d: key %s is given twice (first on line %d)",
                          path, line, clause_keys[k].name, c->clause_seen[k]);
    c->clause_seen[k] = line;
    return examdir_value_text(path, line, clause_keys[k].name, value,
                              (char *)c->out + clause_keys[k].offset, EXAM_SHORT_MAX, err);
}

static bilet_status on_key(examdir_ini *ini, void *user, const char *section, const char *key,
                           const char *value, bilet_err *err)
{
    policy_ctx *c = user;
    const char *path = examdir_ini_path(ini);
    int line = examdir_ini_line(ini);
    if (examdir_ini_continued(ini))
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: the line is indented, so it continues %s; remove the "
                          "indentation",
                          path, line, key);
    if (section[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: key %s comes before the [policy] line", path,
                          line, key);
    if (strcasecmp(section, "clauses") == 0)
        return on_clause(c, path, line, key, value, err);
    if (strcasecmp(section, "policy") != 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: section [%s] is unknown (a profile holds [policy] and "
                          "[clauses])",
                          path, examdir_ini_section_line(ini), section);
    size_t k = 0;
    while (k < POLICY_KEYS && strcasecmp(key, policy_keys[k].name) != 0)
        k++;
    if (k == POLICY_KEYS)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: unknown key %s in [policy] (keys: name, oral_prep_min, "
                          "oral_prep_max, oral_answer_max, written_max, second_ticket_penalty, "
                          "grading_deadline_days, grading_deadline_working, retention_years, "
                          "max_retakes, commission_attempt, commission_min)",
                          path, line, key);
    const policy_key *pk = &policy_keys[k];
    if (c->seen[k])
        return bilet_fail(err, BILET_EPARSE, "%s:%d: key %s is given twice (first on line %d)",
                          path, line, pk->name, c->seen[k]);
    c->seen[k] = line;
    void *field = (char *)c->out + pk->offset;
    switch (pk->kind) {
    case V_INT:
        return examdir_value_int(path, line, pk->name, value, pk->lo, pk->hi, field, err);
    case V_BOOL:
        return examdir_value_bool(path, line, pk->name, value, field, err);
    case V_NAME:
        if (!examdir_policy_name_valid(value))
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field name: \"%s\" is not a profile name (a-z, 0-9, '-', "
                              "'_')",
                              path, line, value);
        snprintf(c->out->name, sizeof c->out->name, "%s", value);
        return BILET_OK;
    }
    return BILET_OK;
}

/* The line where the [policy] key was given (all are, once check_whole runs this). */
static int key_line(const policy_ctx *c, const char *key)
{
    for (size_t k = 0; k < POLICY_KEYS; k++)
        if (strcmp(policy_keys[k].name, key) == 0)
            return c->seen[k];
    return 0;
}

/* The profile's name as its file gives it: "college" for ".../college.ini". */
static void file_stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
        n -= 4;
    snprintf(out, cap, "%.*s", (int)n, base);
}

static bilet_status check_whole(const char *path, const policy_ctx *c, bilet_err *err)
{
    const exam_policy *p = c->out;
    for (size_t k = 0; k < POLICY_KEYS; k++)
        if (!c->seen[k])
            return bilet_fail(err, BILET_EPARSE, "%s: key %s is missing from [policy]", path,
                              policy_keys[k].name);
    char stem[EXAM_SHORT_MAX];
    file_stem(path, stem, sizeof stem);
    if (strcmp(stem, p->name) != 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field name: \"%s\" differs from the file's name (%s); exam.ini "
                          "names a profile by its file",
                          path, key_line(c, "name"), p->name, stem);
    if (p->oral_prep_max < p->oral_prep_min)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field oral_prep_max: %d is below oral_prep_min = %d", path,
                          key_line(c, "oral_prep_max"), p->oral_prep_max, p->oral_prep_min);
    if (p->commission_attempt > 1 + p->max_retakes)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field commission_attempt: %d is beyond the last attempt (%d: "
                          "the first and max_retakes = %d)",
                          path, key_line(c, "commission_attempt"), p->commission_attempt,
                          1 + p->max_retakes, p->max_retakes);
    return BILET_OK;
}

bilet_status examdir_load_policy(const char *path, exam_policy *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    policy_ctx c = { .out = out };
    bilet_status st = examdir_ini_parse(path, on_key, &c, err);
    if (st == BILET_OK)
        st = check_whole(path, &c, err);
    if (st != BILET_OK)
        memset(out, 0, sizeof *out);
    return st;
}
