#!/usr/bin/python3
"""An SMTP server on 127.0.0.1 that appends every mail it receives to an
mbox, for make check's send test. Writes the port it listens on to
PORTFILE once it accepts connections; stops on SIGTERM or SIGINT.

    smtp-sink.py MBOX PORTFILE
"""
import mailbox
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class MboxHandler:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        box = mailbox.mbox(self.path)
        box.lock()
        try:
            box.add(envelope.original_content.replace(b'\r\n', b'\n'))
            box.flush()
        finally:
            box.unlock()
        return '250 OK'


def main():
    mbox, portfile = sys.argv[1:3]
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    controller = Controller(MboxHandler(mbox), hostname='127.0.0.1', port=port)
    controller.start()
    with open(portfile, 'w') as f:
        f.write(f'{port}\n')
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == '__main__':
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
