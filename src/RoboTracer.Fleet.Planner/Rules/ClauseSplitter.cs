namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>Splits sentences into clauses at sequence words, and at conjunctions and commas before a verb.</summary>
internal static class ClauseSplitter
{
    /// <summary>The clauses of every sentence, in order.</summary>
    public static List<Clause> Split(IEnumerable<IReadOnlyList<string>> sentences)
    {
        var clauses = new List<Clause>();
        foreach (var sentence in sentences)
        {
            SplitSentence(sentence, clauses);
        }
        return clauses;
    }

    /// <summary>Tokens back to text: "the cup , the plate" → "the cup, the plate".</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words).Replace(" ,", ",", StringComparison.Ordinal);

    /// <summary>True when the tokens at <paramref name="index"/> start with an action verb.</summary>
    public static bool StartsWithVerb(IReadOnlyList<string> tokens, int index) =>
        index < tokens.Count && Lexicon.Verbs.ContainsKey(tokens[index]);

    private static void SplitSentence(IReadOnlyList<string> tokens, List<Clause> clauses)
    {
        var words = new List<string>();
        // A new sentence is itself a boundary; a verbless one only repeats the previous verb when it says "then".
        var afterSequenceWord = false;
        var i = 0;
        while (i < tokens.Count)
        {
            if (words.Count == 0 && Lexicon.LeadingFillers.Contains(tokens[i]) && !StartsWithVerb(tokens, i))
            {
                i++;
                continue;
            }
            if (TryConnectorRun(tokens, i, out var end, out var strong))
            {
                if (words.Count == 0)
                {
                    // Leading sequence words and fillers: "first, put…", "then wipe…", "and finally close…".
                    afterSequenceWord |= strong;
                    i = end;
                    continue;
                }
                if (strong || end == tokens.Count || StartsWithVerb(tokens, end))
                {
                    clauses.Add(new Clause(words, afterSequenceWord));
                    words = [];
                    afterSequenceWord = strong;
                    i = end;
                    continue;
                }
                // "the cup and the plate", "next to", "the first drawer": the word is part of the text.
            }
            words.Add(tokens[i]);
            i++;
        }
        if (words.Count > 0)
        {
            clauses.Add(new Clause(words, afterSequenceWord));
        }
    }

    /// <summary>
    /// A run of connector tokens starting at <paramref name="start"/> (", and then", "after that", "and finally");
    /// <paramref name="strong"/> when any is a sequence word.
    /// </summary>
    private static bool TryConnectorRun(IReadOnlyList<string> tokens, int start, out int end, out bool strong)
    {
        end = start;
        strong = false;
        while (end < tokens.Count)
        {
            var token = tokens[end];
            if (Lexicon.StrongConnectors.Contains(token))
            {
                strong = true;
                end++;
            }
            else if (token == "after" && end + 1 < tokens.Count && tokens[end + 1] is "that" or "this")
            {
                strong = true;
                end += 2;
            }
            else if (Lexicon.WeakConnectors.Contains(token))
            {
                end++;
            }
            else
            {
                break;
            }
        }
        return end > start;
    }
}
