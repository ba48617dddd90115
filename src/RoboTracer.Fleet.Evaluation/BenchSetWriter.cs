using System.Text.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Domain.Geometry;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Vision;
using RoboTracer.Fleet.Vision.Scenes;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>
/// Writes synthetic TraceSpatial-Bench sets from generated tabletop scenes, so the whole loop (run, score) works
/// offline. Each sample: a rendered scene; the object to move (a cup, block, can or bottle) and its mask; a
/// destination object (box, book, plate or bowl); the ground-truth trace from <see cref="GeometricTracePlanner"/>
/// (lift, carry over obstacles, descend onto the destination), planned on the depth as written (millimetres);
/// the destination as the region the object ends in (the destination's footprint, from its top up by the
/// object's height), in the camera frame; and a prompt whose object and destination are singled out by 0–6 true
/// spatial relations to other objects, so that it takes 2–8 reasoning steps (the <c>step</c> field).
/// </summary>
public static class BenchSetWriter
{
    private const int MinMaskPixels = 150;
    private const int AttemptsPerSample = 40;

    private static readonly string[] Movable = ["cup", "block", "can", "bottle"];
    private static readonly string[] Destinations = ["box", "book", "plate", "bowl"];

    /// <summary>
    /// Writes <paramref name="samples"/> samples to <paramref name="outDir"/> and loads the set back. The same
    /// seed gives the same set. Samples alternate 3x3 and 4x4 intrinsics. A scene is skipped (the next seed is
    /// drawn) when it has no visible movable object and destination, the planner finds nothing to stand on, or
    /// the ground truth fails the bench's own checks (ends outside the destination or collides): a benchmark's
    /// ground truth must pass its benchmark.
    /// </summary>
    /// <param name="outDir">The bench folder to write (created if missing).</param>
    /// <param name="samples">How many samples.</param>
    /// <param name="seed">The seed; the same seed and options give the same set.</param>
    /// <param name="scene">Scene options (image size etc.); the default is a 640x480 camera.</param>
    /// <exception cref="InvalidOperationException">No valid scene was found for a sample within the attempts.</exception>
    public static BenchSet Make(string outDir, int samples, int seed, TabletopSceneOptions? scene = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        Directory.CreateDirectory(Path.Combine(outDir, BenchSet.RawDataFolder));
        var entries = new JsonObject[samples];
        scene ??= TabletopSceneOptions.Default;
        Parallel.For(0, samples, i => entries[i] = WriteSample(outDir, i, seed, scene));
        var json = new JsonArray([.. entries]);
        File.WriteAllText(Path.Combine(outDir, BenchSet.DatasetFileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return BenchSet.Load(outDir);
    }

    private static JsonObject WriteSample(string outDir, int index, int seed, TabletopSceneOptions options)
    {
        for (var attempt = 0; attempt < AttemptsPerSample; attempt++)
        {
            // Arithmetic, not HashCode, so that seeds are the same in every process.
            var sceneSeed = unchecked((seed * 1_000_003) + (index * 7_919) + (attempt * 104_729));
            if (TryMake(sceneSeed, index, options, out var made))
            {
                var folder = Path.Combine(outDir, BenchSet.RawDataFolder, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, "image.png"), made.Image);
                File.WriteAllBytes(Path.Combine(folder, "gt_depth.png"), made.Depth);
                File.WriteAllBytes(Path.Combine(folder, "mask.png"), made.Mask);
                return SampleJson.ToJson(made.Sample);
            }
        }
        throw new InvalidOperationException($"no valid synthetic scene for sample {index} in {AttemptsPerSample} attempts (seed {seed})");
    }

    private sealed record Made(BenchSample Sample, byte[] Image, byte[] Depth, byte[] Mask);

    private static bool TryMake(int sceneSeed, int index, TabletopSceneOptions options, out Made made)
    {
        made = null!;
        var scene = TabletopScene.Generate(sceneSeed, options);
        var rendered = scene.Render();
        var random = new Random(sceneSeed);
        // Visible enough to point at: 150 pixels at 640x480, scaled with the image area.
        var minPixels = Math.Max(20, MinMaskPixels * options.Width * options.Height / (640 * 480));
        var visible = Enumerable.Range(0, scene.Objects.Count).Where(i => rendered.MaskOf(i).Count >= minPixels).ToList();
        var movable = visible.Where(i => Movable.Contains(Kind(scene.Objects[i]))).ToList();
        var destinations = visible.Where(i => Destinations.Contains(Kind(scene.Objects[i]))).ToList();
        if (movable.Count == 0 || destinations.Count == 0)
        {
            return false;
        }
        var o = movable[random.Next(movable.Count)];
        var d = destinations[random.Next(destinations.Count)];

        // Plan on the depth as the bench stores it (uint16 mm), so the ground truth matches the files.
        var depthPng = rendered.Depth.ToPng();
        var depth = DepthImage.FromPng(depthPng);
        var mask = rendered.MaskOf(o);
        var intrinsics = scene.Intrinsics;
        var objectBox = scene.ObjectBoxInCamera(o);
        IReadOnlyList<Point3D> trace;
        try
        {
            trace = GeometricTracePlanner.Plan(new GeometricScene(depth, intrinsics, objectBox, scene.ObjectBoxInCamera(d)));
        }
        catch (ArgumentException)
        {
            return false;
        }
        var objectHeight = scene.Objects[o].Box.Extent.Z;
        var destinationWorld = scene.Objects[d].Box;
        var regionWorld = new OrientedBox3D(
            new Point3D(destinationWorld.Center.X, destinationWorld.Center.Y, destinationWorld.Extent.Z + (objectHeight / 2)),
            destinationWorld.Extent with { Z = objectHeight },
            destinationWorld.Rotation);
        var region = scene.Camera.ToCamera(regionWorld);

        var (prompt, steps) = Prompt(scene, o, d, random);
        var id = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        double[][] k = index % 2 == 0
            ? intrinsics.ToMatrix()
            : [[intrinsics.Fx, 0, intrinsics.Cx, 0], [0, intrinsics.Fy, intrinsics.Cy, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
        var sample = new BenchSample(
            id, prompt, $"the {scene.Objects[o].Label}", $"the {scene.Objects[d].Label}",
            $"{id}/image.png", $"{id}/gt_depth.png", $"{id}/mask.png",
            k, [.. trace], region, steps, "synthetic-tabletop")
        {
            Source = new JsonObject { ["id"] = index },
        };

        var data = new BenchSampleData(sample, [], new ImageInfo(ImageKind.Png, intrinsics.Width, intrinsics.Height), depth, mask, intrinsics);
        var check = EvalScorer.Score3D(data, GroundTruthAnswer(sample, intrinsics));
        if (!check.EndSuccess || check.Collision)
        {
            return false;
        }
        made = new Made(sample, rendered.Rgb.ToPng(), depthPng, mask.ToPng());
        return true;
    }

    /// <summary>The ground truth written as a RoboTracer 3D answer (0–1000 x, y and depth), as a perfect model would answer.</summary>
    public static string GroundTruthAnswer(BenchSample sample, CameraIntrinsics intrinsics)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var points = sample.Trajectory.Select(p =>
        {
            var pixel = SceneGeometry.Project(p, intrinsics);
            return FormattableString.Invariant($"({pixel.X / intrinsics.Width * 1000:R}, {pixel.Y / intrinsics.Height * 1000:R}, {p.Z:R})");
        });
        return $"[{string.Join(", ", points)}]";
    }

    private static string Kind(SceneObject o) => o.Label[(o.Label.LastIndexOf(' ') + 1)..];

    private static (string Prompt, int Steps) Prompt(TabletopScene scene, int o, int d, Random random)
    {
        var others = Enumerable.Range(0, scene.Objects.Count).Where(i => i != o && i != d).ToList();
        var objectClauses = Relations(scene, o, others);
        var destinationClauses = Relations(scene, d, others);
        var wanted = random.Next(0, 7);
        var takeObject = Math.Min(objectClauses.Count, random.Next(0, wanted + 1));
        var takeDestination = Math.Min(destinationClauses.Count, wanted - takeObject);
        var forObject = Shuffle(objectClauses, random).Take(takeObject).ToList();
        var forDestination = Shuffle(destinationClauses, random).Take(takeDestination).ToList();
        var prompt = $"pick up the {scene.Objects[o].Label}{Describe(forObject)} and move it onto the {scene.Objects[d].Label}{Describe(forDestination)}";
        // Find the object, find the destination, plus one step per relation to resolve.
        return (prompt, 2 + forObject.Count + forDestination.Count);
    }

    private static string Describe(List<string> clauses) =>
        clauses.Count == 0 ? "" : $" that is {string.Join(" and ", clauses)}";

    private static List<string> Relations(TabletopScene scene, int subject, List<int> others)
    {
        // Relations as the camera sees them: left/right along the image x axis, in front of/behind by distance
        // from the camera, near by centre distance on the table. Only clear-cut ones are used.
        var s = scene.ObjectBoxInCamera(subject).Center;
        var eye = scene.Camera.Position;
        var sw = scene.Objects[subject].Box.Center;
        var clauses = new List<string>();
        foreach (var other in others)
        {
            var label = scene.Objects[other].Label;
            var c = scene.ObjectBoxInCamera(other).Center;
            var ow = scene.Objects[other].Box.Center;
            if (c.X - s.X > 0.06)
            {
                clauses.Add($"left of the {label}");
            }
            else if (s.X - c.X > 0.06)
            {
                clauses.Add($"right of the {label}");
            }
            var ds = Horizontal(sw - eye);
            var dc = Horizontal(ow - eye);
            if (dc - ds > 0.08)
            {
                clauses.Add($"in front of the {label}");
            }
            else if (ds - dc > 0.08)
            {
                clauses.Add($"behind the {label}");
            }
            if (Horizontal(sw - ow) < 0.2)
            {
                clauses.Add($"near the {label}");
            }
        }
        return clauses;
    }

    private static double Horizontal(Point3D v) => Math.Sqrt((v.X * v.X) + (v.Y * v.Y));

    private static List<string> Shuffle(List<string> items, Random random)
    {
        var copy = items.ToList();
        for (var i = copy.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }
}
