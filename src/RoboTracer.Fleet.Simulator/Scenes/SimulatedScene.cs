using System.Globalization;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Vision.Scenes;
using VisionSceneObject = RoboTracer.Fleet.Vision.Scenes.SceneObject;

namespace RoboTracer.Fleet.Simulator.Scenes;

/// <summary>
/// One robot's world: a <see cref="TabletopScene"/> (world frame: metres, z up, table top at z = 0) whose objects
/// carry stable ids (<c>obj-1</c>…, obstacles <c>obstacle-1</c>…), in the order of <see cref="TabletopScene.Objects"/>.
/// Immutable: a change makes a new scene, so a snapshot can be rendered while the robot moves on.
/// </summary>
internal sealed class SimulatedScene
{
    public const string ObstacleIdPrefix = "obstacle-";

    // The robot reaches anything over the table top up to this height (metres above it).
    private const double ReachHeight = 0.5;

    private readonly string[] _ids;

    public SimulatedScene(TabletopScene tabletop, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(tabletop);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != tabletop.Objects.Count)
        {
            throw new ArgumentException($"{ids.Count} ids for {tabletop.Objects.Count} objects");
        }
        Tabletop = tabletop;
        _ids = [.. ids];
    }

    public TabletopScene Tabletop { get; }

    public IReadOnlyList<string> Ids => _ids;

    public int Count => _ids.Length;

    /// <summary>
    /// What the arm reaches, as an axis-aligned box in the camera frame: the table top and the space above it up to
    /// <see cref="ReachHeight"/>. Hello's capabilities.workspace; trace points outside it (with a margin) are unreachable.
    /// </summary>
    public AxisAlignedBox3D Workspace
    {
        get
        {
            var table = Tabletop.Table;
            var top = table.Center.Z + (table.Extent.Z / 2);
            var region = new OrientedBox3D(
                new Point3D(table.Center.X, table.Center.Y, top + (ReachHeight / 2)),
                new Point3D(table.Extent.X, table.Extent.Y, ReachHeight),
                table.Rotation);
            return Tabletop.Camera.ToCamera(region).AxisAlignedBounds();
        }
    }

    public int IndexOf(string id) => Array.IndexOf(_ids, id);

    public string LabelOf(int index) => Tabletop.Objects[index].Label;

    public bool IsObstacle(int index) => _ids[index].StartsWith(ObstacleIdPrefix, StringComparison.Ordinal);

    /// <summary>Object <paramref name="index"/>'s box in the camera frame (x right, y down, z forward).</summary>
    public OrientedBox3D CameraBox(int index) => Tabletop.ObjectBoxInCamera(index);

    /// <summary>The same scene with object <paramref name="index"/>'s centre moved to <paramref name="worldCenter"/>; its size and rotation stay.</summary>
    public SimulatedScene WithObjectAt(int index, Point3D worldCenter)
    {
        var o = Tabletop.Objects[index];
        return new SimulatedScene(Tabletop.WithObject(index, o with { Box = o.Box with { Center = worldCenter } }), _ids);
    }

    /// <summary>
    /// The scene with obstacle number <paramref name="number"/> added; when that makes more than
    /// <paramref name="maxObstacles"/>, the oldest obstacles go (someone cleared them away).
    /// </summary>
    public SimulatedScene WithObstacle(int number, OrientedBox3D worldBox, int maxObstacles, out string id)
    {
        id = ObstacleIdPrefix + number.ToString(CultureInfo.InvariantCulture);
        var label = number == 1 ? WellKnownObjects.ObstacleLabel : $"{WellKnownObjects.ObstacleLabel} {number.ToString(CultureInfo.InvariantCulture)}";
        var objects = new List<VisionSceneObject>(Tabletop.Objects);
        var ids = new List<string>(_ids);
        objects.Add(new VisionSceneObject(label, WellKnownObjects.ObstacleColor, worldBox));
        ids.Add(id);
        var excess = ids.Count(i => i.StartsWith(ObstacleIdPrefix, StringComparison.Ordinal)) - maxObstacles;
        for (var i = 0; i < ids.Count && excess > 0;)
        {
            if (ids[i].StartsWith(ObstacleIdPrefix, StringComparison.Ordinal))
            {
                ids.RemoveAt(i);
                objects.RemoveAt(i);
                excess--;
            }
            else
            {
                i++;
            }
        }
        return new SimulatedScene(Tabletop with { Objects = objects }, ids);
    }

    /// <summary>Renders colour, depth and per-object masks (ray casting; tens of milliseconds at 640×480).</summary>
    public SceneRendering Render() => new(this, Tabletop.Render());
}
