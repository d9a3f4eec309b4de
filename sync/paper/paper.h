/*
 * paper.h — what every printed document of sync/paper shares: the bundled fonts and the
 * language of its words.
 *
 * Fonts: the repository's fonts/ folder (or $BILET_FONTS, or the installed share/bilet/fonts)
 * is added to fontconfig once, before pango first reads it, so that sheets and documents
 * are set in Noto Sans on any machine.
 *
 * Language: the labels are gettext msgids in English (domain "bilet", po/<lang>.po), translated
 * into the document's language: Russian unless paper_language_use chose another. The
 * catalogs are found in $BILET_LOCALEDIR, else the build tree's locale/ folder, else the
 * installed locale folder. gettext reads the language from LANGUAGE under the C.UTF-8 locale
 * (the caller's main sets it), so the choice is process-wide: one language a process.
 */
#ifndef BILET_PAPER_H
#define BILET_PAPER_H

#include <libintl.h>

#include "exam.h"
#include "status.h"

#define PAPER_DOMAIN "bilet"

/* A printed label, in the document's language. */
#define _(msgid) dgettext(PAPER_DOMAIN, msgid)
/* Marks a label for the catalogs where it is translated later (tables). */
#define N_(msgid) msgid

/* The exam form as printed: «экзамен», «зачёт», «дифференцированный зачёт», «комплексный
 * экзамен» (in the documents' language). */
const char *paper_form_title(exam_form f);

/* Adds the bundled fonts to fontconfig, once per process. Thread-safe. */
void paper_fonts_init(void);

/* Prints documents in lang ("ru", "kk" or "en") from now on: binds the catalogs and sets
 * LANGUAGE. BILET_EINVAL for another language; BILET_ENOTFOUND when the catalog of a
 * language other than English is missing (the documents would come out in English). */
bilet_status paper_language_use(const char *lang, bilet_err *err);

/* Chooses Russian when no language has been chosen yet; a missing catalog leaves the
 * English msgids. Called by every document before its first label. */
void paper_language_default(void);

/* The language chosen ("ru" until another is used). */
const char *paper_language(void);

#endif
