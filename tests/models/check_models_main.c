/* check_models_main.c - runner of the models suites (CK_RUN_SUITE picks one). */
#include "check_main.h"
#include "check_models.h"

int main(void)
{
    static const ns_suite_fn suites[] = {
        energy_suite, xbar_suite,   wldec_suite, senseamp_suite, tile_suite,  sbuf_suite,
        bus_suite,    periph_suite, drng_suite,  arb_suite,      dmask_suite, status_suite,
    };
    return ns_check_run(suites, (int)(sizeof suites / sizeof suites[0]));
}
