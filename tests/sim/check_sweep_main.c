/* check_sweep_main.c - runner of the sweep-file suite (the command layer: no SystemC). */
#include "check_main.h"

Suite *sweep_suite(void);

int main(void)
{
    const ns_suite_fn suites[] = {sweep_suite};
    return ns_check_run(suites, 1);
}
