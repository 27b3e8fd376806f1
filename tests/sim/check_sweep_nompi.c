/* check_sweep_nompi.c - a build without MPI started as one of several MPI ranks refuses,
 * instead of running the whole sweep once per rank into one directory (issue 9).  This
 * binary compiles sim/cmd/sweep_mpi.c without NEUSPIN_HAVE_MPI, whatever the build has. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>

#include "check_main.h"
#include "sweep_mpi.h"

static void clear_env(void)
{
    unsetenv("OMPI_COMM_WORLD_SIZE");
    unsetenv("PMI_SIZE");
    unsetenv("PMIX_SIZE");
    unsetenv("NEUSPIN_NO_MPI");
}

START_TEST(several_ranks_are_refused)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
    for (int i = 0; i < 3; i++) {
        clear_env();
        setenv(vars[i], "2", 1);
        int rank = -1, size = -1;
        ck_assert_int_eq(sweep_mpi_built(), 0);
        ck_assert_int_eq(sweep_mpi_init(&rank, &size), -1);
        ck_assert_int_eq(rank, 0);
        ck_assert_int_eq(size, 1);
    }
}
END_TEST

START_TEST(one_rank_or_told_so_runs)
{
    int rank, size;
    clear_env();
    ck_assert_int_eq(sweep_mpi_init(&rank, &size), 0); /* no launcher */
    setenv("OMPI_COMM_WORLD_SIZE", "1", 1);
    ck_assert_int_eq(sweep_mpi_init(&rank, &size), 0); /* a launcher with one rank */
    setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
    setenv("NEUSPIN_NO_MPI", "1", 1); /* each task runs its own --shard */
    ck_assert_int_eq(sweep_mpi_init(&rank, &size), 0);
    setenv("NEUSPIN_NO_MPI", "0", 1);
    ck_assert_int_eq(sweep_mpi_init(&rank, &size), -1);
    clear_env();
}
END_TEST

Suite *sweep_nompi_suite(void)
{
    Suite *s = suite_create("sweep_nompi");
    TCase *tc = tcase_create("nompi");
    tcase_add_test(tc, several_ranks_are_refused);
    tcase_add_test(tc, one_rank_or_told_so_runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    const ns_suite_fn suites[] = {sweep_nompi_suite};
    return ns_check_run(suites, 1);
}
