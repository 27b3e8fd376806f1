/* diag.c - collecting, formatting and printing configuration diagnostics (see diag.h). */
#include "diag.h"

#include <stdio.h>
#include <string.h>

void arch_diag_init(arch_diag_list_t *dl)
{
    memset(dl, 0, sizeof *dl);
}

/* Copies src into dst[n], cutting at a UTF-8 character boundary when it does not fit. */
static void copy_cut(char *dst, size_t n, const char *src)
{
    size_t len = src ? strlen(src) : 0;
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
            len--; /* src[len] would start the cut-off part: never split a sequence */
    }
    if (len)
        memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Fixed-size records and no allocation: diagnostics must work when the failure being
 * reported is an allocation failure. */
void arch_diag_add(arch_diag_list_t *dl, const char *file, uint32_t line, uint32_t col,
                   const char *path, const char *src, const char *fmt, ...)
{
    if (dl->n >= ARCH_DIAG_MAX) {
        dl->dropped++;
        return;
    }
    arch_diag_t *d = &dl->d[dl->n++];
    memset(d, 0, sizeof *d);
    copy_cut(d->file, sizeof d->file, file);
    d->line = line;
    d->col = col;
    copy_cut(d->path, sizeof d->path, path);
    copy_cut(d->src, sizeof d->src, src);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
}

void arch_diag_note(arch_diag_list_t *dl, uint32_t line, uint32_t col, const char *fmt, ...)
{
    /* Once the list is full every later error is dropped, so a drop means the error this
     * note belongs to was not kept either. */
    if (dl->n == 0 || dl->dropped > 0)
        return;
    arch_diag_t *d = &dl->d[dl->n - 1];
    d->note_line = line;
    d->note_col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->note, sizeof d->note, fmt, ap);
    va_end(ap);
}

/* "file:line:col: " or "file:line: " or "file: " (or nothing without a file name). */
static int format_loc(char *buf, size_t n, const char *file, uint32_t line, uint32_t col)
{
    if (file[0] == '\0')
        return snprintf(buf, n, "%s", "");
    if (line == 0)
        return snprintf(buf, n, "%s: ", file);
    if (col == 0)
        return snprintf(buf, n, "%s:%u: ", file, (unsigned)line);
    return snprintf(buf, n, "%s:%u:%u: ", file, (unsigned)line, (unsigned)col);
}

/* The one-line form is what tests/configs/bad/<rule>.expect hold, so its shape is the
 * contract: change it and every expect file changes with it. */
int arch_diag_format(const arch_diag_t *d, char *buf, size_t n)
{
    char loc[300];
    format_loc(loc, sizeof loc, d->file, d->line, d->col);
    if (d->path[0])
        return snprintf(buf, n, "%serror: %s: %s", loc, d->path, d->msg);
    return snprintf(buf, n, "%serror: %s", loc, d->msg);
}

/* Prints src and a caret under character column col (1-based); a tab stays a tab in the
 * caret line so the caret lines up with whatever tab width the terminal uses. */
static void print_src(FILE *f, uint32_t line, uint32_t col, const char *src)
{
    fprintf(f, "%6u | %s\n", (unsigned)line, src);
    if (col == 0)
        return;
    fprintf(f, "%6s | ", "");
    const unsigned char *s = (const unsigned char *)src;
    for (uint32_t c = 1; c < col && *s; c++) {
        fputc(*s == '\t' ? '\t' : ' ', f);
        s++;
        while ((*s & 0xC0) == 0x80) /* one column per character, not per byte */
            s++;
    }
    fputs("^\n", f);
}

void arch_diag_print(FILE *f, const arch_diag_list_t *dl)
{
    char buf[1024];
    for (uint32_t i = 0; i < dl->n; i++) {
        const arch_diag_t *d = &dl->d[i];
        arch_diag_format(d, buf, sizeof buf);
        fprintf(f, "%s\n", buf);
        if (d->src[0] && d->line)
            print_src(f, d->line, d->col, d->src);
        if (d->note[0]) {
            format_loc(buf, sizeof buf, d->file, d->note_line, d->note_col);
            fprintf(f, "%snote: %s\n", buf, d->note);
        }
    }
    if (dl->dropped)
        fprintf(f, "%u more error%s not shown\n", (unsigned)dl->dropped,
                dl->dropped == 1 ? "" : "s");
}
