/* version.h - neuspin's version, stamped at build time (not at configure time).
 *
 * The definitions live in a C file that sim/version.cmake generates at every build from
 * `git describe --always --dirty --tags` of the source tree, rewriting it only when the
 * text changes; so a commit or an edit after cmake last ran still shows in `neuspin
 * --version` and in every run.json, without re-running cmake. */
#ifndef NS_SIM_VERSION_H
#define NS_SIM_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

/* The project version of CMakeLists.txt's project(), e.g. "0.1.0"; never NULL. */
const char *sim_version(void);

/* `git describe --always --dirty --tags` of the source tree at the last build, e.g.
 * "v0.1.0-12-gd4a6c66-dirty", or "unknown" when the source is not a git checkout (a
 * tarball) or git is missing; never NULL. */
const char *sim_version_describe(void);

/* Both as one line, "<version> (<describe>)": what `neuspin --version` prints after
 * "neuspin " and what run.json and sweep.json record as "version"; never NULL. */
const char *sim_version_text(void);

#ifdef __cplusplus
}
#endif
#endif
