/*
 * web.c — serving the staff console's static files (see web.h). Load: a handful of small
 * files per page load; each is read whole (capped at WEB_FILE_MAX) and sent from memory.
 */
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BILET_WEB_SOURCE_DIR
#define BILET_WEB_SOURCE_DIR ""
#endif
#ifndef BILET_WEB_INSTALL_DIR
#define BILET_WEB_INSTALL_DIR ""
#endif

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".json", "application/json" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".woff2", "font/woff2" },
};

static bool has_index(const char *dir)
{
    char p[PATH_MAX];
    struct stat sb;
    if ((size_t)snprintf(p, sizeof p, "%s/index.html", dir) >= sizeof p)
        return false;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

bilet_status web_root_find(const char *given, char **out, bilet_err *err)
{
    const char *places[] = { BILET_WEB_SOURCE_DIR, BILET_WEB_INSTALL_DIR };
    *out = NULL;
    if (given) {
        if (!has_index(given))
            return bilet_fail(err, BILET_ENOTFOUND, "--web %s: no index.html there", given);
        *out = realpath(given, NULL);
        return *out ? BILET_OK : bilet_fail(err, BILET_EIO, "--web %s: %s", given, strerror(errno));
    }
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        if (places[i][0] && has_index(places[i])) {
            *out = realpath(places[i], NULL);
            if (*out)
                return BILET_OK;
        }
    }
    return bilet_fail(err, BILET_ENOTFOUND,
                      "the console's files are in neither %s nor %s (give --web DIR)",
                      BILET_WEB_SOURCE_DIR, BILET_WEB_INSTALL_DIR);
}

bool web_is_static(const char *path)
{
    return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0;
}

/* Whether every segment of path (after its leading '/') is a plain name: letters, digits,
 * '-', '_', '.', not starting with '.', not empty. */
static bool plain_path(const char *path)
{
    const char *p = path + 1;
    if (!*p)
        return true; /* "/" */
    for (;;) {
        if (*p == '.' || *p == '/' || *p == '\0')
            return false;
        while (*p && *p != '/') {
            char c = *p;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.'))
                return false;
            p++;
        }
        if (!*p)
            return true;
        p++;
    }
}

static const char *type_of(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && strcmp(path + n - e, types[i].ext) == 0)
            return types[i].type;
    }
    return NULL;
}

void web_serve(const char *root, const char *path, api_response *resp)
{
    char want[PATH_MAX];
    if (!root) {
        api_error(resp, 404, "the staff console is not served here (no --web folder)");
        return;
    }
    if (path[0] != '/' || !plain_path(path)) {
        api_error(resp, 404, "no such page");
        return;
    }
    const char *rel = strcmp(path, "/") == 0 ? "/index.html" : path;
    const char *type = type_of(rel);
    if (!type || (size_t)snprintf(want, sizeof want, "%s%s", root, rel) >= sizeof want) {
        api_error(resp, 404, "no such page");
        return;
    }
    /* A symbolic link inside the folder must not lead out of it. */
    char *real = realpath(want, NULL);
    size_t rl = strlen(root);
    if (!real || strncmp(real, root, rl) != 0 || real[rl] != '/') {
        free(real);
        api_error(resp, 404, "no such page");
        return;
    }
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(real);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > WEB_FILE_MAX) {
        if (fd >= 0)
            close(fd);
        api_error(resp, 404, "no such page");
        return;
    }
    size_t size = (size_t)sb.st_size;
    char *buf = malloc(size ? size : 1);
    size_t got = 0;
    while (buf && got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)n;
    }
    close(fd);
    if (!buf || got != size) {
        free(buf);
        api_error(resp, 500, "cannot read a page of the console");
        return;
    }
    resp->status = 200;
    resp->content_type = type;
    resp->body = buf;
    resp->len = size;
    resp->cacheable = true;
}
