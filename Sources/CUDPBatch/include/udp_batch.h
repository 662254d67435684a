#ifndef EDGEMESH_UDP_BATCH_H
#define EDGEMESH_UDP_BATCH_H

#include <sys/socket.h>

/// Layout of Linux's `struct mmsghdr`, which glibc declares only under
/// _GNU_SOURCE (and so Swift's Glibc module does not see it).
struct edgemesh_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// `sendmmsg(2)` without flags. Returns the number of messages sent, or -1
/// with errno set when the first one failed. Where the system has no
/// sendmmsg, one `sendmsg` per message with the same semantics.
int edgemesh_sendmmsg(int fd, struct edgemesh_mmsghdr *messages, unsigned int count);

#endif
