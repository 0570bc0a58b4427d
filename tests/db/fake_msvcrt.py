"""`msvcrt.locking` for tests on POSIX: exclusive byte ranges through fcntl record locks.

Like Windows' LockFile, a range locked by another process cannot be locked; the lock
module never locks a byte it already holds, which is where the two would differ.
"""

import fcntl
import os

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4


def locking(fd: int, mode: int, nbytes: int) -> None:
    position = os.lseek(fd, 0, os.SEEK_CUR)
    if mode == LK_UNLCK:
        fcntl.lockf(fd, fcntl.LOCK_UN, nbytes, position, os.SEEK_SET)
        return
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, nbytes, position, os.SEEK_SET)
    except OSError as exc:
        raise PermissionError(13, "Permission denied") from exc  # what Windows raises
