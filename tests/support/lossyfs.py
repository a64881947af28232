#!/usr/bin/python3
"""A disk that loses what was not synced when its power goes.

A FUSE file system over a backing directory that behaves like a disk with
a volatile write cache: a file's written bytes (and its truncations) stay in
this process's memory until the file is fsynced, and only then reach the
backing directory. Killing this process with SIGKILL is a pulled plug:
whatever was not fsynced is gone, exactly what a program that relies on the
page cache instead of fsync would lose. Creating and removing files reach
the backing directory at once (the conservative side for SQLite, which
syncs contents, not directories, for its WAL).

While the file named by --readonly-flag exists, every change is refused
with EROFS, as a disk the kernel remounted read-only after an error.

Usage: lossyfs.py BACKING MOUNTPOINT [--readonly-flag PATH]
(root, or a user allowed to mount FUSE; Debian's python3-fusepy).
"""

import errno
import os
import sys

try:
    import fusepy as fuse  # Debian's name for it
except ImportError:
    import fuse  # PyPI's

PAGE = 4096


class Pending:
    """A file's unsynced state: whole pages written, and its size."""

    def __init__(self, size):
        self.pages = {}
        self.size = size


class LossyFs(fuse.Operations):
    def __init__(self, backing, readonly_flag):
        self.backing = backing
        self.readonly_flag = readonly_flag
        self.pending = {}

    # Helpers

    def _real(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def _writable(self):
        if self.readonly_flag and os.path.exists(self.readonly_flag):
            raise fuse.FuseOSError(errno.EROFS)

    def _state(self, path):
        state = self.pending.get(path)
        if state is None:
            state = Pending(os.path.getsize(self._real(path)))
            self.pending[path] = state
        return state

    def _page(self, path, state, index):
        page = state.pages.get(index)
        if page is None:
            with open(self._real(path), "rb") as f:
                f.seek(index * PAGE)
                page = bytearray(f.read(PAGE))
            page.extend(bytes(PAGE - len(page)))
            # Bytes past the pending size read as zeros (a truncation).
            start = state.size - index * PAGE
            if 0 <= start < PAGE:
                page[start:] = bytes(PAGE - start)
            elif start < 0:
                page[:] = bytes(PAGE)
            state.pages[index] = page
        return page

    # Metadata: straight to the backing directory

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._real(path))
        except OSError as e:
            raise fuse.FuseOSError(e.errno)
        attrs = {
            key: getattr(st, key)
            for key in ("st_mode", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime")
        }
        state = self.pending.get(path)
        if state is not None:
            attrs["st_size"] = state.size
        return attrs

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._real(path))

    def access(self, path, mode):
        if not os.access(self._real(path), mode):
            raise fuse.FuseOSError(errno.EACCES)

    def create(self, path, mode, fi=None):
        self._writable()
        fd = os.open(self._real(path), os.O_WRONLY | os.O_CREAT, mode)
        os.close(fd)
        return 0

    def open(self, path, flags):
        if flags & (os.O_WRONLY | os.O_RDWR):
            self._writable()
        if not os.path.exists(self._real(path)):
            raise fuse.FuseOSError(errno.ENOENT)
        return 0

    def unlink(self, path):
        self._writable()
        os.unlink(self._real(path))
        self.pending.pop(path, None)

    def rename(self, old, new):
        self._writable()
        os.rename(self._real(old), self._real(new))
        self.pending.pop(new, None)
        if old in self.pending:
            self.pending[new] = self.pending.pop(old)

    def mkdir(self, path, mode):
        self._writable()
        os.mkdir(self._real(path), mode)

    def rmdir(self, path):
        self._writable()
        os.rmdir(self._real(path))

    def chmod(self, path, mode):
        os.chmod(self._real(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._real(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._real(path), times)

    def statfs(self, path):
        st = os.statvfs(self._real(path))
        return {
            key: getattr(st, key)
            for key in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")
        }

    # Contents: kept here until fsync

    def read(self, path, size, offset, fh):
        state = self.pending.get(path)
        if state is None:
            with open(self._real(path), "rb") as f:
                f.seek(offset)
                return f.read(size)
        end = min(offset + size, state.size)
        out = bytearray()
        pos = offset
        while pos < end:
            index, within = divmod(pos, PAGE)
            take = min(PAGE - within, end - pos)
            out += self._page(path, state, index)[within : within + take]
            pos += take
        return bytes(out)

    def write(self, path, data, offset, fh):
        self._writable()
        state = self._state(path)
        pos = 0
        while pos < len(data):
            index, within = divmod(offset + pos, PAGE)
            take = min(PAGE - within, len(data) - pos)
            self._page(path, state, index)[within : within + take] = data[pos : pos + take]
            pos += take
        state.size = max(state.size, offset + len(data))
        return len(data)

    def truncate(self, path, length, fh=None):
        self._writable()
        state = self._state(path)
        if length < state.size:
            for index in [i for i in state.pages if i * PAGE >= length]:
                del state.pages[index]
            index, within = divmod(length, PAGE)
            if within:
                self._page(path, state, index)[within:] = bytes(PAGE - within)
        state.size = length

    def fsync(self, path, datasync, fh):
        self._writable()
        state = self.pending.pop(path, None)
        if state is None:
            return 0
        fd = os.open(self._real(path), os.O_WRONLY)
        try:
            os.ftruncate(fd, state.size)
            for index, page in sorted(state.pages.items()):
                start = index * PAGE
                if start < state.size:
                    os.pwrite(fd, bytes(page[: state.size - start]), start)
            os.fsync(fd)
        finally:
            os.close(fd)
        return 0

    def fsyncdir(self, path, datasync, fh):
        return 0

    def flush(self, path, fh):
        return 0  # closing a file syncs nothing, as with a real page cache

    def release(self, path, fh):
        return 0


def main():
    args = sys.argv[1:]
    flag = None
    if "--readonly-flag" in args:
        i = args.index("--readonly-flag")
        flag = args[i + 1]
        del args[i : i + 2]
    backing, mountpoint = args
    fuse.FUSE(LossyFs(os.path.abspath(backing), flag), mountpoint, foreground=True, nothreads=True)


if __name__ == "__main__":
    main()
