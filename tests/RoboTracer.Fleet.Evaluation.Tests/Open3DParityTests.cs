using System.Diagnostics;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>
/// The 3D collision test against Open3D itself: Peers/open3d_collision.py (our peer on Debian's python3-open3d,
/// written from the definitions summarize_acc.py uses) computes the object cloud, the TSDF obstacles and each
/// trace's largest collision ratio for the synthetic set; ours must give the same numbers, not merely the same
/// verdicts. A missing python3-open3d fails the test with what to install (test.sh installs it); it never skips.
/// </summary>
public sealed class Open3DParityTests(SyntheticSetFixture set) : IClassFixture<SyntheticSetFixture>
{
    private const string Python = "/usr/bin/python3";
    private static readonly string Peer = Path.Combine(AppContext.BaseDirectory, "Peers", "open3d_collision.py");

    [Fact]
    public void Collision_ratios_match_open3d_on_ground_truth_noisy_and_low_traces()
    {
        var traces = set.Bench.Samples.ToDictionary(s => s.Id, s => Traces(s.Trajectory, int.Parse(s.Id, System.Globalization.CultureInfo.InvariantCulture)));
        var peer = RunPeer(traces);

        var collisions = 0;
        foreach (var sample in set.Bench.Samples)
        {
            var data = set.Bench.LoadData(sample);
            var cloud = SceneGeometry.ObjectCloud(data.Depth, data.Mask, data.Intrinsics);
            var obstacles = SceneGeometry.ObstacleGrid(data.Depth, data.Mask, data.Intrinsics);
            var expected = peer[sample.Id]!;

            Assert.Equal(expected["object_points"]!.GetValue<int>(), cloud.Length);
            Assert.Equal(expected["voxels"]!.GetValue<int>(), obstacles.Count);
            var origin = expected["origin"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.Equal(origin, new[] { obstacles.Origin.X, obstacles.Origin.Y, obstacles.Origin.Z });
            foreach (var (name, trace) in traces[sample.Id])
            {
                var ours = SceneGeometry.CollisionRatios(obstacles, cloud, trace).Max();
                var theirs = expected["max_ratios"]![name]!.GetValue<double>();
                Assert.True(ours == theirs, $"sample {sample.Id}, {name} trace: ours {ours}, Open3D {theirs}");
                collisions += ours > SceneGeometry.CollisionRatioThreshold ? 1 : 0;
            }
        }
        // The comparison means something only if some traces do collide.
        Assert.True(collisions > 0, "no trace collided: the noisy and low traces no longer test the threshold");
    }

    /// <summary>
    /// The ground truth; the same with 2.5 cm Gaussian noise on every coordinate; a low trace (the lift cut to 15 %);
    /// a dragged one (the straight chord, no lift); and a sunk one (the ground truth 4 cm down the image's y axis,
    /// into what the object stands on), so that some traces collide and some graze the threshold.
    /// </summary>
    private static Dictionary<string, Point3D[]> Traces(IReadOnlyList<Point3D> truth, int seed)
    {
        var random = new Random(seed);
        double Noise() => 0.025 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var start = truth[0];
        var chord = truth[^1] - start;
        return new()
        {
            ["truth"] = [.. truth],
            ["noisy"] = [.. truth.Select(p => new Point3D(p.X + Noise(), p.Y + Noise(), p.Z + Noise()))],
            ["low"] = [.. truth.Select((p, i) =>
            {
                var onChord = start + (chord * (i / (double)(truth.Count - 1)));
                return onChord + ((p - onChord) * 0.15);
            })],
            ["dragged"] = [.. truth.Select((_, i) => start + (chord * (i / (double)(truth.Count - 1))))],
            ["sunk"] = [.. truth.Select(p => p with { Y = p.Y + 0.04 })],
        };
    }

    private JsonObject RunPeer(Dictionary<string, Dictionary<string, Point3D[]>> traces)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: the Open3D parity check needs Debian's python3 and python3-open3d");
        var request = new JsonObject
        {
            ["samples"] = new JsonArray([.. set.Bench.Samples.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["depth"] = set.Bench.RawPath(s.DepthPath),
                ["mask"] = set.Bench.RawPath(s.MaskPath),
                ["intrinsics"] = new JsonArray([.. s.IntrinsicsMatrix.Take(3).Select(row => (JsonNode)new JsonArray([.. row.Take(3).Select(v => (JsonNode)JsonValue.Create(v))]))]),
                ["traces"] = new JsonObject(traces[s.Id].Select(t => KeyValuePair.Create(t.Key,
                    (JsonNode?)new JsonArray([.. t.Value.Select(p => (JsonNode)new JsonArray(p.X, p.Y, p.Z))])))),
            })]),
        };
        var path = Path.Combine(set.Directory, "open3d-request.json");
        File.WriteAllText(path, request.ToJsonString());
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { Peer, path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var error = stderr.Result;
        Assert.False(error.Contains("No module named 'open3d'", StringComparison.Ordinal),
            "python3-open3d is missing: apt-get install python3-open3d (test.sh installs it)");
        Assert.True(process.ExitCode == 0, $"the Open3D peer failed ({process.ExitCode}): {error}");
        return JsonNode.Parse(stdout)!.AsObject();
    }
}
