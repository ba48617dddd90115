using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Simulator.Robots;

/// <summary>A polyline in the camera frame, parameterised by the fraction of its length travelled (0..1).</summary>
internal sealed class TracePath
{
    private readonly Point3D[] _points;
    private readonly double[] _cumulative;

    public TracePath(IReadOnlyList<Point3D> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("a path needs at least one point", nameof(points));
        }
        _points = [.. points];
        _cumulative = new double[_points.Length];
        for (var i = 1; i < _points.Length; i++)
        {
            _cumulative[i] = _cumulative[i - 1] + _points[i].DistanceTo(_points[i - 1]);
        }
    }

    /// <summary>Length in metres.</summary>
    public double Length => _cumulative[^1];

    public Point3D Start => _points[0];

    public Point3D End => _points[^1];

    /// <summary>The point <paramref name="fraction"/> of the way along (clamped to 0..1); the end for a zero-length path.</summary>
    public Point3D PointAt(double fraction)
    {
        if (Length <= 0 || fraction >= 1)
        {
            return End;
        }
        var i = SegmentAt(fraction, out var distance);
        var span = _cumulative[i + 1] - _cumulative[i];
        return span <= 0 ? _points[i + 1] : Point3D.Lerp(_points[i], _points[i + 1], (distance - _cumulative[i]) / span);
    }

    /// <summary>The direction of travel at <paramref name="fraction"/> (not normalized; zero for a zero-length path).</summary>
    public Point3D DirectionAt(double fraction)
    {
        if (Length <= 0)
        {
            return Point3D.Zero;
        }
        var i = SegmentAt(Math.Min(fraction, 1 - 1e-9), out _);
        return _points[i + 1] - _points[i];
    }

    private int SegmentAt(double fraction, out double distance)
    {
        distance = Math.Clamp(fraction, 0, 1) * Length;
        var i = 0;
        while (i < _points.Length - 2 && _cumulative[i + 1] < distance)
        {
            i++;
        }
        return i;
    }
}
