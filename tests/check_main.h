/* check_main.h - the shared body of every folder's Check runner: runs all its suites (or
 * the one named by CK_RUN_SUITE, which srunner honours) and exits non-zero on any failure. */
#ifndef NS_CHECK_MAIN_H
#define NS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

typedef Suite *(*ns_suite_fn)(void);

static inline int ns_check_run(const ns_suite_fn *suites, int n)
{
    SRunner *sr = srunner_create(suites[0]());
    for (int i = 1; i < n; i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
