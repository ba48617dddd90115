namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>
/// What the camera of a <see cref="TabletopScene"/> sees: colour, depth (z in metres, 0 where a ray hits nothing)
/// and, per pixel, which surface is visible: an object index (≥ 0), <see cref="Table"/>, <see cref="Floor"/> or
/// <see cref="Background"/>. All three are computed from the same ray per pixel, so they agree exactly.
/// </summary>
public sealed class RenderedScene
{
    /// <summary>Label of a pixel whose ray hits nothing.</summary>
    public const int Background = -1;

    /// <summary>Label of a pixel that sees the table.</summary>
    public const int Table = -2;

    /// <summary>Label of a pixel that sees the floor.</summary>
    public const int Floor = -3;

    private readonly int[] _labels;

    internal RenderedScene(RgbImage rgb, DepthImage depth, int[] labels)
    {
        Rgb = rgb;
        Depth = depth;
        _labels = labels;
    }

    /// <summary>The colour image.</summary>
    public RgbImage Rgb { get; }

    /// <summary>The depth image (metres along the optical axis).</summary>
    public DepthImage Depth { get; }

    /// <summary>Per-pixel labels, rows top to bottom.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The label of pixel (x, y).</summary>
    public int LabelAt(int x, int y)
    {
        if ((uint)x >= (uint)Rgb.Width || (uint)y >= (uint)Rgb.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Rgb.Width}x{Rgb.Height} image");
        }
        return _labels[(y * Rgb.Width) + x];
    }

    /// <summary>The visible pixels of one label: an object index (TraceSpatial-Bench's mask.png for that object), or <see cref="Table"/> etc.</summary>
    public MaskImage MaskOf(int label)
    {
        var pixels = new bool[_labels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = _labels[i] == label;
        }
        return MaskImage.Own(pixels, Rgb.Width, Rgb.Height);
    }
}
