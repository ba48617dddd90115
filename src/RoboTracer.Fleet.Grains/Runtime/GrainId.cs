namespace RoboTracer.Fleet.Grains.Runtime;

/// <summary>A grain's identity: its interface's type name and its key. Location-free.</summary>
/// <param name="Type">The grain interface's full name.</param>
/// <param name="Key">The primary key.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <summary><c>type/key</c>.</summary>
    public override string ToString() => $"{Type}/{Key}";
}
