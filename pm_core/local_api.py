"""The running app as the workspace's one writer: a small local API that `python -m pm_core` talks to.

Why: DuckDB lets one process hold a database file read-write and then refuses every other process,
read-only ones included ("Could not set lock on file"). A Pillars server keeps its workspace open
for as long as it runs (its caches and its connection are what make pages fast), so without this
every CLI command failed while the app served the same file.

How (the Datasette/Metabase shape: one process owns the database, others ask it):
- The server listens on a Unix socket whose path is derived from the workspace's real path, in a
  folder only its OS user can enter (`/tmp/pillars-<uid>/`, mode 0700; the socket itself 0600).
  Whoever can connect could also have opened the workspace file, so this gives no one more rights.
- A CLI process that finds the file locked sends its arguments (and its working directory, so
  relative paths mean what the user typed) over the socket; the server runs the very same command
  function on its own store and sends back stdout, stderr and the exit code. Reads and writes both
  work, and a write through the app bumps the same data version its pages read, so their caches
  refresh; the app's write lock orders it with the pages' own writes.
- Nothing listens on a network port, and a stale socket (a server killed with -9) is detected by a
  refused connection and replaced.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import socket
import socketserver
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable

# (argv, cwd) -> (exit code, stdout, stderr), run inside the server process.
Runner = Callable[[list[str], str], tuple[int, str, str]]

_MAX_REQUEST = 1 << 20  # 1 MB of arguments is far more than any command line


def socket_path(db: str | os.PathLike) -> Path:
    """Return the socket path for a workspace file (the same for every process that names the same file)."""
    real = os.path.realpath(os.fspath(db))
    digest = hashlib.sha256(real.encode("utf-8")).hexdigest()[:20]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    # A short folder: Unix socket paths are limited to about 100 bytes.
    return Path(tempfile.gettempdir()) / f"pillars-{uid}" / f"{digest}.sock"


# -- capturing a command's output inside a server that keeps printing its own ---------------
class _Router(io.TextIOBase):
    """A sys.stdout/sys.stderr stand-in: text written by a thread that is running a CLI request
    goes to that request's buffer; everything else goes where it went before."""

    def __init__(self, fallback, slot: str):
        self._fallback = fallback
        self._slot = slot

    def _target(self):
        return getattr(_capture, self._slot, None) or self._fallback

    def write(self, s: str) -> int:
        return self._target().write(s)

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self._target().flush()

    def __getattr__(self, name):  # fileno, encoding, isatty, buffer ... of the real stream
        return getattr(self._fallback, name)


_capture = threading.local()
_router_lock = threading.Lock()


def _install_routers() -> None:
    with _router_lock:
        if not isinstance(sys.stdout, _Router):
            sys.stdout = _Router(sys.stdout, "out")
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr, "err")


@contextlib.contextmanager
def captured() -> "contextlib.AbstractContextManager[tuple[io.StringIO, io.StringIO]]":
    """Yield (stdout, stderr) buffers that receive what this thread prints meanwhile (other threads unaffected)."""
    _install_routers()
    out, err = io.StringIO(), io.StringIO()
    _capture.out, _capture.err = out, err
    try:
        yield out, err
    finally:
        _capture.out = _capture.err = None


# -- the server side -------------------------------------------------------------------------
class LocalApi:
    """A running local API for one workspace; `stop()` closes it and removes the socket."""

    def __init__(self, path: Path, server: socketserver.BaseServer, thread: threading.Thread):
        self.path = path
        self._server = server
        self._thread = thread

    def stop(self) -> None:
        """Stop listening and remove the socket file (idempotent)."""
        with contextlib.suppress(Exception):
            self._server.shutdown()
            self._server.server_close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _handler(runner: Runner) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                line = self.rfile.readline(_MAX_REQUEST)
                req = json.loads(line.decode("utf-8"))
                argv = [str(a) for a in req["argv"]]
                cwd = str(req.get("cwd") or "/")
            except Exception:  # not one of ours: answer in words, never crash the server
                self._reply(2, "", "error: the request to the running Pillars app was not understood\n")
                return
            try:
                code, out, err = runner(argv, cwd)
            except Exception as exc:  # a bug in a command must not take the server down
                print(f"pillars: CLI request {argv[:1]} failed: {type(exc).__name__}: {exc}", file=sys.__stderr__)
                code, out, err = 1, "", f"error: the command failed inside the running app ({type(exc).__name__})\n"
            self._reply(code, out, err)

        def _reply(self, code: int, out: str, err: str) -> None:
            with contextlib.suppress(OSError):
                self.wfile.write((json.dumps({"code": code, "stdout": out, "stderr": err}) + "\n").encode("utf-8"))

    return Handler


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def _alive(path: Path) -> bool:
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        s.connect(str(path))
        return True
    return False


def serve(db: str | os.PathLike, runner: Runner) -> LocalApi | None:
    """Start the local API for workspace `db` on a daemon thread; returns None where it cannot run.

    None means: no Unix sockets on this platform, or another live server already answers for this
    file (it then keeps serving the CLI). A stale socket left by a killed server is replaced.
    """
    if not hasattr(socket, "AF_UNIX"):
        return None
    path = socket_path(db)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path.parent, 0o700)
        if path.exists():
            if _alive(path):
                return None
            path.unlink()
        old = os.umask(0o177)
        try:
            server = _Server(str(path), _handler(runner))
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
    except OSError as exc:
        print(f"pillars: the command line cannot reach this server ({exc.strerror or exc})", file=sys.__stderr__)
        return None
    thread = threading.Thread(target=server.serve_forever, name="pillars-local-api", daemon=True)
    thread.start()
    return LocalApi(path, server, thread)


# -- the client side -------------------------------------------------------------------------
def forward(db: str | os.PathLike, argv: list[str], cwd: str, timeout: float = 3600) -> tuple[int, str, str] | None:
    """Run argv in the Pillars server that holds `db` and return (code, stdout, stderr); None if none answers."""
    path = socket_path(db)
    if not hasattr(socket, "AF_UNIX") or not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(path))
            s.settimeout(timeout)
            s.sendall((json.dumps({"argv": argv, "cwd": cwd}) + "\n").encode("utf-8"))
            chunks = []
            while True:
                data = s.recv(1 << 16)
                if not data:
                    break
                chunks.append(data)
                if data.endswith(b"\n"):
                    break
    except OSError:
        return None
    try:
        reply = json.loads(b"".join(chunks).decode("utf-8"))
        return int(reply["code"]), str(reply["stdout"]), str(reply["stderr"])
    except Exception:
        return None
