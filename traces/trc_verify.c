/* trc_verify.c - a run directory checked against its manifest (see trc_verify.h). */
#define _GNU_SOURCE
#include "trc_int.h"
#include "trc_verify.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/sha256.h"
#include "base/status.h"

int trc_dir_file_sha256(trc_dir_t *d, const char *name, char hex[65], unsigned long long *bytes,
                        char *err, size_t errn)
{
    int fd = openat(trc_dir_fd(d), name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        trc_set_err(err, errn, "%s/%s: %s", trc_dir_path(d), name,
                    fd < 0 ? (errno == ENOENT  ? "missing"
                              : errno == ELOOP ? "is a symbolic link"
                                               : strerror(errno))
                           : "not a regular file");
        if (fd >= 0)
            close(fd);
        return ST_EIO;
    }
    sha256_t s;
    unsigned char buf[65536], dg[32];
    unsigned long long n = 0;
    sha256_init(&s);
    for (;;) {
        ssize_t k = read(fd, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            trc_set_err(err, errn, "%s/%s: cannot read: %s", trc_dir_path(d), name,
                        strerror(errno));
            close(fd);
            return ST_EIO;
        }
        if (k == 0)
            break;
        sha256_update(&s, buf, (size_t)k);
        n += (unsigned long long)k;
    }
    close(fd);
    sha256_final(&s, dg);
    sha256_to_hex(dg, hex);
    *bytes = n;
    return ST_OK;
}

int trc_run_verify(trc_dir_t *d, char *err, size_t errn)
{
    char *text = NULL, e2[512];
    size_t len = 0;
    if (!trc_dir_has_file(d, "run.json")) {
        trc_set_err(err, errn, "%s/run.json: missing", trc_dir_path(d));
        return ST_EIO;
    }
    int rc = trc_dir_read(d, "run.json", TRC_RUN_JSON_MAX, &text, &len, e2, sizeof e2);
    if (rc != ST_OK) {
        trc_set_err(err, errn, "%s", e2);
        return ST_EIO;
    }
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    free(text);
    if (!root) {
        trc_set_err(err, errn, "%s/run.json:%d:%d: error: %s", trc_dir_path(d), je.line, je.column,
                    je.text);
        return ST_EIO;
    }
    json_t *files = json_object_get(root, "files");
    rc = ST_OK;
    if (!json_is_array(files) || json_array_size(files) == 0) {
        trc_set_err(err, errn, "%s/run.json: not a run manifest (no \"files\" list)",
                    trc_dir_path(d));
        rc = ST_EIO;
    }
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        if (rc != ST_OK)
            break;
        const char *name = json_string_value(json_object_get(f, "name"));
        const char *want = json_string_value(json_object_get(f, "sha256"));
        json_t *jb = json_object_get(f, "bytes");
        if (!name || !want || !json_is_integer(jb) || json_integer_value(jb) < 0 ||
            strlen(want) != SHA256_HEX_LEN || strchr(name, '/') || !strcmp(name, "..") ||
            !strcmp(name, ".") || !strcmp(name, "run.json")) {
            trc_set_err(err, errn,
                        "%s/run.json: files[%zu]: expected {name, bytes, sha256} of a "
                        "file in this directory",
                        trc_dir_path(d), i);
            rc = ST_EIO;
            break;
        }
        char hex[65];
        unsigned long long n = 0;
        if (trc_dir_file_sha256(d, name, hex, &n, err, errn) != ST_OK) {
            rc = ST_EIO;
        } else if (n != (unsigned long long)json_integer_value(jb)) {
            trc_set_err(err, errn, "%s/%s: %llu bytes, run.json records %lld", trc_dir_path(d),
                        name, n, (long long)json_integer_value(jb));
            rc = ST_EIO;
        } else if (strcmp(hex, want) != 0) {
            trc_set_err(err, errn, "%s/%s: content differs from the SHA-256 that run.json records",
                        trc_dir_path(d), name);
            rc = ST_EIO;
        }
    }
    json_decref(root);
    return rc;
}

/* The input entry of `inputs` whose path is `path`, or NULL. */
static json_t *input_by_path(json_t *inputs, const char *path)
{
    size_t i;
    json_t *e;
    json_array_foreach(inputs, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        if (p && !strcmp(p, path))
            return e;
    }
    return NULL;
}

int trc_sweep_manifest_cmp(const char *old_json, size_t old_len, const char *new_json,
                           size_t new_len, char *what, size_t whatn)
{
    json_error_t je;
    json_t *a = json_loadb(old_json, old_len, JSON_REJECT_DUPLICATES, &je);
    json_t *b = json_loadb(new_json, new_len, JSON_REJECT_DUPLICATES, &je);
    int rc = TRC_SWEEP_OTHER;
    trc_set_err(what, whatn, "sweep.json is not a sweep manifest");
    if (!json_is_object(a) || !json_is_object(b))
        goto done;
    json_t *ia = json_incref(json_object_get(a, "inputs"));
    json_t *ib = json_incref(json_object_get(b, "inputs"));
    json_object_del(a, "inputs");
    json_object_del(b, "inputs");
    json_object_del(a, "sweep_file");
    json_object_del(b, "sweep_file");
    const char *key;
    json_t *v;
    rc = TRC_SWEEP_SAME;
    json_object_foreach(a, key, v)
    {
        if (!json_equal(v, json_object_get(b, key))) {
            trc_set_err(what, whatn, "%s", key);
            rc = TRC_SWEEP_OTHER;
            break;
        }
    }
    if (rc == TRC_SWEEP_SAME && json_object_size(a) != json_object_size(b)) {
        json_object_foreach(b, key, v)
        {
            if (!json_object_get(a, key)) {
                trc_set_err(what, whatn, "%s", key);
                break;
            }
        }
        rc = TRC_SWEEP_OTHER;
    }
    if (rc == TRC_SWEEP_SAME && !json_equal(ia, ib)) {
        /* name the first file that changed, was added or was dropped */
        rc = TRC_SWEEP_INPUTS;
        trc_set_err(what, whatn, "the list of input files");
        size_t i;
        json_t *e;
        int found = 0;
        json_array_foreach(ib, i, e)
        {
            const char *p = json_string_value(json_object_get(e, "path"));
            json_t *o = p ? input_by_path(ia, p) : NULL;
            if (p && !json_equal(o, e)) {
                trc_set_err(what, whatn, "%s", p);
                found = 1;
                break;
            }
        }
        json_array_foreach(ia, i, e)
        {
            const char *p = json_string_value(json_object_get(e, "path"));
            if (!found && p && !input_by_path(ib, p)) {
                trc_set_err(what, whatn, "%s", p);
                break;
            }
        }
    }
    json_decref(ia);
    json_decref(ib);
done:
    json_decref(a);
    json_decref(b);
    return rc;
}
