using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RoboTracer.Fleet.Contracts.V1;
using RoboTracer.Fleet.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests.Dashboard;

/// <summary>
/// The dashboard (issue 7) in a real browser against a real orchestrator: fleet view, live task progress through
/// the page, the trace drawn over the frame, and replay. Every wait is a Playwright expectation that polls until
/// it holds; nothing sleeps.
/// </summary>
public sealed partial class DashboardTests(DashboardFixture fleet) : IClassFixture<DashboardFixture>
{
    private OrchestratorHost Host => fleet.Host;

    [Fact]
    public Task The_fleet_view_shows_the_four_simulated_robots_online() =>
        BrowserSession.RunAsync(fleet, nameof(The_fleet_view_shows_the_four_simulated_robots_online), async page =>
        {
            await page.GotoAsync("/");

            await Expect(page.GetByTestId("robot-row")).ToHaveCountAsync(4);
            foreach (var id in new[] { "robot-1", "robot-2", "robot-3", "robot-4" })
            {
                var row = RobotRow(page, id);
                await Expect(row.GetByTestId("robot-connection")).ToHaveTextAsync("Online");
                // The scripted robots report 90 % battery with every heartbeat.
                await Expect(row.GetByTestId("robot-battery")).ToHaveTextAsync("90%");
                await Expect(row.GetByTestId("robot-heartbeat")).ToHaveTextAsync(SecondsAgo());
            }
            await Expect(page.GetByTestId("fleet-count")).ToHaveTextAsync("4 of 4 online");
        });

    [Fact]
    public Task Submitting_an_instruction_from_the_page_shows_the_task_progressing_live() =>
        BrowserSession.RunAsync(fleet, nameof(Submitting_an_instruction_from_the_page_shows_the_task_progressing_live), async page =>
        {
            var robot = fleet.Robot(DashboardFixture.ManualRobot);
            await page.GotoAsync("/");
            await Expect(page.GetByTestId("stream-status")).ToHaveTextAsync("live");
            await Expect(RobotRow(page, robot.Id)).ToHaveCountAsync(1);
            // A reload would drop this marker: the updates below must come over the open stream.
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");

            await page.GetByTestId("token").FillAsync(OrchestratorHost.Token);
            await page.GetByTestId("instruction").FillAsync(TwoStepInstruction(robot));
            await page.GetByTestId("submit-robot").SelectOptionAsync(robot.Id);
            await page.GetByTestId("submit").ClickAsync();

            var submitted = page.GetByTestId("submitted-task");
            await Expect(submitted).ToHaveCountAsync(1);
            var task = (await submitted.GetAttributeAsync("data-task-id"))!;
            var row = TaskRow(page, task);
            var first = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace, task))).ExecuteTrace;
            await Expect(row.GetByTestId("task-phase")).ToHaveTextAsync("Assigned");
            await Expect(row.GetByTestId("task-robot")).ToHaveTextAsync(robot.Id);
            await Expect(row.GetByTestId("task-step")).ToHaveTextAsync("step 1 of 2 (Executing)");

            await robot.ExecuteAsync(first);
            var second = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace, task))).ExecuteTrace;
            await Expect(row.GetByTestId("task-step")).ToHaveTextAsync("step 2 of 2 (Executing)");

            await robot.ExecuteAsync(second);
            await Expect(row.GetByTestId("task-phase")).ToHaveTextAsync("Completed");
            await Expect(row.GetByTestId("task-step")).ToHaveTextAsync("2 of 2 done");
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page reloaded; the progress must arrive live");
            Assert.Equal(OrchestratorHost.Token, await page.EvaluateAsync<string>("() => localStorage.getItem('robotracer.fleet.token')"));
        });

    [Fact]
    public Task Cancelling_from_the_task_detail_stops_the_task() =>
        BrowserSession.RunAsync(fleet, nameof(Cancelling_from_the_task_detail_stops_the_task), async page =>
        {
            var robot = fleet.Robot(DashboardFixture.ManualRobot);
            var task = await FleetApi.SubmitAsync(Host, TwoStepInstruction(robot), robot.Id);
            var held = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace, task))).ExecuteTrace;

            await page.GotoAsync($"/#/tasks/{task}");
            await page.GetByTestId("token").FillAsync(OrchestratorHost.Token);
            await Expect(StepPhases(page)).ToHaveTextAsync(["Executing", "Pending"]);
            await page.GetByTestId("cancel").ClickAsync();

            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Cancelled");
            // The steps end with their task, live as in the API: the one under way cancelled, the next never run.
            await Expect(StepPhases(page)).ToHaveTextAsync(["Cancelled", "Skipped"]);
            await Expect(TaskRow(page, task).GetByTestId("task-phase")).ToHaveTextAsync("Cancelled");
            await Expect(page.GetByTestId("cancel")).ToBeHiddenAsync();
            var stop = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.CancelStep, task))).CancelStep;
            Assert.Equal(held.TraceId, stop.TraceId);
        });

    [Fact]
    public Task The_task_detail_draws_the_trace_polyline_over_the_frame_the_tracer_saw() =>
        BrowserSession.RunAsync(fleet, nameof(The_task_detail_draws_the_trace_polyline_over_the_frame_the_tracer_saw), async page =>
        {
            var task = await CompletedTwoStepTaskAsync("robot-1");
            var lastTrace = (await FleetApi.EventsAsync(Host, task)).Last(e => Type(e) == "TraceAssigned")["data"]!;

            await page.GotoAsync($"/#/tasks/{task}");

            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");
            var image = page.GetByTestId("trace-image");
            await Expect(image).ToHaveAttributeAsync("src", $"/api/blobs/{lastTrace["frame"]!["rgb"]!.GetValue<string>()}");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=trace-image]')?.naturalWidth === 320");
            await Expect(page.GetByTestId("trace-overlay")).ToHaveAttributeAsync("viewBox", "0 0 320 240");
            var polyline = Overlay(page).GetByTestId("trace-polyline");
            await Expect(polyline).ToHaveCountAsync(1);

            var drawn = ParsePoints((await polyline.GetAttributeAsync("points"))!);
            var recorded = lastTrace["points"]!["points2D"]!.AsArray().Select(p => Point2D(p!)).ToList();
            Assert.True(drawn.Count >= 2, $"the polyline has {drawn.Count} points");
            Assert.Equal(recorded.Count, drawn.Count);
            Assert.All(drawn.Zip(recorded), pair =>
            {
                Assert.Equal(pair.Second.X, pair.First.X, 3);
                Assert.Equal(pair.Second.Y, pair.First.Y, 3);
            });
            // The overlay covers the image exactly, so pixel coordinates land on the right pixels.
            var imageBox = (await image.BoundingBoxAsync())!;
            var overlayBox = (await page.GetByTestId("trace-overlay").BoundingBoxAsync())!;
            Assert.Equal(imageBox.X, overlayBox.X, 0.5);
            Assert.Equal(imageBox.Y, overlayBox.Y, 0.5);
            Assert.Equal(imageBox.Width, overlayBox.Width, 0.5);
            Assert.Equal(imageBox.Height, overlayBox.Height, 0.5);
        });

    [Fact]
    public Task Replay_scrubbed_to_an_earlier_position_shows_the_earlier_step_states_and_play_reaches_the_end() =>
        BrowserSession.RunAsync(fleet, nameof(Replay_scrubbed_to_an_earlier_position_shows_the_earlier_step_states_and_play_reaches_the_end), async page =>
        {
            var task = await CompletedTwoStepTaskAsync("robot-2");
            var events = await FleetApi.EventsAsync(Host, task);
            // The moment step 1 succeeded: step 2 has not started yet.
            var index = events.FindIndex(e => Type(e) == "StepSucceeded" && e["data"]!["stepIndex"]!.GetValue<int>() == 0);
            var position = events[index]["position"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);
            var end = events[^1]["position"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture);

            await page.GotoAsync($"/#/tasks/{task}");
            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");
            await Expect(StepPhases(page)).ToHaveTextAsync(["Succeeded", "Succeeded"]);

            await page.GetByTestId("scrubber").FillAsync(index.ToString(CultureInfo.InvariantCulture));

            await Expect(page.GetByTestId("replay-position")).ToHaveTextAsync(position);
            await Expect(page.GetByTestId("detail-mode")).ToHaveTextAsync("replay");
            await Expect(StepPhases(page)).ToHaveTextAsync(["Succeeded", "Pending"]);
            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Assigned");
            await Expect(page).ToHaveURLAsync(new Regex($"#/tasks/{task}\\?at={position}$"));

            await page.GetByTestId("speed").SelectOptionAsync("50");
            await page.GetByTestId("play").ClickAsync();

            await Expect(page.GetByTestId("replay-position")).ToHaveTextAsync(end);
            await Expect(StepPhases(page)).ToHaveTextAsync(["Succeeded", "Succeeded"]);
            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");
            await Expect(page.GetByTestId("play")).ToHaveTextAsync("Play");
        });

    [Fact]
    public Task A_deep_link_to_a_position_opens_the_replay_at_that_moment() =>
        BrowserSession.RunAsync(fleet, nameof(A_deep_link_to_a_position_opens_the_replay_at_that_moment), async page =>
        {
            var task = await CompletedTwoStepTaskAsync("robot-3");
            var events = await FleetApi.EventsAsync(Host, task);
            // While step 1's first trace was being computed: no trace to draw yet.
            var requested = events.First(e => Type(e) == "TraceRequested")["position"]!.GetValue<long>();

            // A short id, as the CLI shows it: the page takes it and goes on under the full id.
            await page.GotoAsync($"/#/tasks/{task[..8]}?at={requested}");

            await Expect(page).ToHaveURLAsync(new Regex($"#/tasks/{task}\\?at={requested}$"));
            await Expect(page.GetByTestId("replay-position")).ToHaveTextAsync(requested.ToString(CultureInfo.InvariantCulture));
            await Expect(StepPhases(page)).ToHaveTextAsync(["AwaitingTrace", "Pending"]);
            await Expect(page.GetByTestId("no-trace")).ToHaveCountAsync(1);
            await Expect(page.GetByTestId("trace-polyline")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("trace-legend")).ToBeHiddenAsync();
            await Expect(page.GetByTestId("trace-closeup")).ToHaveCountAsync(0);
        });

    [Fact]
    public Task A_scene_change_shows_why_the_step_was_requeried_and_the_replaced_trace_beside_the_new_one() =>
        BrowserSession.RunAsync(fleet, nameof(A_scene_change_shows_why_the_step_was_requeried_and_the_replaced_trace_beside_the_new_one), async page =>
        {
            var robot = fleet.Robot(DashboardFixture.ManualRobot);
            // The fourth object: no other test on this robot moves it, so it is not already on its destination.
            var (item, destination) = (robot.Labels[3], robot.Labels[2]);
            var task = await FleetApi.SubmitAsync(Host, $"put the {item} on the {destination}", robot.Id);
            var first = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace, task))).ExecuteTrace;
            await robot.ReportAsync(first, StepState.Executing, 0.3);
            // The destination moves 20 cm mid-step: the trace ends in the wrong place and is re-queried.
            var at = robot.PositionOf(destination);
            await robot.MoveAsync(destination, at with { X = at.X + 0.2 });
            var second = (await FleetApi.ExpectAsync(Host, task, robot.NextAsync(OrchestratorMessage.BodyOneofCase.ExecuteTrace, task))).ExecuteTrace;
            await robot.ExecuteAsync(second);
            await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);
            var history = string.Join("; ", (await FleetApi.EventsAsync(Host, task)).Select(e => $"{Type(e)} {e["data"]!.ToJsonString()}"));

            await page.GotoAsync($"/#/tasks/{task}");

            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");
            await Expect(page.GetByTestId("step-requeries")).ToContainTextAsync($"re-queried: scene changed: destination {destination} moved");
            await Expect(page.GetByTestId("step-requeries")).ToContainTextAsync("after scene change");
            var replaced = Overlay(page).GetByTestId("trace-superseded");
            var current = Overlay(page).GetByTestId("trace-polyline");
            await Expect(replaced).ToHaveCountAsync(1);
            await Expect(current).ToHaveCountAsync(1);
            var replacedPoints = (await replaced.GetAttributeAsync("points"))!;
            var currentPoints = await current.GetAttributeAsync("points");
            Assert.True(replacedPoints != currentPoints, $"the replaced and the new trace are drawn the same; the task's history: {history}");
            Assert.NotEqual(
                await replaced.EvaluateAsync<string>("e => getComputedStyle(e).stroke"),
                await current.EvaluateAsync<string>("e => getComputedStyle(e).stroke"));
        });

    private async Task<string> CompletedTwoStepTaskAsync(string robotId)
    {
        var task = await FleetApi.SubmitAsync(Host, TwoStepInstruction(fleet.Robot(robotId)), robotId);
        var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);
        Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
        return task;
    }

    private static string TwoStepInstruction(TestRobot robot) =>
        $"put the {robot.Labels[0]} on the {robot.Labels[1]}, then put the {robot.Labels[2]} to the left of the {robot.Labels[1]}";

    private static ILocator RobotRow(IPage page, string robot) => page.Locator($"[data-testid=robot-row][data-robot-id='{robot}']");

    private static ILocator TaskRow(IPage page, string task) => page.Locator($"[data-testid=task-row][data-task-id='{task}']");

    // The frame view; the close-up (when shown) draws the same marks again.
    private static ILocator Overlay(IPage page) => page.GetByTestId("trace-overlay");

    private static ILocator StepPhases(IPage page) => page.GetByTestId("step-row").GetByTestId("step-phase");

    private static string Type(JsonNode recorded) => recorded["type"]!.GetValue<string>();

    // 2D points are stored as [x, y]; {x, y} is accepted too, so this test does not pin the compact form.
    private static (double X, double Y) Point2D(JsonNode point) => point is JsonArray pair
        ? (pair[0]!.GetValue<double>(), pair[1]!.GetValue<double>())
        : (point["x"]!.GetValue<double>(), point["y"]!.GetValue<double>());

    private static List<(double X, double Y)> ParsePoints(string points) =>
        points.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToList();

    [GeneratedRegex(@"^\d+(\.\d)? s$")]
    private static partial Regex SecondsAgo();
}
