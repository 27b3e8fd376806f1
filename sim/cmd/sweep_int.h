/* sweep_int.h - pieces shared by `neuspin sweep` (sweep_cmd.c), `neuspin merge` (merge.c)
 * and `neuspin plot` (plot.c): the summary files and the sweep manifest. */
#ifndef NS_SIM_SWEEP_INT_H
#define NS_SIM_SWEEP_INT_H

#include <stddef.h>
#include <stdint.h>

/* One summary row: its point index and its CSV line (without the line end). */
typedef struct sweep_row {
    uint64_t index;
    char *text; /* borrowed or owned, as the caller says */
} sweep_row_t;

/* The metric columns of a summary after `point`, the axis keys and `seed`. */
#define SWEEP_METRIC_COLUMNS                                                                       \
    "energy_pj,latency_ns,rng_modules,rng_bits,memory_bits,tiles,area_mm2,edap,status,error"

/* Sorts rows by index and writes `header` and them to DIR/NAME through a temporary file,
 * fsync and rename, so DIR/NAME is always complete.  0, or -1 with the reason printed. */
int sweep_write_rows(const char *dir, const char *name, const char *header, sweep_row_t *rows,
                     size_t n);

/* Writes text to DIR/NAME through a temporary file and rename.  0, or -1 (printed). */
int sweep_write_file(const char *dir, const char *name, const char *text, size_t n);

/* Reads a whole file into a malloc'd NUL-terminated string (caller frees); NULL when it
 * cannot be read (errno set). */
char *sweep_read_file(const char *path, size_t *len);

/* The number after "\"points\": " in a sweep.json text; 0 when none. */
uint64_t sweep_manifest_points(const char *json);

/* Appends s to buf (of cap bytes, at *o) as one CSV field: quoted when it holds a comma,
 * quote or line break; line breaks become spaces. */
void sweep_csv_field(char *buf, size_t cap, size_t *o, const char *s);

/* ---- In-process analytic points (sweep_inproc.c) ---- */

struct sweep; /* sweep.h */

/* The figures of one ok point: the summary row's metric columns. */
typedef struct sweep_figs {
    double energy_pj;     /* per image, every layer and pass */
    double latency_ns;    /* the cycle the last record ended x the clock period */
    double area_mm2;      /* the chip (run.json area.chip_mm2) */
    uint64_t rng_modules; /* dropout modules and arbiters */
    uint64_t rng_bits;    /* random bits per image */
    uint64_t memory_bits; /* weights + Bayesian parameters + scheme SRAM */
    uint64_t tiles;       /* crossbar tiles the mapping uses */
} sweep_figs_t;

/* One worker's evaluator: scratch buffers and the cache of the last point's layer costs.
 * Not shared between threads; a forked worker owns its copy. */
typedef struct sweep_eval sweep_eval_t;

/* ST_OK or ST_ENOMEM.  analytic_default: a point without a timing runs analytic (a build
 * without SystemC). */
int sweep_eval_create(const struct sweep *s, int analytic_default, sweep_eval_t **out);
void sweep_eval_destroy(sweep_eval_t *e); /* NULL is a no-op */

/* 1 when point i runs with analytic timing, so it can be evaluated in process. */
int sweep_eval_inproc(const sweep_eval_t *e, uint64_t i);

/* Evaluates point i as `neuspin run --timing analytic` would, and fills *f with the figures
 * its summary row would carry, to the byte.  ST_OK; ST_ENOMEM; any other status: the point
 * does not end in figures here (mapping, limits, a refused operation) and must run as a
 * child, whose messages are the ones to report. */
int sweep_eval_point(sweep_eval_t *e, uint64_t i, sweep_figs_t *f);

/* Points served from the cache, and computed, so far. */
void sweep_eval_stats(const sweep_eval_t *e, uint64_t *hits, uint64_t *misses);

/* "point,<axis keys>,seed,<metrics>": the summary's header line (malloc'd; NULL on
 * ENOMEM); no seed column when an axis is the seed. */
char *sweep_summary_header(const struct sweep *s);

/* Writes ",energy,...,edap,ok," (the metric columns of an ok row after the seed) into buf;
 * the length written.  The one formatter of both paths. */
size_t sweep_figs_format(const sweep_figs_t *f, char *buf, size_t cap);

#endif
