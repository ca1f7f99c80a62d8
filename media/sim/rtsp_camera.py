#!/usr/bin/python3
"""One simulated IP camera: raw I420 frames on stdin -> H.264 over RTSP on 127.0.0.1.

Run with Debian's /usr/bin/python3 (python3-gi and the GStreamer RTSP server typelib live
there). Owned by media/sim/camera-farm.ts, which writes frames to stdin and reads one line
from stdout:

    READY <port>          the RTSP port is listening (the real port when --port 0)

    PULL 1 / PULL 0       a client pulls the stream (its media was configured) / none does any
                          more (the last media was unprepared): the farm paints and writes
                          frames only between the two, so an unwatched camera costs nothing

and diagnostic lines on stderr. The process exits when stdin closes, on SIGTERM/SIGINT, or
when its parent dies (PR_SET_PDEATHSIG), so a crashed farm leaves no camera behind.

Pipeline (one shared pipeline for all RTSP clients, built when the first client arrives):

    appsrc (newest frame only, arrival timestamps) -> clockoverlay (name + wall clock,
    bottom-left, clear of the timestamp strip) -> the --codec's encoder (default x264enc
    ultrafast, zerolatency, no B-frames, constrained baseline; GOP = --gop frames, default 1 s)
    -> its RTP payloader (parameter sets before every IDR)

An RTCP PLI or FIR from a client reaches the encoder as an upstream force-key-unit event
(rtpsession -> payloader -> encoder), so a client that asks gets an IDR with the next frame;
with --ignore-keyframe-requests that event is dropped before the encoder (a keyframe-deaf camera).
The SETUP reply names the SSRC, so a client can send its PLI right after PLAY.

Transports: RTSP over TCP (interleaved; TCP_NODELAY set on each client socket) and UDP
(RTP/RTCP sockets bound to --address, never 0.0.0.0). The server's sinks never sync on the
clock (see never_sync). `kill -USR1 <pid>` prints the pipeline's state on stderr.
"""

import argparse
import ctypes
import fcntl
import os
import signal
import socket
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstBase", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstBase, GstRtsp, GstRtspServer  # noqa: E402

F_SETPIPE_SZ = 1031
PR_SET_PDEATHSIG = 1


def log(message):
    sys.stderr.write(f"[camera] {message}\n")
    sys.stderr.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8554, help="RTSP port, 0 = any free port")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--path", default="/stream")
    parser.add_argument("--name", default="camera")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--gop", type=int, default=0, help="frames between IDRs (default: fps)")
    parser.add_argument("--bitrate", type=int, default=1000, help="kbit/s")
    parser.add_argument("--font", default="NanumGothic Bold 14")
    parser.add_argument("--codec", default="h264-baseline", choices=sorted(ENCODERS),
                        help="what the camera sends (see ENCODERS)")
    parser.add_argument("--ignore-keyframe-requests", action="store_true",
                        help="drop PLI/FIR (force-key-unit) like many real cameras: IDRs only every --gop")
    return parser.parse_args()


# What a simulated camera sends: the encoder (fed I420 from the clock overlay) and the RTP
# payloader. The H.264 kinds are the profiles IP cameras ship with; B-frames cost a frame of
# reordering delay and browsers' WebRTC decoders do not take them, and H.265 needs a transcode
# in the hub (Main 10 is what it cannot serve). Every encoder obeys keyframe requests
# unless --ignore-keyframe-requests.
X264 = "x264enc name=enc speed-preset=ultrafast key-int-max={gop} threads=1 bitrate={bitrate} vbv-buf-capacity=1000"
X265 = ("x265enc name=enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bitrate={bitrate}"
        " option-string=\"repeat-headers=1:pools=1:frame-threads=1\"")
H264_PAY = "rtph264pay name=pay0 pt=96 config-interval=-1 aggregate-mode=zero-latency"
H265_PAY = "rtph265pay name=pay0 pt=96 config-interval=-1 aggregate-mode=zero-latency"
# x264 writes the lowest profile its tools need (ultrafast alone is constrained baseline):
# CABAC makes a stream Main, the 8x8 transform High, as on real cameras.
MAIN_TOOLS = 'option-string="cabac=1"'
HIGH_TOOLS = 'option-string="cabac=1:8x8dct=1"'
ENCODERS = {
    "h264-baseline": f"{X264} tune=zerolatency bframes=0 ! video/x-h264,profile=constrained-baseline,stream-format=avc,alignment=au ! {H264_PAY}",
    "h264-main": f"{X264} {MAIN_TOOLS} tune=zerolatency bframes=0 ! video/x-h264,profile=main,stream-format=avc,alignment=au ! {H264_PAY}",
    "h264-high": f"{X264} {HIGH_TOOLS} tune=zerolatency bframes=0 ! video/x-h264,profile=high,stream-format=avc,alignment=au ! {H264_PAY}",
    # No zerolatency tune: it turns B-frames off. No lookahead, so only the reordering delays.
    "h264-bframes": f"{X264} {HIGH_TOOLS} bframes=2 b-adapt=false rc-lookahead=0 sync-lookahead=0 ! video/x-h264,profile=high,stream-format=avc,alignment=au ! {H264_PAY}",
    "h265": f"{X265} ! video/x-h265,profile=main,stream-format=byte-stream,alignment=au ! {H265_PAY}",
    "h265-main10": f"videoconvert ! video/x-raw,format=I420_10LE ! {X265} ! video/x-h265,profile=main-10,stream-format=byte-stream,alignment=au ! {H265_PAY}",
}


def gst_quote(text):
    """Quotes a string for a gst-launch description."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FrameFeed:
    """Reads frames from stdin on its own thread and hands the newest to the current appsrc.

    stdin is always drained, client or not, so the Node writer never blocks; frames that
    arrive with no client connected (the farm stops writing on PULL 0) are dropped. appsrc queues at most one buffer and drops
    the older one (leaky downstream), so a slow encoder never builds up latency.
    """

    def __init__(self, frame_size, on_eof):
        self.frame_size = frame_size
        self.on_eof = on_eof
        self.lock = threading.Lock()
        self.appsrc = None
        self.frames_in = 0
        self.frames_pushed = 0

    def attach(self, appsrc):
        with self.lock:
            self.appsrc = appsrc

    def detach(self, appsrc):
        with self.lock:
            if self.appsrc is appsrc:
                self.appsrc = None

    def start(self):
        threading.Thread(target=self._run, name="frame-reader", daemon=True).start()

    def _run(self):
        fd = sys.stdin.fileno()
        try:
            # Whole frames fit in the pipe, so the writer's write completes without waiting.
            with open("/proc/sys/fs/pipe-max-size") as limit:
                size = min(self.frame_size * 2, int(limit.read()))
            fcntl.fcntl(fd, F_SETPIPE_SZ, max(size, 1 << 16))
        except OSError:
            pass
        stdin = os.fdopen(fd, "rb", buffering=0, closefd=False)
        frame = bytearray(self.frame_size)
        view = memoryview(frame)
        while True:
            filled = 0
            while filled < self.frame_size:
                try:
                    n = stdin.readinto(view[filled:])
                except OSError:
                    n = 0
                if not n:
                    GLib.idle_add(self.on_eof)
                    return
                filled += n
            self.frames_in += 1
            with self.lock:
                appsrc = self.appsrc
            if appsrc is not None:
                # Gst.Buffer.new_wrapped copies the bytes, so `frame` can be reused at once.
                appsrc.emit("push-buffer", Gst.Buffer.new_wrapped(bytes(frame)))
                self.frames_pushed += 1


def say(line):
    """One protocol line on stdout for the farm (see the module's docstring)."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


class CameraFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, args, feed):
        super().__init__()
        self.feed = feed
        self.media = None
        # Medias configured and not yet unprepared: one normally, briefly two when a new client
        # arrives while the last one's media is being torn down.
        self.live_medias = set()
        self.pull_lock = threading.Lock()  # media signals may come from the server's threads
        self.ignore_keyframe_requests = args.ignore_keyframe_requests
        gop = args.gop or args.fps
        caps = f"video/x-raw,format=I420,width={args.width},height={args.height},framerate={args.fps}/1"
        self.launch = (
            f"( appsrc name=src is-live=true do-timestamp=true format=time block=false"
            f" max-buffers=1 leaky-type=downstream caps={caps}"
            f" ! clockoverlay text={gst_quote(args.name)} time-format=\"%Y-%m-%d %H:%M:%S\""
            f" font-desc={gst_quote(args.font)} halignment=left valignment=bottom"
            f" shaded-background=true draw-outline=false draw-shadow=false"
            f" ! {ENCODERS[args.codec].format(gop=gop, bitrate=args.bitrate)} )"
        )
        self.set_launch(self.launch)
        self.set_shared(True)
        self.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
        # UDP transport: bind RTP/RTCP sockets to the camera's address, not 0.0.0.0 / ::.
        pool = GstRtspServer.RTSPAddressPool()
        pool.add_range(args.address, args.address, 20000, 60000, 0)
        self.set_address_pool(pool)
        self.connect("media-configure", self._on_media_configure)

    def _on_media_configure(self, _factory, media):
        self.media = media
        element = media.get_element()
        appsrc = element.get_by_name("src")
        self.feed.attach(appsrc)
        media.connect("unprepared", lambda _m: self._on_unprepared(media, appsrc))
        self._set_pulled(media, True)
        if self.ignore_keyframe_requests:
            deaf_to_keyframe_requests(element.get_by_name("enc"))
        # The sinks the server adds for each transport must never wait on the clock: see
        # never_sync(). The pipeline exists by now (media-configure follows construction).
        element.get_parent().connect("deep-element-added", lambda _bin, _sub, child: never_sync(child))
        log("media configured")


    def _on_unprepared(self, media, appsrc):
        self.feed.detach(appsrc)
        self._set_pulled(media, False)

    def _set_pulled(self, media, live):
        # The first frame is needed at once: a media prepares (and answers DESCRIBE) only once
        # its encoder has produced caps, and a fresh encoder starts with an IDR.
        with self.pull_lock:
            was = bool(self.live_medias)
            if live:
                self.live_medias.add(media)
            else:
                self.live_medias.discard(media)
            if bool(self.live_medias) != was:
                say(f"PULL {1 if self.live_medias else 0}")


def deaf_to_keyframe_requests(encoder):
    """Drops force-key-unit events before they reach the encoder: PLI/FIR get no IDR."""

    def drop(_pad, info):
        event = info.get_event()
        structure = event.get_structure() if event is not None else None
        if structure is not None and structure.get_name() == "GstForceKeyUnit":
            return Gst.PadProbeReturn.DROP
        return Gst.PadProbeReturn.OK

    encoder.get_static_pad("src").add_probe(Gst.PadProbeType.EVENT_UPSTREAM, drop)


def never_sync(element):
    """Keeps a sink of the RTSP server from syncing on the clock.

    The server plugs its TCP appsink / UDP sinks on PLAY and turns their `sync` on ("rate
    control", for ONVIF replay). Frames are already paced by their source and stamped on
    arrival, so syncing only adds waiting; worse, under CPU load the first RTP packet of a
    fresh media can end up waiting on the clock indefinitely (GStreamer 1.22: the client gets
    PLAY 200 and then nothing). So sync is forced off, now and whenever it is set again.
    """
    if not isinstance(element, GstBase.BaseSink):
        return

    def force_off(sink, _pspec):
        if sink.get_property("sync"):
            sink.set_property("sync", False)

    element.set_property("sync", False)
    element.connect("notify::sync", force_off)


def set_tcp_nodelay(client):
    """RTSP over TCP interleaves RTP on the RTSP socket: disable Nagle there (≈44 ms spikes)."""
    connection = client.get_connection()
    if connection is None:
        return
    for gsocket in {connection.get_read_socket(), connection.get_write_socket()}:
        if gsocket is None:
            continue
        try:
            gsocket.set_option(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except GLib.Error as error:
            log(f"TCP_NODELAY failed: {error.message}")


def dump_state(factory, feed):
    media = factory.media
    log(f"state: {feed.frames_in} frames in, {feed.frames_pushed} pushed")
    if media is not None:
        log(f"state: media {media.get_status().value_nick}")

        def walk(element, depth):
            _, current, pending = element.get_state(0)
            sync = element.get_property("sync") if element.find_property("sync") else "-"
            log(f"state: {'  ' * depth}{element.get_name()} {current.value_nick}"
                f" (pending {pending.value_nick}) sync={sync}")
            if isinstance(element, Gst.Bin):
                for child in element.iterate_elements():
                    walk(child, depth + 1)

        walk(media.get_element().get_parent(), 1)
    return GLib.SOURCE_CONTINUE


def main():
    args = parse_args()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    Gst.init(None)
    loop = GLib.MainLoop()

    def quit_loop(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, quit_loop)

    feed = FrameFeed(args.width * args.height * 3 // 2, quit_loop)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    server.connect("client-connected", lambda _server, client: set_tcp_nodelay(client))
    factory = CameraFactory(args, feed)
    server.get_mount_points().add_factory(args.path, factory)
    if server.attach(None) == 0:
        log(f"cannot listen on {args.address}:{args.port}")
        sys.exit(2)

    # kill -USR1 <pid>: the state of the current pipeline on stderr, for debugging.
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGUSR1, lambda: dump_state(factory, feed))
    feed.start()
    say(f"READY {server.get_bound_port()}")
    try:
        loop.run()
    finally:
        log(f"exit: {feed.frames_in} frames in, {feed.frames_pushed} pushed")
    # Skip interpreter teardown: GStreamer threads may still be running.
    os._exit(0)


if __name__ == "__main__":
    main()
