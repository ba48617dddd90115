namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>Orleans' helpers on grain references.</summary>
public static class GrainExtensions
{
    /// <summary>The key of a grain reference (or of a grain, from inside it).</summary>
    /// <exception cref="ArgumentException">The object is neither.</exception>
    public static string GetPrimaryKeyString(this IGrain grain) => grain switch
    {
        GrainReference reference => reference.Id.Key,
        Grain instance => instance.GetPrimaryKeyString(),
        _ => throw new ArgumentException($"{grain?.GetType().Name ?? "null"} is not a grain reference.", nameof(grain)),
    };
}
