namespace RoboTracer.Fleet.Grains.EventSourcing;

/// <summary>Settings of the fleet's event-sourced grains (<c>Fleet:EventSourcing</c>).</summary>
public sealed class EventSourcingOptions
{
    /// <summary>How long a call waits for the store to take its events before it fails. Default 10 s.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
