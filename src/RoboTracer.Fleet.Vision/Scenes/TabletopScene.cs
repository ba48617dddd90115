using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>
/// A table with boxes on it, seen by one pinhole camera: the scene the simulator's robots see and the
/// evaluation's synthetic TraceSpatial-Bench samples are made of. World frame: metres, z up, the table top at
/// z = 0 centred on the origin, the floor at <see cref="FloorZ"/>. Immutable; <see cref="Generate"/> makes a seeded
/// random scene (<c>TabletopScene.Generate.cs</c>), <see cref="Render"/> draws it.
/// </summary>
public sealed partial record TabletopScene
{
    private readonly SceneObject[] _objects = [];

    /// <summary>Creates a scene.</summary>
    public TabletopScene(CameraIntrinsics intrinsics, CameraPose camera, OrientedBox3D table, double floorZ, IReadOnlyList<SceneObject> objects)
    {
        Intrinsics = intrinsics ?? throw new ArgumentNullException(nameof(intrinsics));
        Camera = camera;
        Table = table;
        FloorZ = floorZ;
        Objects = objects;
    }

    /// <summary>The camera's intrinsics; rendered images have its size.</summary>
    public CameraIntrinsics Intrinsics { get; init; }

    /// <summary>The camera's pose in the world.</summary>
    public CameraPose Camera { get; init; }

    /// <summary>The table top slab (world frame); its top face is at z = 0 for generated scenes.</summary>
    public OrientedBox3D Table { get; init; }

    /// <summary>Height of the floor plane (world z), below the table.</summary>
    public double FloorZ { get; init; }

    /// <summary>The objects, in the order their indices refer to (render labels, masks).</summary>
    public IReadOnlyList<SceneObject> Objects
    {
        get => _objects;
        init => _objects = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    /// <summary>The index of the object labelled <paramref name="label"/> (ordinal, case-insensitive), or -1.</summary>
    public int IndexOf(string label)
    {
        for (var i = 0; i < _objects.Length; i++)
        {
            if (string.Equals(_objects[i].Label, label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Object <paramref name="index"/>'s box in the camera frame (TraceSpatial-Bench's bbox_center / bbox_extent / bbox_rotation).</summary>
    public OrientedBox3D ObjectBoxInCamera(int index) => Camera.ToCamera(_objects[index].Box);

    /// <summary>The same scene with object <paramref name="index"/> replaced, e.g. moved by the simulator.</summary>
    public TabletopScene WithObject(int index, SceneObject replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_objects.Length, nameof(index));
        var objects = (SceneObject[])_objects.Clone();
        objects[index] = replacement;
        return this with { Objects = objects };
    }

    /// <summary>Value equality, including the objects element by element (a record would compare the list's reference).</summary>
    public bool Equals(TabletopScene? other) =>
        other is not null
        && Intrinsics == other.Intrinsics
        && Camera == other.Camera
        && Table == other.Table
        && FloorZ.Equals(other.FloorZ)
        && _objects.AsSpan().SequenceEqual(other._objects);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Intrinsics, Camera, Table, FloorZ, _objects.Length);

    /// <summary>Renders RGB, depth and per-object labels by ray casting (see <see cref="SceneRenderer"/>).</summary>
    public RenderedScene Render() => SceneRenderer.Render(this);
}
