/* cli_opt.h - GNU-style command lines from one option table per command.
 *
 * A command declares its options once (cli_opt_t rows) and reads them with cli_opt_next,
 * which accepts what users type elsewhere: long options as `--seed=7` or `--seed 7`,
 * short options with attached or separate values (`-T20`, `-T 20`), bundled flags ending
 * in at most one option with a value (`-qo DIR`), `--` ending the options, and positional
 * arguments anywhere.  `CMD --help` and `neuspin help CMD` print the same text,
 * cli_opt_help, made from the same table.  Every error names the column of the command line
 * where the offending text starts ("<cmdline>:1:COL: error: ..."), the value's own column
 * for a value attached to its option (`--seed=x`: the x).
 *
 * Pure C, no allocation: the table and argv are borrowed. */
#ifndef NS_CLI_OPT_H
#define NS_CLI_OPT_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The command line being read: argv[0] is the program, argv[1] the command. */
typedef struct args {
    int argc;
    char **argv;
    int i; /* next argument */
} args_t;

/* One option of a command. */
typedef struct cli_opt {
    int id;                /* what cli_opt_next returns for it; > 0 */
    char short_name;       /* 'T', or 0 for a long option only */
    const char *long_name; /* "seed", or NULL for a short option only */
    const char *arg;       /* the value's name in the help ("N", "DIR"), NULL for a flag */
    const char *help;      /* one or more lines; '\n' breaks a line */
} cli_opt_t;

/* A command: its synopsis, what it does, its options (NULL-terminated by id 0). */
typedef struct cli_cmd {
    const char *name;     /* "run" */
    const char *synopsis; /* after "usage: neuspin NAME ": "[OPTION]... [FILE]..." */
    const char *about;    /* paragraph(s) printed between the usage line and the options */
    const cli_opt_t *opts;
    const char *epilogue; /* printed after the options, or NULL */
} cli_cmd_t;

/* Where a text starts on the command line: argv index and offset into that argument. */
typedef struct cli_loc {
    int argi;
    uint32_t off;
} cli_loc_t;

/* What cli_opt_next found. */
enum {
    CLI_OPT_END = 0,   /* no arguments left */
    CLI_OPT_ARG = -1,  /* a positional argument: *val */
    CLI_OPT_HELP = -2, /* -h or --help: the caller prints cli_opt_help and exits 0 */
    CLI_OPT_ERROR = -3 /* a usage error, already printed; exit 2 */
};

/* Parser state over argv[a->i...]; start with cli_opt_begin. */
typedef struct cli_opt_state {
    args_t *a;
    const cli_cmd_t *cmd;
    int bundle_argi;     /* argv index of a short-option bundle being read, or -1 */
    uint32_t bundle_off; /* next character of it */
    int only_args;       /* after `--` */
} cli_opt_state_t;

void cli_opt_begin(cli_opt_state_t *st, args_t *a, const cli_cmd_t *cmd);

/* The next option's id (> 0) with its value in *val (NULL for a flag) and where the value
 * (or, for a flag, the option) starts in *loc; or one of CLI_OPT_*. */
int cli_opt_next(cli_opt_state_t *st, const char **val, cli_loc_t *loc);

/* The option's spelling for messages: "--seed" when it has a long name, else "-T". */
const char *cli_opt_spelling(const cli_cmd_t *cmd, int id, char *buf, size_t n);

/* Prints the command's help (usage, about, options, epilogue) made from its table. */
void cli_opt_help(FILE *f, const cli_cmd_t *cmd);

/* ---- Errors and values at a location ---- */
/* Column (1-based) of loc in the command line "neuspin ARG1 ARG2 ...". */
uint32_t cli_loc_col(const args_t *a, cli_loc_t loc);

/* Prints "<cmdline>:1:COL: error: " + the message; returns CLI_EUSAGE. */
int cli_loc_error(const args_t *a, cli_loc_t loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses decimal s (at loc, for option `what`) into [lo, hi], without wrap-around.
 * CLI_OK or CLI_EUSAGE (printed: "WHAT: expected integer in [LO, HI], got "S""). */
int cli_loc_u64(const args_t *a, cli_loc_t loc, const char *what, const char *s, uint64_t lo,
                uint64_t hi, uint64_t *out);

/* s must be one of names (NULL-terminated); its index into *out.  CLI_OK or CLI_EUSAGE
 * ("WHAT: expected one of a, b or c, got "s""). */
int cli_loc_choice(const args_t *a, cli_loc_t loc, const char *what, const char *s,
                   const char *const *names, int *out);

#ifdef __cplusplus
}
#endif
#endif
