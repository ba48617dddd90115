namespace RoboTracer.Fleet.Domain.Scene;

/// <summary>
/// Binds the way people name objects ("the cup", "the red block", "the left cup") to one object of a scene. The
/// planners bind a plan's objects with it, and a task grain binds a step planned without a scene once its robot's
/// scene memory is known, so the planner, the tracer, the robot and the verification all mean the same object.
/// </summary>
/// <remarks>
/// A label binds when it holds every word of the mention, as whole words: "the cup" binds "red cup", but "the blue
/// plate" does not bind "white plate" (a colour the mention names must be the object's), and "the cupboard" does not
/// bind "cup". Several labels holding every word are ambiguous; spatial words ("left", "rightmost", "nearest",
/// "farthest") choose among them by the camera frame, and the binding's <see cref="Grounding.Rule"/> says so.
/// </remarks>
public static class SceneGrounding
{
    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "this", "that", "these", "those", "my", "your", "our", "its", "their", "his", "her",
        "some", "any", "each", "every", "all", "both", "one",
    };

    // Spatial words that pick one of several candidates, and how: camera frame, x right, z forward (away from it).
    private static readonly Dictionary<string, (string Rule, Func<SceneObjectState, double> Key)> Spatial = new(StringComparer.Ordinal)
    {
        ["left"] = ("the leftmost in the camera's view", o => o.Box.Center.X),
        ["leftmost"] = ("the leftmost in the camera's view", o => o.Box.Center.X),
        ["right"] = ("the rightmost in the camera's view", o => -o.Box.Center.X),
        ["rightmost"] = ("the rightmost in the camera's view", o => -o.Box.Center.X),
        ["nearest"] = ("the nearest to the camera", o => o.Box.Center.Length),
        ["closest"] = ("the nearest to the camera", o => o.Box.Center.Length),
        ["farthest"] = ("the farthest from the camera", o => -o.Box.Center.Length),
        ["furthest"] = ("the farthest from the camera", o => -o.Box.Center.Length),
    };

    /// <summary>
    /// The object of <paramref name="scene"/> that <paramref name="mention"/> names; when <paramref name="boundId"/>
    /// is given (a plan bound earlier), that object, which must still be in the scene.
    /// </summary>
    public static Grounding Bind(SceneSnapshot scene, string mention, string? boundId = null)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(mention);
        if (boundId is not null)
        {
            return scene.Objects.FirstOrDefault(o => o.Id == boundId) is { } bound
                ? new Grounding(bound, null, null)
                : new Grounding(null, null, $"'{Bare(mention)}' ({boundId}) is no longer in scene {scene.SceneId}; seen: {Seen(scene)}");
        }
        var words = Words(mention);
        var spatial = words.Where(Spatial.ContainsKey).ToList();
        var nouns = words.Where(w => !Spatial.ContainsKey(w)).ToList();
        if (nouns.Count == 0)
        {
            return new Grounding(null, null, $"'{Bare(mention)}' names no object; say which one (seen in scene {scene.SceneId}: {Seen(scene)})");
        }
        var candidates = scene.Objects.Where(o => nouns.All(Words(o.Label).Contains)).ToList();
        // An exact label wins over longer ones that hold it: "the cup" is the "cup" when the scene also has a "red cup".
        var exact = candidates.Where(o => Words(o.Label).Count == nouns.Count).ToList();
        if (exact.Count == 1)
        {
            candidates = exact;
        }
        if (candidates.Count == 1)
        {
            return new Grounding(candidates[0], null, null);
        }
        if (candidates.Count == 0)
        {
            return new Grounding(null, null, $"no '{Bare(mention)}' in scene {scene.SceneId}; seen: {Seen(scene)}");
        }
        var labels = Describe(candidates);
        if (spatial.Count == 1)
        {
            var (rule, key) = Spatial[spatial[0]];
            var ordered = candidates.OrderBy(key).ToList();
            if (key(ordered[0]) != key(ordered[1]))
            {
                return new Grounding(ordered[0], $"'{Bare(mention)}' taken to be the {ordered[0].Label} ({ordered[0].Id}) in scene {scene.SceneId}: {rule} of {labels}", null);
            }
        }
        return new Grounding(null, null, $"'{Bare(mention)}' could be any of {labels} in scene {scene.SceneId}; say which one (by colour, or 'the left …', 'the nearest …')");
    }

    /// <summary>True when <paramref name="mention"/> holds <paramref name="label"/>'s words in order ("the red cup" names "red cup").</summary>
    public static bool Names(string mention, string label)
    {
        var haystack = Words(mention);
        var needle = Words(label);
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

    /// <summary>The mention without its determiner: "the blue bowl" → "blue bowl".</summary>
    public static string Bare(string mention) => string.Join(' ', Words(mention));

    /// <summary>What the scene holds, as a message lists it: "red cup, plate", or "nothing".</summary>
    public static string Seen(SceneSnapshot scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        return scene.Objects.Count == 0 ? "nothing" : Describe(scene.Objects);
    }

    /// <summary>Labels, each once; a label several objects share is listed once per object with its id.</summary>
    private static string Describe(IEnumerable<SceneObjectState> objects)
    {
        var list = objects.ToList();
        var shared = list.GroupBy(o => o.Label, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return string.Join(", ", list.Select(o => shared.Contains(o.Label) ? $"{o.Label} ({o.Id})" : o.Label));
    }

    private static List<string> Words(string text) => text
        .Split([' ', ',', '.', '\t', '\n', '-', '_', '(', ')', '"', '\''], StringSplitOptions.RemoveEmptyEntries)
        .Select(w => w.ToLowerInvariant())
        .Where(w => !Determiners.Contains(w))
        .ToList();
}

/// <summary>What a mention was bound to.</summary>
/// <param name="Object">The object, or null when the mention binds none.</param>
/// <param name="Rule">How an ambiguous mention was decided (a spatial word), for the plan's notes; null when it was not.</param>
/// <param name="Problem">Why nothing was bound, naming the mention and listing what the scene holds; null when bound.</param>
public sealed record Grounding(SceneObjectState? Object, string? Rule, string? Problem);
