using System.Buffers.Binary;

namespace RoboTracer.Fleet.Vision.Png;

/// <summary>
/// 16-bit grayscale PNG (ISO/IEC 15948) on <see cref="System.IO.Compression.ZLibStream"/>: depth in millimetres,
/// TraceSpatial-Bench's gt_depth.png. Everything else (8-bit RGB and gray PNG, JPEG) goes through SkiaSharp
/// (<see cref="ImageCodec"/>); this stays ours because no served library does 16-bit gray right, as measured by
/// <c>bench codecs</c> (BENCHMARKS.md, "codecs", 2026-12, issue 17):
/// SkiaSharp 4.156.1 decodes a 16-bit gray PNG only to 8-bit gray or half floats (29 of 30 fixture samples wrong)
/// and encodes no 16-bit gray at all (Alpha16 and R16Unorm encode to nothing; 16 bits only as RGBA);
/// StbImageWriteSharp 1.16.7 writes 8-bit PNGs only, and StbImageSharp 2.30.16 reads 16 bits only through
/// undocumented internals (<c>stbi__load_and_postprocess_16bit</c>) without checking CRCs;
/// Magick.NET is served as Q8 only, which keeps 8 bits per sample (305 711 of 307 200 depth samples wrong after a
/// round trip). Ours round-trips exactly, and Python's zlib reader gets the same big-endian samples.
/// Decodes non-interlaced 16-bit gray only (the form depth writers use), all five filters, split IDAT,
/// CRC-checked. Split by concern: <c>DepthPng.Decode.cs</c>, <c>DepthPng.Encode.cs</c>.
/// </summary>
internal static partial class DepthPng
{
    /// <summary>The 8-byte signature every PNG starts with (PNG spec §5.2).</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Chunk types as big-endian integers, so a switch compares one number.
    private const uint Ihdr = 0x49484452;
    private const uint Idat = 0x49444154;
    private const uint Iend = 0x49454E44;

    private const int GrayColorType = 0;
    private const int BitDepth = 16;

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

    /// <summary>"8-bit RGB", "4-bit palette": for messages about a PNG that is not 16-bit gray.</summary>
    private static string Describe(int bitDepth, int colorType) => $"{bitDepth}-bit " + colorType switch
    {
        0 => "grayscale",
        2 => "RGB",
        3 => "palette",
        4 => "grayscale+alpha",
        6 => "RGBA",
        _ => $"colour type {colorType}",
    };
}
