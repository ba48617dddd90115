using System.Text.Json;
using System.Text.Unicode;

namespace RoboTracer.Fleet.EventStore.GroupCommit;

/// <summary>One caller's append, waiting in the group-commit queue for its batch to commit.</summary>
internal sealed class AppendRequest
{
    private const int Pending = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private int _state;

    private AppendRequest(string streamId, ExpectedVersion expectedVersion, EventData[] events, int payloadBytes)
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        Events = events;
        PayloadBytes = payloadBytes;
    }

    public string StreamId { get; }

    public ExpectedVersion ExpectedVersion { get; }

    public IReadOnlyList<EventData> Events { get; }

    public int PayloadBytes { get; }

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Checks everything that can be checked without the database, so that a bad append fails alone and at once
    /// instead of aborting the batch it would have joined.
    /// </summary>
    public static AppendRequest Create(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, EventStoreOptions options)
    {
        EventStore.StreamId.Validate(streamId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException($"An append to stream '{streamId}' needs at least one event.", nameof(events));
        }
        var copy = new EventData[events.Count];
        var bytes = 0;
        HashSet<string>? keys = null;
        for (var i = 0; i < copy.Length; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"Event {i} for stream '{streamId}' is null.", nameof(events));
            if (e.Data.Length > options.MaxEventBytes)
            {
                throw new EventTooLargeException(streamId, i, e.EventType, e.Data.Length, options.MaxEventBytes);
            }
            if (!IsOneJsonValue(e.Data.Span, out var problem))
            {
                throw new ArgumentException($"Event {i} ({e.EventType}) for stream '{streamId}' is not one UTF-8 JSON value: {problem}", nameof(events));
            }
            if (e.IdempotencyKey is { } key && !(keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
            {
                throw new ArgumentException($"Idempotency key '{key}' appears twice in one append to stream '{streamId}'.", nameof(events));
            }
            bytes += e.Data.Length;
            copy[i] = e;
        }
        return new AppendRequest(streamId, expectedVersion, copy, bytes);
    }

    /// <summary>The group-commit writer claims the request; false when its caller cancelled first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Pending) == Pending;

    /// <summary>The caller gives up; false when the writer already took the request (it will be written).</summary>
    public bool TryCancel() => Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending;

    private static bool IsOneJsonValue(ReadOnlySpan<byte> utf8, out string? problem)
    {
        // Utf8JsonReader checks structure but not every byte of a string; PostgreSQL's jsonb rejects invalid
        // UTF-8 anywhere, and we want the same answer from both stores.
        if (!Utf8.IsValid(utf8))
        {
            problem = "it is not valid UTF-8.";
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(utf8);
            while (reader.Read())
            {
            }
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            problem = e.Message;
            return false;
        }
    }
}
