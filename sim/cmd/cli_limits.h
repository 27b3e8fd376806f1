/* cli_limits.h - `neuspin run`'s resource limits on the command line (cli_limits.c):
 * --max-events N, --max-trace-mb N, --max-mem-mb N (0 = no limit), checked against the
 * estimates of sim_limits.h after mapping and before elaboration. */
#ifndef NS_CLI_LIMITS_H
#define NS_CLI_LIMITS_H

#include <stdint.h>

#include "cli_int.h"
#include "sim_limits.h"

enum { CLI_O_MAX_EVENTS = 1100, CLI_O_MAX_TRACE_MB, CLI_O_MAX_MEM_MB };

/* Rows of run's option table for the three limits. */
#define CLI_OPT_LIMITS                                                                             \
    {CLI_O_MAX_EVENTS, 0, "max-events", "N",                                                       \
     "refuse a run estimated above N TLM transactions (default\n2000000000; 0 = no limit)"},       \
        {CLI_O_MAX_TRACE_MB, 0, "max-trace-mb", "N",                                               \
         "... above N MB of layers.csv + stats.csv (default 4096)"},                               \
    {                                                                                              \
        CLI_O_MAX_MEM_MB, 0, "max-mem-mb", "N", "... above N MB of model memory (default 8192)"    \
    }

/* Takes option id (value val at loc) into l when it is one of the three: 1; 0 when it is
 * another option; -1 after a usage error (printed). */
int cli_limits_take(sim_limits_t *l, const args_t *a, int id, const char *val, cli_loc_t loc);

/* Estimates the run and prints "neuspin: error: the run needs an estimated …; raise it with
 * --max-…" when over a limit.  CLI_OK or CLI_EUSAGE.  timing: sim_timing_t (the analytic
 * mode makes no transactions); with_traces: -o was given. */
int cli_limits_check(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                     uint32_t timing, int with_traces, const sim_limits_t *l);

#endif
