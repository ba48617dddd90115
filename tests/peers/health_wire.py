"""grpc.health.v1 messages encoded by hand, shared by the interop peers.

The peers use no generated code (Debian's python3-grpcio ships no protoc), and
the health messages are one field each, so a minimal protobuf wire codec is
enough:

    HealthCheckRequest  { string service = 1; }
    HealthCheckResponse { ServingStatus status = 1; }   (enum = varint)
"""

UNKNOWN, SERVING, NOT_SERVING, SERVICE_UNKNOWN = 0, 1, 2, 3

_WIRE_VARINT, _WIRE_64BIT, _WIRE_LENGTH, _WIRE_32BIT = 0, 1, 2, 5


def encode_varint(value):
    """Encodes a non-negative int as a base-128 varint."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, pos):
    """Decodes a base-128 varint at data[pos:]; returns (value, new_pos)."""
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 64:
            raise ValueError("varint too long")


def fields(data):
    """Yields (field number, value) for varint and length-delimited fields;
    fixed-size fields are skipped."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        field, wire_type = key >> 3, key & 7
        if wire_type == _WIRE_VARINT:
            value, pos = read_varint(data, pos)
            yield field, value
        elif wire_type == _WIRE_LENGTH:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated field")
            yield field, data[pos:pos + length]
            pos += length
        elif wire_type == _WIRE_64BIT:
            pos += 8
        elif wire_type == _WIRE_32BIT:
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire_type)
        if pos > len(data):
            raise ValueError("truncated field")


def encode_request(service):
    """HealthCheckRequest; proto3 omits the default (empty) service."""
    if not service:
        return b""
    raw = service.encode("utf-8")
    return b"\x0a" + encode_varint(len(raw)) + raw


def decode_request(data):
    """HealthCheckRequest -> service name."""
    service = ""
    for field, value in fields(data):
        if field == 1 and isinstance(value, bytes):
            service = value.decode("utf-8")
    return service


def encode_response(status):
    """HealthCheckResponse; proto3 omits the default (UNKNOWN) status."""
    if status == UNKNOWN:
        return b""
    return b"\x08" + encode_varint(status)


def decode_response(data):
    """HealthCheckResponse -> status number."""
    status = UNKNOWN
    for field, value in fields(data):
        if field == 1 and isinstance(value, int):
            status = value
    return status
