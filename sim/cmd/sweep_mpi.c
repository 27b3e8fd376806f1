/* sweep_mpi.c - MPI for `neuspin sweep` (see sweep_mpi.h).  Compiled with NEUSPIN_HAVE_MPI
 * only when the build has NEUSPIN_WITH_MPI; without it, the one-rank fallbacks below. */
#define _POSIX_C_SOURCE 200809L
#include "sweep_mpi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef NEUSPIN_HAVE_MPI
#include <mpi.h>

static int g_started;

int sweep_mpi_built(void)
{
    return 1;
}

int sweep_mpi_started(void)
{
    return g_started;
}

int sweep_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    /* MPI_Init outside a launcher would start a singleton (and with Open MPI, a daemon):
     * a plain `neuspin sweep` must not pay for that. */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK"))
        return 0;
    const char *no = getenv("NEUSPIN_NO_MPI"); /* e.g. a plain `srun neuspin sweep` step */
    if (no && *no && strcmp(no, "0") != 0)
        return 0;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        fprintf(stderr, "neuspin: error: MPI_Init failed\n");
        return -1;
    }
    g_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

int sweep_mpi_gather(const char *mine, size_t n, char **all, size_t *len)
{
    int rank = 0, size = 1;
    *all = NULL;
    *len = 0;
    if (g_started) {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &size);
    }
    if (size == 1) {
        char *p = malloc(n + 1);
        if (!p)
            return -1;
        memcpy(p, mine, n);
        p[n] = '\0';
        *all = p;
        *len = n;
        return 0;
    }
    if (n > INT32_MAX)
        return -1;
    int cnt = (int)n, *counts = NULL, *displs = NULL, rc = -1;
    char *buf = NULL;
    if (rank == 0) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
    }
    if (MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto done;
    size_t total = 0;
    if (rank == 0) {
        if (!counts || !displs)
            goto done; /* the other ranks' Gatherv below then hangs: abort instead */
        for (int r = 0; r < size; r++) {
            displs[r] = (int)total;
            total += (size_t)counts[r];
        }
        if (total > INT32_MAX || !(buf = malloc(total + 1)))
            goto done;
    }
    if (MPI_Gatherv(mine, cnt, MPI_CHAR, buf, counts, displs, MPI_CHAR, 0, MPI_COMM_WORLD) !=
        MPI_SUCCESS)
        goto done;
    if (rank == 0) {
        buf[total] = '\0';
        *all = buf;
        *len = total;
        buf = NULL;
    }
    rc = 0;
done:
    if (rc != 0 && rank == 0) {
        fprintf(stderr, "neuspin: error: gathering the summary rows failed\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    free(buf);
    free(counts);
    free(displs);
    return rc;
}

int sweep_mpi_max(int v)
{
    int out = v;
    if (g_started)
        MPI_Allreduce(&v, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out;
}

void sweep_mpi_finalize(void)
{
    if (g_started)
        MPI_Finalize();
    g_started = 0;
}

#else /* no MPI in this build */

int sweep_mpi_built(void)
{
    return 0;
}

int sweep_mpi_started(void)
{
    return 0;
}

/* The world size a launcher announced (Open MPI, PMI, PMIx), 1 when none did. */
static unsigned long launcher_size(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        char *e;
        unsigned long n = v && *v ? strtoul(v, &e, 10) : 0;
        if (v && *v && !*e && n > 1)
            return n;
    }
    return 1;
}

int sweep_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    /* Started as one of several ranks, this build would run the whole sweep once per rank
     * into one directory: refuse instead (NEUSPIN_NO_MPI=1 says it is meant, e.g. a plain
     * `srun` step whose tasks each run their own --shard). */
    const char *no = getenv("NEUSPIN_NO_MPI");
    unsigned long n = launcher_size();
    if (n > 1 && !(no && *no && strcmp(no, "0") != 0)) {
        fprintf(stderr,
                "neuspin: error: started as one of %lu MPI ranks, but this neuspin was "
                "built without MPI; rebuild with -DNEUSPIN_WITH_MPI=ON (Debian: "
                "libopenmpi-dev), or run one process per --shard I/N\n",
                n);
        return -1;
    }
    return 0;
}

int sweep_mpi_gather(const char *mine, size_t n, char **all, size_t *len)
{
    char *p = malloc(n + 1);
    *all = p;
    *len = p ? n : 0;
    if (!p)
        return -1;
    memcpy(p, mine, n);
    p[n] = '\0';
    return 0;
}

int sweep_mpi_max(int v)
{
    return v;
}

void sweep_mpi_finalize(void) {}

#endif
