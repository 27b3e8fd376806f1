/* check_limits_main.c - runner of the limits suite: the run-cost estimator of sim/core/limits.c,
 * pure C, linked without SystemC. */
#include "check_main.h"

Suite *limits_suite(void);

int main(void)
{
    static const ns_suite_fn suites[] = {limits_suite};
    return ns_check_run(suites, 1);
}
