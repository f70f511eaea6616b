#ifndef FLATLINE_CZLIB_SHIM_H
#define FLATLINE_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2 is a macro; Swift cannot import it. */
static inline int flatline_inflateInit2(z_stream *strm, int windowBits) {
  return inflateInit2_(strm, windowBits, ZLIB_VERSION, (int)sizeof(z_stream));
}
#endif
