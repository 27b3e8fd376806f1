/* sweep_mpi.h - the MPI side of `neuspin sweep` (sweep_mpi.c, the only file that includes
 * <mpi.h>).  Built with NEUSPIN_WITH_MPI and started by an MPI launcher (mpirun, srun),
 * the ranks share the points and rank 0 gathers the summary rows; otherwise every call is
 * a one-rank no-op, so the rest of the sweep code has no #ifdef. */
#ifndef NS_SIM_SWEEP_MPI_H
#define NS_SIM_SWEEP_MPI_H

#include <stddef.h>

/* Starts MPI when this process was started by a launcher (OMPI_COMM_WORLD_SIZE, PMI_SIZE or
 * PMIX_RANK in the environment), MPI support is built in and NEUSPIN_NO_MPI is unset (or
 * 0); *rank and *size get the world rank and size, else 0 and 1.  0, or -1 (message
 * printed) when MPI_Init failed, or when a build without MPI finds itself started as one
 * of several ranks (it would run every point once per rank into one directory). */
int sweep_mpi_init(int *rank, int *size);

/* Rank 0 gets every rank's text, concatenated in rank order, into *all (malloc'd, NUL
 * terminated; the caller frees) and its length into *len; other ranks get NULL.  With one
 * rank, a copy of mine.  0, or -1 on failure (ENOMEM or MPI). */
int sweep_mpi_gather(const char *mine, size_t n, char **all, size_t *len);

/* The largest of every rank's v (so every rank learns of an error on any).  v itself with
 * one rank. */
int sweep_mpi_max(int v);

/* Ends MPI if sweep_mpi_init started it. */
void sweep_mpi_finalize(void);

/* 1 while MPI runs in this process (sweep_mpi_init started it, not yet finalized). */
int sweep_mpi_started(void);

/* 1 when MPI support is built in. */
int sweep_mpi_built(void);

#endif
