#ifndef EDGEMESH_CHIREDIS_SHIM_H
#define EDGEMESH_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/// `redisContext.errstr` is a fixed `char[128]`, which Swift imports as a tuple;
/// this returns it as a C string.
static inline const char *edgemesh_redis_errstr(const redisContext *c) {
    return c->errstr;
}

/// The socket of a connected context (for poll(2) and shutdown(2)).
static inline int edgemesh_redis_fd(const redisContext *c) {
    return c->fd;
}

/// The protocol reader of a context, for replies already buffered.
static inline redisReader *edgemesh_redis_reader(const redisContext *c) {
    return c->reader;
}

/// The calling thread's errno (read right after a failed hiredis call).
static inline int edgemesh_errno(void) {
    return errno;
}

/// Clears the calling thread's errno before a hiredis call.
static inline void edgemesh_clear_errno(void) {
    errno = 0;
}

/// Creates a pipe whose ends are non-blocking and close-on-exec (a wake-up
/// channel for a thread sleeping in poll(2)). Returns 0 or -1 with errno.
static inline int edgemesh_wake_pipe(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        int flags = fcntl(fds[i], F_GETFL);
        if (flags < 0 || fcntl(fds[i], F_SETFL, flags | O_NONBLOCK) != 0 ||
            fcntl(fds[i], F_SETFD, FD_CLOEXEC) != 0) {
            close(fds[0]);
            close(fds[1]);
            return -1;
        }
    }
    return 0;
}
#endif
