/* cli_limits.c - `neuspin run`'s resource-limit options and the check before elaboration
 * (limits.h has the estimates). */
#include "cli_limits.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"

int cli_limits_option(args_t *a, int k, const char *o, sim_limits_t *l)
{
    uint64_t *field = !strcmp(o, "--max-events")     ? &l->max_events
                      : !strcmp(o, "--max-trace-mb") ? &l->max_trace_mb
                      : !strcmp(o, "--max-mem-mb")   ? &l->max_mem_mb
                                                     : NULL;
    if (!field)
        return 0;
    const char *v = cli_opt_value(a, o);
    if (!v || cli_parse_u64(a, k + 1, o, v, 0, UINT64_MAX, field) != CLI_OK)
        return -1;
    return 1;
}

int cli_limits_check(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                     uint32_t timing, int with_traces, const sim_limits_t *l)
{
    sim_estimate_t e;
    char err[256];
    sim_estimate(net, map, arch, T, &e);
    if (sim_limits_check(&e, l, timing != SIM_TIMING_ANALYTIC, with_traces, err, sizeof err) ==
        0)
        return CLI_OK;
    fprintf(stderr, "neuspin: error: %s\n", err);
    return CLI_EUSAGE;
}
