#ifndef EDGEMESH_CMAXMINDDB_SHIM_H
#define EDGEMESH_CMAXMINDDB_SHIM_H
#include <maxminddb.h>
/*
 * MMDB_get_value() is variadic and cannot be called from Swift: GeoRouting uses
 * MMDB_aget_value() with a NULL-terminated array of path components instead,
 * and MMDB_lookup_sockaddr() after a strict inet_pton() parse rather than
 * MMDB_lookup_string() (whose getaddrinfo accepts forms like "127.1").
 */
#endif
