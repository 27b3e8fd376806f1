/* stat.h - stat descriptors: how traces/ reads a model's counters by name (gem5 ADD_STAT,
 * SST ELI).  A model exports a static table of these over its *_stats_t struct; writers
 * walk the table, so no model ever calls into traces/. */
#ifndef NS_STAT_H
#define NS_STAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One uint64_t counter inside a stats struct. */
typedef struct stat_desc {
    const char *name; /* dotted-path leaf, e.g. "reads" */
    const char *unit; /* "count", "cycle", "bit" */
    const char *desc; /* one line, lower-case */
    size_t offset;    /* offsetof(<module>_stats_t, field); the field is uint64_t */
} stat_desc_t;

/* Value of descriptor d read from stats struct base. */
static inline uint64_t stat_get(const void *base, const stat_desc_t *d)
{
    return *(const uint64_t *)((const char *)base + d->offset);
}

#ifdef __cplusplus
}
#endif
#endif
