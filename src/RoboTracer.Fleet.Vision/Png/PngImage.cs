namespace RoboTracer.Fleet.Vision.Png;

/// <summary>
/// A decoded PNG as the file stores it: unfiltered scanlines at the file's bit depth and colour type, plus the
/// palette and transparency chunks. Convert with <see cref="ToRgb8"/>, <see cref="ToRgba8"/>, <see cref="ToGray8"/>
/// or <see cref="ToGray16"/>; every conversion returns a new array, rows top to bottom, no padding.
/// </summary>
public sealed class PngImage
{
    private readonly byte[] _data;
    private readonly byte[]? _palette;
    private readonly byte[]? _transparency;
    private readonly int _stride;

    internal PngImage(int width, int height, int bitDepth, PngColorType colorType, byte[] data, byte[]? palette, byte[]? transparency)
    {
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColorType = colorType;
        _data = data;
        _palette = palette;
        _transparency = transparency;
        _stride = RowBytes(width, colorType, bitDepth);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bits per sample (per palette index for palette images): 1, 2, 4, 8 or 16.</summary>
    public int BitDepth { get; }

    /// <summary>The colour type of the file.</summary>
    public PngColorType ColorType { get; }

    /// <summary>Samples per pixel in the file: 1 (gray, palette), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels => ChannelCount(ColorType);

    /// <summary>True when the image carries transparency: an alpha channel or a tRNS chunk.</summary>
    public bool HasAlpha => ColorType is PngColorType.GrayAlpha or PngColorType.Rgba || _transparency is not null;

    /// <summary>A short description for messages, e.g. "8-bit RGB" or "4-bit palette".</summary>
    public string Description => Describe(BitDepth, ColorType);

    /// <summary>8-bit RGB triples. Alpha is dropped; 16-bit samples are rounded to 8 bits; lower depths are scaled up.</summary>
    public byte[] ToRgb8()
    {
        if (ColorType == PngColorType.Rgb && BitDepth == 8)
        {
            return (byte[])_data.Clone();
        }
        var output = new byte[checked(Width * Height * 3)];
        var o = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++, o += 3)
            {
                var (r, g, b, _) = Pixel8(y, x);
                output[o] = r;
                output[o + 1] = g;
                output[o + 2] = b;
            }
        }
        return output;
    }

    /// <summary>8-bit RGBA quadruples; alpha is 255 where the file has none, and tRNS is applied.</summary>
    public byte[] ToRgba8()
    {
        if (ColorType == PngColorType.Rgba && BitDepth == 8)
        {
            return (byte[])_data.Clone();
        }
        var output = new byte[checked(Width * Height * 4)];
        var o = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++, o += 4)
            {
                var (r, g, b, a) = Pixel8(y, x);
                output[o] = r;
                output[o + 1] = g;
                output[o + 2] = b;
                output[o + 3] = a;
            }
        }
        return output;
    }

    /// <summary>8-bit gray. Colour images become luma (ITU-R BT.601 weights); alpha is dropped.</summary>
    public byte[] ToGray8()
    {
        if (ColorType == PngColorType.Gray && BitDepth == 8)
        {
            return (byte[])_data.Clone();
        }
        var output = new byte[checked(Width * Height)];
        var o = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++, o++)
            {
                var (r, g, b, _) = Pixel8(y, x);
                output[o] = ColorType is PngColorType.Gray or PngColorType.GrayAlpha
                    ? r
                    : (byte)(((299 * r) + (587 * g) + (114 * b) + 500) / 1000);
            }
        }
        return output;
    }

    /// <summary>
    /// 16-bit gray samples, exactly as stored for 16-bit files (depth PNGs in millimetres); lower bit depths are
    /// scaled to the full 0–65535 range.
    /// </summary>
    /// <exception cref="InvalidOperationException">The image is not grayscale (gray or gray + alpha).</exception>
    public ushort[] ToGray16()
    {
        if (ColorType is not (PngColorType.Gray or PngColorType.GrayAlpha))
        {
            throw new InvalidOperationException($"16-bit gray samples need a grayscale PNG; this one is {Description}");
        }
        var output = new ushort[checked(Width * Height)];
        var max = (1 << BitDepth) - 1;
        var channels = Channels;
        var o = 0;
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++, o++)
            {
                var sample = Sample(y, x * channels);
                output[o] = BitDepth == 16 ? (ushort)sample : (ushort)(sample * 65535 / max);
            }
        }
        return output;
    }

    internal static int ChannelCount(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    internal static int RowBytes(int width, PngColorType colorType, int bitDepth) =>
        (int)((((long)width * ChannelCount(colorType) * bitDepth) + 7) / 8);

    internal static string Describe(int bitDepth, PngColorType colorType) => $"{bitDepth}-bit " + colorType switch
    {
        PngColorType.Gray => "grayscale",
        PngColorType.GrayAlpha => "grayscale+alpha",
        PngColorType.Rgb => "RGB",
        PngColorType.Rgba => "RGBA",
        _ => "palette",
    };

    /// <summary>One raw sample: <paramref name="index"/> counts samples from the start of row <paramref name="y"/>.</summary>
    private int Sample(int y, int index)
    {
        var row = y * _stride;
        switch (BitDepth)
        {
            case 8:
                return _data[row + index];
            case 16:
                return (_data[row + (2 * index)] << 8) | _data[row + (2 * index) + 1];
            default:
                // Sub-byte samples are packed from the most significant bit (PNG spec §7.2).
                var bit = index * BitDepth;
                var shift = 8 - BitDepth - (bit & 7);
                return (_data[row + (bit >> 3)] >> shift) & ((1 << BitDepth) - 1);
        }
    }

    private byte To8(int sample) => BitDepth switch
    {
        8 => (byte)sample,
        16 => (byte)(((sample * 255) + 32767) / 65535),
        _ => (byte)(sample * 255 / ((1 << BitDepth) - 1)),
    };

    private (byte R, byte G, byte B, byte A) Pixel8(int y, int x)
    {
        switch (ColorType)
        {
            case PngColorType.Gray:
            {
                var s = Sample(y, x);
                var g = To8(s);
                return (g, g, g, KeyAlpha(s, s, s));
            }
            case PngColorType.GrayAlpha:
            {
                var g = To8(Sample(y, 2 * x));
                return (g, g, g, To8(Sample(y, (2 * x) + 1)));
            }
            case PngColorType.Rgb:
            {
                int r = Sample(y, 3 * x), g = Sample(y, (3 * x) + 1), b = Sample(y, (3 * x) + 2);
                return (To8(r), To8(g), To8(b), KeyAlpha(r, g, b));
            }
            case PngColorType.Rgba:
                return (To8(Sample(y, 4 * x)), To8(Sample(y, (4 * x) + 1)), To8(Sample(y, (4 * x) + 2)), To8(Sample(y, (4 * x) + 3)));
            default:
            {
                // Indices were checked against the palette size at decode time.
                var i = Sample(y, x);
                var a = _transparency is not null && i < _transparency.Length ? _transparency[i] : (byte)255;
                return (_palette![3 * i], _palette[(3 * i) + 1], _palette[(3 * i) + 2], a);
            }
        }
    }

    /// <summary>tRNS for gray and RGB images names one colour (in raw samples) that is fully transparent (PNG spec §11.3.2.1).</summary>
    private byte KeyAlpha(int r, int g, int b)
    {
        if (_transparency is null)
        {
            return 255;
        }
        if (ColorType == PngColorType.Gray)
        {
            return _transparency.Length >= 2 && ((_transparency[0] << 8) | _transparency[1]) == r ? (byte)0 : (byte)255;
        }
        return _transparency.Length >= 6
            && ((_transparency[0] << 8) | _transparency[1]) == r
            && ((_transparency[2] << 8) | _transparency[3]) == g
            && ((_transparency[4] << 8) | _transparency[5]) == b
            ? (byte)0
            : (byte)255;
    }
}
