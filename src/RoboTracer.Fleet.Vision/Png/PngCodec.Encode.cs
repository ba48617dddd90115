using System.Buffers.Binary;
using System.IO.Compression;

namespace RoboTracer.Fleet.Vision.Png;

public static partial class PngCodec
{
    // IDAT is split at 64 KiB: any split is valid, and bounded chunks keep readers that buffer a chunk happy.
    private const int IdatChunkSize = 64 * 1024;

    /// <summary>Encodes 8-bit RGB triples, rows top to bottom.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height × 3, or the size is not positive.</exception>
    public static byte[] EncodeRgb8(ReadOnlySpan<byte> rgb, int width, int height, CompressionLevel level = CompressionLevel.Optimal) =>
        Encode(rgb, width, height, PngColorType.Rgb, 8, level);

    /// <summary>Encodes 8-bit RGBA quadruples (straight, not premultiplied, alpha), rows top to bottom.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height × 4, or the size is not positive.</exception>
    public static byte[] EncodeRgba8(ReadOnlySpan<byte> rgba, int width, int height, CompressionLevel level = CompressionLevel.Optimal) =>
        Encode(rgba, width, height, PngColorType.Rgba, 8, level);

    /// <summary>Encodes 8-bit gray samples, rows top to bottom.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height, or the size is not positive.</exception>
    public static byte[] EncodeGray8(ReadOnlySpan<byte> gray, int width, int height, CompressionLevel level = CompressionLevel.Optimal) =>
        Encode(gray, width, height, PngColorType.Gray, 8, level);

    /// <summary>Encodes 16-bit gray samples (e.g. depth in millimetres), rows top to bottom.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height, or the size is not positive.</exception>
    public static byte[] EncodeGray16(ReadOnlySpan<ushort> gray, int width, int height, CompressionLevel level = CompressionLevel.Optimal)
    {
        CheckBuffer(gray.Length, width, height, 1, "16-bit gray");
        // PNG stores 16-bit samples big-endian (PNG spec §7.1).
        var bytes = new byte[gray.Length * 2];
        for (var i = 0; i < gray.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), gray[i]);
        }
        return Encode(bytes, width, height, PngColorType.Gray, 16, level);
    }

    private static void CheckBuffer(int length, int width, int height, int samplesPerPixel, string what)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"cannot encode a {width}x{height} PNG: width and height must be positive");
        }
        var needed = (long)width * height * samplesPerPixel;
        if (length != needed)
        {
            throw new ArgumentException($"{what} buffer has {length} samples; {width}x{height} needs {needed}");
        }
    }

    private static byte[] Encode(ReadOnlySpan<byte> raw, int width, int height, PngColorType colorType, int bitDepth, CompressionLevel level)
    {
        var channels = PngImage.ChannelCount(colorType);
        var bytesPerSample = bitDepth / 8;
        if (bitDepth == 8)
        {
            CheckBuffer(raw.Length, width, height, channels, PngImage.Describe(bitDepth, colorType));
        }
        var stride = width * channels * bytesPerSample;
        var bpp = channels * bytesPerSample;

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var prior = new byte[stride];
            var best = new byte[stride + 1];
            var candidate = new byte[stride + 1];
            for (var y = 0; y < height; y++)
            {
                var row = raw.Slice(y * stride, stride);
                // Adaptive filtering with the minimum-sum-of-absolute-differences heuristic the PNG spec recommends
                // for truecolour and grayscale images (§12.8): try each filter, keep the cheapest row.
                var bestCost = long.MaxValue;
                for (byte type = PngFilters.None; type <= PngFilters.Paeth; type++)
                {
                    var cost = PngFilters.Filter(type, row, prior, candidate.AsSpan(1), bpp);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        candidate[0] = type;
                        (best, candidate) = (candidate, best);
                    }
                }
                zlib.Write(best);
                row.CopyTo(prior);
            }
        }

        var output = new MemoryStream((int)compressed.Length + 64 + (12 * ((int)compressed.Length / IdatChunkSize)));
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[10] = 0; // compression method: deflate
        ihdr[11] = 0; // filter method: adaptive, five types
        ihdr[12] = 0; // no interlacing
        WriteChunk(output, Ihdr, ihdr);
        var zdata = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        do
        {
            var size = Math.Min(IdatChunkSize, zdata.Length);
            WriteChunk(output, Idat, zdata[..size]);
            zdata = zdata[size..];
        }
        while (!zdata.IsEmpty);
        WriteChunk(output, Iend, []);
        return output.ToArray();
    }

    private static void WriteChunk(Stream output, uint type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        BinaryPrimitives.WriteUInt32BigEndian(word, type);
        output.Write(word);
        output.Write(data);
        var crc = PngCrc32.Append(PngCrc32.Compute(word), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
