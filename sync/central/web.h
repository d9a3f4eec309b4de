/*
 * web.h — the staff console's static files (sync/web: index.html, app.js, style.css,
 * i18n/ru.js and the other languages), served by bilet-central itself from one folder.
 *
 * Only regular files under the folder with a known extension are served, each with its
 * content type; no directory listing, no path with an empty, "." or ".." segment or a
 * dot file, nothing a symbolic link leads out of the folder. The files hold no data:
 * everything an exam office sees comes from the JSON API, which checks roles itself.
 */
#ifndef BILET_WEB_H
#define BILET_WEB_H

#include <stdbool.h>

#include "api.h"
#include "status.h"

enum { WEB_FILE_MAX = 8 * 1024 * 1024 };

/* Picks the folder to serve: `given` (--web) when not NULL, else the first of the compiled-in
 * places (the source tree's sync/web, the installed share/bilet/web) that holds index.html.
 * *out is a malloc'd canonical path. BILET_ENOTFOUND naming the places when none has it. */
bilet_status web_root_find(const char *given, char **out, bilet_err *err);

/* Whether path is one of the console's pages rather than the API (does not start with
 * "/api/"). */
bool web_is_static(const char *path);

/* Answers GET/HEAD of path from root: 200 with the file, 404 for anything not served. */
void web_serve(const char *root, const char *path, api_response *resp);

#endif
