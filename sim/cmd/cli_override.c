/* cli_override.c - `neuspin run -p KEY=VALUE`: architecture keys set on the command line,
 * read through the schema rows (arch_override) and then checked together (arch_check). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "base/status.h"
#include "cli.h"
#include "cli_int.h"

int cli_apply_overrides(const args_t *a, arch_t *arch, const cli_runopts_t *r)
{
    if (r->n_param == 0)
        return CLI_OK;
    /* The command line as diagnostics echo it: "neuspin ARG1 ARG2 ...". */
    char line[200];
    size_t o = (size_t)snprintf(line, sizeof line, "neuspin");
    for (int j = 1; j < a->argc && o < sizeof line; j++)
        o += (size_t)snprintf(line + o, sizeof line - o, " %s", a->argv[j]);

    arch_diag_list_t dl;
    arch_diag_init(&dl);
    int rc = ST_OK;
    for (int i = 0; i < r->n_param; i++) {
        const char *s = r->param[i];
        const char *eq = strchr(s, '=');
        if (!eq || eq == s)
            return cli_loc_error(a, r->param_loc[i],
                                 "-p: expected KEY=VALUE (e.g. xbar.rows=256), got \"%s\"", s);
        char key[128];
        size_t kl = (size_t)(eq - s);
        if (kl >= sizeof key)
            return cli_loc_error(a, r->param_loc[i], "-p: unknown architecture key in \"%s\"", s);
        memcpy(key, s, kl);
        key[kl] = '\0';
        uint32_t col = cli_loc_col(a, r->param_loc[i]) + (uint32_t)kl + 1;
        /* An echo cut short would put the caret past its end: then echo nothing. */
        int rr = arch_override_at(arch, key, eq + 1, "<cmdline>", 1, col,
                                  col + 1 < sizeof line && o < sizeof line ? line : NULL, &dl);
        if (rr == ST_ENOMEM) {
            fprintf(stderr, "neuspin: error: out of memory\n");
            return CLI_ERUN;
        }
        if (rr != ST_OK)
            rc = rr;
    }
    if (rc == ST_OK)
        rc = arch_check(arch, "<cmdline>", &dl);
    if (rc != ST_OK) {
        arch_diag_print(stderr, &dl);
        return CLI_EUSAGE;
    }
    return CLI_OK;
}
