/* sweep.h - design-space sweep files: loading, expanding and validating the points (C11,
 * no processes; sweep_cmd.c runs them).  docs/sweeps.md is the user's reference.
 *
 *   version: 1
 *   base: {arch: default, workload: lenet5-mnist, T: 2, seed: 1, mapping: 1}
 *   mode: product            # or zip; default product
 *   axes:
 *     - {key: xbar.rows, values: [64, 128, 256]}
 *     - {key: chip.tiles, range: {from: 64, to: 512, step: 64}}
 *     - {key: xbar.cols, range: {from: 32, to: 512, mul: 2}}
 *     - {key: workload, values: [lenet5-mnist, nets/my-net.yaml]}
 *
 * An axis key is an architecture key path as in the architecture file (`neuspin config
 * --list-params`), one of the run-level keys T, mapping, workload, seed, timing, or a
 * network key that changes the point's workload:
 *
 *   net.dropout         p of every layer that has dropout in its file, [0, 0.99]
 *   net.dropout.LAYER   p of the conv or fc layer LAYER, [0, 0.99]
 *   net.bayes_last      N: only the last N conv/fc layers keep their dropout
 *   net.bayes_layers    all, none, or "conv1,fc3" (or a list [conv1, fc3]): only these keep it
 *
 * (under `net.` because `dropout.*` are architecture keys).  They apply in that order
 * whatever the order of the axes; bayes_last and bayes_layers exclude each other.  Layer
 * names and N are checked against every workload of the sweep when the file loads.  Every
 * value goes through the key's schema row when the file is loaded (errors at the value's
 * line); every point is then built and checked (arch_check, the workload mapped onto it)
 * before anything runs, and a point that fails is reported as
 *
 *   sweep.yaml:9:5: error: point 17 (xbar.rows=64, chip.tiles=8): layers[2]: ...
 *
 * Order: `product` varies the last axis fastest (nested loops in the order written); `zip`
 * takes the i-th value of every axis, all axes of equal length.  Relative paths (base.arch,
 * base.workload, workload values) are resolved against the sweep file's directory.
 *
 * Seeds: point i runs with sweep_seed(master, i) (splitmix64), unless a `seed` axis gives
 * its seed directly; never from the rank, the shard or the time.
 *
 * Eval sweeps: an `eval: {model: M.onnx, count: N, ood: ..., images: F, labels: F}` block
 * makes every point a `neuspin eval` of the trained model (sweep_point_argv_eval); the
 * model is the network (no workload or net.* axes), a `model` axis sweeps several, each on
 * its scheme's built-in architecture unless base.arch names one, and the cost is analytic. */
#ifndef NS_SIM_SWEEP_H
#define NS_SIM_SWEEP_H

#include <stdint.h>

#include "arch.h"
#include "wl.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SWEEP_MAX_AXES 32
#define SWEEP_MAX_POINTS 10000000ull /* larger sweeps are refused at the axes */

/* What an axis sets. */
typedef enum {
    SWEEP_KEY_ARCH = 0,          /* an architecture key (row) */
    SWEEP_KEY_T,                 /* MC passes, `neuspin run -T` */
    SWEEP_KEY_MAPPING,           /* conv mapping strategy, `-m` */
    SWEEP_KEY_WORKLOAD,          /* built-in name or file, `-w` */
    SWEEP_KEY_SEED,              /* the point's seed, `--seed` */
    SWEEP_KEY_TIMING,            /* timing mode, `--timing event|cycle|analytic` */
    SWEEP_KEY_MODEL,             /* eval sweeps: the trained network (ONNX), `eval -w` */
    SWEEP_KEY_NET_DROPOUT,       /* net.dropout: p of every layer with dropout */
    SWEEP_KEY_NET_DROPOUT_LAYER, /* net.dropout.LAYER: p of one conv/fc layer */
    SWEEP_KEY_NET_BAYES_LAST,    /* net.bayes_last: the last N conv/fc layers keep dropout */
    SWEEP_KEY_NET_BAYES_LAYERS   /* net.bayes_layers: the named layers keep dropout */
} sweep_key_t;

/* 1 when an axis of kind k changes the point's network (the net.* keys). */
#define SWEEP_KEY_IS_NET(k) ((k) >= SWEEP_KEY_NET_DROPOUT)

/* One value of an axis. */
typedef struct sweep_value {
    char *text;            /* canonical text (owned): the summary column, and what -p gets */
    int node;              /* its node in the file (a range's values: the range) */
    unsigned char raw[64]; /* SWEEP_KEY_ARCH: the field's bytes as arch_t holds them */
    uint64_t num;          /* T, mapping, seed, bayes_last N; SWEEP_KEY_WORKLOAD and
                              SWEEP_KEY_MODEL: index into wl[]; SWEEP_KEY_NET_BAYES_LAYERS:
                              1 = all */
    double p;              /* net.dropout, net.dropout.LAYER: the probability */
    uint32_t n_sel;        /* net.bayes_layers: names in the list (0 for all and none) */
    uint32_t *sel;         /* net.bayes_layers: sel[w * n_sel + j] = index of the j-th name
                              in the layers of workload w (owned; set after all loaded) */
} sweep_value_t;

typedef struct sweep_axis {
    char key[96];        /* as written: "xbar.rows", "T", ... */
    uint32_t kind;       /* sweep_key_t */
    const yfield_t *row; /* SWEEP_KEY_ARCH: the schema row (offset into arch_t) */
    int key_node;        /* its `key:` value in the file */
    int32_t *layer;      /* net.dropout.LAYER: layer[w] = LAYER's index in workload w
                            (n_wl entries, owned) */
    uint32_t n_values;
    sweep_value_t *values; /* owned */
} sweep_axis_t;

/* A distinct workload of the sweep (base or a workload axis value; in an eval sweep, a
 * trained model: eval.model or a model axis value). */
typedef struct sweep_wl {
    char *given;     /* as written (owned) */
    char *spec;      /* built-in name or resolved path, what the child gets (owned) */
    wl_net_t *net;   /* loaded (owned) */
    arch_t *arch;    /* an eval sweep without base.arch: the built-in architecture of the
                        model's scheme, its points' base (owned); NULL: the sweep's base */
    char *arch_spec; /* with arch: what the child gets as -a (owned) */
    char scheme[32]; /* a model's neuspin.scheme */
} sweep_wl_t;

/* Accuracy at every point: the file's `eval:` block (docs/sweeps.md).  Each point then
 * runs `neuspin eval` with the point's settings instead of `neuspin run`. */
#define SWEEP_EVAL_MAX_OOD 8
typedef struct sweep_evalspec {
    int on;                               /* the file has an eval block */
    int node;                             /* the block */
    int model_axis;                       /* the axis whose key is `model`, -1 without one */
    uint64_t count;                       /* images evaluated, the first ones (0: all) */
    char *images, *labels;                /* IDX files, resolved (owned; eval's defaults when not
                                             given: the Fashion-MNIST t10k set) */
    uint32_t n_ood;                       /* OOD sets, in the order given */
    char *ood[SWEEP_EVAL_MAX_OOD];        /* "noise", "rotate" or "rotate:LO:HI", "idx:PATH" (owned;
                                             PATH resolved) */
    char ood_name[SWEEP_EVAL_MAX_OOD][8]; /* noise, rotate, idx: the summary's column names */
} sweep_evalspec_t;

typedef struct sweep {
    char *path;           /* the sweep file as given (owned) */
    char *arch_given;     /* base.arch as written, NULL for the default (owned) */
    char *arch_spec;      /* built-in name or resolved path; NULL for the default (owned) */
    arch_t base;          /* the base architecture */
    uint32_t base_wl;     /* index into wl[] */
    uint64_t T;           /* base.T; 0 = the workload's mc_samples */
    uint64_t mapping;     /* base.mapping; 0 = the architecture's */
    uint64_t seed;        /* master seed (base.seed, default 1) */
    uint64_t device_seed; /* the chip instance of every point (--device-seed; default 1) */
    uint32_t timing;      /* base.timing: 0 = not given (run's default), else 1 + index
                             into sweep_timing_names */
    int zip;              /* mode: zip */
    uint32_t n_axes;
    sweep_axis_t *axes; /* owned */
    uint64_t n_points;
    uint32_t n_wl;
    sweep_wl_t *wl;      /* owned */
    ydoc_t *doc;         /* the file (owned), kept for diagnostics at its nodes */
    int axes_node;       /* `axes` (or the root): where point errors go without a better place */
    uint32_t n_net_axes; /* axes with a net.* key: points run modified networks */
    sweep_evalspec_t eval;
} sweep_t;

/* ---- Lifecycle ---- */
/* Loads `path` (through ydoc: the architecture loader's diagnostics), checks every axis
 * value against its key, loads the base architecture and every workload.  Points are not
 * checked yet (sweep_check).  ST_OK; ST_EIO / ST_ECONFIG with diagnostics; ST_ENOMEM.
 * *out untouched on error; free with sweep_destroy. */
int sweep_load(const char *path, sweep_t **out, arch_diag_list_t *dl);

/* Same from text; `path` names it and is the base of relative paths. */
int sweep_load_string(const char *path, const char *text, size_t len, sweep_t **out,
                      arch_diag_list_t *dl);

void sweep_destroy(sweep_t *s); /* NULL is a no-op */

/* Builds every point and checks it: arch_check, then the point's network (its workload
 * with the net.* values applied) mapped onto the architecture with the point's strategy.
 * Errors are collected (dl caps what it keeps, as ever) and *n_bad counts the failed
 * points.  ST_OK, ST_ECONFIG (some point invalid) or ST_ENOMEM. */
int sweep_check(const sweep_t *s, arch_diag_list_t *dl, uint64_t *n_bad);

/* sweep_check that also records which points are invalid, for `sweep --skip-invalid`:
 * when bad_map is not NULL, *bad_map is a new bitmap of s->n_points bits, bit i (byte
 * i / 8, bit i % 8; test with sweep_bad_test) set when point i is invalid; the caller frees
 * it (also on ST_ECONFIG; NULL and nothing allocated on ST_ENOMEM).  At most 1.25 MB for
 * SWEEP_MAX_POINTS.  Each invalid point's own first diagnostic: sweep_point_check.
 * Returns as sweep_check. */
int sweep_check_map(const sweep_t *s, arch_diag_list_t *dl, uint64_t *n_bad,
                    unsigned char **bad_map);

/* 1 when bit i of a sweep_check_map bitmap is set. */
static inline int sweep_bad_test(const unsigned char *bad_map, uint64_t i)
{
    return (bad_map[i >> 3] >> (i & 7)) & 1;
}

/* Checks point i alone, as sweep_check does.  ST_OK (valid; msg = ""), ST_ECONFIG with
 * its first diagnostic as "PATH: MESSAGE" (or MESSAGE; no file, line or point label: the
 * text of a summary row's error column) cut to n bytes, or ST_ENOMEM. */
int sweep_point_check(const sweep_t *s, uint64_t i, char *msg, size_t n);

/* ---- Points ---- */
/* The value index of every axis at point i (idx has n_axes entries). */
void sweep_point_index(const sweep_t *s, uint64_t i, uint32_t *idx);

/* Point i's architecture (base + its arch-key values; not checked). */
void sweep_point_arch(const sweep_t *s, uint64_t i, arch_t *a);

/* Point i's run-level settings: T (0 = the workload's), mapping (0 = the architecture's),
 * seed, and the index of its workload in s->wl. */
void sweep_point_run(const sweep_t *s, uint64_t i, uint64_t *T, uint64_t *mapping, uint64_t *seed,
                     uint32_t *wl);

/* "xbar.rows=64, chip.tiles=8" for point i (cut to n bytes). */
void sweep_point_label(const sweep_t *s, uint64_t i, char *buf, size_t n);

/* Point i's timing mode ("event", "cycle", "analytic"), NULL for the run's default. */
const char *sweep_point_timing(const sweep_t *s, uint64_t i);

/* The timing modes, NULL-terminated, in the order of `neuspin run --timing`. */
extern const char *const sweep_timing_names[];

/* The i-th seed of master: the (i+1)-th output of splitmix64 started at master
 * (z = master + (i+1) * 0x9E3779B97F4A7C15, then the splitmix64 finalizer). */
uint64_t sweep_seed(uint64_t master, uint64_t i);

/* Digits of the point ids: at least 4, enough for n_points - 1 ("0017"). */
int sweep_id_width(const sweep_t *s);

/* ---- Networks of the points (net.* axes) ---- */
/* A point's network is its workload with the net.* values applied.  With net.* axes each
 * distinct combination of (workload, net.* values) has an id in [0, sweep_net_count):
 * product mode numbers the combinations of the workload and net.* axes like the points
 * (last axis fastest), so every id is some point's; zip mode gives point i id i.  The id
 * depends on the sweep file alone (stable across --resume and ranks). */

/* How many network ids; 0 when no axis has a net.* key (points run s->wl[w].spec). */
uint64_t sweep_net_count(const sweep_t *s);

/* Point i's network id; UINT64_MAX when sweep_net_count is 0. */
uint64_t sweep_point_net(const sweep_t *s, uint64_t i);

/* The first point whose network id is id (id < sweep_net_count). */
uint64_t sweep_net_point(const sweep_t *s, uint64_t id);

/* Point i's network: a new copy of its workload with the net.* values applied (the
 * workload itself without net.* axes).  ST_OK or ST_ENOMEM (*out untouched); free with
 * wl_net_destroy.  Write it with wl_dump_yaml. */
int sweep_point_network(const sweep_t *s, uint64_t i, wl_net_t **out);

/* The file name of network id under the sweep's inputs directory: "net-ID.yaml". */
void sweep_net_file_name(uint64_t id, char *buf, size_t n);

/* Where the child finds network id: a path, borrowed until the next call. */
typedef const char *sweep_net_path_fn(void *ctx, uint64_t id);

/* The argument vector of point i's child:
 *   neuspin run [-a ARCH] [-p KEY=VALUE]... -w WORKLOAD [-T N] [-m M] [--timing X] --seed S
 *               -q -o DIR
 * in one allocation (free(*argv) frees it all).  WORKLOAD is net_path(ctx, id of point i)
 * when the sweep has net.* axes, else the workload's spec.  ST_OK, ST_ENOMEM, or ST_EINVAL
 * when the sweep has net.* axes and net_path is NULL or returns NULL. */
int sweep_point_argv_net(const sweep_t *s, uint64_t i, const char *dir, sweep_net_path_fn *net_path,
                         void *ctx, char ***argv);

/* An eval sweep's point i (s->eval.on): the argument vector of its child
 *   neuspin eval -w MODEL [-a ARCH] [-p KEY=VALUE]... [-T N] [-m M] --seed S --device-seed D
 *                [-n COUNT] --images F --labels F --ood LIST -j 1 -q -o DIR
 * in one allocation (free(*argv) frees it all).  ST_OK or ST_ENOMEM. */
int sweep_point_argv_eval(const sweep_t *s, uint64_t i, const char *dir, char ***argv);

/* sweep_point_argv_net without a network path: for sweeps without net.* axes (ST_EINVAL
 * for one with them, never the unmodified network). */
int sweep_point_argv(const sweep_t *s, uint64_t i, const char *dir, char ***argv);

#ifdef __cplusplus
}
#endif
#endif
