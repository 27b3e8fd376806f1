/* check_arch_main.c - runner of the arch/ suites (one ctest entry per suite through
 * CK_RUN_SUITE). */
#include "check_main.h"

Suite *diag_suite(void);
Suite *yamldoc_suite(void);
Suite *arch_suite(void);
Suite *configs_suite(void);
Suite *include_suite(void);

int main(void)
{
    static const ns_suite_fn suites[] = {diag_suite, yamldoc_suite, arch_suite, configs_suite,
                                         include_suite};
    return ns_check_run(suites, (int)(sizeof suites / sizeof suites[0]));
}
