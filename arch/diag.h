/* diag.h - diagnostics for configuration and input errors (libyaml's mark + a file name and
 * a key path), printed in the GCC/Lua shape:
 *
 *   configs/x.yaml:12:7: error: xbar.rows: expected integer in [1, 4096], got "abc"
 *      12 |   rows: abc
 *         |         ^
 *
 * Parse errors stop at the first; validation errors are collected (at most DIAG_MAX kept,
 * the rest counted) and printed together. */
#ifndef NS_ARCH_DIAG_H
#define NS_ARCH_DIAG_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ARCH_DIAG_MAX 20

typedef struct arch_diag {
    char file[256];     /* file name as given, or "<builtin:NAME>", "<cmdline>" */
    uint32_t line;      /* 1-based; 0 when unknown */
    uint32_t col;       /* 1-based; 0 when unknown */
    char path[128];     /* YAML key path, e.g. "xbar.rows" or "layers[3].k"; may be empty */
    char msg[320];      /* lower-case, no trailing period */
    char src[200];      /* the offending source line (echoed under the message); may be empty */
    uint32_t note_line; /* second location ("first defined here"); 0 = none */
    uint32_t note_col;
    char note[160];
} arch_diag_t;

typedef struct arch_diag_list {
    arch_diag_t d[ARCH_DIAG_MAX];
    uint32_t n;       /* kept diagnostics */
    uint32_t dropped; /* diagnostics past ARCH_DIAG_MAX */
} arch_diag_list_t;

void arch_diag_init(arch_diag_list_t *dl);

/* Appends one error.  path may be NULL or "".  src is the source line to echo (may be NULL). */
void arch_diag_add(arch_diag_list_t *dl, const char *file, uint32_t line, uint32_t col,
                   const char *path, const char *src, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* Adds a note ("first defined here") at line:col to the last error. */
void arch_diag_note(arch_diag_list_t *dl, uint32_t line, uint32_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Formats the first line of d: "file:line:col: error: path: msg" (the ":line:col" part is
 * left out when line is 0, "path: " when the path is empty).  Returns the length written. */
int arch_diag_format(const arch_diag_t *d, char *buf, size_t n);

/* Prints every diagnostic (first line, echoed source with caret, note) and, when some were
 * dropped, "N more errors not shown". */
void arch_diag_print(FILE *f, const arch_diag_list_t *dl);

#ifdef __cplusplus
}
#endif
#endif
