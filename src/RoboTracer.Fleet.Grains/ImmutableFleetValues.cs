using Orleans.Serialization.Cloning;

namespace RoboTracer.Fleet.Grains;

/// <summary>
/// Orleans deep-copies the arguments and results of calls between grains of one silo, so a callee cannot change what
/// its caller holds. The fleet's values (ids, commands, views, observations: records of the domain and the grains) are
/// immutable by design (STYLE.md §5) and never changed after they are made, so they are passed as they are instead
/// of round-tripping through JSON on every call, which on the step path (a thousand robots' heartbeats and
/// reports) would cost a serialization per argument. Exceptions are left to Orleans.
/// </summary>
internal sealed class ImmutableFleetValues : IGeneralizedCopier
{
    /// <summary>A fleet type Orleans carries as JSON and passes by reference within a silo.</summary>
    public static bool IsFleetValue(Type type) =>
        type.Namespace?.StartsWith("RoboTracer.Fleet.", StringComparison.Ordinal) == true
        && !typeof(Exception).IsAssignableFrom(type)
        && !typeof(IAddressable).IsAssignableFrom(type);

    public bool IsSupportedType(Type type) => IsFleetValue(type);

    public object? DeepCopy(object? input, CopyContext context) => input;
}
