using System.Text;
using System.Text.RegularExpressions;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>An instruction cut into sentences of word tokens, with its goal heading ("clear the table:") apart.</summary>
/// <param name="Goal">The words before the first colon of the first sentence, when there is one.</param>
/// <param name="Sentences">Sentences as lower-case tokens: words, numbers and commas.</param>
internal sealed partial record InstructionText(string? Goal, IReadOnlyList<IReadOnlyList<string>> Sentences)
{
    [GeneratedRegex(@"^[ \t]*[-*•][ \t]+", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Bullet();

    // A list number: "1." or "1)" (or "step 1:") standing alone before whitespace. Decimals ("0.5 m") never match
    // because the dot must be followed by whitespace.
    [GeneratedRegex(@"(?<![\w.])(?:step\s+(?<n>[0-9]{1,2})\s*[:.)]?|(?<n>[0-9]{1,2})[.)])(?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ListNumber();

    // Sentence ends: ';', newlines, and '.', '!' or '?' before whitespace or the end.
    [GeneratedRegex(@"[;\n]|[.!?](?=\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceEnd();

    // Words keep any script's letters ("café", "Spülbecken"); apostrophes, hyphens and decimal points stay inside.
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['.\-][\p{L}\p{N}]+)*|,", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary>Cuts <paramref name="instruction"/> (already trimmed and length-checked).</summary>
    public static InstructionText Parse(string instruction)
    {
        var text = Normalize(instruction);
        text = Bullet().Replace(text, "\n");
        text = ReplaceListNumbers(text);
        var sentences = SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        string? goal = null;
        if (sentences.Count > 0 && sentences[0].IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            // "clear the table: put the cup in the sink, then wipe the table" — the heading names the goal, the
            // steps follow it. Only the first sentence's first colon is a heading; later colons read as commas.
            goal = string.Join(' ', Tokens(sentences[0][..colon]));
            sentences[0] = sentences[0][(colon + 1)..];
        }
        var tokenized = sentences
            .Select(s => (IReadOnlyList<string>)Tokens(s.Replace(':', ',')))
            .Where(t => t.Count > 0)
            .ToList();
        return new InstructionText(string.IsNullOrEmpty(goal) ? null : goal, tokenized);
    }

    private static string Normalize(string instruction)
    {
        var builder = new StringBuilder(instruction.Length);
        foreach (var c in instruction.ToLowerInvariant())
        {
            builder.Append(c switch
            {
                '\r' => '\n',
                '\t' => ' ',
                '\u2018' or '\u2019' => '\'',
                '&' => ' ',
                _ => c,
            });
            if (c == '&')
            {
                builder.Append("and ");
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Replaces list numbers with newlines, but only numbers that count 1, 2, 3… in order: "put the cup on shelf 2."
    /// has no "1." before it, so its "2." is text.
    /// </summary>
    private static string ReplaceListNumbers(string text)
    {
        var next = 1;
        var accepted = new List<Match>();
        foreach (Match match in ListNumber().Matches(text))
        {
            if (int.Parse(match.Groups["n"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) == next)
            {
                accepted.Add(match);
                next++;
            }
        }
        // A lone "1." counts only at the start of a line: "put the cup on shelf 1. then wipe" is not a list.
        if (accepted.Count == 0 || (accepted.Count == 1 && text[..accepted[0].Index].Split('\n')[^1].Trim().Length > 0))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        var position = 0;
        foreach (var match in accepted)
        {
            builder.Append(text, position, match.Index - position).Append('\n');
            position = match.Index + match.Length;
        }
        return builder.Append(text, position, text.Length - position).ToString();
    }

    private static List<string> Tokens(string sentence) => Token().Matches(sentence).Select(m => m.Value).ToList();
}
