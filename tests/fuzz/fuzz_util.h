/* fuzz_util.h - helpers shared by the libFuzzer harnesses: abort with a message, a
 * /dev/null sink for diagnostics, and a scratch directory of fixed files that is emptied
 * and removed at exit.  Define FUZZ_NAME ("fuzz_arch") before including. */
#ifndef NS_FUZZ_UTIL_H
#define NS_FUZZ_UTIL_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void fail(const char *what, const char *detail)
{
    fprintf(stderr, FUZZ_NAME ": %s\n%s\n", what, detail ? detail : "");
    abort();
}

static inline FILE *sink(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

static char g_dir[64];

/* Removes every file and empty subdirectory of the scratch directory, then it. */
static inline void rm_scratch(void)
{
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *e;
        char p[384];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(d);
    }
    rmdir(g_dir);
}

/* Writes `len` bytes of text to NAME in the scratch directory. */
static inline void put(const char *name, const char *text, size_t len)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", g_dir, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        fail("cannot write the scratch directory", p);
}

/* Creates the scratch directory once, holding files[i] = {name, text}. */
static inline const char *scratch_with(const char *const files[][2], size_t n)
{
    if (g_dir[0])
        return g_dir;
    snprintf(g_dir, sizeof g_dir, "/tmp/neuspin-" FUZZ_NAME "-XXXXXX");
    if (!mkdtemp(g_dir))
        fail("mkdtemp failed", NULL);
    atexit(rm_scratch);
    for (size_t i = 0; i < n; i++)
        put(files[i][0], files[i][1], strlen(files[i][1]));
    return g_dir;
}

/* 1 when the input holds the text s. */
static inline int mentions(const uint8_t *data, size_t size, const char *s)
{
    const size_t n = strlen(s);
    for (size_t i = 0; n <= size && i + n <= size; i++)
        if (!memcmp(data + i, s, n))
            return 1;
    return 0;
}

#endif
