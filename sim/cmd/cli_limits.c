/* cli_limits.c - `neuspin run`'s resource-limit options and the check before elaboration
 * (sim_limits.h has the estimates). */
#include "cli_limits.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim.h"

int cli_limits_take(sim_limits_t *l, const args_t *a, int id, const char *val, cli_loc_t loc)
{
    uint64_t *field = id == CLI_O_MAX_EVENTS     ? &l->max_events
                      : id == CLI_O_MAX_TRACE_MB ? &l->max_trace_mb
                      : id == CLI_O_MAX_MEM_MB   ? &l->max_mem_mb
                                                 : NULL;
    if (!field)
        return 0;
    static const char *const names[] = {"--max-events", "--max-trace-mb", "--max-mem-mb"};
    return cli_loc_u64(a, loc, names[id - CLI_O_MAX_EVENTS], val, 0, UINT64_MAX, field) ? -1 : 1;
}

int cli_limits_check(const wl_net_t *net, const wl_map_t *map, const arch_t *arch, uint32_t T,
                     uint32_t timing, int with_traces, const sim_limits_t *l)
{
    sim_estimate_t e;
    char err[256];
    sim_estimate(net, map, arch, T, &e);
    if (sim_limits_check(&e, l, timing != SIM_TIMING_ANALYTIC, with_traces, err, sizeof err) == 0)
        return CLI_OK;
    fprintf(stderr, "neuspin: error: %s\n", err);
    return CLI_EUSAGE;
}
