using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Vision.Spatial;

/// <summary>
/// Neighbour search over a fixed point set with a voxel hash: points are bucketed into cubic cells, and queries
/// visit only the cells that can hold an answer. Radius queries cost O(points in the surrounding cells); k-nearest
/// queries grow shells of cells until no unvisited cell can hold a closer point. Immutable and thread-safe.
/// </summary>
public sealed class PointCloudIndex
{
    private readonly Point3D[] _points;
    private readonly Dictionary<VoxelKey, (int Start, int Count)> _cells;
    private readonly int[] _order;

    /// <summary>Indexes a copy of <paramref name="points"/> in cells of <paramref name="cellSize"/> metres.</summary>
    /// <param name="points">The points; indices in results refer to this span.</param>
    /// <param name="cellSize">
    /// Cell side. Radius queries are fastest with a cell about the radius; k-nearest with a few points per cell.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">The cell size is not positive and finite.</exception>
    /// <exception cref="ArgumentException">A point is not finite.</exception>
    public PointCloudIndex(ReadOnlySpan<Point3D> points, double cellSize)
    {
        if (!(cellSize > 0) || !double.IsFinite(cellSize))
        {
            throw new ArgumentOutOfRangeException(nameof(cellSize), cellSize, "cell size must be positive and finite");
        }
        CellSize = cellSize;
        _points = points.ToArray();
        var keys = new VoxelKey[_points.Length];
        var counts = new Dictionary<VoxelKey, int>();
        for (var i = 0; i < _points.Length; i++)
        {
            if (!_points[i].IsFinite)
            {
                throw new ArgumentException($"point {i} is {_points[i]}; every point must be finite");
            }
            keys[i] = VoxelKey.Of(_points[i], cellSize);
            counts[keys[i]] = counts.GetValueOrDefault(keys[i]) + 1;
        }
        // Counting sort by cell: each cell's points are contiguous in _order, in ascending index order.
        _cells = new Dictionary<VoxelKey, (int Start, int Count)>(counts.Count);
        var start = 0;
        foreach (var (key, count) in counts)
        {
            _cells[key] = (start, 0);
            start += count;
        }
        _order = new int[_points.Length];
        for (var i = 0; i < _points.Length; i++)
        {
            var (cellStart, filled) = _cells[keys[i]];
            _order[cellStart + filled] = i;
            _cells[keys[i]] = (cellStart, filled + 1);
        }
    }

    /// <summary>Number of indexed points.</summary>
    public int Count => _points.Length;

    /// <summary>The cell side in metres.</summary>
    public double CellSize { get; }

    /// <summary>Indexed point <paramref name="index"/>.</summary>
    public Point3D this[int index] => _points[index];

    /// <summary>
    /// A cell size for k-nearest queries over <paramref name="points"/> that puts about
    /// <paramref name="pointsPerCell"/> points in each occupied cell: queries then stop after the first shell of
    /// neighbouring cells. Starts from the cube that would hold one point if the points filled their bounding box,
    /// then corrects by the occupancy it measures (depth points lie on surfaces, where occupancy grows with the
    /// square of the cell side).
    /// </summary>
    public static double SuggestCellSize(ReadOnlySpan<Point3D> points, int pointsPerCell = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pointsPerCell);
        if (points.Length < 2)
        {
            return 1;
        }
        var size = AxisAlignedBox3D.FromPoints(points).Size;
        var cell = Math.Max(size.X, Math.Max(size.Y, size.Z)) / Math.Cbrt(points.Length);
        if (!(cell > 0) || !double.IsFinite(cell))
        {
            return 1;
        }
        var cells = new HashSet<VoxelKey>();
        for (var round = 0; round < 4; round++)
        {
            cells.Clear();
            foreach (var p in points)
            {
                cells.Add(VoxelKey.Of(p, cell));
            }
            var occupancy = (double)points.Length / cells.Count;
            var ratio = pointsPerCell / occupancy;
            if (ratio is > 0.5 and < 2)
            {
                break;
            }
            cell *= Math.Clamp(Math.Sqrt(ratio), 0.125, 8);
        }
        return cell;
    }

    /// <summary>
    /// Appends to <paramref name="results"/> the indices of the points strictly closer than <paramref name="radius"/>
    /// (squared distance &lt; radius², as Open3D's KDTreeFlann.SearchRadius), including a point equal to the query.
    /// </summary>
    public void RadiusSearch(Point3D query, double radius, List<int> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var r2 = radius * radius;
        var min = VoxelKey.Of(query - new Point3D(radius, radius, radius), CellSize);
        var max = VoxelKey.Of(query + new Point3D(radius, radius, radius), CellSize);
        for (var x = min.X; x <= max.X; x++)
        {
            for (var y = min.Y; y <= max.Y; y++)
            {
                for (var z = min.Z; z <= max.Z; z++)
                {
                    if (!_cells.TryGetValue(new VoxelKey(x, y, z), out var cell))
                    {
                        continue;
                    }
                    for (var j = cell.Start; j < cell.Start + cell.Count; j++)
                    {
                        var i = _order[j];
                        if (_points[i].DistanceSquaredTo(query) < r2)
                        {
                            results.Add(i);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The number of points strictly closer than <paramref name="radius"/> (see <see cref="RadiusSearch"/>).</summary>
    public int CountWithin(Point3D query, double radius)
    {
        var r2 = radius * radius;
        var count = 0;
        var min = VoxelKey.Of(query - new Point3D(radius, radius, radius), CellSize);
        var max = VoxelKey.Of(query + new Point3D(radius, radius, radius), CellSize);
        for (var x = min.X; x <= max.X; x++)
        {
            for (var y = min.Y; y <= max.Y; y++)
            {
                for (var z = min.Z; z <= max.Z; z++)
                {
                    if (!_cells.TryGetValue(new VoxelKey(x, y, z), out var cell))
                    {
                        continue;
                    }
                    for (var j = cell.Start; j < cell.Start + cell.Count; j++)
                    {
                        if (_points[_order[j]].DistanceSquaredTo(query) < r2)
                        {
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    /// <summary>The index of the point nearest to <paramref name="query"/> and its distance; -1 and +∞ when the index is empty.</summary>
    public int Nearest(Point3D query, out double distance)
    {
        Span<int> index = stackalloc int[1];
        Span<double> squared = stackalloc double[1];
        if (KNearest(query, index, squared) == 0)
        {
            distance = double.PositiveInfinity;
            return -1;
        }
        distance = Math.Sqrt(squared[0]);
        return index[0];
    }

    /// <summary>
    /// The k = <paramref name="indices"/>.Length nearest points (fewer when the index holds fewer), nearest first,
    /// with their squared distances; a point equal to the query is included, as in Open3D's SearchKNN.
    /// </summary>
    /// <returns>The number of neighbours written.</returns>
    /// <exception cref="ArgumentException"><paramref name="squaredDistances"/> is shorter than <paramref name="indices"/>.</exception>
    public int KNearest(Point3D query, Span<int> indices, Span<double> squaredDistances)
    {
        var k = Math.Min(indices.Length, _points.Length);
        if (squaredDistances.Length < indices.Length)
        {
            throw new ArgumentException("squaredDistances must be at least as long as indices");
        }
        if (k == 0)
        {
            return 0;
        }
        var found = 0;
        var seen = 0;
        var center = VoxelKey.Of(query, CellSize);
        // The distance from the query to the faces of its own cell: every point outside the cube of shells 0..r
        // is at least r·cell + margin away.
        var margin = Math.Min(
            Math.Min(Gap(query.X, center.X), Gap(query.Y, center.Y)),
            Gap(query.Z, center.Z));
        for (var r = 0; ; r++)
        {
            // Past this many shells the query is far from the data (an outlier): scanning every point is cheaper.
            var cube = (2L * r) + 1;
            if (cube * cube * cube > 8L * (_cells.Count + 8))
            {
                return BruteForce(query, k, indices, squaredDistances);
            }
            VisitShell(center, r, query, k, indices, squaredDistances, ref found, ref seen);
            var bound = (r * CellSize) + margin;
            if ((found == k && squaredDistances[k - 1] <= bound * bound) || seen == _points.Length)
            {
                return found;
            }
        }

        double Gap(double coordinate, int cell)
        {
            var low = coordinate - (cell * CellSize);
            return Math.Max(0, Math.Min(low, CellSize - low));
        }
    }

    private void VisitShell(VoxelKey center, int r, Point3D query, int k, Span<int> indices, Span<double> distances, ref int found, ref int seen)
    {
        for (var dx = -r; dx <= r; dx++)
        {
            for (var dy = -r; dy <= r; dy++)
            {
                // Only the shell's surface: inner cells were visited at smaller r.
                var onFace = Math.Abs(dx) == r || Math.Abs(dy) == r;
                var step = onFace || r == 0 ? 1 : 2 * r;
                for (var dz = -r; dz <= r; dz += step)
                {
                    var key = center.Offset(dx, dy, dz);
                    if (!_cells.TryGetValue(key, out var cell))
                    {
                        continue;
                    }
                    seen += cell.Count;
                    // A full top-k list already beats every point of a cell that is farther than its worst entry.
                    if (found == k && CellDistanceSquared(key, query) >= distances[k - 1])
                    {
                        continue;
                    }
                    for (var j = cell.Start; j < cell.Start + cell.Count; j++)
                    {
                        var i = _order[j];
                        Insert(i, _points[i].DistanceSquaredTo(query), k, indices, distances, ref found);
                    }
                }
            }
        }
    }

    private double CellDistanceSquared(VoxelKey key, Point3D query)
    {
        var dx = Math.Max(Math.Max((key.X * CellSize) - query.X, query.X - ((key.X + 1) * CellSize)), 0);
        var dy = Math.Max(Math.Max((key.Y * CellSize) - query.Y, query.Y - ((key.Y + 1) * CellSize)), 0);
        var dz = Math.Max(Math.Max((key.Z * CellSize) - query.Z, query.Z - ((key.Z + 1) * CellSize)), 0);
        return (dx * dx) + (dy * dy) + (dz * dz);
    }

    private int BruteForce(Point3D query, int k, Span<int> indices, Span<double> distances)
    {
        var found = 0;
        for (var i = 0; i < _points.Length; i++)
        {
            Insert(i, _points[i].DistanceSquaredTo(query), k, indices, distances, ref found);
        }
        return found;
    }

    /// <summary>Insertion into the sorted top-k lists (k is small in practice: tens of neighbours).</summary>
    private static void Insert(int index, double d2, int k, Span<int> indices, Span<double> distances, ref int found)
    {
        if (found == k && d2 >= distances[k - 1])
        {
            return;
        }
        var at = found < k ? found++ : k - 1;
        while (at > 0 && distances[at - 1] > d2)
        {
            distances[at] = distances[at - 1];
            indices[at] = indices[at - 1];
            at--;
        }
        distances[at] = d2;
        indices[at] = index;
    }
}
