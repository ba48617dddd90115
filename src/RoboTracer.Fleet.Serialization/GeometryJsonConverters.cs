using System.Text.Json;
using System.Text.Json.Serialization;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Serialization;

/// <summary>
/// Compact JSON for geometry: points as number arrays (<c>[x, y, z]</c>), rotations as their 9 row-major
/// entries, boxes as objects of those. The records' derived properties (length, volume, ...) stay out of the
/// stored events, which hold many traces of many points.
/// </summary>
internal static class GeometryJson
{
    public static double[] ReadNumbers(ref Utf8JsonReader reader, int count, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"{what} is an array of {count} numbers");
        }
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                throw new JsonException($"{what} is an array of {count} numbers");
            }
            values[i] = reader.GetDouble();
        }
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException($"{what} is an array of {count} numbers");
        }
        return values;
    }

    public static void WriteNumbers(Utf8JsonWriter writer, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }

    public static Point3D ReadPoint(ref Utf8JsonReader reader)
    {
        var v = ReadNumbers(ref reader, 3, "a 3D point");
        return new Point3D(v[0], v[1], v[2]);
    }

    public static void WritePoint(Utf8JsonWriter writer, Point3D p) => WriteNumbers(writer, [p.X, p.Y, p.Z]);

    public static Rotation3D ReadRotation(ref Utf8JsonReader reader) => Rotation3D.FromRowMajor(ReadNumbers(ref reader, 9, "a rotation"));

    /// <summary>Reads an object whose properties are each read by <paramref name="readProperty"/>.</summary>
    public static void ReadObject(ref Utf8JsonReader reader, string what, PropertyReader readProperty)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{what} is an object");
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (!readProperty(name, ref reader))
            {
                reader.Skip();
            }
        }
    }

    public delegate bool PropertyReader(string name, ref Utf8JsonReader reader);
}

/// <summary>JSON for <see cref="Point2D"/>: <c>[x, y]</c>.</summary>
public sealed class Point2DJsonConverter : JsonConverter<Point2D>
{
    /// <inheritdoc />
    public override Point2D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var v = GeometryJson.ReadNumbers(ref reader, 2, "a 2D point");
        return new Point2D(v[0], v[1]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Point2D value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        GeometryJson.WriteNumbers(writer, [value.X, value.Y]);
    }
}

/// <summary>JSON for <see cref="Point3D"/>: <c>[x, y, z]</c>.</summary>
public sealed class Point3DJsonConverter : JsonConverter<Point3D>
{
    /// <inheritdoc />
    public override Point3D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => GeometryJson.ReadPoint(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Point3D value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        GeometryJson.WritePoint(writer, value);
    }
}

/// <summary>JSON for <see cref="Rotation3D"/>: 9 row-major entries.</summary>
public sealed class Rotation3DJsonConverter : JsonConverter<Rotation3D>
{
    /// <inheritdoc />
    public override Rotation3D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => GeometryJson.ReadRotation(ref reader);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Rotation3D value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        GeometryJson.WriteNumbers(writer, value.ToRowMajor());
    }
}

/// <summary>JSON for <see cref="AxisAlignedBox3D"/>: <c>{"min": [..], "max": [..]}</c>.</summary>
public sealed class AxisAlignedBox3DJsonConverter : JsonConverter<AxisAlignedBox3D>
{
    /// <inheritdoc />
    public override AxisAlignedBox3D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Point3D? min = null;
        Point3D? max = null;
        GeometryJson.ReadObject(ref reader, "a box", (string name, ref Utf8JsonReader r) =>
        {
            switch (name)
            {
                case "min":
                    min = GeometryJson.ReadPoint(ref r);
                    return true;
                case "max":
                    max = GeometryJson.ReadPoint(ref r);
                    return true;
                default:
                    return false;
            }
        });
        if (min is null || max is null)
        {
            throw new JsonException("a box has min and max");
        }
        try
        {
            return new AxisAlignedBox3D(min.Value, max.Value);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AxisAlignedBox3D value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WritePropertyName("min");
        GeometryJson.WritePoint(writer, value.Min);
        writer.WritePropertyName("max");
        GeometryJson.WritePoint(writer, value.Max);
        writer.WriteEndObject();
    }
}

/// <summary>JSON for <see cref="OrientedBox3D"/>: <c>{"center": [..], "extent": [..], "rotation": [9]}</c>.</summary>
public sealed class OrientedBox3DJsonConverter : JsonConverter<OrientedBox3D>
{
    /// <inheritdoc />
    public override OrientedBox3D Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Point3D? center = null;
        Point3D? extent = null;
        var rotation = Rotation3D.Identity;
        GeometryJson.ReadObject(ref reader, "an oriented box", (string name, ref Utf8JsonReader r) =>
        {
            switch (name)
            {
                case "center":
                    center = GeometryJson.ReadPoint(ref r);
                    return true;
                case "extent":
                    extent = GeometryJson.ReadPoint(ref r);
                    return true;
                case "rotation":
                    rotation = GeometryJson.ReadRotation(ref r);
                    return true;
                default:
                    return false;
            }
        });
        if (center is null || extent is null)
        {
            throw new JsonException("an oriented box has a center and an extent");
        }
        return new OrientedBox3D(center.Value, extent.Value, rotation);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, OrientedBox3D value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WritePropertyName("center");
        GeometryJson.WritePoint(writer, value.Center);
        writer.WritePropertyName("extent");
        GeometryJson.WritePoint(writer, value.Extent);
        writer.WritePropertyName("rotation");
        GeometryJson.WriteNumbers(writer, value.Rotation.ToRowMajor());
        writer.WriteEndObject();
    }
}
