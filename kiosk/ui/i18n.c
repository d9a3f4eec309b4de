/*
 * i18n.c — gettext set-up and run-time language switching (see i18n.h).
 *
 * Invariant: after i18n_init, LANGUAGE in the environment names the language in use; the
 * catalogs are bound once, languages switch by LANGUAGE alone. Load: a switch is a key
 * press (F11), rare.
 */
#include "i18n.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

/* glibc's counter of loaded catalogs; bumping it invalidates gettext's lookup cache, which
 * is what makes a new LANGUAGE take effect for strings already looked up. */
extern int _nl_msg_cat_cntr;

static const char *const languages[] = { "ru", "kk", "en" };
static const char *const language_names[] = { "Русский", "Қазақша", "English" };
enum { N_LANGUAGES = sizeof languages / sizeof languages[0] };

static unsigned generation;

static int language_index(const char *lang)
{
    if (!lang)
        return -1;
    for (int i = 0; i < N_LANGUAGES; i++)
        if (strcmp(lang, languages[i]) == 0)
            return i;
    return -1;
}

bool i18n_language_valid(const char *lang)
{
    return language_index(lang) >= 0;
}

const char *i18n_next_language(const char *lang)
{
    int i = language_index(lang);
    return languages[i < 0 ? 0 : (i + 1) % N_LANGUAGES];
}

const char *i18n_language_name(const char *lang)
{
    int i = language_index(lang);
    return i < 0 ? "" : language_names[i];
}

unsigned i18n_generation(void)
{
    return generation;
}

bilet_status i18n_set_language(const char *lang, bilet_err *err)
{
    if (!i18n_language_valid(lang))
        return bilet_fail(err, BILET_EINVAL, "language \"%s\" is not one of ru, kk, en",
                          lang ? lang : "");
    if (setenv("LANGUAGE", lang, 1) != 0)
        return bilet_fail(err, BILET_ENOMEM, "cannot set LANGUAGE=%s: %s", lang, strerror(errno));
    ++_nl_msg_cat_cntr;
    generation++;
    return BILET_OK;
}

bilet_status i18n_init(const char *localedir, const char *lang, bilet_err *err)
{
    if (!i18n_language_valid(lang))
        return bilet_fail(err, BILET_EINVAL, "language \"%s\" is not one of ru, kk, en",
                          lang ? lang : "");
    bool have_locale = setlocale(LC_ALL, "C.UTF-8") != NULL;
    if (localedir && !bindtextdomain(I18N_DOMAIN, localedir))
        return bilet_fail(err, BILET_ENOMEM, "cannot bind the gettext domain to %s", localedir);
    if (!bind_textdomain_codeset(I18N_DOMAIN, "UTF-8") || !textdomain(I18N_DOMAIN))
        return bilet_fail(err, BILET_ENOMEM, "cannot set up the gettext domain %s", I18N_DOMAIN);
    bilet_status st = i18n_set_language(lang, err);
    if (st != BILET_OK)
        return st;
    if (!have_locale)
        return bilet_fail(err, BILET_ENOTFOUND,
                          "the C.UTF-8 locale is missing: the screens stay in English");
    return BILET_OK;
}
