#ifndef FLATLINE_CSYSTEMD_SHIM_H
#define FLATLINE_CSYSTEMD_SHIM_H
#include <stdlib.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-daemon.h>

/* The sd-journal calls Flatline makes, as one table per loaded copy of libsystemd.
 *
 * Every public sd-journal call first checks that the process has not forked: in libsystemd 252 that check is an
 * atomic compare-and-swap on one process-wide variable (getpid_cached), so threads reading journals at the same time
 * fight over its cache line; with two threads a third of their time went there. A second copy of libsystemd, loaded
 * with dlmopen into its own link-map namespace, has its own variable: a thread that reads through that copy does not
 * contend with the first. A journal handle must only ever be used with the table that opened it, and memory that
 * copy allocates (cursors) is freed with that copy's free(). */
typedef struct flatline_journal_api {
  int (*_Nonnull open_files)(sd_journal *_Nullable *_Nonnull, const char *_Nullable *_Nonnull, int);
  int (*_Nonnull open_directory)(sd_journal *_Nullable *_Nonnull, const char *_Nonnull, int);
  int (*_Nonnull open)(sd_journal *_Nullable *_Nonnull, int);
  void (*_Nonnull close)(sd_journal *_Nonnull);
  int (*_Nonnull get_fd)(sd_journal *_Nonnull);
  int (*_Nonnull process)(sd_journal *_Nonnull);
  int (*_Nonnull next)(sd_journal *_Nonnull);
  int (*_Nonnull previous)(sd_journal *_Nonnull);
  int (*_Nonnull next_skip)(sd_journal *_Nonnull, uint64_t);
  int (*_Nonnull seek_head)(sd_journal *_Nonnull);
  int (*_Nonnull seek_tail)(sd_journal *_Nonnull);
  int (*_Nonnull seek_monotonic_usec)(sd_journal *_Nonnull, sd_id128_t, uint64_t);
  int (*_Nonnull seek_realtime_usec)(sd_journal *_Nonnull, uint64_t);
  int (*_Nonnull seek_cursor)(sd_journal *_Nonnull, const char *_Nonnull);
  int (*_Nonnull get_cursor)(sd_journal *_Nonnull, char *_Nullable *_Nonnull);
  int (*_Nonnull add_match)(sd_journal *_Nonnull, const void *_Nullable, size_t);
  void (*_Nonnull flush_matches)(sd_journal *_Nonnull);
  int (*_Nonnull set_data_threshold)(sd_journal *_Nonnull, size_t);
  int (*_Nonnull get_realtime_usec)(sd_journal *_Nonnull, uint64_t *_Nonnull);
  int (*_Nonnull get_monotonic_usec)(sd_journal *_Nonnull, uint64_t *_Nonnull, sd_id128_t *_Nullable);
  void (*_Nonnull restart_data)(sd_journal *_Nonnull);
  int (*_Nonnull enumerate_data)(sd_journal *_Nonnull, const void *_Nullable *_Nonnull, size_t *_Nonnull);
  int (*_Nonnull enumerate_available_data)(
    sd_journal *_Nonnull, const void *_Nullable *_Nonnull, size_t *_Nonnull);
  int (*_Nonnull get_data)(sd_journal *_Nonnull, const char *_Nonnull, const void *_Nullable *_Nonnull,
    size_t *_Nonnull);
  int (*_Nonnull query_unique)(sd_journal *_Nonnull, const char *_Nonnull);
  void (*_Nonnull restart_unique)(sd_journal *_Nonnull);
  int (*_Nonnull enumerate_available_unique)(
    sd_journal *_Nonnull, const void *_Nullable *_Nonnull, size_t *_Nonnull);
  /* The free() of the C library this copy of libsystemd uses. */
  void (*_Nonnull free)(void *_Nullable);
} flatline_journal_api;

/* Each sd-journal call of the table: its field and its symbol. One list for both ways of filling a table, so that
 * neither can leave a field unset. */
#define FLATLINE_JOURNAL_CALLS(X)                                                                                     \
  X(open_files, sd_journal_open_files)                                                                                \
  X(open_directory, sd_journal_open_directory)                                                                        \
  X(open, sd_journal_open)                                                                                            \
  X(close, sd_journal_close)                                                                                          \
  X(get_fd, sd_journal_get_fd)                                                                                        \
  X(process, sd_journal_process)                                                                                      \
  X(next, sd_journal_next)                                                                                            \
  X(previous, sd_journal_previous)                                                                                    \
  X(next_skip, sd_journal_next_skip)                                                                                  \
  X(seek_head, sd_journal_seek_head)                                                                                  \
  X(seek_tail, sd_journal_seek_tail)                                                                                  \
  X(seek_monotonic_usec, sd_journal_seek_monotonic_usec)                                                              \
  X(seek_realtime_usec, sd_journal_seek_realtime_usec)                                                                \
  X(seek_cursor, sd_journal_seek_cursor)                                                                              \
  X(get_cursor, sd_journal_get_cursor)                                                                                \
  X(add_match, sd_journal_add_match)                                                                                  \
  X(flush_matches, sd_journal_flush_matches)                                                                          \
  X(set_data_threshold, sd_journal_set_data_threshold)                                                                \
  X(get_realtime_usec, sd_journal_get_realtime_usec)                                                                  \
  X(get_monotonic_usec, sd_journal_get_monotonic_usec)                                                                \
  X(restart_data, sd_journal_restart_data)                                                                            \
  X(enumerate_data, sd_journal_enumerate_data)                                                                        \
  X(enumerate_available_data, sd_journal_enumerate_available_data)                                                    \
  X(get_data, sd_journal_get_data)                                                                                    \
  X(query_unique, sd_journal_query_unique)                                                                            \
  X(restart_unique, sd_journal_restart_unique)                                                                        \
  X(enumerate_available_unique, sd_journal_enumerate_available_unique)                                                \
  X(free, free)

/* The table of the libsystemd Flatline is linked with. Never freed. */
static inline const flatline_journal_api *_Nullable flatline_journal_api_linked(void) {
  flatline_journal_api *a = (flatline_journal_api *)malloc(sizeof(flatline_journal_api));
  if (!a) return 0;
#define FLATLINE_SET_LINKED(field, symbol) a->field = symbol;
  FLATLINE_JOURNAL_CALLS(FLATLINE_SET_LINKED)
#undef FLATLINE_SET_LINKED
  return a;
}

/* glibc's dlmopen and dlsym, declared here so that the header needs no _GNU_SOURCE (LM_ID_NEWLM is -1). */
extern void *_Nullable dlmopen(long int lmid, const char *_Nullable file, int mode);
extern void *_Nullable dlsym(void *_Nullable handle, const char *_Nonnull name);

/* A table of another copy of libsystemd, loaded into a new link-map namespace (dlmopen(LM_ID_NEWLM)), or NULL when
 * the copy cannot be loaded or lacks a call (the caller then uses the linked copy). `library` is the soname, e.g.
 * "libsystemd.so.0". Never unloaded. `free` is found through the copy's own dependencies: the free() of the C
 * library loaded with it. */
static inline const flatline_journal_api *_Nullable flatline_journal_api_isolated(const char *_Nonnull library) {
  void *h = dlmopen(-1, library, 2 /* RTLD_NOW */);
  if (!h) return 0;
  flatline_journal_api *a = (flatline_journal_api *)malloc(sizeof(flatline_journal_api));
  if (!a) return 0;
#define FLATLINE_DLSYM(field, symbol)                                                                                 \
  {                                                                                                                   \
    void *p = dlsym(h, #symbol);                                                                                      \
    if (!p) {                                                                                                         \
      free(a);                                                                                                        \
      return 0;                                                                                                       \
    }                                                                                                                 \
    *(void **)&a->field = p;                                                                                          \
  }
  FLATLINE_JOURNAL_CALLS(FLATLINE_DLSYM)
  return a;
}

#undef FLATLINE_DLSYM
#undef FLATLINE_JOURNAL_CALLS
#endif
