/* cli.h - the command-line front end (C11): argument parsing, loading and checking inputs,
 * running the simulation (sim_analytic or sim_engine_run), printing and writing results.
 *
 * Exit codes: 0 success; 1 a runtime failure (an output cannot be written, a model refused
 * a request); 2 a usage or configuration error (one "file:line:col: error:" line each);
 * 130 interrupted by SIGINT/SIGTERM (no output left behind). */
#ifndef NS_CLI_H
#define NS_CLI_H

#ifdef __cplusplus
extern "C" {
#endif

enum { CLI_OK = 0, CLI_ERUN = 1, CLI_EUSAGE = 2, CLI_EINTR = 130 };

/* Runs `neuspin argv[1] …`; returns the process exit code. */
int cli_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
