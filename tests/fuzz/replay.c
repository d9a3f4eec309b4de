/*
 * replay.c — the main of a fuzz target when it is not built with libFuzzer: runs
 * LLVMFuzzerTestOneInput once for every file named on the command line, or in a folder
 * named there (sorted, so that a failure replays in the same order), and fails when it
 * found nothing to run. This is how the seeds and every crash found (tests/fuzz/corpus/)
 * become regression tests of the normal and ASan builds (docs/fuzzing.md).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

enum { REPLAY_FILE_MAX = 16 * 1024 * 1024 };

/* Runs the target on the file at path; 0, or 1 when it cannot be read. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    /* Exactly as many bytes as the file holds, so that ASan sees a read past the input. */
    size_t cap = 4096;
    size_t len = 0;
    unsigned char *buf = malloc(cap);
    size_t got = 0;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *more = cap < REPLAY_FILE_MAX ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: too big or out of memory\n", path);
        return 1;
    }
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        return 1;
    }
    memcpy(exact, buf, len);
    free(buf);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in the folder (names starting with '.' skipped); *count grows. */
static int replay_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more) {
                rc = 1;
                break;
            }
            names = more;
        }
        names[n] = strdup(de->d_name);
        if (!names[n]) {
            rc = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            rc = replay_file(path);
            (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            perror(argv[i]);
            return 1;
        }
        int rc = 0;
        if (S_ISDIR(sb.st_mode)) {
            rc = replay_dir(argv[i], &count);
        } else {
            rc = replay_file(argv[i]);
            count++;
        }
        if (rc != 0)
            return rc;
    }
    if (count == 0) {
        fprintf(stderr, "usage: %s FILE|DIR...: no input replayed\n", argv[0]);
        return 1;
    }
    printf("replayed %zu inputs\n", count);
    return 0;
}
