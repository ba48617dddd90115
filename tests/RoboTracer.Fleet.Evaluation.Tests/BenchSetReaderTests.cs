using System.Text.Json.Nodes;
using RoboTracer.Fleet.Vision;

namespace RoboTracer.Fleet.Evaluation.Tests;

/// <summary>Each test corrupts its own copy of a small written set (written once, copied per test).</summary>
public sealed class BenchSetReaderTests : IDisposable
{
    private static readonly Lazy<string> Template = new(() =>
    {
        var dir = TempDir.Create();
        BenchSetWriter.Make(dir, 2, seed: 3, SyntheticSetFixture.SmallScenes);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TempDir.Delete(dir);
        return dir;
    });

    private readonly string _dir = TempDir.CopyOf(Template.Value);

    public void Dispose() => TempDir.Delete(_dir);

    private string DatasetPath => Path.Combine(_dir, BenchSet.DatasetFileName);

    private void EditSample(int index, Action<JsonObject> edit)
    {
        var array = JsonNode.Parse(File.ReadAllText(DatasetPath))!.AsArray();
        edit(array[index]!.AsObject());
        File.WriteAllText(DatasetPath, array.ToJsonString());
    }

    [Fact]
    public void A_written_set_reads_back_with_its_fields()
    {
        var bench = BenchSet.Load(_dir);

        Assert.Equal(["0", "1"], bench.Samples.Select(s => s.Id));
        var data = bench.LoadData(bench.Samples[1]);
        Assert.Equal(4, bench.Samples[1].IntrinsicsMatrix.Count);
        Assert.Equal(data.Image.Width, data.Intrinsics.Width);
        Assert.True(bench.Samples[0].DestinationBox.Extent.X > 0);
    }

    [Fact]
    public void Missing_dataset_file_is_named()
    {
        File.Delete(DatasetPath);

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains(BenchSet.DatasetFileName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_is_reported()
    {
        File.WriteAllText(DatasetPath, "[{\"id\": 0,");

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_mask_file_names_the_sample()
    {
        File.Delete(Path.Combine(_dir, "raw_data", "1", "mask.png"));

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains("sample 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mask_path", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_field_names_the_sample_and_field()
    {
        EditSample(0, s => s.Remove("bbox_rotation"));

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains("sample 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bbox_rotation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_intrinsics_shape_names_the_sample()
    {
        EditSample(1, s => s["gt_depth_intrinsics"] = new JsonArray(new JsonArray(1, 0), new JsonArray(0, 1)));

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains("sample 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3x3 or 4x4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_of_another_size_names_the_sample_and_both_sizes()
    {
        var small = new DepthImage(32, 24, new float[32 * 24]);
        File.WriteAllBytes(Path.Combine(_dir, "raw_data", "0", "gt_depth.png"), small.ToPng());
        var bench = BenchSet.Load(_dir);

        var ex = Assert.Throws<BenchFormatException>(() => bench.LoadData(bench.Samples[0]));

        Assert.Contains("sample 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("32x24", ex.Message, StringComparison.Ordinal);
        Assert.Contains("320x240", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mask_of_another_size_names_the_sample()
    {
        var small = new MaskImage(10, 10, new bool[100]);
        File.WriteAllBytes(Path.Combine(_dir, "raw_data", "1", "mask.png"), small.ToPng());
        var bench = BenchSet.Load(_dir);

        var ex = Assert.Throws<BenchFormatException>(() => bench.LoadData(bench.Samples[1]));

        Assert.Contains("sample 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("mask", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_rgb_image_as_depth_is_reported_for_the_sample()
    {
        File.Copy(Path.Combine(_dir, "raw_data", "0", "image.png"), Path.Combine(_dir, "raw_data", "0", "gt_depth.png"), overwrite: true);
        var bench = BenchSet.Load(_dir);

        var ex = Assert.Throws<BenchFormatException>(() => bench.LoadData(bench.Samples[0]));

        Assert.Contains("sample 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("16-bit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_are_rejected()
    {
        EditSample(1, s => s["id"] = 0);

        var ex = Assert.Throws<BenchFormatException>(() => BenchSet.Load(_dir));

        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
    }
}
