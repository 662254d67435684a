#ifndef CMALLOC_COUNTER_H
#define CMALLOC_COUNTER_H

#include <stdint.h>

/// Number of malloc, calloc, realloc, posix_memalign and aligned_alloc calls
/// made by the process so far (all threads).
uint64_t malloc_counter_allocations(void);

#endif
