/* fuzz_arch.c - libFuzzer harness of the architecture loader.
 *
 * Every input goes through arch_load_string; its diagnostics are formatted and printed (to
 * /dev/null), so the echo and caret code runs on hostile text too.  An input that loads
 * must then pass arch_check, dump, and reload into an identical arch_t whose dump is the
 * same text (the round trip of STYLE.md 5.8).  Any difference is a bug: abort.
 *
 * An input that mentions !include is also written to a file in a scratch directory and
 * loaded with arch_load_file, next to files it can include: x.yaml (a block), s.yaml (a
 * scalar), e.yaml (empty), self.yaml (includes itself), loop1.yaml / loop2.yaml (a cycle),
 * in.yaml (the input itself, so it can include itself), and sub/ (a directory). */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "base/status.h"

#define FUZZ_NAME "fuzz_arch"
#include "fuzz_util.h"

static const char *scratch(void)
{
    static const char *const files[][2] = {
        {"x.yaml", "rows: 64\ncols: 32\n"},
        {"s.yaml", "128\n"},
        {"e.yaml", ""},
        {"self.yaml", "a: !include self.yaml\n"},
        {"loop1.yaml", "a: !include loop2.yaml\n"},
        {"loop2.yaml", "b: !include loop1.yaml\n"},
    };
    const int fresh = !g_dir[0];
    const char *dir = scratch_with(files, sizeof files / sizeof files[0]);
    if (fresh) {
        char p[128];
        snprintf(p, sizeof p, "%s/sub", dir); /* a directory to include */
        mkdir(p, 0700);
    }
    return dir;
}

static void load_as_file(const uint8_t *data, size_t size)
{
    char path[128];
    arch_t a;
    arch_diag_list_t dl;
    snprintf(path, sizeof path, "%s/in.yaml", scratch());
    put("in.yaml", (const char *)data, size);
    arch_diag_init(&dl);
    int rc = arch_load_file(path, &a, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK && dl.n == 0 && rc != ST_ENOMEM)
        fail("a file refused without a diagnostic", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arch_t a, b;
    arch_diag_list_t dl;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    arch_diag_init(&dl);
    static const char tag[] = "!include";
    for (size_t i = 0; i + sizeof tag - 1 <= size; i++)
        if (memcmp(data + i, tag, sizeof tag - 1) == 0) {
            load_as_file(data, size);
            break;
        }
    int rc = arch_load_string("<fuzz>", (const char *)data, size, &a, &dl);
    if (sink())
        arch_diag_print(sink(), &dl);
    if (rc != ST_OK) {
        if (dl.n == 0 && rc != ST_ENOMEM)
            fail("refused without a diagnostic", NULL);
        return 0;
    }
    if (dl.n != 0)
        fail("loaded but left a diagnostic", dl.d[0].msg);
    if (arch_check(&a, "<fuzz>", &dl) != ST_OK)
        fail("a loaded architecture fails arch_check", dl.d[0].msg);
    char *dump = arch_dump_string(&a);
    if (!dump)
        fail("arch_dump_string failed", NULL);
    if (arch_load_string("<dump>", dump, strlen(dump), &b, &dl) != ST_OK) {
        char msg[1024];
        arch_diag_format(&dl.d[0], msg, sizeof msg);
        fail("the dump does not load back", msg);
    }
    char *dump2 = arch_dump_string(&b);
    if (!dump2 || strcmp(dump, dump2) != 0)
        fail("the reloaded dump differs", dump);
    /* where the scenario keys stood (for the mapper's errors) is not part of the value */
    a.scenario.at_last = a.scenario.at_list = b.scenario.at_last = b.scenario.at_list =
        (arch_mark_t){{0}, 0, 0};
    if (memcmp(&a, &b, sizeof a) != 0)
        fail("the reloaded architecture differs", dump);
    free(dump2);
    free(dump);
    return 0;
}
