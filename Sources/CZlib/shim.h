#ifndef BILLABLE_CZLIB_SHIM_H
#define BILLABLE_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro; Swift cannot call it directly.
static inline int billable_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 32);  // 15-bit window, +32: detect gzip or zlib headers
}
#endif
