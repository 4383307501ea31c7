/* crcHelper.c: the plugin's hand-written C. It calls zlib, which the profile's
 * link: {libraries: [z]} makes the plugin's library link. */
#include <zlib.h>

#include "crcHelper.h"

unsigned long crcHelperChecksum(const unsigned char *bytes, size_t size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt chunk = size > 0x40000000u ? 0x40000000u : (uInt) size;
        crc = crc32(crc, bytes, chunk);
        bytes += chunk;
        size -= chunk;
    }
    return crc;
}
