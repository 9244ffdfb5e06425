#!/usr/bin/python3
"""A real RTSP server for Argus's demo, tests and benchmark (GStreamer gst-rtsp-server).

Each mount relays a live MPEG-TS feed that arrives over UDP on loopback (an ffmpeg process
plays a test pattern or loops a file into it) as RTSP/RTP, shared by all clients:

    rtsp-server.py --port 8554 --mount cam1=5001:h264 --mount cam2=5002:h265:aac

Codecs: h264, h265, mpeg4 (video); aac (optional audio). Prints "ready PORT" on stdout once
it listens. Uses Debian's GStreamer through python3-gi (run with /usr/bin/python3).
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

VIDEO = {
    "h264": "h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=-1",
    "h265": "h265parse config-interval=-1 ! rtph265pay name=pay0 pt=96 config-interval=-1",
    "mpeg4": "mpeg4videoparse config-interval=-1 ! rtpmp4vpay name=pay0 pt=96 config-interval=-1",
}
AUDIO = {"aac": "aacparse ! rtpmp4gpay name=pay1 pt=97"}


def launch_line(udp_port: int, video: str, audio: str | None) -> str:
    caps = "video/mpegts,systemstream=(boolean)true,packetsize=(int)188"
    line = (
        f'( udpsrc port={udp_port} buffer-size=4194304 caps="{caps}" ! tsdemux name=d latency=50 '
        f"d. ! queue max-size-time=0 max-size-buffers=0 ! {VIDEO[video]} "
    )
    if audio:
        line += f"d. ! queue max-size-time=0 max-size-buffers=0 ! {AUDIO[audio]} "
    return line + ")"


def parse_mount(text: str):
    name, _, spec = text.partition("=")
    parts = spec.split(":")
    if not name or len(parts) < 2 or parts[1] not in VIDEO or (len(parts) > 2 and parts[2] not in AUDIO):
        raise argparse.ArgumentTypeError(f"bad mount {text!r}: want NAME=UDPPORT:VIDEO[:AUDIO]")
    return name, int(parts[0]), parts[1], parts[2] if len(parts) > 2 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--mount", type=parse_mount, action="append", required=True)
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for name, udp_port, video, audio in args.mount:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch_line(udp_port, video, audio))
        factory.set_shared(True)
        factory.set_latency(0)
        mounts.add_factory(f"/{name}", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on {args.address}:{args.port}", file=sys.stderr)
        sys.exit(1)
    loop = GLib.MainLoop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"ready {server.get_bound_port()}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
