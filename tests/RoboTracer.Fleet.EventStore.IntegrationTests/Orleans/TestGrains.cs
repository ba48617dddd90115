namespace RoboTracer.Fleet.EventStore.IntegrationTests.Orleans;

/// <summary>Says which silo its activation lives on.</summary>
[Alias("fleet-tests.where")]
public interface IWhereGrain : IGrainWithStringKey
{
    [Alias("where")]
    Task<SiloAddress> WhereAsync();
}

public sealed class WhereGrain(ILocalSiloDetails silo) : Grain, IWhereGrain
{
    public Task<SiloAddress> WhereAsync() => Task.FromResult(silo.SiloAddress);
}

/// <summary>Counts the ticks of one reminder.</summary>
[Alias("fleet-tests.tick")]
public interface ITickGrain : IGrainWithStringKey
{
    [Alias("start")]
    Task StartAsync(TimeSpan period);

    [Alias("stop")]
    Task StopAsync();

    [Alias("ticks")]
    Task<int> TicksAsync();
}

public sealed class TickGrain : Grain, ITickGrain, IRemindable
{
    public const string ReminderName = "tick";

    private int _ticks;

    public Task StartAsync(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, TimeSpan.Zero, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> TicksAsync() => Task.FromResult(_ticks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
