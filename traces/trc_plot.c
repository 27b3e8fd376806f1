/* trc_plot.c - lookup of the embedded gnuplot templates (see trc_plot.h). */
#include "trc_plot.h"

#include <string.h>

const trc_plot_template_t *trc_plot_template(const char *name)
{
    for (const trc_plot_template_t *t = trc_plot_templates; t->name; t++)
        if (!strcmp(t->name, name))
            return t;
    return NULL;
}
