"""A TCP proxy on loopback in front of the test PostgreSQL server, to take the database
away from the app and give it back (test helper).

`cut()` closes the listening port and every open connection, so the app's next query
meets a dead connection and its reconnect a refused one, as when the server is down;
`hang()` accepts connections and never answers, as a server behind a dead network
does; `restore()` forwards again on the same port.
"""

import contextlib
import socket
import threading
from collections.abc import Iterator

import sqlalchemy as sa


class DatabaseProxy:
    def __init__(self, url: str) -> None:
        parsed = sa.make_url(url)
        self.target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._hanging = False
        self.port = self._listen(0)
        self.url = parsed.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    def _listen(self, port: int) -> int:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(32)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener.getsockname()[1]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed by cut()
                return
            with self._lock:
                self._open.append(client)
            if self._hanging:
                continue  # accepted, never answered
            server = socket.create_connection(self.target)
            with self._lock:
                self._open.append(server)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and break the open ones."""
        if self._listener is not None:
            # Closing alone would leave a thread blocked in accept() listening on.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        self._drop_open()

    def hang(self) -> None:
        """Accept new connections but never answer them; break the open ones."""
        self.cut()
        self._hanging = True
        self._listen(self.port)

    def restore(self) -> None:
        """Forward connections to the server again."""
        self.cut()
        self._hanging = False
        self._listen(self.port)

    def _drop_open(self) -> None:
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open.clear()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


@contextlib.contextmanager
def proxied(url: str) -> Iterator[DatabaseProxy]:
    """Yield a proxy to the PostgreSQL server at url, closed afterwards."""
    proxy = DatabaseProxy(url)
    try:
        yield proxy
    finally:
        proxy.cut()
