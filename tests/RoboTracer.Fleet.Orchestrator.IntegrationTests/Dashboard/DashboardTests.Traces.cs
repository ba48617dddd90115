using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RoboTracer.Fleet.Testing;
using static Microsoft.Playwright.Assertions;

namespace RoboTracer.Fleet.Orchestrator.IntegrationTests.Dashboard;

/// <summary>
/// Legible traces (issue 21, item 5): start and end markers that stay apart however short the motion, a legend, the
/// bound object outlined and the destination region drawn. Positions are read from the SVG the page draws.
/// </summary>
public sealed partial class DashboardTests
{
    // How far apart, in screen pixels, the start and end markers of a short trace must be in the close-up.
    private const double MinMarkerDistancePx = 40;

    [Fact]
    public Task A_short_trace_is_drawn_as_a_line_between_distinct_start_and_end_markers_with_a_legend() =>
        BrowserSession.RunAsync(fleet, nameof(A_short_trace_is_drawn_as_a_line_between_distinct_start_and_end_markers_with_a_legend), async page =>
        {
            // The fourth object (no other test on robot-3 moves it) is put 16 cm from the second, then onto it. Both
            // stand on the table, so the line between their centres is nearly level: moving along it keeps the height.
            var robot = fleet.Robot("robot-3");
            var (item, destination) = (robot.Labels[3], robot.Labels[1]);
            var (from, to) = (robot.PositionOf(item), robot.PositionOf(destination));
            var moved = to + ((from - to).Normalized() * 0.16);
            var merged = SceneShowsAsync("table-" + robot.Id, item, (moved.X, moved.Y, moved.Z));
            await robot.MoveAsync(item, moved);
            await merged;
            var task = await FleetApi.SubmitAsync(Host, $"put the {item} on the {destination}", robot.Id);
            var done = await FleetApi.WaitForTaskAsync(Host, task, FleetApi.IsTerminal);
            Assert.True(FleetApi.Phase(done) == "Completed", done.ToJsonString());
            var assigned = (await FleetApi.EventsAsync(Host, task)).Last(e => Type(e) == "TraceAssigned")["data"]!;
            var points3D = assigned["points"]!["points3D"]!.AsArray().Select(p => Point3DOf(p!)).ToList();
            var motion = Distance(points3D[0], points3D[^1]);
            Assert.True(motion < 0.25, $"the arrangement should make a short motion; the trace moves the object {motion:0.000} m: {assigned.ToJsonString()}");
            var recorded = assigned["points"]!["points2D"]!.AsArray().Select(p => Point2D(p!)).ToList();

            await page.GotoAsync($"/#/tasks/{task}");
            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");

            // The close-up frames the short trace: its markers are apart on screen, and do not cover each other.
            var closeup = page.GetByTestId("trace-closeup");
            await Expect(closeup).ToBeVisibleAsync();
            var start = await CentreAsync(closeup.GetByTestId("trace-start"));
            var end = await CentreAsync(closeup.GetByTestId("trace-end"));
            var apart = Math.Sqrt(Math.Pow(start.X - end.X, 2) + Math.Pow(start.Y - end.Y, 2));
            Assert.True(apart >= MinMarkerDistancePx, $"the start and end markers are {apart:0.0} px apart in the close-up");
            Assert.True(apart >= (start.Size + end.Size) / 2, $"the markers overlap: {apart:0.0} px apart, {start.Size:0.0} and {end.Size:0.0} px wide");
            // The trace is whole in the close-up (nothing of it cut off at the view's edge).
            var viewBox = ((await closeup.GetAttributeAsync("viewBox"))!).Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.All(recorded, p => Assert.True(
                p.X >= viewBox[0] && p.X <= viewBox[0] + viewBox[2] && p.Y >= viewBox[1] && p.Y <= viewBox[1] + viewBox[3],
                $"trace point ({p.X}, {p.Y}) is outside the close-up's view {string.Join(' ', viewBox)}"));

            // Both views put the markers on the trace's first and last points, in different shapes and colours.
            foreach (var view in new[] { Overlay(page), closeup })
            {
                var startMarker = view.GetByTestId("trace-start");
                var endMarker = view.GetByTestId("trace-end");
                Assert.Equal(recorded[0].X, await NumberAsync(startMarker, "data-x"), 2);
                Assert.Equal(recorded[0].Y, await NumberAsync(startMarker, "data-y"), 2);
                Assert.Equal(recorded[^1].X, await NumberAsync(endMarker, "data-x"), 2);
                Assert.Equal(recorded[^1].Y, await NumberAsync(endMarker, "data-y"), 2);
                Assert.NotEqual(await startMarker.EvaluateAsync<string>("e => e.tagName"), await endMarker.EvaluateAsync<string>("e => e.tagName"));
                Assert.NotEqual(await FillAsync(startMarker), await FillAsync(endMarker));
                await Expect(startMarker.Locator("title")).ToHaveTextAsync(new Regex("^start of the trace"));
                await Expect(endMarker.Locator("title")).ToHaveTextAsync(new Regex("^end of the trace"));
            }

            // The legend says what each mark is, naming the object and the destination.
            var legend = page.GetByTestId("trace-legend");
            await Expect(legend).ToBeVisibleAsync();
            await Expect(legend.GetByTestId("legend-trace")).ToContainTextAsync(motion.ToString("0.00", CultureInfo.InvariantCulture) + " m from start to end");
            await Expect(legend.GetByTestId("legend-start")).ToContainTextAsync("start");
            await Expect(legend.GetByTestId("legend-end")).ToContainTextAsync("end");
            await Expect(legend.GetByTestId("legend-object")).ToHaveTextAsync($"object to move: {item}");
            await Expect(legend.GetByTestId("legend-destination")).ToHaveTextAsync($"destination: {destination}");
        });

    [Fact]
    public Task The_bound_object_is_outlined_and_the_destination_region_drawn_where_their_boxes_project() =>
        BrowserSession.RunAsync(fleet, nameof(The_bound_object_is_outlined_and_the_destination_region_drawn_where_their_boxes_project), async page =>
        {
            var task = await CompletedTwoStepTaskAsync("robot-1");
            // The view shows the last trace: step 2, "put the third object to the left of the second".
            var assigned = (await FleetApi.EventsAsync(Host, task)).Last(e => Type(e) == "TraceAssigned")["data"]!;
            var intrinsics = assigned["frame"]!["intrinsics"]!;

            await page.GotoAsync($"/#/tasks/{task}");
            await Expect(page.GetByTestId("detail-phase")).ToHaveTextAsync("Completed");

            var objectOutline = Overlay(page).GetByTestId("object-outline");
            var destinationRegion = Overlay(page).GetByTestId("destination-region");
            await Expect(objectOutline).ToHaveCountAsync(1);
            await Expect(destinationRegion).ToHaveCountAsync(1);
            // A box's outline is the hull of its projected corners, so it holds the projection of the box's centre;
            // the object's and the destination's are different boxes, drawn differently.
            var objectPolygon = ParsePoints((await objectOutline.GetAttributeAsync("points"))!);
            var destinationPolygon = ParsePoints((await destinationRegion.GetAttributeAsync("points"))!);
            Assert.True(objectPolygon.Count >= 4, $"the object outline has {objectPolygon.Count} corners");
            Assert.True(destinationPolygon.Count >= 4, $"the destination region has {destinationPolygon.Count} corners");
            var objectCentre = Project(Point3DOf(assigned["object"]!["box"]!["center"]!), intrinsics);
            var destinationCentre = Project(Point3DOf(assigned["destination"]!["box"]!["center"]!), intrinsics);
            Assert.True(Inside(objectPolygon, objectCentre), $"the object outline {Describe(objectPolygon)} misses its centre {objectCentre}");
            Assert.True(Inside(destinationPolygon, destinationCentre), $"the destination region {Describe(destinationPolygon)} misses its centre {destinationCentre}");
            Assert.NotEqual(Describe(objectPolygon), Describe(destinationPolygon));
            Assert.NotEqual(
                await objectOutline.EvaluateAsync<string>("e => getComputedStyle(e).stroke"),
                await destinationRegion.EvaluateAsync<string>("e => getComputedStyle(e).stroke"));
            await Expect(objectOutline.Locator("title")).ToContainTextAsync(assigned["object"]!["label"]!.GetValue<string>());
            await Expect(destinationRegion.Locator("title")).ToContainTextAsync(assigned["destination"]!["label"]!.GetValue<string>());
            await Expect(page.GetByTestId("legend-object")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("legend-destination")).ToBeVisibleAsync();
        });

    [Fact]
    public Task The_close_up_parts_the_markers_of_a_one_pixel_motion_and_frames_a_trace_that_leaves_the_image_whole() =>
        BrowserSession.RunAsync(fleet, nameof(The_close_up_parts_the_markers_of_a_one_pixel_motion_and_frames_a_trace_that_leaves_the_image_whole), async page =>
        {
            await page.GotoAsync("/");

            // The page's own module, in the page: the close-up region for a trace and for a 320x240 frame, and how
            // far apart (screen pixels, in a 320-pixel-wide close-up) it puts the trace's ends.
            var result = await page.EvaluateAsync<JsonElement>("""
                async () => {
                  const { closeupRegion } = await import('/trace-view.js');
                  const ends = (points, region) => Math.hypot(points.at(-1)[0] - points[0][0], points.at(-1)[1] - points[0][1]) * 320 / region.width;
                  const tiny = [[150, 120], [150.8, 120.6]];
                  const leaving = [[300, 100], [340, 60], [360, 120]];
                  const whole = [[10, 10], [310, 230]];
                  const near = closeupRegion(tiny, 320, 240);
                  const out = closeupRegion(leaving, 320, 240);
                  return {
                    apart: ends(tiny, near),
                    outside: leaving.filter(([x, y]) => x < out.x || x > out.x + out.width || y < out.y || y > out.y + out.height).length,
                    aspect: out.width / out.height,
                    whole: closeupRegion(whole, 320, 240),
                  };
                }
                """);

            // One image pixel of motion: the markers (14 px across) are drawn apart.
            Assert.True(result.GetProperty("apart").GetDouble() >= 2 * 7, $"a one-pixel motion is {result.GetProperty("apart").GetDouble():0.0} px long in the close-up");
            // A trace that runs off the frame is framed whole, in the frame's shape.
            Assert.Equal(0, result.GetProperty("outside").GetInt32());
            Assert.Equal(320.0 / 240, result.GetProperty("aspect").GetDouble(), 6);
            // A trace across the whole frame needs no close-up.
            Assert.Equal(JsonValueKind.Null, result.GetProperty("whole").ValueKind);
        });

    /// <summary>
    /// Completes once scene memory has merged an observation with <paramref name="label"/> at <paramref name="at"/>.
    /// Observations are merged in a lane of their own that can run seconds behind on a loaded machine, and a task
    /// traced before the merge would move the object from where it was. Started before the move: the stream opens
    /// at its head, and the robot repeats the moved object in every observation after the move.
    /// </summary>
    private async Task SceneShowsAsync(string scene, string label, (double X, double Y, double Z) at)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await foreach (var e in SseReader.ReadAsync(Host.Http, "/api/stream", cancellationToken: timeout.Token))
            {
                if (e.Data["stream"]?.GetValue<string>() == "scene-" + scene && Type(e.Data) == "SceneObservationMerged"
                    && e.Data["data"]!["objects"]!.AsArray().Any(o => o!["label"]!.GetValue<string>() == label && Distance(Point3DOf(o["box"]!["center"]!), at) < 1e-6))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new TimeoutException($"scene memory of {scene} never showed the {label} at {at}");
    }

    private static async Task<(double X, double Y, double Size)> CentreAsync(ILocator marker)
    {
        var box = await marker.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException("a marker is not rendered");
        return (box.X + (box.Width / 2), box.Y + (box.Height / 2), Math.Max(box.Width, box.Height));
    }

    private static async Task<double> NumberAsync(ILocator element, string attribute) =>
        double.Parse((await element.GetAttributeAsync(attribute))!, CultureInfo.InvariantCulture);

    private static Task<string> FillAsync(ILocator element) => element.EvaluateAsync<string>("e => getComputedStyle(e).fill");

    private static (double X, double Y, double Z) Point3DOf(JsonNode point) => point is JsonArray xyz
        ? (xyz[0]!.GetValue<double>(), xyz[1]!.GetValue<double>(), xyz[2]!.GetValue<double>())
        : (point["x"]!.GetValue<double>(), point["y"]!.GetValue<double>(), point["z"]!.GetValue<double>());

    private static double Distance((double X, double Y, double Z) a, (double X, double Y, double Z) b) =>
        Math.Sqrt(Math.Pow(a.X - b.X, 2) + Math.Pow(a.Y - b.Y, 2) + Math.Pow(a.Z - b.Z, 2));

    // The pinhole projection of DESIGN.md §5, from the intrinsics recorded with the frame.
    private static (double X, double Y) Project((double X, double Y, double Z) p, JsonNode k) =>
        ((k["fx"]!.GetValue<double>() * p.X / p.Z) + k["cx"]!.GetValue<double>(), (k["fy"]!.GetValue<double>() * p.Y / p.Z) + k["cy"]!.GetValue<double>());

    // Inside a convex polygon: the point is on the same side of every edge.
    private static bool Inside(List<(double X, double Y)> polygon, (double X, double Y) p)
    {
        var sides = polygon.Select((a, i) =>
        {
            var b = polygon[(i + 1) % polygon.Count];
            return Math.Sign(((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X)));
        }).Where(s => s != 0).Distinct().Count();
        return sides <= 1;
    }

    private static string Describe(List<(double X, double Y)> polygon) =>
        string.Join(' ', polygon.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:0.#},{p.Y:0.#}")));
}
