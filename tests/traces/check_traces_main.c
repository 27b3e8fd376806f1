/* check_traces_main.c - runner of the traces suites. */
#include "check_main.h"

Suite *trc_suite(void);
Suite *read_suite(void);

int main(void)
{
    const ns_suite_fn suites[] = {trc_suite, read_suite};
    return ns_check_run(suites, 2);
}
