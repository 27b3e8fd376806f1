/* check_workloads_main.c - runner of the workloads/ suites (CK_RUN_SUITE picks one). */
#include "check_main.h"

Suite *wl_suite(void);
Suite *wl_map_suite(void);
Suite *wl_large_suite(void);
Suite *wl_prog_suite(void);
Suite *wl_schema_suite(void);
Suite *wl_dump_suite(void);
Suite *wl_onnx_suite(void);
Suite *idx_suite(void);

int main(void)
{
    static const ns_suite_fn suites[] = {wl_suite,      wl_map_suite,    wl_large_suite,
                                         wl_prog_suite, wl_schema_suite, wl_dump_suite,
                                         idx_suite,     wl_onnx_suite};
    return ns_check_run(suites, (int)(sizeof suites / sizeof suites[0]));
}
