using RoboTracer.Fleet.Domain.Planning;
using RoboTracer.Fleet.Domain.Scene;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>
/// Turns clauses into step drafts: repeats the verb of a verbless "then…" clause, resolves "it"/"them"/"there",
/// joins "pick up X" with a following "place it Y", and makes one step per object of "the cup and the plate".
/// </summary>
internal sealed class DraftBuilder(SceneSnapshot? scene)
{
    private readonly List<Group> _groups = [];
    private ParsedClause? _lastParsed;

    /// <summary>Clauses to drafts, in order; throws <see cref="PlanningException"/> for what it cannot read.</summary>
    public List<StepDraft> Build(IReadOnlyList<Clause> clauses)
    {
        foreach (var clause in clauses.SelectMany(SplitGapping))
        {
            Add(clause);
        }
        if (_groups.Count > 0 && _groups[^1].NeedsTarget)
        {
            throw NoTarget(_groups[^1]);
        }
        return _groups.SelectMany(Drafts).ToList();
    }

    /// <summary>
    /// "put the cup in the sink and the plate on the rack": the verb is said once for two steps. Split where an
    /// "and" or comma separates two parts that each say where their object goes; "between the cup and the plate"
    /// stays whole because "the plate" alone says nothing of where.
    /// </summary>
    private static IEnumerable<Clause> SplitGapping(Clause clause)
    {
        var words = clause.Words;
        if (!ClauseSplitter.StartsWithVerb(words, 0))
        {
            yield return clause;
            yield break;
        }
        var verbLength = words.Count > 1 && Lexicon.Particles.Contains(words[1]) ? 2 : 1;
        for (var k = verbLength + 1; k < words.Count - 1; k++)
        {
            if (words[k] is not ("and" or ","))
            {
                continue;
            }
            var restStart = k;
            while (restStart < words.Count && words[restStart] is "and" or "," or "then")
            {
                restStart++;
            }
            var left = words.Take(k).ToList();
            List<string> right = [.. words.Take(verbLength), .. words.Skip(restStart)];
            if (restStart < words.Count && IsComplete(left) && IsComplete(right))
            {
                yield return clause with { Words = left };
                foreach (var more in SplitGapping(new Clause(right, AfterSequenceWord: false)))
                {
                    yield return more;
                }
                yield break;
            }
        }
        yield return clause;

        static bool IsComplete(List<string> part)
        {
            var parsed = ClauseParser.Parse(part);
            return parsed.Object.Count > 0 && parsed.HasTarget && !parsed.There;
        }
    }

    private void Add(Clause clause)
    {
        ParsedClause parsed;
        if (ClauseSplitter.StartsWithVerb(clause.Words, 0))
        {
            parsed = ClauseParser.Parse(clause.Words);
        }
        else if (clause.AfterSequenceWord && _lastParsed is not null && _groups.Count > 0)
        {
            // "put the cup in the sink, then the plate": the verb, and the target when none is said, carry over.
            parsed = ClauseParser.Parse([.. _lastParsed.Verb.Split(' '), .. clause.Words]);
        }
        else
        {
            throw new PlanningException($"Can't tell what to do in \"{Shorten(clause.Text)}\": it has no action verb the planner knows ({Lexicon.KnownVerbs}).");
        }
        var elided = !ClauseSplitter.StartsWithVerb(clause.Words, 0);
        _lastParsed = parsed;

        var previous = _groups.Count > 0 ? _groups[^1] : null;
        var (objects, pronoun) = Objects(parsed, previous);
        var group = new Group(parsed, objects)
        {
            Source = parsed.Source is null ? null : Reference(parsed.Source, parsed, previous),
            Relation = parsed.Relation,
            Destination = parsed.Destination is null ? null : Reference(parsed.Destination, parsed, previous),
            Direction = parsed.Direction,
            Tool = parsed.Tool is null ? null : NounPhrase.Of(parsed.Tool),
        };
        if (parsed.There && previous is not { HasTarget: true })
        {
            throw new PlanningException($"\"{Shorten(parsed.Text)}\" says 'there' but no step before it has a destination; say where.");
        }
        if (previous is not null && (parsed.There || (elided && !parsed.HasTarget)))
        {
            group = group with
            {
                Relation = previous.Relation,
                Destination = previous.Destination,
                Direction = previous.Direction,
                Tool = group.Tool ?? (elided ? previous.Tool : null),
            };
        }

        // "pick up the cup and place it in the sink": two clauses, one pick-and-place.
        if (previous is { NeedsTarget: true })
        {
            var sameObjects = pronoun || objects.SequenceEqual(previous.Objects, StringComparer.Ordinal);
            if (parsed.Action == StepAction.PickAndPlace && group.HasTarget && sameObjects)
            {
                _groups[^1] = previous with
                {
                    Relation = group.Relation,
                    Destination = group.Destination,
                    Direction = group.Direction,
                    Source = previous.Source ?? group.Source,
                };
                return;
            }
            throw NoTarget(previous);
        }
        if (group.NeedsTarget && parsed.Action != StepAction.PickAndPlace)
        {
            throw NoTarget(group);
        }
        _groups.Add(group);
    }

    /// <summary>The objects a clause acts on, with pronouns resolved; true when it named them by a pronoun.</summary>
    private (List<string> Objects, bool Pronoun) Objects(ParsedClause parsed, Group? previous)
    {
        var text = ClauseSplitter.Join(parsed.Object);
        if (text.Length == 0)
        {
            var what = parsed.Action == StepAction.Wipe ? "which surface to wipe" : $"what to {parsed.Verb}";
            throw new PlanningException($"\"{Shorten(parsed.Text)}\" doesn't say {what}.");
        }
        var singular = Lexicon.SingularPronouns.Contains(text);
        if (singular || Lexicon.PluralPronouns.Contains(text))
        {
            if (previous is null)
            {
                throw new PlanningException($"'{text}' in \"{Shorten(parsed.Text)}\" refers to nothing before it; name the object.");
            }
            // "open the microwave, put the cup in it, then close it": closing means the thing opened, not the cup.
            if (singular && parsed.Action is StepAction.Open or StepAction.Close
                && _groups.LastOrDefault(g => g.Parsed.Action is StepAction.Open or StepAction.Close) is { } opened)
            {
                return ([opened.Objects[^1]], true);
            }
            return (singular ? [previous.Objects[^1]] : [.. previous.Objects], true);
        }
        // One scene label may itself hold "and" ("salt and pepper shaker"); then it is one object.
        if (scene is not null && scene.Objects.Any(o => o.Label.Contains(" and ", StringComparison.OrdinalIgnoreCase) && text.Contains(o.Label, StringComparison.OrdinalIgnoreCase)))
        {
            return ([NounPhrase.Of(parsed.Object)], false);
        }
        var parts = new List<List<string>> { new() };
        foreach (var word in parsed.Object)
        {
            if (word is "," or "and")
            {
                parts.Add([]);
            }
            else if (!(word == "both" && parts[^1].Count == 0))
            {
                parts[^1].Add(word);
            }
        }
        return (parts.Where(p => p.Count > 0).Select(p => NounPhrase.Of(p)).ToList(), false);
    }

    /// <summary>A source or destination phrase; "it"/"them" there mean the previous step's object.</summary>
    private static string Reference(IReadOnlyList<string> words, ParsedClause parsed, Group? previous)
    {
        var text = ClauseSplitter.Join(words);
        if (Lexicon.SingularPronouns.Contains(text) || Lexicon.PluralPronouns.Contains(text))
        {
            return previous is null
                ? throw new PlanningException($"'{text}' in \"{Shorten(parsed.Text)}\" refers to nothing before it; name the object.")
                : previous.Objects[^1];
        }
        return NounPhrase.Of(words);
    }

    private static IEnumerable<StepDraft> Drafts(Group group) => group.Objects.Select(obj => group.Parsed.Action == StepAction.Pour && group.Source is not null
        ? new StepDraft(StepAction.Pour, group.Source, null, group.Relation, group.Destination, group.Direction, null, false, obj)
        : new StepDraft(group.Parsed.Action, obj, group.Source, group.Relation, group.Destination, group.Direction, group.Tool, group.Tool is not null, null));

    private static PlanningException NoTarget(Group group)
    {
        var (what, example) = group.Parsed.Action switch
        {
            StepAction.Pour => ("pour it", "into the bowl"),
            StepAction.Push => ("push it", "to the left of the plate"),
            _ => ("put it", "in the sink"),
        };
        return new PlanningException($"\"{Shorten(group.Parsed.Text)}\" says what to {group.Parsed.Verb} but not where to {what}; add a destination or direction, e.g. \"{example}\".");
    }

    /// <summary>Text for a message, cut to a readable length.</summary>
    public static string Shorten(string text) => text.Length <= 80 ? text : $"{text[..77]}...";

    /// <summary>A clause's resolved parts, shared by every object it names.</summary>
    private sealed record Group(ParsedClause Parsed, List<string> Objects)
    {
        public string? Source { get; init; }
        public SpatialRelation? Relation { get; init; }
        public string? Destination { get; init; }
        public string? Direction { get; init; }
        public string? Tool { get; init; }
        public bool HasTarget => Destination is not null || Direction is not null;
        public bool NeedsTarget => !HasTarget && Parsed.Action is StepAction.PickAndPlace or StepAction.Push or StepAction.Pour;
    }
}
