using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Sqlite;

public sealed partial class SqliteEventStore
{
    private const string Columns = "position, stream_id, version, event_type, data, idempotency_key, recorded_at";

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, CancellationToken cancellationToken = default)
    {
        StreamId.Validate(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        return ReadStreamPagesAsync(streamId, fromVersion, "", null, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadStreamAsOfAsync(string streamId, AsOf asOf, CancellationToken cancellationToken = default)
    {
        StreamId.Validate(streamId);
        return asOf.PositionValue is { } position
            ? ReadStreamPagesAsync(streamId, 1, "AND position <= $bound", position, cancellationToken)
            : ReadStreamPagesAsync(streamId, 1, "AND recorded_at <= $bound", ToMicroseconds(asOf.TimeValue!.Value), cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        return ReadAllPagesAsync(afterPosition, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Catch-up and live are one loop: read the page after the last position seen; a short page means caught up,
    /// so wait for a wake-up (this store's commits) or the poll interval. Commit order is position order (see
    /// the class remarks), so reading "after the last position" neither skips nor repeats.
    /// </remarks>
    public async IAsyncEnumerable<RecordedEvent> SubscribeAsync(long afterPosition = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        var last = afterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = _signal.Current;
            var page = ReadAllPage(last);
            foreach (var e in page)
            {
                last = e.Position;
                yield return e;
            }
            if (page.Count < _options.ReadPageSize)
            {
                await WakeSignal.WaitAsync(wake, _options.SubscriptionPollInterval, cancellationToken);
            }
        }
    }

    private async IAsyncEnumerable<RecordedEvent> ReadAllPagesAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ReadAllPage(last);
            foreach (var e in page)
            {
                last = e.Position;
                yield return e;
            }
            if (page.Count < _options.ReadPageSize)
            {
                yield break;
            }
            // Microsoft.Data.Sqlite is synchronous underneath; let other work run between pages.
            await Task.Yield();
        }
    }

    private List<RecordedEvent> ReadAllPage(long afterPosition) => ReadPage(
        $"SELECT {Columns} FROM events WHERE position > $after ORDER BY position LIMIT $limit",
        command => command.Parameters.AddWithValue("$after", afterPosition));

    private async IAsyncEnumerable<RecordedEvent> ReadStreamPagesAsync(string streamId, long fromVersion, string bound, long? boundValue, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = fromVersion;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = ReadPage(
                $"SELECT {Columns} FROM events WHERE stream_id = $stream AND version >= $from {bound} ORDER BY version LIMIT $limit",
                command =>
                {
                    command.Parameters.AddWithValue("$stream", streamId);
                    command.Parameters.AddWithValue("$from", next);
                    if (boundValue is { } value)
                    {
                        command.Parameters.AddWithValue("$bound", value);
                    }
                });
            foreach (var e in page)
            {
                next = e.Version + 1;
                yield return e;
            }
            if (page.Count < _options.ReadPageSize)
            {
                yield break;
            }
            await Task.Yield();
        }
    }

    private List<RecordedEvent> ReadPage(string sql, Action<SqliteCommand> bind)
    {
        using var connection = OpenReadConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        command.Parameters.AddWithValue("$limit", _options.ReadPageSize);
        using var reader = command.ExecuteReader();
        var page = new List<RecordedEvent>();
        while (reader.Read())
        {
            page.Add(ReadEvent(reader));
        }
        return page;
    }

    internal static RecordedEvent ReadEvent(SqliteDataReader reader) => new(
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetInt64(0),
        reader.GetString(3),
        reader.GetFieldValue<byte[]>(4),
        FromMicroseconds(reader.GetInt64(6)),
        reader.IsDBNull(5) ? null : reader.GetString(5));
}
