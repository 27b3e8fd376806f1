// check_sim_main.cpp - runner of the SystemC tests: sc_main, not main (SystemC owns main).
#include <systemc>

#include "check_main.h"

extern "C" Suite *sim_suite(void);

int sc_main(int, char **)
{
    const ns_suite_fn suites[] = {sim_suite};
    return ns_check_run(suites, 1);
}
