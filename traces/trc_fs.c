/* trc_fs.c - output directories and files made relative to one descriptor (see trc_fs.h). */
#define _GNU_SOURCE /* O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC, flock, getrandom-free mkstemp */
#include "trc_int.h"
#include "trc_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/sha256.h"
#include "base/status.h"

unsigned long trc_fs_fail_at = 0;

struct trc_dir {
    int fd;
    int locked;
    char path[]; /* for messages */
};

struct trc_file {
    trc_dir_t *dir;
    FILE *f;
    char tmp[64 + 256];
    char name[256];
};

/* 1 when the injected failure fires for this call (errno = ENOSPC). */
static int fault_now(void)
{
    if (trc_fs_fail_at == 0 || --trc_fs_fail_at != 0)
        return 0;
    errno = ENOSPC;
    return 1;
}

/* A single path component neuspin may create. */
static int name_ok(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < 256 && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static trc_dir_t *dir_new(int fd, const char *path, const char *sub)
{
    size_t n = strlen(path) + (sub ? strlen(sub) + 1 : 0);
    trc_dir_t *d = st_malloc(sizeof *d + n + 1);
    if (!d)
        return NULL;
    d->fd = fd;
    d->locked = 0;
    strcpy(d->path, path);
    if (sub) {
        size_t k = strlen(path);
        if (k && path[k - 1] != '/')
            strcat(d->path, "/");
        strcat(d->path, sub);
    }
    return d;
}

/* Opens component `name` under dirfd as a directory, never through a symlink; creates it
 * when `create`.  The descriptor, or -1 with errno set. */
static int open_sub(int dirfd, const char *name, int create)
{
    if (create && mkdirat(dirfd, name, 0777) != 0 && errno != EEXIST)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP)
        errno = ENOTDIR; /* reported below as a symlink */
    return fd;
}

int trc_dir_open(const char *path, int create, trc_dir_t **out, char *err, size_t errn)
{
    if (!path || !path[0]) {
        trc_set_err(err, errn, "output directory name is empty");
        return ST_EINVAL;
    }
    size_t n = strlen(path);
    if (n >= 4096) {
        trc_set_err(err, errn, "%.64s...: output directory name too long", path);
        return ST_EINVAL;
    }
    /* Walk the components: the parents the user named may be symlinks (their choice); the
     * directory itself may not be one, so nothing planted in its place redirects writes. */
    char *p = malloc(n + 1);
    if (!p)
        return ST_ENOMEM;
    memcpy(p, path, n + 1);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    int fd = open(p[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char *s = p;
    while (fd >= 0 && *s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        char *e = strchr(s, '/');
        int last = !e || !e[strspn(e, "/")];
        if (e)
            *e = '\0';
        int nfd;
        if (last) {
            nfd = open_sub(fd, s, create);
            if (nfd < 0) {
                struct stat st;
                int saved = errno;
                if (fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
                    trc_set_err(err, errn,
                                "%s: is a symbolic link; name the directory it points to", path);
                else if (saved == ENOTDIR)
                    trc_set_err(err, errn, "%s: not a directory", path);
                else
                    trc_set_err(err, errn, "%s: cannot %s output directory: %s", path,
                                create ? "create" : "open", strerror(saved));
                close(fd);
                free(p);
                return ST_EIO;
            }
        } else {
            if (create && mkdirat(fd, s, 0777) != 0 && errno != EEXIST)
                nfd = -1;
            else
                nfd = openat(fd, s, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (nfd < 0) {
            int saved = errno;
            trc_set_err(err, errn, "%s: cannot %s output directory: %s", path,
                        create ? "create" : "open", strerror(saved));
            close(fd);
            free(p);
            return ST_EIO;
        }
        close(fd);
        fd = nfd;
        if (!e)
            break;
        *e = '/';
        s = e + 1;
    }
    free(p);
    if (fd < 0) {
        trc_set_err(err, errn, "%s: cannot open output directory: %s", path, strerror(errno));
        return ST_EIO;
    }
    trc_dir_t *d = dir_new(fd, path, NULL);
    if (!d) {
        close(fd);
        return ST_ENOMEM;
    }
    *out = d;
    return ST_OK;
}

int trc_dir_sub(trc_dir_t *d, const char *name, int create, trc_dir_t **out, char *err, size_t errn)
{
    if (!name_ok(name)) {
        trc_set_err(err, errn, "%s: invalid directory name \"%s\"", d->path, name);
        return ST_EINVAL;
    }
    int fd = open_sub(d->fd, name, create);
    if (fd < 0) {
        int saved = errno;
        struct stat st;
        if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
            trc_set_err(err, errn, "%s/%s: is a symbolic link, not a directory neuspin made",
                        d->path, name);
        else
            trc_set_err(err, errn, "%s/%s: cannot %s: %s", d->path, name,
                        create ? "create" : "open", strerror(saved));
        return ST_EIO;
    }
    trc_dir_t *s = dir_new(fd, d->path, name);
    if (!s) {
        close(fd);
        return ST_ENOMEM;
    }
    *out = s;
    return ST_OK;
}

void trc_dir_close(trc_dir_t *d)
{
    if (!d)
        return;
    close(d->fd); /* releases the flock */
    free(d);
}

const char *trc_dir_path(const trc_dir_t *d)
{
    return d->path;
}

int trc_dir_fd(const trc_dir_t *d)
{
    return d->fd;
}

int trc_dir_lock(trc_dir_t *d, char *err, size_t errn)
{
    if (d->locked)
        return ST_OK;
    if (flock(d->fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            trc_set_err(err, errn,
                        "%s: in use by another neuspin process; wait for it to end or "
                        "use another directory",
                        d->path);
        else
            trc_set_err(err, errn, "%s: cannot lock: %s", d->path, strerror(errno));
        return ST_EIO;
    }
    d->locked = 1;
    return ST_OK;
}

/* 1 when name is ".X.SSSSSS.tmp" with a six-character suffix, as trc_file_create makes. */
static int is_our_tmp(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 + 1 + 1 + 6 + 4 || name[0] != '.' || strcmp(name + n - 4, ".tmp") != 0)
        return 0;
    return name[n - 4 - 6 - 1] == '.';
}

unsigned trc_dir_clean_tmp(trc_dir_t *d)
{
    int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return 0;
    }
    unsigned n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        struct stat st;
        if (!is_our_tmp(e->d_name) || fstatat(d->fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(d->fd, e->d_name, 0) == 0)
            n++;
    }
    closedir(dir);
    return n;
}

int trc_dir_unlink(trc_dir_t *d, const char *name, char *err, size_t errn)
{
    if (!name_ok(name)) {
        trc_set_err(err, errn, "%s: invalid file name \"%s\"", d->path, name);
        return ST_EINVAL;
    }
    if (unlinkat(d->fd, name, 0) != 0 && errno != ENOENT) {
        trc_set_err(err, errn, "%s/%s: cannot remove: %s", d->path, name, strerror(errno));
        return ST_EIO;
    }
    return ST_OK;
}

int trc_dir_sync(trc_dir_t *d)
{
    return fsync(d->fd) == 0 || errno == EINVAL || errno == EROFS ? ST_OK : ST_EIO;
}

int trc_dir_has_file(trc_dir_t *d, const char *name)
{
    struct stat st;
    return name_ok(name) && fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st.st_mode);
}

int trc_dir_read(trc_dir_t *d, const char *name, size_t max, char **buf, size_t *len, char *err,
                 size_t errn)
{
    if (!name_ok(name)) {
        trc_set_err(err, errn, "%s: invalid file name \"%s\"", d->path, name);
        return ST_EINVAL;
    }
    int fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        trc_set_err(err, errn, "%s/%s: cannot read: %s", d->path, name,
                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return ST_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        trc_set_err(err, errn, "%s/%s: cannot read: not a regular file", d->path, name);
        close(fd);
        return ST_EIO;
    }
    if ((uint64_t)st.st_size > max) {
        trc_set_err(err, errn, "%s/%s: %lld bytes, more than the %zu this file may hold", d->path,
                    name, (long long)st.st_size, max);
        close(fd);
        return ST_ERANGE;
    }
    /* Read up to max + 1 bytes (one more than allowed tells a file that grew); the buffer
     * keeps one byte for the NUL. */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    char *b = malloc(cap);
    if (!b) {
        close(fd);
        return ST_ENOMEM;
    }
    for (;;) {
        if (n > max) {
            trc_set_err(err, errn, "%s/%s: more than the %zu bytes this file may hold", d->path,
                        name, max);
            free(b);
            close(fd);
            return ST_ERANGE;
        }
        if (n + 1 == cap) {
            size_t nc = cap * 2 > max + 2 ? max + 2 : cap * 2;
            char *nb = realloc(b, nc);
            if (!nb) {
                free(b);
                close(fd);
                return ST_ENOMEM;
            }
            b = nb;
            cap = nc;
        }
        ssize_t k = read(fd, b + n, cap - 1 - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            trc_set_err(err, errn, "%s/%s: cannot read: %s", d->path, name, strerror(errno));
            free(b);
            close(fd);
            return ST_EIO;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    b[n] = '\0';
    if (memchr(b, '\0', n)) {
        trc_set_err(err, errn, "%s/%s: holds a NUL byte: not a text file neuspin wrote", d->path,
                    name);
        free(b);
        return ST_EIO;
    }
    *buf = b;
    if (len)
        *len = n;
    return ST_OK;
}

int trc_dir_create_fd(trc_dir_t *d, const char *name, int *fd, char *err, size_t errn)
{
    if (!name_ok(name)) {
        trc_set_err(err, errn, "%s: invalid file name \"%s\"", d->path, name);
        return ST_EINVAL;
    }
    int f = -1;
    if (!fault_now() && (unlinkat(d->fd, name, 0) == 0 || errno == ENOENT))
        f = openat(d->fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (f < 0) {
        trc_set_err(err, errn, "%s/%s: cannot create: %s", d->path, name, strerror(errno));
        return ST_EIO;
    }
    *fd = f;
    return ST_OK;
}

/* ---- Files written whole ---- */

/* Six characters of [A-Za-z0-9] from a counter, the pid, the clock and the address of a
 * local: unpredictable enough that a planted name is hit only by chance, and O_EXCL makes
 * a hit an error instead of a write through it. */
static void tmp_suffix(char out[7], unsigned attempt)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static uint64_t counter;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    uint64_t z = (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 32) ^ ((uint64_t)getpid() << 16) ^
                 (uint64_t)(uintptr_t)&t ^ (++counter * 0x9E3779B97F4A7C15ull) ^ attempt;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    for (int i = 0; i < 6; i++, z /= 62)
        out[i] = al[z % 62];
    out[6] = '\0';
}

int trc_file_create(trc_dir_t *d, const char *name, trc_file_t **out, char *err, size_t errn)
{
    if (!name_ok(name) || strlen(name) > 200) {
        trc_set_err(err, errn, "%s: invalid file name \"%s\"", d->path, name);
        return ST_EINVAL;
    }
    trc_file_t *f = st_calloc(1, sizeof *f);
    if (!f)
        return ST_ENOMEM;
    f->dir = d;
    strcpy(f->name, name);
    int fd = -1;
    for (unsigned attempt = 0; attempt < 16 && fd < 0; attempt++) {
        char sfx[7];
        tmp_suffix(sfx, attempt);
        snprintf(f->tmp, sizeof f->tmp, ".%s.%s.tmp", name, sfx);
        if (fault_now())
            break;
        fd = openat(d->fd, f->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0 || !(f->f = fdopen(fd, "w"))) {
        int saved = errno;
        trc_set_err(err, errn, "%s/%s: cannot create: %s", d->path, name, strerror(saved));
        if (fd >= 0) {
            close(fd);
            unlinkat(d->fd, f->tmp, 0);
        }
        free(f);
        return ST_EIO;
    }
    *out = f;
    return ST_OK;
}

FILE *trc_file_stream(trc_file_t *f)
{
    return f->f;
}

void trc_file_abort(trc_file_t *f)
{
    if (!f)
        return;
    if (f->f)
        fclose(f->f);
    unlinkat(f->dir->fd, f->tmp, 0);
    free(f);
}

int trc_file_commit(trc_file_t *f, char *err, size_t errn)
{
    int bad = fault_now();
    int saved = bad ? ENOSPC : 0;
    if (!bad && (fflush(f->f) != 0 || ferror(f->f))) {
        bad = 1;
        saved = errno ? errno : EIO;
    }
    if (!bad && fsync(fileno(f->f)) != 0 && errno != EINVAL && errno != EROFS) {
        bad = 1;
        saved = errno;
    }
    if (fclose(f->f) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    f->f = NULL;
    if (!bad && renameat(f->dir->fd, f->tmp, f->dir->fd, f->name) != 0) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        trc_set_err(err, errn, "%s/%s: cannot write: %s", f->dir->path, f->name, strerror(saved));
        trc_file_abort(f);
        return ST_EIO;
    }
    free(f);
    return ST_OK;
}

int trc_file_sha256(trc_file_t *f, char hex[65], uint64_t *bytes, char *err, size_t errn)
{
    if (fflush(f->f) != 0 || ferror(f->f)) {
        trc_set_err(err, errn, "%s/%s: cannot write: %s", f->dir->path, f->name, strerror(errno));
        return ST_EIO;
    }
    sha256_t s;
    unsigned char buf[65536], d[32];
    uint64_t off = 0;
    sha256_init(&s);
    for (;;) {
        ssize_t k = pread(fileno(f->f), buf, sizeof buf, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            trc_set_err(err, errn, "%s/%s: cannot read back: %s", f->dir->path, f->name,
                        strerror(errno));
            return ST_EIO;
        }
        if (k == 0)
            break;
        sha256_update(&s, buf, (size_t)k);
        off += (uint64_t)k;
    }
    sha256_final(&s, d);
    sha256_to_hex(d, hex);
    *bytes = off;
    return ST_OK;
}

int trc_dir_write(trc_dir_t *d, const char *name, const void *buf, size_t n, char *err, size_t errn)
{
    trc_file_t *f;
    int rc = trc_file_create(d, name, &f, err, errn);
    if (rc != ST_OK)
        return rc;
    if (n && fwrite(buf, 1, n, f->f) != n) {
        trc_set_err(err, errn, "%s/%s: cannot write: %s", d->path, name, strerror(errno));
        trc_file_abort(f);
        return ST_EIO;
    }
    return trc_file_commit(f, err, errn);
}
