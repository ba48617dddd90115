#!/usr/bin/python3
"""Python (grpcio) client for the fleet.testing.Echo interop service.

Used as a peer by the C# gRPC test suite: runs one case against a server
(normally the C# one) and prints exactly one JSON line describing what it
observed.  Exit status is 0 whenever a case ran, whatever the RPC outcome;
non-zero only for a usage error or an unexpected Python exception.

No generated code is used: the messages are the google.protobuf wrapper
types, and grpc.health.v1 messages are encoded by hand.

Run with /usr/bin/python3 (Debian's python3-grpcio / python3-protobuf).
"""

import argparse
import json
import queue
import sys

import grpc
from google.protobuf import wrappers_pb2

import health_wire

SERVICE = "fleet.testing.Echo"
MIB = 1024 * 1024

# Generous client limits, so that the *server's* limit is what gets tested.
CLIENT_MAX_MESSAGE_BYTES = 32 * MIB

HEALTH_STATUS_NAMES = {
    0: "UNKNOWN",
    1: "SERVING",
    2: "NOT_SERVING",
    3: "SERVICE_UNKNOWN",
}

_BYTES_IN = wrappers_pb2.BytesValue.SerializeToString
_BYTES_OUT = wrappers_pb2.BytesValue.FromString
_STRING_IN = wrappers_pb2.StringValue.SerializeToString
_STRING_OUT = wrappers_pb2.StringValue.FromString


def _path(method):
    return "/%s/%s" % (SERVICE, method)


def _error_result(error, **extra):
    """JSON result for a failed RPC (an RpcError is also a grpc.Call)."""
    result = {"code": error.code().name, "details": error.details()}
    result.update(extra)
    return result


def pattern_bytes(length):
    """Deterministic, non-trivial payload: byte i is i % 251."""
    block = bytes(range(251))
    repeats, rest = divmod(length, len(block))
    return block * repeats + block[:rest]


# --- cases -------------------------------------------------------------------
# Each case takes (channel, timeout) and returns the JSON-able result.  An
# RpcError escaping a case is reported by main() as {"code", "details"}.

def case_unary(channel, timeout):
    call = channel.unary_unary(_path("Unary"), _BYTES_IN, _BYTES_OUT)
    response = call(wrappers_pb2.BytesValue(value=b"hello fleet"),
                    timeout=timeout)
    return {"code": "OK", "value_hex": response.value.hex()}


def case_large(channel, timeout):
    payload = pattern_bytes(8 * MIB)
    call = channel.unary_unary(_path("Unary"), _BYTES_IN, _BYTES_OUT)
    response = call(wrappers_pb2.BytesValue(value=payload), timeout=timeout)
    return {"code": "OK", "length": len(response.value),
            "intact": response.value == payload}


def case_over_limit(channel, timeout):
    # Above the server's 16 MiB default, below this client's 32 MiB limit.
    payload = pattern_bytes(17 * MIB)
    call = channel.unary_unary(_path("Unary"), _BYTES_IN, _BYTES_OUT)
    try:
        response = call(wrappers_pb2.BytesValue(value=payload),
                        timeout=timeout)
    except grpc.RpcError as error:
        return _error_result(error)
    return {"code": "OK", "details": "", "length": len(response.value)}


def case_server_stream(channel, timeout):
    call = channel.unary_stream(_path("ServerStream"), _STRING_IN,
                                _STRING_OUT)
    responses = call(wrappers_pb2.StringValue(value="5"), timeout=timeout)
    return {"code": "OK", "values": [r.value for r in responses]}


def case_client_stream(channel, timeout):
    call = channel.stream_unary(_path("ClientStream"), _STRING_IN,
                                _STRING_OUT)
    requests = (wrappers_pb2.StringValue(value=v) for v in ("a", "b", "c"))
    response = call(requests, timeout=timeout)
    return {"code": "OK", "value": response.value}


def case_bidi(channel, timeout):
    # The request iterator is fed from a queue so each message is only
    # offered to grpc after the echo of the previous one has been read: a
    # server that buffers until end-of-stream would deadlock (and time out)
    # instead of passing.
    outgoing = queue.Queue()
    done = object()

    def requests():
        while True:
            item = outgoing.get()
            if item is done:
                return
            yield item

    call = channel.stream_stream(_path("Bidi"), _STRING_IN, _STRING_OUT)
    responses = call(requests(), timeout=timeout)
    values = []
    try:
        for value in ("x", "y", "z"):
            outgoing.put(wrappers_pb2.StringValue(value=value))
            values.append(next(responses).value)
        outgoing.put(done)
        # Drain: the stream must end cleanly with no further messages.
        for extra in responses:
            values.append(extra.value)
    except grpc.RpcError as error:
        outgoing.put(done)
        return _error_result(error, values=values)
    except StopIteration:
        # Server ended the stream early (with OK) before echoing everything.
        outgoing.put(done)
    return {"code": "OK", "values": values}


def case_deadline(channel, timeout):
    call = channel.unary_unary(_path("Unary"), _BYTES_IN, _BYTES_OUT)
    # Connected first: the call's 0.3 s deadline also covers connecting, and on a loaded machine the connection
    # alone can take that long; the call would then expire in the client before the server ever saw it.
    grpc.channel_ready_future(channel).result(timeout=timeout)
    try:
        call(wrappers_pb2.BytesValue(value=b"slow"), timeout=0.3,
             metadata=(("x-sleep-ms", "10000"),))
    except grpc.RpcError as error:
        return _error_result(error)
    return {"code": "OK", "details": ""}


def case_error_unicode(channel, timeout):
    call = channel.unary_unary(_path("Unary"), _BYTES_IN, _BYTES_OUT)
    try:
        call(wrappers_pb2.BytesValue(value=b"fail"), timeout=timeout,
             metadata=(("x-fail-code", "5"),))
    except grpc.RpcError as error:
        # grpcio percent-decodes grpc-message and returns it as str.
        return _error_result(error)
    return {"code": "OK", "details": ""}


def case_cancel(channel, timeout):
    call = channel.unary_stream(_path("ServerStream"), _STRING_IN,
                                _STRING_OUT)
    responses = call(wrappers_pb2.StringValue(value="1000"), timeout=timeout,
                     metadata=(("x-interval-ms", "50"),))
    received = 0
    try:
        for _ in responses:
            received += 1
            if received == 2:
                responses.cancel()
    except grpc.RpcError as error:
        # Expected: iterating a cancelled call raises with CANCELLED.
        return {"code": error.code().name, "received": received}
    # The stream completed without the cancel taking effect.
    return {"code": responses.code().name, "received": received}


def case_unimplemented(channel, timeout):
    call = channel.unary_unary(_path("Nope"), _BYTES_IN, _BYTES_OUT)
    try:
        call(wrappers_pb2.BytesValue(value=b"?"), timeout=timeout)
    except grpc.RpcError as error:
        return _error_result(error)
    return {"code": "OK", "details": ""}


# --- grpc.health.v1 -------------------------------------------------------

def case_health(channel, timeout):
    # No (de)serializers: requests and responses are raw bytes.
    check = channel.unary_unary("/grpc.health.v1.Health/Check")

    def probe(service):
        """Returns (status code name, serving status name or None)."""
        try:
            response = check(health_wire.encode_request(service), timeout=timeout)
        except grpc.RpcError as error:
            return error.code().name, None
        status = health_wire.decode_response(response)
        return "OK", HEALTH_STATUS_NAMES.get(status, str(status))

    overall_code, overall = probe("")
    echo_code, echo = probe(SERVICE)
    unknown_code, unknown = probe("no.such.Service")
    # Top-level code: the first failure among the checks expected to pass.
    code = next((c for c in (overall_code, echo_code) if c != "OK"), "OK")
    result = {"code": code, "overall": overall, "echo": echo,
              "unknown_code": unknown_code}
    if unknown is not None:
        result["unknown"] = unknown  # the server answered instead of failing
    return result


CASES = {
    "unary": case_unary,
    "large": case_large,
    "over_limit": case_over_limit,
    "server_stream": case_server_stream,
    "client_stream": case_client_stream,
    "bidi": case_bidi,
    "deadline": case_deadline,
    "error_unicode": case_error_unicode,
    "cancel": case_cancel,
    "unimplemented": case_unimplemented,
    "health": case_health,
}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True,
                        help="server address, e.g. 127.0.0.1:5000")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="per-call deadline in seconds, so a broken "
                             "server fails the case instead of hanging it "
                             "(the deadline case always uses 0.3 s)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    options = [
        ("grpc.max_receive_message_length", CLIENT_MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", CLIENT_MAX_MESSAGE_BYTES),
    ]
    with grpc.insecure_channel(args.target, options=options) as channel:
        try:
            result = CASES[args.case](channel, args.timeout)
        except grpc.RpcError as error:
            result = _error_result(error)
    # json.dumps escapes non-ASCII (\uXXXX), so the output does not depend
    # on the locale's stdout encoding.
    print(json.dumps(result, separators=(",", ":")),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
