/* cli_opt.c - GNU-style option parsing from one table per command (see cli_opt.h). */
#include "cli_opt.h"

#include <stdarg.h>
#include <string.h>

#include "cli.h"

#define HELP_COL 24 /* where option descriptions start in the help */

uint32_t cli_loc_col(const args_t *a, cli_loc_t loc)
{
    uint32_t col = 1;
    for (int j = 0; j < loc.argi && j < a->argc; j++)
        col += (j == 0 ? (uint32_t)strlen("neuspin") : (uint32_t)strlen(a->argv[j])) + 1;
    return col + loc.off;
}

int cli_loc_error(const args_t *a, cli_loc_t loc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "<cmdline>:1:%u: error: %s\n", cli_loc_col(a, loc), msg);
    return CLI_EUSAGE;
}

int cli_loc_u64(const args_t *a, cli_loc_t loc, const char *what, const char *s, uint64_t lo,
                uint64_t hi, uint64_t *out)
{
    int ok = *s != 0;
    uint64_t v = 0;
    for (const char *p = s; *p && ok; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - d) / 10)
            ok = 0; /* not a digit, or v * 10 + d would pass UINT64_MAX */
        else
            v = v * 10 + d;
    }
    if (!ok || v < lo || v > hi)
        return cli_loc_error(a, loc, "%s: expected integer in [%llu, %llu], got \"%s\"", what,
                             (unsigned long long)lo, (unsigned long long)hi, s);
    *out = v;
    return CLI_OK;
}

int cli_loc_choice(const args_t *a, cli_loc_t loc, const char *what, const char *s,
                   const char *const *names, int *out)
{
    int n = 0;
    for (; names[n]; n++)
        if (!strcmp(s, names[n])) {
            *out = n;
            return CLI_OK;
        }
    char list[512];
    size_t o = 0;
    for (int i = 0; i < n && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s",
                              i == 0       ? ""
                              : i == n - 1 ? " or "
                                           : ", ",
                              names[i]);
    return cli_loc_error(a, loc, "%s: expected one of %s, got \"%s\"", what, list, s);
}

void cli_opt_begin(cli_opt_state_t *st, args_t *a, const cli_cmd_t *cmd)
{
    st->a = a;
    st->cmd = cmd;
    st->bundle_argi = -1;
    st->bundle_off = 0;
    st->only_args = 0;
}

static const cli_opt_t *find_short(const cli_cmd_t *cmd, char c)
{
    for (const cli_opt_t *o = cmd->opts; o && o->id; o++)
        if (o->short_name == c)
            return o;
    return NULL;
}

static const cli_opt_t *find_long(const cli_cmd_t *cmd, const char *name, size_t n)
{
    for (const cli_opt_t *o = cmd->opts; o && o->id; o++)
        if (o->long_name && strlen(o->long_name) == n && !strncmp(o->long_name, name, n))
            return o;
    return NULL;
}

const char *cli_opt_spelling(const cli_cmd_t *cmd, int id, char *buf, size_t n)
{
    for (const cli_opt_t *o = cmd->opts; o && o->id; o++)
        if (o->id == id) {
            if (o->long_name)
                snprintf(buf, n, "--%s", o->long_name);
            else
                snprintf(buf, n, "-%c", o->short_name);
            return buf;
        }
    snprintf(buf, n, "?");
    return buf;
}

/* The value of option o, which was written as `spelled` at opt_loc: the next argument
 * (a value is never empty: `-o ""` would name the working directory, or `/`). */
static int next_value(cli_opt_state_t *st, const char *spelled, cli_loc_t opt_loc, const char **val,
                      cli_loc_t *loc)
{
    args_t *a = st->a;
    if (a->i >= a->argc) {
        cli_loc_error(a, opt_loc, "%s: expected a value after it", spelled);
        return CLI_OPT_ERROR;
    }
    *loc = (cli_loc_t){a->i, 0};
    *val = a->argv[a->i++];
    if (!**val) {
        cli_loc_error(a, *loc, "%s: expected a value, got an empty string", spelled);
        return CLI_OPT_ERROR;
    }
    return 0;
}

static int unknown(cli_opt_state_t *st, cli_loc_t loc, const char *spelled)
{
    cli_loc_error(st->a, loc, "unknown option '%s' for '%s' (see 'neuspin %s --help')", spelled,
                  st->cmd->name, st->cmd->name);
    return CLI_OPT_ERROR;
}

/* The next option of a short-option bundle ("-qo DIR": q, then o with the next argument). */
static int next_short(cli_opt_state_t *st, const char **val, cli_loc_t *loc)
{
    const char *arg = st->a->argv[st->bundle_argi];
    cli_loc_t here = {st->bundle_argi, st->bundle_off};
    char c = arg[st->bundle_off++];
    int last = arg[st->bundle_off] == '\0';
    if (last)
        st->bundle_argi = -1;
    char spelled[3] = {'-', c, '\0'};
    if (c == 'h')
        return CLI_OPT_HELP;
    const cli_opt_t *o = find_short(st->cmd, c);
    if (!o)
        return unknown(st, here, spelled);
    *val = NULL;
    *loc = here;
    if (!o->arg)
        return o->id;
    if (!last) { /* the rest of the argument is the value: -T20, -qoDIR */
        *val = arg + st->bundle_off;
        *loc = (cli_loc_t){st->bundle_argi, st->bundle_off};
        st->bundle_argi = -1;
        return o->id;
    }
    /* a missing value is reported at the option: its dash when it stands alone (-o), its
     * letter inside a bundle (-qo) */
    cli_loc_t at = here.off == 1 ? (cli_loc_t){here.argi, 0} : here;
    return next_value(st, spelled, at, val, loc) ? CLI_OPT_ERROR : o->id;
}

int cli_opt_next(cli_opt_state_t *st, const char **val, cli_loc_t *loc)
{
    args_t *a = st->a;
    *val = NULL;
    if (st->bundle_argi >= 0)
        return next_short(st, val, loc);
    if (a->i >= a->argc)
        return CLI_OPT_END;
    int k = a->i;
    const char *arg = a->argv[k];
    if (st->only_args || arg[0] != '-' || arg[1] == '\0') { /* "-" alone is an argument */
        a->i++;
        *val = arg;
        *loc = (cli_loc_t){k, 0};
        return CLI_OPT_ARG;
    }
    if (!strcmp(arg, "--")) {
        a->i++;
        st->only_args = 1;
        return cli_opt_next(st, val, loc);
    }
    a->i++;
    if (arg[1] != '-') { /* -x, -xVALUE, -xyz */
        st->bundle_argi = k;
        st->bundle_off = 1;
        return next_short(st, val, loc);
    }
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    char spelled[128];
    snprintf(spelled, sizeof spelled, "--%.*s", (int)(n < 100 ? n : 100), name);
    if (n == 4 && !strncmp(name, "help", 4))
        return CLI_OPT_HELP;
    const cli_opt_t *o = find_long(st->cmd, name, n);
    if (!o)
        return unknown(st, (cli_loc_t){k, 0}, spelled);
    *loc = (cli_loc_t){k, 0};
    if (!o->arg) {
        if (eq) {
            cli_loc_error(a, (cli_loc_t){k, (uint32_t)(eq - arg) + 1}, "%s: takes no value",
                          spelled);
            return CLI_OPT_ERROR;
        }
        return o->id;
    }
    if (eq) {
        *val = eq + 1;
        *loc = (cli_loc_t){k, (uint32_t)(eq - arg) + 1};
        if (!**val) {
            cli_loc_error(a, *loc, "%s: expected a value, got an empty string", spelled);
            return CLI_OPT_ERROR;
        }
        return o->id;
    }
    return next_value(st, spelled, (cli_loc_t){k, 0}, val, loc) ? CLI_OPT_ERROR : o->id;
}

/* One option's help: "  -T, --passes N" padded to HELP_COL, then its lines. */
static void help_row(FILE *f, char s, const char *l, const char *arg, const char *help)
{
    char left[96];
    int n;
    if (s && l)
        n = snprintf(left, sizeof left, "  -%c, --%s%s%s", s, l, arg ? " " : "", arg ? arg : "");
    else if (s)
        n = snprintf(left, sizeof left, "  -%c%s%s", s, arg ? " " : "", arg ? arg : "");
    else
        n = snprintf(left, sizeof left, "      --%s%s%s", l, arg ? " " : "", arg ? arg : "");
    fputs(left, f);
    if (n >= HELP_COL - 1) {
        fputc('\n', f);
        n = 0;
    }
    for (const char *p = help; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        fprintf(f, "%*s%.*s\n", HELP_COL - n, "", (int)len, p);
        n = 0;
        p += len + (e != NULL);
    }
}

void cli_opt_help(FILE *f, const cli_cmd_t *cmd)
{
    fprintf(f, "usage: neuspin %s %s\n\n%s\n\nOptions:\n", cmd->name, cmd->synopsis, cmd->about);
    for (const cli_opt_t *o = cmd->opts; o && o->id; o++)
        help_row(f, o->short_name, o->long_name, o->arg, o->help);
    help_row(f, 'h', "help", NULL, "print this help and exit");
    if (cmd->epilogue)
        fprintf(f, "\n%s\n", cmd->epilogue);
}
