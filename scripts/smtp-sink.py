#!/usr/bin/python3
"""An SMTP server on 127.0.0.1 that appends every mail it receives to an
mbox in mboxrd form (what git mailsplit --mboxrd reads back exactly), for
make check's send test. Writes the port it listens on to PORTFILE once it
accepts connections; stops on SIGTERM or SIGINT.

    smtp-sink.py MBOX PORTFILE
"""
import re
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller

FROM_LINE = re.compile(rb'^(>*From )', re.MULTILINE)


class MboxHandler:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        body = envelope.original_content.replace(b'\r\n', b'\n')
        if not body.endswith(b'\n'):
            body += b'\n'
        sep = 'From %s %s\n' % (envelope.mail_from or 'MAILER-DAEMON',
                                time.asctime(time.gmtime()))
        with open(self.path, 'ab') as f:
            f.write(sep.encode() + FROM_LINE.sub(rb'>\1', body) + b'\n')
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
