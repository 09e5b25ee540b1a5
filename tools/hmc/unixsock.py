# SPDX-License-Identifier: GPL-2.0-or-later
"""Connecting to a unix socket that QEMU creates a moment after it starts
(the HMC chardev, QMP, the human monitor): one retry loop for every client."""
import socket
import time


def connect_unix(path, timeout, alive=lambda: True):
    """Connect to the unix socket @path, retrying while it does not exist
    yet or refuses, for up to @timeout seconds or until @alive() is false
    (the process that would create it has ended).
    Return: the connected socket (blocking, no timeout set).
    Raises the last FileNotFoundError or ConnectionRefusedError."""
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() > end or not alive():
                raise
            time.sleep(0.05)
