namespace RoboTracer.Fleet.EventStore;

/// <summary>A stream id broke the rules of <see cref="EventStore.StreamId"/>.</summary>
public sealed class InvalidStreamIdException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="streamId"/> and what is wrong with it.</summary>
    public InvalidStreamIdException(string? streamId, string problem, string? parameterName)
        : base($"Stream id '{Truncate(streamId)}' is invalid: {problem}.", parameterName)
    {
        StreamId = streamId;
    }

    /// <summary>The rejected id.</summary>
    public string? StreamId { get; }

    private static string Truncate(string? id) => id is null ? "(null)" : id.Length <= 64 ? id : id[..64] + "…";
}
