/* trc_read.h - the schemas of every output file and the readers that `merge`, `plot`,
 * `compare` and `sweep` read them back with (no reader outside traces/ searches text).
 *
 * One schema table per file (layers.csv, stats.csv, summary.csv, compare.csv,
 * compare-totals.csv, run.json, sweep.json): the writers print their headers from it,
 * the readers check headers and every field against it, and traces/README.md documents
 * it (a test diffs the README against the tables).
 *
 * CSV is RFC 4180: fields separated by ',', a record ends with "\n" or "\r\n", a field
 * holding ',', '"', '\r' or '\n' is quoted and its quotes doubled.  The readers refuse,
 * with one `FILE:LINE:COL: error: ...` line, a record whose field count differs from the
 * header's, a last record without its line end (a truncated file), a stray quote, an
 * unterminated quoted field, and every numeric field that is not a number in its range.
 * Bounds: a CSV file holds at most TRC_CSV_MAX_BYTES bytes and a record at most
 * TRC_CSV_MAX_FIELDS fields; memory is linear in the file's size.  JSON is read with
 * jansson, at most TRC_JSON_MAX_BYTES bytes. */
#ifndef NS_TRC_READ_H
#define NS_TRC_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "energy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRC_CSV_MAX_BYTES ((size_t)256 << 20) /* largest CSV file read: 256 MiB */
#define TRC_CSV_MAX_FIELDS 4096u              /* fields per CSV record */
#define TRC_JSON_MAX_BYTES ((size_t)64 << 20) /* largest JSON file read: 64 MiB */
#define TRC_NAME_MAX 64                       /* layer, kind and architecture names, with NUL */

/* ---- Schemas ---- */
typedef enum trc_type {
    TRC_T_STR,      /* text (CSV) or a JSON string */
    TRC_T_U64,      /* unsigned decimal integer, 0 .. 2^64-1 */
    TRC_T_F64,      /* finite decimal number */
    TRC_T_U64_STAR, /* unsigned integer, or "*" for a whole-run row (stats.csv) */
    TRC_T_U64_OPT,  /* unsigned integer, or empty */
    TRC_T_F64_OPT,  /* number, or empty (the metrics of a failed sweep point) */
    TRC_T_OBJ,      /* JSON object */
    TRC_T_ARR,      /* JSON array */
    TRC_T_BOOL      /* JSON true or false */
} trc_type_t;

/* One column of a CSV file, or one top-level key of a JSON file. */
typedef struct trc_col {
    const char *name; /* column name or JSON key */
    trc_type_t type;
    const char *unit; /* "" when it has none */
    const char *doc;  /* one line for traces/README.md */
    unsigned flags;   /* TRC_COL_* */
} trc_col_t;

#define TRC_COL_AXES 1u     /* summary.csv: stands for one column per sweep axis */
#define TRC_COL_OPTIONAL 2u /* may be absent (summary.csv's seed; JSON keys) */

typedef struct trc_schema {
    const char *file;      /* "layers.csv" */
    const char *doc;       /* what a row (or the document) is */
    const trc_col_t *cols; /* in file order */
    unsigned n_cols;
    int json; /* 1: cols are the top-level keys of a JSON object */
} trc_schema_t;

extern const trc_schema_t trc_schema_layers;         /* layers.csv */
extern const trc_schema_t trc_schema_stats;          /* stats.csv */
extern const trc_schema_t trc_schema_summary;        /* summary.csv */
extern const trc_schema_t trc_schema_compare;        /* compare.csv */
extern const trc_schema_t trc_schema_compare_totals; /* compare-totals.csv */
extern const trc_schema_t trc_schema_run;            /* run.json */
extern const trc_schema_t trc_schema_sweep;          /* sweep.json */

/* Every schema, in the order traces/README.md lists them; NULL-terminated. */
extern const trc_schema_t *const trc_schemas[];

/* Name of a type as the README spells it ("integer", "number", ...). */
const char *trc_type_name(trc_type_t t);

/* Writes the header line of a fixed-column CSV schema (names joined by ',', then "\n"). */
void trc_schema_header(FILE *f, const trc_schema_t *s);

/* Index of column `name` in s, or -1. */
int trc_schema_col(const trc_schema_t *s, const char *name);

/* Writes s as one RFC 4180 field: quoted, quotes doubled, when it holds ',', '"', '\r' or
 * '\n'; as it is otherwise. */
void trc_csv_field(FILE *f, const char *s);

/* Copies s into buf (n bytes) as text that no data file row or plot can misread: control
 * characters and '"' become ' ' (or '\'' for '"'), '\t' becomes ' ', invalid UTF-8 bytes
 * become '?'; cut at n-1 bytes on a character boundary.  Returns buf. */
char *trc_safe_text(char *buf, size_t n, const char *s);

/* ---- Files ---- */
/* Reads the regular file `path` into a malloc'd NUL-terminated buffer; refuses a file
 * larger than max bytes and one holding a NUL byte.  ST_OK; ST_EIO/ST_ERANGE with a
 * one-line reason; ST_ENOMEM.  *buf untouched on error. */
int trc_read_file(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errn);

/* ---- CSV reader ---- */
typedef struct trc_csv trc_csv_t; /* opaque: text, position, the current record */

/* Starts reading `text` (len bytes; the reader keeps a pointer, the caller keeps it alive)
 * named `name` in messages.  ST_OK or ST_ENOMEM. */
int trc_csv_open_mem(const char *name, const char *text, size_t len, trc_csv_t **out);

/* Reads the next record.  1 with a record, 0 at the end of the text, ST_EIO with a
 * `FILE:LINE:COL: error: ...` line in err for a malformed record, ST_ENOMEM. */
int trc_csv_next(trc_csv_t *c, char *err, size_t errn);

/* Goes back to the first record. */
void trc_csv_rewind(trc_csv_t *c);

unsigned trc_csv_nfields(const trc_csv_t *c);
const char *trc_csv_get(const trc_csv_t *c, unsigned i); /* field i, unquoted; "" if none */
/* The raw text of the current record, without its line end. */
const char *trc_csv_raw(const trc_csv_t *c, size_t *len);
unsigned long trc_csv_line(const trc_csv_t *c); /* 1-based line the record starts on */

/* Checks that the current record has n fields (ST_EIO, "expected N fields, got M"). */
int trc_csv_want_fields(const trc_csv_t *c, unsigned n, char *err, size_t errn);

/* Field i as an integer in [lo, hi] / a finite number; `col` names it in the message
 * "FILE:LINE:COL: error: column 'energy_pj': expected a number, got \"abc\"".  ST_OK or
 * ST_EIO; *v untouched on error. */
int trc_csv_u64(const trc_csv_t *c, unsigned i, const char *col, uint64_t lo, uint64_t hi,
                uint64_t *v, char *err, size_t errn);
int trc_csv_f64(const trc_csv_t *c, unsigned i, const char *col, double *v, char *err, size_t errn);

/* Checks field i against type t (TRC_T_STR always passes; a string longer than max_len
 * bytes, when max_len > 0, is refused). */
int trc_csv_check(const trc_csv_t *c, unsigned i, const char *col, trc_type_t t, size_t max_len,
                  char *err, size_t errn);

/* Reads the header record and checks it equals the fixed columns of s. */
int trc_csv_header(trc_csv_t *c, const trc_schema_t *s, char *err, size_t errn);

/* Reads every record after the header and checks each field against s's types. */
int trc_csv_check_all(trc_csv_t *c, const trc_schema_t *s, char *err, size_t errn);

void trc_csv_close(trc_csv_t *c); /* NULL is a no-op */

/* ---- layers.csv ---- */
/* Per-image figures of one layer of a run, summed over its MC passes. */
typedef struct trc_layer_sum {
    char name[TRC_NAME_MAX];
    char kind[16];
    double e_pj;                  /* energy over all passes */
    double e_comp_pj[COMP_COUNT]; /* by component (comp_t; columns e_<comp_name>_pj) */
    uint64_t cycles;              /* cycles over all passes */
    uint64_t rng_bits;            /* random bits over all passes */
    uint32_t rng_modules;
    uint32_t tiles;
    double e_rng_pj;      /* energy of the stochastic units (drng + arb) */
    uint64_t rng_cycles;  /* cycles the stochastic units were busy */
    uint64_t weight_bits; /* memory, bits */
    uint64_t bayes_bits;
    uint64_t sram_bits;
    double area_um2; /* area of the blocks the layer owns */
} trc_layer_sum_t;

/* What one run wrote, read back from its layers.csv. */
typedef struct trc_run {
    uint32_t n_layers;
    trc_layer_sum_t *layers; /* owned: one allocation of n_layers entries; free() */
    uint64_t end_cyc;        /* cycle the last pass ended: latency per image in cycles */
    uint32_t passes;         /* MC passes (rows per layer) */
} trc_run_t;

/* Parses a layers.csv text (name for messages).  Every layer 0..n-1 must have a row and
 * keep its name and kind; a layer index must be below the number of rows.  ST_OK; ST_EIO
 * with one `FILE:LINE:COL: error:` line in err; ST_ENOMEM.  r is zeroed first; on error
 * r->layers is NULL. */
int trc_layers_parse(const char *name, const char *text, size_t len, trc_run_t *r, char *err,
                     size_t errn);

/* Reads DIR/layers.csv with trc_layers_parse. */
int trc_layers_read(const char *dir, trc_run_t *r, char *err, size_t errn);

/* ---- summary.csv ---- */
/* The columns of one summary file: point, the axis columns, seed (absent when an axis is
 * the seed), then the metrics of trc_schema_summary. */
typedef struct trc_summary_hdr {
    unsigned n_fields;   /* columns */
    unsigned first_axis; /* 1 */
    unsigned n_axes;     /* axis columns (the seed column not counted) */
    int c_seed;          /* the seed column, -1 when an axis is the seed */
    unsigned c_metric;   /* first metric column (energy_pj) */
    unsigned c_eval;     /* an eval sweep's first figure column (after edap), else status */
    unsigned n_eval;     /* its figure columns: accuracy, nll, ece, brier, entropy, mi,
                            ood_<set>_rate, ood_<set>_auroc; 0 without */
    int c_accuracy;      /* the accuracy column, -1 without */
} trc_summary_hdr_t;

/* One checked summary row. */
typedef struct trc_summary_row {
    uint64_t point;
    int ok;                       /* status "ok" (1) or "failed" (0) */
    double energy_pj, latency_ns; /* 0 for a failed row */
    double area_mm2;              /* chip area; 0 for a failed row */
    double accuracy;              /* an eval sweep's accuracy; 0 for a failed row or without */
} trc_summary_row_t;

/* Reads and checks the header record.  n_axes: the sweep's axis count from sweep.json, or
 * -1 when unknown (then a column "seed" just before the metrics is taken as the seed).  An
 * eval sweep's figure columns (accuracy ... ood_<set>_auroc) may stand between edap and
 * status. */
int trc_summary_header(trc_csv_t *c, int n_axes, trc_summary_hdr_t *h, char *err, size_t errn);

/* Checks the current record against h: its field count, a point in [0, points) (points 0:
 * any), every metric a number of its type for an "ok" row and empty for a "failed" one
 * whose error is not empty. */
int trc_summary_row(const trc_csv_t *c, const trc_summary_hdr_t *h, uint64_t points,
                    trc_summary_row_t *row, char *err, size_t errn);

/* ---- run.json and sweep.json ---- */
/* What `plot` shows of a run: from run.json. */
typedef struct trc_run_info {
    char workload[TRC_NAME_MAX];
    char scheme[32];
    char arch_name[TRC_NAME_MAX]; /* "" when run.json carries none (see arch_yaml) */
    uint64_t mc_passes;
    double cycle_ns;
    double chip_mm2, used_mm2; /* area.chip_mm2, area.used_mm2; 0 when run.json has none */
    char *arch_yaml;           /* owned: the resolved architecture, or NULL */
} trc_run_info_t;

/* Parses a run.json text: a JSON object whose keys of trc_schema_run have their types.
 * ST_OK; ST_EIO with `FILE:LINE:COL: error:` in err; ST_ENOMEM.  On success the caller
 * frees info->arch_yaml. */
int trc_run_info_parse(const char *name, const char *text, size_t len, trc_run_info_t *info,
                       char *err, size_t errn);
int trc_run_info_read(const char *dir, trc_run_info_t *info, char *err, size_t errn);

typedef struct trc_sweep_info trc_sweep_info_t; /* opaque: the parsed sweep.json */

/* Parses a sweep.json text (its keys of trc_schema_sweep with their types; "points" an
 * integer >= 1).  ST_OK, ST_EIO (message), ST_ENOMEM. */
int trc_sweep_info_parse(const char *name, const char *text, size_t len, trc_sweep_info_t **out,
                         char *err, size_t errn);
int trc_sweep_info_read(const char *dir, trc_sweep_info_t **out, char *err, size_t errn);

uint64_t trc_sweep_points(const trc_sweep_info_t *s);
unsigned trc_sweep_n_axes(const trc_sweep_info_t *s);
const char *trc_sweep_axis_key(const trc_sweep_info_t *s, unsigned k);
unsigned trc_sweep_axis_n_values(const trc_sweep_info_t *s, unsigned k);
const char *trc_sweep_base_workload(const trc_sweep_info_t *s);     /* "" when none */
uint64_t trc_sweep_base_T(const trc_sweep_info_t *s);               /* 0 when none */
const char *trc_sweep_text(const trc_sweep_info_t *s, size_t *len); /* the file as read */

/* 1 when a and b describe the same sweep (equal but for "sweep_file", the path). */
int trc_sweep_same(const trc_sweep_info_t *a, const trc_sweep_info_t *b);

void trc_sweep_info_free(trc_sweep_info_t *s); /* NULL is a no-op */

#ifdef __cplusplus
}
#endif
#endif
