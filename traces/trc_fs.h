/* trc_fs.h - output files made where they belong and nowhere else (docs/security.md).
 *
 * An output directory is opened once (trc_dir_open: created with its parents when asked,
 * the last component never a symbolic link) and every file is then made relative to its
 * descriptor with openat: files that must appear whole go to a temporary name
 * ".NAME.XXXXXX.tmp" (random suffix, O_CREAT|O_EXCL|O_NOFOLLOW) and are renamed into place
 * after fflush and fsync (trc_file_*); files a child writes are created fresh (an existing
 * entry of that name, a planted symlink included, is removed first, then O_EXCL).  A
 * directory may be locked (flock, advisory, held until trc_dir_close) so that two neuspin
 * processes never write one directory.  Names are single path components: no '/', not
 * "", "." or "..".
 *
 * Every function returns ST_OK or a negative ST_E* code and, on failure, writes a one-line
 * reason that names the path and the system's error into err (errn bytes; err may be NULL).
 * The fault hook trc_fs_fail_at makes the Nth write-side call fail with ENOSPC (tests). */
#ifndef NS_TRC_FS_H
#define NS_TRC_FS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trc_dir trc_dir_t;   /* opaque: directory descriptor, its path, its lock */
typedef struct trc_file trc_file_t; /* opaque: a file being written under a temporary name */

/* ---- Directories ---- */
/* Opens the directory `path` (created, with missing parents, when `create`).  Refuses an
 * empty path (ST_EINVAL, "output directory name is empty") and a path whose last component
 * is a symbolic link or not a directory (ST_EIO).  *out untouched on error. */
int trc_dir_open(const char *path, int create, trc_dir_t **out, char *err, size_t errn);

/* Opens (creating when `create`) the subdirectory `name` of d, never through a symlink. */
int trc_dir_sub(trc_dir_t *d, const char *name, int create, trc_dir_t **out, char *err,
                size_t errn);

void trc_dir_close(trc_dir_t *d); /* releases the lock; NULL is a no-op */

const char *trc_dir_path(const trc_dir_t *d); /* as given to trc_dir_open (+ "/name"...) */
int trc_dir_fd(const trc_dir_t *d);

/* Takes an exclusive advisory lock on d without waiting.  ST_OK; ST_EIO with "DIR is in
 * use by another neuspin process (pid N)" when another process holds it. */
int trc_dir_lock(trc_dir_t *d, char *err, size_t errn);

/* Removes the temporary files a killed writer left in d (regular files named
 * ".*.XXXXXX.tmp" as trc_file_create makes them; nothing else).  Returns how many. */
unsigned trc_dir_clean_tmp(trc_dir_t *d);

/* Removes the entry `name` of d (a file or a symlink, never followed).  ST_OK also when it
 * did not exist. */
int trc_dir_unlink(trc_dir_t *d, const char *name, char *err, size_t errn);

/* fsyncs the directory, so that renames in it reach the disk. */
int trc_dir_sync(trc_dir_t *d);

/* 1 when d holds an entry `name` that is a regular file (not following a symlink). */
int trc_dir_has_file(trc_dir_t *d, const char *name);

/* Reads the regular file `name` of d (never through a symlink) into a malloc'd,
 * NUL-terminated buffer; refuses files larger than max bytes (ST_ERANGE).  A file that
 * holds a NUL byte is refused as well (ST_EIO), so text readers see the whole file. */
int trc_dir_read(trc_dir_t *d, const char *name, size_t max, char **buf, size_t *len, char *err,
                 size_t errn);

/* Creates `name` fresh for a writer that is not neuspin (a child's stdout or stderr): an
 * existing entry is removed first, then O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0666 &
 * ~umask.  *fd is the open descriptor (the caller closes it). */
int trc_dir_create_fd(trc_dir_t *d, const char *name, int *fd, char *err, size_t errn);

/* ---- Files written whole ---- */
/* Starts `name` in d under a temporary name.  *out untouched on error. */
int trc_file_create(trc_dir_t *d, const char *name, trc_file_t **out, char *err, size_t errn);

FILE *trc_file_stream(trc_file_t *f); /* where to write */

/* Flushes, fsyncs, closes and renames the file into place (replacing an older one; a
 * symlink of that name is replaced, never followed).  Frees f either way; on failure the
 * temporary is removed and nothing is left under the final name that was not there. */
int trc_file_commit(trc_file_t *f, char *err, size_t errn);

void trc_file_abort(trc_file_t *f); /* closes, removes the temporary; NULL is a no-op */

/* Flushes f and hashes what it holds so far: its size in bytes and SHA-256 (64 hex digits
 * and a NUL), for a manifest that names its files by content. */
int trc_file_sha256(trc_file_t *f, char hex[65], uint64_t *bytes, char *err, size_t errn);

/* trc_file_create + fwrite + trc_file_commit. */
int trc_dir_write(trc_dir_t *d, const char *name, const void *buf, size_t n, char *err,
                  size_t errn);

/* ---- Test hooks ---- */
/* When set to N > 0, the Nth write-side call from now (file create, write commit, create_fd)
 * fails with ENOSPC and the counter stops.  0 disables it. */
extern unsigned long trc_fs_fail_at;

#ifdef __cplusplus
}
#endif
#endif
