using RoboTracer.Fleet.Domain.Planning;

namespace RoboTracer.Fleet.Planner.Rules;

/// <summary>
/// The words the rule planner knows: verbs, connectors, fillers and directions. Relations before a destination ("to
/// the left of", "in") are the domain's <see cref="SpatialRelations.Phrases"/>, shared with the step verifier and the
/// geometric backend.
/// </summary>
internal static class Lexicon
{
    /// <summary>Verbs at the start of a clause, by the action they name.</summary>
    public static readonly IReadOnlyDictionary<string, StepAction> Verbs = new Dictionary<string, StepAction>(StringComparer.Ordinal)
    {
        ["put"] = StepAction.PickAndPlace,
        ["place"] = StepAction.PickAndPlace,
        ["move"] = StepAction.PickAndPlace,
        ["bring"] = StepAction.PickAndPlace,
        ["take"] = StepAction.PickAndPlace,
        ["set"] = StepAction.PickAndPlace,
        ["drop"] = StepAction.PickAndPlace,
        ["transfer"] = StepAction.PickAndPlace,
        ["carry"] = StepAction.PickAndPlace,
        ["relocate"] = StepAction.PickAndPlace,
        ["return"] = StepAction.PickAndPlace,
        ["insert"] = StepAction.PickAndPlace,
        ["stack"] = StepAction.PickAndPlace,
        ["throw"] = StepAction.PickAndPlace,
        ["toss"] = StepAction.PickAndPlace,
        ["pick"] = StepAction.PickAndPlace,
        ["grab"] = StepAction.PickAndPlace,
        ["lift"] = StepAction.PickAndPlace,
        ["push"] = StepAction.Push,
        ["slide"] = StepAction.Push,
        ["shove"] = StepAction.Push,
        ["nudge"] = StepAction.Push,
        ["wipe"] = StepAction.Wipe,
        ["clean"] = StepAction.Wipe,
        ["scrub"] = StepAction.Wipe,
        ["mop"] = StepAction.Wipe,
        ["open"] = StepAction.Open,
        ["close"] = StepAction.Close,
        ["shut"] = StepAction.Close,
        ["pour"] = StepAction.Pour,
        ["empty"] = StepAction.Pour,
    };

    /// <summary>Words that may follow a verb as its particle ("pick up", "wipe down", "clean off").</summary>
    public static readonly IReadOnlySet<string> Particles = new HashSet<string>(StringComparer.Ordinal) { "up", "down", "off" };

    /// <summary>Sequence words: a clause boundary wherever they stand ("then", "finally", "after that").</summary>
    public static readonly IReadOnlySet<string> StrongConnectors = new HashSet<string>(StringComparer.Ordinal)
    {
        "then", "afterwards", "afterward", "finally", "lastly", "subsequently",
    };

    /// <summary>
    /// Words that separate clauses only when an action verb follows ("and", ",", "next", "first"); elsewhere they
    /// belong to the text ("the cup and the plate", "next to", "the first drawer").
    /// </summary>
    public static readonly IReadOnlySet<string> WeakConnectors = new HashSet<string>(StringComparer.Ordinal)
    {
        ",", "and", "next", "also", "plus", "first", "firstly", "second", "secondly", "third", "thirdly", "now", "please",
    };

    /// <summary>Politeness and address dropped from the start of a clause ("robot, could you please put…").</summary>
    public static readonly IReadOnlySet<string> LeadingFillers = new HashSet<string>(StringComparer.Ordinal)
    {
        "robot", "hey", "ok", "okay", "can", "could", "would", "will", "you", "i", "want", "need", "to", "go", "kindly",
    };

    /// <summary>Words dropped from the end of a clause ("put it there too", "wipe it again").</summary>
    public static readonly IReadOnlySet<string> TrailingFillers = new HashSet<string>(StringComparer.Ordinal)
    {
        "please", "too", "again", "carefully", "gently", "slowly", "quickly", "now", "first", "then", "afterwards",
    };

    /// <summary>Pronouns for the previous step's one object.</summary>
    public static readonly IReadOnlySet<string> SingularPronouns = new HashSet<string>(StringComparer.Ordinal)
    {
        "it", "this", "that", "this one", "that one", "the same", "the same one",
    };

    /// <summary>Pronouns for all of the previous step's objects.</summary>
    public static readonly IReadOnlySet<string> PluralPronouns = new HashSet<string>(StringComparer.Ordinal)
    {
        "them", "these", "those", "both", "all of them", "both of them", "each of them", "all", "everything",
    };

    /// <summary>Words that make a noun phrase definite already; anything else gets "the".</summary>
    public static readonly IReadOnlySet<string> Determiners = new HashSet<string>(StringComparer.Ordinal)
    {
        "the", "a", "an", "this", "that", "these", "those", "my", "your", "our", "its", "their", "his", "her", "all",
        "each", "every", "some", "any", "both", "one", "two", "three", "four", "five",
    };

    /// <summary>Where an object comes from: the text after these up to the relation is the source.</summary>
    public static readonly IReadOnlyList<string[]> SourceMarkers = [["out", "of"], ["off", "of"], ["from"], ["off"]];

    /// <summary>Directions without a destination ("to the left", "forward"), longest first.</summary>
    public static readonly IReadOnlyList<(string[] Words, string Text)> Directions =
    [
        (["to", "the", "left", "side"], "to the left"),
        (["to", "the", "right", "side"], "to the right"),
        (["to", "the", "left"], "to the left"),
        (["to", "the", "right"], "to the right"),
        (["on", "the", "left"], "to the left"),
        (["on", "the", "right"], "to the right"),
        (["to", "the", "front"], "forward"),
        (["to", "the", "back"], "backward"),
        (["to", "the", "side"], "aside"),
        (["towards", "the", "robot"], "towards the robot"),
        (["leftwards"], "to the left"),
        (["rightwards"], "to the right"),
        (["left"], "to the left"),
        (["right"], "to the right"),
        (["forwards"], "forward"),
        (["forward"], "forward"),
        (["backwards"], "backward"),
        (["backward"], "backward"),
        (["away"], "away"),
        (["aside"], "aside"),
        (["closer"], "closer"),
    ];

    /// <summary>Units a distance before a direction may carry ("10 cm to the left").</summary>
    public static readonly IReadOnlySet<string> DistanceUnits = new HashSet<string>(StringComparer.Ordinal)
    {
        "mm", "cm", "m", "millimeter", "millimeters", "millimetre", "millimetres", "centimeter", "centimeters",
        "centimetre", "centimetres", "meter", "meters", "metre", "metres", "inch", "inches",
    };

    /// <summary>Words that say the wiping tool follows.</summary>
    public static readonly IReadOnlySet<string> ToolMarkers = new HashSet<string>(StringComparer.Ordinal) { "with", "using" };

    /// <summary>Scene labels that can wipe, in order of preference.</summary>
    public static readonly IReadOnlyList<string> WipingTools = ["sponge", "cloth", "rag", "towel", "napkin", "wipe", "brush"];

    /// <summary>The verbs users can write, for messages.</summary>
    public static string KnownVerbs => "put, place, move, bring, take, pick up … and place, push, slide, wipe, clean, open, close, pour";
}
