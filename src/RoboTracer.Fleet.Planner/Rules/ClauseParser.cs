using System.Text.RegularExpressions;
using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>Reads one clause that starts with a verb: object, source, relation and destination, direction, tool.</summary>
internal static partial class ClauseParser
{
    [GeneratedRegex(@"^[0-9]+(?:\.[0-9]+)?(?:mm|cm|m|in)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    /// <summary>Parses <paramref name="words"/>, whose first token is a verb.</summary>
    public static ParsedClause Parse(IReadOnlyList<string> words)
    {
        var text = ClauseSplitter.Join(words);
        var action = Lexicon.Verbs[words[0]];
        var verb = words[0];
        var start = 1;
        if (start < words.Count && Lexicon.Particles.Contains(words[start]))
        {
            verb = $"{verb} {words[start]}";
            start++;
        }
        var rest = StripTrailingFillers(words.Skip(start).ToList());
        return action switch
        {
            StepAction.Wipe => ParseWipe(action, verb, text, rest),
            StepAction.Open or StepAction.Close => new ParsedClause(action, verb, text, StripTail(rest), null, null, null, null, null, There: false),
            _ => ParseMotion(action, verb, text, rest),
        };
    }

    private static ParsedClause ParseWipe(StepAction action, string verb, string text, List<string> rest)
    {
        var toolAt = rest.FindIndex(Lexicon.ToolMarkers.Contains);
        var surface = toolAt < 0 ? rest : rest[..toolAt];
        IReadOnlyList<string>? tool = toolAt < 0 || toolAt == rest.Count - 1 ? null : rest[(toolAt + 1)..];
        // "wipe down the table", "wipe the table clean", "clean the table off".
        surface = StripTail(surface.Where((w, i) => !(i == surface.Count - 1 && w == "clean")).ToList());
        return new ParsedClause(action, verb, text, surface, null, null, null, null, tool, There: false);
    }

    private static ParsedClause ParseMotion(StepAction action, string verb, string text, List<string> rest)
    {
        int? sourceAt = null;
        var sourceStart = 0;
        for (var p = 0; p < rest.Count; p++)
        {
            var objectEnd = sourceAt ?? p;
            if (rest[p] == "there" && p == rest.Count - 1)
            {
                return Motion(rest, objectEnd, sourceAt, sourceStart, p, relation: null, destinationAt: null, direction: null, there: true);
            }
            if (sourceAt is null && p > 0 && MatchAny(rest, p, Lexicon.SourceMarkers) is int sourceLength)
            {
                sourceAt = p;
                sourceStart = p + sourceLength;
                p = sourceStart;
                continue;
            }
            if (TryDirection(rest, p, out var direction))
            {
                return Motion(rest, objectEnd, sourceAt, sourceStart, p, relation: null, destinationAt: null, direction, there: false);
            }
            // Longest phrase first; one that leaves no destination after it gives way to a shorter one that does.
            foreach (var (relationWords, relation) in SpatialRelations.Phrases)
            {
                if (Matches(rest, p, relationWords) && p + relationWords.Count < rest.Count)
                {
                    return Motion(rest, objectEnd, sourceAt, sourceStart, p, relation, p + relationWords.Count, direction: null, there: false);
                }
            }
        }
        return Motion(rest, sourceAt ?? rest.Count, sourceAt, sourceStart, rest.Count, relation: null, destinationAt: null, direction: null, there: false);

        ParsedClause Motion(List<string> words, int objectEnd, int? sourceMarker, int sourceFrom, int targetAt, SpatialRelation? relation, int? destinationAt, string? direction, bool there)
        {
            var obj = StripTail(words[..Math.Min(objectEnd, words.Count)]);
            IReadOnlyList<string>? source = sourceMarker is null || sourceFrom >= targetAt ? null : StripTail(words[sourceFrom..targetAt]);
            IReadOnlyList<string>? destination = destinationAt is int d ? words[d..] : null;
            return new ParsedClause(action, verb, text, obj, source is { Count: > 0 } ? source : null, relation, destination, direction, null, there);
        }
    }

    /// <summary>A direction phrase that runs to the end of the clause, optionally after a distance ("by 10 cm").</summary>
    private static bool TryDirection(List<string> words, int at, out string? direction)
    {
        direction = null;
        var p = at;
        var distance = new List<string>();
        if (p < words.Count && words[p] is "by" or "about")
        {
            p++;
        }
        if (p < words.Count && Number().IsMatch(words[p]))
        {
            distance.Add(words[p]);
            p++;
            if (p < words.Count && Lexicon.DistanceUnits.Contains(words[p]))
            {
                distance.Add(words[p]);
                p++;
            }
        }
        foreach (var (directionWords, canonical) in Lexicon.Directions)
        {
            if (Matches(words, p, directionWords) && p + directionWords.Length == words.Count)
            {
                direction = distance.Count > 0 ? $"{string.Join(' ', distance)} {canonical}" : canonical;
                return at > 0;
            }
        }
        return false;
    }

    private static int? MatchAny(List<string> words, int at, IReadOnlyList<string[]> phrases)
    {
        foreach (var phrase in phrases)
        {
            if (Matches(words, at, phrase))
            {
                return phrase.Length;
            }
        }
        return null;
    }

    private static bool Matches(IReadOnlyList<string> words, int at, IReadOnlyList<string> phrase)
    {
        if (at + phrase.Count > words.Count)
        {
            return false;
        }
        for (var i = 0; i < phrase.Count; i++)
        {
            if (words[at + i] != phrase[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Drops particles left at the end of an object ("pick the cup up", "put the cup back on…").</summary>
    private static List<string> StripTail(List<string> words)
    {
        var end = words.Count;
        while (end > 0 && words[end - 1] is "up" or "down" or "back" or "off" or ",")
        {
            end--;
        }
        return words[..end];
    }

    private static List<string> StripTrailingFillers(List<string> words)
    {
        var end = words.Count;
        while (end > 0)
        {
            if (Lexicon.TrailingFillers.Contains(words[end - 1]) || words[end - 1] == ",")
            {
                end--;
            }
            else if (end > 1 && words[end - 2] == "as" && words[end - 1] == "well")
            {
                end -= 2;
            }
            else
            {
                break;
            }
        }
        return words[..end];
    }
}
