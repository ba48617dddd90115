using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// The images the codecs bench encodes and decodes: a 640×480 rendered tabletop scene with sensor-like noise
/// (±4 levels per channel, ±2 mm of depth), so the files compress like a camera's rather than like flat shading.
/// </summary>
internal sealed class CodecInputs
{
    public const int Width = 640;
    public const int Height = 480;

    private CodecInputs(byte[] rgb, ushort[] depth)
    {
        Rgb = rgb;
        Depth = depth;
    }

    /// <summary>RGB triples, rows top to bottom.</summary>
    public byte[] Rgb { get; }

    /// <summary>Depth in millimetres, 0 where the renderer saw nothing.</summary>
    public ushort[] Depth { get; }

    public static CodecInputs Make(int seed)
    {
        var scene = TabletopScene.Generate(seed, new TabletopSceneOptions { Width = Width, Height = Height });
        var rendered = scene.Render();
        var random = new Random(seed);
        var rgb = rendered.Rgb.Pixels.ToArray();
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)Math.Clamp(rgb[i] + random.Next(-4, 5), 0, 255);
        }
        var metres = rendered.Depth.Metres;
        var depth = new ushort[metres.Length];
        for (var i = 0; i < depth.Length; i++)
        {
            depth[i] = metres[i] > 0 ? (ushort)Math.Clamp(Math.Round(metres[i] * 1000) + random.Next(-2, 3), 1, ushort.MaxValue) : (ushort)0;
        }
        return new(rgb, depth);
    }
}
