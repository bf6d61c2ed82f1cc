# Loaded by every kernel that the tests and `python3 run.py execute` start (IPYTHONDIR points here).
# It makes any attempt to open a network connection from notebook code fail loudly, so a lesson
# that quietly needs the internet is caught. The kernel's own ZeroMQ channels are not affected.
import socket as _socket


class NetworkAccessBlocked(RuntimeError):
    """Raised when notebook code tries to reach the network during tests."""


def _blocked(*args, **kwargs):
    raise NetworkAccessBlocked("Network access is disabled while the series' notebooks are tested: "
                               "lessons must run offline.")


_real_connect = _socket.socket.connect


def _guarded_connect(self, address, *args, **kwargs):
    if self.family == getattr(_socket, "AF_UNIX", None):
        return _real_connect(self, address, *args, **kwargs)
    _blocked()


_socket.socket.connect = _guarded_connect
_socket.socket.connect_ex = _guarded_connect
_socket.create_connection = _blocked
_socket.getaddrinfo = _blocked
