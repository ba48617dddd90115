using System.Diagnostics;

namespace RoboTracer.Fleet.Inference.IntegrationTests.Onnx;

/// <summary>
/// The small models of tests/peers/onnx_models.py, written once per test class into a temporary directory with
/// Debian's python3-onnx (/usr/bin/python3, not whatever python3 is first on PATH). ./test.sh installs it; where it
/// is missing the tests fail saying what to install, they never skip (under CI nothing may skip: DESIGN.md §4).
/// </summary>
public sealed class OnnxTestModels : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Onnx", "onnx_models.py");
    private readonly TempDirectory _directory = new();

    public OnnxTestModels()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install Debian's python3-onnx (./test.sh does).");
        }
        var start = new ProcessStartInfo(Python) { ArgumentList = { Script, _directory.Path }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException("onnx_models.py did not finish within 60 s.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(stderr.Contains("No module named 'onnx'", StringComparison.Ordinal)
                ? "python3-onnx is not installed: run `apt-get install python3-onnx` (./test.sh does)."
                : $"onnx_models.py exited {process.ExitCode}: {stderr} {stdout.Result}");
        }
    }

    public string Directory => _directory.Path;

    /// <summary>The path of model <paramref name="name"/> (a name of onnx_models.py's MODELS).</summary>
    public string this[string name] => Path.Combine(_directory.Path, name + ".onnx");

    public void Dispose() => _directory.Dispose();
}
