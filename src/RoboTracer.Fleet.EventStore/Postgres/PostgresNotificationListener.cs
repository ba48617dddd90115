using Npgsql;
using RoboTracer.Fleet.EventStore.GroupCommit;

namespace RoboTracer.Fleet.EventStore.Postgres;

/// <summary>
/// One connection that LISTENs on the store's channel and pulses the <see cref="WakeSignal"/> for every
/// notification. Started by the first subscriber. Notifications carry no payload: they only say "look again".
/// When the connection drops it pulses (whatever happened meanwhile was not heard) and reconnects.
/// </summary>
internal sealed class PostgresNotificationListener(NpgsqlDataSource dataSource, string channel, WakeSignal signal, TimeSpan retryDelay) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private Task? _loop;

    public void EnsureStarted()
    {
        lock (_lock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }
        if (loop is not null)
        {
            await loop;
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(token);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(token);
                }
                // Commits between the subscriber's last read and this LISTEN sent no notification we heard.
                signal.Pulse();
                while (true)
                {
                    await connection.WaitAsync(token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // Unreachable or dropped: subscribers keep polling meanwhile; try again shortly.
                signal.Pulse();
                try
                {
                    await Task.Delay(retryDelay, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
