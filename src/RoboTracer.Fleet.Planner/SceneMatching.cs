using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Planner;

/// <summary>Matches the way people name objects ("the cup") to scene labels ("red cup").</summary>
internal static class SceneMatching
{
    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "this", "that", "these", "those", "my", "your", "our", "its", "their", "his", "her",
        "some", "any", "each", "every", "all", "both",
    };

    /// <summary>
    /// The object <paramref name="mention"/> names: <see cref="SceneSnapshot.Find"/>'s answer when the label is there
    /// as whole words, else the single label holding every word of the mention ("the cup" → "red cup"). Several
    /// different such labels make the mention ambiguous: null, with the labels in <paramref name="ambiguous"/>.
    /// </summary>
    /// <remarks>
    /// Find matches substrings, so "the cupboard" would find a "cup"; the whole-word test keeps that from passing.
    /// </remarks>
    public static SceneObjectState? Resolve(SceneSnapshot scene, string mention, out IReadOnlyList<string> ambiguous)
    {
        ambiguous = [];
        var mentionWords = Words(mention);
        if (mentionWords.Count == 0)
        {
            return null;
        }
        var found = scene.Find(mention);
        if (found is not null && ContainsRun(mentionWords, Words(found.Label)))
        {
            return found;
        }
        var candidates = scene.Objects
            .Where(o => mentionWords.All(Words(o.Label).Contains))
            .ToList();
        var labels = candidates.Select(o => o.Label).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (labels.Count == 1)
        {
            return candidates[0];
        }
        ambiguous = labels;
        return null;
    }

    /// <summary>True when <paramref name="mention"/> holds <paramref name="label"/>'s words in order ("the red cup" names "red cup").</summary>
    public static bool Names(string mention, string label) => ContainsRun(Words(mention), Words(label));

    /// <summary>The mention without its determiner: "the blue bowl" → "blue bowl".</summary>
    public static string Bare(string mention) => string.Join(' ', Words(mention));

    private static List<string> Words(string text) => text
        .Split([' ', ',', '.', '\t', '\n', '-', '_', '(', ')', '"', '\''], StringSplitOptions.RemoveEmptyEntries)
        .Select(w => w.ToLowerInvariant())
        .Where(w => !Determiners.Contains(w))
        .ToList();

    private static bool ContainsRun(List<string> haystack, List<string> needle)
    {
        if (needle.Count == 0)
        {
            return false;
        }
        for (var start = 0; start + needle.Count <= haystack.Count; start++)
        {
            if (needle.Select((word, i) => haystack[start + i] == word).All(same => same))
            {
                return true;
            }
        }
        return false;
    }
}
