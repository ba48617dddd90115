using System.Diagnostics;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Bench.Harness;

namespace RoboTracer.Fleet.Bench.Codecs;

/// <summary>
/// <c>bench codecs</c>: decode and encode a 640×480 RGB PNG and a 640×480 16-bit depth PNG with each codec side by
/// side, round by round (<see cref="CodecInputs"/>): the median µs per image and the managed bytes allocated per
/// call (native memory of Skia and ImageMagick is not counted), then what each gets right (<see cref="CodecChecks"/>)
/// and what it adds to a deployment. Each contestant decodes the same files (written by <see cref="Reference"/>), so
/// decode times compare like for like; encode times go with the size of what each writes. The headline is RGB PNG
/// decodes per second of what the fleet ships (<see cref="Ours"/>) against the one managed-only candidate
/// (<see cref="Peer"/>, StbImageSharp).
/// </summary>
internal static class CodecsBenchmarkCommand
{
    private const string Ours = "fleet";
    private const string Peer = "stb";
    private const string Reference = "fleet";
    private const int Seed = 17;

    private static readonly string[] Operations = ["decode_rgb", "decode_depth", "encode_rgb", "encode_rgb_fast", "encode_depth"];

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 1 : 5;
        var callsPerRound = quick ? 5 : 20;
        var progress = new Progress("codecs");
        var contestants = new CodecContestant[] { new FleetContestant(), new StbContestant(), new SkiaContestant(), new MagickContestant() };
        var inputs = CodecInputs.Make(Seed);
        var reference = contestants.Single(c => c.Name == Reference);
        var rgbPng = reference.EncodeRgb(inputs.Rgb, CodecInputs.Width, CodecInputs.Height);
        var depthPng = reference.EncodeGray16(inputs.Depth, CodecInputs.Width, CodecInputs.Height);
        var jpeg = SkiaContestant.EncodeJpeg(inputs.Rgb, CodecInputs.Width, CodecInputs.Height, quality: 90);
        progress.Report($"inputs: RGB PNG {rgbPng.Length} bytes, depth PNG {depthPng.Length} bytes, JPEG (q90) {jpeg.Length} bytes");

        var directory = Directory.CreateTempSubdirectory("fleet-bench-codecs-").FullName;
        var checks = new JsonObject();
        try
        {
            var checker = new CodecChecks(directory);
            var fixtures = checker.WriteFixtures();
            if (!fixtures)
            {
                progress.Report("warning: /usr/bin/python3 is missing: the fixture checks are skipped");
            }
            foreach (var codec in contestants)
            {
                checks[codec.Name] = checker.Check(codec, inputs, jpeg, rgbPng, fixtures);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        // Which operations each contestant can do at all; the others are left out of the timing.
        var runs = new List<(CodecContestant Codec, string Operation, Func<object> Call)>();
        var sizes = new JsonObject();
        foreach (var codec in contestants)
        {
            var calls = new Dictionary<string, Func<object>>
            {
                ["decode_rgb"] = () => codec.DecodeRgb(rgbPng),
                ["decode_depth"] = () => codec.DecodeGray16(depthPng),
                ["encode_rgb"] = () => codec.EncodeRgb(inputs.Rgb, CodecInputs.Width, CodecInputs.Height),
                ["encode_rgb_fast"] = () => codec.EncodeRgbFast(inputs.Rgb, CodecInputs.Width, CodecInputs.Height),
                ["encode_depth"] = () => codec.EncodeGray16(inputs.Depth, CodecInputs.Width, CodecInputs.Height),
            };
            var written = new JsonObject();
            foreach (var operation in Operations)
            {
                try
                {
                    var output = calls[operation]();
                    runs.Add((codec, operation, calls[operation]));
                    if (output is byte[] file)
                    {
                        written[operation] = file.Length;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    progress.Report($"{codec.Name} {operation}: not measured: {e.Message}");
                }
            }
            sizes[codec.Name] = written;
        }

        var cpu = new CpuWatch(() => []);
        var measured = new MeasuredRun(cpu, progress, quick ? 1 : 8);
        // Priming: JIT tiering and native library loading, unrecorded.
        foreach (var run in runs)
        {
            for (var i = 0; i < callsPerRound; i++)
            {
                run.Call();
            }
        }
        var micros = runs.ToDictionary(r => (r.Codec.Name, r.Operation), _ => new List<double>());
        var allocated = runs.ToDictionary(r => (r.Codec.Name, r.Operation), _ => new List<double>());
        var foreign = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var run in runs)
            {
                var ((us, bytes), usage) = await measured.RunAsync($"round {round} {run.Codec.Name} {run.Operation}",
                    () => Task.FromResult(Measure(run.Call, callsPerRound)));
                micros[(run.Codec.Name, run.Operation)].Add(us);
                allocated[(run.Codec.Name, run.Operation)].Add(bytes);
                foreign.Add(usage.ForeignCores);
                cancellationToken.ThrowIfCancellationRequested();
            }
            progress.Report($"round {round}/{rounds}: decode RGB µs " + string.Join(", ",
                contestants.Where(c => micros.ContainsKey((c.Name, "decode_rgb"))).Select(c => $"{c.Name} {micros[(c.Name, "decode_rgb")][^1]:0}")));
        }

        var table = new JsonObject();
        foreach (var codec in contestants)
        {
            var row = new JsonObject();
            foreach (var operation in Operations)
            {
                if (micros.TryGetValue((codec.Name, operation), out var values))
                {
                    row[operation + "_us"] = Math.Round(Stats.Median(values), 0);
                    row[operation + "_alloc_bytes"] = Math.Round(Stats.Median(allocated[(codec.Name, operation)]), 0);
                    row[operation + "_per_run"] = Stats.PerRun(values);
                }
            }
            row["written_bytes"] = sizes[codec.Name]!.DeepClone();
            row["deploy_bytes"] = codec.Files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
            row["checks"] = checks[codec.Name]!.DeepClone();
            table[codec.Name] = row;
        }

        var ours = 1e6 / Stats.Median(micros[(Ours, "decode_rgb")]);
        var peer = 1e6 / Stats.Median(micros[(Peer, "decode_rgb")]);
        var report = new JsonObject
        {
            ["bench"] = "codecs",
            ["ours"] = Math.Round(ours, 1),
            ["peer"] = Math.Round(peer, 1),
            ["ratio"] = Math.Round(ours / peer, 2),
            ["unit"] = "RGB PNG decodes/s",
            ["ours_is"] = Ours,
            ["peer_is"] = Peer,
            ["image"] = $"{CodecInputs.Width}x{CodecInputs.Height}",
            ["input_bytes"] = new JsonObject { ["rgb_png"] = rgbPng.Length, ["depth_png"] = depthPng.Length, ["jpeg"] = jpeg.Length },
            ["contestants"] = table,
            ["quick"] = quick,
            ["runs"] = rounds,
            ["calls_per_run"] = callsPerRound,
            ["others_cpu_max"] = Math.Round(foreign.Max(), 2),
            ["versions"] = new JsonObject
            {
                ["dotnet"] = Environment.Version.ToString(),
                ["stb"] = Version(typeof(StbImageSharp.ImageResult)) + " / " + Version(typeof(StbImageWriteSharp.ImageWriter)),
                ["skia"] = Version(typeof(SkiaSharp.SKCodec)),
                ["magick"] = ImageMagick.MagickNET.Version,
            },
        };
        Console.WriteLine(report.ToJsonString());
        return RootCommand.Success;
    }

    /// <summary>The median µs of <paramref name="calls"/> calls, each timed alone, and the managed bytes allocated per call.</summary>
    private static (double Micros, double Bytes) Measure(Func<object> call, int calls)
    {
        var times = new double[calls];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            GC.KeepAlive(call());
            times[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        return (Stats.Median(times), bytes);
    }

    private static string Version(Type type) =>
        type.Assembly.GetName().Version?.ToString(3) ?? "?";
}
