#!/usr/bin/python3
"""Python (grpcio) implementation of the fleet.testing.Echo interop service.

Used as a peer by the C# gRPC test suite: the C# client is tested against
this server.  No generated code is used: the messages are the well-known
google.protobuf wrapper types and the handlers are registered through
grpc's generic handler API.  grpc.health.v1.Health/Check is served with a
hand-written protobuf encoding.

The first stdout line is ``{"event":"listening","port":N}``; every further
stdout line is one JSON object describing a notable server-side event:

    {"event":"cancelled","method":"ServerStream"}  client cancelled mid-call
    {"event":"deadline","method":"Unary"}          call hit its deadline
    {"event":"stopping"}                           shutdown requested

Calls still running when the shutdown grace period ends are cancelled by
the server itself and logged as "cancelled" after the "stopping" line.

With --bench, Unary is a raw-bytes echo (no metadata behaviours, no
per-call bookkeeping) for benchmarks; the other methods are unchanged.

Run with /usr/bin/python3 (Debian's python3-grpcio / python3-protobuf).
"""

import argparse
import json
import signal
import sys
import threading
import time
from concurrent import futures

import grpc
from google.protobuf import wrappers_pb2

import health_wire

SERVICE = "fleet.testing.Echo"
HEALTH_SERVICE = "grpc.health.v1.Health"

# Exercises percent-encoding of grpc-message: non-ASCII characters and '%'.
UNICODE_MESSAGE = "not here: é ☃ 机器人 100%"

MIB = 1024 * 1024


# How often a sleeping handler re-checks context.is_active().  The
# termination callback normally wakes it first; polling is a safety net.
POLL_INTERVAL_S = 0.05

# A deadline-expired call can be seen by the server as a plain cancellation
# that arrives a little *before* its own deadline timer fires: the client's
# timer expires first and it resets the stream (RST_STREAM), and the server's
# deadline was computed later, from the grpc-timeout header on arrival.  So
# a termination this close to the deadline is reported as "deadline".
DEADLINE_SLACK_S = 0.1


class EventLog:
    """Writes one JSON object per line to stdout, safely across threads."""

    def __init__(self, stream=sys.stdout):
        self._stream = stream
        self._lock = threading.Lock()

    def emit(self, **fields):
        line = json.dumps(fields, separators=(",", ":"))
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def _cancelled_per_grpc_internals(context):
    """True/False from grpcio's private per-call state; None if unknown.

    Needed because request-streaming handlers cannot tell a cancellation
    from a clean end of stream: grpcio 1.51 often completes the pending
    receive first, and the request iterator then just stops
    (StopIteration) before the cancellation itself is processed.  Only
    the core's "receive close on server" result, stored as
    _state.client == "cancelled", is reliable.  Private API, so a missing
    attribute falls back to the public heuristic in CallWatch.
    """
    client = getattr(getattr(context, "_state", None), "client", None)
    if client is None:
        return None
    return client == "cancelled"


class CallWatch:
    """Reports RPCs that end by client cancellation or deadline.

    grpcio 1.51 has no public "was this call cancelled" API on the server.
    context.add_callback() fires once the RPC has fully terminated, for
    *any* reason.  The handler marks itself finished when it chose the
    outcome (normal return, or context.abort()); a callback that finds the
    handler unfinished means the call ended under it.  That misses
    cancellations that look like a clean end of the request stream, so the
    callback also consults grpcio's internal state (see above).

    Use as a context manager around the handler body.
    """

    def __init__(self, context, method, log):
        self._context = context
        self._method = method
        self._log = log
        self._lock = threading.Lock()
        self._finished = False
        self.terminated = threading.Event()
        if not context.add_callback(self._on_terminated):
            # The RPC already ended before the handler started running.
            self._on_terminated()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        # Exits that mean "the server chose the outcome": a normal return,
        # or an ordinary exception (context.abort() raises a plain
        # Exception; other bugs become UNKNOWN).  grpc.RpcError is what the
        # request iterator raises once the call was cancelled, and
        # GeneratorExit (a BaseException) is a stream handler being
        # discarded after the call ended: neither counts as finishing.
        finished = exc_type is None or (
            issubclass(exc_type, Exception)
            and not issubclass(exc_type, grpc.RpcError))
        with self._lock:
            self._finished = self._finished or finished
        return False

    def _on_terminated(self):
        with self._lock:
            finished = self._finished
        self.terminated.set()
        if finished and not _cancelled_per_grpc_internals(self._context):
            return
        # Deadline expiry also reaches the server as a cancellation.
        # time_remaining() is max(deadline - now, 0); ~9.2e18 if none.
        if self._context.time_remaining() <= DEADLINE_SLACK_S:
            event = "deadline"
        else:
            event = "cancelled"
        self._log.emit(event=event, method=self._method)

    def sleep(self, seconds):
        """Sleeps up to `seconds`; returns False if the call ended first."""
        deadline = time.monotonic() + seconds
        while True:
            if not self._context.is_active():
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if self.terminated.wait(min(remaining, POLL_INTERVAL_S)):
                return False


def _metadata(context):
    """Invocation metadata as a dict (last value wins for repeated keys)."""
    return {key: value for key, value in context.invocation_metadata()}


def _int_metadata(context, metadata, key):
    """Parses an integer metadata value; aborts INVALID_ARGUMENT if bad."""
    raw = metadata.get(key)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      "metadata %s must be an integer, got %r" % (key, raw))


_CODES_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


class EchoService:
    """Handlers for fleet.testing.Echo."""

    def __init__(self, log):
        self._log = log

    def unary(self, request, context):
        with CallWatch(context, "Unary", self._log) as watch:
            metadata = _metadata(context)
            fail_code = _int_metadata(context, metadata, "x-fail-code")
            if fail_code is not None:
                code = _CODES_BY_NUMBER.get(fail_code)
                if code is None or code is grpc.StatusCode.OK:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                  "x-fail-code must be 1..16, got %d"
                                  % fail_code)
                context.abort(code, UNICODE_MESSAGE)
            sleep_ms = _int_metadata(context, metadata, "x-sleep-ms")
            if sleep_ms is not None and sleep_ms > 0:
                if not watch.sleep(sleep_ms / 1000.0):
                    # The call is over (cancelled or deadline); grpc drops
                    # whatever we return, so just stop working.
                    return wrappers_pb2.BytesValue()
            return wrappers_pb2.BytesValue(value=request.value)

    def server_stream(self, request, context):
        with CallWatch(context, "ServerStream", self._log) as watch:
            try:
                count = int(request.value)
            except ValueError:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              "request must be a decimal count, got %r"
                              % request.value)
            interval_ms = _int_metadata(context, _metadata(context),
                                        "x-interval-ms") or 0
            for i in range(count):
                if i > 0 and interval_ms > 0:
                    if not watch.sleep(interval_ms / 1000.0):
                        return
                if not context.is_active():
                    return
                yield wrappers_pb2.StringValue(value=str(i))

    def client_stream(self, request_iterator, context):
        with CallWatch(context, "ClientStream", self._log):
            values = [request.value for request in request_iterator]
            return wrappers_pb2.StringValue(value=",".join(values))

    def bidi(self, request_iterator, context):
        with CallWatch(context, "Bidi", self._log):
            # Yielding per request (rather than collecting first) is what
            # makes the responses interleave with the requests.
            for request in request_iterator:
                yield wrappers_pb2.StringValue(value="echo:" + request.value)


def bench_unary(request_bytes, context):
    """Cheapest possible Unary echo for benchmarks.

    Registered without (de)serializers, so grpc hands over the raw request
    bytes; echoing the serialized BytesValue is byte-for-byte the same as
    parsing it and re-serializing a BytesValue with the same value.  No
    metadata inspection, callbacks or logging.
    """
    return request_bytes


# --- grpc.health.v1.Health ------------------------------------------------

def health_check(request_bytes, context):
    try:
        service = health_wire.decode_request(request_bytes)
    except (ValueError, UnicodeDecodeError) as error:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                      "bad HealthCheckRequest: %s" % error)
    if service in ("", SERVICE):
        return health_wire.encode_response(health_wire.SERVING)
    # Same as grpc's reference health servicer for unknown services.
    context.abort(grpc.StatusCode.NOT_FOUND, "unknown service: " + service)


# --- wiring -----------------------------------------------------------------

def build_handlers(log, bench):
    echo = EchoService(log)
    if bench:
        unary = grpc.unary_unary_rpc_method_handler(bench_unary)
    else:
        unary = grpc.unary_unary_rpc_method_handler(
            echo.unary,
            request_deserializer=wrappers_pb2.BytesValue.FromString,
            response_serializer=wrappers_pb2.BytesValue.SerializeToString)
    string_in = wrappers_pb2.StringValue.FromString
    string_out = wrappers_pb2.StringValue.SerializeToString
    echo_handler = grpc.method_handlers_generic_handler(SERVICE, {
        "Unary": unary,
        "ServerStream": grpc.unary_stream_rpc_method_handler(
            echo.server_stream, string_in, string_out),
        "ClientStream": grpc.stream_unary_rpc_method_handler(
            echo.client_stream, string_in, string_out),
        "Bidi": grpc.stream_stream_rpc_method_handler(
            echo.bidi, string_in, string_out),
    })
    # No (de)serializers: the health handler works on raw bytes.
    health_handler = grpc.method_handlers_generic_handler(HEALTH_SERVICE, {
        "Check": grpc.unary_unary_rpc_method_handler(health_check),
    })
    return [echo_handler, health_handler]


def _port(text):
    # grpc would silently wrap an out-of-range port (70000 -> 4464).
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be 0..65535")
    return port


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=_port, required=True,
                        help="port to listen on; 0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--max-message-bytes", type=int, default=16 * MIB,
                        help="max send and receive message size "
                             "(default: 16 MiB)")
    parser.add_argument("--workers", type=int, default=16,
                        help="handler thread pool size (default: 16)")
    parser.add_argument("--bench", action="store_true",
                        help="serve Unary as a raw-bytes echo with no "
                             "metadata behaviours, for benchmarks")
    parser.add_argument("--exit-on-stdin-close", action="store_true",
                        help="shut down when stdin reaches EOF, so the peer "
                             "dies with its parent process")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    log = EventLog()

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.workers),
        handlers=build_handlers(log, args.bench),
        options=[
            ("grpc.max_receive_message_length", args.max_message_bytes),
            ("grpc.max_send_message_length", args.max_message_bytes),
            # grpcio enables SO_REUSEPORT by default, which would let a
            # fixed --port silently share a port with another server.
            ("grpc.so_reuseport", 0),
        ])
    address = "%s:%d" % (args.host, args.port)
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as error:  # newer grpcio raises instead of 0
        print("cannot bind %s: %s" % (address, error), file=sys.stderr)
        return 1
    if port == 0:
        print("cannot bind %s" % address, file=sys.stderr)
        return 1
    server.start()

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.exit_on_stdin_close:
        def watch_stdin():
            # Blocks until the parent closes the pipe (or dies).
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()

        threading.Thread(target=watch_stdin, name="stdin-watch",
                         daemon=True).start()

    log.emit(event="listening", port=port)

    # A timed wait keeps the main thread responsive to signals.
    while not stop.wait(0.5):
        pass
    # Calls still running after the grace period are cancelled by the
    # server and logged as "cancelled"; this line tells them apart.
    log.emit(event="stopping")
    server.stop(grace=1.0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
