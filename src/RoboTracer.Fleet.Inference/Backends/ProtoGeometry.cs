using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>Conversions between the wire's geometry messages and the domain's value types.</summary>
public static class ProtoGeometry
{
    /// <summary>A wire box (centre, full extents, unit quaternion) as an oriented box; a missing rotation is identity.</summary>
    public static OrientedBox3D ToBox(Contracts.V1.Box3D box)
    {
        ArgumentNullException.ThrowIfNull(box);
        var rotation = box.Rotation is { } q && (q.W != 0 || q.X != 0 || q.Y != 0 || q.Z != 0)
            ? Rotation3D.FromQuaternion(q.W, q.X, q.Y, q.Z)
            : Rotation3D.Identity;
        return new OrientedBox3D(ToPoint(box.Center), ToPoint(box.Extent), rotation);
    }

    /// <summary>A wire point as a domain point.</summary>
    public static Point3D ToPoint(Contracts.V1.Point3D? point) => point is null ? default : new Point3D(point.X, point.Y, point.Z);

    /// <summary>An oriented box as a wire box (centre, full extents, unit quaternion).</summary>
    public static Contracts.V1.Box3D ToWire(OrientedBox3D box)
    {
        var (w, x, y, z) = box.Rotation.ToQuaternion();
        return new Contracts.V1.Box3D { Center = ToWire(box.Center), Extent = ToWire(box.Extent), Rotation = new Contracts.V1.Quaternion { W = w, X = x, Y = y, Z = z } };
    }

    /// <summary>A domain point as a wire point.</summary>
    public static Contracts.V1.Point3D ToWire(Point3D point) => new() { X = point.X, Y = point.Y, Z = point.Z };
}
