using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Worker;
using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Tests.Backends;

/// <summary>From a parsed answer (0–1000 normalized) to a trace in pixels and metres, with bad points flagged.</summary>
public sealed class AnswerConversionTests
{
    private const double Depth = 1.5;

    private static readonly Vision.CameraIntrinsics Camera = new(140, 140, 79.5, 59.5, TestInputs.Width, TestInputs.Height);

    /// <summary>Depth 1.5 m everywhere except a hole (no measurement) in the top-left 20×20 pixels.</summary>
    private static readonly TraceInputs WithDepth = new(
        new Vision.ImageInfo(Vision.ImageKind.Png, TestInputs.Width, TestInputs.Height),
        new Vision.DepthImage(TestInputs.Width, TestInputs.Height, Enumerable.Range(0, TestInputs.Width * TestInputs.Height)
            .Select(i => i % TestInputs.Width < 20 && i / TestInputs.Width < 20 ? 0f : (float)Depth).ToArray()),
        Camera);

    private static readonly TraceInputs ImageOnly = new(new Vision.ImageInfo(Vision.ImageKind.Png, TestInputs.Width, TestInputs.Height), null, null);

    [Fact]
    public void Normalized_coordinates_become_pixels_of_the_request_image()
    {
        var answer = TraceAnswerParser.Parse("[(0, 0), (500, 500), (250, 750)]");

        var response = AnswerConversion.ToResponse("raw", answer, ImageOnly, threeD: false);

        Assert.Equal([(0.0, 0.0), (80.0, 60.0), (40.0, 90.0)], response.Points2D.Select(p => (p.X, p.Y)));
        Assert.Empty(response.Points3D);
        Assert.Empty(response.FlaggedPoints);
        Assert.Equal("raw", response.RawAnswer);
    }

    [Fact]
    public void A_2D_answer_is_lifted_to_3D_with_the_request_depth()
    {
        var answer = TraceAnswerParser.Parse("[(500, 500), (750, 250)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: true);

        Assert.Equal(2, response.Points3D.Count);
        var expected = Camera.BackProject(120, 30, Depth);
        Assert.Equal(expected.X, response.Points3D[1].X, 4);
        Assert.Equal(expected.Y, response.Points3D[1].Y, 4);
        Assert.Equal(Depth, response.Points3D[1].Z, 4);
        Assert.Empty(response.FlaggedPoints);
    }

    [Fact]
    public void A_3D_answer_uses_the_model_depth_not_the_depth_map()
    {
        var answer = TraceAnswerParser.Parse("[(500, 500, 0.8)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: true);

        var expected = Camera.BackProject(80, 60, 0.8);
        Assert.Equal(expected.X, response.Points3D[0].X, 9);
        Assert.Equal(expected.Y, response.Points3D[0].Y, 9);
        Assert.Equal(0.8, response.Points3D[0].Z, 9);
        Assert.Empty(response.FlaggedPoints);
    }

    [Fact]
    public void A_point_outside_the_image_is_flagged_and_kept()
    {
        var answer = TraceAnswerParser.Parse("[(500, 500), (1200, 500), (500, -10)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: true);

        Assert.Equal(3, response.Points2D.Count);
        Assert.Equal(192, response.Points2D[1].X, 9);
        Assert.Equal([1u, 2u], response.FlaggedPoints);
        // points_3d stays index-aligned with points_2d.
        Assert.Equal(3, response.Points3D.Count);
    }

    [Fact]
    public void A_point_over_a_depth_hole_is_flagged()
    {
        // (30, 30) normalized is pixel (4.8, 3.6): inside the 20×20 hole, whose 5×5 window has no measurement.
        var answer = TraceAnswerParser.Parse("[(30, 30), (500, 500)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: true);

        Assert.Equal([0u], response.FlaggedPoints);
        Assert.Equal(0, response.Points3D[0].Z);
    }

    [Fact]
    public void A_point_with_a_non_positive_model_depth_is_flagged()
    {
        var answer = TraceAnswerParser.Parse("[(500, 500, 0), (500, 500, -1.2), (500, 500, 1.1)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: true);

        Assert.Equal([0u, 1u], response.FlaggedPoints);
    }

    [Fact]
    public void A_3D_answer_to_a_2D_request_gives_only_pixels()
    {
        var answer = TraceAnswerParser.Parse("[(500, 500, 0.8)]");

        var response = AnswerConversion.ToResponse("raw", answer, WithDepth, threeD: false);

        Assert.Single(response.Points2D);
        Assert.Empty(response.Points3D);
    }

    [Fact]
    public void The_reasoning_becomes_one_line_per_entry()
    {
        var answer = TraceAnswerParser.Parse("<think>find the cup\n\nlift it\n</think>[(500, 500)]");

        var response = AnswerConversion.ToResponse("raw", answer, ImageOnly, threeD: false);

        Assert.Equal(["find the cup", "lift it"], response.Reasoning);
    }

    [Fact]
    public void No_points_give_an_empty_trace()
    {
        var response = AnswerConversion.ToResponse("[]", TraceAnswerParser.Parse("[]"), WithDepth, threeD: true);

        Assert.Empty(response.Points2D);
        Assert.Empty(response.Points3D);
    }

    [Fact]
    public void The_query_answer_format_round_trips_through_the_parser()
    {
        var response = new TraceResponse();
        response.Points2D.Add(new Point2D { X = 80, Y = 60 });
        response.Points2D.Add(new Point2D { X = 40, Y = 90 });
        response.Points3D.Add(new Point3D { Z = 1.5 });
        response.Points3D.Add(new Point3D { Z = 1.234567 });

        var text = QueryEndpoint.FormatAnswer(response, threeD: true, TestInputs.Width, TestInputs.Height);

        Assert.Equal("[(500, 500, 1.5), (250, 750, 1.235)]", text);
        Assert.Equal(2, TraceAnswerParser.Parse(text).Points.Count);
    }
}
