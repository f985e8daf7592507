#!/usr/bin/python3
# A failing disk for chaos disk-clock (issue 16, scenario 8): a FUSE file system that passes every
# call through to a backing directory, except that fsync or write can be made to fail with EIO, as
# a dying disk's do. The kernel carries the error to the caller unchanged, so LevelDB meets it
# exactly as it would meet a bad disk. Which calls fail is read from a control file at each call:
#   ok      everything passes (the start)
#   fsync   fsync and fdatasync fail with EIO; writes still land in the backing files
#   write   writes fail with EIO
# Usage (root; Debian's python3-fusepy, which scripts/chaos/faultfs.ts installs when missing):
#   faultfs.py BACKING MOUNTPOINT CONTROL
# It prints "mounted" on stdout once the mount answers, and a line per failed call on stderr;
# unmount with `umount MOUNTPOINT` (the process then exits).
import errno
import os
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations


class FaultFs(Operations):
    def __init__(self, backing, control):
        self.backing = os.path.realpath(backing)
        self.control = control
        self.mutex = threading.Lock()
        self.failed = 0

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip('/'))

    def _fail(self, op):
        try:
            with open(self.control) as f:
                mode = f.read().strip()
        except FileNotFoundError:
            return
        if mode == op:
            with self.mutex:
                self.failed += 1
                n = self.failed
            print('faultfs: %s failed with EIO (%d so far)' % (op, n), file=sys.stderr, flush=True)
            raise FuseOSError(errno.EIO)

    # metadata
    def access(self, path, mode):
        if not os.access(self._path(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path, fh=None):
        st = os.lstat(self._path(path))
        keys = ('st_atime', 'st_ctime', 'st_gid', 'st_mode', 'st_mtime', 'st_nlink', 'st_size', 'st_uid')
        return {k: getattr(st, k) for k in keys}

    def chmod(self, path, mode):
        os.chmod(self._path(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._path(path), uid, gid)

    def readdir(self, path, fh):
        return ['.', '..'] + os.listdir(self._path(path))

    def readlink(self, path):
        return os.readlink(self._path(path))

    def mkdir(self, path, mode):
        os.mkdir(self._path(path), mode)

    def rmdir(self, path):
        os.rmdir(self._path(path))

    def unlink(self, path):
        os.unlink(self._path(path))

    def symlink(self, target, source):
        os.symlink(source, self._path(target))

    def rename(self, old, new):
        os.rename(self._path(old), self._path(new))

    def link(self, target, source):
        os.link(self._path(source), self._path(target))

    def utimens(self, path, times=None):
        os.utime(self._path(path), times)

    def statfs(self, path):
        st = os.statvfs(self._path(path))
        keys = ('f_bavail', 'f_bfree', 'f_blocks', 'f_bsize', 'f_favail', 'f_ffree', 'f_files', 'f_flag',
                'f_frsize', 'f_namemax')
        return {k: getattr(st, k) for k in keys}

    # files
    def open(self, path, flags):
        return os.open(self._path(path), flags)

    def create(self, path, mode, fi=None):
        return os.open(self._path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        self._fail('write')
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            with open(self._path(path), 'r+') as f:
                f.truncate(length)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)

    def fsync(self, path, datasync, fh):
        self._fail('fsync')
        if datasync:
            os.fdatasync(fh)
        else:
            os.fsync(fh)

    def fsyncdir(self, path, datasync, fh):
        self._fail('fsync')
        return 0


def main():
    if len(sys.argv) != 4:
        print('usage: faultfs.py BACKING MOUNTPOINT CONTROL', file=sys.stderr)
        sys.exit(2)
    backing, mountpoint, control = sys.argv[1:]
    fs = FaultFs(backing, control)

    # say "mounted" once the mount answers (FUSE() blocks until it is unmounted)
    def announce():
        import time
        for _ in range(500):
            if os.path.ismount(mountpoint):
                print('mounted', flush=True)
                return
            time.sleep(0.01)
        print('faultfs: the mount never appeared', file=sys.stderr, flush=True)

    threading.Thread(target=announce, daemon=True).start()
    FUSE(fs, mountpoint, foreground=True, nothreads=False, default_permissions=True)


if __name__ == '__main__':
    main()
