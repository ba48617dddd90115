using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Inference.Backends;
using RoboTracer.Fleet.Inference.Backends.Onnx;

namespace RoboTracer.Fleet.Inference.IntegrationTests.Onnx;

/// <summary>
/// The onnx backend on models that echo their inputs (tests/peers/onnx_models.py): what reaches the model is
/// checked number by number against a reference computed here, batches against their items run alone, and every
/// way a model or a request can miss the contract against the message it must give.
/// </summary>
public sealed class OnnxBackendTests(OnnxTestModels models) : IClassFixture<OnnxTestModels>
{
    // The probe model's metadata: robotracer.image.mean and robotracer.image.std.
    private static readonly float[] Mean = [0.5f, 0.25f, 0f];
    private static readonly float[] Std = [0.5f, 0.25f, 2f];

    [Fact]
    public async Task Every_input_reaches_the_model_in_the_contract_layout()
    {
        using var backend = await LoadAsync("probe");
        var request = OnnxRequests.Request(3, 2, seed: 1, instruction: "Put the cup in the sink");

        var result = Assert.Single(await backend.TraceBatchAsync([OnnxRequests.Job(request)], default));

        var points = Assert.IsType<TraceResponse>(result.Response).Points3D;
        Assert.Equal(16, points.Count);
        var pixels = OnnxRequests.Pixels(3, 2, seed: 1);
        var depths = OnnxRequests.Depths(3, 2, seed: 1);
        for (var i = 0; i < 6; i++)
        {
            // Rows 0-5: the normalised colour of pixel i (row-major), (v / 255 - mean) / std per channel.
            AssertPoint(points[i], Normalised(pixels, i, 0), Normalised(pixels, i, 1), Normalised(pixels, i, 2));
            // Rows 6-11: its depth in metres.
            AssertPoint(points[6 + i], depths[i], depths[i], depths[i]);
        }
        var (cx, cy) = (request.Intrinsics.Cx, request.Intrinsics.Cy);
        AssertPoint(points[12], OnnxRequests.Fx, 0, cx);
        AssertPoint(points[13], 0, OnnxRequests.Fy, cy);
        AssertPoint(points[14], 0, 0, 1);
        // [CLS] put the cup in the sink [SEP], lower-cased, in probe's vocab.txt: 2 + 4 + 5 + 6 + 7 + 5 + 8 + 3 = 40.
        AssertPoint(points[15], 40, 8, 1);
        // Camera-frame points come back in pixels too: (0, 0, 1) is the principal point.
        Assert.Equal(cx, result.Response!.Points2D[14].X, 5);
        Assert.Equal(cy, result.Response.Points2D[14].Y, 5);
    }

    [Fact]
    public async Task A_JPEG_image_reaches_the_model_as_its_decoded_colours()
    {
        using var backend = await LoadAsync("probe");
        var request = OnnxRequests.Request(3, 2, seed: 1);
        // One flat colour: JPEG keeps it to within a level or two, where a pattern of 6 pixels would smear.
        byte[] flat = [.. Enumerable.Range(0, 3 * 2).SelectMany(_ => new byte[] { 200, 120, 40 })];
        request.Image = new Image { Data = Google.Protobuf.ByteString.CopyFrom(new Vision.RgbImage(3, 2, flat).ToJpeg(quality: 100)), MediaType = "image/jpeg" };

        var result = Assert.Single(await backend.TraceBatchAsync([OnnxRequests.Job(request)], default));

        Assert.True(result.Response is not null, result.Error?.Detail);
        var points = Assert.IsType<TraceResponse>(result.Response).Points3D;
        for (var i = 0; i < 6; i++)
        {
            // Two levels of 255 after the (v / 255 - mean) / std scaling.
            Assert.Equal(Normalised(flat, i, 0), points[i].X, tolerance: 2 / 255.0 / Std[0]);
            Assert.Equal(Normalised(flat, i, 1), points[i].Y, tolerance: 2 / 255.0 / Std[1]);
            Assert.Equal(Normalised(flat, i, 2), points[i].Z, tolerance: 2 / 255.0 / Std[2]);
        }
    }

    [Fact]
    public async Task A_batch_is_one_stacked_run_that_equals_its_items_run_one_by_one()
    {
        using var backend = await LoadAsync("probe");
        // Prompts of different lengths: the shorter ones are padded, and padding must not change their answers.
        string[] instructions = ["put the cup in the sink", "put the cups on the plate", "cup", "put the plate in the sink on the cup"];
        var jobs = instructions.Select((text, i) => OnnxRequests.Job(OnnxRequests.Request(3, 2, seed: i, instruction: text))).ToList();

        var batched = await backend.TraceBatchAsync(jobs, default);
        var runsForBatch = backend.Runs;
        var alone = new List<TraceResult>();
        foreach (var job in jobs)
        {
            alone.Add(Assert.Single(await backend.TraceBatchAsync([job], default)));
        }

        Assert.True(backend.StacksBatches);
        Assert.Equal(1, runsForBatch);
        Assert.Equal(1 + jobs.Count, backend.Runs);
        for (var i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(alone[i].Response!.Points3D, batched[i].Response!.Points3D);
        }
        Assert.NotEqual(batched[0].Response!.Points3D, batched[1].Response!.Points3D);
    }

    [Fact]
    public async Task A_model_with_a_batch_of_one_runs_the_items_one_by_one_with_the_same_answers()
    {
        using var stacked = await LoadAsync("probe");
        using var single = await LoadAsync("probe_batch1");
        var jobs = Enumerable.Range(0, 3).Select(seed => OnnxRequests.Job(OnnxRequests.Request(3, 2, seed))).ToList();

        var expected = await stacked.TraceBatchAsync(jobs, default);
        var actual = await single.TraceBatchAsync(jobs, default);

        Assert.False(single.StacksBatches);
        Assert.Equal(3, single.Runs);
        Assert.Equal(expected.Select(r => r.Response!.Points3D), actual.Select(r => r.Response!.Points3D));
    }

    [Fact]
    public async Task Images_of_different_sizes_stack_per_size_and_normalised_pixels_become_pixels()
    {
        // means2d declares its tensor names in its metadata (rgb, trace) and takes any image size.
        using var backend = await LoadAsync("means2d");
        (int Width, int Height, int Seed)[] sizes = [(8, 6, 1), (5, 4, 2), (8, 6, 3)];
        var jobs = sizes.Select(s => OnnxRequests.Job(OnnxRequests.Request(s.Width, s.Height, s.Seed, output: TraceOutput._2D))).ToList();

        var results = await backend.TraceBatchAsync(jobs, default);

        Assert.Equal(2, backend.Runs);
        for (var i = 0; i < sizes.Length; i++)
        {
            var (width, height, seed) = sizes[i];
            var pixels = OnnxRequests.Pixels(width, height, seed);
            var points = results[i].Response!.Points2D;
            // ((mean R, mean G), (mean B, 0.5)) in 0-1 image coordinates, answered in pixels of the request image.
            Assert.Equal(MeanChannel(pixels, 0) * width, points[0].X, 3);
            Assert.Equal(MeanChannel(pixels, 1) * height, points[0].Y, 3);
            Assert.Equal(MeanChannel(pixels, 2) * width, points[1].X, 3);
            Assert.Equal(0.5 * height, points[1].Y, 3);
        }
    }

    [Theory]
    [InlineData("no_image", "the model's metadata (robotracer.input.image) names 'camera' as the image input, but the model has no input 'camera' (its inputs: image)")]
    [InlineData("image_rank3", "input 'image' must be float32 [batch, 3, n, n]; the model declares float32 [?, 3, 6]")]
    [InlineData("image_int64", "input 'image' must be float32 [batch, 3, n, n]; the model declares int64 [?, 3, 2, 3]")]
    [InlineData("output_rank2", "output 'points' must be float32 [batch, n, n]; the model declares float32 [?, 18]")]
    [InlineData("output_width4", "output 'points' is [?, 6, 4]; its last dimension must be 3 (camera-frame points in metres) or 2 (normalised pixels)")]
    [InlineData("batch4", "the batch dimension (the first) of 'image' is fixed at 4; it must be dynamic or 1")]
    [InlineData("unknown_input", "input 'temperature' plays no role of the contract")]
    public async Task A_model_that_does_not_fit_the_contract_is_refused_at_load_saying_what_is_wrong(string model, string expected)
    {
        var backend = new OnnxBackend(Cpu(models[model]), NullLogger.Instance);

        var refused = await Assert.ThrowsAsync<OnnxModelException>(() => backend.WarmUpAsync(default));

        Assert.Contains($"Model {models[model]} does not fit the onnx backend's contract: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_model_file_is_refused_at_load()
    {
        var path = Path.Combine(models.Directory, "garbage.onnx");
        await File.WriteAllBytesAsync(path, [0x08, 0x07, 0xFF, 0xFF, 0x12, 0x34, 0x56]);
        var backend = new OnnxBackend(Cpu(path), NullLogger.Instance);

        var refused = await Assert.ThrowsAsync<OnnxModelException>(() => backend.WarmUpAsync(default));

        Assert.StartsWith($"Model file {path} could not be loaded by ONNX Runtime: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_model_file_and_a_missing_vocabulary_are_refused_at_load()
    {
        var missing = Path.Combine(models.Directory, "absent.onnx");
        var noFile = await Assert.ThrowsAsync<OnnxModelException>(() => new OnnxBackend(Cpu(missing), NullLogger.Instance).WarmUpAsync(default));
        var options = Cpu(models["probe"]);
        options.Tokenizer = "absent.txt";
        var noVocabulary = await Assert.ThrowsAsync<OnnxModelException>(() => new OnnxBackend(options, NullLogger.Instance).WarmUpAsync(default));
        var renamed = Cpu(models["probe"]);
        renamed.Tensors.Points = "trace";
        var noOutput = await Assert.ThrowsAsync<OnnxModelException>(() => new OnnxBackend(renamed, NullLogger.Instance).WarmUpAsync(default));

        Assert.Equal($"Model file {missing} does not exist (Inference:Backends:onnx:ModelPath).", noFile.Message);
        Assert.Contains($"the prompt vocabulary 'absent.txt' does not exist (looked for {Path.Combine(models.Directory, "absent.txt")})", noVocabulary.Message, StringComparison.Ordinal);
        Assert.Contains("the configuration names 'trace' as the points output, but the model has no output 'trace' (its outputs: points)", noOutput.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_the_model_cannot_take_fails_alone_with_invalid_argument()
    {
        using var backend = await LoadAsync("probe");
        var good = OnnxRequests.Job(OnnxRequests.Request(3, 2, seed: 1));
        var wrongSize = OnnxRequests.Job(OnnxRequests.Request(4, 4, seed: 2));
        var noDepth = OnnxRequests.Job(OnnxRequests.Request(3, 2, seed: 3, depth: false, output: TraceOutput._2D));

        var results = await backend.TraceBatchAsync([wrongSize, good, noDepth], default);

        Assert.Equal(StatusCode.InvalidArgument, results[0].Error!.Value.StatusCode);
        Assert.Equal("model probe takes 3x2 images (input 'image' is [?, 3, 2, 3]); this image is 4x4.", results[0].Error!.Value.Detail);
        Assert.Equal(16, results[1].Response!.Points3D.Count);
        Assert.Equal(StatusCode.InvalidArgument, results[2].Error!.Value.StatusCode);
        Assert.Equal("model probe takes metric depth (input 'depth'): send depth aligned to the image.", results[2].Error!.Value.Detail);
        Assert.Equal(1, backend.Runs);
    }

    [Fact]
    public async Task A_CUDA_request_without_a_GPU_falls_back_to_the_CPU_with_one_warning()
    {
        using var capture = new LogCapture();
        var options = new OnnxBackendOptions { ModelPath = models["probe"], ExecutionProvider = OnnxExecutionProvider.Cuda, CudaDevice = 0, Sessions = 2 };
        using var backend = new OnnxBackend(options, capture.CreateLogger("onnx"));

        await backend.WarmUpAsync(default);
        var result = Assert.Single(await backend.TraceBatchAsync([OnnxRequests.Job(OnnxRequests.Request(3, 2, seed: 1))], default));

        Assert.Equal(OnnxBackend.CpuProvider, backend.ExecutionProvider);
        Assert.Equal("probe (CPUExecutionProvider)", backend.Model);
        Assert.NotNull(result.Response);
        var warning = Assert.Single(capture.Lines, line => line.Level == LogLevel.Warning);
        Assert.StartsWith("Backend onnx: CUDA device 0 is not usable (", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith("); running model probe on the CPU (CPUExecutionProvider)", warning.Message, StringComparison.Ordinal);
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(OnnxBackend.CudaProvider))
        {
            // The CPU package has no CUDA entry point at all (DESIGN.md §2).
            Assert.Contains("(EntryPointNotFoundException: ", warning.Message, StringComparison.Ordinal);
        }
    }

    private async Task<OnnxBackend> LoadAsync(string model)
    {
        var backend = new OnnxBackend(Cpu(models[model]), NullLogger.Instance);
        await backend.WarmUpAsync(default);
        return backend;
    }

    private static OnnxBackendOptions Cpu(string path) => new() { ModelPath = path, ExecutionProvider = OnnxExecutionProvider.Cpu };

    private static double Normalised(byte[] pixels, int pixel, int channel) => ((pixels[(3 * pixel) + channel] / 255f) - Mean[channel]) / Std[channel];

    private static double MeanChannel(byte[] pixels, int channel) => Enumerable.Range(0, pixels.Length / 3).Average(p => pixels[(3 * p) + channel] / 255.0);

    private static void AssertPoint(Point3D point, double x, double y, double z)
    {
        // float32 in the model: equal to its precision.
        Assert.Equal(x, point.X, tolerance: 1e-5);
        Assert.Equal(y, point.Y, tolerance: 1e-5);
        Assert.Equal(z, point.Z, tolerance: 1e-5);
    }
}
