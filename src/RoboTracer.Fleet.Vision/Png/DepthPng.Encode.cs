using System.Buffers.Binary;
using System.IO.Compression;

namespace RoboTracer.Fleet.Vision.Png;

internal static partial class DepthPng
{
    // IDAT is split at 64 KiB: any split is valid, and bounded chunks keep readers that buffer a chunk happy.
    private const int IdatChunkSize = 64 * 1024;

    /// <summary>Encodes 16-bit gray samples (depth in millimetres), rows top to bottom.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height, or the size is not positive.</exception>
    public static byte[] Encode(ReadOnlySpan<ushort> samples, int width, int height, CompressionLevel level)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"cannot encode a {width}x{height} PNG: width and height must be positive");
        }
        if (samples.Length != (long)width * height)
        {
            throw new ArgumentException($"16-bit gray buffer has {samples.Length} samples; {width}x{height} needs {(long)width * height}");
        }
        var stride = width * 2;
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            var row = new byte[stride];
            var prior = new byte[stride];
            var best = new byte[stride + 1];
            var candidate = new byte[stride + 1];
            for (var y = 0; y < height; y++)
            {
                // PNG stores 16-bit samples big-endian (PNG spec §7.1).
                var line = samples.Slice(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * x), line[x]);
                }
                // Adaptive filtering with the minimum-sum-of-absolute-differences heuristic the PNG spec recommends
                // for grayscale images (§12.8): try each filter, keep the cheapest row.
                var bestCost = long.MaxValue;
                for (byte type = PngFilters.None; type <= PngFilters.Paeth; type++)
                {
                    var cost = PngFilters.Filter(type, row, prior, candidate.AsSpan(1), bpp: 2);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        candidate[0] = type;
                        (best, candidate) = (candidate, best);
                    }
                }
                zlib.Write(best);
                (prior, row) = (row, prior);
            }
        }

        var output = new MemoryStream((int)compressed.Length + 64 + (12 * ((int)compressed.Length / IdatChunkSize)));
        output.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = BitDepth;
        ihdr[9] = GrayColorType;
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
