namespace RoboTracer.Fleet.Domain.Geometry;

/// <summary>
/// An oriented box in metres: centre, full side lengths along its local axes, and the rotation that maps local
/// axes into the parent frame (<c>p = Center + Rotation · local</c>). This is TraceSpatial-Bench's
/// <c>bbox_center</c>, <c>bbox_extent</c> (full lengths) and <c>bbox_rotation</c>, and Open3D's OrientedBoundingBox.
/// Closed on all sides: a point on a face is inside.
/// </summary>
/// <param name="Center">Centre of the box.</param>
/// <param name="Extent">Full side lengths along the local x, y and z axes; each must be non-negative.</param>
/// <param name="Rotation">Local-to-parent rotation.</param>
public readonly record struct OrientedBox3D(Point3D Center, Point3D Extent, Rotation3D Rotation)
{
    /// <summary>"OrientedBox3D { Center = (..), Extent = (..), Rotation = [[..]] }", without the derived properties.</summary>
    public override string ToString() => $"OrientedBox3D {{ Center = {Center}, Extent = {Extent}, Rotation = {Rotation} }}";

    /// <summary>Half the side lengths.</summary>
    public Point3D HalfExtent => Extent * 0.5;

    /// <summary>Volume in cubic metres.</summary>
    public double Volume => Extent.X * Extent.Y * Extent.Z;

    /// <summary>An unrotated box with the same space as <paramref name="box"/>.</summary>
    public static OrientedBox3D FromAxisAligned(AxisAlignedBox3D box) => new(box.Center, box.Size, Rotation3D.Identity);

    /// <summary>The point in the box's local frame (origin at the centre, axes along the box's sides).</summary>
    public Point3D ToLocal(Point3D point) => Rotation.InverseRotate(point - Center);

    /// <summary>The parent-frame point of a local-frame point.</summary>
    public Point3D ToParent(Point3D local) => Center + Rotation.Rotate(local);

    /// <summary>True when <paramref name="point"/> is inside or on the surface, allowing <paramref name="tolerance"/> metres outside each face.</summary>
    public bool Contains(Point3D point, double tolerance = 0)
    {
        var local = ToLocal(point);
        var half = HalfExtent;
        return Math.Abs(local.X) <= half.X + tolerance
            && Math.Abs(local.Y) <= half.Y + tolerance
            && Math.Abs(local.Z) <= half.Z + tolerance;
    }

    /// <summary>Euclidean distance from <paramref name="point"/> to the box: 0 inside or on the surface.</summary>
    public double DistanceTo(Point3D point)
    {
        // A rotation preserves distances, so measure in the local frame where the box is axis-aligned.
        var local = ToLocal(point);
        var half = HalfExtent;
        var dx = Math.Max(Math.Abs(local.X) - half.X, 0);
        var dy = Math.Max(Math.Abs(local.Y) - half.Y, 0);
        var dz = Math.Max(Math.Abs(local.Z) - half.Z, 0);
        return Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
    }

    /// <summary>
    /// Distance from <paramref name="point"/> to the nearest face: the same as <see cref="DistanceTo"/> outside,
    /// and the depth below the surface inside (0 on a face).
    /// </summary>
    public double DistanceToSurface(Point3D point)
    {
        var outside = DistanceTo(point);
        if (outside > 0)
        {
            return outside;
        }
        var local = ToLocal(point);
        var half = HalfExtent;
        return Math.Min(Math.Min(half.X - Math.Abs(local.X), half.Y - Math.Abs(local.Y)), half.Z - Math.Abs(local.Z));
    }

    /// <summary>
    /// The 8 corners. Corner i is at +half extent along local x when bit 0 of i is set (−half otherwise), along
    /// local y for bit 1 and along local z for bit 2.
    /// </summary>
    public Point3D[] Corners()
    {
        var corners = new Point3D[8];
        var half = HalfExtent;
        for (var i = 0; i < 8; i++)
        {
            corners[i] = ToParent(new(
                (i & 1) == 0 ? -half.X : half.X,
                (i & 2) == 0 ? -half.Y : half.Y,
                (i & 4) == 0 ? -half.Z : half.Z));
        }
        return corners;
    }

    /// <summary>The smallest axis-aligned box holding this box.</summary>
    public AxisAlignedBox3D AxisAlignedBounds() => AxisAlignedBox3D.FromPoints(Corners());

    /// <summary>The same box moved by <paramref name="offset"/>.</summary>
    public OrientedBox3D Translated(Point3D offset) => this with { Center = Center + offset };

    /// <summary>
    /// The same box expressed in another frame, given the rotation and translation of this box's parent frame in
    /// that frame (<c>q = rotation · p + translation</c>).
    /// </summary>
    public OrientedBox3D Transformed(Rotation3D rotation, Point3D translation) =>
        new(rotation.Rotate(Center) + translation, Extent, rotation * Rotation);
}
