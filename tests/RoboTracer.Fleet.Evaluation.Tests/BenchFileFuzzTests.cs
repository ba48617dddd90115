using RoboTracer.Fleet.Testing.Fuzzing;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>
/// Damaged TraceSpatial-Bench folders (<see cref="BenchFileFuzz"/>): the reader loads them or refuses them with a
/// BenchFormatException, never anything else. 300 cases here; <c>bench fuzz</c> runs ten thousand.
/// </summary>
public sealed class BenchFileFuzzTests : IDisposable
{
    private readonly string _template = TempDir.Create();

    public void Dispose() => TempDir.Delete(_template);

    [Fact]
    public async Task A_damaged_set_is_read_or_refused_with_a_bench_format_error()
    {
        BenchSetWriter.Make(_template, 2, seed: 5, SyntheticSetFixture.SmallScenes);

        var outcomes = await BenchFileFuzz.RunAsync(_template, 300);

        Assert.Equal(300, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("refused") > 0, string.Join(", ", outcomes));
    }
}
