namespace RoboTracer.Fleet.EventStore;

/// <summary>
/// The rules for stream ids: 1 to <see cref="MaxLength"/> characters from <c>A–Z a–z 0–9 - _ . : @</c>. The
/// set is ASCII so ids sort the same everywhere (PostgreSQL's "C" collation, SQLite's BINARY), read well in logs
/// and URLs, and make prefix ranges (<c>task-</c>…) exact.
/// </summary>
public static class StreamId
{
    /// <summary>The longest stream id.</summary>
    public const int MaxLength = 200;

    /// <summary>The characters besides ASCII letters and digits that a stream id may hold.</summary>
    public const string AllowedPunctuation = "-_.:@";

    /// <summary>A character greater than every allowed one: <c>prefix + RangeEnd</c> bounds all ids that start with prefix.</summary>
    internal const char RangeEnd = '\u007f';

    /// <summary>Whether <paramref name="streamId"/> is a valid stream id.</summary>
    public static bool IsValid(string? streamId) => Problem(streamId) is null;

    /// <summary>Throws <see cref="InvalidStreamIdException"/> when <paramref name="streamId"/> is not a valid stream id.</summary>
    public static void Validate(string? streamId, string? parameterName = "streamId")
    {
        if (Problem(streamId) is { } problem)
        {
            throw new InvalidStreamIdException(streamId, problem, parameterName);
        }
    }

    internal static void ValidatePrefix(string prefix, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        if (prefix.Length > 0 && Problem(prefix) is { } problem)
        {
            throw new InvalidStreamIdException(prefix, problem, parameterName);
        }
    }

    private static string? Problem(string? streamId)
    {
        if (string.IsNullOrEmpty(streamId))
        {
            return "it is empty";
        }
        if (streamId.Length > MaxLength)
        {
            return $"it is {streamId.Length} characters long and at most {MaxLength} are allowed";
        }
        for (var i = 0; i < streamId.Length; i++)
        {
            var c = streamId[i];
            if (!char.IsAsciiLetterOrDigit(c) && !AllowedPunctuation.Contains(c, StringComparison.Ordinal))
            {
                return $"character '{Printable(c)}' at index {i} is not allowed (allowed: A-Z a-z 0-9 and {AllowedPunctuation})";
            }
        }
        return null;
    }

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
