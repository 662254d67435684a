#ifdef __linux__
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include "udp_batch.h"

#ifdef __linux__
_Static_assert(sizeof(struct edgemesh_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(struct edgemesh_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");

int edgemesh_sendmmsg(int fd, struct edgemesh_mmsghdr *messages, unsigned int count) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, 0);
}
#else
int edgemesh_sendmmsg(int fd, struct edgemesh_mmsghdr *messages, unsigned int count) {
    unsigned int sent = 0;
    for (; sent < count; sent++) {
        ssize_t n = sendmsg(fd, &messages[sent].msg_hdr, 0);
        if (n < 0) return sent > 0 ? (int)sent : -1;
        messages[sent].msg_len = (unsigned int)n;
    }
    return (int)sent;
}
#endif
