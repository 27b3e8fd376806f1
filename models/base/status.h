/* status.h - status codes shared by every neuspin library (SQLite-style SQLITE_OK).
 *
 * Every fallible function returns an int: ST_OK (0) on success, a negative ST_E* code on
 * failure.  Outputs travel through out-parameters and are left untouched on failure. */
#ifndef NS_STATUS_H
#define NS_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ST_OK = 0,
    ST_ENOMEM = -1,  /* an allocation failed */
    ST_EINVAL = -2,  /* a parameter is outside the model's contract (caller bug or bad input) */
    ST_ERANGE = -3,  /* a size or count overflows, or a request does not fit */
    ST_ECONFIG = -4, /* the configuration is invalid; diagnostics say why */
    ST_EIO = -5      /* reading or writing a file failed */
};

/* Combining statuses.  The codes are small negative integers, not bit flags: OR-ing two of
 * them makes a third (ST_EINVAL | ST_ERANGE == -2 | -3 == -1 == ST_ENOMEM), so two refused
 * requests would read as out of memory.  Combine with st_first instead:
 *
 *     int st = step_a();
 *     st = st_first(st, step_b());   // step_b runs either way (its diagnostics are kept)
 *
 * Returns `first` when it is a failure, else `next`: the first failure wins, later ones are
 * dropped (their diagnostics, if any, were already recorded by the callee).  Both arguments
 * are evaluated, so every step still runs and reports. */
static inline int st_first(int first, int next)
{
    return first != ST_OK ? first : next;
}

/* Short lower-case name of a status code ("out of memory"); never NULL. */
const char *st_str(int status);

/* SIM_BUG: a broken invariant inside neuspin (gem5 panic), never a user error.  Prints where
 * and aborts, in release builds too. */
void st_bug(const char *file, int line, const char *what);
#define SIM_BUG(what) st_bug(__FILE__, __LINE__, (what))
#define SIM_ASSERT(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            st_bug(__FILE__, __LINE__, #cond);                                                     \
    } while (0)

/* Test hook (SQLite's fault injection): when set to N > 0, the Nth call of st_malloc from
 * now fails and the counter stops.  0 disables it. */
extern unsigned long st_fail_alloc_at;

/* malloc/calloc wrappers that honour st_fail_alloc_at.  Every allocation in the C libraries
 * goes through them so tests can inject out-of-memory. */
void *st_malloc(unsigned long bytes);
void *st_calloc(unsigned long n, unsigned long size);
/* A copy of string s through st_malloc (NULL when it fails); free with free(). */
char *st_strdup(const char *s);

#ifdef __cplusplus
}
#endif
#endif
