using System.Buffers.Binary;
using System.IO.Compression;

namespace RoboTracer.Fleet.Vision.Png;

internal static partial class DepthPng
{
    private const int MaxTrailingBytes = 64 * 1024;

    /// <summary>The samples of a 16-bit grayscale PNG, rows top to bottom, exactly as stored.</summary>
    /// <param name="png">The whole file.</param>
    /// <param name="maxPixels">Refuse images with more pixels than this, before allocating for them.</param>
    /// <param name="width">The image's width in pixels.</param>
    /// <param name="height">The image's height in pixels.</param>
    /// <exception cref="ImageFormatException">
    /// Not a PNG, truncated, a bad CRC, corrupt compressed data, an invalid header or filter, not 16-bit gray, an
    /// interlaced image, an unknown critical chunk, or more pixels than <paramref name="maxPixels"/>; the message says which.
    /// </exception>
    public static ushort[] Decode(ReadOnlySpan<byte> png, long maxPixels, out int width, out int height)
    {
        var compressed = ReadChunks(png, out width, out height);
        var pixels = (long)width * height;
        if (pixels > maxPixels)
        {
            throw new ImageFormatException($"PNG is {width}x{height} ({pixels} pixels); the limit is {maxPixels} pixels");
        }
        var stride = (long)width * 2;
        if ((stride + 1) * height > Array.MaxLength)
        {
            throw new ImageFormatException($"PNG is {width}x{height} 16-bit grayscale: too large to decode");
        }
        var filtered = Inflate(compressed, (int)((stride + 1) * height));
        return Unfilter(filtered, width, height, (int)stride);
    }

    /// <summary>Walks the chunks (PNG spec §5.3), checking every CRC, and gathers the IDAT stream.</summary>
    private static byte[] ReadChunks(ReadOnlySpan<byte> png, out int width, out int height)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new ImageFormatException(png.Length < Signature.Length && Signature.StartsWith(png)
                ? $"PNG is truncated: {png.Length} bytes, not even the 8-byte signature"
                : "not a PNG: the file does not start with the PNG signature");
        }
        var header = false;
        width = height = 0;
        var idatRanges = new List<(int Offset, int Length)>();
        var idatTotal = 0L;
        var idatEnded = false;
        var offset = Signature.Length;
        while (true)
        {
            if (png.Length - offset < 12)
            {
                throw new ImageFormatException(offset == png.Length
                    ? $"PNG is truncated: it ends at byte {offset} without an IEND chunk"
                    : $"PNG is truncated: {png.Length - offset} bytes at byte {offset} are too few for a chunk (at least 12)");
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 4)..]);
            var name = TypeName(type);
            if (length > int.MaxValue)
            {
                throw new ImageFormatException($"PNG chunk '{name}' at byte {offset} declares {length} bytes, more than the 2^31-1 a chunk may hold");
            }
            if (png.Length - offset - 12 < length)
            {
                throw new ImageFormatException(
                    $"PNG is truncated: chunk '{name}' at byte {offset} declares {length} bytes of data but only {Math.Max(0, png.Length - offset - 12)} follow");
            }
            var data = png.Slice(offset + 8, (int)length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            var computed = PngCrc32.Compute(png.Slice(offset + 4, (int)length + 4));
            if (stored != computed)
            {
                throw new ImageFormatException($"PNG chunk '{name}' at byte {offset} has a bad CRC: stored 0x{stored:X8}, computed 0x{computed:X8}");
            }
            if (!header && type != Ihdr)
            {
                throw new ImageFormatException($"PNG's first chunk is '{name}'; it must be IHDR");
            }
            if (idatRanges.Count > 0 && type != Idat)
            {
                idatEnded = true;
            }
            switch (type)
            {
                case Ihdr:
                    if (header)
                    {
                        throw new ImageFormatException($"PNG has a second IHDR chunk at byte {offset}");
                    }
                    (width, height) = ParseHeader(data);
                    header = true;
                    break;
                case Idat:
                    if (idatEnded)
                    {
                        throw new ImageFormatException($"PNG has IDAT chunks that are not consecutive (another at byte {offset})");
                    }
                    idatRanges.Add((offset + 8, (int)length));
                    idatTotal += length;
                    break;
                case Iend:
                    if (idatRanges.Count == 0)
                    {
                        throw new ImageFormatException("PNG has no image data: no IDAT chunk before IEND");
                    }
                    var compressed = new byte[idatTotal];
                    var at = 0;
                    foreach (var (start, count) in idatRanges)
                    {
                        png.Slice(start, count).CopyTo(compressed.AsSpan(at));
                        at += count;
                    }
                    return compressed;
                default:
                    // Bit 5 of the first type byte clear marks a critical chunk, which a decoder must understand (§5.4);
                    // PLTE is critical too, and has no place in a grayscale image (§11.2.3).
                    if ((type & 0x20000000) == 0)
                    {
                        throw new ImageFormatException($"PNG has an unknown critical chunk '{name}' at byte {offset}");
                    }
                    break;
            }
            offset += 12 + (int)length;
        }
    }

    private static (int Width, int Height) ParseHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw new ImageFormatException($"PNG header (IHDR) has {data.Length} bytes; it must have 13");
        }
        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int bitDepth = data[8], colorType = data[9];
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            throw new ImageFormatException($"PNG size {width}x{height} is invalid: each side must be 1 to 2^31-1");
        }
        if (colorType != GrayColorType || bitDepth != BitDepth)
        {
            throw new ImageFormatException($"a depth PNG must be 16-bit grayscale in millimetres; this one is {Describe(bitDepth, colorType)}");
        }
        if (data[10] != 0 || data[11] != 0)
        {
            throw new ImageFormatException($"PNG compression method {data[10]} / filter method {data[11]} is invalid (both must be 0)");
        }
        return data[12] switch
        {
            0 => ((int)width, (int)height),
            1 => throw new ImageFormatException("interlaced (Adam7) depth PNGs are not supported; re-save the depth without interlacing"),
            var method => throw new ImageFormatException($"PNG interlace method {method} is invalid (0 or 1)"),
        };
    }

    private static byte[] Inflate(byte[] compressed, int expected)
    {
        var output = new byte[expected];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            var read = zlib.ReadAtLeast(output, expected, throwOnEndOfStream: false);
            if (read < expected)
            {
                throw new ImageFormatException($"PNG image data is truncated: it inflates to {read} bytes, the header needs {expected}");
            }
            // Read on to the end of the zlib stream so that its Adler-32 is checked. Trailing data is tolerated, as
            // libpng does, but only up to a bound: a stream that keeps inflating past it would only cost CPU.
            Span<byte> rest = stackalloc byte[256];
            var extra = 0;
            int more;
            while (extra < MaxTrailingBytes && (more = zlib.Read(rest)) > 0)
            {
                extra += more;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"PNG image data is corrupt: {e.Message}", e);
        }
        return output;
    }

    private static ushort[] Unfilter(byte[] filtered, int width, int height, int stride)
    {
        var samples = new ushort[(long)width * height];
        var prior = new byte[stride];
        var row = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var type = filtered[y * (stride + 1)];
            if (!PngFilters.TryUnfilter(type, filtered.AsSpan((y * (stride + 1)) + 1, stride), prior, row, bpp: 2))
            {
                throw new ImageFormatException($"PNG row {y} has filter type {type}; valid types are 0 to 4");
            }
            // PNG stores 16-bit samples big-endian (PNG spec §7.1).
            var output = samples.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                output[x] = BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(2 * x));
            }
            (prior, row) = (row, prior);
        }
        return samples;
    }
}
