using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace RoboTracer.Fleet.Vision.Tests.Codecs;

/// <summary>
/// Cross-checks the codecs against an independent PNG writer and reader in Debian's Python (zlib and struct only;
/// Fixtures/png_fixtures.py), which writes beside each fixture the pixels a reader must get.
/// </summary>
public sealed class PythonPngCrossCheckTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "png_fixtures.py");
    private readonly string _directory = Directory.CreateTempSubdirectory("png-fixtures-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Decodes_every_fixture_python_writes()
    {
        RunPython("write", _directory);

        string[] names = ["rgb8", "rgba8", "gray8", "gray_alpha8", "rgb16", "palette4", "gray1", "gray2", "gray16", "rgb8_interlaced", "gray16_interlaced"];
        Assert.Equal(names.Order(), Directory.GetFiles(_directory, "*.png").Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var name in names)
        {
            var png = File.ReadAllBytes(Path.Combine(_directory, name + ".png"));
            var expected = File.ReadAllBytes(Path.Combine(_directory, name + ".rgb"));
            var decoded = RgbImage.FromPng(png).Pixels.ToArray();
            // 16-bit samples may be rounded or truncated to 8 bits: one level either way is right.
            Assert.True(expected.Length == decoded.Length && expected.Zip(decoded).All(p => Math.Abs(p.First - p.Second) <= 1),
                $"{name}.png decodes to other pixels than python wrote");
        }

        var gray16 = File.ReadAllBytes(Path.Combine(_directory, "gray16.gray16"));
        var samples = ImageCodec.DecodePngGray16(File.ReadAllBytes(Path.Combine(_directory, "gray16.png")), out var width, out var height);
        Assert.Equal((6, 5), (width, height));
        Assert.Equal(Enumerable.Range(0, gray16.Length / 2).Select(i => (ushort)((gray16[2 * i] << 8) | gray16[(2 * i) + 1])), samples);
    }

    [Fact]
    public void Python_reads_what_the_codecs_write()
    {
        var rgb = RoundTripTests.RandomBytes(61 * 47 * 3, seed: 21);
        var gray = RoundTripTests.RandomBytes(33 * 17, seed: 23);
        var depth = new ushort[40 * 30];
        for (var i = 0; i < depth.Length; i++)
        {
            depth[i] = (ushort)(500 + (i * 37 % 3000));
        }
        var depthBigEndian = depth.SelectMany(d => new[] { (byte)(d >> 8), (byte)d }).ToArray();

        AssertPythonReads(ImageCodec.EncodePngRgb8(rgb, 61, 47), 61, 47, 8, 2, rgb);
        AssertPythonReads(ImageCodec.EncodePngGray8(gray, 33, 17), 33, 17, 8, 0, gray);
        AssertPythonReads(ImageCodec.EncodePngGray16(depth, 40, 30), 40, 30, 16, 0, depthBigEndian);
    }

    private void AssertPythonReads(byte[] png, int width, int height, int bitDepth, int colorType, byte[] rawScanlines)
    {
        var path = Path.Combine(_directory, $"ours-{width}x{height}-{colorType}-{bitDepth}.png");
        File.WriteAllBytes(path, png);
        var verdict = JsonDocument.Parse(RunPython("read", path)).RootElement;
        Assert.Equal(width, verdict.GetProperty("width").GetInt32());
        Assert.Equal(height, verdict.GetProperty("height").GetInt32());
        Assert.Equal(bitDepth, verdict.GetProperty("bitDepth").GetInt32());
        Assert.Equal(colorType, verdict.GetProperty("colorType").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(rawScanlines)), verdict.GetProperty("sha256").GetString());
    }

    private static string RunPython(string mode, string argument)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: Debian's python3 is needed for the PNG cross-check");
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { Script, mode, argument },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "png_fixtures.py did not finish within 60 s");
        Assert.True(process.ExitCode == 0, $"png_fixtures.py {mode} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result.Trim();
    }
}
