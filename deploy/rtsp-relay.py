#!/usr/bin/env python3
"""An RTSP camera for deploy/soak.sh, the same way the tests' RtspRelay.java does it.

Debian's ffmpeg cannot serve RTSP (its muxer only pushes to a server), so ffmpeg encodes a test pattern in real time
as RTP to a local UDP port, and this relay answers OPTIONS/DESCRIBE/SETUP/PLAY on TCP and forwards the RTP packets
interleaved on the RTSP connection (RFC 2326 section 10.12), as a camera serving rtsp_transport=tcp does.

    rtsp-relay.py PORT [--size 640x480] [--fps 10]

Prints "ready" once the stream is served; SIGTERM or SIGKILL of its process group stops ffmpeg with it.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def sdp_from_ffmpeg(path, feeder, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            text = open(path).read()
            if "m=video" in text:
                return text
        if feeder.poll() is not None:
            break
        time.sleep(0.02)
    sys.exit("rtsp-relay: ffmpeg wrote no SDP")


def describe(ffmpeg_sdp):
    """ffmpeg's SDP names a UDP destination; a server's DESCRIBE names the track to SETUP instead."""
    out = []
    for line in ffmpeg_sdp.splitlines():
        if not line.strip():
            continue
        if line.startswith("c="):
            line = "c=IN IP4 0.0.0.0"
        if line.startswith("m=video"):
            f = line.split(" ")
            out += ["a=control:*", "m=video 0 %s %s" % (f[2], f[3]), "a=control:streamid=0"]
            continue
        out.append(line)
    return "\r\n".join(out) + "\r\n"


class Relay:
    def __init__(self, sdp):
        self.sdp = sdp.encode()
        self.playing = set()
        self.lock = threading.Lock()

    def serve(self, conn):
        f = conn.makefile("rb")
        try:
            while True:
                b = f.read(1)
                if not b:
                    return
                if b == b"$":  # the client's RTCP reports, interleaved
                    hdr = f.read(3)
                    f.read((hdr[1] << 8) | hdr[2])
                    continue
                head = b
                while not head.endswith(b"\r\n\r\n"):
                    c = f.read(1)
                    if not c:
                        return
                    head += c
                lines = head.decode("latin-1").split("\r\n")
                method, uri = lines[0].split(" ")[:2]
                headers = {}
                for l in lines[1:]:
                    if ":" in l:
                        k, v = l.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                f.read(int(headers.get("content-length", "0")))
                reply, body, status = [], b"", "200 OK"
                if method == "OPTIONS":
                    reply.append("Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER")
                elif method == "DESCRIBE":
                    reply += ["Content-Base: " + (uri if uri.endswith("/") else uri + "/"), "Content-Type: application/sdp"]
                    body = self.sdp
                    reply.append("Content-Length: %d" % len(body))
                elif method == "SETUP":
                    if "TCP" not in headers.get("transport", ""):
                        status = "461 Unsupported Transport"
                    else:
                        reply += ["Transport: RTP/AVP/TCP;unicast;interleaved=0-1", "Session: 4711;timeout=60"]
                elif method in ("PLAY", "TEARDOWN", "GET_PARAMETER"):
                    reply.append("Session: 4711")
                msg = "RTSP/1.0 %s\r\nCSeq: %s\r\n" % (status, headers.get("cseq", "0"))
                msg += "".join(h + "\r\n" for h in reply) + "\r\n"
                with self.lock:
                    conn.sendall(msg.encode("latin-1") + body)
                    if method == "PLAY":
                        self.playing.add(conn)
                if method == "TEARDOWN":
                    return
        except OSError:
            pass
        finally:
            with self.lock:
                self.playing.discard(conn)
            conn.close()

    def pump(self, rtp):
        while True:
            data = rtp.recv(65536)
            frame = b"$\x00" + len(data).to_bytes(2, "big") + data
            with self.lock:
                for c in list(self.playing):
                    try:
                        c.sendall(frame)
                    except OSError:
                        self.playing.discard(c)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--fps", default="10")
    a = ap.parse_args()
    rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    rtp.bind(("127.0.0.1", 0))
    rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtcp.bind(("127.0.0.1", 0))
    work = tempfile.mkdtemp(prefix="rtsp-relay-")
    sdp_file = os.path.join(work, "feed.sdp")
    feeder = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi",
         "-i", "testsrc2=size=%s:rate=%s" % (a.size, a.fps), "-c:v", "libx264", "-preset", "ultrafast",
         "-tune", "zerolatency", "-g", a.fps, "-pix_fmt", "yuv420p", "-f", "rtp", "-sdp_file", sdp_file,
         "rtp://127.0.0.1:%d?rtcpport=%d&pkt_size=1200" % (rtp.getsockname()[1], rtcp.getsockname()[1])],
        stdout=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: (feeder.kill(), os._exit(0)))
    relay = Relay(describe(sdp_from_ffmpeg(sdp_file, feeder)))
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", a.port))  # only now: the port answers once the stream can be served
    server.listen(64)
    threading.Thread(target=relay.pump, args=(rtp,), daemon=True).start()
    threading.Thread(target=lambda: (feeder.wait(), os._exit(1)), daemon=True).start()
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=relay.serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
