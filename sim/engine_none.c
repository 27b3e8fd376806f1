/* engine_none.c - the engine of a build without SystemC (NEUSPIN_WITH_SYSTEMC=OFF): there
 * is none, and the commands say so when event or cycle timing is asked for (engine.h). */
#include <stdio.h>

#include "base/status.h"
#include "engine.h"

int sim_engine_available(void)
{
    return 0;
}

int sim_engine_run(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn)
{
    (void)job;
    (void)prog;
    snprintf(err, errn,
             "this neuspin was built without SystemC (NEUSPIN_WITH_SYSTEMC=OFF): "
             "only --timing analytic is available");
    return ST_EINVAL;
}
