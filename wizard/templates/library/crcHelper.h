/* crcHelper.h: what the plugin's generated C calls in its hand-written helper. */
#ifndef CRC_HELPER_H
#define CRC_HELPER_H

#include <stddef.h>

/* The CRC-32 of size bytes, as zlib's crc32 computes it (0 for no bytes). */
unsigned long crcHelperChecksum(const unsigned char *bytes, size_t size);

#endif /* CRC_HELPER_H */
