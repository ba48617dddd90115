using System.Text;

namespace RoboTracer.Fleet.AppHost.IntegrationTests;

/// <summary>Collects the lines written to it and lets a test await a condition on them.</summary>
internal sealed class RecordingWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            _lines.Add(value ?? "");
        }
    }

    public override void Write(char value) => throw new NotSupportedException("Only whole lines are expected.");

    public async Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!condition(Lines))
        {
            try
            {
                await Task.Delay(20, cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}. Output:\n{string.Join('\n', Lines)}");
            }
        }
    }
}
