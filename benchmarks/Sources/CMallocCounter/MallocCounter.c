// Counts heap allocations by interposing the allocator entry points. The
// executable exports these symbols (--export-dynamic), so libc and the Swift
// runtime call them; each forwards to the next definition found with
// dlsym(RTLD_NEXT, ...). dlsym may itself allocate before the real functions
// are known, so those first requests are served from a small static arena.
#define _GNU_SOURCE
#include "CMallocCounter.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

static _Atomic uint64_t counter;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

static _Alignas(16) char arena[8192];
static size_t arena_used;
static int resolving;

static void *arena_alloc(size_t size) {
    size_t rounded = (size + 15) & ~(size_t)15;
    if (rounded < size || arena_used + rounded > sizeof arena) return NULL;
    void *p = arena + arena_used;
    arena_used += rounded;
    return p;  // static storage: already zero
}

static int in_arena(const void *p) {
    return (const char *)p >= arena && (const char *)p < arena + sizeof arena;
}

static void resolve(void) {
    if (real_free || resolving) return;
    resolving = 1;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_free = dlsym(RTLD_NEXT, "free");
    resolving = 0;
}

static inline void count(void) { atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed); }

uint64_t malloc_counter_allocations(void) { return atomic_load_explicit(&counter, memory_order_relaxed); }

void *malloc(size_t size) {
    resolve();
    if (!real_malloc) return arena_alloc(size);
    count();
    return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
    resolve();
    if (!real_calloc) {
        if (size != 0 && n > (size_t)-1 / size) return NULL;
        return arena_alloc(n * size);
    }
    count();
    return real_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    resolve();
    if (in_arena(p) || !real_realloc) {
        void *q = malloc(size);
        if (q && p) {
            size_t available = (size_t)(arena + sizeof arena - (char *)p);
            memcpy(q, p, size < available ? size : available);
        }
        return q;
    }
    count();
    return real_realloc(p, size);
}

void free(void *p) {
    if (p == NULL || in_arena(p)) return;
    resolve();
    if (real_free) real_free(p);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    resolve();
    if (!real_posix_memalign) return ENOMEM;
    count();
    return real_posix_memalign(out, alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    resolve();
    if (!real_aligned_alloc) return NULL;
    count();
    return real_aligned_alloc(alignment, size);
}
