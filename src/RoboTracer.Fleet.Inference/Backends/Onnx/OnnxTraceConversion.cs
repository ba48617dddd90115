using System.Globalization;
using System.Text;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Backends.Onnx;

/// <summary>
/// One item's rows of the points output as a trace. Rows with a NaN are the model's padding and are dropped.
/// Normalised pixels (N×2) go through <see cref="AnswerConversion"/> like any model's answer (pixels, lifted to 3D
/// from the request's depth when 3D is wanted); camera-frame points (N×3) are kept as they are and projected
/// into the image with the request's intrinsics (u = fx·X/Z + cx, v = fy·Y/Z + cy). Points outside the image or
/// with no positive depth are kept and flagged. <c>raw_answer</c> holds the rows as the model gave them.
/// </summary>
internal static class OnnxTraceConversion
{
    public static TraceResponse ToResponse(TraceJob job, OnnxRunOutput output, int item)
    {
        var rows = output.Values.AsSpan(item * output.Points * output.Width, output.Points * output.Width);
        var raw = new StringBuilder("[");
        var points = new List<(double X, double Y, double Z)>(output.Points);
        for (var i = 0; i < output.Points; i++)
        {
            var row = rows.Slice(i * output.Width, output.Width);
            if (HasNaN(row))
            {
                continue;
            }
            points.Add((row[0], row[1], output.Width == 3 ? row[2] : double.NaN));
            raw.Append(points.Count > 1 ? ", (" : "(");
            for (var c = 0; c < row.Length; c++)
            {
                raw.Append(c > 0 ? ", " : "").Append(row[c].ToString("R", CultureInfo.InvariantCulture));
            }
            raw.Append(')');
        }
        raw.Append(']');
        var threeD = TracePrompts.WantsThreeD(job.Request, job.Inputs.CanLift);
        if (output.Width == 2)
        {
            var answer = new ParsedAnswer(points.ConvertAll(p => new AnswerPoint(p.X * 1000, p.Y * 1000, null)), TraceAnswerFormat.Tuples, "");
            return AnswerConversion.ToResponse(raw.ToString(), answer, job.Inputs, threeD);
        }
        var response = new TraceResponse { RawAnswer = raw.ToString() };
        var k = job.Inputs.Intrinsics!;
        var (width, height) = (job.Inputs.Image.Width, job.Inputs.Image.Height);
        for (var i = 0; i < points.Count; i++)
        {
            var (x, y, z) = points[i];
            var inside = false;
            if (z > 0)
            {
                var (u, v) = ((k.Fx * x / z) + k.Cx, (k.Fy * y / z) + k.Cy);
                response.Points2D.Add(new Point2D { X = u, Y = v });
                inside = u >= 0 && u < width && v >= 0 && v < height;
            }
            else
            {
                // No pixel for a point at or behind the camera; the entry keeps indices aligned, the flag says why.
                response.Points2D.Add(new Point2D());
            }
            if (job.Request.Output != TraceOutput._2D)
            {
                response.Points3D.Add(new Point3D { X = x, Y = y, Z = z });
            }
            if (!inside)
            {
                response.FlaggedPoints.Add((uint)i);
            }
        }
        return response;
    }

    private static bool HasNaN(ReadOnlySpan<float> row)
    {
        foreach (var value in row)
        {
            if (float.IsNaN(value))
            {
                return true;
            }
        }
        return false;
    }
}
