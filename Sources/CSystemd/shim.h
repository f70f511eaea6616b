#ifndef FLATLINE_CSYSTEMD_SHIM_H
#define FLATLINE_CSYSTEMD_SHIM_H
#include <systemd/sd-journal.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-daemon.h>
#endif
