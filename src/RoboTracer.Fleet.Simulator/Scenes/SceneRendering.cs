using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>What a robot's camera sees of a <see cref="SimulatedScene"/>: colour, depth and a mask per object id.</summary>
internal sealed class SceneRendering(SimulatedScene scene, RenderedScene rendered)
{
    public RgbImage Rgb => rendered.Rgb;

    /// <summary>Depth in metres along the optical axis; 0 where the ray hits nothing.</summary>
    public DepthImage Depth => rendered.Depth;

    /// <summary>The visible pixels of object <paramref name="id"/> (empty when it is hidden or out of view).</summary>
    /// <exception cref="ArgumentException">The scene has no object <paramref name="id"/>.</exception>
    public MaskImage MaskOf(string id)
    {
        var index = scene.IndexOf(id);
        return index >= 0 ? rendered.MaskOf(index) : throw new ArgumentException($"the scene has no object '{id}'", nameof(id));
    }
}
