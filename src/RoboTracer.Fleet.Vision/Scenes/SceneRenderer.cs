using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Scenes;

/// <summary>
/// Renders a <see cref="TabletopScene"/> by casting one ray per pixel through its centre (u = x, v = y; see
/// <see cref="CameraIntrinsics"/>), so that back-projecting pixel (x, y) with the rendered depth gives exactly the
/// surface point the ray hit. Flat colours with Lambert shading from one fixed light, no shadows. Single-threaded
/// and pure: the same scene gives the same bytes.
/// </summary>
public static class SceneRenderer
{
    private const double Ambient = 0.35;
    private const double Diffuse = 0.65;
    private static readonly Rgb8 TableColor = new(150, 111, 72);
    private static readonly Rgb8 FloorColor = new(92, 92, 98);
    private static readonly Rgb8 BackgroundColor = new(205, 214, 224);

    // Light from above, a little to the left and from the camera side; world frame.
    private static readonly Point3D LightDirection = new Point3D(-0.3, -0.5, 1).Normalized();

    /// <summary>Renders colour, depth and labels.</summary>
    public static RenderedScene Render(TabletopScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var k = scene.Intrinsics;
        int width = k.Width, height = k.Height;
        var light = scene.Camera.Rotation.Rotate(LightDirection);

        var boxes = new List<BoxTarget> { BoxTarget.Create(scene.Camera.ToCamera(scene.Table), TableColor, RenderedScene.Table, k, light) };
        for (var i = 0; i < scene.Objects.Count; i++)
        {
            var o = scene.Objects[i];
            boxes.Add(BoxTarget.Create(scene.Camera.ToCamera(o.Box), o.Color, i, k, light));
        }
        // The floor plane z_world = FloorZ in camera coordinates: n · p = offset.
        var floorNormal = scene.Camera.Rotation.Rotate(new Point3D(0, 0, 1));
        var floorOffset = floorNormal.Dot(scene.Camera.ToCamera(new Point3D(0, 0, scene.FloorZ)));
        var floorColor = Shade(FloorColor, floorNormal, light);

        var rgb = new byte[width * height * 3];
        var depth = new float[width * height];
        var labels = new int[width * height];
        for (var y = 0; y < height; y++)
        {
            var dy = (y - k.Cy) / k.Fy;
            for (var x = 0; x < width; x++)
            {
                // The ray (dx, dy, 1): its parameter t is the z-depth of the point it reaches.
                var ray = new Point3D((x - k.Cx) / k.Fx, dy, 1);
                var nearest = double.PositiveInfinity;
                var label = RenderedScene.Background;
                var color = BackgroundColor;
                var denominator = floorNormal.Dot(ray);
                if (denominator != 0)
                {
                    var t = floorOffset / denominator;
                    if (t > 0)
                    {
                        (nearest, label, color) = (t, RenderedScene.Floor, floorColor);
                    }
                }
                foreach (var box in boxes)
                {
                    if (box.Covers(x, y) && box.TryHit(ray, out var t, out var face) && t < nearest)
                    {
                        (nearest, label, color) = (t, box.Label, box.FaceColors[face]);
                    }
                }
                var i = (y * width) + x;
                labels[i] = label;
                depth[i] = label == RenderedScene.Background ? 0 : (float)nearest;
                rgb[3 * i] = color.R;
                rgb[(3 * i) + 1] = color.G;
                rgb[(3 * i) + 2] = color.B;
            }
        }
        return new RenderedScene(RgbImage.Own(rgb, width, height), DepthImage.Own(depth, width, height), labels);
    }

    private static Rgb8 Shade(Rgb8 color, Point3D normal, Point3D light) =>
        color.Scaled(Ambient + (Diffuse * Math.Max(0, normal.Dot(light))));

    /// <summary>A box prepared for ray casting in the camera frame, with its screen rectangle and face colours.</summary>
    private sealed class BoxTarget
    {
        private Rotation3D _rotation;
        private Point3D _origin;
        private Point3D _half;
        private int _minX, _maxX, _minY, _maxY;

        public int Label { get; private init; }

        /// <summary>Shaded colour per face: 2·axis for the −axis face, 2·axis + 1 for the +axis face.</summary>
        public Rgb8[] FaceColors { get; } = new Rgb8[6];

        public static BoxTarget Create(OrientedBox3D box, Rgb8 color, int label, CameraIntrinsics k, Point3D light)
        {
            var target = new BoxTarget
            {
                Label = label,
                _rotation = box.Rotation,
                // The camera centre in the box's local frame: every ray starts there.
                _origin = box.ToLocal(Point3D.Zero),
                _half = box.HalfExtent,
            };
            for (var axis = 0; axis < 3; axis++)
            {
                var outward = box.Rotation.Column(axis);
                target.FaceColors[2 * axis] = Shade(color, -outward, light);
                target.FaceColors[(2 * axis) + 1] = Shade(color, outward, light);
            }
            // Screen rectangle from the projected corners; a box reaching behind the camera may cover anything.
            (target._minX, target._maxX, target._minY, target._maxY) = (0, k.Width - 1, 0, k.Height - 1);
            var corners = box.Corners();
            if (Array.TrueForAll(corners, c => c.Z > 1e-6))
            {
                double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
                foreach (var c in corners)
                {
                    var p = k.Project(c);
                    (minU, maxU, minV, maxV) = (Math.Min(minU, p.X), Math.Max(maxU, p.X), Math.Min(minV, p.Y), Math.Max(maxV, p.Y));
                }
                // A box is convex, so its image lies within the hull of its projected corners; one pixel of slack.
                target._minX = (int)Math.Max(0, Math.Floor(minU) - 1);
                target._maxX = (int)Math.Min(k.Width - 1, Math.Ceiling(maxU) + 1);
                target._minY = (int)Math.Max(0, Math.Floor(minV) - 1);
                target._maxY = (int)Math.Min(k.Height - 1, Math.Ceiling(maxV) + 1);
            }
            return target;
        }

        public bool Covers(int x, int y) => x >= _minX && x <= _maxX && y >= _minY && y <= _maxY;

        /// <summary>Slab test in the box's local frame; t is the ray parameter (= camera z) of the entry point.</summary>
        public bool TryHit(Point3D ray, out double t, out int face)
        {
            var d = _rotation.InverseRotate(ray);
            double near = double.NegativeInfinity, far = double.PositiveInfinity;
            face = 0;
            for (var axis = 0; axis < 3; axis++)
            {
                var (o, dir, h) = axis switch
                {
                    0 => (_origin.X, d.X, _half.X),
                    1 => (_origin.Y, d.Y, _half.Y),
                    _ => (_origin.Z, d.Z, _half.Z),
                };
                if (Math.Abs(dir) < 1e-15)
                {
                    if (Math.Abs(o) > h)
                    {
                        t = 0;
                        return false;
                    }
                    continue;
                }
                var t1 = (-h - o) / dir;
                var t2 = (h - o) / dir;
                // Entering through the −axis face when moving towards +axis, and vice versa.
                var entryFace = dir > 0 ? 2 * axis : (2 * axis) + 1;
                if (t1 > t2)
                {
                    (t1, t2) = (t2, t1);
                }
                if (t1 > near)
                {
                    near = t1;
                    face = entryFace;
                }
                far = Math.Min(far, t2);
            }
            t = near;
            // A camera inside the box (near ≤ 0) sees nothing of it: its faces point away.
            return near <= far && near > 0;
        }
    }
}
