namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>Noun phrases as the trace model reads them best: definite ("cup" → "the cup").</summary>
internal static class NounPhrase
{
    /// <summary>The words as a phrase, with "the" in front unless it has a determiner, a number or a possessive.</summary>
    public static string Of(IReadOnlyList<string> words)
    {
        var text = ClauseSplitter.Join(words).Trim(' ', ',');
        if (words.Count == 0 || text.Length == 0)
        {
            return text;
        }
        var first = words[0];
        var definite = Lexicon.Determiners.Contains(first) || char.IsDigit(first[0]) || first.EndsWith("'s", StringComparison.Ordinal);
        return definite ? text : $"the {text}";
    }
}
