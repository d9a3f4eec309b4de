/*
 * paper.c — the bundled fonts and the documents' language (paper.h).
 *
 * Invariant: once a language is chosen, LANGUAGE names it and the domain is bound to the
 * catalog folder found then. Load: once or twice a process.
 */
#include "paper.h"

#include <fontconfig/fontconfig.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* glibc's counter of loaded catalogs: bumping it drops gettext's cache of translations, so
 * that a new LANGUAGE takes effect for labels looked up before. */
extern int _nl_msg_cat_cntr;

static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lang_lock = PTHREAD_MUTEX_INITIALIZER;
static char chosen[8];

static bool is_dir(const char *p)
{
    struct stat st;
    return p && p[0] && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void add_fonts(void)
{
    const char *dirs[] = { getenv("BILET_FONTS"), BILET_SOURCE_FONTS, BILET_DATADIR "/fonts" };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (is_dir(dirs[i])) {
            FcConfigAppFontAddDir(FcConfigGetCurrent(), (const FcChar8 *)dirs[i]);
            return;
        }
    }
}

void paper_fonts_init(void)
{
    pthread_once(&fonts_once, add_fonts);
}

static const char *locale_dir(void)
{
    const char *env = getenv("BILET_LOCALEDIR");
    if (env && env[0])
        return env;
    if (is_dir(BILET_BUILD_LOCALEDIR))
        return BILET_BUILD_LOCALEDIR;
    return BILET_LOCALEDIR;
}

static bool language_valid(const char *lang)
{
    return lang && (strcmp(lang, "ru") == 0 || strcmp(lang, "kk") == 0 || strcmp(lang, "en") == 0);
}

/* Binds and selects lang; the caller holds lang_lock. */
static bilet_status use_locked(const char *lang, bilet_err *err)
{
    const char *dir = locale_dir();
    char mo[4096];
    snprintf(mo, sizeof mo, "%s/%s/LC_MESSAGES/%s.mo", dir, lang, PAPER_DOMAIN);
    struct stat st;
    bool have = stat(mo, &st) == 0 && S_ISREG(st.st_mode);
    if (!bindtextdomain(PAPER_DOMAIN, dir) || !bind_textdomain_codeset(PAPER_DOMAIN, "UTF-8"))
        return bilet_fail(err, BILET_ENOMEM, "cannot bind the gettext domain to %s", dir);
    if (setenv("LANGUAGE", lang, 1) != 0)
        return bilet_fail(err, BILET_ENOMEM, "cannot set LANGUAGE=%s", lang);
    ++_nl_msg_cat_cntr;
    snprintf(chosen, sizeof chosen, "%s", lang);
    if (!have && strcmp(lang, "en") != 0)
        return bilet_fail(err, BILET_ENOTFOUND,
                          "%s: the %s catalog is missing, the documents would be in English "
                          "(set BILET_LOCALEDIR to the folder of <lang>/LC_MESSAGES/bilet.mo)",
                          mo, lang);
    return BILET_OK;
}

bilet_status paper_language_use(const char *lang, bilet_err *err)
{
    if (!language_valid(lang))
        return bilet_fail(err, BILET_EINVAL, "--lang %s: the documents are printed in ru, kk or en",
                          lang ? lang : "");
    pthread_mutex_lock(&lang_lock);
    bilet_status st = use_locked(lang, err);
    pthread_mutex_unlock(&lang_lock);
    return st;
}

void paper_language_default(void)
{
    pthread_mutex_lock(&lang_lock);
    if (!chosen[0])
        use_locked("ru", NULL);
    pthread_mutex_unlock(&lang_lock);
}

const char *paper_language(void)
{
    return chosen[0] ? chosen : "ru";
}

const char *paper_form_title(exam_form f)
{
    switch (f) {
    case EXAM_FORM_EXAM:
        return _("examination");
    case EXAM_FORM_ZACHET:
        return _("pass/fail test");
    case EXAM_FORM_DIFF_ZACHET:
        return _("graded pass/fail test");
    case EXAM_FORM_COMPLEX:
        return _("comprehensive examination");
    }
    return "?";
}
