/* engine.h - the C entry into the SystemC/TLM-2.0 engine (engine.cpp), the one part of
 * neuspin that links SystemC.
 *
 * sim_engine_run elaborates one top from the job (a controller, a bus, the global and scale
 * buffers, the digital periphery, a dropout bank per stochastic layer and a module per used
 * tile), runs the T MC passes by interpreting the layers' operation programs
 * (workloads/wl_prog.h), and hands every (layer, pass) record to the sum and the trace
 * files.  SystemC elaborates one design per process, so it can be called once per process.
 *
 * A build without SystemC (NEUSPIN_WITH_SYSTEMC=OFF) links sim/engine_none.c instead: it
 * says so, and the commands run the analytic mode (sim/core/sim.h). */
#ifndef NS_SIM_ENGINE_H
#define NS_SIM_ENGINE_H

#include <stddef.h>

#include "sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when this neuspin has the SystemC engine (event and cycle timing). */
int sim_engine_available(void);

/* Runs the job in event or cycle timing.  ST_OK; ST_EIO (trace write failed),
 * ST_ERANGE/ST_EINVAL (a model refused a request, or no engine: reported in err),
 * ST_ENOMEM; 1 when stopped by *job->stop. */
int sim_engine_run(const sim_job_t *job, sim_prog_t *prog, char *err, size_t errn);

#ifdef __cplusplus
}
#endif
#endif
