#ifndef FLATLINE_CLZMA_SHIM_H
#define FLATLINE_CLZMA_SHIM_H
#include <lzma.h>
/* LZMA_CONCATENATED is a macro of UINT32_C(); Swift cannot import it. */
static inline lzma_ret flatline_lzma_stream_decoder(lzma_stream *strm) {
  return lzma_stream_decoder(strm, UINT64_MAX, LZMA_CONCATENATED);
}
#endif
