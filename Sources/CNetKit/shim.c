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

__thread void *nk_tls_current_loop __attribute__((tls_model("initial-exec"))) = 0;

int nk_set_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}

// MARK: - zero copy

#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <time.h>

/// Blocks SIGPIPE for the calling thread around a call that may raise it; a SIGPIPE the call raised (it reports
/// EPIPE) is consumed before the old mask comes back, one that was already pending is left alone.
typedef struct { sigset_t old; int was_pending; } nk_sigpipe_guard;

static void nk_sigpipe_block(nk_sigpipe_guard *g) {
    sigset_t pipe_set, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigpending(&pending);
    g->was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old);
}

static void nk_sigpipe_restore(nk_sigpipe_guard *g, int raised) {
    if (raised && !g->was_pending && !sigismember(&g->old, SIGPIPE)) {
        sigset_t pipe_set;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        struct timespec zero = { 0, 0 };
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR) {}
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

ssize_t nk_sendfile(int out_fd, int in_fd, size_t count) {
    nk_sigpipe_guard g;
    nk_sigpipe_block(&g);
    ssize_t n = sendfile(out_fd, in_fd, NULL, count);
    int saved = errno;
    nk_sigpipe_restore(&g, n < 0 && saved == EPIPE);
    errno = saved;
    return n;
}

ssize_t nk_splice(int fd_in, int fd_out, size_t len, unsigned int flags, int no_sigpipe) {
    if (!no_sigpipe) return splice(fd_in, NULL, fd_out, NULL, len, flags);
    nk_sigpipe_guard g;
    nk_sigpipe_block(&g);
    ssize_t n = splice(fd_in, NULL, fd_out, NULL, len, flags);
    int saved = errno;
    nk_sigpipe_restore(&g, n < 0 && saved == EPIPE);
    errno = saved;
    return n;
}

int nk_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags);
}
