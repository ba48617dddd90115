using RoboTracer.Fleet.Contracts.V1;
using Point2D = RoboTracer.Fleet.Domain.Geometry.Point2D;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Backends;

/// <summary>
/// Turns a model's parsed answer into a trace: 0–1000 normalized x, y become pixels of the request image
/// (the conversion at the edge that DESIGN.md §5 asks for), and each point gets a metric 3D position from the
/// model's own depth or, failing that, from the request's depth map. Points outside the image or without a
/// positive depth are kept and flagged, so callers can see what the model did.
/// </summary>
public static class AnswerConversion
{
    /// <summary>Window radius, in pixels, of the median depth used to lift a 2D point.</summary>
    public const int LiftRadius = 2;

    /// <summary>Builds the response for <paramref name="answer"/> (raw text kept for audit).</summary>
    public static TraceResponse ToResponse(string rawAnswer, ParsedAnswer answer, TraceInputs inputs, bool threeD)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(inputs);
        var response = new TraceResponse { RawAnswer = rawAnswer };
        if (answer.Reasoning.Length > 0)
        {
            response.Reasoning.AddRange(answer.Reasoning.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        var (width, height) = (inputs.Image.Width, inputs.Image.Height);
        for (var i = 0; i < answer.Points.Count; i++)
        {
            var point = answer.Points[i];
            var pixel = new Point2D(point.X / 1000.0 * width, point.Y / 1000.0 * height);
            response.Points2D.Add(new Contracts.V1.Point2D { X = pixel.X, Y = pixel.Y });
            var inside = pixel.X >= 0 && pixel.X < width && pixel.Y >= 0 && pixel.Y < height;
            // A depth of 0 or less from the model is its mistake: flagged even when the depth map fills the point in.
            var badDepth = point.Depth is <= 0;
            var lifted = false;
            if (threeD && inputs.Intrinsics is { } k)
            {
                if (point.Depth is { } d && d > 0)
                {
                    var p = k.BackProject(pixel, d);
                    response.Points3D.Add(new Contracts.V1.Point3D { X = p.X, Y = p.Y, Z = p.Z });
                    lifted = true;
                }
                else if (inside && inputs.Depth is { } depth && depth.TryLift(pixel, k, LiftRadius, out var p))
                {
                    response.Points3D.Add(new Contracts.V1.Point3D { X = p.X, Y = p.Y, Z = p.Z });
                    lifted = true;
                }
                else
                {
                    // Keep indices aligned with points_2d; the flag says this point has no usable depth.
                    response.Points3D.Add(new Contracts.V1.Point3D());
                }
            }
            if (!inside || badDepth || (threeD && !lifted))
            {
                response.FlaggedPoints.Add((uint)i);
            }
        }
        return response;
    }
}
