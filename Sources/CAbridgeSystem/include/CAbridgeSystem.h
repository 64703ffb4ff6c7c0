// Small wrappers around Linux system calls Swift cannot call directly (variadic `syscall`).
#ifndef CABRIDGE_SYSTEM_H
#define CABRIDGE_SYSTEM_H
#include <stdint.h>

/// openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS and
/// O_RDONLY | O_CLOEXEC | O_NOFOLLOW. Returns the descriptor, or -1 with errno set
/// (ENOSYS when the kernel is older than 5.6).
int abridge_open_beneath(int dirfd, const char *path);

#endif
