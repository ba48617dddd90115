namespace RoboTracer.Fleet.EventStore.Retention;

/// <summary>What a retention run did.</summary>
/// <param name="Streams">The streams it archived and/or dropped, in id order.</param>
/// <param name="EventsArchived">How many events it wrote to the archive.</param>
/// <param name="EventsDropped">How many events it deleted.</param>
public sealed record RetentionResult(IReadOnlyList<string> Streams, long EventsArchived, long EventsDropped);
