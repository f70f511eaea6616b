#ifndef FLATLINE_CSQLITE_SHIM_H
#define FLATLINE_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
