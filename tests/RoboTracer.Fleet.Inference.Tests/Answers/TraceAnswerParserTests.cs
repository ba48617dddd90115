using RoboTracer.Fleet.Vision.Answers;

namespace RoboTracer.Fleet.Inference.Tests.Answers;

/// <summary>
/// The parser against answer shapes real models give: RoboTracer's tuples (from its published TraceSpatial-Bench
/// outputs), Gemini's fenced JSON with reasoning that quotes single points, Qwen's bare JSON and think blocks.
/// </summary>
public sealed class TraceAnswerParserTests
{
    // Gemini 3 Pro on TraceSpatial-Bench question 1, as published in RoboTracer's Evaluation/outputs.
    private const string GeminiWithReasoning =
        "Based on the visual information, the task is to move the paper towel (toilet roll) located on the small white cabinet to the highest brown wooden shelf on the right wall (the one holding the bottles).\n\n"
        + "1.  **Start Point:** The paper towel is on the white cabinet next to the toilet. Its position is approximately `[535, 785]`.\n"
        + "2.  **End Point:** The target is the highest shelf on the right. A suitable landing spot on this shelf, to the left of the existing bottles, is approximately `[600, 520]`.\n"
        + "3.  **Trajectory:** The robot needs to lift the object and move it diagonally upwards and to the right.\n\n"
        + "Here is the predicted trajectory with 10 key points:\n\n"
        + "```json\n[[535, 785], [542, 756], [549, 726], [557, 697], [564, 667], [571, 638], [578, 608], [586, 579], [593, 549], [600, 520]]\n```";

    public static TheoryData<string, string, double[][], TraceAnswerFormat> Answers => new()
    {
        {
            "RoboTracer 3D tuples",
            "[(726, 624, 1.533), (738, 574, 1.499), (690, 540, 1.511)]",
            [[726, 624, 1.533], [738, 574, 1.499], [690, 540, 1.511]],
            TraceAnswerFormat.Tuples
        },
        {
            "RoboTracer 2D tuples",
            "[(538, 776), (539, 760), (546, 613)]",
            [[538, 776], [539, 760], [546, 613]],
            TraceAnswerFormat.Tuples
        },
        {
            "Gemini fenced JSON after reasoning that quotes single points",
            GeminiWithReasoning,
            [[535, 785], [542, 756], [549, 726], [557, 697], [564, 667], [571, 638], [578, 608], [586, 579], [593, 549], [600, 520]],
            TraceAnswerFormat.JsonList
        },
        {
            "fenced JSON alone",
            "```json\n[[722, 632], [649, 608], [576, 584]]\n```",
            [[722, 632], [649, 608], [576, 584]],
            TraceAnswerFormat.JsonList
        },
        {
            "fence without a language",
            "```\n[[1, 2], [3, 4]]\n```",
            [[1, 2], [3, 4]],
            TraceAnswerFormat.JsonList
        },
        {
            "fenced 3D JSON",
            "```json\n[[722, 632, 1.5], [649, 608, 1.45]]\n```",
            [[722, 632, 1.5], [649, 608, 1.45]],
            TraceAnswerFormat.JsonList
        },
        {
            "unfenced JSON",
            "[[515, 315], [533, 329], [551, 343]]",
            [[515, 315], [533, 329], [551, 343]],
            TraceAnswerFormat.JsonList
        },
        {
            "unfenced JSON after prose that quotes single points",
            "The dog is at [715, 800] and the spot at [400, 100].\nTrajectory: [[715, 800], [557, 450], [400, 100]]",
            [[715, 800], [557, 450], [400, 100]],
            TraceAnswerFormat.JsonList
        },
        {
            "JSON object around the list",
            "{\"trajectory\": [[10, 20], [30, 40]]}",
            [[10, 20], [30, 40]],
            TraceAnswerFormat.JsonList
        },
        {
            "think block before the answer",
            "<think>The cup is at (300, 400); lifting first gives [(300, 400), (300, 350)].</think>\n[(300, 400), (320, 300), (500, 350)]",
            [[300, 400], [320, 300], [500, 350]],
            TraceAnswerFormat.Tuples
        },
        {
            "closing think tag only (Qwen3 thinking template)",
            "The cup is near [300, 400]; the plate near [500, 350].\n</think>\n\n[(300, 400), (500, 350)]",
            [[300, 400], [500, 350]],
            TraceAnswerFormat.Tuples
        },
        {
            "text after the answer",
            "[(1, 2), (3, 4)] These points trace the path.",
            [[1, 2], [3, 4]],
            TraceAnswerFormat.Tuples
        },
        {
            "list over several lines",
            "[\n  (1, 2),\n  (3, 4)\n]",
            [[1, 2], [3, 4]],
            TraceAnswerFormat.Tuples
        },
        {
            "trace wrapped in an outer list",
            "[[(100, 200), (300, 400)]]",
            [[100, 200], [300, 400]],
            TraceAnswerFormat.Tuples
        },
        {
            "decimals and negatives",
            "[(12.5, -3, 0.8), (1e2, 2E1, 1.0)]",
            [[12.5, -3, 0.8], [100, 20, 1.0]],
            TraceAnswerFormat.Tuples
        },
        {
            "no points",
            "[]",
            [],
            TraceAnswerFormat.JsonList
        },
        {
            "one tuple",
            "[(500, 500)]",
            [[500, 500]],
            TraceAnswerFormat.Tuples
        },
        {
            "one JSON point",
            "[[500, 500]]",
            [[500, 500]],
            TraceAnswerFormat.JsonList
        },
        {
            "one bare point",
            "The cup is at [500, 500].",
            [[500, 500]],
            TraceAnswerFormat.JsonList
        },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Parse_reads_the_final_point_list(string shape, string answer, double[][] expected, TraceAnswerFormat format)
    {
        var parsed = TraceAnswerParser.Parse(answer);

        Assert.True(expected.Length == parsed.Points.Count, $"{shape}: expected {expected.Length} points, got {parsed.Points.Count}");
        for (var i = 0; i < expected.Length; i++)
        {
            var point = parsed.Points[i];
            Assert.Equal(expected[i][0], point.X, 9);
            Assert.Equal(expected[i][1], point.Y, 9);
            Assert.Equal(expected[i].Length == 3 ? expected[i][2] : null, point.Depth);
        }
        Assert.Equal(format, parsed.Format);
    }

    [Fact]
    public void Parse_keeps_the_reasoning_before_a_fenced_answer()
    {
        var parsed = TraceAnswerParser.Parse(GeminiWithReasoning);

        Assert.Contains("**Start Point:**", parsed.Reasoning, StringComparison.Ordinal);
        Assert.DoesNotContain("```", parsed.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_takes_the_think_block_as_reasoning()
    {
        var parsed = TraceAnswerParser.Parse("<think>lift the cup first</think>[(1, 2), (3, 4)]");

        Assert.Equal("lift the cup first", parsed.Reasoning);
    }

    [Fact]
    public void Parse_takes_what_precedes_a_lone_closing_think_tag_as_reasoning()
    {
        var parsed = TraceAnswerParser.Parse("lift the cup first\n</think>\n[(1, 2), (3, 4)]");

        Assert.Equal("lift the cup first", parsed.Reasoning);
    }

    [Fact]
    public void A_3D_answer_has_depth_and_a_2D_answer_does_not()
    {
        Assert.True(TraceAnswerParser.Parse("[(726, 624, 1.533)]").HasDepth);
        Assert.False(TraceAnswerParser.Parse("[(726, 624)]").HasDepth);
        Assert.False(TraceAnswerParser.Parse("[]").HasDepth);
    }

    public static TheoryData<string, string, string> Failures => new()
    {
        { "garbage", "I cannot see the cup", "No point list found" },
        { "empty", "", "empty" },
        { "whitespace", "  \n ", "empty" },
        { "unclosed think", "<think>The cup is at [300, 400] and the plate is", "reasoning but no point list" },
        { "think without an answer", "<think>The cup is at [300, 400].</think>\n", "reasoning but no point list" },
        { "mixed arity tuples", "[(1, 2), (3, 4, 5)]", "mixes" },
        { "mixed arity JSON", "[[1, 2], [3, 4, 5]]", "mixes" },
        { "mixed arity after reasoning", "Start [1, 2].\n```json\n[[1, 2], [3, 4, 1.5]]\n```", "mixes" },
        { "prompt template echoed back", "[(x1, y1), (x2, y2), ...]", "No point list found" },
        { "a tuple with one number", "[(1, 2), (3)]", "No point list found" },
        { "non-finite number", "[(1e999, 2)]", "No point list found" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Parse_rejects_answers_without_a_point_list_with_a_precise_message(string shape, string answer, string message)
    {
        var ex = Assert.Throws<TraceAnswerException>(() => TraceAnswerParser.Parse(answer));

        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), $"{shape}: '{ex.Message}' does not say '{message}'");
    }

    [Fact]
    public void TryParse_reports_the_error_instead_of_throwing()
    {
        var ok = TraceAnswerParser.TryParse("I cannot see the cup", out var parsed, out var error);

        Assert.False(ok);
        Assert.Null(parsed);
        Assert.Contains("I cannot see the cup", error, StringComparison.Ordinal);
    }
}
