#!/usr/bin/python3
"""A real RTSP server for Argus's demo, tests and benchmark (GStreamer gst-rtsp-server).

Each mount relays a live MPEG-TS feed that arrives over UDP on loopback (an ffmpeg process
plays a test pattern or loops a file into it) as RTSP/RTP, shared by all clients:

    rtsp-server.py --port 8554 --mount cam1=5001:h264 --mount cam2=5002:h265:aac

Codecs: h264, h265, mpeg4 (video); aac (optional audio). Prints "ready PORT" on stdout once
every mount plays (or after --ready-timeout seconds, whichever comes first).

Like a real camera, each mount is always "on": the server plays every mount to an internal
client, so the shared media stays prepared and DESCRIBE answers at once instead of waiting for
the feed's next keyframe (8 s in some test files). Uses Debian's GStreamer through python3-gi (run with /usr/bin/python3).
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

VIDEO = {
    "h264": "h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96",
    "h265": "h265parse config-interval=-1 ! rtph265pay name=pay0 pt=96",
    "mpeg4": "mpeg4videoparse config-interval=-1 ! rtpmp4vpay name=pay0 pt=96",
}
AUDIO = {"aac": "aacparse ! rtpmp4gpay name=pay1 pt=97"}


def launch_line(udp_port: int, video: str, audio: str | None) -> str:
    caps = "video/mpegts,systemstream=(boolean)true,packetsize=(int)188"
    line = (
        f'( udpsrc address=127.0.0.1 port={udp_port} buffer-size=4194304 caps="{caps}" ! tsdemux name=d latency=50 '
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


def keep_warm(port: int, name: str, on_media) -> Gst.Pipeline:
    """Play rtsp://127.0.0.1:PORT/NAME into fakesinks so the shared media stays prepared.
    Calls on_media(name) once, when the first buffer arrives."""
    pipeline = Gst.Pipeline.new(f"warm-{name}")
    src = Gst.ElementFactory.make("rtspsrc")
    src.set_property("location", f"rtsp://127.0.0.1:{port}/{name}")
    src.set_property("protocols", "tcp")
    src.set_property("latency", 0)
    pipeline.add(src)

    def on_pad(_src, pad):
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("signal-handoffs", True)
        sink.connect("handoff", lambda *_: GLib.idle_add(on_media, name))
        pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))

    src.connect("pad-added", on_pad)
    pipeline.set_state(Gst.State.PLAYING)
    return pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--mount", type=parse_mount, action="append", required=True)
    parser.add_argument("--ready-timeout", type=float, default=20.0)
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
    port = server.get_bound_port()
    waiting = {name for name, *_ in args.mount}
    announced = []

    def announce():
        if not announced:
            announced.append(True)
            print(f"ready {port}", flush=True)
        return False

    def on_media(name):
        waiting.discard(name)
        if not waiting:
            announce()
        return False

    keepers = [keep_warm(port, name, on_media) for name, *_ in args.mount]
    GLib.timeout_add(int(args.ready_timeout * 1000), announce)
    loop.run()
    for keeper in keepers:
        keeper.set_state(Gst.State.NULL)


if __name__ == "__main__":
    main()
