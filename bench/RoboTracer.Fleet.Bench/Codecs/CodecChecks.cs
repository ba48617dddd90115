using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// What each contestant gets right, beside its speed: the PNGs an independent writer makes (Debian's Python, zlib
/// only: tests/RoboTracer.Fleet.Vision.Tests/Fixtures/png_fixtures.py — every filter type, split IDAT, palette with
/// tRNS, gray + alpha, RGBA, 1/2-bit gray, 16-bit RGB and gray, Adam7 interlacing), an exact 16-bit depth round trip
/// that Python reads back as big-endian samples, a JPEG, and corrupt files.
/// </summary>
internal sealed class CodecChecks(string directory)
{
    private const string Python = "/usr/bin/python3";

    private static readonly string Script =
        Path.Combine(RepositoryPaths.Root, "tests", "RoboTracer.Fleet.Vision.Tests", "Fixtures", "png_fixtures.py");

    /// <summary>Writes the fixtures; false (and no fixture checks) where Python is missing.</summary>
    public bool WriteFixtures()
    {
        if (!File.Exists(Python))
        {
            return false;
        }
        RunPython("write", directory);
        return true;
    }

    public JsonObject Check(CodecContestant codec, CodecInputs inputs, byte[] jpeg, byte[] validPng, bool fixtures)
    {
        var result = new JsonObject();
        if (fixtures)
        {
            var reads = new JsonObject();
            foreach (var png in Directory.GetFiles(directory, "*.png").Where(p => !Path.GetFileName(p).StartsWith("out-", StringComparison.Ordinal)).Order())
            {
                reads[Path.GetFileNameWithoutExtension(png)] = CheckFixture(codec, png);
            }
            result["reads"] = reads;
        }
        result["depth_round_trip"] = CheckDepthRoundTrip(codec, inputs, fixtures);
        result["jpeg"] = Attempt(() =>
        {
            var decoded = codec.DecodeRgb(jpeg);
            var error = inputs.Rgb.Zip(decoded.Rgb, (a, b) => Math.Abs(a - b)).Average();
            return $"reads (mean error {error.ToString("0.00", CultureInfo.InvariantCulture)} levels)";
        });
        result["corrupt"] = new JsonObject
        {
            ["bad_crc"] = Refuses(codec, BadHeaderCrc(validPng)),
            ["corrupt_data"] = Refuses(codec, FlipInIdat(validPng)),
            ["truncated"] = Refuses(codec, validPng[..(validPng.Length / 2)]),
            ["garbage"] = Refuses(codec, RandomBytes(4096, seed: 5)),
            ["empty"] = Refuses(codec, []),
        };
        return result;
    }

    private string CheckFixture(CodecContestant codec, string png)
    {
        var bytes = File.ReadAllBytes(png);
        var stem = png[..^".png".Length];
        if (File.Exists(stem + ".gray16"))
        {
            var expected = File.ReadAllBytes(stem + ".gray16");
            return Attempt(() =>
            {
                var samples = codec.DecodeGray16(bytes);
                var wrong = samples.Where((s, i) => s != ((expected[2 * i] << 8) | expected[(2 * i) + 1])).Count();
                return wrong == 0 ? "exact" : $"lossy: {wrong} of {samples.Length} samples differ";
            });
        }
        var rgb = File.ReadAllBytes(stem + ".rgb");
        return Attempt(() =>
        {
            var decoded = codec.DecodeRgb(bytes);
            // 16-bit samples may be rounded or truncated to 8 bits: one level either way is right.
            var wrong = decoded.Rgb.Length != rgb.Length ? rgb.Length : decoded.Rgb.Where((v, i) => Math.Abs(v - rgb[i]) > 1).Count();
            return wrong == 0 ? "ok" : $"wrong: {wrong} of {rgb.Length} samples differ";
        });
    }

    private string CheckDepthRoundTrip(CodecContestant codec, CodecInputs inputs, bool python) => Attempt(() =>
    {
        var png = codec.EncodeGray16(inputs.Depth, CodecInputs.Width, CodecInputs.Height);
        var back = codec.DecodeGray16(png);
        var wrong = back.Where((s, i) => s != inputs.Depth[i]).Count();
        if (wrong > 0)
        {
            return $"lossy: {wrong} of {back.Length} samples differ after a round trip";
        }
        if (!python)
        {
            return "exact (not checked by an independent reader: no Python)";
        }
        var path = Path.Combine(directory, $"out-{codec.Name}-depth.png");
        File.WriteAllBytes(path, png);
        var verdict = JsonDocument.Parse(RunPython("read", path)).RootElement;
        var bigEndian = inputs.Depth.SelectMany(d => new[] { (byte)(d >> 8), (byte)d }).ToArray();
        var header = (verdict.GetProperty("bitDepth").GetInt32(), verdict.GetProperty("colorType").GetInt32());
        if (header != (16, 0))
        {
            return $"writes bit depth {header.Item1}, colour type {header.Item2}, not 16-bit gray";
        }
        return verdict.GetProperty("sha256").GetString() == Convert.ToHexStringLower(SHA256.HashData(bigEndian))
            ? "exact (Python reads the same big-endian samples)"
            : "round-trips, but Python reads other samples (byte order?)";
    });

    private static string Refuses(CodecContestant codec, byte[] bytes)
    {
        try
        {
            codec.DecodeRgb(bytes);
            return "accepted";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"refused ({e.GetType().Name})";
        }
    }

    private static string Attempt(Func<string> check)
    {
        try
        {
            return check();
        }
        catch (NotSupportedException e)
        {
            return $"cannot: {e.Message}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"error: {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The header chunk's CRC changed, its data left as it was: only a reader that checks CRCs notices.</summary>
    private static byte[] BadHeaderCrc(byte[] png)
    {
        var copy = (byte[])png.Clone();
        copy[8 + 8 + 13] ^= 0x01; // signature, IHDR length and type, 13 bytes of IHDR data, then its CRC
        return copy;
    }

    /// <summary>One byte of the first IDAT's data changed, its CRC left as it was.</summary>
    private static byte[] FlipInIdat(byte[] png)
    {
        var copy = (byte[])png.Clone();
        var at = copy.AsSpan().IndexOf("IDAT"u8);
        copy[at + 4 + 40] ^= 0x10;
        return copy;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string RunPython(string mode, string argument)
    {
        var start = new ProcessStartInfo(Python) { ArgumentList = { Script, mode, argument }, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new BenchmarkFailedException($"cannot start {Python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)) || process.ExitCode != 0)
        {
            throw new BenchmarkFailedException($"png_fixtures.py {mode} failed: {stderr.Result}");
        }
        return stdout.Result.Trim();
    }
}
