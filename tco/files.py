"""Writing files so that nothing is ever half-written or lost: the one writer of every
command, the app's save and the catalog update."""

from __future__ import annotations

import os
import stat
import tempfile

from .errors import TcoError


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so that a reader never sees half of it and a failure never loses the old one:
    a temporary file in the same directory, fsync, then rename over the target.

    A symlink is followed (its target is replaced, the link kept); a target that is not a
    regular file (a device such as /dev/null, a pipe) is written in place, never replaced.
    """
    path = os.fspath(path)
    if not path:
        raise TcoError("empty output path", hint="give a file name, or - for standard output")
    fd = _descriptor(path)
    if fd is not None:  # /dev/stdout and the like: this process' own descriptor, whatever it leads to
        _write_fd(fd, text, path)
        return
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise TcoError("is a directory", file=path, hint="give a file name")
    if st is not None and stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(target, os.W_OK)):
        # a rename would replace it regardless: a write-protected file stays as it is
        raise TcoError("read-only file", file=path, hint=f"make it writable (chmod u+w {path}) or choose another file")
    try:
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(target, "w", encoding="utf-8") as fh:  # a device or a pipe: write through
                fh.write(text)
            return
        folder = os.path.dirname(target)
        if not os.path.isdir(folder):
            raise TcoError("directory does not exist", file=path, hint="create it first")
        fd, tmp = tempfile.mkstemp(prefix=".tco-", suffix=".tmp", dir=folder)
    except BrokenPipeError:
        raise  # a FIFO whose reader left: main() ends quietly, as for stdout
    except PermissionError:
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise TcoError("cannot write: permission denied", file=path) from None
        where = os.path.dirname(target) or "."
        # a new file goes into the folder first (then renamed): the folder must be writable
        raise TcoError(f"cannot write in its folder {where}: permission denied", file=path,
                       hint="choose a folder you can write to") from None
    except OSError as e:
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, (st.st_mode & 0o7777) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _descriptor(path: str) -> int | None:
    """The open descriptor a path names (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``,
    ``/proc/self/fd/N``), or None. Written to as it is: a redirected ``>> log`` is appended to, not
    replaced by a new file, and a pipe that closes early ends the run as a closed stdout does."""
    import re

    named = {"/dev/stdout": 1, "/dev/stderr": 2}
    if path in named:
        return named[path]
    m = re.fullmatch(r"/(?:dev/fd|proc/self/fd)/(\d+)", path)
    return int(m.group(1)) if m else None


def _write_fd(fd: int, text: str, path: str) -> None:
    import sys

    for stream in (sys.stdout, sys.stderr):  # what the process printed before goes first
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    data = text.encode("utf-8")
    try:
        while data:
            data = data[os.write(fd, data):]
    except BrokenPipeError:
        raise  # the reader stopped (`| head`): main() ends quietly, as for stdout
    except OSError as e:
        raise TcoError(f"cannot write: {e.strerror}", file=path) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_overwriting_inputs(out: str | None, inputs: dict[str, str | os.PathLike[str] | None],
                              catalog_dir: str | os.PathLike[str] | None = None) -> None:
    """A one-line error when the output file ``out`` is one of the command's input files, by
    any path (``./s.yaml``, a symlink, a hard link) or a file of its catalog folder: said before
    anything is computed, since writing it would replace the input with the output.

    ``inputs`` maps what each input is ("the scenario", "the old side") to its path."""
    if not out or out == "-":
        return
    for what, path in inputs.items():
        if path is None or path == "-":
            continue
        try:
            same = os.path.samefile(out, path)
        except (OSError, ValueError):  # either does not exist (yet): nothing to lose
            same = False
        if same:
            raise TcoError(f"is {what} this command reads ({os.fspath(path)}): the output would replace it",
                           file=out, field="--out", hint="choose another output file")
    if catalog_dir is not None and os.path.lexists(out):
        folder = os.path.realpath(catalog_dir)
        if os.path.realpath(out).startswith(folder.rstrip(os.sep) + os.sep):
            raise TcoError(f"is a file of the catalog {os.fspath(catalog_dir)}, which this command reads", file=out,
                           field="--out", hint="choose an output file outside the catalog folder")
