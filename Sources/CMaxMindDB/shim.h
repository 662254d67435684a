#ifndef EDGEMESH_CMAXMINDDB_SHIM_H
#define EDGEMESH_CMAXMINDDB_SHIM_H
#include <maxminddb.h>
#endif
