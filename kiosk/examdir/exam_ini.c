/*
 * exam_ini.c — reads exam.ini, the description of one exam sitting, into exam_info.
 *
 * One section, [exam]; every key known, none twice; required keys present; every value
 * checked here, as far as it can be without the policy profile (durations against the
 * profile are exam_check_policy's). A list (examiners, commission, disciplines) is
 * separated by commas and may go on over indented lines, which is how a long list stays
 * within the line length inih reads.
 */
#include "examdir_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "examdir.h"

typedef enum exam_key {
    K_ID,
    K_DISCIPLINE,
    K_FORM,
    K_MODE,
    K_GROUP,
    K_DATE,
    K_START,
    K_ROOM,
    K_EXAMINERS,
    K_PREP_MINUTES,
    K_ANSWER_MINUTES,
    K_SUBGROUPS,
    K_POLICY,
    K_CODE,
    K_SECOND_TICKET,
    K_ATTEMPT,
    K_INSTITUTION,
    K_COMMISSION,
    K_DISCIPLINES,
    K_COUNT
} exam_key;

static const char *const key_names[K_COUNT] = {
    [K_ID] = "id",
    [K_DISCIPLINE] = "discipline",
    [K_FORM] = "form",
    [K_MODE] = "mode",
    [K_GROUP] = "group",
    [K_DATE] = "date",
    [K_START] = "start",
    [K_ROOM] = "room",
    [K_EXAMINERS] = "examiners",
    [K_PREP_MINUTES] = "prep_minutes",
    [K_ANSWER_MINUTES] = "answer_minutes",
    [K_SUBGROUPS] = "subgroups",
    [K_POLICY] = "policy",
    [K_CODE] = "code",
    [K_SECOND_TICKET] = "second_ticket",
    [K_ATTEMPT] = "attempt",
    [K_INSTITUTION] = "institution",
    [K_COMMISSION] = "commission",
    [K_DISCIPLINES] = "disciplines",
};

static const exam_key required[] = { K_ID,    K_DISCIPLINE, K_FORM,           K_MODE,
                                     K_GROUP, K_DATE,       K_ANSWER_MINUTES, K_POLICY };

typedef struct exam_ini_ctx {
    exam_info *info;
    int seen[K_COUNT]; /* line where each key was given, 0 if not */
} exam_ini_ctx;

static bool is_list(exam_key k)
{
    return k == K_EXAMINERS || k == K_COMMISSION || k == K_DISCIPLINES;
}

static exam_list *list_of(exam_info *in, exam_key k)
{
    switch (k) {
    case K_EXAMINERS:
        return &in->examiners;
    case K_COMMISSION:
        return &in->commission;
    default:
        return &in->disciplines;
    }
}

static void trim(char **s)
{
    while (**s == ' ' || **s == '\t')
        (*s)++;
    size_t n = strlen(*s);
    while (n > 0 && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
        (*s)[--n] = '\0';
}

/* Adds the comma-separated names of value to the list; empty items (a trailing comma) are
 * skipped. */
static bilet_status list_add(const char *path, int line, const char *key, exam_list *list,
                             const char *value, bilet_err *err)
{
    char buf[EXAMDIR_INI_LINE_MAX + 2];
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        trim(&tok);
        if (tok[0] == '\0')
            continue;
        if (list->n >= EXAM_LIST_MAX)
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: more than %d names", path, line,
                              key, (int)EXAM_LIST_MAX);
        bilet_status st =
            examdir_value_text(path, line, key, tok, list->item[list->n], EXAM_TEXT_MAX, err);
        if (st != BILET_OK)
            return st;
        list->n++;
    }
    return BILET_OK;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
        !digits(s + 8, 2))
        return false;
    int y = num(s, 4);
    int m = num(s + 5, 2);
    int d = num(s + 8, 2);
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 2000 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

/* HH:MM (or H:MM), stored as HH:MM. */
static bool parse_start(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);
    const char *colon = strchr(s, ':');
    if (!colon || (colon - s != 1 && colon - s != 2) || n - (size_t)(colon - s) != 3 ||
        !digits(s, (size_t)(colon - s)) || !digits(colon + 1, 2))
        return false;
    int h = num(s, (size_t)(colon - s));
    int m = num(colon + 1, 2);
    if (h > 23 || m > 59)
        return false;
    snprintf(out, cap, "%02d:%02d", h, m);
    return true;
}

static bilet_status set_id(const char *path, int line, const char *value, exam_info *in,
                           bilet_err *err)
{
    if (value[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field id: empty; the exam needs an id", path,
                          line);
    if (strpbrk(value, "/\\"))
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field id: \"%s\" holds a slash; ids name files, so write "
                          "them with letters, digits and '-'",
                          path, line, value);
    return examdir_value_text(path, line, "id", value, in->id, sizeof in->id, err);
}

static bilet_status set_required_text(const char *path, int line, const char *key,
                                      const char *value, char *dst, size_t cap, bilet_err *err)
{
    if (value[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: empty; it is required", path, line,
                          key);
    return examdir_value_text(path, line, key, value, dst, cap, err);
}

static bilet_status set_value(const char *path, int line, exam_key k, const char *value,
                              exam_info *in, bilet_err *err)
{
    const char *key = key_names[k];
    size_t i = 0;
    bilet_status st = BILET_OK;
    switch (k) {
    case K_ID:
        return set_id(path, line, value, in, err);
    case K_DISCIPLINE:
        return set_required_text(path, line, key, value, in->discipline, sizeof in->discipline,
                                 err);
    case K_GROUP:
        return set_required_text(path, line, key, value, in->group, sizeof in->group, err);
    case K_ROOM:
        return examdir_value_text(path, line, key, value, in->room, sizeof in->room, err);
    case K_INSTITUTION:
        return examdir_value_text(path, line, key, value, in->institution, sizeof in->institution,
                                  err);
    case K_FORM: {
        static const char *const w[] = { "exam", "zachet", "diff_zachet", "complex" };
        st = examdir_value_word(path, line, key, value, w, 4, "exam, zachet, diff_zachet, complex",
                                &i, err);
        in->form = (exam_form)i;
        return st;
    }
    case K_MODE: {
        static const char *const w[] = { "written", "oral" };
        st = examdir_value_word(path, line, key, value, w, 2, "written, oral", &i, err);
        in->mode = (exam_mode)i;
        return st;
    }
    case K_CODE: {
        static const char *const w[] = { "blind", "record_book" };
        st = examdir_value_word(path, line, key, value, w, 2, "blind, record_book", &i, err);
        in->code = (exam_code_mode)i;
        return st;
    }
    case K_ATTEMPT: {
        static const char *const w[] = { "1", "2", "3" };
        st = examdir_value_word(path, line, key, value, w, 3, "1, 2, 3 (3 = before a commission)",
                                &i, err);
        in->attempt = (int)i + 1;
        return st;
    }
    case K_DATE:
        if (!valid_date(value))
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field date: \"%s\" is not a date YYYY-MM-DD", path, line,
                              value);
        snprintf(in->date, sizeof in->date, "%s", value);
        return BILET_OK;
    case K_START:
        if (value[0] == '\0') {
            in->start[0] = '\0';
            return BILET_OK;
        }
        if (!parse_start(value, in->start, sizeof in->start))
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field start: \"%s\" is not a time HH:MM",
                              path, line, value);
        return BILET_OK;
    case K_PREP_MINUTES:
        return examdir_value_int(path, line, key, value, 0, 600, &in->prep_minutes, err);
    case K_ANSWER_MINUTES:
        return examdir_value_int(path, line, key, value, 1, 600, &in->answer_minutes, err);
    case K_SUBGROUPS:
        return examdir_value_int(path, line, key, value, 1, 20, &in->subgroups, err);
    case K_SECOND_TICKET:
        return examdir_value_bool(path, line, key, value, &in->second_ticket, err);
    case K_POLICY:
        if (!examdir_policy_name_valid(value))
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field policy: \"%s\" is not a profile name (university, "
                              "college, dpo, or another file's name of a-z, 0-9, '-', '_')",
                              path, line, value);
        snprintf(in->policy, sizeof in->policy, "%s", value);
        return BILET_OK;
    case K_EXAMINERS:
    case K_COMMISSION:
    case K_DISCIPLINES:
        return list_add(path, line, key, list_of(in, k), value, err);
    case K_COUNT:
        break;
    }
    return BILET_OK;
}

static bilet_status on_key(examdir_ini *ini, void *user, const char *section, const char *key,
                           const char *value, bilet_err *err)
{
    exam_ini_ctx *c = user;
    const char *path = examdir_ini_path(ini);
    int line = examdir_ini_line(ini);
    if (section[0] == '\0')
        return bilet_fail(err, BILET_EPARSE, "%s:%d: key %s comes before the [exam] line", path,
                          line, key);
    if (strcasecmp(section, "exam") != 0)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: section [%s] is unknown; exam.ini holds one section, [exam]",
                          path, examdir_ini_section_line(ini), section);
    int k = 0;
    while (k < K_COUNT && strcasecmp(key, key_names[k]) != 0)
        k++;
    if (k == K_COUNT)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: unknown key %s in [exam] (keys: id, discipline, form, mode, "
                          "group, date, start, room, examiners, prep_minutes, answer_minutes, "
                          "subgroups, policy, code, second_ticket, attempt, institution, "
                          "commission, disciplines)",
                          path, line, key);
    if (examdir_ini_continued(ini)) {
        if (!is_list((exam_key)k))
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: the line is indented, so it continues %s; only examiners, "
                              "commission and disciplines go on over indented lines — remove "
                              "the indentation",
                              path, line, key_names[k]);
        return list_add(path, line, key_names[k], list_of(c->info, (exam_key)k), value, err);
    }
    if (c->seen[k])
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: key %s is given twice (first on line %d); a long list goes on "
                          "over indented lines instead",
                          path, line, key_names[k], c->seen[k]);
    c->seen[k] = line;
    return set_value(path, line, (exam_key)k, value, c->info, err);
}

bilet_status examdir_exam_ini_load(const char *path, exam_info *out, bool *second_ticket_given,
                                   bilet_err *err)
{
    memset(out, 0, sizeof *out);
    *second_ticket_given = false;
    exam_ini_ctx c = { .info = out };
    out->prep_minutes = 0;
    out->subgroups = 1;
    out->code = EXAM_CODE_BLIND;
    out->attempt = 1;
    bilet_status st = examdir_ini_parse(path, on_key, &c, err);
    if (st != BILET_OK)
        goto out_zero;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (!c.seen[required[i]]) {
            st = bilet_fail(err, BILET_EPARSE,
                            "%s: field %s is missing (exam.ini needs id, discipline, form, mode, "
                            "group, date, answer_minutes and policy)",
                            path, key_names[required[i]]);
            goto out_zero;
        }
    }
    *second_ticket_given = c.seen[K_SECOND_TICKET] != 0;
    out->line.form = c.seen[K_FORM];
    out->line.prep_minutes = c.seen[K_PREP_MINUTES];
    out->line.answer_minutes = c.seen[K_ANSWER_MINUTES];
    out->line.subgroups = c.seen[K_SUBGROUPS];
    out->line.policy = c.seen[K_POLICY];
    out->line.attempt = c.seen[K_ATTEMPT];
    out->line.commission = c.seen[K_COMMISSION];
    return BILET_OK;
out_zero:
    memset(out, 0, sizeof *out);
    return st;
}
