#ifndef EDGEMESH_CSODIUM_SHIM_H
#define EDGEMESH_CSODIUM_SHIM_H
#include <sodium.h>
#endif
