using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>
/// Where a camera is in the world: its centre, and the rotation from world to camera axes, so that
/// <c>camera = Rotation · (world − Position)</c> with camera axes x right, y down, z forward.
/// </summary>
/// <param name="Position">The camera centre in world coordinates (metres).</param>
/// <param name="Rotation">World-to-camera rotation; its rows are the camera's x, y and z axes in the world.</param>
public readonly record struct CameraPose(Point3D Position, Rotation3D Rotation)
{
    /// <summary>A camera at <paramref name="eye"/> looking at <paramref name="target"/>, with image "up" towards <paramref name="worldUp"/>.</summary>
    /// <exception cref="ArgumentException">The eye and target coincide, or the view direction is parallel to <paramref name="worldUp"/>.</exception>
    public static CameraPose LookAt(Point3D eye, Point3D target, Point3D worldUp)
    {
        var forward = target - eye;
        var right = forward.Cross(worldUp);
        if (forward.LengthSquared == 0 || right.LengthSquared < 1e-18 * forward.LengthSquared * worldUp.LengthSquared)
        {
            throw new ArgumentException($"cannot look from {eye} at {target} with up {worldUp}: the view direction is zero or parallel to up");
        }
        forward = forward.Normalized();
        right = right.Normalized();
        // y points down the image: forward × right (right-handed x, y, z = right, down, forward).
        var down = forward.Cross(right);
        return new(eye, Rotation3D.FromRows(right, down, forward));
    }

    /// <summary>A world point in camera coordinates.</summary>
    public Point3D ToCamera(Point3D world) => Rotation.Rotate(world - Position);

    /// <summary>A camera-frame point in world coordinates.</summary>
    public Point3D ToWorld(Point3D camera) => Position + Rotation.InverseRotate(camera);

    /// <summary>A world-frame box in camera coordinates (as TraceSpatial-Bench stores boxes).</summary>
    public OrientedBox3D ToCamera(OrientedBox3D world) => world.Transformed(Rotation, -Rotation.Rotate(Position));

    /// <summary>A camera-frame box in world coordinates.</summary>
    public OrientedBox3D ToWorld(OrientedBox3D camera) => camera.Transformed(Rotation.Transposed, Position);
}
