namespace RoboTracer.Fleet.Domain.Planning;

/// <summary>
/// The one table of relation words: which phrases name which <see cref="SpatialRelation"/>, and how a plan writes
/// each (its canonical <see cref="Text"/>, the step's <see cref="Direction"/>, the success check's <see cref="AtText"/>).
/// The rule planner matches <see cref="Phrases"/> in an instruction's words; the step verifier and the geometric
/// backend read a phrase with <see cref="Parse"/>.
/// </summary>
public static class SpatialRelations
{
    /// <summary>
    /// Every phrase, as lower-case words, with the relation it names; longest first, so a reader that takes the first
    /// phrase matching at a position gets "to the left of", not "to".
    /// </summary>
    public static IReadOnlyList<(IReadOnlyList<string> Words, SpatialRelation Relation)> Phrases { get; } = BuildPhrases();

    private static readonly Dictionary<string, SpatialRelation> ByPhrase =
        Phrases.ToDictionary(p => string.Join(' ', p.Words), p => p.Relation, StringComparer.Ordinal);

    /// <summary>
    /// The relation <paramref name="phrase"/> names, whatever its case and spacing ("To the  LEFT of" is
    /// <see cref="SpatialRelation.LeftOf"/>); null when it names none (null, blank, "to the left", "upon").
    /// </summary>
    public static SpatialRelation? Parse(string? phrase)
    {
        if (string.IsNullOrWhiteSpace(phrase))
        {
            return null;
        }
        var words = string.Join(' ', phrase.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return ByPhrase.TryGetValue(words, out var relation) ? relation : null;
    }

    /// <summary>The canonical words a plan writes for the relation ("to the left of", "in", "on top of").</summary>
    public static string Text(this SpatialRelation relation) => relation switch
    {
        SpatialRelation.LeftOf => "to the left of",
        SpatialRelation.RightOf => "to the right of",
        SpatialRelation.InFrontOf => "in front of",
        SpatialRelation.Behind => "behind",
        SpatialRelation.NextTo => "next to",
        SpatialRelation.Near => "near",
        SpatialRelation.Between => "between",
        SpatialRelation.Under => "under",
        SpatialRelation.Below => "below",
        SpatialRelation.Above => "above",
        SpatialRelation.Over => "over",
        SpatialRelation.Towards => "towards",
        SpatialRelation.OnTopOf => "on top of",
        SpatialRelation.Onto => "onto",
        SpatialRelation.On => "on",
        SpatialRelation.Into => "into",
        SpatialRelation.Inside => "inside",
        SpatialRelation.In => "in",
        SpatialRelation.To => "to",
        SpatialRelation.At => "at",
        _ => throw new ArgumentOutOfRangeException(nameof(relation), relation, null),
    };

    /// <summary>
    /// What a step carries as its <see cref="PlannedStep.Direction"/>: the canonical text, or null for containment and
    /// support (on, in, into, on top of …) and plain "to"/"at", which the verifier judges as "over its footprint".
    /// </summary>
    public static string? Direction(this SpatialRelation relation) => relation switch
    {
        SpatialRelation.OnTopOf or SpatialRelation.Onto or SpatialRelation.On or SpatialRelation.Into or SpatialRelation.Inside
            or SpatialRelation.In or SpatialRelation.To or SpatialRelation.At => null,
        _ => relation.Text(),
    };

    /// <summary>How a success check says the object ends up ("is in the bowl", "is on the plate", "is closer to the robot").</summary>
    public static string AtText(this SpatialRelation relation) => relation switch
    {
        SpatialRelation.Onto => "on",
        SpatialRelation.Into => "in",
        SpatialRelation.To => "at",
        SpatialRelation.Towards => "closer to",
        _ => relation.Text(),
    };

    private static List<(IReadOnlyList<string> Words, SpatialRelation Relation)> BuildPhrases()
    {
        List<(string Phrase, SpatialRelation Relation)> phrases =
        [
            ("to the left side of", SpatialRelation.LeftOf),
            ("on the left side of", SpatialRelation.LeftOf),
            ("to the right side of", SpatialRelation.RightOf),
            ("on the right side of", SpatialRelation.RightOf),
            ("to the left of", SpatialRelation.LeftOf),
            ("on the left of", SpatialRelation.LeftOf),
            ("to the right of", SpatialRelation.RightOf),
            ("on the right of", SpatialRelation.RightOf),
            // The geometric backend read these two before the table was shared; the planner and verifier now do too.
            ("left side of", SpatialRelation.LeftOf),
            ("right side of", SpatialRelation.RightOf),
            ("in front of", SpatialRelation.InFrontOf),
            ("in back of", SpatialRelation.Behind),
            ("on top of", SpatialRelation.OnTopOf),
            ("inside of", SpatialRelation.Inside),
            ("close to", SpatialRelation.Near),
            ("next to", SpatialRelation.NextTo),
            ("left of", SpatialRelation.LeftOf),
            ("right of", SpatialRelation.RightOf),
            ("in to", SpatialRelation.Into),
            ("on to", SpatialRelation.Onto),
            ("behind", SpatialRelation.Behind),
            ("beside", SpatialRelation.NextTo),
            ("near", SpatialRelation.Near),
            ("between", SpatialRelation.Between),
            ("under", SpatialRelation.Under),
            ("underneath", SpatialRelation.Under),
            ("beneath", SpatialRelation.Under),
            ("below", SpatialRelation.Below),
            ("above", SpatialRelation.Above),
            ("over", SpatialRelation.Over),
            ("towards", SpatialRelation.Towards),
            ("toward", SpatialRelation.Towards),
            ("onto", SpatialRelation.Onto),
            ("on", SpatialRelation.On),
            ("into", SpatialRelation.Into),
            ("inside", SpatialRelation.Inside),
            ("in", SpatialRelation.In),
            ("at", SpatialRelation.At),
            ("to", SpatialRelation.To),
        ];
        // Stable: phrases of one length keep the order above.
        return phrases
            .Select(p => ((IReadOnlyList<string>)p.Phrase.Split(' '), p.Relation))
            .OrderByDescending(p => p.Item1.Count)
            .ToList();
    }
}
