using System.IO.Compression;
using RoboTracer.Fleet.Vision.Png;
using SkiaSharp;

namespace RoboTracer.Fleet.Vision;

/// <summary>
/// Encodes and decodes the fleet's images: PNG and JPEG through SkiaSharp (libpng, libjpeg-turbo and zlib inside;
/// chosen by <c>bench codecs</c>, BENCHMARKS.md), except 16-bit grayscale depth PNGs, which no served library
/// reads and writes exactly and which stay ours (<c>Png/DepthPng.cs</c> says why, with the measurements).
/// Every decoder checks the format and size from the header (<see cref="ImageFormat"/>) before it allocates.
/// </summary>
public static class ImageCodec
{
    /// <summary>The default cap on decoded pixels (64 Mpx, e.g. 8192 × 8192), so a tiny file cannot claim gigabytes.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>The media type of PNG.</summary>
    public const string PngMediaType = "image/png";

    /// <summary>The media type of JPEG.</summary>
    public const string JpegMediaType = "image/jpeg";

    /// <summary>
    /// Decodes a PNG (any colour type, bit depth and interlacing) or a JPEG to 8-bit RGB triples, rows top to
    /// bottom: alpha is dropped (colours are not premultiplied), 16-bit samples are reduced to 8 bits.
    /// </summary>
    /// <exception cref="ImageFormatException">
    /// The bytes are neither PNG nor JPEG, are truncated or corrupt, or have more pixels than <paramref name="maxPixels"/>.
    /// </exception>
    public static byte[] DecodeRgb8(ReadOnlySpan<byte> image, out ImageInfo info, long maxPixels = DefaultMaxPixels)
    {
        info = CheckHeader(image, maxPixels);
        using var data = SKData.CreateCopy(image);
        // The codec takes ownership of the stream it is created on; when none is created, the stream is ours to free.
        var stream = new SKMemoryStream(data);
        var created = SKCodec.Create(stream, out var result);
        if (created is null)
        {
            stream.Dispose();
            throw new ImageFormatException($"{info.Kind.ToString().ToUpperInvariant()} cannot be decoded: {Describe(result)}");
        }
        using var codec = created;
        if (codec.Info.Width != info.Width || codec.Info.Height != info.Height)
        {
            throw new ImageFormatException($"{info.Kind.ToString().ToUpperInvariant()} header says {info.Width}x{info.Height} but the decoder sees {codec.Info.Width}x{codec.Info.Height}");
        }
        // Skia has no 24-bit colour type: decode to RGBA, unpremultiplied so that colours under alpha stay as stored.
        var rgba = new byte[(long)info.Width * info.Height * 4];
        result = codec.GetPixels(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), rgba);
        if (result != SKCodecResult.Success)
        {
            throw new ImageFormatException($"{info.Kind.ToString().ToUpperInvariant()} cannot be decoded: {Describe(result)}");
        }
        var rgb = new byte[(long)info.Width * info.Height * 3];
        for (long i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            rgb[o] = rgba[i];
            rgb[o + 1] = rgba[i + 1];
            rgb[o + 2] = rgba[i + 2];
        }
        return rgb;
    }

    /// <summary>As <see cref="DecodeRgb8"/> for PNG only: a JPEG is refused, for images that must be exact (masks, PNG APIs).</summary>
    /// <exception cref="ImageFormatException">The bytes are not a decodable PNG.</exception>
    public static byte[] DecodePngRgb8(ReadOnlySpan<byte> png, out ImageInfo info, long maxPixels = DefaultMaxPixels)
    {
        if (ImageFormat.TrySniff(png, out var sniffed, out _) && sniffed.Kind != ImageKind.Png)
        {
            throw new ImageFormatException($"not a PNG: the bytes are {sniffed.MediaType}");
        }
        return DecodeRgb8(png, out info, maxPixels);
    }

    /// <summary>Decodes a 16-bit grayscale PNG to its samples, exactly as stored (depth in millimetres).</summary>
    /// <exception cref="ImageFormatException">
    /// The bytes are a JPEG (lossy: no place for depth), not a PNG, not 16-bit grayscale, interlaced, truncated,
    /// corrupt, or larger than <paramref name="maxPixels"/>.
    /// </exception>
    public static ushort[] DecodePngGray16(ReadOnlySpan<byte> png, out int width, out int height, long maxPixels = DefaultMaxPixels)
    {
        if (ImageFormat.TrySniff(png, out var info, out _) && info.Kind == ImageKind.Jpeg)
        {
            throw new ImageFormatException(
                "depth must be lossless: send a 16-bit grayscale PNG in millimetres (or raw 16UC1/32FC1 depth); this is a JPEG, whose lossy compression would corrupt the depths");
        }
        return DepthPng.Decode(png, maxPixels, out width, out height);
    }

    /// <summary>Encodes 8-bit RGB triples, rows top to bottom, as an 8-bit RGB PNG.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height × 3, or the size is not positive.</exception>
    public static byte[] EncodePngRgb8(ReadOnlySpan<byte> rgb, int width, int height, CompressionLevel level = CompressionLevel.Optimal)
    {
        // Rgb888x is RGB padded to 4 bytes; an opaque image of it is written as 8-bit RGB (colour type 2).
        var rgbx = ToRgbx(rgb, CheckBuffer(rgb.Length, width, height, 3, "RGB"));
        return EncodePng(new SKImageInfo(width, height, SKColorType.Rgb888x, SKAlphaType.Opaque), rgbx, level);
    }

    /// <summary>Encodes 8-bit gray samples, rows top to bottom, as an 8-bit grayscale PNG.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height, or the size is not positive.</exception>
    public static byte[] EncodePngGray8(ReadOnlySpan<byte> gray, int width, int height, CompressionLevel level = CompressionLevel.Optimal)
    {
        CheckBuffer(gray.Length, width, height, 1, "8-bit gray");
        return EncodePng(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), gray.ToArray(), level);
    }

    /// <summary>Encodes 16-bit gray samples (depth in millimetres), rows top to bottom, as a 16-bit grayscale PNG.</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height, or the size is not positive.</exception>
    public static byte[] EncodePngGray16(ReadOnlySpan<ushort> gray, int width, int height, CompressionLevel level = CompressionLevel.Optimal) =>
        DepthPng.Encode(gray, width, height, level);

    /// <summary>Encodes 8-bit RGB triples as a baseline JPEG of <paramref name="quality"/> (1–100).</summary>
    /// <exception cref="ArgumentException">The buffer length is not width × height × 3, the size is not positive, or the quality is out of range.</exception>
    public static byte[] EncodeJpegRgb8(ReadOnlySpan<byte> rgb, int width, int height, int quality = 90)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var rgbx = ToRgbx(rgb, CheckBuffer(rgb.Length, width, height, 3, "RGB"));
        using var pixmap = Pin(new SKImageInfo(width, height, SKColorType.Rgb888x, SKAlphaType.Opaque), rgbx, out var pin);
        try
        {
            using var data = pixmap.Encode(new SKJpegEncoderOptions(quality))
                ?? throw new InvalidOperationException($"SkiaSharp did not encode a {width}x{height} JPEG");
            return data.ToArray();
        }
        finally
        {
            pin.Free();
        }
    }

    private static ImageInfo CheckHeader(ReadOnlySpan<byte> image, long maxPixels)
    {
        if (!ImageFormat.TrySniff(image, out var info, out var error))
        {
            throw new ImageFormatException(error!);
        }
        var pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
        {
            throw new ImageFormatException($"{info.Kind.ToString().ToUpperInvariant()} is {info.Width}x{info.Height} ({pixels} pixels); the limit is {maxPixels} pixels");
        }
        return info;
    }

    private static long CheckBuffer(int length, int width, int height, int samplesPerPixel, string what)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentException($"cannot encode a {width}x{height} image: width and height must be positive");
        }
        var needed = (long)width * height * samplesPerPixel;
        if (length != needed)
        {
            throw new ArgumentException($"{what} buffer has {length} samples; {width}x{height} needs {needed}");
        }
        return (long)width * height;
    }

    /// <summary>Skia has no 24-bit colour type: RGB goes in as RGBX, the padding byte opaque.</summary>
    private static byte[] ToRgbx(ReadOnlySpan<byte> rgb, long pixels)
    {
        var rgbx = new byte[pixels * 4];
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            rgbx[o] = rgb[i];
            rgbx[o + 1] = rgb[i + 1];
            rgbx[o + 2] = rgb[i + 2];
            rgbx[o + 3] = 255;
        }
        return rgbx;
    }

    private static byte[] EncodePng(SKImageInfo info, byte[] pixels, CompressionLevel level)
    {
        // zlib's levels: Fastest is what per-frame callers ask for (the simulator, the orchestrator's ingest).
        var zlibLevel = level switch
        {
            CompressionLevel.NoCompression => 0,
            CompressionLevel.Fastest => 1,
            CompressionLevel.SmallestSize => 9,
            _ => 6,
        };
        using var pixmap = Pin(info, pixels, out var pin);
        try
        {
            using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zlibLevel))
                ?? throw new InvalidOperationException($"SkiaSharp did not encode a {info.Width}x{info.Height} {info.ColorType} PNG");
            return data.ToArray();
        }
        finally
        {
            pin.Free();
        }
    }

    private static SKPixmap Pin(SKImageInfo info, byte[] pixels, out System.Runtime.InteropServices.GCHandle pin)
    {
        pin = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        return new SKPixmap(info, pin.AddrOfPinnedObject(), info.RowBytes);
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "the image data is truncated or corrupt",
        SKCodecResult.InvalidInput => "the file is corrupt (a bad header, chunk or CRC)",
        SKCodecResult.Unimplemented => "it uses a feature the decoder does not support",
        _ => $"the decoder says {result}",
    };
}
