using System.Globalization;
using System.Text.RegularExpressions;

namespace RoboTracer.Fleet.Vision.Answers;

/// <summary>How a model wrote its points.</summary>
public enum TraceAnswerFormat
{
    /// <summary>RoboTracer's tuple text: <c>[(x, y), ...]</c> or <c>[(x, y, d), ...]</c>.</summary>
    Tuples,
    /// <summary>A JSON list of lists, as Gemini and Qwen answer: <c>[[x, y], ...]</c>, fenced or not.</summary>
    JsonList,
}

/// <summary>One point as the model wrote it: x and y in RoboTracer's 0–1000 normalized image coordinates, and
/// the depth in metres when the model gave one.</summary>
public readonly record struct AnswerPoint(double X, double Y, double? Depth);

/// <summary>The points of an answer, in order, and the reasoning the model wrote before them.</summary>
public sealed record ParsedAnswer(IReadOnlyList<AnswerPoint> Points, TraceAnswerFormat Format, string Reasoning)
{
    /// <summary>True when every point carries a depth (a 3D answer).</summary>
    public bool HasDepth => Points.Count > 0 && Points.All(p => p.Depth is not null);
}

/// <summary>An answer with no point list in it, or a list that is not points.</summary>
public sealed class TraceAnswerException(string message) : FormatException(message);

/// <summary>
/// Reads the point list out of a trace model's free-text answer: RoboTracer's tuples, Gemini/Qwen JSON lists
/// (fenced in ```json or bare), with <c>&lt;think&gt;</c> blocks or prose before the answer. The last list of
/// points in the answer wins, since models reason first and answer last (and often quote single points while
/// reasoning).
/// </summary>
public static partial class TraceAnswerParser
{
    /// <summary>Parses <paramref name="answer"/>; throws <see cref="TraceAnswerException"/> saying what is wrong.</summary>
    public static ParsedAnswer Parse(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var (reasoning, body) = SplitReasoning(answer);
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new TraceAnswerException(reasoning.Length > 0
                ? "The answer has reasoning but no point list after it."
                : "The answer is empty: expected a list of points such as [(x, y), ...].");
        }

        // Fenced blocks first: a model that fences its answer means the fence.
        var fences = FencePattern().Matches(body);
        for (var i = fences.Count - 1; i >= 0; i--)
        {
            if (TryParseLastList(fences[i].Groups["code"].Value, out var fenced, out _))
            {
                return fenced with { Reasoning = JoinReasoning(reasoning, body[..fences[i].Index]) };
            }
        }
        if (TryParseLastList(body, out var parsed, out var start))
        {
            return parsed with { Reasoning = JoinReasoning(reasoning, body[..start]) };
        }
        throw new TraceAnswerException($"No point list found in the answer: expected [(x, y), ...] or [[x, y], ...]; the answer was: {Excerpt(body)}");
    }

    /// <summary>Parses without throwing; <paramref name="error"/> says why when it returns false.</summary>
    public static bool TryParse(string answer, out ParsedAnswer? parsed, out string? error)
    {
        try
        {
            parsed = Parse(answer);
            error = null;
            return true;
        }
        catch (TraceAnswerException ex)
        {
            parsed = null;
            error = ex.Message;
            return false;
        }
    }

    private static (string Reasoning, string Body) SplitReasoning(string answer)
    {
        const string Open = "<think>";
        const string Close = "</think>";
        var open = answer.IndexOf(Open, StringComparison.OrdinalIgnoreCase);
        if (open < 0)
        {
            // Qwen3 and DeepSeek-R1 chat templates put <think> in the prompt, so the answer holds only the closing tag.
            var lone = answer.IndexOf(Close, StringComparison.OrdinalIgnoreCase);
            return lone < 0 ? ("", answer) : (answer[..lone].Trim(), answer[(lone + Close.Length)..]);
        }
        var close = answer.IndexOf(Close, open, StringComparison.OrdinalIgnoreCase);
        if (close < 0)
        {
            // An unclosed <think>: the model ran out of tokens while reasoning.
            return (answer[(open + Open.Length)..].Trim(), "");
        }
        return (answer[(open + Open.Length)..close].Trim(), answer[..open] + answer[(close + Close.Length)..]);
    }

    private static string JoinReasoning(string think, string prose)
    {
        prose = prose.Trim();
        return think.Length == 0 ? prose : prose.Length == 0 ? think : think + "\n" + prose;
    }

    /// <summary>
    /// Tries every bracketed list from the last one backwards. A list whose items are all number tuples but of
    /// different lengths is an error, not a reason to look inside it: taking one of its tuples as a one-point
    /// answer would silently drop the rest of the trace.
    /// </summary>
    private static bool TryParseLastList(string text, out ParsedAnswer parsed, out int start)
    {
        for (var end = text.LastIndexOf(']'); end >= 0; end = end == 0 ? -1 : text.LastIndexOf(']', end - 1))
        {
            var open = MatchingOpen(text, end);
            if (open < 0)
            {
                continue;
            }
            var list = text.AsSpan(open, end - open + 1);
            switch (TryParsePoints(list, out var points, out var format))
            {
                case ListShape.Points:
                    parsed = new ParsedAnswer(points, format, "");
                    start = open;
                    return true;
                case ListShape.MixedArity:
                    throw new TraceAnswerException($"The point list mixes points of 2 and 3 numbers; every point must be (x, y) or every point (x, y, d): {Excerpt(list.ToString())}");
            }
        }
        parsed = null!;
        start = -1;
        return false;
    }

    private static int MatchingOpen(string text, int close)
    {
        var depth = 0;
        for (var i = close; i >= 0; i--)
        {
            switch (text[i])
            {
                case ']':
                    depth++;
                    break;
                case '[':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }
                    break;
            }
        }
        return -1;
    }

    /// <summary>
    /// A list of 2- or 3-number tuples (parenthesised or bracketed), or one bare 2- or 3-number list (a single
    /// point). All points must have the same arity.
    /// </summary>
    private static ListShape TryParsePoints(ReadOnlySpan<char> list, out List<AnswerPoint> points, out TraceAnswerFormat format)
    {
        points = [];
        format = TraceAnswerFormat.JsonList;
        var reader = new ListReader(list);
        if (!reader.TryReadValue(out var value) || !reader.AtEnd || value.Children is not { } items)
        {
            return ListShape.NotPoints;
        }
        if (items.Count is 2 or 3 && items.All(item => item.Number is not null))
        {
            points.Add(ToPoint(items));
            return ListShape.Points;
        }
        if (items.Any(item => item.Children is not { Count: 2 or 3 } tuple || tuple.Any(c => c.Number is null)))
        {
            return ListShape.NotPoints;
        }
        if (items.Select(item => item.Children!.Count).Distinct().Count() > 1)
        {
            return ListShape.MixedArity;
        }
        foreach (var item in items)
        {
            if (item.Parenthesised)
            {
                format = TraceAnswerFormat.Tuples;
            }
            points.Add(ToPoint(item.Children!));
        }
        return ListShape.Points;
    }

    private static AnswerPoint ToPoint(List<ListValue> numbers) =>
        new(numbers[0].Number!.Value, numbers[1].Number!.Value, numbers.Count == 3 ? numbers[2].Number : null);

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [GeneratedRegex(@"```[a-zA-Z]*\s*\n?(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencePattern();

    private enum ListShape
    {
        NotPoints,
        Points,
        MixedArity,
    }

    private sealed record ListValue(double? Number, List<ListValue>? Children, bool Parenthesised);

    /// <summary>A tiny reader for nested lists of numbers: value := number | '[' values ']' | '(' values ')'.</summary>
    private ref struct ListReader(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _position;

        public bool AtEnd
        {
            get
            {
                SkipSpace();
                return _position == _text.Length;
            }
        }

        public bool TryReadValue(out ListValue value)
        {
            value = null!;
            SkipSpace();
            if (_position >= _text.Length)
            {
                return false;
            }
            var c = _text[_position];
            if (c is '[' or '(')
            {
                var close = c == '[' ? ']' : ')';
                _position++;
                var children = new List<ListValue>();
                SkipSpace();
                if (_position < _text.Length && _text[_position] == close)
                {
                    _position++;
                    value = new ListValue(null, children, c == '(');
                    return true;
                }
                while (true)
                {
                    if (!TryReadValue(out var child))
                    {
                        return false;
                    }
                    children.Add(child);
                    SkipSpace();
                    if (_position >= _text.Length)
                    {
                        return false;
                    }
                    if (_text[_position] == ',')
                    {
                        _position++;
                        continue;
                    }
                    if (_text[_position] == close)
                    {
                        _position++;
                        value = new ListValue(null, children, c == '(');
                        return true;
                    }
                    return false;
                }
            }
            var start = _position;
            while (_position < _text.Length && (char.IsAsciiDigit(_text[_position]) || _text[_position] is '-' or '+' or '.' or 'e' or 'E'))
            {
                _position++;
            }
            if (start == _position
                || !double.TryParse(_text[start.._position], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || !double.IsFinite(number))
            {
                return false;
            }
            value = new ListValue(number, null, false);
            return true;
        }

        private void SkipSpace()
        {
            while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
            {
                _position++;
            }
        }
    }
}
