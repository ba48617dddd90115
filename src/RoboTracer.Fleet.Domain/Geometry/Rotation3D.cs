using System.Globalization;

namespace RoboTracer.Fleet.Domain.Geometry;

/// <summary>
/// A 3x3 rotation matrix, row-major (M12 is row 1, column 2). It maps a box's or a frame's local axes into the
/// parent frame: <c>parent = R · local</c>, the convention of TraceSpatial-Bench's <c>bbox_rotation</c> and of
/// Open3D's OrientedBoundingBox. <c>default(Rotation3D)</c> is the identity.
/// </summary>
public readonly record struct Rotation3D
{
    // default(Rotation3D) must be the identity, not the zero matrix, so that default boxes and poses are usable:
    // the diagonal is stored as its offset from 1 (off-diagonal entries of the identity are 0 anyway).
    private readonly double _d11;
    private readonly double _d22;
    private readonly double _d33;

    /// <summary>Creates a matrix from its entries, row by row. The entries are not checked: see <see cref="IsRotation"/>.</summary>
    public Rotation3D(
        double m11, double m12, double m13,
        double m21, double m22, double m23,
        double m31, double m32, double m33)
    {
        _d11 = m11 - 1;
        M12 = m12;
        M13 = m13;
        M21 = m21;
        _d22 = m22 - 1;
        M23 = m23;
        M31 = m31;
        M32 = m32;
        _d33 = m33 - 1;
    }

    /// <summary>The identity rotation.</summary>
    public static Rotation3D Identity => default;

    /// <summary>Row 1, column 1.</summary>
    public double M11 => _d11 + 1;

    /// <summary>Row 1, column 2.</summary>
    public double M12 { get; }

    /// <summary>Row 1, column 3.</summary>
    public double M13 { get; }

    /// <summary>Row 2, column 1.</summary>
    public double M21 { get; }

    /// <summary>Row 2, column 2.</summary>
    public double M22 => _d22 + 1;

    /// <summary>Row 2, column 3.</summary>
    public double M23 { get; }

    /// <summary>Row 3, column 1.</summary>
    public double M31 { get; }

    /// <summary>Row 3, column 2.</summary>
    public double M32 { get; }

    /// <summary>Row 3, column 3.</summary>
    public double M33 => _d33 + 1;

    /// <summary>The determinant: +1 for a proper rotation, -1 for a reflection.</summary>
    public double Determinant =>
        (M11 * ((M22 * M33) - (M23 * M32))) - (M12 * ((M21 * M33) - (M23 * M31))) + (M13 * ((M21 * M32) - (M22 * M31)));

    /// <summary>The transpose, which is the inverse of a rotation.</summary>
    public Rotation3D Transposed => new(M11, M21, M31, M12, M22, M32, M13, M23, M33);

    /// <summary>Creates a matrix from 9 row-major entries (e.g. a flattened 3x3 <c>bbox_rotation</c>).</summary>
    /// <exception cref="ArgumentException">The span does not hold exactly 9 entries.</exception>
    public static Rotation3D FromRowMajor(ReadOnlySpan<double> entries)
    {
        if (entries.Length != 9)
        {
            throw new ArgumentException($"a rotation matrix has 9 entries; got {entries.Length}");
        }
        return new(entries[0], entries[1], entries[2], entries[3], entries[4], entries[5], entries[6], entries[7], entries[8]);
    }

    /// <summary>Creates a matrix from its three rows.</summary>
    public static Rotation3D FromRows(Point3D row1, Point3D row2, Point3D row3) =>
        new(row1.X, row1.Y, row1.Z, row2.X, row2.Y, row2.Z, row3.X, row3.Y, row3.Z);

    /// <summary>Creates a matrix from its three columns: the images of the local x, y and z axes.</summary>
    public static Rotation3D FromColumns(Point3D column1, Point3D column2, Point3D column3) => FromRows(column1, column2, column3).Transposed;

    /// <summary>A rotation by <paramref name="radians"/> about the x axis (right-handed).</summary>
    public static Rotation3D AboutX(double radians)
    {
        var (s, c) = Math.SinCos(radians);
        return new(1, 0, 0, 0, c, -s, 0, s, c);
    }

    /// <summary>A rotation by <paramref name="radians"/> about the y axis (right-handed).</summary>
    public static Rotation3D AboutY(double radians)
    {
        var (s, c) = Math.SinCos(radians);
        return new(c, 0, s, 0, 1, 0, -s, 0, c);
    }

    /// <summary>A rotation by <paramref name="radians"/> about the z axis (right-handed).</summary>
    public static Rotation3D AboutZ(double radians)
    {
        var (s, c) = Math.SinCos(radians);
        return new(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    /// <summary>A rotation by <paramref name="radians"/> about <paramref name="axis"/> (Rodrigues' formula).</summary>
    /// <exception cref="InvalidOperationException">The axis has zero length.</exception>
    public static Rotation3D FromAxisAngle(Point3D axis, double radians)
    {
        var (x, y, z) = axis.Normalized();
        var (s, c) = Math.SinCos(radians);
        var t = 1 - c;
        return new(
            (t * x * x) + c, (t * x * y) - (s * z), (t * x * z) + (s * y),
            (t * x * y) + (s * z), (t * y * y) + c, (t * y * z) - (s * x),
            (t * x * z) - (s * y), (t * y * z) + (s * x), (t * z * z) + c);
    }

    /// <summary>The rotation of a quaternion (w + xi + yj + zk), as in the wire protocol's <c>Box3D.rotation</c>. It is normalized first.</summary>
    /// <exception cref="ArgumentException">The quaternion has zero length or a non-finite component.</exception>
    public static Rotation3D FromQuaternion(double w, double x, double y, double z)
    {
        var norm = Math.Sqrt((w * w) + (x * x) + (y * y) + (z * z));
        if (!double.IsFinite(norm) || norm == 0)
        {
            throw new ArgumentException($"quaternion ({w}, {x}, {y}, {z}) is not a rotation: its length is {norm}");
        }
        w /= norm;
        x /= norm;
        y /= norm;
        z /= norm;
        return new(
            1 - (2 * ((y * y) + (z * z))), 2 * ((x * y) - (w * z)), 2 * ((x * z) + (w * y)),
            2 * ((x * y) + (w * z)), 1 - (2 * ((x * x) + (z * z))), 2 * ((y * z) - (w * x)),
            2 * ((x * z) - (w * y)), 2 * ((y * z) + (w * x)), 1 - (2 * ((x * x) + (y * y))));
    }

    /// <summary>The unit quaternion of this rotation, with W ≥ 0 (q and -q are the same rotation).</summary>
    public (double W, double X, double Y, double Z) ToQuaternion()
    {
        // Shepperd's method: divide by the largest of the four candidate denominators for numerical stability.
        double w, x, y, z;
        var trace = M11 + M22 + M33;
        if (trace > 0)
        {
            var s = Math.Sqrt(trace + 1) * 2;
            (w, x, y, z) = (s / 4, (M32 - M23) / s, (M13 - M31) / s, (M21 - M12) / s);
        }
        else if (M11 > M22 && M11 > M33)
        {
            var s = Math.Sqrt(1 + M11 - M22 - M33) * 2;
            (w, x, y, z) = ((M32 - M23) / s, s / 4, (M12 + M21) / s, (M13 + M31) / s);
        }
        else if (M22 > M33)
        {
            var s = Math.Sqrt(1 + M22 - M11 - M33) * 2;
            (w, x, y, z) = ((M13 - M31) / s, (M12 + M21) / s, s / 4, (M23 + M32) / s);
        }
        else
        {
            var s = Math.Sqrt(1 + M33 - M11 - M22) * 2;
            (w, x, y, z) = ((M21 - M12) / s, (M13 + M31) / s, (M23 + M32) / s, s / 4);
        }
        return w < 0 ? (-w, -x, -y, -z) : (w, x, y, z);
    }

    /// <summary>The entries row by row.</summary>
    public double[] ToRowMajor() => [M11, M12, M13, M21, M22, M23, M31, M32, M33];

    /// <summary>Row <paramref name="index"/> (0, 1 or 2).</summary>
    public Point3D Row(int index) => index switch
    {
        0 => new(M11, M12, M13),
        1 => new(M21, M22, M23),
        2 => new(M31, M32, M33),
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "a row index is 0, 1 or 2"),
    };

    /// <summary>Column <paramref name="index"/> (0, 1 or 2): the image of local axis x, y or z.</summary>
    public Point3D Column(int index) => index switch
    {
        0 => new(M11, M21, M31),
        1 => new(M12, M22, M32),
        2 => new(M13, M23, M33),
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "a column index is 0, 1 or 2"),
    };

    /// <summary>True when the matrix is orthonormal with determinant +1, within <paramref name="tolerance"/> per entry.</summary>
    public bool IsRotation(double tolerance = 1e-6)
    {
        var product = this * Transposed;
        return Math.Abs(product.M11 - 1) <= tolerance && Math.Abs(product.M22 - 1) <= tolerance && Math.Abs(product.M33 - 1) <= tolerance
            && Math.Abs(product.M12) <= tolerance && Math.Abs(product.M13) <= tolerance && Math.Abs(product.M23) <= tolerance
            && Math.Abs(Determinant - 1) <= tolerance * 3;
    }

    /// <summary>Applies the rotation to a vector.</summary>
    public Point3D Rotate(Point3D v) => new(
        (M11 * v.X) + (M12 * v.Y) + (M13 * v.Z),
        (M21 * v.X) + (M22 * v.Y) + (M23 * v.Z),
        (M31 * v.X) + (M32 * v.Y) + (M33 * v.Z));

    /// <summary>Applies the inverse (transposed) rotation to a vector without forming the transpose.</summary>
    public Point3D InverseRotate(Point3D v) => new(
        (M11 * v.X) + (M21 * v.Y) + (M31 * v.Z),
        (M12 * v.X) + (M22 * v.Y) + (M32 * v.Z),
        (M13 * v.X) + (M23 * v.Y) + (M33 * v.Z));

    /// <summary>
    /// The rows, "[[m11, m12, m13], [m21, m22, m23], [m31, m32, m33]]". Overridden because a record's generated
    /// ToString prints every property, and <see cref="Transposed"/> is another rotation: it would never end.
    /// </summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"[[{M11}, {M12}, {M13}], [{M21}, {M22}, {M23}], [{M31}, {M32}, {M33}]]");

    /// <summary>Applies the rotation to a vector.</summary>
    public static Point3D operator *(Rotation3D r, Point3D v) => r.Rotate(v);

    /// <summary>Composition: <c>(a * b) · v = a · (b · v)</c>.</summary>
    public static Rotation3D operator *(Rotation3D a, Rotation3D b) => new(
        (a.M11 * b.M11) + (a.M12 * b.M21) + (a.M13 * b.M31),
        (a.M11 * b.M12) + (a.M12 * b.M22) + (a.M13 * b.M32),
        (a.M11 * b.M13) + (a.M12 * b.M23) + (a.M13 * b.M33),
        (a.M21 * b.M11) + (a.M22 * b.M21) + (a.M23 * b.M31),
        (a.M21 * b.M12) + (a.M22 * b.M22) + (a.M23 * b.M32),
        (a.M21 * b.M13) + (a.M22 * b.M23) + (a.M23 * b.M33),
        (a.M31 * b.M11) + (a.M32 * b.M21) + (a.M33 * b.M31),
        (a.M31 * b.M12) + (a.M32 * b.M22) + (a.M33 * b.M32),
        (a.M31 * b.M13) + (a.M32 * b.M23) + (a.M33 * b.M33));
}
