// What needs _GNU_SOURCE lives here, so that CNetKit.h stays compatible with Swift's Glibc module.
#define _GNU_SOURCE 1
#include <sched.h>
#include <pthread.h>
#include <sys/socket.h>
#include "CNetKit.h"

int nk_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags) {
    return accept4(fd, addr, addrlen, flags);
}

int nk_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return CPU_COUNT(&set);
}

int nk_get_peercred(int fd, nk_ucred *out) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    int rc = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
    if (rc == 0) { out->pid = cred.pid; out->uid = cred.uid; out->gid = cred.gid; }
    return rc;
}

int nk_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
