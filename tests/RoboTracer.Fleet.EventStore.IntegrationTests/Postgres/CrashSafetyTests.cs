using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RoboTracer.Fleet.EventStore.Postgres;

namespace RoboTracer.Fleet.EventStore.IntegrationTests.Postgres;

/// <summary>
/// A writer process (tests/RoboTracer.Fleet.EventStore.CrashChild) appends under load and is killed with
/// SIGKILL: whatever it had acknowledged must be in the store, and every append must be all there or not at all.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashSafetyTests(PostgresFixture fixture)
{
    private const int AcksBeforeKill = 3000;
    private const int EventsPerAppend = 3;

    [Fact]
    public async Task Every_append_acknowledged_before_a_SIGKILL_is_stored_and_none_is_half_written()
    {
        var schema = fixture.NewSchema();
        var ackFile = Path.Combine(Path.GetTempPath(), $"fleet-crash-{schema}.acks");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using (var child = StartChild(fixture.ConnectionString, schema, ackFile))
        {
            var stderr = child.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                while (true)
                {
                    var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException($"The crash child exited ({(child.HasExited ? child.ExitCode : -1)}) before it was killed: {await stderr}");
                    if (line.StartsWith("acked ", StringComparison.Ordinal) && int.Parse(line[6..], CultureInfo.InvariantCulture) >= AcksBeforeKill)
                    {
                        break;
                    }
                }
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no flush, no dispose, no goodbye to PostgreSQL
                await child.WaitForExitAsync(CancellationToken.None);
            }
        }

        var acknowledged = ReadAcks(ackFile);
        File.Delete(ackFile);
        await using var store = await PostgresEventStore.OpenAsync(fixture.ConnectionString, schema: schema);
        var appends = new Dictionary<string, List<(long Position, int Index)>>();
        var positions = new List<long>();
        await foreach (var e in store.ReadAllAsync(cancellationToken: timeout.Token))
        {
            using var json = JsonDocument.Parse(e.Data);
            var id = json.RootElement.GetProperty("append").GetString()!;
            (appends.TryGetValue(id, out var list) ? list : appends[id] = []).Add((e.Position, json.RootElement.GetProperty("index").GetInt32()));
            positions.Add(e.Position);
        }

        Assert.True(acknowledged.Count >= AcksBeforeKill, $"only {acknowledged.Count} acknowledgements were logged");
        foreach (var (id, first, last) in acknowledged)
        {
            Assert.True(appends.TryGetValue(id, out var stored), $"acknowledged append {id} is missing");
            Assert.Equal((first, last), (stored[0].Position, stored[^1].Position));
        }
        foreach (var (id, stored) in appends)
        {
            // All of an append or none of it, at consecutive positions.
            Assert.Equal(Enumerable.Range(0, EventsPerAppend), stored.Select(s => s.Index));
            Assert.Equal(Enumerable.Range(0, EventsPerAppend).Select(i => stored[0].Position + i), stored.Select(s => s.Position));
        }
        // No committed transaction is missing a part: positions run without holes up to the head.
        Assert.Equal(Enumerable.Range(1, positions.Count).Select(p => (long)p), positions);
        Assert.Equal(positions.Count, await store.GetHeadPositionAsync());
        // The killed writer's session, and with it any lock on the head row, is gone: the store takes appends again.
        var after = await store.AppendAsync("after-crash", ExpectedVersion.NoStream, [TestEvents.Moved("r", 1)]).WaitAsync(timeout.Token);
        Assert.Equal(positions.Count + 1, after.FirstPosition);
    }

    private static Process StartChild(string connectionString, string schema, string ackFile)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "RoboTracer.Fleet.EventStore.CrashChild.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            ArgumentList = { dll, connectionString, schema, ackFile },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dll}.");
    }

    /// <summary>The complete lines of the ack file; a line cut short by the kill is not an acknowledgement.</summary>
    private static List<(string Id, long First, long Last)> ReadAcks(string path)
    {
        var text = File.ReadAllText(path);
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return complete.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .Select(parts => (parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture)))
            .ToList();
    }
}
