using System.Buffers.Binary;
using System.IO.Compression;

namespace RoboTracer.Fleet.Vision.Png;

public static partial class PngCodec
{
    private const int MaxTrailingBytes = 64 * 1024;

    /// <summary>Decodes a PNG to its raw samples; convert with the <see cref="PngImage"/> methods.</summary>
    /// <param name="png">The whole file.</param>
    /// <param name="maxPixels">Refuse images with more pixels than this, before allocating for them.</param>
    /// <exception cref="PngFormatException">
    /// Not a PNG, truncated, a bad CRC, corrupt compressed data, an invalid header or filter, an interlaced image,
    /// an unknown critical chunk, or more pixels than <paramref name="maxPixels"/>; the message says which.
    /// </exception>
    public static PngImage Decode(ReadOnlySpan<byte> png, long maxPixels = DefaultMaxPixels)
    {
        var header = ReadChunks(png, out var compressed, out var palette, out var transparency);
        var pixels = (long)header.Width * header.Height;
        if (pixels > maxPixels)
        {
            throw new PngFormatException($"PNG is {header.Width}x{header.Height} ({pixels} pixels); the limit is {maxPixels} pixels");
        }
        var stride = PngImage.RowBytes(header.Width, header.ColorType, header.BitDepth);
        var filteredSize = (long)(stride + 1) * header.Height;
        if (filteredSize > Array.MaxLength)
        {
            throw new PngFormatException($"PNG is {header.Width}x{header.Height} {PngImage.Describe(header.BitDepth, header.ColorType)}: too large to decode");
        }
        var filtered = Inflate(compressed, (int)filteredSize);
        var data = Unfilter(filtered, header, stride);
        if (header.ColorType == PngColorType.Palette)
        {
            CheckPaletteIndices(data, header, stride, palette!.Length / 3);
        }
        return new PngImage(header.Width, header.Height, header.BitDepth, header.ColorType, data, palette, transparency);
    }

    private readonly record struct Header(int Width, int Height, int BitDepth, PngColorType ColorType);

    /// <summary>Walks the chunks (PNG spec §5.3), checking every CRC, and gathers the IDAT stream.</summary>
    private static Header ReadChunks(ReadOnlySpan<byte> png, out byte[] compressed, out byte[]? palette, out byte[]? transparency)
    {
        if (png.Length < Signature.Length || !png[..Signature.Length].SequenceEqual(Signature))
        {
            throw new PngFormatException(png.Length < Signature.Length && Signature.StartsWith(png)
                ? $"PNG is truncated: {png.Length} bytes, not even the 8-byte signature"
                : "not a PNG: the file does not start with the PNG signature");
        }
        Header? header = null;
        palette = null;
        transparency = null;
        var idatRanges = new List<(int Offset, int Length)>();
        var idatTotal = 0L;
        var idatEnded = false;
        var offset = Signature.Length;
        while (true)
        {
            if (png.Length - offset < 12)
            {
                throw new PngFormatException(offset == png.Length
                    ? $"PNG is truncated: it ends at byte {offset} without an IEND chunk"
                    : $"PNG is truncated: {png.Length - offset} bytes at byte {offset} are too few for a chunk (at least 12)");
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 4)..]);
            var name = TypeName(type);
            if (length > int.MaxValue)
            {
                throw new PngFormatException($"PNG chunk '{name}' at byte {offset} declares {length} bytes, more than the 2^31-1 a chunk may hold");
            }
            if (png.Length - offset - 12 < length)
            {
                throw new PngFormatException(
                    $"PNG is truncated: chunk '{name}' at byte {offset} declares {length} bytes of data but only {Math.Max(0, png.Length - offset - 12)} follow");
            }
            var data = png.Slice(offset + 8, (int)length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
            var computed = PngCrc32.Compute(png.Slice(offset + 4, (int)length + 4));
            if (stored != computed)
            {
                throw new PngFormatException($"PNG chunk '{name}' at byte {offset} has a bad CRC: stored 0x{stored:X8}, computed 0x{computed:X8}");
            }
            if (header is null && type != Ihdr)
            {
                throw new PngFormatException($"PNG's first chunk is '{name}'; it must be IHDR");
            }
            if (idatRanges.Count > 0 && type != Idat)
            {
                idatEnded = true;
            }
            switch (type)
            {
                case Ihdr:
                    if (header is not null)
                    {
                        throw new PngFormatException($"PNG has a second IHDR chunk at byte {offset}");
                    }
                    header = ParseHeader(data);
                    break;
                case Plte:
                    if (length % 3 != 0 || length == 0 || length > 256 * 3)
                    {
                        throw new PngFormatException($"PNG palette (PLTE) has {length} bytes; it must hold 1 to 256 RGB entries (a multiple of 3 bytes)");
                    }
                    palette = data.ToArray();
                    break;
                case Trns:
                    transparency = data.ToArray();
                    break;
                case Idat:
                    if (idatEnded)
                    {
                        throw new PngFormatException($"PNG has IDAT chunks that are not consecutive (another at byte {offset})");
                    }
                    idatRanges.Add((offset + 8, (int)length));
                    idatTotal += length;
                    break;
                case Iend:
                    if (idatRanges.Count == 0)
                    {
                        throw new PngFormatException("PNG has no image data: no IDAT chunk before IEND");
                    }
                    if (header!.Value.ColorType == PngColorType.Palette && palette is null)
                    {
                        throw new PngFormatException("PNG is a palette image without a PLTE chunk");
                    }
                    compressed = new byte[idatTotal];
                    var at = 0;
                    foreach (var (start, count) in idatRanges)
                    {
                        png.Slice(start, count).CopyTo(compressed.AsSpan(at));
                        at += count;
                    }
                    return header.Value;
                default:
                    // Bit 5 of the first type byte clear marks a critical chunk, which a decoder must understand (§5.4).
                    if ((type & 0x20000000) == 0)
                    {
                        throw new PngFormatException($"PNG has an unknown critical chunk '{name}' at byte {offset}");
                    }
                    break;
            }
            offset += 12 + (int)length;
        }
    }

    private static Header ParseHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw new PngFormatException($"PNG header (IHDR) has {data.Length} bytes; it must have 13");
        }
        var width = BinaryPrimitives.ReadUInt32BigEndian(data);
        var height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int bitDepth = data[8], colorType = data[9];
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            throw new PngFormatException($"PNG size {width}x{height} is invalid: each side must be 1 to 2^31-1");
        }
        var allowed = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => throw new PngFormatException($"PNG colour type {colorType} is invalid (0, 2, 3, 4 or 6)"),
        };
        if (!allowed)
        {
            throw new PngFormatException($"PNG bit depth {bitDepth} is invalid for colour type {colorType}");
        }
        if (data[10] != 0 || data[11] != 0)
        {
            throw new PngFormatException($"PNG compression method {data[10]} / filter method {data[11]} is invalid (both must be 0)");
        }
        return data[12] switch
        {
            0 => new Header((int)width, (int)height, bitDepth, (PngColorType)colorType),
            1 => throw new PngFormatException("interlaced (Adam7) PNGs are not supported; re-save the image without interlacing"),
            var method => throw new PngFormatException($"PNG interlace method {method} is invalid (0 or 1)"),
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
                throw new PngFormatException($"PNG image data is truncated: it inflates to {read} bytes, the header needs {expected}");
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
            throw new PngFormatException($"PNG image data is corrupt: {e.Message}", e);
        }
        return output;
    }

    private static byte[] Unfilter(byte[] filtered, Header header, int stride)
    {
        var data = new byte[(long)stride * header.Height];
        var bitsPerPixel = PngImage.ChannelCount(header.ColorType) * header.BitDepth;
        var bpp = Math.Max(1, bitsPerPixel / 8);
        var zeros = new byte[stride];
        for (var y = 0; y < header.Height; y++)
        {
            var source = filtered.AsSpan((y * (stride + 1)) + 1, stride);
            var prior = y == 0 ? zeros : data.AsSpan((y - 1) * stride, stride);
            var type = filtered[y * (stride + 1)];
            if (!PngFilters.TryUnfilter(type, source, prior, data.AsSpan(y * stride, stride), bpp))
            {
                throw new PngFormatException($"PNG row {y} has filter type {type}; valid types are 0 to 4");
            }
        }
        return data;
    }

    private static void CheckPaletteIndices(byte[] data, Header header, int stride, int entries)
    {
        if (entries >= 1 << header.BitDepth)
        {
            return;
        }
        var mask = (1 << header.BitDepth) - 1;
        for (var y = 0; y < header.Height; y++)
        {
            for (var x = 0; x < header.Width; x++)
            {
                var bit = x * header.BitDepth;
                var index = (data[(y * stride) + (bit >> 3)] >> (8 - header.BitDepth - (bit & 7))) & mask;
                if (index >= entries)
                {
                    throw new PngFormatException($"PNG pixel ({x}, {y}) has palette index {index}, outside the {entries}-entry palette");
                }
            }
        }
    }
}
