/* status.c - status names, the SIM_BUG path and the fault-injecting allocators. */
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long st_fail_alloc_at = 0;

const char *st_str(int status)
{
    switch (status) {
    case ST_OK:
        return "ok";
    case ST_ENOMEM:
        return "out of memory";
    case ST_EINVAL:
        return "invalid argument";
    case ST_ERANGE:
        return "out of range";
    case ST_ECONFIG:
        return "invalid configuration";
    case ST_EIO:
        return "input/output error";
    default:
        return "unknown status";
    }
}

void st_bug(const char *file, int line, const char *what)
{
    fprintf(stderr,
            "%s:%d: neuspin bug: %s (please report this; it is not a configuration error)\n", file,
            line, what);
    abort();
}

/* Returns 1 when the injected failure fires for this call. */
static int st_fault_now(void)
{
    if (st_fail_alloc_at == 0)
        return 0;
    if (--st_fail_alloc_at == 0)
        return 1;
    return 0;
}

void *st_malloc(unsigned long bytes)
{
    if (st_fault_now())
        return NULL;
    return malloc(bytes ? bytes : 1);
}

void *st_calloc(unsigned long n, unsigned long size)
{
    if (st_fault_now())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

char *st_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = st_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}
