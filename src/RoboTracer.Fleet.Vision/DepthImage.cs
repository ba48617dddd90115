using System.Buffers.Binary;
using System.IO.Compression;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// A depth image in metres along the optical axis (z), rows top to bottom. Every stored value is either a positive
/// finite depth or 0, which means "no measurement"; decoders map the invalid values of each format to 0.
/// Immutable. Sampling and lifting live in <c>DepthImage.Sampling.cs</c>.
/// </summary>
public sealed partial class DepthImage
{
    /// <summary>TraceSpatial-Bench's gt_depth.png convention: depths at or beyond 15 m are invalid.</summary>
    public const double BenchMaxValidDepthMetres = 15.0;

    private readonly float[] _metres;

    /// <summary>Creates a depth image from a copy of <paramref name="metres"/>; NaN, infinite and non-positive values become 0 (no measurement).</summary>
    /// <exception cref="ArgumentException">The size is not positive or the buffer is not width × height long.</exception>
    public DepthImage(int width, int height, ReadOnlySpan<float> metres)
    {
        var count = PixelGrid.CheckSize(width, height, "depth image");
        if (metres.Length != count)
        {
            throw new ArgumentException($"depth buffer has {metres.Length} values; {width}x{height} needs {count}");
        }
        var copy = new float[count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = metres[i] > 0 && float.IsFinite(metres[i]) ? metres[i] : 0;
        }
        Width = width;
        Height = height;
        _metres = copy;
        ValidCount = CountValid(copy);
    }

    private DepthImage(float[] metres, int width, int height)
    {
        Width = width;
        Height = height;
        _metres = metres;
        ValidCount = CountValid(metres);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of pixels with a measurement.</summary>
    public int ValidCount { get; }

    /// <summary>The depths in metres (0 = no measurement), rows top to bottom.</summary>
    public ReadOnlySpan<float> Metres => _metres;

    /// <summary>Depth of pixel (x, y) in metres; 0 when there is no measurement.</summary>
    public float this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            {
                throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} depth image");
            }
            return _metres[(y * Width) + x];
        }
    }

    /// <summary>
    /// Decodes a raw 16UC1 buffer: little-endian unsigned millimetres, 0 = no measurement (the wire protocol's
    /// DEPTH_ENCODING_16UC1). Depths at or beyond <paramref name="maxValidDepthMetres"/> are treated as missing.
    /// </summary>
    /// <exception cref="ArgumentException">The size is not positive or the buffer is not width × height × 2 bytes.</exception>
    public static DepthImage From16UC1(ReadOnlySpan<byte> data, int width, int height, double maxValidDepthMetres = double.PositiveInfinity)
    {
        var count = CheckBuffer(data.Length, width, height, 2, "16UC1");
        var metres = new float[count];
        for (var i = 0; i < metres.Length; i++)
        {
            metres[i] = FromMillimetres(BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]), maxValidDepthMetres);
        }
        return new(metres, width, height);
    }

    /// <summary>
    /// Decodes a raw 32FC1 buffer: little-endian IEEE floats in metres, where 0, NaN and infinity mean no
    /// measurement (the wire protocol's DEPTH_ENCODING_32FC1); negative values are treated the same way.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The size is not positive, the buffer is not width × height × 4 bytes, or (with <see cref="NonFiniteDepth.Reject"/>)
    /// a sample is NaN, infinite or negative.
    /// </exception>
    public static DepthImage From32FC1(
        ReadOnlySpan<byte> data, int width, int height,
        NonFiniteDepth nonFinite = NonFiniteDepth.Missing, double maxValidDepthMetres = double.PositiveInfinity)
    {
        var count = CheckBuffer(data.Length, width, height, 4, "32FC1");
        var metres = new float[count];
        for (var i = 0; i < metres.Length; i++)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            if (!float.IsFinite(value) || value < 0)
            {
                if (nonFinite == NonFiniteDepth.Reject)
                {
                    throw new ArgumentException($"depth pixel ({i % width}, {i / width}) is {value}; depth must be finite and not negative");
                }
                value = 0;
            }
            metres[i] = value < maxValidDepthMetres ? value : 0;
        }
        return new(metres, width, height);
    }

    /// <summary>
    /// Decodes a 16-bit grayscale PNG in millimetres (TraceSpatial-Bench's gt_depth.png), where 0 and depths at or
    /// beyond <paramref name="maxValidDepthMetres"/> (15 m in the bench) are invalid. Depth must be lossless: a JPEG
    /// is refused.
    /// </summary>
    /// <exception cref="ImageFormatException">
    /// The bytes are a JPEG, not a decodable PNG, or a PNG that is not 16-bit grayscale; the message says which.
    /// </exception>
    public static DepthImage FromPng(
        ReadOnlySpan<byte> png, double maxValidDepthMetres = BenchMaxValidDepthMetres, long maxPixels = ImageCodec.DefaultMaxPixels)
    {
        var millimetres = ImageCodec.DecodePngGray16(png, out var width, out var height, maxPixels);
        var metres = new float[millimetres.Length];
        for (var i = 0; i < metres.Length; i++)
        {
            metres[i] = FromMillimetres(millimetres[i], maxValidDepthMetres);
        }
        return new(metres, width, height);
    }

    /// <summary>
    /// Little-endian 16UC1 millimetres, rounded; missing depths and depths beyond 65.535 m (which 16 bits cannot
    /// hold) are written as 0.
    /// </summary>
    public byte[] To16UC1()
    {
        var data = new byte[_metres.Length * 2];
        for (var i = 0; i < _metres.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), ToMillimetres(_metres[i]));
        }
        return data;
    }

    /// <summary>Little-endian 32FC1 metres; missing depths are written as 0.</summary>
    public byte[] To32FC1()
    {
        var data = new byte[_metres.Length * 4];
        for (var i = 0; i < _metres.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), _metres[i]);
        }
        return data;
    }

    /// <summary>A 16-bit grayscale PNG in millimetres (the bench's gt_depth.png form), with the rounding of <see cref="To16UC1"/>.</summary>
    public byte[] ToPng(CompressionLevel level = CompressionLevel.Optimal)
    {
        var millimetres = new ushort[_metres.Length];
        for (var i = 0; i < millimetres.Length; i++)
        {
            millimetres[i] = ToMillimetres(_metres[i]);
        }
        return ImageCodec.EncodePngGray16(millimetres, Width, Height, level);
    }

    internal static DepthImage Own(float[] metres, int width, int height) => new(metres, width, height);

    private static long CheckBuffer(int length, int width, int height, int bytesPerPixel, string encoding)
    {
        var count = PixelGrid.CheckSize(width, height, $"{encoding} depth");
        if (length != count * bytesPerPixel)
        {
            throw new ArgumentException($"{encoding} depth buffer has {length} bytes; {width}x{height} needs {count * bytesPerPixel}");
        }
        return count;
    }

    private static float FromMillimetres(ushort millimetres, double maxValidDepthMetres)
    {
        var metres = millimetres / 1000.0;
        return millimetres == 0 || metres >= maxValidDepthMetres ? 0 : (float)metres;
    }

    private static ushort ToMillimetres(float metres)
    {
        var millimetres = Math.Round(metres * 1000.0);
        return millimetres is >= 1 and <= ushort.MaxValue ? (ushort)millimetres : (ushort)0;
    }

    private static int CountValid(float[] metres)
    {
        var count = 0;
        foreach (var d in metres)
        {
            if (d > 0)
            {
                count++;
            }
        }
        return count;
    }
}
