using System.Buffers.Binary;

namespace RoboTracer.Fleet.Vision.Png;

/// <summary>
/// PNG (ISO/IEC 15948) on <see cref="System.IO.Compression.ZLibStream"/>, since no image library restores from our
/// registry (DESIGN.md §2). Decodes every non-interlaced PNG (all colour types and bit depths, all five filters,
/// split IDAT, CRC-checked); encodes 8-bit RGB, RGBA and gray and 16-bit gray (depth in millimetres).
/// Split by concern: <c>PngCodec.Decode.cs</c>, <c>PngCodec.Encode.cs</c>.
/// </summary>
public static partial class PngCodec
{
    /// <summary>The default cap on decoded pixels (64 Mpx, e.g. 8192 × 8192), so a tiny file cannot claim gigabytes.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>The media type of PNG.</summary>
    public const string MediaType = "image/png";

    /// <summary>The 8-byte signature every PNG starts with (PNG spec §5.2).</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Chunk types as big-endian integers, so a switch compares one number.
    private const uint Ihdr = 0x49484452;
    private const uint Plte = 0x504C5445;
    private const uint Idat = 0x49444154;
    private const uint Iend = 0x49454E44;
    private const uint Trns = 0x74524E53;

    private static string TypeName(uint type)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, type);
        Span<char> chars = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?';
        }
        return new string(chars);
    }
}
