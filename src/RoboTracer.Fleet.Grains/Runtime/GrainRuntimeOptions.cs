using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>How a <see cref="GrainRuntime"/> runs. The defaults are Orleans' where Orleans has one.</summary>
public sealed record GrainRuntimeOptions
{
    /// <summary>This node's id, for placement and messages.</summary>
    public string NodeId { get; init; } = "local";

    /// <summary>The clock of idle collection and grain timers; grains read it as <see cref="Grain.TimeProvider"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>An activation idle for this long is deactivated (Orleans' default: 15 minutes).</summary>
    public TimeSpan CollectionAge { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for (Orleans' default: 1 minute).</summary>
    public TimeSpan CollectionQuantum { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long <see cref="GrainRuntime.DisposeAsync"/> waits for running turns to finish before it gives up on
    /// them. Measured in real time, whatever <see cref="TimeProvider"/> is: it bounds a shutdown, not grain logic.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where grains live; null for <see cref="LocalGrainPlacement"/>.</summary>
    public IGrainPlacement? Placement { get; init; }

    /// <summary>Logs one-way call failures, timer failures and deactivations.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(NodeId, nameof(NodeId));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CollectionAge, TimeSpan.Zero, nameof(CollectionAge));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CollectionQuantum, TimeSpan.Zero, nameof(CollectionQuantum));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
    }
}
