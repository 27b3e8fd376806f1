/* cli_runopts.c - the options that mean the same on run, compare and sweep (cli_int.h). */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "cli.h"
#include "cli_int.h"
#include "sim.h"
#include "yamldoc.h"

void cli_runopts_init(cli_runopts_t *r)
{
    memset(r, 0, sizeof *r);
    r->timing = -1;
    r->schedule = -1;
    r->device_seed = 1;
}

int cli_runopts_take(cli_runopts_t *r, const args_t *a, int id, const char *val, cli_loc_t loc)
{
    static const char *const timing_names[] = {"event", "cycle", "analytic", NULL};
    static const char *const sched_names[] = {"layer", "pipeline", NULL};
    arch_diag_list_t dl;
    switch (id) {
    case CLI_O_ARCH:
        r->arch = val;
        return 1;
    case CLI_O_WORKLOAD:
        r->workload = val;
        return 1;
    case CLI_O_PARAM:
        if (r->n_param == CLI_MAX_PARAMS) {
            cli_loc_error(a, loc, "-p: at most %d overrides", CLI_MAX_PARAMS);
            return -1;
        }
        r->param_loc[r->n_param] = loc;
        r->param[r->n_param++] = val;
        return 1;
    case CLI_O_PASSES:
        return cli_loc_u64(a, loc, "-T", val, 1, 100000, &r->T) ? -1 : 1;
    case CLI_O_SEED:
        r->have_seed = 1;
        return cli_loc_u64(a, loc, "--seed", val, 0, UINT64_MAX, &r->seed) ? -1 : 1;
    case CLI_O_DEVICE_SEED:
        return cli_loc_u64(a, loc, "--device-seed", val, 0, UINT64_MAX, &r->device_seed) ? -1 : 1;
    case CLI_O_MAPPING:
        return cli_loc_u64(a, loc, "-m", val, 1, 2, &r->mapping) ? -1 : 1;
    case CLI_O_TIMING:
        r->timing_loc = loc;
        return cli_loc_choice(a, loc, "--timing", val, timing_names, &r->timing) ? -1 : 1;
    case CLI_O_SCHEDULE:
        return cli_loc_choice(a, loc, "--schedule", val, sched_names, &r->schedule) ? -1 : 1;
    case CLI_O_INCLUDE:
        arch_diag_init(&dl);
        if (ydoc_include_path_add(val, &dl) != ST_OK) {
            char msg[512] = "cannot use as include path";
            if (dl.n > 0)
                snprintf(msg, sizeof msg, "%s", dl.d[0].msg);
            cli_loc_error(a, loc, "--include-path: %s", msg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int cli_opt_more(cli_opt_state_t *st, int *id, const char **val, cli_loc_t *loc, int *exit)
{
    *exit = -1;
    *id = cli_opt_next(st, val, loc);
    if (*id == CLI_OPT_HELP) {
        cli_opt_help(stdout, st->cmd);
        *exit = CLI_OK;
    } else if (*id == CLI_OPT_ERROR) {
        *exit = CLI_EUSAGE;
    }
    return *exit < 0 && *id != CLI_OPT_END;
}
