using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Domain.Geometry;

namespace RoboTracer.Fleet.Evaluation;

/// <summary>Runner settings.</summary>
public sealed record EvalRunOptions
{
    /// <summary>Where <c>{model}_{task}.jsonl</c> go; null for <c>outputs/</c> inside the bench folder.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The backend to ask the pool for (TraceRequest.backend); empty for the pool's default.</summary>
    public string Backend { get; init; } = "";

    /// <summary>Re-run samples whose stored prediction is empty (RoboTracer's <c>redo_empty</c>, on by default).</summary>
    public bool RedoEmpty { get; init; } = true;
}

/// <summary>Where a run is: after each answered sample, and once at the start of each task.</summary>
/// <param name="Task">The task running.</param>
/// <param name="Done">Samples with a prediction on disk (reused and new).</param>
/// <param name="Total">Samples in the bench.</param>
/// <param name="Failed">Samples whose query failed in this run (stored with an empty prediction, so the next run retries them).</param>
/// <param name="LastId">The sample just answered, or null at the start.</param>
public sealed record EvalProgress(EvalTask Task, int Done, int Total, int Failed, string? LastId);

/// <summary>What a run did for one task.</summary>
/// <param name="Task">The task.</param>
/// <param name="OutputPath">The jsonl written.</param>
/// <param name="Total">Samples in the bench.</param>
/// <param name="Reused">Samples whose stored prediction was kept.</param>
/// <param name="Ran">Samples queried.</param>
/// <param name="Failed">Queries that failed (stored with an empty prediction and an error).</param>
public sealed record EvalRunResult(EvalTask Task, string OutputPath, int Total, int Reused, int Ran, int Failed);

/// <summary>
/// Runs a model over a bench as RoboTracer's <c>test_benchmark.py</c> does: every sample is sent with the prompt
/// for the model's family (<see cref="EvalPrompts"/>) as a raw prompt, with the image, 16UC1 depth, intrinsics
/// and scene hints; answers go to <c>outputs/{model}_{task}.jsonl</c>. Resumable like the script: samples with a
/// stored, non-empty prediction are kept and not re-run. Unlike the script, which writes a temporary file and
/// renames it once at the end (so an interrupted run keeps nothing new), the file is atomically rewritten after
/// every answer, so an interruption loses at most the samples in flight.
/// </summary>
public static class EvalRunner
{
    /// <summary>
    /// Runs <paramref name="task"/> ("2D", "3D" or "all": 3D then 2D) for <paramref name="model"/>, with up to
    /// <paramref name="concurrency"/> requests in flight. A failing query is stored with an empty prediction and
    /// its error; cancellation stops the run with every finished answer on disk.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown task or model family.</exception>
    /// <exception cref="BenchFormatException">A sample's files cannot be read.</exception>
    public static async Task<IReadOnlyList<EvalRunResult>> RunAsync(
        BenchSet bench,
        string model,
        string task,
        ITraceQuery query,
        int concurrency = 4,
        Action<EvalProgress>? progress = null,
        EvalRunOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);
        if (!EvalPrompts.IsGeneralVlm(model) && !EvalPrompts.IsRoboTracer(model))
        {
            throw new ArgumentException($"unsupported model '{model}': RoboTracer's evaluation knows model names containing RoboTracer, Gemini or Qwen");
        }
        options ??= new EvalRunOptions();
        var results = new List<EvalRunResult>();
        foreach (var t in EvalTasks.Parse(task))
        {
            results.Add(await RunTaskAsync(bench, model, t, query, concurrency, progress, options, cancellationToken));
        }
        return results;
    }

    private static async Task<EvalRunResult> RunTaskAsync(
        BenchSet bench, string model, EvalTask task, ITraceQuery query, int concurrency,
        Action<EvalProgress>? progress, EvalRunOptions options, CancellationToken cancellationToken)
    {
        var samples = bench.Samples;
        var path = PredictionFile.PathFor(options.OutputDirectory ?? Path.Combine(bench.Root, "outputs"), model, task);
        var existing = PredictionFile.ReadRecords(path);
        var records = new JsonObject?[samples.Count];
        var pending = new List<int>();
        for (var i = 0; i < samples.Count; i++)
        {
            if (existing.TryGetValue(samples[i].Id, out var old) && !(options.RedoEmpty && PredictionFile.IsEmpty(old["model_prediction"])))
            {
                records[i] = old;
            }
            else
            {
                pending.Add(i);
            }
        }
        var reused = samples.Count - pending.Count;
        var done = reused;
        var failed = 0;
        var gate = new Lock();
        progress?.Invoke(new EvalProgress(task, done, samples.Count, 0, null));

        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var sample = samples[i];
                var data = bench.LoadData(sample);
                var instruction = EvalPrompts.For(model, task, sample);
                var request = BuildRequest(data, instruction, task, $"{model}_{task.Name()}_{sample.Id}", options.Backend);
                string answer;
                string? error = null;
                try
                {
                    var response = await query.TraceAsync(request, token);
                    answer = AnswerText(response, task, data.Intrinsics);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    // As the script: an empty prediction and the error, so the next run retries the sample.
                    answer = "";
                    error = ex.Message;
                }
                var record = Record(sample, instruction, answer, error);
                lock (gate)
                {
                    records[i] = record;
                    done++;
                    if (error is not null)
                    {
                        failed++;
                    }
                    PredictionFile.WriteAtomic(path, records.OfType<JsonObject>());
                    progress?.Invoke(new EvalProgress(task, done, samples.Count, failed, sample.Id));
                }
            });
        PredictionFile.WriteAtomic(path, records.OfType<JsonObject>());
        return new EvalRunResult(task, path, samples.Count, reused, pending.Count, failed);
    }

    /// <summary>
    /// The request for one sample: the instruction as a raw prompt (sent unchanged), the image file, the depth as
    /// 16UC1 millimetres, the intrinsics, the object's box (axis-aligned bounds of its cleaned point cloud, labelled
    /// with the target object's name) as a scene hint, and the destination box.
    /// </summary>
    public static TraceRequest BuildRequest(BenchSampleData data, string instruction, EvalTask task, string requestId, string backend = "")
    {
        ArgumentNullException.ThrowIfNull(data);
        var depth = data.Depth;
        var k = data.Intrinsics;
        var request = new TraceRequest
        {
            RequestId = requestId,
            Instruction = instruction,
            RawPrompt = true,
            Image = new Image { Data = ByteString.CopyFrom(data.ImagePng), MediaType = data.Image.MediaType },
            Depth = new Contracts.V1.DepthImage
            {
                Data = ByteString.CopyFrom(depth.To16UC1()),
                Encoding = DepthEncoding._16Uc1,
                Width = (uint)depth.Width,
                Height = (uint)depth.Height,
            },
            Intrinsics = new Contracts.V1.CameraIntrinsics { Fx = k.Fx, Fy = k.Fy, Cx = k.Cx, Cy = k.Cy, Width = (uint)k.Width, Height = (uint)k.Height },
            Output = task == EvalTask.TwoD ? TraceOutput._2D : TraceOutput._3D,
            Backend = backend,
            Destination = ToWire(data.Sample.DestinationBox),
        };
        var cloud = SceneGeometry.ObjectCloud(depth, data.Mask, k);
        if (cloud.Length > 0)
        {
            request.SceneHints.Add(new SceneObject
            {
                Id = "target",
                Label = data.Sample.TargetObject,
                Box = ToWire(OrientedBox3D.FromAxisAligned(AxisAlignedBox3D.FromPoints(cloud))),
                Confidence = 1,
            });
        }
        return request;
    }

    /// <summary>The model's raw answer; when a backend gives only points, RoboTracer's tuple text of them (0–1000 x, y; depth for 3D).</summary>
    internal static string AnswerText(TraceResponse response, EvalTask task, Vision.CameraIntrinsics intrinsics)
    {
        if (!string.IsNullOrWhiteSpace(response.RawAnswer))
        {
            return response.RawAnswer;
        }
        var text = new StringBuilder("[");
        for (var i = 0; i < response.Points2D.Count; i++)
        {
            var p = response.Points2D[i];
            text.Append(i > 0 ? ", (" : "(")
                .Append(Math.Round(p.X / intrinsics.Width * 1000).ToString(CultureInfo.InvariantCulture)).Append(", ")
                .Append(Math.Round(p.Y / intrinsics.Height * 1000).ToString(CultureInfo.InvariantCulture));
            if (task == EvalTask.ThreeD && i < response.Points3D.Count)
            {
                text.Append(", ").Append(Math.Round(response.Points3D[i].Z, 3).ToString(CultureInfo.InvariantCulture));
            }
            text.Append(')');
        }
        return response.Points2D.Count == 0 ? "" : text.Append(']').ToString();
    }

    private static JsonObject Record(BenchSample sample, string instruction, string answer, string? error)
    {
        // RoboTracer's record: question_id, the sample's fields, model_prediction (+ error); final_prompt added.
        var source = sample.Source ?? SampleJson.ToJson(sample);
        var record = new JsonObject
        {
            ["question_id"] = source["id"]?.DeepClone() ?? JsonValue.Create(sample.Id),
            ["final_prompt"] = instruction,
        };
        foreach (var field in (string[])["image_path", "gt_depth_path", "mask_path", "gt_depth_intrinsics", "prompt", "target_object",
            "destination|direction", "trajectory", "bbox_center", "bbox_extent", "bbox_rotation", "step", "category"])
        {
            if (source[field] is { } value)
            {
                record[field] = value.DeepClone();
            }
        }
        record["model_prediction"] = answer;
        if (error is not null)
        {
            record["error"] = error;
        }
        return record;
    }

    private static Box3D ToWire(OrientedBox3D box)
    {
        var (w, x, y, z) = box.Rotation.ToQuaternion();
        return new Box3D
        {
            Center = new Contracts.V1.Point3D { X = box.Center.X, Y = box.Center.Y, Z = box.Center.Z },
            Extent = new Contracts.V1.Point3D { X = box.Extent.X, Y = box.Extent.Y, Z = box.Extent.Z },
            Rotation = new Quaternion { W = w, X = x, Y = y, Z = z },
        };
    }
}
