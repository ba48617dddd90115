namespace RoboTracer.Fleet.Simulator.Configuration;

/// <summary>
/// Deterministic seed derivation (SplitMix64's finalizer), stable across processes and machines, unlike
/// <see cref="HashCode"/>, whose seed is randomized per process.
/// </summary>
internal static class Seeds
{
    /// <summary>A seed for stream <paramref name="stream"/> of the run seeded with <paramref name="seed"/>.</summary>
    public static int Derive(int seed, int stream)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32) ^ (uint)stream;
            z += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            return (int)(z & 0x7FFF_FFFF);
        }
    }
}
