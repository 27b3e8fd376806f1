/* child.c - children running `neuspin run` (see child.h); their outputs are read by traces/. */
#define _GNU_SOURCE /* close_range */
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
#include "cli.h"

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

/* AddressSanitizer's stack bookkeeping does not survive a fork into SystemC's coroutine
 * stacks (the child prints "ASan is ignoring requested __asan_handle_no_return" into its
 * stderr.txt): a sanitized build execs its children, as a Release build under MPI does. */
#if defined(__SANITIZE_ADDRESS__)
#define NS_EXEC_CHILDREN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NS_EXEC_CHILDREN 1
#endif
#endif
#ifndef NS_EXEC_CHILDREN
#define NS_EXEC_CHILDREN 0
#endif

static int g_exec_children = NS_EXEC_CHILDREN; /* cli_spawn_exec_only */

void cli_spawn_exec_only(void)
{
    g_exec_children = 1;
}

/* The child of a fork runs `neuspin argv…` as a fresh process would from its sc_main, and
 * never returns: the parent has loaded and initialised the libraries already and has never
 * elaborated a design, so exec would only repeat that (bench/event_start.sh). */
static _Noreturn void run_forked(char *const argv[], int out_fd, int err_fd)
{
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGINT, &dfl, NULL);
    sigaction(SIGTERM, &dfl, NULL);
    sigaction(SIGCHLD, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int ok = 1;
    if (out_fd >= 0) {
        ok = dup2(out_fd, STDOUT_FILENO) >= 0;
    } else {
        const int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
        ok = nul >= 0 && dup2(nul, STDOUT_FILENO) >= 0;
        if (nul > STDERR_FILENO)
            close(nul);
    }
    if (ok && err_fd >= 0)
        ok = dup2(err_fd, STDERR_FILENO) >= 0;
    if (!ok)
        _exit(127); /* what a failed exec of the child would report */
    /* none of the parent's descriptors (its output directory, summary, workers' pipes) is
     * the run's; exec used to close the close-on-exec ones */
    close_range(STDERR_FILENO + 1, ~0u, 0);
    int argc = 0;
    while (argv[argc])
        argc++;
    const int rc = cli_main(argc, (char **)argv);
    fflush(NULL);
    _exit(rc & 0xff);
}

int cli_spawn(char *const argv[], int out_fd, int err_fd, pid_t *pid)
{
    if (!g_exec_children) {
        fflush(NULL); /* nothing the parent buffered is written twice */
        const pid_t p = fork();
        if (p < 0)
            return errno;
        if (p == 0)
            run_forked(argv, out_fd, err_fd);
        *pid = p;
        return 0;
    }
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
