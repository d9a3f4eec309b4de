/*
 * fuzz_util.c — the files and checks the fuzz targets share (fuzz.h).
 *
 * The folder lives on /dev/shm when there is one, so that a target that must hand its
 * parser a path costs a tmpfs write per input, not a disk write. It is removed at exit
 * with every file written into it.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

enum { FUZZ_FILES_MAX = 16, FUZZ_NAME_MAX = 64 };

static char dir[256];
static char path[sizeof dir + FUZZ_NAME_MAX + 1];
static char names[FUZZ_FILES_MAX][FUZZ_NAME_MAX];
static size_t n_names;

static void remove_dir(void)
{
    char p[sizeof path];
    for (size_t i = 0; i < n_names; i++) {
        int w = snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        if (w > 0 && (size_t)w < sizeof p)
            unlink(p);
    }
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (dir[0])
        return dir;
    struct stat sb;
    const char *base = stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : NULL;
    if (!base)
        base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/bilet-fuzz-XXXXXX", base);
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_dir);
    return dir;
}

/* Remembers name for the clean-up at exit. */
static void note_name(const char *name)
{
    for (size_t i = 0; i < n_names; i++)
        if (strcmp(names[i], name) == 0)
            return;
    fuzz_require(n_names < FUZZ_FILES_MAX && strlen(name) < FUZZ_NAME_MAX,
                 "fuzz_file: too many or too long file names");
    memcpy(names[n_names++], name, strlen(name) + 1);
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    note_name(name);
    int w = snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    fuzz_require(w > 0 && (size_t)w < sizeof path, "fuzz_file: path too long");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror("fuzz: open");
        abort();
    }
    size_t done = 0;
    while (done < size) {
        ssize_t put = write(fd, data + done, size - done);
        if (put <= 0) {
            perror("fuzz: write");
            abort();
        }
        done += (size_t)put;
    }
    close(fd);
    return path;
}

char *fuzz_strdup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    fuzz_require(s != NULL, "fuzz_strdup: out of memory");
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fuzz_require(bool cond, const char *what)
{
    if (cond)
        return;
    fprintf(stderr, "fuzz: invariant broken: %s\n", what);
    abort();
}

void fuzz_check_result(bilet_status st, const bilet_err *err)
{
    if (st == BILET_OK)
        return;
    size_t n = strnlen(err->msg, sizeof err->msg);
    if (n == 0 || n == sizeof err->msg || !text_utf8_valid(err->msg, n) ||
        memchr(err->msg, '\n', n) || memchr(err->msg, '\r', n)) {
        fprintf(stderr, "fuzz: status %s with the message \"%.*s\"\n", bilet_status_name(st),
                (int)(n < sizeof err->msg ? n : sizeof err->msg), err->msg);
        fuzz_require(false, "a failure needs a one-line UTF-8 message");
    }
}
