"""One wording for operating-system errors, for every one-line message (CLI, exports, imports)."""

from __future__ import annotations

import errno

_PROBLEMS = {
    errno.ENOSPC: "disk full (no space left on device)", errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied", errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "file name too long", errno.EISDIR: "is a folder", errno.ENOTDIR: "not a folder",
    errno.ENOENT: "no such file or folder", errno.EEXIST: "already exists", errno.EIO: "input/output error",
    errno.ELOOP: "too many levels of symbolic links", errno.EMFILE: "too many open files",
}
if hasattr(errno, "EDQUOT"):
    _PROBLEMS[errno.EDQUOT] = "disk quota exceeded"


def os_problem(exc: OSError) -> str:
    """What went wrong, in words (``disk full (no space left on device)``, ``read-only file system``, ...)."""
    return _PROBLEMS.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__).lower()
