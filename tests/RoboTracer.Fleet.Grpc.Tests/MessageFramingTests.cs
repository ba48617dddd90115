using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoboTracer.Fleet.Grpc.Protocol;

namespace RoboTracer.Fleet.Grpc.Tests;

public sealed class MessageFramingTests
{
    [Fact]
    public void Write_prefixes_flag_and_big_endian_length()
    {
        var framed = MessageFraming.ToArray(new StringValue { Value = "abc" }, 1024);

        // StringValue{value="abc"} is 0x0A 0x03 'a' 'b' 'c': five bytes.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 5, 0x0A, 3, (byte)'a', (byte)'b', (byte)'c' }, framed);
    }

    [Fact]
    public void Write_over_the_limit_is_resource_exhausted()
    {
        var error = Assert.Throws<RpcException>(() => MessageFraming.ToArray(new BytesValue { Value = ByteString.CopyFrom(new byte[100]) }, 50));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("102 vs. 50", error.Status.Detail);
    }

    [Fact]
    public void TryRead_waits_for_the_whole_message()
    {
        var framed = MessageFraming.ToArray(new StringValue { Value = "hello" }, 1024);
        for (var cut = 0; cut < framed.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(framed, 0, cut);
            Assert.False(MessageFraming.TryRead(ref partial, 1024, out _, out _));
        }
        var whole = new ReadOnlySequence<byte>(framed);
        Assert.True(MessageFraming.TryRead(ref whole, 1024, out var payload, out var compressed));
        Assert.False(compressed);
        Assert.Equal("hello", StringValue.Parser.ParseFrom(payload).Value);
        Assert.Equal(0, whole.Length);
    }

    [Fact]
    public void TryRead_rejects_an_announced_oversize_before_the_body_arrives()
    {
        var header = new ReadOnlySequence<byte>(new byte[] { 0, 0x01, 0, 0, 0 });
        var error = Assert.Throws<RpcException>(() => MessageFraming.TryRead(ref header, 1024, out _, out _));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public void TryRead_rejects_an_unknown_compressed_flag()
    {
        var garbage = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0, 0, 0, 1, 0 });
        var error = Assert.Throws<RpcException>(() => MessageFraming.TryRead(ref garbage, 1024, out _, out _));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Fact]
    public async Task Reader_reads_messages_split_across_pipe_writes()
    {
        var pipe = new Pipe();
        var bytes = MessageFraming.ToArray(new StringValue { Value = "one" }, 1024).Concat(MessageFraming.ToArray(new StringValue { Value = "two" }, 1024)).ToArray();
        var reader = new MessageReader<StringValue>(pipe.Reader, StringValue.Parser, 1024, null);
        var writing = Task.Run(async () =>
        {
            foreach (var b in bytes)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }
            await pipe.Writer.CompleteAsync();
        });

        Assert.Equal("one", (await reader.ReadAsync(default))!.Value);
        Assert.Equal("two", (await reader.ReadAsync(default))!.Value);
        Assert.Null(await reader.ReadAsync(default));
        await writing;
    }

    [Fact]
    public async Task Reader_reports_a_stream_that_ends_inside_a_frame()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 });
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader<StringValue>(pipe.Reader, StringValue.Parser, 1024, null);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("Incomplete message", error.Status.Detail);
    }

    [Fact]
    public async Task Reader_inflates_gzip_messages_when_the_call_declares_gzip()
    {
        var message = new StringValue { Value = new string('x', 1000) }.ToByteArray();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(message);
        }
        var body = new byte[5 + compressed.Length];
        body[0] = 1;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)compressed.Length);
        compressed.ToArray().CopyTo(body, 5);
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(body);
        await pipe.Writer.CompleteAsync();

        var withGzip = new MessageReader<StringValue>(pipe.Reader, StringValue.Parser, 4096, "gzip");
        Assert.Equal(1000, (await withGzip.ReadAsync(default))!.Value.Length);
    }

    [Fact]
    public async Task Reader_rejects_a_compressed_message_without_an_encoding()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 1, 0, 0, 0, 1, 0 });
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader<StringValue>(pipe.Reader, StringValue.Parser, 1024, null);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("compressed flag", error.Status.Detail);
    }

    [Fact]
    public async Task Reader_reports_bytes_that_are_not_the_message_type()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF });
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader<StringValue>(pipe.Reader, StringValue.Parser, 1024, null);

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(default).AsTask());

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("Failed to deserialize StringValue", error.Status.Detail);
    }
}
