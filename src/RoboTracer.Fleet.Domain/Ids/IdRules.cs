namespace RoboTracer.Fleet.Domain.Ids;

/// <summary>
/// The rules every fleet id keeps: 1 to <see cref="MaxLength"/> characters from <c>A–Z a–z 0–9 - _ . : @</c>.
/// The set is the event store's stream-id alphabet, so <c>task-{id}</c> is always a valid stream id, and ids
/// read well in URLs and logs.
/// </summary>
public static class IdRules
{
    /// <summary>The longest id.</summary>
    public const int MaxLength = 64;

    /// <summary>The characters besides ASCII letters and digits that an id may hold.</summary>
    public const string AllowedPunctuation = "-_.:@";

    /// <summary>What is wrong with <paramref name="value"/> as an id, or null when it is a valid one.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "it is empty";
        }
        if (value.Length > MaxLength)
        {
            return $"it is {value.Length} characters long and at most {MaxLength} are allowed";
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!char.IsAsciiLetterOrDigit(c) && !AllowedPunctuation.Contains(c, StringComparison.Ordinal))
            {
                return $"character {(int)c:x4} at index {i} is not allowed (allowed: A-Z a-z 0-9 and {AllowedPunctuation})";
            }
        }
        return null;
    }

    internal static string Check(string? value, string kind) => Problem(value) is { } problem
        ? throw new ArgumentException($"'{Shorten(value)}' is not a valid {kind} id: {problem}.", nameof(value))
        : value!;

    private static string Shorten(string? value) => value is null ? "(null)" : value.Length <= 80 ? value : value[..80] + "…";
}
