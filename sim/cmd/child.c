/* child.c - children running `neuspin run` (see child.h); their outputs are read by traces/. */
#define _POSIX_C_SOURCE 200809L
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/status.h"

extern char **environ;

/* ---- Run outputs ---- */

void cli_remove_run_dir(const char *dir)
{
    static const char *const names[] = {"layers.csv", "stats.csv", "run.json"};
    char p[4200];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (snprintf(p, sizeof p, "%s/%s", dir, names[i]) < (int)sizeof p)
            unlink(p);
    rmdir(dir);
}

/* ---- Children ---- */

int cli_spawn(char *const argv[], int out_fd, int err_fd, pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    int e = posix_spawn_file_actions_init(&fa);
    if (e)
        return e;
    e = posix_spawnattr_init(&at);
    if (e) {
        posix_spawn_file_actions_destroy(&fa);
        return e;
    }
    /* A sweep blocks SIGCHLD/SIGINT/SIGTERM around its wait; the child must not inherit
     * that, nor an ignored SIGINT from a shell's background job. */
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGTERM);
    sigaddset(&dfl, SIGCHLD);
    if (!e)
        e = posix_spawnattr_setsigmask(&at, &none);
    if (!e)
        e = posix_spawnattr_setsigdefault(&at, &dfl);
    if (!e)
        e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    /* Descriptors the caller opened safely (trc_dir_create_fd), never a path opened here. */
    if (!e && out_fd >= 0)
        e = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    else if (!e)
        e = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (!e && err_fd >= 0)
        e = posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    if (!e)
        e = posix_spawn(pid, "/proc/self/exe", &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return e;
}

int cli_exit_code(int ws)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws))
        return 128 + WTERMSIG(ws);
    return 1;
}

int cli_wait(pid_t pid)
{
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return -1;
    return cli_exit_code(ws);
}
