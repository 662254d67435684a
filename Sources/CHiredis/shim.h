#ifndef EDGEMESH_CHIREDIS_SHIM_H
#define EDGEMESH_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
