using System.Runtime.CompilerServices;
using Npgsql;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Postgres;

public sealed partial class PostgresEventStore
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
            ? ReadStreamPagesAsync(streamId, 1, "AND position <= $4", position, cancellationToken)
            : ReadStreamPagesAsync(streamId, 1, "AND recorded_at <= $4", asOf.TimeValue!.Value, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        return ReadAllPagesAsync(afterPosition, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One loop serves catch-up and live alike: read the page after the last position seen; when a page comes
    /// back short the reader is caught up and waits for a wake-up (this store's commits, NOTIFY from any other
    /// writer, or the poll interval). Because commit order is position order (see the class remarks), reading
    /// "after the last position" can neither skip nor repeat an event. A lost connection is waited out.
    /// </remarks>
    public async IAsyncEnumerable<RecordedEvent> SubscribeAsync(long afterPosition = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        _listener.EnsureStarted();
        var last = afterPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var wake = _signal.Current;
            List<RecordedEvent>? page = null;
            try
            {
                page = await ReadAllPageAsync(last, cancellationToken);
            }
            catch (EventStoreUnavailableException)
            {
                // PostgreSQL is away (restart, failover): wait and look again; the subscription outlives it.
            }
            if (page is not null)
            {
                foreach (var e in page)
                {
                    last = e.Position;
                    yield return e;
                }
                if (page.Count == _options.ReadPageSize)
                {
                    continue;
                }
            }
            await WakeSignal.WaitAsync(wake, _options.SubscriptionPollInterval, cancellationToken);
        }
    }

    private async IAsyncEnumerable<RecordedEvent> ReadAllPagesAsync(long afterPosition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterPosition;
        while (true)
        {
            var page = await ReadAllPageAsync(last, cancellationToken);
            foreach (var e in page)
            {
                last = e.Position;
                yield return e;
            }
            if (page.Count < _options.ReadPageSize)
            {
                yield break;
            }
        }
    }

    private Task<List<RecordedEvent>> ReadAllPageAsync(long afterPosition, CancellationToken cancellationToken) =>
        ReadPageAsync(
            $"SELECT {Columns} FROM {_names.Events} WHERE position > $1 ORDER BY position LIMIT $2",
            [afterPosition, _options.ReadPageSize],
            cancellationToken);

    private async IAsyncEnumerable<RecordedEvent> ReadStreamPagesAsync(string streamId, long fromVersion, string bound, object? boundValue, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = fromVersion;
        while (true)
        {
            object[] parameters = boundValue is null ? [streamId, next, _options.ReadPageSize] : [streamId, next, _options.ReadPageSize, boundValue];
            var page = await ReadPageAsync(
                $"SELECT {Columns} FROM {_names.Events} WHERE stream_id = $1 AND version >= $2 {bound} ORDER BY version LIMIT $3",
                parameters,
                cancellationToken);
            foreach (var e in page)
            {
                next = e.Version + 1;
                yield return e;
            }
            if (page.Count < _options.ReadPageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>Reads one page into memory, so no connection is held while the caller works through it.</summary>
    private async Task<List<RecordedEvent>> ReadPageAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var page = new List<RecordedEvent>();
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(ReadEvent(reader));
            }
            return page;
        }
        catch (Exception e) when (e is not OperationCanceledException && IsUnavailable(e, null))
        {
            throw new EventStoreUnavailableException($"PostgreSQL is unreachable: {e.Message}", e, outcomeUnknown: false);
        }
    }

    private static RecordedEvent ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetInt64(0),
        reader.GetString(3),
        reader.GetFieldValue<byte[]>(4),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(5) ? null : reader.GetString(5));
}
