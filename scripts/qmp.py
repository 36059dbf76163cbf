#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small QMP (QEMU Machine Protocol) client: run one command in a QEMU.

usage: qmp.py [--timeout SEC] SOCKET COMMAND [ARGUMENTS]
  SOCKET     the QMP unix socket (qemu -qmp unix:SOCKET,server=on,wait=off;
             scripts/guest-run.sh --qmp SOCKET)
  COMMAND    a QMP command, e.g. device_del, query-status, quit
  ARGUMENTS  its arguments as a JSON object, e.g. '{"id": "ccw3"}'
  --timeout  seconds to wait for the connection and each reply (30)

Negotiates the capabilities, runs the command and prints its return value
(JSON) on stdout. The exchange ("qmp: -> ...", "qmp: <- ...") and the
events QEMU sends meanwhile ("qmp: event NAME") go to stderr.
Exit status: 0 on success, 1 when QEMU answers with an error, the
connection fails or closes. Standard library only.

As a module: with QMP(path) as q: q.command('device_del', {'id': 'ccw3'})
"""
import argparse
import json
import socket
import sys


class QMPError(Exception):
    """An error reply of QEMU, or a broken connection."""


class QMP:
    """A connection to a QMP socket, capabilities negotiated.

    The exchange and the events are logged to @log (a text file, e.g.
    sys.stderr) when given; the events are also kept in self.events.
    """

    def __init__(self, path, timeout=30, log=None):
        self.log = log
        self.events = []
        self.sock = socket.socket(socket.AF_UNIX)
        try:
            self.sock.settimeout(timeout)
            self.sock.connect(path)
            self.file = self.sock.makefile('rw')
            self._reply()  # the greeting
            self.command('qmp_capabilities')
        except BaseException:
            self.sock.close()
            raise

    def _say(self, *words):
        if self.log:
            print('qmp:', *words, file=self.log)

    def _reply(self):
        """The next message that is not an event."""
        while True:
            line = self.file.readline()
            if not line:
                raise QMPError('connection closed')
            msg = json.loads(line)
            if 'event' in msg:
                self._say('event', msg['event'])
                self.events.append(msg)
                continue
            return msg

    def command(self, name, arguments=None):
        """Run QMP command @name; return its return value, or raise
        QMPError on an error reply."""
        cmd = {'execute': name}
        if arguments is not None:
            cmd['arguments'] = arguments
        self._say('->', json.dumps(cmd))
        self.file.write(json.dumps(cmd) + '\n')
        self.file.flush()
        r = self._reply()
        self._say('<-', json.dumps(r))
        if 'error' in r:
            raise QMPError(f"{name}: {r['error'].get('desc', r['error'])}")
        return r.get('return')

    def close(self):
        self.file.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main():
    ap = argparse.ArgumentParser(
        description='Run one QMP command through a QEMU QMP socket.')
    ap.add_argument('--timeout', type=float, default=30)
    ap.add_argument('socket')
    ap.add_argument('command')
    ap.add_argument('arguments', nargs='?', type=json.loads,
                    help='the arguments as a JSON object')
    args = ap.parse_args()
    try:
        with QMP(args.socket, args.timeout, log=sys.stderr) as q:
            ret = q.command(args.command, args.arguments)
    except (QMPError, OSError, ValueError) as e:
        print(f'qmp: {e}', file=sys.stderr)
        return 1
    print(json.dumps(ret))
    return 0


if __name__ == '__main__':
    sys.exit(main())
