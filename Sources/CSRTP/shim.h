#ifndef EDGEMESH_CSRTP_SHIM_H
#define EDGEMESH_CSRTP_SHIM_H
#include <srtp2/srtp.h>
#endif
