/* trc_int.h - what the traces/ files share inside the module (not installed, not used
 * elsewhere). */
#ifndef NS_TRC_INT_H
#define NS_TRC_INT_H

#include <stddef.h>

/* Formats a one-line reason into err (n bytes; nothing when err is NULL or n is 0). */
void trc_set_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
