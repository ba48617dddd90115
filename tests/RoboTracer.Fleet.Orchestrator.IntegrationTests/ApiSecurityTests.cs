using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RoboTracer.Fleet.Testing;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests;

/// <summary>The REST API's token rule, its errors and its documents, on a real orchestrator over HTTP.</summary>
public sealed class ApiSecurityTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    private OrchestratorHost Host => fleet.Host;

    [Fact]
    public async Task Submit_without_a_token_is_401_and_creates_no_task()
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;

        using var response = await Host.Http.PostAsJsonAsync("/api/tasks", new { instruction = "push the red cup" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, problem["status"]!.GetValue<int>());
        Assert.Contains("FLEET_API_TOKEN", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Fact]
    public async Task Submit_with_a_wrong_token_is_401_and_creates_no_task()
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = JsonContent.Create(new { instruction = "push the red cup" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OrchestratorHost.Token + "x");

        using var response = await Host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong API token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Fact]
    public async Task Cancel_without_a_token_is_401()
    {
        using var response = await Host.Http.PostAsync("/api/tasks/whatever/cancel", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"instruction\": \"   \"}")]
    [InlineData("{\"instruction\": \"push the cup\", \"robotId\": \"no spaces allowed\"}")]
    [InlineData("{\"instruction\": \"push the cup\", \"robotId\": \"never-registered\"}")]
    public async Task Bad_submissions_are_400_problems_and_create_no_task(string body)
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;

        using var response = await Host.Authorized.PostAsync("/api/tasks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()));
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Fact]
    public async Task A_retried_submission_with_the_same_idempotency_key_returns_the_same_task()
    {
        var key = Guid.NewGuid().ToString();
        async Task<HttpResponseMessage> SubmitAsync(string instruction)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = JsonContent.Create(new { instruction }) };
            request.Headers.Add("Idempotency-Key", key);
            return await Host.Authorized.SendAsync(request);
        }

        using var first = await SubmitAsync("put the red cup on the plate");
        using var retry = await SubmitAsync("put the red cup on the plate");
        using var other = await SubmitAsync("put the blue box on the plate");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var id = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["taskId"]!.GetValue<string>();
        Assert.Equal(id, JsonNode.Parse(await retry.Content.ReadAsStringAsync())!["taskId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Single((await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray(), t => t!["id"]!.GetValue<string>() == id);
    }

    [Theory]
    [InlineData("{\"instruction\": ", "The body is not valid JSON (line 1, position")]
    [InlineData("{\"instruction\": \"push\",\n \"robotId\": }", "(line 2, position")]
    [InlineData("{\"instruction\": 42}", "The body's field 'instruction' has a value of the wrong type (line 1, position")]
    [InlineData("{\"instruction\": \"push\", \"robotId\": [1]}", "field 'robotId' has a value of the wrong type (line 1, position")]
    public async Task A_body_that_is_not_the_json_asked_for_is_a_400_problem_that_says_where(string body, string detail)
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;

        using var response = await Host.Authorized.PostAsync("/api/tasks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var said = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        Assert.Contains(detail, said, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", said, StringComparison.Ordinal);
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Fact]
    public async Task A_unique_start_of_a_task_id_names_the_task_in_every_task_route()
    {
        var task = await FleetApi.SubmitAsync(Host, "push the red cup to the left");

        var byPrefix = await FleetApi.GetAsync(Host.Http, $"/api/tasks/{task[..6]}");
        var events = await FleetApi.EventsAsync(Host.Http, task[..6]);
        using var tooShort = await Host.Http.GetAsync($"/api/tasks/{task[..3]}");
        using var nobody = await Host.Http.GetAsync("/api/tasks/zzzzzz");

        Assert.Equal(task, byPrefix["id"]!.GetValue<string>());
        Assert.Equal("TaskSubmitted", events[0]["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, tooShort.StatusCode);
        Assert.Contains("at least 4 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        Assert.Contains("no task id starts with it", await nobody.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100_000, "100000 characters long; at most 4000 are allowed")]
    [InlineData(3_000, "3000 characters long; the planner takes at most 2000 (Planner:MaxInstructionLength)")]
    public async Task An_instruction_over_the_limit_is_refused_with_the_limit_and_no_internal_names(int length, string detail)
    {
        var before = (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count;

        using var response = await Host.Authorized.PostAsJsonAsync("/api/tasks", new { instruction = new string('a', length) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var said = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>();
        Assert.Contains(detail, said, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Task '", said, StringComparison.Ordinal);
        Assert.Equal(before, (await FleetApi.GetAsync(Host.Http, "/api/tasks")).AsArray().Count);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    public async Task A_stream_position_that_is_not_one_is_a_400_problem_that_says_what_after_is(string after)
    {
        using var response = await Host.Http.GetAsync($"/api/stream?after={after}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"after is '{after}': expected an event position", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_task_and_blob_are_404_problems()
    {
        using var task = await Host.Http.GetAsync("/api/tasks/nosuchtask");
        using var events = await Host.Http.GetAsync("/api/tasks/nosuchtask/events");
        using var blob = await Host.Http.GetAsync("/api/blobs/" + new string('a', 64));
        using var badBlob = await Host.Http.GetAsync("/api/blobs/not-a-hash");
        using var cancel = await Host.Authorized.PostAsync("/api/tasks/nosuchtask/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, task.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, blob.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBlob.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal("application/problem+json", task.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_phase_filter_is_a_400_problem()
    {
        using var response = await Host.Http.GetAsync("/api/tasks?phase=Dancing");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Completed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API()
    {
        var document = await FleetApi.GetAsync(Host.Http, "/openapi/v1.json");

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/tasks", paths);
        Assert.Contains("/api/tasks/{id}/events", paths);
        Assert.Contains("/api/tasks/{id}/cancel", paths);
        Assert.Contains("/api/robots", paths);
        Assert.Contains("/api/stream", paths);
    }
}
