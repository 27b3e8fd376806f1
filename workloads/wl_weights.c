/* wl_weights.c - lifetime of the trained parameters (wl_weights.h). */
#include "wl_weights.h"

#include <stdlib.h>

void wl_weights_destroy(wl_weights_t *w)
{
    if (!w)
        return;
    for (uint32_t i = 0; w->layers && i < w->n_layers; i++) {
        wl_layer_w_t *l = &w->layers[i];
        free(l->w);
        free(l->bn_scale);
        free(l->bn_bias);
        free(l->alpha);
        free(l->alpha_sd);
        free(l->gamma);
        free(l->beta);
    }
    free(w->layers);
    free(w);
}
