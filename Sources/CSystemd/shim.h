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

/* The table of the libsystemd Flatline is linked with. Never freed. */
static inline const flatline_journal_api *_Nullable flatline_journal_api_linked(void) {
  flatline_journal_api *a = (flatline_journal_api *)malloc(sizeof(flatline_journal_api));
  if (!a) return 0;
  a->open_files = sd_journal_open_files;
  a->open_directory = sd_journal_open_directory;
  a->open = sd_journal_open;
  a->close = sd_journal_close;
  a->get_fd = sd_journal_get_fd;
  a->process = sd_journal_process;
  a->next = sd_journal_next;
  a->previous = sd_journal_previous;
  a->next_skip = sd_journal_next_skip;
  a->seek_head = sd_journal_seek_head;
  a->seek_tail = sd_journal_seek_tail;
  a->seek_monotonic_usec = sd_journal_seek_monotonic_usec;
  a->seek_cursor = sd_journal_seek_cursor;
  a->get_cursor = sd_journal_get_cursor;
  a->add_match = sd_journal_add_match;
  a->flush_matches = sd_journal_flush_matches;
  a->set_data_threshold = sd_journal_set_data_threshold;
  a->get_realtime_usec = sd_journal_get_realtime_usec;
  a->get_monotonic_usec = sd_journal_get_monotonic_usec;
  a->restart_data = sd_journal_restart_data;
  a->enumerate_data = sd_journal_enumerate_data;
  a->enumerate_available_data = sd_journal_enumerate_available_data;
  a->get_data = sd_journal_get_data;
  a->query_unique = sd_journal_query_unique;
  a->restart_unique = sd_journal_restart_unique;
  a->enumerate_available_unique = sd_journal_enumerate_available_unique;
  a->free = free;
  return a;
}

/* glibc's dlmopen and dlsym, declared here so that the header needs no _GNU_SOURCE (LM_ID_NEWLM is -1). */
extern void *_Nullable dlmopen(long int lmid, const char *_Nullable file, int mode);
extern void *_Nullable dlsym(void *_Nullable handle, const char *_Nonnull name);

#define FLATLINE_DLSYM(field, name)                                                                                   \
  do {                                                                                                                \
    void *p = dlsym(h, name);                                                                                         \
    if (!p) {                                                                                                         \
      free(a);                                                                                                        \
      return 0;                                                                                                       \
    }                                                                                                                 \
    *(void **)&a->field = p;                                                                                          \
  } while (0)

/* A table of another copy of libsystemd, loaded into a new link-map namespace (dlmopen(LM_ID_NEWLM)), or NULL when
 * the copy cannot be loaded or lacks a call (the caller then uses the linked copy). `library` is the soname, e.g.
 * "libsystemd.so.0". Never unloaded. */
static inline const flatline_journal_api *_Nullable flatline_journal_api_isolated(const char *_Nonnull library) {
  void *h = dlmopen(-1, library, 2 /* RTLD_NOW */);
  if (!h) return 0;
  flatline_journal_api *a = (flatline_journal_api *)malloc(sizeof(flatline_journal_api));
  if (!a) return 0;
  FLATLINE_DLSYM(open_files, "sd_journal_open_files");
  FLATLINE_DLSYM(open_directory, "sd_journal_open_directory");
  FLATLINE_DLSYM(open, "sd_journal_open");
  FLATLINE_DLSYM(close, "sd_journal_close");
  FLATLINE_DLSYM(get_fd, "sd_journal_get_fd");
  FLATLINE_DLSYM(process, "sd_journal_process");
  FLATLINE_DLSYM(next, "sd_journal_next");
  FLATLINE_DLSYM(previous, "sd_journal_previous");
  FLATLINE_DLSYM(next_skip, "sd_journal_next_skip");
  FLATLINE_DLSYM(seek_head, "sd_journal_seek_head");
  FLATLINE_DLSYM(seek_tail, "sd_journal_seek_tail");
  FLATLINE_DLSYM(seek_monotonic_usec, "sd_journal_seek_monotonic_usec");
  FLATLINE_DLSYM(seek_cursor, "sd_journal_seek_cursor");
  FLATLINE_DLSYM(get_cursor, "sd_journal_get_cursor");
  FLATLINE_DLSYM(add_match, "sd_journal_add_match");
  FLATLINE_DLSYM(flush_matches, "sd_journal_flush_matches");
  FLATLINE_DLSYM(set_data_threshold, "sd_journal_set_data_threshold");
  FLATLINE_DLSYM(get_realtime_usec, "sd_journal_get_realtime_usec");
  FLATLINE_DLSYM(get_monotonic_usec, "sd_journal_get_monotonic_usec");
  FLATLINE_DLSYM(restart_data, "sd_journal_restart_data");
  FLATLINE_DLSYM(enumerate_data, "sd_journal_enumerate_data");
  FLATLINE_DLSYM(enumerate_available_data, "sd_journal_enumerate_available_data");
  FLATLINE_DLSYM(get_data, "sd_journal_get_data");
  FLATLINE_DLSYM(query_unique, "sd_journal_query_unique");
  FLATLINE_DLSYM(restart_unique, "sd_journal_restart_unique");
  FLATLINE_DLSYM(enumerate_available_unique, "sd_journal_enumerate_available_unique");
  /* Found through the copy's own dependencies: the free() of the C library loaded with it. */
  FLATLINE_DLSYM(free, "free");
  return a;
}

#undef FLATLINE_DLSYM
#endif
