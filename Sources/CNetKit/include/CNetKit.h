// CNetKit: the few Linux facilities that Glibc does not export to Swift.
// epoll (its event struct is packed, so it is read through accessors), eventfd,
// accept4, the CMSG_* macros, and a handful of constants Swift sees as enums.
#ifndef CNETKIT_H
#define CNETKIT_H

// No _GNU_SOURCE here: the header is imported into Swift next to Glibc, and GNU-only declarations
// (accept4, struct ucred, sched_getaffinity) would make the two module maps disagree. What needs
// _GNU_SOURCE is implemented in shim.c and declared here with plain types.

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

// MARK: - Constants (Swift imports the socket types as an enum; these are plain ints)

static const int NK_SOCK_STREAM = SOCK_STREAM;
static const int NK_SOCK_DGRAM = SOCK_DGRAM;
static const int NK_SOCK_SEQPACKET = SOCK_SEQPACKET;
static const int NK_SOCK_RAW = SOCK_RAW;
static const int NK_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int NK_SOCK_CLOEXEC = SOCK_CLOEXEC;
static const int NK_MSG_NOSIGNAL = MSG_NOSIGNAL;
static const int NK_MSG_TRUNC = MSG_TRUNC;
static const int NK_MSG_CTRUNC = MSG_CTRUNC;
static const int NK_MSG_PEEK = MSG_PEEK;
static const int NK_MSG_DONTWAIT = MSG_DONTWAIT;
static const int NK_MSG_WAITALL = MSG_WAITALL;
static const int NK_MSG_CMSG_CLOEXEC = MSG_CMSG_CLOEXEC;
static const int NK_SCM_RIGHTS = SCM_RIGHTS;
static const int NK_SCM_CREDENTIALS = 2; // SCM_CREDENTIALS needs _GNU_SOURCE; its value is 2 on Linux
static const int NK_SO_PEERCRED = SO_PEERCRED;

static const uint32_t NK_EPOLLIN = EPOLLIN;
static const uint32_t NK_EPOLLOUT = EPOLLOUT;
static const uint32_t NK_EPOLLERR = EPOLLERR;
static const uint32_t NK_EPOLLHUP = EPOLLHUP;
static const uint32_t NK_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t NK_EPOLLPRI = EPOLLPRI;
static const uint32_t NK_EPOLLET = EPOLLET;
static const uint32_t NK_EPOLLONESHOT = EPOLLONESHOT;
static const int NK_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int NK_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int NK_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
static const int NK_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int NK_EFD_CLOEXEC = EFD_CLOEXEC;
static const int NK_EFD_NONBLOCK = EFD_NONBLOCK;

// MARK: - epoll

/// An opaque, correctly sized and aligned array of `struct epoll_event`.
typedef struct epoll_event nk_epoll_event;

static inline int nk_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static inline int nk_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

static inline int nk_epoll_wait(int epfd, nk_epoll_event *events, int maxevents, int timeout_ms) {
    return epoll_wait(epfd, events, maxevents, timeout_ms);
}

static inline size_t nk_epoll_event_size(void) { return sizeof(struct epoll_event); }
static inline uint32_t nk_epoll_event_events(const nk_epoll_event *events, int index) { return events[index].events; }
static inline uint64_t nk_epoll_event_data(const nk_epoll_event *events, int index) { return events[index].data.u64; }

// MARK: - eventfd

static inline int nk_eventfd(unsigned int initval, int flags) { return eventfd(initval, flags); }

// MARK: - sockets

/// accept4(2).
int nk_accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);

/// Names the calling thread (at most 15 characters are kept).
int nk_set_thread_name(const char *name);

/// The event loop whose thread is the calling thread (NULL on other threads). Thread-local, initial-exec
/// model: NetKit is linked into the program, so reading it is one load, not a `__tls_get_addr` call.
extern __thread void *nk_tls_current_loop __attribute__((tls_model("initial-exec")));
static inline void *nk_current_loop(void) { return nk_tls_current_loop; }
static inline void nk_set_current_loop(void *loop) { nk_tls_current_loop = loop; }

/// The number of CPUs this process may run on (sched_getaffinity), or 0 if unknown.
int nk_cpu_count(void);

// MARK: - control messages (macros in C)

static inline size_t nk_cmsg_space(size_t len) { return CMSG_SPACE(len); }
static inline size_t nk_cmsg_len(size_t len) { return CMSG_LEN(len); }
static inline struct cmsghdr *nk_cmsg_firsthdr(struct msghdr *msg) { return CMSG_FIRSTHDR(msg); }
static inline struct cmsghdr *nk_cmsg_nxthdr(struct msghdr *msg, struct cmsghdr *cmsg) { return CMSG_NXTHDR(msg, cmsg); }
static inline unsigned char *nk_cmsg_data(struct cmsghdr *cmsg) { return CMSG_DATA(cmsg); }

// MARK: - peer credentials

typedef struct nk_ucred { int32_t pid; uint32_t uid; uint32_t gid; } nk_ucred;

/// getsockopt(SO_PEERCRED).
int nk_get_peercred(int fd, nk_ucred *out);

// MARK: - errno

static inline int nk_errno(void) { return errno; }
static inline void nk_set_errno(int value) { errno = value; }

// MARK: - zero copy (sendfile, splice, pipe2; implemented in shim.c, which has _GNU_SOURCE)

static const unsigned int NK_SPLICE_F_MOVE = 1;
static const unsigned int NK_SPLICE_F_NONBLOCK = 2;

/// sendfile(2) from the current offset of `in_fd` (which it advances) to `out_fd`, with SIGPIPE blocked for the
/// call: a socket whose peer is gone reports EPIPE instead of killing the process (sockets get MSG_NOSIGNAL;
/// sendfile has no such flag).
ssize_t nk_sendfile(int out_fd, int in_fd, size_t count);

/// splice(2) between two descriptors without offsets (one of them a pipe). With `no_sigpipe`, SIGPIPE is blocked
/// for the call as in `nk_sendfile` (for splices into a socket).
ssize_t nk_splice(int fd_in, int fd_out, size_t len, unsigned int flags, int no_sigpipe);

/// pipe2(2).
int nk_pipe2(int fds[2], int flags);

#endif
