/* child.h - running `neuspin run` as a child process and reading what it wrote: shared by
 * the commands that set several runs side by side (compare.c, sweep_cmd.c, merge.c,
 * plot.c).  SystemC elaborates one design per process, so every run is its own child
 * (cli_spawn). */
#ifndef NS_SIM_CHILD_H
#define NS_SIM_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trc_read.h"

/* What a run wrote, read back from its layers.csv by traces/ (trc_layers_read). */
typedef trc_layer_sum_t cli_layer_t;
typedef trc_run_t cli_run_t;

/* ---- Run outputs ---- */
/* Removes the files a run writes in dir (layers.csv, stats.csv, run.json), then dir. */
void cli_remove_run_dir(const char *dir);

/* ---- Children ---- */
/* Runs `neuspin argv[1]…` as a child process (argv[0] is only a name); stdout goes to
 * out_fd and stderr to err_fd (descriptors the caller opened; -1: /dev/null for stdout,
 * inherited for stderr).  The child starts with no signal blocked and SIGINT/SIGTERM/SIGCHLD
 * at their defaults, whatever the parent set, and with no other descriptor of the parent's.
 * By default the child is a fork that calls cli_main (a pre-initialised parent: no exec, no
 * dynamic loading, no library start-up; the caller must not have started a SystemC
 * simulation, nor other threads); after cli_spawn_exec_only, it is this executable started
 * afresh with posix_spawn from /proc/self/exe (under MPI, whose libraries do not survive a
 * fork; and always in an AddressSanitizer build, child.c).  0 with *pid set, or an errno value. */
int cli_spawn(char *const argv[], int out_fd, int err_fd, pid_t *pid);

/* From now on cli_spawn starts children with posix_spawn (sweep_mpi.c after MPI_Init). */
void cli_spawn_exec_only(void);

/* Exit code of a wait status: the exit status, 128 + N for signal N. */
int cli_exit_code(int wstatus);

/* Waits for pid (retrying on EINTR); its cli_exit_code, or -1 when waiting failed. */
int cli_wait(pid_t pid);

#endif
