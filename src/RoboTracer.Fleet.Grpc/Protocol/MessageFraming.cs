using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;

namespace RoboTracer.Fleet.Grpc.Protocol;

/// <summary>
/// Length-prefixed messages (PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): a compressed-flag byte, a 4-byte
/// big-endian length, then the message. Shared by the server (request bodies) and the client (response bodies).
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>
    /// Writes one framed message. The size is checked before a byte is written, so an oversized message fails
    /// the call with RESOURCE_EXHAUSTED and leaves the stream intact.
    /// </summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int maxSize)
    {
        var size = message.CalculateSize();
        if (size > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message larger than max ({size} vs. {maxSize}).");
        }
        var header = writer.GetSpan(HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        writer.Advance(HeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    /// <summary>A framed message as one array, for request bodies whose length is known up front.</summary>
    public static byte[] ToArray(IMessage message, int maxSize)
    {
        var writer = new ArrayBufferWriter<byte>(HeaderSize + message.CalculateSize());
        Write(writer, message, maxSize);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Takes one whole message off the front of <paramref name="buffer"/>. False when the buffer holds only part of
    /// one; throws RESOURCE_EXHAUSTED as soon as the length prefix announces a message over the limit, before the
    /// body is buffered.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxSize, out ReadOnlySequence<byte> payload, out bool compressed)
    {
        payload = default;
        compressed = false;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message prefix: expected 0 or 1."),
        };
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxSize}).");
        }
        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }
        payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Inflates a gzip-compressed message, enforcing the size limit on the inflated bytes.</summary>
    public static ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> payload, int maxSize)
    {
        using var input = new MemoryStream(payload.ToArray());
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"Received message larger than max (over {maxSize} bytes after decompression).");
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(StatusCode.Internal, $"Message is not valid gzip: {ex.Message}");
        }
        return new ReadOnlySequence<byte>(output.GetBuffer(), 0, (int)output.Length);
    }
}

/// <summary>
/// Reads framed messages of one type from a pipe: the request body on the server, the response body on the client.
/// </summary>
internal sealed class MessageReader<T>(PipeReader reader, MessageParser<T> parser, int maxSize, string? encoding)
    where T : IMessage<T>
{
    /// <summary>
    /// The next message, or null when the stream ended cleanly between messages. A stream that ends inside a
    /// message is INTERNAL: the peer sent a truncated frame.
    /// </summary>
    public async ValueTask<T?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (MessageFraming.TryRead(ref buffer, maxSize, out var payload, out var compressed))
            {
                var message = Parse(payload, compressed);
                reader.AdvanceTo(buffer.Start);
                return message;
            }
            if (result.IsCompleted)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (leftover == 0)
                {
                    return default;
                }
                throw new RpcException(StatusCode.Internal, $"Incomplete message: the stream ended with {leftover} bytes of an unfinished frame.");
            }
            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            // Not a whole message yet: mark everything examined so the next read waits for more bytes.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private T Parse(ReadOnlySequence<byte> payload, bool compressed)
    {
        if (compressed)
        {
            if (encoding is null || string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
            {
                throw new RpcException(StatusCode.Internal, "Message has the compressed flag set but the call declares no grpc-encoding.");
            }
            payload = MessageFraming.Decompress(payload, maxSize);
        }
        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"Failed to deserialize {typeof(T).Name}: {ex.Message}");
        }
    }
}
