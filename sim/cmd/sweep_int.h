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

#endif
