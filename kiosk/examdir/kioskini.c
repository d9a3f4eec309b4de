/*
 * kioskini.c — reads kiosk.ini, a terminal's settings, with the exam loader's inih driver
 * (line lengths checked first, physical line numbers in every message).
 *
 * One section, [kiosk]; every key known, none twice; pin_hash required. Paths are resolved
 * here against kiosk.ini's folder so that callers never see a relative path whose meaning
 * depends on the working directory. Load: read once at start-up.
 */
#include "kioskini.h"

#include <string.h>

#include "examdir_int.h"
#include "text.h"

typedef enum kiosk_key {
    KK_NAME,
    KK_DATA,
    KK_PIN_HASH,
    KK_CENTRAL,
    KK_TRUST,
    KK_PRINTER,
    KK_LANG,
    KK_CENTRAL_PUB,
    KK_POLICIES,
    KK_COUNT
} kiosk_key;

static const char *const key_names[KK_COUNT] = {
    [KK_NAME] = "name",         [KK_DATA] = "data",
    [KK_PIN_HASH] = "pin_hash", [KK_CENTRAL] = "central",
    [KK_TRUST] = "trust",       [KK_PRINTER] = "printer",
    [KK_LANG] = "lang",         [KK_CENTRAL_PUB] = "central_pub",
    [KK_POLICIES] = "policies",
};

typedef struct kioskini_ctx {
    kiosk_config *cfg;
    int seen[KK_COUNT]; /* line where each key was given, 0 if not */
} kioskini_ctx;

bool kioskini_lang_valid(const char *lang)
{
    return strcmp(lang, "ru") == 0 || strcmp(lang, "kk") == 0 || strcmp(lang, "en") == 0;
}

/* A path value: kept as is when absolute or empty, else joined to kiosk.ini's folder. */
static bilet_status path_value(const kioskini_ctx *c, int line, const char *field,
                               const char *value, char *dst, size_t cap, bilet_err *err)
{
    if (value[0] == '\0' || value[0] == '/' || strcmp(c->cfg->dir, ".") == 0)
        return examdir_value_text(c->cfg->path, line, field, value, dst, cap, err);
    bilet_status st = examdir_path_join(dst, cap, c->cfg->dir, value, err);
    if (st != BILET_OK)
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: the path is too long", c->cfg->path,
                          line, field);
    return BILET_OK;
}

/* `trust =`: one path or several separated by commas, each resolved as a path value. */
static bilet_status trust_value(kioskini_ctx *c, int line, const char *value, bilet_err *err)
{
    kiosk_config *cfg = c->cfg;
    const char *p = value;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char item[EXAMDIR_PATH_MAX];
        if (n >= sizeof item)
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field trust: a path is too long",
                              cfg->path, line);
        memcpy(item, p, n);
        item[n] = '\0';
        char trimmed[EXAMDIR_PATH_MAX];
        text_trim_copy(item, trimmed, sizeof trimmed);
        if (trimmed[0]) {
            if (cfg->n_trust == KIOSKINI_TRUST_MAX)
                return bilet_fail(err, BILET_EPARSE, "%s:%d: field trust: more than %d keys",
                                  cfg->path, line, (int)KIOSKINI_TRUST_MAX);
            bilet_status st = path_value(c, line, "trust", trimmed, cfg->trust_list[cfg->n_trust],
                                         sizeof cfg->trust_list[0], err);
            if (st != BILET_OK)
                return st;
            cfg->n_trust++;
        }
        p += n + (comma ? 1 : 0);
    }
    if (cfg->n_trust > 0)
        memcpy(cfg->trust, cfg->trust_list[0], sizeof cfg->trust);
    return BILET_OK;
}

static bilet_status on_key(examdir_ini *ini, void *user, const char *section, const char *key,
                           const char *value, bilet_err *err)
{
    kioskini_ctx *c = user;
    kiosk_config *cfg = c->cfg;
    const char *path = examdir_ini_path(ini);
    int line = examdir_ini_line(ini);
    if (strcmp(section, "kiosk") != 0) {
        if (section[0] == '\0')
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: outside the [kiosk] section",
                              path, line, key);
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: unknown section [%s]; kiosk.ini has only [kiosk]", path,
                          examdir_ini_section_line(ini), section);
    }
    if (examdir_ini_continued(ini))
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: field %s: an indented line continues the value; kiosk.ini "
                          "values fit on one line",
                          path, line, key);
    int k = 0;
    while (k < KK_COUNT && strcmp(key_names[k], key) != 0)
        k++;
    if (k == KK_COUNT)
        return bilet_fail(err, BILET_EPARSE,
                          "%s:%d: unknown field %s (known: name, data, pin_hash, central, trust, "
                          "printer, lang, central_pub, policies)",
                          path, line, key);
    if (c->seen[k])
        return bilet_fail(err, BILET_EPARSE, "%s:%d: field %s: given twice (first on line %d)",
                          path, line, key, c->seen[k]);
    c->seen[k] = line;
    switch ((kiosk_key)k) {
    case KK_NAME:
        return examdir_value_text(path, line, key, value, cfg->name, sizeof cfg->name, err);
    case KK_DATA:
        return path_value(c, line, key, value, cfg->data, sizeof cfg->data, err);
    case KK_PIN_HASH:
        if (strncmp(value, "$argon2id$", 10) != 0)
            return bilet_fail(err, BILET_EPARSE,
                              "%s:%d: field pin_hash: not an Argon2id hash; make one with "
                              "`bilet pin-hash`",
                              path, line);
        return examdir_value_text(path, line, key, value, cfg->pin_hash, sizeof cfg->pin_hash, err);
    case KK_CENTRAL:
        return examdir_value_text(path, line, key, value, cfg->central, sizeof cfg->central, err);
    case KK_TRUST:
        return trust_value(c, line, value, err);
    case KK_PRINTER:
        return examdir_value_text(path, line, key, value, cfg->printer, sizeof cfg->printer, err);
    case KK_LANG:
        if (!kioskini_lang_valid(value))
            return bilet_fail(err, BILET_EPARSE, "%s:%d: field lang: \"%.16s\"; ru, kk or en", path,
                              line, value);
        return examdir_value_text(path, line, key, value, cfg->lang, sizeof cfg->lang, err);
    case KK_CENTRAL_PUB:
        return path_value(c, line, key, value, cfg->central_pub, sizeof cfg->central_pub, err);
    case KK_POLICIES:
        return path_value(c, line, key, value, cfg->policies, sizeof cfg->policies, err);
    case KK_COUNT:
        break;
    }
    return BILET_OK;
}

/* The folder of path into out: "." when path names no folder. */
static bilet_status folder_of(const char *path, char *out, size_t cap, bilet_err *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return examdir_value_text(path, 0, "path", ".", out, cap, err);
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= cap)
        return bilet_fail(err, BILET_EINVAL, "%s: the path is too long", path);
    memcpy(out, path, n);
    out[n] = '\0';
    return BILET_OK;
}

bilet_status kioskini_load(const char *path, kiosk_config *out, bilet_err *err)
{
    memset(out, 0, sizeof *out);
    if (strlen(path) >= sizeof out->path)
        return bilet_fail(err, BILET_EINVAL, "%.64s…: the path is too long", path);
    memcpy(out->path, path, strlen(path) + 1);
    bilet_status st = folder_of(path, out->dir, sizeof out->dir, err);
    if (st != BILET_OK)
        goto out_fail;
    kioskini_ctx c = { .cfg = out };
    st = examdir_ini_parse(path, on_key, &c, err);
    if (st != BILET_OK)
        goto out_fail;
    if (!c.seen[KK_PIN_HASH]) {
        st = bilet_fail(err, BILET_EPARSE,
                        "%s: field pin_hash is missing; make the invigilator's PIN hash with "
                        "`bilet pin-hash` and add `pin_hash = ...` under [kiosk]",
                        path);
        goto out_fail;
    }
    if (out->lang[0] == '\0')
        memcpy(out->lang, "ru", 3);
    return BILET_OK;
out_fail:
    memset(out, 0, sizeof *out);
    return st;
}
