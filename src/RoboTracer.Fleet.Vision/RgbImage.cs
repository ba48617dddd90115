using System.IO.Compression;

namespace RoboTracer.Fleet.Vision;

/// <summary>An 8-bit RGB image, rows top to bottom, 3 bytes per pixel, no padding. Immutable.</summary>
public sealed class RgbImage
{
    private readonly byte[] _pixels;

    /// <summary>Creates an image from a copy of <paramref name="rgb"/>.</summary>
    /// <exception cref="ArgumentException">The size is not positive or the buffer is not width × height × 3 bytes.</exception>
    public RgbImage(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var pixels = PixelGrid.CheckSize(width, height, "RGB image");
        if (rgb.Length != pixels * 3)
        {
            throw new ArgumentException($"RGB buffer has {rgb.Length} bytes; {width}x{height} needs {pixels * 3}");
        }
        Width = width;
        Height = height;
        _pixels = rgb.ToArray();
    }

    // Takes ownership of a buffer the caller has already sized; for decoders and the renderer.
    private RgbImage(byte[] pixels, int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The RGB bytes, rows top to bottom.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The colour of pixel (x, y).</summary>
    public Rgb8 this[int x, int y]
    {
        get
        {
            CheckPixel(x, y);
            var i = ((y * Width) + x) * 3;
            return new(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    /// <summary>Decodes a PNG or a JPEG, as robots send them (alpha dropped, 16-bit samples reduced to 8 bits).</summary>
    /// <exception cref="ImageFormatException">The bytes are neither a decodable PNG nor a decodable JPEG.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> image, long maxPixels = ImageCodec.DefaultMaxPixels)
    {
        var rgb = ImageCodec.DecodeRgb8(image, out var info, maxPixels);
        return new(rgb, info.Width, info.Height);
    }

    /// <summary>Decodes any PNG (every colour type, bit depth and interlacing; alpha dropped, 16-bit samples reduced to 8 bits).</summary>
    /// <exception cref="ImageFormatException">The bytes are not a decodable PNG.</exception>
    public static RgbImage FromPng(ReadOnlySpan<byte> png, long maxPixels = ImageCodec.DefaultMaxPixels)
    {
        var rgb = ImageCodec.DecodePngRgb8(png, out var info, maxPixels);
        return new(rgb, info.Width, info.Height);
    }

    /// <summary>Encodes as an 8-bit RGB PNG.</summary>
    public byte[] ToPng(CompressionLevel level = CompressionLevel.Optimal) => ImageCodec.EncodePngRgb8(_pixels, Width, Height, level);

    /// <summary>Encodes as a baseline JPEG of <paramref name="quality"/> (1–100): lossy, for RGB only.</summary>
    public byte[] ToJpeg(int quality = 90) => ImageCodec.EncodeJpegRgb8(_pixels, Width, Height, quality);

    internal static RgbImage Own(byte[] pixels, int width, int height) => new(pixels, width, height);

    private void CheckPixel(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} image");
        }
    }
}
