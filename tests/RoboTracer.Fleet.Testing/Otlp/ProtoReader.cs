namespace RoboTracer.Fleet.Testing.Otlp;

/// <summary>
/// Just enough of the protobuf wire format (protobuf.dev "Encoding") to walk OTLP messages: each field is a varint
/// key (number &lt;&lt; 3 | wire type) then a varint (0), 8 bytes (1), a length-prefixed payload (2) or 4 bytes (5).
/// </summary>
public static class ProtoReader
{
    public static IEnumerable<ProtoField> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message.Span, ref position);
            var number = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    yield return new ProtoField(number, ReadVarint(message.Span, ref position), ReadOnlyMemory<byte>.Empty);
                    break;
                case 1:
                    yield return new ProtoField(number, BitConverter.ToUInt64(message.Span.Slice(position, 8)), message.Slice(position, 8));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return new ProtoField(number, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new ProtoField(number, BitConverter.ToUInt32(message.Span.Slice(position, 4)), message.Slice(position, 4));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported wire type {wireType} for field {number}.");
            }
        }
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int fieldNumber) =>
        Fields(message).Where(f => f.Number == fieldNumber).Select(f => f.Bytes);

    public static ReadOnlyMemory<byte> Message(ReadOnlyMemory<byte> message, int fieldNumber) =>
        Messages(message, fieldNumber).LastOrDefault();

    public static string String(ReadOnlyMemory<byte> message, int fieldNumber) =>
        System.Text.Encoding.UTF8.GetString(Message(message, fieldNumber).Span);

    public static ulong Varint(ReadOnlyMemory<byte> message, int fieldNumber) =>
        Fields(message).Where(f => f.Number == fieldNumber).Select(f => f.Value).LastOrDefault();

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException("Varint longer than 10 bytes.");
    }
}
