/* trc_plot.h - the gnuplot templates of `neuspin plot` (traces/plots/NAME.gp), embedded
 * into the library at build time by embed_plots.cmake.
 *
 * A template is program text that neuspin never changes: `neuspin plot` writes it as
 * NAME.gp next to its data files (NAME.dat, NAME.labels) and runs `gnuplot -c NAME.gp` in
 * that directory.  Every user string (architecture, workload, layer, scheme and axis
 * names and values) reaches gnuplot only as data: a field of a data file, reduced by
 * trc_safe_text() to printable text without quotes or tabs, read with strcol() /
 * xticlabels() / columnheader() and shown with the terminal's enhanced text off.  gnuplot
 * never evaluates data as code, so no input can make it run anything. */
#ifndef NS_TRC_PLOT_H
#define NS_TRC_PLOT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trc_plot_template {
    const char *name; /* "schemes" for plots/schemes.gp; NULL ends the table */
    const char *text; /* the file's bytes, NUL-terminated */
    size_t len;       /* bytes, without the NUL */
} trc_plot_template_t;

extern const trc_plot_template_t trc_plot_templates[];

/* The template `name`, or NULL. */
const trc_plot_template_t *trc_plot_template(const char *name);

#ifdef __cplusplus
}
#endif
#endif
