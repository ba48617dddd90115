using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RoboTracer.Fleet.Vision.Tests.Codecs;

/// <summary>
/// Builds PNG files chunk by chunk for tests, with its own bit-by-bit CRC-32 (not the codec's table), so
/// hand-made files check the decoder rather than agree with it by construction.
/// </summary>
public sealed class PngBuilder
{
    private readonly MemoryStream _file = new();

    public PngBuilder(bool signature = true)
    {
        if (signature)
        {
            _file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        }
    }

    public static byte[] Header(int width, int height, int bitDepth, int colorType, int interlace = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        data[8] = (byte)bitDepth;
        data[9] = (byte)colorType;
        data[12] = (byte)interlace;
        return data;
    }

    public static byte[] Deflate(byte[] filteredScanlines)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(filteredScanlines);
        }
        return output.ToArray();
    }

    /// <summary>A whole file: IHDR, optional extra chunks, the deflated scanlines split into <paramref name="idatParts"/> IDATs, IEND.</summary>
    public static byte[] Image(byte[] header, byte[] filteredScanlines, int idatParts = 1, params (string Type, byte[] Data)[] extra)
    {
        var builder = new PngBuilder().Chunk("IHDR", header);
        foreach (var (type, data) in extra)
        {
            builder.Chunk(type, data);
        }
        var compressed = Deflate(filteredScanlines);
        for (var i = 0; i < idatParts; i++)
        {
            var start = compressed.Length * i / idatParts;
            var end = compressed.Length * (i + 1) / idatParts;
            builder.Chunk("IDAT", compressed[start..end]);
        }
        return builder.Chunk("IEND", []).ToArray();
    }

    public PngBuilder Chunk(string type, byte[] data, uint? crc = null)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        _file.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        _file.Write(typeBytes);
        _file.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc ?? Crc([.. typeBytes, .. data]));
        _file.Write(word);
        return this;
    }

    public byte[] ToArray() => _file.ToArray();

    public static uint Crc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }
        return ~crc;
    }
}
