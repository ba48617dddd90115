using System.IO.Compression;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision;

/// <summary>A binary image (an object's pixels), rows top to bottom. Immutable.</summary>
public sealed class MaskImage
{
    private readonly bool[] _pixels;

    /// <summary>Creates a mask from a copy of <paramref name="pixels"/>.</summary>
    /// <exception cref="ArgumentException">The size is not positive or the buffer is not width × height long.</exception>
    public MaskImage(int width, int height, ReadOnlySpan<bool> pixels)
    {
        var count = PixelGrid.CheckSize(width, height, "mask");
        if (pixels.Length != count)
        {
            throw new ArgumentException($"mask buffer has {pixels.Length} pixels; {width}x{height} needs {count}");
        }
        Width = width;
        Height = height;
        _pixels = pixels.ToArray();
        Count = CountSet(_pixels);
    }

    private MaskImage(bool[] pixels, int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = pixels;
        Count = CountSet(pixels);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Number of set pixels.</summary>
    public int Count { get; }

    /// <summary>The pixels, rows top to bottom.</summary>
    public ReadOnlySpan<bool> Pixels => _pixels;

    /// <summary>Whether pixel (x, y) is set.</summary>
    public bool this[int x, int y]
    {
        get
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            {
                throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} mask");
            }
            return _pixels[(y * Width) + x];
        }
    }

    /// <summary>
    /// Decodes a mask PNG (TraceSpatial-Bench's mask.png: 255 = the object). A pixel is set when its brightest
    /// colour channel (its gray value, for gray images) is at least <paramref name="threshold"/>; alpha is ignored.
    /// </summary>
    /// <exception cref="ImageFormatException">The bytes are not a decodable PNG (a JPEG mask is refused: masks are exact).</exception>
    public static MaskImage FromPng(ReadOnlySpan<byte> png, byte threshold = 128, long maxPixels = ImageCodec.DefaultMaxPixels)
    {
        // Gray decodes to equal channels, so the brightest channel is the gray value; for colour it is the brightest
        // channel rather than luma, so that a pure red or blue mask counts as set.
        var rgb = ImageCodec.DecodePngRgb8(png, out var info, maxPixels);
        var pixels = new bool[(long)info.Width * info.Height];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = Math.Max(rgb[3 * i], Math.Max(rgb[(3 * i) + 1], rgb[(3 * i) + 2])) >= threshold;
        }
        return new(pixels, info.Width, info.Height);
    }

    /// <summary>Encodes as an 8-bit gray PNG: 255 set, 0 clear.</summary>
    public byte[] ToPng(CompressionLevel level = CompressionLevel.Optimal)
    {
        var gray = new byte[_pixels.Length];
        for (var i = 0; i < gray.Length; i++)
        {
            gray[i] = _pixels[i] ? (byte)255 : (byte)0;
        }
        return ImageCodec.EncodePngGray8(gray, Width, Height, level);
    }

    /// <summary>
    /// Whether the pixel nearest to <paramref name="point"/> is set; false off the image. This is the "start point
    /// in the mask" test of TraceSpatial-Bench's 2D scoring.
    /// </summary>
    public bool Contains(Point2D point) =>
        PixelGrid.TryGetPixel(point, Width, Height, out var x, out var y) && _pixels[(y * Width) + x];

    /// <summary>The mean pixel coordinates of the set pixels; false when none is set.</summary>
    public bool TryGetCentroid(out Point2D centroid)
    {
        double sumX = 0, sumY = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                if (_pixels[(y * Width) + x])
                {
                    sumX += x;
                    sumY += y;
                }
            }
        }
        centroid = Count == 0 ? default : new(sumX / Count, sumY / Count);
        return Count > 0;
    }

    internal static MaskImage Own(bool[] pixels, int width, int height) => new(pixels, width, height);

    private static int CountSet(bool[] pixels)
    {
        var count = 0;
        foreach (var set in pixels)
        {
            if (set)
            {
                count++;
            }
        }
        return count;
    }
}
