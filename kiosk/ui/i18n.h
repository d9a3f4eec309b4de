/*
 * i18n.h — the kiosk's languages through gettext (domain "bilet", catalogs in po/).
 *
 * Msgids are English; po/ru.po (the product's first language), po/kk.po and po/en.po
 * translate them. Only the C, C.UTF-8 and POSIX locales exist on the terminals, so the
 * language is chosen with LANGUAGE under the C.UTF-8 locale (gettext ignores LANGUAGE under
 * plain C) and switched at run time by setting LANGUAGE again and bumping glibc's
 * _nl_msg_cat_cntr, which drops gettext's cache of looked-up strings.
 *
 * The language is process-wide state (the environment); the kiosk has one UI thread and
 * changes it only there. Where the locale directory holds no catalog, every string stays
 * its English msgid and the kiosk still works.
 */
#ifndef BILET_I18N_H
#define BILET_I18N_H

#include <libintl.h>
#include <stdbool.h>

#include "status.h"

#define I18N_DOMAIN "bilet"

/* A string the person in front of the screen reads. */
#define _(msgid) dgettext(I18N_DOMAIN, msgid)
/* Marks a string for the catalogs where it is translated later (tables). */
#define N_(msgid) msgid
/* A string with a count: the catalog's Plural-Forms picks the form for n. */
#define P_(singular, plural, n) dngettext(I18N_DOMAIN, singular, plural, (unsigned long)(n))

enum { I18N_LANG_MAX = 8 };

/* Sets the C.UTF-8 locale, binds the domain to localedir (…/<lang>/LC_MESSAGES/bilet.mo)
 * with UTF-8 output, makes it the default domain and selects lang ("ru", "kk" or "en").
 * BILET_EINVAL for another language; BILET_ENOTFOUND when the C.UTF-8 locale is missing
 * (strings would then stay English); BILET_ENOMEM when gettext cannot keep the binding. */
bilet_status i18n_init(const char *localedir, const char *lang, bilet_err *err);

/* Switches the language at run time. BILET_EINVAL for a language the kiosk does not ship. */
bilet_status i18n_set_language(const char *lang, bilet_err *err);

/* Whether the kiosk ships lang ("ru", "kk", "en"). */
bool i18n_language_valid(const char *lang);

/* The language after lang in the order F11 cycles them: ru → kk → en → ru. */
const char *i18n_next_language(const char *lang);

/* The language's own name («Русский», «Қазақша», «English»), the same in every language so
 * that a student finds their own. "" for an unknown code. */
const char *i18n_language_name(const char *lang);

/* A counter bumped by every language switch: caches of laid-out text compare it. */
unsigned i18n_generation(void);

#endif
