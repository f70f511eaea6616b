#ifndef FLATLINE_CLINUX_SHIM_H
#define FLATLINE_CLINUX_SHIM_H
// Linux event APIs used by `flatline tail` (not all exported by Swift's Glibc module).
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#endif
