using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using RoboTracer.Fleet.Vision.Png;

namespace RoboTracer.Fleet.Vision.Tests.Png;

/// <summary>
/// Cross-checks the codec against an independent PNG writer and reader in Debian's Python (zlib and struct only;
/// Fixtures/png_fixtures.py). The pixel patterns here mirror that script's.
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

        AssertDecodes("rgb8.png", 7, 5, PngColorType.Rgb, 8, image => image.ToRgb8(), (x, y) => Rgb(x, y));
        AssertDecodes("rgba8.png", 6, 5, PngColorType.Rgba, 8, image => image.ToRgba8(), (x, y) => [.. Rgb(x, y), (x * 50 + y * 20) % 256]);
        AssertDecodes("gray8.png", 9, 5, PngColorType.Gray, 8, image => image.ToGray8(), (x, y) => [(x * 29 + y * 53) % 256]);
        AssertDecodes("gray_alpha8.png", 5, 5, PngColorType.GrayAlpha, 8, image => image.ToRgba8(),
            (x, y) => [(x * 41 + y) % 256, (x * 41 + y) % 256, (x * 41 + y) % 256, (y * 60 + x) % 256]);
        AssertDecodes("rgb16.png", 4, 5, PngColorType.Rgb, 16, image => image.ToRgb8(),
            (x, y) => [To8((x * 4000 + y * 300) % 65536), To8((x * 123 + y * 17000) % 65536), To8(x * y * 999 % 65536)]);
        AssertDecodes("palette4.png", 9, 5, PngColorType.Palette, 4, image => image.ToRgba8(), (x, y) =>
        {
            var i = (x + (2 * y)) % 16;
            return [i * 16, 255 - (i * 16), i * 37 % 256, i < 4 ? i * 64 : 255];
        });
        AssertDecodes("gray1.png", 13, 5, PngColorType.Gray, 1, image => image.ToGray8(), (x, y) => [(x * y + x) % 2 * 255]);
        AssertDecodes("gray2.png", 5, 5, PngColorType.Gray, 2, image => image.ToGray8(), (x, y) => [(x + y) % 4 * 85]);

        var gray16 = PngCodec.Decode(File.ReadAllBytes(Path.Combine(_directory, "gray16.png")));
        var expected = new ushort[6 * 5];
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 6; x++)
            {
                expected[(y * 6) + x] = (ushort)(((x * 9001) + (y * 1237)) % 65536);
            }
        }
        Assert.Equal(expected, gray16.ToGray16());
    }

    [Fact]
    public void Python_reads_what_the_codec_writes()
    {
        var rgb = PngRoundTripTests.RandomBytes(61 * 47 * 3, seed: 21);
        var rgba = PngRoundTripTests.RandomBytes(13 * 9 * 4, seed: 22);
        var gray = PngRoundTripTests.RandomBytes(33 * 17, seed: 23);
        var depth = new ushort[40 * 30];
        for (var i = 0; i < depth.Length; i++)
        {
            depth[i] = (ushort)(500 + (i * 37 % 3000));
        }
        var depthBigEndian = depth.SelectMany(d => new[] { (byte)(d >> 8), (byte)d }).ToArray();

        AssertPythonReads(PngCodec.EncodeRgb8(rgb, 61, 47), 61, 47, 8, 2, rgb);
        AssertPythonReads(PngCodec.EncodeRgba8(rgba, 13, 9), 13, 9, 8, 6, rgba);
        AssertPythonReads(PngCodec.EncodeGray8(gray, 33, 17), 33, 17, 8, 0, gray);
        AssertPythonReads(PngCodec.EncodeGray16(depth, 40, 30), 40, 30, 16, 0, depthBigEndian);
    }

    private static int[] Rgb(int x, int y) => [(x * 37 + y * 11) % 256, (x * 5 + y * 91 + 13) % 256, (x * x * 3 + y * 7) % 256];

    private static int To8(int sample16) => ((sample16 * 255) + 32767) / 65535;

    private void AssertDecodes(string name, int width, int height, PngColorType colorType, int bitDepth,
        Func<PngImage, byte[]> convert, Func<int, int, int[]> pixel)
    {
        var image = PngCodec.Decode(File.ReadAllBytes(Path.Combine(_directory, name)));
        Assert.Equal((width, height, colorType, bitDepth), (image.Width, image.Height, image.ColorType, image.BitDepth));
        var expected = new List<byte>();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                expected.AddRange(pixel(x, y).Select(v => (byte)v));
            }
        }
        Assert.True(expected.SequenceEqual(convert(image)), $"{name} decodes to other pixels than python wrote");
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
