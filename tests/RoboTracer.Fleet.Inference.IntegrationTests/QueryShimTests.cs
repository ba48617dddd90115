using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RoboTracer.Fleet.Inference.Backends;

namespace RoboTracer.Fleet.Inference.IntegrationTests;

/// <summary>
/// The worker's own <c>POST /query</c>, as RoboTracer's evaluation client (<c>query_server_spatial_encoder</c>,
/// files by path) and RoboRefer's API (base64) call it, over HTTP/1.1, served here by the <c>openai</c> backend
/// against an in-test VLM.
/// </summary>
public sealed class QueryShimTests : IAsyncLifetime
{
    private readonly TempDirectory _root = TestInputs.TempDirectory();
    private readonly TempDirectory _outside = TestInputs.TempDirectory();
    private readonly HttpClient _http = new();
    private FakeModelServer _model = null!;
    private WorkerHost _worker = null!;

    public async Task InitializeAsync()
    {
        _model = await FakeModelServer.StartAsync();
        _worker = await WorkerHost.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:DefaultBackend"] = "openai",
            ["Inference:QueryRoots:0"] = _root.Path,
            ["Inference:Backends:openai:Endpoint"] = new Uri(_model.Address, "v1").ToString(),
            ["Inference:Backends:openai:Model"] = "RoboTracer-8B",
        });
        File.WriteAllBytes(Path.Combine(_root.Path, "image.png"), TestInputs.Png);
        File.WriteAllBytes(Path.Combine(_root.Path, "gt_depth.png"), Vision.DepthImage.From16UC1(TestInputs.Depth16(1.5).Data.Span, TestInputs.Width, TestInputs.Height).ToPng());
        File.WriteAllBytes(Path.Combine(_outside.Path, "secret.png"), TestInputs.Png);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _worker.DisposeAsync();
        await _model.DisposeAsync();
        _root.Dispose();
        _outside.Dispose();
    }

    [Fact]
    public async Task The_RoboTracer_form_reads_the_files_and_answers_3D_tuples()
    {
        var prompt = TracePrompts.RoboTracer("pick up the red cup and put it on the plate", threeD: true);

        var (status, body) = await PostAsync(new
        {
            image_paths = new[] { Path.Combine(_root.Path, "image.png") },
            depth_z_paths = new[] { Path.Combine(_root.Path, "gt_depth.png") },
            intrinsics = new[] { new[] { TestInputs.Fx, 0, TestInputs.Cx }, [0, TestInputs.Fx, TestInputs.Cy], [0, 0, 1] },
            enable_spatial = 1,
            text = prompt,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[(500, 500, 1.5), (250, 750, 1.5)]", body.GetProperty("answer").GetString());
        Assert.False(body.TryGetProperty("result", out _));
        // A raw prompt: the model gets the evaluation's text unchanged.
        var sent = Assert.Single(_model.Received).Body.GetProperty("messages")[0].GetProperty("content").EnumerateArray()
            .Single(part => part.GetProperty("type").GetString() == "text").GetProperty("text").GetString();
        Assert.Equal(prompt, sent);
    }

    [Fact]
    public async Task The_RoboTracer_form_without_spatial_answers_2D()
    {
        var (status, body) = await PostAsync(new
        {
            image_paths = new[] { Path.Combine(_root.Path, "image.png") },
            depth_z_paths = (string[]?)null,
            intrinsics = (double[][]?)null,
            enable_spatial = 0,
            text = TracePrompts.RoboTracer("pick up the red cup", threeD: false),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[(500, 500), (250, 750)]", body.GetProperty("answer").GetString());
    }

    [Theory]
    [InlineData("outside the roots")]
    [InlineData("dot-dot out of a root")]
    [InlineData("symlink in a root to a file outside")]
    public async Task A_path_outside_the_query_roots_is_forbidden(string how)
    {
        var path = how switch
        {
            "outside the roots" => Path.Combine(_outside.Path, "secret.png"),
            "dot-dot out of a root" => Path.Combine(_root.Path, "..", Path.GetFileName(_outside.Path), "secret.png"),
            _ => Symlink(Path.Combine(_root.Path, "link.png"), Path.Combine(_outside.Path, "secret.png")),
        };

        var (status, body) = await PostAsync(new { image_paths = new[] { path }, enable_spatial = 0, text = "trace" });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("is outside the directories this worker may read (Inference:QueryRoots)", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_model.Received);
    }

    [Fact]
    public async Task A_missing_file_in_a_root_is_a_bad_request()
    {
        var (status, body) = await PostAsync(new { image_paths = new[] { Path.Combine(_root.Path, "nope.png") }, enable_spatial = 0, text = "trace" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not exist on the worker", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_RoboRefer_form_takes_base64_and_answers_with_result_1(bool dataUrl)
    {
        var image = (dataUrl ? "data:image/png;base64," : "") + Convert.ToBase64String(TestInputs.Png);

        var (status, body) = await PostAsync(new { image_url = new[] { image }, depth_url = Array.Empty<string>(), enable_depth = 0, text = "Point to the red cup." });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("result").GetInt32());
        Assert.Equal("[(500, 500), (250, 750)]", body.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task The_RoboRefer_form_with_depth_sends_it_on()
    {
        var depth = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(_root.Path, "gt_depth.png")));

        var (status, _) = await PostAsync(new { image_url = new[] { Convert.ToBase64String(TestInputs.Png) }, depth_url = new[] { depth }, enable_depth = 1, text = "Point to the red cup." });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(_model.Received);
    }

    [Fact]
    public async Task The_RoboRefer_form_takes_a_jpeg_image()
    {
        var (status, body) = await PostAsync(new { image_url = new[] { Convert.ToBase64String(TestInputs.Jpeg) }, depth_url = Array.Empty<string>(), enable_depth = 0, text = "Point to the red cup." });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[(500, 500), (250, 750)]", body.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task A_jpeg_depth_is_refused_because_depth_must_be_lossless()
    {
        var (status, body) = await PostAsync(new { image_url = new[] { Convert.ToBase64String(TestInputs.Png) }, depth_url = new[] { Convert.ToBase64String(TestInputs.Jpeg) }, enable_depth = 1, text = "Point to the red cup." });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("depth is not a 16-bit PNG of millimetres: depth must be lossless", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_model.Received);
    }

    [Fact]
    public async Task Enable_spatial_as_a_json_boolean_is_understood()
    {
        var (status, body) = await PostAsync(new
        {
            image_paths = new[] { Path.Combine(_root.Path, "image.png") },
            depth_z_paths = new[] { Path.Combine(_root.Path, "gt_depth.png") },
            intrinsics = new[] { new[] { TestInputs.Fx, 0, TestInputs.Cx }, [0, TestInputs.Fx, TestInputs.Cy], [0, 0, 1] },
            enable_spatial = true,
            text = TracePrompts.RoboTracer("pick up the red cup", threeD: true),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[(500, 500, 1.5), (250, 750, 1.5)]", body.GetProperty("answer").GetString());
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadBodies => new()
    {
        { "not JSON", "{\"text\": ", HttpStatusCode.BadRequest, "Body is not JSON" },
        { "no text", "{\"image_url\": []}", HttpStatusCode.BadRequest, "\"text\" is missing or not a non-empty string." },
        { "two images", "{\"image_url\": [\"aGk=\", \"aGk=\"], \"text\": \"t\"}", HttpStatusCode.BadRequest, "image_url must hold exactly one base64 image; it holds 2." },
        { "bad base64", "{\"image_url\": [\"***\"], \"text\": \"t\"}", HttpStatusCode.BadRequest, "image_url[0] is not valid base64." },
        { "not an image", "{\"image_url\": [\"aGVsbG8gd29ybGQ=\"], \"text\": \"t\"}", HttpStatusCode.BadRequest, "image: image bytes are neither PNG nor JPEG" },
        { "a JSON array", "[1, 2]", HttpStatusCode.BadRequest, "\"text\" is missing or not a non-empty string." },
        { "3D prompt without depth", "{\"image_url\": [\"" + Convert.ToBase64String(TestInputs.Png) + "\"], \"enable_depth\": 0, \"text\": \"the 3D trace\"}", HttpStatusCode.BadRequest, "output 3D needs depth and intrinsics" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_gets_a_precise_problem(string what, string json, HttpStatusCode expected, string detail)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await _http.PostAsync(new Uri(_worker.HttpAddress, "query"), content);

        Assert.True(expected == response.StatusCode, $"{what}: {response.StatusCode}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_model.Received);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(object body)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_worker.HttpAddress, "query"), body);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static string Symlink(string link, string target)
    {
        File.CreateSymbolicLink(link, target);
        return link;
    }
}
