#ifndef FLATLINE_CBZIP2_SHIM_H
#define FLATLINE_CBZIP2_SHIM_H
#include <bzlib.h>
#endif
