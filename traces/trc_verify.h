/* trc_verify.h - is a run directory complete, and are its files the ones its manifest
 * names?  `sweep --resume` and `merge` count a point as done only when this says so. */
#ifndef NS_TRC_VERIFY_H
#define NS_TRC_VERIFY_H

#include <stddef.h>

#include "trc_fs.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRC_RUN_JSON_MAX (64u << 20) /* bytes a run.json may hold */

/* Reads d/run.json (with jansson, bounded) and checks every entry of its "files" list: the
 * file exists as a regular file in d, not a link, with the size and SHA-256 recorded.
 * ST_OK when all match; ST_EIO with a one-line reason ("DIR/layers.csv: 1024 bytes,
 * run.json records 1677", "DIR/run.json: missing", "...: not a run manifest") otherwise. */
int trc_run_verify(trc_dir_t *d, char *err, size_t errn);

/* SHA-256 (64 hex digits and a NUL) and size of the regular file `name` of d, read in
 * pieces (never through a link).  ST_OK or ST_EIO. */
int trc_dir_file_sha256(trc_dir_t *d, const char *name, char hex[65], unsigned long long *bytes,
                        char *err, size_t errn);

/* How an earlier sweep.json relates to the one this sweep would write. */
enum {
    TRC_SWEEP_SAME = 0,  /* the same sweep from the same inputs */
    TRC_SWEEP_OTHER = 1, /* another sweep: a member other than sweep_file and inputs
                            differs (or old is not a sweep manifest) */
    TRC_SWEEP_INPUTS = 2 /* the same sweep, but an input file's content changed */
};

/* Compares two sweep manifests (JSON text) member by member, ignoring "sweep_file" (the
 * same file may be named by another path) and comparing "inputs" ([{path, bytes, sha256}])
 * on their own.  Returns TRC_SWEEP_*; `what` gets the first member that differs, or for
 * TRC_SWEEP_INPUTS the path of the first input whose size or SHA-256 changed (or that was
 * added or dropped). */
int trc_sweep_manifest_cmp(const char *old_json, size_t old_len, const char *new_json,
                           size_t new_len, char *what, size_t whatn);

#ifdef __cplusplus
}
#endif
#endif
