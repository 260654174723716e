#!/usr/bin/env python3
"""A counting unix-socket proxy for the Docker Engine API (stdlib only).

    scripts/docker-proxy.py --listen /tmp/x.sock --upstream /var/run/docker.sock --log FILE

Every client connection gets its own upstream connection; bytes are forwarded
both ways unchanged and at once (HTTP/1.1 keep-alive, chunked streams such as
/events, logs and stats, and upgraded/hijacked connections all pass through).

On the client->upstream side a small HTTP/1.x request parser runs beside the
forwarding (it never delays or alters a byte): it finds each request head
(request line + headers up to the blank line, however the head is split across
reads), skips a Content-Length or chunked body, and writes one line per request
to the log:

    <unix time, seconds with ms>\t<METHOD>\t<path without query>

A connection whose bytes stop looking like HTTP requests (after an Upgrade, or
garbage) is no longer parsed; that is logged once as "-\tUNPARSED\t<reason>".

Prints "listening on PATH" to stderr when ready; SIGINT/SIGTERM remove the
socket file and exit 0.
"""

import argparse
import asyncio
import os
import re
import signal
import sys
import time

CHUNK = 65536
MAX_HEAD = 64 * 1024  # a longer request head means we are out of sync
REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]$")


class RequestCounter:
    """Incremental parser of the client's request stream (heads and bodies)."""

    def __init__(self, log):
        self.log = log
        self.buf = bytearray()
        self.body_left = 0  # bytes of a Content-Length body still to skip
        self.chunked = False  # inside a chunked request body
        self.dead = False  # stopped parsing (upgrade or out of sync)

    def feed(self, data):
        if self.dead:
            return
        self.buf += data
        while self.buf and not self.dead:
            if self.body_left:
                n = min(self.body_left, len(self.buf))
                del self.buf[:n]
                self.body_left -= n
                continue
            if self.chunked:
                if not self._skip_chunk():
                    return
                continue
            if not self._head():
                return

    def _head(self):
        # Tolerate stray CRLFs between requests (RFC 9112 2.2).
        while self.buf[:2] == b"\r\n":
            del self.buf[:2]
        end = self.buf.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buf) > MAX_HEAD:
                self._give_up("request head too long")
            return False
        head = bytes(self.buf[:end]).split(b"\r\n")
        del self.buf[: end + 4]
        m = REQUEST_LINE.match(head[0])
        if not m:
            self._give_up("not a request line: %r" % head[0][:80])
            return False
        method = m.group(1).decode("ascii", "replace")
        target = m.group(2).decode("ascii", "replace")
        path = target.split("?", 1)[0]
        self.log.write("%.3f\t%s\t%s\n" % (time.time(), method, path))
        self.log.flush()
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip().lower()
        if b"chunked" in headers.get(b"transfer-encoding", b""):
            self.chunked = True
        else:
            try:
                self.body_left = int(headers.get(b"content-length", b"0") or b"0")
            except ValueError:
                self._give_up("bad content-length")
        if b"upgrade" in headers.get(b"connection", b"") or b"upgrade" in headers:
            # attach/exec hijack: the rest of the connection is a raw stream
            self._give_up("upgraded connection", quiet=True)
        return True

    def _skip_chunk(self):
        """Skips one chunk of a chunked request body; False when more bytes are needed."""
        eol = self.buf.find(b"\r\n")
        if eol < 0:
            return False
        try:
            size = int(bytes(self.buf[:eol]).split(b";", 1)[0].strip() or b"x", 16)
        except ValueError:
            self._give_up("bad chunk size")
            return False
        if size == 0:
            # last chunk, then optional trailers, then a blank line
            end = self.buf.find(b"\r\n\r\n", eol)
            if end == eol:
                del self.buf[: eol + 4]
            elif end < 0:
                return False
            else:
                del self.buf[: end + 4]
            self.chunked = False
            return True
        need = eol + 2 + size + 2
        if len(self.buf) < need:
            return False
        del self.buf[:need]
        return True

    def _give_up(self, reason, quiet=False):
        self.dead = True
        self.buf.clear()
        if not quiet:
            self.log.write("-\tUNPARSED\t%s\n" % reason)
            self.log.flush()


async def pump(reader, writer, counter=None):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            if counter is not None:
                counter.feed(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        # Half-close so the other side sees EOF, as a plain socket would.
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError, RuntimeError):
            pass


async def handle(client_r, client_w, upstream, log):
    try:
        up_r, up_w = await asyncio.open_unix_connection(upstream)
    except OSError as e:
        print("docker-proxy: upstream %s: %s" % (upstream, e), file=sys.stderr)
        client_w.close()
        return
    counter = RequestCounter(log)
    try:
        await asyncio.gather(
            pump(client_r, up_w, counter),
            pump(up_r, client_w),
        )
    except asyncio.CancelledError:
        pass  # shutting down: end quietly (a cancelled handler is logged as an error)
    finally:
        for w in (up_w, client_w):
            try:
                w.close()
            except (ConnectionError, OSError, RuntimeError):
                pass


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True, help="unix socket path to listen on")
    ap.add_argument("--upstream", default="/var/run/docker.sock")
    ap.add_argument("--log", required=True, help="file that gets one line per request")
    args = ap.parse_args()

    log = open(args.log, "a", encoding="utf-8")
    if os.path.exists(args.listen):
        os.unlink(args.listen)
    server = await asyncio.start_unix_server(
        lambda r, w: handle(r, w, args.upstream, log), path=args.listen
    )
    os.chmod(args.listen, 0o660)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print("listening on %s" % args.listen, file=sys.stderr, flush=True)
    await stop.wait()
    # Not "async with server": waiting for open streams (/events) would hang.
    server.close()
    try:
        os.unlink(args.listen)
    except OSError:
        pass
    log.close()


if __name__ == "__main__":
    asyncio.run(main())
